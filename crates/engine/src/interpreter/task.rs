//! Task: its effective input handed to the integration its resource names (see
//! `crate::integrations`), and the wait for the answer. Nothing here knows which integration
//! it is: the integration names the events and their details.

use asl::model::{NumberField, TaskSpec};
use asl::resource::CallPattern;
use asl::StatesError;
use serde_json::Value;

use super::at::At;
use super::context::Ctx;
use super::data_flow::{compact, effective_task_input, evaluate_field};
use super::frame::{Phase, Running, Status, Step, TaskWait, TimerRequest};
use super::work::Work;
use super::{Execution, Signal};
use crate::history::EventType;
use crate::integrations::{integration_for, Integration, TaskCall, TaskRequest, TaskResolver};
use crate::mocks::MockResult;

pub(super) fn evaluate(ctx: &mut Ctx, at: &At, spec: &TaskSpec) -> Result<Work, StatesError> {
    let (run, state, context) = (at.run, at.state, &at.context);
    let effective = effective_task_input(ctx, run, state, context)?;
    let Some(integration) = integration_for(&spec.target) else {
        return Ok(Work::Fail(StatesError::runtime(format!(
            "The resource '{}' of state '{}' is not supported by this server yet",
            spec.resource, state.name
        ))));
    };
    let resolver = ctx.resolver;
    let env = &mut ctx.env;
    integration.check(&spec.resource, &mut |ask: &dyn Fn(
        &dyn TaskResolver,
    ) -> bool| {
        env.observe_bool(|| resolver.is_some_and(ask))
    })?;
    let timeout_seconds = match &spec.timeout_seconds {
        Some(f) => Some(task_seconds(ctx, f, &run.input, context, "TimeoutSeconds")?),
        None => None,
    };
    let heartbeat_seconds = match &spec.heartbeat_seconds {
        Some(f) => Some(task_seconds(
            ctx,
            f,
            &run.input,
            context,
            "HeartbeatSeconds",
        )?),
        None => None,
    };
    let credentials = match &spec.credentials {
        Some(template) => Some(task_credentials(ctx, at, template)?),
        None => None,
    };
    let region = asl::arn::Arn::parse(&ctx.info.execution_arn)
        .map(|a| a.region.to_string())
        .unwrap_or_default();
    Ok(Work::StartTask {
        integration,
        call: TaskCall {
            resource: spec.resource.clone(),
            input: compact(&effective),
            timeout_seconds,
            heartbeat_seconds,
            region,
            credentials,
        },
    })
}

