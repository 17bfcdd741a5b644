//! What the integrations that call AWS share: what became of a call ([`Outcome`]), the
//! response metadata the optimized integrations add (`SdkHttpMetadata`, `SdkResponseMetadata`),
//! and how a service's error is named: as AWS SDK for Java 1 names it for the optimized
//! integrations (`DynamoDB.ResourceNotFoundException`, cause `… (Service: AmazonDynamoDBv2;
//! Status Code: 400; Error Code: …; Request ID: …; Proxy: null)`), as the SDK for Java 2 names
//! it for `aws-sdk:*` (`DynamoDb.ResourceNotFoundException`, cause `… (Service: DynamoDb,
//! Status Code: 400, Request ID: …) (SDK Attempt Count: 1)`).

use serde_json::{Map, Value};

/// What became of a task's call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The task's result, as JSON text.
    Succeeded(String),
    Failed {
        error: String,
        cause: String,
    },
    /// `.waitForTaskToken` / `.sync`: the call was made (its answer as JSON text); the task now
    /// waits for the token or the job.
    Submitted(String),
}

impl Outcome {
    pub fn failed(error: impl Into<String>, cause: impl Into<String>) -> Outcome {
        Outcome::Failed {
            error: error.into(),
            cause: cause.into(),
        }
    }

    pub fn succeeded(output: &Value) -> Outcome {
        Outcome::Succeeded(output.to_string())
    }
}

