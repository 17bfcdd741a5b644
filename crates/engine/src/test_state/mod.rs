//! TestState: one state run on its own, outside any execution, with what it computed at each
//! step of its data flow.
//!
//! The state is evaluated by the interpreter's own functions ([`crate::interpreter`]), which record
//! each intermediate value into an [`Inspection`] as they compute it; nothing here re-implements
//! a state's semantics. What is TestState's own: reading the request (the state alone, or picked
//! out of a whole definition by `stateName`), the checks AWS makes of the mock and the context
//! object, standing in for the service a Task calls (the mock's result or error), deciding what
//! comes next after an error (RETRIABLE with `stateConfiguration.retrierRetryCount`, CAUGHT_ERROR,
//! FAILED), and the response with the inspection data AWS shows for each kind of state.

mod shapes;
#[cfg(test)]
mod tests;

use std::io;
use std::sync::Arc;

use asl::model::{State, StateKind, StateMachine};
use asl::resource::{CallPattern, ResourceKind};
use asl::validate::{self, MachineType, TEST_STATE_NAME};
use asl::{QueryLanguage, StatesError};
use serde_json::{json, Map, Value};

use crate::interpreter::{
    backoff_seconds, catch_output, effective_task_input, evaluate_state_inner, format_timestamp,
    item_input, matching_catcher, matching_retrier, result_exit, wait_exit, Ctx, Inspection,
    Isolated, Phase, Running, Supplied, Work,
};
use crate::service::{ErrorCode, ServiceError};

/// How much of the data flow the response shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InspectionLevel {
    /// The output (or error) only.
    #[default]
    Info,
    /// Also each step of the input and output processing.
    Debug,
    /// Also the HTTP request and response of an HTTP Task.
    Trace,
}

/// How strictly a mocked result is checked against the output of the API the Task calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FieldValidationMode {
    /// Required fields must be there, and every field there must have the API's type.
    #[default]
    Strict,
    /// Every field there must have the API's type.
    Present,
    /// No check.
    None,
}

/// `mock.errorOutput`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MockError {
    pub error: Option<String>,
    pub cause: Option<String>,
}

/// `mock`: what the Task's service (or the Map's or Parallel's iterations) answered.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Mock {
    /// The result as JSON text.
    pub result: Option<String>,
    pub error_output: Option<MockError>,
    pub field_validation_mode: FieldValidationMode,
}

/// `stateConfiguration`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StateConfiguration {
    /// How many times the retrier that handles the mocked error has already retried.
    pub retrier_retry_count: Option<u64>,
    /// The state inside a Map or Parallel state that raised the mocked error.
    pub error_caused_by_state: Option<String>,
    /// How many Map iterations failed.
    pub map_iteration_failure_count: Option<u64>,
    /// What a Distributed Map's ItemReader read, as text.
    pub map_item_reader_data: Option<String>,
}

/// A TestState request, its members checked for shape by the API layer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TestStateRequest {
    pub definition: String,
    pub role_arn: Option<String>,
    pub input: Option<String>,
    pub inspection_level: InspectionLevel,
    pub reveal_secrets: bool,
    pub variables: Option<String>,
    pub state_name: Option<String>,
    pub mock: Option<Mock>,
    pub context: Option<String>,
    pub state_configuration: StateConfiguration,
}

/// Where the test runs: the facts the default context object shows.
#[derive(Clone)]
pub struct Surroundings {
    pub account_id: String,
    pub region: String,
    pub now_ms: i64,
    /// What makes a Task's call when no mock answers for it.
    pub caller: Option<Arc<dyn aws::Caller>>,
}

/// `status` of a TestState response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestStatus {
    Succeeded,
    Failed,
    /// The error matched a retrier that has attempts left.
    Retriable,
    /// The error matched a catcher.
    CaughtError,
}

impl TestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TestStatus::Succeeded => "SUCCEEDED",
            TestStatus::Failed => "FAILED",
            TestStatus::Retriable => "RETRIABLE",
            TestStatus::CaughtError => "CAUGHT_ERROR",
        }
    }
}

/// What TestState answers.
#[derive(Debug, Clone, PartialEq)]
pub struct TestStateResult {
    pub status: TestStatus,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub next_state: Option<String>,
    /// `inspectionData` as the API shows it (JSON text members), at DEBUG and TRACE.
    pub inspection_data: Option<Map<String, Value>>,
}

