//! The 18 intrinsic functions of the Amazon States Language (`States.Format(…)`, `States.Hash(…)`, …),
//! as Step Functions runs them.
//!
//! A call is parsed once ([`IntrinsicCall::parse`], at definition time) and evaluated many times
//! ([`IntrinsicCall::eval`]). The pure functions behind the calls ([`array_partition`],
//! [`array_range`], [`hash`], [`string_to_json`], …) are public so that the JSONata extensions
//! (`$partition`, `$range`, `$hash`, `$random`, `$uuid`, `$parse`) share the same semantics.
//!
//! Where AWS behaves differently from the specification, we follow AWS:
//! - every failure is `States.Runtime` with the cause `Invalid arguments in States.X` (arity and
//!   type errors included: they surface when the state runs, not when the machine is created);
//! - `States.MathAdd` rounds its operands half up (Java `Math.round`), while `States.ArrayRange`,
//!   `States.ArrayPartition`, `States.ArrayGetItem` and `States.MathRandom` truncate them
//!   (Java `intValue`); all of them work on 32-bit integers;
//! - `States.Format`, `States.Hash` and `States.ArrayContains` use the "natural" string of a value,
//!   which for objects and arrays is Java's `Map`/`List` `toString` (`{a=1, b=[x, y]}`), not JSON;
//! - `States.StringSplit` splits on any of the delimiter characters and drops empty tokens;
//! - `States.Base64Decode` is lenient (it skips characters outside the alphabet and stops at `=`);
//! - seeded `States.MathRandom` draws from `java.util.Random`, so a seed gives AWS's number.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt::Write as _;

use base64::Engine as _;
use serde_json::{Map, Number};
use sha2::Digest as _;

use crate::jsonpath::{JsonPath, PathNotFound};
use crate::{Environment, Scope, StatesError, Value};

/// `States.ArrayRange` (and `$range`) never produce more items than this.
pub const MAX_RANGE_ITEMS: usize = 1000;
/// The longest text (in UTF-16 code units, as Java counts) that `States.Base64Encode`,
/// `States.Base64Decode` and `States.Hash` accept.
pub const MAX_TEXT_LENGTH: usize = 10_000;
/// How deeply intrinsic calls may nest inside one field (the outermost call counts).
pub const MAX_NESTING_DEPTH: usize = 10;

// ---------------------------------------------------------------------------------------------
// The functions
// ---------------------------------------------------------------------------------------------

/// One of the 18 intrinsic functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntrinsicFunction {
    Format,
    StringToJson,
    JsonToString,
    Array,
    ArrayPartition,
    ArrayContains,
    ArrayRange,
    ArrayGetItem,
    ArrayLength,
    ArrayUnique,
    Base64Encode,
    Base64Decode,
    Hash,
    JsonMerge,
    MathRandom,
    MathAdd,
    StringSplit,
    Uuid,
}

impl IntrinsicFunction {
    pub const ALL: [IntrinsicFunction; 18] = [
        Self::Format,
        Self::StringToJson,
        Self::JsonToString,
        Self::Array,
        Self::ArrayPartition,
        Self::ArrayContains,
        Self::ArrayRange,
        Self::ArrayGetItem,
        Self::ArrayLength,
        Self::ArrayUnique,
        Self::Base64Encode,
        Self::Base64Decode,
        Self::Hash,
        Self::JsonMerge,
        Self::MathRandom,
        Self::MathAdd,
        Self::StringSplit,
        Self::Uuid,
    ];

    /// The name as written in a definition, e.g. `States.Format`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Format => "States.Format",
            Self::StringToJson => "States.StringToJson",
            Self::JsonToString => "States.JsonToString",
            Self::Array => "States.Array",
            Self::ArrayPartition => "States.ArrayPartition",
            Self::ArrayContains => "States.ArrayContains",
            Self::ArrayRange => "States.ArrayRange",
            Self::ArrayGetItem => "States.ArrayGetItem",
            Self::ArrayLength => "States.ArrayLength",
            Self::ArrayUnique => "States.ArrayUnique",
            Self::Base64Encode => "States.Base64Encode",
            Self::Base64Decode => "States.Base64Decode",
            Self::Hash => "States.Hash",
            Self::JsonMerge => "States.JsonMerge",
            Self::MathRandom => "States.MathRandom",
            Self::MathAdd => "States.MathAdd",
            Self::StringSplit => "States.StringSplit",
            Self::Uuid => "States.UUID",
        }
    }

    /// The function called `name` (case-sensitive, `States.` prefix included).
    pub fn from_name(name: &str) -> Option<IntrinsicFunction> {
        Self::ALL
            .into_iter()
            .find(|function| function.name() == name)
    }

    /// How many arguments the function takes: (minimum, maximum).
    fn arity(self) -> (usize, usize) {
        match self {
            Self::Format => (1, usize::MAX),
            Self::Array => (0, usize::MAX),
            Self::Uuid => (0, 0),
            Self::StringToJson
            | Self::JsonToString
            | Self::ArrayLength
            | Self::ArrayUnique
            | Self::Base64Encode
            | Self::Base64Decode => (1, 1),
            Self::ArrayPartition
            | Self::ArrayContains
            | Self::ArrayGetItem
            | Self::Hash
            | Self::MathAdd
            | Self::StringSplit => (2, 2),
            Self::MathRandom => (2, 3),
            Self::ArrayRange | Self::JsonMerge => (3, 3),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Parsed calls
// ---------------------------------------------------------------------------------------------

/// A parsed intrinsic function call, ready to be evaluated any number of times.
#[derive(Debug, Clone)]
pub struct IntrinsicCall {
    /// The whole expression as written: AWS quotes it, verbatim, in every error cause.
    expression: String,
    call: Call,
}

/// One call, the outermost or one nested as an argument.
#[derive(Debug, Clone)]
struct Call {
    function: IntrinsicFunction,
    arguments: Vec<Argument>,
    /// `States.Format` with a literal template: the template split once, at parse time.
    literal_template: Option<Result<FormatTemplate, MalformedTemplate>>,
}

#[derive(Debug, Clone)]
enum Argument {
    Literal(Value),
    Path(JsonPath),
    Call(Box<Call>),
}

/// Why an evaluation failed, before it is worded for the whole expression.
enum Failure {
    InvalidArguments(IntrinsicFunction),
    PathNotFound(PathNotFound),
}

impl IntrinsicCall {
    /// Parses a call such as `States.Format('Hello {}', $.name)`. Fails on anything that is not a
    /// well-formed call of a known function (AWS rejects those when the machine is created);
    /// argument counts and types are checked when the call is evaluated, as AWS does.
    pub fn parse(text: &str) -> Result<IntrinsicCall, String> {
        let mut parser = Parser { text, pos: 0 };
        parser.skip_whitespace();
        let call = parser.parse_call(1)?;
        parser.skip_whitespace();
        if parser.pos < text.len() {
            return Err(format!(
                "unexpected text after the intrinsic function call at position {}",
                parser.pos
            ));
        }
        Ok(IntrinsicCall {
            expression: text.to_owned(),
            call,
        })
    }

    /// The outermost function.
    pub fn function(&self) -> IntrinsicFunction {
        self.call.function
    }

    /// The expression as written in the definition.
    pub fn expression(&self) -> &str {
        &self.expression
    }

    /// Evaluates the call. Paths are read from `scope`; `States.UUID` and unseeded
    /// `States.MathRandom` take their values from `env`. Every failure is `States.Runtime` with
    /// the cause `The function '<expression>' had the following error: <detail>`.
    pub fn eval(&self, scope: &Scope, env: &mut dyn Environment) -> Result<Value, StatesError> {
        self.call
            .eval(scope, env)
            .map_err(|failure| self.failure_error(failure, scope))
    }

    fn failure_error(&self, failure: Failure, scope: &Scope) -> StatesError {
        let detail = match failure {
            Failure::InvalidArguments(function) => {
                format!("Invalid arguments in {}", function.name())
            }
            Failure::PathNotFound(not_found) => {
                let jayway_detail = not_found.detail();
                // Indexing a non-array leaks the JSONPath library's own message on AWS.
                if jayway_detail.starts_with("Filter: ") {
                    jayway_detail
                } else {
                    // AWS names `$$.a` as `$.a` here, and shows the state input whatever the root.
                    let path = not_found.path().text();
                    let field = path
                        .strip_prefix('$')
                        .filter(|_| path.starts_with("$$"))
                        .unwrap_or(path);
                    format!(
                        "The JsonPath argument for the field '{field}' could not be found in the input '{}'",
                        json_to_string(scope.input)
                    )
                }
            }
        };
        StatesError::runtime(format!(
            "The function '{}' had the following error: {detail}",
            self.expression
        ))
    }
}

impl Argument {
    fn eval<'v>(
        &'v self,
        scope: &Scope<'v>,
        env: &mut dyn Environment,
    ) -> Result<Cow<'v, Value>, Failure> {
        match self {
            Argument::Literal(value) => Ok(Cow::Borrowed(value)),
            Argument::Path(path) => path.select(scope).map_err(Failure::PathNotFound),
            Argument::Call(call) => call.eval(scope, env).map(Cow::Owned),
        }
    }
}

impl Call {
    fn eval(&self, scope: &Scope, env: &mut dyn Environment) -> Result<Value, Failure> {
        let function = self.function;
        let invalid = || Failure::InvalidArguments(function);
        let (min, max) = function.arity();
        if self.arguments.len() < min || self.arguments.len() > max {
            return Err(invalid());
        }
        if function == IntrinsicFunction::Format {
            return self.eval_format(scope, env).map(Value::String);
        }
        let mut values = Vec::with_capacity(self.arguments.len());
        for argument in &self.arguments {
            values.push(argument.eval(scope, env)?);
        }
        apply(function, &values, env).ok_or_else(invalid)
    }

    /// `States.Format` streams each argument into the output as its placeholder comes up: it is on
    /// the engine's hot path, so the common case (literal template, path arguments) allocates only
    /// the result.
    fn eval_format(&self, scope: &Scope, env: &mut dyn Environment) -> Result<String, Failure> {
        let invalid = || Failure::InvalidArguments(IntrinsicFunction::Format);
        let runtime_template;
        let template = match &self.literal_template {
            Some(Ok(template)) => template,
            Some(Err(MalformedTemplate)) => return Err(invalid()),
            None => {
                let value = self.arguments[0].eval(scope, env)?;
                let Value::String(text) = value.as_ref() else {
                    return Err(invalid());
                };
                runtime_template =
                    FormatTemplate::from_runtime_text(text).map_err(|_| invalid())?;
                &runtime_template
            }
        };
        let values = &self.arguments[1..];
        if template.placeholders != values.len() {
            return Err(invalid());
        }
        let mut out = String::with_capacity(template.text_len + 16 * values.len());
        let mut values = values.iter();
        for segment in &template.segments {
            match segment {
                Segment::Text(text) => out.push_str(text),
                Segment::Placeholder => {
                    let argument = values.next().ok_or_else(invalid)?;
                    write_natural_string(&mut out, argument.eval(scope, env)?.as_ref());
                }
            }
        }
        Ok(out)
    }
}

