//! CreateActivity, DescribeActivity, DeleteActivity, ListActivities.

use engine::service::{configuration, Service};
use serde_json::Value;

use super::pagination::PageRequest;
use super::shapes::{read_arn, read_encryption, read_tags, required_string, ARN_MAX};
use super::{check_name, EmptyOutput, Request, Result, Timestamp};
use crate::input::{Input, Violations};
use crate::RequestContext;

request! {
    pub struct CreateActivityInput {
        pub name: String = name.to_string(),
        pub tags: Vec<(String, String)> = tags.unwrap_or_default(),
        pub encryption_configuration: Option<Value> = encryption_configuration,
    }
    read(input) {
        let mut v = Violations::default();
        let name = required_string(input, "name", 80, &mut v)?;
        let tags = read_tags(input, "tags", &mut v)?;
        let encryption_configuration = read_encryption(input, &mut v)?;
        v.check()?;
        check_name(name)?;
    }
}

response! {
    pub struct CreateActivityOutput {
        pub activity_arn: String,
        pub creation_date: Timestamp,
    }
}

pub fn create_activity(
    service: &Service,
    ctx: &RequestContext,
    request: CreateActivityInput,
) -> Result<CreateActivityOutput> {
    let activity = service.create_activity(
        &ctx.region,
        &request.name,
        request.tags,
        request.encryption_configuration.as_ref(),
    )?;
    Ok(CreateActivityOutput {
        activity_arn: activity.arn,
        creation_date: Timestamp(activity.creation_ms),
    })
}

request! {
    pub struct DescribeActivityInput {
        pub activity_arn: String = read_arn(input, "activityArn", ARN_MAX)?.to_string(),
    }
    read(input)
}

response! {
    pub struct DescribeActivityOutput {
        pub activity_arn: String,
        pub name: String,
        pub creation_date: Timestamp,
        pub encryption_configuration: Value,
    }
}

pub fn describe_activity(
    service: &Service,
    ctx: &RequestContext,
    request: DescribeActivityInput,
) -> Result<DescribeActivityOutput> {
    let activity = service.describe_activity(&ctx.region, &request.activity_arn)?;
    Ok(DescribeActivityOutput {
        activity_arn: activity.arn,
        name: activity.name,
        creation_date: Timestamp(activity.creation_ms),
        encryption_configuration: activity
            .encryption_configuration
            .unwrap_or_else(configuration::default_encryption),
    })
}

request! {
    pub struct DeleteActivityInput {
        pub activity_arn: String = read_arn(input, "activityArn", ARN_MAX)?.to_string(),
    }
    read(input)
}

pub fn delete_activity(
    service: &Service,
    ctx: &RequestContext,
    request: DeleteActivityInput,
) -> Result<EmptyOutput> {
    service.delete_activity(&ctx.region, &request.activity_arn)?;
    Ok(EmptyOutput {})
}

request! {
    pub struct ListActivitiesInput {
        pub page: PageRequest = PageRequest::read(input)?,
    }
    read(input)
}

response! {
    pub struct ActivityListItem {
        pub activity_arn: String,
        pub name: String,
        pub creation_date: Timestamp,
    }
}

list_output! {
    pub struct ListActivitiesOutput {
        pub activities: Vec<ActivityListItem>,
    }
}

pub fn list_activities(
    service: &Service,
    ctx: &RequestContext,
    request: ListActivitiesInput,
) -> Result<ListActivitiesOutput> {
    let activities = service.list_activities(&ctx.region)?;
    let page = request
        .page
        .apply_map(activities, |activity| ActivityListItem {
            activity_arn: activity.arn,
            name: activity.name,
            creation_date: Timestamp(activity.creation_ms),
        })?;
    Ok(page.into())
}
