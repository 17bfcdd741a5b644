//! CreateStateMachine, DescribeStateMachine, UpdateStateMachine, DeleteStateMachine,
//! ListStateMachines.

use asl::validate::MachineType;
use engine::service::status::{machine_type_name, machine_type_of};
use engine::service::{self, ErrorCode, Service, StateMachineDescription};
use engine::Configurations;
use serde_json::{Map, Value};

use super::pagination::PageRequest;
use super::shapes::{
    read_arn, read_encryption, read_logging, read_tags, read_tracing, required_string, ARN_MAX,
    DEFINITION_MAX, DESCRIPTION_MAX,
};
use super::{check_name, EmptyOutput, Request, Result, Timestamp};
use crate::input::{Input, Violations};
use crate::{ApiError, RequestContext};

request! {
    pub struct CreateStateMachineInput {
        pub name: String = name.to_string(),
        pub definition: String = definition.unwrap_or_default().to_string(),
        pub role_arn: String = role_arn.to_string(),
        pub machine_type: MachineType = machine_type.map_or(MachineType::Standard, machine_type_of),
        pub tags: Vec<(String, String)> = tags.unwrap_or_default(),
        pub configurations: Configurations = Configurations { logging, tracing, encryption },
        pub revision: Revision = revision,
    }
    read(input) {
        let mut v = Violations::default();
        let name = required_string(input, "name", 80, &mut v)?;
        let definition = input.opt_str("definition")?;
        v.required("definition", definition.is_some());
        v.sensitive_length("definition", definition, 1, DEFINITION_MAX);
        let role_arn = required_string(input, "roleArn", ARN_MAX, &mut v)?;
        let machine_type = input.opt_str("type")?;
        v.one_of("type", machine_type, &["STANDARD", "EXPRESS"]);
        let logging = read_logging(input, &mut v)?;
        let tags = read_tags(input, "tags", &mut v)?;
        let tracing = read_tracing(input)?;
        let revision = Revision::read(input, &mut v)?;
        let encryption = read_encryption(input, &mut v)?;
        v.check()?;
        check_name(name)?;
    }
}

response! {
    pub struct CreateStateMachineOutput {
        pub state_machine_arn: String,
        pub creation_date: Timestamp,
        pub state_machine_version_arn: Option<String>,
    }
}

pub fn create_state_machine(
    service: &Service,
    ctx: &RequestContext,
    request: CreateStateMachineInput,
) -> Result<CreateStateMachineOutput> {
    let created = service.create_state_machine(service::CreateStateMachine {
        region: ctx.region.clone(),
        name: request.name,
        definition: request.definition,
        role_arn: request.role_arn,
        machine_type: request.machine_type,
        configurations: request.configurations,
        tags: request.tags,
        publish: request.revision.publish,
        version_description: request.revision.version_description,
    })?;
    Ok(CreateStateMachineOutput {
        state_machine_arn: created.state_machine.arn,
        creation_date: Timestamp(created.state_machine.creation_ms),
        state_machine_version_arn: created.version.map(|version| version.arn),
    })
}

response! {
    pub struct DescribeStateMachineOutput {
        pub state_machine_arn: String,
        pub name: String,
        pub status: String,
        pub definition: String,
        pub role_arn: String,
        #[serde(rename = "type")]
        pub machine_type: &'static str,
        pub creation_date: Timestamp,
        pub logging_configuration: Value,
        pub tracing_configuration: Value,
        pub revision_id: Option<String>,
        pub description: Option<String>,
        pub encryption_configuration: Value,
        pub variable_references: Option<Map<String, Value>>,
    }
}

impl DescribeStateMachineOutput {
    /// With `METADATA_ONLY` the definition is `{}` (as AWS answers callers that may not decrypt
    /// it) and so are its variable references.
    pub fn new(description: StateMachineDescription, metadata_only: bool) -> Self {
        DescribeStateMachineOutput {
            state_machine_arn: description.arn,
            name: description.name,
            status: description.status,
            definition: if metadata_only {
                "{}".to_string()
            } else {
                description.definition
            },
            role_arn: description.role_arn,
            machine_type: machine_type_name(description.machine_type),
            creation_date: Timestamp(description.creation_ms),
            logging_configuration: description.configurations.logging,
            tracing_configuration: description.configurations.tracing,
            revision_id: description.revision_id,
            description: description.description,
            encryption_configuration: description.configurations.encryption,
            variable_references: description.variable_references.filter(|_| !metadata_only),
        }
    }
}

/// The members CreateStateMachine and UpdateStateMachine end with, before the encryption
/// configuration (in the order they are checked): whether to publish a version, its description.
pub struct Revision {
    pub publish: bool,
    pub version_description: Option<String>,
}

impl Revision {
    fn read(input: &Input, v: &mut Violations) -> Result<Revision> {
        let publish = input.opt_bool("publish")?.unwrap_or(false);
        let version_description = input.opt_str("versionDescription")?;
        v.sensitive_length(
            "versionDescription",
            version_description,
            0,
            DESCRIPTION_MAX,
        );
        Ok(Revision {
            publish,
            version_description: version_description.map(str::to_string),
        })
    }
}

