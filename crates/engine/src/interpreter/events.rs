//! Recording history events: ids, previous event ids, hidden events, and the check of each
//! event against the record during a replay.

use asl::model::{State, StateKind};
use serde_json::{Map, Value};

use super::Execution;
use crate::history::HistoryEvent;

/// Why a replay could not rebuild an execution.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error("the history does not start with ExecutionStarted")]
    NoStart,
    #[error("event {id}: expected {expected}, the interpreter produced {actual}")]
    Diverged {
        id: u64,
        expected: String,
        actual: String,
    },
    #[error("event {0} cannot be explained by any outside input")]
    Unexplained(u64),
}

impl Execution {
    /// Records one event. During a replay the event must match the next recorded one, whose
    /// id and timestamp are kept.
    pub(super) fn emit_raw(
        &mut self,
        frame: u32,
        event_type: &'static str,
        hidden: bool,
        details: impl FnOnce(&Self) -> Map<String, Value>,
    ) -> u64 {
        let prev = self.frames.get(frame as usize).map_or(0, |f| f.last_event);
        self.emit_with_prev(frame, event_type, hidden, prev, details)
    }

    pub(super) fn emit_with_prev(
        &mut self,
        frame: u32,
        event_type: &'static str,
        hidden: bool,
        prev: u64,
        details: impl FnOnce(&Self) -> Map<String, Value>,
    ) -> u64 {
        let id = if hidden {
            0
        } else {
            self.event_count += 1;
            self.event_count
        };
        if let Some(f) = self.frames.get_mut(frame as usize) {
            if !hidden {
                f.last_event = id;
            }
        }
        if let Some(recorded) = self.replay_events.pop_front() {
            if recorded.event_type != event_type || recorded.frame != frame {
                self.divergence.get_or_insert(ReplayError::Diverged {
                    id: recorded.id,
                    expected: format!("{} in frame {}", recorded.event_type, recorded.frame),
                    actual: format!("{event_type} in frame {frame}"),
                });
            }
            self.now_ms = recorded.timestamp_ms;
            self.drawn.clear();
            self.events.push(recorded);
            self.emitted += 1;
            return id;
        }
        if self.record {
            let details = details(self);
            let event = HistoryEvent {
                id,
                previous_event_id: prev,
                timestamp_ms: self.now_ms,
                event_type,
                details,
                frame,
                hidden,
                nondeterministic: std::mem::take(&mut self.drawn),
            };
            self.events.push(event);
            self.emitted += 1;
        } else {
            self.drawn.clear();
        }
        id
    }

    pub(super) fn emit(
        &mut self,
        frame: u32,
        event_type: &'static str,
        details: impl FnOnce(&Self) -> Map<String, Value>,
    ) -> u64 {
        let hidden = self.frames.get(frame as usize).is_some_and(|f| f.hidden);
        self.emit_raw(frame, event_type, hidden, details)
    }
}

/// The state field an evaluation error names (`… specified for the field 'Output/result' …`),
/// which AWS shows as the EvaluationFailed event's `location`.
pub(super) fn evaluation_location(cause: &str) -> Option<&str> {
    let rest = cause.split("specified for the field '").nth(1)?;
    rest.split('\'').next()
}

pub(super) fn entered_type(state: &State) -> &'static str {
    match state.kind {
        StateKind::Pass { .. } => "PassStateEntered",
        StateKind::Task(_) => "TaskStateEntered",
        StateKind::Choice { .. } => "ChoiceStateEntered",
        StateKind::Wait(_) => "WaitStateEntered",
        StateKind::Succeed => "SucceedStateEntered",
        StateKind::Fail(_) => "FailStateEntered",
        StateKind::Parallel { .. } => "ParallelStateEntered",
        StateKind::Map(_) => "MapStateEntered",
    }
}

pub(super) fn exited_type(state: &State) -> &'static str {
    match state.kind {
        StateKind::Pass { .. } => "PassStateExited",
        StateKind::Task(_) => "TaskStateExited",
        StateKind::Choice { .. } => "ChoiceStateExited",
        StateKind::Wait(_) => "WaitStateExited",
        StateKind::Succeed => "SucceedStateExited",
        StateKind::Fail(_) => "FailStateExited",
        StateKind::Parallel { .. } => "ParallelStateExited",
        StateKind::Map(_) => "MapStateExited",
    }
}
