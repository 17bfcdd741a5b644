//! Conversions between `serde_json::Value` (the engine's data) and `JValue` (jsonata-core's).
//!
//! Both directions walk the value once. Going in, [`to_jvalue_for`] converts only the parts an
//! expression can observe (see [`Usage`]); coming out, numbers follow AWS's JSON output: a JSONata
//! number is a float, and an integral one is written as an integer (`3`, not `3.0`; `-0` as `0`).

use std::rc::Rc;

use jsonata_core::value::{JArray, JMap, JValue};
use serde_json::{Map, Number, Value};

use super::analysis::Usage;

/// The whole of `value` as a JSONata value.
pub(super) fn to_jvalue(value: &Value) -> JValue {
    match value {
        Value::Null => JValue::Null,
        Value::Bool(flag) => JValue::Bool(*flag),
        Value::Number(number) => JValue::Number(number_to_f64(number)),
        Value::String(text) => JValue::string(text.as_str()),
        Value::Array(items) => array_of(items.iter().map(to_jvalue)),
        Value::Object(members) => object_of(
            members
                .iter()
                .map(|(key, member)| (key.clone(), to_jvalue(member))),
        ),
    }
}

/// The parts of `value` that `usage` says are observable, as a JSONata value. Reading a field the
/// expression names gives the same result as on the whole value; other fields are left out.
pub(super) fn to_jvalue_for(value: &Value, usage: &Usage) -> JValue {
    if usage.whole {
        return to_jvalue(value);
    }
    match value {
        Value::Object(members) => {
            object_of(usage.fields.iter().filter_map(|(name, field_usage)| {
                let member = members.get(name)?;
                Some((name.clone(), to_jvalue_for(member, field_usage)))
            }))
        }
        // A field step maps over an array, so each item is read the same way.
        Value::Array(items) => array_of(items.iter().map(|item| to_jvalue_for(item, usage))),
        scalar => to_jvalue(scalar),
    }
}

fn array_of(items: impl Iterator<Item = JValue>) -> JValue {
    let items: Vec<JValue> = items.collect();
    // A path step over an input array that holds no array has nothing to flatten; telling
    // jsonata-core so lets it skip a scan.
    let flat = !items.iter().any(|item| matches!(item, JValue::Array(_)));
    JValue::Array(JArray::new_flat(items, flat))
}

pub(super) fn object_of(members: impl Iterator<Item = (String, JValue)>) -> JValue {
    JValue::Object(Rc::new(members.collect::<JMap>()))
}

fn number_to_f64(number: &Number) -> f64 {
    // `as_f64` is always `Some` without serde_json's arbitrary_precision feature.
    number.as_f64().unwrap_or(f64::NAN)
}

/// A JSONata result as JSON, or `None` when it is undefined or a function (no JSON for either).
///
/// Inside objects and arrays, undefined values and functions are dropped (an object loses the key).
pub(super) fn to_json(value: &JValue) -> Option<Value> {
    match value {
        JValue::Null => Some(Value::Null),
        JValue::Bool(flag) => Some(Value::Bool(*flag)),
        JValue::Number(number) => Some(number_to_json(*number)),
        JValue::String(text) => Some(Value::String(text.to_string())),
        JValue::Array(items) => Some(Value::Array(items.iter().filter_map(to_json).collect())),
        JValue::Object(members) => {
            let mut map = Map::with_capacity(members.len());
            for (key, member) in members.iter() {
                if let Some(member) = to_json(member) {
                    map.insert(key.clone(), member);
                }
            }
            Some(Value::Object(map))
        }
        JValue::Undefined | JValue::Lambda(_) | JValue::Builtin { .. } | JValue::Regex { .. } => {
            None
        }
    }
}

