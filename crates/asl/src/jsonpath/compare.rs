//! How a filter compares its operands, typed as Jayway's `ValueNode`s are.

use std::borrow::Cow;
use std::cmp::Ordering;

use serde_json::Number;

use super::parser::parse_number;
use super::{Operator, Pattern};
use crate::Value;

/// A filter operand's value, typed as Jayway's `ValueNode`s are.
pub(super) enum FilterValue<'a> {
    Undefined,
    Json(Cow<'a, Value>),
    Pattern(&'a Pattern),
}
pub(super) fn compare(left: &FilterValue<'_>, operator: Operator, right: &FilterValue<'_>) -> bool {
    match operator {
        Operator::Equal => values_equal(left, right),
        Operator::NotEqual => !values_equal(left, right),
        Operator::TypeSafeEqual => same_kind(left, right) && values_equal(left, right),
        Operator::TypeSafeNotEqual => !(same_kind(left, right) && values_equal(left, right)),
        Operator::Less => order(left, right).is_some_and(Ordering::is_lt),
        Operator::LessOrEqual => order(left, right).is_some_and(Ordering::is_le),
        Operator::Greater => order(left, right).is_some_and(Ordering::is_gt),
        Operator::GreaterOrEqual => order(left, right).is_some_and(Ordering::is_ge),
        Operator::Matches => matches_pattern(left, right),
        Operator::In => list_of(right).is_some_and(|list| contains(list, left)),
        Operator::NotIn => !list_of(right).is_some_and(|list| contains(list, left)),
        Operator::SubsetOf => match (list_of(left), list_of(right)) {
            (Some(left), Some(right)) => left.iter().all(|item| contains(right, &json(item))),
            _ => false,
        },
        Operator::AnyOf => match (list_of(left), list_of(right)) {
            (Some(left), Some(right)) => left.iter().any(|item| contains(right, &json(item))),
            _ => false,
        },
        Operator::NoneOf => match (list_of(left), list_of(right)) {
            (Some(left), Some(right)) => !left.iter().any(|item| contains(right, &json(item))),
            _ => false,
        },
        Operator::Size => {
            let expected = match right {
                FilterValue::Json(value) => match value.as_ref() {
                    Value::Number(number) => number_as_f64(number).trunc(),
                    _ => return false,
                },
                _ => return false,
            };
            let actual = match left {
                FilterValue::Json(value) => match value.as_ref() {
                    Value::String(text) => text.encode_utf16().count(),
                    Value::Array(items) => items.len(),
                    Value::Object(map) => map.len(),
                    _ => return false,
                },
                _ => return false,
            };
            actual as f64 == expected
        }
        Operator::Empty => {
            let expected = match right {
                FilterValue::Json(value) => match value.as_ref() {
                    Value::Bool(flag) => *flag,
                    _ => return false,
                },
                _ => return false,
            };
            match left {
                FilterValue::Json(value) => match value.as_ref() {
                    Value::String(text) => text.is_empty() == expected,
                    Value::Array(items) => items.is_empty() == expected,
                    Value::Object(map) => map.is_empty() == expected,
                    _ => false,
                },
                _ => false,
            }
        }
        Operator::Contains => match left {
            FilterValue::Json(value) => match (value.as_ref(), right) {
                (Value::String(text), FilterValue::Json(needle)) => match needle.as_ref() {
                    Value::String(needle) => text.contains(needle.as_str()),
                    _ => false,
                },
                (Value::Array(items), _) => {
                    items.iter().any(|item| values_equal(right, &json(item)))
                }
                _ => false,
            },
            _ => false,
        },
        Operator::All => match (left, list_of(right)) {
            (FilterValue::Json(value), Some(required)) => match value.as_ref() {
                Value::Array(items) => required.iter().all(|needed| contains(items, &json(needed))),
                // Jayway answers true when the left side is an object.
                Value::Object(_) => true,
                _ => false,
            },
            _ => false,
        },
    }
}

fn json(value: &Value) -> FilterValue<'_> {
    FilterValue::Json(Cow::Borrowed(value))
}

/// The elements of an array operand.
fn list_of<'v>(value: &'v FilterValue<'_>) -> Option<&'v Vec<Value>> {
    match value {
        FilterValue::Json(value) => value.as_array(),
        _ => None,
    }
}

/// Jayway's `ValueListNode.contains(needle)`: `needle.equals(element)` for some element.
fn contains(list: &[Value], needle: &FilterValue<'_>) -> bool {
    list.iter().any(|item| values_equal(needle, &json(item)))
}

/// Whether two operands are the same kind of `ValueNode` (for `===`).
fn same_kind(left: &FilterValue<'_>, right: &FilterValue<'_>) -> bool {
    fn kind(value: &FilterValue<'_>) -> u8 {
        match value {
            FilterValue::Undefined => 0,
            FilterValue::Pattern(_) => 1,
            FilterValue::Json(value) => match value.as_ref() {
                Value::Null => 2,
                Value::Bool(_) => 3,
                Value::Number(_) => 4,
                Value::String(_) => 5,
                Value::Array(_) | Value::Object(_) => 6,
            },
        }
    }
    kind(left) == kind(right)
}

