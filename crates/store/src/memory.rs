//! The in-memory store: everything is lost when the process ends.

use std::collections::{HashMap, VecDeque};
use std::sync::RwLock;

use crate::memory_catalog::MemoryCatalog;
use serde_json::Value;

use crate::{
    ActivityTaskRecord, EventRecord, ExecutionRecord, Result, SignalRecord, Store, StoreError,
    Write,
};

#[derive(Default)]
struct Tables {
    executions: Vec<ExecutionRecord>,
    execution_index: HashMap<String, usize>,
    events: HashMap<String, Vec<EventRecord>>,
    activity_tasks: HashMap<String, VecDeque<ActivityTaskRecord>>,
    signals: Vec<SignalRecord>,
    signal_seq: i64,
}

impl Tables {
    fn push_signal(&mut self, execution_arn: String, body: Value) {
        self.signal_seq += 1;
        self.signals.push(SignalRecord {
            seq: self.signal_seq,
            execution_arn,
            body,
        });
    }

    fn apply(&mut self, write: Write) -> Result<()> {
        match write {
            Write::InsertExecution(record) => {
                if self.execution_index.contains_key(&record.arn) {
                    return Err(StoreError::AlreadyExists);
                }
                let i = self.executions.len();
                self.execution_index.insert(record.arn.clone(), i);
                self.executions.push(record);
            }
            Write::UpdateExecution(record) => {
                let i = *self
                    .execution_index
                    .get(&record.arn)
                    .ok_or(StoreError::NotFound)?;
                self.executions[i] = record;
            }
            Write::AppendEvents {
                execution_arn,
                first_seq,
                events,
            } => {
                let stored = self.events.entry(execution_arn).or_default();
                if first_seq <= stored.len() as u64 {
                    return Err(StoreError::Conflict);
                }
                stored.extend(events);
            }
            Write::PushActivityTask(task) => {
                self.activity_tasks
                    .entry(task.activity_arn.clone())
                    .or_default()
                    .push_back(task);
            }
            Write::DropActivityTasks { execution_arn } => {
                for queue in self.activity_tasks.values_mut() {
                    queue.retain(|t| t.execution_arn != execution_arn);
                }
            }
            Write::PushSignal {
                execution_arn,
                body,
            } => self.push_signal(execution_arn, body),
            Write::AckSignals {
                execution_arn,
                upto_seq,
            } => self
                .signals
                .retain(|s| s.execution_arn != execution_arn || s.seq > upto_seq),
        }
        Ok(())
    }
}

#[derive(Default)]
pub struct MemoryStore {
    tables: RwLock<Tables>,
    /// State machines, versions, aliases and activities (see `memory_catalog`).
    pub(crate) catalog: RwLock<MemoryCatalog>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Tables> {
        self.tables.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write_lock(&self) -> std::sync::RwLockWriteGuard<'_, Tables> {
        self.tables.write().unwrap_or_else(|e| e.into_inner())
    }
}

impl Tables {
    /// Whether the whole batch can be applied: the error the first write that cannot would
    /// give, counting what the writes before it in the batch do. Checked before anything is
    /// changed, so a batch is all or nothing without copying the tables.
    fn check(&self, writes: &[Write]) -> Result<()> {
        let mut inserted = std::collections::HashSet::new();
        let mut appended: HashMap<&str, u64> = HashMap::new();
        for write in writes {
            match write {
                Write::InsertExecution(record)
                    if self.execution_index.contains_key(&record.arn)
                        || !inserted.insert(record.arn.as_str()) =>
                {
                    return Err(StoreError::AlreadyExists);
                }
                Write::UpdateExecution(record)
                    if !self.execution_index.contains_key(&record.arn)
                        && !inserted.contains(record.arn.as_str()) =>
                {
                    return Err(StoreError::NotFound);
                }
                Write::AppendEvents {
                    execution_arn,
                    first_seq,
                    events,
                } => {
                    let stored = self.events.get(execution_arn).map_or(0, |e| e.len() as u64);
                    let before = appended.entry(execution_arn.as_str()).or_insert(stored);
                    if *first_seq <= *before {
                        return Err(StoreError::Conflict);
                    }
                    *before += events.len() as u64;
                }
                _ => {}
            }
        }
        Ok(())
    }
}

impl Store for MemoryStore {
    fn write(&self, writes: Vec<Write>) -> Result<()> {
        let mut t = self.write_lock();
        t.check(&writes)?;
        for w in writes {
            t.apply(w)?;
        }
        Ok(())
    }

    fn get_execution(&self, arn: &str) -> Result<Option<ExecutionRecord>> {
        let t = self.read();
        Ok(t.execution_index.get(arn).map(|i| t.executions[*i].clone()))
    }

    fn list_executions(
        &self,
        state_machine_arn: Option<&str>,
        status: Option<&str>,
    ) -> Result<Vec<ExecutionRecord>> {
        let t = self.read();
        Ok(t.executions
            .iter()
            .rev()
            .filter(|e| state_machine_arn.is_none_or(|a| e.state_machine_arn == a))
            .filter(|e| status.is_none_or(|s| e.status == s))
            .cloned()
            .collect())
    }

    fn get_events(&self, execution_arn: &str) -> Result<Vec<EventRecord>> {
        Ok(self
            .read()
            .events
            .get(execution_arn)
            .cloned()
            .unwrap_or_default())
    }

    fn take_activity_task(
        &self,
        activity_arn: &str,
        started: &(dyn Fn(&ActivityTaskRecord) -> Value + Sync),
    ) -> Result<Option<ActivityTaskRecord>> {
        let mut t = self.write_lock();
        let task = t
            .activity_tasks
            .get_mut(activity_arn)
            .and_then(VecDeque::pop_front);
        if let Some(task) = &task {
            t.push_signal(task.execution_arn.clone(), started(task));
        }
        Ok(task)
    }

    fn pending_signals(&self, execution_arn: &str) -> Result<Vec<SignalRecord>> {
        Ok(self
            .read()
            .signals
            .iter()
            .filter(|s| s.execution_arn == execution_arn)
            .cloned()
            .collect())
    }

    fn executions_with_signals(&self) -> Result<Vec<String>> {
        let mut arns: Vec<String> = self
            .read()
            .signals
            .iter()
            .map(|s| s.execution_arn.clone())
            .collect();
        arns.dedup();
        Ok(arns)
    }

    /// Nothing outlives the process, so nothing is ever left without its node.
    fn claim_executions(&self, _now_ms: i64) -> Result<Vec<ExecutionRecord>> {
        Ok(Vec::new())
    }

    fn renew_leases(&self, _now_ms: i64) -> Result<u64> {
        Ok(0)
    }

    fn release_execution(&self, _arn: &str) -> Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::MemoryStore;

    crate::store_test_suite!(suite, |_| Some(MemoryStore::new()));
}
