//! The tree of frames an execution is made of, and what a frame holds in each phase of the
//! state it is in.

use std::sync::Arc;

use asl::model::{State, StateMachine};
use asl::StatesError;
use serde_json::{Map, Value};

use crate::integrations::{Integration, TaskRequest};

/// The fixed facts of an execution, shown in the context object.
#[derive(Debug, Clone)]
pub struct ExecutionInfo {
    pub execution_arn: String,
    pub name: String,
    pub state_machine_arn: String,
    pub state_machine_name: String,
    pub role_arn: String,
    pub start_ms: i64,
    pub redrive_count: u32,
    /// EXPRESS executions have no `RedriveCount` in their context object.
    pub express: bool,
    /// The version run, when StartExecution named a version or an alias.
    pub version_arn: Option<String>,
    /// The alias StartExecution named.
    pub alias_arn: Option<String>,
    /// The mock test case the execution runs (`<stateMachineArn>#<TestCase>`).
    pub mocks: Option<Arc<crate::mocks::MockCase>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Running,
    Succeeded,
    Failed,
    TimedOut,
    Aborted,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Running => "RUNNING",
            Status::Succeeded => "SUCCEEDED",
            Status::Failed => "FAILED",
            Status::TimedOut => "TIMED_OUT",
            Status::Aborted => "ABORTED",
        }
    }
}

/// The frame number of the execution's own `TimeoutSeconds` timer.
pub const EXECUTION_TIMEOUT_FRAME: u32 = u32::MAX;

/// A timer the execution asks the runtime to set; when it fires, deliver
/// [`Signal::TimerFired`]. Stale timers (the frame moved on) are ignored on delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimerRequest {
    pub frame: u32,
    pub due_ms: i64,
}

#[derive(Debug)]
pub(super) struct Frame {
    pub(super) machine: Arc<StateMachine>,
    /// The frame that runs the Parallel or Map state this frame belongs to, and this frame's
    /// branch or item index there.
    pub(super) parent: Option<(u32, usize)>,
    pub(super) vars: Map<String, Value>,
    pub(super) last_event: u64,
    /// Events of this frame are not part of this execution's visible history.
    pub(super) hidden: bool,
    pub(super) step: Step,
}

#[derive(Debug)]
pub(super) enum Step {
    /// About to enter the named state with this input.
    Enter {
        name: String,
        input: Value,
    },
    /// Inside a state.
    Run(Box<Running>),
    Done(Value),
    Failed,
    /// Stopped because a sibling failed or the execution ended.
    Cancelled,
}

#[derive(Debug)]
pub(crate) struct Running {
    pub(super) state: Arc<State>,
    /// The raw state input.
    pub(super) input: Value,
    pub(super) entered_id: u64,
    /// The previousEventId of the StateEntered event (AWS reuses it for EvaluationFailed).
    pub(super) entered_prev: u64,
    pub(super) entered_ms: i64,
    /// How many times each retrier has fired.
    pub(super) retry_counts: Vec<u64>,
    /// Total retries (`$$.State.RetryCount`).
    pub(super) retry_count: u64,
    pub(crate) phase: Phase,
}

#[derive(Debug)]
pub(crate) enum Phase {
    Start,
    Waiting {
        due_ms: i64,
        effective_input: Value,
    },
    Backoff {
        due_ms: i64,
    },
    Parallel {
        children: Vec<u32>,
        remaining: usize,
    },
    Map(Box<MapProgress>),
    /// Waiting on what a Task called.
    Task(Box<TaskWait>),
}

/// A Task state's wait for what it called.
#[derive(Debug)]
pub(crate) struct TaskWait {
    pub(super) request: TaskRequest,
    pub(super) integration: &'static dyn Integration,
    pub(super) started: bool,
    pub(super) timeout_due: Option<i64>,
    pub(super) heartbeat_due: Option<i64>,
    /// What the call of a `.waitForTaskToken` or `.sync` task answered, once recorded.
    pub(super) submitted: Option<serde_json::Value>,
    /// A token's answer that came before the call was recorded as submitted.
    pub(super) early: Option<Box<super::Signal>>,
}

#[derive(Debug)]
pub(crate) struct MapProgress {
    pub(super) effective_input: Value,
    pub(crate) items: Vec<Value>,
    pub(super) children: Vec<Option<u32>>,
    pub(super) results: Vec<Value>,
    pub(super) next: usize,
    pub(super) running: usize,
    pub(super) finished: usize,
    pub(super) failed: usize,
    pub(super) max_concurrency: usize,
    pub(super) tolerated_count: Option<u64>,
    pub(super) tolerated_percentage: Option<f64>,
    pub(super) first_failure: Option<StatesError>,
    /// A value a `…Path` field read that the map run refuses when it starts.
    pub(crate) start_error: Option<StatesError>,
    pub(super) map_run: Option<String>,
    /// The Map state's context object (when its fields use one), shared by its items.
    pub(crate) item_context: Value,
}
