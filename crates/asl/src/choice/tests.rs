use super::parse::{operator_spec, OperatorSpec};
use super::*;
use serde_json::json;

fn rule(definition: Value) -> ChoiceRule {
    ChoiceRule::parse(&definition).unwrap_or_else(|error| panic!("{definition}: {error}"))
}

fn eval_on(definition: Value, input: Value) -> Result<bool, StatesError> {
    let context = json!({"Execution": {"Input": input.clone()}});
    rule(definition).eval(&Scope::new(&input, &context, &crate::NoVariables))
}

/// Whether `{"v": variable}` passes the rule `operator` with the operand `literal` on `$.v`.
fn compares(operator: &str, literal: Value, variable: Value) -> bool {
    eval_on(
        json!({"Variable": "$.v", operator: literal}),
        json!({"v": variable}),
    )
    .unwrap()
}

fn invalid_path_cause(path: &str) -> String {
    format!("Invalid path '{path}': The choice state's condition path references an invalid value.")
}

#[test]
fn missing_variable_fails_every_operator_but_is_present() {
    let input = json!({"present": null});
    for (operator, operand) in [
        ("StringEquals", json!("x")),
        ("StringMatches", json!("*")),
        ("NumericEquals", json!(1)),
        ("NumericLessThanEquals", json!(0)),
        ("BooleanEquals", json!(true)),
        ("TimestampEquals", json!("2012-10-09T19:00:55Z")),
        ("IsNull", json!(true)),
        ("IsNull", json!(false)),
        ("IsString", json!(false)),
        ("IsNumeric", json!(true)),
        ("IsBoolean", json!(true)),
        ("IsTimestamp", json!(false)),
        ("StringEqualsPath", json!("$.present")),
    ] {
        let error = eval_on(
            json!({"Variable": "$.missing", operator: operand}),
            input.clone(),
        )
        .expect_err(operator);
        assert_eq!(error.error, "States.Runtime", "{operator}");
        assert_eq!(error.cause, invalid_path_cause("$.missing"), "{operator}");
    }
    let present = |path: &str, expected: bool| {
        eval_on(
            json!({"Variable": path, "IsPresent": expected}),
            input.clone(),
        )
        .unwrap()
    };
    assert!(!present("$.missing", true));
    assert!(present("$.missing", false));
    assert!(present("$.present", true));
    assert!(!present("$.present", false));
    assert!(present("$", true));
    assert!(!present("$.present.deeper", true));
}

#[test]
fn missing_path_operand_is_an_error_naming_that_path() {
    let error = eval_on(
        json!({"Variable": "$.left", "NumericLessThanEqualsPath": "$.right"}),
        json!({"left": 8}),
    )
    .unwrap_err();
    assert_eq!(error.error, "States.Runtime");
    assert_eq!(error.cause, invalid_path_cause("$.right"));
    // The Variable is looked up first.
    let error = eval_on(
        json!({"Variable": "$.left", "StringEqualsPath": "$.right"}),
        json!({}),
    )
    .unwrap_err();
    assert_eq!(error.cause, invalid_path_cause("$.left"));
}

