//! The embedded store: one SQLite file in WAL mode.
//!
//! Every write goes to one writer thread. It takes whatever writes are waiting (from any number of
//! executions and API calls), applies each in its own savepoint, commits them in one transaction
//! and only then answers their callers: nothing is acknowledged before it is committed, and the
//! cost of a commit is shared by everything that waited for it. Reads use their own connections
//! and never wait for the writer (WAL readers see the last commit).
//!
//! Records are kept as JSON documents next to the columns that find them.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Mutex;

use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::codec::{backend, from_json, from_json_all, to_json};
use crate::sql_catalog::{catalog_schema, Params, SqlCatalog};
use crate::{
    ActivityTaskRecord, EventRecord, ExecutionRecord, Result, SignalRecord, Store, StoreError,
    Write,
};

/// The most writes one transaction takes before it commits.
const MAX_BATCH: usize = 1024;

/// The tables besides the catalog (`crate::sql_catalog`).
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS executions (
    arn TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    state_machine_arn TEXT NOT NULL,
    status TEXT NOT NULL,
    machine_type TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS executions_by_machine ON executions (state_machine_arn, seq);
CREATE INDEX IF NOT EXISTS executions_by_machine_status ON executions (state_machine_arn, status, seq);
CREATE INDEX IF NOT EXISTS executions_by_seq ON executions (seq);
CREATE INDEX IF NOT EXISTS executions_running ON executions (seq)
    WHERE status = 'RUNNING' AND machine_type = 'STANDARD';
CREATE TABLE IF NOT EXISTS events (
    execution_arn TEXT NOT NULL,
    seq INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (execution_arn, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS activity_tasks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    activity_arn TEXT NOT NULL,
    execution_arn TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS activity_tasks_by_activity ON activity_tasks (activity_arn, seq);
CREATE INDEX IF NOT EXISTS activity_tasks_by_execution ON activity_tasks (execution_arn);
CREATE TABLE IF NOT EXISTS signals (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    execution_arn TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS signals_by_execution ON signals (execution_arn, seq);
PRAGMA user_version = 1;
";

type Completion = Box<dyn FnOnce(Result<()>) + Send>;
/// Runs inside the open transaction (None: the transaction could not begin; nothing is run).
type Job = Box<dyn FnOnce(Option<&Connection>) -> Completion + Send>;

pub struct SqliteStore {
    path: PathBuf,
    jobs: Mutex<Option<mpsc::Sender<Job>>>,
    writer: Mutex<Option<std::thread::JoinHandle<()>>>,
    readers: Mutex<Vec<Connection>>,
    /// Whether this process has taken over what an earlier one left running.
    claimed: AtomicBool,
}

/// The first column (text) of the rows a query selects.
fn texts(c: &Connection, sql: &str, params: impl rusqlite::Params) -> Result<Vec<String>> {
    let mut stmt = c.prepare_cached(sql).map_err(backend)?;
    let rows = stmt
        .query_map(params, |r| r.get::<_, String>(0))
        .map_err(backend)?;
    rows.map(|text| text.map_err(backend)).collect()
}

/// The JSON documents a query selects (its first column), decoded.
fn documents<T: DeserializeOwned>(
    c: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<T>> {
    from_json_all(&texts(c, sql, params)?)
}

/// A unique violation becomes `on_unique`, anything else a backend failure.
fn unique_or(on_unique: StoreError) -> impl FnOnce(rusqlite::Error) -> StoreError {
    move |e| {
        if is_unique_violation(&e) {
            on_unique
        } else {
            backend(e)
        }
    }
}

fn open_connection(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path).map_err(backend)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))
        .map_err(backend)?;
    // WAL: readers do not block the writer. NORMAL: a commit is in the WAL file (the OS has it)
    // when it returns, so it survives the process being killed; the WAL is synced to the disk at
    // checkpoints.
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")
        .map_err(backend)?;
    Ok(conn)
}

fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _)
            if f.code == rusqlite::ErrorCode::ConstraintViolation
    )
}

