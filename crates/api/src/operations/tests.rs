//! The exact text of the operations' answers (and of their refusals), pinned in
//! `responses.golden`: response and request types must not change a byte of what clients see.
//! Regenerate after a deliberate change with `STEPFN_UPDATE_GOLDEN=1 cargo test -p api`.

use std::sync::Arc;
use std::time::Duration;

use engine::service::{Clock, Config, Service};
use serde_json::{json, Value};

use super::dispatch;
use crate::RequestContext;

/// A clock that never moves, so timestamps (and a Wait state's RUNNING execution) are fixed.
struct FixedClock;

impl Clock for FixedClock {
    fn now_ms(&self) -> i64 {
        1_700_000_000_123
    }
    fn scaled(&self, ms: i64) -> Duration {
        Duration::from_millis(ms.max(0) as u64)
    }
}

const ROLE: &str = "arn:aws:iam::123456789012:role/r";
const MACHINES: &str = "arn:aws:states:us-east-1:123456789012:stateMachine";
const EXECUTIONS: &str = "arn:aws:states:us-east-1:123456789012:execution";
const ACTIVITIES: &str = "arn:aws:states:us-east-1:123456789012:activity";

struct Session {
    service: Arc<Service>,
    ctx: RequestContext,
    transcript: String,
}

impl Session {
    fn new() -> Session {
        Session {
            service: Service::new(
                Config {
                    account_id: "123456789012".into(),
                    default_region: "us-east-1".into(),
                },
                Arc::new(store::MemoryStore::new()),
                Arc::new(FixedClock),
            ),
            ctx: RequestContext {
                region: "us-east-1".into(),
            },
            transcript: String::new(),
        }
    }

    /// Calls `operation` and writes its answer (or its error) to the transcript.
    async fn call(&mut self, operation: &str, request: Value) -> Option<Value> {
        let answer = dispatch(&self.service, &self.ctx, operation, &request).await;
        let (line, value) = match answer {
            Ok(value) => (value.to_string(), Some(value)),
            Err(error) => (
                format!(
                    "{} {} {}",
                    error.status().as_u16(),
                    error.code,
                    error.message
                ),
                None,
            ),
        };
        self.transcript
            .push_str(&format!("{operation} {request}\n=> {line}\n"));
        value
    }

    /// Calls each `(operation, request)` in turn, as [`Session::call`] does.
    async fn calls<const N: usize>(&mut self, calls: [(&str, Value); N]) {
        for (operation, request) in calls {
            self.call(operation, request).await;
        }
    }

    /// Waits (outside the transcript) until the execution left RUNNING.
    async fn settle(&self, arn: &str) {
        for _ in 0..500 {
            let answer = dispatch(
                &self.service,
                &self.ctx,
                "DescribeExecution",
                &json!({ "executionArn": arn }),
            )
            .await
            .unwrap();
            if answer["status"] != "RUNNING" {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("{arn} still runs");
    }
}

fn pass() -> String {
    json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"a": 1}, "End": true}}})
        .to_string()
}

fn fail() -> String {
    json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Boom", "Cause": "why"}}})
        .to_string()
}

fn wait() -> String {
    json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1000, "End": true}}})
        .to_string()
}

fn activity_task(activity_arn: &str) -> String {
    json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": activity_arn, "End": true}}})
        .to_string()
}

