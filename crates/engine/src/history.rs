//! Execution history events, as GetExecutionHistory returns them.

use serde_json::{Map, Value};

/// One history event. `details` holds the members of the event's details object (for example
/// `name`, `input`, `output` of `stateEnteredEventDetails`), with inputs and outputs already
/// serialised to JSON text as AWS returns them.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEvent {
    pub id: u64,
    pub previous_event_id: u64,
    pub timestamp_ms: i64,
    pub event_type: &'static str,
    pub details: Map<String, Value>,
    /// Internal: which frame of the execution (top level, a Parallel branch, a Map iteration)
    /// produced the event. Never shown by the API; replay uses it.
    pub frame: u32,
    /// Internal: events of a distributed Map's iterations belong to its child executions, not to
    /// this history.
    pub hidden: bool,
    /// Internal: non-deterministic values (UUIDs, random numbers, times) drawn while producing
    /// this event, so that a replay draws the same ones.
    pub nondeterministic: Vec<Value>,
}

/// Every `HistoryEventType` of the API (62).
pub const EVENT_TYPES: [&str; 62] = [
    "ActivityFailed",
    "ActivityScheduled",
    "ActivityScheduleFailed",
    "ActivityStarted",
    "ActivitySucceeded",
    "ActivityTimedOut",
    "ChoiceStateEntered",
    "ChoiceStateExited",
    "ExecutionAborted",
    "ExecutionFailed",
    "ExecutionStarted",
    "ExecutionSucceeded",
    "ExecutionTimedOut",
    "FailStateEntered",
    "LambdaFunctionFailed",
    "LambdaFunctionScheduled",
    "LambdaFunctionScheduleFailed",
    "LambdaFunctionStarted",
    "LambdaFunctionStartFailed",
    "LambdaFunctionSucceeded",
    "LambdaFunctionTimedOut",
    "MapIterationAborted",
    "MapIterationFailed",
    "MapIterationStarted",
    "MapIterationSucceeded",
    "MapStateAborted",
    "MapStateEntered",
    "MapStateExited",
    "MapStateFailed",
    "MapStateStarted",
    "MapStateSucceeded",
    "ParallelStateAborted",
    "ParallelStateEntered",
    "ParallelStateExited",
    "ParallelStateFailed",
    "ParallelStateStarted",
    "ParallelStateSucceeded",
    "PassStateEntered",
    "PassStateExited",
    "SucceedStateEntered",
    "SucceedStateExited",
    "TaskFailed",
    "TaskScheduled",
    "TaskStarted",
    "TaskStartFailed",
    "TaskStateAborted",
    "TaskStateEntered",
    "TaskStateExited",
    "TaskSubmitFailed",
    "TaskSubmitted",
    "TaskSucceeded",
    "TaskTimedOut",
    "WaitStateAborted",
    "WaitStateEntered",
    "WaitStateExited",
    "MapRunAborted",
    "MapRunFailed",
    "MapRunStarted",
    "MapRunSucceeded",
    "ExecutionRedriven",
    "MapRunRedriven",
    "EvaluationFailed",
];

/// Maps a name to the `&'static str` of [`EVENT_TYPES`].
pub fn event_type(name: &str) -> Option<&'static str> {
    EVENT_TYPES.iter().copied().find(|t| *t == name)
}

/// The member of a HistoryEvent that holds this event type's details, if it has any.
pub fn details_member(event_type: &str) -> Option<&'static str> {
    Some(match event_type {
        "ActivityFailed" => "activityFailedEventDetails",
        "ActivityScheduled" => "activityScheduledEventDetails",
        "ActivityScheduleFailed" => "activityScheduleFailedEventDetails",
        "ActivityStarted" => "activityStartedEventDetails",
        "ActivitySucceeded" => "activitySucceededEventDetails",
        "ActivityTimedOut" => "activityTimedOutEventDetails",
        "ExecutionAborted" => "executionAbortedEventDetails",
        "ExecutionFailed" => "executionFailedEventDetails",
        "ExecutionStarted" => "executionStartedEventDetails",
        "ExecutionSucceeded" => "executionSucceededEventDetails",
        "ExecutionTimedOut" => "executionTimedOutEventDetails",
        "ExecutionRedriven" => "executionRedrivenEventDetails",
        "LambdaFunctionFailed" => "lambdaFunctionFailedEventDetails",
        "LambdaFunctionScheduled" => "lambdaFunctionScheduledEventDetails",
        "LambdaFunctionScheduleFailed" => "lambdaFunctionScheduleFailedEventDetails",
        "LambdaFunctionStartFailed" => "lambdaFunctionStartFailedEventDetails",
        "LambdaFunctionSucceeded" => "lambdaFunctionSucceededEventDetails",
        "LambdaFunctionTimedOut" => "lambdaFunctionTimedOutEventDetails",
        "MapIterationAborted"
        | "MapIterationFailed"
        | "MapIterationStarted"
        | "MapIterationSucceeded" => match event_type {
            "MapIterationAborted" => "mapIterationAbortedEventDetails",
            "MapIterationFailed" => "mapIterationFailedEventDetails",
            "MapIterationStarted" => "mapIterationStartedEventDetails",
            _ => "mapIterationSucceededEventDetails",
        },
        "MapStateStarted" => "mapStateStartedEventDetails",
        "MapRunStarted" => "mapRunStartedEventDetails",
        "MapRunFailed" => "mapRunFailedEventDetails",
        "MapRunRedriven" => "mapRunRedrivenEventDetails",
        "TaskFailed" => "taskFailedEventDetails",
        "TaskScheduled" => "taskScheduledEventDetails",
        "TaskStarted" => "taskStartedEventDetails",
        "TaskStartFailed" => "taskStartFailedEventDetails",
        "TaskSubmitFailed" => "taskSubmitFailedEventDetails",
        "TaskSubmitted" => "taskSubmittedEventDetails",
        "TaskSucceeded" => "taskSucceededEventDetails",
        "TaskTimedOut" => "taskTimedOutEventDetails",
        "EvaluationFailed" => "evaluationFailedEventDetails",
        t if t.ends_with("StateEntered") => "stateEnteredEventDetails",
        t if t.ends_with("StateExited") => "stateExitedEventDetails",
        _ => return None,
    })
}

/// Members of a details object that carry execution data (dropped when the caller asks
/// GetExecutionHistory for `includeExecutionData: false`), with their `…Details` companion.
pub const DATA_MEMBERS: [(&str, &str); 3] = [
    ("input", "inputDetails"),
    ("output", "outputDetails"),
    ("assignedVariables", "assignedVariablesDetails"),
];

/// The `{cause, error}` details of ExecutionAborted and ActivityFailed, members only when given.
pub fn error_cause_details(error: &Option<String>, cause: &Option<String>) -> Map<String, Value> {
    let mut d = Map::new();
    if let Some(c) = cause {
        d.insert("cause".into(), Value::String(c.clone()));
    }
    if let Some(e) = error {
        d.insert("error".into(), Value::String(e.clone()));
    }
    d
}
