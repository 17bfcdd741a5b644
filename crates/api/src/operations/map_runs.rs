//! DescribeMapRun, ListMapRuns, UpdateMapRun.

use engine::service::Service;
use serde_json::{json, Map, Value};

use super::pagination::{read_arn_and_page, with_token};
use super::shapes::{read_arn, required_string, ARN_MAX, LONG_ARN_MAX};
use super::{seconds, Result};
use crate::input::{Input, Violations};
use crate::RequestContext;

pub fn describe_map_run(service: &Service, input: &Input) -> Result<Value> {
    let arn = read_arn(input, "mapRunArn", LONG_ARN_MAX)?;
    Err(service.no_such_map_run(arn).into())
}

pub fn list_map_runs(service: &Service, ctx: &RequestContext, input: &Input) -> Result<Value> {
    let (execution_arn, page) = read_arn_and_page(input, "executionArn", ARN_MAX)?;
    let (map_runs, next) = page.apply(service.list_map_runs(&ctx.region, execution_arn)?)?;
    let items: Vec<Value> = map_runs
        .iter()
        .map(|run| {
            let mut item = Map::new();
            item.insert("executionArn".into(), json!(run.execution_arn));
            item.insert("mapRunArn".into(), json!(run.map_run_arn));
            item.insert("stateMachineArn".into(), json!(run.state_machine_arn));
            item.insert("startDate".into(), seconds(run.start_ms));
            if let Some(stop_ms) = run.stop_ms {
                item.insert("stopDate".into(), seconds(stop_ms));
            }
            Value::Object(item)
        })
        .collect();
    Ok(with_token(json!({ "mapRuns": items }), next))
}

pub fn update_map_run(service: &Service, input: &Input) -> Result<Value> {
    let mut v = Violations::default();
    let arn = required_string(input, "mapRunArn", LONG_ARN_MAX, &mut v)?;
    v.range(
        "maxConcurrency",
        input.opt_int("maxConcurrency")?,
        0,
        i64::MAX,
    );
    v.float_range(
        "toleratedFailurePercentage",
        input.opt_number("toleratedFailurePercentage")?,
        0.0,
        100.0,
    );
    v.range(
        "toleratedFailureCount",
        input.opt_int("toleratedFailureCount")?,
        0,
        i64::MAX,
    );
    v.check()?;
    Err(service.no_such_map_run(arn).into())
}
