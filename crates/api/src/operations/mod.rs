//! One function per operation: read the request, call the service, shape the response.

mod activities;
mod activity_tasks;
mod aliases;
mod map_runs;
mod pagination;
mod shapes;
mod state_machines;
mod tags;
mod test_state;
mod versions;

use std::sync::Arc;

use engine::service::{self, Service};
use engine::{EventRecord, ExecutionRecord};
use serde_json::{json, Map, Value};

use crate::input::{Input, Violations};
use crate::{ApiError, RequestContext};
use pagination::{paginate, with_token};

/// The 37 operations of the service model, in its order.
pub const OPERATIONS: [&str; 37] = [
    "CreateActivity",
    "CreateStateMachine",
    "CreateStateMachineAlias",
    "DeleteActivity",
    "DeleteStateMachine",
    "DeleteStateMachineAlias",
    "DeleteStateMachineVersion",
    "DescribeActivity",
    "DescribeExecution",
    "DescribeMapRun",
    "DescribeStateMachine",
    "DescribeStateMachineAlias",
    "DescribeStateMachineForExecution",
    "GetActivityTask",
    "GetExecutionHistory",
    "ListActivities",
    "ListExecutions",
    "ListMapRuns",
    "ListStateMachineAliases",
    "ListStateMachineVersions",
    "ListStateMachines",
    "ListTagsForResource",
    "PublishStateMachineVersion",
    "RedriveExecution",
    "SendTaskFailure",
    "SendTaskHeartbeat",
    "SendTaskSuccess",
    "StartExecution",
    "StartSyncExecution",
    "StopExecution",
    "TagResource",
    "TestState",
    "UntagResource",
    "UpdateMapRun",
    "UpdateStateMachine",
    "UpdateStateMachineAlias",
    "ValidateStateMachineDefinition",
];

type Result<T> = std::result::Result<T, ApiError>;

/// Operations that wait on something other than the store (long polls, EXPRESS runs).
pub fn is_async(operation: &str) -> bool {
    matches!(operation, "GetActivityTask" | "StartSyncExecution")
}

pub async fn dispatch(
    service: &Arc<Service>,
    ctx: &RequestContext,
    operation: &str,
    request: &Value,
) -> Result<Value> {
    let input = Input::new(request);
    match operation {
        "GetActivityTask" => activity_tasks::get_activity_task(service, ctx, &input).await,
        "StartSyncExecution" => start_sync_execution(service, ctx, &input).await,
        _ => dispatch_blocking(service, ctx, operation, request),
    }
}

