//! The in-memory catalog: state machines, versions, aliases and activities.

use std::collections::HashMap;

use crate::catalog::arn_account_region;
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

impl<T: Clone> Table<T> {
    fn insert(&mut self, arn: &str, record: T) -> Result<()> {
        if self.rows.contains_key(arn) {
            return Err(StoreError::AlreadyExists);
        }
        self.next_sequence += 1;
        self.rows
            .insert(arn.to_string(), (self.next_sequence, record));
        Ok(())
    }

    fn update(&mut self, arn: &str, record: T) -> Result<()> {
        let slot = self.rows.get_mut(arn).ok_or(StoreError::NotFound)?;
        slot.1 = record;
        Ok(())
    }

    fn get(&self, arn: &str) -> Option<T> {
        self.rows.get(arn).map(|(_, record)| record.clone())
    }

    fn remove(&mut self, arn: &str) {
        self.rows.remove(arn);
    }

    /// The records `keep` accepts, in creation order.
    fn list(&self, keep: impl Fn(&str, &T) -> bool) -> Vec<T> {
        let mut rows: Vec<&(u64, T)> = self
            .rows
            .iter()
            .filter(|(arn, (_, record))| keep(arn, record))
            .map(|(_, row)| row)
            .collect();
        rows.sort_by_key(|(sequence, _)| *sequence);
        rows.into_iter().map(|(_, record)| record.clone()).collect()
    }
}

#[derive(Default)]
pub(crate) struct CatalogTables {
    state_machines: Table<StateMachineRecord>,
    versions: Table<StateMachineVersionRecord>,
    aliases: Table<StateMachineAliasRecord>,
    activities: Table<ActivityRecord>,
}

fn in_scope(arn: &str, account: &str, region: &str) -> bool {
    arn_account_region(arn) == Some((account, region))
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
        let arn = record.arn.clone();
        self.catalog_write().state_machines.insert(&arn, record)
    }

    fn update_state_machine(&self, record: StateMachineRecord) -> Result<()> {
        let arn = record.arn.clone();
        self.catalog_write().state_machines.update(&arn, record)
    }

    fn get_state_machine(&self, arn: &str) -> Result<Option<StateMachineRecord>> {
        Ok(self.catalog_read().state_machines.get(arn))
    }

    fn delete_state_machine(&self, arn: &str) -> Result<()> {
        let mut tables = self.catalog_write();
        tables.state_machines.remove(arn);
        tables
            .versions
            .rows
            .retain(|_, (_, version)| version.state_machine_arn != arn);
        tables
            .aliases
            .rows
            .retain(|_, (_, alias)| alias.state_machine_arn != arn);
        Ok(())
    }

    fn list_state_machines(&self, account: &str, region: &str) -> Result<Vec<StateMachineRecord>> {
        Ok(self
            .catalog_read()
            .state_machines
            .list(|arn, _| in_scope(arn, account, region)))
    }

    fn insert_state_machine_version(&self, record: StateMachineVersionRecord) -> Result<()> {
        let arn = record.arn.clone();
        self.catalog_write().versions.insert(&arn, record)
    }

    fn get_state_machine_version(&self, arn: &str) -> Result<Option<StateMachineVersionRecord>> {
        Ok(self.catalog_read().versions.get(arn))
    }

    fn delete_state_machine_version(&self, arn: &str) -> Result<()> {
        self.catalog_write().versions.remove(arn);
        Ok(())
    }

    fn list_state_machine_versions(
        &self,
        state_machine_arn: &str,
    ) -> Result<Vec<StateMachineVersionRecord>> {
        let mut versions = self
            .catalog_read()
            .versions
            .list(|_, version| version.state_machine_arn == state_machine_arn);
        versions.sort_by_key(|version| std::cmp::Reverse(version.number));
        Ok(versions)
    }

    fn insert_state_machine_alias(&self, record: StateMachineAliasRecord) -> Result<()> {
        let arn = record.arn.clone();
        self.catalog_write().aliases.insert(&arn, record)
    }

    fn update_state_machine_alias(&self, record: StateMachineAliasRecord) -> Result<()> {
        let arn = record.arn.clone();
        self.catalog_write().aliases.update(&arn, record)
    }

    fn get_state_machine_alias(&self, arn: &str) -> Result<Option<StateMachineAliasRecord>> {
        Ok(self.catalog_read().aliases.get(arn))
    }

    fn delete_state_machine_alias(&self, arn: &str) -> Result<()> {
        self.catalog_write().aliases.remove(arn);
        Ok(())
    }

    fn list_state_machine_aliases(
        &self,
        state_machine_arn: &str,
    ) -> Result<Vec<StateMachineAliasRecord>> {
        Ok(self
            .catalog_read()
            .aliases
            .list(|_, alias| alias.state_machine_arn == state_machine_arn))
    }

    fn insert_activity(&self, record: ActivityRecord) -> Result<()> {
        let arn = record.arn.clone();
        self.catalog_write().activities.insert(&arn, record)
    }

    fn update_activity(&self, record: ActivityRecord) -> Result<()> {
        let arn = record.arn.clone();
        self.catalog_write().activities.update(&arn, record)
    }

    fn get_activity(&self, arn: &str) -> Result<Option<ActivityRecord>> {
        Ok(self.catalog_read().activities.get(arn))
    }

    fn delete_activity(&self, arn: &str) -> Result<()> {
        self.catalog_write().activities.remove(arn);
        Ok(())
    }

    fn list_activities(&self, account: &str, region: &str) -> Result<Vec<ActivityRecord>> {
        Ok(self
            .catalog_read()
            .activities
            .list(|arn, _| in_scope(arn, account, region)))
    }
}
