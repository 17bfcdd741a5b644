//! Static validation of state machine definitions, with the diagnostics AWS gives.
//!
//! [`validate_definition`] is what ValidateStateMachineDefinition answers (a list of
//! diagnostics); CreateStateMachine and UpdateStateMachine refuse a definition with any ERROR
//! diagnostic and word their `InvalidDefinition` error with [`invalid_definition_message`].
//! The messages and locations follow what AWS returns (`SCHEMA_VALIDATION_FAILED: Field 'X' is
//! not supported at /States/A`, `MISSING_TRANSITION_TARGET: Missing 'Next' target: B at
//! /States/A/Next`, …).

mod json_text;
mod label;
mod machine;
mod paths;
mod resource;
mod timestamp;

#[cfg(test)]
mod conformance_tests;
#[cfg(test)]
mod tests;

use serde_json::{Map, Value};

use machine::{Scope, Walker};

/// One finding of ValidateStateMachineDefinition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// ERROR or WARNING.
    pub severity: Severity,
    /// e.g. `SCHEMA_VALIDATION_FAILED`, `INVALID_JSON_DESCRIPTION`.
    pub code: String,
    pub message: String,
    /// e.g. `/States/X/Field`.
    pub location: Option<String>,
    /// The exact `InvalidDefinition` message CreateStateMachine gives for this finding when
    /// AWS reports it from its definition parser rather than in the usual
    /// `Invalid State Machine Definition: 'CODE: message at location'` form (Map labels).
    pub invalid_definition_text: Option<String>,
}

impl Diagnostic {
    fn error(code: &str, message: impl Into<String>, location: Option<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code: code.to_string(),
            message: message.into(),
            location,
            invalid_definition_text: None,
        }
    }

    fn warning(code: &str, message: impl Into<String>, location: Option<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message, location)
        }
    }

    /// `CODE: message at location`, as an `InvalidDefinition` message lists a finding.
    fn listed(&self) -> String {
        format!(
            "{}: {} at {}",
            self.code,
            self.message,
            self.location.as_deref().unwrap_or("null")
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    /// The name the API uses: `ERROR` or `WARNING`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "ERROR",
            Severity::Warning => "WARNING",
        }
    }
}

/// Whether the machine is STANDARD or EXPRESS (some rules differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MachineType {
    #[default]
    Standard,
    Express,
}

/// Validates a definition's text; no ERROR diagnostic means AWS would accept it. Errors come
/// first, then warnings.
pub fn validate_definition(definition: &str, machine_type: MachineType) -> Vec<Diagnostic> {
    match parse_definition_object(definition) {
        Ok(root) => Walker::new(&root, machine_type, Scope::Machine, definition).validate(&root),
        Err(diagnostic) => vec![diagnostic],
    }
}

/// The name TestState gives a single state it validates (`/States/StateName/Field`).
pub const TEST_STATE_NAME: &str = "StateName";

/// Validates the definition of a single state, as TestState receives it: the state is checked
/// as the only state of a machine, named [`TEST_STATE_NAME`], except that its own `Next`
/// (and `Default`, `Catch` targets) may name states that are not part of the definition.
pub fn validate_state_definition(
    state_definition: &str,
    machine_type: MachineType,
) -> Vec<Diagnostic> {
    let state = match parse_definition_object(state_definition) {
        Ok(state) => state,
        Err(diagnostic) => return vec![diagnostic],
    };
    let mut states = Map::new();
    states.insert(TEST_STATE_NAME.to_string(), Value::Object(state));
    let mut root = Map::new();
    root.insert(
        "StartAt".to_string(),
        Value::String(TEST_STATE_NAME.to_string()),
    );
    root.insert("States".to_string(), Value::Object(states));
    Walker::new(&root, machine_type, Scope::SingleState, state_definition).validate(&root)
}

/// Whether any diagnostic is an ERROR (ValidateStateMachineDefinition's `result` is then
/// `FAIL`, and CreateStateMachine refuses the definition).
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics
        .iter()
        .any(|diagnostic| diagnostic.severity == Severity::Error)
}

/// The message of the `InvalidDefinition` error CreateStateMachine/UpdateStateMachine answer
/// with: `Invalid State Machine Definition: 'CODE: message at location'`, or with several
/// errors `Invalid State Machine Definition: ''A', 'B''`. Warnings are left out. Meant to be
/// called when [`has_errors`] is true.
pub fn invalid_definition_message(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.severity == Severity::Error);
    let validator_errors: Vec<String> = errors
        .clone()
        .filter(|diagnostic| diagnostic.invalid_definition_text.is_none())
        .map(Diagnostic::listed)
        .collect();
    // The definition parser, which words its own errors, only runs once the validator passes.
    if validator_errors.is_empty() {
        if let Some(text) = errors
            .filter_map(|d| d.invalid_definition_text.as_deref())
            .next()
        {
            return text.to_string();
        }
    }
    let listed = match validator_errors.as_slice() {
        [single] => single.clone(),
        several => several
            .iter()
            .map(|error| format!("'{error}'"))
            .collect::<Vec<_>>()
            .join(", "),
    };
    format!("Invalid State Machine Definition: '{listed}'")
}

/// Parses the text as a JSON object, or says why it is not one.
fn parse_definition_object(text: &str) -> Result<Map<String, Value>, Diagnostic> {
    let not_an_object = || {
        Diagnostic::error(
            "SCHEMA_VALIDATION_FAILED",
            "Definition must be a valid JSON object",
            None,
        )
    };
    match json_text::check_syntax(text) {
        Err(error) => {
            return Err(Diagnostic::error(
                "INVALID_JSON_DESCRIPTION",
                error.message,
                Some(error.location),
            ))
        }
        Ok(false) => return Err(not_an_object()),
        Ok(true) => {}
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(root)) => Ok(root),
        Ok(_) => Err(not_an_object()),
        // What the syntax check lets through and serde_json still refuses (numbers beyond
        // f64, nesting beyond its limit).
        Err(error) => Err(Diagnostic::error(
            "INVALID_JSON_DESCRIPTION",
            error.to_string(),
            None,
        )),
    }
}
