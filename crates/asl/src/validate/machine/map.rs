//! The schema phase for Parallel branches and Map's processor, reader, batcher and writer.

use serde_json::{Map, Value};

use super::{
    field_language, is_s3_integration, language_mismatch, Location, Walker, MAX_INTEGER_FIELD,
};
use crate::validate::paths::ReferenceRoots;
use crate::QueryLanguage;

impl<'t> Walker<'t> {
    pub(super) fn check_branches(&mut self, value: &Value, location: &Location) {
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

    pub(super) fn check_processor_config(&mut self, value: &Value, location: &Location) {
        let Some(config) =
            self.expect_object_with_fields(value, &["Mode", "ExecutionType"], location)
        else {
            return;
        };
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

    /// An ItemReader's or ResultWriter's `Resource`: the S3 integration of one of `apis`.
    fn check_s3_resource(&mut self, resource: &Value, apis: &[&str], location: &Location) {
        if let Some(resource) = self.expect_string(resource, location) {
            if !is_s3_integration(resource, apis) {
                self.schema_error(
                    "The field 'Resource' does not match any of the allowed values",
                    location,
                );
            }
        }
    }

    pub(super) fn check_item_reader(
        &mut self,
        value: &Value,
        language: QueryLanguage,
        location: &Location,
    ) {
        const READER_FIELDS: &[&str] = &["Resource", "ReaderConfig", "Parameters", "Arguments"];
        let Some(reader) = self.expect_object_with_fields(value, READER_FIELDS, location) else {
            return;
        };
        self.require(reader, &["Resource"], location);
        if let Some(resource) = reader.get("Resource") {
            self.check_s3_resource(
                resource,
                &["getObject", "listObjectsV2"],
                &location.child("Resource"),
            );
        }
        self.check_resource_arguments(reader, language, location);
        let Some(config) = reader.get("ReaderConfig") else {
            return;
        };
        let config_location = location.child("ReaderConfig");
        const READER_CONFIG_FIELDS: &[&str] = &[
            "InputType",
            "CSVHeaderLocation",
            "CSVHeaders",
            "CSVDelimiter",
            "MaxItems",
            "MaxItemsPath",
            "ManifestType",
        ];
        let Some(config) =
            self.expect_object_with_fields(config, READER_CONFIG_FIELDS, &config_location)
        else {
            return;
        };
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
                "MaxItems" => self.expect_integer_or_expression(
                    value,
                    0,
                    100_000_000,
                    language,
                    &field_location,
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

    pub(super) fn check_item_batcher(
        &mut self,
        value: &Value,
        language: QueryLanguage,
        location: &Location,
    ) {
        const BATCHER_FIELDS: &[&str] = &[
            "MaxItemsPerBatch",
            "MaxItemsPerBatchPath",
            "MaxInputBytesPerBatch",
            "MaxInputBytesPerBatchPath",
            "BatchInput",
        ];
        let Some(batcher) = self.expect_object_with_fields(value, BATCHER_FIELDS, location) else {
            return;
        };
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
                "MaxItemsPerBatch" => self.expect_integer_or_expression(
                    value,
                    1,
                    MAX_INTEGER_FIELD,
                    language,
                    &field_location,
                ),
                "MaxInputBytesPerBatch" => {
                    self.expect_integer_or_expression(value, 1, 262_144, language, &field_location)
                }
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

    pub(super) fn check_result_writer(
        &mut self,
        value: &Value,
        language: QueryLanguage,
        location: &Location,
    ) {
        const WRITER_FIELDS: &[&str] = &["Resource", "Parameters", "Arguments", "WriterConfig"];
        let Some(writer) = self.expect_object_with_fields(value, WRITER_FIELDS, location) else {
            return;
        };
        if writer.is_empty() {
            self.schema_error("Value cannot be empty", location);
            return;
        }
        if let Some(resource) = writer.get("Resource") {
            self.check_s3_resource(resource, &["putObject"], &location.child("Resource"));
            let arguments = match language {
                QueryLanguage::JsonPath => "Parameters",
                QueryLanguage::Jsonata => "Arguments",
            };
            self.require(writer, &[arguments], location);
        }
        self.check_resource_arguments(writer, language, location);
        if let Some(config) = writer.get("WriterConfig") {
            let config_location = location.child("WriterConfig");
            const WRITER_CONFIG_FIELDS: &[&str] = &["Transformation", "OutputType"];
            if let Some(config) =
                self.expect_object_with_fields(config, WRITER_CONFIG_FIELDS, &config_location)
            {
                self.require(config, WRITER_CONFIG_FIELDS, &config_location);
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
}
