//! Retry and Catch: what follows a state's error.

use asl::jsonata::StatesVar;
use asl::model::{error_matches_as, Catcher, Retrier, State, StateKind};
use asl::{Environment, StatesError};
use serde_json::{json, Map, Value};

use super::context::Ctx;
use super::coverage::Mark;
use super::data_flow::{apply_result_path, evaluate_assign, states_of};
use super::frame::{Phase, Running, Step, TimerRequest};
use super::Execution;
use crate::history::{EventDetails, EventType};

impl Execution {
    /// A state failed: retry it, catch the error, or fail the frame.
    pub(super) fn state_failed(&mut self, f: u32, run: Box<Running>, err: StatesError) {
        self.state_failed_as(f, run, err, true)
    }

    /// A state failed; with `terminal_limit` false a `States.DataLimitExceeded` can be retried
    /// and caught (a task's answer that was too large).
    pub(super) fn state_failed_as(
        &mut self,
        f: u32,
        mut run: Box<Running>,
        err: StatesError,
        terminal_limit: bool,
    ) {
        let state = run.state.clone();
        if let Some((i, retrier)) = matching_retrier_as(&state, &err.error, terminal_limit) {
            let attempts = run.retry_counts[i];
            if attempts < retrier.max_attempts {
                self.mark(|| Mark::Retry {
                    state: state.name.clone(),
                    retrier: i,
                });
                run.retry_counts[i] += 1;
                let mut delay = backoff_seconds(retrier, attempts);
                if retrier.jitter_full {
                    let mut ctx = self.ctx(f);
                    delay *= ctx.env.random();
                }
                let due_ms = self.now_ms + (delay * 1000.0) as i64;
                run.phase = Phase::Backoff { due_ms };
                self.timers.push(TimerRequest { frame: f, due_ms });
                self.frames[f as usize].step = Step::Run(run);
                return;
            }
        }
        let failed_type = match state.kind {
            StateKind::Map(_) => Some(EventType::MapStateFailed),
            StateKind::Parallel { .. } => Some(EventType::ParallelStateFailed),
            _ => None,
        };
        if let Some(t) = failed_type {
            self.emit(f, t, |_| EventDetails::None);
        }
        if let Some((index, catcher)) = matching_catcher_as(&state, &err.error, terminal_limit) {
            self.mark(|| Mark::Catch {
                state: state.name.clone(),
                catcher: index,
            });
            let catcher = catcher.clone();
            let error_output = json!({"Error": err.error, "Cause": err.cause});
            let work = {
                let mut ctx = self.ctx(f);
                let context = ctx.context(&run, None);
                catch_output(&mut ctx, &run, &state, &catcher, &context, error_output)
            };
            match work {
                Ok((output, assigned)) => {
                    self.exit_state(f, run, output, Some(catcher.next.clone()), assigned)
                }
                Err(e) => {
                    let e = self.prefixed(&run, e);
                    self.fail_frame(f, e)
                }
            }
            return;
        }
        let in_branch = self.frames[f as usize].parent.is_some();
        if in_branch && matches!(state.kind, StateKind::Task(_)) {
            // A Task whose failure ends a Parallel branch or a Map iteration is aborted with it;
            // what follows still names the failure as its previous event.
            let failure = self.frames[f as usize].last_event;
            self.emit(f, EventType::TaskStateAborted, |_| EventDetails::None);
            self.frames[f as usize].last_event = failure;
        }
        self.fail_frame(f, err);
    }
}

/// The retrier that handles `error` in `state`, with its index: the first whose ErrorEquals
/// names it. Only Task, Parallel and Map states retry.
pub(crate) fn matching_retrier<'s>(state: &'s State, error: &str) -> Option<(usize, &'s Retrier)> {
    matching_retrier_as(state, error, true)
}

fn matching_retrier_as<'s>(
    state: &'s State,
    error: &str,
    terminal_limit: bool,
) -> Option<(usize, &'s Retrier)> {
    let retries = matches!(
        state.kind,
        StateKind::Task(_) | StateKind::Parallel { .. } | StateKind::Map(_)
    );
    if !retries {
        return None;
    }
    state
        .retry
        .iter()
        .enumerate()
        .find(|(_, retrier)| error_matches_as(&retrier.error_equals, error, terminal_limit))
}