#[test]
fn path_operands_of_another_type() {
    let input = json!({"num1": 1, "num2": 1, "str1": "1", "str2": "1", "obj": {"value": 8}});
    let test = |operator: &str, variable: &str, operand: &str| {
        eval_on(
            json!({"Variable": variable, operator: operand}),
            input.clone(),
        )
    };
    // Equality with a value of another type is false, whichever side it is on.
    assert_eq!(test("NumericEqualsPath", "$.str1", "$.num2"), Ok(false));
    assert_eq!(test("NumericEqualsPath", "$.num1", "$.str2"), Ok(false));
    assert_eq!(test("NumericEqualsPath", "$.str1", "$.str2"), Ok(false));
    assert_eq!(test("StringEqualsPath", "$.num1", "$.num2"), Ok(false));
    assert_eq!(test("BooleanEqualsPath", "$.num1", "$.num2"), Ok(false));
    assert_eq!(test("TimestampEqualsPath", "$.str1", "$.str2"), Ok(false));
    assert_eq!(test("NumericEqualsPath", "$.num1", "$.num2"), Ok(true));
    assert_eq!(test("StringEqualsPath", "$.str1", "$.str2"), Ok(true));
    // An ordering against a Variable of another type is false ...
    assert_eq!(test("StringGreaterThanPath", "$.num1", "$.str2"), Ok(false));
    assert_eq!(
        test("NumericLessThanEqualsPath", "$.str1", "$.num2"),
        Ok(false)
    );
    // ... but an ordering against an operand of another type has nothing to order by.
    for (operator, operand) in [
        ("StringGreaterThanPath", "$.num2"),
        ("NumericLessThanEqualsPath", "$.obj"),
        ("TimestampLessThanPath", "$.str2"),
    ] {
        let error = test(operator, "$.num1", operand).unwrap_err();
        assert_eq!(error.error, "States.Runtime");
        assert_eq!(
            error.cause,
            format!("Invalid value provided at path '{operand}'")
        );
    }
}

#[test]
fn numbers_compare_by_value_whether_integer_or_float() {
    let test = compares;
    assert!(test("NumericEquals", json!(1), json!(1.0)));
    assert!(test("NumericEquals", json!(1.0), json!(1)));
    assert!(test("NumericEquals", json!(0), json!(-0.0)));
    assert!(test("NumericLessThan", json!(1), json!(0.999)));
    assert!(test("NumericGreaterThan", json!(-1), json!(-0.5)));
    assert!(test(
        "NumericGreaterThanEquals",
        json!(18446744073709551615u64),
        json!(1.8446744073709552e19)
    ));
    assert!(!test("NumericEquals", json!(1), json!("1")));
    assert!(!test("NumericEquals", json!(1), json!(true)));
}

#[test]
fn string_operators() {
    let test = |operator: &str, literal: &str, variable: Value| {
        compares(operator, json!(literal), variable)
    };
    assert!(test("StringEquals", "Hello", json!("Hello")));
    assert!(!test("StringEquals", "Hello", json!("hello")));
    assert!(test("StringLessThan", "B", json!("A")));
    assert!(test("StringLessThan", "a", json!("Z")));
    assert!(test("StringLessThan", "AB", json!("A")));
    assert!(!test("StringGreaterThan", "A ", json!("A")));
    assert!(test("StringGreaterThanEquals", "", json!("")));
    // U+FFFD sorts after U+1F600 in UTF-16 (the emoji is a surrogate pair starting 0xD83D).
    assert!(test("StringGreaterThan", "😀", json!("\u{FFFD}")));
    assert!(test("StringMatches", "log-*.txt", json!("log-1.txt")));
    assert!(!test("StringMatches", "log-*.txt", json!(["log-1.txt"])));
    assert!(test("StringMatches", r"\*", json!("*")));
    assert!(!test("StringMatches", r"\*", json!("x")));
}

#[test]
fn timestamp_operators() {
    let test = |operator: &str, literal: &str, variable: Value| {
        compares(operator, json!(literal), variable)
    };
    let noon = "2012-10-09T12:00:00Z";
    assert!(test(
        "TimestampEquals",
        noon,
        json!("2012-10-09T13:00:00+01:00")
    ));
    assert!(test(
        "TimestampLessThan",
        noon,
        json!("2012-10-09T11:59:59.999Z")
    ));
    assert!(test(
        "TimestampGreaterThan",
        noon,
        json!("2012-10-09T12:00:00.000000001Z")
    ));
    assert!(test("TimestampGreaterThanEquals", noon, json!(noon)));
    assert!(!test("TimestampEquals", noon, json!("2012-10-09T12:00:00")));
    assert!(!test("TimestampLessThan", noon, json!("2012-10-09")));
    assert!(!test("TimestampLessThan", noon, json!(0)));
    let is_timestamp = |variable: Value| {
        eval_on(
            json!({"Variable": "$.v", "IsTimestamp": true}),
            json!({"v": variable}),
        )
        .unwrap()
    };
    assert!(is_timestamp(json!("2012-10-09T19:00:55Z")));
    assert!(is_timestamp(json!("2012-10-09T19:00:55.123+01:00")));
    assert!(!is_timestamp(json!("2012-10-09T19:00:55")));
    assert!(!is_timestamp(json!(1_349_809_255)));
}

