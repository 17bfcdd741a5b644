//! The walk over a parsed definition.
//!
//! Like AWS, validation runs in two phases. The schema phase checks every object against the
//! fields its kind allows (SCHEMA_VALIDATION_FAILED diagnostics) and records the transition
//! graph on the way. Only a definition that passes it gets the semantic phase: transition
//! targets, reachability, terminal states, state names and Map labels.

use serde_json::{Map, Value};

use super::label::{label_problem, parser_error_text};
use super::paths::{
    is_path_or_intrinsic, looks_dynamic, looks_like_intrinsic, path_problem,
    reference_path_problem, ReferenceRoots,
};
use super::resource::task_resource_problem;
use super::timestamp::is_rfc3339_timestamp;
use super::{Diagnostic, MachineType};
use crate::jsonata::{expression_text, JsonataExpr};
use crate::QueryLanguage;

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

    /// The fields this state type accepts besides `Type`, `Comment` and `QueryLanguage`.
    fn accepts(self, field: &str) -> bool {
        const INPUT_OUTPUT: &[&str] = &["InputPath", "OutputPath", "Output"];
        const NEXT_END: &[&str] = &["Next", "End"];
        let specific: &[&str] = match self {
            StateType::Pass => &["ResultPath", "Parameters", "Result", "Assign"],
            StateType::Task => &[
                "Resource",
                "ResultPath",
                "Parameters",
                "ResultSelector",
                "Arguments",
                "Assign",
                "Retry",
                "Catch",
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
            StateType::Parallel => &[
                "Branches",
                "ResultPath",
                "Parameters",
                "ResultSelector",
                "Arguments",
                "Assign",
                "Retry",
                "Catch",
            ],
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
                "ResultPath",
                "ResultSelector",
                "Assign",
                "Retry",
                "Catch",
            ],
        };
        INPUT_OUTPUT.contains(&field)
            || specific.contains(&field)
            || (self.transitions() && NEXT_END.contains(&field))
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

    fn expect_string<'v>(&mut self, value: &'v Value, location: &Location) -> Option<&'v str> {
        let text = value.as_str();
        if text.is_none() {
            self.wrong_type("STRING", location);
        }
        text
    }

    fn expect_object<'v>(
        &mut self,
        value: &'v Value,
        location: &Location,
    ) -> Option<&'v Map<String, Value>> {
        let object = value.as_object();
        if object.is_none() {
            self.wrong_type("OBJECT", location);
        }
        object
    }

    fn expect_array<'v>(
        &mut self,
        value: &'v Value,
        location: &Location,
    ) -> Option<&'v Vec<Value>> {
        let array = value.as_array();
        if array.is_none() {
            self.wrong_type("ARRAY", location);
        }
        array
    }

    fn expect_boolean(&mut self, value: &Value, location: &Location) -> Option<bool> {
        let flag = value.as_bool();
        if flag.is_none() {
            self.wrong_type("BOOLEAN", location);
        }
        flag
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
        let object = self.expect_object(value, location)?;
        let mut allowed = vec!["StartAt", "States", "Comment"];
        allowed.extend_from_slice(extra_fields);
        self.reject_unknown_fields(object, &allowed, location);
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

    // ----- states ----------------------------------------------------------------------------

    fn check_state(&mut self, name: &str, value: &Value, location: &Location) -> StateNode {
        let mut node = StateNode {
            name: name.to_string(),
            location: location.clone(),
            transitions: Vec::new(),
            terminal: false,
        };
        let Some(state) = self.expect_object(value, location) else {
            return node;
        };
        if !self.require(state, &["Type"], location) {
            return node;
        }
        let Some(type_name) = state
            .get("Type")
            .and_then(|value| self.expect_string(value, &location.child("Type")))
        else {
            return node;
        };
        let Some(state_type) = StateType::from_name(type_name) else {
            self.schema_error(
                format!("Value should be one of the following: {STATE_TYPE_NAMES}"),
                &location.child("Type"),
            );
            return node;
        };
        let language = state
            .get("QueryLanguage")
            .map_or(self.machine_language, declared_language);

        // Field names first: unknown fields and fields of the other query language.
        let returns_to_jsonpath = self.machine_declares_jsonata
            && state.get("QueryLanguage").and_then(Value::as_str) == Some("JSONPath");
        if returns_to_jsonpath {
            self.schema_error(
                "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
                location,
            );
        }
        let mut misplaced: Vec<&str> = Vec::new();
        for field in state.keys() {
            let field = field.as_str();
            if matches!(field, "Type" | "Comment" | "QueryLanguage") {
                continue;
            }
            if !state_type.accepts(field) {
                self.unsupported(field, location);
                misplaced.push(field);
            } else if let Some(only) = field_language(field).filter(|only| *only != language) {
                misplaced.push(field);
                if !returns_to_jsonpath {
                    self.schema_error(language_mismatch(language, only, field), location);
                }
            }
        }

        self.check_required_state_fields(state_type, state, location);

        // Then the values, in the order they are written.
        for (field, value) in state {
            if misplaced.contains(&field.as_str()) {
                continue;
            }
            let field_location = location.child(field);
            self.check_state_field(
                state_type,
                language,
                field,
                value,
                &field_location,
                &mut node,
            );
        }
        if let Some(Value::String(label)) = state.get("Label") {
            if state_type == StateType::Map {
                self.labels.push((label.clone(), location.child("Label")));
            }
        }
        node.terminal = match state_type {
            StateType::Succeed | StateType::Fail => true,
            _ => state.get("End").and_then(Value::as_bool) == Some(true),
        };
        node
    }

    fn check_required_state_fields(
        &mut self,
        state_type: StateType,
        state: &Map<String, Value>,
        location: &Location,
    ) {
        match state_type {
            StateType::Task => {
                self.require(state, &["Resource"], location);
                self.expect_exclusive(state, &["TimeoutSeconds", "TimeoutSecondsPath"], location);
                self.expect_exclusive(
                    state,
                    &["HeartbeatSeconds", "HeartbeatSecondsPath"],
                    location,
                );
            }
            StateType::Choice => {
                self.require(state, &["Choices"], location);
            }
            StateType::Parallel => {
                self.require(state, &["Branches"], location);
            }
            StateType::Map => {
                const PROCESSORS: &[&str] = &["ItemProcessor", "Iterator"];
                if !PROCESSORS.iter().any(|field| state.contains_key(*field)) {
                    self.schema_error(
                        "This object should have only one of the following fields: [ItemProcessor, Iterator]",
                        location,
                    );
                }
                self.expect_exclusive(state, PROCESSORS, location);
                self.expect_exclusive(state, &["ItemSelector", "Parameters"], location);
                self.expect_exclusive(state, &["MaxConcurrency", "MaxConcurrencyPath"], location);
                self.expect_exclusive(
                    state,
                    &[
                        "ToleratedFailurePercentage",
                        "ToleratedFailurePercentagePath",
                    ],
                    location,
                );
                self.expect_exclusive(
                    state,
                    &["ToleratedFailureCount", "ToleratedFailureCountPath"],
                    location,
                );
            }
            StateType::Wait => {
                const WAIT_FIELDS: &[&str] =
                    &["SecondsPath", "Seconds", "TimestampPath", "Timestamp"];
                match WAIT_FIELDS.iter().filter(|field| state.contains_key(**field)).count() {
                    0 => self.schema_error(
                        "This object should have only one of the following fields: [SecondsPath, Seconds, TimestampPath, Timestamp]",
                        location,
                    ),
                    1 => {}
                    _ => self.schema_error(
                        "There should only be one of the following fields: [SecondsPath, Seconds, TimestampPath, Timestamp]",
                        location,
                    ),
                }
            }
            StateType::Fail => {
                self.expect_exclusive(state, &["Error", "ErrorPath"], location);
                self.expect_exclusive(state, &["Cause", "CausePath"], location);
            }
            StateType::Pass | StateType::Succeed => {}
        }
        if state_type.transitions() {
            let ends = state.get("End").and_then(Value::as_bool) == Some(true);
            match (state.contains_key("Next"), ends) {
                (true, true) => self.schema_error(
                    "There should only be one of the following fields: [Next, End]",
                    location,
                ),
                (false, false) => self.schema_error(
                    "This object should have only one of the following fields: [Next, End]",
                    location,
                ),
                _ => {}
            }
        }
    }

    fn check_state_field(
        &mut self,
        state_type: StateType,
        language: QueryLanguage,
        field: &str,
        value: &Value,
        location: &Location,
        node: &mut StateNode,
    ) {
        match field {
            "Type" => {}
            "Comment" => {
                self.expect_string(value, location);
            }
            "QueryLanguage" => self.check_query_language_value(value, location),
            "Next" => {
                if let Some(target) = self.expect_string(value, location) {
                    node.transitions
                        .push((target.to_string(), location.clone()));
                }
            }
            "End" => {
                self.expect_boolean(value, location);
            }
            "InputPath" | "OutputPath" => self.check_nullable_path(field, value, location),
            "ResultPath" => self.check_result_path(value, location),
            "Parameters" | "ResultSelector" | "ItemSelector"
                if language == QueryLanguage::JsonPath =>
            {
                self.check_payload_template(value, location);
            }
            "ItemSelector" | "Arguments" | "Output" => self.check_jsonata_template(value, location),
            "Result" if state_type == StateType::Pass && contains_dynamic_key(value) => {
                self.warning(
                    "PASS_RESULT_IS_STATIC",
                    "Attempt to use a path in the result of a pass state.",
                    location,
                );
            }
            "Assign" => self.check_assign(value, language, location),
            "Resource" => {
                if let Some(resource) = self.expect_string(value, location) {
                    if let Some(problem) = task_resource_problem(resource, self.machine_type) {
                        self.schema_error(problem, location);
                    }
                }
            }
            "TimeoutSeconds" | "HeartbeatSeconds" => {
                self.expect_literal_or_expression(
                    value,
                    language,
                    location,
                    |walker, value, location| {
                        walker.expect_integer(value, 1, MAX_INTEGER_FIELD, location);
                    },
                );
            }
            "TimeoutSecondsPath"
            | "HeartbeatSecondsPath"
            | "SecondsPath"
            | "TimestampPath"
            | "ItemsPath"
            | "MaxConcurrencyPath"
            | "ToleratedFailurePercentagePath"
            | "ToleratedFailureCountPath" => {
                self.check_reference_path(value, ReferenceRoots::Any, location)
            }
            "Credentials" => {
                self.expect_object(value, location);
            }
            "Retry" => self.check_retriers(value, location),
            "Catch" => self.check_catchers(value, language, location, node),
            "Seconds" => {
                self.expect_literal_or_expression(
                    value,
                    language,
                    location,
                    |walker, value, location| {
                        walker.expect_integer(value, 0, MAX_INTEGER_FIELD, location);
                    },
                );
            }
            "Timestamp" => {
                self.expect_literal_or_expression(
                    value,
                    language,
                    location,
                    |walker, value, location| {
                        if let Some(text) = walker.expect_string(value, location) {
                            if !is_rfc3339_timestamp(text) {
                                walker.schema_error(
                                    "String does not match RFC3339 timestamp",
                                    location,
                                );
                            }
                        }
                    },
                );
            }
            "Choices" => self.check_choices(value, language, location, node),
            "Default" => {
                if let Some(target) = self.expect_string(value, location) {
                    node.transitions
                        .push((target.to_string(), location.clone()));
                }
            }
            "Error" | "Cause" => {
                if let Some(text) = self.expect_string(value, location) {
                    if language == QueryLanguage::JsonPath && looks_dynamic(text) {
                        self.warning(
                            "NO_PATH",
                            "Field value looks like a path, but field name does not end with 'Path'.",
                            location,
                        );
                    }
                }
            }
            "ErrorPath" | "CausePath" => {
                if let Some(text) = self.expect_string(value, location) {
                    let valid = if looks_like_intrinsic(text) {
                        is_path_or_intrinsic(text)
                    } else {
                        reference_path_problem(text, ReferenceRoots::Any).is_none()
                    };
                    if !valid {
                        self.schema_error(
                            format!("The value for the field '{field}' must be a valid JSONPath or a valid intrinsic function call"),
                            location,
                        );
                    }
                }
            }
            "Branches" => self.check_branches(value, location),
            "ItemProcessor" | "Iterator" => {
                self.check_nested_machine(value, &["ProcessorConfig"], location);
            }
            "Items" => {
                self.expect_literal_or_expression(
                    value,
                    language,
                    location,
                    |walker, value, location| {
                        // An array to iterate, or an object (whose key-value pairs are iterated).
                        if value.is_array() || value.is_object() {
                            walker.check_jsonata_template(value, location);
                        } else {
                            walker.wrong_type("ARRAY", location);
                        }
                    },
                );
            }
            "MaxConcurrency" | "ToleratedFailureCount" => {
                self.expect_literal_or_expression(
                    value,
                    language,
                    location,
                    |walker, value, location| {
                        walker.expect_integer(value, 0, i64::MAX, location);
                    },
                );
            }
            "ToleratedFailurePercentage" => {
                self.expect_literal_or_expression(
                    value,
                    language,
                    location,
                    |walker, value, location| {
                        walker.expect_number(value, Some(0.0), Some(100.0), location);
                    },
                );
            }
            "ItemReader" => self.check_item_reader(value, language, location),
            "ItemBatcher" => self.check_item_batcher(value, language, location),
            "ResultWriter" => self.check_result_writer(value, language, location),
            "Label" => {
                self.expect_string(value, location);
            }
            _ => {}
        }
    }

    // ----- paths and templates ---------------------------------------------------------------

    fn check_nullable_path(&mut self, field: &str, value: &Value, location: &Location) {
        match value {
            Value::Null => {}
            Value::String(text) => {
                if path_problem(text).is_some() {
                    self.schema_error(
                        format!("The value for the field '{field}' must be a valid JSONPath"),
                        location,
                    );
                }
            }
            _ => self.wrong_type("STRING", location),
        }
    }

    fn check_result_path(&mut self, value: &Value, location: &Location) {
        match value {
            Value::Null => {}
            _ => self.check_reference_path(value, ReferenceRoots::InputOnly, location),
        }
    }

    fn check_reference_path(&mut self, value: &Value, roots: ReferenceRoots, location: &Location) {
        if let Some(text) = self.expect_string(value, location) {
            if let Some(problem) = reference_path_problem(text, roots) {
                self.schema_error(
                    format!("Value is not a Reference Path: {problem}"),
                    location,
                );
            }
        }
    }

    /// A JSONPath payload template: the values of `.$` keys are paths or intrinsic calls.
    fn check_payload_template(&mut self, value: &Value, location: &Location) {
        match value {
            Value::Object(object) => {
                for (key, member) in object {
                    let member_location = location.child(key);
                    if key.ends_with(".$") {
                        let valid = member.as_str().is_some_and(is_path_or_intrinsic);
                        if !valid {
                            self.schema_error(
                                format!("The value for the field '{key}' must be a valid JSONPath or a valid intrinsic function call"),
                                &member_location,
                            );
                        }
                    } else if member.as_str().is_some_and(looks_dynamic) {
                        self.warning(
                            "NO_DOLLAR",
                            "No .$ on a field that appears to be a JSONPath or Intrinsic Function.",
                            &member_location,
                        );
                    } else {
                        self.check_payload_template(member, &member_location);
                    }
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    self.check_payload_template(item, &location.index(index));
                }
            }
            _ => {}
        }
    }

    /// A JSONata template: strings that open an expression must close it.
    fn check_jsonata_template(&mut self, value: &Value, location: &Location) {
        match value {
            Value::String(text) => match expression_text(text) {
                Some(expression) => self.check_jsonata_expression(expression, location),
                None if text.starts_with("{%") => self.schema_error(
                    "JSONata string must start with {% and end with %}",
                    location,
                ),
                None => {}
            },
            Value::Object(object) => {
                for (key, member) in object {
                    self.check_jsonata_template(member, &location.child(key));
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    self.check_jsonata_template(item, &location.index(index));
                }
            }
            _ => {}
        }
    }

    /// The expression of a `{% … %}` string must parse (with jsonata's message, less its code).
    fn check_jsonata_expression(&mut self, expression: &str, location: &Location) {
        if let Err(error) = JsonataExpr::compile(expression) {
            self.schema.push(Diagnostic::error(
                INVALID_JSONATA_EXPRESSION,
                without_error_code(&error.cause),
                Some(location.render()),
            ));
        }
    }

    fn check_assign(&mut self, value: &Value, language: QueryLanguage, location: &Location) {
        let Some(assignments) = self.expect_object(value, location) else {
            return;
        };
        for (key, member) in assignments {
            let member_location = location.child(key);
            let name = match language {
                QueryLanguage::JsonPath => key.strip_suffix(".$").unwrap_or(key),
                QueryLanguage::Jsonata => key.as_str(),
            };
            if name == "states" {
                self.schema.push(Diagnostic::error(
                    RESERVED_VARIABLE_NAME,
                    "Cannot assign to reserved variable '$states'.",
                    Some(member_location.render()),
                ));
            } else if !is_variable_name(name) {
                self.schema.push(Diagnostic::error(
                    INVALID_VARIABLE_NAME,
                    format!("Invalid variable name '{name}': the variable name contains invalid characters."),
                    Some(member_location.render()),
                ));
            }
            match language {
                QueryLanguage::JsonPath if key.ends_with(".$") => {
                    if !member.as_str().is_some_and(is_path_or_intrinsic) {
                        self.schema_error(
                            format!("The value for the field '{key}' must be a valid JSONPath or a valid intrinsic function call"),
                            &member_location,
                        );
                    }
                }
                QueryLanguage::JsonPath => self.check_payload_template(member, &member_location),
                QueryLanguage::Jsonata => self.check_jsonata_template(member, &member_location),
            }
        }
    }

    // ----- Retry and Catch -------------------------------------------------------------------

    fn check_retriers(&mut self, value: &Value, location: &Location) {
        let Some(retriers) = self.expect_array(value, location) else {
            return;
        };
        const RETRIER_FIELDS: &[&str] = &[
            "ErrorEquals",
            "IntervalSeconds",
            "MaxAttempts",
            "BackoffRate",
            "MaxDelaySeconds",
            "JitterStrategy",
            "Comment",
        ];
        for (index, retrier) in retriers.iter().enumerate() {
            let retrier_location = location.index(index);
            let Some(retrier) = self.expect_object(retrier, &retrier_location) else {
                continue;
            };
            self.reject_unknown_fields(retrier, RETRIER_FIELDS, &retrier_location);
            self.require(retrier, &["ErrorEquals"], &retrier_location);
            for (field, value) in retrier {
                let field_location = retrier_location.child(field);
                match field.as_str() {
                    "ErrorEquals" => {
                        self.check_error_equals(value, index + 1 == retriers.len(), &field_location)
                    }
                    "IntervalSeconds" => {
                        self.expect_integer(value, 1, MAX_INTEGER_FIELD, &field_location)
                    }
                    "MaxAttempts" => {
                        self.expect_integer(value, 0, MAX_INTEGER_FIELD, &field_location)
                    }
                    "BackoffRate" => self.expect_number(value, Some(1.0), None, &field_location),
                    "MaxDelaySeconds" => {
                        self.expect_integer(value, 1, MAX_RETRY_DELAY_SECONDS, &field_location)
                    }
                    "JitterStrategy" => {
                        self.expect_one_of(value, &["NONE", "FULL"], &field_location)
                    }
                    "Comment" => {
                        self.expect_string(value, &field_location);
                    }
                    _ => {}
                }
            }
        }
    }

    fn check_catchers(
        &mut self,
        value: &Value,
        language: QueryLanguage,
        location: &Location,
        node: &mut StateNode,
    ) {
        let Some(catchers) = self.expect_array(value, location) else {
            return;
        };
        for (index, catcher) in catchers.iter().enumerate() {
            let catcher_location = location.index(index);
            let Some(catcher) = self.expect_object(catcher, &catcher_location) else {
                continue;
            };
            let mut misplaced: Vec<&str> = Vec::new();
            for field in catcher.keys() {
                let field = field.as_str();
                match field {
                    "ErrorEquals" | "Next" | "Assign" | "Comment" => {}
                    "ResultPath" | "Output" => {
                        let only = field_language(field).unwrap_or(language);
                        if only != language {
                            self.schema_error(
                                language_mismatch(language, only, field),
                                &catcher_location,
                            );
                            misplaced.push(field);
                        }
                    }
                    _ => {
                        self.unsupported(field, &catcher_location);
                        misplaced.push(field);
                    }
                }
            }
            self.require(catcher, &["ErrorEquals", "Next"], &catcher_location);
            for (field, value) in catcher {
                if misplaced.contains(&field.as_str()) {
                    continue;
                }
                let field_location = catcher_location.child(field);
                match field.as_str() {
                    "ErrorEquals" => {
                        self.check_error_equals(value, index + 1 == catchers.len(), &field_location)
                    }
                    "Next" => {
                        if let Some(target) = self.expect_string(value, &field_location) {
                            node.transitions
                                .push((target.to_string(), field_location.clone()));
                        }
                    }
                    "ResultPath" => self.check_result_path(value, &field_location),
                    "Output" => self.check_jsonata_template(value, &field_location),
                    "Assign" => self.check_assign(value, language, &field_location),
                    "Comment" => {
                        self.expect_string(value, &field_location);
                    }
                    _ => {}
                }
            }
        }
    }

    /// `ErrorEquals`: a non-empty list of error names, where `States.ALL` stands alone in the
    /// last retrier or catcher.
    fn check_error_equals(&mut self, value: &Value, is_last: bool, location: &Location) {
        let Some(names) = self.expect_array(value, location) else {
            return;
        };
        if names.is_empty() {
            self.schema_error("Value cannot be empty", location);
            return;
        }
        let mut catches_all = false;
        for (index, name) in names.iter().enumerate() {
            if let Some(name) = self.expect_string(name, &location.index(index)) {
                catches_all |= name == crate::error::ALL;
            }
        }
        if catches_all && (names.len() > 1 || !is_last) {
            self.schema_error("States.ALL must appear alone and at end of list", location);
        }
    }

    // ----- Choice ----------------------------------------------------------------------------

    fn check_choices(
        &mut self,
        value: &Value,
        language: QueryLanguage,
        location: &Location,
        node: &mut StateNode,
    ) {
        let Some(rules) = self.expect_array(value, location) else {
            return;
        };
        if rules.is_empty() {
            self.schema_error("Value cannot be empty", location);
            return;
        }
        for (index, rule) in rules.iter().enumerate() {
            let rule_location = location.index(index);
            let Some(rule) = self.expect_object(rule, &rule_location) else {
                continue;
            };
            if let Some(next) = rule.get("Next") {
                if let Some(target) = self.expect_string(next, &rule_location.child("Next")) {
                    node.transitions
                        .push((target.to_string(), rule_location.child("Next")));
                }
            }
            match language {
                QueryLanguage::JsonPath => self.check_jsonpath_rule(rule, true, &rule_location),
                QueryLanguage::Jsonata => self.check_jsonata_rule(rule, &rule_location),
            }
        }
    }

    fn check_jsonpath_rule(
        &mut self,
        rule: &Map<String, Value>,
        top_level: bool,
        location: &Location,
    ) {
        const COMBINATORS: &[&str] = &["And", "Or", "Not", "Variable", "Condition"];
        for field in rule.keys() {
            let field = field.as_str();
            let known = COMBINATORS.contains(&field)
                || COMPARISON_OPERATORS.contains(&field)
                || field == "Comment"
                || (top_level && matches!(field, "Next" | "Assign" | "Output"));
            if !known {
                self.unsupported(field, location);
            } else if let Some(only) =
                field_language(field).filter(|only| *only != QueryLanguage::JsonPath)
            {
                self.schema_error(
                    language_mismatch(QueryLanguage::JsonPath, only, field),
                    location,
                );
            }
        }
        if top_level {
            self.require(rule, &["Next"], location);
        }
        let kinds = ["And", "Or", "Not", "Variable"]
            .iter()
            .filter(|field| rule.contains_key(**field))
            .count();
        if kinds != 1 {
            self.schema_error(
                "The object must have only one of the following fields, [And, Or, Not, Variable, Condition]",
                location,
            );
            return;
        }
        for (field, value) in rule {
            let field_location = location.child(field);
            match field.as_str() {
                "Variable" => {
                    self.check_reference_path(value, ReferenceRoots::Any, &field_location)
                }
                "And" | "Or" => {
                    if let Some(rules) = self.expect_array(value, &field_location) {
                        if rules.is_empty() {
                            self.schema_error("Value cannot be empty", &field_location);
                        }
                        for (index, nested) in rules.iter().enumerate() {
                            let nested_location = field_location.index(index);
                            if let Some(nested) = self.expect_object(nested, &nested_location) {
                                self.check_jsonpath_rule(nested, false, &nested_location);
                            }
                        }
                    }
                }
                "Not" => {
                    if let Some(nested) = self.expect_object(value, &field_location) {
                        self.check_jsonpath_rule(nested, false, &field_location);
                    }
                }
                "Assign" => self.check_assign(value, QueryLanguage::JsonPath, &field_location),
                "Comment" => {
                    self.expect_string(value, &field_location);
                }
                operator if COMPARISON_OPERATORS.contains(&operator) => {
                    self.check_comparison_value(operator, value, &field_location);
                }
                _ => {}
            }
        }
        if rule.contains_key("Variable") {
            let operators = rule
                .keys()
                .filter(|field| COMPARISON_OPERATORS.contains(&field.as_str()))
                .count();
            match operators {
                1 => {}
                0 => self.schema_error(
                    format!(
                        "This object should have only one of the following fields: [{}]",
                        COMPARISON_OPERATORS.join(", ")
                    ),
                    location,
                ),
                _ => self.schema_error(
                    format!(
                        "There should only be one of the following fields: [{}]",
                        COMPARISON_OPERATORS.join(", ")
                    ),
                    location,
                ),
            }
        }
    }

    fn check_comparison_value(&mut self, operator: &str, value: &Value, location: &Location) {
        if operator.ends_with("Path") {
            self.check_reference_path(value, ReferenceRoots::Any, location);
        } else if operator.starts_with("Is") || operator == "BooleanEquals" {
            self.expect_boolean(value, location);
        } else if operator.starts_with("Numeric") {
            self.expect_number(value, None, None, location);
        } else if operator.starts_with("Timestamp") {
            if let Some(text) = self.expect_string(value, location) {
                if !is_rfc3339_timestamp(text) {
                    self.schema_error("String does not match RFC3339 timestamp", location);
                }
            }
        } else {
            self.expect_string(value, location);
        }
    }

    fn check_jsonata_rule(&mut self, rule: &Map<String, Value>, location: &Location) {
        for field in rule.keys() {
            let field = field.as_str();
            match field {
                "Condition" | "Next" | "Assign" | "Output" | "Comment" => {}
                _ if field == "Variable"
                    || matches!(field, "And" | "Or" | "Not")
                    || COMPARISON_OPERATORS.contains(&field) =>
                {
                    self.schema_error(
                        language_mismatch(QueryLanguage::Jsonata, QueryLanguage::JsonPath, field),
                        location,
                    );
                }
                _ => self.unsupported(field, location),
            }
        }
        self.require(rule, &["Condition", "Next"], location);
        for (field, value) in rule {
            let field_location = location.child(field);
            match field.as_str() {
                "Condition" => match value {
                    Value::Bool(_) => {}
                    Value::String(text) if expression_text(text).is_some() => {
                        self.check_jsonata_template(value, &field_location)
                    }
                    _ => self.schema_error(
                        "JSONata string must start with {% and end with %}",
                        &field_location,
                    ),
                },
                "Assign" => self.check_assign(value, QueryLanguage::Jsonata, &field_location),
                "Output" => self.check_jsonata_template(value, &field_location),
                "Comment" => {
                    self.expect_string(value, &field_location);
                }
                _ => {}
            }
        }
    }

    // ----- Parallel and Map ------------------------------------------------------------------

    fn check_branches(&mut self, value: &Value, location: &Location) {
        let Some(branches) = self.expect_array(value, location) else {
            return;
        };
        if branches.is_empty() {
            self.schema_error("Value cannot be empty", location);
        }
        for (index, branch) in branches.iter().enumerate() {
            self.check_nested_machine(branch, &[], &location.index(index));
        }
    }

    fn check_processor_config(&mut self, value: &Value, location: &Location) {
        let Some(config) = self.expect_object(value, location) else {
            return;
        };
        self.reject_unknown_fields(config, &["Mode", "ExecutionType"], location);
        if let Some(mode) = config.get("Mode") {
            self.expect_one_of(mode, &["INLINE", "DISTRIBUTED"], &location.child("Mode"));
        }
        let distributed = config.get("Mode").and_then(Value::as_str) == Some("DISTRIBUTED");
        match config.get("ExecutionType") {
            Some(execution_type) if distributed => {
                self.expect_one_of(
                    execution_type,
                    &["STANDARD", "EXPRESS"],
                    &location.child("ExecutionType"),
                );
            }
            Some(_) => self.unsupported("ExecutionType", location),
            None if distributed => {
                self.require(config, &["ExecutionType"], location);
            }
            None => {}
        }
    }

    /// `Parameters` (JSONPath) or `Arguments` (JSONata) of ItemReader and ResultWriter.
    fn check_resource_arguments(
        &mut self,
        object: &Map<String, Value>,
        language: QueryLanguage,
        location: &Location,
    ) {
        for (field, value) in object {
            let field_location = location.child(field);
            match (field.as_str(), language) {
                ("Parameters", QueryLanguage::JsonPath) => {
                    self.check_payload_template(value, &field_location)
                }
                ("Arguments", QueryLanguage::Jsonata) => {
                    self.check_jsonata_template(value, &field_location)
                }
                ("Parameters", QueryLanguage::Jsonata) | ("Arguments", QueryLanguage::JsonPath) => {
                    let only = field_language(field).unwrap_or(QueryLanguage::JsonPath);
                    self.schema_error(language_mismatch(language, only, field), &field_location);
                }
                _ => {}
            }
        }
    }

    fn check_item_reader(&mut self, value: &Value, language: QueryLanguage, location: &Location) {
        let Some(reader) = self.expect_object(value, location) else {
            return;
        };
        self.reject_unknown_fields(
            reader,
            &["Resource", "ReaderConfig", "Parameters", "Arguments"],
            location,
        );
        self.require(reader, &["Resource"], location);
        if let Some(resource) = reader.get("Resource") {
            let resource_location = location.child("Resource");
            if let Some(resource) = self.expect_string(resource, &resource_location) {
                if !is_s3_integration(resource, &["getObject", "listObjectsV2"]) {
                    self.schema_error(
                        "The field 'Resource' does not match any of the allowed values",
                        &resource_location,
                    );
                }
            }
        }
        self.check_resource_arguments(reader, language, location);
        let Some(config) = reader.get("ReaderConfig") else {
            return;
        };
        let config_location = location.child("ReaderConfig");
        let Some(config) = self.expect_object(config, &config_location) else {
            return;
        };
        const READER_CONFIG_FIELDS: &[&str] = &[
            "InputType",
            "CSVHeaderLocation",
            "CSVHeaders",
            "CSVDelimiter",
            "MaxItems",
            "MaxItemsPath",
            "ManifestType",
        ];
        self.reject_unknown_fields(config, READER_CONFIG_FIELDS, &config_location);
        for (field, value) in config {
            let field_location = config_location.child(field);
            match field.as_str() {
                "InputType" => self.expect_one_of(
                    value,
                    &["CSV", "JSON", "JSONL", "MANIFEST", "PARQUET"],
                    &field_location,
                ),
                "CSVHeaderLocation" => {
                    self.expect_one_of(value, &["FIRST_ROW", "GIVEN"], &field_location)
                }
                "CSVDelimiter" => self.expect_one_of(
                    value,
                    &["COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB"],
                    &field_location,
                ),
                "ManifestType" => {
                    self.expect_one_of(value, &["ATHENA_DATA", "S3_INVENTORY"], &field_location)
                }
                "CSVHeaders" => {
                    if let Some(headers) = self.expect_array(value, &field_location) {
                        for (index, header) in headers.iter().enumerate() {
                            self.expect_string(header, &field_location.index(index));
                        }
                    }
                }
                "MaxItems" => self.expect_literal_or_expression(
                    value,
                    language,
                    &field_location,
                    |walker, value, location| {
                        walker.expect_integer(value, 0, 100_000_000, location);
                    },
                ),
                "MaxItemsPath" => {
                    self.check_reference_path(value, ReferenceRoots::Any, &field_location)
                }
                _ => {}
            }
        }
        if config.get("CSVHeaderLocation").and_then(Value::as_str) == Some("GIVEN") {
            self.require(config, &["CSVHeaders"], &config_location);
        }
    }

    fn check_item_batcher(&mut self, value: &Value, language: QueryLanguage, location: &Location) {
        let Some(batcher) = self.expect_object(value, location) else {
            return;
        };
        const BATCHER_FIELDS: &[&str] = &[
            "MaxItemsPerBatch",
            "MaxItemsPerBatchPath",
            "MaxInputBytesPerBatch",
            "MaxInputBytesPerBatchPath",
            "BatchInput",
        ];
        self.reject_unknown_fields(batcher, BATCHER_FIELDS, location);
        self.expect_exclusive(
            batcher,
            &["MaxItemsPerBatch", "MaxItemsPerBatchPath"],
            location,
        );
        self.expect_exclusive(
            batcher,
            &["MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath"],
            location,
        );
        for (field, value) in batcher {
            let field_location = location.child(field);
            match field.as_str() {
                "MaxItemsPerBatch" => self.expect_literal_or_expression(
                    value,
                    language,
                    &field_location,
                    |walker, value, location| {
                        walker.expect_integer(value, 1, MAX_INTEGER_FIELD, location);
                    },
                ),
                "MaxInputBytesPerBatch" => self.expect_literal_or_expression(
                    value,
                    language,
                    &field_location,
                    |walker, value, location| {
                        walker.expect_integer(value, 1, 262_144, location);
                    },
                ),
                "MaxItemsPerBatchPath" | "MaxInputBytesPerBatchPath" => {
                    self.check_reference_path(value, ReferenceRoots::Any, &field_location)
                }
                "BatchInput" => match language {
                    QueryLanguage::JsonPath => self.check_payload_template(value, &field_location),
                    QueryLanguage::Jsonata => self.check_jsonata_template(value, &field_location),
                },
                _ => {}
            }
        }
    }

    fn check_result_writer(&mut self, value: &Value, language: QueryLanguage, location: &Location) {
        let Some(writer) = self.expect_object(value, location) else {
            return;
        };
        self.reject_unknown_fields(
            writer,
            &["Resource", "Parameters", "Arguments", "WriterConfig"],
            location,
        );
        if writer.is_empty() {
            self.schema_error("Value cannot be empty", location);
            return;
        }
        if let Some(resource) = writer.get("Resource") {
            let resource_location = location.child("Resource");
            if let Some(resource) = self.expect_string(resource, &resource_location) {
                if !is_s3_integration(resource, &["putObject"]) {
                    self.schema_error(
                        "The field 'Resource' does not match any of the allowed values",
                        &resource_location,
                    );
                }
            }
            let arguments = match language {
                QueryLanguage::JsonPath => "Parameters",
                QueryLanguage::Jsonata => "Arguments",
            };
            self.require(writer, &[arguments], location);
        }
        self.check_resource_arguments(writer, language, location);
        if let Some(config) = writer.get("WriterConfig") {
            let config_location = location.child("WriterConfig");
            if let Some(config) = self.expect_object(config, &config_location) {
                self.reject_unknown_fields(
                    config,
                    &["Transformation", "OutputType"],
                    &config_location,
                );
                self.require(config, &["Transformation", "OutputType"], &config_location);
                if let Some(transformation) = config.get("Transformation") {
                    self.expect_one_of(
                        transformation,
                        &["NONE", "COMPACT", "FLATTEN"],
                        &config_location.child("Transformation"),
                    );
                }
                if let Some(output_type) = config.get("OutputType") {
                    self.expect_one_of(
                        output_type,
                        &["JSON", "JSONL"],
                        &config_location.child("OutputType"),
                    );
                }
            }
        }
    }

    // ----- the semantic phase ----------------------------------------------------------------

    fn semantic_diagnostics(&self) -> Vec<Diagnostic> {
        let mut diagnostics = Vec::new();
        self.check_state_names(&mut diagnostics);
        self.check_transition_targets(&mut diagnostics);
        let has_terminal_state = self
            .scopes
            .iter()
            .filter(|scope| scope.top_level)
            .all(|scope| scope.states.iter().any(|state| state.terminal));
        if self.scope == Scope::Machine {
            if has_terminal_state {
                self.check_reachability(&mut diagnostics);
            } else {
                diagnostics.push(Diagnostic::error(
                    MISSING_END_STATE,
                    "Workflow has no terminal state",
                    None,
                ));
            }
        } else {
            self.check_reachability(&mut diagnostics);
        }
        self.check_labels(&mut diagnostics);
        diagnostics
    }

    /// State names are unique in the whole machine, branches and processors included.
    fn check_state_names(&self, diagnostics: &mut Vec<Diagnostic>) {
        let mut seen = std::collections::HashSet::new();
        let states = self
            .state_order
            .iter()
            .filter_map(|at| self.scopes.get(at.scope)?.states.get(at.index));
        for state in states {
            if state.name.chars().count() > MAX_STATE_NAME_CHARACTERS {
                diagnostics.push(Diagnostic::error(
                    INVALID_STATE_NAME,
                    "Invalid State name: State exceeds the 80-character limit allowed by the service",
                    Some(state.location.render()),
                ));
            }
            if !seen.insert(state.name.as_str()) {
                diagnostics.push(Diagnostic::error(
                    DUPLICATE_STATE_NAME,
                    format!("Duplicate State name: {}", state.name),
                    Some(state.location.render()),
                ));
            }
        }
    }

    fn check_transition_targets(&self, diagnostics: &mut Vec<Diagnostic>) {
        for scope in &self.scopes {
            let names: std::collections::HashSet<&str> = scope
                .states
                .iter()
                .map(|state| state.name.as_str())
                .collect();
            let missing = |target: &str, location: &Location| {
                Diagnostic::error(
                    MISSING_TRANSITION_TARGET,
                    format!("Missing 'Next' target: {target}"),
                    Some(location.render()),
                )
            };
            if let Some(start_at) = &scope.start_at {
                if !names.contains(start_at.as_str()) {
                    diagnostics.push(missing(start_at, &scope.location.child("StartAt")));
                }
            }
            // A single state tested alone may name states the test does not include.
            if scope.top_level && self.scope == Scope::SingleState {
                continue;
            }
            for state in &scope.states {
                for (target, location) in &state.transitions {
                    if !names.contains(target.as_str()) {
                        diagnostics.push(missing(target, location));
                    }
                }
            }
        }
    }

    fn check_reachability(&self, diagnostics: &mut Vec<Diagnostic>) {
        for scope in &self.scopes {
            let index_of: std::collections::HashMap<&str, usize> = scope
                .states
                .iter()
                .enumerate()
                .map(|(index, state)| (state.name.as_str(), index))
                .collect();
            let mut reached = vec![false; scope.states.len()];
            let mut pending: Vec<usize> = scope
                .start_at
                .as_deref()
                .and_then(|start| index_of.get(start).copied())
                .into_iter()
                .collect();
            while let Some(index) = pending.pop() {
                if std::mem::replace(&mut reached[index], true) {
                    continue;
                }
                for (target, _) in &scope.states[index].transitions {
                    if let Some(&next) = index_of.get(target.as_str()) {
                        if !reached[next] {
                            pending.push(next);
                        }
                    }
                }
            }
            for (state, reached) in scope.states.iter().zip(reached) {
                if !reached {
                    diagnostics.push(Diagnostic::error(
                        MISSING_TRANSITION_TARGET,
                        format!("State \"{}\" is not reachable.", state.name),
                        Some(state.location.render()),
                    ));
                }
            }
        }
    }

    fn check_labels(&self, diagnostics: &mut Vec<Diagnostic>) {
        let mut seen = std::collections::HashSet::new();
        for (label, location) in &self.labels {
            if let Some(problem) = label_problem(label) {
                let mut diagnostic =
                    Diagnostic::error(INVALID_LABEL_NAME, problem.clone(), Some(location.render()));
                diagnostic.invalid_definition_text =
                    Some(parser_error_text(&problem, self.definition_text));
                diagnostics.push(diagnostic);
            } else if !seen.insert(label.as_str()) {
                diagnostics.push(Diagnostic::error(
                    DUPLICATE_LABEL_NAME,
                    format!("Duplicate Label name: {label}"),
                    Some(location.render()),
                ));
            }
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

/// `arn:<partition>:states:::s3:<api>` for one of `apis`.
fn is_s3_integration(resource: &str, apis: &[&str]) -> bool {
    let mut parts = resource.splitn(6, ':');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next()),
        (Some("arn"), Some(partition), Some("states"), Some(""), Some(""), Some(rest))
            if !partition.is_empty()
                && rest.strip_prefix("s3:").is_some_and(|api| apis.contains(&api))
    )
}