/// Jayway's `left.equals(right)`: containers compare structurally, a number equals a string
/// holding the same number (and a string equals a number printed the same way), nothing equals
/// "undefined".
fn values_equal(left: &FilterValue<'_>, right: &FilterValue<'_>) -> bool {
    match (left, right) {
        (FilterValue::Json(left), FilterValue::Json(right)) => {
            match (left.as_ref(), right.as_ref()) {
                (Value::Number(a), Value::Number(b)) => {
                    compare_numbers(a, b) == Some(Ordering::Equal)
                }
                (Value::Number(a), Value::String(b)) => parse_decimal(b)
                    .is_some_and(|b| compare_numbers(a, &b) == Some(Ordering::Equal)),
                (Value::String(a), Value::Number(b)) => *a == java_number_string(b),
                (Value::String(a), Value::String(b)) => a == b,
                (Value::Bool(a), Value::Bool(b)) => a == b,
                (Value::Null, Value::Null) => true,
                (
                    a @ (Value::Array(_) | Value::Object(_)),
                    b @ (Value::Array(_) | Value::Object(_)),
                ) => a == b,
                _ => false,
            }
        }
        (FilterValue::Pattern(a), FilterValue::Pattern(b)) => a.text == b.text,
        _ => false,
    }
}

/// `<`, `<=`, `>`, `>=`: numbers numerically, strings by UTF-16 code units (Java's
/// `compareTo`), a string against a number by the number's text; anything else is unordered.
fn order(left: &FilterValue<'_>, right: &FilterValue<'_>) -> Option<Ordering> {
    let (FilterValue::Json(left), FilterValue::Json(right)) = (left, right) else {
        return None;
    };
    match (left.as_ref(), right.as_ref()) {
        (Value::Number(a), Value::Number(b)) => compare_numbers(a, b),
        (Value::String(a), Value::String(b)) => Some(compare_utf16(a, b)),
        (Value::String(a), Value::Number(b)) => Some(compare_utf16(a, &java_number_string(b))),
        (Value::Number(a), Value::String(b)) => Some(compare_utf16(&java_number_string(a), b)),
        _ => None,
    }
}

fn compare_utf16(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// `=~`: exactly one side must be a pattern; the other is matched as text (numbers and booleans
/// by their text, anything else as the empty string), or element by element when it is an array.
fn matches_pattern(left: &FilterValue<'_>, right: &FilterValue<'_>) -> bool {
    let (pattern, subject) = match (left, right) {
        (FilterValue::Pattern(_), FilterValue::Pattern(_)) => return false,
        (FilterValue::Pattern(pattern), subject) | (subject, FilterValue::Pattern(pattern)) => {
            (pattern, subject)
        }
        _ => return false,
    };
    match subject {
        FilterValue::Json(value) => match value.as_ref() {
            Value::Array(items) => items
                .iter()
                .any(|item| pattern.regex.is_match(&pattern_input(item))),
            other => pattern.regex.is_match(&pattern_input(other)),
        },
        _ => pattern.regex.is_match(""),
    }
}

fn pattern_input(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Number(number) => java_number_string(number),
        Value::Bool(flag) => flag.to_string(),
        _ => String::new(),
    }
}

fn number_as_f64(number: &Number) -> f64 {
    number.as_f64().unwrap_or(f64::NAN)
}

fn compare_numbers(a: &Number, b: &Number) -> Option<Ordering> {
    if let (Some(a), Some(b)) = (a.as_i64(), b.as_i64()) {
        return Some(a.cmp(&b));
    }
    if let (Some(a), Some(b)) = (a.as_u64(), b.as_u64()) {
        return Some(a.cmp(&b));
    }
    number_as_f64(a).partial_cmp(&number_as_f64(b))
}

/// A string read as Java's `new BigDecimal(text)` would, or `None` when it is not a number.
pub(super) fn parse_decimal(text: &str) -> Option<Number> {
    let valid = {
        let body = text.strip_prefix(['-', '+']).unwrap_or(text);
        let (mantissa, exponent) = match body.find(['e', 'E']) {
            Some(at) => (&body[..at], Some(&body[at + 1..])),
            None => (body, None),
        };
        let mut parts = mantissa.splitn(2, '.');
        let whole = parts.next().unwrap_or_default();
        let fraction = parts.next().unwrap_or_default();
        let digits_ok = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        !(whole.is_empty() && fraction.is_empty())
            && digits_ok(whole)
            && digits_ok(fraction)
            && exponent.is_none_or(|e| {
                let e = e.strip_prefix(['-', '+']).unwrap_or(e);
                !e.is_empty() && digits_ok(e)
            })
    };
    if valid {
        parse_number(text)
    } else {
        None
    }
}

/// A number as Java prints it after Jayway turned it into a `BigDecimal` (close enough: integers
/// as written, doubles with Java's `Double.toString` layout for the common range).
pub(super) fn java_number_string(number: &Number) -> String {
    if number.is_i64() || number.is_u64() {
        return number.to_string();
    }
    let value = number_as_f64(number);
    if value.fract() == 0.0 && value.abs() < 1e7 {
        format!("{value:.1}")
    } else {
        number.to_string()
    }
}
