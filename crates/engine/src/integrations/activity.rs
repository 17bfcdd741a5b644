//! Activities: a task is offered in the activity's queue in the store, a worker takes it with
//! GetActivityTask and answers with SendTask*; recorded as the Activity* events.

use asl::StatesError;
use store::{ActivityTaskRecord, Write};

use super::{Integration, Observe, TaskCall, TaskEvents, TaskRequest};
use crate::history::{ActivityScheduled, ActivityStarted, DataDetails, EventDetails, EventType};

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

    fn starts_at_once(&self) -> bool {
        false
    }

    fn heartbeat_error(&self) -> &'static str {
        asl::error::HEARTBEAT_TIMEOUT
    }

    fn check(&self, resource: &str, observe: &mut Observe) -> Result<(), StatesError> {
        if observe(&|resolver| resolver.activity_exists(resource)) {
            return Ok(());
        }
        Err(StatesError::runtime(format!(
            "The activity {resource} does not exist."
        )))
    }

    fn scheduled_details(&self, call: &TaskCall) -> EventDetails {
        ActivityScheduled {
            input: call.input.clone(),
            input_details: DataDetails::default(),
            resource: call.resource.clone(),
            timeout_in_seconds: call.timeout_seconds,
            heartbeat_in_seconds: call.heartbeat_seconds,
        }
        .into()
    }

    fn started_details(&self, _call: &TaskCall, worker_name: Option<&str>) -> EventDetails {
        ActivityStarted {
            worker_name: worker_name.map(str::to_string),
        }
        .into()
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
