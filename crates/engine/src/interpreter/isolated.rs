//! One state evaluated outside any execution, as TestState runs it.

use std::collections::VecDeque;
use std::sync::Arc;

use asl::model::{State, StateMachine};
use serde_json::{Map, Value};

use super::context::{Ctx, RecordingEnv};
use super::frame::{ExecutionInfo, Frame, Phase, Running, Step};
use super::inspection::{Inspection, Supplied};

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
            mocks: None,
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
            next_event_id: 0,
            chosen_rule: None,
        };
        (ctx, &mut self.run)
    }
}
