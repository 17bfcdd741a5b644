//! The schema phase for paths, payload templates, JSONata expressions and `Assign`.

use crate::validate::Diagnostic;
use serde_json::Value;

use super::{
    is_variable_name, without_error_code, Location, Walker, INVALID_JSONATA_EXPRESSION,
    INVALID_VARIABLE_NAME, RESERVED_VARIABLE_NAME,
};
use crate::jsonata::{expression_text, JsonataExpr};
use crate::validate::paths::{
    is_path_or_intrinsic, looks_dynamic, path_problem, reference_path_problem, ReferenceRoots,
};
use crate::QueryLanguage;

impl<'t> Walker<'t> {
    pub(super) fn check_nullable_path(&mut self, field: &str, value: &Value, location: &Location) {
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

    pub(super) fn check_result_path(&mut self, value: &Value, location: &Location) {
        match value {
            Value::Null => {}
            _ => self.check_reference_path(value, ReferenceRoots::InputOnly, location),
        }
    }

    pub(super) fn check_reference_path(
        &mut self,
        value: &Value,
        roots: ReferenceRoots,
        location: &Location,
    ) {
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
    pub(super) fn check_payload_template(&mut self, value: &Value, location: &Location) {
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
    pub(super) fn check_jsonata_template(&mut self, value: &Value, location: &Location) {
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
    pub(super) fn check_jsonata_expression(&mut self, expression: &str, location: &Location) {
        if let Err(error) = JsonataExpr::compile(expression) {
            self.schema.push(Diagnostic::error(
                INVALID_JSONATA_EXPRESSION,
                without_error_code(&error.cause),
                Some(location.render()),
            ));
        }
    }

    pub(super) fn check_assign(
        &mut self,
        value: &Value,
        language: QueryLanguage,
        location: &Location,
    ) {
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
}