/// A copy of `value` with numbers written as a JSONata result writes them (`1.0` as `1`), for
/// values read straight from the engine's JSON.
pub(super) fn normalized(value: &Value) -> Value {
    match value {
        Value::Number(number) if number.is_f64() => number_to_json(number_to_f64(number)),
        Value::Array(items) => Value::Array(items.iter().map(normalized).collect()),
        Value::Object(members) => Value::Object(
            members
                .iter()
                .map(|(key, member)| (key.clone(), normalized(member)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// 2^63: integral floats below it in magnitude are written as JSON integers.
const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
/// 2^64: unsigned integers up to it are still exact as `u64`.
const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;

/// A JSONata number as JSON: integral values as integers (so `-0` is `0`), others as floats.
/// JSON has no non-finite numbers; AWS writes them as the strings JavaScript names them by.
pub(super) fn number_to_json(number: f64) -> Value {
    if !number.is_finite() {
        let name = if number.is_nan() {
            "NaN"
        } else if number > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        };
        return Value::String(name.to_string());
    }
    if number.fract() == 0.0 {
        if number.abs() < TWO_POW_63 {
            return Value::Number(Number::from(number as i64));
        }
        if number > 0.0 && number < TWO_POW_64 {
            return Value::Number(Number::from(number as u64));
        }
    }
    Number::from_f64(number).map_or(Value::Null, Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trip_keeps_key_order_and_types() {
        let value = json!({"z": 1, "a": [true, null, "s", 1.5, {"k": []}], "m": {"y": 2, "b": 3}});
        let back = to_json(&to_jvalue(&value)).expect("defined");
        assert_eq!(back, value);
        assert_eq!(
            serde_json::to_string(&back).expect("serialises"),
            r#"{"z":1,"a":[true,null,"s",1.5,{"k":[]}],"m":{"y":2,"b":3}}"#
        );
    }

    #[test]
    fn integral_floats_are_written_as_integers() {
        assert_eq!(number_to_json(3.0), json!(3));
        assert_eq!(serde_json::to_string(&number_to_json(-0.0)).unwrap(), "0");
        assert_eq!(number_to_json(1.1), json!(1.1));
        assert_eq!(number_to_json(-42.0), json!(-42));
        assert_eq!(
            number_to_json(9_007_199_254_740_993.0),
            json!(9_007_199_254_740_992_i64)
        );
        assert_eq!(number_to_json(1e19), json!(10_000_000_000_000_000_000_u64));
        assert_eq!(number_to_json(1e300), json!(1e300));
    }

    #[test]
    fn normalizing_writes_integral_floats_as_integers() {
        let value: Value = serde_json::from_str(r#"{"a": [1.0, 2.5, -0.0], "b": 3}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&normalized(&value)).unwrap(),
            r#"{"a":[1,2.5,0],"b":3}"#
        );
    }

    #[test]
    fn non_finite_numbers_are_named() {
        assert_eq!(number_to_json(f64::INFINITY), json!("Infinity"));
        assert_eq!(number_to_json(f64::NEG_INFINITY), json!("-Infinity"));
        assert_eq!(number_to_json(f64::NAN), json!("NaN"));
    }

    #[test]
    fn undefined_and_functions_are_dropped_inside_containers() {
        let object = object_of(
            [
                ("kept".to_string(), JValue::Number(1.0)),
                ("gone".to_string(), JValue::Undefined),
                ("function".to_string(), JValue::builtin("sum")),
            ]
            .into_iter(),
        );
        let value = JValue::array(vec![
            object,
            JValue::Undefined,
            JValue::regex("a", ""),
            JValue::Null,
        ]);
        assert_eq!(to_json(&value), Some(json!([{"kept": 1}, null])));
        assert_eq!(to_json(&JValue::Undefined), None);
        assert_eq!(to_json(&JValue::builtin("sum")), None);
    }

    #[test]
    fn partial_conversion_keeps_only_named_fields() {
        let analysis = super::super::analysis::Analysis::of(
            &jsonata_core::parser::parse("$v.a.b + $v.list.x").expect("parses"),
        );
        let value = json!({"a": {"b": 1, "c": 2}, "list": [{"x": 1, "y": 2}, 3], "big": [1, 2, 3]});
        let converted = to_json(&to_jvalue_for(&value, &analysis.variables["v"])).unwrap();
        assert_eq!(converted, json!({"a": {"b": 1}, "list": [{"x": 1}, 3]}));
    }
}
