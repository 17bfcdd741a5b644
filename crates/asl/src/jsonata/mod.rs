//! JSONata for Step Functions: `jsonata-core` plus AWS's `$states`, variables and extra functions.
//!
//! A JSONata state writes expressions as strings of the form `{% expr %}` anywhere in a field
//! ([`JsonataTemplate`]). Each expression is parsed once ([`JsonataExpr::compile`]) and evaluated
//! many times with:
//! - `$states` bound to `{input, context, result?, errorOutput?}` ([`StatesVar`]),
//! - every state machine variable it names bound as `$name` ([`Variables`]),
//! - no context item (`$` is undefined: AWS refuses top-level paths at definition time),
//! - Step Functions' functions `$partition`, `$range`, `$hash`, `$random([seed])`, `$uuid` and
//!   `$parse`; `$eval` refused; `$now`, `$millis`, `$random()` and `$shuffle` drawing on the
//!   [`Environment`] so the engine can record and replay them.
//!
//! Only what an expression can observe is converted from `serde_json`: the variables it names, and
//! of those only the fields its paths read (`$states.input.a` converts `input.a`, not the whole
//! input). A template converts each value once for all its expressions.
//!
//! Failures are `States.QueryEvaluationError` with AWS's wording, naming the expression and the
//! field (`Output`, `Output/result`, `Items`, `Arguments/list[0]` …).

mod analysis;
mod convert;
mod functions;
mod messages;

use std::cell::OnceCell;
use std::collections::BTreeMap;

use jsonata_core::ast::AstNode;
use jsonata_core::evaluator::{Context, Evaluator, EvaluatorError, EvaluatorOptions};
use jsonata_core::value::JValue;
use serde_json::Map;

use crate::{Environment, StatesError, Value, Variables};
use analysis::{Analysis, Usage};

// Also public here, where it was first public.
pub use crate::json_type_name;

/// The `$states` reserved variable of a JSONata state.
pub struct StatesVar<'a> {
    pub input: &'a Value,
    pub context: &'a Value,
    /// `$states.result` — only in Output/Assign after a Task, Parallel or Map.
    pub result: Option<&'a Value>,
    /// `$states.errorOutput` — only in a Catcher's Output/Assign.
    pub error_output: Option<&'a Value>,
}

/// The expression inside `text` when `text` is a JSONata expression string: it starts with `{%`
/// and ends with `%}` (no space outside them), and the expression is what lies between, trimmed.
pub fn expression_text(text: &str) -> Option<&str> {
    let inner = text.strip_prefix("{%")?.strip_suffix("%}")?;
    Some(trim_like_aws(inner))
}

/// Trims as Java's `String.trim` does: every character up to and including U+0020.
fn trim_like_aws(text: &str) -> &str {
    text.trim_matches(|character: char| character <= ' ')
}

/// How long one evaluation may run. AWS bounds evaluation too; without a bound a recursive
/// expression with no base case would hold an engine thread for ever.
const EVALUATION_TIMEOUT_MS: u64 = 5_000;

/// How deeply one evaluation may nest (jsonata-core's count of nested evaluation steps, about three
/// per recursive call). AWS stops near a depth of 100 in its own count; this is well above what it
/// accepts, and keeps a runaway recursion from taking memory for its stack.
const EVALUATION_MAX_DEPTH: usize = 1_000;

/// One JSONata expression (the text between `{%` and `%}`).
#[derive(Debug, Clone)]
pub struct JsonataExpr {
    /// The expression as AWS quotes it in messages (trimmed).
    source: String,
    ast: AstNode,
    analysis: Analysis,
    /// Set when the expression only reads a variable through plain field steps
    /// (`$states.input.a.b`, `$name.x`): such an expression is answered from the engine's JSON
    /// directly, without jsonata.
    field_path: Option<FieldPath>,
}