impl TestStateResult {
    /// The response body: JSON values travel as JSON text, written as AWS writes them here.
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        if let Some(output) = &self.output {
            out.insert("output".into(), Value::String(json_text(output)));
        }
        if let Some(error) = &self.error {
            out.insert("error".into(), Value::String(error.clone()));
        }
        if let Some(cause) = &self.cause {
            out.insert("cause".into(), Value::String(cause.clone()));
        }
        if let Some(data) = &self.inspection_data {
            out.insert("inspectionData".into(), Value::Object(data.clone()));
        }
        if let Some(next) = &self.next_state {
            out.insert("nextState".into(), Value::String(next.clone()));
        }
        out.insert("status".into(), Value::String(self.status.as_str().into()));
        Value::Object(out)
    }
}

const MAP_OR_PARALLEL_NEEDS_MOCK: &str = "TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]";
const TOLERATED_FAILURE_EXCEEDED: &str = "The specified tolerated failure threshold was exceeded";

fn invalid_definition(message: impl Into<String>) -> ServiceError {
    ServiceError::new(ErrorCode::InvalidDefinition, message)
}

fn validation(message: impl Into<String>) -> ServiceError {
    ServiceError::new(ErrorCode::ValidationException, message)
}

/// Runs one TestState request.
pub fn test_state(
    request: &TestStateRequest,
    surroundings: &Surroundings,
) -> Result<TestStateResult, ServiceError> {
    let located = locate(request)?;
    let mocked = check_mock(request, &located.state)?;
    let input = parse_input(request.input.as_deref())?;
    let variables = parse_variables(request.variables.as_deref())?;
    let context = match &request.context {
        Some(text) => check_context(text, &located.state)?,
        None => default_context(request, &located, &input, surroundings),
    };
    let supplied = Supplied {
        context,
        map_item_reader_data: request
            .state_configuration
            .map_item_reader_data
            .as_deref()
            .map(|text| {
                serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
            }),
    };
    let state = located.state.clone();
    // TRACE shows an HTTP Task's request and response: its calls go through a recorder.
    let http_task =
        matches!(&state.kind, StateKind::Task(spec) if spec.target.kind == ResourceKind::Http);
    let tracing = match &surroundings.caller {
        Some(inner) if http_task && request.inspection_level == InspectionLevel::Trace => {
            Some(Arc::new(Tracing {
                inner: inner.clone(),
                reveal_secrets: request.reveal_secrets,
                exchange: std::sync::Mutex::new(Map::new()),
            }))
        }
        _ => None,
    };
    let traced;
    let surroundings = match &tracing {
        Some(t) => {
            traced = Surroundings {
                caller: Some(t.clone() as Arc<dyn aws::Caller>),
                ..surroundings.clone()
            };
            &traced
        }
        None => surroundings,
    };
    let mut inspection = Inspection::default();
    let mut isolated = Isolated::new(
        located.machine,
        state.clone(),
        input.clone(),
        variables.clone(),
        surroundings.now_ms,
    );
    let outcome = {
        let (mut ctx, run) = isolated.split(&supplied, &mut inspection);
        let test = Test {
            state: &state,
            mocked: mocked.as_ref(),
            configuration: &request.state_configuration,
            surroundings,
        };
        test.run(&mut ctx, run)
    };
    let mut result = respond(
        outcome,
        &state,
        request.inspection_level,
        &input,
        variables,
        inspection,
    );
    if let (Some(t), Some(data)) = (&tracing, result.inspection_data.as_mut()) {
        if let Ok(mut exchange) = t.exchange.lock() {
            data.append(&mut exchange);
        }
    }
    Ok(result)
}

/// A caller that keeps the last plain HTTP request it sent and what came back, as TRACE shows
/// them: the request without the connection's secrets unless `revealSecrets`.
struct Tracing {
    inner: Arc<dyn aws::Caller>,
    reveal_secrets: bool,
    exchange: std::sync::Mutex<Map<String, Value>>,
}

/// Headers as TRACE shows them: `[name: value, name: value]`.
fn trace_headers(headers: &[(String, String)]) -> String {
    let pairs: Vec<String> = headers.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    format!("[{}]", pairs.join(", "))
}

impl aws::Caller for Tracing {
    fn call<'a>(
        &'a self,
        call: aws::Call,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<aws::Reply, aws::Failure>> + Send + 'a>,
    > {
        self.inner.call(call)
    }

