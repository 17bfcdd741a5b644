//! The in-memory store: everything is lost when the process ends.

use std::collections::HashMap;
use std::sync::RwLock;

use crate::memory_catalog::CatalogTables;
use crate::{EventRecord, ExecutionRecord, Result, Store, StoreError};

#[derive(Default)]
struct Tables {
    executions: Vec<ExecutionRecord>,
    execution_index: HashMap<String, usize>,
    events: HashMap<String, Vec<EventRecord>>,
}

#[derive(Default)]
pub struct MemoryStore {
    tables: RwLock<Tables>,
    /// State machines, versions, aliases and activities (see `memory_catalog`).
    pub(crate) catalog: RwLock<CatalogTables>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Tables> {
        self.tables.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Tables> {
        self.tables.write().unwrap_or_else(|e| e.into_inner())
    }
}

impl Store for MemoryStore {
    fn insert_execution(&self, record: ExecutionRecord) -> Result<()> {
        let mut t = self.write();
        if t.execution_index.contains_key(&record.arn) {
            return Err(StoreError::AlreadyExists);
        }
        let i = t.executions.len();
        t.execution_index.insert(record.arn.clone(), i);
        t.executions.push(record);
        Ok(())
    }

    fn update_execution(&self, record: ExecutionRecord) -> Result<()> {
        let mut t = self.write();
        let i = *t
            .execution_index
            .get(&record.arn)
            .ok_or(StoreError::NotFound)?;
        t.executions[i] = record;
        Ok(())
    }

    fn get_execution(&self, arn: &str) -> Result<Option<ExecutionRecord>> {
        let t = self.read();
        Ok(t.execution_index.get(arn).map(|i| t.executions[*i].clone()))
    }

    fn list_executions(&self, state_machine_arn: Option<&str>) -> Result<Vec<ExecutionRecord>> {
        let t = self.read();
        Ok(t.executions
            .iter()
            .rev()
            .filter(|e| state_machine_arn.is_none_or(|a| e.state_machine_arn == a))
            .cloned()
            .collect())
    }

    fn append_events(&self, execution_arn: &str, events: Vec<EventRecord>) -> Result<()> {
        self.write()
            .events
            .entry(execution_arn.to_string())
            .or_default()
            .extend(events);
        Ok(())
    }

    fn get_events(&self, execution_arn: &str) -> Result<Vec<EventRecord>> {
        Ok(self
            .read()
            .events
            .get(execution_arn)
            .cloned()
            .unwrap_or_default())
    }
}
