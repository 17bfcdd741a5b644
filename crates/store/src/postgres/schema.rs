//! The tables of the shared store, made by the first node that connects.

use sqlx::postgres::PgConnection;
use sqlx::Connection;

use super::PostgresStore;
use crate::codec::backend;
use crate::sql_catalog::catalog_schema;
use crate::Result;

/// The version of the schema below; a database with a newer one is refused.
const SCHEMA_VERSION: i32 = 1;
/// Serialises schema creation between nodes that start at once ("stepfn" in ASCII).
const SCHEMA_LOCK: i64 = 0x7374_6570_666e;

/// The tables besides the catalog (`crate::sql_catalog`).
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS executions (
    arn TEXT PRIMARY KEY,
    seq BIGSERIAL NOT NULL,
    state_machine_arn TEXT NOT NULL,
    status TEXT NOT NULL,
    machine_type TEXT NOT NULL,
    body TEXT NOT NULL,
    owner TEXT,
    lease_until BIGINT
);
CREATE INDEX IF NOT EXISTS executions_by_machine ON executions (state_machine_arn, seq);
CREATE INDEX IF NOT EXISTS executions_by_machine_status ON executions (state_machine_arn, status, seq);
CREATE INDEX IF NOT EXISTS executions_by_seq ON executions (seq);
CREATE INDEX IF NOT EXISTS executions_running ON executions (seq)
    WHERE status = 'RUNNING' AND machine_type = 'STANDARD';
CREATE INDEX IF NOT EXISTS executions_by_owner ON executions (owner) WHERE owner IS NOT NULL;
CREATE TABLE IF NOT EXISTS events (
    execution_arn TEXT NOT NULL,
    seq BIGINT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (execution_arn, seq)
);
CREATE TABLE IF NOT EXISTS activity_tasks (
    seq BIGSERIAL PRIMARY KEY,
    activity_arn TEXT NOT NULL,
    execution_arn TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS activity_tasks_by_activity ON activity_tasks (activity_arn, seq);
CREATE INDEX IF NOT EXISTS activity_tasks_by_execution ON activity_tasks (execution_arn);
CREATE TABLE IF NOT EXISTS nodes (
    node_id TEXT PRIMARY KEY,
    lease_until BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS signals (
    seq BIGSERIAL PRIMARY KEY,
    execution_arn TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS signals_by_execution ON signals (execution_arn, seq);
";

pub(super) async fn create_schema(c: &mut PgConnection) -> Result<()> {
    let mut tx = c.begin().await.map_err(backend)?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(SCHEMA_LOCK)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
    let exists: bool = sqlx::query_scalar("SELECT to_regclass('schema_version') IS NOT NULL")
        .fetch_one(&mut *tx)
        .await
        .map_err(backend)?;
    let stored: Option<i32> = if exists {
        sqlx::query_scalar("SELECT max(version) FROM schema_version")
            .fetch_one(&mut *tx)
            .await
            .map_err(backend)?
    } else {
        None
    };
    match stored {
        // Up to date: no DDL, which would lock tables the other nodes are writing.
        Some(v) if v == SCHEMA_VERSION => {}
        Some(v) if v > SCHEMA_VERSION => {
            return Err(backend(format!(
                "the database has schema version {v}; this stepfn knows versions up to {SCHEMA_VERSION}"
            )));
        }
        _ => {
            // No arguments: the simple query protocol, which runs several statements.
            let schema = format!("{SCHEMA}{}", catalog_schema::<PostgresStore>());
            sqlx::Executor::execute(&mut *tx, schema.as_str())
                .await
                .map_err(backend)?;
            sqlx::query("DELETE FROM schema_version")
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
            sqlx::query("INSERT INTO schema_version (version) VALUES ($1)")
                .bind(SCHEMA_VERSION)
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
    }
    tx.commit().await.map_err(backend)
}
