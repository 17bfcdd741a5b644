//! The walk over a parsed definition.
//!
//! Like AWS, validation runs in two phases. The schema phase checks every object against the
//! fields its kind allows (SCHEMA_VALIDATION_FAILED diagnostics) and records the transition
//! graph on the way. Only a definition that passes it gets the semantic phase: transition
//! targets, reachability, terminal states, state names and Map labels.

use serde_json::{Map, Value};

use super::{Diagnostic, MachineType};
use crate::jsonata::expression_text;
use crate::resource::{CallPattern, ResourceKind, TaskResource};
use crate::QueryLanguage;

mod map;
mod payloads;
mod rules;
mod semantics;
mod states;

const SCHEMA_VALIDATION_FAILED: &str = "SCHEMA_VALIDATION_FAILED";
const MISSING_TRANSITION_TARGET: &str = "MISSING_TRANSITION_TARGET";
const MISSING_END_STATE: &str = "MISSING_END_STATE";
const DUPLICATE_STATE_NAME: &str = "DUPLICATE_STATE_NAME";
const INVALID_STATE_NAME: &str = "INVALID_STATE_NAME";
const INVALID_LABEL_NAME: &str = "INVALID_LABEL_NAME";
const DUPLICATE_LABEL_NAME: &str = "DUPLICATE_LABEL_NAME";
const INVALID_VARIABLE_NAME: &str = "INVALID_VARIABLE_NAME";
const INVALID_JSONATA_EXPRESSION: &str = "INVALID_JSONATA_EXPRESSION";
const RESERVED_VARIABLE_NAME: &str = "RESERVED_VARIABLE_NAME";

/// State names are at most this many characters.
const MAX_STATE_NAME_CHARACTERS: usize = 80;
/// Variable names are at most this many characters.
const MAX_VARIABLE_NAME_CHARACTERS: usize = 80;
/// The largest value of most integer fields (seconds, attempts, counts).
const MAX_INTEGER_FIELD: i64 = 99_999_999;
/// The largest MaxDelaySeconds of a retrier (one year).
const MAX_RETRY_DELAY_SECONDS: i64 = 31_622_400;

/// Where a finding is: `/States/X/Field`, `/States/P/Branches[0]/States/Y`; the root is `/`.
#[derive(Debug, Clone, Default)]
pub(super) struct Location(String);

impl Location {
    pub(super) fn root() -> Self {
        Location(String::new())
    }
    fn child(&self, name: &str) -> Self {
        Location(format!("{}/{name}", self.0))
    }
    fn index(&self, index: usize) -> Self {
        Location(format!("{}[{index}]", self.0))
    }
    fn render(&self) -> String {
        if self.0.is_empty() {
            "/".to_string()
        } else {
            self.0.clone()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StateType {
    Pass,
    Task,
    Choice,
    Wait,
    Succeed,
    Fail,
    Parallel,
    Map,
}

const STATE_TYPE_NAMES: &str = "[Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map]";

impl StateType {
    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "Pass" => StateType::Pass,
            "Task" => StateType::Task,
            "Choice" => StateType::Choice,
            "Wait" => StateType::Wait,
            "Succeed" => StateType::Succeed,
            "Fail" => StateType::Fail,
            "Parallel" => StateType::Parallel,
            "Map" => StateType::Map,
            _ => return None,
        })
    }

    /// Whether the state moves on with `Next` or stops with `End`.
    fn transitions(self) -> bool {
        matches!(
            self,
            StateType::Pass
                | StateType::Task
                | StateType::Wait
                | StateType::Parallel
                | StateType::Map
        )
    }

    /// Whether the state does work that can fail and be retried: Task, Parallel and Map.
    fn does_work(self) -> bool {
        matches!(self, StateType::Task | StateType::Parallel | StateType::Map)
    }

