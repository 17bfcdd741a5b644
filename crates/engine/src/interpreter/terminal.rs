//! Succeed and Fail: the states that end their frame.

use asl::model::{FailSpec, State};
use asl::StatesError;
use serde_json::Value;

use super::context::Ctx;
use super::data_flow::{
    apply_input_path, apply_output_path, evaluate_field, jsonata_exit, value_to_text,
};
use super::frame::Running;
use super::work::Work;

pub(super) fn evaluate_succeed(
    ctx: &mut Ctx,
    run: &Running,
    state: &State,
    context: &Value,
    jsonata: bool,
) -> Result<Work, StatesError> {
    if jsonata {
        return jsonata_exit(ctx, run, state, context, None, None);
    }
    let vars = ctx.vars();
    let effective = apply_input_path(&state.input_path, &run.input, context, &vars)?;
    ctx.inspect(|i| i.after_input_path = Some(effective.as_ref().clone()));
    let output = apply_output_path(&state.output_path, effective.into_owned(), context, &vars)?;
    Ok(Work::Exit {
        output,
        next: None,
        assigned: None,
    })
}

pub(super) fn evaluate_fail(
    ctx: &mut Ctx,
    run: &Running,
    context: &Value,
    jsonata: bool,
    spec: &FailSpec,
) -> Result<Work, StatesError> {
    if !jsonata {
        // A Fail state has no InputPath: its effective input is its input.
        ctx.inspect(|i| i.after_input_path = Some(run.input.clone()));
    }
    let error = match &spec.error {
        Some(f) => value_to_text(evaluate_field(f, &run.input, context, ctx, "Error")?),
        None => String::new(),
    };
    let cause = match &spec.cause {
        Some(f) => value_to_text(evaluate_field(f, &run.input, context, ctx, "Cause")?),
        None => String::new(),
    };
    Ok(Work::Fail(StatesError::new(error, cause)))
}