    fn send_http<'a>(
        &'a self,
        request: aws::HttpRequest,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<aws::HttpResponse, aws::Failure>> + Send + 'a>,
    > {
        Box::pin(async move {
            let shown = match &request.redacted {
                Some(redacted) if !self.reveal_secrets => (**redacted).clone(),
                _ => request.clone(),
            };
            let protocol = shown
                .url
                .split_once("://")
                .map(|(scheme, _)| scheme.to_ascii_lowercase())
                .unwrap_or_default();
            let mut exchange = Map::new();
            exchange.insert(
                "request".into(),
                json!({
                    "protocol": protocol,
                    "method": shown.method,
                    "url": shown.url,
                    "headers": trace_headers(&shown.headers),
                    "body": String::from_utf8_lossy(&shown.body),
                }),
            );
            let answer = self.inner.send_http(request).await;
            if let Ok(response) = &answer {
                exchange.insert(
                    "response".into(),
                    json!({
                        "protocol": protocol,
                        "statusCode": response.status.to_string(),
                        "statusMessage": response.reason,
                        "headers": trace_headers(&response.headers),
                        "body": String::from_utf8_lossy(&response.body),
                    }),
                );
            }
            if let Ok(mut kept) = self.exchange.lock() {
                *kept = exchange;
            }
            answer
        })
    }
}

/// The state under test, and the block (machine, branch or item processor) it belongs to.
struct Located {
    machine: Arc<StateMachine>,
    state: Arc<State>,
    /// The state runs inside a Map state's item processor.
    in_map: bool,
}

/// Validates the definition and finds the state to test in it.
fn locate(request: &TestStateRequest) -> Result<Located, ServiceError> {
    match &request.state_name {
        Some(name) => {
            let diagnostics =
                validate::validate_definition(&request.definition, MachineType::Standard);
            if validate::has_errors(&diagnostics) {
                return Err(invalid_definition(validate::invalid_definition_message(
                    &diagnostics,
                )));
            }
            let machine = asl::model::parse_definition(&request.definition).map_err(|e| {
                invalid_definition(format!("Invalid State Machine Definition: '{e}'"))
            })?;
            find_state(&Arc::new(machine), name, false)
                .ok_or_else(|| validation("State not found in definition"))
        }
        None => {
            let diagnostics =
                validate::validate_state_definition(&request.definition, MachineType::Standard);
            if validate::has_errors(&diagnostics) {
                return Err(invalid_definition(validate::invalid_definition_message(
                    &diagnostics,
                )));
            }
            let state: Value = serde_json::from_str(&request.definition).map_err(|e| {
                invalid_definition(format!("Invalid State Machine Definition: '{e}'"))
            })?;
            let machine = json!({"StartAt": TEST_STATE_NAME, "States": {TEST_STATE_NAME: state}});
            let machine =
                asl::model::parse_machine(&machine, QueryLanguage::JsonPath).map_err(|e| {
                    invalid_definition(format!("Invalid State Machine Definition: '{e}'"))
                })?;
            let machine = Arc::new(machine);
            let state = machine
                .state(TEST_STATE_NAME)
                .cloned()
                .ok_or_else(|| validation("State not found in definition"))?;
            Ok(Located {
                machine,
                state,
                in_map: false,
            })
        }
    }
}

/// Finds a state by name in a machine, its Parallel branches and Map item processors.
fn find_state(machine: &Arc<StateMachine>, name: &str, in_map: bool) -> Option<Located> {
    if let Some(state) = machine.state(name) {
        return Some(Located {
            machine: machine.clone(),
            state: state.clone(),
            in_map,
        });
    }
    machine
        .order
        .iter()
        .filter_map(|state_name| machine.state(state_name))
        .find_map(|state| match &state.kind {
            StateKind::Parallel { branches } => branches
                .iter()
                .find_map(|branch| find_state(branch, name, in_map)),
            StateKind::Map(spec) => find_state(&spec.processor, name, true),
            _ => None,
        })
}

/// What the mock says the invocation produced.
#[derive(Debug, Clone)]
enum Mocked {
    Result(Value),
    Error(StatesError),
}

