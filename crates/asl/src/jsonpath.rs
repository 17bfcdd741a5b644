//! Jayway-compatible JSONPath, as Step Functions evaluates it (OWNED BY: jsonpath helper — stub).
//!
//! Paths start at `$` (the state input), `$$` (the context object) or `$name` (a variable).

use crate::{Scope, StatesError, Value};

/// Where a path starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathRoot {
    /// `$` — the effective input of the state.
    Input,
    /// `$$` — the context object.
    Context,
    /// `$name` — a variable.
    Variable(String),
}

/// A parsed JSONPath.
#[derive(Debug, Clone)]
pub struct JsonPath {
    text: String,
}

/// The path text is not a valid JSONPath.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct PathSyntaxError {
    pub message: String,
}

impl JsonPath {
    pub fn parse(text: &str) -> Result<JsonPath, PathSyntaxError> {
        let _ = text;
        todo!("jsonpath helper")
    }
    /// The path as written in the definition.
    pub fn text(&self) -> &str {
        &self.text
    }
    pub fn root(&self) -> PathRoot {
        todo!("jsonpath helper")
    }
    /// True when the path selects at most one node (no wildcards, filters, slices, unions, deep scans).
    pub fn is_definite(&self) -> bool {
        todo!("jsonpath helper")
    }
    /// Evaluates the path. A definite path that matches nothing is an error; an indefinite path
    /// returns the array of what it matched (possibly empty).
    pub fn eval(&self, scope: &Scope) -> Result<Value, StatesError> {
        let _ = scope;
        todo!("jsonpath helper")
    }
}
