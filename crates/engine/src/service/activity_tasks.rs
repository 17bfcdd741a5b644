//! Activity tasks: the queue between executions waiting in a Task state and the workers that
//! poll GetActivityTask, and SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat.
//!
//! Each queued task goes to exactly one poller: a poller pops it under the queue's lock and the
//! execution records `ActivityStarted` before the token is handed out. A task whose execution no
//! longer waits for it (stopped, timed out) is dropped when popped.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use super::*;
use crate::execution::TaskResolver;
use crate::tasks::{parse_token, TaskKind, TaskRequest};

/// How long GetActivityTask holds a poll open when nothing comes, as on AWS.
pub const ACTIVITY_POLL_SECONDS: u64 = 60;

#[derive(Default)]
pub(super) struct ActivityQueues {
    queues: Mutex<HashMap<String, VecDeque<Queued>>>,
    arrived: tokio::sync::Notify,
}

struct Queued {
    execution_arn: String,
    frame: u32,
    token: String,
    input: String,
}

/// Answers the engine's "does this activity exist?" from the store.
pub(super) struct StoreResolver(pub(super) Arc<dyn Store>);

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
        "TaskTimedOut",
        "Task Timed Out: 'Provided task does not exist anymore'",
    )
}

fn invalid_token() -> ServiceError {
    ServiceError::new("InvalidToken", "Invalid Token: 'Invalid token'")
}

impl Service {
    pub(super) fn resolver(&self) -> Arc<dyn TaskResolver> {
        Arc::new(StoreResolver(self.store.clone()))
    }

    /// Puts the tasks an execution asked for in their activities' queues.
    pub(super) fn offer_tasks(&self, execution_arn: &str, requests: Vec<TaskRequest>) {
        if requests.is_empty() {
            return;
        }
        {
            let mut queues = lock(&self.activity_queues.queues);
            for request in requests {
                let TaskKind::Activity {
                    activity_arn,
                    input,
                } = request.kind;
                queues.entry(activity_arn).or_default().push_back(Queued {
                    execution_arn: execution_arn.to_string(),
                    frame: request.frame,
                    token: request.token,
                    input,
                });
            }
        }
        self.activity_queues.arrived.notify_waiters();
    }

    /// GetActivityTask: waits up to a minute for a task of this activity.
    pub async fn get_activity_task(
        &self,
        region: &str,
        activity_arn: &str,
        worker_name: Option<String>,
    ) -> Result<Option<ActivityTask>> {
        self.describe_activity(region, activity_arn)?;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(ACTIVITY_POLL_SECONDS);
        loop {
            let arrived = self.activity_queues.arrived.notified();
            tokio::pin!(arrived);
            arrived.as_mut().enable();
            while let Some(task) = self.pop_task(activity_arn) {
                if self.hand_out(&task, worker_name.clone()) {
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

    fn pop_task(&self, activity_arn: &str) -> Option<Queued> {
        lock(&self.activity_queues.queues)
            .get_mut(activity_arn)
            .and_then(VecDeque::pop_front)
    }

    /// Records that a worker took the task; false when its execution no longer waits for it.
    fn hand_out(&self, task: &Queued, worker_name: Option<String>) -> bool {
        let Some(running) = lock(&self.running).get(&task.execution_arn).cloned() else {
            return false;
        };
        {
            let exec = lock(&running.execution);
            if exec.task_status(task.frame, &task.token) != Some(false) {
                return false;
            }
        }
        self.signal(
            &task.execution_arn,
            Signal::TaskStarted {
                frame: task.frame,
                worker_name,
            },
        );
        true
    }

    /// Finds the execution waiting on `token`, checking the token as AWS does.
    fn waiting_task(&self, token: &str) -> Result<(String, u32)> {
        let parts = parse_token(token).ok_or_else(invalid_token)?;
        let running = lock(&self.running).get(&parts.execution_arn).cloned();
        let Some(running) = running else {
            return Err(task_timed_out());
        };
        let exec = lock(&running.execution);
        match exec.task_status(parts.frame, token) {
            Some(_) => Ok((parts.execution_arn, parts.frame)),
            None => Err(task_timed_out()),
        }
    }

    pub fn send_task_success(&self, token: &str, output: &str) -> Result<()> {
        if serde_json::from_str::<Value>(output).is_err() {
            return Err(ServiceError::new(
                "InvalidOutput",
                format!("Invalid Output: '{output}'"),
            ));
        }
        if output.len() > crate::execution::PAYLOAD_LIMIT_BYTES {
            return Err(ServiceError::new(
                "InvalidOutput",
                "The output is larger than the maximum size of 262144 bytes",
            ));
        }
        let (arn, frame) = self.waiting_task(token)?;
        self.signal(
            &arn,
            Signal::TaskSucceeded {
                frame,
                output: output.to_string(),
            },
        );
        Ok(())
    }

    pub fn send_task_failure(
        &self,
        token: &str,
        error: Option<String>,
        cause: Option<String>,
    ) -> Result<()> {
        let (arn, frame) = self.waiting_task(token)?;
        self.signal(
            &arn,
            Signal::TaskFailed {
                frame,
                error,
                cause,
            },
        );
        Ok(())
    }

    pub fn send_task_heartbeat(&self, token: &str) -> Result<()> {
        let (arn, frame) = self.waiting_task(token)?;
        self.signal(&arn, Signal::TaskHeartbeat { frame });
        Ok(())
    }
}