/// AWS's checks of the mock against the state under test, in AWS's order.
fn check_mock(request: &TestStateRequest, state: &State) -> Result<Option<Mocked>, ServiceError> {
    let map_or_parallel = matches!(state.kind, StateKind::Map(_) | StateKind::Parallel { .. });
    let Some(mock) = &request.mock else {
        if map_or_parallel {
            return Err(invalid_definition(MAP_OR_PARALLEL_NEEDS_MOCK));
        }
        if let StateKind::Task(task) = &state.kind {
            if request.role_arn.is_none() {
                return Err(validation(
                    "RoleArn must be specified when testing a Task state",
                ));
            }
            // AWS calls the real service here, as this server does for a call it makes
            // itself that answers at once (request-response).
            let called_here = crate::integrations::integration_for(&task.target)
                .is_some_and(|i| i.starts_at_once());
            if called_here && task.target.pattern == asl::resource::CallPattern::RequestResponse {
                return Ok(None);
            }
            return Err(validation(format!(
                "This server cannot run the resource '{}' for TestState without a mock: give a mock (mock.result or mock.errorOutput) for a Task state",
                task.resource
            )));
        }
        if request.context.is_some() {
            return Err(validation(
                "A Context object can only be given together with a mock",
            ));
        }
        return Ok(None);
    };
    if !map_or_parallel && !matches!(state.kind, StateKind::Task(_)) {
        return Err(validation(format!(
            "State type '{}' is not supported when a mock is specified",
            state.type_name()
        )));
    }
    if request.reveal_secrets {
        return Err(validation(
            "TestState does not support RevealSecrets when a mock is specified.",
        ));
    }
    match (&mock.result, &mock.error_output) {
        (Some(_), Some(_)) => Err(validation(
            "A test mock should have only one of the following fields: [result, errorOutput].",
        )),
        (None, None) => Err(validation(
            "A test mock should have one of the following fields: [result, errorOutput].",
        )),
        (None, Some(error)) => Ok(Some(Mocked::Error(StatesError::new(
            error.error.clone().unwrap_or_default(),
            error.cause.clone().unwrap_or_default(),
        )))),
        (Some(text), None) => {
            let result: Value = serde_json::from_str(text)
                .map_err(|_| validation("Mocked result must be valid JSON"))?;
            check_mock_result(state, &result, mock.field_validation_mode)?;
            Ok(Some(Mocked::Result(result)))
        }
    }
}

/// The mocked result must fit the state: an array for Map (an object when it writes its results
/// elsewhere) and Parallel (one item per branch), the service's output shape for a Task.
fn check_mock_result(
    state: &State,
    result: &Value,
    mode: FieldValidationMode,
) -> Result<(), ServiceError> {
    match &state.kind {
        StateKind::Map(spec) => {
            if spec.result_writer.is_some() {
                if !result.is_object() {
                    return Err(validation("Mocked result must be a JSON object."));
                }
            } else if !result.is_array() {
                return Err(validation("Mocked result must be an array."));
            }
            Ok(())
        }
        StateKind::Parallel { branches } => match result {
            Value::Array(items) if items.len() == branches.len() => Ok(()),
            Value::Array(_) => Err(validation(
                "Mocked result must contain the same number of items as number of Parallel branches.",
            )),
            _ => Err(validation("Mocked result must be an array.")),
        },
        StateKind::Task(task) => shapes::check_mock_result(&task.target, result, mode)
            .map_err(|problem| validation(format!("Mock result schema validation error: {problem}"))),
        _ => Ok(()),
    }
}

fn parse_input(text: Option<&str>) -> Result<Value, ServiceError> {
    serde_json::from_str(text.unwrap_or("{}")).map_err(|e| {
        ServiceError::new(
            ErrorCode::InvalidExecutionInput,
            format!("Invalid State Machine Execution Input: '{e}'"),
        )
    })
}

fn parse_variables(text: Option<&str>) -> Result<Map<String, Value>, ServiceError> {
    let Some(text) = text else {
        return Ok(Map::new());
    };
    match serde_json::from_str(text) {
        Ok(Value::Object(variables)) => Ok(variables),
        Ok(_) => Err(validation("Variables must be a JSON object")),
        Err(e) => Err(validation(format!("Variables must be valid JSON: {e}"))),
    }
}

/// The Task state's resource uses a pattern in which Step Functions hands out a task token or
/// waits for a job, so a context object may carry `Task`.
fn has_task_token_pattern(state: &State) -> bool {
    match &state.kind {
        StateKind::Task(task) => {
            task.target.pattern != CallPattern::RequestResponse
                || matches!(task.target.kind, ResourceKind::Activity { .. })
        }
        _ => false,
    }
}

