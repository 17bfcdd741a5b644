use serde_json::{Map, Number};

use super::compare::{java_number_string, parse_decimal};
use super::parser::{unescape, LenientJson};
use super::*;
use crate::NoVariables;
use serde_json::json;

fn path(text: &str) -> JsonPath {
    JsonPath::parse(text).unwrap_or_else(|error| panic!("{text}: {error}"))
}

/// Evaluates against `input` as `$`, with an empty context object and no variables.
fn select(text: &str, input: &Value) -> Result<Value, String> {
    let context = json!({});
    let scope = Scope::new(input, &context, &NoVariables);
    path(text)
        .select(&scope)
        .map(Cow::into_owned)
        .map_err(|e| e.detail())
}

/// Each path selects its value from `input`.
fn assert_selects(input: &Value, cases: &[(&str, Value)]) {
    for (text, expected) in cases {
        assert_eq!(select(text, input), Ok(expected.clone()), "{text}");
    }
}

fn store() -> Value {
    json!({
        "store": {
            "book": [
                {"category": "reference", "author": "Nigel Rees", "title": "Sayings of the Century", "price": 8.95},
                {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword of Honour", "price": 12.99},
                {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553-21311-3", "price": 8.99},
                {"category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord of the Rings", "isbn": "0-395-19395-8", "price": 22.99}
            ],
            "bicycle": {"color": "red", "price": 19.95}
        },
        "expensive": 10
    })
}

#[test]
fn roots_and_definiteness() {
    assert_eq!(path("$").root(), PathRoot::Input);
    assert!(path("$.a").starts_at_input());
    assert!(!path("$$.a").starts_at_input());
    assert!(path("$$.a").starts_at_context());
    assert!(!path("$v.a").starts_at_context());
    assert!(path("$").is_root());
    assert_eq!(path("$$").root(), PathRoot::Context);
    assert_eq!(path("$$.Execution.Id").root(), PathRoot::Context);
    assert_eq!(
        path("$myVar.field[0]").root(),
        PathRoot::Variable("myVar".into())
    );
    assert_eq!(path("$myVar").variable_name(), Some("myVar"));
    assert!(path("$.a.b[0]['c']").is_definite());
    assert!(
        path("$['a','b']").is_definite(),
        "Jayway merges a final name list"
    );
    for indefinite in [
        "$.a[*]",
        "$.a.*",
        "$..a",
        "$.a[1:2]",
        "$.a[0,1]",
        "$['a','b'].c",
        "$.a[?(@.b)]",
    ] {
        assert!(!path(indefinite).is_definite(), "{indefinite}");
    }
    assert!(path("$.a[0].b").is_reference_path());
    assert!(!path("$.a[*]").is_reference_path());
}

#[test]
fn syntax_errors() {
    for bad in [
        "",
        "a.b",
        "$.",
        "$..",
        "$.a.",
        "$[",
        "$['a'",
        "$['a]",
        "$[a]",
        "$.a b",
        "$.a[?(@.b ==)]",
        "$.a[?(@.b",
        "$[1:2:3]",
        "$[:]",
        "$$x",
        "$my var",
        "$.a[?(@.b =~ /[/)]",
        "$.a...b",
        "$['a',]",
        "$[?(@.a zz 1)]",
    ] {
        assert!(JsonPath::parse(bad).is_err(), "{bad:?} should not parse");
    }
}

#[test]
fn dot_and_bracket_notation() {
    let input = json!({"a": {"b": {"c": 1}}, "x y": 2, "d-e": 3, "0": "zero", "": "empty"});
    assert_eq!(select("$.a.b.c", &input), Ok(json!(1)));
    assert_eq!(select("$['a']['b']['c']", &input), Ok(json!(1)));
    assert_eq!(select("$[\"a\"][\"b\"]", &input), Ok(json!({"c": 1})));
    assert_eq!(select("$.a['b'].c", &input), Ok(json!(1)));
    assert_eq!(select("$.a.['b']", &input), Ok(json!({"c": 1})));
    assert_eq!(select("$['x y']", &input), Ok(json!(2)));
    assert_eq!(select("$.d-e", &input), Ok(json!(3)));
    assert_eq!(select("$.0", &input), Ok(json!("zero")));
    assert_eq!(select("$['']", &input), Ok(json!("empty")));
    assert_eq!(select("$", &input), Ok(input.clone()));
}

#[test]
fn quoted_names_keep_backslashes() {
    // Recorded case ESCAPE_SEQUENCES_JSONPATH.
    let input = json!({"Test\\\"\"Name\"": "Value\"\\"});
    assert_eq!(
        select("$['Test\\\"\"Name\"']", &input),
        Ok(json!("Value\"\\"))
    );
    let input = json!({"a\\'b": 1, "c,d": 2, "e]f": 3});
    assert_eq!(select("$['a\\'b']", &input), Ok(json!(1)));
    assert_eq!(select("$['c,d']", &input), Ok(json!(2)));
    assert_eq!(select("$['e]f']", &input), Ok(json!(3)));
}

#[test]
fn array_indexes() {
    // Recorded case test_json_path_array_access[$.items[10]].
    let items: Vec<Value> = (0..=10).map(|i| json!({"item_key": i})).collect();
    let input = json!({ "items": items });
    assert_eq!(select("$.items[0]", &input), Ok(json!({"item_key": 0})));
    assert_eq!(select("$.items[10]", &input), Ok(json!({"item_key": 10})));
    assert_eq!(select("$.items[-1]", &input), Ok(json!({"item_key": 10})));
    assert_eq!(select("$.items[-11]", &input), Ok(json!({"item_key": 0})));
    assert_eq!(
        select("$.items[11]", &input),
        Err("No results for path: $['items'][11]".into())
    );
    assert_eq!(
        select("$.items[-12].item_key", &input),
        Err("No results for path: $['items'][-12]['item_key']".into())
    );
    assert_eq!(
        select("$.items[0,2,20].item_key", &input),
        Ok(json!([0, 2]))
    );
    assert_eq!(select("$[0]", &json!(["a", "b"])), Ok(json!("a")));
}

#[test]
fn slices_follow_jayway() {
    let input = json!({"a": [0, 1, 2, 3, 4]});
    assert_eq!(select("$.a[1:3]", &input), Ok(json!([1, 2])));
    assert_eq!(select("$.a[-2:]", &input), Ok(json!([3, 4])));
    assert_eq!(select("$.a[:2]", &input), Ok(json!([0, 1])));
    assert_eq!(select("$.a[:-1]", &input), Ok(json!([0, 1, 2, 3])));
    assert_eq!(select("$.a[2:]", &input), Ok(json!([2, 3, 4])));
    assert_eq!(select("$.a[3:100]", &input), Ok(json!([3, 4])));
    assert_eq!(select("$.a[10:]", &input), Ok(json!([])));
    // Jayway does not normalise both bounds of [from:to].
    assert_eq!(select("$.a[-2:2]", &input), Ok(json!([3, 4, 0, 1])));
    assert_eq!(select("$.a[1:-1]", &input), Ok(json!([])));
    // Indexes below the array are skipped, then -5..-1 count from the end.
    assert_eq!(select("$.a[-100:1]", &input), Ok(json!([0, 1, 2, 3, 4, 0])));
}

#[test]
fn indefinite_paths_on_missing_data_give_empty_arrays() {
    // Recorded cases test_json_path_array_wildcard_or_slice_with_no_input[…].
    for text in [
        "$.item.items[1:5].itemValue",
        "$.item.items[1:5]",
        "$.item.items[1:]",
        "$.item.items[:1]",
        "$.item.items[*]",
        "$.items[1:].itemValue",
        "$.items[1:]",
        "$.items[:1].itemValue",
        "$.items[:1]",
        "$.items[*].itemValue",
        "$.items[*]",
        "$[*]",
    ] {
        assert_eq!(select(text, &json!({})), Ok(json!([])), "{text}");
    }
}

#[test]
fn wildcards() {
    let input = json!({"a": {"x": 1, "y": [2, 3]}, "b": [{"c": 1}, {"c": 2}, {"d": 3}]});
    assert_eq!(select("$.a.*", &input), Ok(json!([1, [2, 3]])));
    assert_eq!(select("$.a[*]", &input), Ok(json!([1, [2, 3]])));
    assert_eq!(select("$.b[*].c", &input), Ok(json!([1, 2])));
    assert_eq!(select("$.*.c", &input), Ok(json!([])));
    assert_eq!(select("$.a.x.*", &input), Ok(json!([])));
}

#[test]
fn deep_scan() {
    let input = store();
    assert_selects(
        &input,
        &[
            (
                "$..author",
                json!([
                    "Nigel Rees",
                    "Evelyn Waugh",
                    "Herman Melville",
                    "J. R. R. Tolkien"
                ]),
            ),
            ("$.store..price", json!([8.95, 12.99, 8.99, 22.99, 19.95])),
            ("$..book[2].title", json!(["Moby Dick"])),
            ("$..book[-1:].title", json!(["The Lord of the Rings"])),
            ("$..isbn", json!(["0-553-21311-3", "0-395-19395-8"])),
            (
                "$..[?(@.price > 20)].title",
                json!(["The Lord of the Rings"]),
            ),
            ("$..missing", json!([])),
        ],
    );
    assert_eq!(
        select("$..*", &json!({"a": {"b": 1}, "c": [2]})),
        Ok(json!([{"b": 1}, [2], 1, 2]))
    );
}

#[test]
fn filters() {
    let input = store();
    assert_selects(
        &input,
        &[
            (
                "$.store.book[?(@.price < 10)].title",
                json!(["Sayings of the Century", "Moby Dick"]),
            ),
            (
                "$.store.book[?(@.isbn)].title",
                json!(["Moby Dick", "The Lord of the Rings"]),
            ),
            (
                "$.store.book[?(!@.isbn)].title",
                json!(["Sayings of the Century", "Sword of Honour"]),
            ),
            (
                "$.store.book[?(@.price <= $.expensive)].price",
                json!([8.95, 8.99]),
            ),
            (
                "$.store.book[?(@.category == 'fiction' && @.price > 10)].title",
                json!(["Sword of Honour", "The Lord of the Rings"]),
            ),
            (
                "$.store.book[?(@.price > 20 || @.category == \"reference\")].price",
                json!([8.95, 22.99]),
            ),
            (
                "$.store.book[?(@.author =~ /.*REES/i)].price",
                json!([8.95]),
            ),
            // =~ matches the whole text.
            ("$.store.book[?(@.author =~ /Rees/)].price", json!([])),
            (
                "$.store.book[?(!(@.price < 10) && @.category != 'fiction')].title",
                json!([]),
            ),
        ],
    );
    // Recorded case BASE_PASS_RESULT_REGEX_JSON_PATH_BASE.
    let users = json!({"users": [{"year": 1997, "status": 0}, {"year": 1998, "status": 1}]});
    assert_eq!(
        select("$.users[?(@.status == 0)]", &users),
        Ok(json!([{"year": 1997, "status": 0}]))
    );
}

#[test]
fn filters_apply_to_objects_themselves_and_never_to_scalars() {
    let input = json!({"obj": {"a": 1}, "nums": [1, 5, 10], "mixed": [{"a": 1}, 2, [3]]});
    assert_eq!(select("$.obj[?(@.a == 1)]", &input), Ok(json!([{"a": 1}])));
    assert_eq!(select("$.obj[?(@.a == 2)]", &input), Ok(json!([])));
    assert_eq!(select("$.nums[?(@ > 2)]", &input), Ok(json!([])));
    assert_eq!(select("$.mixed[?(@.a)]", &input), Ok(json!([{"a": 1}])));
    assert_eq!(select("$.obj.a[?(@.x)]", &input), Ok(json!([])));
}

#[test]
fn filter_operators() {
    let input = json!({"items": [
        {"id": 1, "tags": ["a", "b"], "name": "one", "n": "1", "flag": true, "nothing": null},
        {"id": 2, "tags": [], "name": "", "n": 2.0, "flag": false},
        {"id": 3, "tags": ["c"], "name": "three", "n": "x"}
    ]});
    let ids = |filter: &str| select(&format!("$.items[?({filter})].id"), &input);
    assert_eq!(ids("@.id in [1, 3]"), Ok(json!([1, 3])));
    assert_eq!(ids("@.name in ['one', 'three']"), Ok(json!([1, 3])));
    assert_eq!(ids("@.id nin [1, 3]"), Ok(json!([2])));
    assert_eq!(ids("@.tags subsetof ['a', 'b', 'c']"), Ok(json!([1, 2, 3])));
    assert_eq!(ids("@.tags anyof ['b', 'c']"), Ok(json!([1, 3])));
    assert_eq!(ids("@.tags noneof ['b', 'c']"), Ok(json!([2])));
    assert_eq!(ids("@.tags size 2"), Ok(json!([1])));
    assert_eq!(ids("@.name size 5"), Ok(json!([3])));
    assert_eq!(ids("@.tags empty true"), Ok(json!([2])));
    assert_eq!(ids("@.name empty false"), Ok(json!([1, 3])));
    assert_eq!(ids("@.tags contains 'c'"), Ok(json!([3])));
    assert_eq!(ids("@.name contains 'hr'"), Ok(json!([3])));
    assert_eq!(ids("@.flag == true"), Ok(json!([1])));
    assert_eq!(ids("@.flag"), Ok(json!([1, 2])));
    assert_eq!(ids("@.nothing"), Ok(json!([1])), "a present null exists");
    assert_eq!(ids("@.nothing == null"), Ok(json!([1])));
    assert_eq!(
        ids("@.missing == null"),
        Ok(json!([])),
        "undefined equals nothing"
    );
    assert_eq!(ids("@.missing != 1"), Ok(json!([1, 2, 3])));
    assert_eq!(ids("@.tags == ['a', 'b']"), Ok(json!([1])));
    assert_eq!(ids("@.id >= 2 && @.id < 3"), Ok(json!([2])));
    assert_eq!(ids("@.name > 'o'"), Ok(json!([1, 3])));
    // Jayway compares a number with a string holding that number.
    assert_eq!(ids("@.n == 1"), Ok(json!([1])));
    assert_eq!(ids("@.n == 2"), Ok(json!([2])));
    assert_eq!(ids("@.id == '2'"), Ok(json!([2])));
    assert_eq!(ids("@.id === '2'"), Ok(json!([])));
    assert_eq!(ids("@.id === 2"), Ok(json!([2])));
    assert_eq!(ids("@.id !== 2"), Ok(json!([1, 3])));
    assert_eq!(ids("@.id =~ /[12]/"), Ok(json!([1, 2])));
    assert_eq!(ids("@.tags =~ /c/"), Ok(json!([3])));
    assert_eq!(ids("(@.id == 1 || @.id == 2) && @.flag"), Ok(json!([1, 2])));
    assert_eq!(
        ids("@.id == 1 || @.id == 2 && @.flag == true"),
        Ok(json!([1]))
    );
    assert_eq!(ids("@.tags[0] == 'c'"), Ok(json!([3])));
    assert_eq!(ids("@.tags[*] contains 'a'"), Ok(json!([1])));
    assert_eq!(
        ids("@.id IN [2]"),
        Ok(json!([2])),
        "operator words ignore case"
    );
}

#[test]
fn unions() {
    let input = json!({"a": 1, "b": {"c": 2}, "d": [10, 20, 30]});
    assert_eq!(
        select("$['a','b']", &input),
        Ok(json!({"a": 1, "b": {"c": 2}}))
    );
    assert_eq!(select("$['a','zz']", &input), Ok(json!({"a": 1})));
    assert_eq!(select("$['a','b'].c", &input), Ok(json!([2])));
    assert_eq!(select("$.d[0,2]", &input), Ok(json!([10, 30])));
    assert_eq!(select("$.d[2,0]", &input), Ok(json!([30, 10])));
}

#[test]
fn null_values_are_present() {
    let input = json!({"a": null, "b": {"c": null}});
    assert_eq!(select("$.a", &input), Ok(Value::Null));
    assert_eq!(select("$.b.c", &input), Ok(Value::Null));
    assert_eq!(select("$.b[*]", &input), Ok(json!([null])));
}

#[test]
fn definite_misses_use_jayway_messages() {
    let input = json!({"a": {"b": "text", "n": null, "list": [1]}, "s": 5});
    assert_eq!(
        select("$.x", &input),
        Err("No results for path: $['x']".into())
    );
    assert_eq!(
        select("$.a.x", &input),
        Err("No results for path: $['a']['x']".into())
    );
    assert_eq!(
        select("$[\"a\"][\"x\"]", &input),
        Err("No results for path: $[\"a\"][\"x\"]".into())
    );
    assert_eq!(
        select("$.x.y.z", &input),
        Err("Missing property in path $['x']".into())
    );
    assert_eq!(
            select("$.a.b.c", &input),
            Err("Expected to find an object with property ['c'] in path $['a']['b'] but found 'java.lang.String'. This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'.".into())
        );
    assert_eq!(
            select("$.a.n.c", &input),
            Err("Expected to find an object with property ['c'] in path $['a']['n'] but found 'null'. This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'.".into())
        );
    assert_eq!(
            select("$.a.list.c", &input),
            Err("Expected to find an object with property ['c'] in path $['a']['list'] but found 'net.minidev.json.JSONArray'. This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'.".into())
        );
    assert_eq!(
        select("$.a.n[0]", &input),
        Err("The path $['a']['n'] is null".into())
    );
    assert_eq!(
            select("$.a[0].b", &input),
            Err("Filter: [0]['b'] can only be applied to arrays. Current context is: {\"b\":\"text\",\"n\":null,\"list\":[1]}".into())
        );
    assert_eq!(
        select("$.a.b[0]", &input),
        Err("Filter: [0] can only be applied to arrays. Current context is: text".into())
    );
}

#[test]
fn functions_are_not_supported() {
    // AWS fails `$.Jobs.sum()` with "could not be found"; the call is just a missing name.
    let input = json!({"Jobs": [0, 1]});
    assert_eq!(
            select("$.Jobs.sum()", &input),
            Err("Expected to find an object with property ['sum()'] in path $['Jobs'] but found 'net.minidev.json.JSONArray'. This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'.".into())
        );
    assert!(select("$.Jobs.length()", &input).is_err());
}

#[test]
fn context_and_variables() {
    let input = json!({"in": 1});
    let context = json!({"Execution": {"Input": {"input-value": 0}, "Name": "run"}});
    let mut variables = Map::new();
    variables.insert("myVar".into(), json!({"field": ["x", "y"]}));
    variables.insert("n".into(), json!(3));
    let scope = Scope::new(&input, &context, &variables);
    let get = |text: &str| path(text).select(&scope).map(Cow::into_owned);
    assert_eq!(get("$$.Execution.Name").ok(), Some(json!("run")));
    assert_eq!(get("$$.Execution.Input.input-value").ok(), Some(json!(0)));
    assert_eq!(get("$$").ok(), Some(context.clone()));
    assert_eq!(get("$myVar.field[1]").ok(), Some(json!("y")));
    assert_eq!(get("$myVar['field'][*]").ok(), Some(json!(["x", "y"])));
    assert_eq!(get("$n").ok(), Some(json!(3)));
    let missing = get("$other.x").unwrap_err();
    assert!(missing.is_undefined_variable());
    assert_eq!(missing.detail(), "The variable 'other' is not defined");
    assert_eq!(
        get("$myVar.nope").unwrap_err().detail(),
        "No results for path: $['nope']"
    );
}

#[test]
fn select_borrows_definite_results() {
    let input = json!({"a": {"b": [1, 2]}});
    let context = json!({});
    let scope = Scope::new(&input, &context, &NoVariables);
    assert!(matches!(path("$.a.b").select(&scope), Ok(Cow::Borrowed(_))));
    assert!(matches!(path("$").select(&scope), Ok(Cow::Borrowed(_))));
    assert!(matches!(path("$.a.b[*]").select(&scope), Ok(Cow::Owned(_))));
}

#[test]
fn select_owned_moves_the_selection() {
    let output = json!({"Payload": {"big": [1, 2, 3]}, "StatusCode": 200});
    assert_eq!(
        path("$.Payload").select_owned(output.clone()).ok(),
        Some(json!({"big": [1, 2, 3]}))
    );
    assert_eq!(
        path("$.Payload.big[-1]").select_owned(output.clone()).ok(),
        Some(json!(3))
    );
    assert_eq!(
        path("$..big").select_owned(output.clone()).ok(),
        Some(json!([[1, 2, 3]]))
    );
    assert_eq!(
        path("$.Nope").select_owned(output).unwrap_err().detail(),
        "No results for path: $['Nope']"
    );
}

#[test]
fn eval_reports_invalid_path() {
    let input = json!({"a": 1});
    let context = json!({});
    let scope = Scope::new(&input, &context, &NoVariables);
    assert_eq!(path("$.a").eval(&scope), Ok(json!(1)));
    assert_eq!(
        path("$.missing").eval(&scope),
        Err(StatesError::runtime(
            "Invalid path '$.missing' : No results for path: $['missing']"
        ))
    );
}

#[test]
fn json_literals_in_filters_accept_single_quotes() {
    assert_eq!(
        LenientJson::parse("['a', \"b\", 1, 2.5, true, null, {'k': [1]}]"),
        Some(json!(["a", "b", 1, 2.5, true, null, {"k": [1]}]))
    );
    assert_eq!(LenientJson::parse("[1,"), None);
    assert_eq!(unescape(r"a\'b\n\u0041\\"), "a'b\nA\\");
}

#[test]
fn java_number_texts() {
    assert_eq!(java_number_string(&Number::from(5)), "5");
    assert_eq!(
        java_number_string(&Number::from_f64(2.0).unwrap_or(Number::from(0))),
        "2.0"
    );
    assert_eq!(parse_decimal("1.50"), Number::from_f64(1.5));
    assert_eq!(parse_decimal("abc"), None);
    assert_eq!(parse_decimal("NaN"), None);
}

#[test]
fn absurd_nesting_is_rejected_not_overflowed() {
    let deep_groups = format!("$.a[?({}@.b{})]", "(".repeat(5000), ")".repeat(5000));
    assert!(JsonPath::parse(&deep_groups).is_err());
    let deep_negations = format!("$.a[?({}@.b)]", "!".repeat(5000));
    assert!(JsonPath::parse(&deep_negations).is_err());
    let deep_filters = format!("$.a{}{}", "[?(@.b".repeat(500), ")]".repeat(500));
    assert!(JsonPath::parse(&deep_filters).is_err());
    let long = format!("$.a{}[*]", ".b".repeat(5000));
    assert!(JsonPath::parse(&long).is_err());
    let many_terms = format!("$.a[?({})]", vec!["@.b == 1"; 5000].join(" && "));
    let input = json!({"a": [{"b": 1}, {"b": 2}]});
    assert_eq!(select(&many_terms, &input), Ok(json!([{"b": 1}])));
}

/// Parses and evaluates many generated strings made of path characters: nothing may panic.
#[test]
fn generated_paths_never_panic() {
    const PIECES: [&str; 34] = [
        "$",
        "$$",
        "@",
        ".",
        "..",
        "[",
        "]",
        "(",
        ")",
        "?",
        "*",
        "'",
        "\"",
        "\\",
        ",",
        ":",
        "-1",
        "0",
        "2",
        "a",
        "b",
        "==",
        "<",
        " ",
        "&&",
        "||",
        "!",
        "/x/",
        "in",
        "['a','b']",
        "size",
        "{",
        "}",
        "true",
    ];
    let input = json!({"a": [{"b": 1, "c": [1, 2]}, {"b": "x"}, 3, null], "b": {"a": {"b": 2}}});
    let context = json!({});
    let scope = Scope::new(&input, &context, &NoVariables);
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut parsed = 0;
    for _ in 0..20_000 {
        let mut text = String::from("$");
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let pieces = 1 + (seed % 12) as usize;
        for n in 0..pieces {
            let pick = (seed >> (n * 5 % 60)) as usize % PIECES.len();
            text.push_str(PIECES[pick]);
        }
        if let Ok(path) = JsonPath::parse(&text) {
            parsed += 1;
            if let Err(not_found) = path.select(&scope) {
                let _ = not_found.detail();
            }
            let _ = path.select_owned(input.clone());
        }
    }
    assert!(parsed > 100, "only {parsed} generated paths parsed");
}

#[test]
fn paths_are_cheap_shared_and_thread_safe() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<JsonPath>();
    assert_send_sync::<PathNotFound>();
    let original = path("$.a[?(@.b == 1)]");
    let copy = original.clone();
    assert!(Arc::ptr_eq(&original.inner, &copy.inner));
    assert_eq!(original, copy);
    assert_eq!(format!("{original}"), "$.a[?(@.b == 1)]");
}
