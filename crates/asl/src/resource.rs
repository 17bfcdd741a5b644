//! The `Resource` of a Task state, read once into what it names (an activity, a Lambda function,
//! an optimized service integration, an AWS SDK integration, the HTTP Task) and how the Task
//! waits for it (its call pattern). The validator and the engine read resources only through
//! this, so they cannot disagree about what a resource is.

use crate::arn::Arn;

/// How a Task waits for what it calls: the suffix of an integration's resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CallPattern {
    /// No suffix: the Task ends when the service answers the call.
    #[default]
    RequestResponse,
    /// `.sync`: the Task waits for the job it started to finish.
    Sync,
    /// `.sync:2`: as `.sync`, with the result as JSON rather than JSON text (startExecution).
    Sync2,
    /// `.waitForTaskToken`: the Task waits for SendTaskSuccess/Failure with its token.
    WaitForTaskToken,
}

impl CallPattern {
    /// The resource suffix that selects this pattern.
    pub fn suffix(self) -> &'static str {
        match self {
            CallPattern::RequestResponse => "",
            CallPattern::Sync => ".sync",
            CallPattern::Sync2 => ".sync:2",
            CallPattern::WaitForTaskToken => ".waitForTaskToken",
        }
    }

    /// Whether the Task waits for a job to finish (`.sync` or `.sync:2`).
    pub fn is_sync(self) -> bool {
        matches!(self, CallPattern::Sync | CallPattern::Sync2)
    }

    /// Splits `service:action.sync` into `service:action` and its pattern.
    fn split(text: &str) -> (&str, CallPattern) {
        [
            CallPattern::Sync2,
            CallPattern::Sync,
            CallPattern::WaitForTaskToken,
        ]
        .into_iter()
        .find_map(|pattern| Some((text.strip_suffix(pattern.suffix())?, pattern)))
        .unwrap_or((text, CallPattern::RequestResponse))
    }
}

/// What a Task's `Resource` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceKind {
    /// `arn:PARTITION:states:REGION:ACCOUNT:activity:NAME`: a worker polls for the task.
    Activity { arn: String, name: String },
    /// `arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`: a bare function ARN.
    LambdaFunction {
        arn: String,
        name: String,
        qualifier: Option<String>,
    },
    /// `arn:PARTITION:states:::SERVICE:ACTION`: an optimized integration (`lambda:invoke`,
    /// `sqs:sendMessage`, `states:startExecution` …), whether or not this server knows it.
    Service { service: String, action: String },
    /// `arn:PARTITION:states:::aws-sdk:SERVICE:ACTION`: any AWS API through the SDK integration.
    AwsSdk { service: String, action: String },
    /// `arn:PARTITION:states:::http:invoke`: the HTTP Task.
    Http,
    /// Anything else (the validator rejects it; a Task that runs it fails).
    Unrecognized,
}

/// A Task's `Resource`, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskResource {
    pub kind: ResourceKind,
    /// Always `RequestResponse` for activities and bare function ARNs, which take no suffix.
    pub pattern: CallPattern,
}

