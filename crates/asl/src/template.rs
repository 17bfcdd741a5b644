//! Payload templates (Parameters, ResultSelector, ItemSelector, a Map iterator's Parameters,
//! Assign) and the input/output processing paths of JSONPath states (InputPath, OutputPath,
//! ResultPath, ItemsPath).
//!
//! Each function returns `StatesError`s whose `cause` is only the detail; the engine adds
//! `An error occurred while executing the state '<name>' (entered at the event id #<n>). ` in
//! front where AWS does (see [`REFERENCE_PATH_CONFLICT`] for where it does not).
//!
//! | Site | Error | Cause |
//! |------|-------|-------|
//! | template field `k.$` (path matches nothing) | `States.Runtime` | `The JSONPath '<path>' specified for the field '<k>.$' could not be found in the input '<document as compact JSON>'` |
//! | template field on a `null` state input | `States.Runtime` | `Unable to apply Path transformation to null or empty input.` |
//! | template field `k.$` with an intrinsic function | whatever [`IntrinsicCall::eval`] returns | |
//! | InputPath / OutputPath (definite path matches nothing) | `States.Runtime` | `Invalid path '<path>' : <Jayway message>`, e.g. `Invalid path '$.x' : No results for path: $['x']` |
//! | InputPath / OutputPath below the root of a `null` input | `States.Runtime` | `Unable to apply Path transformation to null or empty input.` |
//! | ResultPath, the input is not an object or array | `States.ReferencePathConflict` | `Unable to apply ReferencePath <path> to input <input as compact JSON>` |
//! | ResultPath, a step meets a value it cannot go through | `States.ReferencePathConflict` | `Unable to apply step "<name>" to input <input as compact JSON>` |
//! | ItemsPath (same reference-path rules, reading) | `States.ReferencePathConflict` | the two ResultPath texts |
//!
//! The document quoted by a template-field error is the one the path reads: the state input for
//! `$…` (and for `$var…`), the context object for `$$…`. The ResultPath/ItemsPath texts come from
//! AWS executions quoted in public reports; the InputPath/OutputPath texts are Jayway's
//! `PathNotFoundException` messages behind AWS's `Invalid path '…' : ` prefix (the one for an
//! undefined variable, `The variable 'x' is not defined`, is ours: no recording shows AWS's).
//! Whether ItemsPath selected an array is the Map state's business, not checked here.

use std::borrow::Cow;
use std::sync::Arc;

use serde_json::Map;

use crate::intrinsics::IntrinsicCall;
use crate::jsonpath::{effective_index, JsonPath, Step};
use crate::{Environment, Scope, StatesError, Value, Variables};

/// Error name AWS gives when a reference path (ResultPath, ItemsPath) cannot be applied. AWS
/// reports these causes without the "An error occurred while executing the state …" prefix.
pub const REFERENCE_PATH_CONFLICT: &str = "States.ReferencePathConflict";

const NULL_INPUT_CAUSE: &str = "Unable to apply Path transformation to null or empty input.";

/// A compiled payload template: keys ending in `.$` are JSONPaths or intrinsic functions.
/// Cloning shares the compiled form.
#[derive(Debug, Clone)]
pub struct Template {
    root: Arc<TemplateNode>,
}

#[derive(Debug)]
enum TemplateNode {
    /// A subtree without any `.$` key, copied as is.
    Constant(Value),
    /// Output keys (without `.$`) and their values, in definition order.
    Object(Vec<(String, TemplateNode)>),
    Array(Vec<TemplateNode>),
    /// `"<field>": "$…"`; `field` keeps the `.$` for error messages.
    Path {
        field: String,
        path: JsonPath,
    },
    /// `"<field>": "States.…(…)"`.
    Intrinsic(IntrinsicCall),
}

impl Template {
    /// Compiles a template. Errors describe the offending field the way AWS's definition
    /// validation does (`The value for the field 'a.$' must be a valid JSONPath or a valid
    /// intrinsic function call`).
    pub fn compile(template: &Value) -> Result<Template, String> {
        Ok(Template {
            root: Arc::new(compile_node(template)?),
        })
    }

    /// True when the template has no `.$` field at all.
    pub fn is_constant(&self) -> bool {
        matches!(*self.root, TemplateNode::Constant(_))
    }

