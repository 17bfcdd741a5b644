//! Helpers for the state modules' unit tests: a tiny machine run through `Execution::start`.
//! They are the integration tests' helpers too, so they live in `tests/support`.

#[path = "../../tests/support/mod.rs"]
mod shared;

pub(super) use shared::{
    after_activity_task, assert_failed_with, assert_succeeded, details, event_types, fire_next,
    info, run_timers, start, through_one_state,
};
