//! Signals to running STANDARD executions: delivered here when this node drives the execution,
//! otherwise queued in the store ([`store::Write::PushSignal`]) for the node that does, which
//! delivers and acknowledges them in the same write as what they caused.

use serde_json::Value;
use store::Write;

use super::Runtime;
use crate::interpreter::Signal;
use crate::service::{lock, Result};

impl Runtime {
    /// Delivers a signal to a running STANDARD execution this node drives.
    pub(super) fn signal(&self, arn: &str, signal: Signal) {
        self.deliver(arn, vec![signal], None);
    }

    /// StopExecution of a running STANDARD execution, here or through the store.
    pub(crate) fn stop(
        &self,
        arn: &str,
        error: Option<String>,
        cause: Option<String>,
    ) -> Result<()> {
        if self.drives(arn) {
            self.signal(arn, Signal::Stop { error, cause });
        } else if self.store.is_shared() {
            self.queue_signal(arn, Signal::Stop { error, cause })?;
        }
        Ok(())
    }

    /// Delivers a worker's answer here, or queues it for the node that drives the execution.
    pub(super) fn send(&self, arn: &str, signal: Signal) -> Result<()> {
        if self.drives(arn) {
            self.signal(arn, signal);
            Ok(())
        } else {
            self.queue_signal(arn, signal)
        }
    }

    /// Delivers the signals queued in the store for an execution this node drives.
    pub(super) fn deliver_queued(&self, arn: &str) {
        let queued = match self.store.pending_signals(arn) {
            Ok(q) if !q.is_empty() => q,
            _ => return,
        };
        let Some(running) = self.live(arn) else {
            if !self.store.is_shared() {
                // Nobody else could deliver them: the execution is over.
                let _ = self.store.write(vec![Write::AckSignals {
                    execution_arn: arn.to_string(),
                    upto_seq: queued.last().map_or(0, |s| s.seq),
                }]);
            }
            return;
        };
        let upto = queued.last().map_or(0, |s| s.seq);
        let signals: Vec<Signal> = {
            let exec = lock(&running.execution);
            queued
                .into_iter()
                .filter_map(|s| serde_json::from_value::<Signal>(s.body).ok())
                .filter(|signal| match signal.task() {
                    // A task signal counts only while its frame still waits on that token, and
                    // a start only before the task started.
                    Some((frame, token)) => match exec.task_status(frame, token) {
                        Some(started) => !(started && matches!(signal, Signal::TaskStarted { .. })),
                        None => false,
                    },
                    None => true,
                })
                .collect()
        };
        self.deliver(arn, signals, Some(upto));
    }

    /// Queues a signal for the node that drives an execution (shared stores).
    fn queue_signal(&self, arn: &str, signal: Signal) -> Result<()> {
        self.store.write(vec![Write::PushSignal {
            execution_arn: arn.to_string(),
            body: serde_json::to_value(&signal).unwrap_or(Value::Null),
        }])?;
        // It may be this node's after all (it took the execution over meanwhile).
        if self.drives(arn) {
            self.deliver_queued(arn);
        }
        Ok(())
    }
}
