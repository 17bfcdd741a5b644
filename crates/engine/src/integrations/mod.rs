//! What a Task state calls, behind one seam.
//!
//! The interpreter reads a Task's resource, asks [`integration_for`] which integration serves
//! it, and from then on works with a generic [`TaskCall`] / [`TaskRequest`] and the events the
//! integration names ([`TaskEvents`]); it performs no I/O. The runtime hands each request it is
//! given to its integration ([`offer`]), which turns it into what the store keeps for the world
//! to take up (an activity task in its queue). A new integration implements [`Integration`] in
//! a module of its own here and is named in [`integration_for`].

pub mod activity;
mod apigateway;
mod aws_sdk;
mod calls;
mod http;
mod jobs;
mod lambda;
mod services;
mod task_family;

use crate::history::{EventDetails, EventType};
use asl::resource::{ResourceKind, TaskResource};
use asl::StatesError;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::future::Future;
use std::pin::Pin;

pub use calls::Outcome;

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
    /// The effective input (the parameters of a service call), as JSON text.
    pub input: String,
    pub timeout_seconds: Option<i64>,
    pub heartbeat_seconds: Option<i64>,
    /// The region the execution runs in (calls go to services there).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub region: String,
    /// The Task's `Credentials`, evaluated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<Value>,
}

impl TaskCall {
    pub fn target(&self) -> TaskResource {
        TaskResource::parse(&self.resource)
    }

    /// The role the Task's `Credentials` name, to assume for its calls.
    pub fn role_arn(&self) -> Option<String> {
        self.credentials
            .as_ref()?
            .get("roleArn")?
            .as_str()
            .map(str::to_string)
    }

    /// The call of a service's operation this task makes: in the execution's region, under
    /// the role its `Credentials` name, the results in PascalCase, bounded by the task's
    /// TimeoutSeconds and a little more (its timer ends the task first).
    pub fn service_call(&self, service: &str, operation: &str, input: Value) -> aws::Call {
        aws::Call {
            service: service.to_string(),
            operation: operation.to_string(),
            input,
            region: self.region.clone(),
            pascal_case: true,
            timeout: self
                .timeout_seconds
                .map(|s| std::time::Duration::from_secs(s as u64 + 5)),
            role_arn: self.role_arn(),
            checksums: false,
        }
    }

    /// A call made on the task's behalf besides its own (a poll of its job, a lookup it needs):
    /// as [`TaskCall::service_call`], bounded by 30 seconds.
    pub fn side_call(&self, service: &str, operation: &str, input: Value) -> aws::Call {
        aws::Call {
            timeout: Some(std::time::Duration::from_secs(30)),
            ..self.service_call(service, operation, input)
        }
    }

    /// The effective input, parsed.
    pub fn parameters(&self) -> Value {
        serde_json::from_str(&self.input).unwrap_or(Value::Null)
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
pub trait Integration: std::fmt::Debug + Send + Sync {
    fn events(&self) -> &'static TaskEvents;
    /// What must hold before the task is scheduled (the activity exists), asked of the world
    /// through `observe`.
    fn check(&self, _resource: &str, _observe: &mut Observe) -> Result<(), StatesError> {
        Ok(())
    }
    /// Whether the task starts as soon as it is scheduled (a call this server makes) rather
    /// than when a worker takes it up.
    fn starts_at_once(&self) -> bool {
        true
    }
    /// The details of the scheduled event.
    fn scheduled_details(&self, call: &TaskCall) -> EventDetails;
    fn started_details(&self, call: &TaskCall, worker_name: Option<&str>) -> EventDetails;
    /// `.waitForTaskToken` and `.sync`: the call was made and the task now waits.
    fn submitted_details(&self, call: &TaskCall, output: &str) -> EventDetails {
        self.succeeded_details(call, output)
    }
    /// The Activity* and LambdaFunction* families show the output alone; the Task* family
    /// overrides these (`task_family`).
    fn succeeded_details(&self, _call: &TaskCall, output: &str) -> EventDetails {
        crate::history::Succeeded::new(output.to_string()).into()
    }
    fn failed_details(
        &self,
        _call: &TaskCall,
        error: &Option<String>,
        cause: &Option<String>,
    ) -> EventDetails {
        crate::history::ErrorCause::new(error.clone(), cause.clone()).into()
    }
    fn timed_out_details(&self, _call: &TaskCall, error: &str) -> EventDetails {
        crate::history::ErrorCause::new(Some(error.to_string()), None).into()
    }
    /// What the store keeps of a scheduled task so the world can take it up (activities).
    fn offer(&self, _execution_arn: &str, _request: TaskRequest) -> Option<store::Write> {
        None
    }
    /// The call this server makes for the task; None when the world takes the task up
    /// (activities), an outcome when the parameters cannot make a call.
    fn call(&self, _task: &TaskCall) -> Option<Result<aws::Call, Outcome>> {
        None
    }
    /// What the service's answer means for the task.
    fn answered(&self, task: &TaskCall, answer: Result<aws::Reply, aws::Failure>) -> Outcome {
        let _ = (task, answer);
        Outcome::failed(asl::error::RUNTIME, "this integration makes no calls")
    }
    /// Makes the task's call with `caller` and says what came of it: by default the one AWS
    /// call of [`Integration::call`], read by [`Integration::answered`]. None when the world
    /// takes the task up (activities).
    fn run<'a>(
        &'a self,
        task: &'a TaskCall,
        caller: &'a dyn aws::Caller,
    ) -> Option<Pin<Box<dyn Future<Output = Outcome> + Send + 'a>>> {
        let call = self.call(task)?;
        Some(Box::pin(async move {
            match call {
                Err(outcome) => outcome,
                Ok(call) => self.answered(task, caller.call(call).await),
            }
        }))
    }
    /// `.sync`: the call that asks whether the job a submitted task started has ended.
    fn poll(&self, _task: &TaskCall, _submitted: &Value) -> Option<aws::Call> {
        None
    }
    /// What the answer to a poll says: None while the job runs.
    fn polled(
        &self,
        _task: &TaskCall,
        _answer: Result<aws::Reply, aws::Failure>,
    ) -> Option<Outcome> {
        None
    }
    /// The error of a task whose heartbeat stopped: `States.Timeout` for the calls this server
    /// makes (as AWS records it), `States.HeartbeatTimeout` for activities.
    fn heartbeat_error(&self) -> &'static str {
        asl::error::TIMEOUT
    }
    /// How `States.DataLimitExceeded` names the task when its result is too large.
    fn limit_name(&self, task: &TaskCall) -> String {
        task.resource.clone()
    }
}