impl JsonataExpr {
    /// Parses an expression. The error's cause is jsonata's own parser message, such as
    /// `S0207: Unexpected end of expression`.
    pub fn compile(source: &str) -> Result<JsonataExpr, StatesError> {
        let source = trim_like_aws(source);
        let ast = jsonata_core::parser::parse(source)
            .map_err(|error| StatesError::query_evaluation(error.to_string()))?;
        let analysis = Analysis::of(&ast);
        if let Some(message) = analysis.unsupported_syntax {
            return Err(StatesError::query_evaluation(message));
        }
        Ok(JsonataExpr {
            source: source.to_string(),
            field_path: FieldPath::of(&ast),
            ast,
            analysis,
        })
    }

    /// The expression text, as quoted in error messages.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// `Ok(None)` when the expression evaluates to undefined (or to a function, which has no JSON
    /// form). An evaluation failure's cause is jsonata's message alone (`T0410: …`); use
    /// [`JsonataExpr::eval_field`] for AWS's full wording.
    pub fn eval(
        &self,
        states: &StatesVar,
        vars: &dyn Variables,
        env: &mut dyn Environment,
    ) -> Result<Option<Value>, StatesError> {
        let bindings = Bindings::new(&self.analysis.variables, states, vars);
        if let Some(found) = self.read_field_path(&bindings) {
            return Ok(found);
        }
        let result = self
            .evaluate(&bindings, env)
            .map_err(|error| StatesError::query_evaluation(self.message_of(&error)))?;
        Ok(convert::to_json(&result))
    }

    /// Evaluates the expression written in the state field `field` (`Items`, `Seconds`,
    /// `Choices[0]/Condition` …), failing as AWS does when it throws, returns nothing or returns a
    /// function.
    pub fn eval_field(
        &self,
        states: &StatesVar,
        vars: &dyn Variables,
        env: &mut dyn Environment,
        field: &str,
    ) -> Result<Value, StatesError> {
        let bindings = Bindings::new(&self.analysis.variables, states, vars);
        self.eval_bound(&bindings, env, field)
    }

    /// [`JsonataExpr::eval_field`], then a check that the result has the type the field needs.
    pub fn eval_field_as(
        &self,
        states: &StatesVar,
        vars: &dyn Variables,
        env: &mut dyn Environment,
        field: &str,
        expected: ResultType,
    ) -> Result<Value, StatesError> {
        let value = self.eval_field(states, vars, env, field)?;
        check_result_type(&self.source, field, &value, expected)?;
        Ok(value)
    }

    fn eval_bound(
        &self,
        bindings: &Bindings,
        env: &mut dyn Environment,
        field: &str,
    ) -> Result<Value, StatesError> {
        let result = match self.read_field_path(bindings) {
            Some(Some(value)) => return Ok(value),
            Some(None) => JValue::Undefined,
            None => self.evaluate(bindings, env).map_err(|error| {
                evaluation_failed(&self.source, field, &self.message_of(&error))
            })?,
        };
        if result.is_undefined() {
            return Err(StatesError::query_evaluation(format!(
                "The JSONata expression '{}' specified for the field '{field}' returned nothing (undefined).",
                self.source
            )));
        }
        convert::to_json(&result).ok_or_else(|| {
            StatesError::query_evaluation(format!(
                "The JSONata expression '{}' specified for the field '{field}' returned an unsupported result type.",
                self.source
            ))
        })
    }

    /// An evaluation error's message in jsonata-js's words (`T0410: …`).
    fn message_of(&self, error: &EvaluatorError) -> String {
        messages::reference_wording(error.message(), &self.analysis).into_owned()
    }

    /// The answer of a plain field path read from the engine's JSON: `Some(None)` when it reads
    /// nothing, `None` when the expression is not such a path or the path meets an array (whose
    /// mapping jsonata does).
    fn read_field_path(&self, bindings: &Bindings) -> Option<Option<Value>> {
        let path = self.field_path.as_ref()?;
        let found = path.read(bindings.states, bindings.vars)?;
        Some(found.map(convert::normalized))
    }

