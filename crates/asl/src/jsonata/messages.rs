//! jsonata-core words some errors differently from jsonata-js 2.0.6, whose texts AWS reports.
//! This restores the reference wording where the core's message carries enough to rebuild it.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use super::analysis::Analysis;

/// Built-ins whose arguments jsonata checks against a signature, so whose misuse raises T0410 or
/// T0412 naming the function.
const SIGNED_BUILTINS: [&str; 61] = [
    "abs",
    "append",
    "assert",
    "average",
    "base64decode",
    "base64encode",
    "boolean",
    "ceil",
    "contains",
    "count",
    "decodeUrl",
    "decodeUrlComponent",
    "distinct",
    "each",
    "encodeUrl",
    "encodeUrlComponent",
    "error",
    "exists",
    "filter",
    "floor",
    "formatBase",
    "formatInteger",
    "formatNumber",
    "fromMillis",
    "join",
    "keys",
    "length",
    "lookup",
    "lowercase",
    "map",
    "match",
    "max",
    "merge",
    "min",
    "not",
    "number",
    "pad",
    "parseInteger",
    "power",
    "random",
    "reduce",
    "replace",
    "reverse",
    "round",
    "shuffle",
    "sift",
    "single",
    "sort",
    "split",
    "spread",
    "sqrt",
    "string",
    "substring",
    "substringAfter",
    "substringBefore",
    "sum",
    "toMillis",
    "trim",
    "type",
    "uppercase",
    "zip",
];

static ARGUMENT_INDEX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^Argument (\d+)").expect("valid regex"));
static ARGUMENT_COUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^Argument count mismatch: expected (\d+), got (\d+)").expect("valid regex")
});
static FUNCTION_NAMED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"of function \$?([A-Za-z]+)\b").expect("valid regex"));
static ARRAY_OF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"must be an array of (\w+)").expect("valid regex"));
static ARITHMETIC_SIDE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^T200[12]: The (left|right) side of the (\S+) operator must evaluate to a number$")
        .expect("valid regex")
});
static CANNOT_CONVERT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^D3030: Cannot convert '(.*)' to number$").expect("valid regex"));
static SINGLE_COUNT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(D3138: .*) \(\d+ values\)$").expect("valid regex"));

/// `message` in jsonata-js's words, when it is one of the core's rewordings.
pub(super) fn reference_wording<'m>(message: &'m str, analysis: &Analysis) -> Cow<'m, str> {
    if let Some(rest) = message.strip_prefix("T0410: ") {
        if let Some(rewritten) = signature_mismatch(rest, analysis) {
            return Cow::Owned(rewritten);
        }
    }
    if let Some(rest) = message.strip_prefix("T0412: ") {
        if let Some(rewritten) = array_type_mismatch(rest, analysis) {
            return Cow::Owned(rewritten);
        }
    }
    if let Some(captures) = ARITHMETIC_SIDE.captures(message) {
        let code = if &captures[1] == "left" {
            "T2001"
        } else {
            "T2002"
        };
        return Cow::Owned(format!(
            "{code}: The {} side of the \"{}\" operator must evaluate to a number",
            &captures[1], &captures[2]
        ));
    }
    if message.starts_with("T1006: Attempted to invoke a non-function:") {
        return Cow::Borrowed("T1006: Attempted to invoke a non-function");
    }
    if let Some(captures) = CANNOT_CONVERT.captures(message) {
        let value = serde_json::to_string(&captures[1]).unwrap_or_default();
        return Cow::Owned(format!("D3030: Unable to cast value to a number: {value}"));
    }
    if let Some(captures) = SINGLE_COUNT.captures(message) {
        return Cow::Owned(captures[1].to_string());
    }
    Cow::Borrowed(message)
}

/// `T0410: Argument N of function "f" does not match function signature`.
fn signature_mismatch(rest: &str, analysis: &Analysis) -> Option<String> {
    let index = match ARGUMENT_COUNT.captures(rest) {
        // jsonata-js names the first argument past the ones that fit.
        Some(counts) => {
            let expected: usize = counts[1].parse().ok()?;
            let actual: usize = counts[2].parse().ok()?;
            expected.min(actual) + 1
        }
        None => ARGUMENT_INDEX.captures(rest)?[1].parse().ok()?,
    };
    let function = function_name(rest, analysis)?;
    Some(format!(
        "T0410: Argument {index} of function \"{function}\" does not match function signature"
    ))
}

