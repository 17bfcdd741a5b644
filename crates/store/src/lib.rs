//! Persistence: the records the service keeps and the [`Store`] trait over them.
//!
//! This issue ships the in-memory store ([`MemoryStore`]); the durable SQLite and PostgreSQL
//! stores implement the same trait.

mod catalog;
mod memory;
mod memory_catalog;

pub use catalog::{
    arn_account_region, ActivityRecord, AliasRoute, CatalogStore, StateMachineAliasRecord,
    StateMachineRecord, StateMachineVersionRecord, Tag,
};
pub use memory::MemoryStore;
use serde_json::{Map, Value};

/// An execution as DescribeExecution and ListExecutions show it.
#[derive(Debug, Clone, PartialEq)]
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
}

/// What RedriveExecution has done to an execution.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RedriveInfo {
    pub count: u32,
    pub last_ms: Option<i64>,
    /// The clientToken of the last redrive (a retry with the same token changes nothing).
    pub client_token: Option<String>,
}

/// A stored history event (see `engine::history::HistoryEvent`).
#[derive(Debug, Clone, PartialEq)]
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

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum StoreError {
    #[error("already exists")]
    AlreadyExists,
    #[error("not found")]
    NotFound,
    #[error("storage failure: {0}")]
    Backend(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Everything the service persists: the catalog of resources ([`CatalogStore`]) and the
/// executions with their histories. Implementations are safe to share between threads.
pub trait Store: CatalogStore + Send + Sync {
    fn insert_execution(&self, record: ExecutionRecord) -> Result<()>;
    fn update_execution(&self, record: ExecutionRecord) -> Result<()>;
    fn get_execution(&self, arn: &str) -> Result<Option<ExecutionRecord>>;
    /// Newest first; `state_machine_arn` None lists all.
    fn list_executions(&self, state_machine_arn: Option<&str>) -> Result<Vec<ExecutionRecord>>;

    fn append_events(&self, execution_arn: &str, events: Vec<EventRecord>) -> Result<()>;
    fn get_events(&self, execution_arn: &str) -> Result<Vec<EventRecord>>;
}