/// Applies a function (other than `States.Format`) to evaluated arguments whose count has been
/// checked. `None` means AWS's "Invalid arguments".
fn apply(
    function: IntrinsicFunction,
    args: &[Cow<'_, Value>],
    env: &mut dyn Environment,
) -> Option<Value> {
    use IntrinsicFunction as F;
    let arg = |index: usize| args.get(index).map(|value| value.as_ref());
    let text = |index: usize| arg(index).and_then(Value::as_str);
    let array = |index: usize| arg(index).and_then(Value::as_array).map(Vec::as_slice);
    let truncated = |index: usize| arg(index).and_then(truncated_int32);
    Some(match function {
        F::Format => return None,
        F::StringToJson => string_to_json(text(0)?).ok()?,
        F::JsonToString => Value::String(json_to_string(arg(0)?)),
        F::Array => Value::Array(args.iter().map(|value| value.as_ref().clone()).collect()),
        F::ArrayPartition => Value::Array(array_partition(array(0)?, truncated(1)?).ok()?),
        F::ArrayContains => Value::Bool(array_contains(array(0)?, arg(1)?)),
        F::ArrayRange => {
            Value::Array(array_range(truncated(0)?, truncated(1)?, truncated(2)?).ok()?)
        }
        F::ArrayGetItem => array_get_item(array(0)?, truncated(1)?)?,
        F::ArrayLength => Value::from(array(0)?.len()),
        F::ArrayUnique => Value::Array(array_unique(array(0)?)),
        F::Base64Encode => Value::String(base64_encode(text(0)?).ok()?),
        F::Base64Decode => Value::String(base64_decode(text(0)?).ok()?),
        F::Hash => {
            let algorithm = text(1)?;
            let data = natural_string(arg(0)?);
            Value::String(hash(&data, algorithm).ok()?)
        }
        F::JsonMerge => {
            // Only the shallow merge exists on AWS; `true` asks for the deep one.
            if arg(2)? == &Value::Bool(true) {
                return None;
            }
            let left = arg(0)?.as_object()?;
            let right = arg(1)?.as_object()?;
            Value::Object(json_merge(left, right))
        }
        F::MathRandom => {
            let seed = match arg(2) {
                Some(seed) => Some(truncated_int64(seed)?),
                None => None,
            };
            Value::from(math_random(truncated(0)?, truncated(1)?, seed, env).ok()?)
        }
        F::MathAdd => Value::from(math_add(arg(0)?.as_number()?, arg(1)?.as_number()?).ok()?),
        F::StringSplit => Value::Array(string_split(text(0)?, text(1)?)),
        F::Uuid => Value::String(env.uuid()),
    })
}

/// A number as Java's `intValue` sees it (truncated toward zero), if it fits in 32 bits.
fn truncated_int32(value: &Value) -> Option<i64> {
    let number = value.as_number()?;
    let truncated = match number.as_i64() {
        Some(int) => int,
        None => {
            let float = number.as_f64()?.trunc();
            if !float.is_finite() || float.abs() > i64::MAX as f64 {
                return None;
            }
            float as i64
        }
    };
    fits_int32(truncated).then_some(truncated)
}

/// A number truncated toward zero to a 64-bit integer (the seed of `States.MathRandom`).
fn truncated_int64(value: &Value) -> Option<i64> {
    let number = value.as_number()?;
    match number.as_i64() {
        Some(int) => Some(int),
        None => {
            let float = number.as_f64()?.trunc();
            (float.is_finite() && float.abs() <= i64::MAX as f64).then_some(float as i64)
        }
    }
}

fn fits_int32(value: i64) -> bool {
    i64::from(i32::MIN) <= value && value <= i64::from(i32::MAX)
}

// ---------------------------------------------------------------------------------------------
// Pure functions, shared with the JSONata extensions
// ---------------------------------------------------------------------------------------------

/// Why a pure intrinsic function refused its arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvalidArgument {
    #[error("the chunk size must be a positive integer")]
    ChunkSizeNotPositive,
    #[error("the step must not be zero")]
    ZeroStep,
    #[error("the range would have more than 1000 items")]
    TooManyItems,
    #[error("the text is longer than 10000 characters")]
    TextTooLong,
    #[error("the hash algorithm must be one of MD5, SHA-1, SHA-256, SHA-384, SHA-512")]
    UnsupportedAlgorithm,
    #[error("a number is outside the 32-bit integer range")]
    OutOfIntegerRange,
    #[error("the end of the range must be greater than its start")]
    EmptyRange,
    #[error("the text is not valid JSON")]
    InvalidJson,
}

/// `States.ArrayPartition` / `$partition`: consecutive chunks of `chunk_size` items, the last one
/// possibly shorter.
pub fn array_partition(items: &[Value], chunk_size: i64) -> Result<Vec<Value>, InvalidArgument> {
    if chunk_size < 1 {
        return Err(InvalidArgument::ChunkSizeNotPositive);
    }
    let chunk_size = usize::try_from(chunk_size).unwrap_or(usize::MAX);
    Ok(items
        .chunks(chunk_size)
        .map(|chunk| Value::Array(chunk.to_vec()))
        .collect())
}

/// `States.ArrayRange` / `$range`: `start`, `start + step`, … up to `end` included; empty when
/// `step` goes away from `end`.
pub fn array_range(start: i64, end: i64, step: i64) -> Result<Vec<Value>, InvalidArgument> {
    if step == 0 {
        return Err(InvalidArgument::ZeroStep);
    }
    let (start, end, step) = (i128::from(start), i128::from(end), i128::from(step));
    let count = if (step > 0 && start <= end) || (step < 0 && start >= end) {
        (end - start) / step + 1
    } else {
        0
    };
    if count > MAX_RANGE_ITEMS as i128 {
        return Err(InvalidArgument::TooManyItems);
    }
    Ok((0..count)
        .filter_map(|index| i64::try_from(start + index * step).ok())
        .map(Value::from)
        .collect())
}

/// `States.ArrayContains`: AWS compares the natural strings of the values, so `true` matches
/// `"true"`, `1` matches `"1"` and objects match only with their keys in the same order.
pub fn array_contains(items: &[Value], target: &Value) -> bool {
    let target = natural_string(target);
    let mut item_text = String::new();
    items.iter().any(|item| {
        item_text.clear();
        write_natural_string(&mut item_text, item);
        item_text == target
    })
}

/// `States.ArrayGetItem`. An out-of-range index is an error, except on an empty array where AWS
/// answers `null`.
fn array_get_item(items: &[Value], index: i64) -> Option<Value> {
    let index = usize::try_from(index).ok()?;
    match items.get(index) {
        Some(item) => Some(item.clone()),
        None if items.is_empty() => Some(Value::Null),
        None => None,
    }
}

/// `States.ArrayUnique`: the first occurrence of each distinct value, in order. Values are equal
/// as JSON values (object key order does not matter; `1` and `1.0` differ).
pub fn array_unique(items: &[Value]) -> Vec<Value> {
    let mut seen = HashSet::with_capacity(items.len());
    let mut key = String::new();
    items
        .iter()
        .filter(|item| {
            key.clear();
            write_canonical_key(&mut key, item);
            seen.insert(key.clone())
        })
        .cloned()
        .collect()
}

/// A text that two values share exactly when they are equal JSON values.
fn write_canonical_key(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push('n'),
        Value::Bool(flag) => out.push(if *flag { 't' } else { 'f' }),
        Value::Number(number) if number.is_f64() => {
            let _ = write!(out, "d{number};");
        }
        Value::Number(number) => {
            let _ = write!(out, "i{number};");
        }
        Value::String(text) => write_json_string(out, text),
        Value::Array(items) => {
            out.push('[');
            for item in items {
                write_canonical_key(out, item);
                out.push(',');
            }
            out.push(']');
        }
        Value::Object(fields) => {
            let mut sorted: Vec<_> = fields.iter().collect();
            sorted.sort_unstable_by_key(|(key, _)| *key);
            out.push('{');
            for (key, field) in sorted {
                write_json_string(out, key);
                out.push(':');
                write_canonical_key(out, field);
                out.push(',');
            }
            out.push('}');
        }
    }
}

/// `States.Base64Encode`: standard Base64, with padding, of the UTF-8 bytes of `text`.
pub fn base64_encode(text: &str) -> Result<String, InvalidArgument> {
    check_text_length(text)?;
    Ok(base64::engine::general_purpose::STANDARD.encode(text))
}

/// `States.Base64Decode`, as lenient as AWS: characters outside the Base64 alphabets (standard
/// and URL-safe) are skipped, decoding stops at the first `=`, and a trailing partial group yields
/// the bytes it completes. Bytes that are not UTF-8 become U+FFFD.
pub fn base64_decode(text: &str) -> Result<String, InvalidArgument> {
    check_text_length(text)?;
    let mut bytes = Vec::with_capacity(text.len() / 4 * 3 + 2);
    let mut group: u32 = 0;
    let mut group_len = 0;
    for byte in text.bytes() {
        if byte == b'=' {
            break;
        }
        let Some(sextet) = base64_sextet(byte) else {
            continue;
        };
        group = (group << 6) | u32::from(sextet);
        group_len += 1;
        if group_len == 4 {
            bytes.extend_from_slice(&[(group >> 16) as u8, (group >> 8) as u8, group as u8]);
            group = 0;
            group_len = 0;
        }
    }
    match group_len {
        2 => bytes.push((group >> 4) as u8),
        3 => bytes.extend_from_slice(&[(group >> 10) as u8, (group >> 2) as u8]),
        _ => {}
    }
    Ok(match String::from_utf8(bytes) {
        Ok(decoded) => decoded,
        Err(error) => String::from_utf8_lossy(error.as_bytes()).into_owned(),
    })
}