    /// The fields this state type accepts besides `Type`, `Comment` and `QueryLanguage`.
    fn accepts(self, field: &str) -> bool {
        const INPUT_OUTPUT: &[&str] = &["InputPath", "OutputPath", "Output"];
        const NEXT_END: &[&str] = &["Next", "End"];
        // What a state that does work (Task, Parallel, Map) does with its result and failures.
        const RESULT_AND_RECOVERY: &[&str] =
            &["ResultPath", "ResultSelector", "Assign", "Retry", "Catch"];
        let specific: &[&str] = match self {
            StateType::Pass => &["ResultPath", "Parameters", "Result", "Assign"],
            StateType::Task => &[
                "Resource",
                "Parameters",
                "Arguments",
                "TimeoutSeconds",
                "TimeoutSecondsPath",
                "HeartbeatSeconds",
                "HeartbeatSecondsPath",
                "Credentials",
            ],
            StateType::Choice => &["Choices", "Default", "Assign"],
            StateType::Wait => &[
                "Seconds",
                "Timestamp",
                "SecondsPath",
                "TimestampPath",
                "Assign",
            ],
            StateType::Succeed => &[],
            StateType::Fail => {
                return matches!(field, "Error" | "Cause" | "ErrorPath" | "CausePath")
            }
            StateType::Parallel => &["Branches", "Parameters", "Arguments"],
            StateType::Map => &[
                "ItemProcessor",
                "Iterator",
                "ItemsPath",
                "Items",
                "ItemSelector",
                "Parameters",
                "ItemReader",
                "ItemBatcher",
                "ResultWriter",
                "MaxConcurrency",
                "MaxConcurrencyPath",
                "ToleratedFailurePercentage",
                "ToleratedFailurePercentagePath",
                "ToleratedFailureCount",
                "ToleratedFailureCountPath",
                "Label",
            ],
        };
        INPUT_OUTPUT.contains(&field)
            || specific.contains(&field)
            || (self.transitions() && NEXT_END.contains(&field))
            || (self.does_work() && RESULT_AND_RECOVERY.contains(&field))
    }
}

/// Fields that exist in one query language only.
fn field_language(field: &str) -> Option<QueryLanguage> {
    match field {
        "InputPath"
        | "OutputPath"
        | "ResultPath"
        | "Parameters"
        | "ResultSelector"
        | "Result"
        | "ItemsPath"
        | "TimeoutSecondsPath"
        | "HeartbeatSecondsPath"
        | "SecondsPath"
        | "TimestampPath"
        | "MaxConcurrencyPath"
        | "ToleratedFailurePercentagePath"
        | "ToleratedFailureCountPath"
        | "ErrorPath"
        | "CausePath"
        | "Variable" => Some(QueryLanguage::JsonPath),
        "Arguments" | "Output" | "Items" | "Condition" => Some(QueryLanguage::Jsonata),
        _ => None,
    }
}

fn language_name(language: QueryLanguage) -> &'static str {
    match language {
        QueryLanguage::JsonPath => "JSONPath",
        QueryLanguage::Jsonata => "JSONata",
    }
}

/// A `QueryLanguage` field resolves to JSONPath only when it is exactly "JSONPath"; any other
/// value present means JSONata (and is reported separately).
fn declared_language(value: &Value) -> QueryLanguage {
    if value.as_str() == Some("JSONPath") {
        QueryLanguage::JsonPath
    } else {
        QueryLanguage::Jsonata
    }
}

/// The comparison operators of a JSONPath Choice rule.
const COMPARISON_OPERATORS: &[&str] = &[
    "BooleanEquals",
    "BooleanEqualsPath",
    "IsBoolean",
    "IsNull",
    "IsNumeric",
    "IsPresent",
    "IsString",
    "IsTimestamp",
    "NumericEquals",
    "NumericEqualsPath",
    "NumericGreaterThan",
    "NumericGreaterThanPath",
    "NumericGreaterThanEquals",
    "NumericGreaterThanEqualsPath",
    "NumericLessThan",
    "NumericLessThanPath",
    "NumericLessThanEquals",
    "NumericLessThanEqualsPath",
    "StringEquals",
    "StringEqualsPath",
    "StringGreaterThan",
    "StringGreaterThanPath",
    "StringGreaterThanEquals",
    "StringGreaterThanEqualsPath",
    "StringLessThan",
    "StringLessThanPath",
    "StringLessThanEquals",
    "StringLessThanEqualsPath",
    "StringMatches",
    "TimestampEquals",
    "TimestampEqualsPath",
    "TimestampGreaterThan",
    "TimestampGreaterThanPath",
    "TimestampGreaterThanEquals",
    "TimestampGreaterThanEqualsPath",
    "TimestampLessThan",
    "TimestampLessThanPath",
    "TimestampLessThanEquals",
    "TimestampLessThanEqualsPath",
];

/// One `States` object (the machine, a Parallel branch or a Map processor) as a graph.
struct ScopeGraph {
    location: Location,
    start_at: Option<String>,
    states: Vec<StateNode>,
    /// The machine's own States (where a terminal state is required).
    top_level: bool,
}

