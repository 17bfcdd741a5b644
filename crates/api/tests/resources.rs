//! The resource operations over HTTP: the region of the SigV4 credential scope, the model's
//! validation with AWS's wording, pagination, and the shapes of the answers.

mod common;

use std::sync::Arc;

use axum::http::StatusCode;
use common::service;
use engine::service::Service;
use serde_json::{json, Value};

/// Calls `operation` as a client signing for `region` would.
async fn call_in(
    svc: &Arc<Service>,
    region: &str,
    operation: &str,
    body: Value,
) -> (StatusCode, Value) {
    let authorization = format!(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/{region}/states/aws4_request, SignedHeaders=host, Signature=0"
    );
    common::post(
        svc,
        &format!("AWSStepFunctions.{operation}"),
        Some(&authorization),
        body.to_string(),
    )
    .await
}

async fn call(svc: &Arc<Service>, operation: &str, body: Value) -> (StatusCode, Value) {
    call_in(svc, "us-east-1", operation, body).await
}

async fn ok(svc: &Arc<Service>, operation: &str, body: Value) -> Value {
    let (status, value) = call(svc, operation, body).await;
    assert_eq!(status, StatusCode::OK, "{operation}: {value}");
    value
}

async fn fails(svc: &Arc<Service>, operation: &str, body: Value) -> (String, String) {
    let (status, value) = call(svc, operation, body).await;
    assert_ne!(status, StatusCode::OK, "{operation} succeeded: {value}");
    (
        value["__type"].as_str().unwrap_or_default().to_string(),
        value["message"].as_str().unwrap_or_default().to_string(),
    )
}

const ROLE: &str = "arn:aws:iam::123456789012:role/r";

fn definition() -> String {
    json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}).to_string()
}

async fn create(svc: &Arc<Service>, name: &str) -> Value {
    ok(
        svc,
        "CreateStateMachine",
        json!({"name": name, "definition": definition(), "roleArn": ROLE, "publish": true}),
    )
    .await
}

