//! Activity task queues and signal queues.

use std::sync::mpsc;

use serde_json::Value;

use crate::codec::{backend, from_json};
use crate::{ActivityTaskRecord, Result, SignalRecord};

use super::statements::push_signal;
use super::PostgresStore;

impl PostgresStore {
    pub(super) fn take_task(
        &self,
        activity_arn: &str,
        started: &(dyn Fn(&ActivityTaskRecord) -> Value + Sync),
    ) -> Result<Option<ActivityTaskRecord>> {
        // The transaction stays on the runtime while this thread makes the start signal from
        // the task: the task comes out on `taken`, the signal goes back on `signal`, the commit's
        // outcome comes on `committed`. If this thread gives up, the transaction rolls back and
        // the task stays queued.
        let (taken_tx, taken) = mpsc::sync_channel::<Result<Option<String>>>(1);
        let (signal, signal_rx) = tokio::sync::oneshot::channel::<(String, Value)>();
        let (committed_tx, committed) = mpsc::sync_channel::<Result<()>>(1);
        let pool = self.pool.clone();
        let activity_arn = activity_arn.to_string();
        self.runtime()?.spawn(async move {
            let mut tx = match pool.begin().await {
                Ok(tx) => tx,
                Err(e) => {
                    let _ = taken_tx.send(Err(backend(e)));
                    return;
                }
            };
            let body: std::result::Result<Option<String>, _> = sqlx::query_scalar(
                "DELETE FROM activity_tasks WHERE seq = (
                     SELECT seq FROM activity_tasks WHERE activity_arn = $1
                     ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED
                 ) RETURNING body",
            )
            .bind(activity_arn)
            .fetch_optional(&mut *tx)
            .await;
            let found = matches!(body, Ok(Some(_)));
            if taken_tx.send(body.map_err(backend)).is_err() || !found {
                let _ = tx.rollback().await;
                return;
            }
            let Ok((execution_arn, body)) = signal_rx.await else {
                let _ = tx.rollback().await;
                return;
            };
            let outcome = match push_signal(&mut tx, &execution_arn, &body).await {
                Ok(()) => tx.commit().await.map_err(backend),
                Err(e) => {
                    let _ = tx.rollback().await;
                    Err(e)
                }
            };
            let _ = committed_tx.send(outcome);
        });
        let stopped = || backend("the store's runtime stopped before answering");
        let Some(body) = taken.recv().map_err(|_| stopped())?? else {
            return Ok(None);
        };
        let task: ActivityTaskRecord = from_json(&body)?;
        let body = started(&task);
        signal
            .send((task.execution_arn.clone(), body))
            .map_err(|_| stopped())?;
        committed.recv().map_err(|_| stopped())??;
        Ok(Some(task))
    }

    pub(super) fn queued_signals(&self, execution_arn: &str) -> Result<Vec<SignalRecord>> {
        let arn = execution_arn.to_string();
        let rows: Vec<(i64, String)> = self.run(|pool| async move {
            sqlx::query_as("SELECT seq, body FROM signals WHERE execution_arn = $1 ORDER BY seq")
                .bind(arn)
                .fetch_all(&pool)
                .await
                .map_err(backend)
        })?;
        rows.into_iter()
            .map(|(seq, body)| {
                Ok(SignalRecord {
                    seq,
                    execution_arn: execution_arn.to_string(),
                    body: from_json(&body)?,
                })
            })
            .collect()
    }

    pub(super) fn executions_with_queued_signals(&self) -> Result<Vec<String>> {
        let node_id = self.node_id.clone();
        self.run(|pool| async move {
            sqlx::query_scalar(
                "SELECT s.execution_arn FROM signals s
                 JOIN executions e ON e.arn = s.execution_arn
                 WHERE e.owner = $1
                 GROUP BY s.execution_arn
                 ORDER BY min(s.seq)",
            )
            .bind(&*node_id)
            .fetch_all(&pool)
            .await
            .map_err(backend)
        })
    }
}
