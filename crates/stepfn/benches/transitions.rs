//! Benchmark: Pass-state transitions per second of an EXPRESS StartSyncExecution through the HTTP
//! API, for a JSONPath machine (nested inline Maps, 10-state chains with Parameters, ResultPath
//! and States.Format) and its JSONata equivalent. 100,000 Pass states per execution.
//!
//! Run: `cargo bench -p stepfn --bench transitions` (targets: 500,000/s JSONPath, 100,000/s JSONata).

use std::sync::Arc;
use std::time::Instant;

use engine::service::{Clock, Config, Service, SystemClock};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

// The same allocator as the binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const OUTER: usize = 1000;
const INNER: usize = 10;
const CHAIN: usize = 10;

fn chain(jsonata: bool) -> Value {
    let mut states = serde_json::Map::new();
    for i in 0..CHAIN {
        let mut s = if jsonata {
            json!({"Type": "Pass", "Output":
                "{% {'value': $states.input.value, 'out': {'value': $states.input.value, 'label': 'item ' & $string($states.input.value)}} %}"})
        } else {
            json!({"Type": "Pass",
                   "Parameters": {"value.$": "$.value", "label.$": "States.Format('item {}', $.value)"},
                   "ResultPath": "$.out"})
        };
        if i + 1 < CHAIN {
            s["Next"] = json!(format!("P{}", i + 1));
        } else {
            s["End"] = json!(true);
        }
        states.insert(format!("P{i}"), s);
    }
    json!({"StartAt": "P0", "States": states})
}

fn definition(jsonata: bool) -> Value {
    let inner_map = if jsonata {
        json!({"Type": "Map", "Items": "{% $states.input.inner %}",
               "ItemSelector": "{% {'value': $states.context.Map.Item.Value} %}",
               "ItemProcessor": chain(true),
               // Keeps the execution's output under AWS's 256 KiB limit.
               "Output": "{% $states.input.i %}", "End": true})
    } else {
        json!({"Type": "Map", "ItemsPath": "$.inner",
               "ItemSelector": {"value.$": "$$.Map.Item.Value"},
               "ItemProcessor": chain(false),
               // Keeps the execution's output under AWS's 256 KiB limit.
               "ResultPath": null, "OutputPath": "$.i", "End": true})
    };
    let outer = if jsonata {
        json!({"Type": "Map", "Items": "{% $states.input.outer %}",
               "ItemSelector": {"i": "{% $states.context.Map.Item.Value %}", "inner": "{% [1..10] %}"},
               "ItemProcessor": {"StartAt": "Inner", "States": {"Inner": inner_map}},
               "End": true})
    } else {
        json!({"Type": "Map", "ItemsPath": "$.outer",
               "ItemSelector": {"i.$": "$$.Map.Item.Value", "inner.$": "States.ArrayRange(1, 10, 1)"},
               "ItemProcessor": {"StartAt": "Inner", "States": {"Inner": inner_map}},
               "End": true})
    };
    let mut d = json!({"StartAt": "Outer", "States": {"Outer": outer}});
    if jsonata {
        d["QueryLanguage"] = json!("JSONata");
    }
    d
}

async fn call(port: u16, target: &str, body: &Value) -> Value {
    let body = body.to_string();
    let request = format!(
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: AWSStepFunctions.{target}\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.expect("read");
    let text = String::from_utf8_lossy(&response);
    let body = text.split("\r\n\r\n").nth(1).unwrap_or("");
    serde_json::from_str(body).unwrap_or(Value::Null)
}

async fn measure(port: u16, name: &str, jsonata: bool, runs: usize) -> f64 {
    let created = call(
        port,
        "CreateStateMachine",
        &json!({"name": name, "type": "EXPRESS", "roleArn": "arn:aws:iam::123456789012:role/r",
                "definition": definition(jsonata).to_string()}),
    )
    .await;
    let arn = created["stateMachineArn"]
        .as_str()
        .expect("created")
        .to_string();
    let input = json!({"outer": (0..OUTER).collect::<Vec<_>>()}).to_string();
    let mut best = f64::MAX;
    for _ in 0..runs {
        let t = Instant::now();
        let out = call(
            port,
            "StartSyncExecution",
            &json!({"stateMachineArn": arn, "input": input}),
        )
        .await;
        let secs = t.elapsed().as_secs_f64();
        assert_eq!(out["status"], "SUCCEEDED", "{out}");
        best = best.min(secs);
    }
    (OUTER * INNER * CHAIN) as f64 / best
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let clock: Arc<dyn Clock> = Arc::new(SystemClock {
            wait_time_scale: 1.0,
        });
        let service = Service::new(
            Config {
                account_id: "123456789012".into(),
                default_region: "us-east-1".into(),
            },
            Arc::new(store::MemoryStore::new()),
            clock,
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        tokio::spawn(async move { axum::serve(listener, api::router(service)).await });
        report(
            "JSONPath:",
            measure(port, "bench-jsonpath", false, 5).await,
            500_000,
        );
        report(
            "JSONata:",
            measure(port, "bench-jsonata", true, 3).await,
            100_000,
        );
    });
}

/// One line of the result: the rate measured, against its target.
fn report(label: &str, transitions_per_second: f64, target: u32) {
    let verdict = if transitions_per_second >= f64::from(target) {
        "ok"
    } else {
        "BELOW TARGET"
    };
    println!(
        "{label:<9} {transitions_per_second:>12.0} Pass transitions/s (target {target}) {verdict}"
    );
}
