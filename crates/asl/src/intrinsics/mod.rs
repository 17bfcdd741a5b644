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

use crate::jsonpath::{JsonPath, PathNotFound};
use crate::{Environment, Scope, StatesError, Value};

mod arrays;
mod encoding;
mod json;
mod math;
mod parser;
mod strings;
#[cfg(test)]
mod tests;

pub use arrays::{array_contains, array_partition, array_range, array_unique};
pub use encoding::{base64_decode, base64_encode, hash, HASH_ALGORITHMS};
pub use json::{json_merge, json_to_string, natural_string, string_to_json, write_natural_string};
pub use math::{math_add, math_random, seeded_random_fraction};
pub use strings::string_split;

use arrays::array_get_item;
use parser::Parser;
use strings::{FormatTemplate, MalformedTemplate, Segment};

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
