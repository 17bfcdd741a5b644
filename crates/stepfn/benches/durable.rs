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

use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const CLIENTS: usize = 64;
const WAIT_SECONDS: i64 = 60;

/// One keep-alive HTTP/1.1 connection speaking the AWS JSON 1.0 protocol.
struct Connection {
    port: u16,
    stream: Option<BufReader<TcpStream>>,
}

impl Connection {
    fn new(port: u16) -> Self {
        Connection { port, stream: None }
    }

    async fn call(&mut self, target: &str, body: &Value) -> Value {
        for attempt in 0..5 {
            match self.try_call(target, body).await {
                Ok(v) => return v,
                Err(e) => {
                    self.stream = None;
                    if attempt == 4 {
                        panic!("{target}: {e}");
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
        unreachable!()
    }

    async fn try_call(&mut self, target: &str, body: &Value) -> std::io::Result<Value> {
        if self.stream.is_none() {
            let s = TcpStream::connect(("127.0.0.1", self.port)).await?;
            s.set_nodelay(true)?;
            self.stream = Some(BufReader::new(s));
        }
        let stream = self.stream.as_mut().expect("connected");
        let body = body.to_string();
        let request = format!(
            "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: AWSStepFunctions.{target}\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.get_mut().write_all(request.as_bytes()).await?;
        let mut length = 0usize;
        let mut line = String::new();
        loop {
            line.clear();
            if stream.read_line(&mut line).await? == 0 {
                return Err(std::io::Error::other("connection closed"));
            }
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((name, value)) = l.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut buf = vec![0; length];
        stream.read_exact(&mut buf).await?;
        Ok(serde_json::from_slice(&buf).unwrap_or(Value::Null))
    }
}

struct Server {
    child: Child,
    port: u16,
    _dir: Option<TempDir>,
}

struct TempDir(std::path::PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Server {
    fn start() -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let (store, dir) = match std::env::var("STEPFN_BENCH_STORE") {
            Ok(s) => (s, None),
            Err(_) => {
                let dir = std::env::temp_dir().join(format!("stepfn-bench-{}", std::process::id()));
                let _ = std::fs::remove_dir_all(&dir);
                std::fs::create_dir_all(&dir).expect("temp dir");
                (
                    format!("sqlite:{}", dir.join("stepfn.db").display()),
                    Some(TempDir(dir)),
                )
            }
        };
        let child = Command::new(env!("CARGO_BIN_EXE_stepfn"))
            .args([
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--store",
                &store,
            ])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start stepfn");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "stepfn did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        println!("store: {store}");
        Server {
            child,
            port,
            _dir: dir,
        }
    }

    /// Resident memory of the server process, in MiB (and its peak).
    fn memory_mib(&self) -> (f64, f64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
                .map_or(0.0, |kb| kb / 1024.0)
        };
        (field("VmRSS:"), field("VmHWM:"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn create_machine(port: u16, name: &str, definition: Value) -> String {
    // A shared (PostgreSQL) store keeps earlier runs: names of this run's own.
    let name = format!("{name}-{}", std::process::id());
    let created = Connection::new(port)
        .call(
            "CreateStateMachine",
            &json!({"name": name, "roleArn": "arn:aws:iam::123456789012:role/bench",
                    "definition": definition.to_string()}),
        )
        .await;
    created["stateMachineArn"]
        .as_str()
        .unwrap_or_else(|| panic!("create: {created}"))
        .to_string()
}

/// Starts `count` executions from CLIENTS concurrent connections; returns their ARNs.
async fn start_many(port: u16, machine: &str, count: usize, input: &str) -> Vec<String> {
    let next = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let next = next.clone();
            let machine = machine.to_string();
            let input = input.to_string();
            tokio::spawn(async move {
                let mut conn = Connection::new(port);
                let mut arns = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= count {
                        return arns;
                    }
                    let out = conn
                        .call(
                            "StartExecution",
                            &json!({"stateMachineArn": machine, "name": format!("e{i}"), "input": input}),
                        )
                        .await;
                    match out["executionArn"].as_str() {
                        Some(a) => arns.push(a.to_string()),
                        None => panic!("start: {out}"),
                    }
                }
            })
        })
        .collect();
    let mut arns = Vec::with_capacity(count);
    for t in tasks {
        arns.extend(t.await.expect("client"));
    }
    arns
}

/// Waits until none of the machine's executions is RUNNING.
async fn wait_until_done(port: u16, machine: &str, timeout: Duration) -> Instant {
    let mut conn = Connection::new(port);
    let deadline = Instant::now() + timeout;
    loop {
        let out = conn
            .call(
                "ListExecutions",
                &json!({"stateMachineArn": machine, "statusFilter": "RUNNING", "maxResults": 1}),
            )
            .await;
        if out["executions"].as_array().is_some_and(|a| a.is_empty()) {
            return Instant::now();
        }
        assert!(Instant::now() < deadline, "executions still running");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn throughput(count: usize) {
    let server = Server::start();
    let mut states = serde_json::Map::new();
    for i in 0..10 {
        let mut s = json!({"Type": "Pass", "Parameters": {"step": i, "n.$": "$.n"}});
        if i < 9 {
            s["Next"] = json!(format!("P{}", i + 1));
        } else {
            s["End"] = json!(true);
        }
        states.insert(format!("P{i}"), s);
    }
    let machine = create_machine(
        server.port,
        "bench-pass10",
        json!({"StartAt": "P0", "States": states}),
    )
    .await;
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
    let only = std::env::var("STEPFN_BENCH_ONLY").unwrap_or_default();
    let executions = std::env::var("STEPFN_BENCH_EXECUTIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let waiting_count = std::env::var("STEPFN_BENCH_WAITING")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        if only.is_empty() || only == "throughput" {
            throughput(executions).await;
        }
        if only.is_empty() || only == "waiting" {
            waiting(waiting_count).await;
        }
    });
}
