//! What TestState gives an evaluation in place of an execution's surroundings, and what the
//! evaluation records for it. In executions neither is there (`None` in [`super::Ctx`]).

use serde_json::Value;

/// Each step of a state's data flow, recorded by the interpreter as it computes it (see
/// `Ctx::inspect`), plus how an error was handled.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Inspection {
    pub(crate) after_input_path: Option<Value>,
    pub(crate) after_parameters: Option<Value>,
    pub(crate) after_arguments: Option<Value>,
    pub(crate) result: Option<Value>,
    pub(crate) after_result_selector: Option<Value>,
    pub(crate) after_result_path: Option<Value>,
    pub(crate) after_items_path: Option<Value>,
    pub(crate) after_item_selector: Option<Value>,
    pub(crate) max_concurrency: Option<u64>,
    pub(crate) tolerated_failure_count: Option<u64>,
    pub(crate) tolerated_failure_percentage: Option<f64>,
    pub(crate) retry_index: Option<usize>,
    pub(crate) retry_backoff_interval_seconds: Option<u64>,
    pub(crate) catch_index: Option<usize>,
}

/// What TestState gives an evaluation in place of a real execution's surroundings.
#[derive(Debug, Clone)]
pub(crate) struct Supplied {
    /// The context object, used as is.
    pub(crate) context: Value,
    /// What a Map state's ItemReader reads.
    pub(crate) map_item_reader_data: Option<Value>,
}
