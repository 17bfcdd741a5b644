//! The service: state machines and executions as the API operations see them, the runtime that
//! drives STANDARD executions (timers) and runs EXPRESS ones to completion.

mod activities;
mod activity_tasks;
pub mod aliases;
pub mod arns;
pub mod configuration;

mod executions;
mod map_runs;
mod redrive;
mod runtime;
mod state_machines;
mod tags;
pub mod variable_references;

pub use activity_tasks::{ActivityTask, ACTIVITY_POLL_SECONDS};
pub use runtime::LEASE_MS;
mod versions;

pub use arns::ResourceScope;
pub use map_runs::MapRunSummary;
pub use state_machines::{
    CreateStateMachine, CreatedStateMachine, ExecutionTarget, StateMachineDescription,
    UpdateStateMachine, UpdatedStateMachine,
};
pub use tags::MAX_TAGS_PER_RESOURCE;

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use asl::model::StateMachine;
use asl::validate::{self, MachineType};
use serde_json::Value;
use store::{EventRecord, ExecutionRecord, MemoryStore, StateMachineRecord, Store};

use crate::execution::{Execution, ExecutionInfo, Signal, Status, PAYLOAD_LIMIT_BYTES};
use crate::history::{self, HistoryEvent};

/// An error as the API reports it: an AWS error code and its message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ServiceError {
    pub code: &'static str,
    pub message: String,
}

impl ServiceError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        ServiceError {
            code,
            message: message.into(),
        }
    }
    fn internal(e: impl std::fmt::Display) -> Self {
        Self::new("InternalFailure", e.to_string())
    }
}

impl From<store::StoreError> for ServiceError {
    fn from(e: store::StoreError) -> Self {
        ServiceError::internal(e)
    }
}

pub type Result<T> = std::result::Result<T, ServiceError>;

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

/// The account/region/name parts of a Step Functions ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArnParts {
    pub partition: String,
    pub region: String,
    pub account: String,
    pub resource_type: String,
    pub rest: Vec<String>,
}

/// Parses `arn:PARTITION:states:REGION:ACCOUNT:TYPE:…`.
pub fn parse_arn(arn: &str) -> Option<ArnParts> {
    let mut parts = arn.split(':');
    if parts.next()? != "arn" {
        return None;
    }
    let partition = parts.next()?.to_string();
    if parts.next()? != "states" {
        return None;
    }
    let region = parts.next()?.to_string();
    let account = parts.next()?.to_string();
    let resource_type = parts.next()?.to_string();
    let rest: Vec<String> = parts.map(str::to_string).collect();
    if partition.is_empty() || region.is_empty() || account.is_empty() || rest.is_empty() {
        return None;
    }
    Some(ArnParts {
        partition,
        region,
        account,
        resource_type,
        rest,
    })
}

fn invalid_arn(arn: &str) -> ServiceError {
    ServiceError::new(
        "InvalidArn",
        format!("Invalid Arn: 'Invalid ARN prefix: {arn}'"),
    )
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

struct TimerEntry {
    due_ms: i64,
    seq: u64,
    execution_arn: String,
    frame: u32,
}

impl PartialEq for TimerEntry {
    fn eq(&self, other: &Self) -> bool {
        (self.due_ms, self.seq) == (other.due_ms, other.seq)
    }
}
impl Eq for TimerEntry {}
impl PartialOrd for TimerEntry {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for TimerEntry {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.due_ms, self.seq).cmp(&(other.due_ms, other.seq))
    }
}

#[derive(Default)]
struct Timers {
    heap: BinaryHeap<Reverse<TimerEntry>>,
    seq: u64,
}

pub struct Service {
    pub config: Config,
    store: Arc<dyn Store>,
    /// EXPRESS executions: kept in memory whatever the store (at-least-once, as on AWS).
    express: MemoryStore,
    clock: Arc<dyn Clock>,
    /// Compiled definitions, by definition text.
    compiled: Mutex<HashMap<String, Arc<StateMachine>>>,
    running: Mutex<HashMap<String, Arc<Running>>>,
    timers: Mutex<Timers>,
    timer_wakeup: tokio::sync::Notify,
    /// Serialises read-modify-write changes of the catalog (see `state_machines`).
    catalog_lock: Mutex<()>,
    activity_queues: activity_tasks::ActivityQueues,
}

impl Service {
    pub fn new(config: Config, store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Arc<Service> {
        Arc::new(Service {
            config,
            store,
            express: MemoryStore::new(),
            clock,
            compiled: Mutex::new(HashMap::new()),
            running: Mutex::new(HashMap::new()),
            timers: Mutex::new(Timers::default()),
            timer_wakeup: tokio::sync::Notify::new(),
            catalog_lock: Mutex::new(()),
            activity_queues: Default::default(),
        })
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Runs the timer loop of STANDARD executions; spawn once on the runtime.
    pub async fn run_timers(self: Arc<Self>) {
        loop {
            let next_due = {
                let t = lock(&self.timers);
                t.heap.peek().map(|Reverse(e)| e.due_ms)
            };
            match next_due {
                None => self.timer_wakeup.notified().await,
                Some(due) => {
                    let now = self.clock.now_ms();
                    if due > now {
                        let sleep = self.clock.scaled(due - now);
                        tokio::select! {
                            _ = tokio::time::sleep(sleep) => {}
                            _ = self.timer_wakeup.notified() => continue,
                        }
                    }
                    let fired = {
                        let mut t = lock(&self.timers);
                        let mut fired = Vec::new();
                        let horizon = self.clock.now_ms().max(due);
                        while t.heap.peek().is_some_and(|Reverse(e)| e.due_ms <= horizon) {
                            if let Some(Reverse(e)) = t.heap.pop() {
                                fired.push(e);
                            }
                        }
                        fired
                    };
                    self.fire_timers(
                        fired
                            .into_iter()
                            .map(|e| (e.execution_arn, e.frame))
                            .collect(),
                    );
                }
            }
        }
    }

    fn add_timers(&self, execution_arn: &str, timers: Vec<crate::execution::TimerRequest>) {
        if timers.is_empty() {
            return;
        }
        {
            let mut t = lock(&self.timers);
            for timer in timers {
                t.seq += 1;
                let seq = t.seq;
                t.heap.push(Reverse(TimerEntry {
                    due_ms: timer.due_ms,
                    seq,
                    execution_arn: execution_arn.to_string(),
                    frame: timer.frame,
                }));
            }
        }
        self.timer_wakeup.notify_one();
    }

    fn compile(&self, definition: &str) -> Result<Arc<StateMachine>> {
        if let Some(m) = lock(&self.compiled).get(definition) {
            return Ok(m.clone());
        }
        let machine = asl::model::parse_definition(definition).map_err(|e| {
            ServiceError::new(
                "InvalidDefinition",
                format!("Invalid State Machine Definition: '{e}'"),
            )
        })?;
        let machine = Arc::new(machine);
        lock(&self.compiled).insert(definition.to_string(), machine.clone());
        Ok(machine)
    }

    fn validate(&self, definition: &str, machine_type: &str) -> Result<()> {
        let t = if machine_type == "EXPRESS" {
            MachineType::Express
        } else {
            MachineType::Standard
        };
        let diagnostics = validate::validate_definition(definition, t);
        if diagnostics
            .iter()
            .any(|d| d.severity == validate::Severity::Error)
        {
            return Err(ServiceError::new(
                "InvalidDefinition",
                validate::invalid_definition_message(&diagnostics),
            ));
        }
        self.compile(definition).map(|_| ())
    }
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
