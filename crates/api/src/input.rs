//! Reading and checking request members against the constraints of the service model.

use serde_json::{Map, Value};

use crate::ApiError;

/// A request body being read.
pub struct Input<'a> {
    obj: &'a Map<String, Value>,
}

fn type_error(name: &str, expected: &str) -> ApiError {
    ApiError::new(
        "SerializationException",
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
