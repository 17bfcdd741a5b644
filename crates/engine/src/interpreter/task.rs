//! Task: its effective input handed to the integration its resource names (see
//! `crate::integrations`), and the wait for the answer. Nothing here knows which integration
//! it is: the integration names the events and their details.

use asl::model::{NumberField, TaskSpec};
use asl::StatesError;
use serde_json::Value;

use super::at::At;
use super::context::Ctx;
use super::data_flow::{compact, effective_task_input, evaluate_field};
use super::frame::{Phase, Running, Step, TaskWait, TimerRequest};
use super::work::Work;
use super::Execution;
use crate::integrations::{integration_for, Integration, TaskCall, TaskRequest, TaskResolver};

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
    Ok(Work::StartTask {
        integration,
        call: TaskCall {
            resource: spec.resource.clone(),
            input: compact(&effective),
            timeout_seconds,
            heartbeat_seconds,
        },
    })
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
        self.frames
            .iter()
            .filter_map(|f| match &f.step {
                Step::Run(r) => match &r.phase {
                    Phase::Task(w) if !w.started => Some(w.request.clone()),
                    _ => None,
                },
                _ => None,
            })
            .collect()
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
    /// waited on.
    pub(super) fn take_task(
        &mut self,
        frame: u32,
    ) -> Option<(Box<Running>, &'static dyn Integration)> {
        let integration = self.task_wait(frame)?.integration;
        let Step::Run(mut run) =
            std::mem::replace(&mut self.frames[frame as usize].step, Step::Cancelled)
        else {
            return None;
        };
        run.phase = Phase::Start;
        Some((run, integration))
    }

    pub(super) fn schedule_task(
        &mut self,
        f: u32,
        mut run: Box<Running>,
        integration: &'static dyn Integration,
        call: TaskCall,
    ) {
        let scheduled_id = self.emit(f, integration.events().scheduled, |_| {
            integration.scheduled_details(&call)
        });
        let token = crate::tasks::make_token(&self.info.execution_arn, f, scheduled_id);
        let timeout_due = call.timeout_seconds.map(|t| self.now_ms + t * 1000);
        if let Some(due_ms) = timeout_due {
            self.timers.push(TimerRequest { frame: f, due_ms });
        }
        let request = TaskRequest {
            frame: f,
            token,
            call,
        };
        self.task_requests.push(request.clone());
        run.phase = Phase::Task(Box::new(TaskWait {
            request,
            integration,
            started: false,
            timeout_due,
            heartbeat_due: None,
        }));
        self.frames[f as usize].step = Step::Run(run);
    }

    pub(super) fn task_started(&mut self, frame: u32, worker_name: Option<String>) {
        let Some(integration) = self
            .task_wait(frame)
            .filter(|w| !w.started)
            .map(|w| w.integration)
        else {
            return;
        };
        self.emit(frame, integration.events().started, |_| {
            integration.started_details(worker_name.as_deref())
        });
        if let Some(w) = self.task_wait_mut(frame) {
            w.started = true;
        }
        self.restart_heartbeat(frame);
    }

    /// The task answered with its output (JSON text).
    pub(super) fn task_succeeded(&mut self, frame: u32, output: String) {
        if let Some((run, integration)) = self.take_task(frame) {
            self.emit(frame, integration.events().succeeded, |_| {
                integration.succeeded_details(&output)
            });
            let result = serde_json::from_str(&output).unwrap_or(Value::Null);
            self.finish_with_result(frame, run, result);
        }
    }

    pub(super) fn task_failed(&mut self, frame: u32, error: Option<String>, cause: Option<String>) {
        if let Some((run, integration)) = self.take_task(frame) {
            self.emit(frame, integration.events().failed, |_| {
                integration.failed_details(&error, &cause)
            });
            let err = StatesError::new(error.unwrap_or_default(), cause.unwrap_or_default());
            self.state_failed(frame, run, err);
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
    /// that has passed.
    pub(super) fn task_timer_fired(&mut self, frame: u32) {
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

    pub(super) fn task_timed_out(&mut self, frame: u32, heartbeat: bool) {
        let Some((run, integration)) = self.take_task(frame) else {
            return;
        };
        let error = if heartbeat {
            asl::error::HEARTBEAT_TIMEOUT
        } else {
            asl::error::TIMEOUT
        };
        self.emit(frame, integration.events().timed_out, |_| {
            integration.timed_out_details(error)
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
    use crate::interpreter::{Signal, Status};

    const ACTIVITY: &str = "arn:aws:states:us-east-1:123456789012:activity:work";

    #[test]
    fn an_unsupported_resource_fails_as_the_runtime_says() {
        let exec = start(
            json!({"StartAt": "T", "States": {"T": {
                "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}}}),
            json!({}),
        );
        assert_eq!(exec.status, Status::Failed);
        assert_eq!(exec.error.as_deref(), Some(asl::error::RUNTIME));
        assert_eq!(
            exec.cause.as_deref(),
            Some("The resource 'arn:aws:states:::sqs:sendMessage' of state 'T' is not supported by this server yet")
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
