//! Lambda functions named by a bare ARN (`arn:aws:lambda:REGION:ACCOUNT:function:NAME`):
//! invoked through Lambda's Invoke API with the effective input as the payload, recorded as the
//! LambdaFunction* events; the function's payload is the result. Also the Invoke call and the
//! reading of its answer that `lambda:invoke` shares.

use serde_json::{Map, Value};

use super::calls::{v1_error, Outcome};
use super::{Integration, TaskCall, TaskEvents};
use crate::history::DataDetails;
use crate::history::{EventDetails, EventType, LambdaFunctionScheduled};

#[derive(Debug)]
pub struct LambdaFunctions;

static EVENTS: TaskEvents = TaskEvents {
    scheduled: EventType::LambdaFunctionScheduled,
    started: EventType::LambdaFunctionStarted,
    succeeded: EventType::LambdaFunctionSucceeded,
    failed: EventType::LambdaFunctionFailed,
    timed_out: EventType::LambdaFunctionTimedOut,
};

/// Lambda's Invoke of a function with a payload (JSON text) and further parameters.
pub(super) fn invoke(
    task: &TaskCall,
    function: &str,
    payload: String,
    mut extra: Map<String, Value>,
) -> aws::Call {
    extra.insert("FunctionName".into(), Value::String(function.to_string()));
    extra.insert("Payload".into(), Value::String(payload));
    aws::Call {
        pascal_case: false,
        ..task.service_call("lambda", "Invoke", Value::Object(extra))
    }
}

/// What Invoke answered: the payload's text, and whether the function failed.
pub(super) struct Invoked {
    pub payload: String,
    pub function_error: bool,
}

pub(super) fn invoked(reply: &aws::Reply) -> Invoked {
    Invoked {
        payload: reply
            .output
            .get("Payload")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
        function_error: reply.output.get("FunctionError").is_some(),
    }
}

/// The error a failed function's payload names (`errorType`), else `Lambda.Unknown`.
pub(super) fn function_error_name(payload: &str) -> String {
    serde_json::from_str::<Value>(payload)
        .ok()
        .and_then(|v| {
            v.get("errorType")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .unwrap_or_else(|| "Lambda.Unknown".to_string())
}

impl Integration for LambdaFunctions {
    fn events(&self) -> &'static TaskEvents {
        &EVENTS
    }

    fn scheduled_details(&self, call: &TaskCall) -> EventDetails {
        LambdaFunctionScheduled {
            input: call.input.clone(),
            input_details: DataDetails::default(),
            resource: call.resource.clone(),
            task_credentials: call.credentials.clone(),
            timeout_in_seconds: call.timeout_seconds,
        }
        .into()
    }

    fn started_details(&self, _call: &TaskCall, _worker_name: Option<&str>) -> EventDetails {
        EventDetails::None
    }

    fn call(&self, task: &TaskCall) -> Option<Result<aws::Call, Outcome>> {
        Some(Ok(invoke(
            task,
            &task.resource,
            task.input.clone(),
            Map::new(),
        )))
    }

    fn answered(&self, _task: &TaskCall, answer: Result<aws::Reply, aws::Failure>) -> Outcome {
        match answer {
            Ok(reply) => {
                let done = invoked(&reply);
                if done.function_error {
                    return Outcome::failed(function_error_name(&done.payload), done.payload);
                }
                if serde_json::from_str::<Value>(&done.payload).is_ok() {
                    Outcome::Succeeded(done.payload)
                } else {
                    Outcome::Succeeded(Value::String(done.payload).to_string())
                }
            }
            Err(failure) => v1_error("lambda", &failure),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task() -> TaskCall {
        TaskCall {
            resource: "arn:aws:lambda:us-east-1:123456789012:function:f".into(),
            input: r#"{"a":1}"#.into(),
            timeout_seconds: None,
            heartbeat_seconds: None,
            region: "us-east-1".into(),
            credentials: None,
        }
    }

    fn reply(payload: &str, function_error: bool) -> aws::Reply {
        let mut output = serde_json::json!({"StatusCode": 200, "Payload": payload});
        if function_error {
            output["FunctionError"] = "Unhandled".into();
        }
        aws::Reply {
            status: 200,
            headers: vec![],
            output,
            request_id: None,
        }
    }

    #[test]
    fn the_function_is_invoked_with_the_input_and_its_payload_is_the_result() {
        let call = LambdaFunctions.call(&task()).unwrap().unwrap();
        assert_eq!(call.operation, "Invoke");
        assert_eq!(
            call.input,
            serde_json::json!({"FunctionName": task().resource, "Payload": "{\"a\":1}"})
        );
        assert_eq!(
            LambdaFunctions.answered(&task(), Ok(reply("{\"b\": 2}", false))),
            Outcome::Succeeded("{\"b\": 2}".into())
        );
        let doc = r#"{"errorMessage": "boom", "errorType": "ValueError"}"#;
        assert_eq!(
            LambdaFunctions.answered(&task(), Ok(reply(doc, true))),
            Outcome::failed("ValueError", doc)
        );
        assert_eq!(
            LambdaFunctions.answered(&task(), Ok(reply("oops", true))),
            Outcome::failed("Lambda.Unknown", "oops")
        );
    }
}
