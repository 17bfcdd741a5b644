//! JSONata for Step Functions: `jsonata-core` plus AWS's `$states`, variables and extra functions
//! (OWNED BY: jsonata helper — stub).

use crate::{Environment, StatesError, Value, Variables};

/// The `$states` reserved variable of a JSONata state.
pub struct StatesVar<'a> {
    pub input: &'a Value,
    pub context: &'a Value,
    /// `$states.result` — only in Output/Assign after a Task, Parallel or Map.
    pub result: Option<&'a Value>,
    /// `$states.errorOutput` — only in a Catcher's Output/Assign.
    pub error_output: Option<&'a Value>,
}

/// One JSONata expression (the text between `{%` and `%}`).
#[derive(Debug, Clone)]
pub struct JsonataExpr {}

impl JsonataExpr {
    pub fn compile(source: &str) -> Result<JsonataExpr, StatesError> {
        let _ = source;
        todo!("jsonata helper")
    }
    /// `Ok(None)` when the expression evaluates to undefined.
    pub fn eval(
        &self,
        states: &StatesVar,
        vars: &dyn Variables,
        env: &mut dyn Environment,
    ) -> Result<Option<Value>, StatesError> {
        let _ = (states, vars, env);
        todo!("jsonata helper")
    }
}

/// A JSON value in which any string of the form `{% expr %}` is a JSONata expression
/// (Arguments, Output, Assign, Items, ItemSelector, Parameters of Map …).
#[derive(Debug, Clone)]
pub struct JsonataTemplate {}

impl JsonataTemplate {
    pub fn compile(template: &Value) -> Result<JsonataTemplate, StatesError> {
        let _ = template;
        todo!("jsonata helper")
    }
    /// `field` is the state field for error messages ("Output", "Arguments", "Assign", …); nested
    /// keys are appended as AWS does ("Output/result").
    pub fn eval(
        &self,
        states: &StatesVar,
        vars: &dyn Variables,
        env: &mut dyn Environment,
        field: &str,
    ) -> Result<Value, StatesError> {
        let _ = (states, vars, env, field);
        todo!("jsonata helper")
    }
}
