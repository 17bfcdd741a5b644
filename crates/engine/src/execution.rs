//! The interpreter: moves one execution from state to state.
//!
//! An execution is a tree of *frames*: the top level, each Parallel branch and each Map iteration.
//! The interpreter is deterministic: given the same definition, input and sequence of outside
//! inputs (a timer fired, a task finished, a stop was asked for), it produces the same history.
//! That is what makes it event-sourced: [`Execution::replay`] rebuilds a running execution from
//! its history alone by running the interpreter again and feeding it, in order, the outside
//! inputs the recorded events show, and checks every event it produces against the record.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::Arc;

use asl::jsonata::StatesVar;
use asl::model::{
    error_matches, Assign, Catcher, ChoiceCondition, NumberField, PathField, Retrier, State,
    StateKind, StateMachine, Transition, WaitSpec,
};
use asl::{Environment, QueryLanguage, Scope, StatesError, Variables};
use serde_json::{json, Map, Value};

use crate::history::HistoryEvent;
use crate::test_state::{Inspection, Supplied};

/// AWS's limit on the size of a state's input or output, and on execution input.
pub const PAYLOAD_LIMIT_BYTES: usize = 256 * 1024;
/// AWS's limit on the number of events in one execution's history.
pub const HISTORY_EVENT_LIMIT: u64 = 25_000;

/// The fixed facts of an execution, shown in the context object.
#[derive(Debug, Clone)]
pub struct ExecutionInfo {
    pub execution_arn: String,
    pub name: String,
    pub state_machine_arn: String,
    pub state_machine_name: String,
    pub role_arn: String,
    pub start_ms: i64,
    pub redrive_count: u32,
    /// EXPRESS executions have no `RedriveCount` in their context object.
    pub express: bool,
    /// The version run, when StartExecution named a version or an alias.
    pub version_arn: Option<String>,
    /// The alias StartExecution named.
    pub alias_arn: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Running,
    Succeeded,
    Failed,
    TimedOut,
    Aborted,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Running => "RUNNING",
            Status::Succeeded => "SUCCEEDED",
            Status::Failed => "FAILED",
            Status::TimedOut => "TIMED_OUT",
            Status::Aborted => "ABORTED",
        }
    }
}

/// Something the outside world tells a running execution.
#[derive(Debug, Clone, PartialEq)]
pub enum Signal {
    /// A Wait state's or a retry back-off's timer for this frame fired.
    TimerFired { frame: u32 },
    /// StopExecution.
    Stop {
        error: Option<String>,
        cause: Option<String>,
    },
    /// The execution's TimeoutSeconds passed.
    TimedOut,
    /// A worker took the activity task this frame waits on.
    TaskStarted {
        frame: u32,
        worker_name: Option<String>,
    },
    /// SendTaskSuccess for this frame's task (output as JSON text).
    TaskSucceeded { frame: u32, output: String },
    /// SendTaskFailure for this frame's task.
    TaskFailed {
        frame: u32,
        error: Option<String>,
        cause: Option<String>,
    },
    /// SendTaskHeartbeat: the heartbeat timeout starts again.
    TaskHeartbeat { frame: u32 },
    /// The task's TimeoutSeconds (or HeartbeatSeconds, when `heartbeat`) passed.
    TaskTimedOut { frame: u32, heartbeat: bool },
    /// RedriveExecution of a FAILED, ABORTED or TIMED_OUT execution: it goes on from the
    /// top-level state that did not finish, keeping everything that did.
    Redrive,
}

/// What the engine asks of the world outside the language while it runs: for now, whether an
/// activity exists. Answers are recorded with the event they lead to, so replays see the same.
pub trait TaskResolver: Send + Sync {
    fn activity_exists(&self, activity_arn: &str) -> bool;
}

/// The frame number of the execution's own `TimeoutSeconds` timer.
pub const EXECUTION_TIMEOUT_FRAME: u32 = u32::MAX;

/// A timer the execution asks the runtime to set; when it fires, deliver
/// [`Signal::TimerFired`]. Stale timers (the frame moved on) are ignored on delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimerRequest {
    pub frame: u32,
    pub due_ms: i64,
}

#[derive(Debug)]
struct Frame {
    machine: Arc<StateMachine>,
    /// The frame that runs the Parallel or Map state this frame belongs to, and this frame's
    /// branch or item index there.
    parent: Option<(u32, usize)>,
    vars: Map<String, Value>,
    last_event: u64,
    /// Events of this frame are not part of this execution's visible history.
    hidden: bool,
    step: Step,
}

#[derive(Debug)]
enum Step {
    /// About to enter the named state with this input.
    Enter {
        name: String,
        input: Value,
    },
    /// Inside a state.
    Run(Box<Running>),
    Done(Value),
    Failed,
    /// Stopped because a sibling failed or the execution ended.
    Cancelled,
}

#[derive(Debug)]
pub(crate) struct Running {
    state: Arc<State>,
    /// The raw state input.
    input: Value,
    entered_id: u64,
    /// The previousEventId of the StateEntered event (AWS reuses it for EvaluationFailed).
    entered_prev: u64,
    entered_ms: i64,
    /// How many times each retrier has fired.
    retry_counts: Vec<u64>,
    /// Total retries (`$$.State.RetryCount`).
    retry_count: u64,
    pub(crate) phase: Phase,
}

#[derive(Debug)]
pub(crate) enum Phase {
    Start,
    Waiting {
        due_ms: i64,
        effective_input: Value,
    },
    Backoff {
        due_ms: i64,
    },
    Parallel {
        children: Vec<u32>,
        remaining: usize,
    },
    Map(Box<MapProgress>),
    /// Waiting on an activity worker.
    Task(Box<TaskWait>),
}

#[derive(Debug)]
pub(crate) struct TaskWait {
    token: String,
    started: bool,
    timeout_due: Option<i64>,
    heartbeat_seconds: Option<i64>,
    heartbeat_due: Option<i64>,
    activity_arn: String,
    input_text: String,
}

#[derive(Debug)]
pub(crate) struct MapProgress {
    effective_input: Value,
    pub(crate) items: Vec<Value>,
    children: Vec<Option<u32>>,
    results: Vec<Value>,
    next: usize,
    running: usize,
    finished: usize,
    failed: usize,
    max_concurrency: usize,
    tolerated_count: Option<u64>,
    tolerated_percentage: Option<f64>,
    first_failure: Option<StatesError>,
    map_run: Option<String>,
    /// The Map state's context object (when its fields use one), shared by its items.
    pub(crate) item_context: Value,
}

impl MapProgress {
    /// Whether `failed` failed iterations are more than ToleratedFailureCount and
    /// ToleratedFailurePercentage allow (with neither, one is too many).
    pub(crate) fn exceeds_tolerance(&self, failed: usize) -> bool {
        let total = self.items.len().max(1) as f64;
        let count_ok = self.tolerated_count.is_some_and(|c| failed as u64 <= c);
        let pct_ok = self
            .tolerated_percentage
            .is_some_and(|pct| (failed as f64) * 100.0 / total <= pct);
        !(count_ok || pct_ok)
    }

    /// Whether the Map state names a tolerated failure threshold at all.
    pub(crate) fn has_tolerance(&self) -> bool {
        self.tolerated_count.is_some() || self.tolerated_percentage.is_some()
    }
}

/// Records non-deterministic values, or plays back recorded ones during a replay.
struct RecordingEnv<'a> {
    replay: &'a mut VecDeque<Value>,
    drawn: &'a mut Vec<Value>,
    now_ms: i64,
}

impl RecordingEnv<'_> {
    /// A fact about the outside world, asked live or played back from the record.
    fn observe_bool(&mut self, live: impl FnOnce() -> bool) -> bool {
        let value = match self.replay.pop_front() {
            Some(Value::Bool(b)) => b,
            _ => live(),
        };
        self.drawn.push(Value::Bool(value));
        value
    }
}

impl Environment for RecordingEnv<'_> {
    fn uuid(&mut self) -> String {
        if let Some(Value::String(s)) = self.replay.pop_front() {
            self.drawn.push(Value::String(s.clone()));
            return s;
        }
        let s = uuid::Uuid::new_v4().to_string();
        self.drawn.push(Value::String(s.clone()));
        s
    }
    fn random(&mut self) -> f64 {
        if let Some(v) = self.replay.pop_front().and_then(|v| v.as_f64()) {
            self.drawn.push(json!(v));
            return v;
        }
        let v: f64 = rand::random();
        self.drawn.push(json!(v));
        v
    }
    fn now_iso(&mut self) -> String {
        format_timestamp(self.now_millis())
    }
    fn now_millis(&mut self) -> i64 {
        if let Some(v) = self.replay.pop_front().and_then(|v| v.as_i64()) {
            self.drawn.push(json!(v));
            return v;
        }
        self.drawn.push(json!(self.now_ms));
        self.now_ms
    }
}

/// ISO-8601 with milliseconds and `Z`, as the context object shows times.
pub fn format_timestamp(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

/// Variable lookup through a frame and its ancestors.
struct FrameVars<'a> {
    frames: &'a [Frame],
    frame: u32,
}

impl Variables for FrameVars<'_> {
    fn get_var(&self, name: &str) -> Option<&Value> {
        let mut id = Some(self.frame);
        while let Some(i) = id {
            let f = &self.frames[i as usize];
            if let Some(v) = f.vars.get(name) {
                return Some(v);
            }
            id = f.parent.map(|(p, _)| p);
        }
        None
    }
}

pub struct Execution {
    pub info: Arc<ExecutionInfo>,
    machine: Arc<StateMachine>,
    input: Value,
    /// Keep the history (STANDARD); EXPRESS executions do not.
    record: bool,
    pub events: Vec<HistoryEvent>,
    event_count: u64,
    /// Events recorded (or replayed) so far, hidden ones included.
    emitted: u64,
    frames: Vec<Frame>,
    work: VecDeque<u32>,
    pub status: Status,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    /// Current time as the runtime last told it.
    now_ms: i64,
    timers: Vec<TimerRequest>,
    /// Recorded events not yet matched during a replay.
    replay_events: VecDeque<HistoryEvent>,
    replay_values: VecDeque<Value>,
    drawn: Vec<Value>,
    /// Number of states entered: the benchmark's transition count.
    pub transitions: u64,
    divergence: Option<ReplayError>,
    /// The execution input as the caller wrote it: AWS shows it verbatim as the first state's input.
    first_input_text: Option<String>,
    resolver: Option<Arc<dyn TaskResolver>>,
    /// Tasks asked for since the last `take_task_requests`.
    task_requests: Vec<crate::tasks::TaskRequest>,
}

/// Why a replay could not rebuild an execution.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error("the history does not start with ExecutionStarted")]
    NoStart,
    #[error("event {id}: expected {expected}, the interpreter produced {actual}")]
    Diverged {
        id: u64,
        expected: String,
        actual: String,
    },
    #[error("event {0} cannot be explained by any outside input")]
    Unexplained(u64),
}

impl Execution {
    /// Starts a new execution: records ExecutionStarted and runs as far as it can.
    /// `input_text` is the input exactly as the caller sent it.
    pub fn start(
        info: Arc<ExecutionInfo>,
        machine: Arc<StateMachine>,
        input_text: &str,
        input: Value,
        record: bool,
    ) -> Execution {
        Self::start_with_resolver(info, machine, input_text, input, record, None)
    }

