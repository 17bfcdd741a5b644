//! Request members several operations share, read and checked against the service model: ARNs,
//! tags, and the logging, tracing and encryption configurations.

use serde::Serialize;
use serde_json::Value;

use super::Result;
use crate::input::{Input, Violations};
use crate::ApiError;
use engine::service::ErrorCode;

/// The model's `Arn` length limit (`LongArn` allows 2000).
pub const ARN_MAX: usize = 256;
pub const LONG_ARN_MAX: usize = 2000;
/// The model's `VersionDescription` and `AliasDescription` length limit.
pub const DESCRIPTION_MAX: usize = 256;
/// The model's `Definition` length limit.
pub const DEFINITION_MAX: usize = 1_048_576;

/// A required string member with its length rule.
pub fn required_string<'a>(
    input: &Input<'a>,
    name: &str,
    max: usize,
    violations: &mut Violations,
) -> Result<&'a str> {
    let value = input.opt_str(name)?;
    violations.required(name, value.is_some());
    violations.length(name, value, 1, max);
    Ok(value.unwrap_or_default())
}

/// An optional string member with its length rule.
pub fn optional_string<'a>(
    input: &Input<'a>,
    name: &str,
    (min, max): (usize, usize),
    violations: &mut Violations,
) -> Result<Option<&'a str>> {
    let value = input.opt_str(name)?;
    violations.length(name, value, min, max);
    Ok(value)
}

/// The `error` and `cause` of a failure (SendTaskFailure, StopExecution).
pub fn read_error_and_cause(
    input: &Input,
    violations: &mut Violations,
) -> Result<(Option<String>, Option<String>)> {
    let error = optional_string(input, "error", (0, 256), violations)?;
    let cause = optional_string(input, "cause", (0, 32_768), violations)?;
    Ok((error.map(str::to_string), cause.map(str::to_string)))
}

/// The ARN of a request that names one resource and nothing else to check.
pub fn read_arn<'a>(input: &Input<'a>, name: &str, max: usize) -> Result<&'a str> {
    let mut v = Violations::default();
    let arn = required_string(input, name, max, &mut v)?;
    v.check()?;
    Ok(arn)
}

/// An item of a list member, which must be a structure.
fn structure<'a>(item: &'a Value, list: &str) -> Result<Input<'a>> {
    if !item.is_object() {
        return Err(ApiError::new(
            ErrorCode::SerializationException,
            format!("Expected a structure in list member '{list}'"),
        ));
    }
    Ok(Input::new(item))
}

/// A `TagList` member (`tags`): keys 1–128 characters, values 0–256.
pub fn read_tags(
    input: &Input,
    name: &str,
    violations: &mut Violations,
) -> Result<Option<Vec<(String, String)>>> {
    let Some(items) = input.opt_array(name)? else {
        return Ok(None);
    };
    let mut tags = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let tag = structure(item, name)?;
        let key = tag.opt_str("key")?;
        let value = tag.opt_str("value")?;
        let path = format!("{name}.{}.member", index + 1);
        violations.required(&format!("{path}.key"), key.is_some());
        violations.length(&format!("{path}.key"), key, 1, 128);
        violations.length(&format!("{path}.value"), value, 0, 256);
        tags.push((
            key.unwrap_or_default().to_string(),
            value.unwrap_or_default().to_string(),
        ));
    }
    Ok(Some(tags))
}

/// A `TagKeyList` member (`tagKeys`).
pub fn read_tag_keys(
    input: &Input,
    name: &str,
    violations: &mut Violations,
) -> Result<Option<Vec<String>>> {
    let Some(items) = input.opt_array(name)? else {
        return Ok(None);
    };
    let mut keys = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let Some(key) = item.as_str() else {
            return Err(ApiError::new(
                ErrorCode::SerializationException,
                format!("Expected a string in list member '{name}'"),
            ));
        };
        violations.length(&format!("{name}.{}.member", index + 1), Some(key), 1, 128);
        keys.push(key.to_string());
    }
    Ok(Some(keys))
}

/// The model's `Tag`, as ListTagsForResource answers it.
#[derive(Serialize)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

impl From<(String, String)> for Tag {
    fn from((key, value): (String, String)) -> Self {
        Tag { key, value }
    }
}

