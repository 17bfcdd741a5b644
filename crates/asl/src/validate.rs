//! Static validation of state machine definitions, with the diagnostics AWS gives
//! (OWNED BY: validation helper — stub).

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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// Whether the machine is STANDARD or EXPRESS (some rules differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MachineType {
    Standard,
    Express,
}

/// Validates a definition's text; an empty result means AWS would accept it.
pub fn validate_definition(definition: &str, machine_type: MachineType) -> Vec<Diagnostic> {
    let _ = (definition, machine_type);
    todo!("validation helper")
}

/// The message of the `InvalidDefinition` error CreateStateMachine/UpdateStateMachine answer with.
pub fn invalid_definition_message(diagnostics: &[Diagnostic]) -> String {
    let _ = diagnostics;
    todo!("validation helper")
}
