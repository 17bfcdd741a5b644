//! The service: state machines and executions as the API operations see them, the runtime that
//! drives STANDARD executions (timers) and runs EXPRESS ones to completion.

mod activity_tasks;
pub mod arns;
pub mod catalog;
pub mod configuration;
mod error;
mod executions;
mod map_runs;
mod redrive;
mod runtime;
pub mod status;
mod timers;
pub mod variable_references;

pub use activity_tasks::{ActivityTask, ACTIVITY_POLL_SECONDS};
pub use arns::ResourceScope;
pub use catalog::{
    aliases, Catalog, CreateStateMachine, CreatedStateMachine, ExecutionTarget,
    StateMachineDescription, UpdateStateMachine, UpdatedStateMachine, MAX_TAGS_PER_RESOURCE,
};
pub use error::{ErrorCode, Result, ServiceError};
pub use map_runs::MapRunSummary;
pub use runtime::LEASE_MS;

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use asl::model::StateMachine;
use serde_json::Value;
use store::{
    ActivityRecord, AliasRoute, EventRecord, ExecutionRecord, MemoryStore, StateMachineAliasRecord,
    StateMachineRecord, StateMachineVersionRecord, Store, Tag,
};

use crate::history::{self, HistoryEvent};
use crate::interpreter::{Execution, ExecutionInfo, Signal, Status};
use timers::TimerQueue;

/// The wall clock, possibly with waits shortened (`WAIT_TIME_SCALE`).
pub trait Clock: Send + Sync {
    fn now_ms(&self) -> i64;
    /// How long to really sleep for a wait of `ms` milliseconds of execution time.
    fn scaled(&self, ms: i64) -> Duration;
}

pub struct SystemClock {
    pub wait_time_scale: f64,
}

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        chrono::Utc::now().timestamp_millis()
    }
    fn scaled(&self, ms: i64) -> Duration {
        Duration::from_millis((ms.max(0) as f64 * self.wait_time_scale) as u64)
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub account_id: String,
    pub default_region: String,
}

#[derive(Debug, Clone, Default)]
pub struct StartExecution {
    /// The region of the request (ARNs of other regions name nothing).
    pub region: String,
    pub state_machine_arn: String,
    pub name: Option<String>,
    pub input: Option<String>,
    pub trace_header: Option<String>,
}

/// What StartExecution/StartSyncExecution work out before an execution begins.
type Prepared = (
    StateMachineRecord,
    Arc<StateMachine>,
    Arc<ExecutionInfo>,
    Value,
    String,
);

struct Running {
    execution: Mutex<Execution>,
    record: Mutex<ExecutionRecord>,
}

pub struct Service {
    pub config: Config,
    store: Arc<dyn Store>,
    /// EXPRESS executions: kept in memory whatever the store (at-least-once, as on AWS).
    express: MemoryStore,
    clock: Arc<dyn Clock>,
    /// State machines, versions, aliases, activities and tags.
    catalog: Catalog,
    running: Mutex<HashMap<String, Arc<Running>>>,
    timers: TimerQueue,
    activity_queues: activity_tasks::ActivityQueues,
}