/// The wait before the retry that follows `attempts` earlier ones, in seconds, before jitter:
/// IntervalSeconds × BackoffRate^attempts, at most MaxDelaySeconds.
pub(crate) fn backoff_seconds(retrier: &Retrier, attempts: u64) -> f64 {
    let delay = retrier.interval_seconds * retrier.backoff_rate.powf(attempts as f64);
    match retrier.max_delay_seconds {
        Some(max) => delay.min(max),
        None => delay,
    }
}

/// The catcher that handles `error` in `state`, with its index: the first whose ErrorEquals
/// names it.
pub(crate) fn matching_catcher<'s>(state: &'s State, error: &str) -> Option<(usize, &'s Catcher)> {
    matching_catcher_as(state, error, true)
}

fn matching_catcher_as<'s>(
    state: &'s State,
    error: &str,
    terminal_limit: bool,
) -> Option<(usize, &'s Catcher)> {
    state
        .catch
        .iter()
        .enumerate()
        .find(|(_, catcher)| error_matches_as(&catcher.error_equals, error, terminal_limit))
}

/// The output (and variables) of a state whose error a catcher caught.
pub(crate) fn catch_output(
    ctx: &mut Ctx,
    run: &Running,
    state: &State,
    catcher: &asl::model::Catcher,
    context: &Value,
    error_output: Value,
) -> Result<(Value, Option<Map<String, Value>>), StatesError> {
    let states = StatesVar {
        error_output: Some(&error_output),
        ..states_of(&run.input, context)
    };
    let assigned = match &catcher.assign {
        Some(a) => Some(evaluate_assign(a, &error_output, &states, ctx, context)?),
        None => None,
    };
    let output = if state.is_jsonata() {
        match &catcher.output {
            Some(t) => {
                let vars = ctx.vars();
                t.eval(&states, &vars, &mut ctx.env, "Output")?
            }
            None => error_output,
        }
    } else {
        apply_result_path(&catcher.result_path, &run.input, error_output)?
    };
    Ok((output, assigned))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::interpreter::test_support::{assert_succeeded, event_types, run_timers, start};
    use crate::interpreter::Status;

    fn failing_parallel(handlers: serde_json::Value) -> serde_json::Value {
        let mut p = json!({"Type": "Parallel", "Next": "Done", "Branches": [
            {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "Cause": "c"}}}]});
        for (k, v) in handlers.as_object().unwrap() {
            p[k] = v.clone();
        }
        json!({"StartAt": "P", "States": {"P": p, "Done": {"Type": "Succeed"}}})
    }

    #[test]
    fn a_retrier_runs_the_state_again_after_its_interval() {
        let mut exec = start(
            failing_parallel(json!({"Retry": [
                {"ErrorEquals": ["E"], "IntervalSeconds": 2, "MaxAttempts": 2}]})),
            json!({}),
        );
        assert!(exec.is_running(), "waits out the back-off");
        run_timers(&mut exec);
        assert_eq!(exec.status, Status::Failed);
        let entered = event_types(&exec)
            .iter()
            .filter(|t| **t == "ParallelStateEntered")
            .count();
        assert_eq!(entered, 1, "a retry does not enter the state again");
        let started = event_types(&exec)
            .iter()
            .filter(|t| **t == "ParallelStateStarted")
            .count();
        assert_eq!(started, 3);
    }

    #[test]
    fn a_catcher_goes_on_with_the_error_output() {
        let exec = start(
            failing_parallel(json!({"Catch": [
                {"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "Done"}]})),
            json!({"k": 1}),
        );
        assert_succeeded(&exec, json!({"k": 1, "err": {"Error": "E", "Cause": "c"}}));
    }

    #[test]
    fn backoff_grows_by_its_rate_up_to_the_max_delay() {
        let retrier = asl::model::Retrier {
            error_equals: vec!["E".into()],
            interval_seconds: 1.0,
            max_attempts: 5,
            backoff_rate: 2.0,
            max_delay_seconds: Some(5.0),
            jitter_full: false,
        };
        let waits: Vec<f64> = (0..4)
            .map(|n| super::backoff_seconds(&retrier, n))
            .collect();
        assert_eq!(waits, [1.0, 2.0, 4.0, 5.0]);
    }
}