    /// Builds the payload. `$` is `scope.input` (the effective input, or the task result for
    /// ResultSelector), `$$` the context object, `$name` a variable.
    pub fn eval(&self, scope: &Scope, env: &mut dyn Environment) -> Result<Value, StatesError> {
        eval_node(&self.root, scope, env)
    }
}

fn compile_node(value: &Value) -> Result<TemplateNode, String> {
    match value {
        Value::Object(map) => {
            let mut entries = Vec::with_capacity(map.len());
            let mut dynamic = false;
            for (key, value) in map {
                let node = match key.strip_suffix(".$") {
                    Some(output_key) => {
                        dynamic = true;
                        (output_key.to_string(), compile_field(key, value)?)
                    }
                    None => {
                        let node = compile_node(value)?;
                        dynamic |= !matches!(node, TemplateNode::Constant(_));
                        (key.clone(), node)
                    }
                };
                entries.push(node);
            }
            Ok(if dynamic {
                TemplateNode::Object(entries)
            } else {
                TemplateNode::Constant(value.clone())
            })
        }
        Value::Array(items) => {
            let nodes = items
                .iter()
                .map(compile_node)
                .collect::<Result<Vec<_>, _>>()?;
            Ok(
                if nodes
                    .iter()
                    .all(|node| matches!(node, TemplateNode::Constant(_)))
                {
                    TemplateNode::Constant(value.clone())
                } else {
                    TemplateNode::Array(nodes)
                },
            )
        }
        other => Ok(TemplateNode::Constant(other.clone())),
    }
}

fn compile_field(field: &str, value: &Value) -> Result<TemplateNode, String> {
    let invalid = || {
        format!(
            "The value for the field '{field}' must be a valid JSONPath or a valid intrinsic function call"
        )
    };
    let Value::String(text) = value else {
        return Err(format!(
            "The value for the field '{field}' must be a STRING that contains a JSONPath but was {}",
            json_node_type(value)
        ));
    };
    if text.starts_with('$') {
        let path = JsonPath::parse(text).map_err(|_| invalid())?;
        Ok(TemplateNode::Path {
            field: field.to_string(),
            path,
        })
    } else if text.starts_with("States.") {
        let call = IntrinsicCall::parse(text).map_err(|_| invalid())?;
        Ok(TemplateNode::Intrinsic(call))
    } else {
        Err(invalid())
    }
}

/// Jackson's name for the type of a JSON value, with its article.
fn json_node_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "a NULL",
        Value::Bool(_) => "a BOOLEAN",
        Value::Number(_) => "a NUMBER",
        Value::String(_) => "a STRING",
        Value::Array(_) => "an ARRAY",
        Value::Object(_) => "an OBJECT",
    }
}

fn eval_node(
    node: &TemplateNode,
    scope: &Scope,
    env: &mut dyn Environment,
) -> Result<Value, StatesError> {
    match node {
        TemplateNode::Constant(value) => Ok(value.clone()),
        TemplateNode::Object(entries) => {
            let mut map = Map::with_capacity(entries.len());
            for (key, node) in entries {
                map.insert(key.clone(), eval_node(node, scope, env)?);
            }
            Ok(Value::Object(map))
        }
        TemplateNode::Array(nodes) => nodes
            .iter()
            .map(|node| eval_node(node, scope, env))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        TemplateNode::Path { field, path } => eval_field_path(field, path, scope),
        TemplateNode::Intrinsic(call) => call.eval(scope, env),
    }
}

fn eval_field_path(field: &str, path: &JsonPath, scope: &Scope) -> Result<Value, StatesError> {
    if path.starts_at_input() && scope.input.is_null() {
        return Err(StatesError::runtime(NULL_INPUT_CAUSE));
    }
    path.select(scope).map(Cow::into_owned).map_err(|_| {
        let document = if path.starts_at_context() {
            scope.context
        } else {
            scope.input
        };
        StatesError::runtime(format!(
            "The JSONPath '{}' specified for the field '{}' could not be found in the input '{}'",
            path.text(),
            field,
            compact_json(document)
        ))
    })
}