/// Checks a context object given in the request, which is then used as is.
fn check_context(text: &str, state: &State) -> Result<Value, ServiceError> {
    let invalid =
        |problem: String| validation(format!("Invalid Context object provided: {problem}"));
    let context: Value = serde_json::from_str(text)
        .map_err(|e| invalid(format!("the Context object is not valid JSON: {e}")))?;
    let Value::Object(sections) = &context else {
        return Err(invalid("the Context object must be a JSON object".into()));
    };
    for (section, value) in sections {
        let fields: &[(&str, FieldType)] = match section.as_str() {
            "Execution" => &[
                ("Id", FieldType::String),
                ("Input", FieldType::Any),
                ("Name", FieldType::String),
                ("RoleArn", FieldType::String),
                ("StartTime", FieldType::String),
                ("RedriveCount", FieldType::Integer),
                ("RedriveTime", FieldType::String),
            ],
            "State" => &[
                ("EnteredTime", FieldType::String),
                ("Name", FieldType::String),
                ("RetryCount", FieldType::Integer),
            ],
            "StateMachine" => &[("Id", FieldType::String), ("Name", FieldType::String)],
            "Task" => {
                if !has_task_token_pattern(state) {
                    return Err(invalid("Context object contains 'Task' when state is not a Task state with a '.sync' or '.waitForTaskToken' service integration pattern".into()));
                }
                &[("Token", FieldType::String)]
            }
            "Map" => {
                return Err(invalid(
                    "'Map' field is not supported when mocking a Context object".into(),
                ))
            }
            other => return Err(invalid(format!("Field '{other}' is not allowed"))),
        };
        let Value::Object(members) = value else {
            return Err(invalid(format!("{section} must be an object")));
        };
        for (name, member) in members {
            let Some((_, expected)) = fields.iter().find(|(field, _)| field == name) else {
                return Err(invalid(format!("Field '{name}' is not allowed")));
            };
            if let Some(wanted) = expected.mismatch(member) {
                return Err(invalid(format!("{section}.{name} must be {wanted}")));
            }
        }
    }
    Ok(context)
}

/// The type a context object field must have.
#[derive(Debug, Clone, Copy)]
enum FieldType {
    String,
    Integer,
    Any,
}

impl FieldType {
    /// What the value should have been, when it is not.
    fn mismatch(self, value: &Value) -> Option<&'static str> {
        match self {
            FieldType::String if !value.is_string() => Some("a string"),
            FieldType::Integer if !(value.is_u64() || value.is_i64()) => Some("an integer"),
            _ => None,
        }
    }
}

/// The context object AWS makes up when the request gives none: an EXPRESS execution of a
/// throw-away state machine, the state named as TestState names it.
fn default_context(
    request: &TestStateRequest,
    located: &Located,
    input: &Value,
    surroundings: &Surroundings,
) -> Value {
    let machine_name = uuid::Uuid::new_v4().to_string();
    let execution_name = uuid::Uuid::new_v4().to_string();
    let arn_prefix = format!(
        "arn:{}:states:{}:{}",
        asl::arn::partition_for_region(&surroundings.region),
        surroundings.region,
        surroundings.account_id
    );
    let now = format_timestamp(surroundings.now_ms);
    let mut execution = Map::new();
    execution.insert(
        "Id".into(),
        Value::String(format!(
            "{arn_prefix}:express:{machine_name}:{execution_name}"
        )),
    );
    execution.insert("Input".into(), input.clone());
    execution.insert("Name".into(), Value::String(execution_name));
    execution.insert(
        "RoleArn".into(),
        request
            .role_arn
            .as_ref()
            .map_or(Value::Null, |arn| Value::String(arn.clone())),
    );
    execution.insert("StartTime".into(), Value::String(now.clone()));
    let mut state = Map::new();
    state.insert("Name".into(), Value::String(TEST_STATE_NAME.into()));
    state.insert("EnteredTime".into(), Value::String(now));
    if matches!(
        located.state.kind,
        StateKind::Task(_) | StateKind::Parallel { .. } | StateKind::Map(_)
    ) {
        let retries = request.state_configuration.retrier_retry_count.unwrap_or(0);
        state.insert("RetryCount".into(), json!(retries));
    }
    let mut context = Map::new();
    context.insert("Execution".into(), Value::Object(execution));
    context.insert(
        "StateMachine".into(),
        json!({"Id": format!("{arn_prefix}:stateMachine:{machine_name}"), "Name": machine_name}),
    );
    context.insert("State".into(), Value::Object(state));
    if has_task_token_pattern(&located.state) {
        context.insert(
            "Task".into(),
            json!({"Token": uuid::Uuid::new_v4().to_string()}),
        );
    }
    if located.in_map {
        context.insert("Map".into(), json!({"Item": {"Index": 0, "Value": input}}));
    }
    Value::Object(context)
}

