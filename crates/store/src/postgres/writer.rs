//! The writer tasks: each takes whatever writes are waiting and commits them together.

use std::collections::HashSet;
use std::sync::{mpsc, Arc};

use sqlx::postgres::PgPool;

use crate::codec::backend;
use crate::{EventRecord, ExecutionRecord, Result, Write};

use super::statements::{
    apply, insert_events, insert_executions, lock_signal_queues, update_executions,
};

/// The most writes one transaction takes before it commits.
const MAX_BATCH: usize = 256;

/// A [`Store::write`] waiting for a writer, with where to send its outcome.
pub(super) struct WriteJob {
    pub(super) writes: Vec<Write>,
    pub(super) reply: mpsc::SyncSender<Result<()>>,
}

pub(super) type JobQueue = Arc<tokio::sync::Mutex<tokio::sync::mpsc::UnboundedReceiver<WriteJob>>>;

/// What a writer needs to apply writes as this node.
#[derive(Clone)]
pub(super) struct Writer {
    pub(super) pool: PgPool,
    pub(super) node_id: Arc<str>,
    pub(super) lease_ms: i64,
}

impl Writer {
    /// Takes whatever writes are waiting and commits them together, until the store closes.
    pub(super) async fn run(self, jobs: JobQueue) {
        loop {
            let batch = {
                let mut jobs = jobs.lock().await;
                let Some(first) = jobs.recv().await else {
                    return;
                };
                let mut batch = vec![first];
                while batch.len() < MAX_BATCH {
                    match jobs.try_recv() {
                        Ok(job) => batch.push(job),
                        Err(_) => break,
                    }
                }
                batch
            };
            self.commit(batch).await;
        }
    }

    /// Commits a batch in one transaction. If a write in it fails, nothing of the batch is kept
    /// and the jobs are applied again, each in a savepoint of its own, so that only the failing
    /// ones fail.
    async fn commit(&self, mut batch: Vec<WriteJob>) {
        if batch.len() == 1 {
            if let Some(job) = batch.pop() {
                let _ = job.reply.send(self.apply_job(&job.writes).await);
            }
            return;
        }
        let outcomes = match self.apply_batch(&batch).await {
            Ok(committed) => vec![committed; batch.len()],
            Err(_) => self.apply_each(&batch).await,
        };
        for (job, outcome) in batch.into_iter().zip(outcomes) {
            let _ = job.reply.send(outcome);
        }
    }

    /// Applies the jobs of a batch one after the other in one transaction, each in a savepoint;
    /// returns the outcome of each.
    async fn apply_each(&self, batch: &[WriteJob]) -> Vec<Result<()>> {
        let mut tx = match self.pool.begin().await {
            Ok(tx) => tx,
            Err(e) => return vec![Err(backend(e)); batch.len()],
        };
        // All the batch's signal queues in one order first (see `lock_signal_queues`).
        let all_writes = batch.iter().flat_map(|job| job.writes.iter());
        if let Err(e) = lock_signal_queues(&mut tx, all_writes).await {
            let _ = tx.rollback().await;
            return vec![Err(e); batch.len()];
        }
        let mut outcomes = Vec::with_capacity(batch.len());
        for job in batch {
            if let Err(e) = sqlx::query("SAVEPOINT job").execute(&mut *tx).await {
                // The transaction is unusable: nothing of the batch is kept.
                let _ = tx.rollback().await;
                return vec![Err(backend(e)); batch.len()];
            }
            let mut applied = Ok(());
            for write in &job.writes {
                if applied.is_err() {
                    break;
                }
                applied = apply(&mut tx, &self.node_id, self.lease_ms, write).await;
            }
            let end = if applied.is_ok() {
                "RELEASE SAVEPOINT job"
            } else {
                "ROLLBACK TO SAVEPOINT job"
            };
            if let Err(e) = sqlx::query(end).execute(&mut *tx).await {
                let _ = tx.rollback().await;
                return vec![Err(backend(e)); batch.len()];
            }
            outcomes.push(applied);
        }
        // A failed commit loses what had succeeded.
        if let Err(e) = tx.commit().await {
            let failed = backend(e);
            for outcome in &mut outcomes {
                if outcome.is_ok() {
                    *outcome = Err(failed.clone());
                }
            }
        }
        outcomes
    }

    /// Applies all jobs of a batch in one transaction: Err when a write failed (and the
    /// transaction was rolled back), Ok with the outcome of the commit otherwise.
    async fn apply_batch(&self, batch: &[WriteJob]) -> Result<Result<()>> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let writes = || batch.iter().flat_map(|job| job.writes.iter());
        // Nothing reads the events in a write, so those of the whole batch go first, together.
        let events: Vec<(&str, i64, &EventRecord)> = writes()
            .filter_map(|w| match w {
                Write::AppendEvents {
                    execution_arn,
                    first_seq,
                    events,
                } => Some(events.iter().enumerate().map(move |(i, e)| {
                    (execution_arn.as_str(), (*first_seq + i as u64) as i64, e)
                })),
                _ => None,
            })
            .flatten()
            .collect();
        // So do its new and changed executions (each a statement of its own), unless one
        // execution is both inserted and updated or updated twice: then order matters, and the
        // batch keeps it. Other writes touch no executions.
        let mut inserted: Vec<&ExecutionRecord> = Vec::new();
        let mut updated: Vec<&ExecutionRecord> = Vec::new();
        for write in writes() {
            match write {
                Write::InsertExecution(record) => inserted.push(record),
                Write::UpdateExecution(record) => updated.push(record),
                _ => {}
            }
        }
        let mut arns: HashSet<&str> = HashSet::new();
        let together = inserted
            .iter()
            .chain(&updated)
            .all(|record| arns.insert(&record.arn));
        let mut applied = lock_signal_queues(&mut tx, writes()).await;
        if applied.is_ok() {
            applied = insert_events(&mut tx, &events).await;
        }
        if applied.is_ok() && together {
            applied = insert_executions(&mut tx, &self.node_id, self.lease_ms, &inserted).await;
        }
        for write in writes() {
            if applied.is_err() {
                break;
            }
            let separate = match write {
                Write::AppendEvents { .. } => false,
                Write::InsertExecution(_) | Write::UpdateExecution(_) => !together,
                _ => true,
            };
            if separate {
                applied = apply(&mut tx, &self.node_id, self.lease_ms, write).await;
            }
        }
        if applied.is_ok() && together {
            applied = update_executions(&mut tx, &self.node_id, self.lease_ms, &updated).await;
        }
        if let Err(e) = applied {
            let _ = tx.rollback().await;
            return Err(e);
        }
        // A failed commit is not retried: whether it took effect is unknown.
        Ok(tx.commit().await.map_err(backend))
    }

    /// Applies one job's writes atomically.
    async fn apply_job(&self, writes: &[Write]) -> Result<()> {
        if let [write] = writes {
            // One statement is atomic on its own: no transaction round trips.
            let mut c = self.pool.acquire().await.map_err(backend)?;
            return apply(&mut c, &self.node_id, self.lease_ms, write).await;
        }
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let mut applied = lock_signal_queues(&mut tx, writes.iter()).await;
        for write in writes {
            if applied.is_err() {
                break;
            }
            applied = apply(&mut tx, &self.node_id, self.lease_ms, write).await;
        }
        match applied {
            Ok(()) => tx.commit().await.map_err(backend),
            Err(e) => {
                let _ = tx.rollback().await;
                Err(e)
            }
        }
    }
}
