//! Pass: its input (or its Result) through the data flow.

use std::borrow::Cow;

use asl::model::State;
use asl::{Scope, StatesError};
use serde_json::Value;

use super::context::Ctx;
use super::data_flow::{apply_input_path, jsonata_exit, jsonpath_exit};
use super::frame::Running;
use super::work::Work;

pub(super) fn evaluate(
    ctx: &mut Ctx,
    run: &Running,
    state: &State,
    context: &Value,
    jsonata: bool,
    result: &Option<Value>,
) -> Result<Work, StatesError> {
    if jsonata {
        return jsonata_exit(ctx, run, state, context, None, None);
    }
    let vars = ctx.vars();
    let result = {
        let mut effective = apply_input_path(&state.input_path, &run.input, context, &vars)?;
        ctx.inspect(|i| i.after_input_path = Some(effective.as_ref().clone()));
        if let Some(params) = &state.parameters {
            let scope = Scope::new(&effective, context, &vars);
            effective = Cow::Owned(params.eval(&scope, &mut ctx.env)?);
        }
        ctx.inspect(|i| i.after_parameters = Some(effective.as_ref().clone()));
        match result {
            Some(r) => {
                ctx.inspect(|i| i.result = Some(r.clone()));
                r.clone()
            }
            None => effective.into_owned(),
        }
    };
    jsonpath_exit(ctx, run, state, context, result, None)
}