#[test]
fn and_or_not_nest_and_stop_early() {
    let in_twenties = json!({"And": [
        {"Variable": "$.value", "NumericGreaterThanEquals": 20},
        {"Variable": "$.value", "NumericLessThan": 30}
    ]});
    assert_eq!(eval_on(in_twenties.clone(), json!({"value": 22})), Ok(true));
    assert_eq!(
        eval_on(in_twenties.clone(), json!({"value": 30})),
        Ok(false)
    );
    let not_private = json!({"Not": {"Variable": "$.type", "StringEquals": "Private"}});
    assert_eq!(
        eval_on(not_private.clone(), json!({"type": "Private"})),
        Ok(false)
    );
    assert_eq!(eval_on(not_private, json!({"type": "Public"})), Ok(true));
    // The rule of the legacy Map break-condition scenario.
    let is_three = json!({"And": [
        {"Variable": "$", "IsPresent": true},
        {"And": [{"Variable": "$", "IsNumeric": true}, {"Variable": "$", "NumericEquals": 3}]}
    ]});
    assert_eq!(eval_on(is_three.clone(), json!(3)), Ok(true));
    assert_eq!(eval_on(is_three.clone(), json!(2)), Ok(false));
    assert_eq!(eval_on(is_three, json!("3")), Ok(false));
    // A later rule that would fail is not evaluated once the result is known.
    let missing = json!({"Variable": "$.missing", "StringEquals": "x"});
    let always = json!({"Variable": "$", "IsPresent": true});
    let never = json!({"Variable": "$", "IsPresent": false});
    assert_eq!(
        eval_on(json!({"Or": [always, missing.clone()]}), json!({})),
        Ok(true)
    );
    assert_eq!(
        eval_on(json!({"And": [never, missing.clone()]}), json!({})),
        Ok(false)
    );
    let error = eval_on(json!({"Not": {"Or": [missing]}}), json!({})).unwrap_err();
    assert_eq!(error.cause, invalid_path_cause("$.missing"));
}

#[test]
fn context_and_variable_paths() {
    let input = json!({"input-value": 0});
    let context = json!({"Execution": {"Input": {"input-value": 0}}});
    let variables = serde_json::Map::from_iter([
        ("guess".to_string(), json!("the_guess")),
        ("answer".to_string(), json!("the_answer")),
        ("also_answer".to_string(), json!("the_answer")),
    ]);
    let scope = Scope::new(&input, &context, &variables);
    let eval = |definition: Value| rule(definition).eval(&scope);
    assert_eq!(
        eval(json!({"Variable": "$$.Execution.Input.input-value", "NumericLessThanEquals": 0})),
        Ok(true)
    );
    assert_eq!(
        eval(json!({"Variable": "$guess", "StringEqualsPath": "$answer"})),
        Ok(false)
    );
    assert_eq!(
        eval(json!({"Variable": "$also_answer", "StringEqualsPath": "$answer"})),
        Ok(true)
    );
    assert_eq!(
        eval(
            json!({"Variable": "$.input-value", "NumericEqualsPath": "$$.Execution.Input.input-value"})
        ),
        Ok(true)
    );
    assert_eq!(
        eval(json!({"Variable": "$unknown", "IsPresent": true})),
        Ok(false)
    );
    assert_eq!(
        eval(json!({"Variable": "$unknown", "StringEquals": "x"}))
            .unwrap_err()
            .cause,
        invalid_path_cause("$unknown")
    );
    assert_eq!(
        eval(json!({"Variable": "$guess", "StringEqualsPath": "$unknown"}))
            .unwrap_err()
            .cause,
        invalid_path_cause("$unknown")
    );
}

