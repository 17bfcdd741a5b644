//! Event sourcing: an execution rebuilt from its history alone, mid-flight (in a Wait, inside a
//! Map, inside a Parallel), finishes exactly as the original does.

use std::sync::Arc;

use engine::interpreter::{Execution, Signal};
use serde_json::json;

mod support;

use support::{event_types, fire_next, info, AnyActivity};

fn summary(exec: &Execution) -> Vec<(u64, u64, String, String)> {
    exec.events
        .iter()
        .map(|e| {
            (
                e.id,
                e.previous_event_id,
                e.event_type.to_string(),
                serde_json::to_string(&e.details).unwrap(),
            )
        })
        .collect()
}

/// Runs `definition` to the end, and again with a rebuild from the history after every timer;
/// every rebuilt run must end with the same history and output.
fn check_rebuild_everywhere(definition: serde_json::Value, input: serde_json::Value) {
    let machine = Arc::new(asl::model::parse_definition(&definition.to_string()).unwrap());
    let input_text = input.to_string();

    let mut reference = Execution::start(info(), machine.clone(), &input_text, input.clone(), true);
    let mut pending = Vec::new();
    let mut steps = 0;
    while fire_next(&mut reference, &mut pending) {
        steps += 1;
    }
    assert!(!reference.is_running(), "the reference run did not finish");
    assert!(steps > 0, "the definition should wait at least once");

    for cut in 0..steps {
        let mut exec = Execution::start(info(), machine.clone(), &input_text, input.clone(), true);
        let mut pending = Vec::new();
        for _ in 0..cut {
            assert!(fire_next(&mut exec, &mut pending));
        }
        let history = exec.events.clone();
        let mut rebuilt = Execution::replay(info(), machine.clone(), history).expect("replay");
        assert_eq!(
            summary(&rebuilt),
            summary(&exec),
            "rebuilt history differs at cut {cut}"
        );
        let mut rebuilt_pending = rebuilt.pending_timers();
        rebuilt_pending.sort_by_key(|t| (t.due_ms, t.frame));
        pending.extend(exec.take_timers());
        pending.sort_by_key(|t| (t.due_ms, t.frame));
        assert_eq!(
            rebuilt_pending, pending,
            "pending timers differ at cut {cut}"
        );
        while fire_next(&mut rebuilt, &mut rebuilt_pending) {}
        assert_eq!(rebuilt.status, reference.status, "cut {cut}");
        assert_eq!(rebuilt.output, reference.output, "cut {cut}");
        let a: Vec<_> = summary(&rebuilt)
            .into_iter()
            .map(|(i, p, t, _)| (i, p, t))
            .collect();
        let b: Vec<_> = summary(&reference)
            .into_iter()
            .map(|(i, p, t, _)| (i, p, t))
            .collect();
        assert_eq!(a, b, "final history differs after a rebuild at cut {cut}");
    }
}

#[test]
fn rebuilds_mid_wait() {
    check_rebuild_everywhere(
        json!({"StartAt": "A", "States": {
            "A": {"Type": "Pass", "Result": {"n": 1}, "Next": "W"},
            "W": {"Type": "Wait", "Seconds": 5, "Next": "W2"},
            "W2": {"Type": "Wait", "Seconds": 1, "Next": "B"},
            "B": {"Type": "Pass", "End": true}
        }}),
        json!({}),
    );
}

#[test]
fn rebuilds_mid_map() {
    check_rebuild_everywhere(
        json!({"StartAt": "M", "States": {
            "M": {"Type": "Map", "MaxConcurrency": 2, "ItemProcessor": {
                "ProcessorConfig": {"Mode": "INLINE"},
                "StartAt": "W", "States": {
                    "W": {"Type": "Wait", "Seconds": 3, "Next": "P"},
                    "P": {"Type": "Pass", "End": true}
                }}, "End": true}
        }}),
        json!([1, 2, 3, 4, 5]),
    );
}

