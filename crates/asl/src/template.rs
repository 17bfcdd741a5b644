//! Payload templates (Parameters, ResultSelector, ItemSelector …) and reference paths (ResultPath)
//! for JSONPath states (OWNED BY: jsonpath helper — stub).

use crate::{Environment, Scope, StatesError, Value};

/// A compiled payload template: keys ending in `.$` are JSONPaths or intrinsic functions.
#[derive(Debug, Clone)]
pub struct Template {}

impl Template {
    pub fn compile(template: &Value) -> Result<Template, String> {
        let _ = template;
        todo!("jsonpath helper")
    }
    /// `field` names the state field for error messages ("Parameters", "ResultSelector", …).
    pub fn eval(
        &self,
        scope: &Scope,
        env: &mut dyn Environment,
        field: &str,
    ) -> Result<Value, StatesError> {
        let _ = (scope, env, field);
        todo!("jsonpath helper")
    }
}

/// Writes `value` into `target` at the reference path `path` (ResultPath): `$` replaces the
/// whole input; `$.a.b` creates missing objects on the way.
pub fn set_reference_path(
    target: Value,
    path: &crate::jsonpath::JsonPath,
    value: Value,
) -> Result<Value, StatesError> {
    let _ = (target, path, value);
    todo!("jsonpath helper")
}