    /// [`Execution::start`] for an execution whose Task states ask the world (activities).
    pub fn start_with_resolver(
        info: Arc<ExecutionInfo>,
        machine: Arc<StateMachine>,
        input_text: &str,
        input: Value,
        record: bool,
        resolver: Option<Arc<dyn TaskResolver>>,
    ) -> Execution {
        let now = info.start_ms;
        let mut exec = Execution::new(info, machine, input, record, now);
        exec.resolver = resolver;
        exec.begin(input_text);
        exec.run();
        exec
    }

    fn new(
        info: Arc<ExecutionInfo>,
        machine: Arc<StateMachine>,
        input: Value,
        record: bool,
        now_ms: i64,
    ) -> Execution {
        Execution {
            info,
            machine,
            input,
            record,
            events: Vec::new(),
            event_count: 0,
            emitted: 0,
            frames: Vec::new(),
            work: VecDeque::new(),
            status: Status::Running,
            output: None,
            error: None,
            cause: None,
            now_ms,
            timers: Vec::new(),
            replay_events: VecDeque::new(),
            replay_values: VecDeque::new(),
            drawn: Vec::new(),
            transitions: 0,
            divergence: None,
            first_input_text: None,
            resolver: None,
            task_requests: Vec::new(),
        }
    }

    fn begin(&mut self, input_text: &str) {
        self.first_input_text = Some(input_text.to_string());
        let role = self.info.role_arn.clone();
        let alias_arn = self.info.alias_arn.clone();
        let version_arn = self.info.version_arn.clone();
        self.emit_raw(0, "ExecutionStarted", false, |_| {
            let mut d = Map::new();
            d.insert("input".into(), Value::String(input_text.to_string()));
            d.insert("inputDetails".into(), json!({"truncated": false}));
            d.insert("roleArn".into(), Value::String(role));
            if let Some(alias) = alias_arn {
                d.insert("stateMachineAliasArn".into(), Value::String(alias));
            }
            if let Some(version) = version_arn {
                d.insert("stateMachineVersionArn".into(), Value::String(version));
            }
            d
        });
        let machine = self.machine.clone();
        let start = machine.start_at.clone();
        let input = self.input.clone();
        if let Some(seconds) = machine.timeout_seconds {
            self.timers.push(TimerRequest {
                frame: EXECUTION_TIMEOUT_FRAME,
                due_ms: self.info.start_ms + seconds as i64 * 1000,
            });
        }
        self.frames.push(Frame {
            machine,
            parent: None,
            vars: Map::new(),
            last_event: 0,
            hidden: false,
            step: Step::Enter { name: start, input },
        });
        self.work.push_back(0);
    }

    /// Rebuilds a running (or finished) execution from its recorded history.
    pub fn replay(
        mut info: Arc<ExecutionInfo>,
        machine: Arc<StateMachine>,
        history: Vec<HistoryEvent>,
    ) -> Result<Execution, ReplayError> {
        // Redrives in the history count themselves again.
        Arc::make_mut(&mut info).redrive_count = 0;
        let first = history.first().ok_or(ReplayError::NoStart)?;
        if first.event_type != "ExecutionStarted" {
            return Err(ReplayError::NoStart);
        }
        let input_text = first
            .details
            .get("input")
            .and_then(Value::as_str)
            .unwrap_or("{}")
            .to_string();
        let input = serde_json::from_str(&input_text).unwrap_or(Value::Null);
        let mut exec = Execution::new(info, machine, input, true, first.timestamp_ms);
        exec.replay_values = history
            .iter()
            .flat_map(|e| e.nondeterministic.iter().cloned())
            .collect();
        exec.replay_events = history.into();
        exec.begin(&input_text);
        exec.run();
        while exec.divergence.is_none() {
            let Some(next) = exec.replay_events.front() else {
                break;
            };
            let signal = exec
                .explain(next)
                .ok_or(ReplayError::Unexplained(next.id))?;
            exec.deliver(signal);
        }
        // The runtime asks `pending_timers` after a replay.
        exec.timers.clear();
        match exec.divergence.take() {
            Some(err) => Err(err),
            None => Ok(exec),
        }
    }
}

/// What evaluating a state produced, before the interpreter records it.
pub(crate) enum Work {
    StartActivity {
        activity_arn: String,
        effective_input: Value,
        timeout_seconds: Option<i64>,
        heartbeat_seconds: Option<i64>,
    },
    Exit {
        output: Value,
        next: Option<String>,
        assigned: Option<Map<String, Value>>,
    },
    Fail(StatesError),
    /// A language error: recorded as EvaluationFailed first when it is a JSONata one.
    EvalError(StatesError),
    Wait {
        due_ms: i64,
        effective_input: Value,
    },
    StartParallel {
        effective_input: Value,
    },
    StartMap(Box<MapProgress>),
}

/// What a state's evaluation sees.
pub(crate) struct Ctx<'a> {
    frames: &'a [Frame],
    frame: u32,
    info: &'a ExecutionInfo,
    exec_input: &'a Value,
    env: RecordingEnv<'a>,
    /// TestState only: what it supplies in place of an execution's surroundings.
    supplied: Option<&'a Supplied>,
    /// TestState only: the record of each step of the data flow, as the evaluation computes it.
    inspection: Option<&'a mut Inspection>,
    /// Answers questions about the outside world (executions only).
    resolver: Option<&'a dyn TaskResolver>,
}

impl<'a> Ctx<'a> {
    fn vars(&self) -> FrameVars<'a> {
        FrameVars {
            frames: self.frames,
            frame: self.frame,
        }
    }

    /// Records one step of the data flow when TestState inspects this evaluation; the closure
    /// (and any clone in it) only runs then.
    pub(crate) fn inspect(&mut self, record: impl FnOnce(&mut Inspection)) {
        if let Some(inspection) = self.inspection.as_deref_mut() {
            record(inspection);
        }
    }

    pub(crate) fn context(&self, run: &Running, map_item: Option<(usize, &Value)>) -> Value {
        if let Some(supplied) = self.supplied {
            let mut context = supplied.context.clone();
            if let (Some((index, value)), Value::Object(fields)) = (map_item, &mut context) {
                fields.insert(
                    "Map".into(),
                    json!({"Item": {"Index": index, "Value": value}}),
                );
            }
            return context;
        }
        if !run.state.uses_context {
            return Value::Null;
        }
        let info = self.info;
        let mut state = Map::new();
        state.insert("Name".into(), Value::String(run.state.name.clone()));
        state.insert(
            "EnteredTime".into(),
            Value::String(format_timestamp(run.entered_ms)),
        );
        if matches!(run.state.kind, StateKind::Task(_)) {
            state.insert("RetryCount".into(), json!(run.retry_count));
        }
        let mut ctx = Map::new();
        let mut execution = Map::new();
        execution.insert("Id".into(), json!(info.execution_arn));
        execution.insert("Input".into(), self.exec_input.clone());
        execution.insert("StartTime".into(), json!(format_timestamp(info.start_ms)));
        execution.insert("Name".into(), json!(info.name));
        execution.insert("RoleArn".into(), json!(info.role_arn));
        if !info.express {
            execution.insert("RedriveCount".into(), json!(info.redrive_count));
        }
        ctx.insert("Execution".into(), Value::Object(execution));
        ctx.insert(
            "StateMachine".into(),
            json!({"Id": info.state_machine_arn, "Name": info.state_machine_name}),
        );
        ctx.insert("State".into(), Value::Object(state));
        if let Some((index, value)) = map_item {
            ctx.insert(
                "Map".into(),
                json!({"Item": {"Index": index, "Value": value}}),
            );
        }
        Value::Object(ctx)
    }
}

/// One state evaluated outside any execution, as TestState runs it: a single frame that holds
/// the variables it was given, no history, no timers.
pub(crate) struct Isolated {
    frames: Vec<Frame>,
    info: ExecutionInfo,
    exec_input: Value,
    replay: VecDeque<Value>,
    drawn: Vec<Value>,
    now_ms: i64,
    run: Running,
}

impl Isolated {
    pub(crate) fn new(
        machine: Arc<StateMachine>,
        state: Arc<State>,
        input: Value,
        variables: Map<String, Value>,
        now_ms: i64,
    ) -> Isolated {
        let frame = Frame {
            machine,
            parent: None,
            vars: variables,
            last_event: 0,
            hidden: true,
            step: Step::Cancelled,
        };
        let run = Running {
            retry_counts: vec![0; state.retry.len()],
            state,
            input: input.clone(),
            entered_id: 0,
            entered_prev: 0,
            entered_ms: now_ms,
            retry_count: 0,
            phase: Phase::Start,
        };
        // TestState always supplies the context object, so these facts are never shown.
        let info = ExecutionInfo {
            execution_arn: String::new(),
            name: String::new(),
            state_machine_arn: String::new(),
            state_machine_name: String::new(),
            role_arn: String::new(),
            start_ms: now_ms,
            redrive_count: 0,
            express: true,
            version_arn: None,
            alias_arn: None,
        };
        Isolated {
            frames: vec![frame],
            info,
            exec_input: input,
            replay: VecDeque::new(),
            drawn: Vec::new(),
            now_ms,
            run,
        }
    }

    /// The evaluation context, and the running state it evaluates.
    pub(crate) fn split<'a>(
        &'a mut self,
        supplied: &'a Supplied,
        inspection: &'a mut Inspection,
    ) -> (Ctx<'a>, &'a mut Running) {
        let ctx = Ctx {
            frames: &self.frames,
            frame: 0,
            info: &self.info,
            exec_input: &self.exec_input,
            env: RecordingEnv {
                replay: &mut self.replay,
                drawn: &mut self.drawn,
                now_ms: self.now_ms,
            },
            supplied: Some(supplied),
            inspection: Some(inspection),
            resolver: None,
        };
        (ctx, &mut self.run)
    }
}

fn path_option(field: &PathField) -> Option<Option<&asl::jsonpath::JsonPath>> {
    match field {
        PathField::Default => None,
        PathField::Null => Some(None),
        PathField::Path(p) => Some(Some(p)),
    }
}

/// InputPath: absent is `$`, null is `{}`. Borrows the input when it can.
fn apply_input_path<'a>(
    field: &PathField,
    input: &'a Value,
    context: &'a Value,
    vars: &'a dyn Variables,
) -> Result<Cow<'a, Value>, StatesError> {
    match path_option(field) {
        None => Ok(Cow::Borrowed(input)),
        Some(path) => {
            let scope = Scope::new(input, context, vars);
            asl::template::apply_input_path(path, &scope)
        }
    }
}

/// OutputPath: absent is `$`, null is `{}`.
fn apply_output_path(
    field: &PathField,
    output: Value,
    context: &Value,
    vars: &dyn Variables,
) -> Result<Value, StatesError> {
    match path_option(field) {
        None => Ok(output),
        Some(path) => asl::template::apply_output_path(path, output, context, vars),
    }
}

fn apply_result_path(
    field: &PathField,
    input: &Value,
    result: Value,
) -> Result<Value, StatesError> {
    match path_option(field) {
        None => Ok(result),
        Some(path) => asl::template::apply_result_path(input.clone(), path, result),
    }
}

