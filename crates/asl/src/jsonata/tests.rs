//! Tests of the public API, with expected values taken from executions recorded on AWS
//! (`shared/conformance/cases`).

use serde_json::json;

use super::*;
use crate::test_support::{json_text_cases, FixedEnvironment};

/// The environment of these tests: randomness 0.25, the clock at 2024-01-01T00:00:00.123Z.
fn environment() -> FixedEnvironment {
    FixedEnvironment {
        random: 0.25,
        millis: 1_704_067_200_123,
        ..FixedEnvironment::new()
    }
}

fn states_for<'a>(input: &'a Value, context: &'a Value) -> StatesVar<'a> {
    StatesVar {
        input,
        context,
        result: None,
        error_output: None,
    }
}

/// Evaluates a template in the field `Output` against `input`, with no variables.
fn output(template: Value, input: Value) -> Result<Value, StatesError> {
    let context = json!({"Execution": {"Id": "arn"}});
    output_in(
        &template,
        &states_for(&input, &context),
        &crate::NoVariables,
        &mut environment(),
    )
}

/// Evaluates a template in the field `Output` with these `$states`, variables and environment.
fn output_in(
    template: &Value,
    states: &StatesVar,
    variables: &dyn Variables,
    env: &mut dyn Environment,
) -> Result<Value, StatesError> {
    JsonataTemplate::compile(template)?.eval(states, variables, env, "Output")
}

fn cause(result: Result<Value, StatesError>) -> String {
    let error = result.expect_err("fails");
    assert_eq!(error.error, crate::error::QUERY_EVALUATION_ERROR);
    error.cause
}

/// Each template, evaluated as `Output` on an empty input, fails with its cause.
fn assert_output_causes(cases: &[(Value, &str)]) {
    for (template, expected) in cases {
        assert_eq!(
            cause(output(template.clone(), json!({}))),
            *expected,
            "{template}"
        );
    }
}

#[test]
fn expression_strings_are_recognised_as_aws_does() {
    assert_eq!(
        expression_text("{% $states.input %}"),
        Some("$states.input")
    );
    assert_eq!(expression_text("{%$x%}"), Some("$x"));
    // Anything outside the delimiters makes the string a literal.
    assert_eq!(expression_text(" {% states.input %} "), None);
    assert_eq!(expression_text("$states.input"), None);
    assert_eq!(expression_text("{% x"), None);
    assert_eq!(expression_text("{%}"), None);
}

#[test]
fn literals_are_kept_as_written() {
    // test_state_with_variables[empty_variables]: nothing that is not `{% … %}` is evaluated.
    let template = json!({
        "constant_null": null, "constant_int": 0, "constant_float": 0.1, "constant_bool": true,
        "constant_not_jsonata": " {% states.input %} ", "constant_varpath_states": "$states.input",
        "constant_jp_input.$": "$", "constant_if": "States.Format('Format:{}', 101)",
        "constant_lst": [null, 0, 0.1, true, [], {"constant": 0}, " {% states.input %} "],
    });
    let compiled = JsonataTemplate::compile(&template).unwrap();
    assert!(compiled.is_constant());
    assert_eq!(
        output(template.clone(), json!({"input_values": [1, 2, 3]})).unwrap(),
        template
    );
}

#[test]
fn states_and_variables_are_bound() {
    // test_state_with_variables[base_expressions]
    let input = json!({"input_values": [1, 2, 3]});
    let context = json!({"Execution": {"Name": "exec"}, "State": {"Name": "State0"}});
    let mut variables = serde_json::Map::new();
    variables.insert("var_input_value".into(), json!("test_value"));
    variables.insert("var_constant_1".into(), json!(10));
    let template = json!({
        "ja_states_context": "{% $states.context %}",
        "ja_states_input": "{% $states.input %}",
        "ja_var_access": "{% $var_input_value %}",
        "ja_expr": "{% $sum($states.input.input_values) + $var_constant_1 %}",
    });
    let states = states_for(&input, &context);
    let result = output_in(&template, &states, &variables, &mut environment()).unwrap();
    assert_eq!(
        result,
        json!({
            "ja_states_context": context,
            "ja_states_input": {"input_values": [1, 2, 3]},
            "ja_var_access": "test_value",
            "ja_expr": 16,
        })
    );
}

