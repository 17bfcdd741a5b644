//! One handler per operation: it takes the operation's typed request (`…Input`, read from the
//! body by its [`Request`] impl), calls the service and returns the typed response (`…Output`),
//! which the dispatcher serialises. Both are named as the service model names its shapes.

/// Declares an operation's response shape (or a shape inside one): members in camelCase, in field
/// order, an `Option` member left out when it is `None` (as AWS leaves out an absent member).
macro_rules! response {
    ($(#[$meta:meta])* pub struct $name:ident { $($body:tt)* }) => {
        response!(@fields [$(#[$meta])* $name] [] $($body)*);
    };
    (@fields $head:tt [$($done:tt)*]
        $(#[$field_meta:meta])* pub $field:ident: Option<$inner:ty> $(, $($rest:tt)*)?) => {
        response!(@fields $head [$($done)*
            $(#[$field_meta])* #[serde(skip_serializing_if = "Option::is_none")]
            pub $field: Option<$inner>,
        ] $($($rest)*)?);
    };
    (@fields $head:tt [$($done:tt)*]
        $(#[$field_meta:meta])* pub $field:ident: $type:ty $(, $($rest:tt)*)?) => {
        response!(@fields $head [$($done)* $(#[$field_meta])* pub $field: $type,] $($($rest)*)?);
    };
    (@fields [$(#[$meta:meta])* $name:ident] [$($done:tt)*]) => {
        $(#[$meta])*
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $name { $($done)* }
    };
}

/// Declares an operation's typed request and its [`Request`] reader: the `read` block checks the
/// body (it may bind names), then each field is set from its expression, in field order.
macro_rules! request {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $($(#[$field_meta:meta])* pub $field:ident: $type:ty = $value:expr),* $(,)?
        }
        read($input:ident) $({ $($check:tt)* })?
    ) => {
        $(#[$meta])*
        pub struct $name {
            $($(#[$field_meta])* pub $field: $type),*
        }

        impl Request for $name {
            fn read($input: &Input) -> Result<Self> {
                $($($check)*)?
                Ok($name { $($field: $value),* })
            }
        }
    };
}

/// Declares a List operation's response: one page of items under the member the operation names
/// them by, and the token of the next page (left out on the last page).
macro_rules! list_output {
    ($(#[$meta:meta])* pub struct $name:ident { pub $items:ident: Vec<$item:ty> $(,)? }) => {
        response! {
            $(#[$meta])*
            pub struct $name {
                pub $items: Vec<$item>,
                pub next_token: Option<String>,
            }
        }

        /// The response of a page (as [`pagination::PageRequest::apply_map`] gives it).
        impl From<(Vec<$item>, Option<String>)> for $name {
            fn from(($items, next_token): (Vec<$item>, Option<String>)) -> Self {
                $name { $items, next_token }
            }
        }
    };
}

mod activities;
mod activity_tasks;
mod aliases;
mod executions;
mod map_runs;
mod pagination;
mod shapes;
mod state_machines;
mod tags;
mod test_state;
mod validate;
mod versions;

use std::sync::Arc;

use engine::service::{ErrorCode, Service};
use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::input::{Input, Violations};
use crate::{ApiError, RequestContext};
use activities::{create_activity, delete_activity, describe_activity, list_activities};
use activity_tasks::{
    get_activity_task, send_task_failure, send_task_heartbeat, send_task_success,
};
use aliases::{
    create_state_machine_alias, delete_state_machine_alias, describe_state_machine_alias,
    list_state_machine_aliases, update_state_machine_alias,
};
use executions::{
    describe_execution, describe_state_machine_for_execution, get_execution_history,
    list_executions, redrive_execution, start_execution, start_sync_execution, stop_execution,
};
use map_runs::{describe_map_run, list_map_runs, update_map_run};
use state_machines::{
    create_state_machine, delete_state_machine, describe_state_machine, list_state_machines,
    update_state_machine,
};
use tags::{list_tags_for_resource, tag_resource, untag_resource};
use test_state::test_state;
use validate::validate_state_machine_definition;
use versions::{
    delete_state_machine_version, list_state_machine_versions, publish_state_machine_version,
};

/// The 37 operations of the service model, in its order.
pub const OPERATIONS: [&str; 37] = [
    "CreateActivity",
    "CreateStateMachine",
    "CreateStateMachineAlias",
    "DeleteActivity",
    "DeleteStateMachine",
    "DeleteStateMachineAlias",
    "DeleteStateMachineVersion",
    "DescribeActivity",
    "DescribeExecution",
    "DescribeMapRun",
    "DescribeStateMachine",
    "DescribeStateMachineAlias",
    "DescribeStateMachineForExecution",
    "GetActivityTask",
    "GetExecutionHistory",
    "ListActivities",
    "ListExecutions",
    "ListMapRuns",
    "ListStateMachineAliases",
    "ListStateMachineVersions",
    "ListStateMachines",
    "ListTagsForResource",
    "PublishStateMachineVersion",
    "RedriveExecution",
    "SendTaskFailure",
    "SendTaskHeartbeat",
    "SendTaskSuccess",
    "StartExecution",
    "StartSyncExecution",
    "StopExecution",
    "TagResource",
    "TestState",
    "UntagResource",
    "UpdateMapRun",
    "UpdateStateMachine",
    "UpdateStateMachineAlias",
    "ValidateStateMachineDefinition",
];

type Result<T> = std::result::Result<T, ApiError>;

/// An operation's typed request (named as the service model names it, `…Input`), read from the
/// body and checked against the model with AWS's wording, in the order AWS checks.
trait Request: Sized {
    fn read(input: &Input) -> Result<Self>;
}

/// The request an operation's handler takes, read from the body.
fn read<T: Request>(request: &Value) -> Result<T> {
    T::read(&Input::new(request))
}

/// The response body of an operation's typed answer (named as the model names it, `…Output`):
/// members in the struct's field order, absent ones left out.
fn answer<T: Serialize>(output: Result<T>) -> Result<Value> {
    serde_json::to_value(output?).map_err(|e| {
        ApiError::new(
            ErrorCode::InternalFailure,
            format!("internal error: the answer could not be written: {e}"),
        )
    })
}

response! {
    /// The answer of the operations whose response has no members (Delete*, TagResource,
    /// UntagResource, SendTask*, UpdateMapRun).
    pub struct EmptyOutput {}
}

/// A timestamp member: epoch milliseconds, sent as epoch seconds with milliseconds (as the JSON
/// protocol sends timestamps).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Timestamp(i64);

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.0 as f64 / 1000.0)
    }
}

/// Operations that wait on something other than the store (long polls, EXPRESS runs).
pub fn is_async(operation: &str) -> bool {
    matches!(operation, "GetActivityTask" | "StartSyncExecution")
}

pub async fn dispatch(
    service: &Arc<Service>,
    ctx: &RequestContext,
    operation: &str,
    request: &Value,
) -> Result<Value> {
    match operation {
        "GetActivityTask" => answer(get_activity_task(service, ctx, read(request)?).await),
        "StartSyncExecution" => answer(start_sync_execution(service, ctx, read(request)?).await),
        _ => dispatch_blocking(service, ctx, operation, request),
    }
}

/// The operations that only read and write the store: they block until the store answers (a
/// write until it is committed), so the server runs them off its async workers.
pub fn dispatch_blocking(
    service: &Arc<Service>,
    ctx: &RequestContext,
    operation: &str,
    request: &Value,
) -> Result<Value> {
    // An arm calls the operation's handler with what it takes (the service, the request context)
    // and the request read from the body.
    macro_rules! handle {
        ($handler:ident($($arg:ident),*)) => {
            answer($handler($($arg,)* read(request)?))
        };
    }
    match operation {
        "CreateStateMachine" => handle!(create_state_machine(service, ctx)),
        "DescribeStateMachine" => handle!(describe_state_machine(service, ctx)),
        "UpdateStateMachine" => handle!(update_state_machine(service, ctx)),
        "DeleteStateMachine" => handle!(delete_state_machine(service, ctx)),
        "ListStateMachines" => handle!(list_state_machines(service, ctx)),
        "PublishStateMachineVersion" => handle!(publish_state_machine_version(service, ctx)),
        "ListStateMachineVersions" => handle!(list_state_machine_versions(service, ctx)),
        "DeleteStateMachineVersion" => handle!(delete_state_machine_version(service, ctx)),
        "CreateStateMachineAlias" => handle!(create_state_machine_alias(service, ctx)),
        "DescribeStateMachineAlias" => handle!(describe_state_machine_alias(service, ctx)),
        "UpdateStateMachineAlias" => handle!(update_state_machine_alias(service, ctx)),
        "DeleteStateMachineAlias" => handle!(delete_state_machine_alias(service, ctx)),
        "ListStateMachineAliases" => handle!(list_state_machine_aliases(service, ctx)),
        "CreateActivity" => handle!(create_activity(service, ctx)),
        "SendTaskSuccess" => handle!(send_task_success(service)),
        "SendTaskFailure" => handle!(send_task_failure(service)),
        "SendTaskHeartbeat" => handle!(send_task_heartbeat(service)),
        "DescribeActivity" => handle!(describe_activity(service, ctx)),
        "DeleteActivity" => handle!(delete_activity(service, ctx)),
        "ListActivities" => handle!(list_activities(service, ctx)),
        "TagResource" => handle!(tag_resource(service, ctx)),
        "UntagResource" => handle!(untag_resource(service, ctx)),
        "ListTagsForResource" => handle!(list_tags_for_resource(service, ctx)),
        "DescribeMapRun" => Err(describe_map_run(service, read(request)?)),
        "ListMapRuns" => handle!(list_map_runs(service, ctx)),
        "UpdateMapRun" => handle!(update_map_run(service)),
        "StartExecution" => handle!(start_execution(service, ctx)),
        "DescribeExecution" => handle!(describe_execution(service)),
        "StopExecution" => handle!(stop_execution(service)),
        "RedriveExecution" => handle!(redrive_execution(service)),
        "ListExecutions" => handle!(list_executions(service, ctx)),
        "GetExecutionHistory" => handle!(get_execution_history(service)),
        "DescribeStateMachineForExecution" => {
            handle!(describe_state_machine_for_execution(service, ctx))
        }
        "ValidateStateMachineDefinition" => handle!(validate_state_machine_definition()),
        "TestState" => handle!(test_state(service, ctx)),
        op if OPERATIONS.contains(&op) => Err(ApiError::new(
            ErrorCode::UnknownOperationException,
            format!("The operation {op} is not available on this server yet"),
        )),
        op => Err(ApiError::new(
            ErrorCode::UnknownOperationException,
            format!("Unknown operation {op}"),
        )),
    }
}

/// An ARN member of a request: present, and 1 to 256 characters long.
fn arn_member<'a>(input: &Input<'a>, name: &str) -> Result<&'a str> {
    let arn = input.str(name)?;
    let mut v = Violations::default();
    v.length(name, Some(arn), 1, 256);
    v.check()?;
    Ok(arn)
}

/// AWS's name rule for state machines, executions, activities, aliases.
pub fn check_name(name: &str) -> Result<()> {
    let bad = name.is_empty()
        || name.chars().count() > 80
        || name.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || "<>{}[]?*\"#%\\^|~`$&,;:/".contains(c)
                || ('\u{7f}'..='\u{9f}').contains(&c)
        });
    if bad {
        return Err(ApiError::new(
            ErrorCode::InvalidName,
            format!("Invalid Name: '{name}'"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