/// Where to find a state: its scope and its place there.
struct StateRef {
    scope: usize,
    index: usize,
}

struct StateNode {
    name: String,
    location: Location,
    /// Target state names with where they are written.
    transitions: Vec<(String, Location)>,
    terminal: bool,
}

/// What the semantic phase must leave out (TestState validates one state, not a machine).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scope {
    Machine,
    /// A single state wrapped as a machine: its own transitions point outside the definition.
    SingleState,
}

pub(super) struct Walker<'t> {
    machine_type: MachineType,
    scope: Scope,
    /// The text of the definition, which some parser errors quote.
    definition_text: &'t str,
    machine_language: QueryLanguage,
    /// The machine's `QueryLanguage` is exactly "JSONata": states may not go back to JSONPath.
    machine_declares_jsonata: bool,
    schema: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    scopes: Vec<ScopeGraph>,
    /// Every state in the order the definition lists them, nested ones after their parent.
    state_order: Vec<StateRef>,
    labels: Vec<(String, Location)>,
}

impl<'t> Walker<'t> {
    pub(super) fn new(
        root: &Map<String, Value>,
        machine_type: MachineType,
        scope: Scope,
        definition_text: &'t str,
    ) -> Self {
        let declared = root.get("QueryLanguage");
        Walker {
            machine_type,
            scope,
            definition_text,
            machine_language: declared.map_or(QueryLanguage::JsonPath, declared_language),
            machine_declares_jsonata: declared.and_then(Value::as_str) == Some("JSONata"),
            schema: Vec::new(),
            warnings: Vec::new(),
            scopes: Vec::new(),
            state_order: Vec::new(),
            labels: Vec::new(),
        }
    }

    /// Runs both phases and returns the diagnostics, errors first.
    pub(super) fn validate(mut self, root: &Map<String, Value>) -> Vec<Diagnostic> {
        self.check_root(root);
        let mut diagnostics = std::mem::take(&mut self.schema);
        if diagnostics.is_empty() {
            diagnostics = self.semantic_diagnostics();
        }
        diagnostics.append(&mut self.warnings);
        diagnostics
    }

    // ----- reporting -------------------------------------------------------------------------

    fn schema_error(&mut self, message: impl Into<String>, location: &Location) {
        self.schema.push(Diagnostic::error(
            SCHEMA_VALIDATION_FAILED,
            message,
            Some(location.render()),
        ));
    }

    fn warning(&mut self, code: &str, message: &str, location: &Location) {
        self.warnings
            .push(Diagnostic::warning(code, message, Some(location.render())));
    }

    fn require(
        &mut self,
        object: &Map<String, Value>,
        fields: &[&str],
        location: &Location,
    ) -> bool {
        let missing: Vec<&str> = fields
            .iter()
            .copied()
            .filter(|field| !object.contains_key(*field))
            .collect();
        if missing.is_empty() {
            return true;
        }
        self.schema_error(
            format!("These fields are required: [{}]", missing.join(", ")),
            location,
        );
        false
    }

    fn unsupported(&mut self, field: &str, location: &Location) {
        self.schema_error(format!("Field '{field}' is not supported"), location);
    }

    fn reject_unknown_fields(
        &mut self,
        object: &Map<String, Value>,
        allowed: &[&str],
        location: &Location,
    ) {
        for field in object.keys() {
            if !allowed.contains(&field.as_str()) {
                self.unsupported(field, location);
            }
        }
    }

    fn wrong_type(&mut self, expected: &str, location: &Location) {
        self.schema_error(format!("Expected value of type [{expected}]"), location);
    }

    /// `found` (a value read as some type), reporting it as not of the `expected` type if absent.
    fn expect_type<T>(
        &mut self,
        found: Option<T>,
        expected: &str,
        location: &Location,
    ) -> Option<T> {
        if found.is_none() {
            self.wrong_type(expected, location);
        }
        found
    }

