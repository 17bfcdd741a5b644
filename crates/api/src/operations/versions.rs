//! PublishStateMachineVersion, ListStateMachineVersions, DeleteStateMachineVersion.

use engine::service::Service;
use serde_json::{json, Value};

use super::pagination::{read_arn_and_page, with_token};
use super::shapes::{read_arn, required_string, ARN_MAX, DESCRIPTION_MAX, LONG_ARN_MAX};
use super::{seconds, Result};
use crate::input::{Input, Violations};
use crate::RequestContext;

pub fn publish_state_machine_version(
    service: &Service,
    ctx: &RequestContext,
    input: &Input,
) -> Result<Value> {
    let mut v = Violations::default();
    let arn = required_string(input, "stateMachineArn", ARN_MAX, &mut v)?;
    let revision_id = input.opt_str("revisionId")?;
    let description = input.opt_str("description")?;
    v.sensitive_length("description", description, 0, DESCRIPTION_MAX);
    v.check()?;
    let version = service.publish_state_machine_version(
        &ctx.region,
        arn,
        revision_id,
        description.map(str::to_string),
    )?;
    Ok(json!({
        "creationDate": seconds(version.creation_ms),
        "stateMachineVersionArn": version.arn,
    }))
}

pub fn list_state_machine_versions(
    service: &Service,
    ctx: &RequestContext,
    input: &Input,
) -> Result<Value> {
    let (arn, page) = read_arn_and_page(input, "stateMachineArn", ARN_MAX)?;
    let (versions, next) = page.apply(service.list_state_machine_versions(&ctx.region, arn)?)?;
    let items: Vec<Value> = versions
        .iter()
        .map(|version| {
            json!({
                "stateMachineVersionArn": version.arn,
                "creationDate": seconds(version.creation_ms),
            })
        })
        .collect();
    Ok(with_token(json!({ "stateMachineVersions": items }), next))
}

pub fn delete_state_machine_version(
    service: &Service,
    ctx: &RequestContext,
    input: &Input,
) -> Result<Value> {
    let arn = read_arn(input, "stateMachineVersionArn", LONG_ARN_MAX)?;
    service.delete_state_machine_version(&ctx.region, arn)?;
    Ok(json!({}))
}
