//! Values by shape: the JSON the caller gives and gets, and what each protocol puts on the wire.

use base64::Engine as _;
use serde_json::{Map, Value};

use crate::models::{Member, ServiceModel, Shape};
use crate::xml::{self, Node};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// The name a result member is shown under.
pub(super) fn out_name(member: &Member, pascal: bool) -> String {
    if !pascal {
        return member.name.to_string();
    }
    let mut c = member.name.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

/// The members of a structure value, each matched to its member of the model; an unknown one
/// is refused as the SDKs refuse it.
pub(super) fn members_of<'m>(
    model: &'m ServiceModel,
    shape: Shape<'m>,
    value: &'m Value,
) -> Result<Vec<(Member<'m>, &'m Value)>, String> {
    let Some(object) = value.as_object() else {
        if value.is_null() {
            return Ok(Vec::new());
        }
        return Err(format!(
            "Invalid type for parameter {}, value: {value}, valid types: <class 'dict'>",
            shape.name
        ));
    };
    object
        .iter()
        .map(|(key, v)| match model.member(shape, key) {
            Some(m) => Ok((m, v)),
            None => Err(format!(
                "Unknown parameter in input: \"{key}\", must be one of: {}",
                model
                    .members(shape)
                    .map(|m| m.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        })
        .collect()
}

/// The bytes of a blob value: a string's own, any other value's JSON text.
pub(super) fn blob_bytes(value: &Value) -> Vec<u8> {
    match value {
        Value::String(s) => s.clone().into_bytes(),
        other => other.to_string().into_bytes(),
    }
}

/// A blob read back: its text (bytes that are not UTF-8 are replaced).
pub(super) fn blob_text(bytes: &[u8]) -> Value {
    Value::String(String::from_utf8_lossy(bytes).into_owned())
}

/// Epoch seconds of a timestamp given as ISO 8601 text (or already a number).
fn epoch_seconds(value: &Value) -> Value {
    if let Some(text) = value.as_str() {
        if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
            let ms = t.timestamp_millis();
            return if ms % 1000 == 0 {
                Value::from(ms / 1000)
            } else {
                serde_json::Number::from_f64(ms as f64 / 1000.0)
                    .map(Value::Number)
                    .unwrap_or(Value::Null)
            };
        }
    }
    value.clone()
}

/// ISO 8601 text of a timestamp given as epoch seconds (or already text).
pub(super) fn iso_text(value: &Value) -> String {
    match value {
        Value::Number(n) => {
            let ms = (n.as_f64().unwrap_or(0.0) * 1000.0) as i64;
            chrono::DateTime::from_timestamp_millis(ms)
                .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
                .unwrap_or_default()
        }
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A scalar as query-string or header text.
pub(super) fn scalar_text(shape: Shape, value: &Value) -> String {
    match (shape.kind(), value) {
        ("timestamp", v) => iso_text(v),
        ("blob", v) => B64.encode(blob_bytes(v)),
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}

/// A value as the JSON protocols send it.
pub(super) fn to_json(model: &ServiceModel, shape: Shape, value: &Value) -> Result<Value, String> {
    Ok(match shape.kind() {
        "structure" => {
            let mut out = Map::new();
            for (m, v) in members_of(model, shape, value)? {
                // A member given as null is not sent, as the SDKs leave out unset members.
                if !v.is_null() {
                    out.insert(m.wire_name().to_string(), to_json(model, m.shape, v)?);
                }
            }
            Value::Object(out)
        }
        "list" => match value {
            Value::Array(items) => {
                let inner = model.inner(shape, "member").shape;
                Value::Array(
                    items
                        .iter()
                        .map(|v| to_json(model, inner, v))
                        .collect::<Result<_, _>>()?,
                )
            }
            other => other.clone(),
        },
        "map" => match value {
            Value::Object(entries) => {
                let inner = model.inner(shape, "value").shape;
                let mut out = Map::new();
                for (k, v) in entries {
                    out.insert(k.clone(), to_json(model, inner, v)?);
                }
                Value::Object(out)
            }
            other => other.clone(),
        },
        "blob" => Value::String(B64.encode(blob_bytes(value))),
        "timestamp" => epoch_seconds(value),
        _ => value.clone(),
    })
}

/// A value the JSON protocols answered, keyed by member names.
pub(super) fn from_json(model: &ServiceModel, shape: Shape, value: &Value, pascal: bool) -> Value {
    match (shape.kind(), value) {
        ("structure", Value::Object(fields)) => {
            let mut out = Map::new();
            for m in model.members(shape) {
                if m.location().is_some() {
                    continue;
                }
                if let Some(v) = fields.get(m.wire_name()) {
                    out.insert(out_name(&m, pascal), from_json(model, m.shape, v, pascal));
                }
            }
            Value::Object(out)
        }
        ("list", Value::Array(items)) => {
            let inner = model.inner(shape, "member").shape;
            Value::Array(
                items
                    .iter()
                    .map(|v| from_json(model, inner, v, pascal))
                    .collect(),
            )
        }
        ("map", Value::Object(entries)) => {
            let inner = model.inner(shape, "value").shape;
            Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), from_json(model, inner, v, pascal)))
                    .collect(),
            )
        }
        ("blob", Value::String(s)) => match B64.decode(s) {
            Ok(bytes) => blob_text(&bytes),
            Err(_) => value.clone(),
        },
        ("timestamp", v) if pascal => Value::String(iso_timestamp(v)),
        _ => value.clone(),
    }
}

/// A timestamp (epoch seconds, ISO 8601 or HTTP-date) as ISO 8601 text, as the AWS SDK for
/// Java 2 shows it (`2024-05-01T10:00:00Z`, milliseconds only when there are some).
pub(super) fn iso_timestamp(value: &Value) -> String {
    let parsed = match value {
        Value::Number(n) => chrono::DateTime::from_timestamp_millis(
            (n.as_f64().unwrap_or(0.0) * 1000.0).round() as i64,
        ),
        Value::String(s) => chrono::DateTime::parse_from_rfc3339(s)
            .or_else(|_| chrono::DateTime::parse_from_rfc2822(s))
            .ok()
            .map(|t| t.with_timezone(&chrono::Utc)),
        _ => None,
    };
    match parsed {
        Some(t) => t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        None => match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        },
    }
}