/// JSON as AWS prints it in error messages: compact, keys in document order.
fn compact_json(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// True when `path` reads below the root of the state input and that input is `null`.
fn reads_into_null_input(path: &JsonPath, input: &Value) -> bool {
    input.is_null() && !path.is_root() && path.starts_at_input()
}

/// InputPath of a JSONPath state. `None` is `"InputPath": null`, which makes the effective input
/// `{}`. The result borrows from the scope when it can (`$`, `$.a.b`).
pub fn apply_input_path<'a>(
    path: Option<&JsonPath>,
    scope: &Scope<'a>,
) -> Result<Cow<'a, Value>, StatesError> {
    let Some(path) = path else {
        return Ok(Cow::Owned(Value::Object(Map::new())));
    };
    if reads_into_null_input(path, scope.input) {
        return Err(StatesError::runtime(NULL_INPUT_CAUSE));
    }
    path.select(scope)
        .map_err(|not_found| not_found.invalid_path_error())
}

/// OutputPath of a JSONPath state, applied to the state output (which `$` refers to). `None` is
/// `"OutputPath": null`, which makes the output `{}`. A definite path moves the selected part
/// out of `output` instead of copying it.
pub fn apply_output_path(
    path: Option<&JsonPath>,
    output: Value,
    context: &Value,
    variables: &dyn Variables,
) -> Result<Value, StatesError> {
    let Some(path) = path else {
        return Ok(Value::Object(Map::new()));
    };
    if reads_into_null_input(path, &output) {
        return Err(StatesError::runtime(NULL_INPUT_CAUSE));
    }
    if path.starts_at_input() {
        if path.is_root() {
            return Ok(output);
        }
        return path
            .select_owned(output)
            .map_err(|not_found| not_found.invalid_path_error());
    }
    let scope = Scope::new(&output, context, variables);
    path.select(&scope)
        .map(Cow::into_owned)
        .map_err(|not_found| not_found.invalid_path_error())
}

/// ResultPath of a JSONPath state: `None` (`"ResultPath": null`) keeps the raw input and
/// discards the result; `$` replaces the input by the result; `$.a.b` writes the result into the
/// raw input (see [`set_reference_path`]).
pub fn apply_result_path(
    raw_input: Value,
    path: Option<&JsonPath>,
    result: Value,
) -> Result<Value, StatesError> {
    match path {
        None => Ok(raw_input),
        Some(path) => set_reference_path(raw_input, path, result),
    }
}

/// Writes `value` into `target` at the reference path `path` (ResultPath): `$` replaces the
/// whole input; `$.a.b` creates missing objects on the way; `$.list[1].x` goes through an
/// existing array element. A target that is not an object or array, or a step that meets a
/// value it cannot go through (a field of a non-object, an index of a non-array or beyond its
/// end), is a `States.ReferencePathConflict`.
pub fn set_reference_path(
    mut target: Value,
    path: &JsonPath,
    value: Value,
) -> Result<Value, StatesError> {
    let steps = path.steps();
    if steps.is_empty() {
        return Ok(value);
    }
    check_reference_write(&target, path)?;
    let mut current = &mut target;
    for step in steps {
        current = match (step, current) {
            (Step::Field { name, .. }, Value::Object(map)) => map
                .entry(name.clone())
                .or_insert_with(|| Value::Object(Map::new())),
            (Step::Index(index), Value::Array(items)) => {
                match effective_index(items.len(), *index).and_then(|i| items.get_mut(i)) {
                    Some(item) => item,
                    None => return Err(step_conflict(path, step, &Value::Null)),
                }
            }
            // `check_reference_write` has ruled these out.
            _ => return Err(step_conflict(path, step, &Value::Null)),
        };
    }
    *current = value;
    Ok(target)
}

/// Checks, without changing anything, that `path` can be written into `target`, so that an
/// error can quote the input as it was.
fn check_reference_write(target: &Value, path: &JsonPath) -> Result<(), StatesError> {
    if !(target.is_object() || target.is_array()) {
        return Err(reference_path_conflict(path, target));
    }
    let mut current = Some(target);
    for step in path.steps() {
        let Some(node) = current else {
            // Below a missing member everything is created, which only works for names.
            if matches!(step, Step::Field { .. }) {
                continue;
            }
            return Err(step_conflict(path, step, target));
        };
        current = match (step, node) {
            (Step::Field { name, .. }, Value::Object(map)) => map.get(name.as_str()),
            (Step::Index(index), Value::Array(items)) => {
                match effective_index(items.len(), *index) {
                    Some(position) => items.get(position),
                    None => return Err(step_conflict(path, step, target)),
                }
            }
            _ => return Err(step_conflict(path, step, target)),
        };
    }
    Ok(())
}

