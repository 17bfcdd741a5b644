//! What every state type's evaluation is given (built by `evaluate`, read by each state's room).

use asl::model::State;
use serde_json::Value;

use super::frame::Running;

/// What every state's evaluation is given: the running state, its definition, the context
/// object, and whether the state's query language is JSONata.
pub(super) struct At<'a> {
    pub run: &'a Running,
    pub state: &'a State,
    pub context: Value,
    pub jsonata: bool,
}
