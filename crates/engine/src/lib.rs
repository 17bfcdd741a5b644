//! Execution semantics of AWS Step Functions. The engine never sees HTTP.

pub mod execution;
pub mod history;
pub mod service;
pub mod test_state;

pub use store::{EventRecord, ExecutionRecord, StateMachineRecord};
pub mod tasks;
