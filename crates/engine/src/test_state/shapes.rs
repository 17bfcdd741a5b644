//! The check TestState makes of a mocked Task result against the output of the API the Task
//! calls, read from the service's model (the models the AWS client embeds): members named as
//! Step Functions shows them (first letter capitalised, matched exactly), their types, lengths,
//! enums and, in STRICT mode, the required ones.
//!
//! Callbacks (whose result is whatever the worker sends), activities, Lambda function ARNs and
//! actions no model describes are not checked.

use asl::resource::TaskResource;
use aws::models::{ServiceModel, Shape};
use serde_json::Value;

use super::FieldValidationMode;

/// Checks a mocked Task result against the output of the API the Task calls, as
/// `fieldValidationMode` asks; the problem is worded as AWS words it. Fields the API does not
/// have are let through.
pub(crate) fn check_mock_result(
    target: &TaskResource,
    result: &Value,
    mode: FieldValidationMode,
) -> Result<(), String> {
    if mode == FieldValidationMode::None {
        return Ok(());
    }
    let Some((name, operation)) = crate::integrations::output_operation(target) else {
        return Ok(());
    };
    let Some(model) = aws::models::service(name) else {
        return Ok(());
    };
    let Some(shape) = model.operation(&operation).and_then(|op| model.output(op)) else {
        return Ok(());
    };
    // A result that is not an object cannot be held against a structure's fields.
    if !result.is_object() {
        return Ok(());
    }
    check(
        &model,
        result,
        shape,
        "",
        mode == FieldValidationMode::Strict,
    )
}

fn must_be(field: &str, what: &str) -> String {
    format!("Field '{field}' must be {what}")
}

fn check_length(field: &str, length: usize, min: usize, max: Option<usize>) -> Result<(), String> {
    if length < min {
        return Err(format!(
            "Field '{field}' is smaller than the minimum length"
        ));
    }
    if max.is_some_and(|max| length > max) {
        return Err(format!("Field '{field}' is larger than the maximum length"));
    }
    Ok(())
}

