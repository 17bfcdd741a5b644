//! Reading and checking request members against the constraints of the service model.

use serde_json::{Map, Value};

use crate::ApiError;
use engine::service::ErrorCode;

/// A request body being read.
pub struct Input<'a> {
    obj: &'a Map<String, Value>,
}

fn type_error(name: &str, expected: &str) -> ApiError {
    ApiError::new(
        ErrorCode::SerializationException,
        format!("Expected {expected} for member '{name}'"),
    )
}

impl<'a> Input<'a> {
    pub fn new(v: &'a Value) -> Self {
        static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
        Input {
            obj: v.as_object().unwrap_or_else(|| EMPTY.get_or_init(Map::new)),
        }
    }

    /// A member read by `pick`, which answers `None` for a value not of the `expected` kind.
    fn member<T>(
        &self,
        name: &str,
        expected: &str,
        pick: impl FnOnce(&'a Value) -> Option<T>,
    ) -> Result<Option<T>, ApiError> {
        match self.obj.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => pick(v).map(Some).ok_or_else(|| type_error(name, expected)),
        }
    }

    pub fn opt_str(&self, name: &str) -> Result<Option<&'a str>, ApiError> {
        self.member(name, "a string", Value::as_str)
    }

    pub fn str(&self, name: &str) -> Result<&'a str, ApiError> {
        self.opt_str(name)?.ok_or_else(|| {
            ApiError::validation(format!(
                "1 validation error detected: Value null at '{name}' failed to satisfy constraint: Member must not be null"
            ))
        })
    }

    pub fn opt_bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        self.member(name, "a boolean", Value::as_bool)
    }

    pub fn opt_int(&self, name: &str) -> Result<Option<i64>, ApiError> {
        self.member(name, "an integer", Value::as_i64)
    }

    /// A number of the model's `float` or `double` types.
    pub fn opt_number(&self, name: &str) -> Result<Option<f64>, ApiError> {
        self.member(name, "a number", Value::as_f64)
    }

    pub fn opt_object(&self, name: &str) -> Result<Option<&'a Value>, ApiError> {
        self.member(name, "an object", |v| v.is_object().then_some(v))
    }

    pub fn opt_array(&self, name: &str) -> Result<Option<&'a Vec<Value>>, ApiError> {
        self.member(name, "a list", Value::as_array)
    }
}

/// Collects the constraint violations of one request, worded as AWS words them.
#[derive(Default)]
pub struct Violations {
    items: Vec<String>,
}

impl Violations {
    /// A required member that is missing (or null).
    pub fn required(&mut self, name: &str, present: bool) {
        if !present {
            self.items.push(format!(
                "Value null at '{name}' failed to satisfy constraint: Member must not be null"
            ));
        }
    }

    /// A bound rule on a member's `measure` (its length or its value); `shown` is how the
    /// message names the value (`Value 'x'`, or `Value` where AWS leaves it out).
    #[allow(clippy::too_many_arguments)]
    fn bounds(
        &mut self,
        name: &str,
        shown: &str,
        measure: &str,
        below: bool,
        above: bool,
        min: impl std::fmt::Display,
        max: impl std::fmt::Display,
    ) {
        let rule = if below {
            format!("greater than or equal to {min}")
        } else if above {
            format!("less than or equal to {max}")
        } else {
            return;
        };
        self.items.push(format!(
            "{shown} at '{name}' failed to satisfy constraint: Member must have {measure} {rule}"
        ));
    }

    /// The length rule of a member the model marks `sensitive`: AWS leaves its value out.
    pub fn sensitive_length(&mut self, name: &str, value: Option<&str>, min: usize, max: usize) {
        if let Some(v) = value {
            let n = v.chars().count();
            self.bounds(name, "Value", "length", n < min, n > max, min, max);
        }
    }

    /// A list's length rule; `shown` is the list as AWS prints it in the message.
    pub fn list_length(&mut self, name: &str, shown: &str, len: usize, min: usize, max: usize) {
        let shown = format!("Value '{shown}'");
        self.bounds(name, &shown, "length", len < min, len > max, min, max);
    }

