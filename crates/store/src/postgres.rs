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

use std::collections::HashSet;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use sqlx::{
    postgres::{PgConnectOptions, PgConnection, PgListener, PgPool, PgPoolOptions},
    Connection,
};

use crate::catalog::arn_account_region;
use crate::{
    ActivityRecord, ActivityTaskRecord, CatalogStore, EventRecord, ExecutionRecord, Notice, Result,
    SignalRecord, StateMachineAliasRecord, StateMachineRecord, StateMachineVersionRecord, Store,
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
/// The most writes one transaction takes before it commits.
const MAX_BATCH: usize = 256;
/// The version of the schema below; a database with a newer one is refused.
const SCHEMA_VERSION: i32 = 1;
/// Serialises schema creation between nodes that start at once ("stepfn" in ASCII).
const SCHEMA_LOCK: i64 = 0x7374_6570_666e;
/// The first key of the advisory locks on signal queues (the second is the execution's hash).
const SIGNAL_QUEUE_LOCKS: i32 = 0x7366_6e73;

const ACTIVITY_TASKS_CHANNEL: &str = "stepfn_activity_tasks";
const SIGNALS_CHANNEL: &str = "stepfn_signals";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS catalog (
    arn TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    parent TEXT,
    scope TEXT NOT NULL,
    seq BIGSERIAL NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS catalog_by_scope ON catalog (kind, scope, seq);
CREATE INDEX IF NOT EXISTS catalog_by_parent ON catalog (kind, parent, seq);
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

fn backend(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

/// A unique violation becomes `on_unique`, anything else a backend failure.
fn unique_or(on_unique: StoreError) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => on_unique,
        _ => backend(e),
    }
}

fn to_json(value: &impl Serialize) -> Result<String> {
    serde_json::to_string(value).map_err(backend)
}

fn from_json<T: DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(backend)
}

fn from_json_all<T: DeserializeOwned>(bodies: Vec<String>) -> Result<Vec<T>> {
    bodies.iter().map(|b| from_json(b)).collect()
}

