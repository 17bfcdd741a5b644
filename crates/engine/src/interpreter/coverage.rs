//! What an execution exercised of its definition, for `stepfn test`'s coverage: each state run,
//! the Choice rule (or Default) each Choice took, the retrier and catcher each failure met.
//! Collected only when asked for (`Execution::collect_coverage`).

use std::sync::Arc;

use asl::model::StateMachine;
use serde_json::Value;

use super::{Execution, ExecutionInfo};

/// One thing an execution did.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mark {
    /// A state ran (its input was evaluated).
    State(String),
    /// A Choice state went on by its rule at this index; None: by its Default.
    Choice { state: String, rule: Option<usize> },
    /// A state's failure was retried by its retrier at this index.
    Retry { state: String, retrier: usize },
    /// A state's failure was caught by its catcher at this index.
    Catch { state: String, catcher: usize },
}

impl Execution {
    /// [`Execution::start`] (recording its history) collecting its coverage from the start.
    pub fn start_covered(
        info: Arc<ExecutionInfo>,
        machine: Arc<StateMachine>,
        input_text: &str,
        input: Value,
    ) -> Execution {
        let now = info.start_ms;
        let mut exec = Execution::new(info, machine, input, true, now);
        exec.collect_coverage();
        exec.begin(input_text);
        exec.run();
        exec
    }

    /// From now on, what the execution exercises is kept in `coverage`.
    pub fn collect_coverage(&mut self) {
        self.coverage.get_or_insert_with(Vec::new);
    }

    /// What the execution exercised, in the order it happened (empty unless collected).
    pub fn coverage(&self) -> &[Mark] {
        self.coverage.as_deref().unwrap_or(&[])
    }

    pub(super) fn covers(&self) -> bool {
        self.coverage.is_some()
    }

    pub(super) fn mark(&mut self, mark: impl FnOnce() -> Mark) {
        if let Some(marks) = &mut self.coverage {
            marks.push(mark());
        }
    }
}