/// A scalar read from XML or header text, by its shape's type.
pub(super) fn scalar_from_text(shape: Shape, text: &str, pascal: bool) -> Value {
    match shape.kind() {
        "timestamp" if pascal => Value::String(iso_timestamp(&Value::String(text.to_string()))),
        "integer" | "long" | "short" | "byte" => text
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::String(text.to_string())),
        "float" | "double" => text
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .unwrap_or_else(|| Value::String(text.to_string())),
        "boolean" => Value::Bool(text.trim() == "true"),
        "blob" => match B64.decode(text.trim()) {
            Ok(bytes) => blob_text(&bytes),
            Err(_) => Value::String(text.to_string()),
        },
        _ => Value::String(text.to_string()),
    }
}

/// A value the XML protocols answered, keyed by member names.
pub(super) fn from_xml(model: &ServiceModel, shape: Shape, node: &Node, pascal: bool) -> Value {
    match shape.kind() {
        "structure" => {
            let mut out = Map::new();
            for m in model.members(shape) {
                if m.location().is_some() {
                    continue;
                }
                let name = m.wire_name();
                let flattened = m.flag("flattened") || m.shape.flag("flattened");
                let value = if flattened && matches!(m.shape.kind(), "list" | "map") {
                    let nodes: Vec<&Node> = node.children_named(name).collect();
                    if nodes.is_empty() {
                        continue;
                    }
                    flattened_from_xml(model, m.shape, &nodes, pascal)
                } else {
                    match node.child(name) {
                        Some(child) => from_xml(model, m.shape, child, pascal),
                        None => continue,
                    }
                };
                out.insert(out_name(&m, pascal), value);
            }
            Value::Object(out)
        }
        "list" => {
            let inner = model.inner(shape, "member");
            let name = inner.trait_str("locationName").unwrap_or("member");
            Value::Array(
                node.children_named(name)
                    .map(|c| from_xml(model, inner.shape, c, pascal))
                    .collect(),
            )
        }
        "map" => {
            let entries: Vec<&Node> = node.children_named("entry").collect();
            map_from_xml(model, shape, &entries, pascal)
        }
        _ => scalar_from_text(shape, &node.text, pascal),
    }
}

fn flattened_from_xml(model: &ServiceModel, shape: Shape, nodes: &[&Node], pascal: bool) -> Value {
    if shape.kind() == "map" {
        return map_from_xml(model, shape, nodes, pascal);
    }
    let inner = model.inner(shape, "member").shape;
    Value::Array(
        nodes
            .iter()
            .map(|n| from_xml(model, inner, n, pascal))
            .collect(),
    )
}

