//! The interpreter: moves one execution from state to state.
//!
//! An execution is a tree of *frames*: the top level, each Parallel branch and each Map iteration.
//! The interpreter is deterministic: given the same definition, input and sequence of outside
//! inputs (a timer fired, a task finished, a stop was asked for), it produces the same history.
//! That is what makes it event-sourced: [`Execution::replay`] rebuilds a running execution from
//! its history alone by running the interpreter again and feeding it, in order, the outside
//! inputs the recorded events show, and checks every event it produces against the record.

mod at;
mod children;
mod choice;
mod context;
mod coverage;
mod data_flow;
mod evaluate;
mod events;
mod execution;
mod frame;
mod inspection;
mod isolated;
mod map;
mod parallel;
mod pass;
mod replay;
mod retry;
mod signals;
mod task;
mod terminal;
#[cfg(test)]
mod test_support;
mod wait;
mod work;

use std::collections::VecDeque;
use std::sync::Arc;

use asl::model::StateMachine;
use serde_json::Value;

use crate::history::HistoryEvent;
use frame::Frame;

pub use crate::integrations::TaskResolver;
pub use context::format_timestamp;
pub use coverage::Mark;
pub use data_flow::{exceeds_payload_limit, PAYLOAD_LIMIT_BYTES};
pub use events::ReplayError;
pub use execution::HISTORY_EVENT_LIMIT;
pub use frame::{ExecutionInfo, Status, TimerRequest, EXECUTION_TIMEOUT_FRAME};
pub use signals::Signal;

pub(crate) use context::Ctx;
pub(crate) use data_flow::{effective_task_input, result_exit};
pub(crate) use evaluate::evaluate_state_inner;
pub(crate) use frame::{Phase, Running};
pub(crate) use inspection::{Inspection, Supplied};
pub(crate) use isolated::Isolated;
pub(crate) use map::item_input;
pub(crate) use retry::{backoff_seconds, catch_output, matching_catcher, matching_retrier};
pub(crate) use wait::wait_exit;
pub(crate) use work::Work;

pub struct Execution {
    pub info: Arc<ExecutionInfo>,
    machine: Arc<StateMachine>,
    input: Value,
    /// Keep the history (STANDARD); EXPRESS executions do not.
    record: bool,
    pub events: Vec<HistoryEvent>,
    event_count: u64,
    /// Events recorded (or replayed) so far, hidden ones included.
    emitted: u64,
    frames: Vec<Frame>,
    work: VecDeque<u32>,
    pub status: Status,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    /// Current time as the runtime last told it.
    now_ms: i64,
    timers: Vec<TimerRequest>,
    /// Recorded events not yet matched during a replay.
    replay_events: VecDeque<HistoryEvent>,
    replay_values: VecDeque<Value>,
    drawn: Vec<Value>,
    /// Number of states entered: the benchmark's transition count.
    pub transitions: u64,
    divergence: Option<ReplayError>,
    /// The execution input as the caller wrote it: AWS shows it verbatim as the first state's input.
    first_input_text: Option<String>,
    resolver: Option<Arc<dyn TaskResolver>>,
    /// Tasks asked for since the last `take_task_requests`.
    task_requests: Vec<crate::integrations::TaskRequest>,
    /// How many times each mocked Task state has scheduled its task (a replay counts again).
    mock_invocations: std::collections::HashMap<String, u32>,
    /// What the execution exercised, when collected (`stepfn test`).
    coverage: Option<Vec<Mark>>,
}
