//! What every integration of the Task* event family shares (the optimized integrations,
//! `aws-sdk:*`, the HTTP Task): its events, the `resource` / `resourceType` they name, and the
//! details of each (`task_family_details!` writes the `Integration` methods that record them).

use super::TaskCall;
use crate::history::{
    DataDetails, EventDetails, EventType, TaskError, TaskNamed, TaskOutput, TaskScheduled,
};
use asl::resource::ResourceKind;

use super::TaskEvents;

pub(super) static EVENTS: TaskEvents = TaskEvents {
    scheduled: EventType::TaskScheduled,
    started: EventType::TaskStarted,
    succeeded: EventType::TaskSucceeded,
    failed: EventType::TaskFailed,
    timed_out: EventType::TaskTimedOut,
};

/// `resource` and `resourceType` of the Task* events: the action with its pattern, the service.
pub(super) fn named(task: &TaskCall) -> TaskNamed {
    let target = task.target();
    let (resource_type, action) = match &target.kind {
        ResourceKind::Service { service, action } => (service.clone(), action.clone()),
        ResourceKind::AwsSdk { service, action } => (format!("aws-sdk:{service}"), action.clone()),
        ResourceKind::Http => ("http".to_string(), "invoke".to_string()),
        _ => (String::new(), task.resource.clone()),
    };
    TaskNamed {
        resource: format!("{action}{}", target.pattern.suffix()),
        resource_type,
    }
}

pub(super) fn task_scheduled(task: &TaskCall) -> EventDetails {
    let TaskNamed {
        resource,
        resource_type,
    } = named(task);
    TaskScheduled {
        heartbeat_in_seconds: task.heartbeat_seconds,
        parameters: task.input.clone(),
        region: task.region.clone(),
        resource,
        resource_type,
        task_credentials: task.credentials.clone(),
        timeout_in_seconds: task.timeout_seconds,
    }
    .into()
}

pub(super) fn task_output(task: &TaskCall, output: &str) -> EventDetails {
    let TaskNamed {
        resource,
        resource_type,
    } = named(task);
    TaskOutput {
        output: output.to_string(),
        output_details: DataDetails::default(),
        resource,
        resource_type,
    }
    .into()
}

pub(super) fn task_error(
    task: &TaskCall,
    error: &Option<String>,
    cause: &Option<String>,
) -> EventDetails {
    let TaskNamed {
        resource,
        resource_type,
    } = named(task);
    TaskError {
        cause: cause.clone(),
        error: error.clone(),
        resource,
        resource_type,
    }
    .into()
}

/// The `Integration` methods of the Task* family: its events and the details of each.
macro_rules! task_family_details {
    () => {
        fn events(&self) -> &'static $crate::integrations::TaskEvents {
            &$crate::integrations::task_family::EVENTS
        }

        fn scheduled_details(
            &self,
            call: &$crate::integrations::TaskCall,
        ) -> $crate::history::EventDetails {
            $crate::integrations::task_family::task_scheduled(call)
        }

        fn started_details(
            &self,
            call: &$crate::integrations::TaskCall,
            _worker_name: Option<&str>,
        ) -> $crate::history::EventDetails {
            $crate::integrations::task_family::named(call).into()
        }

        fn succeeded_details(
            &self,
            call: &$crate::integrations::TaskCall,
            output: &str,
        ) -> $crate::history::EventDetails {
            $crate::integrations::task_family::task_output(call, output)
        }

        fn failed_details(
            &self,
            call: &$crate::integrations::TaskCall,
            error: &Option<String>,
            cause: &Option<String>,
        ) -> $crate::history::EventDetails {
            $crate::integrations::task_family::task_error(call, error, cause)
        }

        fn timed_out_details(
            &self,
            call: &$crate::integrations::TaskCall,
            error: &str,
        ) -> $crate::history::EventDetails {
            $crate::integrations::task_family::task_error(call, &Some(error.to_string()), &None)
        }
    };
}

pub(super) use task_family_details;

/// The `Integration` methods of a Task* integration that makes its own requests rather than one
/// AWS call (`async fn invoke(&self, task, caller) -> Outcome`), a result over the payload limit
/// named `$name`.
macro_rules! invoking_task_family {
    ($name:literal) => {
        $crate::integrations::task_family::task_family_details!();

        fn run<'a>(
            &'a self,
            task: &'a $crate::integrations::TaskCall,
            caller: &'a dyn aws::Caller,
        ) -> Option<
            std::pin::Pin<
                Box<dyn std::future::Future<Output = $crate::integrations::Outcome> + Send + 'a>,
            >,
        > {
            Some(Box::pin(self.invoke(task, caller)))
        }

        fn limit_name(&self, _task: &$crate::integrations::TaskCall) -> String {
            $name.into()
        }
    };
}

pub(super) use invoking_task_family;
