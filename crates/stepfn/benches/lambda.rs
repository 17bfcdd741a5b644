//! Benchmark of Task states that call Lambda, against the real `stepfn serve` binary on the
//! SQLite store and a minimal Lambda endpoint in this process that echoes its payload (it counts
//! the invocations that came signed with SigV4).
//!
//! 1. Throughput: 5,000 STANDARD executions of 5 `lambda:invoke` tasks in a row (each passes
//!    `$` as the payload and keeps `$.Payload`), started by 64 clients over keep-alive
//!    connections; executions/s. Target (2 cores): 1,000 executions/s.
//! 2. Waiting: 100,000 STANDARD executions waiting on `lambda:invoke.waitForTaskToken` (the
//!    function got the token); the server's resident memory while they all wait, then a sample
//!    of them completed with SendTaskSuccess. Target: at most 300 MiB.
//!
//! Run: `cargo bench -p stepfn --bench lambda`. `STEPFN_BENCH_ONLY=throughput|waiting` runs one
//! part; `STEPFN_BENCH_EXECUTIONS` / `STEPFN_BENCH_WAITING` change the counts.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use serde_json::{json, Value};
use support::{chain, create_machine, start_many, wait_until_done, Connection, Server};

#[derive(Default)]
struct Counts {
    invocations: AtomicUsize,
    signed: AtomicUsize,
}

/// The Lambda endpoint: Invoke answers the payload it was given.
async fn start_echo(counts: Arc<Counts>) -> String {
    let app = axum::Router::new().route(
        "/2015-03-31/functions/{name}/invocations",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let counts = counts.clone();
            async move {
                counts.invocations.fetch_add(1, Ordering::Relaxed);
                let signed = headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|a| a.starts_with("AWS4-HMAC-SHA256 Credential=bench/"));
                if signed {
                    counts.signed.fetch_add(1, Ordering::Relaxed);
                }
                (
                    [
                        ("content-type", "application/json"),
                        ("x-amz-executed-version", "$LATEST"),
                        ("x-amzn-requestid", "00000000-0000-0000-0000-000000000000"),
                    ],
                    body,
                )
                    .into_response()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

fn server(echo: &str) -> Server {
    Server::start_with(&[
        ("AWS_ENDPOINT_URL_LAMBDA", echo),
        ("AWS_ACCESS_KEY_ID", "bench"),
        ("AWS_SECRET_ACCESS_KEY", "bench-secret"),
        ("AWS_REGION", "us-east-1"),
    ])
}

async fn throughput(count: usize) {
    let counts = Arc::new(Counts::default());
    let echo = start_echo(counts.clone()).await;
    let server = server(&echo);
    let definition = chain("L", 5, |_| {
        json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "echo", "Payload.$": "$"},
            "OutputPath": "$.Payload"})
    });
    let machine = create_machine(server.port, "bench-lambda5", definition).await;
    let t = Instant::now();
    let arns = start_many(server.port, &machine, count, "{\"n\": 1}").await;
    let done = wait_until_done(server.port, &machine, Duration::from_secs(600)).await;
    let secs = (done - t).as_secs_f64();
    let mut conn = Connection::new(server.port);
    for arn in arns.iter().step_by((count / 100).max(1)) {
        let d = conn
            .call("DescribeExecution", &json!({"executionArn": arn}))
            .await;
        assert_eq!(d["status"], "SUCCEEDED", "{d}");
        assert_eq!(d["output"], "{\"n\":1}", "{d}");
    }
    let invoked = counts.invocations.load(Ordering::Relaxed);
    assert_eq!(invoked, count * 5, "every task invoked the function once");
    assert_eq!(
        counts.signed.load(Ordering::Relaxed),
        invoked,
        "every call was signed"
    );
    let rate = count as f64 / secs;
    println!(
        "throughput: {count} executions of 5 lambda:invoke tasks completed in {secs:.2}s; {invoked} invocations, all signed"
    );
    println!(
        "throughput: {rate:>8.0} executions/s, {:>8.0} Lambda calls/s (target 1000 executions/s) {}",
        rate * 5.0,
        if rate >= 1000.0 { "ok" } else { "BELOW TARGET" }
    );
    let (rss, peak) = server.memory_mib();
    println!("throughput: server memory {rss:.0} MiB (peak {peak:.0} MiB)");
}

async fn waiting(count: usize) {
    let counts = Arc::new(Counts::default());
    let echo = start_echo(counts.clone()).await;
    let server = server(&echo);
    let machine = create_machine(
        server.port,
        "bench-callback",
        json!({"StartAt": "T", "States": {"T": {"Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
            "Parameters": {"FunctionName": "echo", "Payload": {"token.$": "$$.Task.Token"}},
            "End": true}}}),
    )
    .await;
    let t = Instant::now();
    let arns = start_many(server.port, &machine, count, "{}").await;
    let started = t.elapsed();
    // Every function got its token.
    let deadline = Instant::now() + Duration::from_secs(300);
    while counts.invocations.load(Ordering::Relaxed) < count {
        assert!(
            Instant::now() < deadline,
            "not every task invoked its function"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (rss, _) = server.memory_mib();
    println!(
        "waiting: {count} executions started in {:.1}s ({:.0}/s), every function invoked",
        started.as_secs_f64(),
        count as f64 / started.as_secs_f64()
    );
    println!(
        "waiting: server memory with {count} executions waiting on their task tokens: {rss:.0} MiB (target at most 300 MiB) {}",
        if rss <= 300.0 { "ok" } else { "ABOVE TARGET" }
    );
    // A sample answered with the token their function was given.
    let mut conn = Connection::new(server.port);
    let sample: Vec<&String> = arns.iter().step_by((count / 100).max(1)).collect();
    for arn in &sample {
        let h = conn
            .call("GetExecutionHistory", &json!({"executionArn": arn}))
            .await;
        let events = h["events"].as_array().cloned().unwrap_or_default();
        let submitted = events
            .iter()
            .find(|e| e["type"] == "TaskSubmitted")
            .unwrap_or_else(|| panic!("{arn} was not submitted: {h}"));
        let output: Value = serde_json::from_str(
            submitted["taskSubmittedEventDetails"]["output"]
                .as_str()
                .unwrap_or("{}"),
        )
        .unwrap_or(Value::Null);
        let token = output["Payload"]["token"].as_str().expect("token");
        let answer = conn
            .call(
                "SendTaskSuccess",
                &json!({"taskToken": token, "output": "{\"ok\":true}"}),
            )
            .await;
        assert!(answer.get("__type").is_none(), "{answer}");
    }
    for arn in &sample {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let d = conn
                .call("DescribeExecution", &json!({"executionArn": arn}))
                .await;
            if d["status"] == "SUCCEEDED" {
                break;
            }
            assert!(Instant::now() < deadline, "{arn} did not end: {d}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    println!(
        "waiting: {} sampled executions answered with SendTaskSuccess and succeeded; server memory peak {:.0} MiB",
        sample.len(),
        server.memory_mib().1
    );
}

fn main() {
    support::run_parts(5_000, 100_000, throughput, waiting);
}
