//! Helpers for the state modules' unit tests: a tiny machine run through `Execution::start`.

use std::sync::Arc;

use serde_json::Value;

use super::frame::{ExecutionInfo, Status};
use super::signals::Signal;
use super::Execution;
use crate::integrations::TaskResolver;

pub(super) fn info() -> Arc<ExecutionInfo> {
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
    })
}

/// Every activity exists.
pub(super) struct AnyActivity;

impl TaskResolver for AnyActivity {
    fn activity_exists(&self, _activity_arn: &str) -> bool {
        true
    }
}

/// Starts the machine with this input; it runs to its end or its first wait.
pub(super) fn start(definition: Value, input: Value) -> Execution {
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

/// Fires every timer, earliest first (virtual time jumps to each), until nothing waits.
pub(super) fn run_timers(exec: &mut Execution) {
    let mut pending = Vec::new();
    loop {
        pending.extend(exec.take_timers());
        pending.sort_by_key(|t: &super::TimerRequest| (t.due_ms, t.frame));
        if pending.is_empty() || exec.status != Status::Running {
            return;
        }
        let timer = pending.remove(0);
        exec.set_now(timer.due_ms);
        exec.deliver(Signal::TimerFired { frame: timer.frame });
    }
}

/// The visible events' types, in order.
pub(super) fn event_types(exec: &Execution) -> Vec<&'static str> {
    exec.events
        .iter()
        .filter(|e| !e.hidden)
        .map(|e| e.event_type.as_str())
        .collect()
}

/// The details of the first visible event of this type.
pub(super) fn details<'e>(
    exec: &'e Execution,
    event_type: &str,
) -> &'e serde_json::Map<String, Value> {
    &exec
        .events
        .iter()
        .find(|e| !e.hidden && e.event_type.as_str() == event_type)
        .unwrap_or_else(|| panic!("no {event_type}"))
        .details
}
