//! CreateStateMachine, DescribeStateMachine, UpdateStateMachine, DeleteStateMachine,
//! ListStateMachines.

use asl::validate::MachineType;
use engine::service::status::{machine_type_name, machine_type_of};
use engine::service::{self, ErrorCode, Service, StateMachineDescription};
use serde_json::{json, Map, Value};

use super::pagination::{with_token, PageRequest};
use super::shapes::{
    read_arn, read_encryption, read_logging, read_tags, read_tracing, required_string, ARN_MAX,
    DEFINITION_MAX, DESCRIPTION_MAX,
};
use super::{check_name, seconds, Result};
use crate::input::{Input, Violations};
use crate::{ApiError, RequestContext};

pub fn create_state_machine(
    service: &Service,
    ctx: &RequestContext,
    input: &Input,
) -> Result<Value> {
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
    let Revision {
        publish,
        version_description,
        encryption,
    } = Revision::read(input, &mut v)?;
    v.check()?;
    check_name(name)?;
    let created = service.create_state_machine(service::CreateStateMachine {
        region: ctx.region.clone(),
        name: name.to_string(),
        definition: definition.unwrap_or_default().to_string(),
        role_arn: role_arn.to_string(),
        machine_type: machine_type.map_or(MachineType::Standard, machine_type_of),
        logging_configuration: logging,
        tracing_configuration: tracing,
        encryption_configuration: encryption,
        tags: tags.unwrap_or_default(),
        publish,
        version_description: version_description.map(str::to_string),
    })?;
    let mut out = Map::new();
    out.insert("stateMachineArn".into(), json!(created.state_machine.arn));
    out.insert(
        "creationDate".into(),
        seconds(created.state_machine.creation_ms),
    );
    if let Some(version) = created.version {
        out.insert("stateMachineVersionArn".into(), json!(version.arn));
    }
    Ok(Value::Object(out))
}

/// DescribeStateMachine's answer. With `METADATA_ONLY` the definition is `{}` (as AWS answers
/// callers that may not decrypt it) and so are its variable references.
pub fn describe_json(description: &StateMachineDescription, metadata_only: bool) -> Value {
    let mut out = Map::new();
    out.insert("stateMachineArn".into(), json!(description.arn));
    out.insert("name".into(), json!(description.name));
    out.insert("status".into(), json!(description.status));
    out.insert(
        "definition".into(),
        json!(if metadata_only {
            "{}"
        } else {
            description.definition.as_str()
        }),
    );
    out.insert("roleArn".into(), json!(description.role_arn));
    out.insert(
        "type".into(),
        json!(machine_type_name(description.machine_type)),
    );
    out.insert("creationDate".into(), seconds(description.creation_ms));
    out.insert(
        "loggingConfiguration".into(),
        description.logging_configuration.clone(),
    );
    out.insert(
        "tracingConfiguration".into(),
        description.tracing_configuration.clone(),
    );
    if let Some(revision_id) = &description.revision_id {
        out.insert("revisionId".into(), json!(revision_id));
    }
    if let Some(text) = &description.description {
        out.insert("description".into(), json!(text));
    }
    out.insert(
        "encryptionConfiguration".into(),
        description.encryption_configuration.clone(),
    );
    if let (Some(references), false) = (&description.variable_references, metadata_only) {
        out.insert(
            "variableReferences".into(),
            Value::Object(references.clone()),
        );
    }
    Value::Object(out)
}

/// The members CreateStateMachine and UpdateStateMachine end with (in the order they are
/// checked): whether to publish a version, its description, the encryption configuration.
struct Revision<'a> {
    publish: bool,
    version_description: Option<&'a str>,
    encryption: Option<Value>,
}

impl<'a> Revision<'a> {
    fn read(input: &Input<'a>, v: &mut Violations) -> Result<Revision<'a>> {
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
            version_description,
            encryption: read_encryption(input, v)?,
        })
    }
}

pub fn describe_state_machine(
    service: &Service,
    ctx: &RequestContext,
    input: &Input,
) -> Result<Value> {
    let mut v = Violations::default();
    let arn = required_string(input, "stateMachineArn", ARN_MAX, &mut v)?;
    let included_data = input.opt_str("includedData")?;
    v.one_of(
        "includedData",
        included_data,
        &["ALL_DATA", "METADATA_ONLY"],
    );
    v.check()?;
    let description = service.describe_state_machine(&ctx.region, arn)?;
    Ok(describe_json(
        &description,
        included_data == Some("METADATA_ONLY"),
    ))
}

pub fn update_state_machine(
    service: &Service,
    ctx: &RequestContext,
    input: &Input,
) -> Result<Value> {
    let mut v = Violations::default();
    let arn = required_string(input, "stateMachineArn", ARN_MAX, &mut v)?;
    let definition = input.opt_str("definition")?;
    v.sensitive_length("definition", definition, 1, DEFINITION_MAX);
    let role_arn = input.opt_str("roleArn")?;
    v.length("roleArn", role_arn, 1, ARN_MAX);
    let logging = read_logging(input, &mut v)?;
    let tracing = read_tracing(input)?;
    let Revision {
        publish,
        version_description,
        encryption,
    } = Revision::read(input, &mut v)?;
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
    let updated = service.update_state_machine(service::UpdateStateMachine {
        region: ctx.region.clone(),
        arn: arn.to_string(),
        definition: definition.map(str::to_string),
        role_arn: role_arn.map(str::to_string),
        logging_configuration: logging,
        tracing_configuration: tracing,
        encryption_configuration: encryption,
        publish,
        version_description: version_description.map(str::to_string),
    })?;
    let mut out = Map::new();
    out.insert("updateDate".into(), seconds(updated.update_ms));
    if let Some(revision_id) = updated.revision_id {
        out.insert("revisionId".into(), json!(revision_id));
    }
    if let Some(version) = updated.version {
        out.insert("stateMachineVersionArn".into(), json!(version.arn));
    }
    Ok(Value::Object(out))
}

pub fn delete_state_machine(
    service: &Service,
    ctx: &RequestContext,
    input: &Input,
) -> Result<Value> {
    let arn = read_arn(input, "stateMachineArn", ARN_MAX)?;
    service.delete_state_machine(&ctx.region, arn)?;
    Ok(json!({}))
}

pub fn list_state_machines(
    service: &Service,
    ctx: &RequestContext,
    input: &Input,
) -> Result<Value> {
    let page = PageRequest::read(input)?;
    let (machines, next) = page.apply(service.list_state_machines(&ctx.region)?)?;
    let items: Vec<Value> = machines
        .iter()
        .map(|m| {
            json!({
                "stateMachineArn": m.arn,
                "name": m.name,
                "type": m.machine_type,
                "creationDate": seconds(m.creation_ms),
            })
        })
        .collect();
    Ok(with_token(json!({ "stateMachines": items }), next))
}
