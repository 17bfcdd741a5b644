//! CreateActivity, DescribeActivity, DeleteActivity, ListActivities.

use engine::service::Service;
use serde_json::{json, Value};

use super::pagination::{with_token, PageRequest};
use super::shapes::{read_arn, read_encryption, read_tags, required_string, ARN_MAX};
use super::{check_name, seconds, Result};
use crate::input::{Input, Violations};
use crate::RequestContext;

pub fn create_activity(service: &Service, ctx: &RequestContext, input: &Input) -> Result<Value> {
    let mut v = Violations::default();
    let name = required_string(input, "name", 80, &mut v)?;
    let tags = read_tags(input, "tags", &mut v)?;
    let encryption = read_encryption(input, &mut v)?;
    v.check()?;
    check_name(name)?;
    let activity = service.create_activity(
        &ctx.region,
        name,
        tags.unwrap_or_default(),
        encryption.as_ref(),
    )?;
    Ok(json!({
        "activityArn": activity.arn,
        "creationDate": seconds(activity.creation_ms),
    }))
}

pub fn describe_activity(service: &Service, ctx: &RequestContext, input: &Input) -> Result<Value> {
    let arn = read_arn(input, "activityArn", ARN_MAX)?;
    let activity = service.describe_activity(&ctx.region, arn)?;
    Ok(json!({
        "activityArn": activity.arn,
        "name": activity.name,
        "creationDate": seconds(activity.creation_ms),
        "encryptionConfiguration": activity
            .encryption_configuration
            .unwrap_or_else(|| json!({"type": "AWS_OWNED_KEY"})),
    }))
}

pub fn delete_activity(service: &Service, ctx: &RequestContext, input: &Input) -> Result<Value> {
    let arn = read_arn(input, "activityArn", ARN_MAX)?;
    service.delete_activity(&ctx.region, arn)?;
    Ok(json!({}))
}

pub fn list_activities(service: &Service, ctx: &RequestContext, input: &Input) -> Result<Value> {
    let page = PageRequest::read(input)?;
    let (activities, next) = page.apply(service.list_activities(&ctx.region)?)?;
    let items: Vec<Value> = activities
        .iter()
        .map(|activity| {
            json!({
                "activityArn": activity.arn,
                "name": activity.name,
                "creationDate": seconds(activity.creation_ms),
            })
        })
        .collect();
    Ok(with_token(json!({ "activities": items }), next))
}
