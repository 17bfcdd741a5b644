//! Event sourcing: an execution rebuilt from its history by running again and feeding it the
//! outside inputs its recorded events show.

use std::sync::Arc;

use asl::model::StateMachine;
use serde_json::Value;

use super::events::ReplayError;
use super::frame::{ExecutionInfo, Phase, Step};
use super::signals::Signal;
use super::Execution;
use crate::history::{EventType, HistoryEvent};

impl Execution {
    /// Rebuilds a running (or finished) execution from its recorded history.
    pub fn replay(
        mut info: Arc<ExecutionInfo>,
        machine: Arc<StateMachine>,
        history: Vec<HistoryEvent>,
    ) -> Result<Execution, ReplayError> {
        // Redrives in the history count themselves again.
        Arc::make_mut(&mut info).redrive_count = 0;
        let first = history.first().ok_or(ReplayError::NoStart)?;
        if first.event_type != EventType::ExecutionStarted {
            return Err(ReplayError::NoStart);
        }
        let input_text = first.details.input().unwrap_or("{}").to_string();
        let input = serde_json::from_str(&input_text).unwrap_or(Value::Null);
        let mut exec = Execution::new(info, machine, input, true, first.timestamp_ms);
        exec.replay_values = history
            .iter()
            .flat_map(|e| e.nondeterministic.iter().cloned())
            .collect();
        exec.replay_events = history.into();
        exec.begin(&input_text);
        exec.run();
        while exec.divergence.is_none() {
            let Some(next) = exec.replay_events.front() else {
                break;
            };
            let signal = exec
                .explain(next)
                .ok_or(ReplayError::Unexplained(next.id))?;
            exec.deliver(signal);
        }
        // The runtime asks `pending_timers` after a replay.
        exec.timers.clear();
        match exec.divergence.take() {
            Some(err) => Err(err),
            None => Ok(exec),
        }
    }

    /// Which outside input produced this recorded event (during a replay).
    pub(super) fn explain(&self, event: &HistoryEvent) -> Option<Signal> {
        match event.event_type {
            EventType::ExecutionAborted => Some(Signal::Stop {
                error: event.details.error().map(str::to_string),
                cause: event.details.cause().map(str::to_string),
            }),
            EventType::ExecutionTimedOut => Some(Signal::TimedOut),
            EventType::ExecutionRedriven => Some(Signal::Redrive),
            _ => {
                if let Some(signal) = self.explain_task(event) {
                    return Some(signal);
                }
                let frame = self.frames.get(event.frame as usize)?;
                match &frame.step {
                    Step::Run(run)
                        if matches!(run.phase, Phase::Waiting { .. } | Phase::Backoff { .. }) =>
                    {
                        Some(Signal::TimerFired {
                            frame: event.frame,
                            due_ms: None,
                        })
                    }
                    _ => None,
                }
            }
        }
    }

    /// The answer to a task (one of the events its integration records) for the frame that
    /// waits on it.
    fn explain_task(&self, event: &HistoryEvent) -> Option<Signal> {
        let wait = self.task_wait(event.frame)?;
        let events = wait.integration.events();
        let frame = event.frame;
        let token = wait.request.token.clone();
        let kind = event.event_type;
        if kind == events.started {
            Some(Signal::TaskStarted {
                frame,
                token,
                worker_name: event.details.worker_name().map(str::to_string),
            })
        } else if kind == events.succeeded {
            Some(Signal::TaskSucceeded {
                frame,
                token,
                output: event.details.output().unwrap_or("null").to_string(),
            })
        } else if kind == events.failed {
            Some(Signal::TaskFailed {
                frame,
                token,
                error: event.details.error().map(str::to_string),
                cause: event.details.cause().map(str::to_string),
            })
        } else if kind == EventType::TaskSubmitted {
            Some(Signal::TaskSubmitted {
                frame,
                token,
                output: event.details.output().unwrap_or("null").to_string(),
            })
        } else if kind == events.timed_out {
            Some(Signal::TaskTimedOut {
                frame,
                heartbeat: event.details.error() == Some(asl::error::HEARTBEAT_TIMEOUT),
            })
        } else {
            None
        }
    }
}
