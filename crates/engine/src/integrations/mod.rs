//! What a Task state calls, behind one seam.
//!
//! The interpreter reads a Task's resource, asks [`integration_for`] which integration serves
//! it, and from then on works with a generic [`TaskCall`] / [`TaskRequest`] and the events the
//! integration names ([`TaskEvents`]); it performs no I/O. The runtime hands each request it is
//! given to its integration ([`offer`]), which turns it into what the store keeps for the world
//! to take up (an activity task in its queue). A new integration implements [`Integration`] in
//! a module of its own here and is named in [`integration_for`].

pub mod activity;

use crate::history::{EventDetails, EventType};
use asl::resource::{ResourceKind, TaskResource};
use asl::StatesError;
use serde::{Deserialize, Serialize};

/// What the engine asks of the world outside the language while it runs: for now, whether an
/// activity exists. Answers are recorded with the event they lead to, so replays see the same.
pub trait TaskResolver: Send + Sync {
    fn activity_exists(&self, activity_arn: &str) -> bool;
}

/// Asks the world one question through the resolver; the interpreter records the answer.
pub type Observe<'a> = dyn FnMut(&dyn Fn(&dyn TaskResolver) -> bool) -> bool + 'a;

/// The history events an integration records over a task's life (the Activity*, LambdaFunction*
/// or Task* family).
#[derive(Debug)]
pub struct TaskEvents {
    pub scheduled: EventType,
    pub started: EventType,
    pub succeeded: EventType,
    pub failed: EventType,
    pub timed_out: EventType,
}

/// What a Task state calls, once its input and timeouts are evaluated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskCall {
    /// The Task's `Resource` as written; [`TaskCall::target`] reads its kind and call pattern.
    pub resource: String,
    /// The effective input, as JSON text.
    pub input: String,
    pub timeout_seconds: Option<i64>,
    pub heartbeat_seconds: Option<i64>,
}

impl TaskCall {
    pub fn target(&self) -> TaskResource {
        TaskResource::parse(&self.resource)
    }
}

/// A task an execution waits on: the call, and the frame and token that name the wait.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskRequest {
    pub frame: u32,
    pub token: String,
    #[serde(flatten)]
    pub call: TaskCall,
}

/// One kind of thing a Task calls.
pub trait Integration: std::fmt::Debug + Sync {
    fn events(&self) -> &'static TaskEvents;
    /// What must hold before the task is scheduled (the activity exists), asked of the world
    /// through `observe`.
    fn check(&self, resource: &str, observe: &mut Observe) -> Result<(), StatesError>;
    /// The details of the scheduled event.
    fn scheduled_details(&self, call: &TaskCall) -> EventDetails;
    fn started_details(&self, worker_name: Option<&str>) -> EventDetails;
    fn succeeded_details(&self, output: &str) -> EventDetails;
    fn failed_details(&self, error: &Option<String>, cause: &Option<String>) -> EventDetails;
    fn timed_out_details(&self, error: &str) -> EventDetails;
    /// What the store keeps of a scheduled task so the world can take it up.
    fn offer(&self, execution_arn: &str, request: TaskRequest) -> Option<store::Write>;
}

/// The integration that serves a resource; None when this server does not call it yet.
pub fn integration_for(resource: &TaskResource) -> Option<&'static dyn Integration> {
    match &resource.kind {
        ResourceKind::Activity { name, .. } if activity::serves(name) => {
            Some(&activity::Activities)
        }
        _ => None,
    }
}

/// What the store keeps of a task an execution asked for.
pub fn offer(execution_arn: &str, request: TaskRequest) -> Option<store::Write> {
    integration_for(&request.call.target())?.offer(execution_arn, request)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACTIVITY: &str = "arn:aws:states:us-east-1:123456789012:activity:work";

    fn request(resource: &str) -> TaskRequest {
        TaskRequest {
            frame: 2,
            token: "t".into(),
            call: TaskCall {
                resource: resource.into(),
                input: "{}".into(),
                timeout_seconds: Some(5),
                heartbeat_seconds: None,
            },
        }
    }

    #[test]
    fn activities_are_served_and_offered_in_their_queue() {
        let integration = integration_for(&TaskResource::parse(ACTIVITY)).expect("served");
        assert_eq!(integration.events().scheduled.as_str(), "ActivityScheduled");
        match offer("arn:exec", request(ACTIVITY)) {
            Some(store::Write::PushActivityTask(task)) => {
                assert_eq!(
                    (task.activity_arn.as_str(), task.frame, task.token.as_str()),
                    (ACTIVITY, 2, "t")
                );
            }
            _ => panic!("an activity task is queued"),
        }
    }

    #[test]
    fn other_resources_are_not_served_yet() {
        for resource in [
            "arn:aws:states:::lambda:invoke",
            "arn:aws:lambda:us-east-1:123456789012:function:f",
            "arn:aws:states:::http:invoke",
            "arn:aws:states:us-east-1:123456789012:activity:a:b",
        ] {
            assert!(
                integration_for(&TaskResource::parse(resource)).is_none(),
                "{resource}"
            );
            assert!(offer("arn:exec", request(resource)).is_none(), "{resource}");
        }
    }

    #[test]
    fn a_task_request_round_trips_through_json() {
        let text = serde_json::to_string(&request(ACTIVITY)).unwrap();
        assert_eq!(
            serde_json::from_str::<TaskRequest>(&text).unwrap(),
            request(ACTIVITY)
        );
    }
}