    fn expect_string<'v>(&mut self, value: &'v Value, location: &Location) -> Option<&'v str> {
        self.expect_type(value.as_str(), "STRING", location)
    }

    fn expect_object<'v>(
        &mut self,
        value: &'v Value,
        location: &Location,
    ) -> Option<&'v Map<String, Value>> {
        self.expect_type(value.as_object(), "OBJECT", location)
    }

    /// An object whose fields are all among `allowed`: the others are reported, the object is
    /// still checked further.
    fn expect_object_with_fields<'v>(
        &mut self,
        value: &'v Value,
        allowed: &[&str],
        location: &Location,
    ) -> Option<&'v Map<String, Value>> {
        let object = self.expect_object(value, location)?;
        self.reject_unknown_fields(object, allowed, location);
        Some(object)
    }

    fn expect_array<'v>(
        &mut self,
        value: &'v Value,
        location: &Location,
    ) -> Option<&'v Vec<Value>> {
        self.expect_type(value.as_array(), "ARRAY", location)
    }

    fn expect_boolean(&mut self, value: &Value, location: &Location) -> Option<bool> {
        self.expect_type(value.as_bool(), "BOOLEAN", location)
    }

    fn expect_one_of(&mut self, value: &Value, allowed: &[&str], location: &Location) {
        if let Some(text) = self.expect_string(value, location) {
            if !allowed.contains(&text) {
                self.schema_error(
                    format!(
                        "Value should be one of the following: [{}]",
                        allowed.join(", ")
                    ),
                    location,
                );
            }
        }
    }

    /// An integer in `minimum..=maximum`.
    fn expect_integer(&mut self, value: &Value, minimum: i64, maximum: i64, location: &Location) {
        let Some(number) = integer_value(value) else {
            self.wrong_type("INTEGER", location);
            return;
        };
        if number < i128::from(minimum) {
            self.schema_error(format!("Minimum value is {minimum}"), location);
        } else if number > i128::from(maximum) {
            self.schema_error(format!("Maximum value is {maximum}"), location);
        }
    }

    /// A number in `minimum..=maximum` (either bound optional).
    fn expect_number(
        &mut self,
        value: &Value,
        minimum: Option<f64>,
        maximum: Option<f64>,
        location: &Location,
    ) {
        let Some(number) = value.as_f64() else {
            self.wrong_type("NUMBER", location);
            return;
        };
        if let Some(minimum) = minimum.filter(|minimum| number < *minimum) {
            self.schema_error(
                format!("Minimum value is {}", format_bound(minimum)),
                location,
            );
        } else if let Some(maximum) = maximum.filter(|maximum| number > *maximum) {
            self.schema_error(
                format!("Maximum value is {}", format_bound(maximum)),
                location,
            );
        }
    }

    /// A JSONata field that takes either a literal checked by `literal` or a `{% … %}` string.
    fn expect_literal_or_expression(
        &mut self,
        value: &Value,
        language: QueryLanguage,
        location: &Location,
        literal: impl FnOnce(&mut Self, &Value, &Location),
    ) {
        if language == QueryLanguage::Jsonata {
            if let Some(expression) = value.as_str().and_then(expression_text) {
                self.check_jsonata_expression(expression, location);
                return;
            }
        }
        literal(self, value, location);
    }

    /// An integer in `minimum..=maximum`, or in JSONata an expression that yields one.
    fn expect_integer_or_expression(
        &mut self,
        value: &Value,
        minimum: i64,
        maximum: i64,
        language: QueryLanguage,
        location: &Location,
    ) {
        self.expect_literal_or_expression(value, language, location, |walker, value, location| {
            walker.expect_integer(value, minimum, maximum, location);
        });
    }

    fn expect_exclusive(
        &mut self,
        object: &Map<String, Value>,
        fields: &[&str],
        location: &Location,
    ) {
        if fields
            .iter()
            .filter(|field| object.contains_key(**field))
            .count()
            > 1
        {
            self.schema_error(
                format!(
                    "There should only be one of the following fields: [{}]",
                    fields.join(", ")
                ),
                location,
            );
        }
    }

    // ----- the machine and its scopes --------------------------------------------------------

    fn check_root(&mut self, root: &Map<String, Value>) {
        let location = Location::root();
        // AWS reports missing top-level fields alone.
        if !self.require(root, &["States", "StartAt"], &location) {
            return;
        }
        const ROOT_FIELDS: &[&str] = &[
            "StartAt",
            "States",
            "Comment",
            "Version",
            "TimeoutSeconds",
            "QueryLanguage",
        ];
        self.reject_unknown_fields(root, ROOT_FIELDS, &location);
        for (field, value) in root {
            let field_location = location.child(field);
            match field.as_str() {
                "Comment" => {
                    self.expect_string(value, &field_location);
                }
                "Version" => self.expect_one_of(value, &["1.0"], &field_location),
                "TimeoutSeconds" => {
                    self.expect_integer(value, 0, MAX_INTEGER_FIELD, &field_location)
                }
                "QueryLanguage" => self.check_query_language_value(value, &field_location),
                _ => {}
            }
        }
        self.check_scope(root, &location, true);
    }

    fn check_query_language_value(&mut self, value: &Value, location: &Location) {
        self.expect_one_of(value, &["JSONPath", "JSONata"], location);
    }

    /// A Parallel branch or a Map processor: `StartAt`, `States` and little else.
    fn check_nested_machine(
        &mut self,
        value: &Value,
        extra_fields: &[&str],
        location: &Location,
    ) -> Option<()> {
        let mut allowed = vec!["StartAt", "States", "Comment"];
        allowed.extend_from_slice(extra_fields);
        let object = self.expect_object_with_fields(value, &allowed, location)?;
        if !self.require(object, &["States", "StartAt"], location) {
            return None;
        }
        if let Some(comment) = object.get("Comment") {
            self.expect_string(comment, &location.child("Comment"));
        }
        if let Some(config) = object.get("ProcessorConfig") {
            self.check_processor_config(config, &location.child("ProcessorConfig"));
        }
        self.check_scope(object, location, false);
        Some(())
    }

    fn check_scope(
        &mut self,
        container: &Map<String, Value>,
        location: &Location,
        top_level: bool,
    ) {
        let start_at = container
            .get("StartAt")
            .and_then(|value| self.expect_string(value, &location.child("StartAt")))
            .map(str::to_string);
        let states_location = location.child("States");
        let Some(states) = container
            .get("States")
            .and_then(|value| self.expect_object(value, &states_location))
        else {
            return;
        };
        if states.is_empty() {
            self.schema_error("Value cannot be empty", &states_location);
        }
        let index = self.scopes.len();
        self.scopes.push(ScopeGraph {
            location: location.clone(),
            start_at,
            states: Vec::with_capacity(states.len()),
            top_level,
        });
        for (name, state) in states {
            let state_location = states_location.child(name);
            self.state_order.push(StateRef {
                scope: index,
                index: self.scopes[index].states.len(),
            });
            let node = self.check_state(name, state, &state_location);
            self.scopes[index].states.push(node);
        }
    }
}

