//! The schema phase for each state and its fields.

use serde_json::{Map, Value};

use super::{
    contains_dynamic_key, declared_language, field_language, language_mismatch, Location,
    StateNode, StateType, Walker, MAX_INTEGER_FIELD, STATE_TYPE_NAMES,
};
use crate::validate::paths::{
    is_path_or_intrinsic, looks_dynamic, looks_like_intrinsic, reference_path_problem,
    ReferenceRoots,
};
use crate::validate::resource::task_resource_problem;
use crate::validate::timestamp::is_rfc3339_timestamp;
use crate::QueryLanguage;

impl<'t> Walker<'t> {
    pub(super) fn check_state(
        &mut self,
        name: &str,
        value: &Value,
        location: &Location,
    ) -> StateNode {
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
                self.expect_integer_or_expression(value, 1, MAX_INTEGER_FIELD, language, location);
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
                self.expect_integer_or_expression(value, 0, MAX_INTEGER_FIELD, language, location);
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
                self.expect_integer_or_expression(value, 0, i64::MAX, language, location);
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
}
