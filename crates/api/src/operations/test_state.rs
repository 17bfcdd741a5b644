//! TestState: the request read and checked against the service model, run by the engine.

use engine::service::Service;
use engine::test_state::{
    json_text, FieldValidationMode, InspectionLevel, Mock, MockError, StateConfiguration,
    Surroundings, TestStateRequest, TestStateResult,
};
use serde_json::{Map, Value};

use super::Request;
use crate::input::{Input, Violations};
use crate::{ApiError, RequestContext};

/// The limit of the service model's `SensitiveData` members (input, variables, context, …).
const SENSITIVE_DATA_MAX: usize = 262_144;

/// TestState's request, read into the engine's [`TestStateRequest`].
pub struct TestStateInput(pub TestStateRequest);

impl Request for TestStateInput {
    fn read(input: &Input) -> Result<Self, ApiError> {
        read_request(input).map(TestStateInput)
    }
}

response! {
    /// TestState's answer: JSON values travel as JSON text, written as AWS writes them here.
    pub struct TestStateOutput {
        pub output: Option<String>,
        pub error: Option<String>,
        pub cause: Option<String>,
        pub inspection_data: Option<Map<String, Value>>,
        pub next_state: Option<String>,
        pub status: &'static str,
    }
}

impl From<TestStateResult> for TestStateOutput {
    fn from(result: TestStateResult) -> Self {
        TestStateOutput {
            output: result.output.as_ref().map(json_text),
            error: result.error,
            cause: result.cause,
            inspection_data: result.inspection_data,
            next_state: result.next_state,
            status: result.status.as_str(),
        }
    }
}

pub(super) fn test_state(
    service: &Service,
    ctx: &RequestContext,
    request: TestStateInput,
) -> Result<TestStateOutput, ApiError> {
    let surroundings = Surroundings {
        account_id: service.config.account_id.clone(),
        region: ctx.region.clone(),
        now_ms: service.now_ms(),
        caller: Some(service.caller()),
    };
    let result = engine::test_state::test_state(&request.0, &surroundings)?;
    Ok(result.into())
}

fn read_request(input: &Input) -> Result<TestStateRequest, ApiError> {
    let definition = input.str("definition")?;
    let role_arn = input.opt_str("roleArn")?;
    let state_input = input.opt_str("input")?;
    let inspection_level = input.opt_str("inspectionLevel")?;
    let reveal_secrets = input.opt_bool("revealSecrets")?;
    let variables = input.opt_str("variables")?;
    let state_name = input.opt_str("stateName")?;
    let context = input.opt_str("context")?;
    let mut v = Violations::default();
    v.length("definition", Some(definition), 1, 1_048_576);
    v.length("roleArn", role_arn, 1, 256);
    v.length("input", state_input, 0, SENSITIVE_DATA_MAX);
    v.one_of(
        "inspectionLevel",
        inspection_level,
        &["INFO", "DEBUG", "TRACE"],
    );
    v.length("variables", variables, 0, SENSITIVE_DATA_MAX);
    v.length("stateName", state_name, 1, 80);
    v.length("context", context, 0, SENSITIVE_DATA_MAX);
    let mock = input
        .opt_object("mock")?
        .map(|mock| read_mock(&Input::new(mock), &mut v))
        .transpose()?;
    let state_configuration = input
        .opt_object("stateConfiguration")?
        .map(|configuration| read_state_configuration(&Input::new(configuration), &mut v))
        .transpose()?
        .unwrap_or_default();
    v.check()?;
    Ok(TestStateRequest {
        definition: definition.to_string(),
        role_arn: role_arn.map(str::to_string),
        input: state_input.map(str::to_string),
        inspection_level: match inspection_level {
            Some("DEBUG") => InspectionLevel::Debug,
            Some("TRACE") => InspectionLevel::Trace,
            _ => InspectionLevel::Info,
        },
        reveal_secrets: reveal_secrets.unwrap_or(false),
        variables: variables.map(str::to_string),
        state_name: state_name.map(str::to_string),
        mock,
        context: context.map(str::to_string),
        state_configuration,
    })
}

fn read_mock(mock: &Input, v: &mut Violations) -> Result<Mock, ApiError> {
    let result = mock.opt_str("result")?;
    let mode = mock.opt_str("fieldValidationMode")?;
    v.length("mock.result", result, 0, SENSITIVE_DATA_MAX);
    v.one_of(
        "mock.fieldValidationMode",
        mode,
        &["STRICT", "PRESENT", "NONE"],
    );
    let error_output = match mock.opt_object("errorOutput")? {
        Some(error_output) => {
            let error_output = Input::new(error_output);
            let error = error_output.opt_str("error")?;
            let cause = error_output.opt_str("cause")?;
            v.length("mock.errorOutput.error", error, 0, 256);
            v.length("mock.errorOutput.cause", cause, 0, 32_768);
            Some(MockError {
                error: error.map(str::to_string),
                cause: cause.map(str::to_string),
            })
        }
        None => None,
    };
    Ok(Mock {
        result: result.map(str::to_string),
        error_output,
        field_validation_mode: match mode {
            Some("PRESENT") => FieldValidationMode::Present,
            Some("NONE") => FieldValidationMode::None,
            _ => FieldValidationMode::Strict,
        },
    })
}

fn read_state_configuration(
    configuration: &Input,
    v: &mut Violations,
) -> Result<StateConfiguration, ApiError> {
    let retrier_retry_count = configuration.opt_int("retrierRetryCount")?;
    let error_caused_by_state = configuration.opt_str("errorCausedByState")?;
    let map_iteration_failure_count = configuration.opt_int("mapIterationFailureCount")?;
    let map_item_reader_data = configuration.opt_str("mapItemReaderData")?;
    v.range(
        "stateConfiguration.retrierRetryCount",
        retrier_retry_count,
        0,
        i64::from(i32::MAX),
    );
    v.length(
        "stateConfiguration.errorCausedByState",
        error_caused_by_state,
        1,
        80,
    );
    v.range(
        "stateConfiguration.mapIterationFailureCount",
        map_iteration_failure_count,
        0,
        i64::from(i32::MAX),
    );
    v.length(
        "stateConfiguration.mapItemReaderData",
        map_item_reader_data,
        0,
        SENSITIVE_DATA_MAX,
    );
    Ok(StateConfiguration {
        retrier_retry_count: retrier_retry_count.and_then(|n| u64::try_from(n).ok()),
        error_caused_by_state: error_caused_by_state.map(str::to_string),
        map_iteration_failure_count: map_iteration_failure_count
            .and_then(|n| u64::try_from(n).ok()),
        map_item_reader_data: map_item_reader_data.map(str::to_string),
    })
}