#[test]
fn states_holds_input_context_and_result_in_order() {
    let input = json!({"Values": [1, 2, 3]});
    let context = json!({"State": {"Name": "StateName"}});
    let result = json!([1, 1, 1]);
    let states = StatesVar {
        input: &input,
        context: &context,
        result: Some(&result),
        error_output: None,
    };
    let template = json!("{% $states %}");
    let value = output_in(&template, &states, &crate::NoVariables, &mut environment()).unwrap();
    assert_eq!(
        serde_json::to_string(&value).unwrap(),
        r#"{"input":{"Values":[1,2,3]},"context":{"State":{"Name":"StateName"}},"result":[1,1,1]}"#
    );
}

#[test]
fn undefined_results_fail_naming_the_field() {
    // assign_test_assign_reference_variables: test_undefined_reference[...]
    assert_output_causes(&[
        (json!("{% $doesNotExist %}"), "The JSONata expression '$doesNotExist' specified for the field 'Output' returned nothing (undefined)."),
        (json!({"result": "{% $doesNotExist %}"}), "The JSONata expression '$doesNotExist' specified for the field 'Output/result' returned nothing (undefined)."),
        (json!({"a": [1, {"b": "{% $states.input.no %}"}]}), "The JSONata expression '$states.input.no' specified for the field 'Output/a[1]/b' returned nothing (undefined)."),
    ]);
}

#[test]
fn items_of_the_wrong_type_fail_with_aws_wording() {
    // scenarios_test_base_scenarios: test_map_state_items_eval_jsonata_fail[...]
    let items = |expression: &str| {
        let input = json!({});
        let context = json!({});
        JsonataTemplate::compile(&json!(expression))
            .unwrap()
            .eval_as(
                &states_for(&input, &context),
                &crate::NoVariables,
                &mut environment(),
                "Items",
                ResultType::Array,
            )
    };
    let expected = [
        ("{% true %}", "The JSONata expression 'true' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was 'boolean' for value: true"),
        ("{% null %}", "The JSONata expression 'null' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was 'null' for value: null"),
        ("{% 1 %}", "The JSONata expression '1' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was 'number' for value: 1"),
        ("{% {'foo': 'bar'} %}", "The JSONata expression '{'foo': 'bar'}' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was 'object' for value: {\"foo\":\"bar\"}"),
        ("{% 'string' %}", "The JSONata expression ''string'' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was 'string' for value: \"string\""),
        ("{% $fn := function($x){$x} %}", "The JSONata expression '$fn := function($x){$x}' specified for the field 'Items' returned an unsupported result type."),
    ];
    for (expression, message) in expected {
        assert_eq!(cause(items(expression)), message, "{expression}");
    }
    // test_map_state_items_eval_jsonata[...]
    assert_eq!(items("{% [] %}").unwrap(), json!([]));
    assert_eq!(items("{% [1, 'two', 3] %}").unwrap(), json!([1, "two", 3]));
    assert_eq!(items("{% [0] %}").unwrap(), json!([0]));
}

#[test]
fn items_mixing_literals_and_expressions() {
    // evaluate_jsonata_test_base_evaluate_expressions: test_base_map[ITEMS]
    assert_eq!(
        output(json!([1, "{% $number(\"2\") %}", 3]), json!({})).unwrap(),
        json!([1, 2, 3])
    );
    assert_eq!(
        output(json!([1, "{% $number('2') %}", 3]), json!({})).unwrap(),
        json!([1, 2, 3])
    );
    // test_base_map[MAX_CONCURRENCY]: an assignment evaluates to the value assigned.
    assert_eq!(
        output(json!("{% $variable := 1 %}"), json!({})).unwrap(),
        json!(1)
    );
}

#[test]
fn recorded_expressions_give_recorded_outputs() {
    let cases = [
        // evaluate_jsonata_test_base_evaluate_expressions
        (
            "{% $contains(\"hello$world\", /^hello\\$/) %}",
            json!({}),
            json!(true),
        ),
        (
            "{% $contains(\"hello$world\", /^hello\\ /) %}",
            json!({}),
            json!(false),
        ),
        (
            "{% $contains('hello$world', /^hello\\$/) %}",
            json!({}),
            json!(true),
        ),
        (
            "{% $merge([$states.input.part1, $states.input.part2]) %}",
            json!({"part1": {"hello": "world"}, "part2": {"foo": "bar"}}),
            json!({"hello": "world", "foo": "bar"}),
        ),
        // scenarios: CHOICE_STATE_AWS_SCENARIO_JSONATA
        (
            "{% $not($states.input.type = 'Private') %}",
            json!({"type": "Private", "value": 22}),
            json!(false),
        ),
        (
            "{% $states.input.value >= 20 and $states.input.value < 30 %}",
            json!({"type": "Private", "value": 22}),
            json!(true),
        ),
        (
            "{% $not($states.input.result.done) %}",
            json!({"result": {"done": false}}),
            json!(true),
        ),
        // ESCAPE_SEQUENCES_JSONATA_COMPARISON_OUTPUT
        ("{% $states.input = '\"' %}", json!("\""), json!(true)),
    ];
    for (expression, input, expected) in cases {
        assert_eq!(
            output(json!(expression), input).unwrap(),
            expected,
            "{expression}"
        );
    }
}

