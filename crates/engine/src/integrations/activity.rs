//! Activities: a task is offered in the activity's queue in the store, a worker takes it with
//! GetActivityTask and answers with SendTask*; recorded as the Activity* events.

use asl::StatesError;
use serde_json::{json, Map, Value};
use store::{ActivityTaskRecord, Write};

use super::{Integration, Observe, TaskCall, TaskEvents, TaskRequest};
use crate::history::{error_cause_details, EventType};

#[derive(Debug)]
pub struct Activities;

static EVENTS: TaskEvents = TaskEvents {
    scheduled: EventType::ActivityScheduled,
    started: EventType::ActivityStarted,
    succeeded: EventType::ActivitySucceeded,
    failed: EventType::ActivityFailed,
    timed_out: EventType::ActivityTimedOut,
};

/// Whether this server runs the activity of this name: activity names hold no `:` (the ARN's
/// resource is `activity:NAME`, nothing after).
pub(super) fn serves(name: &str) -> bool {
    !name.contains(':')
}

impl Integration for Activities {
    fn events(&self) -> &'static TaskEvents {
        &EVENTS
    }

    fn check(&self, resource: &str, observe: &mut Observe) -> Result<(), StatesError> {
        if observe(&|resolver| resolver.activity_exists(resource)) {
            return Ok(());
        }
        Err(StatesError::runtime(format!(
            "The activity {resource} does not exist."
        )))
    }

    fn scheduled_details(&self, call: &TaskCall) -> Map<String, Value> {
        let mut d = Map::new();
        d.insert("input".into(), Value::String(call.input.clone()));
        d.insert("inputDetails".into(), json!({"truncated": false}));
        d.insert("resource".into(), Value::String(call.resource.clone()));
        if let Some(t) = call.timeout_seconds {
            d.insert("timeoutInSeconds".into(), json!(t));
        }
        if let Some(h) = call.heartbeat_seconds {
            d.insert("heartbeatInSeconds".into(), json!(h));
        }
        d
    }

    fn started_details(&self, worker_name: Option<&str>) -> Map<String, Value> {
        let mut d = Map::new();
        if let Some(w) = worker_name {
            d.insert("workerName".into(), Value::String(w.to_string()));
        }
        d
    }

    fn succeeded_details(&self, output: &str) -> Map<String, Value> {
        let mut d = Map::new();
        d.insert("output".into(), Value::String(output.to_string()));
        d.insert("outputDetails".into(), json!({"truncated": false}));
        d
    }

    fn failed_details(&self, error: &Option<String>, cause: &Option<String>) -> Map<String, Value> {
        error_cause_details(error, cause)
    }

    fn timed_out_details(&self, error: &str) -> Map<String, Value> {
        let mut d = Map::new();
        d.insert("error".into(), Value::String(error.into()));
        d
    }

    fn offer(&self, execution_arn: &str, request: TaskRequest) -> Option<Write> {
        Some(Write::PushActivityTask(ActivityTaskRecord {
            activity_arn: request.call.resource,
            execution_arn: execution_arn.to_string(),
            frame: request.frame,
            token: request.token,
            input: request.call.input,
        }))
    }
}
