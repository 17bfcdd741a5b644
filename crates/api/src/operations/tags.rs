//! TagResource, UntagResource, ListTagsForResource.

use engine::service::Service;
use serde_json::{json, Value};

use super::shapes::{read_arn, read_tag_keys, read_tags, required_string, tags_json, ARN_MAX};
use super::Result;
use crate::input::{Input, Violations};
use crate::RequestContext;

pub fn tag_resource(service: &Service, ctx: &RequestContext, input: &Input) -> Result<Value> {
    let mut v = Violations::default();
    let arn = required_string(input, "resourceArn", ARN_MAX, &mut v)?;
    let tags = read_tags(input, "tags", &mut v)?;
    v.required("tags", tags.is_some());
    v.check()?;
    service.tag_resource(&ctx.region, arn, tags.unwrap_or_default())?;
    Ok(json!({}))
}

pub fn untag_resource(service: &Service, ctx: &RequestContext, input: &Input) -> Result<Value> {
    let mut v = Violations::default();
    let arn = required_string(input, "resourceArn", ARN_MAX, &mut v)?;
    let keys = read_tag_keys(input, "tagKeys", &mut v)?;
    v.required("tagKeys", keys.is_some());
    v.check()?;
    service.untag_resource(&ctx.region, arn, &keys.unwrap_or_default())?;
    Ok(json!({}))
}

pub fn list_tags_for_resource(
    service: &Service,
    ctx: &RequestContext,
    input: &Input,
) -> Result<Value> {
    let arn = read_arn(input, "resourceArn", ARN_MAX)?;
    let tags = service.list_tags_for_resource(&ctx.region, arn)?;
    Ok(json!({ "tags": tags_json(&tags) }))
}