#[test]
fn recorded_partition_range_and_parse_results() {
    // intrinsic_functions_test_array_jsonata / test_json_manipulation_jsonata
    let partition =
        "{% $partition($states.input.FunctionInput.fst, $states.input.FunctionInput.snd) %}";
    // All 20 recorded test_array_partition executions.
    let cases = [
        (json!({"fst": [0], "snd": 1}), json!([[0]])),
        (json!({"fst": [0], "snd": 2}), json!([[0]])),
        (json!({"fst": [0], "snd": 3}), json!([[0]])),
        (json!({"fst": [0], "snd": 4}), json!([[0]])),
        (json!({"fst": [0], "snd": 5}), json!([[0]])),
        (json!({"fst": [0, 1], "snd": 1}), json!([[0], [1]])),
        (json!({"fst": [0, 1], "snd": 2}), json!([[0, 1]])),
        (json!({"fst": [0, 1], "snd": 3}), json!([[0, 1]])),
        (json!({"fst": [0, 1], "snd": 4}), json!([[0, 1]])),
        (json!({"fst": [0, 1], "snd": 5}), json!([[0, 1]])),
        (json!({"fst": [0, 1, 2], "snd": 1}), json!([[0], [1], [2]])),
        (json!({"fst": [0, 1, 2], "snd": 2}), json!([[0, 1], [2]])),
        (json!({"fst": [0, 1, 2], "snd": 3}), json!([[0, 1, 2]])),
        (json!({"fst": [0, 1, 2], "snd": 4}), json!([[0, 1, 2]])),
        (json!({"fst": [0, 1, 2], "snd": 5}), json!([[0, 1, 2]])),
        (
            json!({"fst": [0, 1, 2, 3], "snd": 1}),
            json!([[0], [1], [2], [3]]),
        ),
        (
            json!({"fst": [0, 1, 2, 3], "snd": 2}),
            json!([[0, 1], [2, 3]]),
        ),
        (
            json!({"fst": [0, 1, 2, 3], "snd": 3}),
            json!([[0, 1, 2], [3]]),
        ),
        (
            json!({"fst": [0, 1, 2, 3], "snd": 4}),
            json!([[0, 1, 2, 3]]),
        ),
        (
            json!({"fst": [0, 1, 2, 3], "snd": 5}),
            json!([[0, 1, 2, 3]]),
        ),
    ];
    for (function_input, expected) in cases {
        let input = json!({ "FunctionInput": function_input });
        assert_eq!(output(json!(partition), input).unwrap(), expected);
    }
    let range = "{% $range($states.input.FunctionInput.fst, $states.input.FunctionInput.snd, $states.input.FunctionInput.trd) %}";
    let cases = [
        (json!({"fst": 0, "snd": 9, "trd": 3}), json!([0, 3, 6, 9])),
        (json!({"fst": 0, "snd": 10, "trd": 3}), json!([0, 3, 6, 9])),
        (json!({"fst": 1, "snd": 9, "trd": 9}), json!(1)),
        (
            json!({"fst": 1, "snd": 9, "trd": 2}),
            json!([1, 3, 5, 7, 9]),
        ),
    ];
    for (function_input, expected) in cases {
        let input = json!({ "FunctionInput": function_input });
        assert_eq!(output(json!(range), input).unwrap(), expected);
    }
    let parse = "{% $parse($states.input.FunctionInput) %}";
    for (text, expected) in json_text_cases() {
        let input = json!({ "FunctionInput": text });
        let value = output(json!(parse), input).unwrap();
        assert_eq!(
            serde_json::to_string(&value).unwrap(),
            serde_json::to_string(&expected).unwrap()
        );
    }
}

