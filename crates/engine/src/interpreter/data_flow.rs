//! The data flow every state shares: InputPath, Parameters/Arguments, ResultSelector,
//! ResultPath, OutputPath/Output and Assign, and the ends of a state in each query language.

use std::borrow::Cow;

use asl::jsonata::StatesVar;
use asl::model::{Assign, NumberField, PathField, State, Transition};
use asl::{Scope, StatesError, Variables};
use serde_json::{Map, Value};

use super::context::{Ctx, FrameVars};
use super::frame::Running;
use super::work::Work;

/// AWS's limit on the size of a state's input or output, and on execution input.
pub const PAYLOAD_LIMIT_BYTES: usize = 256 * 1024;

pub(super) fn path_option(field: &PathField) -> Option<Option<&asl::jsonpath::JsonPath>> {
    match field {
        PathField::Default => None,
        PathField::Null => Some(None),
        PathField::Path(p) => Some(Some(p)),
    }
}

/// InputPath: absent is `$`, null is `{}`. Borrows the input when it can.
pub(super) fn apply_input_path<'a>(
    field: &PathField,
    input: &'a Value,
    context: &'a Value,
    vars: &'a dyn Variables,
) -> Result<Cow<'a, Value>, StatesError> {
    match path_option(field) {
        None => Ok(Cow::Borrowed(input)),
        Some(path) => {
            let scope = Scope::new(input, context, vars);
            asl::template::apply_input_path(path, &scope)
        }
    }
}

/// OutputPath: absent is `$`, null is `{}`.
pub(super) fn apply_output_path(
    field: &PathField,
    output: Value,
    context: &Value,
    vars: &dyn Variables,
) -> Result<Value, StatesError> {
    match path_option(field) {
        None => Ok(output),
        Some(path) => asl::template::apply_output_path(path, output, context, vars),
    }
}

pub(super) fn apply_result_path(
    field: &PathField,
    input: &Value,
    result: Value,
) -> Result<Value, StatesError> {
    match path_option(field) {
        None => Ok(result),
        Some(path) => asl::template::apply_result_path(input.clone(), path, result),
    }
}

pub(super) fn evaluate_assign(
    assign: &Assign,
    json_path_input: &Value,
    states: &StatesVar,
    ctx: &mut Ctx,
    context: &Value,
) -> Result<Map<String, Value>, StatesError> {
    let vars = FrameVars {
        frames: ctx.frames,
        frame: ctx.frame,
    };
    let value = match assign {
        Assign::JsonPath(t) => {
            let scope = Scope::new(json_path_input, context, &vars);
            t.eval(&scope, &mut ctx.env)?
        }
        Assign::Jsonata(t) => t.eval(states, &vars, &mut ctx.env, "Assign")?,
    };
    match value {
        Value::Object(m) => Ok(m),
        _ => Ok(Map::new()),
    }
}

/// Evaluates a number/string field of Wait, Fail, Map (literal, path or JSONata).
pub(super) fn evaluate_field(
    field: &NumberField,
    input: &Value,
    context: &Value,
    ctx: &mut Ctx,
    name: &str,
) -> Result<Value, StatesError> {
    let vars = FrameVars {
        frames: ctx.frames,
        frame: ctx.frame,
    };
    match field {
        NumberField::Literal(v) => Ok(v.clone()),
        NumberField::Path(path) => {
            let scope = Scope::new(input, context, &vars);
            path.eval(&scope)
        }
        NumberField::Intrinsic(call) => {
            let scope = Scope::new(input, context, &vars);
            call.eval(&scope, &mut ctx.env)
        }
        NumberField::Jsonata(t) => t.eval(&states_of(input, context), &vars, &mut ctx.env, name),
    }
}

/// `$states` for an expression that sees only the input: no result, no error output yet.
pub(super) fn states_of<'a>(input: &'a Value, context: &'a Value) -> StatesVar<'a> {
    StatesVar {
        input,
        context,
        result: None,
        error_output: None,
    }
}

/// InputPath (JSONPath, then inspected) or the raw input (JSONata), for the states whose
/// evaluation keeps the effective input for their end (Choice, Wait, Map).
pub(super) fn effective_input(
    ctx: &mut Ctx,
    run: &Running,
    state: &State,
    context: &Value,
    jsonata: bool,
) -> Result<Value, StatesError> {
    if jsonata {
        return Ok(run.input.clone());
    }
    let vars = ctx.vars();
    let effective = apply_input_path(&state.input_path, &run.input, context, &vars)?.into_owned();
    ctx.inspect(|i| i.after_input_path = Some(effective.clone()));
    Ok(effective)
}

/// The error of a JSONata field whose value has the wrong JSON type.
pub(super) fn unexpected_result_type(field: &str, expected: &str, value: &Value) -> StatesError {
    StatesError::query_evaluation(format!(
        "The JSONata expression specified for the field '{field}' returned an unexpected result type. Expected '{expected}', but was '{}' for value: {value}",
        asl::json_type_name(value)
    ))
}