impl TaskResource {
    pub fn parse(text: &str) -> TaskResource {
        let unrecognized = TaskResource {
            kind: ResourceKind::Unrecognized,
            pattern: CallPattern::RequestResponse,
        };
        let Some(arn) = Arn::parse(text) else {
            return unrecognized;
        };
        let has_place = !arn.region.is_empty() && !arn.account.is_empty();
        match arn.service {
            "states" if arn.region.is_empty() && arn.account.is_empty() => {
                let (target, pattern) = CallPattern::split(arn.resource);
                let kind = match target.split_once(':') {
                    Some(("aws-sdk", sdk)) => match sdk.split_once(':') {
                        Some((service, action)) => ResourceKind::AwsSdk {
                            service: service.to_string(),
                            action: action.to_string(),
                        },
                        None => ResourceKind::Unrecognized,
                    },
                    Some(("http", "invoke")) => ResourceKind::Http,
                    Some((service, action)) => ResourceKind::Service {
                        service: service.to_string(),
                        action: action.to_string(),
                    },
                    None => ResourceKind::Unrecognized,
                };
                TaskResource { kind, pattern }
            }
            "states" => match arn.resource_type_and_rest() {
                ("activity", Some(name)) if has_place && !name.is_empty() => TaskResource {
                    kind: ResourceKind::Activity {
                        arn: text.to_string(),
                        name: name.to_string(),
                    },
                    pattern: CallPattern::RequestResponse,
                },
                _ => unrecognized,
            },
            "lambda" => match arn.resource_type_and_rest() {
                ("function", Some(function)) if has_place => {
                    let (name, qualifier) = match function.split_once(':') {
                        Some((name, qualifier)) => (name, Some(qualifier)),
                        None => (function, None),
                    };
                    let qualifier_ok = qualifier.is_none_or(|q| !q.is_empty() && !q.contains(':'));
                    if name.is_empty() || !qualifier_ok {
                        return unrecognized;
                    }
                    TaskResource {
                        kind: ResourceKind::LambdaFunction {
                            arn: text.to_string(),
                            name: name.to_string(),
                            qualifier: qualifier.map(str::to_string),
                        },
                        pattern: CallPattern::RequestResponse,
                    }
                }
                _ => unrecognized,
            },
            _ => unrecognized,
        }
    }

    /// The activity's ARN, when the resource is an activity.
    pub fn activity_arn(&self) -> Option<&str> {
        match &self.kind {
            ResourceKind::Activity { arn, .. } => Some(arn),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> ResourceKind {
        TaskResource::parse(text).kind
    }

    #[test]
    fn integrations_with_their_call_patterns() {
        for (text, pattern) in [
            (
                "arn:aws:states:::sqs:sendMessage",
                CallPattern::RequestResponse,
            ),
            (
                "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                CallPattern::WaitForTaskToken,
            ),
            (
                "arn:aws:states:::states:startExecution.sync",
                CallPattern::Sync,
            ),
            (
                "arn:aws:states:::states:startExecution.sync:2",
                CallPattern::Sync2,
            ),
        ] {
            let resource = TaskResource::parse(text);
            assert_eq!(resource.pattern, pattern, "{text}");
            assert!(
                matches!(resource.kind, ResourceKind::Service { .. }),
                "{text}"
            );
        }
        assert_eq!(
            kind("arn:aws-cn:states:::lambda:invoke"),
            ResourceKind::Service {
                service: "lambda".into(),
                action: "invoke".into()
            }
        );
        assert_eq!(
            kind("arn:aws:states:::aws-sdk:s3:listObjectsV2"),
            ResourceKind::AwsSdk {
                service: "s3".into(),
                action: "listObjectsV2".into()
            }
        );
        assert_eq!(kind("arn:aws:states:::http:invoke"), ResourceKind::Http);
        assert_eq!(
            kind("arn:aws:states:::aws-sdk:s3"),
            ResourceKind::Unrecognized
        );
        assert_eq!(kind("arn:aws:states:::nothing"), ResourceKind::Unrecognized);
    }

    #[test]
    fn activities_and_functions() {
        let activity = "arn:aws:states:us-east-1:123456789012:activity:work";
        assert_eq!(TaskResource::parse(activity).activity_arn(), Some(activity));
        assert_eq!(
            kind("arn:aws:states:us-east-1::activity:work"),
            ResourceKind::Unrecognized
        );
        assert_eq!(
            kind("arn:aws:states:us-east-1:1:activity:"),
            ResourceKind::Unrecognized
        );
        assert_eq!(
            kind("arn:aws:lambda:us-east-1:123456789012:function:f:live"),
            ResourceKind::LambdaFunction {
                arn: "arn:aws:lambda:us-east-1:123456789012:function:f:live".into(),
                name: "f".into(),
                qualifier: Some("live".into())
            }
        );
        for bad in [
            "arn:aws:lambda:us-east-1:1:function:",
            "arn:aws:lambda:us-east-1:1:function:f:",
            "arn:aws:lambda:us-east-1:1:function:f:a:b",
            "arn:aws:lambda::1:function:f",
            "not an arn",
        ] {
            assert_eq!(kind(bad), ResourceKind::Unrecognized, "{bad}");
        }
    }
}
