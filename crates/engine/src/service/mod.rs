//! The service: state machines and executions as the API operations see them. `Service` is a
//! facade over two owners of state: the `catalog` (state machines, versions, aliases,
//! activities, tags) and the `runtime` (the executions this node drives, their timers, activity
//! tasks, leases and signals, and the EXPRESS records). The runtime reads the catalog, never
//! the reverse.
//!
//! The execution operations stay here (`executions`, `redrive`, `map_runs`): each is an API
//! operation that checks its request and resolves what it names in the catalog (a state machine,
//! version or alias and its compiled definition) before handing the execution to the runtime,
//! and the runtime knows nothing of requests, regions or aliases. What happens to a running
//! execution (driving, signals, replay, the redrive's rebuild) is the runtime's.

pub mod arns;
pub mod catalog;
pub mod configuration;
mod error;
mod executions;
mod map_runs;
pub mod mock_config;
mod redrive;
mod runtime;
pub mod status;
pub mod variable_references;

pub use arns::ResourceScope;
pub use catalog::{
    aliases, Catalog, CreateStateMachine, CreatedStateMachine, ExecutionTarget,
    StateMachineDescription, UpdateStateMachine, UpdatedStateMachine, MAX_TAGS_PER_RESOURCE,
};
pub use error::{ErrorCode, Result, ServiceError};
pub use map_runs::MapRunSummary;
pub use runtime::{drive_to_end, from_record, ActivityTask, ACTIVITY_POLL_SECONDS, LEASE_MS};

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use store::{
    ActivityRecord, AliasRoute, StateMachineAliasRecord, StateMachineRecord,
    StateMachineVersionRecord, Store, Tag,
};

use runtime::Runtime;

/// The wall clock, possibly with waits shortened (`WAIT_TIME_SCALE`), or a virtual one.
pub trait Clock: Send + Sync {
    fn now_ms(&self) -> i64;
    /// How long to really sleep for a wait of `ms` milliseconds of execution time.
    fn scaled(&self, ms: i64) -> Duration;
    /// Whether time may jump ahead to the next deadline when nothing but time is awaited.
    fn jumps(&self) -> bool {
        false
    }
    /// Makes it at least `ms` (a clock that jumps; the wall clock cannot be moved).
    fn advance_to(&self, ms: i64) {
        let _ = ms;
    }
}

/// Virtual time (`--clock virtual`): the wall clock plus the jumps made so far. When every
/// execution waits only on time (Waits, retry back-offs, timeouts), the runtime jumps it to the
/// next deadline, so a day-long Wait ends at once and the history shows the day.
#[derive(Default)]
pub struct VirtualClock {
    offset_ms: std::sync::atomic::AtomicI64,
}

impl Clock for VirtualClock {
    fn now_ms(&self) -> i64 {
        chrono::Utc::now().timestamp_millis()
            + self.offset_ms.load(std::sync::atomic::Ordering::SeqCst)
    }
    fn scaled(&self, ms: i64) -> Duration {
        Duration::from_millis(ms.max(0) as u64)
    }
    fn jumps(&self) -> bool {
        true
    }
    fn advance_to(&self, ms: i64) {
        let behind = ms - self.now_ms();
        if behind > 0 {
            self.offset_ms
                .fetch_add(behind, std::sync::atomic::Ordering::SeqCst);
        }
    }
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

/// The facade the API calls: catalog operations go to the catalog, the driving of executions
/// to the runtime; the execution operations (`executions`, `redrive`, `map_runs`) combine both.
pub struct Service {
    pub config: Config,
    /// State machines, versions, aliases, activities and tags.
    catalog: Arc<Catalog>,
    /// Running executions, timers, activity tasks, leases, signals, EXPRESS records.
    runtime: Arc<Runtime>,
    /// The mock configuration executions on `<stateMachineArn>#<TestCase>` run with.
    mocks: std::sync::OnceLock<mock_config::MockConfigFile>,
}

impl Service {
    pub fn new(config: Config, store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Arc<Service> {
        let catalog = Arc::new(Catalog::new(config.clone(), store.clone(), clock.clone()));
        Arc::new(Service {
            runtime: Runtime::new(store, clock, catalog.clone()),
            catalog,
            config,
            mocks: std::sync::OnceLock::new(),
        })
    }

    /// Sets the mock configuration (Step Functions Local's format) that executions started on
    /// `<stateMachineArn>#<TestCase>` run with. Set once, before executions start.
    pub fn set_mock_config(&self, file: mock_config::MockConfigFile) {
        let _ = self.mocks.set(file);
    }

    pub fn now_ms(&self) -> i64 {
        self.runtime.now_ms()
    }

    /// Sets what makes the calls of Task states (Lambda, AWS services, nested executions);
    /// without one they fail as unreachable. Set once, before executions run.
    pub fn set_caller(&self, caller: Arc<dyn aws::Caller>) {
        self.runtime.set_caller(caller);
    }

    /// What makes the calls of Task states (TestState's too).
    pub fn caller(&self) -> Arc<dyn aws::Caller> {
        self.runtime.caller()
    }

    /// The catalog the service's executions run state machines of.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The account and region a request signed for `region` acts in.
    pub fn scope(&self, region: &str) -> ResourceScope {
        self.catalog.scope(region)
    }

    /// Runs the timer loop of STANDARD executions; spawn once on the runtime.
    pub async fn run_timers(self: Arc<Self>) {
        self.runtime.clone().run_timers().await
    }

    /// Takes over every execution the store hands this node (all RUNNING STANDARD executions
    /// after a restart on a single-node store; orphans of dead nodes on a shared one).
    /// Returns how many were taken.
    pub fn resume(self: &Arc<Self>) -> Result<usize> {
        self.runtime.resume()
    }

    /// Keeps this node's leases, takes over orphaned executions and delivers signals other
    /// nodes queued (shared stores); spawn once on the runtime.
    pub async fn run_leases(self: Arc<Self>) {
        self.runtime.clone().run_leases().await
    }

    /// GetActivityTask: waits up to a minute for a task of this activity.
    pub async fn get_activity_task(
        &self,
        region: &str,
        activity_arn: &str,
        worker_name: Option<String>,
    ) -> Result<Option<ActivityTask>> {
        self.describe_activity(region, activity_arn)?;
        self.runtime
            .get_activity_task(activity_arn, worker_name)
            .await
    }

    pub fn send_task_success(&self, token: &str, output: &str) -> Result<()> {
        self.runtime.send_task_success(token, output)
    }

    pub fn send_task_failure(
        &self,
        token: &str,
        error: Option<String>,
        cause: Option<String>,
    ) -> Result<()> {
        self.runtime.send_task_failure(token, error, cause)
    }

    pub fn send_task_heartbeat(&self, token: &str) -> Result<()> {
        self.runtime.send_task_heartbeat(token)
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