/// `loggingConfiguration`: level enum, includeExecutionData, destinations' log group ARNs.
pub fn read_logging(input: &Input, violations: &mut Violations) -> Result<Option<Value>> {
    let Some(given) = input.opt_object("loggingConfiguration")? else {
        return Ok(None);
    };
    let logging = Input::new(given);
    violations.one_of(
        "loggingConfiguration.level",
        logging.opt_str("level")?,
        &["ALL", "ERROR", "FATAL", "OFF"],
    );
    logging.opt_bool("includeExecutionData")?;
    for (index, item) in logging
        .opt_array("destinations")?
        .into_iter()
        .flatten()
        .enumerate()
    {
        let destination = structure(item, "destinations")?;
        if let Some(group) = destination.opt_object("cloudWatchLogsLogGroup")? {
            violations.length(
                &format!(
                    "loggingConfiguration.destinations.{}.member.cloudWatchLogsLogGroup.logGroupArn",
                    index + 1
                ),
                Input::new(group).opt_str("logGroupArn")?,
                1,
                ARN_MAX,
            );
        }
    }
    Ok(Some(given.clone()))
}

/// `tracingConfiguration`: `enabled`.
pub fn read_tracing(input: &Input) -> Result<Option<Value>> {
    let Some(given) = input.opt_object("tracingConfiguration")? else {
        return Ok(None);
    };
    Input::new(given).opt_bool("enabled")?;
    Ok(Some(given.clone()))
}

/// `encryptionConfiguration`: the required type enum, kmsKeyId, the reuse period 60–900.
pub fn read_encryption(input: &Input, violations: &mut Violations) -> Result<Option<Value>> {
    let Some(given) = input.opt_object("encryptionConfiguration")? else {
        return Ok(None);
    };
    let encryption = Input::new(given);
    let encryption_type = encryption.opt_str("type")?;
    violations.required("encryptionConfiguration.type", encryption_type.is_some());
    violations.one_of(
        "encryptionConfiguration.type",
        encryption_type,
        &["AWS_OWNED_KEY", "CUSTOMER_MANAGED_KMS_KEY"],
    );
    violations.length(
        "encryptionConfiguration.kmsKeyId",
        encryption.opt_str("kmsKeyId")?,
        1,
        2048,
    );
    violations.range(
        "encryptionConfiguration.kmsDataKeyReusePeriodSeconds",
        encryption.opt_int("kmsDataKeyReusePeriodSeconds")?,
        60,
        900,
    );
    Ok(Some(given.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn violations_of(read: impl FnOnce(&mut Violations) -> Result<()>) -> String {
        let mut violations = Violations::default();
        match read(&mut violations) {
            Err(error) => format!("{}: {}", error.code, error.message),
            Ok(()) => violations
                .check()
                .err()
                .map(|error| error.message)
                .unwrap_or_default(),
        }
    }

    #[test]
    fn tags_are_checked_member_by_member() {
        let request =
            json!({"tags": [{"key": "k", "value": "v"}, {"key": "", "value": "v".repeat(257)}]});
        let message = violations_of(|v| read_tags(&Input::new(&request), "tags", v).map(drop));
        assert_eq!(
            message,
            format!(
                "2 validation errors detected: Value '' at 'tags.2.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1; Value '{}' at 'tags.2.member.value' failed to satisfy constraint: Member must have length less than or equal to 256",
                "v".repeat(257)
            )
        );
        let request = json!({"tags": ["not a tag"]});
        let message = violations_of(|v| read_tags(&Input::new(&request), "tags", v).map(drop));
        assert!(message.starts_with("SerializationException"), "{message}");
    }

    #[test]
    fn configurations_are_checked_against_the_model() {
        let request = json!({
            "loggingConfiguration": {"level": "VERBOSE"},
            "encryptionConfiguration": {"kmsDataKeyReusePeriodSeconds": 30}
        });
        let input = Input::new(&request);
        let message = violations_of(|v| {
            read_logging(&input, v)?;
            read_encryption(&input, v).map(drop)
        });
        assert_eq!(
            message,
            "3 validation errors detected: Value 'VERBOSE' at 'loggingConfiguration.level' failed to satisfy constraint: Member must satisfy enum value set: [ALL, ERROR, FATAL, OFF]; Value null at 'encryptionConfiguration.type' failed to satisfy constraint: Member must not be null; Value '30' at 'encryptionConfiguration.kmsDataKeyReusePeriodSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60"
        );
    }
}
