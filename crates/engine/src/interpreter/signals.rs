//! What the outside world tells a running execution, and how the execution takes it.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::frame::{Phase, Status, Step, TimerRequest, EXECUTION_TIMEOUT_FRAME};
use super::Execution;
use crate::history::{ErrorCause, EventType, ExecutionRedriven};

/// Something the outside world tells a running execution. Signals for an execution another
/// node drives are queued in the store in this form (`{"signal": "TaskSucceeded", ...}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "signal")]
pub enum Signal {
    /// A Wait state's or a retry back-off's timer for this frame fired, or a task's timeout or
    /// heartbeat timeout; `due_ms` is the deadline it was set for (a timer the runtime fires
    /// early, its waits shortened by `WAIT_TIME_SCALE`, still ends the task it was set for).
    TimerFired {
        frame: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        due_ms: Option<i64>,
    },
    /// StopExecution.
    Stop {
        error: Option<String>,
        cause: Option<String>,
    },
    /// The execution's TimeoutSeconds passed.
    TimedOut,
    /// A worker took the task named by `token`, which this frame waits on.
    TaskStarted {
        frame: u32,
        token: String,
        worker_name: Option<String>,
    },
    /// SendTaskSuccess for this frame's task (output as JSON text).
    TaskSucceeded {
        frame: u32,
        token: String,
        output: String,
    },
    /// SendTaskFailure for this frame's task.
    TaskFailed {
        frame: u32,
        token: String,
        error: Option<String>,
        cause: Option<String>,
    },
    /// SendTaskHeartbeat: the heartbeat timeout starts again.
    TaskHeartbeat { frame: u32, token: String },
    /// The call of this frame's `.waitForTaskToken` or `.sync` task was made (its answer as
    /// JSON text); the task now waits for its token or its job.
    TaskSubmitted {
        frame: u32,
        token: String,
        output: String,
    },
    /// The task's TimeoutSeconds (or HeartbeatSeconds, when `heartbeat`) passed.
    TaskTimedOut { frame: u32, heartbeat: bool },
    /// RedriveExecution of a FAILED, ABORTED or TIMED_OUT execution: it goes on from the
    /// top-level state that did not finish, keeping everything that did.
    Redrive,
}

impl Signal {
    /// The frame and task token a worker's signal is about (None: not about a task by token).
    pub fn task(&self) -> Option<(u32, &str)> {
        match self {
            Signal::TaskStarted { frame, token, .. }
            | Signal::TaskSucceeded { frame, token, .. }
            | Signal::TaskFailed { frame, token, .. }
            | Signal::TaskHeartbeat { frame, token }
            | Signal::TaskSubmitted { frame, token, .. } => Some((*frame, token)),
            _ => None,
        }
    }
}

impl Execution {
    /// Where a redrive starts: the last top-level state entered, with the input it was given.
    pub(super) fn redrive_point(&self) -> Option<(String, Value)> {
        self.events
            .iter()
            .rev()
            .find(|e| e.frame == 0 && e.event_type.is_state_entered())
            .and_then(|e| {
                let name = e.details.name()?.to_string();
                let input = e
                    .details
                    .input()
                    .and_then(|t| serde_json::from_str(t).ok())
                    .unwrap_or(Value::Null);
                Some((name, input))
            })
    }

    pub(super) fn redrive(&mut self) {
        if matches!(self.status, Status::Running | Status::Succeeded) {
            return;
        }
        let Some((name, input)) = self.redrive_point() else {
            return;
        };
        let count = self.info.redrive_count + 1;
        Arc::make_mut(&mut self.info).redrive_count = count;
        self.emit(0, EventType::ExecutionRedriven, |_| {
            ExecutionRedriven {
                redrive_count: count,
            }
            .into()
        });
        self.status = Status::Running;
        self.output = None;
        self.error = None;
        self.cause = None;
        if let Some(seconds) = self.machine.timeout_seconds {
            // The execution's time limit counts again from the redrive.
            self.timers.push(TimerRequest {
                frame: EXECUTION_TIMEOUT_FRAME,
                due_ms: self.now_ms + seconds as i64 * 1000,
            });
        }
        self.frames[0].step = Step::Enter { name, input };
        self.work.push_back(0);
    }

