//! The in-memory catalog: state machines, versions, aliases and activities.

use std::collections::HashMap;

use crate::catalog::{account_and_region, CatalogRecord};
use crate::{
    ActivityRecord, CatalogStore, MemoryStore, Result, StateMachineAliasRecord, StateMachineRecord,
    StateMachineVersionRecord, StoreError,
};

/// Records by ARN, each with the sequence number of its insertion so lists keep creation order.
struct Table<T> {
    rows: HashMap<String, (u64, T)>,
    next_sequence: u64,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table {
            rows: HashMap::new(),
            next_sequence: 0,
        }
    }
}

impl<T: CatalogRecord> Table<T> {
    fn insert(&mut self, record: T) -> Result<()> {
        if self.rows.contains_key(record.arn()) {
            return Err(StoreError::AlreadyExists);
        }
        self.next_sequence += 1;
        self.rows
            .insert(record.arn().to_string(), (self.next_sequence, record));
        Ok(())
    }

    fn update(&mut self, record: T) -> Result<()> {
        let slot = self
            .rows
            .get_mut(record.arn())
            .ok_or(StoreError::NotFound)?;
        slot.1 = record;
        Ok(())
    }

    fn get(&self, arn: &str) -> Result<Option<T>> {
        Ok(self.rows.get(arn).map(|(_, record)| record.clone()))
    }

    fn remove(&mut self, arn: &str) -> Result<()> {
        self.rows.remove(arn);
        Ok(())
    }

    fn remove_children(&mut self, parent: &str) {
        self.rows
            .retain(|_, (_, record)| record.parent() != Some(parent));
    }

    /// The records `keep` accepts, in creation order.
    fn list(&self, keep: impl Fn(&T) -> bool) -> Result<Vec<T>> {
        let mut rows: Vec<&(u64, T)> = self.rows.values().filter(|(_, r)| keep(r)).collect();
        rows.sort_by_key(|(sequence, _)| *sequence);
        Ok(rows.into_iter().map(|(_, record)| record.clone()).collect())
    }

    fn list_in_scope(&self, account: &str, region: &str) -> Result<Vec<T>> {
        self.list(|record| account_and_region(record.arn()) == Some((account, region)))
    }

    fn list_children(&self, parent: &str) -> Result<Vec<T>> {
        self.list(|record| record.parent() == Some(parent))
    }
}

#[derive(Default)]
pub(crate) struct CatalogTables {
    state_machines: Table<StateMachineRecord>,
    versions: Table<StateMachineVersionRecord>,
    aliases: Table<StateMachineAliasRecord>,
    activities: Table<ActivityRecord>,
}

impl MemoryStore {
    fn catalog_read(&self) -> std::sync::RwLockReadGuard<'_, CatalogTables> {
        self.catalog.read().unwrap_or_else(|e| e.into_inner())
    }

    fn catalog_write(&self) -> std::sync::RwLockWriteGuard<'_, CatalogTables> {
        self.catalog.write().unwrap_or_else(|e| e.into_inner())
    }
}

impl CatalogStore for MemoryStore {
    fn insert_state_machine(&self, record: StateMachineRecord) -> Result<()> {
        self.catalog_write().state_machines.insert(record)
    }

    fn update_state_machine(&self, record: StateMachineRecord) -> Result<()> {
        self.catalog_write().state_machines.update(record)
    }

    fn get_state_machine(&self, arn: &str) -> Result<Option<StateMachineRecord>> {
        self.catalog_read().state_machines.get(arn)
    }

    fn delete_state_machine(&self, arn: &str) -> Result<()> {
        let mut tables = self.catalog_write();
        tables.versions.remove_children(arn);
        tables.aliases.remove_children(arn);
        tables.state_machines.remove(arn)
    }

    fn list_state_machines(&self, account: &str, region: &str) -> Result<Vec<StateMachineRecord>> {
        self.catalog_read()
            .state_machines
            .list_in_scope(account, region)
    }

    fn insert_state_machine_version(&self, record: StateMachineVersionRecord) -> Result<()> {
        self.catalog_write().versions.insert(record)
    }

    fn get_state_machine_version(&self, arn: &str) -> Result<Option<StateMachineVersionRecord>> {
        self.catalog_read().versions.get(arn)
    }

    fn delete_state_machine_version(&self, arn: &str) -> Result<()> {
        self.catalog_write().versions.remove(arn)
    }

    fn list_state_machine_versions(
        &self,
        state_machine_arn: &str,
    ) -> Result<Vec<StateMachineVersionRecord>> {
        let mut versions = self
            .catalog_read()
            .versions
            .list_children(state_machine_arn)?;
        versions.sort_by_key(|version| std::cmp::Reverse(version.number));
        Ok(versions)
    }

    fn insert_state_machine_alias(&self, record: StateMachineAliasRecord) -> Result<()> {
        self.catalog_write().aliases.insert(record)
    }

    fn update_state_machine_alias(&self, record: StateMachineAliasRecord) -> Result<()> {
        self.catalog_write().aliases.update(record)
    }

    fn get_state_machine_alias(&self, arn: &str) -> Result<Option<StateMachineAliasRecord>> {
        self.catalog_read().aliases.get(arn)
    }

    fn delete_state_machine_alias(&self, arn: &str) -> Result<()> {
        self.catalog_write().aliases.remove(arn)
    }

    fn list_state_machine_aliases(
        &self,
        state_machine_arn: &str,
    ) -> Result<Vec<StateMachineAliasRecord>> {
        self.catalog_read().aliases.list_children(state_machine_arn)
    }

    fn insert_activity(&self, record: ActivityRecord) -> Result<()> {
        self.catalog_write().activities.insert(record)
    }

    fn update_activity(&self, record: ActivityRecord) -> Result<()> {
        self.catalog_write().activities.update(record)
    }

    fn get_activity(&self, arn: &str) -> Result<Option<ActivityRecord>> {
        self.catalog_read().activities.get(arn)
    }

    fn delete_activity(&self, arn: &str) -> Result<()> {
        self.catalog_write().activities.remove(arn)
    }

    fn list_activities(&self, account: &str, region: &str) -> Result<Vec<ActivityRecord>> {
        self.catalog_read()
            .activities
            .list_in_scope(account, region)
    }
}
