//! The calls Task states make (Lambda, AWS services, nested executions): made off the
//! execution's lock once the task's scheduling is committed, their answers delivered to the
//! execution as signals. A call whose answer was not recorded when the node died is made again
//! when the execution is resumed (the history records its answer once); a `.sync` task's job is
//! watched again.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use asl::resource::CallPattern;
use serde_json::Value;

use super::Runtime;
use crate::integrations::{integration_for, Outcome, TaskRequest};
use crate::interpreter::{Signal, PAYLOAD_LIMIT_BYTES};
use crate::service::lock;

/// Where a call's signals go.
pub(crate) type Deliver = dyn Fn(Signal) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync;

/// The caller used when none was configured: every call fails as unreachable.
pub(super) struct NoCaller;

impl aws::Caller for NoCaller {
    fn call<'a>(
        &'a self,
        _call: aws::Call,
    ) -> Pin<Box<dyn Future<Output = Result<aws::Reply, aws::Failure>> + Send + 'a>> {
        Box::pin(async {
            Err(aws::Failure::Transport(
                "no AWS client is configured".into(),
            ))
        })
    }
}

/// The signal an outcome gives the task's frame.
fn signal_of(request: &TaskRequest, outcome: Outcome) -> Signal {
    let (frame, token) = (request.frame, request.token.clone());
    match outcome {
        Outcome::Succeeded(output) => Signal::TaskSucceeded {
            frame,
            token,
            output,
        },
        Outcome::Failed { error, cause } => Signal::TaskFailed {
            frame,
            token,
            error: Some(error),
            cause: Some(cause),
        },
        Outcome::Submitted(output) => Signal::TaskSubmitted {
            frame,
            token,
            output,
        },
    }
}

/// A result over the payload limit fails the task with `States.DataLimitExceeded`.
fn within_limit(limit_name: String, outcome: Outcome) -> Outcome {
    match outcome {
        Outcome::Succeeded(output) | Outcome::Submitted(output)
            if output.len() > PAYLOAD_LIMIT_BYTES =>
        {
            Outcome::failed(
                asl::error::DATA_LIMIT_EXCEEDED,
                format!(
                    "The state/task '{limit_name}' returned a result with a size exceeding the maximum number of bytes service limit."
                ),
            )
        }
        other => other,
    }
}

/// Makes a task's call (or, with what it submitted, watches its `.sync` job) and delivers
/// what comes of it; `waiting` says whether the task still waits (polls stop when not).
pub(crate) async fn perform(
    caller: Arc<dyn aws::Caller>,
    request: TaskRequest,
    submitted: Option<Value>,
    waiting: Arc<dyn Fn() -> bool + Send + Sync>,
    deliver: Arc<Deliver>,
) {
    let Some(integration) = integration_for(&request.call.target()) else {
        return;
    };
    let pattern = request.call.target().pattern;
    let submitted = match submitted {
        Some(s) => s,
        None => {
            let Some(running) = integration.run(&request.call, caller.as_ref()) else {
                return;
            };
            let outcome = running.await;
            let outcome = within_limit(integration.limit_name(&request.call), outcome);
            let outcome = match (pattern, outcome) {
                (
                    CallPattern::WaitForTaskToken | CallPattern::Sync | CallPattern::Sync2,
                    Outcome::Succeeded(out),
                ) => Outcome::Submitted(out),
                (_, other) => other,
            };
            let next = match &outcome {
                Outcome::Submitted(out) if pattern.is_sync() => {
                    Some(serde_json::from_str(out).unwrap_or(Value::Null))
                }
                _ => None,
            };
            deliver(signal_of(&request, outcome)).await;
            match next {
                Some(s) => s,
                None => return,
            }
        }
    };
    let mut delay = Duration::from_millis(100);
    loop {
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(2));
        if !waiting() {
            return;
        }
        let Some(call) = integration.poll(&request.call, &submitted) else {
            return;
        };
        if let Some(outcome) = integration.polled(&request.call, caller.call(call).await) {
            let outcome = within_limit(integration.limit_name(&request.call), outcome);
            deliver(signal_of(&request, outcome)).await;
            return;
        }
    }
}

impl Runtime {
    pub(crate) fn caller(&self) -> Arc<dyn aws::Caller> {
        self.caller
            .get()
            .cloned()
            .unwrap_or_else(|| Arc::new(NoCaller))
    }

    /// Makes the calls of an execution's tasks (after what scheduled them was committed).
    pub(super) fn start_calls(&self, arn: &str, calls: Vec<(TaskRequest, Option<Value>)>) {
        if calls.is_empty() {
            return;
        }
        let Some(runtime) = self.me.upgrade() else {
            return;
        };
        let Some(handle) = self.handle() else {
            tracing::error!("no async runtime to make the calls of {arn}");
            return;
        };
        for (request, submitted) in calls {
            let arn = arn.to_string();
            let (frame, token) = (request.frame, request.token.clone());
            let watcher = runtime.clone();
            let watched = arn.clone();
            let waiting: Arc<dyn Fn() -> bool + Send + Sync> = Arc::new(move || {
                let running = lock(&watcher.running).get(&watched).cloned();
                running.is_some_and(|r| lock(&r.execution).awaits_call(frame, &token))
            });
            let target = runtime.clone();
            let deliver: Arc<Deliver> = Arc::new(move |signal: Signal| {
                let target = target.clone();
                let arn = arn.clone();
                Box::pin(async move {
                    let _ = tokio::task::spawn_blocking(move || {
                        if let Err(e) = target.send(&arn, signal) {
                            tracing::warn!("cannot deliver a task's answer to {arn}: {e}");
                        }
                    })
                    .await;
                })
            });
            handle.spawn(perform(self.caller(), request, submitted, waiting, deliver));
        }
    }

    /// The calls of a resumed execution that had not come back.
    pub(super) fn resume_calls(&self, arn: &str) {
        let calls = match lock(&self.running).get(arn).cloned() {
            Some(running) => lock(&running.execution).calls_in_flight(),
            None => return,
        };
        self.start_calls(arn, calls);
    }

    fn handle(&self) -> Option<tokio::runtime::Handle> {
        if let Ok(h) = tokio::runtime::Handle::try_current() {
            let _ = self.handle.set(h.clone());
            return Some(h);
        }
        self.handle.get().cloned()
    }
}
