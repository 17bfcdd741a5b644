//! GetActivityTask, SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat.

use engine::service::Service;

use super::shapes::{optional_string, read_error_and_cause, required_string, ARN_MAX};
use super::{EmptyOutput, Request, Result};
use crate::input::{Input, Violations};
use crate::RequestContext;

/// The model's limit on a task token's length.
const TOKEN_MAX: usize = 2048;

request! {
    pub struct GetActivityTaskInput {
        pub activity_arn: String = arn.to_string(),
        pub worker_name: Option<String> = worker.map(str::to_string),
    }
    read(input) {
        let mut v = Violations::default();
        let arn = required_string(input, "activityArn", ARN_MAX, &mut v)?;
        let worker = optional_string(input, "workerName", (1, 80), &mut v)?;
        v.check()?;
    }
}

response! {
    /// Empty (`{}`) when no task came before the long poll ended.
    pub struct GetActivityTaskOutput {
        pub task_token: Option<String>,
        pub input: Option<String>,
    }
}

pub async fn get_activity_task(
    service: &Service,
    ctx: &RequestContext,
    request: GetActivityTaskInput,
) -> Result<GetActivityTaskOutput> {
    let task = service
        .get_activity_task(&ctx.region, &request.activity_arn, request.worker_name)
        .await?;
    Ok(match task {
        Some(task) => GetActivityTaskOutput {
            task_token: Some(task.task_token),
            input: Some(task.input),
        },
        None => GetActivityTaskOutput {
            task_token: None,
            input: None,
        },
    })
}

fn token<'a>(input: &Input<'a>, v: &mut Violations) -> Result<&'a str> {
    required_string(input, "taskToken", TOKEN_MAX, v)
}

request! {
    pub struct SendTaskSuccessInput {
        pub task_token: String = token.to_string(),
        pub output: String = output.to_string(),
    }
    read(input) {
        let mut v = Violations::default();
        let token = token(input, &mut v)?;
        let output = required_string(input, "output", 262_144, &mut v)?;
        v.check()?;
    }
}

pub fn send_task_success(service: &Service, request: SendTaskSuccessInput) -> Result<EmptyOutput> {
    service.send_task_success(&request.task_token, &request.output)?;
    Ok(EmptyOutput {})
}

request! {
    pub struct SendTaskFailureInput {
        pub task_token: String = token.to_string(),
        pub error: Option<String> = error,
        pub cause: Option<String> = cause,
    }
    read(input) {
        let mut v = Violations::default();
        let token = token(input, &mut v)?;
        let (error, cause) = read_error_and_cause(input, &mut v)?;
        v.check()?;
    }
}

pub fn send_task_failure(service: &Service, request: SendTaskFailureInput) -> Result<EmptyOutput> {
    service.send_task_failure(&request.task_token, request.error, request.cause)?;
    Ok(EmptyOutput {})
}

request! {
    pub struct SendTaskHeartbeatInput {
        pub task_token: String = token.to_string(),
    }
    read(input) {
        let mut v = Violations::default();
        let token = token(input, &mut v)?;
        v.check()?;
    }
}

pub fn send_task_heartbeat(
    service: &Service,
    request: SendTaskHeartbeatInput,
) -> Result<EmptyOutput> {
    service.send_task_heartbeat(&request.task_token)?;
    Ok(EmptyOutput {})
}
