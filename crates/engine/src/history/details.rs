//! The details of history events, one serde struct per shape the API shows (its members in
//! camelCase, absent ones left out), and which shape each event type carries.
//!
//! Inputs and outputs are JSON text, as AWS returns them. The store keeps the details as the
//! JSON these structs serialise to; [`EventDetails::read`] reads them back by the event's type.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::EventType;

/// `{"truncated": false}` beside an input, output or assigned variables: this server never
/// truncates execution data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DataDetails {
    pub truncated: bool,
}

/// The error and cause of a failure, abort or time-out; each shown only when given.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ErrorCause {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl ErrorCause {
    /// A details object of the members given.
    pub fn new(error: Option<String>, cause: Option<String>) -> ErrorCause {
        ErrorCause { cause, error }
    }

    /// The details of a States error, leaving out an empty error or cause.
    pub fn of_error(error: &asl::StatesError) -> ErrorCause {
        let given = |s: &str| (!s.is_empty()).then(|| s.to_string());
        ErrorCause::new(given(&error.error), given(&error.cause))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionStarted {
    pub input: String,
    pub input_details: DataDetails,
    pub role_arn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_machine_alias_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_machine_version_arn: Option<String>,
}

/// The output of an execution or a task that succeeded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Succeeded {
    pub output: String,
    pub output_details: DataDetails,
}

impl Succeeded {
    pub fn new(output: String) -> Succeeded {
        Succeeded {
            output,
            output_details: DataDetails::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StateEntered {
    pub input: String,
    pub input_details: DataDetails,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StateExited {
    /// The variables the state assigned, each as JSON text; absent when it assigned none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_variables: Option<Map<String, Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_variables_details: Option<DataDetails>,
    pub name: String,
    pub output: String,
    pub output_details: DataDetails,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivityScheduled {
    pub input: String,
    pub input_details: DataDetails,
    pub resource: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_in_seconds: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heartbeat_in_seconds: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivityStarted {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MapStateStarted {
    pub length: usize,
}

/// Which item of which Map state an iteration event is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MapIteration {
    pub index: usize,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MapRunStarted {
    pub map_run_arn: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionRedriven {
    pub redrive_count: u32,
}

/// A JSONata expression of a state failed to evaluate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationFailed {
    pub cause: String,
    pub error: String,
    /// The state field the expression stands in, when the error names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    pub state: String,
}

/// A Task state's call scheduled (the Task* family: optimized and SDK integrations).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskScheduled {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heartbeat_in_seconds: Option<i64>,
    /// The effective parameters, as JSON text.
    pub parameters: String,
    pub region: String,
    /// The action and call pattern (`invoke`, `sendMessage.waitForTaskToken`).
    pub resource: String,
    /// The service (`lambda`, `sqs`, `aws-sdk:dynamodb`).
    pub resource_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_credentials: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_in_seconds: Option<i64>,
}

/// Which call a Task* event is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskNamed {
    pub resource: String,
    pub resource_type: String,
}

/// What a call submitted or answered (TaskSubmitted, TaskSucceeded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskOutput {
    pub output: String,
    pub output_details: DataDetails,
    pub resource: String,
    pub resource_type: String,
}

/// How a call failed (TaskFailed, TaskTimedOut, TaskStartFailed, TaskSubmitFailed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskError {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub resource: String,
    pub resource_type: String,
}

/// A bare Lambda function ARN's call scheduled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LambdaFunctionScheduled {
    pub input: String,
    pub input_details: DataDetails,
    pub resource: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_credentials: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_in_seconds: Option<i64>,
}

macro_rules! shapes {
    ($($shape:ident),* $(,)?) => {
        /// The details of one history event, in the shape its type carries.
        #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
        #[serde(untagged)]
        pub enum EventDetails {
            /// The event has no details.
            None,
            $($shape($shape)),*
        }

        /// Which [`EventDetails`] shape an event type carries.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Shape {
            None,
            $($shape),*
        }

        impl EventDetails {
            pub fn shape(&self) -> Shape {
                match self {
                    EventDetails::None => Shape::None,
                    $(EventDetails::$shape(_) => Shape::$shape),*
                }
            }

            /// Reads details back, as the store kept them, in the shape of the event's type.
            pub fn read(event_type: EventType, value: Value) -> Result<EventDetails, serde_json::Error> {
                Ok(match event_type.shape() {
                    Shape::None => EventDetails::None,
                    $(Shape::$shape => EventDetails::$shape(serde_json::from_value(value)?)),*
                })
            }
        }

        $(impl From<$shape> for EventDetails {
            fn from(details: $shape) -> EventDetails {
                EventDetails::$shape(details)
            }
        })*
    };
}

shapes!(
    ErrorCause,
    ExecutionStarted,
    Succeeded,
    StateEntered,
    StateExited,
    ActivityScheduled,
    ActivityStarted,
    MapStateStarted,
    MapIteration,
    MapRunStarted,
    ExecutionRedriven,
    EvaluationFailed,
    TaskScheduled,
    TaskNamed,
    TaskOutput,
    TaskError,
    LambdaFunctionScheduled,
);

impl EventType {
    /// The shape of this event type's details, of those this server records.
    pub fn shape(self) -> Shape {
        use EventType::*;
        if self.is_state_entered() {
            return Shape::StateEntered;
        }
        if self.is_state_exited() {
            return Shape::StateExited;
        }
        match self {
            ExecutionStarted => Shape::ExecutionStarted,
            ExecutionSucceeded | ActivitySucceeded | LambdaFunctionSucceeded => Shape::Succeeded,
            ExecutionFailed
            | ExecutionAborted
            | ExecutionTimedOut
            | ActivityFailed
            | ActivityScheduleFailed
            | ActivityTimedOut
            | LambdaFunctionFailed
            | LambdaFunctionScheduleFailed
            | LambdaFunctionStartFailed
            | LambdaFunctionTimedOut
            | MapRunFailed => Shape::ErrorCause,
            ActivityScheduled => Shape::ActivityScheduled,
            ActivityStarted => Shape::ActivityStarted,
            MapStateStarted => Shape::MapStateStarted,
            MapIterationStarted
            | MapIterationSucceeded
            | MapIterationFailed
            | MapIterationAborted => Shape::MapIteration,
            MapRunStarted => Shape::MapRunStarted,
            ExecutionRedriven => Shape::ExecutionRedriven,
            TaskScheduled => Shape::TaskScheduled,
            TaskStarted => Shape::TaskNamed,
            TaskSubmitted | TaskSucceeded => Shape::TaskOutput,
            TaskFailed | TaskTimedOut | TaskStartFailed | TaskSubmitFailed => Shape::TaskError,
            LambdaFunctionScheduled => Shape::LambdaFunctionScheduled,
            EvaluationFailed => Shape::EvaluationFailed,
            _ => Shape::None,
        }
    }
}

impl EventDetails {
    /// The details as a JSON object, as the API shows and the store keeps them.
    pub fn to_map(&self) -> Map<String, Value> {
        match serde_json::to_value(self) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        }
    }