/// InputPath then Parameters (JSONPath) or the raw input (JSONata: Arguments apply per branch).
pub(crate) fn effective_task_input(
    ctx: &mut Ctx,
    run: &Running,
    state: &State,
    context: &Value,
) -> Result<Value, StatesError> {
    if state.is_jsonata() {
        if let Some(args) = &state.arguments {
            let vars = ctx.vars();
            let states = states_of(&run.input, context);
            let arguments = args.eval(&states, &vars, &mut ctx.env, "Arguments")?;
            ctx.inspect(|i| i.after_arguments = Some(arguments.clone()));
            return Ok(arguments);
        }
        return Ok(run.input.clone());
    }
    let vars = ctx.vars();
    let effective = apply_input_path(&state.input_path, &run.input, context, &vars)?;
    ctx.inspect(|i| i.after_input_path = Some(effective.as_ref().clone()));
    let effective = match &state.parameters {
        Some(params) => {
            let scope = Scope::new(&effective, context, &vars);
            params.eval(&scope, &mut ctx.env)?
        }
        None => effective.into_owned(),
    };
    ctx.inspect(|i| i.after_parameters = Some(effective.clone()));
    Ok(effective)
}

pub(super) fn value_to_text(v: Value) -> String {
    match v {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The JSONPath end of a state: ResultSelector was applied already; Assign (on the result),
/// ResultPath, OutputPath.
pub(super) fn jsonpath_exit(
    ctx: &mut Ctx,
    run: &Running,
    state: &State,
    context: &Value,
    result: Value,
    next_override: Option<String>,
) -> Result<Work, StatesError> {
    ctx.inspect(|i| i.after_result_selector = Some(result.clone()));
    let assigned = match &state.assign {
        Some(a) => {
            let states = StatesVar {
                result: Some(&result),
                ..states_of(&run.input, context)
            };
            Some(evaluate_assign(a, &result, &states, ctx, context)?)
        }
        None => None,
    };
    let combined = apply_result_path(&state.result_path, &run.input, result)?;
    ctx.inspect(|i| i.after_result_path = Some(combined.clone()));
    let vars = ctx.vars();
    let output = apply_output_path(&state.output_path, combined, context, &vars)?;
    Ok(Work::Exit {
        output,
        next: next_override.or_else(|| next_of(state)),
        assigned,
    })
}

/// The JSONata end of a state: Output and Assign both see `$states.result` and the variables
/// as they were before this state assigns any.
pub(super) fn jsonata_exit(
    ctx: &mut Ctx,
    run: &Running,
    state: &State,
    context: &Value,
    result: Option<&Value>,
    error_output: Option<&Value>,
) -> Result<Work, StatesError> {
    let states = StatesVar {
        input: &run.input,
        context,
        result,
        error_output,
    };
    let assigned = match &state.assign {
        Some(a) => Some(evaluate_assign(a, &run.input, &states, ctx, context)?),
        None => None,
    };
    let output = match &state.output {
        Some(t) => {
            let vars = ctx.vars();
            t.eval(&states, &vars, &mut ctx.env, "Output")?
        }
        None => result.cloned().unwrap_or_else(|| run.input.clone()),
    };
    Ok(Work::Exit {
        output,
        next: next_of(state),
        assigned,
    })
}

/// The end of a state that produced a result (a Task's, or the results a Parallel or Map
/// state collected): ResultSelector, ResultPath and OutputPath (JSONPath) or Output (JSONata),
/// and Assign.
pub(crate) fn result_exit(
    ctx: &mut Ctx,
    run: &Running,
    state: &State,
    context: &Value,
    result: Value,
) -> Result<Work, StatesError> {
    if state.is_jsonata() {
        return jsonata_exit(ctx, run, state, context, Some(&result), None);
    }
    let selected = match &state.result_selector {
        Some(t) => {
            let vars = ctx.vars();
            let scope = Scope::new(&result, context, &vars);
            t.eval(&scope, &mut ctx.env)?
        }
        None => result,
    };
    jsonpath_exit(ctx, run, state, context, selected, None)
}

pub(super) fn next_of(state: &State) -> Option<String> {
    match &state.transition {
        Transition::Next(n) => Some(n.clone()),
        Transition::End => None,
    }
}

/// Whether `value`, written as compact JSON, is larger than AWS's 256 KiB payload limit. Stops
/// counting as soon as it is.
pub fn exceeds_payload_limit(value: &Value) -> bool {
    fn size(v: &Value, budget: &mut i64) {
        if *budget < 0 {
            return;
        }
        match v {
            Value::Null => *budget -= 4,
            Value::Bool(_) => *budget -= 5,
            // An upper bound for floats; integers by their digits.
            Value::Number(n) => {
                *budget -= match n.as_i64() {
                    Some(i) => i.unsigned_abs().checked_ilog10().unwrap_or(0) as i64 + 2,
                    None => 24,
                }
            }
            // Quotes plus the text; escapes only make it larger, which the exact check sees.
            Value::String(s) => *budget -= s.len() as i64 + 2,
            Value::Array(a) => {
                *budget -= 2 + a.len() as i64;
                for x in a {
                    size(x, budget);
                }
            }
            Value::Object(m) => {
                *budget -= 2 + m.len() as i64;
                for (k, x) in m {
                    *budget -= k.len() as i64 + 3;
                    size(x, budget);
                }
            }
        }
    }
    let mut budget = PAYLOAD_LIMIT_BYTES as i64;
    size(value, &mut budget);
    // Escapes make text longer than estimated, floats shorter: near the limit, measure exactly.
    budget < 4096 && serde_json::to_string(value).map_or(true, |t| t.len() > PAYLOAD_LIMIT_BYTES)
}

pub(super) fn compact(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}