/// The Task's `Credentials` (a template, JSONPath or JSONata, over the state's input), as the
/// history shows them: `{"roleArn": …}`.
fn task_credentials(ctx: &mut Ctx, at: &At, template: &Value) -> Result<Value, StatesError> {
    let (run, state, context) = (at.run, at.state, &at.context);
    let evaluated = if state.is_jsonata() {
        let compiled = asl::jsonata::JsonataTemplate::compile(template)?;
        let vars = ctx.vars();
        let states = super::data_flow::states_of(&run.input, context);
        compiled.eval(&states, &vars, &mut ctx.env, "Credentials")?
    } else {
        let compiled = asl::template::Template::compile(template).map_err(StatesError::runtime)?;
        let vars = ctx.vars();
        let input =
            super::data_flow::apply_input_path(&state.input_path, &run.input, context, &vars)?;
        let scope = asl::Scope::new(&input, context, &vars);
        compiled.eval(&scope, &mut ctx.env)?
    };
    match evaluated.get("RoleArn") {
        Some(Value::String(role)) => Ok(serde_json::json!({ "roleArn": role })),
        other => Err(StatesError::runtime(format!(
            "The value for the field 'RoleArn' must be a STRING, got {}",
            other.map_or("nothing".to_string(), compact)
        ))),
    }
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

impl Execution {
    /// Tasks asked for since the last call.
    pub fn take_task_requests(&mut self) -> Vec<TaskRequest> {
        std::mem::take(&mut self.task_requests)
    }

    /// Every task still waiting for the world to take it up (to offer again after a restart).
    pub fn pending_task_requests(&self) -> Vec<TaskRequest> {
        self.task_waits()
            .filter(|w| !w.started)
            .map(|w| w.request.clone())
            .collect()
    }

    /// The calls this server makes that have not come back (to make again after a restart):
    /// each task whose call was not answered, and each `.sync` task whose job it watches (with
    /// what its call submitted).
    pub fn calls_in_flight(&self) -> Vec<(TaskRequest, Option<Value>)> {
        self.task_waits()
            .filter(|w| w.integration.starts_at_once())
            .filter_map(|w| match &w.submitted {
                None => Some((w.request.clone(), None)),
                Some(out) if w.request.call.target().pattern.is_sync() => {
                    Some((w.request.clone(), Some(out.clone())))
                }
                Some(_) => None,
            })
            .collect()
    }

    fn task_waits(&self) -> impl Iterator<Item = &TaskWait> {
        self.frames.iter().filter_map(|f| match &f.step {
            Step::Run(r) => match &r.phase {
                Phase::Task(w) => Some(w.as_ref()),
                _ => None,
            },
            _ => None,
        })
    }

    /// Whether the execution waits only on the world to answer tasks by their tokens (a
    /// callback whose call was made, an activity), with no timer and no call of this server's
    /// outstanding: nothing moves it until a worker answers, so it need not stay in memory.
    pub fn waits_only_on_tokens(&self) -> bool {
        if self.status != Status::Running || !self.work.is_empty() || !self.timers.is_empty() {
            return false;
        }
        let mut waits = 0;
        for frame in &self.frames {
            let Step::Run(run) = &frame.step else {
                continue;
            };
            match &run.phase {
                Phase::Parallel { .. } | Phase::Map(_) => {}
                Phase::Task(w) => {
                    let by_token = if w.integration.starts_at_once() {
                        w.submitted.is_some()
                            && w.request.call.target().pattern == CallPattern::WaitForTaskToken
                    } else {
                        true
                    };
                    if !by_token || w.timeout_due.is_some() || w.heartbeat_due.is_some() {
                        return false;
                    }
                    waits += 1;
                }
                _ => return false,
            }
        }
        waits > 0
    }

    /// Whether nothing but time moves the execution now: it has ended, or every state it is in
    /// waits on a timer (Wait, retry back-off) or on its branches and iterations; none waits
    /// on a task.
    pub fn waits_only_on_time(&self) -> bool {
        if self.status != Status::Running {
            return true;
        }
        if !self.work.is_empty() {
            return false;
        }
        self.frames.iter().all(|frame| match &frame.step {
            Step::Run(run) => !matches!(run.phase, Phase::Task(_)),
            _ => true,
        })
    }

    /// Whether `frame` still waits on the call of the task named by `token`.
    pub fn awaits_call(&self, frame: u32, token: &str) -> bool {
        self.task_status(frame, token).is_some()
    }

    /// Whether `frame` waits on the task named by `token`, and whether it started.
    pub fn task_status(&self, frame: u32, token: &str) -> Option<bool> {
        self.task_wait(frame)
            .filter(|w| w.request.token == token)
            .map(|w| w.started)
    }

    pub(super) fn task_wait(&self, frame: u32) -> Option<&TaskWait> {
        match &self.frames.get(frame as usize)?.step {
            Step::Run(r) => match &r.phase {
                Phase::Task(w) => Some(w),
                _ => None,
            },
            _ => None,
        }
    }

    /// Takes a frame out of its task wait, to end the Task state; with the integration it
    /// waited on and the call it made.
    pub(super) fn take_task(
        &mut self,
        frame: u32,
    ) -> Option<(Box<Running>, &'static dyn Integration, TaskCall)> {
        let integration = self.task_wait(frame)?.integration;
        let Step::Run(mut run) =
            std::mem::replace(&mut self.frames[frame as usize].step, Step::Cancelled)
        else {
            return None;
        };
        let call = match std::mem::replace(&mut run.phase, Phase::Start) {
            Phase::Task(wait) => wait.request.call,
            _ => return None,
        };
        Some((run, integration, call))
    }

    /// The mocked answer of this scheduling of a Task state, when the execution's test case
    /// mocks the state: Err when the test case gives no answer for this invocation.
    fn mocked(&mut self, state: &str) -> Option<Result<MockResult, String>> {
        let case = self.info.mocks.clone()?;
        let response = case.states.get(state)?;
        let count = self.mock_invocations.entry(state.to_string()).or_insert(0);
        let n = *count;
        *count += 1;
        Some(response.for_invocation(n).cloned().ok_or_else(|| {
            format!(
                "The mock test case '{}' has no mocked response for invocation {n} of the state '{state}'",
                case.test_case
            )
        }))
    }

    pub(super) fn schedule_task(
        &mut self,
        f: u32,
        mut run: Box<Running>,
        integration: &'static dyn Integration,
        call: TaskCall,
    ) {
        let mocked = match self.mocked(&run.state.name) {
            Some(Err(message)) => {
                self.state_failed(f, run, StatesError::runtime(message));
                return;
            }
            Some(Ok(result)) => Some(result),
            None => None,
        };
        let scheduled_id = self.emit(f, integration.events().scheduled, |_| {
            integration.scheduled_details(&call)
        });

        let token = crate::tasks::make_token(&self.info.execution_arn, f, scheduled_id);
        // A mocked task ends now: it has no timeout to wait for and asks nobody.
        let timeout_due = match mocked {
            Some(_) => None,
            None => call.timeout_seconds.map(|t| self.now_ms + t * 1000),
        };
        if let Some(due_ms) = timeout_due {
            self.timers.push(TimerRequest { frame: f, due_ms });
        }
        let request = TaskRequest {
            frame: f,
            token,
            call,
        };
        if mocked.is_none() {
            self.task_requests.push(request.clone());
        }
        let (token, pattern) = (request.token.clone(), request.call.target().pattern);
        run.phase = Phase::Task(Box::new(TaskWait {
            request,
            integration,
            started: false,
            timeout_due,
            heartbeat_due: None,
            submitted: None,
            early: None,
        }));
        self.frames[f as usize].step = Step::Run(run);
        if let Some(result) = mocked {
            self.answer_mocked(f, token, pattern, result);
        } else if integration.starts_at_once() {
            // A call this server makes starts as it is scheduled.
            self.task_started(f, None);
        }
    }

    /// A mocked task: it starts, (for `.waitForTaskToken` and `.sync`, is submitted,) and
    /// ends with the mocked answer, no call made and no worker asked.
    fn answer_mocked(&mut self, f: u32, token: String, pattern: CallPattern, result: MockResult) {
        self.task_started(f, None);
        match result {
            MockResult::Return(value) => {
                let output = compact(&value);
                if pattern != CallPattern::RequestResponse {
                    self.task_submitted(f, output.clone());
                }
                self.task_succeeded(f, token, output);
            }
            MockResult::Throw { error, cause } => {
                self.task_failed(f, token, Some(error), Some(cause))
            }
        }
    }

    pub(super) fn task_started(&mut self, frame: u32, worker_name: Option<String>) {
        let Some(integration) = self
            .task_wait(frame)
            .filter(|w| !w.started)
            .map(|w| w.integration)
        else {
            return;
        };
        let call = self.task_wait(frame).map(|w| w.request.call.clone());
        let Some(call) = call else { return };
        self.emit(frame, integration.events().started, |_| {
            integration.started_details(&call, worker_name.as_deref())
        });
        if let Some(w) = self.task_wait_mut(frame) {
            w.started = true;
        }
        self.restart_heartbeat(frame);
    }

    /// The call of a `.waitForTaskToken` or `.sync` task was made (its answer as JSON text): the
    /// task now waits for its token or its job. An answer that came first is taken now.
    pub(super) fn task_submitted(&mut self, frame: u32, output: String) {
        let Some(wait) = self.task_wait(frame).filter(|w| w.submitted.is_none()) else {
            return;
        };
        let (integration, call) = (wait.integration, wait.request.call.clone());
        self.emit(frame, EventType::TaskSubmitted, |_| {
            integration.submitted_details(&call, &output)
        });
        let early = self.task_wait_mut(frame).and_then(|w| {
            // Only a `.sync` task reads its submission again (to watch its job); a callback
            // keeps nothing of it, so that many waiting executions stay small.
            w.submitted = Some(if w.request.call.target().pattern.is_sync() {
                serde_json::from_str(&output).unwrap_or(Value::Null)
            } else {
                w.request.call.input = String::new();
                Value::Null
            });
            w.early.take()
        });
        if let Some(signal) = early {
            self.deliver_now(*signal);
        }
    }

    /// Whether an answer to this frame's task must wait: a token's answer that came before the
    /// call that handed out the token was recorded as submitted.
    fn too_early(&mut self, frame: u32, signal: &Signal) -> bool {
        let Some(wait) = self.task_wait_mut(frame) else {
            return false;
        };
        let callback = wait.request.call.target().pattern == CallPattern::WaitForTaskToken;
        if callback && wait.integration.starts_at_once() && wait.submitted.is_none() {
            wait.early = Some(Box::new(signal.clone()));
            return true;
        }
        false
    }

    /// The task answered with its output (JSON text).
    pub(super) fn task_succeeded(&mut self, frame: u32, token: String, output: String) {
        let signal = Signal::TaskSucceeded {
            frame,
            token,
            output,
        };
        if self.too_early(frame, &signal) {
            return;
        }
        let Signal::TaskSucceeded { output, .. } = signal else {
            return;
        };
        if let Some((run, integration, call)) = self.take_task(frame) {
            self.emit(frame, integration.events().succeeded, |_| {
                integration.succeeded_details(&call, &output)
            });
            let result = serde_json::from_str(&output).unwrap_or(Value::Null);
            self.finish_with_result(frame, run, result);
        }
    }

    pub(super) fn task_failed(
        &mut self,
        frame: u32,
        token: String,
        error: Option<String>,
        cause: Option<String>,
    ) {
        let signal = Signal::TaskFailed {
            frame,
            token,
            error,
            cause,
        };
        if self.too_early(frame, &signal) {
            return;
        }
        let Signal::TaskFailed { error, cause, .. } = signal else {
            return;
        };
        if let Some((run, integration, call)) = self.take_task(frame) {
            self.emit(frame, integration.events().failed, |_| {
                integration.failed_details(&call, &error, &cause)
            });
            let err = StatesError::new(error.unwrap_or_default(), cause.unwrap_or_default());
            // A task's answer that was too large can be caught, as any error the task reports.
            self.state_failed_as(frame, run, err, false);
        }
    }

    /// A heartbeat: the heartbeat timeout starts again.
    pub(super) fn task_heartbeat(&mut self, frame: u32) {
        self.restart_heartbeat(frame);
    }

    /// The task this frame waits on, to update.
    fn task_wait_mut(&mut self, frame: u32) -> Option<&mut TaskWait> {
        let Step::Run(run) = &mut self.frames.get_mut(frame as usize)?.step else {
            return None;
        };
        let Phase::Task(wait) = &mut run.phase else {
            return None;
        };
        Some(wait)
    }

    /// The heartbeat timeout (when the state has one) counts again from now.
    fn restart_heartbeat(&mut self, frame: u32) {
        let now = self.now_ms;
        let due = self.task_wait_mut(frame).and_then(|wait| {
            let due = now + wait.request.call.heartbeat_seconds? * 1000;
            wait.heartbeat_due = Some(due);
            Some(due)
        });
        if let Some(due_ms) = due {
            self.timers.push(TimerRequest { frame, due_ms });
        }
    }

    /// A timer of the task this frame waits on fired: its timeout or heartbeat timeout, when
    /// that has passed or the timer was set for it (`due_ms`; an older heartbeat's is stale).
    pub(super) fn task_timer_fired(&mut self, frame: u32, due_ms: Option<i64>) {
        let now = self.now_ms;
        let reached = |due: Option<i64>| due.is_some_and(|d| d <= now || Some(d) == due_ms);
        let expired = self.task_wait(frame).and_then(|w| {
            if reached(w.timeout_due) {
                Some(false)
            } else if w.started && reached(w.heartbeat_due) {
                Some(true)
            } else {
                None
            }
        });
        if let Some(heartbeat) = expired {
            self.task_timed_out(frame, heartbeat);
        }
    }

    pub(super) fn task_timed_out(&mut self, frame: u32, heartbeat: bool) {
        let Some((run, integration, call)) = self.take_task(frame) else {
            return;
        };
        let error = if heartbeat {
            integration.heartbeat_error()
        } else {
            asl::error::TIMEOUT
        };
        self.emit(frame, integration.events().timed_out, |_| {
            integration.timed_out_details(&call, error)
        });
        self.state_failed(frame, run, StatesError::new(error, ""));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::interpreter::test_support::{
        after_activity_task, assert_failed_with, assert_succeeded, details, event_types, start,
    };
    use std::sync::Arc;

    use crate::interpreter::{Execution, Signal, Status};

    const ACTIVITY: &str = "arn:aws:states:us-east-1:123456789012:activity:work";

    #[test]
    fn an_unsupported_resource_fails_as_the_runtime_says() {
        let exec = start(
            json!({"StartAt": "T", "States": {"T": {
                "Type": "Task", "Resource": "arn:aws:states:::databrew:startJobRun", "End": true}}}),
            json!({}),
        );
        assert_eq!(exec.status, Status::Failed);
        assert_eq!(exec.error.as_deref(), Some(asl::error::RUNTIME));
        assert_eq!(
            exec.cause.as_deref(),
            Some("The resource 'arn:aws:states:::databrew:startJobRun' of state 'T' is not supported by this server yet")
        );
    }

    const LAMBDA: &str = "arn:aws:states:::lambda:invoke";

    #[test]
    fn a_call_this_server_makes_starts_as_it_is_scheduled_and_its_answer_ends_it() {
        let mut exec = start(
            json!({"StartAt": "T", "States": {"T": {
                "Type": "Task", "Resource": LAMBDA, "Parameters": {"FunctionName": "f"},
                "End": true}}}),
            json!({}),
        );
        let offered = exec.take_task_requests();
        assert_eq!(offered.len(), 1);
        assert_eq!(offered[0].call.region, "us-east-1");
        assert_eq!(
            serde_json::Value::Object(details(&exec, "TaskScheduled")),
            json!({"parameters": "{\"FunctionName\":\"f\"}", "region": "us-east-1",
                   "resource": "invoke", "resourceType": "lambda"})
        );
        assert_eq!(
            serde_json::Value::Object(details(&exec, "TaskStarted")),
            json!({"resource": "invoke", "resourceType": "lambda"})
        );
        assert_eq!(exec.calls_in_flight().len(), 1);
        exec.deliver(Signal::TaskSucceeded {
            frame: 0,
            token: offered[0].token.clone(),
            output: "{\"Payload\":1}".into(),
        });
        assert_succeeded(&exec, json!({"Payload": 1}));
        assert!(exec.calls_in_flight().is_empty());
    }

    #[test]
    fn a_callback_task_shows_its_token_and_takes_an_early_answer_after_its_submission() {
        let mut exec = start(
            json!({"StartAt": "T", "States": {"T": {
                "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {"QueueUrl": "q", "MessageBody": {"Token.$": "$$.Task.Token"}},
                "End": true}}}),
            json!({}),
        );
        let offered = exec.take_task_requests();
        let token = offered[0].token.clone();
        // The context object showed the token the task is named by.
        assert_eq!(
            offered[0].call.input,
            format!("{{\"QueueUrl\":\"q\",\"MessageBody\":{{\"Token\":\"{token}\"}}}}")
        );
        // The worker answered before the call's answer was recorded: it waits for it.
        exec.deliver(Signal::TaskSucceeded {
            frame: 0,
            token: token.clone(),
            output: "\"done\"".into(),
        });
        assert!(exec.is_running());
        exec.deliver(Signal::TaskSubmitted {
            frame: 0,
            token,
            output: "{\"MessageId\":\"m\"}".into(),
        });
        assert_succeeded(&exec, json!("done"));
        let types = event_types(&exec);
        let submitted = types.iter().position(|t| *t == "TaskSubmitted").unwrap();
        assert_eq!(types[submitted + 1], "TaskSucceeded");
    }

    #[test]
    fn mocked_tasks_answer_by_invocation_without_calls_and_replay_the_same() {
        let definition = json!({"StartAt": "M", "States": {"M": {
            "Type": "Map", "MaxConcurrency": 1, "End": true,
            "ItemProcessor": {"StartAt": "T", "States": {"T": {
                "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "f"},
                "Retry": [{"ErrorEquals": ["Lambda.TooManyRequestsException"], "IntervalSeconds": 1}],
                "OutputPath": "$.n", "End": true}}}}}});
        let config = crate::mocks::MockConfig::parse(
            r#"{"StateMachines": {"m": {"TestCases": {"C": {"T": "R"}}}},
                "MockedResponses": {"R": {
                  "0": {"Throw": {"Error": "Lambda.TooManyRequestsException", "Cause": "slow"}},
                  "1": {"Return": {"n": 1}}, "2": {"Return": {"n": 2}}}}}"#,
        )
        .unwrap();
        let mut info = (*crate::interpreter::test_support::info()).clone();
        info.mocks = Some(Arc::new(config.case("m", "C").unwrap()));
        let info = Arc::new(info);
        let machine = Arc::new(asl::model::parse_definition(&definition.to_string()).unwrap());
        let mut exec = Execution::start_with_resolver(
            info.clone(),
            machine.clone(),
            "[1, 2]",
            json!([1, 2]),
            true,
            None,
        );
        let mut pending = Vec::new();
        while crate::interpreter::test_support::fire_next(&mut exec, &mut pending) {}
        assert!(exec.take_task_requests().is_empty(), "no call is made");
        assert_eq!(exec.status, Status::Succeeded);
        assert_eq!(exec.output, Some(json!([1, 2])));
        let types = event_types(&exec);
        assert_eq!(types.iter().filter(|t| **t == "TaskFailed").count(), 1);
        assert_eq!(types.iter().filter(|t| **t == "TaskSucceeded").count(), 2);
        let rebuilt = Execution::replay(info, machine, exec.events.clone()).expect("replays");
        assert_eq!(rebuilt.events.len(), exec.events.len());
        assert_eq!(rebuilt.status, Status::Succeeded);
    }

    #[test]
    fn a_callback_waiting_after_its_submission_is_rebuilt_from_its_history() {
        let definition = json!({"StartAt": "T", "States": {"T": {
            "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
            "Parameters": {"FunctionName": "f", "Payload": {"t.$": "$$.Task.Token"}},
            "End": true}}});
        let mut exec = start(definition.clone(), json!({}));
        let token = exec.take_task_requests()[0].token.clone();
        assert!(!exec.waits_only_on_tokens(), "its call is not answered yet");
        exec.deliver(Signal::TaskSubmitted {
            frame: 0,
            token: token.clone(),
            output: "{}".into(),
        });
        assert!(exec.waits_only_on_tokens());
        let machine = Arc::new(asl::model::parse_definition(&definition.to_string()).unwrap());
        let mut rebuilt =
            Execution::replay(exec.info.clone(), machine, exec.events.clone()).expect("replays");
        assert!(rebuilt.waits_only_on_tokens());
        assert!(
            rebuilt.calls_in_flight().is_empty(),
            "the call is not made again"
        );
        assert_eq!(rebuilt.task_status(0, &token), Some(true));
        rebuilt.deliver(Signal::TaskSucceeded {
            frame: 0,
            token,
            output: "1".into(),
        });
        assert_succeeded(&rebuilt, json!(1));
    }

    #[test]
    fn a_task_whose_answer_was_too_large_can_be_caught() {
        let mut exec = start(
            json!({"StartAt": "T", "States": {
                "T": {"Type": "Task", "Resource": LAMBDA, "Parameters": {"FunctionName": "f"},
                      "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "C"}], "End": true},
                "C": {"Type": "Pass", "End": true}}}),
            json!({}),
        );
        let token = exec.take_task_requests()[0].token.clone();
        exec.deliver(Signal::TaskFailed {
            frame: 0,
            token,
            error: Some(asl::error::DATA_LIMIT_EXCEEDED.into()),
            cause: Some("too large".into()),
        });
        assert_succeeded(
            &exec,
            json!({"Error": "States.DataLimitExceeded", "Cause": "too large"}),
        );
    }

    #[test]
    fn an_activity_is_offered_and_its_answer_ends_the_state() {
        let mut exec = start(
            json!({"StartAt": "T", "States": {"T": {
                "Type": "Task", "Resource": ACTIVITY, "TimeoutSeconds": 30,
                "ResultPath": "$.r", "End": true}}}),
            json!({"a": 1}),
        );
        let offered = exec.take_task_requests();
        assert_eq!(offered.len(), 1);
        assert_eq!(offered[0].call.resource, ACTIVITY);
        assert_eq!(offered[0].call.input, r#"{"a":1}"#);
        assert_eq!(
            details(&exec, "ActivityScheduled")["timeoutInSeconds"],
            json!(30)
        );
        let token = offered[0].token.clone();
        // An answer for a task the frame does not wait on is ignored.
        exec.deliver(Signal::TaskSucceeded {
            frame: 0,
            token: "other".into(),
            output: "1".into(),
        });
        assert!(exec.is_running());
        exec.deliver(Signal::TaskStarted {
            frame: 0,
            token: token.clone(),
            worker_name: Some("w".into()),
        });
        exec.deliver(Signal::TaskSucceeded {
            frame: 0,
            token,
            output: r#"{"ok":true}"#.into(),
        });
        assert_succeeded(&exec, json!({"a": 1, "r": {"ok": true}}));
        assert_eq!(
            event_types(&exec),
            after_activity_task(&["ExecutionSucceeded"])
        );
    }

    #[test]
    fn a_timeout_that_is_not_positive_fails_the_state() {
        let exec = start(
            json!({"StartAt": "T", "States": {"T": {
                "Type": "Task", "Resource": ACTIVITY, "TimeoutSecondsPath": "$.t", "End": true}}}),
            json!({"t": 0}),
        );
        assert_failed_with(
            &exec,
            "The TimeoutSecondsPath parameter does not reference a positive integer: $.t == 0",
        );
    }
}