fn language_mismatch(
    state_language: QueryLanguage,
    field_language: QueryLanguage,
    field: &str,
) -> String {
    format!(
        "The QueryLanguage is set to '{}', but field '{field}' is only supported for the '{}' QueryLanguage",
        language_name(state_language),
        language_name(field_language)
    )
}

/// jsonata's messages start with a code (`S0202: Expected "]", got ","`); AWS leaves it out.
fn without_error_code(message: &str) -> &str {
    let bytes = message.as_bytes();
    let coded = bytes.len() > 7
        && bytes[0].is_ascii_uppercase()
        && bytes[1..5].iter().all(u8::is_ascii_digit)
        && &bytes[5..7] == b": ";
    if coded {
        &message[7..]
    } else {
        message
    }
}

/// Variable names are Unicode identifiers of at most 80 characters.
fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first.is_alphabetic() || first == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
        && name.chars().count() <= MAX_VARIABLE_NAME_CHARACTERS
}

fn integer_value(value: &Value) -> Option<i128> {
    if let Some(number) = value.as_i64() {
        return Some(i128::from(number));
    }
    if let Some(number) = value.as_u64() {
        return Some(i128::from(number));
    }
    // 5.0 is an integer too; larger values saturate, which only matters past the maximums.
    value
        .as_f64()
        .filter(|number| number.is_finite() && number.fract() == 0.0)
        .map(|number| number as i128)
}

fn format_bound(bound: f64) -> String {
    if bound.fract() == 0.0 {
        format!("{bound:.1}")
    } else {
        bound.to_string()
    }
}

/// Whether a Pass `Result` holds a `.$` key, which a Pass result never evaluates.
fn contains_dynamic_key(value: &Value) -> bool {
    match value {
        Value::Object(object) => object
            .iter()
            .any(|(key, member)| key.ends_with(".$") || contains_dynamic_key(member)),
        Value::Array(items) => items.iter().any(contains_dynamic_key),
        _ => false,
    }
}

/// `arn:<partition>:states:::s3:<api>` for one of `apis` (request-response).
fn is_s3_integration(resource: &str, apis: &[&str]) -> bool {
    let resource = TaskResource::parse(resource);
    resource.pattern == CallPattern::RequestResponse
        && matches!(&resource.kind, ResourceKind::Service { service, action }
            if service == "s3" && apis.contains(&action.as_str()))
}