#[test]
fn rebuilds_mid_parallel() {
    check_rebuild_everywhere(
        json!({"StartAt": "P", "States": {
            "P": {"Type": "Parallel", "Branches": [
                {"StartAt": "W1", "States": {"W1": {"Type": "Wait", "Seconds": 2, "End": true}}},
                {"StartAt": "W2", "States": {
                    "W2": {"Type": "Wait", "Seconds": 7, "Next": "W3"},
                    "W3": {"Type": "Wait", "Seconds": 1, "End": true}}}
            ], "Next": "Done"},
            "Done": {"Type": "Succeed"}
        }}),
        json!({"k": "v"}),
    );
}

#[test]
fn rebuilds_after_stop() {
    let machine = Arc::new(
        asl::model::parse_definition(
            &json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": true}}})
                .to_string(),
        )
        .unwrap(),
    );
    let mut exec = Execution::start(info(), machine.clone(), "{}", json!({}), true);
    exec.deliver(Signal::Stop {
        error: Some("E".into()),
        cause: None,
    });
    let rebuilt = Execution::replay(info(), machine, exec.events.clone()).expect("replay");
    assert_eq!(rebuilt.status, exec.status);
    assert_eq!(summary(&rebuilt), summary(&exec));
}

#[test]
fn outputs_over_256_kib_fail_with_data_limit_exceeded() {
    let machine = Arc::new(
        asl::model::parse_definition(
            &json!({"StartAt": "Big", "States": {"Big": {"Type": "Pass", "Parameters": {
                "a.$": "$.s", "b.$": "$.s"}, "End": true}}})
            .to_string(),
        )
        .unwrap(),
    );
    let s = "x".repeat(140 * 1024);
    let input = json!({ "s": s });
    let exec = Execution::start(info(), machine, &input.to_string(), input.clone(), true);
    assert_eq!(exec.status, engine::interpreter::Status::Failed);
    assert_eq!(exec.error.as_deref(), Some("States.DataLimitExceeded"));
    assert_eq!(
        exec.cause.as_deref(),
        Some("The state/task 'Big' returned a result with a size exceeding the maximum number of bytes service limit.")
    );
    assert!(!engine::interpreter::exceeds_payload_limit(
        &json!({"s": "x".repeat(1000)})
    ));
}

#[test]
fn rebuilt_activity_task_keeps_its_token_and_finishes() {
    let arn = "arn:aws:states:us-east-1:123456789012:activity:work";
    let machine = Arc::new(
        asl::model::parse_definition(
            &json!({"StartAt": "T", "States": {
                "T": {"Type": "Task", "Resource": arn, "TimeoutSeconds": 30, "Next": "P"},
                "P": {"Type": "Pass", "End": true}}})
            .to_string(),
        )
        .unwrap(),
    );
    let input = json!({"n": 1});
    let mut exec = Execution::start_with_resolver(
        info(),
        machine.clone(),
        &input.to_string(),
        input.clone(),
        true,
        Some(Arc::new(AnyActivity)),
    );
    let offered = exec.take_task_requests();
    assert_eq!(offered.len(), 1);
    let token = offered[0].token.clone();
    exec.deliver(Signal::TaskStarted {
        frame: offered[0].frame,
        token: token.clone(),
        worker_name: Some("w".into()),
    });

    // The server dies here; the execution is rebuilt from its history alone.
    let mut rebuilt = Execution::replay(info(), machine, exec.events.clone()).expect("replay");
    assert_eq!(summary(&rebuilt), summary(&exec));
    assert!(
        rebuilt.pending_task_requests().is_empty(),
        "a started task is not offered again"
    );
    assert_eq!(rebuilt.task_status(offered[0].frame, &token), Some(true));
    rebuilt.deliver(Signal::TaskSucceeded {
        frame: offered[0].frame,
        token: token.clone(),
        output: "{\"done\":true}".into(),
    });
    support::assert_succeeded(&rebuilt, json!({"done": true}));
    assert_eq!(
        event_types(&rebuilt),
        support::after_activity_task(&[
            "PassStateEntered",
            "PassStateExited",
            "ExecutionSucceeded"
        ])
    );
}
