//! GetActivityTask, SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat.

use engine::service::Service;
use serde_json::{json, Value};

use super::shapes::{required_string, ARN_MAX};
use super::Result;
use crate::input::{Input, Violations};
use crate::RequestContext;

/// The model's limit on a task token's length.
const TOKEN_MAX: usize = 2048;

pub async fn get_activity_task(
    service: &Service,
    ctx: &RequestContext,
    input: &Input<'_>,
) -> Result<Value> {
    let mut v = Violations::default();
    let arn = required_string(input, "activityArn", ARN_MAX, &mut v)?;
    let worker = input.opt_str("workerName")?;
    v.length("workerName", worker, 1, 80);
    v.check()?;
    match service
        .get_activity_task(&ctx.region, arn, worker.map(str::to_string))
        .await?
    {
        Some(task) => Ok(json!({"taskToken": task.task_token, "input": task.input})),
        None => Ok(json!({})),
    }
}

fn token<'a>(input: &Input<'a>, v: &mut Violations) -> Result<&'a str> {
    required_string(input, "taskToken", TOKEN_MAX, v)
}

pub fn send_task_success(service: &Service, input: &Input) -> Result<Value> {
    let mut v = Violations::default();
    let token = token(input, &mut v)?;
    let output = required_string(input, "output", 262_144, &mut v)?;
    v.check()?;
    service.send_task_success(token, output)?;
    Ok(json!({}))
}

pub fn send_task_failure(service: &Service, input: &Input) -> Result<Value> {
    let mut v = Violations::default();
    let token = token(input, &mut v)?;
    let error = input.opt_str("error")?;
    let cause = input.opt_str("cause")?;
    v.length("error", error, 0, 256);
    v.length("cause", cause, 0, 32_768);
    v.check()?;
    service.send_task_failure(token, error.map(str::to_string), cause.map(str::to_string))?;
    Ok(json!({}))
}

pub fn send_task_heartbeat(service: &Service, input: &Input) -> Result<Value> {
    let mut v = Violations::default();
    let token = token(input, &mut v)?;
    v.check()?;
    service.send_task_heartbeat(token)?;
    Ok(json!({}))
}
