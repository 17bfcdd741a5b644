//! What a state's evaluation sees: the frame's variables, the context object, the recorded
//! non-deterministic values, and (TestState only) what is supplied and inspected.

use std::collections::VecDeque;

use asl::model::StateKind;
use asl::resource::CallPattern;
use asl::{Environment, Variables};
use serde_json::{json, Map, Value};

use super::frame::{ExecutionInfo, Frame, Running};
use super::inspection::{Inspection, Supplied};
use crate::integrations::TaskResolver;

/// Records non-deterministic values, or plays back recorded ones during a replay.
pub(super) struct RecordingEnv<'a> {
    pub(super) replay: &'a mut VecDeque<Value>,
    pub(super) drawn: &'a mut Vec<Value>,
    pub(super) now_ms: i64,
}

impl RecordingEnv<'_> {
    /// A fact about the outside world, asked live or played back from the record.
    pub(super) fn observe_bool(&mut self, live: impl FnOnce() -> bool) -> bool {
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
pub(super) struct FrameVars<'a> {
    pub(super) frames: &'a [Frame],
    pub(super) frame: u32,
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

/// What a state's evaluation sees.
pub(crate) struct Ctx<'a> {
    pub(super) frames: &'a [Frame],
    pub(super) frame: u32,
    pub(super) info: &'a ExecutionInfo,
    pub(super) exec_input: &'a Value,
    pub(super) env: RecordingEnv<'a>,
    /// TestState only: what it supplies in place of an execution's surroundings.
    pub(super) supplied: Option<&'a Supplied>,
    /// TestState only: the record of each step of the data flow, as the evaluation computes it.
    pub(super) inspection: Option<&'a mut Inspection>,
    /// Answers questions about the outside world (executions only).
    pub(super) resolver: Option<&'a dyn TaskResolver>,
    /// The id the frame's next event gets (0 in hidden frames).
    pub(super) next_event_id: u64,
    /// The index of the rule a Choice state's evaluation matched.
    pub(super) chosen_rule: Option<usize>,
}

impl<'a> Ctx<'a> {
    pub(super) fn vars(&self) -> FrameVars<'a> {
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
        let mut task_token = None;
        if let StateKind::Task(spec) = &run.state.kind {
            state.insert("RetryCount".into(), json!(run.retry_count));
            if spec.target.pattern == CallPattern::WaitForTaskToken {
                // The token names the event that will schedule the task: the next one.
                task_token = Some(crate::tasks::make_token(
                    &info.execution_arn,
                    self.frame,
                    self.next_event_id,
                ));
            }
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
        if let Some(token) = task_token {
            ctx.insert("Task".into(), json!({ "Token": token }));
        }
        if let Some((index, value)) = map_item {
            ctx.insert(
                "Map".into(),
                json!({"Item": {"Index": index, "Value": value}}),
            );
        }
        Value::Object(ctx)
    }
}
