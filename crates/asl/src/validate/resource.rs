//! The `Resource` of a Task state: which ARNs Step Functions recognizes, and which integration
//! patterns an EXPRESS state machine may not use.

use super::MachineType;
use crate::arn::Arn;
use crate::resource::{CallPattern, ResourceKind, TaskResource};

/// An optimized integration: `arn:aws:states:::<service>:<api>`.
struct Integration {
    service: &'static str,
    /// APIs offered with no pattern suffix (Request Response) but not with `.sync`.
    apis: &'static [&'static str],
    /// APIs offered both with no pattern suffix and with `.sync` (Run a Job).
    run_job: &'static [&'static str],
    /// Whether the service supports `.waitForTaskToken` (on every API it offers).
    callback: bool,
}

impl Integration {
    /// Whether the service offers `api` with no pattern suffix (and so with a task token, when it
    /// takes callbacks).
    fn offers(&self, api: &str) -> bool {
        self.apis.contains(&api) || self.run_job.contains(&api)
    }
}

/// Step Functions' optimized integrations (service, APIs and supported patterns), from the
/// AWS documentation of each integration.
const INTEGRATIONS: &[Integration] = &[
    Integration {
        service: "lambda",
        apis: &["invoke"],
        run_job: &[],
        callback: true,
    },
    Integration {
        service: "sns",
        apis: &["publish"],
        run_job: &[],
        callback: true,
    },
    Integration {
        service: "sqs",
        apis: &["sendMessage"],
        run_job: &[],
        callback: true,
    },
    Integration {
        service: "dynamodb",
        apis: &["getItem", "putItem", "updateItem", "deleteItem"],
        run_job: &[],
        callback: false,
    },
    Integration {
        service: "events",
        apis: &["putEvents"],
        run_job: &[],
        callback: true,
    },
    Integration {
        service: "apigateway",
        apis: &["invoke"],
        run_job: &[],
        callback: true,
    },
    Integration {
        service: "http",
        apis: &["invoke"],
        run_job: &[],
        callback: false,
    },
    Integration {
        service: "states",
        apis: &[],
        run_job: &["startExecution"],
        callback: true,
    },
    Integration {
        service: "batch",
        apis: &[],
        run_job: &["submitJob"],
        callback: false,
    },
    Integration {
        service: "ecs",
        apis: &[],
        run_job: &["runTask"],
        callback: true,
    },
    Integration {
        service: "glue",
        apis: &[],
        run_job: &["startJobRun"],
        callback: false,
    },
    Integration {
        service: "databrew",
        apis: &[],
        run_job: &["startJobRun"],
        callback: false,
    },
    Integration {
        service: "athena",
        apis: &["stopQueryExecution", "getQueryExecution", "getQueryResults"],
        run_job: &["startQueryExecution"],
        callback: false,
    },
    Integration {
        service: "codebuild",
        apis: &[
            "stopBuild",
            "batchDeleteBuilds",
            "batchGetReports",
            "stopBuildBatch",
            "deleteBuildBatch",
        ],
        run_job: &["startBuild", "startBuildBatch", "retryBuildBatch"],
        callback: false,
    },
    Integration {
        service: "sagemaker",
        apis: &[
            "createEndpoint",
            "createEndpointConfig",
            "createModel",
            "updateEndpoint",
        ],
        run_job: &[
            "createHyperParameterTuningJob",
            "createLabelingJob",
            "createProcessingJob",
            "createTrainingJob",
            "createTransformJob",
        ],
        callback: false,
    },
    Integration {
        service: "elasticmapreduce",
        apis: &[
            "cancelStep",
            "setClusterTerminationProtection",
            "modifyInstanceFleetByName",
            "modifyInstanceGroupByName",
        ],
        run_job: &["createCluster", "terminateCluster", "addStep"],
        callback: false,
    },
    Integration {
        service: "emr-containers",
        apis: &["createVirtualCluster"],
        run_job: &["deleteVirtualCluster", "startJobRun"],
        callback: false,
    },
    Integration {
        service: "emr-serverless",
        apis: &[],
        run_job: &[
            "createApplication",
            "startApplication",
            "stopApplication",
            "deleteApplication",
            "startJobRun",
            "cancelJobRun",
        ],
        callback: false,
    },
    Integration {
        service: "eks",
        apis: &["call"],
        run_job: &[
            "createCluster",
            "deleteCluster",
            "createFargateProfile",
            "deleteFargateProfile",
            "createNodegroup",
            "deleteNodegroup",
            "runJob",
        ],
        callback: true,
    },
    Integration {
        service: "mediaconvert",
        apis: &[],
        run_job: &["createJob"],
        callback: false,
    },
    Integration {
        service: "bedrock",
        apis: &["invokeModel"],
        run_job: &["createModelCustomizationJob"],
        callback: true,
    },
];