/// `T0412: Argument N of function "f" must be an array of "numbers"`.
fn array_type_mismatch(rest: &str, analysis: &Analysis) -> Option<String> {
    let index: usize = ARGUMENT_INDEX.captures(rest)?[1].parse().ok()?;
    let items = match &ARRAY_OF.captures(rest)?[1] {
        "Number" | "number" | "numbers" => "numbers",
        "String" | "string" | "strings" => "strings",
        "Boolean" | "boolean" | "booleans" => "booleans",
        "Object" | "object" | "objects" => "objects",
        "Array" | "array" | "arrays" => "arrays",
        "Function" | "function" | "functions" => "functions",
        _ => return None,
    };
    let function = function_name(rest, analysis)?;
    Some(format!(
        "T0412: Argument {index} of function \"{function}\" must be an array of \"{items}\""
    ))
}

/// The function a signature error is about: named in the message, or else the only signed
/// built-in the expression refers to.
fn function_name(rest: &str, analysis: &Analysis) -> Option<String> {
    if let Some(captures) = FUNCTION_NAMED.captures(rest) {
        if &captures[1] != "does" && &captures[1] != "undefined" && &captures[1] != "must" {
            return Some(captures[1].to_string());
        }
    }
    let mut candidates = analysis
        .variables
        .keys()
        .filter(|name| SIGNED_BUILTINS.contains(&name.as_str()));
    let only = candidates.next()?;
    candidates.next().is_none().then(|| only.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reworded(message: &str, expression: &str) -> String {
        let analysis = Analysis::of(&jsonata_core::parser::parse(expression).expect("parses"));
        reference_wording(message, &analysis).into_owned()
    }

    #[test]
    fn signature_errors_name_the_function() {
        assert_eq!(
            reworded("T0410: Argument 1 must be String", "$uppercase(1)"),
            "T0410: Argument 1 of function \"uppercase\" does not match function signature"
        );
        assert_eq!(
            reworded(
                "T0412: Argument 1 must be an array of Number",
                "$sum(['a'])"
            ),
            "T0412: Argument 1 of function \"sum\" must be an array of \"numbers\""
        );
        assert_eq!(
            reworded(
                "T0412: Argument 1 of function $join must be an array of String",
                "$join([1]) & $string(2)"
            ),
            "T0412: Argument 1 of function \"join\" must be an array of \"strings\""
        );
        // Two candidates: the core's words are kept.
        assert_eq!(
            reworded(
                "T0410: Argument 1 must be String",
                "$uppercase($lowercase(1))"
            ),
            "T0410: Argument 1 must be String"
        );
    }

    #[test]
    fn operator_errors_quote_the_operator() {
        assert_eq!(
            reworded(
                "T2001: The left side of the + operator must evaluate to a number",
                "'a' + 1"
            ),
            "T2001: The left side of the \"+\" operator must evaluate to a number"
        );
        assert_eq!(
            reworded(
                "T2002: The left side of the * operator must evaluate to a number",
                "'a' * 1"
            ),
            "T2001: The left side of the \"*\" operator must evaluate to a number"
        );
    }

    #[test]
    fn other_rewordings() {
        assert_eq!(
            reworded(
                "T1006: Attempted to invoke a non-function: $nope",
                "$nope()"
            ),
            "T1006: Attempted to invoke a non-function"
        );
        assert_eq!(
            reworded("D3030: Cannot convert 'abc' to number", "$number('abc')"),
            "D3030: Unable to cast value to a number: \"abc\""
        );
        assert_eq!(
            reworded(
                "D3138: The $single() function expected exactly 1 matching result.  Instead it matched more. (2 values)",
                "$single([1, 2])"
            ),
            "D3138: The $single() function expected exactly 1 matching result.  Instead it matched more."
        );
        assert_eq!(
            reworded("D3141: boom", "$assert(false, 'boom')"),
            "D3141: boom"
        );
    }
}