    fn evaluate(
        &self,
        bindings: &Bindings,
        env: &mut dyn Environment,
    ) -> Result<JValue, EvaluatorError> {
        let bound = bindings.converted();
        let mut context = Context::new();
        for name in self.analysis.variables.keys() {
            if let Some(value) = bound.get(name.as_str()) {
                context.bind(name.clone(), value.clone());
            }
        }
        let options = EvaluatorOptions {
            timeout_ms: Some(EVALUATION_TIMEOUT_MS),
            max_stack_depth: Some(EVALUATION_MAX_DEPTH),
            ..EvaluatorOptions::default()
        };
        let mut evaluator = Evaluator::with_options(context, options);
        functions::register(&mut evaluator, &self.analysis)?;
        functions::with_environment(env, || evaluator.evaluate(&self.ast, &JValue::Undefined))
    }
}

/// AWS's cause for an expression that threw: jsonata's coded message ends a sentence of its own,
/// an uncoded one follows a colon.
fn evaluation_failed(source: &str, field: &str, message: &str) -> StatesError {
    let separator = if jsonata_core::evaluator::error_code_prefix(message).is_some() {
        ". "
    } else {
        ": "
    };
    StatesError::query_evaluation(format!(
        "The JSONata expression '{source}' specified for the field '{field}' threw an error during evaluation{separator}{message}"
    ))
}

/// What the expressions of one evaluation (one expression, or all those of a template) are
/// evaluated against. The values they read are converted from the engine's JSON once, when the
/// first expression that needs jsonata runs.
struct Bindings<'a> {
    usages: &'a BTreeMap<String, Usage>,
    states: &'a StatesVar<'a>,
    vars: &'a dyn Variables,
    converted: OnceCell<BTreeMap<&'a str, JValue>>,
}

impl<'a> Bindings<'a> {
    fn new(
        usages: &'a BTreeMap<String, Usage>,
        states: &'a StatesVar<'a>,
        vars: &'a dyn Variables,
    ) -> Bindings<'a> {
        Bindings {
            usages,
            states,
            vars,
            converted: OnceCell::new(),
        }
    }

    fn converted(&self) -> &BTreeMap<&'a str, JValue> {
        self.converted.get_or_init(|| {
            let mut values = BTreeMap::new();
            for (name, usage) in self.usages {
                let value = if name == "states" {
                    Some(states_value(self.states, usage))
                } else {
                    self.vars
                        .get_var(name)
                        .map(|value| convert::to_jvalue_for(value, usage))
                };
                if let Some(value) = value {
                    values.insert(name.as_str(), value);
                }
            }
            values
        })
    }
}

/// A variable read through plain field steps: `$states.input.order.id`, `$name`, `$name.a`.
#[derive(Debug, Clone)]
struct FieldPath {
    variable: String,
    fields: Vec<String>,
}

impl FieldPath {
    fn of(ast: &AstNode) -> Option<FieldPath> {
        let (variable, fields) = match ast {
            AstNode::Variable(name) => (name.clone(), Vec::new()),
            AstNode::Path { steps } => {
                let (head, tail) = steps.split_first()?;
                let AstNode::Variable(name) = &head.node else {
                    return None;
                };
                if !analysis::is_plain(head) {
                    return None;
                }
                let fields = tail
                    .iter()
                    .map(|step| match &step.node {
                        AstNode::Name(field) if analysis::is_plain(step) => Some(field.clone()),
                        _ => None,
                    })
                    .collect::<Option<Vec<_>>>()?;
                (name.clone(), fields)
            }
            _ => return None,
        };
        // `$` is the (absent) context item, and `$states` alone is built, not read.
        if variable.is_empty() || (variable == "states" && fields.is_empty()) {
            return None;
        }
        Some(FieldPath { variable, fields })
    }

    /// The value the path reads (`Some(None)`: nothing), or `None` when jsonata must answer: the
    /// variable is not set (the name may be a function), or a step meets an array.
    fn read<'v>(
        &self,
        states: &'v StatesVar<'v>,
        vars: &'v dyn Variables,
    ) -> Option<Option<&'v Value>> {
        let (mut current, steps) = if self.variable == "states" {
            let (first, rest) = self.fields.split_first()?;
            let value = match first.as_str() {
                "input" => Some(states.input),
                "context" => Some(states.context),
                "result" => states.result,
                "errorOutput" => states.error_output,
                _ => None,
            };
            match value {
                Some(value) => (value, rest),
                None => return Some(None),
            }
        } else {
            (vars.get_var(&self.variable)?, self.fields.as_slice())
        };
        for field in steps {
            current = match current {
                Value::Object(members) => match members.get(field) {
                    Some(member) => member,
                    None => return Some(None),
                },
                Value::Array(_) => return None,
                _ => return Some(None),
            };
        }
        Some(Some(current))
    }
}

