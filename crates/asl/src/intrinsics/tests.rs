use super::math::JavaRandom;
use super::*;
use crate::test_support::{json_text_cases, FixedEnvironment};
use serde_json::json;

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
        format!("The function '{text}' had the following error: Invalid arguments in {function}")
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
    eval_with(text, input, json!({}), json!({})).unwrap_or_else(|error| panic!("{text}: {error}"))
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
    let nested = |depth: usize| format!("{}1{}", "States.Array(".repeat(depth), ")".repeat(depth));
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
    let mut cases = vec![
        ("", json!(null)),
        (" ", json!(null)),
        ("null", json!(null)),
        (" {\"a\":1} ", json!({"a": 1})),
    ];
    cases.extend(json_text_cases());
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
    let range =
        |start, end, step| Value::Array(super::array_range(start, end, step).unwrap_or_default());
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
    // Both take at most 10,000 characters: what each makes of the longest text it takes.
    type Convert = fn(&str) -> Result<String, InvalidArgument>;
    let limits: [(Convert, &str, usize); 2] =
        [(base64_decode, "A", 7_500), (base64_encode, "a", 13_336)];
    for (convert, letter, converted_len) in limits {
        assert_eq!(
            convert(&letter.repeat(10_000)).map(|text| text.len()),
            Ok(converted_len)
        );
        assert_eq!(
            convert(&letter.repeat(10_001)),
            Err(InvalidArgument::TextTooLong)
        );
    }
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
        let (Some(left_number), Some(right_number)) = (left.as_number(), right.as_number()) else {
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
    let split = |text: &str, delimiters: &str| Value::Array(super::string_split(text, delimiters));
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
    let input =
        json!({"FunctionInput": {"fst": {"Arg1": 1, "Arg2": []}, "snd": {"Arg1": 1, "Arg2": []}}});
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