/// ItemsPath of a Map state: a reference path read from the effective input (or from the
/// context object or a variable). A miss is a `States.ReferencePathConflict` with the
/// ResultPath wording.
pub fn select_items<'a>(
    items_path: &JsonPath,
    scope: &Scope<'a>,
) -> Result<Cow<'a, Value>, StatesError> {
    if !items_path.is_reference_path() {
        // Definition validation only lets reference paths through; evaluate others generally.
        return items_path
            .select(scope)
            .map_err(|not_found| not_found.invalid_path_error());
    }
    let document = items_path.document(scope).ok_or_else(|| {
        StatesError::new(
            REFERENCE_PATH_CONFLICT,
            format!(
                "Unable to apply ReferencePath {} to input {}",
                items_path.text(),
                compact_json(scope.input)
            ),
        )
    })?;
    let steps = items_path.steps();
    if steps.is_empty() {
        return Ok(Cow::Borrowed(document));
    }
    if !(document.is_object() || document.is_array()) {
        return Err(reference_path_conflict(items_path, document));
    }
    let mut current = document;
    for step in steps {
        let next = match (step, current) {
            (Step::Field { name, .. }, Value::Object(map)) => map.get(name.as_str()),
            (Step::Index(index), Value::Array(items)) => {
                effective_index(items.len(), *index).and_then(|i| items.get(i))
            }
            _ => None,
        };
        current = next.ok_or_else(|| step_conflict(items_path, step, document))?;
    }
    Ok(Cow::Borrowed(current))
}

fn reference_path_conflict(path: &JsonPath, input: &Value) -> StatesError {
    StatesError::new(
        REFERENCE_PATH_CONFLICT,
        format!(
            "Unable to apply ReferencePath {} to input {}",
            path.text(),
            compact_json(input)
        ),
    )
}

