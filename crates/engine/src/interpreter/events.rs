//! Recording history events: ids, previous event ids, hidden events, and the check of each
//! event against the record during a replay.

use asl::model::{State, StateKind};

use super::Execution;
use crate::history::{EventDetails, EventType, HistoryEvent};

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
        event_type: EventType,
        hidden: bool,
        details: impl FnOnce(&Self) -> EventDetails,
    ) -> u64 {
        let prev = self.frames.get(frame as usize).map_or(0, |f| f.last_event);
        self.emit_with_prev(frame, event_type, hidden, prev, details)
    }

    pub(super) fn emit_with_prev(
        &mut self,
        frame: u32,
        event_type: EventType,
        hidden: bool,
        prev: u64,
        details: impl FnOnce(&Self) -> EventDetails,
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
            debug_assert_eq!(details.shape(), event_type.shape(), "{event_type}");
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
        event_type: EventType,
        details: impl FnOnce(&Self) -> EventDetails,
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

pub(super) fn entered_type(state: &State) -> EventType {
    match state.kind {
        StateKind::Pass { .. } => EventType::PassStateEntered,
        StateKind::Task(_) => EventType::TaskStateEntered,
        StateKind::Choice { .. } => EventType::ChoiceStateEntered,
        StateKind::Wait(_) => EventType::WaitStateEntered,
        StateKind::Succeed => EventType::SucceedStateEntered,
        StateKind::Fail(_) => EventType::FailStateEntered,
        StateKind::Parallel { .. } => EventType::ParallelStateEntered,
        StateKind::Map(_) => EventType::MapStateEntered,
    }
}

/// The event a state's exit records; None for a Fail state, which never exits (its frame fails).
pub(super) fn exited_type(state: &State) -> Option<EventType> {
    Some(match state.kind {
        StateKind::Pass { .. } => EventType::PassStateExited,
        StateKind::Task(_) => EventType::TaskStateExited,
        StateKind::Choice { .. } => EventType::ChoiceStateExited,
        StateKind::Wait(_) => EventType::WaitStateExited,
        StateKind::Succeed => EventType::SucceedStateExited,
        StateKind::Fail(_) => return None,
        StateKind::Parallel { .. } => EventType::ParallelStateExited,
        StateKind::Map(_) => EventType::MapStateExited,
    })
}
