//! `arn:aws:states:::aws-sdk:SERVICE:ACTION`: any operation of any AWS service through the
//! generic client, SERVICE named as the AWS SDK for Java 2 names its module (`sfn`,
//! `dynamodb`, `cloudwatchlogs`, `acmpca`); parameters and results in PascalCase, timestamps as
//! ISO 8601 text, errors named `Service.ErrorNameException` (the SDK for Java 2's names).

use std::collections::HashMap;
use std::sync::OnceLock;

use asl::resource::{CallPattern, ResourceKind};

use super::calls::{v2_error, v2_service_name, Outcome};
use super::task_family::named;
use super::{Integration, TaskCall};

#[derive(Debug)]
pub struct AwsSdk;

/// botocore's name of the service an `aws-sdk:` resource names.
pub(super) fn model_for(sdk_name: &str) -> Option<&'static str> {
    static BY_MODULE: OnceLock<HashMap<String, String>> = OnceLock::new();
    BY_MODULE
        .get_or_init(|| {
            aws::models::service_ids()
                .iter()
                .map(|(name, id)| (v2_service_name(id).to_ascii_lowercase(), name.clone()))
                .collect()
        })
        .get(sdk_name)
        .map(String::as_str)
}

/// The integration of an `aws-sdk:` service, when this server has its model (request-response
/// and `.waitForTaskToken`, the patterns AWS offers for SDK integrations).
pub(super) fn serves(service: &str, pattern: CallPattern) -> Option<&'static dyn Integration> {
    let pattern_ok = matches!(
        pattern,
        CallPattern::RequestResponse | CallPattern::WaitForTaskToken
    );
    (pattern_ok && model_for(service).is_some()).then_some(&AwsSdk as &dyn Integration)
}

fn target(task: &TaskCall) -> Option<(&'static str, String)> {
    match task.target().kind {
        ResourceKind::AwsSdk { service, action } => Some((model_for(&service)?, action)),
        _ => None,
    }
}

impl Integration for AwsSdk {
    super::task_family::task_family_details!();

    fn call(&self, task: &TaskCall) -> Option<Result<aws::Call, Outcome>> {
        let (model, action) = target(task)?;
        Some(Ok(aws::Call {
            checksums: true,
            ..task.service_call(model, &action, task.parameters())
        }))
    }

    fn answered(&self, task: &TaskCall, answer: Result<aws::Reply, aws::Failure>) -> Outcome {
        let model = target(task).map(|(m, _)| m).unwrap_or("");
        match answer {
            Ok(reply) => Outcome::succeeded(&reply.output),
            Err(failure) => v2_error(model, &failure),
        }
    }

    fn limit_name(&self, task: &TaskCall) -> String {
        named(task).resource_type
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_are_named_as_the_java_2_sdk_names_its_modules() {
        assert_eq!(model_for("sfn"), Some("stepfunctions"));
        assert_eq!(model_for("dynamodb"), Some("dynamodb"));
        assert_eq!(model_for("cloudwatchlogs"), Some("logs"));
        assert_eq!(model_for("secretsmanager"), Some("secretsmanager"));
        assert_eq!(model_for("acmpca"), Some("acm-pca"));
        assert_eq!(model_for("s3"), Some("s3"));
        assert_eq!(model_for("nosuch"), None);
        assert!(serves("s3", CallPattern::Sync).is_none());
    }
}