    /// Delivers an outside input and runs as far as the execution can go.
    pub fn deliver(&mut self, signal: Signal) {
        if signal == Signal::Redrive {
            self.redrive();
            self.run();
            return;
        }
        if self.status != Status::Running {
            return;
        }
        // A worker's signal counts only for the task its frame waits on now (not one a retry
        // replaced).
        let stale = signal.task().is_some_and(|(frame, token)| {
            self.task_wait(frame)
                .is_none_or(|w| w.request.token != token)
        });
        if stale {
            self.run();
            return;
        }
        self.deliver_now(signal);
        self.run();
    }

    /// Takes an outside input, without running further.
    pub(super) fn deliver_now(&mut self, signal: Signal) {
        let signal = match signal {
            Signal::TimerFired {
                frame: EXECUTION_TIMEOUT_FRAME,
                ..
            } => Signal::TimedOut,
            other => other,
        };
        match signal {
            Signal::TimerFired { frame, due_ms } if self.task_wait(frame).is_some() => {
                self.task_timer_fired(frame, due_ms)
            }
            Signal::TimerFired { frame, .. } => {
                let waiting = self.frames.get(frame as usize).is_some_and(|f| {
                    matches!(&f.step, Step::Run(r) if matches!(r.phase, Phase::Waiting { .. } | Phase::Backoff { .. }))
                });
                if !waiting {
                    // The frame moved on (or was cancelled): a stale timer.
                    return;
                }
                let Step::Run(run) =
                    std::mem::replace(&mut self.frames[frame as usize].step, Step::Cancelled)
                else {
                    return;
                };
                let mut run = run;
                match std::mem::replace(&mut run.phase, Phase::Start) {
                    Phase::Waiting {
                        effective_input, ..
                    } => self.wait_done(frame, run, effective_input),
                    Phase::Backoff { .. } => {
                        run.retry_count += 1;
                        self.frames[frame as usize].step = Step::Run(run);
                        self.work.push_back(frame);
                    }
                    other => {
                        run.phase = other;
                        self.frames[frame as usize].step = Step::Run(run);
                    }
                }
            }
            Signal::Stop { error, cause } => {
                // AWS records ExecutionAborted with previousEventId 0.
                self.emit_with_prev(0, EventType::ExecutionAborted, false, 0, |_| {
                    ErrorCause::new(error.clone(), cause.clone()).into()
                });
                self.cancel_frame(0);
                self.status = Status::Aborted;
                self.error = error;
                self.cause = cause;
                self.work.clear();
            }
            Signal::TaskStarted {
                frame, worker_name, ..
            } => self.task_started(frame, worker_name),
            Signal::TaskSucceeded {
                frame,
                token,
                output,
            } => self.task_succeeded(frame, token, output),
            Signal::TaskFailed {
                frame,
                token,
                error,
                cause,
            } => self.task_failed(frame, token, error, cause),
            Signal::TaskSubmitted { frame, output, .. } => self.task_submitted(frame, output),
            Signal::TaskHeartbeat { frame, .. } => self.task_heartbeat(frame),
            Signal::TaskTimedOut { frame, heartbeat } => self.task_timed_out(frame, heartbeat),
            Signal::Redrive => {}
            Signal::TimedOut => {
                // AWS records no error or cause for an execution that timed out.
                self.emit(0, EventType::ExecutionTimedOut, |_| {
                    ErrorCause::default().into()
                });
                self.cancel_frame(0);
                self.status = Status::TimedOut;
                self.work.clear();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queued_signals_keep_their_stored_form() {
        let started = Signal::TaskStarted {
            frame: 3,
            token: "t".into(),
            worker_name: None,
        };
        let text = serde_json::to_string(&started).unwrap();
        assert_eq!(
            text,
            r#"{"signal":"TaskStarted","frame":3,"token":"t","worker_name":null}"#
        );
        assert_eq!(serde_json::from_str::<Signal>(&text).unwrap(), started);
        let stop: Signal =
            serde_json::from_str(r#"{"signal":"Stop","error":"E","cause":null}"#).unwrap();
        assert_eq!(
            stop,
            Signal::Stop {
                error: Some("E".into()),
                cause: None
            }
        );
        assert_eq!(stop.task(), None);
        assert_eq!(started.task(), Some((3, "t")));
    }
}
