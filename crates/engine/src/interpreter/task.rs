//! Task: its effective input handed to what it calls (activities for now), and the wait for
//! the answer.

use asl::model::{NumberField, State, TaskSpec};
use asl::StatesError;
use serde_json::{json, Map, Value};

use super::context::Ctx;
use super::data_flow::{compact, effective_task_input, evaluate_field};
use super::frame::{Phase, Running, Step, TaskWait, TimerRequest};
use super::work::Work;
use super::Execution;

pub(super) fn evaluate(
    ctx: &mut Ctx,
    run: &Running,
    state: &State,
    context: &Value,
    spec: &TaskSpec,
) -> Result<Work, StatesError> {
    let effective = effective_task_input(ctx, run, state, context)?;
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
    Ok(Work::StartActivity {
        activity_arn: spec.resource.clone(),
        effective_input: effective,
        timeout_seconds,
        heartbeat_seconds,
    })
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

impl Execution {
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

    pub(super) fn task_wait(&self, frame: u32) -> Option<&TaskWait> {
        match &self.frames.get(frame as usize)?.step {
            Step::Run(r) => match &r.phase {
                Phase::Task(w) => Some(w),
                _ => None,
            },
            _ => None,
        }
    }

    /// Takes a frame out of its task wait, to end the Task state.
    pub(super) fn take_task(&mut self, frame: u32) -> Option<Box<Running>> {
        self.task_wait(frame)?;
        let Step::Run(mut run) =
            std::mem::replace(&mut self.frames[frame as usize].step, Step::Cancelled)
        else {
            return None;
        };
        run.phase = Phase::Start;
        Some(run)
    }

    pub(super) fn schedule_activity(
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

    pub(super) fn task_started(&mut self, frame: u32, worker_name: Option<String>) {
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

    pub(super) fn task_timed_out(&mut self, frame: u32, heartbeat: bool) {
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
}
