//! Parking: an execution that waits only on task tokens (callbacks whose calls were made,
//! activities) and has no timer is dropped from memory once what it did is committed; the
//! node keeps only its ARN. The first signal for it (SendTask*, a worker taking its activity
//! task, StopExecution) rebuilds it from its history, as a resume does, and goes on. So a node
//! holds many waiting executions in little memory.

use std::sync::Arc;

use super::{Running, Runtime};
use crate::service::lock;
use crate::service::status::ExecutionKinds;

impl Runtime {
    /// The execution this node drives, in memory: rebuilt from its history when parked. None
    /// when this node does not drive it (or it cannot be rebuilt).
    pub(super) fn live(&self, arn: &str) -> Option<Arc<Running>> {
        if let Some(running) = lock(&self.running).get(arn).cloned() {
            return Some(running);
        }
        // Held while rebuilding, so that only one rebuild of an execution happens.
        let mut parked = lock(&self.parked);
        if !parked.contains(arn) {
            // Unparked by another thread meanwhile.
            return lock(&self.running).get(arn).cloned();
        }
        let record = match self.store.get_execution(arn) {
            Ok(Some(record)) if record.is_running() => record,
            _ => {
                parked.remove(arn);
                return None;
            }
        };
        match self.rebuild(&record) {
            Ok((mut exec, _)) => {
                exec.events.clear();
                exec.take_task_requests();
                exec.take_timers();
                let running = Arc::new(Running {
                    execution: std::sync::Mutex::new(exec),
                    record: std::sync::Mutex::new(record),
                });
                lock(&self.running).insert(arn.to_string(), running.clone());
                parked.remove(arn);
                Some(running)
            }
            Err(e) => {
                tracing::error!("cannot rebuild parked {arn}: {e}");
                None
            }
        }
    }

    /// Parks an execution whose step was just committed, when it waits only on tokens.
    pub(super) fn park_if_idle(&self, arn: &str, running: &Arc<Running>) {
        let idle = lock(&running.execution).waits_only_on_tokens();
        if !idle {
            return;
        }
        let mut parked = lock(&self.parked);
        let mut map = lock(&self.running);
        // Only the copy that is current (not one a failed write dropped meanwhile), and only
        // when no one else holds it (a signal on its way in): the map's and the caller's.
        let current = map.get(arn).is_some_and(|r| Arc::ptr_eq(r, running));
        if current && Arc::strong_count(running) <= 2 {
            map.remove(arn);
            parked.insert(arn.to_string());
        }
    }
}
