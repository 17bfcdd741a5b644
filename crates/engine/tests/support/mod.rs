//! What the engine's tests share: the interpreter's unit tests (`interpreter::test_support`
//! includes this file) and the integration tests in `tests/`. Written against the public API
//! only, as `engine::…` (the crate names itself so under `cfg(test)`).

// Each test crate that includes this uses only some of it.
#![allow(dead_code)]

use std::sync::Arc;

use engine::interpreter::{Execution, ExecutionInfo, Signal, Status, TaskResolver, TimerRequest};
use serde_json::Value;

/// The execution every test runs as.
pub fn info() -> Arc<ExecutionInfo> {
    Arc::new(ExecutionInfo {
        execution_arn: "arn:aws:states:us-east-1:123456789012:execution:m:e".into(),
        name: "e".into(),
        state_machine_arn: "arn:aws:states:us-east-1:123456789012:stateMachine:m".into(),
        state_machine_name: "m".into(),
        role_arn: "arn:aws:iam::123456789012:role/r".into(),
        start_ms: 1_700_000_000_000,
        redrive_count: 0,
        express: false,
        version_arn: None,
        alias_arn: None,
        mocks: None,
    })
}

/// Every activity exists.
pub struct AnyActivity;

impl TaskResolver for AnyActivity {
    fn activity_exists(&self, _activity_arn: &str) -> bool {
        true
    }
}

/// Starts the machine with this input, every activity existing; it runs to its end or its
/// first wait.
pub fn start(definition: Value, input: Value) -> Execution {
    let machine = asl::model::parse_definition(&definition.to_string()).expect("definition");
    Execution::start_with_resolver(
        info(),
        Arc::new(machine),
        &input.to_string(),
        input,
        true,
        Some(Arc::new(AnyActivity)),
    )
}

/// Fires the earliest pending timer (virtual time jumps to it). False when nothing waits.
pub fn fire_next(exec: &mut Execution, pending: &mut Vec<TimerRequest>) -> bool {
    pending.extend(exec.take_timers());
    pending.sort_by_key(|t| (t.due_ms, t.frame));
    if pending.is_empty() || !exec.is_running() {
        return false;
    }
    let timer = pending.remove(0);
    exec.set_now(timer.due_ms);
    exec.deliver(Signal::TimerFired {
        frame: timer.frame,
        due_ms: Some(timer.due_ms),
    });
    true
}

/// Fires every timer, earliest first, until nothing waits.
pub fn run_timers(exec: &mut Execution) {
    let mut pending = Vec::new();
    while fire_next(exec, &mut pending) {}
}

/// The visible events' types, in order.
pub fn event_types(exec: &Execution) -> Vec<&'static str> {
    exec.events
        .iter()
        .filter(|e| !e.hidden)
        .map(|e| e.event_type.as_str())
        .collect()
}

/// Asserts the execution succeeded with this output.
pub fn assert_succeeded(exec: &Execution, output: Value) {
    assert_eq!(
        exec.status,
        Status::Succeeded,
        "{:?}: {:?}",
        exec.error,
        exec.cause
    );
    assert_eq!(exec.output, Some(output));
}

/// The events of a machine whose one state, of this type (`Pass`), ran and ended it.
pub fn through_one_state(kind: &str) -> Vec<String> {
    vec![
        "ExecutionStarted".to_string(),
        format!("{kind}StateEntered"),
        format!("{kind}StateExited"),
        "ExecutionSucceeded".to_string(),
    ]
}

/// The details of the first visible event of this type.
pub fn details(exec: &Execution, event_type: &str) -> serde_json::Map<String, Value> {
    exec.events
        .iter()
        .find(|e| !e.hidden && e.event_type.as_str() == event_type)
        .unwrap_or_else(|| panic!("no {event_type}"))
        .details
        .to_map()
}

/// Asserts the execution failed with a cause that ends so (the runtime puts where the state
/// failed before it).
pub fn assert_failed_with(exec: &Execution, cause_end: &str) {
    assert_eq!(exec.status, Status::Failed);
    let cause = exec.cause.as_deref().unwrap_or_default();
    assert!(
        cause.ends_with(cause_end),
        "the cause {cause:?} does not end with {cause_end:?}"
    );
}

/// The history of an execution whose first state is a Task on an activity that a worker took
/// and answered, followed by `then`.
pub fn after_activity_task(then: &[&'static str]) -> Vec<&'static str> {
    let mut events = vec![
        "ExecutionStarted",
        "TaskStateEntered",
        "ActivityScheduled",
        "ActivityStarted",
        "ActivitySucceeded",
        "TaskStateExited",
    ];
    events.extend_from_slice(then);
    events
}