/// The operations that only read and write the store: they block until the store answers (a
/// write until it is committed), so the server runs them off its async workers.
pub fn dispatch_blocking(
    service: &Arc<Service>,
    ctx: &RequestContext,
    operation: &str,
    request: &Value,
) -> Result<Value> {
    let input = Input::new(request);
    match operation {
        "CreateStateMachine" => state_machines::create_state_machine(service, ctx, &input),
        "DescribeStateMachine" => state_machines::describe_state_machine(service, ctx, &input),
        "UpdateStateMachine" => state_machines::update_state_machine(service, ctx, &input),
        "DeleteStateMachine" => state_machines::delete_state_machine(service, ctx, &input),
        "ListStateMachines" => state_machines::list_state_machines(service, ctx, &input),
        "PublishStateMachineVersion" => {
            versions::publish_state_machine_version(service, ctx, &input)
        }
        "ListStateMachineVersions" => versions::list_state_machine_versions(service, ctx, &input),
        "DeleteStateMachineVersion" => versions::delete_state_machine_version(service, ctx, &input),
        "CreateStateMachineAlias" => aliases::create_state_machine_alias(service, ctx, &input),
        "DescribeStateMachineAlias" => aliases::describe_state_machine_alias(service, ctx, &input),
        "UpdateStateMachineAlias" => aliases::update_state_machine_alias(service, ctx, &input),
        "DeleteStateMachineAlias" => aliases::delete_state_machine_alias(service, ctx, &input),
        "ListStateMachineAliases" => aliases::list_state_machine_aliases(service, ctx, &input),
        "CreateActivity" => activities::create_activity(service, ctx, &input),
        "SendTaskSuccess" => activity_tasks::send_task_success(service, &input),
        "SendTaskFailure" => activity_tasks::send_task_failure(service, &input),
        "SendTaskHeartbeat" => activity_tasks::send_task_heartbeat(service, &input),
        "DescribeActivity" => activities::describe_activity(service, ctx, &input),
        "DeleteActivity" => activities::delete_activity(service, ctx, &input),
        "ListActivities" => activities::list_activities(service, ctx, &input),
        "TagResource" => tags::tag_resource(service, ctx, &input),
        "UntagResource" => tags::untag_resource(service, ctx, &input),
        "ListTagsForResource" => tags::list_tags_for_resource(service, ctx, &input),
        "DescribeMapRun" => map_runs::describe_map_run(service, &input),
        "ListMapRuns" => map_runs::list_map_runs(service, ctx, &input),
        "UpdateMapRun" => map_runs::update_map_run(service, &input),
        "StartExecution" => start_execution(service, ctx, &input),
        "DescribeExecution" => {
            let rec = service.describe_execution(arn_member(&input, "executionArn")?)?;
            Ok(describe_execution_json(&rec))
        }
        "StopExecution" => stop_execution(service, &input),
        "RedriveExecution" => redrive_execution(service, &input),
        "ListExecutions" => list_executions(service, ctx, &input),
        "GetExecutionHistory" => get_execution_history(service, &input),
        "DescribeStateMachineForExecution" => {
            let rec = service.describe_execution(arn_member(&input, "executionArn")?)?;
            let machine = service
                .describe_state_machine(&ctx.region, &rec.state_machine_arn)
                .ok();
            let mut out = json!({
                "stateMachineArn": rec.state_machine_arn,
                "name": machine.as_ref().map(|m| m.name.clone()).unwrap_or_default(),
                "definition": rec.definition,
                "roleArn": rec.role_arn,
                "updateDate": seconds(rec.start_ms),
                "loggingConfiguration": {"level": "OFF", "includeExecutionData": false},
                "tracingConfiguration": {"enabled": false},
                "encryptionConfiguration": machine
                    .map(|m| m.encryption_configuration)
                    .unwrap_or_else(|| json!({"type": "AWS_OWNED_KEY"})),
            });
            if let Some(revision) = &rec.revision_id {
                out["revisionId"] = json!(revision);
            }
            if let Some(references) =
                service::variable_references::variable_references(&rec.definition)
            {
                out["variableReferences"] = Value::Object(references);
            }
            Ok(out)
        }
        "ValidateStateMachineDefinition" => validate_definition(&input),
        "TestState" => test_state::test_state(service, ctx, &input),
        op if OPERATIONS.contains(&op) => Err(ApiError::new(
            "UnknownOperationException",
            format!("The operation {op} is not available on this server yet"),
        )),
        op => Err(ApiError::new(
            "UnknownOperationException",
            format!("Unknown operation {op}"),
        )),
    }
}

/// Epoch seconds with milliseconds, as the JSON protocol sends timestamps.
fn seconds(ms: i64) -> Value {
    json!(ms as f64 / 1000.0)
}

fn arn_member<'a>(input: &Input<'a>, name: &str) -> Result<&'a str> {
    let arn = input.str(name)?;
    let mut v = Violations::default();
    v.length(name, Some(arn), 1, 256);
    v.check()?;
    Ok(arn)
}

/// AWS's name rule for state machines, executions, activities, aliases.
pub fn check_name(name: &str) -> Result<()> {
    let bad = name.is_empty()
        || name.chars().count() > 80
        || name.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || "<>{}[]?*\"#%\\^|~`$&,;:/".contains(c)
                || ('\u{7f}'..='\u{9f}').contains(&c)
        });
    if bad {
        return Err(ApiError::new(
            "InvalidName",
            format!("Invalid Name: '{name}'"),
        ));
    }
    Ok(())
}

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

fn start_execution(service: &Arc<Service>, ctx: &RequestContext, input: &Input) -> Result<Value> {
    let rec = service.start_execution(start_request(ctx, input)?)?;
    Ok(json!({"executionArn": rec.arn, "startDate": seconds(rec.start_ms)}))
}