async fn catalog(s: &mut Session) {
    let sm = format!("{MACHINES}:sm");
    s.calls([
        ("CreateActivity", json!({"name": "act", "tags": [{"key": "k", "value": "v"}]})),
        ("CreateActivity", json!({"name": "act2"})),
        ("CreateActivity", json!({"name": "bad name"})),
        ("CreateActivity", json!({"name": "", "tags": [{"value": 1}]})),
        ("CreateActivity", json!({"name": "x", "tags": [{"key": ""}], "encryptionConfiguration": {"kmsDataKeyReusePeriodSeconds": 1}})),
        ("DescribeActivity", json!({"activityArn": format!("{ACTIVITIES}:act")})),
        ("DescribeActivity", json!({"activityArn": format!("{ACTIVITIES}:nope")})),
        ("ListActivities", json!({})),
        ("ListActivities", json!({"maxResults": 1})),
        ("ListActivities", json!({"maxResults": 1, "nextToken": "b2Zmc2V0OjE="})),
        ("ListActivities", json!({"nextToken": "bad"})),
        ("ListActivities", json!({"maxResults": 5000})),
        ("ListActivities", json!({"maxResults": "x"})),
    ])
    .await;

    s.calls([
        ("CreateStateMachine", json!({})),
        ("CreateStateMachine", json!({"name": "sm", "definition": pass(), "roleArn": ROLE, "type": "LOCAL", "publish": "yes"})),
        ("CreateStateMachine", json!({"name": "sm", "definition": pass(), "roleArn": ROLE, "publish": true, "versionDescription": "first", "tags": [{"key": "team", "value": "a"}]})),
        ("CreateStateMachine", json!({"name": "sm2", "definition": pass(), "roleArn": ROLE, "loggingConfiguration": {"level": "ERROR", "includeExecutionData": true, "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:g:*"}}]}, "tracingConfiguration": {"enabled": true}, "encryptionConfiguration": {"type": "AWS_OWNED_KEY"}})),
        ("CreateStateMachine", json!({"name": "bad", "definition": "{", "roleArn": ROLE})),
        ("DescribeStateMachine", json!({"stateMachineArn": sm})),
        ("DescribeStateMachine", json!({"stateMachineArn": sm, "includedData": "METADATA_ONLY"})),
        ("DescribeStateMachine", json!({"stateMachineArn": format!("{sm}:1")})),
        ("DescribeStateMachine", json!({"stateMachineArn": format!("{MACHINES}:sm2")})),
        ("DescribeStateMachine", json!({"stateMachineArn": sm, "includedData": "SOME"})),
        ("UpdateStateMachine", json!({"stateMachineArn": sm})),
        ("UpdateStateMachine", json!({"stateMachineArn": sm, "definition": wait()})),
        ("UpdateStateMachine", json!({"stateMachineArn": sm, "definition": pass(), "publish": true, "versionDescription": "second"})),
        ("ListStateMachines", json!({})),
        ("ListStateMachines", json!({"maxResults": 1})),
        ("PublishStateMachineVersion", json!({"stateMachineArn": sm, "description": "third"})),
        ("PublishStateMachineVersion", json!({"stateMachineArn": sm, "revisionId": "nope"})),
        ("ListStateMachineVersions", json!({"stateMachineArn": sm})),
        ("ListStateMachineVersions", json!({"stateMachineArn": sm, "maxResults": 1})),
        ("DeleteStateMachineVersion", json!({"stateMachineVersionArn": format!("{sm}:3")})),
    ])
    .await;

    s.calls([
        ("CreateStateMachineAlias", json!({"name": "123", "routingConfiguration": []})),
        ("CreateStateMachineAlias", json!({"name": "PROD", "routingConfiguration": [{"stateMachineVersionArn": format!("{sm}:1"), "weight": 100}]})),
        ("CreateStateMachineAlias", json!({"name": "BETA", "description": "split", "routingConfiguration": [{"stateMachineVersionArn": format!("{sm}:1"), "weight": 70}, {"stateMachineVersionArn": format!("{sm}:2"), "weight": 30}]})),
        ("DescribeStateMachineAlias", json!({"stateMachineAliasArn": format!("{sm}:PROD")})),
        ("DescribeStateMachineAlias", json!({"stateMachineAliasArn": format!("{sm}:BETA")})),
        ("UpdateStateMachineAlias", json!({"stateMachineAliasArn": format!("{sm}:BETA")})),
        ("UpdateStateMachineAlias", json!({"stateMachineAliasArn": format!("{sm}:BETA"), "description": "changed"})),
        ("ListStateMachineAliases", json!({"stateMachineArn": sm})),
        ("ListStateMachineAliases", json!({"stateMachineArn": sm, "maxResults": 1})),
        ("DeleteStateMachineAlias", json!({"stateMachineAliasArn": format!("{sm}:BETA")})),
    ])
    .await;

    s.calls([
        (
            "TagResource",
            json!({"resourceArn": sm, "tags": [{"key": "env", "value": "test"}]}),
        ),
        ("TagResource", json!({"resourceArn": sm})),
        ("ListTagsForResource", json!({"resourceArn": sm})),
        (
            "UntagResource",
            json!({"resourceArn": sm, "tagKeys": ["team"]}),
        ),
        ("UntagResource", json!({"resourceArn": sm, "tagKeys": [""]})),
        (
            "ListTagsForResource",
            json!({"resourceArn": format!("{ACTIVITIES}:act")}),
        ),
    ])
    .await;
}