/// How the tested state ended.
#[derive(Debug)]
enum Outcome {
    Succeeded {
        output: Value,
        next: Option<String>,
        assigned: Option<Map<String, Value>>,
    },
    Failed(StatesError),
    Retriable(StatesError),
    Caught {
        error: StatesError,
        output: Value,
        next: String,
        assigned: Option<Map<String, Value>>,
    },
}

/// One evaluation of the state under test.
struct Test<'t> {
    state: &'t State,
    mocked: Option<&'t Mocked>,
    configuration: &'t StateConfiguration,
    surroundings: &'t Surroundings,
}

impl Test<'_> {
    fn run(&self, ctx: &mut Ctx, run: &mut Running) -> Outcome {
        let work = match &self.state.kind {
            // The one step that differs from an execution: the mock answers for the service.
            StateKind::Task(_) => self.invoke_task(ctx, run),
            _ => evaluate_state_inner(ctx, run, self.state),
        };
        let work = match work {
            Ok(work) => work,
            Err(error) => return self.handle_error(ctx, run, error),
        };
        match work {
            Work::Exit {
                output,
                next,
                assigned,
            } => Outcome::Succeeded {
                output,
                next,
                assigned,
            },
            Work::Fail(error) | Work::EvalError(error) => self.handle_error(ctx, run, error),
            // Tasks are answered by the mock in `invoke_task`, never scheduled.
            Work::StartTask { .. } => self.handle_error(
                ctx,
                run,
                StatesError::runtime("an activity task cannot run under TestState"),
            ),
            // TestState does not wait: the state ends as it would once its time has come.
            Work::Wait {
                effective_input, ..
            } => {
                let context = ctx.context(run, None);
                let end = wait_exit(ctx, run, self.state, &context, effective_input);
                self.finish(ctx, run, end)
            }
            Work::StartParallel { .. } => self.mocked_iterations(ctx, run, None),
            Work::StartMap(mut progress) => {
                if let Some(error) = progress.start_error.take() {
                    return self.handle_error(ctx, run, error);
                }
                run.phase = Phase::Map(progress);
                if let Err(error) = self.select_items(ctx, run) {
                    return self.handle_error(ctx, run, error);
                }
                let exceeded = match &run.phase {
                    Phase::Map(progress) => self
                        .configuration
                        .map_iteration_failure_count
                        .is_some_and(|failed| {
                            progress.has_tolerance() && progress.exceeds_tolerance(failed as usize)
                        }),
                    _ => false,
                };
                self.mocked_iterations(ctx, run, Some(exceeded))
            }
        }
    }

    /// A Task state: its effective input, then the mocked answer in place of the service's.
    fn invoke_task(&self, ctx: &mut Ctx, run: &Running) -> Result<Work, StatesError> {
        let context = ctx.context(run, None);
        let effective = effective_task_input(ctx, run, self.state, &context)?;
        match self.mocked {
            None => {
                // No mock: the service is called, as an execution would call it.
                let result = self.call(&effective)?;
                ctx.inspect(|i| i.result = Some(result.clone()));
                result_exit(ctx, run, self.state, &context, result)
            }
            Some(Mocked::Result(result)) => {
                ctx.inspect(|i| i.result = Some(result.clone()));
                result_exit(ctx, run, self.state, &context, result.clone())
            }
            Some(Mocked::Error(error)) => Err(error.clone()),
        }
    }

    /// A Task's call made for real (request-response), waited for: its result, or its error.
    fn call(&self, effective: &Value) -> Result<Value, StatesError> {
        let StateKind::Task(spec) = &self.state.kind else {
            return Err(StatesError::runtime("not a Task state"));
        };
        let integration = crate::integrations::integration_for(&spec.target)
            .ok_or_else(|| StatesError::runtime("this resource is not supported"))?;
        let task = crate::integrations::TaskCall {
            resource: spec.resource.clone(),
            input: effective.to_string(),
            timeout_seconds: None,
            heartbeat_seconds: None,
            region: self.surroundings.region.clone(),
            credentials: None,
        };
        let (Some(caller), Ok(handle)) = (
            self.surroundings.caller.clone(),
            tokio::runtime::Handle::try_current(),
        ) else {
            return Err(StatesError::runtime("no AWS client to make the call"));
        };
        let Some(running) = integration.run(&task, caller.as_ref()) else {
            return Err(StatesError::runtime("this resource makes no call"));
        };
        // TestState runs on a blocking thread: it waits for the answer there.
        let outcome = handle.block_on(running);
        match outcome {
            crate::integrations::Outcome::Succeeded(text)
            | crate::integrations::Outcome::Submitted(text) => {
                Ok(serde_json::from_str(&text).unwrap_or(Value::String(text)))
            }
            crate::integrations::Outcome::Failed { error, cause } => {
                Err(StatesError::new(error, cause))
            }
        }
    }

    /// A Parallel or Map state: the mock stands for what all its iterations produced.
    /// `tolerance_exceeded` is set for a Map state whose `mapIterationFailureCount` is over its
    /// tolerated failure threshold.
    fn mocked_iterations(
        &self,
        ctx: &mut Ctx,
        run: &Running,
        tolerance_exceeded: Option<bool>,
    ) -> Outcome {
        match self.mocked {
            Some(Mocked::Error(error)) => self.handle_error(ctx, run, error.clone()),
            _ if tolerance_exceeded == Some(true) => self.handle_error(
                ctx,
                run,
                StatesError::new(
                    asl::error::EXCEED_TOLERATED_FAILURE_THRESHOLD,
                    TOLERATED_FAILURE_EXCEEDED,
                ),
            ),
            Some(Mocked::Result(result)) => {
                let context = ctx.context(run, None);
                let end = result_exit(ctx, run, self.state, &context, result.clone());
                self.finish(ctx, run, end)
            }
            None => self.handle_error(
                ctx,
                run,
                StatesError::runtime("no mock for the Map or Parallel state"),
            ),
        }
    }

    /// A Map state's ItemSelector, applied to each item as its iteration would.
    fn select_items(&self, ctx: &mut Ctx, run: &Running) -> Result<(), StatesError> {
        let StateKind::Map(spec) = &self.state.kind else {
            return Ok(());
        };
        if spec.item_selector.is_none() && spec.item_selector_jsonata.is_none() {
            return Ok(());
        }
        let Phase::Map(progress) = &run.phase else {
            return Ok(());
        };
        let mut selected = Vec::with_capacity(progress.items.len());
        let mut item_context = progress.item_context.clone();
        for (index, item) in progress.items.iter().enumerate() {
            selected.push(item_input(
                ctx,
                run,
                self.state,
                index,
                item.clone(),
                &mut item_context,
            )?);
        }
        ctx.inspect(|i| i.after_item_selector = Some(Value::Array(selected)));
        Ok(())
    }

    fn finish(&self, ctx: &mut Ctx, run: &Running, end: Result<Work, StatesError>) -> Outcome {
        match end {
            Ok(Work::Exit {
                output,
                next,
                assigned,
            }) => Outcome::Succeeded {
                output,
                next,
                assigned,
            },
            Ok(_) => Outcome::Failed(StatesError::runtime("the state did not end")),
            Err(error) => self.handle_error(ctx, run, error),
        }
    }

    /// What follows an error: a retry if a retrier handles it and has attempts left (counting
    /// `retrierRetryCount` as already made), else a catcher's Next, else failure.
    fn handle_error(&self, ctx: &mut Ctx, run: &Running, error: StatesError) -> Outcome {
        if let Some((index, retrier)) = matching_retrier(self.state, &error.error) {
            ctx.inspect(|i| i.retry_index = Some(index));
            let attempts = self.configuration.retrier_retry_count.unwrap_or(0);
            if attempts < retrier.max_attempts {
                // Whole seconds, as AWS reports it; jitter is left out.
                let backoff = backoff_seconds(retrier, attempts).max(0.0) as u64;
                ctx.inspect(|i| i.retry_backoff_interval_seconds = Some(backoff));
                return Outcome::Retriable(error);
            }
        }
        let Some((index, catcher)) = matching_catcher(self.state, &error.error) else {
            return Outcome::Failed(error);
        };
        ctx.inspect(|i| i.catch_index = Some(index));
        let context = ctx.context(run, None);
        let error_output = json!({"Error": error.error, "Cause": error.cause});
        match catch_output(ctx, run, self.state, catcher, &context, error_output) {
            Ok((output, assigned)) => Outcome::Caught {
                error,
                output,
                next: catcher.next.clone(),
                assigned,
            },
            Err(failure) => Outcome::Failed(failure),
        }
    }
}

