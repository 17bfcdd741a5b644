//! JSON text in and out (`States.StringToJson`, `States.JsonToString`), Java's "natural" strings
//! and `States.JsonMerge`.

use std::fmt::Write as _;

use serde_json::{Map, Number};

use super::InvalidArgument;
use crate::Value;

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
    write_text(out, value, &JSON_TEXT);
}

/// How [`write_text`] spells the parts that JSON text and Java's natural strings write
/// differently; scalars and the brackets are the same in both.
struct TextStyle {
    separator: &'static str,
    key_value: char,
    string: fn(&mut String, &str),
}

const JSON_TEXT: TextStyle = TextStyle {
    separator: ",",
    key_value: ':',
    string: write_json_string,
};

const NATURAL_TEXT: TextStyle = TextStyle {
    separator: ", ",
    key_value: '=',
    string: String::push_str,
};

fn write_text(out: &mut String, value: &Value, style: &TextStyle) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        Value::Number(number) => write_number(out, number),
        Value::String(text) => (style.string)(out, text),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push_str(style.separator);
                }
                write_text(out, item, style);
            }
            out.push(']');
        }
        Value::Object(fields) => {
            out.push('{');
            for (index, (key, field)) in fields.iter().enumerate() {
                if index > 0 {
                    out.push_str(style.separator);
                }
                (style.string)(out, key);
                out.push(style.key_value);
                write_text(out, field, style);
            }
            out.push('}');
        }
    }
}

/// A JSON string literal, escaped as Jackson escapes it.
pub(super) fn write_json_string(out: &mut String, text: &str) {
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
    write_text(out, value, &NATURAL_TEXT);
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
