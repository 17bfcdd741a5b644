//! Choice rules of JSONPath Choice states (OWNED BY: choice helper — stub).

use crate::{Scope, StatesError, Value};

/// One rule of a Choice state's `Choices` (without its `Next`), or a nested rule of And/Or/Not.
#[derive(Debug, Clone)]
pub struct ChoiceRule {}

impl ChoiceRule {
    /// Parses a rule object (the `Next`, `Assign`, `Comment` fields of a top-level rule are ignored here).
    pub fn parse(rule: &Value) -> Result<ChoiceRule, String> {
        let _ = rule;
        todo!("choice helper")
    }
    pub fn eval(&self, scope: &Scope) -> Result<bool, StatesError> {
        let _ = scope;
        todo!("choice helper")
    }
}
