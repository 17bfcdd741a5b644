//! Which node drives which execution: one lease per node, claims of what no live node holds.

use std::sync::atomic::Ordering;

use crate::codec::{backend, from_json};
use crate::{ExecutionRecord, Result};

use super::PostgresStore;

impl PostgresStore {
    /// Takes the RUNNING STANDARD executions that have no owner or whose owner's lease ran out;
    /// the first claim also takes back those this node id held before a restart.
    pub(super) fn claim(&self) -> Result<Vec<ExecutionRecord>> {
        let first = !self.claimed.swap(true, Ordering::SeqCst);
        let node_id = self.node_id.clone();
        let lease_ms = self.lease_ms;
        let claimed: Result<Vec<(i64, String)>> = self.run(|pool| async move {
            sqlx::query_as(concat!(
                "UPDATE executions SET owner = $1, lease_until = ",
                db_now_ms!(),
                " + $2::bigint
                 WHERE arn IN (
                     SELECT arn FROM executions
                     WHERE status = 'RUNNING' AND machine_type = 'STANDARD'
                       AND (owner IS NULL
                            OR ($3 AND owner = $1)
                            OR NOT EXISTS (
                                SELECT 1 FROM nodes
                                WHERE nodes.node_id = executions.owner AND nodes.lease_until >= ",
                db_now_ms!(),
                "))
                     ORDER BY seq
                     FOR UPDATE SKIP LOCKED
                 )
                 RETURNING seq, body"
            ))
            .bind(&*node_id)
            .bind(lease_ms)
            .bind(first)
            .fetch_all(&pool)
            .await
            .map_err(backend)
        });
        let mut claimed = match claimed {
            Ok(rows) => rows,
            Err(e) => {
                if first {
                    self.claimed.store(false, Ordering::SeqCst);
                }
                return Err(e);
            }
        };
        claimed.sort_by_key(|(seq, _)| *seq);
        claimed.iter().map(|(_, body)| from_json(body)).collect()
    }

    /// One lease per node, renewed from the database clock.
    pub(super) fn renew(&self) -> Result<u64> {
        let node_id = self.node_id.clone();
        let lease_ms = self.lease_ms;
        self.run(|pool| async move {
            // One lease per node, not per execution: renewing costs the same for 10 or
            // 100,000 executions.
            let done = sqlx::query(concat!(
                "INSERT INTO nodes (node_id, lease_until) VALUES ($1, ",
                db_now_ms!(),
                " + $2::bigint)
                 ON CONFLICT (node_id) DO UPDATE SET lease_until = EXCLUDED.lease_until"
            ))
            .bind(&*node_id)
            .bind(lease_ms)
            .execute(&pool)
            .await
            .map_err(backend)?;
            Ok(done.rows_affected())
        })
    }

    /// Gives up the execution if this node holds it.
    pub(super) fn release(&self, arn: &str) -> Result<()> {
        let arn = arn.to_string();
        let node_id = self.node_id.clone();
        self.run(|pool| async move {
            sqlx::query(
                "UPDATE executions SET owner = NULL, lease_until = NULL
                 WHERE arn = $1 AND owner = $2",
            )
            .bind(arn)
            .bind(&*node_id)
            .execute(&pool)
            .await
            .map_err(backend)?;
            Ok(())
        })
    }
}
