//! The catalog of both SQL stores, written once: one `catalog` table holds every kind of
//! record as a JSON document, with the columns that find it (kind, parent state machine, account
//! and region, creation order). [`SqlCatalog`] is what a backend provides to run it.

use crate::catalog::{account_and_region, CatalogRecord};
use crate::codec::{from_json, from_json_all, to_json};
use crate::{
    ActivityRecord, CatalogStore, Result, StateMachineAliasRecord, StateMachineRecord,
    StateMachineVersionRecord, StoreError,
};

/// The values bound to a statement's placeholders: all the catalog's columns are text.
pub(crate) type Params = Vec<Option<String>>;

/// What differs between the SQL backends. Statements are written with PostgreSQL's `$1`, `$2`,
/// ... placeholders; a backend rewrites them when its database wants others.
pub(crate) trait SqlCatalog {
    /// The `seq` (creation order) of a new row, as an SQL expression.
    const NEXT_SEQ: &'static str;
    /// Runs a statement that changes the catalog; returns how many rows it changed. A unique
    /// violation (the ARN is taken) is [`StoreError::AlreadyExists`].
    fn execute(&self, sql: &str, params: Params) -> Result<u64>;
    /// The first column (text) of the rows a query selects.
    fn select(&self, sql: &str, params: Params) -> Result<Vec<String>>;
}

fn insert<B: SqlCatalog, R: CatalogRecord>(backend: &B, record: &R) -> Result<()> {
    let sql = format!(
        "INSERT INTO catalog (arn, kind, parent, scope, seq, body) VALUES ($1, $2, $3, $4, {}, $5)",
        B::NEXT_SEQ
    );
    let scope = account_and_region(record.arn())
        .map(|(account, region)| format!("{account}:{region}"))
        .unwrap_or_default();
    let params = vec![
        Some(record.arn().to_string()),
        Some(R::KIND.to_string()),
        record.parent().map(str::to_string),
        Some(scope),
        Some(to_json(record)?),
    ];
    backend.execute(&sql, params)?;
    Ok(())
}

fn update<R: CatalogRecord>(backend: &impl SqlCatalog, record: &R) -> Result<()> {
    let params = vec![
        Some(to_json(record)?),
        Some(record.arn().to_string()),
        Some(R::KIND.to_string()),
    ];
    let changed = backend.execute(
        "UPDATE catalog SET body = $1 WHERE arn = $2 AND kind = $3",
        params,
    )?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

fn get<R: CatalogRecord>(backend: &impl SqlCatalog, arn: &str) -> Result<Option<R>> {
    let bodies = backend.select(
        "SELECT body FROM catalog WHERE arn = $1 AND kind = $2",
        vec![Some(arn.to_string()), Some(R::KIND.to_string())],
    )?;
    bodies.first().map(|body| from_json(body)).transpose()
}

fn delete<R: CatalogRecord>(backend: &impl SqlCatalog, arn: &str) -> Result<()> {
    backend.execute(
        "DELETE FROM catalog WHERE arn = $1 AND kind = $2",
        vec![Some(arn.to_string()), Some(R::KIND.to_string())],
    )?;
    Ok(())
}

/// The records of one kind in an account and region, in creation order.
fn list_in_scope<R: CatalogRecord>(
    backend: &impl SqlCatalog,
    account: &str,
    region: &str,
) -> Result<Vec<R>> {
    let bodies = backend.select(
        "SELECT body FROM catalog WHERE kind = $1 AND scope = $2 ORDER BY seq",
        vec![
            Some(R::KIND.to_string()),
            Some(format!("{account}:{region}")),
        ],
    )?;
    from_json_all(&bodies)
}

/// The records of one kind that belong to a state machine, in creation order.
fn list_children<R: CatalogRecord>(backend: &impl SqlCatalog, parent: &str) -> Result<Vec<R>> {
    let bodies = backend.select(
        "SELECT body FROM catalog WHERE kind = $1 AND parent = $2 ORDER BY seq",
        vec![Some(R::KIND.to_string()), Some(parent.to_string())],
    )?;
    from_json_all(&bodies)
}

impl<B: SqlCatalog> CatalogStore for B {
    fn insert_state_machine(&self, record: StateMachineRecord) -> Result<()> {
        insert(self, &record)
    }

    fn update_state_machine(&self, record: StateMachineRecord) -> Result<()> {
        update(self, &record)
    }

    fn get_state_machine(&self, arn: &str) -> Result<Option<StateMachineRecord>> {
        get(self, arn)
    }

    fn delete_state_machine(&self, arn: &str) -> Result<()> {
        self.execute(
            "DELETE FROM catalog WHERE arn = $1 OR (parent = $1 AND kind IN ($2, $3))",
            vec![
                Some(arn.to_string()),
                Some(StateMachineVersionRecord::KIND.to_string()),
                Some(StateMachineAliasRecord::KIND.to_string()),
            ],
        )?;
        Ok(())
    }

    fn list_state_machines(&self, account: &str, region: &str) -> Result<Vec<StateMachineRecord>> {
        list_in_scope(self, account, region)
    }

    fn insert_state_machine_version(&self, record: StateMachineVersionRecord) -> Result<()> {
        insert(self, &record)
    }

    fn get_state_machine_version(&self, arn: &str) -> Result<Option<StateMachineVersionRecord>> {
        get(self, arn)
    }

    fn delete_state_machine_version(&self, arn: &str) -> Result<()> {
        delete::<StateMachineVersionRecord>(self, arn)
    }

    fn list_state_machine_versions(
        &self,
        state_machine_arn: &str,
    ) -> Result<Vec<StateMachineVersionRecord>> {
        let mut versions: Vec<StateMachineVersionRecord> = list_children(self, state_machine_arn)?;
        versions.sort_by_key(|version| std::cmp::Reverse(version.number));
        Ok(versions)
    }

    fn insert_state_machine_alias(&self, record: StateMachineAliasRecord) -> Result<()> {
        insert(self, &record)
    }

    fn update_state_machine_alias(&self, record: StateMachineAliasRecord) -> Result<()> {
        update(self, &record)
    }

    fn get_state_machine_alias(&self, arn: &str) -> Result<Option<StateMachineAliasRecord>> {
        get(self, arn)
    }

    fn delete_state_machine_alias(&self, arn: &str) -> Result<()> {
        delete::<StateMachineAliasRecord>(self, arn)
    }

    fn list_state_machine_aliases(
        &self,
        state_machine_arn: &str,
    ) -> Result<Vec<StateMachineAliasRecord>> {
        list_children(self, state_machine_arn)
    }

    fn insert_activity(&self, record: ActivityRecord) -> Result<()> {
        insert(self, &record)
    }

    fn update_activity(&self, record: ActivityRecord) -> Result<()> {
        update(self, &record)
    }

    fn get_activity(&self, arn: &str) -> Result<Option<ActivityRecord>> {
        get(self, arn)
    }

    fn delete_activity(&self, arn: &str) -> Result<()> {
        delete::<ActivityRecord>(self, arn)
    }

    fn list_activities(&self, account: &str, region: &str) -> Result<Vec<ActivityRecord>> {
        list_in_scope(self, account, region)
    }
}
