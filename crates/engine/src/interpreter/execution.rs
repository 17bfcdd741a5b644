//! Running an execution: starting it, the work queue of frames, entering and leaving states,
//! and the end of a frame.

use std::collections::VecDeque;
use std::sync::Arc;

use asl::model::{State, StateKind, StateMachine};
use asl::StatesError;
use serde_json::{Map, Value};

use super::context::{Ctx, RecordingEnv};
use super::coverage::Mark;
use super::data_flow::{compact, exceeds_payload_limit, result_exit};
use super::evaluate::evaluate_state;
use super::events::{entered_type, evaluation_location, exited_type};
use super::frame::{
    ExecutionInfo, Frame, Phase, Running, Status, Step, TimerRequest, EXECUTION_TIMEOUT_FRAME,
};
use super::work::Work;
use super::Execution;
use crate::history::{
    self, DataDetails, ErrorCause, EventType, StateEntered, StateExited, Succeeded,
};
use crate::integrations::TaskResolver;

/// AWS's limit on the number of events in one execution's history.
pub const HISTORY_EVENT_LIMIT: u64 = 25_000;

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

    pub(super) fn new(
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
            mock_invocations: Default::default(),
            coverage: None,
        }
    }

    pub(super) fn begin(&mut self, input_text: &str) {
        self.first_input_text = Some(input_text.to_string());
        let role = self.info.role_arn.clone();
        let alias_arn = self.info.alias_arn.clone();
        let version_arn = self.info.version_arn.clone();
        self.emit_raw(0, EventType::ExecutionStarted, false, |_| {
            history::ExecutionStarted {
                input: input_text.to_string(),
                input_details: DataDetails::default(),
                role_arn: role,
                state_machine_alias_arn: alias_arn,
                state_machine_version_arn: version_arn,
            }
            .into()
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

    pub(super) fn step(&mut self, f: u32) {
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

    pub(super) fn enter(&mut self, f: u32, name: &str, input: Value) {
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
            StateEntered {
                input: shown_input,
                input_details: DataDetails::default(),
                name: state.name.clone(),
            }
            .into()
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

    pub(super) fn ctx(&mut self, f: u32) -> Ctx<'_> {
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
            chosen_rule: None,
            resolver: self.resolver.as_deref(),
            next_event_id: if self.frames[f as usize].hidden {
                0
            } else {
                self.event_count + 1
            },
        }
    }

    pub(super) fn execute(&mut self, f: u32, mut run: Box<Running>) {
        self.mark(|| Mark::State(run.state.name.clone()));
        let (work, chosen_rule) = {
            let mut ctx = self.ctx(f);
            let work = evaluate_state(&mut ctx, &run);
            (work, ctx.chosen_rule)
        };
        if self.covers()
            && matches!(run.state.kind, StateKind::Choice { .. })
            && matches!(work, Work::Exit { .. })
        {
            self.mark(|| Mark::Choice {
                state: run.state.name.clone(),
                rule: chosen_rule,
            });
        }
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
                    self.emit_with_prev(
                        f,
                        EventType::EvaluationFailed,
                        hidden,
                        run.entered_prev,
                        |_| {
                            history::EvaluationFailed {
                                cause: err.cause.clone(),
                                error: err.error.clone(),
                                location: evaluation_location(&err.cause).map(str::to_string),
                                state: name,
                            }
                            .into()
                        },
                    );
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
            Work::StartTask { integration, call } => self.schedule_task(f, run, integration, call),
            Work::StartMap(progress) => self.start_map(f, run, progress),
        }
    }

    /// Adds AWS's "An error occurred while executing the state …" prefix to a language error.
    pub(super) fn prefixed(&self, run: &Running, err: StatesError) -> StatesError {
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

    pub(super) fn exit_state(
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
        let Some(event_type) = exited_type(state) else {
            return;
        };
        let name = state.name.clone();
        self.emit(f, event_type, |_| {
            let assigned_variables = assigned.as_ref().filter(|v| !v.is_empty()).map(|vars| {
                vars.iter()
                    .map(|(k, v)| (k.clone(), Value::String(compact(v))))
                    .collect::<Map<String, Value>>()
            });
            StateExited {
                assigned_variables_details: assigned_variables
                    .as_ref()
                    .map(|_| DataDetails::default()),
                assigned_variables,
                name,
                output: compact(&output),
                output_details: DataDetails::default(),
            }
            .into()
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

    pub(super) fn finish_frame(&mut self, f: u32, output: Value) {
        let frame = &mut self.frames[f as usize];
        match frame.parent {
            None => {
                frame.step = Step::Done(output.clone());
                self.emit(f, EventType::ExecutionSucceeded, |_| {
                    Succeeded::new(compact(&output)).into()
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

    pub(super) fn fail_frame(&mut self, f: u32, err: StatesError) {
        let frame = &mut self.frames[f as usize];
        match frame.parent {
            None => {
                frame.step = Step::Failed;
                self.emit(f, EventType::ExecutionFailed, |_| {
                    ErrorCause::of_error(&err).into()
                });
                self.finish_failed(Status::Failed, err);
            }
            Some((parent, index)) => {
                frame.step = Step::Failed;
                self.child_done(parent, f, index, Err(err));
            }
        }
    }

    pub(super) fn finish_failed(&mut self, status: Status, err: StatesError) {
        self.status = status;
        self.error = (!err.error.is_empty()).then_some(err.error);
        self.cause = (!err.cause.is_empty()).then_some(err.cause);
        self.work.clear();
    }

    /// Marks a frame and all its descendants as cancelled.
    pub(super) fn cancel_frame(&mut self, f: u32) {
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

    /// The end of a Parallel or Map state: ResultSelector, ResultPath, OutputPath (JSONPath) or
    /// Output (JSONata), Assign.
    pub(super) fn finish_with_result(&mut self, f: u32, run: Box<Running>, result: Value) {
        self.end_state(f, run, |ctx, run, state, context| {
            result_exit(ctx, run, state, context, result)
        });
    }

    /// Evaluates the end of a state (`exit`, given the state's context object) and concludes
    /// it.
    pub(super) fn end_state(
        &mut self,
        f: u32,
        run: Box<Running>,
        exit: impl FnOnce(&mut Ctx, &Running, &State, &Value) -> Result<Work, StatesError>,
    ) {
        let state = run.state.clone();
        let work = {
            let mut ctx = self.ctx(f);
            let context = ctx.context(&run, None);
            exit(&mut ctx, &run, &state, &context)
        };
        self.conclude(f, run, work);
    }

    /// Records how the end of a state came out: its exit, or its failure.
    pub(super) fn conclude(&mut self, f: u32, run: Box<Running>, work: Result<Work, StatesError>) {
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

    /// Asks the world the questions integrations have before a task is scheduled.
    pub fn set_resolver(&mut self, resolver: Arc<dyn TaskResolver>) {
        self.resolver = Some(resolver);
    }
}