impl SqliteStore {
    /// Opens (creating if needed) the store at `path` and starts its writer thread.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore> {
        let path = path.as_ref().to_path_buf();
        let conn = open_connection(&path)?;
        conn.execute_batch(&format!("{}{SCHEMA}", catalog_schema::<SqliteStore>()))
            .map_err(backend)?;
        let (tx, rx) = mpsc::channel::<Job>();
        let writer = std::thread::Builder::new()
            .name("stepfn-sqlite-writer".into())
            .spawn(move || writer_loop(conn, rx))
            .map_err(backend)?;
        Ok(SqliteStore {
            path,
            jobs: Mutex::new(Some(tx)),
            writer: Mutex::new(Some(writer)),
            readers: Mutex::new(Vec::new()),
            claimed: AtomicBool::new(false),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` on the writer's connection inside the next transaction and returns its result
    /// once that transaction is committed.
    fn submit<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let (reply, answer) = mpsc::sync_channel::<Result<T>>(1);
        let job: Job = Box::new(move |conn: Option<&Connection>| {
            let outcome = match conn {
                Some(conn) => in_savepoint(conn, f),
                None => Err(backend("the transaction did not begin")),
            };
            Box::new(move |committed: Result<()>| {
                let _ = reply.send(committed.and(outcome));
            }) as Completion
        });
        {
            let jobs = self.jobs.lock().unwrap_or_else(|e| e.into_inner());
            let sender = jobs
                .as_ref()
                .ok_or_else(|| backend("the store is closed"))?;
            sender
                .send(job)
                .map_err(|_| backend("the writer stopped"))?;
        }
        answer.recv().map_err(|_| backend("the writer stopped"))?
    }

    fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let pooled = self.readers.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let conn = match pooled {
            Some(c) => c,
            None => open_connection(&self.path)?,
        };
        let result = f(&conn);
        self.readers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(conn);
        result
    }
}

impl Drop for SqliteStore {
    fn drop(&mut self) {
        // Closing the channel ends the writer once it has committed what it holds.
        self.jobs.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(writer) = self.writer.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = writer.join();
        }
    }
}

/// Runs `f` so that its failure undoes only its own changes.
fn in_savepoint<T>(conn: &Connection, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
    conn.execute_batch("SAVEPOINT job").map_err(backend)?;
    let outcome = f(conn);
    let end = if outcome.is_ok() {
        conn.execute_batch("RELEASE job")
    } else {
        conn.execute_batch("ROLLBACK TO job; RELEASE job")
    };
    end.map_err(backend)?;
    outcome
}

fn writer_loop(conn: Connection, jobs: mpsc::Receiver<Job>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE").map_err(backend) {
            for job in batch {
                job(None)(Err(e.clone()));
            }
            continue;
        }
        let completions: Vec<Completion> = batch.into_iter().map(|job| job(Some(&conn))).collect();
        let committed = conn.execute_batch("COMMIT").map_err(backend);
        if committed.is_err() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        for done in completions {
            done(committed.clone());
        }
    }
}

fn push_signal(c: &Connection, execution_arn: &str, body: &str) -> Result<()> {
    c.prepare_cached("INSERT INTO signals (execution_arn, body) VALUES (?1, ?2)")
        .and_then(|mut s| s.execute(params![execution_arn, body]))
        .map_err(backend)?;
    Ok(())
}

/// The JSON documents of a write, made by the caller's thread so the writer only writes.
fn encode(write: &Write) -> Result<Vec<String>> {
    Ok(match write {
        Write::InsertExecution(record) | Write::UpdateExecution(record) => vec![to_json(record)?],
        Write::AppendEvents { events, .. } => {
            events.iter().map(to_json).collect::<Result<Vec<_>>>()?
        }
        Write::PushActivityTask(task) => vec![to_json(task)?],
        Write::PushSignal { body, .. } => vec![body.to_string()],
        Write::DropActivityTasks { .. } | Write::AckSignals { .. } => Vec::new(),
    })
}

fn apply(c: &Connection, write: Write, bodies: Vec<String>) -> Result<()> {
    let mut bodies = bodies.into_iter();
    let mut next_body = move || bodies.next().ok_or_else(|| backend("missing document"));
    match write {
        Write::InsertExecution(record) => {
            let body = next_body()?;
            let seq: i64 = c
                .query_row(
                    "SELECT COALESCE(MAX(seq), 0) + 1 FROM executions",
                    [],
                    |r| r.get(0),
                )
                .map_err(backend)?;
            c.prepare_cached(
                "INSERT INTO executions (arn, seq, state_machine_arn, status, machine_type, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    record.arn,
                    seq,
                    record.state_machine_arn,
                    record.status,
                    record.machine_type,
                    body
                ])
            })
            .map_err(unique_or(StoreError::AlreadyExists))?;
        }
        Write::UpdateExecution(record) => {
            let body = next_body()?;
            let n = c
                .prepare_cached("UPDATE executions SET status = ?1, body = ?2 WHERE arn = ?3")
                .and_then(|mut s| s.execute(params![record.status, body, record.arn]))
                .map_err(backend)?;
            if n == 0 {
                return Err(StoreError::NotFound);
            }
        }
        Write::AppendEvents {
            execution_arn,
            first_seq,
            events,
        } => {
            let mut stmt = c
                .prepare_cached("INSERT INTO events (execution_arn, seq, body) VALUES (?1, ?2, ?3)")
                .map_err(backend)?;
            for i in 0..events.len() {
                let body = next_body()?;
                stmt.execute(params![execution_arn, (first_seq + i as u64) as i64, body])
                    .map_err(unique_or(StoreError::Conflict))?;
            }
        }
        Write::PushActivityTask(task) => {
            let body = next_body()?;
            c.prepare_cached(
                "INSERT INTO activity_tasks (activity_arn, execution_arn, body) VALUES (?1, ?2, ?3)",
            )
            .and_then(|mut s| s.execute(params![task.activity_arn, task.execution_arn, body]))
            .map_err(backend)?;
        }
        Write::DropActivityTasks { execution_arn } => {
            c.prepare_cached("DELETE FROM activity_tasks WHERE execution_arn = ?1")
                .and_then(|mut s| s.execute(params![execution_arn]))
                .map_err(backend)?;
        }
        Write::PushSignal { execution_arn, .. } => push_signal(c, &execution_arn, &next_body()?)?,
        Write::AckSignals {
            execution_arn,
            upto_seq,
        } => {
            c.prepare_cached("DELETE FROM signals WHERE execution_arn = ?1 AND seq <= ?2")
                .and_then(|mut s| s.execute(params![execution_arn, upto_seq]))
                .map_err(backend)?;
        }
    }
    Ok(())
}

impl Store for SqliteStore {
    fn write(&self, writes: Vec<Write>) -> Result<()> {
        let encoded = writes
            .into_iter()
            .map(|w| encode(&w).map(|bodies| (w, bodies)))
            .collect::<Result<Vec<_>>>()?;
        self.submit(move |c| {
            for (w, bodies) in encoded {
                apply(c, w, bodies)?;
            }
            Ok(())
        })
    }

    fn get_execution(&self, arn: &str) -> Result<Option<ExecutionRecord>> {
        self.read(|c| {
            let body: Option<String> = c
                .prepare_cached("SELECT body FROM executions WHERE arn = ?1")
                .and_then(|mut s| s.query_row(params![arn], |r| r.get(0)).optional())
                .map_err(backend)?;
            body.map(|b| from_json(&b)).transpose()
        })
    }

    fn list_executions(
        &self,
        state_machine_arn: Option<&str>,
        status: Option<&str>,
    ) -> Result<Vec<ExecutionRecord>> {
        self.read(|c| {
            documents(
                c,
                "SELECT body FROM executions
                 WHERE (?1 IS NULL OR state_machine_arn = ?1) AND (?2 IS NULL OR status = ?2)
                 ORDER BY seq DESC",
                params![state_machine_arn, status],
            )
        })
    }

    fn get_events(&self, execution_arn: &str) -> Result<Vec<EventRecord>> {
        self.read(|c| {
            documents(
                c,
                "SELECT body FROM events WHERE execution_arn = ?1 ORDER BY seq",
                params![execution_arn],
            )
        })
    }

    fn take_activity_task(
        &self,
        activity_arn: &str,
        started: &(dyn Fn(&ActivityTaskRecord) -> Value + Sync),
    ) -> Result<Option<ActivityTaskRecord>> {
        // Peek outside the writer (most polls find nothing), then take under it.
        let peeked: Option<(i64, String)> = self.read(|c| {
            c.prepare_cached(
                "SELECT seq, body FROM activity_tasks WHERE activity_arn = ?1 ORDER BY seq LIMIT 1",
            )
            .and_then(|mut s| {
                s.query_row(params![activity_arn], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
            })
            .map_err(backend)
        })?;
        let Some((seq, body)) = peeked else {
            return Ok(None);
        };
        let task: ActivityTaskRecord = from_json(&body)?;
        let signal = started(&task).to_string();
        let taken = self.submit(move |c| {
            let n = c
                .prepare_cached("DELETE FROM activity_tasks WHERE seq = ?1")
                .and_then(|mut s| s.execute(params![seq]))
                .map_err(backend)?;
            if n == 0 {
                return Ok(false);
            }
            push_signal(c, &task.execution_arn, &signal)?;
            Ok(true)
        })?;
        if taken {
            from_json(&body).map(Some)
        } else {
            // Another poller took it first: try the next one.
            self.take_activity_task(activity_arn, started)
        }
    }

    fn pending_signals(&self, execution_arn: &str) -> Result<Vec<SignalRecord>> {
        self.read(|c| {
            let mut s = c
                .prepare_cached(
                    "SELECT seq, body FROM signals WHERE execution_arn = ?1 ORDER BY seq",
                )
                .map_err(backend)?;
            let rows = s
                .query_map(params![execution_arn], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
                })
                .map_err(backend)?;
            rows.map(|row| {
                let (seq, body) = row.map_err(backend)?;
                Ok(SignalRecord {
                    seq,
                    execution_arn: execution_arn.to_string(),
                    body: from_json(&body)?,
                })
            })
            .collect()
        })
    }

    fn executions_with_signals(&self) -> Result<Vec<String>> {
        self.read(|c| {
            let mut s = c
                .prepare_cached("SELECT DISTINCT execution_arn FROM signals")
                .map_err(backend)?;
            let rows = s
                .query_map([], |r| r.get::<_, String>(0))
                .map_err(backend)?;
            rows.map(|r| r.map_err(backend)).collect()
        })
    }

    /// One process has the file: the first claim takes everything still running.
    fn claim_executions(&self, _now_ms: i64) -> Result<Vec<ExecutionRecord>> {
        if self.claimed.swap(true, Ordering::SeqCst) {
            return Ok(Vec::new());
        }
        self.read(|c| {
            documents(
                c,
                "SELECT body FROM executions WHERE status = 'RUNNING' AND machine_type = 'STANDARD' ORDER BY seq",
                [],
            )
        })
    }

    fn renew_leases(&self, _now_ms: i64) -> Result<u64> {
        Ok(0)
    }

    fn release_execution(&self, _arn: &str) -> Result<()> {
        Ok(())
    }
}

impl SqlCatalog for SqliteStore {
    /// The schema's `seq` has no sequence of its own; the writer's transaction makes this safe.
    const NEXT_SEQ: &'static str = "(SELECT COALESCE(MAX(seq), 0) + 1 FROM catalog)";
    const SEQ_TYPE: &'static str = "INTEGER";

    fn execute(&self, sql: &str, params: Params) -> Result<u64> {
        let sql = sqlite_placeholders(sql);
        self.submit(move |c| {
            c.prepare_cached(&sql)
                .and_then(|mut s| s.execute(params_from_iter(params)))
                .map(|changed| changed as u64)
                .map_err(unique_or(StoreError::AlreadyExists))
        })
    }

    fn select(&self, sql: &str, params: Params) -> Result<Vec<String>> {
        let sql = sqlite_placeholders(sql);
        self.read(|c| texts(c, &sql, params_from_iter(params)))
    }
}

/// `?1` for `$1`: SQLite would read `$1` as a parameter named "$1", numbered by where it first
/// appears rather than by its number.
fn sqlite_placeholders(sql: &str) -> String {
    sql.replace('$', "?")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CatalogStore;

    fn temp_path(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("stepfn-store-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("stepfn.db")
    }

    crate::store_test_suite!(suite, |check| Some(
        SqliteStore::open(temp_path(&format!("suite-{check}"))).unwrap()
    ));

    #[test]
    fn what_was_committed_is_there_after_reopening_and_running_executions_are_claimed_once() {
        let path = temp_path("reopen");
        let machine_arn = "arn:aws:states:us-east-1:123456789012:stateMachine:m";
        let running = crate::suite::execution(machine_arn, "running");
        let mut done = crate::suite::execution(machine_arn, "done");
        done.status = "SUCCEEDED".into();
        {
            let store = SqliteStore::open(&path).unwrap();
            store
                .insert_state_machine(crate::suite::machine(machine_arn))
                .unwrap();
            store.insert_execution(running.clone()).unwrap();
            store.insert_execution(done.clone()).unwrap();
            store
                .append_events(
                    &running.arn,
                    1,
                    vec![crate::suite::event(1, "ExecutionStarted")],
                )
                .unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        assert!(store.get_state_machine(machine_arn).unwrap().is_some());
        assert_eq!(store.claim_executions(0).unwrap(), vec![running.clone()]);
        assert!(store.claim_executions(0).unwrap().is_empty());
        assert_eq!(store.get_events(&running.arn).unwrap().len(), 1);
    }

    #[test]
    fn many_threads_writing_at_once_share_commits_and_lose_nothing() {
        let store = std::sync::Arc::new(SqliteStore::open(temp_path("threads")).unwrap());
        let machine_arn = "arn:aws:states:us-east-1:123456789012:stateMachine:m";
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let store = store.clone();
                std::thread::spawn(move || {
                    for i in 0..50 {
                        let record = crate::suite::execution(machine_arn, &format!("{t}-{i}"));
                        store.write(crate::suite::start(&record)).unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(
            store
                .list_executions(Some(machine_arn), None)
                .unwrap()
                .len(),
            400
        );
    }
}
