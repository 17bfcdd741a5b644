//! The optimized integrations (`arn:aws:states:::SERVICE:ACTION[.sync|.sync:2|.waitForTaskToken]`):
//! Lambda `invoke`, SQS `sendMessage`, SNS `publish`, DynamoDB `getItem` / `putItem` /
//! `updateItem` / `deleteItem`, EventBridge `putEvents`, Glue `startJobRun`, Batch `submitJob`,
//! Athena `startQueryExecution`, CodeBuild `startBuild`, ECS `runTask` (their `.sync` in
//! `jobs`), Step Functions `startExecution`;
//! recorded as the Task* events. Each is the service's API call through the generic client with
//! what Step Functions adds: parameters that take text given as JSON, the response metadata, the
//! SDK for Java 1's error names, `.sync` polling.

use asl::resource::{CallPattern, ResourceKind};
use serde_json::{Map, Value};

use super::calls::{sorted, v1_error, with_metadata, Outcome};
use super::jobs;
use super::lambda::{function_error_name, invoke, invoked};
use super::task_family::named;
use super::{Integration, TaskCall};

/// One action of an optimized integration.
struct Action {
    service: &'static str,
    action: &'static str,
    /// The service model and operation it calls.
    model: &'static str,
    operation: &'static str,
    patterns: &'static [CallPattern],
}

const RR: CallPattern = CallPattern::RequestResponse;
const TOKEN: CallPattern = CallPattern::WaitForTaskToken;
const SYNC: CallPattern = CallPattern::Sync;

static ACTIONS: &[Action] = &[
    Action {
        service: "lambda",
        action: "invoke",
        model: "lambda",
        operation: "Invoke",
        patterns: &[RR, TOKEN],
    },
    Action {
        service: "sqs",
        action: "sendMessage",
        model: "sqs",
        operation: "SendMessage",
        patterns: &[RR, TOKEN],
    },
    Action {
        service: "sns",
        action: "publish",
        model: "sns",
        operation: "Publish",
        patterns: &[RR, TOKEN],
    },
    Action {
        service: "dynamodb",
        action: "getItem",
        model: "dynamodb",
        operation: "GetItem",
        patterns: &[RR],
    },
    Action {
        service: "dynamodb",
        action: "putItem",
        model: "dynamodb",
        operation: "PutItem",
        patterns: &[RR],
    },
    Action {
        service: "dynamodb",
        action: "updateItem",
        model: "dynamodb",
        operation: "UpdateItem",
        patterns: &[RR],
    },
    Action {
        service: "dynamodb",
        action: "deleteItem",
        model: "dynamodb",
        operation: "DeleteItem",
        patterns: &[RR],
    },
    Action {
        service: "events",
        action: "putEvents",
        model: "events",
        operation: "PutEvents",
        patterns: &[RR, TOKEN],
    },
    Action {
        service: "glue",
        action: "startJobRun",
        model: "glue",
        operation: "StartJobRun",
        patterns: &[RR, SYNC, TOKEN],
    },
    Action {
        service: "batch",
        action: "submitJob",
        model: "batch",
        operation: "SubmitJob",
        patterns: &[RR, SYNC, TOKEN],
    },
    Action {
        service: "athena",
        action: "startQueryExecution",
        model: "athena",
        operation: "StartQueryExecution",
        patterns: &[RR, SYNC],
    },
    Action {
        service: "codebuild",
        action: "startBuild",
        model: "codebuild",
        operation: "StartBuild",
        patterns: &[RR, SYNC],
    },
    Action {
        service: "ecs",
        action: "runTask",
        model: "ecs",
        operation: "RunTask",
        patterns: &[RR, SYNC, TOKEN],
    },
    Action {
        service: "states",
        action: "startExecution",
        model: "stepfunctions",
        operation: "StartExecution",
        patterns: &[RR, CallPattern::Sync, CallPattern::Sync2, TOKEN],
    },
];

