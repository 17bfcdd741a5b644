//! The functions Step Functions adds to JSONata (`$partition`, `$range`, `$hash`, `$random`,
//! `$uuid`, `$parse`), the built-ins it replaces (`$eval` is refused; `$now`, `$millis`,
//! `$random` and `$shuffle` take time and randomness from the [`Environment`]), and the
//! per-evaluation access to that environment.

use std::cell::{Cell, RefCell};
use std::ptr::NonNull;

use chrono::{DateTime, SecondsFormat};
use jsonata_core::ast::AstNode;
use jsonata_core::evaluator::{Context, Evaluator, EvaluatorError};
use jsonata_core::value::JValue;

use super::analysis::Analysis;
use super::convert;
use crate::{intrinsics, Environment};

// ---------------------------------------------------------------------------------------------
// The environment of the running evaluation.
//
// jsonata-core's host functions must be `'static` closures (its per-call `HostCtx` carries nothing
// yet), while the `Environment` is a borrowed `&mut dyn Environment`. [`with_environment`] lends
// it to the host functions through a thread-local slot for exactly one closure call; host
// functions borrow it back one call at a time ([`with_env`]). The loan is not a value anyone
// holds, so it cannot be forgotten, leaked or kept past the borrow it comes from.

/// The slot's content: the lent environment, and the time `$now()`/`$millis()` read, which
/// JSONata fixes once per evaluation.
#[derive(Clone, Copy)]
struct Lent {
    /// The `&mut dyn Environment` that a running [`with_environment`] call keeps on its stack.
    env: NonNull<()>,
    now_millis: Option<i64>,
}

thread_local! {
    static LENT: Cell<Option<Lent>> = const { Cell::new(None) };
}

/// Runs `evaluate` with `env` lent to the host functions of the evaluations it runs. The slot
/// gets back what it held before when `evaluate` returns or unwinds, so loans nest.
pub(super) fn with_environment<R>(env: &mut dyn Environment, evaluate: impl FnOnce() -> R) -> R {
    /// Puts back the slot's previous content, on return and on unwinding alike.
    struct Restore(Option<Lent>);
    impl Drop for Restore {
        fn drop(&mut self) {
            LENT.with(|slot| slot.set(self.0));
        }
    }

    let mut env: &mut dyn Environment = env;
    let lent = Lent {
        env: NonNull::from(&mut env).cast(),
        now_millis: None,
    };
    let _restore = Restore(LENT.with(|slot| slot.replace(Some(lent))));
    evaluate()
}

/// Runs `use_env` with the lent environment. The slot is emptied meanwhile, so a nested call
/// cannot create a second mutable reference.
#[allow(unsafe_code)]
fn with_env<R>(
    use_env: impl FnOnce(&mut dyn Environment, &mut Option<i64>) -> R,
) -> Result<R, EvaluatorError> {
    let Some(mut lent) = LENT.with(Cell::take) else {
        return Err(EvaluatorError::EvaluationError(
            "no environment is available to this evaluation".to_string(),
        ));
    };
    // SAFETY: the slot holds `lent.env` only while the `with_environment` call that put it there
    // runs (its `Restore` takes it out before that call's borrow of the environment ends, even
    // on unwinding), and that call leaves the reference it points at untouched meanwhile. The
    // slot being empty now, this is the only reference made from it until it is put back.
    let env: &mut &mut dyn Environment = unsafe { lent.env.cast().as_mut() };
    let result = use_env(&mut **env, &mut lent.now_millis);
    LENT.with(|slot| slot.set(Some(lent)));
    Ok(result)
}

/// The evaluation's current time in milliseconds, read from the environment on first use.
fn now_millis() -> Result<i64, EvaluatorError> {
    with_env(|env, now| *now.get_or_insert_with(|| env.now_millis()))
}

// ---------------------------------------------------------------------------------------------
// Registration.

/// A host function as jsonata-core calls it.
type HostFunction = fn(&[JValue]) -> Result<JValue, EvaluatorError>;