/// `$states`, holding the fields `usage` says are read, in AWS's order.
fn states_value(states: &StatesVar, usage: &Usage) -> JValue {
    let fields = [
        ("input", Some(states.input)),
        ("context", Some(states.context)),
        ("result", states.result),
        ("errorOutput", states.error_output),
    ];
    convert::object_of(fields.into_iter().filter_map(|(name, value)| {
        let value = value?;
        let converted = if usage.whole {
            convert::to_jvalue(value)
        } else {
            convert::to_jvalue_for(value, usage.fields.get(name)?)
        };
        Some((name.to_string(), converted))
    }))
}

/// A JSON value in which any string of the form `{% expr %}` is a JSONata expression
/// (Arguments, Output, Assign, Items, ItemSelector, Parameters of Map …).
#[derive(Debug, Clone)]
pub struct JsonataTemplate {
    root: TemplateNode,
    /// What all the template's expressions read together, so each value is converted once.
    usages: BTreeMap<String, Usage>,
}

#[derive(Debug, Clone)]
enum TemplateNode {
    /// A part with no expression in it.
    Constant(Value),
    Expression(Box<JsonataExpr>),
    Object(Vec<(String, TemplateNode)>),
    Array(Vec<TemplateNode>),
}

impl JsonataTemplate {
    /// Compiles every expression string in `template`. A parse failure's cause is jsonata's parser
    /// message (`S0202: Expected "]", got ","` …).
    pub fn compile(template: &Value) -> Result<JsonataTemplate, StatesError> {
        let mut usages = BTreeMap::new();
        let root = compile_node(template, &mut usages)?;
        Ok(JsonataTemplate { root, usages })
    }

    /// Whether the template holds no expression (its value is always the template itself).
    pub fn is_constant(&self) -> bool {
        matches!(self.root, TemplateNode::Constant(_))
    }

    /// The expression when the whole template is one expression string.
    pub fn as_expression(&self) -> Option<&JsonataExpr> {
        match &self.root {
            TemplateNode::Expression(expression) => Some(expression),
            _ => None,
        }
    }

    /// `field` is the state field for error messages ("Output", "Arguments", "Assign", …); nested
    /// keys are appended as AWS does ("Output/result", "Output/list[0]").
    pub fn eval(
        &self,
        states: &StatesVar,
        vars: &dyn Variables,
        env: &mut dyn Environment,
        field: &str,
    ) -> Result<Value, StatesError> {
        if let TemplateNode::Constant(value) = &self.root {
            return Ok(value.clone());
        }
        let bindings = Bindings::new(&self.usages, states, vars);
        let mut location = field.to_string();
        eval_node(&self.root, &bindings, env, &mut location)
    }

    /// [`JsonataTemplate::eval`] for a field whose value must have a given type (`Items` must be
    /// an array …). When the whole field is one expression, a result of another type fails with
    /// AWS's wording; a literal template has the shape it was written with (the definition's
    /// validation checks it).
    pub fn eval_as(
        &self,
        states: &StatesVar,
        vars: &dyn Variables,
        env: &mut dyn Environment,
        field: &str,
        expected: ResultType,
    ) -> Result<Value, StatesError> {
        // A template of one expression uses just the variables that expression uses.
        match &self.root {
            TemplateNode::Expression(expression) => {
                expression.eval_field_as(states, vars, env, field, expected)
            }
            _ => self.eval(states, vars, env, field),
        }
    }
}