fn map_from_xml(model: &ServiceModel, shape: Shape, entries: &[&Node], pascal: bool) -> Value {
    let key = model.inner(shape, "key");
    let value = model.inner(shape, "value");
    let key_name = key.trait_str("locationName").unwrap_or("key");
    let value_name = value.trait_str("locationName").unwrap_or("value");
    let mut out = Map::new();
    for e in entries {
        let k = e
            .child(key_name)
            .map(|n| n.text.clone())
            .unwrap_or_default();
        let v = e
            .child(value_name)
            .map(|n| from_xml(model, value.shape, n, pascal))
            .unwrap_or(Value::Null);
        out.insert(k, v);
    }
    Value::Object(out)
}

/// A value as an XML element of this name (REST-XML bodies).
pub(super) fn to_xml(
    model: &ServiceModel,
    shape: Shape,
    name: &str,
    value: &Value,
    out: &mut String,
) -> Result<(), String> {
    match shape.kind() {
        "structure" => {
            out.push_str(&format!("<{name}>"));
            for (m, v) in members_of(model, shape, value)? {
                if v.is_null() {
                    continue;
                }
                let flattened = m.flag("flattened") || m.shape.flag("flattened");
                if flattened && m.shape.kind() == "list" {
                    let inner = model.inner(m.shape, "member").shape;
                    for item in v.as_array().into_iter().flatten() {
                        to_xml(model, inner, m.wire_name(), item, out)?;
                    }
                } else {
                    to_xml(model, m.shape, m.wire_name(), v, out)?;
                }
            }
            out.push_str(&format!("</{name}>"));
        }
        "list" => {
            let inner = model.inner(shape, "member");
            let item_name = inner.trait_str("locationName").unwrap_or("member");
            out.push_str(&format!("<{name}>"));
            for item in value.as_array().into_iter().flatten() {
                to_xml(model, inner.shape, item_name, item, out)?;
            }
            out.push_str(&format!("</{name}>"));
        }
        _ => {
            let text = scalar_text(shape, value);
            out.push_str(&format!("<{name}>{}</{name}>", xml::escape(&text)));
        }
    }
    Ok(())
}

/// A value as the query protocol's form fields under `prefix`.
pub(super) fn to_query(
    model: &ServiceModel,
    shape: Shape,
    prefix: &str,
    value: &Value,
    flattened: bool,
    out: &mut Vec<(String, String)>,
) -> Result<(), String> {
    let join = |name: &str| {
        if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}.{name}")
        }
    };
    match shape.kind() {
        "structure" => {
            for (m, v) in members_of(model, shape, value)? {
                if v.is_null() {
                    continue;
                }
                let flat = m.flag("flattened") || m.shape.flag("flattened");
                to_query(model, m.shape, &join(m.wire_name()), v, flat, out)?;
            }
        }
        "list" => {
            let inner = model.inner(shape, "member");
            let items = value.as_array().map(Vec::as_slice).unwrap_or_default();
            if items.is_empty() {
                out.push((prefix.to_string(), String::new()));
            }
            for (i, item) in items.iter().enumerate() {
                let key = if flattened {
                    format!("{prefix}.{}", i + 1)
                } else {
                    let item_name = inner.trait_str("locationName").unwrap_or("member");
                    format!("{prefix}.{item_name}.{}", i + 1)
                };
                to_query(model, inner.shape, &key, item, false, out)?;
            }
        }
        "map" => {
            let key = model.inner(shape, "key");
            let val = model.inner(shape, "value");
            let key_name = key.trait_str("locationName").unwrap_or("key");
            let value_name = val.trait_str("locationName").unwrap_or("value");
            for (i, (k, v)) in value.as_object().into_iter().flatten().enumerate() {
                let entry = if flattened {
                    format!("{prefix}.{}", i + 1)
                } else {
                    format!("{prefix}.entry.{}", i + 1)
                };
                out.push((format!("{entry}.{key_name}"), k.clone()));
                to_query(
                    model,
                    val.shape,
                    &format!("{entry}.{value_name}"),
                    v,
                    false,
                    out,
                )?;
            }
        }
        _ => out.push((prefix.to_string(), scalar_text(shape, value))),
    }
    Ok(())
}