/// The integration that serves a resource; None when this server does not call it.
pub fn integration_for(resource: &TaskResource) -> Option<&'static dyn Integration> {
    match &resource.kind {
        ResourceKind::Activity { name, .. } if activity::serves(name) => {
            Some(&activity::Activities)
        }
        ResourceKind::LambdaFunction { .. } => Some(&lambda::LambdaFunctions),
        ResourceKind::Service { service, action }
            if service == "apigateway"
                && action == "invoke"
                && matches!(
                    resource.pattern,
                    asl::resource::CallPattern::RequestResponse
                        | asl::resource::CallPattern::WaitForTaskToken
                ) =>
        {
            Some(&apigateway::ApiGateway)
        }
        ResourceKind::Service { service, action } => {
            services::serves(service, action, resource.pattern)
        }
        ResourceKind::AwsSdk { service, .. } => aws_sdk::serves(service, resource.pattern),
        ResourceKind::Http if resource.pattern == asl::resource::CallPattern::RequestResponse => {
            Some(&http::Http)
        }
        _ => None,
    }
}

/// The service model and operation whose output a Task's result is (an optimized action's, an
/// `aws-sdk:` call's), for checking a mocked result; None for callbacks, activities, Lambda
/// function ARNs and what no model describes.
pub fn output_operation(resource: &TaskResource) -> Option<(&'static str, String)> {
    match &resource.kind {
        ResourceKind::Service { service, action } => {
            services::output_operation(service, action, resource.pattern)
                .map(|(m, op)| (m, op.to_string()))
        }
        ResourceKind::AwsSdk { service, action }
            if resource.pattern == asl::resource::CallPattern::RequestResponse =>
        {
            Some((aws_sdk::model_for(service)?, action.clone()))
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
                region: "us-east-1".into(),
                credentials: None,
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
    fn calls_are_served_and_made_here_not_offered() {
        for resource in [
            "arn:aws:states:::lambda:invoke",
            "arn:aws:lambda:us-east-1:123456789012:function:f",
            "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "arn:aws:states:::aws-sdk:dynamodb:getItem",
            "arn:aws:states:::apigateway:invoke",
            "arn:aws:states:::apigateway:invoke.waitForTaskToken",
        ] {
            let integration = integration_for(&TaskResource::parse(resource)).expect(resource);
            assert!(integration.starts_at_once(), "{resource}");
            assert!(offer("arn:exec", request(resource)).is_none(), "{resource}");
        }
    }

    #[test]
    fn other_resources_are_not_served() {
        for resource in [
            "arn:aws:states:::apigateway:invoke.sync",
            "arn:aws:states:::http:invoke.sync",
            "arn:aws:states:::dynamodb:getItem.sync",
            "arn:aws:states:::aws-sdk:nosuchservice:doIt",
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