fn evaluate_assign(
    assign: &Assign,
    json_path_input: &Value,
    states: &StatesVar,
    ctx: &mut Ctx,
    context: &Value,
) -> Result<Map<String, Value>, StatesError> {
    let vars = FrameVars {
        frames: ctx.frames,
        frame: ctx.frame,
    };
    let value = match assign {
        Assign::JsonPath(t) => {
            let scope = Scope::new(json_path_input, context, &vars);
            t.eval(&scope, &mut ctx.env)?
        }
        Assign::Jsonata(t) => t.eval(states, &vars, &mut ctx.env, "Assign")?,
    };
    match value {
        Value::Object(m) => Ok(m),
        _ => Ok(Map::new()),
    }
}

/// Evaluates a number/string field of Wait, Fail, Map (literal, path or JSONata).
fn evaluate_field(
    field: &NumberField,
    input: &Value,
    context: &Value,
    ctx: &mut Ctx,
    name: &str,
) -> Result<Value, StatesError> {
    let vars = FrameVars {
        frames: ctx.frames,
        frame: ctx.frame,
    };
    match field {
        NumberField::Literal(v) => Ok(v.clone()),
        NumberField::Path(path) => {
            let scope = Scope::new(input, context, &vars);
            path.eval(&scope)
        }
        NumberField::Intrinsic(call) => {
            let scope = Scope::new(input, context, &vars);
            call.eval(&scope, &mut ctx.env)
        }
        NumberField::Jsonata(t) => {
            let states = StatesVar {
                input,
                context,
                result: None,
                error_output: None,
            };
            t.eval(&states, &vars, &mut ctx.env, name)
        }
    }
}

fn type_name_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Runs the work of one state (after it was entered) up to its exit, failure or first wait.
fn evaluate_state(ctx: &mut Ctx, run: &Running) -> Work {
    let state = run.state.clone();
    match evaluate_state_inner(ctx, run, &state) {
        Ok(w) => w,
        Err(e) => Work::EvalError(e),
    }
}

pub(crate) fn evaluate_state_inner(
    ctx: &mut Ctx,
    run: &Running,
    state: &State,
) -> Result<Work, StatesError> {
    let context = ctx.context(run, None);
    let jsonata = state.query_language == QueryLanguage::Jsonata;
    match &state.kind {
        StateKind::Pass { result } => {
            if jsonata {
                return jsonata_exit(ctx, run, state, &context, None, None);
            }
            let vars = ctx.vars();
            let result = {
                let mut effective =
                    apply_input_path(&state.input_path, &run.input, &context, &vars)?;
                ctx.inspect(|i| i.after_input_path = Some(effective.as_ref().clone()));
                if let Some(params) = &state.parameters {
                    let scope = Scope::new(&effective, &context, &vars);
                    effective = Cow::Owned(params.eval(&scope, &mut ctx.env)?);
                }
                ctx.inspect(|i| i.after_parameters = Some(effective.as_ref().clone()));
                match result {
                    Some(r) => {
                        ctx.inspect(|i| i.result = Some(r.clone()));
                        r.clone()
                    }
                    None => effective.into_owned(),
                }
            };
            jsonpath_exit(ctx, run, state, &context, result, None)
        }
        StateKind::Succeed => {
            if jsonata {
                return jsonata_exit(ctx, run, state, &context, None, None);
            }
            let vars = ctx.vars();
            let effective = apply_input_path(&state.input_path, &run.input, &context, &vars)?;
            ctx.inspect(|i| i.after_input_path = Some(effective.as_ref().clone()));
            let output =
                apply_output_path(&state.output_path, effective.into_owned(), &context, &vars)?;
            Ok(Work::Exit {
                output,
                next: None,
                assigned: None,
            })
        }
        StateKind::Fail(spec) => {
            if !jsonata {
                // A Fail state has no InputPath: its effective input is its input.
                ctx.inspect(|i| i.after_input_path = Some(run.input.clone()));
            }
            let error = match &spec.error {
                Some(f) => value_to_text(evaluate_field(f, &run.input, &context, ctx, "Error")?),
                None => String::new(),
            };
            let cause = match &spec.cause {
                Some(f) => value_to_text(evaluate_field(f, &run.input, &context, ctx, "Cause")?),
                None => String::new(),
            };
            Ok(Work::Fail(StatesError::new(error, cause)))
        }
        StateKind::Choice { choices, default } => {
            let vars = ctx.vars();
            let effective = if jsonata {
                run.input.clone()
            } else {
                apply_input_path(&state.input_path, &run.input, &context, &vars)?.into_owned()
            };
            if !jsonata {
                ctx.inspect(|i| i.after_input_path = Some(effective.clone()));
            }
            for branch in choices {
                let matched = match &branch.condition {
                    ChoiceCondition::Rule(rule) => {
                        let vars = ctx.vars();
                        let scope = Scope::new(&effective, &context, &vars);
                        rule.eval(&scope)?
                    }
                    ChoiceCondition::Jsonata(t) => {
                        let vars = ctx.vars();
                        let states = StatesVar {
                            input: &effective,
                            context: &context,
                            result: None,
                            error_output: None,
                        };
                        match t.eval(&states, &vars, &mut ctx.env, "Condition")? {
                            Value::Bool(b) => b,
                            other => {
                                return Err(StatesError::query_evaluation(format!(
                                    "The JSONata expression specified for the field 'Condition' returned an unexpected result type. Expected 'boolean', but was '{}' for value: {}",
                                    type_name_of(&other),
                                    other
                                )))
                            }
                        }
                    }
                };
                if matched {
                    return choice_exit(
                        ctx,
                        run,
                        state,
                        &context,
                        effective,
                        branch.next.clone(),
                        branch.assign.as_ref(),
                        branch.output.as_ref(),
                    );
                }
            }
            match default {
                Some(next) => choice_exit(
                    ctx,
                    run,
                    state,
                    &context,
                    effective,
                    next.clone(),
                    state.assign.as_ref(),
                    state.output.as_ref(),
                ),
                None => Ok(Work::Fail(StatesError::new(
                    asl::error::NO_CHOICE_MATCHED,
                    "No Matches!",
                ))),
            }
        }
        StateKind::Wait(spec) => {
            let vars = ctx.vars();
            let effective = if jsonata {
                run.input.clone()
            } else {
                apply_input_path(&state.input_path, &run.input, &context, &vars)?.into_owned()
            };
            if !jsonata {
                ctx.inspect(|i| i.after_input_path = Some(effective.clone()));
            }
            let due_ms = wait_due(ctx, run, spec, &effective, &context)?;
            Ok(Work::Wait {
                due_ms,
                effective_input: effective,
            })
        }
        StateKind::Parallel { .. } => {
            let effective = effective_task_input(ctx, run, state, &context)?;
            Ok(Work::StartParallel {
                effective_input: effective,
            })
        }
        StateKind::Map(spec) => {
            let vars = ctx.vars();
            let effective = if jsonata {
                run.input.clone()
            } else {
                apply_input_path(&state.input_path, &run.input, &context, &vars)?.into_owned()
            };
            if !jsonata {
                ctx.inspect(|i| i.after_input_path = Some(effective.clone()));
            }
            // TestState supplies what an ItemReader would have read.
            let read_items = spec
                .item_reader
                .as_ref()
                .and(ctx.supplied)
                .and_then(|supplied| supplied.map_item_reader_data.as_ref());
            let items_value = if let Some(read) = read_items {
                read.clone()
            } else if jsonata {
                match &spec.items {
                    Some(t) => {
                        let vars = ctx.vars();
                        let states = StatesVar {
                            input: &effective,
                            context: &context,
                            result: None,
                            error_output: None,
                        };
                        t.eval_as(
                            &states,
                            &vars,
                            &mut ctx.env,
                            "Items",
                            asl::jsonata::ResultType::Array,
                        )?
                    }
                    None => effective.clone(),
                }
            } else {
                let vars = ctx.vars();
                match &spec.items_path {
                    PathField::Path(p) => {
                        let scope = Scope::new(&effective, &context, &vars);
                        asl::template::select_items(p, &scope)?.into_owned()
                    }
                    _ => effective.clone(),
                }
            };
            let items = match items_value {
                Value::Array(a) => a,
                other => {
                    if let (false, None, PathField::Path(path)) =
                        (jsonata, read_items, &spec.items_path)
                    {
                        // The path as AWS shows it, relative to its document (`$$` is `$`).
                        let text = path.text();
                        let shown = text.strip_prefix('$').filter(|rest| rest.starts_with('$'));
                        return Err(StatesError::runtime(format!(
                            "Reference path \"{}\" must point to array.",
                            shown.unwrap_or(text)
                        )));
                    }
                    let text = serde_json::to_string(&other).unwrap_or_default();
                    let err = format!("Map state input must be an array but was: {text}");
                    return Err(if jsonata {
                        StatesError::query_evaluation(err)
                    } else {
                        StatesError::runtime(err)
                    });
                }
            };
            if !jsonata {
                ctx.inspect(|i| i.after_items_path = Some(Value::Array(items.clone())));
            }
            let max_concurrency = match &spec.max_concurrency {
                Some(f) => {
                    let v = evaluate_field(f, &effective, &context, ctx, "MaxConcurrency")?;
                    v.as_u64().unwrap_or(0) as usize
                }
                None => 0,
            };
            let tolerated_count = match &spec.tolerated_failure_count {
                Some(f) => {
                    evaluate_field(f, &effective, &context, ctx, "ToleratedFailureCount")?.as_u64()
                }
                None => None,
            };
            let tolerated_percentage = match &spec.tolerated_failure_percentage {
                Some(f) => {
                    evaluate_field(f, &effective, &context, ctx, "ToleratedFailurePercentage")?
                        .as_f64()
                }
                None => None,
            };
            ctx.inspect(|i| {
                i.max_concurrency = Some(max_concurrency as u64);
                i.tolerated_failure_count = tolerated_count;
                i.tolerated_failure_percentage = tolerated_percentage;
            });
            let n = items.len();
            Ok(Work::StartMap(Box::new(MapProgress {
                effective_input: effective,
                items,
                children: vec![None; n],
                results: vec![Value::Null; n],
                next: 0,
                running: 0,
                finished: 0,
                failed: 0,
                max_concurrency: if max_concurrency == 0 {
                    usize::MAX
                } else {
                    max_concurrency
                },
                tolerated_count,
                tolerated_percentage,
                first_failure: None,
                map_run: None,
                item_context: if state.uses_context {
                    let mut c = context;
                    if let Value::Object(m) = &mut c {
                        m.insert("Map".into(), Value::Null);
                    }
                    c
                } else {
                    Value::Null
                },
            })))
        }
        StateKind::Task(spec) => {
            let effective = effective_task_input(ctx, run, state, &context)?;
            if !is_activity_arn(&spec.resource) {
                return Ok(Work::Fail(StatesError::runtime(format!(
                    "The resource '{}' of state '{}' is not supported by this server yet",
                    spec.resource, state.name
                ))));
            }
            let resolver = ctx.resolver;
            let exists = ctx
                .env
                .observe_bool(|| resolver.is_some_and(|r| r.activity_exists(&spec.resource)));
            if !exists {
                return Err(StatesError::runtime(format!(
                    "The activity {} does not exist.",
                    spec.resource
                )));
            }
            let timeout_seconds = match &spec.timeout_seconds {
                Some(f) => Some(task_seconds(
                    ctx,
                    f,
                    &run.input,
                    &context,
                    "TimeoutSeconds",
                )?),
                None => None,
            };
            let heartbeat_seconds = match &spec.heartbeat_seconds {
                Some(f) => Some(task_seconds(
                    ctx,
                    f,
                    &run.input,
                    &context,
                    "HeartbeatSeconds",
                )?),
                None => None,
            };
            Ok(Work::StartActivity {
                activity_arn: spec.resource.clone(),
                effective_input: effective,
                timeout_seconds,
                heartbeat_seconds,
            })
        }
    }
}

