//! Runtime errors of the language, named as Step Functions names them (`States.Runtime`, …).

use std::fmt;

/// An error raised while running a state: the `error` name and its `cause` text, exactly as they
/// appear in the execution history (`States.Runtime`, `States.QueryEvaluationError`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatesError {
    pub error: String,
    pub cause: String,
}

pub const RUNTIME: &str = "States.Runtime";
pub const QUERY_EVALUATION_ERROR: &str = "States.QueryEvaluationError";
pub const INTRINSIC_FAILURE: &str = "States.IntrinsicFailure";
pub const DATA_LIMIT_EXCEEDED: &str = "States.DataLimitExceeded";
pub const TIMEOUT: &str = "States.Timeout";
pub const HEARTBEAT_TIMEOUT: &str = "States.HeartbeatTimeout";
pub const TASK_FAILED: &str = "States.TaskFailed";
pub const BRANCH_FAILED: &str = "States.BranchFailed";
pub const NO_CHOICE_MATCHED: &str = "States.NoChoiceMatched";
pub const PERMISSIONS: &str = "States.Permissions";
pub const RESULT_PATH_MATCH_FAILURE: &str = "States.ResultPathMatchFailure";
pub const PARAMETER_PATH_FAILURE: &str = "States.ParameterPathFailure";
pub const ITEM_READER_FAILED: &str = "States.ItemReaderFailed";
pub const RESULT_WRITER_FAILED: &str = "States.ResultWriterFailed";
pub const EXCEED_TOLERATED_FAILURE_THRESHOLD: &str = "States.ExceedToleratedFailureThreshold";
pub const ALL: &str = "States.ALL";

impl StatesError {
    pub fn new(error: impl Into<String>, cause: impl Into<String>) -> Self {
        StatesError {
            error: error.into(),
            cause: cause.into(),
        }
    }
    pub fn runtime(cause: impl Into<String>) -> Self {
        Self::new(RUNTIME, cause)
    }
    pub fn query_evaluation(cause: impl Into<String>) -> Self {
        Self::new(QUERY_EVALUATION_ERROR, cause)
    }
    pub fn intrinsic_failure(cause: impl Into<String>) -> Self {
        Self::new(INTRINSIC_FAILURE, cause)
    }
}

impl fmt::Display for StatesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error, self.cause)
    }
}

impl std::error::Error for StatesError {}
