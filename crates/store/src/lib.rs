//! Persistence: the records the service keeps and the [`Store`] trait over them, with three
//! implementations: [`MemoryStore`] (nothing kept), [`SqliteStore`] (the embedded default) and
//! [`PostgresStore`] (several nodes on one database). [`CatalogStore`] is implemented once
//! (`catalog`) over the table each store keeps a kind of record in (`memory_catalog`; the SQL
//! stores share `sql_catalog`). `suite` (feature `test-suite`) holds the checks all of them pass,
//! one test each.

mod catalog;
mod codec;
mod memory;
mod memory_catalog;
mod postgres;
mod sql_catalog;
mod sqlite;
#[cfg(any(test, feature = "test-suite"))]
pub mod suite;

pub use catalog::{
    ActivityRecord, AliasRoute, CatalogStore, Configurations, StateMachineAliasRecord,
    StateMachineRecord, StateMachineVersionRecord, Tag,
};
pub use memory::MemoryStore;
pub use postgres::PostgresStore;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
pub use sqlite::SqliteStore;

/// An execution as DescribeExecution and ListExecutions show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecutionRecord {
    pub arn: String,
    pub state_machine_arn: String,
    pub name: String,
    pub status: String,
    pub start_ms: i64,
    pub stop_ms: Option<i64>,
    pub input: String,
    pub output: Option<String>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub machine_type: String,
    pub definition: String,
    pub role_arn: String,
    pub trace_header: Option<String>,
    pub redrive: RedriveInfo,
    /// The version run, when StartExecution named a version or an alias.
    pub version_arn: Option<String>,
    /// The alias StartExecution named.
    pub alias_arn: Option<String>,
    /// The state machine revision the execution runs.
    pub revision_id: Option<String>,
    /// The mock test case it runs (the engine's `MockCase`, as JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mocks: Option<Value>,
}

/// What RedriveExecution has done to an execution.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RedriveInfo {
    pub count: u32,
    pub last_ms: Option<i64>,
    /// The clientToken of the last redrive (a retry with the same token changes nothing).
    pub client_token: Option<String>,
}

/// A stored history event (see `engine::history::HistoryEvent`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventRecord {
    pub id: u64,
    pub previous_event_id: u64,
    pub timestamp_ms: i64,
    pub event_type: String,
    pub details: Map<String, Value>,
    pub frame: u32,
    pub hidden: bool,
    pub nondeterministic: Vec<Value>,
}

/// A task an execution offers to the workers of an activity, queued until one takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityTaskRecord {
    pub activity_arn: String,
    pub execution_arn: String,
    pub frame: u32,
    pub token: String,
    pub input: String,
}

/// A change to the runtime records. [`Store::write`] applies a list of them atomically.
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    /// A new execution; STANDARD ones belong to the writing node (see [`Store::claim_executions`]).
    InsertExecution(ExecutionRecord),
    UpdateExecution(ExecutionRecord),
    /// Events that follow the stored ones; `first_seq` is the position of the first in the
    /// execution's history (from 1; hidden events have positions but share id 0). A position
    /// already stored is [`StoreError::Conflict`]: somebody else recorded this step.
    AppendEvents {
        execution_arn: String,
        first_seq: u64,
        events: Vec<EventRecord>,
    },
    /// Queues a task for the workers of its activity.
    PushActivityTask(ActivityTaskRecord),
    /// Drops the queued tasks of an execution (it no longer waits for them).
    DropActivityTasks {
        execution_arn: String,
    },
    /// Queues a signal (opaque to the store) for the node that drives the execution.
    PushSignal {
        execution_arn: String,
        body: Value,
    },
    /// Removes the execution's signals up to and including `upto_seq`: they were delivered.
    AckSignals {
        execution_arn: String,
        upto_seq: i64,
    },
}

/// A queued signal: see [`Write::PushSignal`].
#[derive(Debug, Clone, PartialEq)]
pub struct SignalRecord {
    pub seq: i64,
    pub execution_arn: String,
    pub body: Value,
}

/// What a store tells its node about changes made by other nodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A task was queued for this activity.
    ActivityTask(String),
    /// A signal was queued for this execution.
    Signal(String),
}

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum StoreError {
    #[error("already exists")]
    AlreadyExists,
    #[error("not found")]
    NotFound,
    #[error("conflict: another writer recorded this step of the execution")]
    Conflict,
    #[error("storage failure: {0}")]
    Backend(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Everything the service persists: the catalog of resources ([`CatalogStore`]), the executions
/// with their histories and the activity task queues. Implementations are safe to share between
/// threads; a write returns once it is committed (durable stores: on disk).
///
/// A running STANDARD execution is driven by one node at a time: the node that started it, or
/// that claimed it with [`Store::claim_executions`] when it had no live owner. Single-process
/// stores (memory, SQLite) own everything they hold; PostgreSQL keeps a lease per execution that
/// its node renews with [`Store::renew_leases`].
pub trait Store: CatalogStore + Send + Sync {
    /// Applies the writes atomically: all or none.
    fn write(&self, writes: Vec<Write>) -> Result<()>;

    fn get_execution(&self, arn: &str) -> Result<Option<ExecutionRecord>>;
    /// Newest first; `state_machine_arn` None lists all, `status` Some only those in it.
    fn list_executions(
        &self,
        state_machine_arn: Option<&str>,
        status: Option<&str>,
    ) -> Result<Vec<ExecutionRecord>>;
    /// In id order.
    fn get_events(&self, execution_arn: &str) -> Result<Vec<EventRecord>>;

    /// Takes the oldest queued task of an activity off its queue (each task is taken once) and,
    /// in the same transaction, queues the signal `started(task)` for the task's execution.
    fn take_activity_task(
        &self,
        activity_arn: &str,
        started: &(dyn Fn(&ActivityTaskRecord) -> Value + Sync),
    ) -> Result<Option<ActivityTaskRecord>>;

    /// The signals queued for an execution, oldest first.
    fn pending_signals(&self, execution_arn: &str) -> Result<Vec<SignalRecord>>;
    /// Executions this node drives that have signals queued.
    fn executions_with_signals(&self) -> Result<Vec<String>>;

    /// Whether several nodes share this store (then executions can be driven elsewhere).
    fn is_shared(&self) -> bool {
        false
    }
    /// Calls `on_notice` when another node queues an activity task or a signal (shared stores).
    fn watch(&self, _on_notice: std::sync::Arc<dyn Fn(Notice) + Send + Sync>) {}

    /// RUNNING STANDARD executions that no live node drives (all of them when the store was just
    /// opened by its only process). They are this node's from now on.
    fn claim_executions(&self, now_ms: i64) -> Result<Vec<ExecutionRecord>>;
    /// Extends this node's hold on the executions it drives (shared stores keep one lease per
    /// node); returns how many leases it renewed.
    fn renew_leases(&self, now_ms: i64) -> Result<u64>;
    /// Gives up an execution this node will no longer drive.
    fn release_execution(&self, arn: &str) -> Result<()>;

    fn insert_execution(&self, record: ExecutionRecord) -> Result<()> {
        self.write(vec![Write::InsertExecution(record)])
    }
    fn update_execution(&self, record: ExecutionRecord) -> Result<()> {
        self.write(vec![Write::UpdateExecution(record)])
    }
    fn append_events(
        &self,
        execution_arn: &str,
        first_seq: u64,
        events: Vec<EventRecord>,
    ) -> Result<()> {
        self.write(vec![Write::AppendEvents {
            execution_arn: execution_arn.to_string(),
            first_seq,
            events,
        }])
    }
}