#[test]
fn indefinite_variable_paths_select_an_array() {
    let input = json!({"items": [{"x": 1}, {"x": 2}]});
    let test = |definition: Value| eval_on(definition, input.clone()).unwrap();
    assert!(test(json!({"Variable": "$.items[*].x", "IsPresent": true})));
    assert!(!test(
        json!({"Variable": "$.items[*].x", "IsNumeric": true})
    ));
    assert!(!test(
        json!({"Variable": "$.items[*].x", "NumericEquals": 1})
    ));
    assert!(test(
        json!({"Variable": "$.items[0].x", "NumericEquals": 1})
    ));
}

#[test]
fn parse_errors_say_what_and_where() {
    let error = |definition: Value| {
        ChoiceRule::parse_located(&definition).expect_err(&definition.to_string())
    };
    let check = |definition: Value, message: &str, location: &str| {
        let got = error(definition);
        assert_eq!(
            (got.message.as_str(), got.location.as_str()),
            (message, location)
        );
    };
    check(json!("rule"), "Choice Rule must be an object", "");
    check(json!({"Next": "A"}), "A Choice Rule must have exactly one comparison operator or one of the fields [And, Or, Not]", "");
    check(
        json!({"StringEquals": "x", "Next": "A"}),
        "These fields are required: [Variable]",
        "",
    );
    check(
        json!({"Variable": "$.x", "StringEquals": "x", "NumericEquals": 1}),
        "There should only be one of the following fields: [StringEquals, NumericEquals]",
        "",
    );
    check(json!({"And": []}), "Value cannot be empty", "/And");
    check(
        json!({"Or": {"Variable": "$.x", "IsNull": true}}),
        "Value must be an array of Choice Rules",
        "/Or",
    );
    check(
        json!({"And": [{"Variable": "$.x", "IsNull": true, "Next": "A"}]}),
        "Field 'Next' is not supported",
        "/And/0/Next",
    );
    check(
        json!({"Not": {"Variable": "$.x", "NumericEquals": "1"}}),
        "The value of the field 'NumericEquals' must be a number",
        "/Not/NumericEquals",
    );
    check(
        json!({"Variable": "$.x", "TimestampEquals": "2012-10-09T19:00:55"}),
        "String does not match RFC3339 timestamp",
        "/TimestampEquals",
    );
    check(
        json!({"Variable": "$.x", "IsPresent": "yes"}),
        "The value of the field 'IsPresent' must be a boolean",
        "/IsPresent",
    );
    check(
        json!({"Variable": "$.x", "BooleanEquals": 1}),
        "The value of the field 'BooleanEquals' must be a boolean",
        "/BooleanEquals",
    );
    check(
        json!({"Variable": "$.x", "StringMatchesPath": "$.y"}),
        "Field 'StringMatchesPath' is not supported",
        "/StringMatchesPath",
    );
    check(
        json!({"Variable": 5, "IsNull": true}),
        "The value for the field 'Variable' must be a valid JSONPath",
        "/Variable",
    );
    check(
        json!({"Variable": "$.x", "StringEqualsPath": 5}),
        "The value for the field 'StringEqualsPath' must be a valid JSONPath",
        "/StringEqualsPath",
    );
    check(
        json!({"Variable": "$.x", "And": [{"Variable": "$.x", "IsNull": true}]}),
        "Field 'Variable' is not supported together with 'And'",
        "/Variable",
    );
    check(
            json!({"Condition": "{% true %}", "Next": "A"}),
            "The QueryLanguage is set to 'JSONPath', but field 'Condition' is only supported for the 'JSONata' QueryLanguage",
            "/Condition",
        );
    assert_eq!(
        ChoiceRule::parse(&json!({"And": []})).unwrap_err(),
        "Value cannot be empty"
    );
    // The fields of a top-level rule that belong to the Choice state are ignored.
    rule(
        json!({"Variable": "$.x", "IsNull": true, "Next": "A", "Assign": {"a": 1}, "Comment": "c"}),
    );
    rule(
        json!({"Not": {"Variable": "$.x", "IsNull": true, "Comment": "nested comments are fine"}, "Next": "A"}),
    );
}

