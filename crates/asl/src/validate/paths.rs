//! Syntax checks of the JSONPath strings and intrinsic function calls a definition holds,
//! through the parsers the engine itself uses.

use crate::intrinsics::IntrinsicCall;
use crate::jsonpath::{JsonPath, PathRoot};

/// Why `text` is not a JSONPath (`$…`, `$$…` or `$variable…`), if it is not.
pub(super) fn path_problem(text: &str) -> Option<String> {
    if !text.starts_with('$') {
        return Some("Path didn't start with '$'".to_string());
    }
    JsonPath::parse(text).err().map(|error| error.message)
}

/// Which roots a reference path may start from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ReferenceRoots {
    /// `$`, `$$` or a variable: a path that is read.
    Any,
    /// Only `$`: a path that is written into the state's input (ResultPath).
    InputOnly,
}

/// Why `text` is not a reference path (a JSONPath that selects a single node), if it is not.
/// The reason follows AWS's `Value is not a Reference Path: …`.
pub(super) fn reference_path_problem(text: &str, roots: ReferenceRoots) -> Option<String> {
    if !text.starts_with('$') {
        return Some("Reference path didn't start with '$'".to_string());
    }
    let path = match JsonPath::parse(text) {
        Ok(path) => path,
        Err(error) => return Some(error.message),
    };
    if roots == ReferenceRoots::InputOnly && path.root() != PathRoot::Input {
        return Some("Reference path must start with '$' and not '$$' or a variable".to_string());
    }
    if !path.is_reference_path() {
        return Some(
            "Reference path must not contain wildcards, filters, slices, unions or deep scans"
                .to_string(),
        );
    }
    None
}

/// Whether `text` is a valid value of a `.$` field: a JSONPath or an intrinsic function call.
pub(super) fn is_path_or_intrinsic(text: &str) -> bool {
    if looks_like_intrinsic(text) {
        return IntrinsicCall::parse(text).is_ok();
    }
    text.starts_with('$') && JsonPath::parse(text).is_ok()
}

/// Intrinsic function calls start with `States.`.
pub(super) fn looks_like_intrinsic(text: &str) -> bool {
    text.trim_start().starts_with("States.")
}

/// Whether a string in a template without `.$` looks like it was meant to be a path or an
/// intrinsic function (the NO_DOLLAR warning).
pub(super) fn looks_dynamic(text: &str) -> bool {
    text.starts_with("$.")
        || text.starts_with("$$.")
        || (looks_like_intrinsic(text) && text.ends_with(')'))
}
