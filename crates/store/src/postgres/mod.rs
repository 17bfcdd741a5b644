//! The shared store: one PostgreSQL database that several nodes use at once.
//!
//! Records are kept as JSON text next to the columns that find them (TEXT, not JSONB, so that a
//! record reads back exactly as it was written, key order included).
//!
//! The [`Store`] traits are synchronous and may be called from inside another tokio runtime, where
//! blocking on a future would panic. So the store owns a small runtime of its own: each call runs
//! its queries there and waits for the answer on a plain channel.
//!
//! Writes go to two writer tasks. Each takes whatever writes are waiting (from any number of
//! executions and API calls) and commits them in one transaction, with the events of all of them
//! in one statement: the cost of a commit is shared by everything that waited for it. When a
//! write in the batch fails, the batch is applied again with each write in a savepoint of its
//! own, so that only the failing write fails.
//!
//! A running STANDARD execution belongs to the node that started or claimed it for as long as that
//! node renews its lease. Lease times come from the database clock, so the nodes' clocks do not
//! have to agree. Activity tasks are taken with `FOR UPDATE SKIP LOCKED`, so each goes to exactly
//! one poller; queued tasks and signals are announced with `NOTIFY` when their write commits.

use std::future::Future;
use std::sync::atomic::AtomicBool;
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use sqlx::{
    postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions},
    Connection,
};

use crate::codec::backend;
use crate::sql_catalog::Params;
use crate::{
    ActivityTaskRecord, EventRecord, ExecutionRecord, Notice, Result, SignalRecord, Store,
    StoreError, Write,
};

/// The database clock in milliseconds since the epoch (the clock of leases).
macro_rules! db_now_ms {
    () => {
        "(extract(epoch from clock_timestamp()) * 1000)::bigint"
    };
}

/// Connections the store's queries share.
const POOL_SIZE: u32 = 8;
/// Writers committing batches of writes at once (one's commit overlaps the next one's work).
const WRITERS: usize = 2;

// What each room holds, and the one way they use each other: `schema` makes the tables;
// `statements` are what a `Write` does, used by `writer` (batches of writes) and by `queues`
// (taking a task queues its start signal); `executions`, `leases`, `notices` and `catalog` use
// only this module, which holds the connection and forwards the `Store` calls to them.
mod catalog;
mod executions;
mod leases;
mod notices;
mod queues;
mod schema;
mod statements;
#[cfg(test)]
mod tests;
mod writer;

use schema::create_schema;
use writer::{JobQueue, WriteJob, Writer};

pub struct PostgresStore {
    /// None only while the store is dropped.
    runtime: Option<tokio::runtime::Runtime>,
    pool: PgPool,
    /// Where [`Store::write`] queues its writes for the writers (None once closed).
    jobs: Option<tokio::sync::mpsc::UnboundedSender<WriteJob>>,
    /// How [`Store::watch`] connects its listeners.
    listener_connection: PgConnectOptions,
    node_id: Arc<str>,
    lease_ms: i64,
    /// Whether this node has claimed once: the first claim also takes back what an earlier
    /// process with the same node id left running.
    claimed: AtomicBool,
    /// The pools of the listeners [`Store::watch`] started, closed with the store.
    listener_pools: Mutex<Vec<PgPool>>,
}

/// A unique violation becomes `on_unique`, anything else a backend failure.
fn unique_or(on_unique: StoreError) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => on_unique,
        _ => backend(e),
    }
}

/// Runs `work` on `runtime` and waits for its answer without blocking on the future itself, so
/// that the caller may be a worker of another runtime.
fn run_on<T: Send + 'static>(
    runtime: &tokio::runtime::Runtime,
    work: impl Future<Output = Result<T>> + Send + 'static,
) -> Result<T> {
    let (reply, answer) = mpsc::sync_channel(1);
    runtime.spawn(async move {
        let _ = reply.send(work.await);
    });
    answer
        .recv()
        .map_err(|_| backend("the store's runtime stopped before answering"))?
}