#[test]
fn visit_paths_lists_every_path_read() {
    let parsed = rule(json!({"Or": [
        {"Variable": "$.a", "StringEqualsPath": "$$.Execution.Name"},
        {"Not": {"Variable": "$var", "IsPresent": true}}
    ]}));
    let mut paths = Vec::new();
    parsed.visit_paths(&mut |path| paths.push(path.text().to_string()));
    assert_eq!(paths, ["$.a", "$$.Execution.Name", "$var"]);
}

#[test]
fn timestamps_follow_rfc3339_with_uppercase_t_and_z() {
    let accepted = [
        "2012-10-09T19:00:55Z",
        "2012-10-09T19:00:55.1Z",
        "2012-10-09T19:00:55.123456789Z",
        "2012-10-09T19:00:55+01:00",
        "2012-10-09T19:00:55.5-05:30",
        "2016-02-29T00:00:00Z",
        "2012-10-09T19:00:55+18:00",
    ];
    for text in accepted {
        assert!(
            parse_timestamp(text).is_some(),
            "{text} should be a timestamp"
        );
    }
    let rejected = [
        "",
        " ",
        "HelloWorld",
        "2012-10-09T19:00:55",
        "2023-02-24",
        "2023-02-24 12:15:56.832957",
        "2012-10-09t19:00:55Z",
        "2012-10-09T19:00:55z",
        "2012-10-09 19:00:55Z",
        "2012-10-09T19:00Z",
        "2012-10-09T19:00:55.Z",
        "2012-10-09T19:00:55.1234567890Z",
        "2012-10-09T19:00:55+0100",
        "2012-10-09T19:00:55+01",
        "2012-10-09T19:00:55+19:00",
        "2012-10-09T19:00:55+01:60",
        "2016-13-05T21:29:29Z",
        "2016-12-05T25:29:29Z",
        "2015-02-29T00:00:00Z",
        "2016-12-31T23:59:60Z",
        "05-12-2016T21:29:29Z",
        "2012-10-09T19:00:55Z ",
        "+2012-10-09T19:00:55Z",
        "２０１２-10-09T19:00:55Z",
    ];
    for text in rejected {
        assert!(
            parse_timestamp(text).is_none(),
            "{text} should not be a timestamp"
        );
    }
}

#[test]
fn timestamps_compare_by_instant() {
    let parse = |text| parse_timestamp(text).unwrap();
    assert_eq!(
        parse("2012-10-09T19:00:55Z"),
        parse("2012-10-09T20:00:55+01:00")
    );
    assert_eq!(
        parse("2012-10-09T19:00:55Z"),
        parse("2012-10-09T13:30:55-05:30")
    );
    assert!(parse("2012-10-09T19:00:55Z") < parse("2012-10-09T19:00:56Z"));
    assert!(parse("2012-10-09T19:00:55Z") < parse("2012-10-09T19:00:55.000000001Z"));
    assert_eq!(
        parse("2012-10-09T19:00:55.5Z"),
        parse("2012-10-09T19:00:55.500Z")
    );
    assert_eq!(parse("1970-01-01T00:00:00Z").unix_seconds(), 0);
    assert_eq!(parse("2012-10-09T19:00:55Z").unix_seconds(), 1_349_809_255);
    assert_eq!(parse("1969-12-31T23:59:59.25Z").unix_seconds(), -1);
    assert_eq!(parse("1969-12-31T23:59:59.25Z").subsec_nanos(), 250_000_000);
}

