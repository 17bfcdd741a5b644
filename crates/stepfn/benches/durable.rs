//! Benchmark of durable STANDARD executions against the real `stepfn serve` binary.
//!
//! 1. Throughput: 20,000 executions of a 10-Pass-state STANDARD machine started (64 clients over
//!    keep-alive connections) and completed; executions/s and durable state transitions/s.
//! 2. Waiting: 100,000 executions in a 60-second Wait state; the server's resident memory while
//!    they all wait, and how late they resume (from their histories, for a sample).
//!
//! Run: `cargo bench -p stepfn --bench durable` (SQLite in a temporary directory). With
//! `STEPFN_BENCH_STORE=postgres://…` the same runs on PostgreSQL. `STEPFN_BENCH_ONLY=throughput`
//! or `=waiting` runs one part; `STEPFN_BENCH_EXECUTIONS` / `STEPFN_BENCH_WAITING` change the
//! counts. Targets (SQLite, 2 cores): 2,000 executions/s; 100,000 waiting in at most 500 MiB.

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::{chain, create_machine, start_many, wait_until_done, Connection, Server};

const WAIT_SECONDS: i64 = 60;

async fn throughput(count: usize) {
    let server = Server::start();
    let definition = chain(
        "P",
        10,
        |i| json!({"Type": "Pass", "Parameters": {"step": i, "n.$": "$.n"}}),
    );
    let machine = create_machine(server.port, "bench-pass10", definition).await;
    let t = Instant::now();
    let arns = start_many(server.port, &machine, count, "{\"n\": 1}").await;
    let started = t.elapsed();
    let done = wait_until_done(server.port, &machine, Duration::from_secs(600)).await;
    let secs = (done - t).as_secs_f64();
    // Every one of them succeeded.
    let mut conn = Connection::new(server.port);
    for arn in arns.iter().step_by((count / 100).max(1)) {
        let d = conn
            .call("DescribeExecution", &json!({"executionArn": arn}))
            .await;
        assert_eq!(d["status"], "SUCCEEDED", "{d}");
    }
    let rate = count as f64 / secs;
    println!(
        "throughput: {count} executions of 10 Pass states started in {:.2}s, all completed in {secs:.2}s",
        started.as_secs_f64()
    );
    println!(
        "throughput: {rate:>8.0} executions/s, {:>8.0} durable state transitions/s (target 2000 executions/s) {}",
        rate * 10.0,
        if rate >= 2000.0 { "ok" } else { "BELOW TARGET" }
    );
    println!(
        "throughput: server memory {:.0} MiB (peak {:.0} MiB)",
        server.memory_mib().0,
        server.memory_mib().1
    );
}

async fn waiting(count: usize) {
    let server = Server::start();
    let machine = create_machine(
        server.port,
        "bench-wait",
        json!({"StartAt": "W", "States": {
            "W": {"Type": "Wait", "Seconds": WAIT_SECONDS, "Next": "P"},
            "P": {"Type": "Pass", "End": true}}}),
    )
    .await;
    let t = Instant::now();
    let arns = start_many(server.port, &machine, count, "{}").await;
    let started = t.elapsed();
    println!(
        "waiting: {count} executions started in {:.1}s ({:.0}/s)",
        started.as_secs_f64(),
        count as f64 / started.as_secs_f64()
    );
    assert!(
        started.as_secs() < WAIT_SECONDS as u64,
        "starting took longer than the wait"
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (rss, _) = server.memory_mib();
    println!(
        "waiting: server memory with {count} executions waiting: {rss:.0} MiB (target at most 500 MiB) {}",
        if rss <= 500.0 { "ok" } else { "ABOVE TARGET" }
    );
    wait_until_done(
        server.port,
        &machine,
        Duration::from_secs(WAIT_SECONDS as u64 + 600),
    )
    .await;
    // Lateness: WaitStateExited minus (WaitStateEntered + the wait), from a sample of histories.
    let mut conn = Connection::new(server.port);
    let mut late = Vec::new();
    for arn in arns.iter().step_by((count / 2000).max(1)) {
        let h = conn
            .call("GetExecutionHistory", &json!({"executionArn": arn}))
            .await;
        let events = h["events"].as_array().cloned().unwrap_or_default();
        let at = |t: &str| {
            events
                .iter()
                .find(|e| e["type"] == t)
                .and_then(|e| e["timestamp"].as_f64())
        };
        let (Some(entered), Some(exited)) = (at("WaitStateEntered"), at("WaitStateExited")) else {
            panic!("{arn} did not wait: {h}");
        };
        late.push(exited - entered - WAIT_SECONDS as f64);
        let status = events.last().map(|e| e["type"].clone());
        assert_eq!(status, Some(json!("ExecutionSucceeded")));
    }
    late.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| late[((late.len() - 1) as f64 * p) as usize];
    println!(
        "waiting: all {count} resumed and succeeded; lateness over {} sampled: median {:.3}s, p99 {:.3}s, max {:.3}s",
        late.len(),
        pct(0.5),
        pct(0.99),
        pct(1.0)
    );
    println!(
        "waiting: server memory peak {:.0} MiB",
        server.memory_mib().1
    );
}

fn main() {
    support::run_parts(20_000, 100_000, throughput, waiting);
}