#[test]
fn evaluation_errors_carry_jsonata_codes() {
    assert_output_causes(&[
        (json!("{% $sum('a') %}"), "The JSONata expression '$sum('a')' specified for the field 'Output' threw an error during evaluation. T0412: Argument 1 of function \"sum\" must be an array of \"numbers\""),
        (json!({"v": "{% $eval('1 + 1') %}"}), "The JSONata expression '$eval('1 + 1')' specified for the field 'Output/v' threw an error during evaluation. T1006: Attempted to invoke a non-function"),
        (json!("{% $range(0, 1000000000, 1) %}"), "The JSONata expression '$range(0, 1000000000, 1)' specified for the field 'Output' threw an error during evaluation: Expression evaluation memory limit exceeded: Check for excessive memory usage"),
    ]);
}

#[test]
fn environment_functions_draw_on_the_environment() {
    let input = json!({});
    let context = json!({});
    let mut env = environment();
    let template = json!({
        "ids": "{% [$uuid(), $uuid()] %}",
        "random": "{% $random() %}",
        "seeded": "{% $random(7) = $random(7) %}",
        "now": "{% $now() %}",
        "same_time": "{% $millis() = $millis() and $toMillis($now()) = $millis() %}",
        "year": "{% $now('[Y0001]') %}",
        "shuffled": "{% $count($shuffle([1, 2, 3])) %}",
    });
    let states = states_for(&input, &context);
    let value = output_in(&template, &states, &crate::NoVariables, &mut env).unwrap();
    assert_eq!(
        value,
        json!({
            "ids": ["00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"],
            "random": 0.25,
            "seeded": true,
            "now": "2024-01-01T00:00:00.123Z",
            "same_time": true,
            "year": "2024",
            "shuffled": 3,
        })
    );
    assert_eq!(env.uuids, 2);
    // One draw for `$random()`, one per item for `$shuffle`.
    assert_eq!(env.randoms, 1 + 3);
    // One clock read per expression that reads the time.
    assert_eq!(env.clock_reads, 3);
}

#[test]
fn results_drop_undefined_members_and_keep_key_order() {
    assert_eq!(
        serde_json::to_string(
            &output(
                json!(
                    "{% {'z': 1, 'gone': $states.input.none, 'a': [1, $states.input.none, 2]} %}"
                ),
                json!({})
            )
            .unwrap()
        )
        .unwrap(),
        r#"{"z":1,"a":[1,2]}"#
    );
    assert_eq!(output(json!("{% 6 / 2 %}"), json!({})).unwrap(), json!(3));
    assert_eq!(output(json!("{% '3' %}"), json!({})).unwrap(), json!("3"));
}

#[test]
fn compile_errors_give_the_parser_message() {
    let error = JsonataTemplate::compile(&json!({"a": "{% 1 + %}"})).unwrap_err();
    assert_eq!(error.cause, "S0207: Unexpected end of expression");
}

#[test]
fn a_whole_expression_field_can_be_checked_for_integers() {
    let input = json!({"n": 2.5, "m": 3});
    let context = json!({});
    let seconds = |expression: &str| {
        JsonataExpr::compile(expression).unwrap().eval_field_as(
            &states_for(&input, &context),
            &crate::NoVariables,
            &mut environment(),
            "Seconds",
            ResultType::Integer,
        )
    };
    assert_eq!(seconds("$states.input.m").unwrap(), json!(3));
    assert_eq!(seconds("$states.input.m * 2.0").unwrap(), json!(6));
    assert_eq!(
        cause(seconds("$states.input.n")),
        "The JSONata expression '$states.input.n' specified for the field 'Seconds' returned an unexpected result type. Expected 'integer', but was 'number' for value: 2.5"
    );
}

#[test]
fn evaluation_is_bounded() {
    // A non-tail recursion as deep as AWS accepts evaluates…
    assert_eq!(
        output(
            json!("{% ($f := function($n) { $n <= 1 ? 1 : $n + $f($n - 1) }; $f(100)) %}"),
            json!({})
        )
        .unwrap(),
        json!(5050)
    );
    // …and one with no base case fails instead of running away.
    let cause = cause(output(
        json!("{% ($f := function($n) { 1 + $f($n + 1) }; $f(1)) %}"),
        json!({}),
    ));
    assert!(
        cause.starts_with("The JSONata expression '($f := function($n) { 1 + $f($n + 1) }; $f(1))' specified for the field 'Output' threw an error during evaluation. D1011: Stack overflow"),
        "{cause}"
    );
}

#[test]
fn compiled_expressions_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<JsonataExpr>();
    shareable::<JsonataTemplate>();
}
