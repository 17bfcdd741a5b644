//! Step Functions ARNs of catalog resources: building them for an account and region, reading
//! them back, and the errors AWS answers for the ones that name nothing.

use asl::arn::Arn;

use super::{ErrorCode, ServiceError};

/// The account and region a request acts in: the request's SigV4 region and the configured
/// account. Resources of other accounts and regions are invisible from here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceScope {
    pub partition: &'static str,
    pub region: String,
    pub account: String,
}

impl ResourceScope {
    /// `arn:PARTITION:states:REGION:ACCOUNT:KIND:NAME`.
    pub fn arn(&self, kind: &str, name: &str) -> String {
        states_arn(self.partition, &self.region, &self.account, kind, name)
    }

    /// Whether `arn` belongs to this account and region.
    pub fn owns(&self, arn: &StatesArn) -> bool {
        arn.parts.region == self.region && arn.parts.account == self.account
    }
}

/// A Step Functions ARN, `arn:PARTITION:states:REGION:ACCOUNT:TYPE:RESOURCE`, read by
/// [`Arn::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatesArn<'a> {
    /// The parts of any ARN (the service is `states`, the region and account are not empty).
    pub parts: Arn<'a>,
    pub resource_type: &'a str,
    /// Everything after the resource type (it may hold further colons: `name:1`, `name:alias`).
    pub resource: &'a str,
}

impl<'a> StatesArn<'a> {
    /// Reads a `states` ARN with a region, an account and a colon after the resource type; the
    /// type and the resource may be empty (the execution operations look such ARNs up and find
    /// nothing rather than calling them malformed).
    pub fn read(text: &'a str) -> Option<StatesArn<'a>> {
        let arn = Arn::parse(text)?;
        if arn.service != "states" || arn.region.is_empty() || arn.account.is_empty() {
            return None;
        }
        let (resource_type, resource) = arn.resource_type_and_rest();
        Some(StatesArn {
            parts: arn,
            resource_type,
            resource: resource?,
        })
    }

    /// The first part of the resource: the name of a state machine, activity or execution's
    /// state machine.
    pub fn first_name(&self) -> &'a str {
        self.resource.split(':').next().unwrap_or_default()
    }

    /// `arn:PARTITION:states:REGION:ACCOUNT:KIND:NAME` in this ARN's partition, region and
    /// account.
    pub fn sibling(&self, kind: &str, name: &str) -> String {
        let parts = &self.parts;
        states_arn(parts.partition, parts.region, parts.account, kind, name)
    }
}

/// `arn:PARTITION:states:REGION:ACCOUNT:KIND:NAME`.
fn states_arn(partition: &str, region: &str, account: &str, kind: &str, name: &str) -> String {
    format!("arn:{partition}:states:{region}:{account}:{kind}:{name}")
}

/// Reads a Step Functions ARN; anything else is AWS's `Invalid ARN prefix`.
pub fn parse_states_arn(arn: &str) -> Result<StatesArn<'_>, ServiceError> {
    StatesArn::read(arn)
        .filter(|parsed| !parsed.resource_type.is_empty() && !parsed.resource.is_empty())
        .ok_or_else(|| invalid_arn_prefix(arn))
}

/// Reads an ARN that must name a resource of type `resource_type`.
pub fn parse_typed_arn<'a>(
    arn: &'a str,
    resource_type: &str,
) -> Result<StatesArn<'a>, ServiceError> {
    let parsed = parse_states_arn(arn)?;
    if parsed.resource_type != resource_type {
        return Err(resource_type_not_valid(parsed.resource_type));
    }
    Ok(parsed)
}

/// What a `stateMachine` ARN points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateMachineQualifier<'a> {
    /// `…:stateMachine:NAME`
    Unqualified,
    /// `…:stateMachine:NAME:NUMBER`
    Version(u64),
    /// `…:stateMachine:NAME:ALIAS` (alias names always hold a letter, `_`, `-` or `.`).
    Alias(&'a str),
    /// `…:stateMachine:NAME/LABEL`, a Distributed Map's child state machine.
    MapLabel(&'a str),
}

/// A `stateMachine` ARN split into the state machine it belongs to and its qualifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateMachineArn<'a> {
    pub arn: StatesArn<'a>,
    pub name: &'a str,
    /// The ARN of the state machine itself (without qualifier).
    pub base_arn: String,
    pub qualifier: StateMachineQualifier<'a>,
}

pub fn parse_state_machine_arn(arn: &str) -> Result<StateMachineArn<'_>, ServiceError> {
    let parsed = parse_typed_arn(arn, "stateMachine")?;
    let (name, qualifier) = match parsed.resource.split_once(':') {
        None => match parsed.resource.split_once('/') {
            Some((name, label)) => (name, StateMachineQualifier::MapLabel(label)),
            None => (parsed.resource, StateMachineQualifier::Unqualified),
        },
        Some((name, qualifier)) if is_version_number(qualifier) => (
            name,
            // A number too large for u64 names no version that can exist.
            StateMachineQualifier::Version(qualifier.parse().unwrap_or(u64::MAX)),
        ),
        Some((name, alias)) => (name, StateMachineQualifier::Alias(alias)),
    };
    let base_len = arn.len() - parsed.resource.len() + name.len();
    Ok(StateMachineArn {
        base_arn: arn[..base_len].to_string(),
        name,
        qualifier,
        arn: parsed,
    })
}

