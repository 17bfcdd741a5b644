//! The execution operations: start (asynchronous and synchronous), describe, stop, redrive and
//! list executions, and describe the state machine an execution ran.

use std::sync::Arc;

use engine::history::{self, HistoryEvent};
use engine::service::status::{status_of, ExecutionKinds, RedriveStatus};
use engine::service::{self, configuration, Service};
use engine::ExecutionRecord;
use serde::Serialize;
use serde_json::{Map, Value};

use super::pagination::PageRequest;
use super::shapes::{optional_string, read_error_and_cause};
use super::{arn_member, check_name, Request, Result, Timestamp};
use crate::input::{Input, Violations};
use crate::{ApiError, RequestContext};

pub struct StartExecutionInput {
    pub state_machine_arn: String,
    pub name: Option<String>,
    pub input: Option<String>,
    pub trace_header: Option<String>,
}

/// StartSyncExecution reads the same members.
pub type StartSyncExecutionInput = StartExecutionInput;

impl Request for StartExecutionInput {
    fn read(input: &Input) -> Result<Self> {
        let arn = arn_member(input, "stateMachineArn")?;
        let mut v = Violations::default();
        let name = optional_string(input, "name", (1, 80), &mut v)?;
        let exec_input = input.opt_str("input")?;
        let trace = optional_string(input, "traceHeader", (0, 256), &mut v)?;
        v.check()?;
        if let Some(n) = name {
            check_name(n)?;
        }
        Ok(StartExecutionInput {
            state_machine_arn: arn.to_string(),
            name: name.map(str::to_string),
            input: exec_input.map(str::to_string),
            trace_header: trace.map(str::to_string),
        })
    }
}

impl StartExecutionInput {
    fn into_service(self, ctx: &RequestContext) -> service::StartExecution {
        service::StartExecution {
            region: ctx.region.clone(),
            state_machine_arn: self.state_machine_arn,
            name: self.name,
            input: self.input,
            trace_header: self.trace_header,
        }
    }
}

response! {
    pub struct StartExecutionOutput {
        pub execution_arn: String,
        pub start_date: Timestamp,
    }
}

pub fn start_execution(
    service: &Arc<Service>,
    ctx: &RequestContext,
    request: StartExecutionInput,
) -> Result<StartExecutionOutput> {
    let rec = service.start_execution(request.into_service(ctx))?;
    Ok(StartExecutionOutput {
        execution_arn: rec.arn,
        start_date: Timestamp(rec.start_ms),
    })
}

/// The model's `CloudWatchEventsExecutionDataDetails` (`inputDetails`, `outputDetails`).
#[derive(Serialize)]
pub struct CloudWatchEventsExecutionDataDetails {
    pub included: bool,
}

const INCLUDED: CloudWatchEventsExecutionDataDetails =
    CloudWatchEventsExecutionDataDetails { included: true };

#[derive(Serialize)]
pub struct BillingDetails {
    #[serde(rename = "billedMemoryUsedInMB")]
    pub billed_memory_used_in_mb: i64,
    #[serde(rename = "billedDurationInMilliseconds")]
    pub billed_duration_in_milliseconds: i64,
}

response! {
    pub struct StartSyncExecutionOutput {
        pub execution_arn: String,
        pub state_machine_arn: String,
        pub name: String,
        pub start_date: Timestamp,
        pub stop_date: Timestamp,
        pub status: String,
        pub error: Option<String>,
        pub cause: Option<String>,
        pub input: String,
        pub input_details: CloudWatchEventsExecutionDataDetails,
        pub output: Option<String>,
        pub output_details: Option<CloudWatchEventsExecutionDataDetails>,
        pub billing_details: BillingDetails,
        pub trace_header: Option<String>,
    }
}

pub async fn start_sync_execution(
    service: &Arc<Service>,
    ctx: &RequestContext,
    request: StartSyncExecutionInput,
) -> Result<StartSyncExecutionOutput> {
    let rec = service
        .start_sync_execution(request.into_service(ctx))
        .await?;
    let stop_ms = rec.stop_ms.unwrap_or(rec.start_ms);
    let duration = (stop_ms - rec.start_ms).max(0);
    Ok(StartSyncExecutionOutput {
        execution_arn: rec.arn,
        state_machine_arn: rec.state_machine_arn,
        name: rec.name,
        start_date: Timestamp(rec.start_ms),
        stop_date: Timestamp(stop_ms),
        status: rec.status,
        error: rec.error,
        cause: rec.cause,
        input: rec.input,
        input_details: INCLUDED,
        output_details: rec.output.as_ref().map(|_| INCLUDED),
        output: rec.output,
        billing_details: BillingDetails {
            billed_memory_used_in_mb: 64,
            billed_duration_in_milliseconds: (duration.div_euclid(100) + 1) * 100,
        },
        trace_header: rec.trace_header,
    })
}