fn action_of(task: &TaskCall) -> Option<(&'static Action, CallPattern)> {
    let target = task.target();
    let ResourceKind::Service { service, action } = &target.kind else {
        return None;
    };
    ACTIONS
        .iter()
        .find(|a| a.service == service && a.action == action)
        .map(|a| (a, target.pattern))
}

/// The model and operation whose output an optimized action answers with (a `.sync` child
/// execution's is DescribeExecution's); None for callbacks and jobs this table does not know.
pub(super) fn output_operation(
    service: &str,
    action: &str,
    pattern: CallPattern,
) -> Option<(&'static str, &'static str)> {
    let a = ACTIONS
        .iter()
        .find(|a| a.service == service && a.action == action && a.patterns.contains(&pattern))?;
    match pattern {
        CallPattern::RequestResponse => Some((a.model, a.operation)),
        CallPattern::Sync | CallPattern::Sync2 if a.model == "stepfunctions" => {
            Some((a.model, "DescribeExecution"))
        }
        _ => None,
    }
}

/// The integration of an optimized service action with this pattern, when this server has it.
pub(super) fn serves(
    service: &str,
    action: &str,
    pattern: CallPattern,
) -> Option<&'static dyn Integration> {
    ACTIONS
        .iter()
        .any(|a| a.service == service && a.action == action && a.patterns.contains(&pattern))
        .then_some(&ServiceTasks as &dyn Integration)
}

#[derive(Debug)]
pub struct ServiceTasks;

/// Parameters the API takes as text but Step Functions lets one give as any JSON (an SQS
/// message body, an SNS message, a child execution's input, an event's detail): their JSON text.
fn text_members(model: &str, operation: &str, parameters: Value) -> Value {
    let Value::Object(fields) = parameters else {
        return parameters;
    };
    let Some(m) = aws::models::service(model) else {
        return Value::Object(fields);
    };
    let Some(shape) = m.operation(operation).and_then(|op| m.input(op)) else {
        return Value::Object(fields);
    };
    let out = fields
        .into_iter()
        .map(|(k, v)| {
            let member = m.member(shape, &k);
            let v = match member {
                Some(mem) if mem.shape.kind() == "string" && !v.is_string() && !v.is_null() => {
                    Value::String(v.to_string())
                }
                Some(mem) if mem.shape.kind() == "list" && k == "Entries" => {
                    stringify_entries(&m, m.inner(mem.shape, "member").shape, v)
                }
                _ => v,
            };
            (k, v)
        })
        .collect();
    Value::Object(out)
}

/// EventBridge entries: each entry's `Detail` given as JSON becomes its text.
fn stringify_entries(
    model: &aws::models::ServiceModel,
    entry: aws::models::Shape,
    entries: Value,
) -> Value {
    let Value::Array(items) = entries else {
        return entries;
    };
    Value::Array(
        items
            .into_iter()
            .map(|item| match item {
                Value::Object(fields) => Value::Object(
                    fields
                        .into_iter()
                        .map(|(k, v)| {
                            let text = model
                                .member(entry, &k)
                                .is_some_and(|m| m.shape.kind() == "string");
                            if text && !v.is_string() && !v.is_null() {
                                (k, Value::String(v.to_string()))
                            } else {
                                (k, v)
                            }
                        })
                        .collect(),
                ),
                other => other,
            })
            .collect(),
    )
}

/// A JSON protocol's timestamp (epoch seconds) as the SDK for Java 1 shows it: epoch
/// milliseconds.
fn epoch_millis(value: &Value) -> Value {
    match value.as_f64() {
        Some(seconds) => Value::from((seconds * 1000.0).round() as i64),
        None => value.clone(),
    }
}

impl ServiceTasks {
    fn lambda_call(&self, task: &TaskCall) -> Result<aws::Call, Outcome> {
        let Value::Object(mut params) = task.parameters() else {
            return Err(Outcome::failed(
                asl::error::RUNTIME,
                "The Parameters of a lambda:invoke Task must be an object",
            ));
        };
        let function = match params.shift_remove("FunctionName") {
            Some(Value::String(name)) => name,
            _ => {
                return Err(Outcome::failed(
                    asl::error::RUNTIME,
                    "The FunctionName parameter is required",
                ))
            }
        };
        // No payload (or null) invokes the function with an empty object, as AWS does.
        let payload = match params.shift_remove("Payload") {
            None | Some(Value::Null) => "{}".to_string(),
            Some(other) => other.to_string(),
        };
        Ok(invoke(task, &function, payload, params))
    }