async fn executions(s: &mut Session) {
    let sm = format!("{MACHINES}:sm");
    s.calls([
        ("CreateStateMachine", json!({"name": "failing", "definition": fail(), "roleArn": ROLE})),
        ("CreateStateMachine", json!({"name": "waiting", "definition": wait(), "roleArn": ROLE})),
        ("StartExecution", json!({"stateMachineArn": sm, "name": "e1", "input": "{\"x\": 1}", "traceHeader": "Root=1"})),
    ])
    .await;
    s.settle(&format!("{EXECUTIONS}:sm:e1")).await;
    s.call(
        "StartExecution",
        json!({"stateMachineArn": format!("{sm}:PROD"), "name": "e2"}),
    )
    .await;
    s.settle(&format!("{EXECUTIONS}:sm:e2")).await;
    s.call(
        "StartExecution",
        json!({"stateMachineArn": format!("{sm}:1"), "name": "e3"}),
    )
    .await;
    s.settle(&format!("{EXECUTIONS}:sm:e3")).await;
    s.calls([
        (
            "StartExecution",
            json!({"stateMachineArn": sm, "name": "bad name"}),
        ),
        ("StartExecution", json!({"name": ""})),
        (
            "DescribeExecution",
            json!({"executionArn": format!("{EXECUTIONS}:sm:e1")}),
        ),
        (
            "DescribeExecution",
            json!({"executionArn": format!("{EXECUTIONS}:sm:e2")}),
        ),
        (
            "DescribeExecution",
            json!({"executionArn": format!("{EXECUTIONS}:sm:e3")}),
        ),
        ("DescribeExecution", json!({})),
        (
            "DescribeStateMachineForExecution",
            json!({"executionArn": format!("{EXECUTIONS}:sm:e1")}),
        ),
        (
            "DescribeStateMachineForExecution",
            json!({"executionArn": format!("{EXECUTIONS}:sm:e3")}),
        ),
    ])
    .await;

    let failed = format!("{EXECUTIONS}:failing:f1");
    s.call(
        "StartExecution",
        json!({"stateMachineArn": format!("{MACHINES}:failing"), "name": "f1"}),
    )
    .await;
    s.settle(&failed).await;
    s.calls([
        ("DescribeExecution", json!({"executionArn": failed})),
        (
            "RedriveExecution",
            json!({"executionArn": failed, "clientToken": ""}),
        ),
        (
            "RedriveExecution",
            json!({"executionArn": failed, "clientToken": "t1"}),
        ),
    ])
    .await;
    s.settle(&failed).await;
    s.calls([
        ("DescribeExecution", json!({"executionArn": failed})),
        (
            "RedriveExecution",
            json!({"executionArn": format!("{EXECUTIONS}:sm:e1")}),
        ),
    ])
    .await;

    let waiting = format!("{EXECUTIONS}:waiting:w1");
    s.calls([
        (
            "StartExecution",
            json!({"stateMachineArn": format!("{MACHINES}:waiting"), "name": "w1"}),
        ),
        ("DescribeExecution", json!({"executionArn": waiting})),
        (
            "StopExecution",
            json!({"executionArn": waiting, "error": "e".repeat(300)}),
        ),
        (
            "StopExecution",
            json!({"executionArn": waiting, "error": "Stopped", "cause": "test"}),
        ),
        ("DescribeExecution", json!({"executionArn": waiting})),
    ])
    .await;

    s.calls([
        ("ListExecutions", json!({"stateMachineArn": sm})),
        (
            "ListExecutions",
            json!({"stateMachineArn": sm, "maxResults": 2}),
        ),
        (
            "ListExecutions",
            json!({"stateMachineArn": format!("{sm}:PROD")}),
        ),
        (
            "ListExecutions",
            json!({"stateMachineArn": format!("{MACHINES}:failing"), "redriveFilter": "REDRIVEN"}),
        ),
        (
            "ListExecutions",
            json!({"stateMachineArn": format!("{MACHINES}:waiting"), "statusFilter": "ABORTED"}),
        ),
        (
            "ListExecutions",
            json!({"stateMachineArn": sm, "statusFilter": "DONE"}),
        ),
        (
            "ListExecutions",
            json!({"stateMachineArn": sm, "redriveFilter": "SOME"}),
        ),
        ("ListExecutions", json!({})),
        (
            "ListExecutions",
            json!({"stateMachineArn": sm, "mapRunArn": "x"}),
        ),
    ])
    .await;

    s.calls([
        (
            "ListMapRuns",
            json!({"executionArn": format!("{EXECUTIONS}:sm:e1")}),
        ),
        ("ListMapRuns", json!({})),
        (
            "DescribeMapRun",
            json!({"mapRunArn": "arn:aws:states:us-east-1:123456789012:mapRun:sm/m:1"}),
        ),
        ("DescribeMapRun", json!({"mapRunArn": "nope"})),
        (
            "UpdateMapRun",
            json!({"mapRunArn": "nope", "toleratedFailurePercentage": 101, "maxConcurrency": -1}),
        ),
        (
            "UpdateMapRun",
            json!({"mapRunArn": "nope", "maxConcurrency": 1}),
        ),
    ])
    .await;

    s.calls([
        ("CreateStateMachine", json!({"name": "quick", "definition": pass(), "roleArn": ROLE, "type": "EXPRESS"})),
        ("CreateStateMachine", json!({"name": "quickfail", "definition": fail(), "roleArn": ROLE, "type": "EXPRESS"})),
        ("StartSyncExecution", json!({"stateMachineArn": format!("{MACHINES}:quick"), "name": "q1", "input": "{}", "traceHeader": "Root=2"})),
        ("StartSyncExecution", json!({"stateMachineArn": format!("{MACHINES}:quickfail"), "name": "q2"})),
        ("StartExecution", json!({"stateMachineArn": format!("{MACHINES}:quick"), "name": "q3"})),
    ])
    .await;
}