/// The request of the operations that name one execution and nothing else.
pub struct ExecutionArnInput {
    pub execution_arn: String,
}

pub type DescribeExecutionInput = ExecutionArnInput;
pub type DescribeStateMachineForExecutionInput = ExecutionArnInput;

impl Request for ExecutionArnInput {
    fn read(input: &Input) -> Result<Self> {
        Ok(ExecutionArnInput {
            execution_arn: arn_member(input, "executionArn")?.to_string(),
        })
    }
}

response! {
    /// The members that open both DescribeExecution's answer and ListExecutions' items.
    pub struct ExecutionSummary {
        pub execution_arn: String,
        pub state_machine_arn: String,
        pub name: String,
        pub status: String,
        pub start_date: Timestamp,
        pub stop_date: Option<Timestamp>,
    }
}

impl ExecutionSummary {
    fn of(rec: &ExecutionRecord) -> Self {
        ExecutionSummary {
            execution_arn: rec.arn.clone(),
            state_machine_arn: rec.state_machine_arn.clone(),
            name: rec.name.clone(),
            status: rec.status.clone(),
            start_date: Timestamp(rec.start_ms),
            stop_date: rec.stop_ms.map(Timestamp),
        }
    }
}

response! {
    pub struct DescribeExecutionOutput {
        #[serde(flatten)]
        pub summary: ExecutionSummary,
        pub input: String,
        pub input_details: CloudWatchEventsExecutionDataDetails,
        pub output: Option<String>,
        pub output_details: Option<CloudWatchEventsExecutionDataDetails>,
        pub error: Option<String>,
        pub cause: Option<String>,
        pub trace_header: Option<String>,
        pub state_machine_version_arn: Option<String>,
        pub state_machine_alias_arn: Option<String>,
        pub redrive_count: u32,
        pub redrive_date: Option<Timestamp>,
        pub redrive_status: &'static str,
        pub redrive_status_reason: Option<String>,
    }
}

impl DescribeExecutionOutput {
    fn new(rec: ExecutionRecord, now_ms: i64) -> Self {
        let redrive = RedriveStatus::of(&rec, now_ms);
        DescribeExecutionOutput {
            summary: ExecutionSummary::of(&rec),
            input: rec.input,
            input_details: INCLUDED,
            output_details: rec.output.as_ref().map(|_| INCLUDED),
            output: rec.output,
            error: rec.error,
            cause: rec.cause,
            trace_header: rec.trace_header,
            state_machine_version_arn: rec.version_arn,
            state_machine_alias_arn: rec.alias_arn,
            redrive_count: rec.redrive.count,
            redrive_date: rec.redrive.last_ms.map(Timestamp),
            redrive_status: redrive.as_str(),
            redrive_status_reason: redrive.reason().map(str::to_string),
        }
    }
}

pub fn describe_execution(
    service: &Service,
    request: DescribeExecutionInput,
) -> Result<DescribeExecutionOutput> {
    let rec = service.describe_execution(&request.execution_arn)?;
    Ok(DescribeExecutionOutput::new(rec, service.now_ms()))
}

response! {
    pub struct DescribeStateMachineForExecutionOutput {
        pub state_machine_arn: String,
        pub name: String,
        pub definition: String,
        pub role_arn: String,
        pub update_date: Timestamp,
        pub logging_configuration: Value,
        pub tracing_configuration: Value,
        pub encryption_configuration: Value,
        pub revision_id: Option<String>,
        pub variable_references: Option<Map<String, Value>>,
    }
}

