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

    pub fn opt_str(&self, name: &str) -> Result<Option<&'a str>, ApiError> {
        match self.obj.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(type_error(name, "a string")),
        }
    }

    pub fn str(&self, name: &str) -> Result<&'a str, ApiError> {
        self.opt_str(name)?.ok_or_else(|| {
            ApiError::validation(format!(
                "1 validation error detected: Value null at '{name}' failed to satisfy constraint: Member must not be null"
            ))
        })
    }

    pub fn opt_bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.obj.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(type_error(name, "a boolean")),
        }
    }

    pub fn opt_int(&self, name: &str) -> Result<Option<i64>, ApiError> {
        match self.obj.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| type_error(name, "an integer")),
            Some(_) => Err(type_error(name, "an integer")),
        }
    }

    /// A number of the model's `float` or `double` types.
    pub fn opt_number(&self, name: &str) -> Result<Option<f64>, ApiError> {
        match self.obj.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .as_f64()
                .map(Some)
                .ok_or_else(|| type_error(name, "a number")),
            Some(_) => Err(type_error(name, "a number")),
        }
    }

    pub fn opt_object(&self, name: &str) -> Result<Option<&'a Value>, ApiError> {
        match self.obj.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v @ Value::Object(_)) => Ok(Some(v)),
            Some(_) => Err(type_error(name, "an object")),
        }
    }

    pub fn opt_array(&self, name: &str) -> Result<Option<&'a Vec<Value>>, ApiError> {
        match self.obj.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a)),
            Some(_) => Err(type_error(name, "a list")),
        }
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

    /// The length rule of a member the model marks `sensitive`: AWS leaves its value out.
    pub fn sensitive_length(&mut self, name: &str, value: Option<&str>, min: usize, max: usize) {
        if let Some(v) = value {
            let n = v.chars().count();
            if n < min {
                self.items.push(format!(
                    "Value at '{name}' failed to satisfy constraint: Member must have length greater than or equal to {min}"
                ));
            } else if n > max {
                self.items.push(format!(
                    "Value at '{name}' failed to satisfy constraint: Member must have length less than or equal to {max}"
                ));
            }
        }
    }

    /// A list's length rule; `shown` is the list as AWS prints it in the message.
    pub fn list_length(&mut self, name: &str, shown: &str, len: usize, min: usize, max: usize) {
        if len < min {
            self.items.push(format!(
                "Value '{shown}' at '{name}' failed to satisfy constraint: Member must have length greater than or equal to {min}"
            ));
        } else if len > max {
            self.items.push(format!(
                "Value '{shown}' at '{name}' failed to satisfy constraint: Member must have length less than or equal to {max}"
            ));
        }
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
                format!("{v:.1}")
            } else {
                v.to_string()
            };
            if v < min {
                self.items.push(format!(
                    "Value '{shown}' at '{name}' failed to satisfy constraint: Member must have value greater than or equal to {min}"
                ));
            } else if v > max {
                self.items.push(format!(
                    "Value '{shown}' at '{name}' failed to satisfy constraint: Member must have value less than or equal to {max}"
                ));
            }
        }
    }

    pub fn length(&mut self, name: &str, value: Option<&str>, min: usize, max: usize) {
        if let Some(v) = value {
            let n = v.chars().count();
            if n < min {
                self.items.push(format!(
                    "Value '{v}' at '{name}' failed to satisfy constraint: Member must have length greater than or equal to {min}"
                ));
            } else if n > max {
                self.items.push(format!(
                    "Value '{v}' at '{name}' failed to satisfy constraint: Member must have length less than or equal to {max}"
                ));
            }
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
            if v < min {
                self.items.push(format!(
                    "Value '{v}' at '{name}' failed to satisfy constraint: Member must have value greater than or equal to {min}"
                ));
            } else if v > max {
                self.items.push(format!(
                    "Value '{v}' at '{name}' failed to satisfy constraint: Member must have value less than or equal to {max}"
                ));
            }
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