    fn lambda_answer(&self, answer: Result<aws::Reply, aws::Failure>) -> Outcome {
        let reply = match answer {
            Ok(reply) => reply,
            Err(failure) => return v1_error("lambda", &failure),
        };
        let done = invoked(&reply);
        let payload: Value = serde_json::from_str(&done.payload)
            .unwrap_or_else(|_| Value::String(done.payload.clone()));
        if done.function_error {
            return Outcome::failed(function_error_name(&done.payload), payload.to_string());
        }
        let mut fields = match reply.output.clone() {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        fields.shift_remove("FunctionError");
        fields.insert("Payload".into(), payload);
        Outcome::succeeded(&with_metadata(Value::Object(fields), &reply))
    }
}

impl Integration for ServiceTasks {
    super::task_family::task_family_details!();

    fn call(&self, task: &TaskCall) -> Option<Result<aws::Call, Outcome>> {
        let (action, _) = action_of(task)?;
        if action.model == "lambda" {
            return Some(self.lambda_call(task));
        }
        Some(Ok(task.service_call(
            action.model,
            action.operation,
            text_members(action.model, action.operation, task.parameters()),
        )))
    }

    fn answered(&self, task: &TaskCall, answer: Result<aws::Reply, aws::Failure>) -> Outcome {
        let Some((action, _)) = action_of(task) else {
            return Outcome::failed(asl::error::RUNTIME, "unknown integration");
        };
        if action.model == "lambda" {
            return self.lambda_answer(answer);
        }
        let reply = match answer {
            Ok(reply) => reply,
            Err(failure) => return v1_error(action.model, &failure),
        };
        let mut output = reply.output.clone();
        if action.model == "events" {
            let failed = output
                .get("FailedEntryCount")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            if failed > 0 {
                return Outcome::failed("EventBridge.FailedEntry", output.to_string());
            }
        }
        if action.model == "glue" {
            // The job's name is given back with its run's id, as AWS does.
            if let (Some(name), Value::Object(fields)) =
                (task.parameters().get("JobName").cloned(), &mut output)
            {
                fields.insert("JobName".into(), name);
            }
        }
        if action.model == "stepfunctions" {
            if let Some(date) = output.get("StartDate").map(epoch_millis) {
                output["StartDate"] = date;
            }
        }
        Outcome::succeeded(&with_metadata(output, &reply))
    }

    fn poll(&self, task: &TaskCall, submitted: &Value) -> Option<aws::Call> {
        let (action, pattern) = action_of(task)?;
        if !pattern.is_sync() {
            return None;
        }
        if let Some(watch) = jobs::watch(action.model) {
            let input = (watch.input)(&task.parameters(), submitted)?;
            return Some(task.side_call(action.model, watch.operation, input));
        }
        if action.model != "stepfunctions" {
            return None;
        }
        let arn = submitted.get("ExecutionArn")?.as_str()?;
        Some(task.side_call(
            "stepfunctions",
            "DescribeExecution",
            serde_json::json!({"executionArn": arn}),
        ))
    }