fn compile_node(
    template: &Value,
    usages: &mut BTreeMap<String, Usage>,
) -> Result<TemplateNode, StatesError> {
    let node = match template {
        Value::String(text) => match expression_text(text) {
            Some(source) => {
                let expression = JsonataExpr::compile(source)?;
                for (name, usage) in &expression.analysis.variables {
                    usages.entry(name.clone()).or_default().merge(usage);
                }
                TemplateNode::Expression(Box::new(expression))
            }
            None => TemplateNode::Constant(template.clone()),
        },
        Value::Object(members) => {
            let members = members
                .iter()
                .map(|(key, member)| Ok((key.clone(), compile_node(member, usages)?)))
                .collect::<Result<Vec<_>, StatesError>>()?;
            if members
                .iter()
                .all(|(_, member)| matches!(member, TemplateNode::Constant(_)))
            {
                TemplateNode::Constant(template.clone())
            } else {
                TemplateNode::Object(members)
            }
        }
        Value::Array(items) => {
            let items = items
                .iter()
                .map(|item| compile_node(item, usages))
                .collect::<Result<Vec<_>, StatesError>>()?;
            if items
                .iter()
                .all(|item| matches!(item, TemplateNode::Constant(_)))
            {
                TemplateNode::Constant(template.clone())
            } else {
                TemplateNode::Array(items)
            }
        }
        other => TemplateNode::Constant(other.clone()),
    };
    Ok(node)
}

/// Evaluates one node; `location` is the node's field path for error messages, extended on the way
/// down and restored on the way up so one buffer serves the whole walk.
fn eval_node(
    node: &TemplateNode,
    bindings: &Bindings,
    env: &mut dyn Environment,
    location: &mut String,
) -> Result<Value, StatesError> {
    match node {
        TemplateNode::Constant(value) => Ok(value.clone()),
        TemplateNode::Expression(expression) => expression.eval_bound(bindings, env, location),
        TemplateNode::Object(members) => {
            let mut object = Map::with_capacity(members.len());
            for (key, member) in members {
                let length = location.len();
                location.push('/');
                location.push_str(key);
                let value = eval_node(member, bindings, env, location);
                location.truncate(length);
                object.insert(key.clone(), value?);
            }
            Ok(Value::Object(object))
        }
        TemplateNode::Array(items) => {
            let mut array = Vec::with_capacity(items.len());
            for (index, item) in items.iter().enumerate() {
                let length = location.len();
                location.push_str(&format!("[{index}]"));
                let value = eval_node(item, bindings, env, location);
                location.truncate(length);
                array.push(value?);
            }
            Ok(Value::Array(array))
        }
    }
}

/// The type a field's value must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultType {
    Array,
    Object,
    String,
    Number,
    /// A number with no fractional part (`Seconds`, `MaxConcurrency`, `TimeoutSeconds` …).
    Integer,
    Boolean,
}

impl ResultType {
    /// The type's name in AWS's messages.
    pub fn name(self) -> &'static str {
        match self {
            ResultType::Array => "array",
            ResultType::Object => "object",
            ResultType::String => "string",
            ResultType::Number => "number",
            ResultType::Integer => "integer",
            ResultType::Boolean => "boolean",
        }
    }

    /// Whether `value` has this type.
    pub fn accepts(self, value: &Value) -> bool {
        match self {
            ResultType::Array => value.is_array(),
            ResultType::Object => value.is_object(),
            ResultType::String => value.is_string(),
            ResultType::Number => value.is_number(),
            ResultType::Integer => value.is_i64() || value.is_u64(),
            ResultType::Boolean => value.is_boolean(),
        }
    }
}

/// Fails as AWS does when the expression `expression` written in `field` returned `value` of
/// another type than `expected`:
/// `… returned an unexpected result type. Expected 'array', but was 'boolean' for value: true`.
pub fn check_result_type(
    expression: &str,
    field: &str,
    value: &Value,
    expected: ResultType,
) -> Result<(), StatesError> {
    if expected.accepts(value) {
        return Ok(());
    }
    Err(StatesError::query_evaluation(format!(
        "The JSONata expression '{expression}' specified for the field '{field}' returned an unexpected result type. Expected '{}', but was '{}' for value: {}",
        expected.name(),
        json_type_name(value),
        compact_json(value)
    )))
}

/// `value` as compact JSON text, the way AWS quotes values in messages.
fn compact_json(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

#[cfg(test)]
mod tests;
