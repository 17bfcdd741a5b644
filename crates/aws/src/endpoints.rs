//! Where a service is: the AWS SDK conventions (`AWS_ENDPOINT_URL_<SERVICE_ID>`, then
//! `AWS_ENDPOINT_URL`), Step Functions Local's variables (`LAMBDA_ENDPOINT`, `SQS_ENDPOINT`, …),
//! else the service's public endpoint in the region.

use std::collections::HashMap;

use crate::models::ServiceModel;

/// The endpoint settings, read once from the environment.
#[derive(Debug, Clone, Default)]
pub struct Endpoints {
    vars: HashMap<String, String>,
}

/// Step Functions Local's variable for a service (by endpoint prefix), where it names one.
fn sfn_local_variable(endpoint_prefix: &str) -> Option<&'static str> {
    Some(match endpoint_prefix {
        "lambda" => "LAMBDA_ENDPOINT",
        "sqs" => "SQS_ENDPOINT",
        "sns" => "SNS_ENDPOINT",
        "dynamodb" => "DYNAMODB_ENDPOINT",
        "events" => "EVENTBRIDGE_ENDPOINT",
        "states" => "STEP_FUNCTIONS_ENDPOINT",
        "s3" => "S3_ENDPOINT",
        "secretsmanager" => "SECRETSMANAGER_ENDPOINT",
        "logs" => "CLOUDWATCH_LOGS_ENDPOINT",
        "ecs" => "ECS_ENDPOINT",
        "batch" => "BATCH_ENDPOINT",
        "glue" => "GLUE_ENDPOINT",
        "athena" => "ATHENA_ENDPOINT",
        "codebuild" => "CODEBUILD_ENDPOINT",
        "apigateway" | "execute-api" => "APIGATEWAY_ENDPOINT",
        _ => return None,
    })
}

/// The SDK's environment key of a service id: upper case, spaces and dashes as underscores
/// (`Secrets Manager` → `SECRETS_MANAGER`).
pub fn service_env_key(service_id: &str) -> String {
    service_id
        .chars()
        .map(|c| match c {
            ' ' | '-' => '_',
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

impl Endpoints {
    pub fn from_env() -> Endpoints {
        Endpoints::from_vars(std::env::vars())
    }

    pub fn from_vars(vars: impl IntoIterator<Item = (String, String)>) -> Endpoints {
        Endpoints {
            vars: vars
                .into_iter()
                .filter(|(_, v)| !v.trim().is_empty())
                .collect(),
        }
    }

    fn var(&self, key: &str) -> Option<&str> {
        self.vars.get(key).map(|v| v.trim().trim_end_matches('/'))
    }

    /// Whether a service's endpoint was configured rather than AWS's own.
    pub fn configured(&self, model: &ServiceModel) -> bool {
        self.configured_url(model).is_some()
    }

    fn configured_url(&self, model: &ServiceModel) -> Option<&str> {
        let specific = format!("AWS_ENDPOINT_URL_{}", service_env_key(model.service_id()));
        self.var(&specific)
            .or_else(|| sfn_local_variable(model.endpoint_prefix()).and_then(|k| self.var(k)))
            .or_else(|| self.var("AWS_ENDPOINT_URL"))
    }

    /// The base URL (scheme, host, port, no trailing slash) of a service in a region.
    pub fn url(&self, model: &ServiceModel, region: &str) -> String {
        if let Some(url) = self.configured_url(model) {
            return url.to_string();
        }
        let suffix = if region.starts_with("cn-") {
            "amazonaws.com.cn"
        } else {
            "amazonaws.com"
        };
        format!("https://{}.{region}.{suffix}", model.endpoint_prefix())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::service;

    fn endpoints(vars: &[(&str, &str)]) -> Endpoints {
        Endpoints::from_vars(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    #[test]
    fn the_service_variable_wins_then_step_functions_local_then_the_general_one() {
        let sm = service("secretsmanager").unwrap();
        let sqs = service("sqs").unwrap();
        let sfn = service("stepfunctions").unwrap();
        let e = endpoints(&[
            ("AWS_ENDPOINT_URL", "http://all:1/"),
            ("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://sm:2"),
            ("SQS_ENDPOINT", "http://sqs:3"),
            ("AWS_ENDPOINT_URL_SFN", "http://sfn:4"),
        ]);
        assert_eq!(e.url(&sm, "us-east-1"), "http://sm:2");
        assert_eq!(e.url(&sqs, "us-east-1"), "http://sqs:3");
        assert_eq!(e.url(&sfn, "us-east-1"), "http://sfn:4");
        assert_eq!(
            e.url(&service("dynamodb").unwrap(), "us-east-1"),
            "http://all:1"
        );
        let none = endpoints(&[]);
        assert_eq!(
            none.url(&sqs, "eu-west-1"),
            "https://sqs.eu-west-1.amazonaws.com"
        );
        assert!(!none.configured(&sqs));
        assert_eq!(service_env_key("CloudWatch Logs"), "CLOUDWATCH_LOGS");
    }
}
