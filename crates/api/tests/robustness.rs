//! No client mistake produces a 500 or a panic: every malformed request to every operation gets
//! an HTTP 400 with an AWS error body.

mod common;

use std::sync::Arc;

use axum::http::StatusCode;
use common::service;
use engine::service::Service;
use serde_json::{json, Value};

async fn call(svc: &Arc<Service>, target: &str, body: &str) -> (StatusCode, Value) {
    common::post(svc, target, None, body.to_string()).await
}

fn assert_client_error(status: StatusCode, body: &Value, what: &str) {
    assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {body}");
    assert!(body["__type"].is_string(), "{what}: no __type in {body}");
    assert!(body["message"].is_string(), "{what}: no message in {body}");
}

#[tokio::test]
async fn malformed_bodies_get_client_errors() {
    let svc = service();
    let bodies = [
        "not json",
        "[]",
        "42",
        "\"text\"",
        "{\"unterminated\": ",
        "null",
    ];
    for op in api::OPERATIONS {
        for body in bodies {
            let (status, value) = call(&svc, &format!("AWSStepFunctions.{op}"), body).await;
            assert_client_error(status, &value, &format!("{op} with {body}"));
        }
    }
}

#[tokio::test]
async fn missing_and_wrong_typed_members_get_client_errors() {
    let svc = service();
    let wrong_values = [
        json!(1),
        json!(true),
        json!([1, 2]),
        json!({"a": 1}),
        json!(""),
        json!("x".repeat(2000)),
        json!("arn:aws:states:us-east-1:123456789012:stateMachine:nope"),
        json!("arn:aws:states:us-east-1:123456789012:execution:nope:nope"),
        json!("not-an-arn"),
    ];
    let members = [
        "stateMachineArn",
        "executionArn",
        "activityArn",
        "name",
        "definition",
        "roleArn",
        "input",
        "type",
        "maxResults",
        "nextToken",
        "statusFilter",
        "taskToken",
        "resourceArn",
        "tags",
        "inspectionLevel",
        "stateMachineAliasArn",
        "mapRunArn",
    ];
    for op in api::OPERATIONS {
        let (status, value) = call(&svc, &format!("AWSStepFunctions.{op}"), "{}").await;
        if op != "ListStateMachines" && op != "ListActivities" {
            assert_client_error(status, &value, &format!("{op} with {{}}"));
        }
        for member in members {
            for wrong in &wrong_values {
                let body = json!({ member: wrong }).to_string();
                let (status, value) = call(&svc, &format!("AWSStepFunctions.{op}"), &body).await;
                assert!(
                    status != StatusCode::INTERNAL_SERVER_ERROR,
                    "{op} {body}: {value}"
                );
                if status != StatusCode::OK {
                    assert_client_error(status, &value, &format!("{op} {body}"));
                }
            }
        }
    }
}

#[tokio::test]
async fn unknown_operations_are_named() {
    let svc = service();
    let (status, value) = call(&svc, "AWSStepFunctions.DoSomething", "{}").await;
    assert_client_error(status, &value, "unknown operation");
    assert_eq!(value["__type"], "UnknownOperationException");
    let (status, value) = call(&svc, "", "{}").await;
    assert_client_error(status, &value, "no target");
}

#[tokio::test]
async fn bad_definitions_inputs_and_names_are_rejected_as_aws_does() {
    let svc = service();
    let role = "arn:aws:iam::123456789012:role/r";
    let ok_def =
        json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}).to_string();
    for (body, what, code) in [
        (
            json!({"name": "bad name", "definition": ok_def, "roleArn": role}),
            "bad name",
            "InvalidName",
        ),
        (
            json!({"name": "m", "definition": "{", "roleArn": role}),
            "bad definition",
            "InvalidDefinition",
        ),
    ] {
        let (status, value) = call(
            &svc,
            "AWSStepFunctions.CreateStateMachine",
            &body.to_string(),
        )
        .await;
        assert_client_error(status, &value, what);
        assert_eq!(value["__type"], code);
    }
    let (status, value) = call(
        &svc,
        "AWSStepFunctions.CreateStateMachine",
        &json!({"name": "m", "definition": ok_def, "roleArn": role}).to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{value}");
    let arn = value["stateMachineArn"].as_str().unwrap().to_string();
    for (input, code) in [
        ("{".to_string(), "InvalidExecutionInput"),
        (
            format!("\"{}\"", "x".repeat(300 * 1024)),
            "InvalidExecutionInput",
        ),
    ] {
        let (status, value) = call(
            &svc,
            "AWSStepFunctions.StartExecution",
            &json!({"stateMachineArn": arn, "input": input}).to_string(),
        )
        .await;
        assert_client_error(status, &value, "bad input");
        assert_eq!(value["__type"], code);
    }
    let (status, value) = call(
        &svc,
        "AWSStepFunctions.DescribeStateMachine",
        &json!({"stateMachineArn": "not_a_valid_arn"}).to_string(),
    )
    .await;
    assert_client_error(status, &value, "invalid arn");
    assert_eq!(value["__type"], "InvalidArn");
    assert_eq!(
        value["message"],
        "Invalid Arn: 'Invalid ARN prefix: not_a_valid_arn'"
    );
}
