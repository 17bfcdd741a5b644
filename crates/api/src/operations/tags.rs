//! TagResource, UntagResource, ListTagsForResource.

use engine::service::Service;
use serde::Serialize;

use super::shapes::{read_arn, read_tag_keys, read_tags, required_string, Tag, ARN_MAX};
use super::{EmptyOutput, Request, Result};
use crate::input::{Input, Violations};
use crate::RequestContext;

request! {
    pub struct TagResourceInput {
        pub resource_arn: String = resource_arn.to_string(),
        pub tags: Vec<(String, String)> = tags.unwrap_or_default(),
    }
    read(input) {
        let mut v = Violations::default();
        let resource_arn = required_string(input, "resourceArn", ARN_MAX, &mut v)?;
        let tags = read_tags(input, "tags", &mut v)?;
        v.required("tags", tags.is_some());
        v.check()?;
    }
}

pub fn tag_resource(
    service: &Service,
    ctx: &RequestContext,
    request: TagResourceInput,
) -> Result<EmptyOutput> {
    service.tag_resource(&ctx.region, &request.resource_arn, request.tags)?;
    Ok(EmptyOutput {})
}

request! {
    pub struct UntagResourceInput {
        pub resource_arn: String = resource_arn.to_string(),
        pub tag_keys: Vec<String> = tag_keys.unwrap_or_default(),
    }
    read(input) {
        let mut v = Violations::default();
        let resource_arn = required_string(input, "resourceArn", ARN_MAX, &mut v)?;
        let tag_keys = read_tag_keys(input, "tagKeys", &mut v)?;
        v.required("tagKeys", tag_keys.is_some());
        v.check()?;
    }
}

pub fn untag_resource(
    service: &Service,
    ctx: &RequestContext,
    request: UntagResourceInput,
) -> Result<EmptyOutput> {
    service.untag_resource(&ctx.region, &request.resource_arn, &request.tag_keys)?;
    Ok(EmptyOutput {})
}

request! {
    pub struct ListTagsForResourceInput {
        pub resource_arn: String = read_arn(input, "resourceArn", ARN_MAX)?.to_string(),
    }
    read(input)
}

#[derive(Serialize)]
pub struct ListTagsForResourceOutput {
    pub tags: Vec<Tag>,
}

pub fn list_tags_for_resource(
    service: &Service,
    ctx: &RequestContext,
    request: ListTagsForResourceInput,
) -> Result<ListTagsForResourceOutput> {
    let tags = service.list_tags_for_resource(&ctx.region, &request.resource_arn)?;
    Ok(ListTagsForResourceOutput {
        tags: tags.into_iter().map(Tag::from).collect(),
    })
}
