//! The execution operations: start (asynchronous and synchronous), describe, stop, redrive and
//! list executions, and describe the state machine an execution ran.

use std::sync::Arc;

use engine::service::status::{status_of, ExecutionKinds, RedriveStatus};
use engine::service::{self, configuration, Service};
use engine::ExecutionRecord;
use serde_json::{json, Map, Value};

use super::pagination::{paginate, with_token};
use super::{arn_member, check_name, seconds, Result};
use crate::input::{Input, Violations};
use crate::{ApiError, RequestContext};

fn start_request(ctx: &RequestContext, input: &Input) -> Result<service::StartExecution> {
    let arn = arn_member(input, "stateMachineArn")?;
    let name = input.opt_str("name")?;
    let exec_input = input.opt_str("input")?;
    let trace = input.opt_str("traceHeader")?;
    let mut v = Violations::default();
    v.length("name", name, 1, 80);
    v.length("traceHeader", trace, 0, 256);
    v.check()?;
    if let Some(n) = name {
        check_name(n)?;
    }
    Ok(service::StartExecution {
        region: ctx.region.clone(),
        state_machine_arn: arn.to_string(),
        name: name.map(str::to_string),
        input: exec_input.map(str::to_string),
        trace_header: trace.map(str::to_string),
    })
}

pub fn start_execution(
    service: &Arc<Service>,
    ctx: &RequestContext,
    input: &Input,
) -> Result<Value> {
    let rec = service.start_execution(start_request(ctx, input)?)?;
    Ok(json!({"executionArn": rec.arn, "startDate": seconds(rec.start_ms)}))
}

pub async fn start_sync_execution(
    service: &Arc<Service>,
    ctx: &RequestContext,
    input: &Input<'_>,
) -> Result<Value> {
    let req = start_request(ctx, input)?;
    let rec = service.start_sync_execution(req).await?;
    let mut out = Map::new();
    out.insert("executionArn".into(), json!(rec.arn));
    out.insert("stateMachineArn".into(), json!(rec.state_machine_arn));
    out.insert("name".into(), json!(rec.name));
    out.insert("startDate".into(), seconds(rec.start_ms));
    out.insert(
        "stopDate".into(),
        seconds(rec.stop_ms.unwrap_or(rec.start_ms)),
    );
    out.insert("status".into(), json!(rec.status));
    if let Some(e) = &rec.error {
        out.insert("error".into(), json!(e));
    }
    if let Some(c) = &rec.cause {
        out.insert("cause".into(), json!(c));
    }
    out.insert("input".into(), json!(rec.input));
    out.insert("inputDetails".into(), json!({"included": true}));
    if let Some(o) = &rec.output {
        out.insert("output".into(), json!(o));
        out.insert("outputDetails".into(), json!({"included": true}));
    }
    let duration = (rec.stop_ms.unwrap_or(rec.start_ms) - rec.start_ms).max(0);
    out.insert(
        "billingDetails".into(),
        json!({
            "billedMemoryUsedInMB": 64,
            "billedDurationInMilliseconds": (duration.div_euclid(100) + 1) * 100,
        }),
    );
    if let Some(t) = &rec.trace_header {
        out.insert("traceHeader".into(), json!(t));
    }
    Ok(Value::Object(out))
}

pub fn describe_execution(service: &Service, input: &Input) -> Result<Value> {
    let rec = service.describe_execution(arn_member(input, "executionArn")?)?;
    Ok(describe_execution_json(&rec, service.now_ms()))
}

pub fn describe_state_machine_for_execution(
    service: &Service,
    ctx: &RequestContext,
    input: &Input,
) -> Result<Value> {
    let rec = service.describe_execution(arn_member(input, "executionArn")?)?;
    let machine = service
        .describe_state_machine(&ctx.region, &rec.state_machine_arn)
        .ok();
    let mut out = json!({
        "stateMachineArn": rec.state_machine_arn,
        "name": machine.as_ref().map(|m| m.name.clone()).unwrap_or_default(),
        "definition": rec.definition,
        "roleArn": rec.role_arn,
        "updateDate": seconds(rec.start_ms),
        "loggingConfiguration": configuration::default_logging(),
        "tracingConfiguration": configuration::default_tracing(),
        "encryptionConfiguration": machine
            .map(|m| m.encryption_configuration)
            .unwrap_or_else(configuration::default_encryption),
    });
    if let Some(revision) = &rec.revision_id {
        out["revisionId"] = json!(revision);
    }
    if let Some(references) = service::variable_references::variable_references(&rec.definition) {
        out["variableReferences"] = Value::Object(references);
    }
    Ok(out)
}

