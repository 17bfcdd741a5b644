//! The output shapes of the service integrations whose mocked results TestState checks, taken
//! from the services' API models (members named as Step Functions shows them: first letter
//! capitalised), and the check itself.
//!
//! Integrations not in the table, `.waitForTaskToken` callbacks (whose result is whatever the
//! worker sends) and activities are not checked.

use asl::resource::{CallPattern, ResourceKind, TaskResource};
use serde_json::Value;

use super::FieldValidationMode;

/// The type of one member of an API output.
#[derive(Debug)]
pub(crate) enum Shape {
    String {
        min: usize,
        max: Option<usize>,
        /// The allowed values, when the member is an enum.
        values: &'static [&'static str],
    },
    /// A binary value, base64 text in JSON.
    Blob {
        min: usize,
        max: Option<usize>,
    },
    Timestamp,
    Integer,
    Double,
    Boolean,
    List(&'static Shape),
    Map(&'static Shape),
    Structure(&'static [Member]),
}

#[derive(Debug)]
pub(crate) struct Member {
    name: &'static str,
    shape: &'static Shape,
    required: bool,
}

const fn member(name: &'static str, shape: &'static Shape) -> Member {
    Member {
        name,
        shape,
        required: false,
    }
}

const fn required(name: &'static str, shape: &'static Shape) -> Member {
    Member {
        required: true,
        ..member(name, shape)
    }
}

const fn text(min: usize, max: Option<usize>) -> Shape {
    Shape::String {
        min,
        max,
        values: &[],
    }
}

/// A string that is one of these values (an enum of the API model).
const fn one_of(values: &'static [&'static str]) -> Shape {
    Shape::String {
        min: 0,
        max: None,
        values,
    }
}

static STRING: Shape = text(0, None);
static ARN: Shape = text(1, Some(256));
static TIMESTAMP: Shape = Shape::Timestamp;
static INTEGER: Shape = Shape::Integer;
static DOUBLE: Shape = Shape::Double;
static BOOLEAN: Shape = Shape::Boolean;
static BLOB: Shape = Shape::Blob { min: 0, max: None };

// lambda:invoke — Lambda's InvocationResponse.
static LAMBDA_VERSION: Shape = text(1, Some(1024));
static LAMBDA_INVOKE: Shape = Shape::Structure(&[
    member("StatusCode", &INTEGER),
    member("FunctionError", &STRING),
    member("LogResult", &STRING),
    member("Payload", &BLOB),
    member("ExecutedVersion", &LAMBDA_VERSION),
    member("DurableExecutionArn", &LAMBDA_VERSION),
]);

// states:startExecution — StartExecutionOutput.
static SFN_START_EXECUTION: Shape = Shape::Structure(&[
    required("ExecutionArn", &ARN),
    required("StartDate", &TIMESTAMP),
]);

// states:startExecution.sync(:2) — the DescribeExecutionOutput Step Functions polls for.
static SFN_NAME: Shape = text(1, Some(80));
static SFN_EXECUTION_STATUS: Shape = one_of(&[
    "RUNNING",
    "SUCCEEDED",
    "FAILED",
    "TIMED_OUT",
    "ABORTED",
    "PENDING_REDRIVE",
]);
static SFN_DATA: Shape = text(0, Some(262_144));
static SFN_DATA_DETAILS: Shape = Shape::Structure(&[member("Included", &BOOLEAN)]);
static SFN_REDRIVE_STATUS: Shape =
    one_of(&["REDRIVABLE", "NOT_REDRIVABLE", "REDRIVABLE_BY_MAP_RUN"]);
static SFN_TRACE_HEADER: Shape = text(0, Some(256));
static SFN_MAP_RUN_ARN: Shape = text(1, Some(2000));
static SFN_ERROR: Shape = text(0, Some(256));
static SFN_CAUSE: Shape = text(0, Some(32_768));
static SFN_DESCRIBE_EXECUTION: Shape = Shape::Structure(&[
    required("ExecutionArn", &ARN),
    required("StateMachineArn", &ARN),
    member("Name", &SFN_NAME),
    required("Status", &SFN_EXECUTION_STATUS),
    required("StartDate", &TIMESTAMP),
    member("StopDate", &TIMESTAMP),
    member("Input", &SFN_DATA),
    member("InputDetails", &SFN_DATA_DETAILS),
    member("Output", &SFN_DATA),
    member("OutputDetails", &SFN_DATA_DETAILS),
    member("TraceHeader", &SFN_TRACE_HEADER),
    member("MapRunArn", &SFN_MAP_RUN_ARN),
    member("Error", &SFN_ERROR),
    member("Cause", &SFN_CAUSE),
    member("StateMachineVersionArn", &ARN),
    member("StateMachineAliasArn", &ARN),
    member("RedriveCount", &INTEGER),
    member("RedriveDate", &TIMESTAMP),
    member("RedriveStatus", &SFN_REDRIVE_STATUS),
    member("RedriveStatusReason", &SFN_DATA),
]);

// events:putEvents — PutEventsResponse.
static EVENTS_EVENT_ID: Shape = text(0, Some(64));
static EVENTS_RESULT_ENTRY: Shape = Shape::Structure(&[
    member("EventId", &EVENTS_EVENT_ID),
    member("ErrorCode", &STRING),
    member("ErrorMessage", &STRING),
]);
static EVENTS_RESULT_ENTRIES: Shape = Shape::List(&EVENTS_RESULT_ENTRY);
static EVENTS_PUT_EVENTS: Shape = Shape::Structure(&[
    member("FailedEntryCount", &INTEGER),
    member("Entries", &EVENTS_RESULT_ENTRIES),
]);

// dynamodb:putItem, getItem, updateItem, deleteItem.
static DYNAMODB_STRINGS: Shape = Shape::List(&STRING);
static DYNAMODB_BLOBS: Shape = Shape::List(&BLOB);
static DYNAMODB_ATTRIBUTE_VALUE: Shape = Shape::Structure(&[
    member("S", &STRING),
    member("N", &STRING),
    member("B", &BLOB),
    member("SS", &DYNAMODB_STRINGS),
    member("NS", &DYNAMODB_STRINGS),
    member("BS", &DYNAMODB_BLOBS),
    member("M", &DYNAMODB_ATTRIBUTES),
    member("L", &DYNAMODB_ATTRIBUTE_LIST),
    member("NULL", &BOOLEAN),
    member("BOOL", &BOOLEAN),
]);
static DYNAMODB_ATTRIBUTES: Shape = Shape::Map(&DYNAMODB_ATTRIBUTE_VALUE);
static DYNAMODB_ATTRIBUTE_LIST: Shape = Shape::List(&DYNAMODB_ATTRIBUTE_VALUE);
static DYNAMODB_CAPACITY: Shape = Shape::Structure(&[
    member("ReadCapacityUnits", &DOUBLE),
    member("WriteCapacityUnits", &DOUBLE),
    member("CapacityUnits", &DOUBLE),
]);
static DYNAMODB_CAPACITIES: Shape = Shape::Map(&DYNAMODB_CAPACITY);
static DYNAMODB_VECTOR_CAPACITY: Shape = Shape::Structure(&[
    member("VectorSearchRequestBytes", &DOUBLE),
    member("VectorWriteRequestBytes", &DOUBLE),
]);
static DYNAMODB_VECTOR_CAPACITIES: Shape = Shape::Map(&DYNAMODB_VECTOR_CAPACITY);
static DYNAMODB_TABLE_NAME: Shape = text(1, Some(1024));
static DYNAMODB_CONSUMED_CAPACITY: Shape = Shape::Structure(&[
    member("TableName", &DYNAMODB_TABLE_NAME),
    member("CapacityUnits", &DOUBLE),
    member("ReadCapacityUnits", &DOUBLE),
    member("WriteCapacityUnits", &DOUBLE),
    member("Table", &DYNAMODB_CAPACITY),
    member("LocalSecondaryIndexes", &DYNAMODB_CAPACITIES),
    member("GlobalSecondaryIndexes", &DYNAMODB_CAPACITIES),
    member("VectorIndexes", &DYNAMODB_VECTOR_CAPACITIES),
]);
static DYNAMODB_SIZE_ESTIMATE: Shape = Shape::List(&DOUBLE);
static DYNAMODB_ITEM_COLLECTION_METRICS: Shape = Shape::Structure(&[
    member("ItemCollectionKey", &DYNAMODB_ATTRIBUTES),
    member("SizeEstimateRangeGB", &DYNAMODB_SIZE_ESTIMATE),
]);
static DYNAMODB_WRITE_ITEM: Shape = Shape::Structure(&[
    member("Attributes", &DYNAMODB_ATTRIBUTES),
    member("ConsumedCapacity", &DYNAMODB_CONSUMED_CAPACITY),
    member("ItemCollectionMetrics", &DYNAMODB_ITEM_COLLECTION_METRICS),
]);
static DYNAMODB_GET_ITEM: Shape = Shape::Structure(&[
    member("Item", &DYNAMODB_ATTRIBUTES),
    member("ConsumedCapacity", &DYNAMODB_CONSUMED_CAPACITY),
]);

// sqs:sendMessage — SendMessageResult.
static SQS_SEND_MESSAGE: Shape = Shape::Structure(&[
    member("MD5OfMessageBody", &STRING),
    member("MD5OfMessageAttributes", &STRING),
    member("MD5OfMessageSystemAttributes", &STRING),
    member("MessageId", &STRING),
    member("SequenceNumber", &STRING),
]);

// sns:publish — PublishResponse.
static SNS_PUBLISH: Shape = Shape::Structure(&[
    member("MessageId", &STRING),
    member("SequenceNumber", &STRING),
]);

// aws-sdk:kms:encrypt — EncryptResponse.
static KMS_ENCRYPTION_ALGORITHM: Shape = one_of(&[
    "SYMMETRIC_DEFAULT",
    "RSAES_OAEP_SHA_1",
    "RSAES_OAEP_SHA_256",
    "SM2PKE",
]);
static KMS_CIPHERTEXT: Shape = Shape::Blob {
    min: 1,
    max: Some(6144),
};
static KMS_KEY_ID: Shape = text(1, Some(2048));
static KMS_ENCRYPT: Shape = Shape::Structure(&[
    member("CiphertextBlob", &KMS_CIPHERTEXT),
    member("KeyId", &KMS_KEY_ID),
    member("EncryptionAlgorithm", &KMS_ENCRYPTION_ALGORITHM),
]);

/// The output shape of the API a Task's resource calls, when the table knows it: an
/// optimized integration's or an AWS SDK integration's, unless it waits for a task token.
fn output_shape(target: &TaskResource) -> Option<&'static Shape> {
    let (service, action) = match &target.kind {
        ResourceKind::Service { service, action } | ResourceKind::AwsSdk { service, action } => {
            (service.as_str(), action.as_str())
        }
        _ => return None,
    };
    if target.pattern == CallPattern::WaitForTaskToken {
        return None;
    }
    let api = format!("{service}:{action}{}", target.pattern.suffix());
    let is_sdk = matches!(target.kind, ResourceKind::AwsSdk { .. });
    let integration = match api.as_str() {
        // AWS SDK integrations of the services the table knows reach the same APIs.
        "sfn:startExecution" if is_sdk => "states:startExecution",
        "eventbridge:putEvents" if is_sdk => "events:putEvents",
        other => other,
    };
    Some(match integration {
        "lambda:invoke" => &LAMBDA_INVOKE,
        "states:startExecution" => &SFN_START_EXECUTION,
        "states:startExecution.sync" | "states:startExecution.sync:2" => &SFN_DESCRIBE_EXECUTION,
        "events:putEvents" => &EVENTS_PUT_EVENTS,
        "dynamodb:putItem" | "dynamodb:updateItem" | "dynamodb:deleteItem" => &DYNAMODB_WRITE_ITEM,
        "dynamodb:getItem" => &DYNAMODB_GET_ITEM,
        "sqs:sendMessage" => &SQS_SEND_MESSAGE,
        "sns:publish" => &SNS_PUBLISH,
        "kms:encrypt" => &KMS_ENCRYPT,
        _ => return None,
    })
}

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
    let Some(shape) = output_shape(target) else {
        return Ok(());
    };
    // A result that is not an object cannot be held against a structure's fields.
    if !result.is_object() {
        return Ok(());
    }
    check(result, shape, "", mode == FieldValidationMode::Strict)
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

