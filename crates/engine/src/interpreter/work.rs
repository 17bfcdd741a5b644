//! What evaluating a state produced, before the interpreter records it.

use asl::StatesError;
use serde_json::{Map, Value};

use super::frame::MapProgress;
use crate::integrations::{Integration, TaskCall};

/// What evaluating a state produced: an exit, a failure, or a wait to begin.
pub(crate) enum Work {
    /// Call what the Task's resource names, and wait for its answer.
    StartTask {
        integration: &'static dyn Integration,
        call: TaskCall,
    },
    Exit {
        output: Value,
        next: Option<String>,
        assigned: Option<Map<String, Value>>,
    },
    Fail(StatesError),
    /// A language error: recorded as EvaluationFailed first when it is a JSONata one.
    EvalError(StatesError),
    Wait {
        due_ms: i64,
        effective_input: Value,
    },
    StartParallel {
        effective_input: Value,
    },
    StartMap(Box<MapProgress>),
}
