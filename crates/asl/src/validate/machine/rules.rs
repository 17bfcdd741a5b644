//! The schema phase for Retry and Catch, and for Choice rules.

use serde_json::{Map, Value};

use super::{
    field_language, language_mismatch, Location, StateNode, Walker, COMPARISON_OPERATORS,
    MAX_INTEGER_FIELD, MAX_RETRY_DELAY_SECONDS,
};
use crate::jsonata::expression_text;
use crate::validate::paths::ReferenceRoots;
use crate::validate::timestamp::is_rfc3339_timestamp;
use crate::QueryLanguage;

impl<'t> Walker<'t> {
    pub(super) fn check_retriers(&mut self, value: &Value, location: &Location) {
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
            let Some(retrier) =
                self.expect_object_with_fields(retrier, RETRIER_FIELDS, &retrier_location)
            else {
                continue;
            };
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

    pub(super) fn check_catchers(
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

    pub(super) fn check_choices(
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
}