/// The problem with a Task's `Resource`, as the diagnostic message AWS gives, if any.
pub(super) fn task_resource_problem(resource: &str, machine_type: MachineType) -> Option<String> {
    if Arn::parse(resource).is_none() {
        return Some("Value is not a valid resource ARN".to_string());
    }
    let task = TaskResource::parse(resource);
    if machine_type == MachineType::Express {
        match (&task.kind, task.pattern) {
            (ResourceKind::Activity { .. }, _) => {
                return Some("Express state machine does not support Activity ARN".to_string())
            }
            (_, CallPattern::Sync | CallPattern::Sync2) => {
                return Some(
                    "Express state machine does not support '.sync' service integration"
                        .to_string(),
                )
            }
            // AWS's message really ends with a space before " at <location>".
            (_, CallPattern::WaitForTaskToken) => return Some(
                "Express state machine does not support '.waitForTaskToken' service integration "
                    .to_string(),
            ),
            _ => {}
        }
    }
    let recognized = match &task.kind {
        ResourceKind::Activity { .. } | ResourceKind::LambdaFunction { .. } => true,
        ResourceKind::AwsSdk { service, action } => {
            // Over two hundred services: check the shape, not the catalogue.
            let service_ok = !service.is_empty()
                && service
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
            let action_ok = action.starts_with(|c: char| c.is_ascii_lowercase())
                && action.chars().all(|c| c.is_ascii_alphanumeric());
            service_ok && action_ok && !task.pattern.is_sync()
        }
        ResourceKind::Http => is_known_integration("http", "invoke", task.pattern),
        ResourceKind::Service { service, action } => {
            is_known_integration(service, action, task.pattern)
        }
        ResourceKind::Unrecognized => false,
    };
    if recognized {
        None
    } else {
        Some(format!(
            "The resource provided {resource} is not recognized. The value is not a valid resource ARN, or the resource is not available in this region."
        ))
    }
}

/// Whether Step Functions offers `service:api` with this call pattern (only
/// `states:startExecution` takes `.sync:2`).
fn is_known_integration(service: &str, api: &str, pattern: CallPattern) -> bool {
    if pattern == CallPattern::Sync2 && !(service == "states" && api == "startExecution") {
        return false;
    }
    INTEGRATIONS.iter().any(|integration| {
        integration.service == service
            && match pattern {
                CallPattern::RequestResponse => integration.offers(api),
                CallPattern::Sync | CallPattern::Sync2 => integration.run_job.contains(&api),
                CallPattern::WaitForTaskToken => integration.callback && integration.offers(api),
            }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const STANDARD: MachineType = MachineType::Standard;
    const EXPRESS: MachineType = MachineType::Express;

    #[test]
    fn recognizes_integrations_activities_and_functions() {
        for resource in [
            "arn:aws:states:::lambda:invoke",
            "arn:aws:states:::lambda:invoke.waitForTaskToken",
            "arn:aws:states:::states:startExecution.sync",
            "arn:aws:states:::states:startExecution.sync:2",
            "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "arn:aws:states:::dynamodb:putItem",
            "arn:aws:states:::events:putEvents",
            "arn:aws:states:::apigateway:invoke",
            "arn:aws:states:::aws-sdk:kms:encrypt",
            "arn:aws:states:::aws-sdk:s3:listObjectsV2.waitForTaskToken",
            "arn:aws:states:::batch:submitJob.sync",
            "arn:aws:states:us-east-1:111111111111:activity:my-activity",
            "arn:aws:lambda:us-east-1:111111111111:function:my-function",
            "arn:aws:lambda:us-east-1:111111111111:function:my-function:$LATEST",
            "arn:aws-cn:states:::lambda:invoke",
        ] {
            assert_eq!(
                task_resource_problem(resource, STANDARD),
                None,
                "{resource}"
            );
        }
    }

    #[test]
    fn rejects_unknown_integrations_as_recorded() {
        assert_eq!(
            task_resource_problem("arn:aws:states:::dynamodb:query", STANDARD).as_deref(),
            Some("The resource provided arn:aws:states:::dynamodb:query is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.")
        );
        for resource in [
            "arn:aws:states:::dynamodb:putItem.sync",
            "arn:aws:states:::lambda:invoke.sync",
            "arn:aws:states:::aws-sdk:s3:getObject.sync",
            "arn:aws:states:::batch:submitJob.sync:2",
            "arn:aws:states:::s3:getObject",
            "arn:aws:sqs:us-east-1:111111111111:queue",
        ] {
            assert!(
                task_resource_problem(resource, STANDARD).is_some(),
                "{resource}"
            );
        }
        assert_eq!(
            task_resource_problem("my-function", STANDARD).as_deref(),
            Some("Value is not a valid resource ARN")
        );
    }

    #[test]
    fn refuses_callbacks_jobs_and_activities_in_express_machines() {
        assert_eq!(
            task_resource_problem("arn:aws:states:::states:startExecution.sync", EXPRESS)
                .as_deref(),
            Some("Express state machine does not support '.sync' service integration")
        );
        assert_eq!(
            task_resource_problem("arn:aws:states:::sns:publish.waitForTaskToken", EXPRESS)
                .as_deref(),
            Some("Express state machine does not support '.waitForTaskToken' service integration ")
        );
        assert_eq!(
            task_resource_problem("arn:aws:states:us-east-1:111111111111:activity:a", EXPRESS)
                .as_deref(),
            Some("Express state machine does not support Activity ARN")
        );
        assert_eq!(
            task_resource_problem("arn:aws:states:::lambda:invoke", EXPRESS),
            None
        );
    }
}
