//! Throughput of the JSONata hot path (a template evaluated per state transition). Ignored by
//! default; run with `cargo test -p asl --release --test jsonata_throughput -- --ignored --nocapture`.

use std::time::Instant;

use asl::jsonata::{JsonataTemplate, StatesVar};
use asl::Value;
use serde_json::json;

mod common;
use common::FixedEnvironment;

fn evaluations_per_second(
    template: &Value,
    input: &Value,
    variables: &serde_json::Map<String, Value>,
) -> f64 {
    let compiled = JsonataTemplate::compile(template).expect("compiles");
    let context = json!({"Execution": {"Id": "arn:aws:states:us-east-1:111111111111:execution:sm:exec", "Name": "exec", "StartTime": "2024-01-01T00:00:00.000Z"}, "State": {"Name": "S", "EnteredTime": "2024-01-01T00:00:00.000Z"}});
    let states = StatesVar {
        input,
        context: &context,
        result: None,
        error_output: None,
    };
    let mut env = FixedEnvironment;
    let rounds = 200_000;
    let start = Instant::now();
    for _ in 0..rounds {
        std::hint::black_box(
            compiled
                .eval(&states, variables, &mut env, "Output")
                .expect("evaluates"),
        );
    }
    rounds as f64 / start.elapsed().as_secs_f64()
}

#[test]
#[ignore]
fn jsonata_template_throughput() {
    let input = json!({"orderId": "A-17", "customer": {"name": "Ada", "tier": "gold"}, "items": [{"sku": "x", "price": 10.5, "qty": 2}, {"sku": "y", "price": 3, "qty": 1}], "padding": (0..50).map(|i| json!({"k": i, "v": "some text here"})).collect::<Vec<_>>()});
    let mut variables = serde_json::Map::new();
    variables.insert("count".into(), json!(3));
    variables.insert("big".into(), json!((0..100).collect::<Vec<_>>()));
    let cases = [
        ("one field", json!("{% $states.input.orderId %}")),
        (
            "object of fields",
            json!({"id": "{% $states.input.orderId %}", "name": "{% $states.input.customer.name %}", "n": "{% $count + 1 %}", "fixed": "x"}),
        ),
        (
            "aggregate",
            json!({"total": "{% $sum($states.input.items.(price * qty)) %}"}),
        ),
        ("whole input", json!("{% $states.input %}")),
        (
            "condition",
            json!("{% $states.input.customer.tier = 'gold' and $count > 2 %}"),
        ),
    ];
    for (name, template) in cases {
        println!(
            "{name}: {:.0} evaluations/s",
            evaluations_per_second(&template, &input, &variables)
        );
    }
}
