//! Execution semantics of AWS Step Functions. The engine never sees HTTP.

// The test helpers shared with `tests/` name the crate as those do.
#[cfg(test)]
extern crate self as engine;

pub mod history;
pub mod integrations;
pub mod interpreter;
pub mod mocks;
pub mod service;
pub mod tasks;
pub mod test_state;

pub use store::{
    ActivityRecord, AliasRoute, Configurations, EventRecord, ExecutionRecord,
    StateMachineAliasRecord, StateMachineRecord, StateMachineVersionRecord, Tag,
};