/// `arn:PARTITION:states:REGION:ACCOUNT:activity:NAME`.
fn is_activity_arn(resource: &str) -> bool {
    let parts: Vec<&str> = resource.split(':').collect();
    parts.len() == 7 && parts[0] == "arn" && parts[2] == "states" && parts[5] == "activity"
}

/// TimeoutSeconds / HeartbeatSeconds (literal, path or JSONata): a positive whole number.
fn task_seconds(
    ctx: &mut Ctx,
    field: &NumberField,
    input: &Value,
    context: &Value,
    name: &str,
) -> Result<i64, StatesError> {
    let v = evaluate_field(field, input, context, ctx, name)?;
    match v.as_i64() {
        Some(n) if n > 0 => Ok(n),
        _ => Err(StatesError::runtime(match field {
            NumberField::Path(p) => format!(
                "The {name}Path parameter does not reference a positive integer: {} == {}",
                p.text(),
                compact(&v)
            ),
            _ => format!(
                "The {name} value is not a positive integer: {}",
                compact(&v)
            ),
        })),
    }
}

/// InputPath then Parameters (JSONPath) or the raw input (JSONata: Arguments apply per branch).
pub(crate) fn effective_task_input(
    ctx: &mut Ctx,
    run: &Running,
    state: &State,
    context: &Value,
) -> Result<Value, StatesError> {
    if state.is_jsonata() {
        if let Some(args) = &state.arguments {
            let vars = ctx.vars();
            let states = StatesVar {
                input: &run.input,
                context,
                result: None,
                error_output: None,
            };
            let arguments = args.eval(&states, &vars, &mut ctx.env, "Arguments")?;
            ctx.inspect(|i| i.after_arguments = Some(arguments.clone()));
            return Ok(arguments);
        }
        return Ok(run.input.clone());
    }
    let vars = ctx.vars();
    let effective = apply_input_path(&state.input_path, &run.input, context, &vars)?;
    ctx.inspect(|i| i.after_input_path = Some(effective.as_ref().clone()));
    let effective = match &state.parameters {
        Some(params) => {
            let scope = Scope::new(&effective, context, &vars);
            params.eval(&scope, &mut ctx.env)?
        }
        None => effective.into_owned(),
    };
    ctx.inspect(|i| i.after_parameters = Some(effective.clone()));
    Ok(effective)
}