    /// A pattern rule; `matches` is whether the value satisfies `pattern` (the model's regular
    /// expression, quoted in the message).
    pub fn pattern(&mut self, name: &str, value: Option<&str>, pattern: &str, matches: bool) {
        if let (Some(v), false) = (value, matches) {
            self.items.push(format!(
                "Value '{v}' at '{name}' failed to satisfy constraint: Member must satisfy regular expression pattern: {pattern}"
            ));
        }
    }

    /// The range rule of a `float` member (printed as Java prints a float: `101.0`).
    pub fn float_range(&mut self, name: &str, value: Option<f64>, min: f64, max: f64) {
        if let Some(v) = value {
            let shown = if v.fract() == 0.0 && v.abs() < 1e15 {
                format!("Value '{v:.1}'")
            } else {
                format!("Value '{v}'")
            };
            self.bounds(name, &shown, "value", v < min, v > max, min, max);
        }
    }

    pub fn length(&mut self, name: &str, value: Option<&str>, min: usize, max: usize) {
        if let Some(v) = value {
            let n = v.chars().count();
            let shown = format!("Value '{v}'");
            self.bounds(name, &shown, "length", n < min, n > max, min, max);
        }
    }

    pub fn one_of(&mut self, name: &str, value: Option<&str>, allowed: &[&str]) {
        if let Some(v) = value {
            if !allowed.contains(&v) {
                self.items.push(format!(
                    "Value '{v}' at '{name}' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
                    allowed.join(", ")
                ));
            }
        }
    }

    pub fn range(&mut self, name: &str, value: Option<i64>, min: i64, max: i64) {
        if let Some(v) = value {
            let shown = format!("Value '{v}'");
            self.bounds(name, &shown, "value", v < min, v > max, min, max);
        }
    }

    pub fn check(self) -> Result<(), ApiError> {
        if self.items.is_empty() {
            return Ok(());
        }
        let n = self.items.len();
        let noun = if n == 1 { "error" } else { "errors" };
        Err(ApiError::validation(format!(
            "{n} validation {noun} detected: {}",
            self.items.join("; ")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(v: Violations) -> String {
        v.check().unwrap_err().message
    }

    // The messages below are AWS's, from recorded CreateStateMachineAlias and ListStateMachines
    // errors.
    #[test]
    fn violations_are_worded_as_aws_words_them() {
        let mut v = Violations::default();
        v.pattern(
            "name",
            Some("123"),
            r"^(?=.*[a-zA-Z_\-\.])[a-zA-Z0-9_\-\.]+$",
            false,
        );
        assert_eq!(
            message(v),
            r"1 validation error detected: Value '123' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(?=.*[a-zA-Z_\-\.])[a-zA-Z0-9_\-\.]+$"
        );
        let mut v = Violations::default();
        v.range("routingConfiguration.1.member.weight", Some(101), 0, 100);
        assert_eq!(
            message(v),
            "1 validation error detected: Value '101' at 'routingConfiguration.1.member.weight' failed to satisfy constraint: Member must have value less than or equal to 100"
        );
        let mut v = Violations::default();
        v.range("maxResults", Some(1001), 0, 1000);
        v.required("stateMachineArn", false);
        assert_eq!(
            message(v),
            "2 validation errors detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000; Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null"
        );
    }

    #[test]
    fn sensitive_values_and_floats_are_shown_as_aws_shows_them() {
        let mut v = Violations::default();
        v.sensitive_length("description", Some(&"d".repeat(257)), 0, 256);
        v.float_range("toleratedFailurePercentage", Some(101.0), 0.0, 100.0);
        assert_eq!(
            message(v),
            "2 validation errors detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 256; Value '101.0' at 'toleratedFailurePercentage' failed to satisfy constraint: Member must have value less than or equal to 100"
        );
        assert!(Violations::default().check().is_ok());
    }
}
