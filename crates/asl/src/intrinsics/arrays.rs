//! `States.Array*`: partitions, ranges, membership and de-duplication.

use std::collections::HashSet;
use std::fmt::Write as _;

use super::json::{natural_string, write_json_string, write_natural_string};
use super::{InvalidArgument, MAX_RANGE_ITEMS};
use crate::Value;

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
pub(super) fn array_get_item(items: &[Value], index: i64) -> Option<Value> {
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
