//! What the benchmarks that drive the real `stepfn serve` binary share: a keep-alive AWS JSON
//! client, the server process (on a temporary SQLite store unless `STEPFN_BENCH_STORE` names
//! one), and starting many executions at once.

#![allow(dead_code)]

use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

pub const CLIENTS: usize = 64;

/// One keep-alive HTTP/1.1 connection speaking the AWS JSON 1.0 protocol.
pub struct Connection {
    port: u16,
    stream: Option<BufReader<TcpStream>>,
}

impl Connection {
    pub fn new(port: u16) -> Self {
        Connection { port, stream: None }
    }

    pub async fn call(&mut self, target: &str, body: &Value) -> Value {
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

pub struct Server {
    pub child: Child,
    pub port: u16,
    _dir: Option<TempDir>,
}

struct TempDir(std::path::PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Server {
    pub fn start() -> Server {
        Server::start_with(&[])
    }

    /// The server, started with these environment variables besides the bench's own.
    pub fn start_with(env: &[(&str, &str)]) -> Server {
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
            .envs(env.iter().map(|(k, v)| (*k, *v)))
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
    pub fn memory_mib(&self) -> (f64, f64) {
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

pub async fn create_machine(port: u16, name: &str, definition: Value) -> String {
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
pub async fn start_many(port: u16, machine: &str, count: usize, input: &str) -> Vec<String> {
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
pub async fn wait_until_done(port: u16, machine: &str, timeout: Duration) -> Instant {
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

/// Runs a bench's two parts on a two-thread runtime: `throughput` with
/// `STEPFN_BENCH_EXECUTIONS` (else `executions`) and `waiting` with `STEPFN_BENCH_WAITING`
/// (else `waiting_count`); `STEPFN_BENCH_ONLY=throughput|waiting` runs one.
pub fn run_parts<T, W>(
    executions: usize,
    waiting_count: usize,
    throughput: impl FnOnce(usize) -> T,
    waiting: impl FnOnce(usize) -> W,
) where
    T: std::future::Future<Output = ()>,
    W: std::future::Future<Output = ()>,
{
    let only = std::env::var("STEPFN_BENCH_ONLY").unwrap_or_default();
    let count = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let executions = count("STEPFN_BENCH_EXECUTIONS", executions);
    let waiting_count = count("STEPFN_BENCH_WAITING", waiting_count);
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

/// A definition of `count` states in a row, named `{prefix}0`, `{prefix}1`, …, each `state(i)`
/// with its `Next` (the last one `End`).
pub fn chain(prefix: &str, count: usize, state: impl Fn(usize) -> Value) -> Value {
    let mut states = serde_json::Map::new();
    for i in 0..count {
        let mut s = state(i);
        if i + 1 < count {
            s["Next"] = json!(format!("{prefix}{}", i + 1));
        } else {
            s["End"] = json!(true);
        }
        states.insert(format!("{prefix}{i}"), s);
    }
    json!({"StartAt": format!("{prefix}0"), "States": states})
}