fn scope_of(arn: &str) -> String {
    arn_account_region(arn)
        .map(|(account, region)| format!("{account}:{region}"))
        .unwrap_or_default()
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

async fn create_schema(c: &mut PgConnection) -> Result<()> {
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
            sqlx::Executor::execute(&mut *tx, SCHEMA)
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

    fn catalog_insert(
        &self,
        kind: &'static str,
        arn: String,
        parent: Option<String>,
        body: String,
    ) -> Result<()> {
        let scope = scope_of(&arn);
        self.run(|pool| async move {
            sqlx::query(
                "INSERT INTO catalog (arn, kind, parent, scope, body) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(arn)
            .bind(kind)
            .bind(parent)
            .bind(scope)
            .bind(body)
            .execute(&pool)
            .await
            .map_err(unique_or(StoreError::AlreadyExists))?;
            Ok(())
        })
    }

    fn catalog_update(&self, kind: &'static str, arn: String, body: String) -> Result<()> {
        self.run(|pool| async move {
            let done = sqlx::query("UPDATE catalog SET body = $1 WHERE arn = $2 AND kind = $3")
                .bind(body)
                .bind(arn)
                .bind(kind)
                .execute(&pool)
                .await
                .map_err(backend)?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            Ok(())
        })
    }

    fn catalog_delete(&self, kind: &'static str, arn: &str) -> Result<()> {
        let arn = arn.to_string();
        self.run(|pool| async move {
            sqlx::query("DELETE FROM catalog WHERE arn = $1 AND kind = $2")
                .bind(arn)
                .bind(kind)
                .execute(&pool)
                .await
                .map_err(backend)?;
            Ok(())
        })
    }

    fn catalog_get<T: DeserializeOwned>(&self, kind: &'static str, arn: &str) -> Result<Option<T>> {
        let arn = arn.to_string();
        let body: Option<String> = self.run(|pool| async move {
            sqlx::query_scalar("SELECT body FROM catalog WHERE arn = $1 AND kind = $2")
                .bind(arn)
                .bind(kind)
                .fetch_optional(&pool)
                .await
                .map_err(backend)
        })?;
        body.map(|b| from_json(&b)).transpose()
    }

    /// The bodies `sql` selects with the kind and key bound as $1 and $2.
    fn catalog_list<T: DeserializeOwned>(
        &self,
        sql: &'static str,
        kind: &'static str,
        key: String,
    ) -> Result<Vec<T>> {
        let bodies: Vec<String> = self.run(|pool| async move {
            sqlx::query_scalar(sql)
                .bind(kind)
                .bind(key)
                .fetch_all(&pool)
                .await
                .map_err(backend)
        })?;
        from_json_all(bodies)
    }

    fn list_by_scope<T: DeserializeOwned>(
        &self,
        kind: &'static str,
        account: &str,
        region: &str,
    ) -> Result<Vec<T>> {
        self.catalog_list(
            "SELECT body FROM catalog WHERE kind = $1 AND scope = $2 ORDER BY seq",
            kind,
            format!("{account}:{region}"),
        )
    }

    fn list_by_parent<T: DeserializeOwned>(
        &self,
        kind: &'static str,
        parent: &str,
    ) -> Result<Vec<T>> {
        self.catalog_list(
            "SELECT body FROM catalog WHERE kind = $1 AND parent = $2 ORDER BY seq",
            kind,
            parent.to_string(),
        )
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

/// Queues a signal and announces it when the transaction commits.
///
/// Signals of one execution are queued one transaction at a time (under a lock on the
/// execution's queue), so their sequence numbers follow the order of their commits: an
/// acknowledgement up to a number the reader saw can never remove a signal committed later.
async fn push_signal(c: &mut PgConnection, execution_arn: &str, body: &Value) -> Result<()> {
    sqlx::query(
        "WITH locked AS (SELECT pg_advisory_xact_lock($3, hashtext($1))),
         queued AS (
             INSERT INTO signals (execution_arn, body) SELECT $1, $2 FROM locked
             RETURNING execution_arn
         )
         SELECT pg_notify('stepfn_signals', execution_arn) FROM queued",
    )
    .bind(execution_arn)
    .bind(body.to_string())
    .bind(SIGNAL_QUEUE_LOCKS)
    .execute(c)
    .await
    .map_err(backend)?;
    Ok(())
}

/// Takes the signal queue locks of `push_signal` for all these executions up front and in one
/// order, so that transactions queueing signals for several executions cannot deadlock.
async fn lock_signal_queues<'a>(
    c: &mut PgConnection,
    writes: impl Iterator<Item = &'a Write>,
) -> Result<()> {
    let arns: Vec<&str> = writes
        .filter_map(|w| match w {
            Write::PushSignal { execution_arn, .. } => Some(execution_arn.as_str()),
            _ => None,
        })
        .collect();
    if arns.len() < 2 {
        return Ok(());
    }
    sqlx::query(
        "SELECT pg_advisory_xact_lock($2, k) FROM (
             SELECT DISTINCT hashtext(a) AS k FROM UNNEST($1::text[]) AS a ORDER BY k OFFSET 0
         ) AS queues",
    )
    .bind(arns)
    .bind(SIGNAL_QUEUE_LOCKS)
    .execute(c)
    .await
    .map_err(backend)?;
    Ok(())
}

/// Inserts events (execution, position, event) of any executions in one statement; a position
/// stored already is a conflict.
async fn insert_events(c: &mut PgConnection, events: &[(&str, i64, &EventRecord)]) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    let mut arns = Vec::with_capacity(events.len());
    let mut ids = Vec::with_capacity(events.len());
    let mut bodies = Vec::with_capacity(events.len());
    for (arn, seq, event) in events {
        arns.push(*arn);
        ids.push(*seq);
        bodies.push(to_json(event)?);
    }
    sqlx::query(
        "INSERT INTO events (execution_arn, seq, body)
         SELECT * FROM UNNEST($1::text[], $2::bigint[], $3::text[])",
    )
    .bind(arns)
    .bind(ids)
    .bind(bodies)
    .execute(c)
    .await
    .map_err(unique_or(StoreError::Conflict))?;
    Ok(())
}

/// Inserts executions (ARNs all different) in one statement, in their order; RUNNING STANDARD
/// ones belong to this node.
async fn insert_executions(
    c: &mut PgConnection,
    node_id: &str,
    lease_ms: i64,
    records: &[&ExecutionRecord],
) -> Result<()> {
    if records.is_empty() {
        return Ok(());
    }
    let mut columns: [Vec<&str>; 4] = Default::default();
    let mut bodies = Vec::with_capacity(records.len());
    for record in records {
        columns[0].push(&record.arn);
        columns[1].push(&record.state_machine_arn);
        columns[2].push(&record.status);
        columns[3].push(&record.machine_type);
        bodies.push(to_json(record)?);
    }
    let [arns, machines, statuses, types] = columns;
    sqlx::query(concat!(
        "INSERT INTO executions
             (arn, state_machine_arn, status, machine_type, body, owner, lease_until)
         SELECT r.arn, r.machine, r.status, r.type, r.body,
             CASE WHEN r.status = 'RUNNING' AND r.type = 'STANDARD' THEN $6 END,
             CASE WHEN r.status = 'RUNNING' AND r.type = 'STANDARD' THEN ",
        db_now_ms!(),
        " + $7::bigint END
         FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
             WITH ORDINALITY AS r (arn, machine, status, type, body, n)
         ORDER BY r.n"
    ))
    .bind(arns)
    .bind(machines)
    .bind(statuses)
    .bind(types)
    .bind(bodies)
    .bind(node_id)
    .bind(lease_ms)
    .execute(c)
    .await
    .map_err(unique_or(StoreError::AlreadyExists))?;
    Ok(())
}

/// Updates executions (ARNs all different) in one statement; NotFound when one is missing.
/// A finished execution has no owner. One that runs again (a redrive) without an owner belongs
/// to the node that restarted it.
async fn update_executions(
    c: &mut PgConnection,
    node_id: &str,
    lease_ms: i64,
    records: &[&ExecutionRecord],
) -> Result<()> {
    if records.is_empty() {
        return Ok(());
    }
    let mut arns = Vec::with_capacity(records.len());
    let mut statuses = Vec::with_capacity(records.len());
    let mut bodies = Vec::with_capacity(records.len());
    for record in records {
        arns.push(record.arn.as_str());
        statuses.push(record.status.as_str());
        bodies.push(to_json(record)?);
    }
    let done = sqlx::query(concat!(
        "UPDATE executions AS e SET
             status = r.status,
             body = r.body,
             owner = CASE WHEN r.status = 'RUNNING' AND e.machine_type = 'STANDARD'
                 THEN COALESCE(e.owner, $4) END,
             lease_until = CASE WHEN r.status = 'RUNNING' AND e.machine_type = 'STANDARD'
                 THEN CASE WHEN e.owner IS NULL THEN ",
        db_now_ms!(),
        " + $5::bigint ELSE e.lease_until END END
         FROM UNNEST($1::text[], $2::text[], $3::text[]) AS r (arn, status, body)
         WHERE e.arn = r.arn"
    ))
    .bind(arns)
    .bind(statuses)
    .bind(bodies)
    .bind(node_id)
    .bind(lease_ms)
    .execute(c)
    .await
    .map_err(backend)?;
    if done.rows_affected() < records.len() as u64 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Applies one write; each is one statement.
async fn apply(c: &mut PgConnection, node_id: &str, lease_ms: i64, write: &Write) -> Result<()> {
    match write {
        Write::InsertExecution(record) => {
            insert_executions(c, node_id, lease_ms, &[record]).await?;
        }
        Write::UpdateExecution(record) => {
            update_executions(c, node_id, lease_ms, &[record]).await?;
        }
        Write::AppendEvents {
            execution_arn,
            first_seq,
            events,
        } => {
            let rows: Vec<(&str, i64, &EventRecord)> = events
                .iter()
                .enumerate()
                .map(|(i, e)| (execution_arn.as_str(), (*first_seq + i as u64) as i64, e))
                .collect();
            insert_events(c, &rows).await?;
        }
        Write::PushActivityTask(task) => {
            let body = to_json(task)?;
            sqlx::query(
                "WITH queued AS (
                     INSERT INTO activity_tasks (activity_arn, execution_arn, body)
                     VALUES ($1, $2, $3) RETURNING activity_arn
                 )
                 SELECT pg_notify('stepfn_activity_tasks', activity_arn) FROM queued",
            )
            .bind(&task.activity_arn)
            .bind(&task.execution_arn)
            .bind(body)
            .execute(c)
            .await
            .map_err(backend)?;
        }
        Write::DropActivityTasks { execution_arn } => {
            sqlx::query("DELETE FROM activity_tasks WHERE execution_arn = $1")
                .bind(execution_arn)
                .execute(c)
                .await
                .map_err(backend)?;
        }
        Write::PushSignal {
            execution_arn,
            body,
        } => push_signal(c, execution_arn, body).await?,
        Write::AckSignals {
            execution_arn,
            upto_seq,
        } => {
            sqlx::query("DELETE FROM signals WHERE execution_arn = $1 AND seq <= $2")
                .bind(execution_arn)
                .bind(upto_seq)
                .execute(c)
                .await
                .map_err(backend)?;
        }
    }
    Ok(())
}

/// Listens for the notices of all nodes and hands them to `notices` until the store closes,
/// connecting again whenever the connection is lost.
async fn listen(pool: PgPool, notices: mpsc::Sender<Notice>) {
    let mut pause = Duration::from_millis(100);
    while !pool.is_closed() {
        let listener = async {
            let mut listener = PgListener::connect_with(&pool).await?;
            listener
                .listen_all([ACTIVITY_TASKS_CHANNEL, SIGNALS_CHANNEL])
                .await?;
            Ok::<_, sqlx::Error>(listener)
        }
        .await;
        if let Ok(mut listener) = listener {
            pause = Duration::from_millis(100);
            // Ok(None): the connection was lost and made again; Err: it could not be.
            while let Ok(received) = listener.try_recv().await {
                let Some(notification) = received else {
                    continue;
                };
                let arn = notification.payload().to_string();
                let notice = match notification.channel() {
                    ACTIVITY_TASKS_CHANNEL => Notice::ActivityTask(arn),
                    SIGNALS_CHANNEL => Notice::Signal(arn),
                    _ => continue,
                };
                if notices.send(notice).is_err() {
                    return;
                }
            }
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(5));
    }
}

/// A [`Store::write`] waiting for a writer, with where to send its outcome.
struct WriteJob {
    writes: Vec<Write>,
    reply: mpsc::SyncSender<Result<()>>,
}

type JobQueue = Arc<tokio::sync::Mutex<tokio::sync::mpsc::UnboundedReceiver<WriteJob>>>;

/// What a writer needs to apply writes as this node.
#[derive(Clone)]
struct Writer {
    pool: PgPool,
    node_id: Arc<str>,
    lease_ms: i64,
}

impl Writer {
    /// Takes whatever writes are waiting and commits them together, until the store closes.
    async fn run(self, jobs: JobQueue) {
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
        let arn = arn.to_string();
        let body: Option<String> = self.run(|pool| async move {
            sqlx::query_scalar("SELECT body FROM executions WHERE arn = $1")
                .bind(arn)
                .fetch_optional(&pool)
                .await
                .map_err(backend)
        })?;
        body.map(|b| from_json(&b)).transpose()
    }

    fn list_executions(
        &self,
        state_machine_arn: Option<&str>,
        status: Option<&str>,
    ) -> Result<Vec<ExecutionRecord>> {
        let state_machine_arn = state_machine_arn.map(str::to_string);
        let status = status.map(str::to_string);
        let bodies: Vec<String> = self.run(|pool| async move {
            sqlx::query_scalar(
                "SELECT body FROM executions
                 WHERE ($1::text IS NULL OR state_machine_arn = $1)
                   AND ($2::text IS NULL OR status = $2)
                 ORDER BY seq DESC",
            )
            .bind(state_machine_arn)
            .bind(status)
            .fetch_all(&pool)
            .await
            .map_err(backend)
        })?;
        from_json_all(bodies)
    }

    fn get_events(&self, execution_arn: &str) -> Result<Vec<EventRecord>> {
        let arn = execution_arn.to_string();
        let bodies: Vec<String> = self.run(|pool| async move {
            sqlx::query_scalar("SELECT body FROM events WHERE execution_arn = $1 ORDER BY seq")
                .bind(arn)
                .fetch_all(&pool)
                .await
                .map_err(backend)
        })?;
        from_json_all(bodies)
    }

    fn take_activity_task(
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

    fn pending_signals(&self, execution_arn: &str) -> Result<Vec<SignalRecord>> {
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

    fn executions_with_signals(&self) -> Result<Vec<String>> {
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

    fn is_shared(&self) -> bool {
        true
    }

    fn watch(&self, on_notice: Arc<dyn Fn(Notice) + Send + Sync>) {
        let Ok(runtime) = self.runtime() else {
            return;
        };
        // `on_notice` runs on a thread of its own: it may call the store, which must not block
        // the runtime that answers it.
        let (notices, received) = mpsc::channel::<Notice>();
        let spawned = std::thread::Builder::new()
            .name("stepfn-postgres-notices".into())
            .spawn(move || {
                for notice in received {
                    on_notice(notice);
                }
            });
        if spawned.is_err() {
            return;
        }
        // A pool of one connection of its own, so that listening never takes one from queries.
        let _context = runtime.enter();
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_lazy_with(self.listener_connection.clone());
        self.listener_pools
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(pool.clone());
        runtime.spawn(listen(pool, notices));
    }

    /// Takes the RUNNING STANDARD executions that have no owner or whose owner's lease ran out;
    /// the first claim also takes back those this node id held before a restart.
    fn claim_executions(&self, _now_ms: i64) -> Result<Vec<ExecutionRecord>> {
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

    fn renew_leases(&self, _now_ms: i64) -> Result<u64> {
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

    fn release_execution(&self, arn: &str) -> Result<()> {
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

impl CatalogStore for PostgresStore {
    fn insert_state_machine(&self, record: StateMachineRecord) -> Result<()> {
        let body = to_json(&record)?;
        self.catalog_insert("state_machine", record.arn, None, body)
    }

    fn update_state_machine(&self, record: StateMachineRecord) -> Result<()> {
        let body = to_json(&record)?;
        self.catalog_update("state_machine", record.arn, body)
    }

    fn get_state_machine(&self, arn: &str) -> Result<Option<StateMachineRecord>> {
        self.catalog_get("state_machine", arn)
    }

    fn delete_state_machine(&self, arn: &str) -> Result<()> {
        let arn = arn.to_string();
        self.run(|pool| async move {
            sqlx::query(
                "DELETE FROM catalog
                 WHERE arn = $1 OR (parent = $1 AND kind IN ('version', 'alias'))",
            )
            .bind(arn)
            .execute(&pool)
            .await
            .map_err(backend)?;
            Ok(())
        })
    }

    fn list_state_machines(&self, account: &str, region: &str) -> Result<Vec<StateMachineRecord>> {
        self.list_by_scope("state_machine", account, region)
    }

    fn insert_state_machine_version(&self, record: StateMachineVersionRecord) -> Result<()> {
        let body = to_json(&record)?;
        self.catalog_insert("version", record.arn, Some(record.state_machine_arn), body)
    }

    fn get_state_machine_version(&self, arn: &str) -> Result<Option<StateMachineVersionRecord>> {
        self.catalog_get("version", arn)
    }

    fn delete_state_machine_version(&self, arn: &str) -> Result<()> {
        self.catalog_delete("version", arn)
    }

    fn list_state_machine_versions(
        &self,
        state_machine_arn: &str,
    ) -> Result<Vec<StateMachineVersionRecord>> {
        let mut versions: Vec<StateMachineVersionRecord> =
            self.list_by_parent("version", state_machine_arn)?;
        versions.sort_by_key(|v| std::cmp::Reverse(v.number));
        Ok(versions)
    }

    fn insert_state_machine_alias(&self, record: StateMachineAliasRecord) -> Result<()> {
        let body = to_json(&record)?;
        self.catalog_insert("alias", record.arn, Some(record.state_machine_arn), body)
    }

    fn update_state_machine_alias(&self, record: StateMachineAliasRecord) -> Result<()> {
        let body = to_json(&record)?;
        self.catalog_update("alias", record.arn, body)
    }

    fn get_state_machine_alias(&self, arn: &str) -> Result<Option<StateMachineAliasRecord>> {
        self.catalog_get("alias", arn)
    }

    fn delete_state_machine_alias(&self, arn: &str) -> Result<()> {
        self.catalog_delete("alias", arn)
    }

    fn list_state_machine_aliases(
        &self,
        state_machine_arn: &str,
    ) -> Result<Vec<StateMachineAliasRecord>> {
        self.list_by_parent("alias", state_machine_arn)
    }

    fn insert_activity(&self, record: ActivityRecord) -> Result<()> {
        let body = to_json(&record)?;
        self.catalog_insert("activity", record.arn, None, body)
    }

    fn update_activity(&self, record: ActivityRecord) -> Result<()> {
        let body = to_json(&record)?;
        self.catalog_update("activity", record.arn, body)
    }

    fn get_activity(&self, arn: &str) -> Result<Option<ActivityRecord>> {
        self.catalog_get("activity", arn)
    }

    fn delete_activity(&self, arn: &str) -> Result<()> {
        self.catalog_delete("activity", arn)
    }

    fn list_activities(&self, account: &str, region: &str) -> Result<Vec<ActivityRecord>> {
        self.list_by_scope("activity", account, region)
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Instant, SystemTime, UNIX_EPOCH};

    use serde_json::json;

    use super::*;
    use crate::suite::{event, execution};

    const EAST: &str = "arn:aws:states:us-east-1:123456789012";

    fn database_url() -> Option<String> {
        match std::env::var("STEPFN_TEST_POSTGRES_URL") {
            Ok(url) if !url.is_empty() => Some(url),
            _ => {
                eprintln!("skipped: STEPFN_TEST_POSTGRES_URL is not set");
                None
            }
        }
    }

    /// A prefix no other run uses: the database is shared and outlives the tests.
    fn unique(label: &str) -> String {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        format!("{label}{}x{nanos:x}-", std::process::id())
    }

    /// Ends the RUNNING executions a test left, so that no later claim takes them.
    fn finish_executions(store: &PostgresStore, prefix: &str) {
        for mut record in store.list_executions(None, Some("RUNNING")).unwrap() {
            if record.state_machine_arn.contains(prefix) && record.status == "RUNNING" {
                record.status = "SUCCEEDED".into();
                store.update_execution(record).unwrap();
            }
        }
    }

    fn arns(records: &[ExecutionRecord]) -> Vec<&str> {
        records.iter().map(|r| r.arn.as_str()).collect()
    }

    #[test]
    fn passes_the_store_suite() {
        let Some(url) = database_url() else { return };
        let prefix = unique("suite");
        let store = PostgresStore::connect(&url, &prefix, 60_000).unwrap();
        crate::suite::run_all(&store, &prefix);
        finish_executions(&store, &prefix);
    }

    #[test]
    fn connecting_twice_keeps_the_schema_and_the_records() {
        let Some(url) = database_url() else { return };
        let prefix = unique("reopen");
        let machine_arn = format!("{EAST}:stateMachine:{prefix}m");
        let record = execution(&machine_arn, "x");
        {
            let store = PostgresStore::connect(&url, &prefix, 60_000).unwrap();
            store.insert_execution(record.clone()).unwrap();
            store
                .append_events(&record.arn, 1, vec![event(1, "ExecutionStarted")])
                .unwrap();
        }
        let store = PostgresStore::connect(&url, &prefix, 60_000).unwrap();
        assert_eq!(
            store.get_execution(&record.arn).unwrap(),
            Some(record.clone())
        );
        assert_eq!(store.get_events(&record.arn).unwrap().len(), 1);
        finish_executions(&store, &prefix);
    }

    #[test]
    fn works_when_called_from_inside_another_runtime() {
        let Some(url) = database_url() else { return };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let prefix = unique("nested");
            let store = PostgresStore::connect(&url, &prefix, 60_000).unwrap();
            let record = execution(&format!("{EAST}:stateMachine:{prefix}m"), "x");
            store.insert_execution(record.clone()).unwrap();
            assert_eq!(store.get_execution(&record.arn).unwrap(), Some(record));
            finish_executions(&store, &prefix);
            // Dropping the store here must not panic either.
            drop(store);
        });
    }

    #[test]
    fn a_bad_address_is_an_error_not_a_panic() {
        let Some(_) = database_url() else { return };
        let failed = PostgresStore::connect("postgres://nobody@127.0.0.1:1/none", "n", 1000);
        assert!(matches!(failed, Err(StoreError::Backend(_))));
    }

    #[test]
    fn leases_keep_executions_with_their_node_until_they_lapse() {
        let Some(url) = database_url() else { return };
        let prefix = unique("lease");
        let (a_id, b_id) = (format!("{prefix}a"), format!("{prefix}b"));
        let lease_ms = 1000;
        let a = PostgresStore::connect(&url, &a_id, lease_ms).unwrap();
        let b = PostgresStore::connect(&url, &b_id, lease_ms).unwrap();
        // Both nodes have started: their first claims are behind them.
        a.claim_executions(0).unwrap();
        b.claim_executions(0).unwrap();

        let machine_arn = format!("{EAST}:stateMachine:{prefix}m");
        let x = execution(&machine_arn, "x");
        let mut finished = execution(&machine_arn, "finished");
        finished.status = "SUCCEEDED".into();
        let mut express = execution(&machine_arn, "express");
        express.machine_type = "EXPRESS".into();
        a.write(vec![
            Write::InsertExecution(x.clone()),
            Write::InsertExecution(finished.clone()),
            Write::InsertExecution(express.clone()),
        ])
        .unwrap();
        let ours = [x.arn.as_str(), finished.arn.as_str(), express.arn.as_str()];

        // While A renews, B cannot take X (nor ever the finished or EXPRESS ones).
        let until = Instant::now() + Duration::from_millis(2500);
        while Instant::now() < until {
            assert!(a.renew_leases(0).unwrap() >= 1);
            let claimed = b.claim_executions(0).unwrap();
            assert!(!arns(&claimed).iter().any(|arn| ours.contains(arn)));
            std::thread::sleep(Duration::from_millis(200));
        }

        // A stops renewing: once its lease has passed, B (which renews) takes X, once.
        std::thread::sleep(Duration::from_millis(lease_ms as u64 + 300));
        b.renew_leases(0).unwrap();
        let claimed = b.claim_executions(0).unwrap();
        let claimed = arns(&claimed);
        assert_eq!(claimed.iter().filter(|arn| **arn == x.arn).count(), 1);
        assert!(!claimed.contains(&finished.arn.as_str()));
        assert!(!claimed.contains(&express.arn.as_str()));
        assert!(!arns(&b.claim_executions(0).unwrap()).contains(&x.arn.as_str()));

        // Signals of X are for B to deliver now.
        b.write(vec![Write::PushSignal {
            execution_arn: x.arn.clone(),
            body: json!({"wake": true}),
        }])
        .unwrap();
        assert!(b.executions_with_signals().unwrap().contains(&x.arn));
        assert!(!a.executions_with_signals().unwrap().contains(&x.arn));

        // A restarted A (same node id) takes back its own execution at once; B could not.
        let y = execution(&machine_arn, "y");
        a.renew_leases(0).unwrap();
        a.insert_execution(y.clone()).unwrap();
        drop(a);
        assert!(!arns(&b.claim_executions(0).unwrap()).contains(&y.arn.as_str()));
        b.renew_leases(0).unwrap();
        let a = PostgresStore::connect(&url, &a_id, lease_ms).unwrap();
        let reclaimed = a.claim_executions(0).unwrap();
        assert!(arns(&reclaimed).contains(&y.arn.as_str()));
        assert!(!arns(&reclaimed).contains(&x.arn.as_str()));
        assert!(!arns(&a.claim_executions(0).unwrap()).contains(&y.arn.as_str()));

        // A released execution is free for anyone at once.
        a.release_execution(&y.arn).unwrap();
        let claimed = b.claim_executions(0).unwrap();
        assert_eq!(
            arns(&claimed).iter().filter(|arn| **arn == y.arn).count(),
            1
        );

        // A finished execution has no owner any more (its signals are nobody's).
        assert!(b.executions_with_signals().unwrap().contains(&x.arn));
        let mut done = x.clone();
        done.status = "SUCCEEDED".into();
        b.update_execution(done).unwrap();
        assert!(!b.executions_with_signals().unwrap().contains(&x.arn));

        b.write(vec![Write::AckSignals {
            execution_arn: x.arn.clone(),
            upto_seq: i64::MAX,
        }])
        .unwrap();
        finish_executions(&b, &prefix);
    }

    #[test]
    fn each_activity_task_goes_to_exactly_one_poller_of_all_nodes() {
        let Some(url) = database_url() else { return };
        let prefix = unique("take");
        let nodes = [
            Arc::new(PostgresStore::connect(&url, &format!("{prefix}a"), 60_000).unwrap()),
            Arc::new(PostgresStore::connect(&url, &format!("{prefix}b"), 60_000).unwrap()),
        ];
        let activity_arn = format!("{EAST}:activity:{prefix}work");
        let execution_arn = format!("{EAST}:execution:m:{prefix}x");
        let tasks = 300u32;
        let task = |frame: u32| ActivityTaskRecord {
            activity_arn: activity_arn.clone(),
            execution_arn: execution_arn.clone(),
            frame,
            token: format!("token-{frame}"),
            input: "{}".into(),
        };
        for chunk in (0..tasks).collect::<Vec<_>>().chunks(50) {
            nodes[0]
                .write(
                    chunk
                        .iter()
                        .map(|f| Write::PushActivityTask(task(*f)))
                        .collect(),
                )
                .unwrap();
        }
        let pollers: Vec<_> = (0..6)
            .map(|i| {
                let store = nodes[i % 2].clone();
                let activity_arn = activity_arn.clone();
                std::thread::spawn(move || {
                    let started = |t: &ActivityTaskRecord| json!({"started": t.frame});
                    let mut taken = Vec::new();
                    while let Some(t) = store.take_activity_task(&activity_arn, &started).unwrap() {
                        taken.push(t.frame);
                    }
                    taken
                })
            })
            .collect();
        let mut taken: Vec<u32> = pollers
            .into_iter()
            .flat_map(|p| p.join().unwrap())
            .collect();
        taken.sort_unstable();
        assert_eq!(taken, (0..tasks).collect::<Vec<_>>());

        // Each take queued its start signal, once.
        let signals = nodes[1].pending_signals(&execution_arn).unwrap();
        let mut started: Vec<u64> = signals
            .iter()
            .map(|s| s.body["started"].as_u64().unwrap())
            .collect();
        started.sort_unstable();
        assert_eq!(started, (0..tasks as u64).collect::<Vec<_>>());
        nodes[0]
            .write(vec![Write::AckSignals {
                execution_arn: execution_arn.clone(),
                upto_seq: signals.last().unwrap().seq,
            }])
            .unwrap();
    }

    #[test]
    fn other_nodes_hear_of_queued_tasks_and_signals() {
        let Some(url) = database_url() else { return };
        let prefix = unique("notify");
        let writer = PostgresStore::connect(&url, &format!("{prefix}a"), 60_000).unwrap();
        let watcher = PostgresStore::connect(&url, &format!("{prefix}b"), 60_000).unwrap();
        let (heard_tx, heard) = mpsc::channel::<Notice>();
        let heard_tx = Mutex::new(heard_tx);
        watcher.watch(Arc::new(move |notice| {
            let _ = heard_tx.lock().unwrap().send(notice);
        }));
        let activity_arn = format!("{EAST}:activity:{prefix}work");
        let execution_arn = format!("{EAST}:execution:m:{prefix}x");
        // The tasks' execution has no signals but the one that starts a task.
        let task_execution_arn = format!("{EAST}:execution:m:{prefix}task");
        let wait_for = |expected: Notice, write: &dyn Fn()| {
            // The listener starts in the background: write until it is heard.
            let until = Instant::now() + Duration::from_secs(20);
            while Instant::now() < until {
                write();
                let round = Instant::now() + Duration::from_millis(500);
                while let Some(left) = round.checked_duration_since(Instant::now()) {
                    match heard.recv_timeout(left) {
                        Ok(notice) if notice == expected => return,
                        _ => {}
                    }
                }
            }
            panic!("never heard {expected:?}");
        };
        wait_for(Notice::Signal(execution_arn.clone()), &|| {
            writer
                .write(vec![Write::PushSignal {
                    execution_arn: execution_arn.clone(),
                    body: json!(1),
                }])
                .unwrap()
        });
        // The listener connects again when its connection is lost.
        let listener_name = format!("stepfn {} listener", watcher.node_id());
        let terminated: Vec<bool> = writer
            .run(|pool| async move {
                sqlx::query_scalar(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                     WHERE application_name = $1",
                )
                .bind(listener_name)
                .fetch_all(&pool)
                .await
                .map_err(backend)
            })
            .unwrap();
        assert_eq!(terminated, [true]);
        wait_for(Notice::ActivityTask(activity_arn.clone()), &|| {
            writer
                .write(vec![Write::PushActivityTask(ActivityTaskRecord {
                    activity_arn: activity_arn.clone(),
                    execution_arn: task_execution_arn.clone(),
                    frame: 0,
                    token: "t".into(),
                    input: "{}".into(),
                })])
                .unwrap()
        });
        // Taking a task announces its start signal.
        let started = |_: &ActivityTaskRecord| json!("started");
        assert!(writer
            .take_activity_task(&activity_arn, &started)
            .unwrap()
            .is_some());
        let until = Instant::now() + Duration::from_secs(10);
        loop {
            let left = until
                .checked_duration_since(Instant::now())
                .expect("the start signal was announced");
            if heard.recv_timeout(left).ok() == Some(Notice::Signal(task_execution_arn.clone())) {
                break;
            }
        }
        writer
            .write(vec![
                Write::DropActivityTasks {
                    execution_arn: task_execution_arn.clone(),
                },
                Write::AckSignals {
                    execution_arn: task_execution_arn,
                    upto_seq: i64::MAX,
                },
                Write::AckSignals {
                    execution_arn,
                    upto_seq: i64::MAX,
                },
            ])
            .unwrap();
    }

    #[test]
    fn writes_at_once_share_commits_and_only_the_failing_ones_fail() {
        let Some(url) = database_url() else { return };
        let prefix = unique("batch");
        let store = Arc::new(PostgresStore::connect(&url, &prefix, 60_000).unwrap());
        let machine_arn = format!("{EAST}:stateMachine:{prefix}m");
        let queues = [format!("{prefix}q1"), format!("{prefix}q2")];
        let threads: Vec<_> = (0..16)
            .map(|t| {
                let store = store.clone();
                let machine_arn = machine_arn.clone();
                let queues = queues.clone();
                std::thread::spawn(move || {
                    let record = execution(&machine_arn, &format!("e{t}"));
                    store
                        .write(vec![
                            Write::InsertExecution(record.clone()),
                            Write::AppendEvents {
                                execution_arn: record.arn.clone(),
                                first_seq: 1,
                                events: vec![event(1, "ExecutionStarted")],
                            },
                        ])
                        .unwrap();
                    let mut next = 2;
                    let mut kept_input = record.input.clone();
                    for i in 0..60 {
                        let mut changed = record.clone();
                        changed.input = format!("{{\"step\":{i}}}");
                        let repeat = i % 7 == 3;
                        let id = if repeat { next - 1 } else { next };
                        // Signals for two queues, in an order that differs between threads.
                        let mut signals: Vec<Write> = queues
                            .iter()
                            .map(|q| Write::PushSignal {
                                execution_arn: q.clone(),
                                body: json!([t, i]),
                            })
                            .collect();
                        if t % 2 == 1 {
                            signals.reverse();
                        }
                        let mut writes = vec![
                            Write::AppendEvents {
                                execution_arn: record.arn.clone(),
                                first_seq: id,
                                events: vec![event(id, "PassStateEntered")],
                            },
                            Write::UpdateExecution(changed),
                        ];
                        writes.extend(signals);
                        let outcome = store.write(writes);
                        if repeat {
                            assert_eq!(outcome, Err(StoreError::Conflict));
                        } else {
                            assert_eq!(outcome, Ok(()));
                            next += 1;
                            kept_input = format!("{{\"step\":{i}}}");
                        }
                        if i % 10 == 5 {
                            let missing = execution(&machine_arn, &format!("missing{t}-{i}"));
                            assert_eq!(store.update_execution(missing), Err(StoreError::NotFound));
                        }
                    }
                    (record.arn, next - 1, kept_input)
                })
            })
            .collect();
        let mut written = 0;
        for thread in threads {
            let (arn, last, kept_input) = thread.join().unwrap();
            let ids: Vec<u64> = store
                .get_events(&arn)
                .unwrap()
                .iter()
                .map(|e| e.id)
                .collect();
            assert_eq!(ids, (1..=last).collect::<Vec<_>>());
            let record = store.get_execution(&arn).unwrap().unwrap();
            assert_eq!(record.input, kept_input);
            written += last - 1;
        }
        for queue in &queues {
            let signals = store.pending_signals(queue).unwrap();
            assert_eq!(signals.len() as u64, written);
            store
                .write(vec![Write::AckSignals {
                    execution_arn: queue.clone(),
                    upto_seq: i64::MAX,
                }])
                .unwrap();
        }
        finish_executions(&store, &prefix);
    }
}