fn base64_sextet(byte: u8) -> Option<u8> {
    match byte {
        b'A'..=b'Z' => Some(byte - b'A'),
        b'a'..=b'z' => Some(byte - b'a' + 26),
        b'0'..=b'9' => Some(byte - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

/// AWS limits texts to 10,000 Java characters (UTF-16 code units).
fn check_text_length(text: &str) -> Result<(), InvalidArgument> {
    // A UTF-8 text never has more UTF-16 units than bytes: count only when it might be too long.
    if text.len() > MAX_TEXT_LENGTH && text.encode_utf16().count() > MAX_TEXT_LENGTH {
        return Err(InvalidArgument::TextTooLong);
    }
    Ok(())
}

/// The names `States.Hash` accepts, exactly as written.
pub const HASH_ALGORITHMS: [&str; 5] = ["MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"];

/// `States.Hash` / `$hash`: the lowercase hexadecimal digest of the UTF-8 bytes of `data`.
pub fn hash(data: &str, algorithm: &str) -> Result<String, InvalidArgument> {
    check_text_length(data)?;
    let bytes = data.as_bytes();
    Ok(match algorithm {
        "MD5" => hex(&md5::Md5::digest(bytes)),
        "SHA-1" => hex(&sha1::Sha1::digest(bytes)),
        "SHA-256" => hex(&sha2::Sha256::digest(bytes)),
        "SHA-384" => hex(&sha2::Sha384::digest(bytes)),
        "SHA-512" => hex(&sha2::Sha512::digest(bytes)),
        _ => return Err(InvalidArgument::UnsupportedAlgorithm),
    })
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

/// `States.StringToJson` / `$parse`: the JSON value `text` holds. AWS answers `null` for an empty
/// or blank text, and reads `-0` as the integer `0`.
pub fn string_to_json(text: &str) -> Result<Value, InvalidArgument> {
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    let mut value: Value = serde_json::from_str(text).map_err(|_| InvalidArgument::InvalidJson)?;
    // serde_json reads `-0` as the float -0.0, where AWS's parser sees the integer 0.
    if text.contains("-0") {
        replace_negative_zeros(&mut value);
    }
    Ok(value)
}

fn replace_negative_zeros(value: &mut Value) {
    match value {
        Value::Number(number) => {
            if number
                .as_f64()
                .is_some_and(|float| float == 0.0 && float.is_sign_negative())
            {
                *value = Value::from(0);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(replace_negative_zeros),
        Value::Object(fields) => fields.values_mut().for_each(replace_negative_zeros),
        Value::Null | Value::Bool(_) | Value::String(_) => {}
    }
}

/// `States.JsonToString`: compact JSON (no spaces), keys in their order, numbers as AWS writes
/// them (`1.0E20` for large floats).
pub fn json_to_string(value: &Value) -> String {
    let mut out = String::new();
    write_json(&mut out, value);
    out
}

fn write_json(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        Value::Number(number) => write_number(out, number),
        Value::String(text) => write_json_string(out, text),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_json(out, item);
            }
            out.push(']');
        }
        Value::Object(fields) => {
            out.push('{');
            for (index, (key, field)) in fields.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_json_string(out, key);
                out.push(':');
                write_json(out, field);
            }
            out.push('}');
        }
    }
}

/// A JSON string literal, escaped as Jackson escapes it.
fn write_json_string(out: &mut String, text: &str) {
    out.push('"');
    let mut plain_from = 0;
    for (index, ch) in text.char_indices() {
        let escape = match ch {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\u{8}' => "\\b",
            '\t' => "\\t",
            '\n' => "\\n",
            '\u{c}' => "\\f",
            '\r' => "\\r",
            ch if ch < ' ' => "",
            _ => continue,
        };
        out.push_str(&text[plain_from..index]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{:04X}", u32::from(ch));
        } else {
            out.push_str(escape);
        }
        plain_from = index + ch.len_utf8();
    }
    out.push_str(&text[plain_from..]);
    out.push('"');
}

/// A number as Java prints it: integers in full, floats as `Double.toString` does.
fn write_number(out: &mut String, number: &Number) {
    match number.as_f64().filter(|_| number.is_f64()) {
        Some(float) => write_java_double(out, float),
        None => {
            let _ = write!(out, "{number}");
        }
    }
}

/// Java's `Double.toString`: plain notation with at least one fractional digit for magnitudes in
/// [10^-3, 10^7), `d.dddE±n` otherwise; the digits are the shortest that read back the same.
fn write_java_double(out: &mut String, value: f64) {
    if !value.is_finite() {
        // JSON has no such numbers; Java would print these names.
        out.push_str(if value.is_nan() {
            "NaN"
        } else if value > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        });
        return;
    }
    if value == 0.0 {
        out.push_str(if value.is_sign_negative() {
            "-0.0"
        } else {
            "0.0"
        });
        return;
    }
    // `{:e}` gives the shortest round-trip digits: "-1.2345e-7".
    let scientific = format!("{value:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let (negative, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if negative {
        out.push('-');
    }
    if (-3..7).contains(&exponent) {
        if exponent < 0 {
            out.push_str("0.");
            (1..-exponent).for_each(|_| out.push('0'));
            out.push_str(&digits);
        } else {
            let integer_len = exponent as usize + 1;
            if digits.len() > integer_len {
                out.push_str(&digits[..integer_len]);
                out.push('.');
                out.push_str(&digits[integer_len..]);
            } else {
                out.push_str(&digits);
                (digits.len()..integer_len).for_each(|_| out.push('0'));
                out.push_str(".0");
            }
        }
    } else {
        out.push_str(&digits[..1]);
        out.push('.');
        out.push_str(if digits.len() > 1 { &digits[1..] } else { "0" });
        let _ = write!(out, "E{exponent}");
    }
}

/// The "natural" string of a value, as `States.Format` inserts it: strings without quotes, `null`,
/// numbers and booleans as written, and objects and arrays as Java's `Map`/`List` `toString`
/// (`{Arg1=1, Arg2=[]}`) — that is what AWS prints.
pub fn natural_string(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        _ => {
            let mut out = String::new();
            write_natural_string(&mut out, value);
            out
        }
    }
}

/// [`natural_string`], appended to `out`.
pub fn write_natural_string(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        Value::Number(number) => write_number(out, number),
        Value::String(text) => out.push_str(text),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                write_natural_string(out, item);
            }
            out.push(']');
        }
        Value::Object(fields) => {
            out.push('{');
            for (index, (key, field)) in fields.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                out.push_str(key);
                out.push('=');
                write_natural_string(out, field);
            }
            out.push('}');
        }
    }
}

/// `States.JsonMerge` (shallow, the only mode AWS supports): `left`'s fields in order, each
/// replaced by `right`'s field of the same name, then `right`'s other fields.
pub fn json_merge(left: &Map<String, Value>, right: &Map<String, Value>) -> Map<String, Value> {
    let mut merged = left.clone();
    for (key, value) in right {
        merged.insert(key.clone(), value.clone());
    }
    merged
}

/// `States.MathAdd`: both operands rounded half up (as Java's `Math.round`) then added; operands
/// and sum must fit in 32 bits.
pub fn math_add(left: &Number, right: &Number) -> Result<i64, InvalidArgument> {
    let sum = rounded_int32(left)? + rounded_int32(right)?;
    if fits_int32(sum) {
        Ok(sum)
    } else {
        Err(InvalidArgument::OutOfIntegerRange)
    }
}

fn rounded_int32(number: &Number) -> Result<i64, InvalidArgument> {
    let rounded = match number.as_i64() {
        Some(int) => int,
        None => {
            let float = number.as_f64().ok_or(InvalidArgument::OutOfIntegerRange)?;
            let floor = float.floor();
            // Ties go up, toward positive infinity: -1.5 → -1, 2.5 → 3.
            let rounded = if float - floor >= 0.5 {
                floor + 1.0
            } else {
                floor
            };
            if !rounded.is_finite() || rounded.abs() > i64::MAX as f64 {
                return Err(InvalidArgument::OutOfIntegerRange);
            }
            rounded as i64
        }
    };
    if fits_int32(rounded) {
        Ok(rounded)
    } else {
        Err(InvalidArgument::OutOfIntegerRange)
    }
}

/// `States.MathRandom`: an integer in [`start`, `end`). With a seed, the number
/// `java.util.Random(seed).nextInt(end - start)` gives, as on AWS; without one, drawn from `env`.
pub fn math_random(
    start: i64,
    end: i64,
    seed: Option<i64>,
    env: &mut dyn Environment,
) -> Result<i64, InvalidArgument> {
    if !fits_int32(start) || !fits_int32(end) {
        return Err(InvalidArgument::OutOfIntegerRange);
    }
    if end <= start {
        return Err(InvalidArgument::EmptyRange);
    }
    let span = i32::try_from(end - start).map_err(|_| InvalidArgument::OutOfIntegerRange)?;
    let offset = match seed {
        Some(seed) => i64::from(JavaRandom::new(seed).next_int(span)),
        None => {
            let drawn = (env.random() * f64::from(span)).floor() as i64;
            drawn.clamp(0, i64::from(span) - 1)
        }
    };
    Ok(start + offset)
}

/// `$random(seed)`: the fraction in [0, 1) that `java.util.Random(seed).nextDouble()` gives.
pub fn seeded_random_fraction(seed: i64) -> f64 {
    JavaRandom::new(seed).next_double()
}

/// `java.util.Random`'s 48-bit linear congruential generator, so that seeded numbers are AWS's.
struct JavaRandom {
    state: u64,
}

impl JavaRandom {
    const MULTIPLIER: u64 = 0x5_DEEC_E66D;
    const MASK: u64 = (1 << 48) - 1;

    fn new(seed: i64) -> Self {
        JavaRandom {
            state: (seed as u64 ^ Self::MULTIPLIER) & Self::MASK,
        }
    }

    fn next(&mut self, bits: u32) -> i32 {
        self.state = (self.state.wrapping_mul(Self::MULTIPLIER).wrapping_add(0xB)) & Self::MASK;
        (self.state >> (48 - bits)) as i32
    }

    /// `nextInt(bound)` for `bound > 0`, rejection loop included.
    fn next_int(&mut self, bound: i32) -> i32 {
        let bound = bound.max(1);
        let mut candidate = self.next(31);
        let max_index = bound - 1;
        if bound & max_index == 0 {
            return ((i64::from(bound) * i64::from(candidate)) >> 31) as i32;
        }
        loop {
            let value = candidate % bound;
            if candidate
                .checked_sub(value)
                .and_then(|base| base.checked_add(max_index))
                .is_some()
            {
                return value;
            }
            candidate = self.next(31);
        }
    }