#[test]
fn wildcard_patterns() {
    let cases = [
        ("*", "", true),
        ("*", "anything", true),
        ("log-*.txt", "log-2024.txt", true),
        ("log-*.txt", "log-.txt", true),
        ("log-*.txt", "log-2024.txt.bak", false),
        ("*.log", "a.log.log", true),
        ("a*a", "a", false),
        ("a*a", "aa", true),
        ("a*b*c", "abc", true),
        ("a*b*c", "aXbYbZc", true),
        ("a*b*c", "acb", false),
        ("**", "x", true),
        ("exact", "exact", true),
        ("exact", "exactly", false),
        ("", "", true),
        ("", "x", false),
        (r"a\*b", "a*b", true),
        (r"a\*b", "aXb", false),
        (r"a\\*", r"a\anything", true),
        (r"a\\b", r"a\b", true),
        (r"a\b", "ab", true),
        ("trailing\\", "trailing\\", true),
        ("é*ü", "éaaü", true),
    ];
    for (pattern, text, expected) in cases {
        assert_eq!(
            WildcardPattern::parse(pattern).matches(text),
            expected,
            "{pattern:?} against {text:?}"
        );
    }
}

#[test]
fn strings_order_by_utf16_code_units() {
    let samples = [
        "",
        "A",
        "AB",
        "ABC",
        "B",
        "a",
        "é",
        "\u{E000}",
        "\u{FFFD}",
        "\u{FFFF}",
        "😀",
        "😀a",
        "\u{10000}",
        "A\u{E000}",
        "A😀",
        "\u{7FF}",
        "\u{800}",
    ];
    for left in samples {
        for right in samples {
            assert_eq!(
                compare_strings(left, right),
                left.encode_utf16().cmp(right.encode_utf16()),
                "{left:?} vs {right:?}"
            );
        }
    }
    assert_eq!(compare_strings("\u{FFFD}", "😀"), Ordering::Greater);
}

#[test]
fn relations() {
    use Ordering::*;
    assert!(Relation::Equals.holds(Equal));
    assert!(!Relation::Equals.holds(Less));
    assert!(Relation::LessThanEquals.holds(Equal) && Relation::LessThanEquals.holds(Less));
    assert!(!Relation::LessThanEquals.holds(Greater));
    assert!(Relation::GreaterThanEquals.holds(Greater) && !Relation::GreaterThanEquals.holds(Less));
    assert!(Relation::LessThan.holds(Less) && !Relation::LessThan.holds(Equal));
    assert!(Relation::GreaterThan.holds(Greater) && !Relation::GreaterThan.holds(Equal));
}

#[test]
fn literal_comparisons_of_another_type_are_false() {
    let five = Comparable::Number(5.0);
    let text = Comparable::String("HelloWorld");
    let yes = Comparable::Boolean(true);
    let instant = Comparable::Timestamp(parse_timestamp("2012-10-09T19:00:55Z").unwrap());
    // The variable's value, the rule's type and relation, its literal, and whether it holds.
    let cases = [
        (json!(5), ValueType::Numeric, Relation::Equals, five, true),
        (json!(5.0), ValueType::Numeric, Relation::Equals, five, true),
        (
            json!(4.5),
            ValueType::Numeric,
            Relation::LessThan,
            five,
            true,
        ),
        (
            json!("5"),
            ValueType::Numeric,
            Relation::Equals,
            five,
            false,
        ),
        (
            json!(null),
            ValueType::Numeric,
            Relation::Equals,
            five,
            false,
        ),
        (
            json!([5]),
            ValueType::Numeric,
            Relation::Equals,
            five,
            false,
        ),
        (
            json!("HelloWorld"),
            ValueType::String,
            Relation::Equals,
            text,
            true,
        ),
        (json!(0), ValueType::String, Relation::Equals, text, false),
        (
            json!({"A": 0}),
            ValueType::String,
            Relation::Equals,
            text,
            false,
        ),
        (json!(true), ValueType::Boolean, Relation::Equals, yes, true),
        (json!(1), ValueType::Boolean, Relation::Equals, yes, false),
        (
            json!("true"),
            ValueType::Boolean,
            Relation::Equals,
            yes,
            false,
        ),
        (
            json!("2012-10-09T19:00:55Z"),
            ValueType::Timestamp,
            Relation::Equals,
            instant,
            true,
        ),
        (
            json!("2012-10-09T19:00:55"),
            ValueType::Timestamp,
            Relation::Equals,
            instant,
            false,
        ),
        (
            json!(1_349_809_255),
            ValueType::Timestamp,
            Relation::Equals,
            instant,
            false,
        ),
    ];
    for (variable, value_type, relation, literal, holds) in cases {
        assert_eq!(
            compare(&variable, value_type, relation, literal),
            holds,
            "{variable} {relation:?} {literal:?}"
        );
    }
}