fn non_empty(text: String) -> Option<String> {
    (!text.is_empty()).then_some(text)
}

/// The response: status, output or error, next state, and at DEBUG and TRACE the inspection
/// data AWS shows for this kind of state.
fn respond(
    outcome: Outcome,
    state: &State,
    level: InspectionLevel,
    input: &Value,
    mut variables: Map<String, Value>,
    inspection: Inspection,
) -> TestStateResult {
    let mut result = TestStateResult {
        status: TestStatus::Succeeded,
        output: None,
        error: None,
        cause: None,
        next_state: None,
        inspection_data: None,
    };
    let assigned = match outcome {
        Outcome::Succeeded {
            output,
            next,
            assigned,
        } => {
            result.output = Some(output);
            result.next_state = next;
            assigned
        }
        Outcome::Failed(error) => {
            result.status = TestStatus::Failed;
            result.error = non_empty(error.error);
            result.cause = non_empty(error.cause);
            None
        }
        Outcome::Retriable(error) => {
            result.status = TestStatus::Retriable;
            result.error = non_empty(error.error);
            result.cause = non_empty(error.cause);
            None
        }
        Outcome::Caught {
            error,
            output,
            next,
            assigned,
        } => {
            result.status = TestStatus::CaughtError;
            result.error = non_empty(error.error);
            result.cause = non_empty(error.cause);
            result.output = Some(output);
            result.next_state = Some(next);
            assigned
        }
    };
    if level == InspectionLevel::Info {
        return result;
    }
    for (name, value) in assigned.into_iter().flatten() {
        variables.insert(name, value);
    }
    result.inspection_data = Some(inspection_data(state, input, &variables, inspection));
    result
}

