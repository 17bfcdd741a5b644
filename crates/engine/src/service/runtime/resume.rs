//! Going on after a crash needs nothing but the history: [`Runtime::resume`] rebuilds every
//! execution the store hands this node by replaying its history, and the timers (Wait,
//! timeouts, heartbeats, retry back-off) come back from it with their deadlines. Activity tasks
//! not yet taken stay in the store's queues; tokens are derived from the history and stay valid.
//! On a shared store this node keeps leases on the executions it drives and takes over those of
//! dead nodes.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use store::{ExecutionRecord, Notice};

use super::Runtime;
use crate::interpreter::{Execution, ExecutionInfo};
use crate::service::arns::StatesArn;
use crate::service::{Result, ServiceError};

/// How long a node's hold on its executions lasts without renewal (shared stores).
pub const LEASE_MS: i64 = 10_000;

impl Runtime {
    /// The fixed facts of a stored execution, as its replay needs them.
    fn info_for(&self, record: &ExecutionRecord) -> Arc<ExecutionInfo> {
        let machine_name = StatesArn::read(&record.state_machine_arn)
            .map(|arn| arn.first_name().to_string())
            .unwrap_or_default();
        Arc::new(ExecutionInfo {
            execution_arn: record.arn.clone(),
            name: record.name.clone(),
            state_machine_arn: record.state_machine_arn.clone(),
            state_machine_name: machine_name,
            role_arn: record.role_arn.clone(),
            start_ms: record.start_ms,
            redrive_count: 0,
            express: false,
            version_arn: record.version_arn.clone(),
            alias_arn: record.alias_arn.clone(),
            mocks: record
                .mocks
                .as_ref()
                .and_then(|v| serde_json::from_value(v.clone()).ok())
                .map(Arc::new),
        })
    }

    /// Rebuilds a stored execution from its history; `recorded` is how many events it had.
    pub(super) fn rebuild(&self, record: &ExecutionRecord) -> Result<(Execution, usize)> {
        let compiled = self.catalog.compile(&record.definition)?;
        let info = self.info_for(record);
        // Only STANDARD executions are durable, so the history is the store's.
        let events = self.events(&record.arn, false)?;
        let recorded = events.len();
        // Virtual time never runs back behind what an execution recorded.
        if let Some(last) = events.last() {
            self.clock.advance_to(last.timestamp_ms);
        }
        let mut exec = if events.is_empty() {
            // Started but nothing recorded yet: it starts now, as it would have.
            let input: Value = serde_json::from_str(&record.input).unwrap_or(Value::Null);
            Execution::start_with_resolver(
                info,
                compiled,
                &record.input,
                input,
                true,
                Some(self.resolver()),
            )
        } else {
            let mut exec = Execution::replay(info, compiled, events).map_err(|e| {
                ServiceError::internal(format!("cannot rebuild {}: {e}", record.arn))
            })?;
            exec.set_resolver(self.resolver());
            exec
        };
        exec.set_now(self.clock.now_ms());
        Ok((exec, recorded))
    }

    /// Takes over every execution the store hands this node (all RUNNING STANDARD executions
    /// after a restart on a single-node store; orphans of dead nodes on a shared one).
    /// Returns how many were taken.
    pub(crate) fn resume(&self) -> Result<usize> {
        let claimed = self.store.claim_executions(self.clock.now_ms())?;
        let count = claimed.len();
        for record in claimed {
            if self.drives(&record.arn) {
                continue;
            }
            match self.rebuild(&record) {
                Ok((mut exec, recorded)) => {
                    let (new_events, timers) = if recorded == 0 {
                        (std::mem::take(&mut exec.events), exec.take_timers())
                    } else {
                        // Replayed events are stored already; the queued tasks too. The
                        // timers come back from the history, with their deadlines.
                        exec.events.clear();
                        exec.take_task_requests();
                        (Vec::new(), exec.pending_timers())
                    };
                    let arn = record.arn.clone();
                    match self.adopt_with(record, exec, new_events, Vec::new(), timers) {
                        Ok(()) => {
                            if recorded != 0 {
                                // Its calls that had not come back are made again.
                                self.resume_calls(&arn);
                            }
                            self.deliver_queued(&arn);
                        }
                        Err(e) => tracing::error!("cannot resume {arn}: {e}"),
                    }
                }
                Err(e) => tracing::error!("cannot resume {}: {e}", record.arn),
            }
        }
        Ok(count)
    }

    /// Keeps this node's leases, takes over orphaned executions and delivers signals other
    /// nodes queued (shared stores); spawn once on the runtime.
    pub(crate) async fn run_leases(self: Arc<Self>) {
        if !self.store.is_shared() {
            return;
        }
        let runtime = self.clone();
        self.store.watch(Arc::new(move |notice| match notice {
            Notice::ActivityTask(_) => runtime.activity_queues.arrived.notify_waiters(),
            Notice::Signal(arn) => {
                let runtime = runtime.clone();
                std::thread::spawn(move || runtime.deliver_queued(&arn));
            }
        }));
        let mut tick = tokio::time::interval(Duration::from_millis((LEASE_MS / 4) as u64));
        loop {
            tick.tick().await;
            let runtime = self.clone();
            let _ = tokio::task::spawn_blocking(move || {
                if let Err(e) = runtime.store.renew_leases(runtime.clock.now_ms()) {
                    tracing::warn!("cannot renew leases: {e}");
                }
                if let Err(e) = runtime.resume() {
                    tracing::warn!("cannot take over executions: {e}");
                }
                if let Ok(arns) = runtime.store.executions_with_signals() {
                    for arn in arns {
                        runtime.deliver_queued(&arn);
                    }
                }
            })
            .await;
        }
    }
}