#[test]
fn type_tests() {
    assert!(is_of_type(TypeTest::Null, &json!(null)));
    assert!(!is_of_type(TypeTest::Null, &json!("")));
    assert!(is_of_type(TypeTest::Numeric, &json!(0)) && is_of_type(TypeTest::Numeric, &json!(1.1)));
    assert!(!is_of_type(TypeTest::Numeric, &json!("1")));
    assert!(
        is_of_type(TypeTest::String, &json!("")) && !is_of_type(TypeTest::String, &json!([""]))
    );
    assert!(
        is_of_type(TypeTest::Boolean, &json!(false)) && !is_of_type(TypeTest::Boolean, &json!(0))
    );
    assert!(is_of_type(
        TypeTest::Timestamp,
        &json!("2012-10-09T19:00:55+01:00")
    ));
    assert!(!is_of_type(
        TypeTest::Timestamp,
        &json!("2012-10-09T19:00:55")
    ));
    assert!(!is_of_type(TypeTest::Timestamp, &json!("2023-02-24")));
}

#[test]
fn operator_table_covers_every_operator() {
    for name in [
        "StringEquals",
        "StringEqualsPath",
        "StringLessThan",
        "StringLessThanPath",
        "StringGreaterThan",
        "StringGreaterThanPath",
        "StringLessThanEquals",
        "StringLessThanEqualsPath",
        "StringGreaterThanEquals",
        "StringGreaterThanEqualsPath",
        "StringMatches",
        "NumericEquals",
        "NumericEqualsPath",
        "NumericLessThan",
        "NumericLessThanPath",
        "NumericGreaterThan",
        "NumericGreaterThanPath",
        "NumericLessThanEquals",
        "NumericLessThanEqualsPath",
        "NumericGreaterThanEquals",
        "NumericGreaterThanEqualsPath",
        "BooleanEquals",
        "BooleanEqualsPath",
        "TimestampEquals",
        "TimestampEqualsPath",
        "TimestampLessThan",
        "TimestampLessThanPath",
        "TimestampGreaterThan",
        "TimestampGreaterThanPath",
        "TimestampLessThanEquals",
        "TimestampLessThanEqualsPath",
        "TimestampGreaterThanEquals",
        "TimestampGreaterThanEqualsPath",
        "IsNull",
        "IsPresent",
        "IsNumeric",
        "IsString",
        "IsBoolean",
        "IsTimestamp",
    ] {
        let spec = operator_spec(name).unwrap_or_else(|| panic!("{name} is an operator"));
        assert_eq!(spec.name(), name);
    }
    for name in [
        "StringMatchesPath",
        "BooleanLessThan",
        "IsObject",
        "stringequals",
        "Equals",
    ] {
        assert!(operator_spec(name).is_none(), "{name} is not an operator");
    }
    match operator_spec("NumericLessThanEqualsPath") {
        Some(OperatorSpec::Compare {
            value_type: ValueType::Numeric,
            relation: Relation::LessThanEquals,
            reads_path: true,
            ..
        }) => {}
        _ => panic!("NumericLessThanEqualsPath is a numeric <= against a path"),
    }
    match operator_spec("TimestampGreaterThanEquals") {
        Some(OperatorSpec::Compare {
            value_type: ValueType::Timestamp,
            relation: Relation::GreaterThanEquals,
            reads_path: false,
            ..
        }) => {}
        _ => panic!("TimestampGreaterThanEquals is a timestamp >= against a literal"),
    }
}