    fn next_double(&mut self) -> f64 {
        let high = i64::from(self.next(26));
        let low = i64::from(self.next(27));
        ((high << 27) + low) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// `States.StringSplit`: the pieces of `text` between any of the `delimiters` characters, empty
/// pieces left out (as Java's `StringTokenizer` does).
pub fn string_split(text: &str, delimiters: &str) -> Vec<Value> {
    text.split(|ch| delimiters.contains(ch))
        .filter(|piece| !piece.is_empty())
        .map(|piece| Value::String(piece.to_owned()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// States.Format templates
// ---------------------------------------------------------------------------------------------

/// A `States.Format` template split into literal text and `{}` placeholders.
#[derive(Debug, Clone, PartialEq)]
struct FormatTemplate {
    segments: Vec<Segment>,
    placeholders: usize,
    text_len: usize,
}

#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Text(String),
    Placeholder,
}

/// A `{` or `}` that is neither escaped nor part of `{}`: AWS fails such a call when it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct MalformedTemplate;

impl FormatTemplate {
    /// From the body of a string literal as written in the definition (between the quotes,
    /// escapes still in it): `\{` and `\}` are braces, not placeholders.
    fn from_literal_body(body: &str) -> Result<FormatTemplate, MalformedTemplate> {
        Self::build(body, |next| matches!(next, '\'' | '{' | '}' | '\\'))
    }

    /// From a template read from the input at run time: only `\{` and `\}` are escapes there.
    fn from_runtime_text(text: &str) -> Result<FormatTemplate, MalformedTemplate> {
        Self::build(text, |next| matches!(next, '{' | '}'))
    }

    fn build(
        text: &str,
        is_escapable: impl Fn(char) -> bool,
    ) -> Result<FormatTemplate, MalformedTemplate> {
        let mut template = FormatTemplate {
            segments: Vec::new(),
            placeholders: 0,
            text_len: 0,
        };
        let mut literal = String::new();
        let mut chars = text.chars().peekable();
        while let Some(ch) = chars.next() {
            match ch {
                '\\' => match chars.peek() {
                    Some(&next) if is_escapable(next) => {
                        literal.push(next);
                        chars.next();
                    }
                    _ => literal.push('\\'),
                },
                '{' if chars.peek() == Some(&'}') => {
                    chars.next();
                    if !literal.is_empty() {
                        template.text_len += literal.len();
                        template
                            .segments
                            .push(Segment::Text(std::mem::take(&mut literal)));
                    }
                    template.segments.push(Segment::Placeholder);
                    template.placeholders += 1;
                }
                '{' | '}' => return Err(MalformedTemplate),
                _ => literal.push(ch),
            }
        }
        if !literal.is_empty() {
            template.text_len += literal.len();
            template.segments.push(Segment::Text(literal));
        }
        Ok(template)
    }
}

// ---------------------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------------------

struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while self.peek().is_some_and(|byte| byte.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, wanted: u8, context: &str) -> Result<(), String> {
        self.skip_whitespace();
        if self.peek() == Some(wanted) {
            self.pos += 1;
            Ok(())
        } else {
            Err(format!(
                "expected '{}' {context} at position {}",
                char::from(wanted),
                self.pos
            ))
        }
    }

    /// A run of name characters (`States.Format`, `true`, `null`, …).
    fn word(&mut self) -> &'a str {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|byte| byte.is_ascii_alphanumeric() || byte == b'.' || byte == b'_')
        {
            self.pos += 1;
        }
        &self.text[start..self.pos]
    }

    fn parse_call(&mut self, depth: usize) -> Result<Call, String> {
        if depth > MAX_NESTING_DEPTH {
            return Err(format!(
                "intrinsic functions are nested more than {MAX_NESTING_DEPTH} deep"
            ));
        }
        let name_at = self.pos;
        let name = self.word();
        let function = IntrinsicFunction::from_name(name).ok_or_else(|| {
            if name.is_empty() {
                format!("expected an intrinsic function at position {name_at}")
            } else {
                format!("unknown intrinsic function '{name}'")
            }
        })?;
        let context = format!("after {name}");
        self.expect(b'(', &context)?;
        let mut arguments = Vec::new();
        let mut literal_template = None;
        self.skip_whitespace();
        if self.peek() == Some(b')') {
            self.pos += 1;
        } else {
            loop {
                self.skip_whitespace();
                let argument = match self.peek() {
                    Some(b'\'') => {
                        let (value, body) = self.string_literal()?;
                        if function == IntrinsicFunction::Format && arguments.is_empty() {
                            literal_template = Some(FormatTemplate::from_literal_body(body));
                        }
                        Argument::Literal(Value::String(value))
                    }
                    Some(b'$') => Argument::Path(self.path()?),
                    Some(byte) if byte == b'-' || byte.is_ascii_digit() => {
                        Argument::Literal(self.number()?)
                    }
                    Some(byte) if byte.is_ascii_alphabetic() => {
                        let word_at = self.pos;
                        match self.word() {
                            "true" => Argument::Literal(Value::Bool(true)),
                            "false" => Argument::Literal(Value::Bool(false)),
                            "null" => Argument::Literal(Value::Null),
                            _ => {
                                self.pos = word_at;
                                Argument::Call(Box::new(self.parse_call(depth + 1)?))
                            }
                        }
                    }
                    _ => {
                        return Err(format!(
                            "expected an argument of {name} at position {}",
                            self.pos
                        ))
                    }
                };
                arguments.push(argument);
                self.skip_whitespace();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b')') => {
                        self.pos += 1;
                        break;
                    }
                    _ => {
                        return Err(format!(
                            "expected ',' or ')' in the arguments of {name} at position {}",
                            self.pos
                        ))
                    }
                }
            }
        }
        Ok(Call {
            function,
            arguments,
            literal_template,
        })
    }

    /// A single-quoted string; `\'`, `\{`, `\}` and `\\` are the only escapes. Returns the value
    /// and the body as written (for `States.Format` templates).
    fn string_literal(&mut self) -> Result<(String, &'a str), String> {
        let open_at = self.pos;
        self.pos += 1;
        let body_start = self.pos;
        let mut value = String::new();
        let mut chars = self.text[body_start..].char_indices();
        while let Some((offset, ch)) = chars.next() {
            match ch {
                '\'' => {
                    self.pos = body_start + offset + 1;
                    return Ok((value, &self.text[body_start..body_start + offset]));
                }
                '\\' => match chars.next() {
                    Some((_, escaped @ ('\'' | '{' | '}' | '\\'))) => value.push(escaped),
                    _ => {
                        return Err(format!(
                            "invalid escape sequence in the string at position {}",
                            body_start + offset
                        ))
                    }
                },
                _ => value.push(ch),
            }
        }
        Err(format!(
            "unterminated string starting at position {open_at}"
        ))
    }