pub fn describe_state_machine_for_execution(
    service: &Service,
    ctx: &RequestContext,
    request: DescribeStateMachineForExecutionInput,
) -> Result<DescribeStateMachineForExecutionOutput> {
    let rec = service.describe_execution(&request.execution_arn)?;
    let machine = service
        .describe_state_machine(&ctx.region, &rec.state_machine_arn)
        .ok();
    Ok(DescribeStateMachineForExecutionOutput {
        name: machine.as_ref().map(|m| m.name.clone()).unwrap_or_default(),
        variable_references: service::variable_references::variable_references(&rec.definition),
        state_machine_arn: rec.state_machine_arn,
        definition: rec.definition,
        role_arn: rec.role_arn,
        update_date: Timestamp(rec.start_ms),
        logging_configuration: configuration::default_logging(),
        tracing_configuration: configuration::default_tracing(),
        encryption_configuration: machine
            .map(|m| m.configurations.encryption)
            .unwrap_or_else(configuration::default_encryption),
        revision_id: rec.revision_id,
    })
}

request! {
    pub struct RedriveExecutionInput {
        pub execution_arn: String = arn.to_string(),
        pub client_token: Option<String> = token.map(str::to_string),
    }
    read(input) {
        let arn = arn_member(input, "executionArn")?;
        let mut v = Violations::default();
        let token = optional_string(input, "clientToken", (1, 64), &mut v)?;
        v.check()?;
    }
}

response! {
    pub struct RedriveExecutionOutput {
        pub redrive_date: Timestamp,
    }
}

pub fn redrive_execution(
    service: &Service,
    request: RedriveExecutionInput,
) -> Result<RedriveExecutionOutput> {
    let rec = service.redrive_execution(&request.execution_arn, request.client_token)?;
    Ok(RedriveExecutionOutput {
        redrive_date: Timestamp(rec.redrive.last_ms.unwrap_or_else(|| service.now_ms())),
    })
}

request! {
    pub struct StopExecutionInput {
        pub execution_arn: String = arn.to_string(),
        pub error: Option<String> = error,
        pub cause: Option<String> = cause,
    }
    read(input) {
        let arn = arn_member(input, "executionArn")?;
        let mut v = Violations::default();
        let (error, cause) = read_error_and_cause(input, &mut v)?;
        v.check()?;
    }
}

response! {
    pub struct StopExecutionOutput {
        pub stop_date: Timestamp,
    }
}

pub fn stop_execution(
    service: &Service,
    request: StopExecutionInput,
) -> Result<StopExecutionOutput> {
    let rec = service.stop_execution(&request.execution_arn, request.error, request.cause)?;
    Ok(StopExecutionOutput {
        stop_date: Timestamp(rec.stop_ms.unwrap_or_else(|| service.now_ms())),
    })
}

/// What ListExecutions lists: a state machine's (or a version's, or an alias's) executions, or a
/// map run's.
pub enum ListExecutionsTarget {
    StateMachine(String),
    MapRun(String),
}

/// The model's `ExecutionRedriveFilter`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ExecutionRedriveFilter {
    Redriven,
    NotRedriven,
}

pub struct ListExecutionsInput {
    pub target: ListExecutionsTarget,
    pub status_filter: Option<String>,
    /// `redriveFilter` and the page, or what is wrong with them: AWS reports that only once the
    /// state machine is found, so the refusal waits until then.
    pub listing: Result<(Option<ExecutionRedriveFilter>, PageRequest)>,
}

impl Request for ListExecutionsInput {
    fn read(input: &Input) -> Result<Self> {
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
        let mut v = Violations::default();
        let machine_arn = optional_string(input, "stateMachineArn", (1, 256), &mut v)?;
        let map_run_arn = optional_string(input, "mapRunArn", (1, 2000), &mut v)?;
        v.check()?;
        let target = match (machine_arn, map_run_arn) {
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
            (None, Some(map_run)) => ListExecutionsTarget::MapRun(map_run.to_string()),
            (Some(arn), None) => ListExecutionsTarget::StateMachine(arn.to_string()),
        };
        Ok(ListExecutionsInput {
            target,
            status_filter: status.map(str::to_string),
            listing: read_listing(input),
        })
    }
}

fn read_listing(input: &Input) -> Result<(Option<ExecutionRedriveFilter>, PageRequest)> {
    let redrive_filter = input.opt_str("redriveFilter")?;
    let mut v = Violations::default();
    v.one_of(
        "redriveFilter",
        redrive_filter,
        &["REDRIVEN", "NOT_REDRIVEN"],
    );
    v.check()?;
    let redrive_filter = match redrive_filter {
        Some("REDRIVEN") => Some(ExecutionRedriveFilter::Redriven),
        Some("NOT_REDRIVEN") => Some(ExecutionRedriveFilter::NotRedriven),
        _ => None,
    };
    Ok((redrive_filter, PageRequest::read(input)?))
}

