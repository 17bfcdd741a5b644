//! The catalog of both SQL stores, written once: one `catalog` table holds every kind of
//! record as a JSON document, with the columns that find it (kind, parent state machine, account
//! and region, creation order). [`SqlCatalog`] is what a backend provides to run it.

use crate::catalog::{account_and_region, CatalogRecord, CatalogTables, RecordTable};
use crate::codec::{from_json, from_json_all, to_json};
use crate::{Result, StateMachineAliasRecord, StateMachineVersionRecord, StoreError};

/// The values bound to a statement's placeholders: all the catalog's columns are text.
pub(crate) type Params = Vec<Option<String>>;

/// What differs between the SQL backends. Statements are written with PostgreSQL's `$1`, `$2`,
/// ... placeholders; a backend rewrites them when its database wants others.
pub(crate) trait SqlCatalog {
    /// The `seq` (creation order) of a new row, as an SQL expression.
    const NEXT_SEQ: &'static str;
    /// The column type of `seq`.
    const SEQ_TYPE: &'static str;
    /// Runs a statement that changes the catalog; returns how many rows it changed. A unique
    /// violation (the ARN is taken) is [`StoreError::AlreadyExists`].
    fn execute(&self, sql: &str, params: Params) -> Result<u64>;
    /// The first column (text) of the rows a query selects.
    fn select(&self, sql: &str, params: Params) -> Result<Vec<String>>;
}

/// The `catalog` table and its indexes, for a backend's schema.
pub(crate) fn catalog_schema<B: SqlCatalog>() -> String {
    format!(
        "
CREATE TABLE IF NOT EXISTS catalog (
    arn TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    parent TEXT,
    scope TEXT NOT NULL,
    seq {} NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS catalog_by_scope ON catalog (kind, scope, seq);
CREATE INDEX IF NOT EXISTS catalog_by_parent ON catalog (kind, parent, seq);
",
        B::SEQ_TYPE
    )
}

impl<B: SqlCatalog, R: CatalogRecord> RecordTable<R> for B {
    fn insert(&self, record: R) -> Result<()> {
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
            Some(to_json(&record)?),
        ];
        self.execute(&sql, params)?;
        Ok(())
    }

    fn update(&self, record: R) -> Result<()> {
        let params = vec![
            Some(to_json(&record)?),
            Some(record.arn().to_string()),
            Some(R::KIND.to_string()),
        ];
        let changed = self.execute(
            "UPDATE catalog SET body = $1 WHERE arn = $2 AND kind = $3",
            params,
        )?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    fn get(&self, arn: &str) -> Result<Option<R>> {
        let bodies = self.select(
            "SELECT body FROM catalog WHERE arn = $1 AND kind = $2",
            vec![Some(arn.to_string()), Some(R::KIND.to_string())],
        )?;
        bodies.first().map(|body| from_json(body)).transpose()
    }

    fn delete(&self, arn: &str) -> Result<()> {
        self.execute(
            "DELETE FROM catalog WHERE arn = $1 AND kind = $2",
            vec![Some(arn.to_string()), Some(R::KIND.to_string())],
        )?;
        Ok(())
    }

    fn list_in_scope(&self, account: &str, region: &str) -> Result<Vec<R>> {
        let bodies = self.select(
            "SELECT body FROM catalog WHERE kind = $1 AND scope = $2 ORDER BY seq",
            vec![
                Some(R::KIND.to_string()),
                Some(format!("{account}:{region}")),
            ],
        )?;
        from_json_all(&bodies)
    }

    fn list_children(&self, parent: &str) -> Result<Vec<R>> {
        let bodies = self.select(
            "SELECT body FROM catalog WHERE kind = $1 AND parent = $2 ORDER BY seq",
            vec![Some(R::KIND.to_string()), Some(parent.to_string())],
        )?;
        from_json_all(&bodies)
    }
}

impl<B: SqlCatalog> CatalogTables for B {
    fn delete_with_children(&self, state_machine_arn: &str) -> Result<()> {
        self.execute(
            "DELETE FROM catalog WHERE arn = $1 OR (parent = $1 AND kind IN ($2, $3))",
            vec![
                Some(state_machine_arn.to_string()),
                Some(StateMachineVersionRecord::KIND.to_string()),
                Some(StateMachineAliasRecord::KIND.to_string()),
            ],
        )?;
        Ok(())
    }
}