pub struct DescribeStateMachineInput {
    pub state_machine_arn: String,
    /// `includedData` is `METADATA_ONLY`.
    pub metadata_only: bool,
}

impl Request for DescribeStateMachineInput {
    fn read(input: &Input) -> Result<Self> {
        let mut v = Violations::default();
        let arn = required_string(input, "stateMachineArn", ARN_MAX, &mut v)?;
        let included_data = input.opt_str("includedData")?;
        v.one_of(
            "includedData",
            included_data,
            &["ALL_DATA", "METADATA_ONLY"],
        );
        v.check()?;
        Ok(DescribeStateMachineInput {
            state_machine_arn: arn.to_string(),
            metadata_only: included_data == Some("METADATA_ONLY"),
        })
    }
}

pub fn describe_state_machine(
    service: &Service,
    ctx: &RequestContext,
    request: DescribeStateMachineInput,
) -> Result<DescribeStateMachineOutput> {
    let description = service.describe_state_machine(&ctx.region, &request.state_machine_arn)?;
    Ok(DescribeStateMachineOutput::new(
        description,
        request.metadata_only,
    ))
}

request! {
    pub struct UpdateStateMachineInput {
        pub state_machine_arn: String = arn.to_string(),
        pub definition: Option<String> = definition.map(str::to_string),
        pub role_arn: Option<String> = role_arn.map(str::to_string),
        pub configurations: Configurations = Configurations { logging, tracing, encryption },
        pub revision: Revision = revision,
    }
    read(input) {
        let mut v = Violations::default();
        let arn = required_string(input, "stateMachineArn", ARN_MAX, &mut v)?;
        let definition = input.opt_str("definition")?;
        v.sensitive_length("definition", definition, 1, DEFINITION_MAX);
        let role_arn = input.opt_str("roleArn")?;
        v.length("roleArn", role_arn, 1, ARN_MAX);
        let logging = read_logging(input, &mut v)?;
        let tracing = read_tracing(input)?;
        let revision = Revision::read(input, &mut v)?;
        let encryption = read_encryption(input, &mut v)?;
        v.check()?;
        if definition.is_none()
            && role_arn.is_none()
            && logging.is_none()
            && tracing.is_none()
            && encryption.is_none()
        {
            // AWS's recorded wording (it predates encryption configurations, which also count).
            return Err(ApiError::new(
                ErrorCode::MissingRequiredParameter,
                "Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified",
            ));
        }
    }
}

response! {
    pub struct UpdateStateMachineOutput {
        pub update_date: Timestamp,
        pub revision_id: Option<String>,
        pub state_machine_version_arn: Option<String>,
    }
}

pub fn update_state_machine(
    service: &Service,
    ctx: &RequestContext,
    request: UpdateStateMachineInput,
) -> Result<UpdateStateMachineOutput> {
    let updated = service.update_state_machine(service::UpdateStateMachine {
        region: ctx.region.clone(),
        arn: request.state_machine_arn,
        definition: request.definition,
        role_arn: request.role_arn,
        configurations: request.configurations,
        publish: request.revision.publish,
        version_description: request.revision.version_description,
    })?;
    Ok(UpdateStateMachineOutput {
        update_date: Timestamp(updated.update_ms),
        revision_id: updated.revision_id,
        state_machine_version_arn: updated.version.map(|version| version.arn),
    })
}

request! {
    pub struct DeleteStateMachineInput {
        pub state_machine_arn: String = read_arn(input, "stateMachineArn", ARN_MAX)?.to_string(),
    }
    read(input)
}

pub fn delete_state_machine(
    service: &Service,
    ctx: &RequestContext,
    request: DeleteStateMachineInput,
) -> Result<EmptyOutput> {
    service.delete_state_machine(&ctx.region, &request.state_machine_arn)?;
    Ok(EmptyOutput {})
}

request! {
    pub struct ListStateMachinesInput {
        pub page: PageRequest = PageRequest::read(input)?,
    }
    read(input)
}

response! {
    pub struct StateMachineListItem {
        pub state_machine_arn: String,
        pub name: String,
        #[serde(rename = "type")]
        pub machine_type: String,
        pub creation_date: Timestamp,
    }
}

list_output! {
    pub struct ListStateMachinesOutput {
        pub state_machines: Vec<StateMachineListItem>,
    }
}

pub fn list_state_machines(
    service: &Service,
    ctx: &RequestContext,
    request: ListStateMachinesInput,
) -> Result<ListStateMachinesOutput> {
    let state_machines = service.list_state_machines(&ctx.region)?;
    let page = request
        .page
        .apply_map(state_machines, |machine| StateMachineListItem {
            state_machine_arn: machine.arn,
            name: machine.name,
            machine_type: machine.machine_type,
            creation_date: Timestamp(machine.creation_ms),
        })?;
    Ok(page.into())
}