response! {
    pub struct ExecutionListItem {
        #[serde(flatten)]
        pub summary: ExecutionSummary,
        pub state_machine_version_arn: Option<String>,
        pub state_machine_alias_arn: Option<String>,
        pub redrive_count: u32,
        pub redrive_date: Option<Timestamp>,
    }
}

list_output! {
    pub struct ListExecutionsOutput {
        pub executions: Vec<ExecutionListItem>,
    }
}

pub fn list_executions(
    service: &Service,
    ctx: &RequestContext,
    request: ListExecutionsInput,
) -> Result<ListExecutionsOutput> {
    let arn = match &request.target {
        // No map run exists yet (the Distributed Map does not create them in this version).
        ListExecutionsTarget::MapRun(map_run) => {
            return Err(service.no_such_map_run(map_run).into())
        }
        ListExecutionsTarget::StateMachine(arn) => arn,
    };
    let status = request.status_filter.as_deref();
    // A version or alias ARN lists the executions that ran it.
    let mut all = service.list_executions(&ctx.region, arn, status)?;
    if let Some(wanted) = status {
        // PENDING_REDRIVE is no status this version gives an execution: it lists none.
        let wanted = status_of(wanted);
        all.retain(|e| wanted.is_some() && e.execution_status() == wanted);
    }
    let (redrive_filter, page) = request.listing?;
    match redrive_filter {
        Some(ExecutionRedriveFilter::Redriven) => all.retain(|e| e.redrive.count > 0),
        Some(ExecutionRedriveFilter::NotRedriven) => all.retain(|e| e.redrive.count == 0),
        None => {}
    }
    let page = page.apply_map(all, |e| ExecutionListItem {
        summary: ExecutionSummary::of(&e),
        state_machine_version_arn: e.version_arn,
        state_machine_alias_arn: e.alias_arn,
        redrive_count: e.redrive.count,
        redrive_date: e.redrive.last_ms.map(Timestamp),
    })?;
    Ok(page.into())
}

request! {
    pub struct GetExecutionHistoryInput {
        pub execution_arn: String = arn_member(input, "executionArn")?.to_string(),
        pub reverse_order: bool = input.opt_bool("reverseOrder")?.unwrap_or(false),
        pub include_execution_data: bool = input.opt_bool("includeExecutionData")?.unwrap_or(true),
        pub page: PageRequest = PageRequest::read(input)?,
    }
    read(input)
}

response! {
    /// One event as GetExecutionHistory shows it: its details under the member its type names.
    pub struct HistoryEventOutput {
        pub timestamp: Timestamp,
        #[serde(rename = "type")]
        pub event_type: &'static str,
        pub id: u64,
        pub previous_event_id: u64,
        /// The details member (`stateEnteredEventDetails` …), when the event shows one.
        #[serde(flatten)]
        pub details: Map<String, Value>,
    }
}

impl HistoryEventOutput {
    fn new(event: HistoryEvent, include_execution_data: bool) -> HistoryEventOutput {
        let kind = event.event_type;
        let mut details = Map::new();
        if let Some(member) = kind.details_member() {
            let mut shown = event.details.to_map();
            if !include_execution_data {
                for (data, companion) in history::DATA_MEMBERS {
                    if shown.shift_remove(data).is_some() {
                        shown.shift_remove(companion);
                    }
                }
            }
            // These keep their (possibly empty) details member, as AWS shows them.
            if !shown.is_empty() || kind.keeps_empty_details() {
                details.insert(member.into(), Value::Object(shown));
            }
        }
        HistoryEventOutput {
            timestamp: Timestamp(event.timestamp_ms),
            event_type: kind.as_str(),
            id: event.id,
            previous_event_id: event.previous_event_id,
            details,
        }
    }
}

list_output! {
    pub struct GetExecutionHistoryOutput {
        pub events: Vec<HistoryEventOutput>,
    }
}

pub fn get_execution_history(
    service: &Service,
    request: GetExecutionHistoryInput,
) -> Result<GetExecutionHistoryOutput> {
    let mut events = service.get_execution_history(&request.execution_arn)?;
    if request.reverse_order {
        events.reverse();
    }
    let page = request.page.apply_map(events, |event| {
        HistoryEventOutput::new(event, request.include_execution_data)
    })?;
    Ok(page.into())
}
