//! Map runs (DescribeMapRun, ListMapRuns, UpdateMapRun). Only a Distributed Map state starts map
//! runs, and this engine runs none yet, so every execution has none: the operations answer as AWS
//! does for executions without map runs.

use super::arns::{parse_states_arn, parse_typed_arn, resource_not_found};
use super::{ErrorCode, Result, Service, ServiceError};

/// One map run as ListMapRuns shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapRunSummary {
    pub execution_arn: String,
    pub map_run_arn: String,
    pub state_machine_arn: String,
    pub start_ms: i64,
    pub stop_ms: Option<i64>,
}

impl Service {
    /// What DescribeMapRun and UpdateMapRun answer, as no map run exists: `InvalidArn` for an ARN
    /// that is not a map run's, `ResourceNotFound` for one that is.
    pub fn no_such_map_run(&self, arn: &str) -> ServiceError {
        match parse_typed_arn(arn, "mapRun") {
            Ok(_) => resource_not_found(arn),
            Err(invalid) => invalid,
        }
    }

    /// ListMapRuns of an execution (which must exist in the request's account and region).
    pub fn list_map_runs(&self, region: &str, execution_arn: &str) -> Result<Vec<MapRunSummary>> {
        let parsed = parse_states_arn(execution_arn)?;
        if !self.scope(region).owns(&parsed) {
            return Err(ServiceError::new(
                ErrorCode::ExecutionDoesNotExist,
                format!("Execution Does Not Exist: '{execution_arn}'"),
            ));
        }
        self.describe_execution(execution_arn)?;
        Ok(Vec::new())
    }
}