impl Service {
    pub fn new(config: Config, store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Arc<Service> {
        Arc::new(Service {
            catalog: Catalog::new(config.clone(), store.clone(), clock.clone()),
            config,
            store,
            express: MemoryStore::new(),
            clock,
            running: Mutex::new(HashMap::new()),
            timers: TimerQueue::default(),
            activity_queues: Default::default(),
        })
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Runs the timer loop of STANDARD executions; spawn once on the runtime.
    pub async fn run_timers(self: Arc<Self>) {
        loop {
            let fired = self.timers.next_due(self.clock.as_ref()).await;
            self.fire_timers(fired);
        }
    }

    fn add_timers(&self, execution_arn: &str, timers: Vec<crate::interpreter::TimerRequest>) {
        self.timers.add(execution_arn, timers);
    }

    fn compile(&self, definition: &str) -> Result<Arc<StateMachine>> {
        self.catalog.compile(definition)
    }

    /// The catalog the service's executions run state machines of.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The account and region a request signed for `region` acts in.
    pub fn scope(&self, region: &str) -> ResourceScope {
        self.catalog.scope(region)
    }
}

/// Service methods that are the catalog's: the API reaches the catalog through the service.
macro_rules! catalog_operations {
    ($($name:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {
        impl Service {
            $(
                pub fn $name(&self, $($arg: $ty),*) -> $ret {
                    self.catalog.$name($($arg),*)
                }
            )*
        }
    };
}

catalog_operations! {
    create_state_machine(req: CreateStateMachine) -> Result<CreatedStateMachine>;
    describe_state_machine(region: &str, arn: &str) -> Result<StateMachineDescription>;
    update_state_machine(req: UpdateStateMachine) -> Result<UpdatedStateMachine>;
    delete_state_machine(region: &str, arn: &str) -> Result<()>;
    finish_deleting_state_machine(arn: &str) -> Result<()>;
    list_state_machines(region: &str) -> Result<Vec<StateMachineRecord>>;
    resolve_execution_target(region: &str, arn: &str) -> Result<ExecutionTarget>;
    publish_state_machine_version(
        region: &str,
        arn: &str,
        revision_id: Option<&str>,
        description: Option<String>
    ) -> Result<StateMachineVersionRecord>;
    list_state_machine_versions(region: &str, arn: &str) -> Result<Vec<StateMachineVersionRecord>>;
    delete_state_machine_version(region: &str, arn: &str) -> Result<()>;
    create_state_machine_alias(
        region: &str,
        name: &str,
        description: Option<String>,
        routing: Vec<AliasRoute>
    ) -> Result<StateMachineAliasRecord>;
    describe_state_machine_alias(region: &str, arn: &str) -> Result<StateMachineAliasRecord>;
    update_state_machine_alias(
        region: &str,
        arn: &str,
        description: Option<String>,
        routing: Option<Vec<AliasRoute>>
    ) -> Result<StateMachineAliasRecord>;
    delete_state_machine_alias(region: &str, arn: &str) -> Result<()>;
    list_state_machine_aliases(
        region: &str,
        state_machine_arn: &str
    ) -> Result<Vec<StateMachineAliasRecord>>;
    create_activity(
        region: &str,
        name: &str,
        tags: Vec<Tag>,
        encryption_configuration: Option<&Value>
    ) -> Result<ActivityRecord>;
    describe_activity(region: &str, arn: &str) -> Result<ActivityRecord>;
    delete_activity(region: &str, arn: &str) -> Result<()>;
    list_activities(region: &str) -> Result<Vec<ActivityRecord>>;
    tag_resource(region: &str, arn: &str, tags: Vec<Tag>) -> Result<()>;
    untag_resource(region: &str, arn: &str, keys: &[String]) -> Result<()>;
    list_tags_for_resource(region: &str, arn: &str) -> Result<Vec<Tag>>;
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn to_record(e: HistoryEvent) -> EventRecord {
    EventRecord {
        id: e.id,
        previous_event_id: e.previous_event_id,
        timestamp_ms: e.timestamp_ms,
        event_type: e.event_type.as_str().to_string(),
        details: e.details,
        frame: e.frame,
        hidden: e.hidden,
        nondeterministic: e.nondeterministic,
    }
}

/// Converts a stored event back (for replay).
pub fn from_record(e: EventRecord) -> Option<HistoryEvent> {
    Some(HistoryEvent {
        id: e.id,
        previous_event_id: e.previous_event_id,
        timestamp_ms: e.timestamp_ms,
        event_type: history::EventType::parse(&e.event_type)?,
        details: e.details,
        frame: e.frame,
        hidden: e.hidden,
        nondeterministic: e.nondeterministic,
    })
}

fn finish_record(rec: &mut ExecutionRecord, exec: &Execution, now_ms: i64) {
    rec.status = exec.status.as_str().to_string();
    if exec.status != Status::Running {
        rec.stop_ms = Some(now_ms);
    }
    rec.output = exec
        .output
        .as_ref()
        .map(|v| serde_json::to_string(v).unwrap_or_default());
    rec.error = exec.error.clone();
    rec.cause = exec.cause.clone();
}

/// Runs an in-memory execution (EXPRESS, `stepfn run`) to its end, sleeping for its timers.
pub async fn drive_to_end(exec: &mut Execution, clock: &dyn Clock) {
    let mut timers: BinaryHeap<Reverse<(i64, u32)>> = BinaryHeap::new();
    loop {
        for t in exec.take_timers() {
            timers.push(Reverse((t.due_ms, t.frame)));
        }
        if !exec.is_running() {
            return;
        }
        let Some(Reverse((due, frame))) = timers.pop() else {
            return;
        };
        let now = clock.now_ms();
        if due > now {
            tokio::time::sleep(clock.scaled(due - now)).await;
        }
        exec.set_now(clock.now_ms().max(due));
        exec.deliver(Signal::TimerFired { frame });
    }
}
