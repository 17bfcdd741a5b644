//! The runtime: the executions this node drives and everything that moves them — the timers
//! of STANDARD executions, their activity tasks and leases, the signals delivered to them or
//! queued for another node, their resumption after a restart — and the records of EXPRESS
//! executions, kept in memory. It owns that state (the fields are private); the service reaches
//! it only through the runtime's methods. The runtime uses the catalog (the compiled definition
//! of a rebuilt execution; a deleted state machine is told of its last execution's end); the
//! catalog never uses the runtime.
//!
//! Its rooms: `records` (history events and execution records as the store keeps them),
//! `driving` (each step of a STANDARD execution committed under its lock), `signals` (delivering
//! and queueing), `resume` (rebuilding from the history, claims and leases), `timers`,
//! `activity_tasks`, `express` and `redrive`.

mod activity_tasks;
mod calls;
mod driving;
mod express;
mod parking;
mod records;
mod redrive;
mod resume;
mod signals;
mod timers;

pub use activity_tasks::{ActivityTask, ACTIVITY_POLL_SECONDS};
pub use express::drive_to_end;
pub use records::from_record;
pub use resume::LEASE_MS;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock, Weak};

use asl::model::StateMachine;
use serde_json::Value;
use store::{ExecutionRecord, MemoryStore, Store};

use crate::history::HistoryEvent;
use crate::interpreter::{Execution, ExecutionInfo};
use crate::service::catalog::Catalog;
use crate::service::{lock, Clock, Result};
use activity_tasks::ActivityQueues;
use timers::TimerQueue;

/// A STANDARD execution this node drives, with its record (updated when it ends).
struct Running {
    execution: Mutex<Execution>,
    record: Mutex<ExecutionRecord>,
}

/// What an execution starts from, worked out by StartExecution/StartSyncExecution.
pub(crate) struct NewExecution {
    pub(crate) info: Arc<ExecutionInfo>,
    pub(crate) machine: Arc<StateMachine>,
    pub(crate) input_text: String,
    pub(crate) input: Value,
}

pub(crate) struct Runtime {
    store: Arc<dyn Store>,
    /// EXPRESS executions: kept in memory whatever the store (at-least-once, as on AWS).
    express: MemoryStore,
    clock: Arc<dyn Clock>,
    /// Read for the definitions of rebuilt executions and told when an execution ends.
    catalog: Arc<Catalog>,
    running: Mutex<HashMap<String, Arc<Running>>>,
    /// Executions this node drives that wait only on task tokens and are not held in memory:
    /// the first signal for one rebuilds it from its history (`parking`).
    parked: Mutex<HashSet<String>>,
    timers: TimerQueue,
    activity_queues: ActivityQueues,
    /// Makes the calls of Task states (Lambda, AWS services, nested executions).
    caller: OnceLock<Arc<dyn aws::Caller>>,
    /// The async runtime the calls run on (for deliveries made outside it).
    handle: OnceLock<tokio::runtime::Handle>,
    /// This runtime, for the calls it spawns.
    me: Weak<Runtime>,
    /// Fired timers not yet delivered (a clock that jumps waits for them).
    firing: std::sync::atomic::AtomicUsize,
}

impl Runtime {
    pub(crate) fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        catalog: Arc<Catalog>,
    ) -> Arc<Runtime> {
        Arc::new_cyclic(|me| Runtime {
            store,
            express: MemoryStore::new(),
            clock,
            catalog,
            running: Mutex::new(HashMap::new()),
            parked: Mutex::new(HashSet::new()),
            timers: TimerQueue::default(),
            activity_queues: ActivityQueues::default(),
            caller: OnceLock::new(),
            handle: OnceLock::new(),
            me: me.clone(),
            firing: Default::default(),
        })
    }

    /// Sets what makes the calls of Task states (once, before executions run).
    pub(crate) fn set_caller(&self, caller: Arc<dyn aws::Caller>) {
        let _ = self.caller.set(caller);
    }

    pub(crate) fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// The store of an execution's records: EXPRESS ones live in memory.
    fn records(&self, express: bool) -> &dyn Store {
        if express {
            &self.express
        } else {
            self.store.as_ref()
        }
    }

    /// The record of an execution, STANDARD or EXPRESS.
    pub(crate) fn execution(&self, arn: &str, express: bool) -> Result<Option<ExecutionRecord>> {
        Ok(self.records(express).get_execution(arn)?)
    }

    /// The executions of a state machine, of one type, optionally of one status.
    pub(crate) fn executions(
        &self,
        state_machine_arn: &str,
        status: Option<&str>,
        express: bool,
    ) -> Result<Vec<ExecutionRecord>> {
        Ok(self
            .records(express)
            .list_executions(Some(state_machine_arn), status)?)
    }

    /// An execution's stored history, hidden events included (EXPRESS executions keep none).
    pub(crate) fn events(&self, arn: &str, express: bool) -> Result<Vec<HistoryEvent>> {
        self.records(express)
            .get_events(arn)?
            .into_iter()
            .map(from_record)
            .collect()
    }

    /// Whether this node drives the execution.
    fn drives(&self, arn: &str) -> bool {
        lock(&self.running).contains_key(arn) || lock(&self.parked).contains(arn)
    }
}