/// The inspection data AWS shows: what the state computed, less what AWS leaves out for its kind
/// (the input path and parameters of a Pass state with a Result and of a Parallel state, the
/// arguments of a JSONata Parallel state).
fn inspection_data(
    state: &State,
    input: &Value,
    variables: &Map<String, Value>,
    inspection: Inspection,
) -> Map<String, Value> {
    let hides_effective_input = match &state.kind {
        StateKind::Pass { result } => result.is_some(),
        StateKind::Parallel { .. } => true,
        _ => false,
    };
    let hides_arguments = matches!(state.kind, StateKind::Parallel { .. });
    let mut data = Map::new();
    let mut text = |name: &str, value: Option<Value>| {
        if let Some(value) = value {
            data.insert(name.into(), Value::String(json_text(&value)));
        }
    };
    text("input", Some(input.clone()));
    if !hides_arguments {
        text("afterArguments", inspection.after_arguments);
    }
    if !hides_effective_input {
        text("afterInputPath", inspection.after_input_path);
        text("afterParameters", inspection.after_parameters);
    }
    text("result", inspection.result);
    text("afterResultSelector", inspection.after_result_selector);
    text("afterResultPath", inspection.after_result_path);
    text("afterItemsPath", inspection.after_items_path);
    text("afterItemSelector", inspection.after_item_selector);
    if !variables.is_empty() {
        text("variables", Some(Value::Object(variables.clone())));
    }
    insert_number(&mut data, "maxConcurrency", inspection.max_concurrency);
    insert_number(
        &mut data,
        "toleratedFailureCount",
        inspection.tolerated_failure_count,
    );
    insert_number(
        &mut data,
        "toleratedFailurePercentage",
        inspection.tolerated_failure_percentage,
    );
    let mut details = Map::new();
    insert_number(&mut details, "catchIndex", inspection.catch_index);
    insert_number(&mut details, "retryIndex", inspection.retry_index);
    insert_number(
        &mut details,
        "retryBackoffIntervalSeconds",
        inspection.retry_backoff_interval_seconds,
    );
    if !details.is_empty() {
        data.insert("errorDetails".into(), Value::Object(details));
    }
    data
}

/// A number of the inspection data, when there is one.
fn insert_number(map: &mut Map<String, Value>, key: &str, number: Option<impl Into<Value>>) {
    if let Some(number) = number {
        map.insert(key.into(), number.into());
    }
}

/// JSON text as TestState writes it: `, ` between items and `: ` after keys.
pub fn json_text(value: &Value) -> String {
    let mut text = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut text, SpacedFormatter);
    match serde::Serialize::serialize(value, &mut serializer) {
        Ok(()) => String::from_utf8(text).unwrap_or_default(),
        Err(_) => value.to_string(),
    }
}

/// serde_json's compact form with a space after each `,` and `:`.
struct SpacedFormatter;

impl serde_json::ser::Formatter for SpacedFormatter {
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        separate_items(writer, first)
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        separate_items(writer, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }
}

/// `, ` before every item (array value or object member) but the first.
fn separate_items<W: ?Sized + io::Write>(writer: &mut W, first: bool) -> io::Result<()> {
    if first {
        Ok(())
    } else {
        writer.write_all(b", ")
    }
}