fn is_version_number(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// Checks that `role_arn` names an IAM role (`arn:PARTITION:iam::ACCOUNT:role/NAME`), as
/// CreateStateMachine and UpdateStateMachine do.
pub fn check_role_arn(role_arn: &str) -> Result<(), ServiceError> {
    let is_role = Arn::parse(role_arn).is_some_and(|arn| {
        arn.service == "iam"
            && arn.region.is_empty()
            && !arn.account.is_empty()
            && arn
                .resource
                .strip_prefix("role/")
                .is_some_and(|name| !name.is_empty())
    });
    if is_role {
        Ok(())
    } else {
        Err(ServiceError::new(
            ErrorCode::InvalidArn,
            format!("Invalid Role Arn: '{role_arn}'"),
        ))
    }
}

pub fn invalid_arn_prefix(arn: &str) -> ServiceError {
    ServiceError::new(
        ErrorCode::InvalidArn,
        format!("Invalid Arn: 'Invalid ARN prefix: {arn}'"),
    )
}

pub fn resource_type_not_valid(resource_type: &str) -> ServiceError {
    ServiceError::new(
        ErrorCode::InvalidArn,
        format!("Invalid Arn: 'Resource type not valid in this context: {resource_type}'"),
    )
}

pub fn state_machine_does_not_exist(arn: &str) -> ServiceError {
    ServiceError::new(
        ErrorCode::StateMachineDoesNotExist,
        format!("State Machine Does Not Exist: '{arn}'"),
    )
}

pub fn activity_does_not_exist(arn: &str) -> ServiceError {
    ServiceError::new(
        ErrorCode::ActivityDoesNotExist,
        format!("Activity Does Not Exist: '{arn}'"),
    )
}

/// TagResource and friends on an ARN that names no taggable resource.
pub fn resource_not_found(arn: &str) -> ServiceError {
    ServiceError::new(
        ErrorCode::ResourceNotFound,
        format!("Resource not found: '{arn}'"),
    )
}

/// The alias operations' answer for an alias, version or state machine that does not exist.
pub fn referenced_resource_not_found() -> ServiceError {
    ServiceError::new(
        ErrorCode::ResourceNotFound,
        "Request references a resource that does not exist.",
    )
}

pub fn validation(message: impl Into<String>) -> ServiceError {
    ServiceError::new(ErrorCode::ValidationException, message)
}

#[cfg(test)]
mod tests {
    use super::{
        check_role_arn, parse_state_machine_arn, parse_states_arn, StateMachineQualifier, StatesArn,
    };

    const MACHINE: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:m";

    #[test]
    fn state_machine_arns_split_into_base_and_qualifier() {
        let plain = parse_state_machine_arn(MACHINE).unwrap();
        assert_eq!(plain.base_arn, MACHINE);
        assert_eq!(plain.name, "m");
        assert_eq!(plain.qualifier, StateMachineQualifier::Unqualified);

        let version_arn = format!("{MACHINE}:12");
        let version = parse_state_machine_arn(&version_arn).unwrap();
        assert_eq!(version.base_arn, MACHINE);
        assert_eq!(version.qualifier, StateMachineQualifier::Version(12));

        let alias_arn = format!("{MACHINE}:PROD");
        let alias = parse_state_machine_arn(&alias_arn).unwrap();
        assert_eq!(alias.qualifier, StateMachineQualifier::Alias("PROD"));

        let label_arn = format!("{MACHINE}/MapLabel");
        let label = parse_state_machine_arn(&label_arn).unwrap();
        assert_eq!(label.base_arn, MACHINE);
        assert_eq!(label.qualifier, StateMachineQualifier::MapLabel("MapLabel"));
    }

    #[test]
    fn malformed_arns_are_invalid_as_aws_words_it() {
        for arn in [
            "not_a_valid_arn",
            "arn:aws:lambda:us-east-1:123456789012:function:f",
            "arn:aws:states:us-east-1:123456789012:stateMachine",
            "arn:aws:states::123456789012:stateMachine:m",
        ] {
            let error = parse_state_machine_arn(arn).unwrap_err();
            assert_eq!(error.code, "InvalidArn");
            assert_eq!(
                error.message,
                format!("Invalid Arn: 'Invalid ARN prefix: {arn}'")
            );
        }
        let error = parse_state_machine_arn("arn:aws:states:us-east-1:123456789012:activity:a")
            .unwrap_err();
        assert_eq!(
            error.message,
            "Invalid Arn: 'Resource type not valid in this context: activity'"
        );
    }

    #[test]
    fn role_arns_must_name_an_iam_role() {
        for good in [
            "arn:aws:iam::123456789012:role/r",
            "arn:aws:iam::000000000000:role/service-role/sfn-role",
            "arn:aws-cn:iam::123456789012:role/r",
        ] {
            assert!(check_role_arn(good).is_ok(), "{good}");
        }
        for bad in [
            "<execution-role-arn>",
            "arn:aws:iam::123456789012:user/u",
            "arn:aws:iam:us-east-1:123456789012:role/r",
            "arn:aws:iam::123456789012:role/",
        ] {
            let error = check_role_arn(bad).unwrap_err();
            assert_eq!(
                (error.code.as_str(), error.message),
                ("InvalidArn", format!("Invalid Role Arn: '{bad}'"))
            );
        }
    }

    #[test]
    fn execution_arns_with_an_empty_resource_are_read_but_name_nothing() {
        let arn = StatesArn::read("arn:aws-cn:states:cn-north-1:1:execution:").unwrap();
        assert_eq!(
            (arn.parts.partition, arn.resource_type, arn.resource),
            ("aws-cn", "execution", "")
        );
        assert!(parse_states_arn("arn:aws-cn:states:cn-north-1:1:execution:").is_err());
        assert_eq!(StatesArn::read("arn:aws:states:r:1:execution"), None);
        let machine = StatesArn::read(MACHINE).unwrap();
        assert_eq!(machine.first_name(), "m");
        assert_eq!(
            machine.sibling("execution", "m:e"),
            "arn:aws:states:us-east-1:123456789012:execution:m:e"
        );
    }
}