fn describe_execution_json(rec: &ExecutionRecord, now_ms: i64) -> Value {
    let mut out = Map::new();
    out.insert("executionArn".into(), json!(rec.arn));
    out.insert("stateMachineArn".into(), json!(rec.state_machine_arn));
    out.insert("name".into(), json!(rec.name));
    out.insert("status".into(), json!(rec.status));
    out.insert("startDate".into(), seconds(rec.start_ms));
    if let Some(s) = rec.stop_ms {
        out.insert("stopDate".into(), seconds(s));
    }
    out.insert("input".into(), json!(rec.input));
    out.insert("inputDetails".into(), json!({"included": true}));
    if let Some(o) = &rec.output {
        out.insert("output".into(), json!(o));
        out.insert("outputDetails".into(), json!({"included": true}));
    }
    if let Some(e) = &rec.error {
        out.insert("error".into(), json!(e));
    }
    if let Some(c) = &rec.cause {
        out.insert("cause".into(), json!(c));
    }
    if let Some(t) = &rec.trace_header {
        out.insert("traceHeader".into(), json!(t));
    }
    if let Some(v) = &rec.version_arn {
        out.insert("stateMachineVersionArn".into(), json!(v));
    }
    if let Some(a) = &rec.alias_arn {
        out.insert("stateMachineAliasArn".into(), json!(a));
    }
    out.insert("redriveCount".into(), json!(rec.redrive.count));
    if let Some(ms) = rec.redrive.last_ms {
        out.insert("redriveDate".into(), seconds(ms));
    }
    let redrive = RedriveStatus::of(rec, now_ms);
    out.insert("redriveStatus".into(), json!(redrive.as_str()));
    if let Some(reason) = redrive.reason() {
        out.insert("redriveStatusReason".into(), json!(reason));
    }
    Value::Object(out)
}

pub fn redrive_execution(service: &Service, input: &Input) -> Result<Value> {
    let arn = arn_member(input, "executionArn")?;
    let token = input.opt_str("clientToken")?;
    let mut v = Violations::default();
    v.length("clientToken", token, 1, 64);
    v.check()?;
    let rec = service.redrive_execution(arn, token.map(str::to_string))?;
    Ok(json!({"redriveDate": seconds(rec.redrive.last_ms.unwrap_or_else(|| service.now_ms()))}))
}

pub fn stop_execution(service: &Service, input: &Input) -> Result<Value> {
    let arn = arn_member(input, "executionArn")?;
    let error = input.opt_str("error")?;
    let cause = input.opt_str("cause")?;
    let mut v = Violations::default();
    v.length("error", error, 0, 256);
    v.length("cause", cause, 0, 32768);
    v.check()?;
    let rec = service.stop_execution(arn, error.map(str::to_string), cause.map(str::to_string))?;
    Ok(json!({"stopDate": seconds(rec.stop_ms.unwrap_or_else(|| service.now_ms()))}))
}

pub fn list_executions(service: &Service, ctx: &RequestContext, input: &Input) -> Result<Value> {
    let status = input.opt_str("statusFilter")?;
    let mut v = Violations::default();
    v.one_of(
        "statusFilter",
        status,
        &[
            "SUCCEEDED",
            "TIMED_OUT",
            "PENDING_REDRIVE",
            "ABORTED",
            "FAILED",
            "RUNNING",
        ],
    );
    v.check()?;
    let machine_arn = input.opt_str("stateMachineArn")?;
    let map_run_arn = input.opt_str("mapRunArn")?;
    let mut v = Violations::default();
    v.length("stateMachineArn", machine_arn, 1, 256);
    v.length("mapRunArn", map_run_arn, 1, 2000);
    v.check()?;
    let arn = match (machine_arn, map_run_arn) {
        (Some(_), Some(_)) => {
            return Err(ApiError::validation(
                "Only one of stateMachineArn or mapRunArn may be specified",
            ))
        }
        (None, None) => {
            return Err(ApiError::validation(
                "Must specify a stateMachineArn or a mapRunArn",
            ))
        }
        // No map run exists yet (the Distributed Map does not create them in this version).
        (None, Some(map_run)) => return Err(service.no_such_map_run(map_run).into()),
        (Some(arn), None) => arn,
    };
    // A version or alias ARN lists the executions that ran it.
    let mut all = service.list_executions(&ctx.region, arn, status)?;
    if let Some(wanted) = status {
        // PENDING_REDRIVE is no status this version gives an execution: it lists none.
        let wanted = status_of(wanted);
        all.retain(|e| wanted.is_some() && e.execution_status() == wanted);
    }
    let redrive_filter = input.opt_str("redriveFilter")?;
    let mut v = Violations::default();
    v.one_of(
        "redriveFilter",
        redrive_filter,
        &["REDRIVEN", "NOT_REDRIVEN"],
    );
    v.check()?;
    match redrive_filter {
        Some("REDRIVEN") => all.retain(|e| e.redrive.count > 0),
        Some("NOT_REDRIVEN") => all.retain(|e| e.redrive.count == 0),
        _ => {}
    }
    let (page, next) = paginate(all, input)?;
    let items: Vec<Value> = page
        .iter()
        .map(|e| {
            let mut m = Map::new();
            m.insert("executionArn".into(), json!(e.arn));
            m.insert("stateMachineArn".into(), json!(e.state_machine_arn));
            m.insert("name".into(), json!(e.name));
            m.insert("status".into(), json!(e.status));
            m.insert("startDate".into(), seconds(e.start_ms));
            if let Some(s) = e.stop_ms {
                m.insert("stopDate".into(), seconds(s));
            }
            if let Some(v) = &e.version_arn {
                m.insert("stateMachineVersionArn".into(), json!(v));
            }
            if let Some(a) = &e.alias_arn {
                m.insert("stateMachineAliasArn".into(), json!(a));
            }
            m.insert("redriveCount".into(), json!(e.redrive.count));
            if let Some(ms) = e.redrive.last_ms {
                m.insert("redriveDate".into(), seconds(ms));
            }
            Value::Object(m)
        })
        .collect();
    Ok(with_token(json!({"executions": items}), next))
}
