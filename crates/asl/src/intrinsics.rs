//! The 18 intrinsic functions (`States.Format(…)` …) (OWNED BY: intrinsics helper — stub).

use crate::{Environment, Scope, StatesError, Value};

/// A parsed intrinsic function call.
#[derive(Debug, Clone)]
pub struct IntrinsicCall {}

impl IntrinsicCall {
    pub fn parse(text: &str) -> Result<IntrinsicCall, String> {
        let _ = text;
        todo!("intrinsics helper")
    }
    pub fn eval(&self, scope: &Scope, env: &mut dyn Environment) -> Result<Value, StatesError> {
        let _ = (scope, env);
        todo!("intrinsics helper")
    }
}