async fn activity_tasks(s: &mut Session) {
    let activity = format!("{ACTIVITIES}:act");
    s.call(
        "CreateStateMachine",
        json!({"name": "worker", "definition": activity_task(&activity), "roleArn": ROLE}),
    )
    .await;
    for name in ["t1", "t2"] {
        s.call("StartExecution", json!({"stateMachineArn": format!("{MACHINES}:worker"), "name": name, "input": "{\"job\": 1}"}))
            .await;
    }
    let mut tokens = Vec::new();
    for _ in 0..2 {
        let task = s
            .call(
                "GetActivityTask",
                json!({"activityArn": activity, "workerName": "w"}),
            )
            .await
            .unwrap();
        tokens.push(task["taskToken"].as_str().unwrap().to_string());
    }
    s.calls([
        (
            "GetActivityTask",
            json!({"activityArn": activity, "workerName": ""}),
        ),
        ("SendTaskHeartbeat", json!({"taskToken": tokens[0]})),
        (
            "SendTaskSuccess",
            json!({"taskToken": tokens[0], "output": "{\"done\": true}"}),
        ),
        (
            "SendTaskFailure",
            json!({"taskToken": tokens[1], "error": "E", "cause": "C"}),
        ),
        (
            "SendTaskSuccess",
            json!({"taskToken": tokens[0], "output": "{}"}),
        ),
        ("SendTaskSuccess", json!({"taskToken": ""})),
        ("SendTaskHeartbeat", json!({})),
        (
            "SendTaskFailure",
            json!({"taskToken": "x", "error": "e".repeat(300)}),
        ),
    ])
    .await;
    for (token, name) in tokens.iter().zip(["TOKEN1", "TOKEN2"]) {
        s.transcript = s.transcript.replace(token.as_str(), name);
    }
}

async fn definitions(s: &mut Session) {
    s.calls([
        ("TestState", json!({"definition": json!({"Type": "Pass", "Result": {"b": 2}, "ResultPath": "$.r", "End": true}).to_string(), "input": "{\"a\": 1}", "inspectionLevel": "DEBUG"})),
        ("TestState", json!({"definition": json!({"Type": "Fail", "Error": "E", "Cause": "C"}).to_string()})),
        ("TestState", json!({"definition": json!({"Type": "Choice", "Choices": [{"Variable": "$.a", "NumericEquals": 1, "Next": "Yes"}], "Default": "No"}).to_string(), "input": "{\"a\": 1}"})),
        ("TestState", json!({"definition": "", "inspectionLevel": "ALL", "mock": {"fieldValidationMode": "X"}})),
        ("ValidateStateMachineDefinition", json!({"definition": pass()})),
        ("ValidateStateMachineDefinition", json!({"definition": json!({"StartAt": "X", "States": {"P": {"Type": "Pass"}}}).to_string()})),
        ("ValidateStateMachineDefinition", json!({"definition": json!({"StartAt": "X", "States": {"P": {"Type": "Pass"}}}).to_string(), "maxResults": 1, "severity": "ERROR"})),
        ("ValidateStateMachineDefinition", json!({"definition": json!({"StartAt": "X", "States": {"P": {"Type": "Pass"}, "Q": {"Type": "Wait"}}}).to_string(), "maxResults": 1})),
        ("ValidateStateMachineDefinition", json!({"definition": "", "type": "X", "severity": "Y", "maxResults": 101})),
    ])
    .await;
}