impl PostgresStore {
    /// Connects to the database at `url` (creating the schema if needed) as node `node_id`,
    /// whose leases on executions last `lease_ms` unless renewed.
    pub fn connect(url: &str, node_id: &str, lease_ms: i64) -> Result<PostgresStore> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("stepfn-postgres")
            .enable_all()
            .build()
            .map_err(backend)?;
        let options = PgPoolOptions::new()
            .max_connections(POOL_SIZE)
            .acquire_timeout(Duration::from_secs(30));
        let connection = url
            .parse::<PgConnectOptions>()
            .map_err(backend)?
            .application_name(&format!("stepfn {node_id}"));
        let listener_connection = connection
            .clone()
            .application_name(&format!("stepfn {node_id} listener"));
        let pool = run_on(&runtime, async move {
            // One connection first: an unreachable database fails at once with its own error
            // (a pool would keep retrying until its acquire timeout).
            let mut c = PgConnection::connect_with(&connection)
                .await
                .map_err(backend)?;
            create_schema(&mut c).await?;
            let _ = c.close().await;
            options.connect_with(connection).await.map_err(backend)
        });
        let pool = match pool {
            Ok(pool) => pool,
            Err(e) => {
                runtime.shutdown_background();
                return Err(e);
            }
        };
        let (jobs, queue) = tokio::sync::mpsc::unbounded_channel();
        let queue: JobQueue = Arc::new(tokio::sync::Mutex::new(queue));
        let node_id: Arc<str> = node_id.into();
        for _ in 0..WRITERS {
            let writer = Writer {
                pool: pool.clone(),
                node_id: node_id.clone(),
                lease_ms,
            };
            runtime.spawn(writer.run(queue.clone()));
        }
        let store = PostgresStore {
            runtime: Some(runtime),
            pool,
            jobs: Some(jobs),
            listener_connection,
            node_id,
            lease_ms,
            claimed: AtomicBool::new(false),
            listener_pools: Mutex::new(Vec::new()),
        };
        // The node holds its executions from the start.
        store.renew_leases(0)?;
        Ok(store)
    }

    pub fn node_id(&self) -> &str {
        &self.node_id
    }

    fn runtime(&self) -> Result<&tokio::runtime::Runtime> {
        self.runtime
            .as_ref()
            .ok_or_else(|| backend("the store is closed"))
    }

    /// Runs the queries `work` makes with the pool on the store's runtime and returns their
    /// answer.
    fn run<T, F>(&self, work: impl FnOnce(PgPool) -> F) -> Result<T>
    where
        T: Send + 'static,
        F: Future<Output = Result<T>> + Send + 'static,
    {
        run_on(self.runtime()?, work(self.pool.clone()))
    }

    /// The first column (text) of the rows a query selects, with `params` bound in order.
    fn texts(&self, sql: &str, params: Params) -> Result<Vec<String>> {
        let sql = sql.to_string();
        self.run(|pool| async move {
            let mut query = sqlx::query_scalar(&sql);
            for param in params {
                query = query.bind(param);
            }
            query.fetch_all(&pool).await.map_err(backend)
        })
    }
}

impl Drop for PostgresStore {
    fn drop(&mut self) {
        // Without their queue the writers end once they have committed what they hold.
        self.jobs.take();
        let Some(runtime) = self.runtime.take() else {
            return;
        };
        // Close the connections politely (briefly: the database may be gone), then stop the
        // runtime without waiting, which is allowed even inside another runtime.
        let mut pools = vec![self.pool.clone()];
        pools.extend(
            self.listener_pools
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .drain(..),
        );
        let (reply, closed) = mpsc::sync_channel(1);
        runtime.spawn(async move {
            for pool in pools {
                pool.close().await;
            }
            let _ = reply.send(());
        });
        let _ = closed.recv_timeout(Duration::from_secs(2));
        runtime.shutdown_background();
    }
}

impl Store for PostgresStore {
    fn write(&self, writes: Vec<Write>) -> Result<()> {
        if writes.is_empty() {
            return Ok(());
        }
        let stopped = || backend("the store's writers stopped");
        let (reply, answer) = mpsc::sync_channel(1);
        self.jobs
            .as_ref()
            .ok_or_else(stopped)?
            .send(WriteJob { writes, reply })
            .map_err(|_| stopped())?;
        answer.recv().map_err(|_| stopped())?
    }

    fn get_execution(&self, arn: &str) -> Result<Option<ExecutionRecord>> {
        self.fetch_execution(arn)
    }

    fn list_executions(
        &self,
        state_machine_arn: Option<&str>,
        status: Option<&str>,
    ) -> Result<Vec<ExecutionRecord>> {
        self.fetch_executions(state_machine_arn, status)
    }

    fn get_events(&self, execution_arn: &str) -> Result<Vec<EventRecord>> {
        self.fetch_events(execution_arn)
    }

    fn take_activity_task(
        &self,
        activity_arn: &str,
        started: &(dyn Fn(&ActivityTaskRecord) -> Value + Sync),
    ) -> Result<Option<ActivityTaskRecord>> {
        self.take_task(activity_arn, started)
    }

    fn pending_signals(&self, execution_arn: &str) -> Result<Vec<SignalRecord>> {
        self.queued_signals(execution_arn)
    }

    fn executions_with_signals(&self) -> Result<Vec<String>> {
        self.executions_with_queued_signals()
    }

    fn is_shared(&self) -> bool {
        true
    }

    fn watch(&self, on_notice: Arc<dyn Fn(Notice) + Send + Sync>) {
        self.start_watching(on_notice)
    }

    /// Lease times come from the database clock, not `now_ms` (see `leases`).
    fn claim_executions(&self, _now_ms: i64) -> Result<Vec<ExecutionRecord>> {
        self.claim()
    }

    fn renew_leases(&self, _now_ms: i64) -> Result<u64> {
        self.renew()
    }

    fn release_execution(&self, arn: &str) -> Result<()> {
        self.release(arn)
    }
}
