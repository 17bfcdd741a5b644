//! The in-memory catalog: state machines, versions, aliases and activities.

use std::collections::HashMap;

use crate::catalog::{account_and_region, CatalogRecord, CatalogTables, RecordTable};
use crate::{
    ActivityRecord, MemoryStore, Result, StateMachineAliasRecord, StateMachineRecord,
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
pub(crate) struct MemoryCatalog {
    state_machines: Table<StateMachineRecord>,
    versions: Table<StateMachineVersionRecord>,
    aliases: Table<StateMachineAliasRecord>,
    activities: Table<ActivityRecord>,
}

/// A kind of record, by the table of [`MemoryCatalog`] it lives in.
trait InMemory: CatalogRecord {
    fn table(catalog: &MemoryCatalog) -> &Table<Self>;
    fn table_mut(catalog: &mut MemoryCatalog) -> &mut Table<Self>;
}

macro_rules! in_memory {
    ($($record:ty => $table:ident),* $(,)?) => {$(
        impl InMemory for $record {
            fn table(catalog: &MemoryCatalog) -> &Table<Self> {
                &catalog.$table
            }
            fn table_mut(catalog: &mut MemoryCatalog) -> &mut Table<Self> {
                &mut catalog.$table
            }
        }
    )*};
}

in_memory! {
    StateMachineRecord => state_machines,
    StateMachineVersionRecord => versions,
    StateMachineAliasRecord => aliases,
    ActivityRecord => activities,
}

impl MemoryStore {
    fn catalog_read(&self) -> std::sync::RwLockReadGuard<'_, MemoryCatalog> {
        self.catalog.read().unwrap_or_else(|e| e.into_inner())
    }

    fn catalog_write(&self) -> std::sync::RwLockWriteGuard<'_, MemoryCatalog> {
        self.catalog.write().unwrap_or_else(|e| e.into_inner())
    }
}

impl<R: InMemory> RecordTable<R> for MemoryStore {
    fn insert(&self, record: R) -> Result<()> {
        R::table_mut(&mut self.catalog_write()).insert(record)
    }
    fn update(&self, record: R) -> Result<()> {
        R::table_mut(&mut self.catalog_write()).update(record)
    }
    fn get(&self, arn: &str) -> Result<Option<R>> {
        R::table(&self.catalog_read()).get(arn)
    }
    fn delete(&self, arn: &str) -> Result<()> {
        R::table_mut(&mut self.catalog_write()).remove(arn)
    }
    fn list_in_scope(&self, account: &str, region: &str) -> Result<Vec<R>> {
        R::table(&self.catalog_read()).list_in_scope(account, region)
    }
    fn list_children(&self, parent: &str) -> Result<Vec<R>> {
        R::table(&self.catalog_read()).list_children(parent)
    }
}

impl CatalogTables for MemoryStore {
    fn delete_with_children(&self, state_machine_arn: &str) -> Result<()> {
        let mut catalog = self.catalog_write();
        catalog.versions.remove_children(state_machine_arn);
        catalog.aliases.remove_children(state_machine_arn);
        catalog.state_machines.remove(state_machine_arn)
    }
}
