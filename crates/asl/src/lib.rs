//! The Amazon States Language, pure and synchronous.
//!
//! Nothing here does I/O or reads a clock: what the language needs from the outside world
//! (the current time, randomness, UUIDs) is passed in through [`Environment`].

// The one exception, lending the environment to JSONata's host functions, says why it is sound.
#![deny(unsafe_code)]

pub mod arn;
pub mod choice;
pub mod error;
pub mod intrinsics;
pub mod jsonata;
pub mod jsonpath;
pub mod model;
pub mod resource;
pub mod template;
pub mod validate;

#[cfg(test)]
mod test_support;

pub use error::StatesError;
pub use serde_json::Value;

/// Which query language a state (or the whole machine) uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QueryLanguage {
    #[default]
    JsonPath,
    Jsonata,
}

/// Values from outside the language that some functions need (`States.UUID`, `States.MathRandom`,
/// `$uuid()`, `$random()`, `$now()`). The engine records what these return so replays are exact.
pub trait Environment {
    /// A random version-4 UUID in its canonical lowercase text form.
    fn uuid(&mut self) -> String;
    /// A uniformly distributed float in [0, 1).
    fn random(&mut self) -> f64;
    /// The current time as an RFC 3339 string with millisecond precision, e.g. `2024-01-01T00:00:00.000Z`.
    fn now_iso(&mut self) -> String;
    /// Milliseconds since the Unix epoch.
    fn now_millis(&mut self) -> i64;
}

/// A variable lookup: the variables visible to the current state (`$name` in JSONPath and JSONata).
pub trait Variables {
    fn get_var(&self, name: &str) -> Option<&Value>;
}

/// No variables at all.
pub struct NoVariables;

impl Variables for NoVariables {
    fn get_var(&self, _name: &str) -> Option<&Value> {
        None
    }
}

impl Variables for serde_json::Map<String, Value> {
    fn get_var(&self, name: &str) -> Option<&Value> {
        self.get(name)
    }
}

/// What a JSONPath expression, payload template or intrinsic function is evaluated against:
/// `$` is `input`, `$$` is `context` (the context object), `$name` is a variable.
pub struct Scope<'a> {
    pub input: &'a Value,
    pub context: &'a Value,
    pub variables: &'a dyn Variables,
}

impl<'a> Scope<'a> {
    pub fn new(input: &'a Value, context: &'a Value, variables: &'a dyn Variables) -> Self {
        Scope {
            input,
            context,
            variables,
        }
    }
}

/// The JSON type of `value` as AWS names it (`null`, `boolean`, `number`, `string`, `array`,
/// `object`).
pub fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn json_type_names_are_the_json_types() {
        let names: Vec<&str> = [
            json!(null),
            json!(true),
            json!(1.5),
            json!("a"),
            json!([]),
            json!({}),
        ]
        .iter()
        .map(super::json_type_name)
        .collect();
        assert_eq!(
            names,
            ["null", "boolean", "number", "string", "array", "object"]
        );
    }
}