    fn polled(&self, task: &TaskCall, answer: Result<aws::Reply, aws::Failure>) -> Option<Outcome> {
        let (action, pattern) = action_of(task)?;
        let reply = match answer {
            Ok(reply) => reply,
            Err(aws::Failure::Transport(_)) | Err(aws::Failure::TimedOut) => return None,
            Err(failure) => return Some(v1_error(action.model, &failure)),
        };
        if let Some(watch) = jobs::watch(action.model) {
            return jobs::ended(watch, reply.output).map(|ended| match ended {
                Ok(result) => Outcome::succeeded(&result),
                Err(job) => Outcome::failed("States.TaskFailed", job.to_string()),
            });
        }
        let status = reply
            .output
            .get("Status")
            .and_then(Value::as_str)
            .unwrap_or("");
        if status == "RUNNING" || status == "PENDING_REDRIVE" {
            return None;
        }
        // The redrive members are there since executions can be redriven (recordings older
        // than that, of 2023, do not show them).
        const SHOWN: [&str; 15] = [
            "Cause",
            "Error",
            "ExecutionArn",
            "Input",
            "InputDetails",
            "Name",
            "Output",
            "OutputDetails",
            "RedriveCount",
            "RedriveStatus",
            "RedriveStatusReason",
            "StartDate",
            "StateMachineArn",
            "Status",
            "StopDate",
        ];
        let mut fields = Map::new();
        for (k, v) in reply.output.as_object().into_iter().flatten() {
            if !SHOWN.contains(&k.as_str()) {
                continue;
            }
            let v = match k.as_str() {
                "StartDate" | "StopDate" => epoch_millis(v),
                "Input" | "Output" if pattern == CallPattern::Sync2 => v
                    .as_str()
                    .and_then(|t| serde_json::from_str(t).ok())
                    .unwrap_or_else(|| v.clone()),
                _ => v.clone(),
            };
            fields.insert(k.clone(), v);
        }
        let shown = sorted(fields);
        Some(if status == "SUCCEEDED" {
            Outcome::succeeded(&shown)
        } else {
            Outcome::failed("States.TaskFailed", shown.to_string())
        })
    }

    fn limit_name(&self, task: &TaskCall) -> String {
        named(task).resource_type
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::TaskNamed;

    fn task(resource: &str, input: &str) -> TaskCall {
        TaskCall {
            resource: resource.into(),
            input: input.into(),
            timeout_seconds: None,
            heartbeat_seconds: None,
            region: "us-east-1".into(),
            credentials: None,
        }
    }

    #[test]
    fn actions_are_served_with_the_patterns_aws_offers() {
        assert!(serves("sqs", "sendMessage", TOKEN).is_some());
        assert!(serves("dynamodb", "getItem", TOKEN).is_none());
        assert!(serves("states", "startExecution", CallPattern::Sync2).is_some());
        assert!(serves("sqs", "nope", RR).is_none());
    }

    #[test]
    fn a_message_given_as_json_is_sent_as_its_text() {
        let t = task(
            "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            r#"{"QueueUrl":"q","MessageBody":{"a":1}}"#,
        );
        let call = ServiceTasks.call(&t).unwrap().unwrap();
        assert_eq!(
            call.input,
            serde_json::json!({"QueueUrl": "q", "MessageBody": "{\"a\":1}"})
        );
        assert_eq!(
            named(&t),
            TaskNamed {
                resource: "sendMessage.waitForTaskToken".into(),
                resource_type: "sqs".into()
            }
        );
    }

    #[test]
    fn a_child_execution_that_ended_ends_the_sync_task() {
        let t = task("arn:aws:states:::states:startExecution.sync:2", "{}");
        let reply = |status: &str| aws::Reply {
            status: 200,
            headers: vec![],
            output: serde_json::json!({"ExecutionArn": "e", "Status": status, "Output": "{\"x\":1}",
                "StartDate": 1.5, "RedriveCount": 0}),
            request_id: None,
        };
        assert_eq!(ServiceTasks.polled(&t, Ok(reply("RUNNING"))), None);
        assert_eq!(
            ServiceTasks.polled(&t, Ok(reply("SUCCEEDED"))),
            Some(Outcome::Succeeded(
                r#"{"ExecutionArn":"e","Output":{"x":1},"RedriveCount":0,"StartDate":1500,"Status":"SUCCEEDED"}"#
                    .into()
            ))
        );
        assert!(matches!(
            ServiceTasks.polled(&t, Ok(reply("FAILED"))),
            Some(Outcome::Failed { error, .. }) if error == "States.TaskFailed"
        ));
    }
}
