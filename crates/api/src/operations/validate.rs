//! ValidateStateMachineDefinition: the definition checked by `asl`, its diagnostics shaped.

use asl::validate::{MachineType, Severity};
use engine::service::status::machine_type_of;
use serde::Serialize;

use super::{Request, Result};
use crate::input::{Input, Violations};

/// The most diagnostics one answer holds (and the default of `maxResults`).
const MAX_DIAGNOSTICS: usize = 100;

pub struct ValidateStateMachineDefinitionInput {
    pub definition: String,
    pub machine_type: MachineType,
    /// `severity` is `ERROR`: warnings are left out.
    pub errors_only: bool,
    pub max_results: usize,
}

impl Request for ValidateStateMachineDefinitionInput {
    fn read(input: &Input) -> Result<Self> {
        let definition = input.str("definition")?;
        let machine_type = input.opt_str("type")?;
        let severity = input.opt_str("severity")?;
        let max = input.opt_int("maxResults")?;
        let mut v = Violations::default();
        v.length("definition", Some(definition), 1, 1_048_576);
        v.one_of("type", machine_type, &["STANDARD", "EXPRESS"]);
        v.one_of("severity", severity, &["ERROR", "WARNING"]);
        v.range("maxResults", max, 0, MAX_DIAGNOSTICS as i64);
        v.check()?;
        Ok(ValidateStateMachineDefinitionInput {
            definition: definition.to_string(),
            machine_type: machine_type.map_or(MachineType::Standard, machine_type_of),
            errors_only: severity == Some("ERROR"),
            max_results: match max {
                None | Some(0) => MAX_DIAGNOSTICS,
                Some(n) => n as usize,
            },
        })
    }
}

#[derive(Serialize)]
pub struct ValidateStateMachineDefinitionDiagnostic {
    pub severity: &'static str,
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

#[derive(Serialize)]
pub struct ValidateStateMachineDefinitionOutput {
    pub result: &'static str,
    pub diagnostics: Vec<ValidateStateMachineDefinitionDiagnostic>,
    pub truncated: bool,
}

pub fn validate_state_machine_definition(
    request: ValidateStateMachineDefinitionInput,
) -> Result<ValidateStateMachineDefinitionOutput> {
    let mut diagnostics =
        asl::validate::validate_definition(&request.definition, request.machine_type);
    if request.errors_only {
        diagnostics.retain(|d| d.severity == Severity::Error);
    }
    let failed = diagnostics.iter().any(|d| d.severity == Severity::Error);
    let truncated = diagnostics.len() > request.max_results;
    diagnostics.truncate(request.max_results);
    Ok(ValidateStateMachineDefinitionOutput {
        result: if failed { "FAIL" } else { "OK" },
        diagnostics: diagnostics
            .into_iter()
            .map(|d| ValidateStateMachineDefinitionDiagnostic {
                severity: match d.severity {
                    Severity::Error => "ERROR",
                    Severity::Warning => "WARNING",
                },
                code: d.code,
                message: d.message,
                location: d.location,
            })
            .collect(),
        truncated,
    })
}
