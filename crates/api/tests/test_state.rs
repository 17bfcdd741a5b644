//! TestState over HTTP: a request answered, and client mistakes in its nested members answered
//! with 400s and AWS error bodies, never a 500.

mod common;

use std::sync::Arc;

use axum::http::StatusCode;
use common::service;
use engine::service::Service;
use serde_json::{json, Value};

async fn test_state(svc: &Arc<Service>, body: &Value) -> (StatusCode, Value) {
    common::post(svc, "AWSStepFunctions.TestState", None, body.to_string()).await
}

#[tokio::test]
async fn a_task_state_is_tested_with_its_mock() {
    let svc = service();
    let definition = json!({"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
        "Parameters": {"TableName.$": "$.TableName", "Item.$": "$.Item"},
        "ResultPath": "$.putItemOutput", "OutputPath": "$.putItemOutput", "End": true});
    let (status, body) = test_state(
        &svc,
        &json!({
            "definition": definition.to_string(),
            "input": json!({"TableName": "t", "Item": {"id": {"S": "id1"}}}).to_string(),
            "inspectionLevel": "INFO",
            "mock": {"result": json!({"SdkHttpMetadata": {"HttpStatusCode": 200}}).to_string()},
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({"output": "{\"SdkHttpMetadata\": {\"HttpStatusCode\": 200}}", "status": "SUCCEEDED"})
    );
}

#[tokio::test]
async fn mistakes_in_nested_members_are_client_errors() {
    let svc = service();
    let definition = json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "f"}, "End": true})
    .to_string();
    let bodies = [
        json!({"definition": definition, "mock": "not an object"}),
        json!({"definition": definition, "mock": {"result": 5}}),
        json!({"definition": definition, "mock": {"errorOutput": []}}),
        json!({"definition": definition, "mock": {"errorOutput": {"error": 1}}}),
        json!({"definition": definition, "mock": {"result": "{}", "fieldValidationMode": "LOOSE"}}),
        json!({"definition": definition, "mock": {}}),
        json!({"definition": definition, "mock": {"result": "{}"}, "inspectionLevel": "ALL"}),
        json!({"definition": definition, "mock": {"result": "{}"}, "stateConfiguration": 3}),
        json!({"definition": definition, "mock": {"result": "{}"},
               "stateConfiguration": {"retrierRetryCount": -1}}),
        json!({"definition": definition, "mock": {"result": "{}"},
               "stateConfiguration": {"mapIterationFailureCount": "two"}}),
        json!({"definition": definition, "mock": {"result": "{}"}, "stateName": ""}),
        json!({"definition": definition, "mock": {"result": "{}"}, "context": "[]"}),
        json!({"definition": definition, "mock": {"result": "{}"}, "variables": "{"}),
        json!({"definition": definition, "mock": {"result": "{}"}, "input": "{"}),
        // Without a mock only a request-response call is made for real.
        json!({"definition": definition.replace("lambda:invoke", "lambda:invoke.waitForTaskToken"),
               "roleArn": "arn:aws:iam::123456789012:role/r"}),
        json!({"definition": "{\"Type\": \"Map\"}", "mock": {"result": "[]"}}),
        json!({"definition": "[]"}),
    ];
    for body in bodies {
        let (status, answer) = test_state(&svc, &body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
        assert!(answer["__type"].is_string(), "{body}: {answer}");
        assert!(answer["message"].is_string(), "{body}: {answer}");
    }
}