/// Checks `value` against `shape`; `field` names the member it is (or the list or map it is an
/// item of).
fn check(value: &Value, shape: &Shape, field: &str, strict: bool) -> Result<(), String> {
    match shape {
        Shape::Structure(members) => {
            let Value::Object(fields) = value else {
                return Err(must_be(field, "an object"));
            };
            if strict {
                if let Some(missing) = members
                    .iter()
                    .find(|m| m.required && !fields.contains_key(m.name))
                {
                    return Err(format!("Required field '{}' is missing", missing.name));
                }
            }
            for (name, item) in fields {
                if let Some(member) = members.iter().find(|m| m.name == name) {
                    check(item, member.shape, name, strict)?;
                }
            }
            Ok(())
        }
        Shape::List(items) => {
            let Value::Array(values) = value else {
                return Err(must_be(field, "an array"));
            };
            values
                .iter()
                .try_for_each(|item| check(item, items, field, strict))
        }
        Shape::Map(values) => {
            let Value::Object(entries) = value else {
                return Err(must_be(field, "an object"));
            };
            entries
                .values()
                .try_for_each(|item| check(item, values, field, strict))
        }
        Shape::String { min, max, values } => {
            let Value::String(text) = value else {
                return Err(must_be(field, "a string"));
            };
            if !values.is_empty() && !values.contains(&text.as_str()) {
                return Err(format!("Field '{field}' is not an expected value"));
            }
            check_length(field, text.chars().count(), *min, *max)
        }
        Shape::Blob { min, max } => {
            let Value::String(text) = value else {
                return Err(must_be(field, "a string"));
            };
            check_length(field, text.len(), *min, *max)
        }
        Shape::Timestamp => match value {
            Value::String(_) => Ok(()),
            _ => Err(must_be(field, "a string")),
        },
        Shape::Integer => match value {
            Value::Number(n) if n.is_i64() || n.is_u64() => Ok(()),
            _ => Err(must_be(field, "a number")),
        },
        Shape::Double => match value {
            Value::Number(_) => Ok(()),
            _ => Err(must_be(field, "a number")),
        },
        Shape::Boolean => match value {
            Value::Bool(_) => Ok(()),
            _ => Err(must_be(field, "a boolean")),
        },
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

    #[test]
    fn the_shape_is_the_api_the_resource_calls() {
        let shape = |resource: &str| output_shape(&TaskResource::parse(resource));
        let is = |found: Option<&'static Shape>, expected: &'static Shape| {
            found.is_some_and(|found| std::ptr::eq(found, expected))
        };
        assert!(is(shape(SFN), &SFN_START_EXECUTION));
        assert!(is(
            shape("arn:aws:states:::aws-sdk:sfn:startExecution"),
            &SFN_START_EXECUTION
        ));
        assert!(is(
            shape("arn:aws:states:::states:startExecution.sync:2"),
            &SFN_DESCRIBE_EXECUTION
        ));
        assert!(is(
            shape("arn:aws-cn:states:::aws-sdk:eventbridge:putEvents"),
            &EVENTS_PUT_EVENTS
        ));
        // Only the SDK integration's service names are aliases.
        assert!(shape("arn:aws:states:::sfn:startExecution").is_none());
        assert!(shape("arn:aws:states:::lambda:invoke.waitForTaskToken").is_none());
        assert!(shape("arn:aws:states:us-east-1:123456789012:activity:a").is_none());
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