fn value_to_text(v: Value) -> String {
    match v {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Computes when a Wait state ends.
fn wait_due(
    ctx: &mut Ctx,
    run: &Running,
    spec: &WaitSpec,
    effective: &Value,
    context: &Value,
) -> Result<i64, StatesError> {
    match spec {
        WaitSpec::Seconds(field) => {
            let v = evaluate_field(field, effective, context, ctx, "Seconds")?;
            let seconds = match (&v, field) {
                (Value::Number(n), _) if n.as_i64().is_some() => n.as_i64().unwrap_or(0),
                (_, NumberField::Path(p)) => {
                    let shown = serde_json::to_string(&v).unwrap_or_default();
                    if v.as_f64().is_some_and(|f| f < 0.0) && v.as_i64().is_some() {
                        return Err(StatesError::runtime(format!(
                            "The SecondsPath parameter references a negative value: {} == {shown}",
                            p.text()
                        )));
                    }
                    return Err(StatesError::runtime(format!(
                        "The SecondsPath parameter cannot be parsed as a long value: {} == {shown}",
                        p.text()
                    )));
                }
                _ => {
                    return Err(StatesError::query_evaluation(format!(
                        "The JSONata expression specified for the field 'Seconds' returned an unexpected result type. Expected 'integer', but was '{}' for value: {}",
                        type_name_of(&v),
                        v
                    )))
                }
            };
            if seconds < 0 {
                if let NumberField::Path(p) = field {
                    return Err(StatesError::runtime(format!(
                        "The SecondsPath parameter references a negative value: {} == {seconds}",
                        p.text()
                    )));
                }
            }
            const MAX_WAIT_SECONDS: i64 = 31_622_400; // one year and a day
            if seconds > MAX_WAIT_SECONDS {
                return Err(StatesError::runtime("Wait state delay is too long."));
            }
            Ok(run.entered_ms + seconds.max(0) * 1000)
        }
        WaitSpec::Timestamp(field) => {
            let v = evaluate_field(field, effective, context, ctx, "Timestamp")?;
            let text = v.as_str().unwrap_or_default();
            match chrono::DateTime::parse_from_rfc3339(text) {
                Ok(t) if text.contains('T') => {
                    let due = t.timestamp_millis();
                    if due - run.entered_ms > 31_622_400_000 {
                        return Err(StatesError::runtime("Wait state delay is too long."));
                    }
                    Ok(due)
                }
                _ => match field {
                    NumberField::Path(p) => Err(StatesError::runtime(format!(
                        "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {} == {}",
                        p.text(),
                        text
                    ))),
                    _ => Err(StatesError::runtime(format!(
                        "The Timestamp parameter does not reference a valid ISO-8601 extended offset date-time format string: {text}"
                    ))),
                },
            }
        }
    }
}

/// The JSONPath end of a state: ResultSelector was applied already; Assign (on the result),
/// ResultPath, OutputPath.
fn jsonpath_exit(
    ctx: &mut Ctx,
    run: &Running,
    state: &State,
    context: &Value,
    result: Value,
    next_override: Option<String>,
) -> Result<Work, StatesError> {
    ctx.inspect(|i| i.after_result_selector = Some(result.clone()));
    let assigned = match &state.assign {
        Some(a) => {
            let states = StatesVar {
                input: &run.input,
                context,
                result: Some(&result),
                error_output: None,
            };
            Some(evaluate_assign(a, &result, &states, ctx, context)?)
        }
        None => None,
    };
    let combined = apply_result_path(&state.result_path, &run.input, result)?;
    ctx.inspect(|i| i.after_result_path = Some(combined.clone()));
    let vars = ctx.vars();
    let output = apply_output_path(&state.output_path, combined, context, &vars)?;
    Ok(Work::Exit {
        output,
        next: next_override.or_else(|| next_of(state)),
        assigned,
    })
}

/// The JSONata end of a state: Output and Assign both see `$states.result` and the variables
/// as they were before this state assigns any.
fn jsonata_exit(
    ctx: &mut Ctx,
    run: &Running,
    state: &State,
    context: &Value,
    result: Option<&Value>,
    error_output: Option<&Value>,
) -> Result<Work, StatesError> {
    let states = StatesVar {
        input: &run.input,
        context,
        result,
        error_output,
    };
    let assigned = match &state.assign {
        Some(a) => Some(evaluate_assign(a, &run.input, &states, ctx, context)?),
        None => None,
    };
    let output = match &state.output {
        Some(t) => {
            let vars = ctx.vars();
            t.eval(&states, &vars, &mut ctx.env, "Output")?
        }
        None => result.cloned().unwrap_or_else(|| run.input.clone()),
    };
    Ok(Work::Exit {
        output,
        next: next_of(state),
        assigned,
    })
}

/// The end of a state that produced a result (a Task's, or the results a Parallel or Map
/// state collected): ResultSelector, ResultPath and OutputPath (JSONPath) or Output (JSONata),
/// and Assign.
pub(crate) fn result_exit(
    ctx: &mut Ctx,
    run: &Running,
    state: &State,
    context: &Value,
    result: Value,
) -> Result<Work, StatesError> {
    if state.is_jsonata() {
        return jsonata_exit(ctx, run, state, context, Some(&result), None);
    }
    let selected = match &state.result_selector {
        Some(t) => {
            let vars = ctx.vars();
            let scope = Scope::new(&result, context, &vars);
            t.eval(&scope, &mut ctx.env)?
        }
        None => result,
    };
    jsonpath_exit(ctx, run, state, context, selected, None)
}

/// The end of a Wait state once its time has come: Assign and OutputPath (JSONPath) or Output
/// (JSONata).
pub(crate) fn wait_exit(
    ctx: &mut Ctx,
    run: &Running,
    state: &State,
    context: &Value,
    effective_input: Value,
) -> Result<Work, StatesError> {
    if state.is_jsonata() {
        return jsonata_exit(ctx, run, state, context, None, None);
    }
    let states = StatesVar {
        input: &run.input,
        context,
        result: None,
        error_output: None,
    };
    let assigned = match &state.assign {
        Some(a) => Some(evaluate_assign(a, &effective_input, &states, ctx, context)?),
        None => None,
    };
    let vars = ctx.vars();
    let output = apply_output_path(&state.output_path, effective_input, context, &vars)?;
    Ok(Work::Exit {
        output,
        next: next_of(state),
        assigned,
    })
}

#[allow(clippy::too_many_arguments)]
fn choice_exit(
    ctx: &mut Ctx,
    run: &Running,
    state: &State,
    context: &Value,
    effective: Value,
    next: String,
    assign: Option<&Assign>,
    output: Option<&asl::jsonata::JsonataTemplate>,
) -> Result<Work, StatesError> {
    let states = StatesVar {
        input: &run.input,
        context,
        result: None,
        error_output: None,
    };
    let assigned = match assign {
        Some(a) => Some(evaluate_assign(a, &effective, &states, ctx, context)?),
        None => None,
    };
    let output = if state.is_jsonata() {
        match output {
            Some(t) => {
                let vars = ctx.vars();
                t.eval(&states, &vars, &mut ctx.env, "Output")?
            }
            None => run.input.clone(),
        }
    } else {
        let vars = ctx.vars();
        apply_output_path(&state.output_path, effective, context, &vars)?
    };
    Ok(Work::Exit {
        output,
        next: Some(next),
        assigned,
    })
}

fn next_of(state: &State) -> Option<String> {
    match &state.transition {
        Transition::Next(n) => Some(n.clone()),
        Transition::End => None,
    }
}

/// Whether `value`, written as compact JSON, is larger than AWS's 256 KiB payload limit. Stops
/// counting as soon as it is.
pub fn exceeds_payload_limit(value: &Value) -> bool {
    fn size(v: &Value, budget: &mut i64) {
        if *budget < 0 {
            return;
        }
        match v {
            Value::Null => *budget -= 4,
            Value::Bool(_) => *budget -= 5,
            // An upper bound for floats; integers by their digits.
            Value::Number(n) => {
                *budget -= match n.as_i64() {
                    Some(i) => i.unsigned_abs().checked_ilog10().unwrap_or(0) as i64 + 2,
                    None => 24,
                }
            }
            // Quotes plus the text; escapes only make it larger, which the exact check sees.
            Value::String(s) => *budget -= s.len() as i64 + 2,
            Value::Array(a) => {
                *budget -= 2 + a.len() as i64;
                for x in a {
                    size(x, budget);
                }
            }
            Value::Object(m) => {
                *budget -= 2 + m.len() as i64;
                for (k, x) in m {
                    *budget -= k.len() as i64 + 3;
                    size(x, budget);
                }
            }
        }
    }
    let mut budget = PAYLOAD_LIMIT_BYTES as i64;
    size(value, &mut budget);
    // Escapes make text longer than estimated, floats shorter: near the limit, measure exactly.
    budget < 4096 && serde_json::to_string(value).map_or(true, |t| t.len() > PAYLOAD_LIMIT_BYTES)
}

fn compact(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

impl Execution {
    /// Tells the execution what time it is (the runtime's clock) before it runs.
    pub fn set_now(&mut self, now_ms: i64) {
        self.now_ms = now_ms;
    }

    /// Timers asked for since the last call.
    pub fn take_timers(&mut self) -> Vec<TimerRequest> {
        std::mem::take(&mut self.timers)
    }

    /// Every timer the execution is waiting on now (after a replay).
    pub fn pending_timers(&self) -> Vec<TimerRequest> {
        let timeout = self
            .machine
            .timeout_seconds
            .filter(|_| self.is_running())
            .map(|seconds| TimerRequest {
                frame: EXECUTION_TIMEOUT_FRAME,
                due_ms: self.info.start_ms + seconds as i64 * 1000,
            });
        self.frames
            .iter()
            .enumerate()
            .filter_map(|(i, f)| match &f.step {
                Step::Run(r) => match &r.phase {
                    Phase::Task(w) => {
                        w.timeout_due
                            .into_iter()
                            .chain(w.heartbeat_due)
                            .min()
                            .map(|due_ms| TimerRequest {
                                frame: i as u32,
                                due_ms,
                            })
                    }
                    Phase::Waiting { due_ms, .. } | Phase::Backoff { due_ms } => {
                        Some(TimerRequest {
                            frame: i as u32,
                            due_ms: *due_ms,
                        })
                    }
                    _ => None,
                },
                _ => None,
            })
            .chain(timeout)
            .collect()
    }

    /// How many events the history holds so far (hidden ones included): the position of the
    /// last one.
    pub fn history_length(&self) -> u64 {
        self.emitted
    }

    pub fn is_running(&self) -> bool {
        self.status == Status::Running
    }

    /// Records one event. During a replay the event must match the next recorded one, whose
    /// id and timestamp are kept.
    fn emit_raw(
        &mut self,
        frame: u32,
        event_type: &'static str,
        hidden: bool,
        details: impl FnOnce(&Self) -> Map<String, Value>,
    ) -> u64 {
        let prev = self.frames.get(frame as usize).map_or(0, |f| f.last_event);
        self.emit_with_prev(frame, event_type, hidden, prev, details)
    }

    fn emit_with_prev(
        &mut self,
        frame: u32,
        event_type: &'static str,
        hidden: bool,
        prev: u64,
        details: impl FnOnce(&Self) -> Map<String, Value>,
    ) -> u64 {
        let id = if hidden {
            0
        } else {
            self.event_count += 1;
            self.event_count
        };
        if let Some(f) = self.frames.get_mut(frame as usize) {
            if !hidden {
                f.last_event = id;
            }
        }
        if let Some(recorded) = self.replay_events.pop_front() {
            if recorded.event_type != event_type || recorded.frame != frame {
                self.divergence.get_or_insert(ReplayError::Diverged {
                    id: recorded.id,
                    expected: format!("{} in frame {}", recorded.event_type, recorded.frame),
                    actual: format!("{event_type} in frame {frame}"),
                });
            }
            self.now_ms = recorded.timestamp_ms;
            self.drawn.clear();
            self.events.push(recorded);
            self.emitted += 1;
            return id;
        }
        if self.record {
            let details = details(self);
            let event = HistoryEvent {
                id,
                previous_event_id: prev,
                timestamp_ms: self.now_ms,
                event_type,
                details,
                frame,
                hidden,
                nondeterministic: std::mem::take(&mut self.drawn),
            };
            self.events.push(event);
            self.emitted += 1;
        } else {
            self.drawn.clear();
        }
        id
    }

    fn emit(
        &mut self,
        frame: u32,
        event_type: &'static str,
        details: impl FnOnce(&Self) -> Map<String, Value>,
    ) -> u64 {
        let hidden = self.frames.get(frame as usize).is_some_and(|f| f.hidden);
        self.emit_raw(frame, event_type, hidden, details)
    }

    /// Runs every frame that can make progress, until all wait or the execution ends.
    pub fn run(&mut self) {
        while let Some(f) = self.work.pop_front() {
            if self.status != Status::Running {
                self.work.clear();
                break;
            }
            if self.divergence.is_some() {
                break;
            }
            self.step(f);
        }
    }

    fn step(&mut self, f: u32) {
        let frame = &mut self.frames[f as usize];
        match std::mem::replace(&mut frame.step, Step::Cancelled) {
            Step::Enter { name, input } => self.enter(f, &name, input),
            Step::Run(run) => {
                if matches!(run.phase, Phase::Start) {
                    self.execute(f, run);
                } else {
                    self.frames[f as usize].step = Step::Run(run);
                }
            }
            other => self.frames[f as usize].step = other,
        }
    }

    fn enter(&mut self, f: u32, name: &str, input: Value) {
        let Some(state) = self.frames[f as usize].machine.state(name).cloned() else {
            self.fail_frame(
                f,
                StatesError::runtime(format!("The state '{name}' does not exist")),
            );
            return;
        };
        if self.record && self.event_count + 2 >= HISTORY_EVENT_LIMIT {
            self.fail_frame(
                0,
                StatesError::runtime(format!(
                    "The execution reached the maximum number of history events ({HISTORY_EVENT_LIMIT})."
                )),
            );
            return;
        }
        self.transitions += 1;
        let event_type = entered_type(&state);
        let entered_prev = self.frames[f as usize].last_event;
        let shown_input = match self.first_input_text.take() {
            Some(text) if f == 0 => text,
            _ => compact(&input),
        };
        let entered_id = self.emit(f, event_type, |_| {
            let mut d = Map::new();
            d.insert("input".into(), Value::String(shown_input));
            d.insert("inputDetails".into(), json!({"truncated": false}));
            d.insert("name".into(), Value::String(state.name.clone()));
            d
        });
        let run = Box::new(Running {
            retry_counts: vec![0; state.retry.len()],
            state,
            input,
            entered_id,
            entered_prev,
            entered_ms: self.now_ms,
            retry_count: 0,
            phase: Phase::Start,
        });
        self.frames[f as usize].step = Step::Run(run);
        self.work.push_back(f);
    }

    fn ctx(&mut self, f: u32) -> Ctx<'_> {
        Ctx {
            frames: &self.frames,
            frame: f,
            info: &self.info,
            exec_input: &self.input,
            env: RecordingEnv {
                replay: &mut self.replay_values,
                drawn: &mut self.drawn,
                now_ms: self.now_ms,
            },
            supplied: None,
            inspection: None,
            resolver: self.resolver.as_deref(),
        }
    }

    fn execute(&mut self, f: u32, mut run: Box<Running>) {
        let work = {
            let mut ctx = self.ctx(f);
            evaluate_state(&mut ctx, &run)
        };
        match work {
            Work::Exit {
                output,
                next,
                assigned,
            } => self.exit_state(f, run, output, next, assigned),
            Work::Fail(err) => self.state_failed(f, run, err),
            Work::EvalError(err) => {
                let err = self.prefixed(&run, err);
                if err.error == asl::error::QUERY_EVALUATION_ERROR {
                    let name = run.state.name.clone();
                    let hidden = self.frames[f as usize].hidden;
                    self.emit_with_prev(f, "EvaluationFailed", hidden, run.entered_prev, |_| {
                        let mut d = Map::new();
                        d.insert("cause".into(), Value::String(err.cause.clone()));
                        d.insert("error".into(), Value::String(err.error.clone()));
                        if let Some(location) = evaluation_location(&err.cause) {
                            d.insert("location".into(), Value::String(location.to_string()));
                        }
                        d.insert("state".into(), Value::String(name));
                        d
                    });
                }
                self.state_failed(f, run, err)
            }
            Work::Wait {
                due_ms,
                effective_input,
            } => {
                run.phase = Phase::Waiting {
                    due_ms,
                    effective_input,
                };
                self.timers.push(TimerRequest { frame: f, due_ms });
                self.frames[f as usize].step = Step::Run(run);
            }
            Work::StartParallel { effective_input } => self.start_parallel(f, run, effective_input),
            Work::StartActivity {
                activity_arn,
                effective_input,
                timeout_seconds,
                heartbeat_seconds,
            } => self.schedule_activity(
                f,
                run,
                activity_arn,
                effective_input,
                timeout_seconds,
                heartbeat_seconds,
            ),
            Work::StartMap(progress) => self.start_map(f, run, progress),
        }
    }

    /// Adds AWS's "An error occurred while executing the state …" prefix to a language error.
    fn prefixed(&self, run: &Running, err: StatesError) -> StatesError {
        if err.error == asl::template::REFERENCE_PATH_CONFLICT {
            return err;
        }
        StatesError::new(
            err.error,
            format!(
                "An error occurred while executing the state '{}' (entered at the event id #{}). {}",
                run.state.name, run.entered_id, err.cause
            ),
        )
    }

    fn exit_state(
        &mut self,
        f: u32,
        run: Box<Running>,
        output: Value,
        next: Option<String>,
        assigned: Option<Map<String, Value>>,
    ) {
        let state = &run.state;
        if matches!(state.kind, StateKind::Fail(_)) {
            return;
        }
        if exceeds_payload_limit(&output) {
            let err = StatesError::new(
                asl::error::DATA_LIMIT_EXCEEDED,
                format!(
                    "The state/task '{}' returned a result with a size exceeding the maximum number of bytes service limit.",
                    state.name
                ),
            );
            self.fail_frame(f, err);
            return;
        }
        let event_type = exited_type(state);
        let name = state.name.clone();
        self.emit(f, event_type, |_| {
            let mut d = Map::new();
            if let Some(vars) = assigned.as_ref().filter(|v| !v.is_empty()) {
                let shown: Map<String, Value> = vars
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::String(compact(v))))
                    .collect();
                d.insert("assignedVariables".into(), Value::Object(shown));
                d.insert(
                    "assignedVariablesDetails".into(),
                    json!({"truncated": false}),
                );
            }
            d.insert("name".into(), Value::String(name));
            d.insert("output".into(), Value::String(compact(&output)));
            d.insert("outputDetails".into(), json!({"truncated": false}));
            d
        });
        if let Some(vars) = assigned {
            let frame = &mut self.frames[f as usize];
            for (k, v) in vars {
                frame.vars.insert(k, v);
            }
        }
        let frame = &mut self.frames[f as usize];
        match next {
            Some(name) => {
                frame.step = Step::Enter {
                    name,
                    input: output,
                };
                self.work.push_back(f);
            }
            None => self.finish_frame(f, output),
        }
    }

    /// A state failed: retry it, catch the error, or fail the frame.
    fn state_failed(&mut self, f: u32, mut run: Box<Running>, err: StatesError) {
        let state = run.state.clone();
        if let Some((i, retrier)) = matching_retrier(&state, &err.error) {
            let attempts = run.retry_counts[i];
            if attempts < retrier.max_attempts {
                run.retry_counts[i] += 1;
                let mut delay = backoff_seconds(retrier, attempts);
                if retrier.jitter_full {
                    let mut ctx = self.ctx(f);
                    delay *= ctx.env.random();
                }
                let due_ms = self.now_ms + (delay * 1000.0) as i64;
                run.phase = Phase::Backoff { due_ms };
                self.timers.push(TimerRequest { frame: f, due_ms });
                self.frames[f as usize].step = Step::Run(run);
                return;
            }
        }
        let failed_type = match state.kind {
            StateKind::Map(_) => Some("MapStateFailed"),
            StateKind::Parallel { .. } => Some("ParallelStateFailed"),
            _ => None,
        };
        if let Some(t) = failed_type {
            self.emit(f, t, |_| Map::new());
        }
        if let Some((_, catcher)) = matching_catcher(&state, &err.error) {
            let catcher = catcher.clone();
            let error_output = json!({"Error": err.error, "Cause": err.cause});
            let work = {
                let mut ctx = self.ctx(f);
                let context = ctx.context(&run, None);
                catch_output(&mut ctx, &run, &state, &catcher, &context, error_output)
            };
            match work {
                Ok((output, assigned)) => {
                    self.exit_state(f, run, output, Some(catcher.next.clone()), assigned)
                }
                Err(e) => {
                    let e = self.prefixed(&run, e);
                    self.fail_frame(f, e)
                }
            }
            return;
        }
        self.fail_frame(f, err);
    }

    fn finish_frame(&mut self, f: u32, output: Value) {
        let frame = &mut self.frames[f as usize];
        match frame.parent {
            None => {
                frame.step = Step::Done(output.clone());
                self.emit(f, "ExecutionSucceeded", |_| {
                    let mut d = Map::new();
                    d.insert("output".into(), Value::String(compact(&output)));
                    d.insert("outputDetails".into(), json!({"truncated": false}));
                    d
                });
                self.status = Status::Succeeded;
                self.output = Some(output);
            }
            Some((parent, index)) => {
                frame.step = Step::Done(Value::Null);
                self.child_done(parent, f, index, Ok(output));
            }
        }
    }

    fn fail_frame(&mut self, f: u32, err: StatesError) {
        let frame = &mut self.frames[f as usize];
        match frame.parent {
            None => {
                frame.step = Step::Failed;
                self.emit(f, "ExecutionFailed", |_| {
                    let mut d = Map::new();
                    if !err.cause.is_empty() {
                        d.insert("cause".into(), Value::String(err.cause.clone()));
                    }
                    if !err.error.is_empty() {
                        d.insert("error".into(), Value::String(err.error.clone()));
                    }
                    d
                });
                self.finish_failed(Status::Failed, err);
            }
            Some((parent, index)) => {
                frame.step = Step::Failed;
                self.child_done(parent, f, index, Err(err));
            }
        }
    }

    fn finish_failed(&mut self, status: Status, err: StatesError) {
        self.status = status;
        self.error = (!err.error.is_empty()).then_some(err.error);
        self.cause = (!err.cause.is_empty()).then_some(err.cause);
        self.work.clear();
    }

    /// Marks a frame and all its descendants as cancelled.
    fn cancel_frame(&mut self, f: u32) {
        let frame = &mut self.frames[f as usize];
        let step = std::mem::replace(&mut frame.step, Step::Cancelled);
        if let Step::Run(run) = step {
            match run.phase {
                Phase::Parallel { children, .. } => {
                    for c in children {
                        self.cancel_frame(c);
                    }
                }
                Phase::Map(progress) => {
                    for c in progress.children.into_iter().flatten() {
                        self.cancel_frame(c);
                    }
                }
                _ => {}
            }
        }
    }

    fn new_child(
        &mut self,
        parent: u32,
        index: usize,
        machine: Arc<StateMachine>,
        input: Value,
        prev: u64,
        hidden: bool,
    ) -> u32 {
        let id = self.frames.len() as u32;
        let start = machine.start_at.clone();
        self.frames.push(Frame {
            machine,
            parent: Some((parent, index)),
            vars: Map::new(),
            last_event: prev,
            hidden,
            step: Step::Enter { name: start, input },
        });
        self.work.push_back(id);
        id
    }

    fn start_parallel(&mut self, f: u32, mut run: Box<Running>, effective_input: Value) {
        self.emit(f, "ParallelStateStarted", |_| Map::new());
        let StateKind::Parallel { branches } = &run.state.kind else {
            return;
        };
        let branches = branches.clone();
        let prev = self.frames[f as usize].last_event;
        let mut children = Vec::with_capacity(branches.len());
        for (i, branch) in branches.into_iter().enumerate() {
            children.push(self.new_child(f, i, branch, effective_input.clone(), prev, false));
        }
        let remaining = children.len();
        run.phase = Phase::Parallel {
            children,
            remaining,
        };
        self.frames[f as usize].step = Step::Run(run);
        if remaining == 0 {
            self.complete_parallel(f);
        }
    }

    fn start_map(&mut self, f: u32, mut run: Box<Running>, mut progress: Box<MapProgress>) {
        let length = progress.items.len();
        self.emit(f, "MapStateStarted", |_| {
            let mut d = Map::new();
            d.insert("length".into(), json!(length));
            d
        });
        let StateKind::Map(spec) = &run.state.kind else {
            return;
        };
        if spec.distributed {
            let map_run = format!(
                "{}/{}:{}",
                self.info
                    .execution_arn
                    .replacen(":execution:", ":mapRun:", 1)
                    .rsplit_once(':')
                    .map(|(a, _)| a.to_string())
                    .unwrap_or_default(),
                spec.label.clone().unwrap_or_else(|| run.state.name.clone()),
                run.entered_id
            );
            let shown = map_run.clone();
            self.emit(f, "MapRunStarted", |_| {
                let mut d = Map::new();
                d.insert("mapRunArn".into(), Value::String(shown));
                d
            });
            progress.map_run = Some(map_run);
        }
        run.phase = Phase::Map(progress);
        self.frames[f as usize].step = Step::Run(run);
        self.launch_iterations(f);
    }

    /// Starts as many Map iterations as MaxConcurrency allows; finishes the Map when all are done.
    fn launch_iterations(&mut self, f: u32) {
        loop {
            let (index, item, run_state, distributed, mut item_context) = {
                let Step::Run(run) = &mut self.frames[f as usize].step else {
                    return;
                };
                let Phase::Map(p) = &mut run.phase else {
                    return;
                };
                if p.finished == p.items.len() {
                    break;
                }
                if p.next >= p.items.len() || p.running >= p.max_concurrency {
                    return;
                }
                let index = p.next;
                p.next += 1;
                p.running += 1;
                let StateKind::Map(spec) = &run.state.kind else {
                    return;
                };
                (
                    index,
                    // An item is read once: a retried Map evaluates its items anew.
                    std::mem::take(&mut p.items[index]),
                    run.state.clone(),
                    spec.distributed,
                    std::mem::take(&mut p.item_context),
                )
            };
            let input = {
                let mut ctx = self.ctx(f);
                let Step::Run(run) = &ctx.frames[f as usize].step else {
                    return;
                };
                let run: &Running = run;
                item_input(&mut ctx, run, &run_state, index, item, &mut item_context)
            };
            if let Step::Run(run) = &mut self.frames[f as usize].step {
                if let Phase::Map(p) = &mut run.phase {
                    p.item_context = item_context;
                }
            }
            let input = match input {
                Ok(v) => v,
                Err(e) => {
                    let Step::Run(run) =
                        std::mem::replace(&mut self.frames[f as usize].step, Step::Cancelled)
                    else {
                        return;
                    };
                    self.cancel_children(f, &run);
                    let e = self.prefixed(&run, e);
                    self.state_failed(f, run, e);
                    return;
                }
            };
            let name = run_state.name.clone();
            if !distributed {
                self.emit(f, "MapIterationStarted", |_| {
                    let mut d = Map::new();
                    d.insert("index".into(), json!(index));
                    d.insert("name".into(), Value::String(name));
                    d
                });
            }
            let StateKind::Map(spec) = &run_state.kind else {
                return;
            };
            let prev = self.frames[f as usize].last_event;
            let child = self.new_child(
                f,
                index,
                spec.processor.clone(),
                input,
                prev,
                distributed || self.frames[f as usize].hidden,
            );
            if let Step::Run(run) = &mut self.frames[f as usize].step {
                if let Phase::Map(p) = &mut run.phase {
                    p.children[index] = Some(child);
                }
            }
        }
        self.complete_map(f);
    }

    fn cancel_children(&mut self, _f: u32, run: &Running) {
        let children: Vec<u32> = match &run.phase {
            Phase::Parallel { children, .. } => children.clone(),
            Phase::Map(p) => p.children.iter().flatten().copied().collect(),
            _ => Vec::new(),
        };
        for c in children {
            self.cancel_frame(c);
        }
    }

    /// A Parallel branch or Map iteration ended.
    fn child_done(
        &mut self,
        parent: u32,
        child: u32,
        index: usize,
        result: Result<Value, StatesError>,
    ) {
        let child_last = self.frames[child as usize].last_event;
        let Step::Run(run) = &mut self.frames[parent as usize].step else {
            return;
        };
        let state_name = run.state.name.clone();
        let run: &mut Running = run;
        match &mut run.phase {
            Phase::Parallel {
                children,
                remaining,
                ..
            } => match result {
                Ok(output) => {
                    self.frames[child as usize].step = Step::Done(output);
                    if let Step::Run(run) = &mut self.frames[parent as usize].step {
                        if let Phase::Parallel { remaining, .. } = &mut run.phase {
                            *remaining -= 1;
                            if *remaining == 0 {
                                self.frames[parent as usize].last_event = child_last;
                                self.complete_parallel(parent);
                            }
                        }
                    }
                }
                Err(err) => {
                    let others: Vec<u32> =
                        children.iter().copied().filter(|c| *c != child).collect();
                    *remaining = 0;
                    for c in others {
                        self.cancel_frame(c);
                    }
                    self.frames[parent as usize].last_event = child_last;
                    let Step::Run(run) =
                        std::mem::replace(&mut self.frames[parent as usize].step, Step::Cancelled)
                    else {
                        return;
                    };
                    self.state_failed(parent, run, err);
                }
            },
            Phase::Map(p) => {
                p.running -= 1;
                p.finished += 1;
                p.children[index] = None;
                let distributed = p.map_run.is_some();
                let hidden = self.frames[parent as usize].hidden;
                match result {
                    Ok(output) => {
                        if let Step::Run(run) = &mut self.frames[parent as usize].step {
                            if let Phase::Map(p) = &mut run.phase {
                                p.results[index] = output;
                            }
                        }
                        if !distributed {
                            let id = self.emit_with_prev(
                                parent,
                                "MapIterationSucceeded",
                                hidden,
                                child_last,
                                |_| {
                                    let mut d = Map::new();
                                    d.insert("index".into(), json!(index));
                                    d.insert("name".into(), Value::String(state_name));
                                    d
                                },
                            );
                            // The next iteration starts from the finished one's last event; the
                            // Map's own end follows the last MapIterationSucceeded.
                            let all_done = matches!(
                                &self.frames[parent as usize].step,
                                Step::Run(r) if matches!(&r.phase, Phase::Map(p) if p.finished == p.items.len())
                            );
                            self.frames[parent as usize].last_event =
                                if all_done { id } else { child_last };
                        }
                        self.launch_iterations(parent);
                    }
                    Err(err) => {
                        let over = {
                            let Step::Run(run) = &mut self.frames[parent as usize].step else {
                                return;
                            };
                            let Phase::Map(p) = &mut run.phase else {
                                return;
                            };
                            p.failed += 1;
                            p.first_failure.get_or_insert(err.clone());
                            p.exceeds_tolerance(p.failed)
                        };
                        if !distributed {
                            self.emit_with_prev(
                                parent,
                                "MapIterationFailed",
                                hidden,
                                child_last,
                                |_| {
                                    let mut d = Map::new();
                                    d.insert("index".into(), json!(index));
                                    d.insert("name".into(), Value::String(state_name));
                                    d
                                },
                            );
                            self.frames[parent as usize].last_event = child_last;
                        }
                        if over {
                            let Step::Run(run) = std::mem::replace(
                                &mut self.frames[parent as usize].step,
                                Step::Cancelled,
                            ) else {
                                return;
                            };
                            self.cancel_children(parent, &run);
                            let err = if distributed {
                                self.emit(parent, "MapRunFailed", |_| Map::new());
                                StatesError::new(
                                    asl::error::EXCEED_TOLERATED_FAILURE_THRESHOLD,
                                    "The specified tolerated failure threshold was exceeded",
                                )
                            } else {
                                err
                            };
                            self.state_failed(parent, run, err);
                        } else {
                            self.launch_iterations(parent);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn complete_parallel(&mut self, f: u32) {
        let Step::Run(mut run) =
            std::mem::replace(&mut self.frames[f as usize].step, Step::Cancelled)
        else {
            return;
        };
        let Phase::Parallel { children, .. } = std::mem::replace(&mut run.phase, Phase::Start)
        else {
            return;
        };
        let results: Vec<Value> = children
            .iter()
            .map(|c| match &self.frames[*c as usize].step {
                Step::Done(v) => v.clone(),
                _ => Value::Null,
            })
            .collect();
        // AWS records ParallelStateSucceeded here, but every recorded history we are judged by
        // leaves it out while keeping its id (the ids jump over it). We record it under its id
        // and hide it, so ids and the visible events both match the recordings; the exit's
        // previousEventId is the succeeded event's, as for Map states.
        let prev = self.frames[f as usize].last_event;
        self.emit(f, "ParallelStateSucceeded", |_| Map::new());
        if let Some(e) = self.events.last_mut() {
            if e.event_type == "ParallelStateSucceeded" {
                e.hidden = true;
            }
        }
        self.frames[f as usize].last_event = prev;
        self.finish_with_result(f, run, Value::Array(results));
    }

    fn complete_map(&mut self, f: u32) {
        let Step::Run(mut run) =
            std::mem::replace(&mut self.frames[f as usize].step, Step::Cancelled)
        else {
            return;
        };
        let Phase::Map(progress) = std::mem::replace(&mut run.phase, Phase::Start) else {
            return;
        };
        if progress.map_run.is_some() {
            self.emit(f, "MapRunSucceeded", |_| Map::new());
        }
        // MapStateExited names the same previous event as MapStateSucceeded.
        let prev = self.frames[f as usize].last_event;
        self.emit(f, "MapStateSucceeded", |_| Map::new());
        self.frames[f as usize].last_event = prev;
        self.finish_with_result(f, run, Value::Array(progress.results));
    }

    /// The end of a Parallel or Map state: ResultSelector, ResultPath, OutputPath (JSONPath) or
    /// Output (JSONata), Assign.
    fn finish_with_result(&mut self, f: u32, run: Box<Running>, result: Value) {
        let state = run.state.clone();
        let work = {
            let mut ctx = self.ctx(f);
            let context = ctx.context(&run, None);
            result_exit(&mut ctx, &run, &state, &context, result)
        };
        self.conclude(f, run, work);
    }

    /// Records how the end of a state came out: its exit, or its failure.
    fn conclude(&mut self, f: u32, run: Box<Running>, work: Result<Work, StatesError>) {
        match work {
            Ok(Work::Exit {
                output,
                next,
                assigned,
            }) => self.exit_state(f, run, output, next, assigned),
            Ok(_) => {}
            Err(e) => {
                let e = self.prefixed(&run, e);
                self.state_failed(f, run, e)
            }
        }
    }

    /// Where a redrive starts: the last top-level state entered, with the input it was given.
    fn redrive_point(&self) -> Option<(String, Value)> {
        self.events
            .iter()
            .rev()
            .find(|e| e.frame == 0 && e.event_type.ends_with("StateEntered"))
            .and_then(|e| {
                let name = e.details.get("name")?.as_str()?.to_string();
                let input = e
                    .details
                    .get("input")
                    .and_then(Value::as_str)
                    .and_then(|t| serde_json::from_str(t).ok())
                    .unwrap_or(Value::Null);
                Some((name, input))
            })
    }

    fn redrive(&mut self) {
        if matches!(self.status, Status::Running | Status::Succeeded) {
            return;
        }
        let Some((name, input)) = self.redrive_point() else {
            return;
        };
        let count = self.info.redrive_count + 1;
        Arc::make_mut(&mut self.info).redrive_count = count;
        self.emit(0, "ExecutionRedriven", |_| {
            let mut d = Map::new();
            d.insert("redriveCount".into(), json!(count));
            d
        });
        self.status = Status::Running;
        self.output = None;
        self.error = None;
        self.cause = None;
        if let Some(seconds) = self.machine.timeout_seconds {
            // The execution's time limit counts again from the redrive.
            self.timers.push(TimerRequest {
                frame: EXECUTION_TIMEOUT_FRAME,
                due_ms: self.now_ms + seconds as i64 * 1000,
            });
        }
        self.frames[0].step = Step::Enter { name, input };
        self.work.push_back(0);
    }

    /// Asks the world for the answers only it has (whether an activity exists …).
    pub fn set_resolver(&mut self, resolver: Arc<dyn TaskResolver>) {
        self.resolver = Some(resolver);
    }

    /// Tasks asked for since the last call.
    pub fn take_task_requests(&mut self) -> Vec<crate::tasks::TaskRequest> {
        std::mem::take(&mut self.task_requests)
    }

    /// Every task still waiting for a worker to take it (to offer again after a restart).
    pub fn pending_task_requests(&self) -> Vec<crate::tasks::TaskRequest> {
        self.frames
            .iter()
            .enumerate()
            .filter_map(|(i, f)| match &f.step {
                Step::Run(r) => match &r.phase {
                    Phase::Task(w) if !w.started => Some(crate::tasks::TaskRequest {
                        frame: i as u32,
                        token: w.token.clone(),
                        kind: crate::tasks::TaskKind::Activity {
                            activity_arn: w.activity_arn.clone(),
                            input: w.input_text.clone(),
                        },
                    }),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    }

    /// Whether `frame` waits on the task named by `token`, and whether a worker took it.
    pub fn task_status(&self, frame: u32, token: &str) -> Option<bool> {
        self.task_wait(frame)
            .filter(|w| w.token == token)
            .map(|w| w.started)
    }

    fn task_wait(&self, frame: u32) -> Option<&TaskWait> {
        match &self.frames.get(frame as usize)?.step {
            Step::Run(r) => match &r.phase {
                Phase::Task(w) => Some(w),
                _ => None,
            },
            _ => None,
        }
    }

    /// Takes a frame out of its task wait, to end the Task state.
    fn take_task(&mut self, frame: u32) -> Option<Box<Running>> {
        self.task_wait(frame)?;
        let Step::Run(mut run) =
            std::mem::replace(&mut self.frames[frame as usize].step, Step::Cancelled)
        else {
            return None;
        };
        run.phase = Phase::Start;
        Some(run)
    }

    fn schedule_activity(
        &mut self,
        f: u32,
        mut run: Box<Running>,
        activity_arn: String,
        effective_input: Value,
        timeout_seconds: Option<i64>,
        heartbeat_seconds: Option<i64>,
    ) {
        let input_text = compact(&effective_input);
        let shown = input_text.clone();
        let resource = activity_arn.clone();
        let scheduled_id = self.emit(f, "ActivityScheduled", |_| {
            let mut d = Map::new();
            d.insert("input".into(), Value::String(shown));
            d.insert("inputDetails".into(), json!({"truncated": false}));
            d.insert("resource".into(), Value::String(resource));
            if let Some(t) = timeout_seconds {
                d.insert("timeoutInSeconds".into(), json!(t));
            }
            if let Some(h) = heartbeat_seconds {
                d.insert("heartbeatInSeconds".into(), json!(h));
            }
            d
        });
        let token = crate::tasks::make_token(&self.info.execution_arn, f, scheduled_id);
        let timeout_due = timeout_seconds.map(|t| self.now_ms + t * 1000);
        if let Some(due_ms) = timeout_due {
            self.timers.push(TimerRequest { frame: f, due_ms });
        }
        self.task_requests.push(crate::tasks::TaskRequest {
            frame: f,
            token: token.clone(),
            kind: crate::tasks::TaskKind::Activity {
                activity_arn: activity_arn.clone(),
                input: input_text.clone(),
            },
        });
        run.phase = Phase::Task(Box::new(TaskWait {
            token,
            started: false,
            timeout_due,
            heartbeat_seconds,
            heartbeat_due: None,
            activity_arn,
            input_text,
        }));
        self.frames[f as usize].step = Step::Run(run);
    }

    fn task_started(&mut self, frame: u32, worker_name: Option<String>) {
        if self.task_wait(frame).is_none_or(|w| w.started) {
            return;
        }
        self.emit(frame, "ActivityStarted", |_| {
            let mut d = Map::new();
            if let Some(w) = &worker_name {
                d.insert("workerName".into(), Value::String(w.clone()));
            }
            d
        });
        let now = self.now_ms;
        let mut timer = None;
        if let Step::Run(run) = &mut self.frames[frame as usize].step {
            if let Phase::Task(w) = &mut run.phase {
                w.started = true;
                if let Some(hb) = w.heartbeat_seconds {
                    let due = now + hb * 1000;
                    w.heartbeat_due = Some(due);
                    timer = Some(due);
                }
            }
        }
        if let Some(due_ms) = timer {
            self.timers.push(TimerRequest { frame, due_ms });
        }
    }

    fn task_timed_out(&mut self, frame: u32, heartbeat: bool) {
        let Some(run) = self.take_task(frame) else {
            return;
        };
        let error = if heartbeat {
            asl::error::HEARTBEAT_TIMEOUT
        } else {
            asl::error::TIMEOUT
        };
        self.emit(frame, "ActivityTimedOut", |_| {
            let mut d = Map::new();
            d.insert("error".into(), Value::String(error.into()));
            d
        });
        self.state_failed(frame, run, StatesError::new(error, ""));
    }

    /// Delivers an outside input and runs as far as the execution can go.
    pub fn deliver(&mut self, signal: Signal) {
        if signal == Signal::Redrive {
            self.redrive();
            self.run();
            return;
        }
        if self.status != Status::Running {
            return;
        }
        let signal = match signal {
            Signal::TimerFired {
                frame: EXECUTION_TIMEOUT_FRAME,
            } => Signal::TimedOut,
            other => other,
        };
        match signal {
            Signal::TimerFired { frame } if self.task_wait(frame).is_some() => {
                let now = self.now_ms;
                let expired = self.task_wait(frame).and_then(|w| {
                    if w.timeout_due.is_some_and(|d| d <= now) {
                        Some(false)
                    } else if w.started && w.heartbeat_due.is_some_and(|d| d <= now) {
                        Some(true)
                    } else {
                        None
                    }
                });
                if let Some(heartbeat) = expired {
                    self.task_timed_out(frame, heartbeat);
                }
            }
            Signal::TimerFired { frame } => {
                let waiting = self.frames.get(frame as usize).is_some_and(|f| {
                    matches!(&f.step, Step::Run(r) if matches!(r.phase, Phase::Waiting { .. } | Phase::Backoff { .. }))
                });
                if !waiting {
                    // The frame moved on (or was cancelled): a stale timer.
                    return;
                }
                let Step::Run(run) =
                    std::mem::replace(&mut self.frames[frame as usize].step, Step::Cancelled)
                else {
                    return;
                };
                let mut run = run;
                match std::mem::replace(&mut run.phase, Phase::Start) {
                    Phase::Waiting {
                        effective_input, ..
                    } => self.wait_done(frame, run, effective_input),
                    Phase::Backoff { .. } => {
                        run.retry_count += 1;
                        self.frames[frame as usize].step = Step::Run(run);
                        self.work.push_back(frame);
                    }
                    other => {
                        run.phase = other;
                        self.frames[frame as usize].step = Step::Run(run);
                    }
                }
            }
            Signal::Stop { error, cause } => {
                // AWS records ExecutionAborted with previousEventId 0.
                self.emit_with_prev(0, "ExecutionAborted", false, 0, |_| {
                    error_cause_details(&error, &cause)
                });
                self.cancel_frame(0);
                self.status = Status::Aborted;
                self.error = error;
                self.cause = cause;
                self.work.clear();
            }
            Signal::TaskStarted { frame, worker_name } => self.task_started(frame, worker_name),
            Signal::TaskSucceeded { frame, output } => {
                if let Some(run) = self.take_task(frame) {
                    let shown = output.clone();
                    self.emit(frame, "ActivitySucceeded", |_| {
                        let mut d = Map::new();
                        d.insert("output".into(), Value::String(shown));
                        d.insert("outputDetails".into(), json!({"truncated": false}));
                        d
                    });
                    let result = serde_json::from_str(&output).unwrap_or(Value::Null);
                    self.finish_with_result(frame, run, result);
                }
            }
            Signal::TaskFailed {
                frame,
                error,
                cause,
            } => {
                if let Some(run) = self.take_task(frame) {
                    self.emit(frame, "ActivityFailed", |_| {
                        error_cause_details(&error, &cause)
                    });
                    let err =
                        StatesError::new(error.unwrap_or_default(), cause.unwrap_or_default());
                    self.state_failed(frame, run, err);
                }
            }
            Signal::TaskHeartbeat { frame } => {
                let now = self.now_ms;
                let mut timer = None;
                if let Some(Step::Run(run)) =
                    self.frames.get_mut(frame as usize).map(|f| &mut f.step)
                {
                    if let Phase::Task(wait) = &mut run.phase {
                        if let Some(hb) = wait.heartbeat_seconds {
                            let due = now + hb * 1000;
                            wait.heartbeat_due = Some(due);
                            timer = Some(due);
                        }
                    }
                }
                if let Some(due_ms) = timer {
                    self.timers.push(TimerRequest { frame, due_ms });
                }
            }
            Signal::TaskTimedOut { frame, heartbeat } => self.task_timed_out(frame, heartbeat),
            Signal::Redrive => {}
            Signal::TimedOut => {
                // AWS records no error or cause for an execution that timed out.
                self.emit(0, "ExecutionTimedOut", |_| Map::new());
                self.cancel_frame(0);
                self.status = Status::TimedOut;
                self.work.clear();
            }
        }
        self.run();
    }

    fn wait_done(&mut self, f: u32, run: Box<Running>, effective_input: Value) {
        let state = run.state.clone();
        let work = {
            let mut ctx = self.ctx(f);
            let context = ctx.context(&run, None);
            wait_exit(&mut ctx, &run, &state, &context, effective_input)
        };
        self.conclude(f, run, work);
    }

    /// Which outside input produced this recorded event (during a replay).
    fn explain(&self, event: &HistoryEvent) -> Option<Signal> {
        match event.event_type {
            "ExecutionAborted" => Some(Signal::Stop {
                error: detail_text(event, "error"),
                cause: detail_text(event, "cause"),
            }),
            "ExecutionTimedOut" => Some(Signal::TimedOut),
            "ExecutionRedriven" => Some(Signal::Redrive),
            "ActivityStarted" => Some(Signal::TaskStarted {
                frame: event.frame,
                worker_name: detail_text(event, "workerName"),
            }),
            "ActivitySucceeded" => Some(Signal::TaskSucceeded {
                frame: event.frame,
                output: event
                    .details
                    .get("output")
                    .and_then(Value::as_str)
                    .unwrap_or("null")
                    .to_string(),
            }),
            "ActivityFailed" => Some(Signal::TaskFailed {
                frame: event.frame,
                error: detail_text(event, "error"),
                cause: detail_text(event, "cause"),
            }),
            "ActivityTimedOut" => Some(Signal::TaskTimedOut {
                frame: event.frame,
                heartbeat: event.details.get("error").and_then(Value::as_str)
                    == Some(asl::error::HEARTBEAT_TIMEOUT),
            }),
            _ => {
                let frame = self.frames.get(event.frame as usize)?;
                match &frame.step {
                    Step::Run(run)
                        if matches!(run.phase, Phase::Waiting { .. } | Phase::Backoff { .. }) =>
                    {
                        Some(Signal::TimerFired { frame: event.frame })
                    }
                    _ => None,
                }
            }
        }
    }
}

/// The input of one Map iteration: the item, or ItemSelector evaluated with `$$.Map.Item`.
pub(crate) fn item_input(
    ctx: &mut Ctx,
    run: &Running,
    state: &State,
    index: usize,
    item: Value,
    context: &mut Value,
) -> Result<Value, StatesError> {
    let StateKind::Map(spec) = &state.kind else {
        return Ok(item);
    };
    let Phase::Map(progress) = &run.phase else {
        return Ok(item);
    };
    if spec.item_selector.is_none() && spec.item_selector_jsonata.is_none() {
        return Ok(item);
    }
    // `context` is the Map state's context object, built once for all its items; only
    // `Map.Item` changes from one item to the next.
    if let Value::Object(m) = context {
        m.insert(
            "Map".into(),
            json!({"Item": {"Index": index, "Value": item}}),
        );
    }
    if let Some(t) = &spec.item_selector {
        let vars = ctx.vars();
        let scope = Scope::new(&progress.effective_input, context, &vars);
        return t.eval(&scope, &mut ctx.env);
    }
    if let Some(t) = &spec.item_selector_jsonata {
        let vars = ctx.vars();
        let states = StatesVar {
            input: &progress.effective_input,
            context,
            result: None,
            error_output: None,
        };
        return t.eval(&states, &vars, &mut ctx.env, "ItemSelector");
    }
    Ok(item)
}

/// The retrier that handles `error` in `state`, with its index: the first whose ErrorEquals
/// names it. Only Task, Parallel and Map states retry.
pub(crate) fn matching_retrier<'s>(state: &'s State, error: &str) -> Option<(usize, &'s Retrier)> {
    let retries = matches!(
        state.kind,
        StateKind::Task(_) | StateKind::Parallel { .. } | StateKind::Map(_)
    );
    if !retries {
        return None;
    }
    state
        .retry
        .iter()
        .enumerate()
        .find(|(_, retrier)| error_matches(&retrier.error_equals, error))
}

/// The wait before the retry that follows `attempts` earlier ones, in seconds, before jitter:
/// IntervalSeconds × BackoffRate^attempts, at most MaxDelaySeconds.
pub(crate) fn backoff_seconds(retrier: &Retrier, attempts: u64) -> f64 {
    let delay = retrier.interval_seconds * retrier.backoff_rate.powf(attempts as f64);
    match retrier.max_delay_seconds {
        Some(max) => delay.min(max),
        None => delay,
    }
}

/// The catcher that handles `error` in `state`, with its index: the first whose ErrorEquals
/// names it.
pub(crate) fn matching_catcher<'s>(state: &'s State, error: &str) -> Option<(usize, &'s Catcher)> {
    state
        .catch
        .iter()
        .enumerate()
        .find(|(_, catcher)| error_matches(&catcher.error_equals, error))
}

/// The output (and variables) of a state whose error a catcher caught.
pub(crate) fn catch_output(
    ctx: &mut Ctx,
    run: &Running,
    state: &State,
    catcher: &asl::model::Catcher,
    context: &Value,
    error_output: Value,
) -> Result<(Value, Option<Map<String, Value>>), StatesError> {
    if state.is_jsonata() {
        let states = StatesVar {
            input: &run.input,
            context,
            result: None,
            error_output: Some(&error_output),
        };
        let assigned = match &catcher.assign {
            Some(a) => Some(evaluate_assign(a, &error_output, &states, ctx, context)?),
            None => None,
        };
        let output = match &catcher.output {
            Some(t) => {
                let vars = ctx.vars();
                t.eval(&states, &vars, &mut ctx.env, "Output")?
            }
            None => error_output,
        };
        return Ok((output, assigned));
    }
    let states = StatesVar {
        input: &run.input,
        context,
        result: None,
        error_output: Some(&error_output),
    };
    let assigned = match &catcher.assign {
        Some(a) => Some(evaluate_assign(a, &error_output, &states, ctx, context)?),
        None => None,
    };
    let output = apply_result_path(&catcher.result_path, &run.input, error_output)?;
    Ok((output, assigned))
}

/// The state field an evaluation error names (`… specified for the field 'Output/result' …`),
/// which AWS shows as the EvaluationFailed event's `location`.
fn evaluation_location(cause: &str) -> Option<&str> {
    let rest = cause.split("specified for the field '").nth(1)?;
    rest.split('\'').next()
}

/// A text member of a recorded event's details.
fn detail_text(event: &HistoryEvent, member: &str) -> Option<String> {
    event
        .details
        .get(member)
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// The `{cause, error}` details of ExecutionAborted and ActivityFailed, members only when given.
fn error_cause_details(error: &Option<String>, cause: &Option<String>) -> Map<String, Value> {
    let mut d = Map::new();
    if let Some(c) = cause {
        d.insert("cause".into(), Value::String(c.clone()));
    }
    if let Some(e) = error {
        d.insert("error".into(), Value::String(e.clone()));
    }
    d
}

fn entered_type(state: &State) -> &'static str {
    match state.kind {
        StateKind::Pass { .. } => "PassStateEntered",
        StateKind::Task(_) => "TaskStateEntered",
        StateKind::Choice { .. } => "ChoiceStateEntered",
        StateKind::Wait(_) => "WaitStateEntered",
        StateKind::Succeed => "SucceedStateEntered",
        StateKind::Fail(_) => "FailStateEntered",
        StateKind::Parallel { .. } => "ParallelStateEntered",
        StateKind::Map(_) => "MapStateEntered",
    }
}

fn exited_type(state: &State) -> &'static str {
    match state.kind {
        StateKind::Pass { .. } => "PassStateExited",
        StateKind::Task(_) => "TaskStateExited",
        StateKind::Choice { .. } => "ChoiceStateExited",
        StateKind::Wait(_) => "WaitStateExited",
        StateKind::Succeed => "SucceedStateExited",
        StateKind::Fail(_) => "FailStateExited",
        StateKind::Parallel { .. } => "ParallelStateExited",
        StateKind::Map(_) => "MapStateExited",
    }
}