fn step_conflict(path: &JsonPath, step: &Step, input: &Value) -> StatesError {
    let label = match step {
        Step::Field { name, .. } => name.clone(),
        Step::Index(index) => format!("[{index}]"),
        _ => path.text().to_string(),
    };
    StatesError::new(
        REFERENCE_PATH_CONFLICT,
        format!(
            "Unable to apply step \"{label}\" to input {}",
            compact_json(input)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::FixedEnvironment;
    use crate::NoVariables;
    use serde_json::json;

    fn path(text: &str) -> JsonPath {
        JsonPath::parse(text).unwrap_or_else(|error| panic!("{text}: {error}"))
    }

    fn render(template: Value, input: &Value, context: &Value) -> Result<Value, StatesError> {
        let template = Template::compile(&template).map_err(StatesError::runtime)?;
        template.eval(
            &Scope::new(input, context, &NoVariables),
            &mut FixedEnvironment::new(),
        )
    }

    #[test]
    fn templates_resolve_paths_recursively() {
        let input = json!({"vals": [0, 10, 20, 30, 40, 50], "name": "x"});
        let context = json!({"Execution": {"Id": "arn:exec"}});
        let rendered = render(
            json!({
                "flagged": true,
                "parts": {"first.$": "$.vals[0]", "last3.$": "$.vals[3:]"},
                "list": [{"n.$": "$.name"}, "$.name", 1],
                "id.$": "$$.Execution.Id",
                "whole.$": "$",
                "literal": "$.name"
            }),
            &input,
            &context,
        );
        assert_eq!(
            rendered,
            Ok(json!({
                "flagged": true,
                "parts": {"first": 0, "last3": [30, 40, 50]},
                "list": [{"n": "x"}, "$.name", 1],
                "id": "arn:exec",
                "whole": input.clone(),
                "literal": "$.name"
            }))
        );
    }

    #[test]
    fn constant_templates_are_copied() {
        let template =
            Template::compile(&json!({"a": [1, {"b": "$.c"}]})).unwrap_or_else(|e| panic!("{e}"));
        assert!(template.is_constant());
        assert!(!Template::compile(&json!({"a": [{"b.$": "$"}]}))
            .unwrap_or_else(|e| panic!("{e}"))
            .is_constant());
    }

    #[test]
    fn template_keys_keep_definition_order() {
        let rendered = render(
            json!({"z": 1, "a.$": "$.v", "m": 2}),
            &json!({"v": 0}),
            &json!({}),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let keys: Vec<&String> = rendered
            .as_object()
            .map(|m| m.keys().collect())
            .unwrap_or_default();
        assert_eq!(keys, ["z", "a", "m"]);
    }

    #[test]
    fn missing_template_path_is_a_runtime_error() {
        // As in AWS's workshop: States.Runtime, the field with its `.$`, the compact input.
        assert_eq!(
            render(
                json!({"address.$": "$.application.address"}),
                &json!({"flagged": false}),
                &json!({})
            ),
            Err(StatesError::runtime(
                "The JSONPath '$.application.address' specified for the field 'address.$' could not be found in the input '{\"flagged\":false}'"
            ))
        );
        assert_eq!(
            render(
                json!({"outer": {"Jobs.$": "$.Jobs.sum()"}}),
                &json!({"Jobs": [0, 1]}),
                &json!({})
            ),
            Err(StatesError::runtime(
                "The JSONPath '$.Jobs.sum()' specified for the field 'Jobs.$' could not be found in the input '{\"Jobs\":[0,1]}'"
            ))
        );
        assert_eq!(
            render(
                json!({"t.$": "$$.Task.Token"}),
                &json!({}),
                &json!({"Execution": {}})
            ),
            Err(StatesError::runtime(
                "The JSONPath '$$.Task.Token' specified for the field 't.$' could not be found in the input '{\"Execution\":{}}'"
            ))
        );
    }

    #[test]
    fn indefinite_template_paths_never_fail() {
        assert_eq!(
            render(
                json!({"item.$": "$.items[*].itemValue"}),
                &json!({}),
                &json!({})
            ),
            Ok(json!({"item": []}))
        );
    }

    #[test]
    fn template_on_null_input() {
        assert_eq!(
            render(json!({"Input.$": "$"}), &Value::Null, &json!({})),
            Err(StatesError::runtime(NULL_INPUT_CAUSE))
        );
        assert_eq!(
            render(json!({"c.$": "$$.a"}), &Value::Null, &json!({"a": 1})),
            Ok(json!({"c": 1}))
        );
        assert_eq!(
            render(json!({"k": 1}), &Value::Null, &json!({})),
            Ok(json!({"k": 1}))
        );
    }

    #[test]
    fn templates_read_variables() {
        let mut variables = Map::new();
        variables.insert("answer".into(), json!({"value": 42}));
        let template = Template::compile(&json!({"a.$": "$answer.value", "b.$": "$answer"}))
            .unwrap_or_else(|e| panic!("{e}"));
        let input = json!({});
        let context = json!({});
        assert_eq!(
            template.eval(
                &Scope::new(&input, &context, &variables),
                &mut FixedEnvironment::new()
            ),
            Ok(json!({"a": 42, "b": {"value": 42}}))
        );
    }

    #[test]
    fn template_compile_errors() {
        assert_eq!(
            Template::compile(&json!({"a.$": 1})).err(),
            Some("The value for the field 'a.$' must be a STRING that contains a JSONPath but was a NUMBER".into())
        );
        assert_eq!(
            Template::compile(&json!({"nested": {"a.$": "not a path"}})).err(),
            Some("The value for the field 'a.$' must be a valid JSONPath or a valid intrinsic function call".into())
        );
        assert_eq!(
            Template::compile(&json!({"a.$": "$.b["})).err(),
            Some("The value for the field 'a.$' must be a valid JSONPath or a valid intrinsic function call".into())
        );
    }

    #[test]
    fn input_path() {
        let input = json!({"detail": {"x": 1}, "arr": [1, 2]});
        let context = json!({"Execution": {"Input": {"k": "v"}}});
        let scope = Scope::new(&input, &context, &NoVariables);
        assert_eq!(
            apply_input_path(None, &scope).map(Cow::into_owned),
            Ok(json!({}))
        );
        assert!(matches!(
            apply_input_path(Some(&path("$")), &scope),
            Ok(Cow::Borrowed(_))
        ));
        assert_eq!(
            apply_input_path(Some(&path("$.detail")), &scope).map(Cow::into_owned),
            Ok(json!({"x": 1}))
        );
        assert_eq!(
            apply_input_path(Some(&path("$$.Execution.Input")), &scope).map(Cow::into_owned),
            Ok(json!({"k": "v"}))
        );
        assert_eq!(
            apply_input_path(Some(&path("$.missing")), &scope),
            Err(StatesError::runtime(
                "Invalid path '$.missing' : No results for path: $['missing']"
            ))
        );
        assert_eq!(
            apply_input_path(Some(&path("$.a.b")), &scope),
            Err(StatesError::runtime(
                "Invalid path '$.a.b' : Missing property in path $['a']"
            ))
        );
        let null = Value::Null;
        let null_scope = Scope::new(&null, &context, &NoVariables);
        assert_eq!(
            apply_input_path(Some(&path("$")), &null_scope).map(Cow::into_owned),
            Ok(Value::Null)
        );
        assert_eq!(
            apply_input_path(Some(&path("$.a")), &null_scope),
            Err(StatesError::runtime(NULL_INPUT_CAUSE))
        );
    }

    #[test]
    fn output_path() {
        let context = json!({"Execution": {"Input": {"input-value": 0}}});
        let output = json!({"result_path": {"merged": {"a": 1}}});
        let apply = |text: Option<&str>| {
            let path = text.map(path);
            apply_output_path(path.as_ref(), output.clone(), &context, &NoVariables)
        };
        assert_eq!(apply(None), Ok(json!({})));
        assert_eq!(apply(Some("$")), Ok(output.clone()));
        // Recorded case JSON_MERGE_ESCAPED_ARGUMENT uses OutputPath $.result_path.merged.
        assert_eq!(apply(Some("$.result_path.merged")), Ok(json!({"a": 1})));
        // Recorded case CONTEXT_OBJECT_OUTPUT_PATH[$$.Execution.Input].
        assert_eq!(
            apply(Some("$$.Execution.Input")),
            Ok(json!({"input-value": 0}))
        );
        assert_eq!(
            apply(Some("$.Payload")),
            Err(StatesError::runtime(
                "Invalid path '$.Payload' : No results for path: $['Payload']"
            ))
        );
        let mut variables = Map::new();
        variables.insert("theAnswer".into(), json!(42));
        assert_eq!(
            apply_output_path(Some(&path("$theAnswer")), json!({}), &context, &variables),
            Ok(json!(42))
        );
    }

    #[test]
    fn result_path_writes_into_the_input() {
        let input = json!({"comment": "This is a test", "details": "Default example"});
        let result = json!("Hello, Step Functions!");
        assert_eq!(
            apply_result_path(input.clone(), None, result.clone()),
            Ok(input.clone())
        );
        assert_eq!(
            apply_result_path(input.clone(), Some(&path("$")), result.clone()),
            Ok(result.clone())
        );
        assert_eq!(
            apply_result_path(input.clone(), Some(&path("$.taskresult")), result.clone()),
            Ok(
                json!({"comment": "This is a test", "details": "Default example", "taskresult": "Hello, Step Functions!"})
            )
        );
        // Missing objects are created; existing members are replaced whatever they hold.
        assert_eq!(
            set_reference_path(json!({"a": {"keep": 1}}), &path("$.a.b.c"), json!(2)),
            Ok(json!({"a": {"keep": 1, "b": {"c": 2}}}))
        );
        assert_eq!(
            set_reference_path(json!({"a": "old"}), &path("$.a"), json!({"new": true})),
            Ok(json!({"a": {"new": true}}))
        );
        assert_eq!(
            set_reference_path(json!({}), &path("$['odd key']"), json!(1)),
            Ok(json!({"odd key": 1}))
        );
        // Recorded case test_map_state: ResultPath $.arr on {}.
        assert_eq!(
            set_reference_path(
                json!({}),
                &path("$.arr"),
                json!([1, "Hello", {}, null, 3.3])
            ),
            Ok(json!({"arr": [1, "Hello", {}, null, 3.3]}))
        );
    }

    #[test]
    fn result_path_through_arrays() {
        let input = json!([{"a": 1}, {"id": 7}, {"c": 3}, 4]);
        assert_eq!(
            set_reference_path(input.clone(), &path("$[1].payload"), json!({"s": 1})),
            Ok(json!([{"a": 1}, {"id": 7, "payload": {"s": 1}}, {"c": 3}, 4]))
        );
        assert_eq!(
            set_reference_path(input.clone(), &path("$[-1]"), json!(5)),
            Ok(json!([{"a": 1}, {"id": 7}, {"c": 3}, 5]))
        );
        assert_eq!(
            set_reference_path(input, &path("$[9].x"), json!(5)),
            Err(StatesError::new(
                REFERENCE_PATH_CONFLICT,
                "Unable to apply step \"[9]\" to input [{\"a\":1},{\"id\":7},{\"c\":3},4]"
            ))
        );
    }

    #[test]
    fn result_path_conflicts() {
        assert_eq!(
            set_reference_path(json!("input1"), &path("$.someTaskResult"), json!(1)),
            Err(StatesError::new(
                REFERENCE_PATH_CONFLICT,
                "Unable to apply ReferencePath $.someTaskResult to input \"input1\""
            ))
        );
        assert_eq!(
            set_reference_path(Value::Null, &path("$.x"), json!(1)),
            Err(StatesError::new(
                REFERENCE_PATH_CONFLICT,
                "Unable to apply ReferencePath $.x to input null"
            ))
        );
        assert_eq!(
            set_reference_path(json!([1, 2]), &path("$.catalogBuilderOutput"), json!(1)),
            Err(StatesError::new(
                REFERENCE_PATH_CONFLICT,
                "Unable to apply step \"catalogBuilderOutput\" to input [1,2]"
            ))
        );
        assert_eq!(
            set_reference_path(json!({"a": "text"}), &path("$.a.b"), json!(1)),
            Err(StatesError::new(
                REFERENCE_PATH_CONFLICT,
                "Unable to apply step \"b\" to input {\"a\":\"text\"}"
            ))
        );
        assert_eq!(
            set_reference_path(json!({"a": null}), &path("$.a.b"), json!(1)),
            Err(StatesError::new(
                REFERENCE_PATH_CONFLICT,
                "Unable to apply step \"b\" to input {\"a\":null}"
            ))
        );
        assert_eq!(
            set_reference_path(json!({}), &path("$.a[0]"), json!(1)),
            Err(StatesError::new(
                REFERENCE_PATH_CONFLICT,
                "Unable to apply step \"[0]\" to input {}"
            ))
        );
        // `$` replaces even a scalar input.
        assert_eq!(
            set_reference_path(json!("input1"), &path("$"), json!(1)),
            Ok(json!(1))
        );
    }

    #[test]
    fn items_path() {
        let input = json!({"content": {"values": [1, 2]}, "sub-values": [3], "s": "x"});
        let context = json!({"Execution": {"Input": {"items": [4]}}});
        let mut variables = Map::new();
        variables.insert("items".into(), json!([5, 6]));
        let scope = Scope::new(&input, &context, &variables);
        let items = |text: &str| select_items(&path(text), &scope).map(Cow::into_owned);
        assert_eq!(items("$.content.values"), Ok(json!([1, 2])));
        assert_eq!(items("$.sub-values"), Ok(json!([3])));
        assert_eq!(items("$"), Ok(input.clone()));
        assert_eq!(items("$$.Execution.Input.items"), Ok(json!([4])));
        assert_eq!(items("$items"), Ok(json!([5, 6])));
        assert_eq!(
            items("$.missing"),
            Err(StatesError::new(
                REFERENCE_PATH_CONFLICT,
                format!(
                    "Unable to apply step \"missing\" to input {}",
                    compact_json(&input)
                )
            ))
        );
        assert_eq!(
            items("$.content.other"),
            Err(StatesError::new(
                REFERENCE_PATH_CONFLICT,
                format!(
                    "Unable to apply step \"other\" to input {}",
                    compact_json(&input)
                )
            ))
        );
        assert_eq!(
            items("$.s.t"),
            Err(StatesError::new(
                REFERENCE_PATH_CONFLICT,
                format!(
                    "Unable to apply step \"t\" to input {}",
                    compact_json(&input)
                )
            ))
        );
        let scalar = json!("text");
        let scalar_scope = Scope::new(&scalar, &context, &NoVariables);
        assert_eq!(
            select_items(&path("$.items"), &scalar_scope),
            Err(StatesError::new(
                REFERENCE_PATH_CONFLICT,
                "Unable to apply ReferencePath $.items to input \"text\""
            ))
        );
    }
}