/// Step Functions' additions, registered as new functions.
const ADDED: [(&str, HostFunction); 5] = [
    ("partition", partition),
    ("range", range),
    ("hash", hash),
    ("uuid", uuid),
    ("parse", parse),
];

/// Built-ins replaced: so that the result comes from the environment or is refused, or because
/// jsonata-core's version does not escape as JavaScript's `encodeURI` family does.
const REPLACED: [(&str, HostFunction); 8] = [
    ("random", random),
    ("eval", refuse_eval),
    ("now", now),
    ("millis", millis),
    ("shuffle", shuffle),
    ("encodeUrl", encode_url),
    ("encodeUrlComponent", encode_url_component),
    ("decodeUrl", decode_url),
];

/// Registers on `evaluator` the host functions the expression references (registering costs an
/// allocation each, and most expressions call none of them).
pub(super) fn register(
    evaluator: &mut Evaluator,
    analysis: &Analysis,
) -> Result<(), EvaluatorError> {
    for (name, function) in ADDED {
        if analysis.references(name) {
            evaluator.register_fn(name, function)?;
        }
    }
    for (name, function) in REPLACED {
        if analysis.references(name) {
            evaluator.register_fn_override(name, function)?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Argument checking, as jsonata-js validates a function signature.

/// What one parameter of a signature accepts.
#[derive(Clone, Copy)]
enum Param {
    /// An array; any other value is taken as a one-item array (JSONata's `a`).
    Array,
    Number,
    String,
}

fn accepts(param: Param, value: &JValue) -> bool {
    matches!(
        (param, value),
        (_, JValue::Undefined)
            | (Param::Array, _)
            | (Param::Number, JValue::Number(_))
            | (Param::String, JValue::String(_))
    )
}

/// Checks `args` against `required` then `optional` parameters, with jsonata-js's `T0410` error
/// naming the first argument that does not fit (or the first missing or extra one).
fn check_signature(
    function: &str,
    args: &[JValue],
    required: &[Param],
    optional: &[Param],
) -> Result<(), EvaluatorError> {
    let params = required.iter().chain(optional);
    let mut index = 0;
    for (position, param) in params.enumerate() {
        match args.get(position) {
            Some(arg) if accepts(*param, arg) => index = position + 1,
            Some(_) => return Err(signature_mismatch(function, position + 1)),
            None if position < required.len() => {
                return Err(signature_mismatch(function, position + 1))
            }
            None => break,
        }
    }
    if args.len() > required.len() + optional.len() {
        return Err(signature_mismatch(
            function,
            index.max(required.len() + optional.len()) + 1,
        ));
    }
    Ok(())
}

fn signature_mismatch(function: &str, argument: usize) -> EvaluatorError {
    EvaluatorError::TypeError(format!(
        "T0410: Argument {argument} of function \"{function}\" does not match function signature"
    ))
}

/// An argument as an array: JSONata's `a` parameter takes any other value as a one-item array.
fn as_items(value: &JValue) -> Vec<JValue> {
    match value {
        JValue::Array(items) => items.iter().cloned().collect(),
        other => vec![other.clone()],
    }
}

/// A number argument rounded towards zero, as AWS does for counts and bounds.
fn truncated(value: f64) -> f64 {
    value.trunc()
}

// ---------------------------------------------------------------------------------------------
// Step Functions' functions.

/// `$partition(array, chunkSize)`: the array in chunks of `chunkSize` items, the last one holding
/// the remainder. Undefined for an empty array or a chunk size below one.
fn partition(args: &[JValue]) -> Result<JValue, EvaluatorError> {
    check_signature("partition", args, &[Param::Array, Param::Number], &[])?;
    let (Some(array), Some(JValue::Number(size))) = (args.first(), args.get(1)) else {
        return Ok(JValue::Undefined);
    };
    if array.is_undefined() {
        return Ok(JValue::Undefined);
    }
    let items: Vec<serde_json::Value> = as_items(array)
        .iter()
        .filter_map(convert::to_json)
        .collect();
    if items.is_empty() {
        return Ok(JValue::Undefined);
    }
    // A chunk size below one gives undefined rather than the intrinsic's error.
    match intrinsics::array_partition(&items, truncated(*size) as i64) {
        Ok(chunks) => Ok(JValue::array(
            chunks.iter().map(convert::to_jvalue).collect(),
        )),
        Err(_) => Ok(JValue::Undefined),
    }
}

/// `$range(start, end, step)`: the numbers from `start` towards `end` by `step`, `end` included
/// when a step lands on it. Undefined without a step or when the step does not lead to `end`.
fn range(args: &[JValue]) -> Result<JValue, EvaluatorError> {
    check_signature(
        "range",
        args,
        &[Param::Number, Param::Number],
        &[Param::Number],
    )?;
    let (Some(JValue::Number(start)), Some(JValue::Number(end)), Some(JValue::Number(step))) =
        (args.first(), args.get(1), args.get(2))
    else {
        return Ok(JValue::Undefined);
    };
    match array_range(truncated(*start), truncated(*end), truncated(*step))? {
        // A sequence: one number collapses to the number itself, as AWS answers.
        Some(numbers) => Ok(JValue::sequence(
            numbers.into_iter().map(JValue::Number).collect(),
        )),
        None => Ok(JValue::Undefined),
    }
}

/// `$hash(value, algorithm)`: the lowercase hex digest of the string.
fn hash(args: &[JValue]) -> Result<JValue, EvaluatorError> {
    check_signature("hash", args, &[Param::String], &[Param::String])?;
    let (Some(JValue::String(text)), Some(JValue::String(algorithm))) = (args.first(), args.get(1))
    else {
        return Ok(JValue::Undefined);
    };
    intrinsics::hash(text, algorithm)
        .map(JValue::string)
        .map_err(|error| EvaluatorError::EvaluationError(format!("$hash: {error}")))
}

/// `$random([seed])`: a number in [0, 1), from the environment, or reproducible for a seed.
fn random(args: &[JValue]) -> Result<JValue, EvaluatorError> {
    check_signature("random", args, &[], &[Param::Number])?;
    match args.first() {
        Some(JValue::Number(seed)) => Ok(JValue::Number(intrinsics::seeded_random_fraction(
            truncated(*seed) as i64,
        ))),
        _ => with_env(|env, _| JValue::Number(env.random())),
    }
}

/// `$uuid()`: a version-4 UUID from the environment.
fn uuid(args: &[JValue]) -> Result<JValue, EvaluatorError> {
    check_signature("uuid", args, &[], &[])?;
    with_env(|env, _| JValue::string(env.uuid()))
}

/// `$parse(jsonString)`: the JSON value the string holds (AWS's replacement for `$eval`).
fn parse(args: &[JValue]) -> Result<JValue, EvaluatorError> {
    check_signature("parse", args, &[Param::String], &[])?;
    let Some(JValue::String(text)) = args.first() else {
        return Ok(JValue::Undefined);
    };
    intrinsics::string_to_json(text)
        .map(|value| convert::to_jvalue(&value))
        .map_err(|error| EvaluatorError::EvaluationError(format!("$parse: {error}")))
}

/// `$eval` is not available in Step Functions: calling it fails as calling a non-function does.
fn refuse_eval(_args: &[JValue]) -> Result<JValue, EvaluatorError> {
    Err(EvaluatorError::TypeError(
        "T1006: Attempted to invoke a non-function".to_string(),
    ))
}

/// `$millis()`: the evaluation's time, in milliseconds since the epoch.
fn millis(_args: &[JValue]) -> Result<JValue, EvaluatorError> {
    Ok(JValue::Number(now_millis()? as f64))
}

/// `$now([picture [, timezone]])`: the evaluation's time, as ISO 8601 or formatted by `picture`.
fn now(args: &[JValue]) -> Result<JValue, EvaluatorError> {
    let millis = now_millis()?;
    if args.iter().all(JValue::is_undefined) {
        let time = DateTime::from_timestamp_millis(millis).ok_or_else(|| {
            EvaluatorError::EvaluationError(format!("time out of range: {millis}"))
        })?;
        return Ok(JValue::string(
            time.to_rfc3339_opts(SecondsFormat::Millis, true),
        ));
    }
    // A picture: the same formatting `$fromMillis` does, by the built-in itself.
    from_millis(millis, args)
}

thread_local! {
    /// `$fromMillis($millis, $picture, $timezone)`, parsed once per thread.
    static FROM_MILLIS: RefCell<Option<AstNode>> = const { RefCell::new(None) };
}

fn from_millis(millis: i64, args: &[JValue]) -> Result<JValue, EvaluatorError> {
    let ast = FROM_MILLIS.with(|cell| {
        cell.borrow_mut()
            .get_or_insert_with(|| {
                jsonata_core::parser::parse("$fromMillis($millis, $picture, $timezone)")
                    .unwrap_or(AstNode::Undefined)
            })
            .clone()
    });
    let mut context = Context::new();
    context.bind("millis".to_string(), JValue::Number(millis as f64));
    context.bind(
        "picture".to_string(),
        args.first().cloned().unwrap_or(JValue::Undefined),
    );
    context.bind(
        "timezone".to_string(),
        args.get(1).cloned().unwrap_or(JValue::Undefined),
    );
    Evaluator::with_context(context).evaluate(&ast, &JValue::Undefined)
}

/// `$shuffle(array)`: the items in a random order, drawn from the environment.
fn shuffle(args: &[JValue]) -> Result<JValue, EvaluatorError> {
    check_signature("shuffle", args, &[Param::Array], &[])?;
    let Some(array) = args.first().filter(|value| !value.is_undefined()) else {
        return Ok(JValue::Undefined);
    };
    let items = as_items(array);
    if items.len() <= 1 {
        return Ok(JValue::array(items));
    }
    // The "inside-out" Fisher-Yates shuffle jsonata-js uses: item `i` goes to a random slot
    // `j <= i`, whose previous occupant moves to `i`.
    let mut shuffled: Vec<JValue> = Vec::with_capacity(items.len());
    with_env(|env, _| {
        for (index, item) in items.into_iter().enumerate() {
            let slot = ((env.random() * (index + 1) as f64).floor() as usize).min(index);
            if slot == index {
                shuffled.push(item);
            } else {
                let moved = std::mem::replace(&mut shuffled[slot], item);
                shuffled.push(moved);
            }
        }
    })?;
    Ok(JValue::array(shuffled))
}

// ---------------------------------------------------------------------------------------------
// URL encoding as JavaScript's encodeURI, encodeURIComponent and decodeURI do it.

/// Characters `encodeURIComponent` leaves as they are (besides ASCII letters and digits).
const URI_UNRESERVED_MARKS: &str = "-_.!~*'()";
/// Characters `encodeURI` also leaves, and `decodeURI` does not decode.
const URI_RESERVED: &str = ";,/?:@&=+$#";

fn encode_url(args: &[JValue]) -> Result<JValue, EvaluatorError> {
    string_transform("encodeUrl", args, |text| {
        Ok(percent_encode(text, |c| {
            URI_UNRESERVED_MARKS.contains(c) || URI_RESERVED.contains(c)
        }))
    })
}

fn encode_url_component(args: &[JValue]) -> Result<JValue, EvaluatorError> {
    string_transform("encodeUrlComponent", args, |text| {
        Ok(percent_encode(text, |c| URI_UNRESERVED_MARKS.contains(c)))
    })
}

fn decode_url(args: &[JValue]) -> Result<JValue, EvaluatorError> {
    string_transform("decodeUrl", args, |text| {
        percent_decode_keeping_reserved(text).ok_or_else(|| {
            EvaluatorError::EvaluationError(format!(
                "D3140: Malformed URL passed to $decodeUrl(): {}",
                serde_json::to_string(text).unwrap_or_default()
            ))
        })
    })
}

/// Applies `transform` to a string argument (`<s-:s>`: undefined gives undefined).
fn string_transform(
    function: &str,
    args: &[JValue],
    transform: impl FnOnce(&str) -> Result<String, EvaluatorError>,
) -> Result<JValue, EvaluatorError> {
    check_signature(function, args, &[Param::String], &[])?;
    match args.first() {
        Some(JValue::String(text)) => Ok(JValue::string(transform(text)?)),
        _ => Ok(JValue::Undefined),
    }
}

/// `text` with every character other than ASCII letters, digits and those `keep` accepts written
/// as `%XX` escapes of its UTF-8 bytes.
fn percent_encode(text: &str, keep: impl Fn(char) -> bool) -> String {
    let mut encoded = String::with_capacity(text.len());
    for character in text.chars() {
        if character.is_ascii_alphanumeric() || keep(character) {
            encoded.push(character);
        } else {
            let mut bytes = [0; 4];
            for byte in character.encode_utf8(&mut bytes).bytes() {
                encoded.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    encoded
}

/// `text` with its `%XX` escapes decoded, except those of reserved characters, which `decodeURI`
/// keeps as written. `None` when an escape is malformed or the bytes are not UTF-8.
fn percent_decode_keeping_reserved(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut decoded: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] != b'%' {
            decoded.push(bytes[index]);
            index += 1;
            continue;
        }
        let hex = text.get(index + 1..index + 3)?;
        let byte = u8::from_str_radix(hex, 16).ok()?;
        if byte.is_ascii() && URI_RESERVED.contains(byte as char) {
            decoded.extend_from_slice(&bytes[index..index + 3]);
        } else {
            decoded.push(byte);
        }
        index += 3;
    }
    String::from_utf8(decoded).ok()
}

// ---------------------------------------------------------------------------------------------
// `$range`'s numbers. The intrinsic States.ArrayRange differs: it takes integers, stops at 1,000
// items and fails where `$range` is undefined, so the two share no code.

/// The most numbers `$range` builds; AWS refuses larger ranges for the memory they would take.
const MAX_RANGE_LENGTH: f64 = 360_145.0;

/// The numbers from `start` to `end` (inclusive) by `step`, or `None` when `step` is zero or
/// points away from `end`.
fn array_range(start: f64, end: f64, step: f64) -> Result<Option<Vec<f64>>, EvaluatorError> {
    if step == 0.0 || !step.is_finite() || (end - start) * step < 0.0 {
        return Ok(None);
    }
    let count = ((end - start) / step).floor() + 1.0;
    if count > MAX_RANGE_LENGTH {
        return Err(EvaluatorError::EvaluationError(
            "Expression evaluation memory limit exceeded: Check for excessive memory usage"
                .to_string(),
        ));
    }
    Ok(Some(
        (0..count as usize)
            .map(|index| start + step * index as f64)
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(values: &[f64]) -> Vec<JValue> {
        values.iter().copied().map(JValue::Number).collect()
    }

    fn json(value: &JValue) -> serde_json::Value {
        convert::to_json(value).unwrap_or(serde_json::Value::Null)
    }

    /// Hands out UUIDs named after itself, to tell which environment a host function reached.
    struct Named(&'static str);

    impl Environment for Named {
        fn uuid(&mut self) -> String {
            self.0.to_string()
        }
        fn random(&mut self) -> f64 {
            0.5
        }
        fn now_iso(&mut self) -> String {
            "1970-01-01T00:00:00.000Z".to_string()
        }
        fn now_millis(&mut self) -> i64 {
            0
        }
    }

    fn lent_uuid() -> Option<String> {
        with_env(|env, _| env.uuid()).ok()
    }

    #[test]
    fn the_environment_is_lent_for_one_call_only_and_loans_nest() {
        assert_eq!(lent_uuid(), None);
        let (mut outer, mut inner) = (Named("outer"), Named("inner"));
        with_environment(&mut outer, || {
            assert_eq!(lent_uuid().as_deref(), Some("outer"));
            with_environment(&mut inner, || {
                assert_eq!(lent_uuid().as_deref(), Some("inner"));
            });
            assert_eq!(lent_uuid().as_deref(), Some("outer"));
        });
        assert_eq!(lent_uuid(), None);
    }

    #[test]
    fn the_loan_ends_when_the_evaluation_unwinds() {
        let mut env = Named("env");
        let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            with_environment(&mut env, || panic!("evaluation failed"))
        }));
        assert!(unwound.is_err());
        assert_eq!(lent_uuid(), None);
    }

    #[test]
    fn a_host_function_cannot_reach_the_environment_twice_at_once() {
        let mut env = Named("env");
        with_environment(&mut env, || {
            let nested = with_env(|_, _| lent_uuid()).unwrap();
            assert_eq!(nested, None);
            assert_eq!(lent_uuid().as_deref(), Some("env"));
        });
    }

    #[test]
    fn partition_chunks_with_a_short_last_chunk() {
        let items = JValue::array(numbers(&[0.0, 1.0, 2.0]));
        let result = partition(&[items.clone(), JValue::Number(2.0)]).unwrap();
        assert_eq!(json(&result), serde_json::json!([[0, 1], [2]]));
        let result = partition(&[items, JValue::Number(5.0)]).unwrap();
        assert_eq!(json(&result), serde_json::json!([[0, 1, 2]]));
        // A fractional size is rounded towards zero.
        let result = partition(&[
            JValue::array(numbers(&[1.0, 2.0, 3.0])),
            JValue::Number(2.9),
        ])
        .unwrap();
        assert_eq!(json(&result), serde_json::json!([[1, 2], [3]]));
    }

    #[test]
    fn partition_is_undefined_for_nothing_to_split() {
        assert!(partition(&[JValue::array(vec![]), JValue::Number(2.0)])
            .unwrap()
            .is_undefined());
        assert!(
            partition(&[JValue::array(numbers(&[1.0])), JValue::Number(0.0)])
                .unwrap()
                .is_undefined()
        );
        assert!(partition(&[JValue::Undefined, JValue::Number(1.0)])
            .unwrap()
            .is_undefined());
    }

    #[test]
    fn partition_checks_its_signature() {
        let error = partition(&[JValue::array(vec![]), JValue::string("2")]).unwrap_err();
        assert_eq!(
            error.message(),
            "T0410: Argument 2 of function \"partition\" does not match function signature"
        );
        let error = partition(&[JValue::array(vec![])]).unwrap_err();
        assert_eq!(
            error.message(),
            "T0410: Argument 2 of function \"partition\" does not match function signature"
        );
        let error =
            partition(&[JValue::array(vec![]), JValue::Number(1.0), JValue::Null]).unwrap_err();
        assert_eq!(
            error.message(),
            "T0410: Argument 3 of function \"partition\" does not match function signature"
        );
    }

    #[test]
    fn range_includes_the_end_when_a_step_lands_on_it() {
        let range_of = |start: f64, end: f64, step: f64| array_range(start, end, step).unwrap();
        assert_eq!(range_of(0.0, 9.0, 3.0), Some(vec![0.0, 3.0, 6.0, 9.0]));
        assert_eq!(range_of(0.0, 10.0, 3.0), Some(vec![0.0, 3.0, 6.0, 9.0]));
        assert_eq!(range_of(1.0, 9.0, 2.0), Some(vec![1.0, 3.0, 5.0, 7.0, 9.0]));
        assert_eq!(range_of(1.0, 9.0, 9.0), Some(vec![1.0]));
        assert_eq!(range_of(5.0, 1.0, -2.0), Some(vec![5.0, 3.0, 1.0]));
        assert_eq!(range_of(5.0, 1.0, 2.0), None);
        assert_eq!(range_of(0.0, 1.0, 0.0), None);
        assert!(array_range(0.0, 1e9, 1.0).is_err());
    }

    #[test]
    fn range_needs_a_step_and_truncates_its_arguments() {
        assert!(range(&[JValue::Number(0.0), JValue::Number(3.0)])
            .unwrap()
            .is_undefined());
        let result = range(&[
            JValue::Number(-1.7),
            JValue::Number(2.0),
            JValue::Number(1.0),
        ])
        .unwrap()
        .unwrap_sequence();
        assert_eq!(json(&result), serde_json::json!([-1, 0, 1, 2]));
        let error = range(&[
            JValue::string("0"),
            JValue::Number(4.0),
            JValue::Number(1.0),
        ])
        .unwrap_err();
        assert_eq!(
            error.message(),
            "T0410: Argument 1 of function \"range\" does not match function signature"
        );
    }

    #[test]
    fn hash_digests_with_each_algorithm() {
        let digest = |algorithm: &str| {
            hash(&[JValue::string("input data"), JValue::string(algorithm)])
                .map(|value| value.as_str().map(str::to_string))
        };
        assert_eq!(
            digest("MD5").unwrap().as_deref(),
            Some("812f45842bc6d66ee14572ce20db8e86")
        );
        assert_eq!(
            digest("SHA-1").unwrap().as_deref(),
            Some("aaff4a450a104cd177d28d18d74485e8cae074b7")
        );
        assert_eq!(
            digest("SHA-256").unwrap().as_deref(),
            Some("b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3")
        );
        assert!(digest("sha-256").is_err());
        assert!(hash(&[JValue::string("a")]).unwrap().is_undefined());
    }

    #[test]
    fn seeded_random_is_reproducible_and_in_range() {
        let draw = |seed: f64| random(&[JValue::Number(seed)]).unwrap().as_f64().unwrap();
        let first = draw(42.0);
        assert_eq!(first, draw(42.9));
        assert_ne!(first, draw(43.0));
        assert!((0.0..1.0).contains(&first));
    }

    #[test]
    fn parse_reads_json_text() {
        let parsed = |text: &str| json(&parse(&[JValue::string(text)]).unwrap());
        assert_eq!(parsed("-0"), serde_json::json!(0));
        assert_eq!(parsed("1.1"), serde_json::json!(1.1));
        assert_eq!(
            parsed("[1, 2, \"HelloWorld\"]"),
            serde_json::json!([1, 2, "HelloWorld"])
        );
        assert_eq!(
            parsed("{\"Arg1\": 1, \"Arg2\": []}"),
            serde_json::json!({"Arg1": 1, "Arg2": []})
        );
        assert!(parse(&[JValue::string("{")]).is_err());
        assert!(parse(&[JValue::Number(1.0)]).is_err());
    }

    #[test]
    fn url_functions_escape_as_javascript_does() {
        assert_eq!(
            percent_encode("a b-_.!~*'()é", |c| URI_UNRESERVED_MARKS.contains(c)),
            "a%20b-_.!~*'()%C3%A9"
        );
        let encoded = encode_url(&[JValue::string("http://x.com/a b?q=1#f")]).unwrap();
        assert_eq!(encoded.as_str(), Some("http://x.com/a%20b?q=1#f"));
        assert_eq!(
            percent_decode_keeping_reserved("a%20b%2Fc%C3%A9").as_deref(),
            Some("a b%2Fcé")
        );
        assert_eq!(percent_decode_keeping_reserved("%E0%A4%A"), None);
        assert_eq!(percent_decode_keeping_reserved("%FF"), None);
        let error = decode_url(&[JValue::string("%")]).unwrap_err();
        assert_eq!(
            error.message(),
            "D3140: Malformed URL passed to $decodeUrl(): \"%\""
        );
    }

    #[test]
    fn environment_functions_fail_cleanly_without_an_environment() {
        assert!(uuid(&[]).is_err());
        assert!(millis(&[]).is_err());
    }
}
