//! PublishStateMachineVersion, ListStateMachineVersions, DeleteStateMachineVersion.

use engine::service::Service;

use super::pagination::StateMachineChildrenInput;
use super::shapes::{read_arn, required_string, ARN_MAX, DESCRIPTION_MAX, LONG_ARN_MAX};
use super::{EmptyOutput, Request, Result, Timestamp};
use crate::input::{Input, Violations};
use crate::RequestContext;

request! {
    pub struct PublishStateMachineVersionInput {
        pub state_machine_arn: String = state_machine_arn.to_string(),
        pub revision_id: Option<String> = revision_id.map(str::to_string),
        pub description: Option<String> = description.map(str::to_string),
    }
    read(input) {
        let mut v = Violations::default();
        let state_machine_arn = required_string(input, "stateMachineArn", ARN_MAX, &mut v)?;
        let revision_id = input.opt_str("revisionId")?;
        let description = input.opt_str("description")?;
        v.sensitive_length("description", description, 0, DESCRIPTION_MAX);
        v.check()?;
    }
}

response! {
    pub struct PublishStateMachineVersionOutput {
        pub creation_date: Timestamp,
        pub state_machine_version_arn: String,
    }
}

pub fn publish_state_machine_version(
    service: &Service,
    ctx: &RequestContext,
    request: PublishStateMachineVersionInput,
) -> Result<PublishStateMachineVersionOutput> {
    let version = service.publish_state_machine_version(
        &ctx.region,
        &request.state_machine_arn,
        request.revision_id.as_deref(),
        request.description,
    )?;
    Ok(PublishStateMachineVersionOutput {
        creation_date: Timestamp(version.creation_ms),
        state_machine_version_arn: version.arn,
    })
}

response! {
    pub struct StateMachineVersionListItem {
        pub state_machine_version_arn: String,
        pub creation_date: Timestamp,
    }
}

list_output! {
    pub struct ListStateMachineVersionsOutput {
        pub state_machine_versions: Vec<StateMachineVersionListItem>,
    }
}

pub fn list_state_machine_versions(
    service: &Service,
    ctx: &RequestContext,
    request: StateMachineChildrenInput,
) -> Result<ListStateMachineVersionsOutput> {
    let versions = service.list_state_machine_versions(&ctx.region, &request.state_machine_arn)?;
    let page = request
        .page
        .apply_map(versions, |version| StateMachineVersionListItem {
            state_machine_version_arn: version.arn,
            creation_date: Timestamp(version.creation_ms),
        })?;
    Ok(page.into())
}

request! {
    pub struct DeleteStateMachineVersionInput {
        pub state_machine_version_arn: String = read_arn(input, "stateMachineVersionArn", LONG_ARN_MAX)? .to_string(),
    }
    read(input)
}

pub fn delete_state_machine_version(
    service: &Service,
    ctx: &RequestContext,
    request: DeleteStateMachineVersionInput,
) -> Result<EmptyOutput> {
    service.delete_state_machine_version(&ctx.region, &request.state_machine_version_arn)?;
    Ok(EmptyOutput {})
}