/// A member's name as Step Functions shows it: its first letter capitalised.
fn shown(name: &str) -> String {
    let mut c = name.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

fn bound(shape: Shape, name: &str) -> Option<usize> {
    shape
        .def
        .get(name)
        .and_then(Value::as_f64)
        .map(|n| n as usize)
}

/// Checks `value` against `shape`; `field` names the member it is (or the list or map it is an
/// item of).
fn check(
    model: &ServiceModel,
    value: &Value,
    shape: Shape,
    field: &str,
    strict: bool,
) -> Result<(), String> {
    match shape.kind() {
        "structure" => {
            let Value::Object(fields) = value else {
                return Err(must_be(field, "an object"));
            };
            if strict {
                let required = shape.def.get("required").and_then(Value::as_array);
                for name in required.into_iter().flatten().filter_map(Value::as_str) {
                    let name = shown(name);
                    if !fields.contains_key(&name) {
                        return Err(format!("Required field '{name}' is missing"));
                    }
                }
            }
            for (name, item) in fields {
                if let Some(member) = model.members(shape).find(|m| shown(m.name) == *name) {
                    check(model, item, member.shape, name, strict)?;
                }
            }
            Ok(())
        }
        "list" => {
            let Value::Array(values) = value else {
                return Err(must_be(field, "an array"));
            };
            let item = model.inner(shape, "member").shape;
            values
                .iter()
                .try_for_each(|v| check(model, v, item, field, strict))
        }
        "map" => {
            let Value::Object(entries) = value else {
                return Err(must_be(field, "an object"));
            };
            let item = model.inner(shape, "value").shape;
            entries
                .values()
                .try_for_each(|v| check(model, v, item, field, strict))
        }
        "string" => {
            let Value::String(text) = value else {
                return Err(must_be(field, "a string"));
            };
            let values = shape.def.get("enum").and_then(Value::as_array);
            if values.is_some_and(|vs| !vs.iter().any(|v| v.as_str() == Some(text))) {
                return Err(format!("Field '{field}' is not an expected value"));
            }
            check_length(
                field,
                text.chars().count(),
                bound(shape, "min").unwrap_or(0),
                bound(shape, "max"),
            )
        }
        "blob" => {
            let Value::String(text) = value else {
                return Err(must_be(field, "a string"));
            };
            check_length(
                field,
                text.len(),
                bound(shape, "min").unwrap_or(0),
                bound(shape, "max"),
            )
        }
        "timestamp" => match value {
            Value::String(_) => Ok(()),
            _ => Err(must_be(field, "a string")),
        },
        "integer" | "long" | "short" | "byte" => match value {
            Value::Number(n) if n.is_i64() || n.is_u64() => Ok(()),
            _ => Err(must_be(field, "a number")),
        },
        "double" | "float" => match value {
            Value::Number(_) => Ok(()),
            _ => Err(must_be(field, "a number")),
        },
        "boolean" => match value {
            Value::Bool(_) => Ok(()),
            _ => Err(must_be(field, "a boolean")),
        },
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(resource: &str, result: Value, mode: FieldValidationMode) -> Result<(), String> {
        check_mock_result(&TaskResource::parse(resource), &result, mode)
    }

    fn strict(resource: &str, result: Value) -> Result<(), String> {
        check(resource, result, FieldValidationMode::Strict)
    }

    fn present(resource: &str, result: Value) -> Result<(), String> {
        check(resource, result, FieldValidationMode::Present)
    }

    const KMS: &str = "arn:aws:states:::aws-sdk:kms:encrypt";
    const SFN: &str = "arn:aws:states:::states:startExecution";
    const EVENTS: &str = "arn:aws:states:::events:putEvents";
    const LAMBDA: &str = "arn:aws:states:::lambda:invoke";
    const DYNAMODB: &str = "arn:aws:states:::dynamodb:putItem";

    #[test]
    fn type_mismatches_are_worded_as_aws_words_them() {
        assert_eq!(
            strict(KMS, json!({"CiphertextBlob": 123})),
            Err("Field 'CiphertextBlob' must be a string".into())
        );
        assert_eq!(
            strict(KMS, json!({"CiphertextBlob": ""})),
            Err("Field 'CiphertextBlob' is smaller than the minimum length".into())
        );
        assert_eq!(
            strict(LAMBDA, json!({"StatusCode": "200"})),
            Err("Field 'StatusCode' must be a number".into())
        );
        assert_eq!(
            strict(
                DYNAMODB,
                json!({"ConsumedCapacity": {"CapacityUnits": "123.45"}})
            ),
            Err("Field 'CapacityUnits' must be a number".into())
        );
        assert_eq!(
            strict(EVENTS, json!({"Entries": "not a list"})),
            Err("Field 'Entries' must be an array".into())
        );
        assert_eq!(
            strict(
                EVENTS,
                json!({"Entries": [{"EventId": "ok"}, {"EventId": ["not", "a", "string"]}]})
            ),
            Err("Field 'EventId' must be a string".into())
        );
        assert_eq!(
            strict(SFN, json!({"ExecutionArn": "arn", "StartDate": true})),
            Err("Field 'StartDate' must be a string".into())
        );
        assert_eq!(
            strict(SFN, json!({"ExecutionArn": "arn", "StartDate": 1764103483})),
            Err("Field 'StartDate' must be a string".into())
        );
    }

    #[test]
    fn strict_mode_wants_required_fields_and_present_mode_does_not() {
        assert_eq!(
            strict(SFN, json!({})),
            Err("Required field 'ExecutionArn' is missing".into())
        );
        // Member names are matched exactly: AWS's casing, not the API model's.
        assert_eq!(
            strict(SFN, json!({"executionArn": "a", "startDate": "b"})),
            Err("Required field 'ExecutionArn' is missing".into())
        );
        assert_eq!(present(SFN, json!({})), Ok(()));
        assert_eq!(
            present(SFN, json!({"StartDate": false})),
            Err("Field 'StartDate' must be a string".into())
        );
        assert_eq!(
            check(SFN, json!({"StartDate": false}), FieldValidationMode::None),
            Ok(())
        );
    }

    #[test]
    fn unknown_fields_and_unknown_integrations_pass() {
        assert_eq!(strict(EVENTS, json!({"random": "json"})), Ok(()));
        assert_eq!(strict(EVENTS, json!({})), Ok(()));
        assert_eq!(
            strict(
                LAMBDA,
                json!({"Payload": "out", "SdkHttpMetadata": {"HttpStatusCode": 200}})
            ),
            Ok(())
        );
        assert_eq!(
            strict("arn:aws:states:::apigateway:invoke", json!({"approval": 1})),
            Ok(())
        );
        assert_eq!(
            strict(
                "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                json!({"MessageId": 5})
            ),
            Ok(())
        );
        assert_eq!(
            strict(
                "arn:aws:lambda:us-east-1:111111111111:function:f",
                json!({"StatusCode": "x"})
            ),
            Ok(())
        );
    }

    #[test]
    fn nested_and_recursive_shapes_are_checked() {
        assert_eq!(
            strict(
                "arn:aws:states:::dynamodb:getItem",
                json!({"Item": {"a": {"M": {"b": {"L": [{"S": 1}]}}}}})
            ),
            Err("Field 'S' must be a string".into())
        );
        assert_eq!(
            strict(
                "arn:aws:states:::states:startExecution.sync:2",
                json!({"ExecutionArn": "a", "StateMachineArn": "b", "StartDate": "c", "Status": "DONE"})
            ),
            Err("Field 'Status' is not an expected value".into())
        );
        assert_eq!(
            strict(
                "arn:aws:states:::aws-sdk:sfn:startExecution",
                json!({"ExecutionArn": "a"})
            ),
            Err("Required field 'StartDate' is missing".into())
        );
    }
}