    /// The input the event records (ExecutionStarted, a state entered, a scheduled task).
    pub fn input(&self) -> Option<&str> {
        match self {
            EventDetails::ExecutionStarted(d) => Some(&d.input),
            EventDetails::StateEntered(d) => Some(&d.input),
            EventDetails::ActivityScheduled(d) => Some(&d.input),
            EventDetails::TaskScheduled(d) => Some(&d.parameters),
            EventDetails::LambdaFunctionScheduled(d) => Some(&d.input),
            _ => None,
        }
    }

    /// The output the event records (a success, a state exited).
    pub fn output(&self) -> Option<&str> {
        match self {
            EventDetails::Succeeded(d) => Some(&d.output),
            EventDetails::StateExited(d) => Some(&d.output),
            EventDetails::TaskOutput(d) => Some(&d.output),
            _ => None,
        }
    }

    /// The error the event records.
    pub fn error(&self) -> Option<&str> {
        match self {
            EventDetails::ErrorCause(d) => d.error.as_deref(),
            EventDetails::TaskError(d) => d.error.as_deref(),
            EventDetails::EvaluationFailed(d) => Some(&d.error),
            _ => None,
        }
    }

    /// The cause the event records.
    pub fn cause(&self) -> Option<&str> {
        match self {
            EventDetails::ErrorCause(d) => d.cause.as_deref(),
            EventDetails::TaskError(d) => d.cause.as_deref(),
            EventDetails::EvaluationFailed(d) => Some(&d.cause),
            _ => None,
        }
    }

    /// The worker that took a task, when it gave its name.
    pub fn worker_name(&self) -> Option<&str> {
        match self {
            EventDetails::ActivityStarted(d) => d.worker_name.as_deref(),
            _ => None,
        }
    }

    /// The state or Map state the event names.
    pub fn name(&self) -> Option<&str> {
        match self {
            EventDetails::StateEntered(d) => Some(&d.name),
            EventDetails::StateExited(d) => Some(&d.name),
            EventDetails::MapIteration(d) => Some(&d.name),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn details_serialise_as_the_api_shows_them_and_read_back_by_type() {
        let exited = EventDetails::from(StateExited {
            assigned_variables: None,
            assigned_variables_details: None,
            name: "P".into(),
            output: "{}".into(),
            output_details: DataDetails::default(),
        });
        let shown = Value::Object(exited.to_map());
        assert_eq!(
            shown,
            json!({"name": "P", "output": "{}", "outputDetails": {"truncated": false}})
        );
        assert_eq!(
            EventDetails::read(EventType::PassStateExited, shown).unwrap(),
            exited
        );
        let failed = EventDetails::from(ErrorCause::new(Some("E".into()), None));
        assert_eq!(Value::Object(failed.to_map()), json!({"error": "E"}));
        assert_eq!(failed.error(), Some("E"));
        assert_eq!(failed.cause(), None);
        assert_eq!(
            EventDetails::read(EventType::ExecutionFailed, json!({})).unwrap(),
            EventDetails::from(ErrorCause::default())
        );
        assert!(EventDetails::None.to_map().is_empty());
        assert_eq!(
            EventDetails::read(EventType::MapStateSucceeded, json!({})).unwrap(),
            EventDetails::None
        );
    }

    #[test]
    fn details_of_the_wrong_shape_are_refused() {
        assert!(EventDetails::read(EventType::PassStateEntered, json!({"name": 1})).is_err());
        assert!(EventDetails::read(EventType::MapStateStarted, json!({})).is_err());
    }

    #[test]
    fn every_event_type_this_server_records_has_its_shape() {
        for (kind, shape) in [
            (EventType::ChoiceStateEntered, Shape::StateEntered),
            (EventType::WaitStateExited, Shape::StateExited),
            (EventType::ActivityTimedOut, Shape::ErrorCause),
            (EventType::MapIterationAborted, Shape::MapIteration),
            (EventType::ParallelStateStarted, Shape::None),
        ] {
            assert_eq!(kind.shape(), shape, "{kind}");
        }
    }
}
