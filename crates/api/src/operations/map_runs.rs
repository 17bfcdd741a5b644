//! DescribeMapRun, ListMapRuns, UpdateMapRun. No map run exists in this version (the Distributed
//! Map does not create them), so DescribeMapRun and UpdateMapRun only ever refuse: DescribeMapRun
//! has no output type yet.

use engine::service::Service;

use super::pagination::{read_arn_and_page, PageRequest};
use super::shapes::{read_arn, required_string, ARN_MAX, LONG_ARN_MAX};
use super::{EmptyOutput, Request, Result, Timestamp};
use crate::input::{Input, Violations};
use crate::{ApiError, RequestContext};

request! {
    pub struct DescribeMapRunInput {
        pub map_run_arn: String = read_arn(input, "mapRunArn", LONG_ARN_MAX)?.to_string(),
    }
    read(input)
}

/// DescribeMapRun's refusal (`InvalidArn` or `ResourceNotFound`).
pub fn describe_map_run(service: &Service, request: DescribeMapRunInput) -> ApiError {
    service.no_such_map_run(&request.map_run_arn).into()
}

request! {
    pub struct ListMapRunsInput {
        pub execution_arn: String = execution_arn.to_string(),
        pub page: PageRequest = page,
    }
    read(input) {
        let (execution_arn, page) = read_arn_and_page(input, "executionArn", ARN_MAX)?;
    }
}

response! {
    pub struct MapRunListItem {
        pub execution_arn: String,
        pub map_run_arn: String,
        pub state_machine_arn: String,
        pub start_date: Timestamp,
        pub stop_date: Option<Timestamp>,
    }
}

list_output! {
    pub struct ListMapRunsOutput {
        pub map_runs: Vec<MapRunListItem>,
    }
}

pub fn list_map_runs(
    service: &Service,
    ctx: &RequestContext,
    request: ListMapRunsInput,
) -> Result<ListMapRunsOutput> {
    let map_runs = service.list_map_runs(&ctx.region, &request.execution_arn)?;
    let page = request.page.apply_map(map_runs, |run| MapRunListItem {
        execution_arn: run.execution_arn,
        map_run_arn: run.map_run_arn,
        state_machine_arn: run.state_machine_arn,
        start_date: Timestamp(run.start_ms),
        stop_date: run.stop_ms.map(Timestamp),
    })?;
    Ok(page.into())
}

// The limits are read and checked as AWS checks them; nothing uses them until map runs exist.
request! {
    #[allow(dead_code)]
    pub struct UpdateMapRunInput {
        pub map_run_arn: String = map_run_arn.to_string(),
        pub max_concurrency: Option<i64> = max_concurrency,
        pub tolerated_failure_percentage: Option<f64> = tolerated_failure_percentage,
        pub tolerated_failure_count: Option<i64> = tolerated_failure_count,
    }
    read(input) {
        let mut v = Violations::default();
        let map_run_arn = required_string(input, "mapRunArn", LONG_ARN_MAX, &mut v)?;
        let max_concurrency = input.opt_int("maxConcurrency")?;
        v.range("maxConcurrency", max_concurrency, 0, i64::MAX);
        let tolerated_failure_percentage = input.opt_number("toleratedFailurePercentage")?;
        v.float_range(
            "toleratedFailurePercentage",
            tolerated_failure_percentage,
            0.0,
            100.0,
        );
        let tolerated_failure_count = input.opt_int("toleratedFailureCount")?;
        v.range(
            "toleratedFailureCount",
            tolerated_failure_count,
            0,
            i64::MAX,
        );
        v.check()?;
    }
}

/// UpdateMapRun's answer: always a refusal while no map run exists.
pub fn update_map_run(service: &Service, request: UpdateMapRunInput) -> Result<EmptyOutput> {
    Err(service.no_such_map_run(&request.map_run_arn).into())
}