#[tokio::test]
async fn arns_carry_the_region_the_request_was_signed_for() {
    let svc = service();
    let (_, created) = call_in(
        &svc,
        "eu-west-1",
        "CreateStateMachine",
        json!({"name": "m", "definition": definition(), "roleArn": ROLE}),
    )
    .await;
    assert_eq!(
        created["stateMachineArn"],
        "arn:aws:states:eu-west-1:123456789012:stateMachine:m"
    );
    let (_, east) = call_in(&svc, "us-east-1", "ListStateMachines", json!({})).await;
    assert_eq!(east["stateMachines"], json!([]));
    let (_, west) = call_in(&svc, "eu-west-1", "ListStateMachines", json!({})).await;
    assert_eq!(west["stateMachines"][0]["name"], "m");
    let (status, _) = call_in(
        &svc,
        "us-east-1",
        "DescribeStateMachine",
        json!({"stateMachineArn": created["stateMachineArn"]}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn state_machines_are_described_as_aws_describes_them() {
    let svc = service();
    let created = create(&svc, "m").await;
    let arn = created["stateMachineArn"].as_str().unwrap();
    assert_eq!(created["stateMachineVersionArn"], format!("{arn}:1"));
    let described = ok(
        &svc,
        "DescribeStateMachine",
        json!({"stateMachineArn": arn}),
    )
    .await;
    assert_eq!(
        described["loggingConfiguration"],
        json!({"level": "OFF", "includeExecutionData": false})
    );
    assert_eq!(described["tracingConfiguration"], json!({"enabled": false}));
    assert_eq!(
        described["encryptionConfiguration"],
        json!({"type": "AWS_OWNED_KEY"})
    );
    assert_eq!(described["status"], "ACTIVE");
    assert!(described.get("revisionId").is_none());
    assert!(described.get("variableReferences").is_none());
    let metadata = ok(
        &svc,
        "DescribeStateMachine",
        json!({"stateMachineArn": arn, "includedData": "METADATA_ONLY"}),
    )
    .await;
    assert_eq!(metadata["definition"], "{}");

    let updated = ok(
        &svc,
        "UpdateStateMachine",
        json!({"stateMachineArn": arn, "definition": definition(), "publish": true}),
    )
    .await;
    // Nothing changed: no revision, and version 1 still holds this revision.
    assert!(updated.get("revisionId").is_none());
    assert_eq!(updated["stateMachineVersionArn"], format!("{arn}:1"));
    assert_eq!(
        fails(&svc, "UpdateStateMachine", json!({"stateMachineArn": arn})).await,
        (
            "MissingRequiredParameter".into(),
            "Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified".into()
        )
    );
}

#[tokio::test]
async fn requests_are_checked_against_the_model() {
    let svc = service();
    assert_eq!(
        fails(&svc, "ListStateMachines", json!({"maxResults": 1001})).await,
        (
            "ValidationException".into(),
            "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000".into()
        )
    );
    assert_eq!(
        fails(&svc, "CreateStateMachine", json!({})).await.1,
        "3 validation errors detected: Value null at 'name' failed to satisfy constraint: Member must not be null; Value null at 'definition' failed to satisfy constraint: Member must not be null; Value null at 'roleArn' failed to satisfy constraint: Member must not be null"
    );
    let arn = create(&svc, "m").await["stateMachineVersionArn"]
        .as_str()
        .unwrap()
        .to_string();
    for (name, expected) in [
        ("123", "1 validation error detected: Value '123' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$"),
        ("INVALID ALIAS", "1 validation error detected: Value 'INVALID ALIAS' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$"),
    ] {
        let body = json!({"name": name, "routingConfiguration": [{"stateMachineVersionArn": arn, "weight": 100}]});
        assert_eq!(
            fails(&svc, "CreateStateMachineAlias", body).await,
            ("ValidationException".into(), expected.into())
        );
    }
    let body = json!({"name": "a", "routingConfiguration": [{"stateMachineVersionArn": arn, "weight": 101}]});
    assert_eq!(
        fails(&svc, "CreateStateMachineAlias", body).await.1,
        "1 validation error detected: Value '101' at 'routingConfiguration.1.member.weight' failed to satisfy constraint: Member must have value less than or equal to 100"
    );
    for (operation, body, refusal) in [
        (
            "CreateActivity",
            json!({"name": "TestActivity InvalidName$"}),
            ("InvalidName", "Invalid Name: 'TestActivity InvalidName$'"),
        ),
        (
            "DescribeActivity",
            json!({"activityArn": "no_an_activity_arn"}),
            (
                "InvalidArn",
                "Invalid Arn: 'Invalid ARN prefix: no_an_activity_arn'",
            ),
        ),
    ] {
        let (code, message) = fails(&svc, operation, body).await;
        assert_eq!((code.as_str(), message.as_str()), refusal, "{operation}");
    }
}

#[tokio::test]
async fn lists_page_with_opaque_tokens() {
    let svc = service();
    for i in 0..5 {
        ok(&svc, "CreateActivity", json!({"name": format!("a{i}")})).await;
    }
    let first = ok(&svc, "ListActivities", json!({"maxResults": 2})).await;
    assert_eq!(first["activities"].as_array().unwrap().len(), 2);
    assert_eq!(first["activities"][0]["name"], "a0");
    let mut names = Vec::new();
    let mut token = first["nextToken"].clone();
    while let Some(t) = token.as_str() {
        let page = ok(
            &svc,
            "ListActivities",
            json!({"maxResults": 2, "nextToken": t}),
        )
        .await;
        for activity in page["activities"].as_array().unwrap() {
            names.push(activity["name"].as_str().unwrap().to_string());
        }
        token = page["nextToken"].clone();
    }
    assert_eq!(names, ["a2", "a3", "a4"]);
    assert_eq!(
        fails(&svc, "ListActivities", json!({"nextToken": "InvalidToken"})).await,
        (
            "InvalidToken".into(),
            "Invalid Token: 'Invalid token'".into()
        )
    );
}

#[tokio::test]
async fn conflicts_answer_409_as_aws_documents() {
    let svc = service();
    let arn = create(&svc, "m").await["stateMachineArn"]
        .as_str()
        .unwrap()
        .to_string();
    let routing = json!([{"stateMachineVersionArn": format!("{arn}:1"), "weight": 100}]);
    ok(
        &svc,
        "CreateStateMachineAlias",
        json!({"name": "live", "routingConfiguration": routing}),
    )
    .await;
    let (status, value) = call(
        &svc,
        "DeleteStateMachineVersion",
        json!({"stateMachineVersionArn": format!("{arn}:1")}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(value["__type"], "ConflictException");
    let described = ok(
        &svc,
        "DescribeStateMachineAlias",
        json!({"stateMachineAliasArn": format!("{arn}:live")}),
    )
    .await;
    assert_eq!(described["name"], "live");
    assert_eq!(described["routingConfiguration"], routing);
    let listed = ok(
        &svc,
        "ListStateMachineAliases",
        json!({"stateMachineArn": arn}),
    )
    .await;
    assert_eq!(
        listed["stateMachineAliases"][0]["stateMachineAliasArn"],
        format!("{arn}:live")
    );
}

#[tokio::test]
async fn tags_and_map_runs_answer_as_aws_does() {
    let svc = service();
    let arn = create(&svc, "m").await["stateMachineArn"]
        .as_str()
        .unwrap()
        .to_string();
    ok(
        &svc,
        "TagResource",
        json!({"resourceArn": arn, "tags": [{"key": "key1", "value": ""}]}),
    )
    .await;
    assert_eq!(
        ok(&svc, "ListTagsForResource", json!({"resourceArn": arn})).await,
        json!({"tags": [{"key": "key1", "value": ""}]})
    );
    ok(
        &svc,
        "UntagResource",
        json!({"resourceArn": arn, "tagKeys": ["key1", "key1"]}),
    )
    .await;
    assert_eq!(
        ok(&svc, "ListTagsForResource", json!({"resourceArn": arn})).await,
        json!({"tags": []})
    );
    let map_run = "arn:aws:states:us-east-1:123456789012:mapRun:m/label:1";
    assert_eq!(
        fails(&svc, "DescribeMapRun", json!({"mapRunArn": map_run}))
            .await
            .0,
        "ResourceNotFound"
    );
    assert_eq!(
        fails(
            &svc,
            "UpdateMapRun",
            json!({"mapRunArn": map_run, "toleratedFailurePercentage": 101})
        )
        .await
        .1,
        "1 validation error detected: Value '101.0' at 'toleratedFailurePercentage' failed to satisfy constraint: Member must have value less than or equal to 100"
    );
    let execution = ok(&svc, "StartExecution", json!({"stateMachineArn": arn})).await;
    assert_eq!(
        ok(
            &svc,
            "ListMapRuns",
            json!({"executionArn": execution["executionArn"]})
        )
        .await,
        json!({"mapRuns": []})
    );
}