async fn deletions(s: &mut Session) {
    let sm = format!("{MACHINES}:sm");
    s.calls([
        (
            "DeleteStateMachineAlias",
            json!({"stateMachineAliasArn": format!("{sm}:PROD")}),
        ),
        (
            "DeleteStateMachineVersion",
            json!({"stateMachineVersionArn": format!("{sm}:1")}),
        ),
        (
            "DeleteActivity",
            json!({"activityArn": format!("{ACTIVITIES}:act2")}),
        ),
        ("DeleteActivity", json!({})),
        (
            "DeleteStateMachine",
            json!({"stateMachineArn": format!("{MACHINES}:sm2")}),
        ),
        ("DeleteStateMachine", json!({"stateMachineArn": "x"})),
        ("ListStateMachines", json!({})),
        ("Nope", json!({})),
    ])
    .await;
}

/// `text` with each UUID (revision ids, EXPRESS execution names) written `UUID`.
fn without_uuids(text: &str) -> String {
    let is_uuid = |s: &[u8]| {
        s.len() == 36
            && s.iter().enumerate().all(|(i, &b)| match i {
                8 | 13 | 18 | 23 => b == b'-',
                _ => b.is_ascii_hexdigit(),
            })
    };
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        if i + 36 <= bytes.len() && is_uuid(&bytes[i..i + 36]) {
            out.push_str("UUID");
            i += 36;
        } else {
            let c = text[i..].chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_keep_their_exact_text() {
    let mut s = Session::new();
    catalog(&mut s).await;
    executions(&mut s).await;
    activity_tasks(&mut s).await;
    definitions(&mut s).await;
    deletions(&mut s).await;
    let transcript = without_uuids(&s.transcript);
    let golden = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/operations/responses.golden"
    );
    if std::env::var_os("STEPFN_UPDATE_GOLDEN").is_some() {
        std::fs::write(golden, &transcript).unwrap();
    }
    let expected = std::fs::read_to_string(golden).unwrap();
    for (line, (got, want)) in transcript.lines().zip(expected.lines()).enumerate() {
        assert_eq!(got, want, "line {}", line + 1);
    }
    assert_eq!(transcript.lines().count(), expected.lines().count());
}

#[test]
fn timestamps_are_written_as_the_seconds_helper_wrote_them() {
    for ms in [
        0,
        1,
        999,
        1_000,
        1_700_000_000_000,
        1_700_000_000_123,
        -1_500,
    ] {
        let before = json!(ms as f64 / 1000.0).to_string();
        assert_eq!(
            serde_json::to_string(&super::Timestamp(ms)).unwrap(),
            before
        );
    }
}

#[test]
fn answers_without_members_are_empty_objects() {
    let text = |v: Value| v.to_string();
    assert_eq!(
        text(super::answer(Ok(super::EmptyOutput {})).unwrap()),
        "{}"
    );
    let no_task = super::activity_tasks::GetActivityTaskOutput {
        task_token: None,
        input: None,
    };
    assert_eq!(text(super::answer(Ok(no_task)).unwrap()), "{}");
}

/// ListExecutions checks `redriveFilter` and the page only once it found the state machine.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_executions_checks_its_filters_after_the_state_machine() {
    let mut s = Session::new();
    let missing = format!("{MACHINES}:missing");
    let listed = |s: &Session| s.transcript.lines().last().unwrap().to_string();
    s.call(
        "ListExecutions",
        json!({"stateMachineArn": missing, "redriveFilter": "SOME", "nextToken": "bad"}),
    )
    .await;
    assert!(
        listed(&s).starts_with("=> 400 StateMachineDoesNotExist"),
        "{}",
        listed(&s)
    );
    s.call(
        "CreateStateMachine",
        json!({"name": "sm", "definition": pass(), "roleArn": ROLE}),
    )
    .await;
    let sm = format!("{MACHINES}:sm");
    s.call(
        "ListExecutions",
        json!({"stateMachineArn": sm, "redriveFilter": "SOME", "nextToken": "bad"}),
    )
    .await;
    assert!(listed(&s).starts_with("=> 400 ValidationException 1 validation error detected: Value 'SOME' at 'redriveFilter'"), "{}", listed(&s));
    s.call(
        "ListExecutions",
        json!({"stateMachineArn": sm, "redriveFilter": 1}),
    )
    .await;
    assert_eq!(
        listed(&s),
        "=> 400 SerializationException Expected a string for member 'redriveFilter'"
    );
    s.call(
        "ListExecutions",
        json!({"stateMachineArn": sm, "nextToken": "bad"}),
    )
    .await;
    assert_eq!(
        listed(&s),
        "=> 400 InvalidToken Invalid Token: 'Invalid token'"
    );
    s.call(
        "ListExecutions",
        json!({"mapRunArn": "nope", "redriveFilter": "SOME"}),
    )
    .await;
    assert!(
        listed(&s).starts_with("=> 400 InvalidArn"),
        "{}",
        listed(&s)
    );
}
