//! Activity tasks: the queue between executions waiting in a Task state and the workers that
//! poll GetActivityTask, and SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat.
//!
//! Each queued task goes to exactly one poller: a poller pops it under the queue's lock and the
//! execution records `ActivityStarted` before the token is handed out. A task whose execution no
//! longer waits for it (stopped, timed out) is dropped when popped.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use store::{ActivityTaskRecord, Store};

use super::Runtime;
use crate::integrations::TaskResolver;
use crate::interpreter::{Signal, PAYLOAD_LIMIT_BYTES};
use crate::service::status::ExecutionKinds;
use crate::service::{lock, ErrorCode, Result, ServiceError};
use crate::tasks::parse_token;

/// How long GetActivityTask holds a poll open when nothing comes, as on AWS.
pub const ACTIVITY_POLL_SECONDS: u64 = 60;

/// Wakes long polls when tasks arrive (the queues themselves are in the store).
#[derive(Default)]
pub(super) struct ActivityQueues {
    pub(super) arrived: tokio::sync::Notify,
}

/// Answers the engine's "does this activity exist?" from the store.
struct StoreResolver(Arc<dyn Store>);

impl TaskResolver for StoreResolver {
    fn activity_exists(&self, activity_arn: &str) -> bool {
        matches!(self.0.get_activity(activity_arn), Ok(Some(_)))
    }
}

/// A task handed to a worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityTask {
    pub task_token: String,
    pub input: String,
}

fn task_timed_out() -> ServiceError {
    ServiceError::new(
        ErrorCode::TaskTimedOut,
        "Task Timed Out: 'Provided task does not exist anymore'",
    )
}

fn invalid_token() -> ServiceError {
    ServiceError::new(ErrorCode::InvalidToken, "Invalid Token: 'Invalid token'")
}

/// The start signal queued when a worker takes a task.
fn started_signal(task: &ActivityTaskRecord, worker_name: Option<String>) -> Value {
    serde_json::to_value(Signal::TaskStarted {
        frame: task.frame,
        token: task.token.clone(),
        worker_name,
    })
    .unwrap_or(Value::Null)
}

impl Runtime {
    pub(super) fn resolver(&self) -> Arc<dyn TaskResolver> {
        Arc::new(StoreResolver(self.store.clone()))
    }

    /// GetActivityTask of an existing activity: waits up to a minute for one of its tasks.
    pub(crate) async fn get_activity_task(
        &self,
        activity_arn: &str,
        worker_name: Option<String>,
    ) -> Result<Option<ActivityTask>> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(ACTIVITY_POLL_SECONDS);
        loop {
            let arrived = self.activity_queues.arrived.notified();
            tokio::pin!(arrived);
            arrived.as_mut().enable();
            loop {
                let worker = worker_name.clone();
                let started = move |t: &ActivityTaskRecord| started_signal(t, worker.clone());
                let Some(task) = self.store.take_activity_task(activity_arn, &started)? else {
                    break;
                };
                if self.hand_out(&task) {
                    return Ok(Some(ActivityTask {
                        task_token: task.token,
                        input: task.input,
                    }));
                }
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                return Ok(None);
            }
        }
    }

    /// Records that a worker took the task (the store queued the start signal with it): false
    /// when its execution no longer waits for it.
    fn hand_out(&self, task: &ActivityTaskRecord) -> bool {
        if self.drives(&task.execution_arn) {
            self.deliver_queued(&task.execution_arn);
            let running = self.live(&task.execution_arn);
            return running.is_some_and(|r| {
                lock(&r.execution).task_status(task.frame, &task.token) == Some(true)
            });
        }
        if self.store.is_shared() {
            // The node that drives the execution records the start (the store told it).
            return true;
        }
        // Nobody drives the execution: it is over.
        self.deliver_queued(&task.execution_arn);
        false
    }

    /// Finds the execution waiting on `token`, checking the token as AWS does.
    fn waiting_task(&self, token: &str) -> Result<(String, u32)> {
        let parts = parse_token(token).ok_or_else(invalid_token)?;
        let running = self.live(&parts.execution_arn);
        let status = match running {
            Some(running) => lock(&running.execution).task_status(parts.frame, token),
            None if self.store.is_shared() => {
                // Another node drives it: ask its history.
                match self.store.get_execution(&parts.execution_arn)? {
                    Some(record) if record.is_running() => {
                        let (exec, _) = self.rebuild(&record)?;
                        exec.task_status(parts.frame, token)
                    }
                    _ => None,
                }
            }
            None => None,
        };
        match status {
            Some(_) => Ok((parts.execution_arn, parts.frame)),
            None => Err(task_timed_out()),
        }
    }

    pub(crate) fn send_task_success(&self, token: &str, output: &str) -> Result<()> {
        // A token this server did not make is refused before the output is looked at.
        parse_token(token).ok_or_else(invalid_token)?;
        if serde_json::from_str::<Value>(output).is_err() {
            return Err(ServiceError::new(
                ErrorCode::InvalidOutput,
                format!("Invalid Output: '{output}'"),
            ));
        }
        if output.len() > PAYLOAD_LIMIT_BYTES {
            return Err(ServiceError::new(
                ErrorCode::InvalidOutput,
                "The output is larger than the maximum size of 262144 bytes",
            ));
        }
        let (arn, frame) = self.waiting_task(token)?;
        self.send(
            &arn,
            Signal::TaskSucceeded {
                frame,
                token: token.to_string(),
                output: output.to_string(),
            },
        )
    }

    pub(crate) fn send_task_failure(
        &self,
        token: &str,
        error: Option<String>,
        cause: Option<String>,
    ) -> Result<()> {
        let (arn, frame) = self.waiting_task(token)?;
        self.send(
            &arn,
            Signal::TaskFailed {
                frame,
                token: token.to_string(),
                error,
                cause,
            },
        )
    }

    pub(crate) fn send_task_heartbeat(&self, token: &str) -> Result<()> {
        let (arn, frame) = self.waiting_task(token)?;
        self.send(
            &arn,
            Signal::TaskHeartbeat {
                frame,
                token: token.to_string(),
            },
        )
    }
}