    /// A JSON number: `-`? (`0` | [1-9][0-9]*) (`.` [0-9]+)? ([eE] [+-]? [0-9]+)?
    fn number(&mut self) -> Result<Value, String> {
        let start = self.pos;
        let bad = |at: usize| format!("invalid number at position {at}");
        let bytes = self.text.as_bytes();
        let digits_from = |mut pos: usize| {
            while bytes.get(pos).is_some_and(u8::is_ascii_digit) {
                pos += 1;
            }
            pos
        };
        let mut pos = start;
        if bytes.get(pos) == Some(&b'-') {
            pos += 1;
        }
        let integer_end = digits_from(pos);
        if integer_end == pos || (bytes[pos] == b'0' && integer_end > pos + 1) {
            return Err(bad(start));
        }
        pos = integer_end;
        let mut is_float = false;
        if bytes.get(pos) == Some(&b'.') {
            let fraction_end = digits_from(pos + 1);
            if fraction_end == pos + 1 {
                return Err(bad(start));
            }
            pos = fraction_end;
            is_float = true;
        }
        if matches!(bytes.get(pos), Some(b'e' | b'E')) {
            pos += 1;
            if matches!(bytes.get(pos), Some(b'+' | b'-')) {
                pos += 1;
            }
            let exponent_end = digits_from(pos);
            if exponent_end == pos {
                return Err(bad(start));
            }
            pos = exponent_end;
            is_float = true;
        }
        if bytes
            .get(pos)
            .is_some_and(|byte| byte.is_ascii_alphanumeric() || *byte == b'.')
        {
            return Err(bad(start));
        }
        self.pos = pos;
        let literal = &self.text[start..pos];
        if !is_float {
            if let Ok(int) = literal.parse::<i64>() {
                return Ok(Value::from(int));
            }
            if let Ok(int) = literal.parse::<u64>() {
                return Ok(Value::from(int));
            }
        }
        literal
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| format!("number out of range at position {start}"))
    }

    /// A path (`$`, `$.a[0]`, `$$.Execution.Id`, `$var.x`, `$.a[?(@.b == 'x,y')]`): everything up
    /// to the `,` or `)` that ends the argument, brackets, parentheses and quotes respected.
    fn path(&mut self) -> Result<JsonPath, String> {
        let start = self.pos;
        let mut nesting = 0usize;
        let mut quote: Option<char> = None;
        let mut end = self.text.len();
        let mut chars = self.text[start..].char_indices();
        while let Some((offset, ch)) = chars.next() {
            match quote {
                Some(open) => {
                    if ch == '\\' {
                        chars.next();
                    } else if ch == open {
                        quote = None;
                    }
                }
                None => match ch {
                    '\'' | '"' if nesting > 0 => quote = Some(ch),
                    '[' | '(' => nesting += 1,
                    ']' | ')' if nesting > 0 => nesting -= 1,
                    ',' | ')' => {
                        end = start + offset;
                        break;
                    }
                    _ => {}
                },
            }
        }
        self.pos = end;
        let text = self.text[start..end].trim_end();
        JsonPath::parse(text).map_err(|error| format!("invalid path '{text}': {error}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A fixed environment: UUIDs count up, `random()` returns the given fraction.
    struct FixedEnvironment {
        random: f64,
        uuids: u32,
    }

    impl FixedEnvironment {
        fn new() -> Self {
            FixedEnvironment {
                random: 0.5,
                uuids: 0,
            }
        }
    }

    impl Environment for FixedEnvironment {
        fn uuid(&mut self) -> String {
            self.uuids += 1;
            format!("00000000-0000-4000-8000-{:012}", self.uuids)
        }
        fn random(&mut self) -> f64 {
            self.random
        }
        fn now_iso(&mut self) -> String {
            "2024-01-01T00:00:00.000Z".to_owned()
        }
        fn now_millis(&mut self) -> i64 {
            1_704_067_200_000
        }
    }

    fn eval(text: &str) -> Result<Value, StatesError> {
        let call = IntrinsicCall::parse(text).unwrap_or_else(|error| panic!("{text}: {error}"));
        let (input, context) = (json!({}), json!({}));
        let scope = Scope::new(&input, &context, &crate::NoVariables);
        call.eval(&scope, &mut FixedEnvironment::new())
    }

    fn ok(text: &str) -> Value {
        eval(text).unwrap_or_else(|error| panic!("{text}: {error}"))
    }

    fn invalid(text: &str, function: &str) {
        let error = eval(text).expect_err(text);
        assert_eq!(error.error, "States.Runtime", "{text}");
        assert_eq!(
            error.cause,
            format!(
                "The function '{text}' had the following error: Invalid arguments in {function}"
            )
        );
    }

    /// Evaluates `text` against a state input, a context object and variables.
    fn eval_with(
        text: &str,
        input: Value,
        context: Value,
        variables: Value,
    ) -> Result<Value, StatesError> {
        let call = IntrinsicCall::parse(text).unwrap_or_else(|error| panic!("{text}: {error}"));
        let variables = variables.as_object().cloned().unwrap_or_default();
        let scope = Scope::new(&input, &context, &variables);
        call.eval(&scope, &mut FixedEnvironment::new())
    }

    fn ok_with(text: &str, input: Value) -> Value {
        eval_with(text, input, json!({}), json!({}))
            .unwrap_or_else(|error| panic!("{text}: {error}"))
    }

    #[test]
    fn parses_every_function_name_and_rejects_unknown_ones() {
        for function in IntrinsicFunction::ALL {
            assert_eq!(
                IntrinsicFunction::from_name(function.name()),
                Some(function)
            );
        }
        assert!(IntrinsicCall::parse("States.Unknown()").is_err());
        assert!(IntrinsicCall::parse("states.format('x')").is_err());
        assert!(IntrinsicCall::parse("Format('x')").is_err());
    }

    #[test]
    fn rejects_malformed_calls() {
        for text in [
            "States.Array(",
            "States.Array(1",
            "States.Array(1,)",
            "States.Array(,1)",
            "States.Array(1 2)",
            "States.Array(1) trailing",
            "States.Array([1,2])",
            "States.Array(1.)",
            "States.Array(.5)",
            "States.Array(01)",
            "States.Array(1e)",
            "States.Array(truth)",
            "States.Array('unterminated)",
            "States.Array('bad \\n escape')",
            "States.Array(\"double\")",
            "States.Array",
            "",
        ] {
            assert!(
                IntrinsicCall::parse(text).is_err(),
                "{text} should not parse"
            );
        }
    }

    #[test]
    fn limits_nesting_to_ten_levels() {
        let nested =
            |depth: usize| format!("{}1{}", "States.Array(".repeat(depth), ")".repeat(depth));
        assert!(IntrinsicCall::parse(&nested(MAX_NESTING_DEPTH)).is_ok());
        assert!(IntrinsicCall::parse(&nested(MAX_NESTING_DEPTH + 1)).is_err());
        // Deep garbage is refused without exhausting the stack.
        assert!(IntrinsicCall::parse(&"States.Array(".repeat(100_000)).is_err());
    }

    #[test]
    fn literals_keep_their_types() {
        assert_eq!(
            ok("States.Array(42, -7, 1.5, 1.0, 2e3, true, false, null, 'hello', '')"),
            json!([42, -7, 1.5, 1.0, 2000.0, true, false, null, "hello", ""])
        );
        assert_eq!(ok("States.Array( 1 , 2 )"), json!([1, 2]));
        assert_eq!(ok("  States.Array()  "), json!([]));
        assert_eq!(
            ok("States.Array(9007199254740991)"),
            json!([9007199254740991i64])
        );
    }

    #[test]
    fn string_escapes() {
        assert_eq!(
            ok(r"States.Array('it\'s', '\{\}', 'back\\slash')"),
            json!(["it's", "{}", "back\\slash"])
        );
        // A real newline inside the literal (the JSON definition held "\n").
        assert_eq!(
            ok("States.StringSplit('Hello\nWorld', '\n')"),
            json!(["Hello", "World"])
        );
    }

    #[test]
    fn nested_calls() {
        assert_eq!(
            ok("States.Array(1, States.Array(2, 3))"),
            json!([1, [2, 3]])
        );
        assert_eq!(
            ok("States.ArrayGetItem(States.StringSplit('a-b-c', '-'), States.MathAdd(States.ArrayLength(States.StringSplit('a-b-c', '-')), -1))"),
            json!("c")
        );
        assert_eq!(
            ok("States.ArrayGetItem(States.StringSplit('sm-name', '-'), 0)"),
            json!("sm")
        );
    }

    #[test]
    fn format_inserts_natural_strings() {
        // Recorded: intrinsic_functions_test_generic test_format_1 / test_format_2.
        assert_eq!(
            ok("States.Format('Formatting argument {}.', '')"),
            json!("Formatting argument .")
        );
        assert_eq!(
            ok("States.Format('Formatting argument {}.', null)"),
            json!("Formatting argument null.")
        );
        assert_eq!(
            ok("States.Format('Formatting argument {}.', 1)"),
            json!("Formatting argument 1.")
        );
        assert_eq!(
            ok("States.Format('Formatting argument {}.', 1.1)"),
            json!("Formatting argument 1.1.")
        );
        assert_eq!(
            ok("States.Format('fst={} and snd={}.', States.StringToJson('{\"Arg1\": 1, \"Arg2\": []}'), States.Array('a', 1, null))"),
            json!("fst={Arg1=1, Arg2=[]} and snd=[a, 1, null].")
        );
        assert_eq!(
            ok("States.Format('no placeholders')"),
            json!("no placeholders")
        );
        assert_eq!(
            ok("States.Format('{}|{}|{}', false, -1, 3.5)"),
            json!("false|-1|3.5")
        );
        assert_eq!(ok("States.Format('  {}  ', 'x')"), json!("  x  "));
        assert_eq!(
            ok(r"States.Format('Name: \'{}\', braces: \{\}', 'Gabriel')"),
            json!("Name: 'Gabriel', braces: {}")
        );
        assert_eq!(ok(r"States.Format('\\{}', 'x')"), json!("\\x"));
        assert_eq!(
            ok("States.Format('arn:{}:{}', 'lambda', States.JsonToString(States.StringToJson('{\"k\":1}')))"),
            json!("arn:lambda:{\"k\":1}")
        );
    }

    #[test]
    fn format_errors() {
        invalid("States.Format('{} {}', 'x')", "States.Format");
        invalid("States.Format('{}', 'x', 'y')", "States.Format");
        invalid("States.Format('Hello {', 'x')", "States.Format");
        invalid("States.Format('Hello {{}}', 'x')", "States.Format");
        invalid("States.Format('}')", "States.Format");
        invalid("States.Format()", "States.Format");
        invalid("States.Format(123, 'x')", "States.Format");
        // A template produced at run time is split then.
        assert_eq!(
            ok("States.Format(States.Format('{}', 'Hi {}!'), 'there')"),
            json!("Hi there!")
        );
        invalid(
            "States.Format(States.Format('{}', 'Hi {'), 'x')",
            "States.Format",
        );
    }

    #[test]
    fn natural_strings_of_numbers_follow_java() {
        let natural = |value: Value| natural_string(&value);
        assert_eq!(natural(json!(1)), "1");
        assert_eq!(natural(json!(-9007199254740991i64)), "-9007199254740991");
        assert_eq!(
            natural(json!(12345678901234567890u64)),
            "12345678901234567890"
        );
        assert_eq!(natural(json!(1.0)), "1.0");
        assert_eq!(natural(json!(1.1)), "1.1");
        assert_eq!(natural(json!(100.0)), "100.0");
        assert_eq!(natural(json!(-0.0)), "-0.0");
        assert_eq!(natural(json!(0.001)), "0.001");
        assert_eq!(natural(json!(0.0001)), "1.0E-4");
        assert_eq!(natural(json!(9999999.0)), "9999999.0");
        assert_eq!(natural(json!(1e7)), "1.0E7");
        assert_eq!(natural(json!(1.5e20)), "1.5E20");
        assert_eq!(natural(json!(-123.456)), "-123.456");
        assert_eq!(natural(json!(1.25e-5)), "1.25E-5");
    }

    #[test]
    fn string_to_json() {
        // Recorded: test_string_to_json exec_hist_resp_0..9 and the JSONata $parse cases.
        let cases = [
            ("", json!(null)),
            (" ", json!(null)),
            ("null", json!(null)),
            ("-0", json!(0)),
            ("1", json!(1)),
            ("1.1", json!(1.1)),
            ("true", json!(true)),
            ("\"HelloWorld\"", json!("HelloWorld")),
            ("[1, 2, \"HelloWorld\"]", json!([1, 2, "HelloWorld"])),
            (
                "{\"Arg1\": 1, \"Arg2\": []}",
                json!({"Arg1": 1, "Arg2": []}),
            ),
            (" {\"a\":1} ", json!({"a": 1})),
        ];
        for (text, expected) in cases {
            assert_eq!(
                super::string_to_json(text),
                Ok(expected.clone()),
                "{text:?}"
            );
            let literal = text.replace('\\', "\\\\").replace('\'', "\\'");
            assert_eq!(
                ok(&format!("States.StringToJson('{literal}')")),
                expected,
                "{text:?}"
            );
        }
        assert!(super::string_to_json("-0").is_ok_and(|zero| zero.is_i64()));
        invalid("States.StringToJson('{bad json}')", "States.StringToJson");
        invalid("States.StringToJson('{\"a\":1')", "States.StringToJson");
        invalid("States.StringToJson('undefined')", "States.StringToJson");
        invalid("States.StringToJson(123)", "States.StringToJson");
        invalid("States.StringToJson()", "States.StringToJson");
        invalid("States.StringToJson('1', '2')", "States.StringToJson");
    }

    #[test]
    fn json_to_string_is_compact_and_ordered() {
        // Recorded: BASE_ASSIGN_FROM_INTRINSIC_FUNCTION stringifiedJson.
        assert_eq!(
            ok("States.JsonToString(States.StringToJson('{\"test\":\"object\"}'))"),
            json!("{\"test\":\"object\"}")
        );
        assert_eq!(
            json_to_string(
                &json!({"z": [null, "", " ", 0, 1, true, false, [0, 1, false]], "a": 1.5e20})
            ),
            r#"{"z":[null,""," ",0,1,true,false,[0,1,false]],"a":1.5E20}"#
        );
        assert_eq!(
            json_to_string(&json!("tab\there \"q\" \u{1}")),
            r#""tab\there \"q\" \u0001""#
        );
        assert_eq!(ok("States.JsonToString('x')"), json!("\"x\""));
    }

    #[test]
    fn array_builds_arrays() {
        // Recorded: test_array_0, test_array_2.
        assert_eq!(ok("States.Array()"), json!([]));
        assert_eq!(ok("States.Array(' ', ' ')"), json!([" ", " "]));
        assert_eq!(ok("States.Array(null, null)"), json!([null, null]));
        assert_eq!(ok("States.Array(1.1, 1.1)"), json!([1.1, 1.1]));
        assert_eq!(ok("States.Array('a', 'b', 'c')"), json!(["a", "b", "c"]));
    }

    #[test]
    fn array_partition() {
        // Recorded: JSONata test_array_partition (same semantics) and BASE_ASSIGN_FROM_INTRINSIC_FUNCTION.
        let items: Vec<Value> = (0..4).map(Value::from).collect();
        let partition = |len: usize, size: i64| {
            Value::Array(super::array_partition(&items[..len], size).unwrap_or_default())
        };
        assert_eq!(partition(1, 1), json!([[0]]));
        assert_eq!(partition(1, 5), json!([[0]]));
        assert_eq!(partition(2, 1), json!([[0], [1]]));
        assert_eq!(partition(2, 3), json!([[0, 1]]));
        assert_eq!(partition(3, 2), json!([[0, 1], [2]]));
        assert_eq!(partition(4, 3), json!([[0, 1, 2], [3]]));
        assert_eq!(partition(4, 2), json!([[0, 1], [2, 3]]));
        assert_eq!(partition(0, 3), json!([]));
        assert_eq!(
            ok("States.ArrayPartition(States.Array(1, 2, 3, 4, 5, 6), 2)"),
            json!([[1, 2], [3, 4], [5, 6]])
        );
        // AWS truncates the chunk size.
        assert_eq!(
            ok("States.ArrayPartition(States.Array(1, 2, 3, 4, 5), 2.6)"),
            json!([[1, 2], [3, 4], [5]])
        );
        assert_eq!(
            ok("States.ArrayPartition(States.Array(1, 2, 3), 2147483647)"),
            json!([[1, 2, 3]])
        );
        for bad in ["0", "-1", "0.49", "-0.6", "0.6", "'2'", "null"] {
            invalid(
                &format!("States.ArrayPartition(States.Array(1, 2, 3), {bad})"),
                "States.ArrayPartition",
            );
        }
        invalid(
            "States.ArrayPartition('not-array', 2)",
            "States.ArrayPartition",
        );
        invalid(
            "States.ArrayPartition(States.Array(1))",
            "States.ArrayPartition",
        );
        invalid(
            "States.ArrayPartition(States.Array(1), 2, 999)",
            "States.ArrayPartition",
        );
    }

    #[test]
    fn array_contains_compares_natural_strings() {
        // Recorded: test_array_contains exec_hist_resp_0..8.
        let contains = |items: Value, target: Value| {
            super::array_contains(
                items.as_array().map(Vec::as_slice).unwrap_or_default(),
                &target,
            )
        };
        assert!(!contains(json!([]), json!(null)));
        assert!(!contains(json!([]), json!([])));
        assert!(!contains(json!([]), json!(1)));
        assert!(!contains(json!([[1, 2, 3], 2]), json!(null)));
        assert!(contains(json!([[1, 2, 3], 2]), json!([1, 2, 3])));
        assert!(!contains(json!([{"1": 2, "2": []}]), json!([])));
        assert!(contains(
            json!([{"1": 2, "2": []}]),
            json!({"1": 2, "2": []})
        ));
        assert!(contains(json!([true, false]), json!(true)));
        assert!(contains(json!([true, false]), json!(false)));
        // What AWS does beyond the recorded cases.
        assert!(contains(json!([1, null, 3]), json!(null)));
        assert!(!contains(json!([0, 1, -1, -1.5]), json!(false)));
        assert!(contains(
            json!(["9007199254740991"]),
            json!(9007199254740991i64)
        ));
        assert!(contains(json!(["true", "false"]), json!(true)));
        assert!(!contains(
            json!([{"a": 1, "b": 2}]),
            json!({"b": 2, "a": 1})
        ));
        assert!(!contains(json!([{"a": 1}]), json!({"a": 1, "extra": null})));
        assert_eq!(
            ok("States.ArrayContains(States.Array(1, 2, 3, 4, 5, 6), 5)"),
            json!(true)
        );
        invalid(
            "States.ArrayContains('not-array', 'x')",
            "States.ArrayContains",
        );
        invalid(
            "States.ArrayContains(States.Array(1))",
            "States.ArrayContains",
        );
        invalid(
            "States.ArrayContains(States.Array(1), 2, 999)",
            "States.ArrayContains",
        );
    }

    #[test]
    fn array_range() {
        // Recorded: test_array_range exec_hist_resp_0..3 and its JSONata twin.
        let range = |start, end, step| {
            Value::Array(super::array_range(start, end, step).unwrap_or_default())
        };
        assert_eq!(range(0, 9, 3), json!([0, 3, 6, 9]));
        assert_eq!(range(0, 10, 3), json!([0, 3, 6, 9]));
        assert_eq!(range(1, 9, 9), json!([1]));
        assert_eq!(range(1, 9, 2), json!([1, 3, 5, 7, 9]));
        assert_eq!(range(-2, 2, 2), json!([-2, 0, 2]));
        assert_eq!(range(3, 3, -1), json!([3]));
        assert_eq!(range(5, 1, -2), json!([5, 3, 1]));
        assert_eq!(range(5, 1, 1), json!([]));
        assert_eq!(range(1, 5, -1), json!([]));
        assert_eq!(
            super::array_range(1, 1000, 1).map(|items| items.len()),
            Ok(1000)
        );
        assert_eq!(
            super::array_range(1000, 1, -1).map(|items| items.len()),
            Ok(1000)
        );
        assert_eq!(
            super::array_range(1, 1001, 1),
            Err(InvalidArgument::TooManyItems)
        );
        assert_eq!(
            super::array_range(1001, 1, -1),
            Err(InvalidArgument::TooManyItems)
        );
        assert_eq!(super::array_range(1, 10, 0), Err(InvalidArgument::ZeroStep));
        assert_eq!(ok("States.ArrayRange(1, 10, 2)"), json!([1, 3, 5, 7, 9]));
        assert_eq!(ok("States.ArrayRange(0, 3, 1)"), json!([0, 1, 2, 3]));
        // AWS truncates fractional arguments.
        assert_eq!(ok("States.ArrayRange(1.4, 5.6, 2.2)"), json!([1, 3, 5]));
        assert_eq!(ok("States.ArrayRange(1.6, 1.4, 1)"), json!([1]));
        assert_eq!(ok("States.ArrayRange(5.4, -0.6, -2.4)"), json!([5, 3, 1]));
        for bad in [
            "'a', 5, 1",
            "1, 'b', 1",
            "1, 5, 'c'",
            "1, 10, 0",
            "1, 10, 0.49",
            "1, 1001, 1",
            "1, 5",
            "1, 5, 1, 99",
            "3000000000, 1, 1",
        ] {
            invalid(&format!("States.ArrayRange({bad})"), "States.ArrayRange");
        }
    }

    #[test]
    fn array_get_item() {
        // Recorded: test_array_get_item.
        assert_eq!(
            ok("States.ArrayGetItem(States.Array(1, 2, 3, 4, 5, 6, 7, 8, 9), 5)"),
            json!(6)
        );
        assert_eq!(
            ok("States.ArrayGetItem(States.Array('x', 'y', 'z'), 1)"),
            json!("y")
        );
        assert_eq!(
            ok("States.ArrayGetItem(States.Array(null), 0)"),
            json!(null)
        );
        assert_eq!(
            ok("States.ArrayGetItem(States.Array(10, 20, 30), 1.2)"),
            json!(20)
        );
        assert_eq!(ok("States.ArrayGetItem(States.Array(), 999)"), json!(null));
        for bad in [
            "'not-array', 0",
            "States.Array(10, 20, 30), 3",
            "States.Array(10, 20, 30), -1",
            "States.Array(10, 20, 30), '1'",
            "States.Array(10, 20, 30)",
            "States.Array(10, 20, 30), 1, 999",
        ] {
            invalid(
                &format!("States.ArrayGetItem({bad})"),
                "States.ArrayGetItem",
            );
        }
    }

    #[test]
    fn array_length_and_unique() {
        // Recorded: test_array_unique (which calls ArrayLength) and BASE_ASSIGN_FROM_INTRINSIC_FUNCTION.
        let recorded = json!([null, null, true, true, false, false, 1, 1, 1.1, 0, 0, "HelloWorld",
            "HelloWorld", [], [], [null], [null], {"a": 1, "b": 2}, {"a": 1, "b": 2}, {"a": 1, "b": 1}]);
        let items = recorded.as_array().map(Vec::as_slice).unwrap_or_default();
        assert_eq!(items.len(), 20);
        assert_eq!(
            Value::Array(super::array_unique(items)),
            json!([null, true, false, 1, 1.1, 0, "HelloWorld", [], [null], {"a": 1, "b": 2}, {"a": 1, "b": 1}])
        );
        assert_eq!(
            ok("States.ArrayUnique(States.Array(1, 2, 2, 3, 3, 4))"),
            json!([1, 2, 3, 4])
        );
        assert_eq!(
            Value::Array(super::array_unique(&[
                json!({"a": 1, "b": 2}),
                json!({"b": 2, "a": 1}),
                json!(1),
                json!(1.0),
                json!("1")
            ])),
            json!([{"a": 1, "b": 2}, 1, 1.0, "1"])
        );
        assert_eq!(
            ok("States.ArrayLength(States.Array(1, 2, 3, 4, 5, 6))"),
            json!(6)
        );
        assert_eq!(ok("States.ArrayLength(States.Array())"), json!(0));
        invalid("States.ArrayLength('not-array')", "States.ArrayLength");
        invalid("States.ArrayLength()", "States.ArrayLength");
        invalid("States.ArrayUnique(1)", "States.ArrayUnique");
    }

    #[test]
    fn base64() {
        // Recorded: test_base_64_encode and BASE_REFERENCE_IN_INTRINSIC_FUNCTION.
        assert_eq!(ok("States.Base64Encode('')"), json!(""));
        assert_eq!(
            ok("States.Base64Encode('Data to encode')"),
            json!("RGF0YSB0byBlbmNvZGU=")
        );
        assert_eq!(
            ok("States.Base64Encode('Hello World')"),
            json!("SGVsbG8gV29ybGQ=")
        );
        assert_eq!(
            ok("States.Base64Decode('SGVsbG8gV29ybGQ=')"),
            json!("Hello World")
        );
        assert_eq!(ok("States.Base64Encode('🚀')"), json!("8J+agA=="));
        assert_eq!(
            ok("States.Base64Decode('44GT44KT44Gr44Gh44Gv')"),
            json!("こんにちは")
        );
        assert_eq!(
            ok("States.Base64Decode(States.Base64Encode('hello'))"),
            json!("hello")
        );
        // Lenient decoding, as AWS.
        assert_eq!(base64_decode(" YWJjZA== "), Ok("abcd".to_owned()));
        assert_eq!(base64_decode("abc"), Ok("i\u{fffd}".to_owned()));
        assert_eq!(base64_decode("ab==cd"), Ok("i".to_owned()));
        assert_eq!(base64_decode("YWJj\nZA=="), Ok("abcd".to_owned()));
        assert_eq!(base64_decode("YWJjAGRlZg=="), Ok("abc\0def".to_owned()));
        assert_eq!(base64_decode("/w=="), Ok("\u{fffd}".to_owned()));
        assert_eq!(
            base64_decode(&"A".repeat(10_000)).map(|text| text.len()),
            Ok(7_500)
        );
        assert_eq!(
            base64_decode(&"A".repeat(10_001)),
            Err(InvalidArgument::TextTooLong)
        );
        assert_eq!(
            base64_encode(&"a".repeat(10_000)).map(|text| text.len()),
            Ok(13_336)
        );
        assert_eq!(
            base64_encode(&"a".repeat(10_001)),
            Err(InvalidArgument::TextTooLong)
        );
        // 10,000 characters of three UTF-8 bytes each still fit.
        assert!(base64_encode(&"✓".repeat(10_000)).is_ok());
        invalid("States.Base64Encode(123)", "States.Base64Encode");
        invalid("States.Base64Encode()", "States.Base64Encode");
        invalid("States.Base64Encode('a', 'b')", "States.Base64Encode");
        invalid(
            "States.Base64Decode(States.Array('x'))",
            "States.Base64Decode",
        );
    }

    #[test]
    fn hash() {
        // Recorded: BASE_ASSIGN_FROM_INTRINSIC_FUNCTION hashValue.
        assert_eq!(
            ok("States.Hash('Hash this string', 'SHA-256')"),
            json!("1cac63f39fd68d8c531f27b807610fb3d50f0fc3f186995767fb6316e7200a3e")
        );
        let cases = [
            ("MD5", "5d41402abc4b2a76b9719d911017c592"),
            ("SHA-1", "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"),
            ("SHA-256", "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"),
            ("SHA-384", "59e1748777448c69de6b800d7a33bbfb9ff1b463e44354c3553bcdb9c666fa90125a3c79f90397bdf5f6a13de828684f"),
            ("SHA-512", "9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043"),
        ];
        for (algorithm, digest) in cases {
            assert_eq!(super::hash("hello", algorithm), Ok(digest.to_owned()));
        }
        assert_eq!(
            ok("States.Hash('🚀', 'SHA-256')"),
            json!("ebbc0b2870eb323f2b6cffa5c493ceef81ae7eb36afc73d4e0367301631daec5")
        );
        assert_eq!(
            ok("States.Hash(States.Format('{}:{}', 'x', 'y'), 'SHA-256')"),
            json!("1274e286686b54fe765ec40735665b4bf789cee2a5b22124c5e0491a88e15271")
        );
        // Non-string data is hashed through its natural string, as AWS does.
        assert_eq!(
            ok("States.Hash(123, 'MD5')"),
            ok("States.Hash('123', 'MD5')")
        );
        assert!(super::hash(&"a".repeat(10_000), "SHA-256").is_ok());
        assert_eq!(
            super::hash(&"a".repeat(10_001), "SHA-256"),
            Err(InvalidArgument::TextTooLong)
        );
        for bad in [
            "'UNSUPPORTED'",
            "'sha-256'",
            "'SHA256'",
            "''",
            "'MD-5'",
            "'SHA-257'",
            "123",
        ] {
            invalid(&format!("States.Hash('data', {bad})"), "States.Hash");
        }
        invalid("States.Hash()", "States.Hash");
        invalid("States.Hash('hello')", "States.Hash");
        invalid("States.Hash('hello', 'SHA-256', 'extra')", "States.Hash");
    }

    #[test]
    fn json_merge_is_shallow_and_keeps_order() {
        // Recorded: test_json_merge and test_json_merge_escaped_argument.
        let merged = ok("States.JsonMerge(States.StringToJson('{\"a\": {\"a1\": 1, \"a2\": 2}, \"b\": 2, \"d\": 3}'), States.StringToJson('{\"a\": {\"a3\": 1, \"a4\": 2}, \"c\": 3, \"d\": 4}'), false)");
        assert_eq!(
            merged,
            json!({"a": {"a3": 1, "a4": 2}, "b": 2, "d": 4, "c": 3})
        );
        let keys: Vec<&String> = merged
            .as_object()
            .map(|fields| fields.keys().collect())
            .unwrap_or_default();
        assert_eq!(keys, ["a", "b", "d", "c"]);
        assert_eq!(
            ok("States.JsonMerge(States.StringToJson('{\"constant_in_literal\": \"false\"}'), States.StringToJson('{\"constant_input_field\": \"constant_value\"}'), false)"),
            json!({"constant_in_literal": "false", "constant_input_field": "constant_value"})
        );
        // AWS takes anything but `true` as the shallow mode.
        assert_eq!(
            ok("States.JsonMerge(States.StringToJson('{}'), States.StringToJson('{}'), 'false')"),
            json!({})
        );
        invalid(
            "States.JsonMerge(States.StringToJson('{}'), States.StringToJson('{}'), true)",
            "States.JsonMerge",
        );
        invalid(
            "States.JsonMerge(null, States.StringToJson('{}'), false)",
            "States.JsonMerge",
        );
        invalid(
            "States.JsonMerge(States.StringToJson('{}'), States.Array(), false)",
            "States.JsonMerge",
        );
        invalid(
            "States.JsonMerge(States.StringToJson('{}'), States.StringToJson('{}'))",
            "States.JsonMerge",
        );
    }

    #[test]
    fn math_add_rounds_half_up() {
        // Recorded: test_math_add exec_hist_resp_0..20.
        let cases = [
            (json!(-9), json!(3), -6),
            (json!(1.49), json!(1.5), 3),
            (json!(1.5), json!(1.51), 4),
            (json!(-1.49), json!(-1.5), -2),
            (json!(-1.5), json!(-1.51), -3),
            (json!(1.49), json!(0), 1),
            (json!(1.49), json!(-1.49), 0),
            (json!(1.5), json!(0), 2),
            (json!(1.51), json!(0), 2),
            (json!(-1.49), json!(0), -1),
            (json!(-1.5), json!(0), -1),
            (json!(-1.51), json!(0), -2),
            (json!(0.5), json!(0), 1),
            (json!(2.5), json!(0), 3),
            (json!(3.5), json!(0), 4),
            (json!(-0.5), json!(0.5), 1),
            (json!(-0.5), json!(0), 0),
            (json!(-2.5), json!(0), -2),
            (json!(-3.5), json!(0), -3),
            (json!(5), json!(3), 8),
            (json!(0.1), json!(0.2), 0),
            (json!(0.49999999999999994), json!(0), 0),
        ];
        for (left, right, sum) in cases {
            let (Some(left_number), Some(right_number)) = (left.as_number(), right.as_number())
            else {
                panic!("numbers expected");
            };
            assert_eq!(
                super::math_add(left_number, right_number),
                Ok(sum),
                "{left} + {right}"
            );
            assert_eq!(ok(&format!("States.MathAdd({left}, {right})")), json!(sum));
        }
        assert_eq!(ok("States.MathAdd(2147483646, 1)"), json!(2147483647));
        assert_eq!(ok("States.MathAdd(-2147483647, -1)"), json!(-2147483648i64));
        for bad in [
            "2147483647, 1",
            "-2147483648, -1",
            "3000000000, 1",
            "'a', 1",
            "1, 'b'",
            "null, 1",
            "true, 1",
            "'1.5', 2",
            "1",
            "1, 2, 999",
        ] {
            invalid(&format!("States.MathAdd({bad})"), "States.MathAdd");
        }
    }

    #[test]
    fn math_random() {
        let mut env = FixedEnvironment::new();
        // Seeded: java.util.Random(42).nextInt(10) is 0, so AWS answers -5 on [-5, 5).
        assert_eq!(super::math_random(-5, 5, Some(42), &mut env), Ok(-5));
        assert_eq!(
            ok("States.MathRandom(1, 100, 42)"),
            ok("States.MathRandom(1, 100, 42)")
        );
        assert_eq!(seeded_random_fraction(42), 0.7275636800328681);
        // Unseeded: from the environment.
        env.random = 0.5;
        assert_eq!(super::math_random(0, 10, None, &mut env), Ok(5));
        env.random = 0.999_999_999_9;
        assert_eq!(super::math_random(12, 44, None, &mut env), Ok(43));
        env.random = 0.0;
        assert_eq!(
            super::math_random(-99999, -9999, None, &mut env),
            Ok(-99999)
        );
        assert_eq!(ok("States.MathRandom(1.6, 5.4)"), json!(3));
        for seed in [0, 1, -10, i64::MAX] {
            let drawn = super::math_random(2147483640, 2147483647, Some(seed), &mut env);
            assert!(drawn.is_ok_and(|value| (2147483640..2147483647).contains(&value)));
            let drawn = super::math_random(-1_000_000, 1_000_000, Some(seed), &mut env);
            assert!(drawn.is_ok_and(|value| (-1_000_000..1_000_000).contains(&value)));
        }
        for bad in [
            "1, 1",
            "10, 5",
            "1.4, 1.6",
            "1.49, 1.49",
            "'a', 10",
            "1, 'b'",
            "1, 10, 'seed'",
            "1, 10, null",
            "1",
            "1, 10, 5, 99",
            "-2147483648, 2147483647",
        ] {
            invalid(&format!("States.MathRandom({bad})"), "States.MathRandom");
        }
    }

    #[test]
    fn java_random_matches_the_jdk() {
        // Values of java.util.Random for known seeds.
        let mut random = JavaRandom::new(0);
        assert_eq!(random.next(32), -1155484576);
        let mut random = JavaRandom::new(42);
        assert_eq!(random.next(32), -1170105035);
        assert_eq!(JavaRandom::new(42).next_int(16), 11);
        assert_eq!(JavaRandom::new(42).next_int(1000), 130);
        assert_eq!(JavaRandom::new(42).next_int(10), 0);
    }

    #[test]
    fn string_split_drops_empty_tokens() {
        // Recorded: test_string_split exec_hist_resp_0..6 and test_string_split_context_object.
        let split =
            |text: &str, delimiters: &str| Value::Array(super::string_split(text, delimiters));
        assert_eq!(split(" ", ","), json!([" "]));
        assert_eq!(split(" , ", ","), json!([" ", " "]));
        assert_eq!(split(", , ,", ","), json!([" ", " "]));
        assert_eq!(split(",,,,", ","), json!([]));
        assert_eq!(split("1,2,3,4,5", ","), json!(["1", "2", "3", "4", "5"]));
        assert_eq!(
            split("This.is+a,test=string", ".+,="),
            json!(["This", "is", "a", "test", "string"])
        );
        assert_eq!(
            split("split on T and \nnew line", "T\n"),
            json!(["split on ", " and ", "new line"])
        );
        assert_eq!(
            split("Value1,Value2,Value3\nValue4,Value5,Value6\n,,,\ntrue,1,'HelloWorld'\nNull,None,\n   \n", ","),
            json!(["Value1", "Value2", "Value3\nValue4", "Value5", "Value6\n", "\ntrue", "1", "'HelloWorld'\nNull", "None", "\n   \n"])
        );
        assert_eq!(split("", ","), json!([]));
        assert_eq!(split("abc", ""), json!(["abc"]));
        assert_eq!(
            ok("States.StringSplit('a,b,c,d,e', ',')"),
            json!(["a", "b", "c", "d", "e"])
        );
        invalid("States.StringSplit(123, ',')", "States.StringSplit");
        invalid("States.StringSplit('a,b', 1)", "States.StringSplit");
        invalid("States.StringSplit(null, ',')", "States.StringSplit");
        invalid("States.StringSplit('a,b')", "States.StringSplit");
    }

    #[test]
    fn path_arguments_from_the_recorded_cases() {
        // test_format_2 exec_hist_resp_7.
        let input = json!({"FunctionInput": {"fst": {"Arg1": 1, "Arg2": []}, "snd": {"Arg1": 1, "Arg2": []}}});
        assert_eq!(
            ok_with("States.Format('Formatting arguments fst={} and snd={}.', $.FunctionInput.fst, $.FunctionInput.snd)", input),
            json!("Formatting arguments fst={Arg1=1, Arg2=[]} and snd={Arg1=1, Arg2=[]}.")
        );
        // test_format_1 exec_hist_resp_6: a string holding JSON is inserted as is.
        let input = json!({"FunctionInput": "{\"Arg1\": 1, \"Arg2\": []}"});
        assert_eq!(
            ok_with(
                "States.Format('Formatting argument {}.', $.FunctionInput)",
                input
            ),
            json!("Formatting argument {\"Arg1\": 1, \"Arg2\": []}.")
        );
        // test_array_2 exec_hist_resp_7.
        let input = json!({"FunctionInput": {"fst": {"Arg1": 1, "Arg2": []}, "snd": null}});
        assert_eq!(
            ok_with(
                "States.Array($.FunctionInput.fst, $.FunctionInput.snd)",
                input
            ),
            json!([{"Arg1": 1, "Arg2": []}, null])
        );
        // test_array_unique (ArrayLength of the whole input field), test_array_range.
        let input = json!({"FunctionInput": [null, null, true, 1, 1.1, "a", [], {"a": 1}]});
        assert_eq!(
            ok_with("States.ArrayLength($.FunctionInput)", input),
            json!(8)
        );
        let input = json!({"FunctionInput": {"fst": 0, "snd": 10, "trd": 3}});
        assert_eq!(
            ok_with(
                "States.ArrayRange($.FunctionInput.fst, $.FunctionInput.snd, $.FunctionInput.trd)",
                input
            ),
            json!([0, 3, 6, 9])
        );
        // test_math_add exec_hist_resp_2.
        let input = json!({"FunctionInput": {"fst": 1.5, "snd": 1.51}});
        assert_eq!(
            ok_with(
                "States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)",
                input
            ),
            json!(4)
        );
        // test_json_merge.
        let input = json!({"FunctionInput": {"fst": {"a": {"a1": 1, "a2": 2}, "b": 2, "d": 3}, "snd": {"a": {"a3": 1, "a4": 2}, "c": 3, "d": 4}}});
        assert_eq!(
            ok_with(
                "States.JsonMerge($.FunctionInput.fst, $.FunctionInput.snd, false)",
                input
            ),
            json!({"a": {"a3": 1, "a4": 2}, "b": 2, "c": 3, "d": 4})
        );
        // test_string_to_json exec_hist_resp_8, test_base_64_encode exec_hist_resp_1.
        assert_eq!(
            ok_with(
                "States.StringToJson($.FunctionInput)",
                json!({"FunctionInput": "[1, 2, \"HelloWorld\"]"})
            ),
            json!([1, 2, "HelloWorld"])
        );
        assert_eq!(
            ok_with(
                "States.Base64Encode($.FunctionInput)",
                json!({"FunctionInput": "Data to encode"})
            ),
            json!("RGF0YSB0byBlbmNvZGU=")
        );
    }

    #[test]
    fn context_and_variable_arguments() {
        let context = json!({
            "Execution": {"Name": "exec-1", "Input": {"FunctionInput": "Value1,Value2\nValue3,,"}},
            "StateMachine": {"Id": "arn:aws:states:us-east-1:111111111111:stateMachine:sm-name-x", "Name": "sm-name-x"},
            "Map": {"Item": {"Value": "Pikachu"}},
        });
        let run = |text: &str, variables: Value| {
            eval_with(
                text,
                json!({"FunctionInput": null}),
                context.clone(),
                variables,
            )
            .unwrap_or_else(|error| panic!("{text}: {error}"))
        };
        // test_context_json_path.
        assert_eq!(
            run("States.Format('Formatting arguments fst={} and snd={}.', $$.Execution.Name, $$.StateMachine)", json!({})),
            json!("Formatting arguments fst=exec-1 and snd={Id=arn:aws:states:us-east-1:111111111111:stateMachine:sm-name-x, Name=sm-name-x}.")
        );
        // test_nested_calls_1 and _2.
        assert_eq!(
            run(
                "States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), 0)",
                json!({})
            ),
            json!("sm")
        );
        assert_eq!(
            run("States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))", json!({})),
            json!("x")
        );
        // test_string_split_context_object.
        assert_eq!(
            run(
                "States.StringSplit($$.Execution.Input.FunctionInput, ',')",
                json!({})
            ),
            json!(["Value1", "Value2\nValue3"])
        );
        // MAP_STATE_REFERENCE_IN_INTRINSIC_FUNCTION and BASE_VAR.
        assert_eq!(
            run(
                "States.Format($AnswerTemplate, $$.Map.Item.Value)",
                json!({"AnswerTemplate": "It's {}!"})
            ),
            json!("It's Pikachu!")
        );
        assert_eq!(
            run(
                "States.Format('Format Func {}', $varname)",
                json!({"varname": "input_value_literal"})
            ),
            json!("Format Func input_value_literal")
        );
        assert_eq!(
            run(
                "States.MathAdd(States.MathAdd($y, $x), $bias)",
                json!({"x": 1, "y": 2, "bias": 3})
            ),
            json!(6)
        );
        assert_eq!(
            run(
                "States.JsonToString($json.a)",
                json!({"json": {"a": {"k": [1]}}})
            ),
            json!("{\"k\":[1]}")
        );
    }

    #[test]
    fn paths_of_every_shape() {
        let input =
            json!({"other": 1, "nul": null, "items": [{"a": "x,y", "n": 1}, {"a": "z", "n": 2}]});
        assert_eq!(
            ok_with("States.JsonToString($)", json!({"other": 1})),
            json!("{\"other\":1}")
        );
        assert_eq!(
            ok_with("States.Format('{}', $.nul)", input.clone()),
            json!("null")
        );
        assert_eq!(
            ok_with("States.ArrayLength($.items[*].nope)", input.clone()),
            json!(0)
        );
        assert_eq!(
            ok_with(
                "States.ArrayLength( $.items[?(@.a == 'x,y')] )",
                input.clone()
            ),
            json!(1)
        );
        assert_eq!(
            ok_with("States.Array($.items[1].n,$['other'])", input.clone()),
            json!([2, 1])
        );
        assert_eq!(
            ok_with("States.Array($.items[0]['a'], $.items[-1].a)", input),
            json!(["x,y", "z"])
        );
        assert!(IntrinsicCall::parse("States.Array($.a[)").is_err());
        assert!(IntrinsicCall::parse("States.Array($..)").is_err());
    }

    #[test]
    fn a_path_that_matches_nothing_fails_like_on_aws() {
        let cause = |text: &str, input: Value| {
            eval_with(text, input, json!({"State": {"Name": "P"}}), json!({}))
                .map_err(|error| (error.error, error.cause))
        };
        let expected = |text: &str, field: &str, input: &str| {
            Err(("States.Runtime".to_owned(), format!(
                "The function '{text}' had the following error: The JsonPath argument for the field '{field}' could not be found in the input '{input}'"
            )))
        };
        for (text, field) in [
            ("States.Format('{}', $.nope)", "$.nope"),
            ("States.Format('{}',$.nope)", "$.nope"),
            ("States.Format('{} {}', $.other, $.a.b)", "$.a.b"),
            ("States.Format($.nope, 1)", "$.nope"),
            ("States.Format('{}', States.Format('{}', $.nope))", "$.nope"),
            ("States.ArrayLength($.nope)", "$.nope"),
            ("States.Array(1, $.nope)", "$.nope"),
            ("States.JsonToString($.nope)", "$.nope"),
            ("States.StringToJson($.nope)", "$.nope"),
            ("States.MathAdd($.nope, 1)", "$.nope"),
            ("States.ArrayContains($.nope, 1)", "$.nope"),
            ("States.JsonMerge($.nope, $.other, false)", "$.nope"),
            ("States.Format('{}', $$.Nope.Deep)", "$.Nope.Deep"),
        ] {
            assert_eq!(
                cause(text, json!({"other": 1})),
                expected(text, field, "{\"other\":1}")
            );
        }
        let text = "States.Format('{}', $.items[5])";
        assert_eq!(
            cause(text, json!({"items": [1, 2]})),
            expected(text, "$.items[5]", "{\"items\":[1,2]}")
        );
        let text = "States.Format('{}', $[0].nope)";
        assert_eq!(
            cause(text, json!([{"other": 1}])),
            expected(text, "$[0].nope", "[{\"other\":1}]")
        );
        // Indexing a non-array: AWS shows the JSONPath library's message instead.
        let text = "States.Format('{}', $.other[0])";
        assert_eq!(
            cause(text, json!({"other": 1})),
            Err(("States.Runtime".to_owned(), format!(
                "The function '{text}' had the following error: Filter: [0] can only be applied to arrays. Current context is: 1"
            )))
        );
    }

    #[test]
    fn uuid_comes_from_the_environment() {
        assert_eq!(
            ok("States.UUID()"),
            json!("00000000-0000-4000-8000-000000000001")
        );
        assert_eq!(
            ok("States.Array(States.UUID(), States.UUID())"),
            json!([
                "00000000-0000-4000-8000-000000000001",
                "00000000-0000-4000-8000-000000000002"
            ])
        );
        invalid("States.UUID(1)", "States.UUID");
    }

    #[test]
    fn literal_templates_are_split_at_parse_time() {
        let call = IntrinsicCall::parse("States.Format('a{}b{}', 1, 2)").expect("parses");
        let Some(Ok(template)) = &call.call.literal_template else {
            panic!("template expected");
        };
        assert_eq!(template.placeholders, 2);
        assert_eq!(
            template.segments,
            [
                Segment::Text("a".to_owned()),
                Segment::Placeholder,
                Segment::Text("b".to_owned()),
                Segment::Placeholder
            ]
        );
        assert_eq!(call.function(), IntrinsicFunction::Format);
    }
}