/// `SdkHttpMetadata` and `SdkResponseMetadata` of an answer, as the optimized integrations
/// add them to the result; the result's members are then in alphabetical order, as AWS shows
/// them.
pub(super) fn with_metadata(output: Value, reply: &aws::Reply) -> Value {
    let mut all = Map::new();
    let mut single = Map::new();
    for (name, value) in &reply.headers {
        match all.get_mut(name) {
            Some(Value::Array(values)) => values.push(Value::String(value.clone())),
            _ => {
                all.insert(
                    name.clone(),
                    Value::Array(vec![Value::String(value.clone())]),
                );
                single.insert(name.clone(), Value::String(value.clone()));
            }
        }
    }
    let mut fields = match output {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    fields.insert(
        "SdkHttpMetadata".into(),
        serde_json::json!({
            "AllHttpHeaders": all,
            "HttpHeaders": single,
            "HttpStatusCode": reply.status,
        }),
    );
    fields.insert(
        "SdkResponseMetadata".into(),
        serde_json::json!({"RequestId": reply.request_id.clone().unwrap_or_default()}),
    );
    sorted(fields)
}

/// An object's members in alphabetical order.
pub(super) fn sorted(fields: Map<String, Value>) -> Value {
    let mut entries: Vec<(String, Value)> = fields.into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Value::Object(entries.into_iter().collect())
}

/// How an SDK names a service's errors.
#[derive(Debug, Clone, Copy)]
pub(super) struct Naming {
    /// The error name's prefix (`Lambda`, `DynamoDB`).
    pub prefix: &'static str,
    /// The SDK for Java 1's service name in causes (`AWSLambda`, `AmazonDynamoDBv2`).
    pub service: &'static str,
    /// The name of an error the model does not list (`AmazonDynamoDBException`).
    pub base_exception: &'static str,
}

/// The SDK for Java 1's names of the services the optimized integrations call, by model.
pub(super) fn v1_naming(model: &str) -> Naming {
    let (prefix, service, base_exception) = match model {
        "lambda" => ("Lambda", "AWSLambda", "AWSLambdaException"),
        "dynamodb" => ("DynamoDB", "AmazonDynamoDBv2", "AmazonDynamoDBException"),
        "sqs" => ("SQS", "AmazonSQS", "AmazonSQSException"),
        "sns" => ("SNS", "AmazonSNS", "AmazonSNSException"),
        "events" => (
            "EventBridge",
            "AmazonEventBridge",
            "AmazonEventBridgeException",
        ),
        "stepfunctions" => (
            "StepFunctions",
            "AWSStepFunctions",
            "AWSStepFunctionsException",
        ),
        "ecs" => ("ECS", "AmazonECS", "AmazonECSException"),
        "batch" => ("Batch", "AWSBatch", "AWSBatchException"),
        "glue" => ("Glue", "AWSGlue", "AWSGlueException"),
        "athena" => ("Athena", "AmazonAthena", "AmazonAthenaException"),
        "codebuild" => ("CodeBuild", "AWSCodeBuild", "AWSCodeBuildException"),
        "apigateway" => (
            "ApiGateway",
            "AmazonApiGateway",
            "AmazonApiGatewayException",
        ),
        _ => ("Service", "AmazonWebService", "AmazonServiceException"),
    };
    Naming {
        prefix,
        service,
        base_exception,
    }
}

/// The exception shape a service's error code stands for in its model, if it lists it.
fn modelled_exception(model: &str, code: &str) -> Option<String> {
    let m = aws::models::service(model)?;
    m.exception_for(code).map(str::to_string)
}

/// A service's error as an optimized integration names it (SDK for Java 1).
pub(super) fn v1_error(model: &str, failure: &aws::Failure) -> Outcome {
    let naming = v1_naming(model);
    match failure {
        aws::Failure::Service {
            status,
            code,
            message,
            request_id,
            ..
        } => {
            let exception = modelled_exception(model, code)
                .unwrap_or_else(|| naming.base_exception.to_string());
            Outcome::failed(
                format!("{}.{exception}", naming.prefix),
                format!(
                    "{} (Service: {}; Status Code: {status}; Error Code: {code}; Request ID: {}; Proxy: null)",
                    message.as_deref().unwrap_or(""),
                    naming.service,
                    request_id.as_deref().unwrap_or("")
                ),
            )
        }
        other => client_error(naming.prefix, other),
    }
}

/// The SDK for Java 2's name of a service (`DynamoDB` → `DynamoDb`, `SFN` → `Sfn`): its id's
/// words joined, each run of capitals lowered but for its first letter.
pub(super) fn v2_service_name(service_id: &str) -> String {
    let mut out = String::new();
    for word in service_id.split([' ', '-']) {
        let chars: Vec<char> = word.chars().collect();
        for (i, c) in chars.iter().enumerate() {
            let after_capital = i > 0 && chars[i - 1].is_ascii_uppercase();
            let before_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if i == 0 {
                out.push(c.to_ascii_uppercase());
            } else if c.is_ascii_uppercase() && after_capital && !before_lower {
                out.push(c.to_ascii_lowercase());
            } else {
                out.push(*c);
            }
        }
    }
    out
}

/// A service's error as the `aws-sdk:*` integration names it (SDK for Java 2).
pub(super) fn v2_error(model: &str, failure: &aws::Failure) -> Outcome {
    let service = aws::models::service(model)
        .map(|m| v2_service_name(m.service_id()))
        .unwrap_or_else(|| model.to_string());
    match failure {
        aws::Failure::Service {
            status,
            code,
            message,
            request_id,
            headers,
        } => {
            let exception = match modelled_exception(model, code) {
                Some(name) if name.ends_with("Exception") => name,
                Some(name) => format!("{name}Exception"),
                None => format!("{service}Exception"),
            };
            let extended = aws::header(headers, "x-amz-id-2")
                .map(|id| format!(", Extended Request ID: {id}"))
                .unwrap_or_default();
            // The SDK counts the attempts it made (one: Step Functions does not retry these);
            // recordings of 2023 predate the count, those of 2025 show it.
            Outcome::failed(
                format!("{service}.{exception}"),
                format!(
                    "{} (Service: {service}, Status Code: {status}, Request ID: {}{extended}) (SDK Attempt Count: 1)",
                    message.as_deref().unwrap_or(""),
                    request_id.as_deref().unwrap_or("")
                ),
            )
        }
        other => client_error(&service, other),
    }
}

/// A call that never got a service's answer: `<Prefix>.SdkClientException`, or
/// `States.Timeout` when it ran out of time.
pub(super) fn client_error(prefix: &str, failure: &aws::Failure) -> Outcome {
    match failure {
        aws::Failure::TimedOut => Outcome::failed(asl::error::TIMEOUT, ""),
        aws::Failure::Invalid(message) | aws::Failure::Unknown(message) => {
            Outcome::failed(asl::error::RUNTIME, message.clone())
        }
        aws::Failure::Transport(message) => Outcome::failed(
            format!("{prefix}.SdkClientException"),
            format!("Unable to execute HTTP request: {message}"),
        ),
        aws::Failure::Service { code, .. } => Outcome::failed(format!("{prefix}.{code}"), ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_2_names_services_by_their_ids() {
        for (id, name) in [
            ("DynamoDB", "DynamoDb"),
            ("SFN", "Sfn"),
            ("S3", "S3"),
            ("Secrets Manager", "SecretsManager"),
            ("CloudWatch Logs", "CloudWatchLogs"),
            ("EC2", "Ec2"),
            ("API Gateway", "ApiGateway"),
            ("EventBridge", "EventBridge"),
            ("SQS", "Sqs"),
        ] {
            assert_eq!(v2_service_name(id), name, "{id}");
        }
    }

    fn failure(status: u16, code: &str, message: &str) -> aws::Failure {
        aws::Failure::Service {
            status,
            code: code.into(),
            message: Some(message.into()),
            request_id: Some("r-1".into()),
            headers: vec![],
        }
    }

    #[test]
    fn errors_are_named_as_each_sdk_names_them() {
        assert_eq!(
            v1_error("sns", &failure(404, "NotFound", "Topic does not exist")),
            Outcome::failed(
                "SNS.NotFoundException",
                "Topic does not exist (Service: AmazonSNS; Status Code: 404; Error Code: NotFound; Request ID: r-1; Proxy: null)"
            )
        );
        assert_eq!(
            v1_error("dynamodb", &failure(400, "ValidationException", "bad")),
            Outcome::failed(
                "DynamoDB.AmazonDynamoDBException",
                "bad (Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ValidationException; Request ID: r-1; Proxy: null)"
            )
        );
        assert_eq!(
            v2_error("s3", &failure(404, "NoSuchBucket", "The specified bucket does not exist")),
            Outcome::failed(
                "S3.NoSuchBucketException",
                "The specified bucket does not exist (Service: S3, Status Code: 404, Request ID: r-1) (SDK Attempt Count: 1)"
            )
        );
        assert_eq!(
            v2_error(
                "secretsmanager",
                &failure(400, "ValidationException", "Invalid name.")
            ),
            Outcome::failed(
                "SecretsManager.SecretsManagerException",
                "Invalid name. (Service: SecretsManager, Status Code: 400, Request ID: r-1) (SDK Attempt Count: 1)"
            )
        );
    }

    #[test]
    fn metadata_is_added_and_members_sorted() {
        let reply = aws::Reply {
            status: 200,
            headers: vec![
                ("Content-Type".into(), "application/json".into()),
                ("x-amzn-RequestId".into(), "r".into()),
            ],
            output: Value::Null,
            request_id: Some("r".into()),
        };
        let out = with_metadata(serde_json::json!({"StatusCode": 200, "Payload": 1}), &reply);
        assert_eq!(
            out.to_string(),
            r#"{"Payload":1,"SdkHttpMetadata":{"AllHttpHeaders":{"Content-Type":["application/json"],"x-amzn-RequestId":["r"]},"HttpHeaders":{"Content-Type":"application/json","x-amzn-RequestId":"r"},"HttpStatusCode":200},"SdkResponseMetadata":{"RequestId":"r"},"StatusCode":200}"#
        );
    }
}