async fn start_sync_execution(
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

fn describe_execution_json(rec: &ExecutionRecord) -> Value {
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
    out.insert(
        "redriveStatus".into(),
        json!(match rec.status.as_str() {
            "RUNNING" | "SUCCEEDED" => "NOT_REDRIVABLE",
            _ if rec.machine_type == "EXPRESS" => "NOT_REDRIVABLE",
            _ => "REDRIVABLE",
        }),
    );
    if rec.status == "SUCCEEDED" {
        out.insert(
            "redriveStatusReason".into(),
            json!("Execution is SUCCEEDED and cannot be redriven"),
        );
    }
    Value::Object(out)
}

fn redrive_execution(service: &Service, input: &Input) -> Result<Value> {
    let arn = arn_member(input, "executionArn")?;
    let token = input.opt_str("clientToken")?;
    let mut v = Violations::default();
    v.length("clientToken", token, 1, 64);
    v.check()?;
    let rec = service.redrive_execution(arn, token.map(str::to_string))?;
    Ok(json!({"redriveDate": seconds(rec.redrive.last_ms.unwrap_or_else(|| service.now_ms()))}))
}

fn stop_execution(service: &Service, input: &Input) -> Result<Value> {
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

const STATUSES: [&str; 6] = [
    "RUNNING",
    "SUCCEEDED",
    "FAILED",
    "TIMED_OUT",
    "ABORTED",
    "PENDING_REDRIVE",
];

fn list_executions(service: &Service, ctx: &RequestContext, input: &Input) -> Result<Value> {
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
    let _ = STATUSES;
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
    let qualified = arn.split(':').count() == 8;
    let mut all = if qualified {
        service.describe_state_machine(&ctx.region, arn)?;
        let base = arn.rsplit_once(':').map_or(arn, |(b, _)| b);
        let mut all = service.list_executions(base, status)?;
        all.retain(|e| {
            e.version_arn.as_deref() == Some(arn) || e.alias_arn.as_deref() == Some(arn)
        });
        all
    } else {
        service.list_executions(arn, status)?
    };
    if let Some(s) = status {
        all.retain(|e| e.status == s);
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

fn event_json(e: &EventRecord, include_data: bool) -> Value {
    let mut out = Map::new();
    out.insert("timestamp".into(), seconds(e.timestamp_ms));
    out.insert("type".into(), json!(e.event_type));
    out.insert("id".into(), json!(e.id));
    out.insert("previousEventId".into(), json!(e.previous_event_id));
    let kind = engine::history::EventType::parse(&e.event_type);
    if let Some(member) = kind.and_then(engine::history::EventType::details_member) {
        let mut details = e.details.clone();
        if !include_data {
            for (data, companion) in engine::history::DATA_MEMBERS {
                if details.shift_remove(data).is_some() {
                    details.shift_remove(companion);
                }
            }
        }
        // These keep their (possibly empty) details member, as AWS shows them.
        let always = kind.is_some_and(engine::history::EventType::keeps_empty_details);
        if !details.is_empty() || always {
            out.insert(member.into(), Value::Object(details));
        }
    }
    Value::Object(out)
}

fn get_execution_history(service: &Service, input: &Input) -> Result<Value> {
    let arn = arn_member(input, "executionArn")?;
    let reverse = input.opt_bool("reverseOrder")?.unwrap_or(false);
    let include = input.opt_bool("includeExecutionData")?.unwrap_or(true);
    let mut events = service.get_execution_history(arn)?;
    if reverse {
        events.reverse();
    }
    let (page, next) = paginate(events, input)?;
    let items: Vec<Value> = page.iter().map(|e| event_json(e, include)).collect();
    Ok(with_token(json!({"events": items}), next))
}

fn validate_definition(input: &Input) -> Result<Value> {
    let definition = input.str("definition")?;
    let machine_type = input.opt_str("type")?;
    let severity = input.opt_str("severity")?;
    let max = input.opt_int("maxResults")?;
    let mut v = Violations::default();
    v.length("definition", Some(definition), 1, 1_048_576);
    v.one_of("type", machine_type, &["STANDARD", "EXPRESS"]);
    v.one_of("severity", severity, &["ERROR", "WARNING"]);
    v.range("maxResults", max, 0, 100);
    v.check()?;
    let t = if machine_type == Some("EXPRESS") {
        asl::validate::MachineType::Express
    } else {
        asl::validate::MachineType::Standard
    };
    let mut diagnostics = asl::validate::validate_definition(definition, t);
    if severity == Some("ERROR") {
        diagnostics.retain(|d| d.severity == asl::validate::Severity::Error);
    }
    let failed = diagnostics
        .iter()
        .any(|d| d.severity == asl::validate::Severity::Error);
    let limit = match max {
        None | Some(0) => 100,
        Some(n) => n as usize,
    };
    let truncated = diagnostics.len() > limit;
    diagnostics.truncate(limit);
    let items: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let mut m = Map::new();
            m.insert(
                "severity".into(),
                json!(match d.severity {
                    asl::validate::Severity::Error => "ERROR",
                    asl::validate::Severity::Warning => "WARNING",
                }),
            );
            m.insert("code".into(), json!(d.code));
            m.insert("message".into(), json!(d.message));
            if let Some(l) = &d.location {
                m.insert("location".into(), json!(l));
            }
            Value::Object(m)
        })
        .collect();
    Ok(json!({
        "result": if failed { "FAIL" } else { "OK" },
        "diagnostics": items,
        "truncated": truncated,
    }))
}
