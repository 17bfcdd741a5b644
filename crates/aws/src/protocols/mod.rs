//! The wire protocols: a call's parameters into an HTTP request, the answer back into a result
//! or an error code, as the service's model says (`json`, `rest-json`, `query`, `rest-xml`).

mod values;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{Map, Value};

use crate::header;
use crate::models::{Operation, ServiceModel, Shape};
use crate::xml;
use values::{
    blob_bytes, blob_text, from_json, from_xml, members_of, out_name, scalar_from_text,
    scalar_text, to_json, to_query, to_xml,
};

/// A request ready to sign and send.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HttpRequest {
    pub method: String,
    /// Path and query, from the first `/`.
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// RFC 3986's unreserved characters stay as they are; everything else is percent-encoded.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');
const UNRESERVED_AND_SLASH: &AsciiSet = &UNRESERVED.remove(b'/');

fn encode(text: &str, greedy: bool) -> String {
    let set = if greedy {
        UNRESERVED_AND_SLASH
    } else {
        UNRESERVED
    };
    utf8_percent_encode(text, set).to_string()
}

pub(crate) fn build(
    model: &ServiceModel,
    op: Operation,
    input: &Value,
) -> Result<HttpRequest, String> {
    let shape = model.input(op);
    match model.protocol() {
        "json" => {
            let body = match shape {
                Some(s) => to_json(model, s, input)?,
                None => Value::Object(Map::new()),
            };
            let target = match model.target_prefix() {
                Some(prefix) => format!("{prefix}.{}", op.name),
                None => op.name.to_string(),
            };
            Ok(HttpRequest {
                method: "POST".into(),
                path: "/".into(),
                headers: vec![
                    (
                        "Content-Type".into(),
                        format!("application/x-amz-json-{}", model.json_version()),
                    ),
                    ("X-Amz-Target".into(), target),
                ],
                body: body.to_string().into_bytes(),
            })
        }
        "query" | "ec2" => {
            let mut fields = vec![
                ("Action".to_string(), op.name.to_string()),
                ("Version".to_string(), model.api_version().to_string()),
            ];
            if let Some(s) = shape {
                to_query(model, s, "", input, false, &mut fields)?;
            }
            let body = fields
                .iter()
                .map(|(k, v)| format!("{}={}", encode(k, false), encode(v, false)))
                .collect::<Vec<_>>()
                .join("&");
            Ok(HttpRequest {
                method: "POST".into(),
                path: "/".into(),
                headers: vec![(
                    "Content-Type".into(),
                    "application/x-www-form-urlencoded; charset=utf-8".into(),
                )],
                body: body.into_bytes(),
            })
        }
        "rest-json" | "rest-xml" => rest_request(model, op, shape, input),
        other => Err(format!("the {other} protocol is not supported")),
    }
}

fn rest_request(
    model: &ServiceModel,
    op: Operation,
    shape: Option<Shape>,
    input: &Value,
) -> Result<HttpRequest, String> {
    let xml_body = model.protocol() == "rest-xml";
    let template = op.request_uri();
    let (path_template, literal_query) = match template.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (template, None),
    };
    let mut path = path_template.to_string();
    let mut query: Vec<(String, Option<String>)> = literal_query
        .into_iter()
        .flat_map(|q| q.split('&'))
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(v.to_string())),
            None => (p.to_string(), None),
        })
        .collect();
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut body_members = Map::new();
    let mut body = Vec::new();
    let payload_name = shape.and_then(|s| s.trait_str("payload"));
    let given = match shape {
        Some(s) => members_of(model, s, input)?,
        None => Vec::new(),
    };
    for (m, v) in given {
        if v.is_null() {
            continue;
        }
        match m.location() {
            Some("uri") => {
                let name = m.wire_name();
                let text = scalar_text(m.shape, v);
                path = path
                    .replace(&format!("{{{name}+}}"), &encode(&text, true))
                    .replace(&format!("{{{name}}}"), &encode(&text, false));
            }
            Some("querystring") => match v {
                Value::Array(items) => {
                    let inner = model.inner(m.shape, "member").shape;
                    for item in items {
                        query.push((m.wire_name().into(), Some(scalar_text(inner, item))));
                    }
                }
                Value::Object(entries) if m.shape.kind() == "map" => {
                    for (k, item) in entries {
                        query.push((k.clone(), Some(scalar_text(m.shape, item))));
                    }
                }
                other => query.push((m.wire_name().into(), Some(scalar_text(m.shape, other)))),
            },
            Some("header") => {
                let text = match (m.shape.kind(), v) {
                    ("list", Value::Array(items)) => items
                        .iter()
                        .map(|i| scalar_text(model.inner(m.shape, "member").shape, i))
                        .collect::<Vec<_>>()
                        .join(","),
                    ("timestamp", v) => http_date(v),
                    ("string", v) if m.shape.flag("jsonvalue") || m.flag("jsonvalue") => {
                        use base64::Engine as _;
                        base64::engine::general_purpose::STANDARD.encode(v.to_string())
                    }
                    (_, v) => scalar_text(m.shape, v),
                };
                headers.push((m.wire_name().into(), text));
            }
            Some("headers") => {
                let prefix = m.wire_name();
                for (k, item) in v.as_object().into_iter().flatten() {
                    headers.push((format!("{prefix}{k}"), scalar_text(m.shape, item)));
                }
            }
            _ if payload_name == Some(m.name) => match m.shape.kind() {
                "blob" | "string" => body = blob_bytes(v),
                _ if xml_body => {
                    let mut out = String::new();
                    let root = m
                        .trait_str("locationName")
                        .or(m.shape.trait_str("locationName"))
                        .unwrap_or(m.name);
                    to_xml(model, m.shape, root, v, &mut out)?;
                    body = with_namespace(&out, root, m.traits).into_bytes();
                    headers.push(("Content-Type".into(), "application/xml".into()));
                }
                _ => {
                    body = to_json(model, m.shape, v)?.to_string().into_bytes();
                    headers.push(("Content-Type".into(), "application/json".into()));
                }
            },
            _ => {
                body_members.insert(m.name.to_string(), v.clone());
            }
        }
    }
    if payload_name.is_none() {
        if let Some(s) = shape {
            let has_body_members = model.members(s).any(|m| m.location().is_none());
            if has_body_members && !xml_body {
                body = to_json(model, s, &Value::Object(body_members))?
                    .to_string()
                    .into_bytes();
                headers.push(("Content-Type".into(), "application/json".into()));
            } else if !body_members.is_empty() {
                let root = s.trait_str("locationName").unwrap_or(s.name);
                let mut out = String::new();
                to_xml(model, s, root, &Value::Object(body_members), &mut out)?;
                body = out.into_bytes();
            }
        }
    }
    if path.contains('{') {
        return Err(format!(
            "Missing required parameter in the request path of {}: {path}",
            op.name
        ));
    }
    if !query.is_empty() {
        let q = query
            .iter()
            .map(|(k, v)| match v {
                Some(v) => format!("{}={}", encode(k, false), encode(v, false)),
                None => encode(k, false),
            })
            .collect::<Vec<_>>()
            .join("&");
        path = format!("{path}?{q}");
    }
    Ok(HttpRequest {
        method: op.http_method().into(),
        path,
        headers,
        body,
    })
}

fn with_namespace(xml_text: &str, root: &str, traits: &Value) -> String {
    match traits.pointer("/xmlNamespace/uri").and_then(Value::as_str) {
        Some(ns) => xml_text.replacen(&format!("<{root}>"), &format!("<{root} xmlns=\"{ns}\">"), 1),
        None => xml_text.to_string(),
    }
}

/// A timestamp as an HTTP date (`Tue, 29 Apr 2014 18:30:38 GMT`).
fn http_date(value: &Value) -> String {
    let iso = values::iso_text(value);
    chrono::DateTime::parse_from_rfc3339(&iso)
        .map(|t| t.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
        .unwrap_or(iso)
}

/// A CRC32 checksum of the body (`x-amz-checksum-crc32`, with `x-amz-sdk-checksum-algorithm`)
/// for an operation that takes one, unless the caller chose an algorithm or gave a checksum.
pub(crate) fn add_checksum(op: Operation, input: &Value, request: &mut HttpRequest) {
    let Some(trait_) = op.def.get("httpChecksum") else {
        return;
    };
    let algorithm_member = trait_.get("requestAlgorithmMember").and_then(Value::as_str);
    let required = trait_
        .get("requestChecksumRequired")
        .and_then(Value::as_bool)
        == Some(true);
    if algorithm_member.is_none() && !required {
        return;
    }
    let given = request.headers.iter().any(|(k, _)| {
        let k = k.to_ascii_lowercase();
        k.starts_with("x-amz-checksum-") || k == "x-amz-sdk-checksum-algorithm"
    });
    let chosen = algorithm_member.is_some_and(|m| input.get(m).is_some());
    if given || chosen {
        return;
    }
    use base64::Engine as _;
    let crc = crc32fast::hash(&request.body).to_be_bytes();
    request.headers.push((
        "x-amz-checksum-crc32".into(),
        base64::engine::general_purpose::STANDARD.encode(crc),
    ));
    if algorithm_member.is_some() {
        request
            .headers
            .push(("x-amz-sdk-checksum-algorithm".into(), "CRC32".into()));
    }
}

/// A successful answer read into the operation's result; with the request id the body named.
pub(crate) fn parse(
    model: &ServiceModel,
    op: Operation,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
    pascal: bool,
) -> (Value, Option<String>) {
    let Some(shape) = model.output(op) else {
        return (Value::Object(Map::new()), None);
    };
    match model.protocol() {
        "json" => {
            let parsed: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
            (from_json(model, shape, &parsed, pascal), None)
        }
        "query" | "ec2" => {
            let Some(root) = xml::parse(body) else {
                return (Value::Object(Map::new()), None);
            };
            let request_id = root.find("RequestId").map(|n| n.text.clone());
            let result = match op.result_wrapper() {
                Some(wrapper) => root.child(wrapper),
                None => Some(&root),
            };
            let value = match result {
                Some(node) => from_xml(model, shape, node, pascal),
                None => Value::Object(Map::new()),
            };
            (value, request_id)
        }
        _ => (
            rest_response(model, shape, status, headers, body, pascal),
            None,
        ),
    }
}

fn rest_response(
    model: &ServiceModel,
    shape: Shape,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
    pascal: bool,
) -> Value {
    let xml_body = model.protocol() == "rest-xml";
    let payload_name = shape.trait_str("payload");
    let mut out = match payload_name {
        Some(_) => Map::new(),
        None if body.is_empty() => Map::new(),
        None if xml_body => match xml::parse(body) {
            Some(root) => match from_xml(model, shape, &root, pascal) {
                Value::Object(m) => m,
                _ => Map::new(),
            },
            None => Map::new(),
        },
        None => {
            let parsed: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
            match from_json(model, shape, &parsed, pascal) {
                Value::Object(m) => m,
                _ => Map::new(),
            }
        }
    };
    for m in model.members(shape) {
        let key = out_name(&m, pascal);
        match m.location() {
            Some("statusCode") => {
                out.insert(key, Value::from(status));
            }
            Some("header") => {
                if let Some(text) = header(headers, m.wire_name()) {
                    let value = match m.shape.kind() {
                        "list" => Value::Array(
                            text.split(',')
                                .map(|p| {
                                    scalar_from_text(
                                        model.inner(m.shape, "member").shape,
                                        p.trim(),
                                        pascal,
                                    )
                                })
                                .collect(),
                        ),
                        "string" if m.shape.flag("jsonvalue") || m.flag("jsonvalue") => {
                            use base64::Engine as _;
                            base64::engine::general_purpose::STANDARD
                                .decode(text)
                                .ok()
                                .and_then(|b| serde_json::from_slice(&b).ok())
                                .unwrap_or_else(|| Value::String(text.to_string()))
                        }
                        _ => scalar_from_text(m.shape, text, pascal),
                    };
                    out.insert(key, value);
                }
            }
            Some("headers") => {
                let prefix = m.wire_name().to_ascii_lowercase();
                let found: Map<String, Value> = headers
                    .iter()
                    .filter_map(|(k, v)| {
                        let lower = k.to_ascii_lowercase();
                        lower
                            .strip_prefix(&prefix)
                            .map(|rest| (rest.to_string(), Value::String(v.clone())))
                    })
                    .collect();
                // The SDK for Java 2 (whose names `pascal` gives) shows an empty map.
                if !found.is_empty() || pascal {
                    out.insert(key, Value::Object(found));
                }
            }
            _ if payload_name == Some(m.name) => {
                let value = match m.shape.kind() {
                    "blob" | "string" => blob_text(body),
                    _ if body.is_empty() => continue,
                    _ if xml_body => match xml::parse(body) {
                        Some(root) => from_xml(model, m.shape, &root, pascal),
                        None => continue,
                    },
                    _ => {
                        let parsed: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
                        from_json(model, m.shape, &parsed, pascal)
                    }
                };
                out.insert(key, value);
            }
            _ => {}
        }
    }
    Value::Object(out)
}

/// An error answer's code, message and request id, as the protocol carries them.
pub(crate) fn error(
    model: &ServiceModel,
    headers: &[(String, String)],
    body: &[u8],
) -> (Option<String>, Option<String>, Option<String>) {
    let from_header =
        header(headers, "x-amzn-ErrorType").map(|t| t.split(':').next().unwrap_or(t).to_string());
    match model.protocol() {
        "json" | "rest-json" => {
            let parsed: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
            let text = |k: &str| parsed.get(k).and_then(Value::as_str).map(str::to_string);
            let code = from_header
                .or_else(|| text("__type"))
                .or_else(|| text("code"))
                .or_else(|| text("Code"))
                .map(|c| {
                    let c = c.rsplit('#').next().unwrap_or(&c).to_string();
                    c.split(':').next().unwrap_or(&c).to_string()
                });
            let message = text("message")
                .or_else(|| text("Message"))
                .or_else(|| text("errorMessage"));
            (code, message, None)
        }
        _ => {
            let Some(root) = xml::parse(body) else {
                return (from_header, None, None);
            };
            let text = |k: &str| root.find(k).map(|n| n.text.clone());
            (
                text("Code").or(from_header),
                text("Message"),
                text("RequestId"),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::service;
    use serde_json::json;

    #[test]
    fn rest_json_puts_labels_headers_and_the_payload_where_the_model_says() {
        let lambda = service("lambda").unwrap();
        let op = lambda.operation("Invoke").unwrap();
        let req = build(
            &lambda,
            op,
            &json!({"FunctionName": "arn:aws:lambda:us-east-1:1:function:f", "Qualifier": "v1",
                    "InvocationType": "Event", "Payload": "{\"a\":1}"}),
        )
        .unwrap();
        assert_eq!(req.method, "POST");
        assert_eq!(
            req.path,
            "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A1%3Afunction%3Af/invocations?Qualifier=v1"
        );
        assert!(req
            .headers
            .contains(&("X-Amz-Invocation-Type".into(), "Event".into())));
        assert_eq!(req.body, b"{\"a\":1}");
        let headers = vec![
            ("X-Amz-Executed-Version".to_string(), "$LATEST".to_string()),
            ("X-Amz-Function-Error".to_string(), "Unhandled".to_string()),
        ];
        let (out, _) = parse(&lambda, op, 200, &headers, b"[1]", false);
        assert_eq!(
            out,
            json!({"StatusCode": 200, "FunctionError": "Unhandled", "ExecutedVersion": "$LATEST", "Payload": "[1]"})
        );
        assert!(build(&lambda, op, &json!({"Nope": 1})).is_err());
        assert!(build(&lambda, op, &json!({"Payload": "x"})).is_err());
    }

    #[test]
    fn json_names_the_target_and_reads_errors() {
        let ddb = service("dynamodb").unwrap();
        let op = ddb.operation("getItem").unwrap();
        let req = build(
            &ddb,
            op,
            &json!({"TableName": "t", "Key": {"id": {"S": "1"}}}),
        )
        .unwrap();
        assert!(req
            .headers
            .contains(&("X-Amz-Target".into(), "DynamoDB_20120810.GetItem".into())));
        let (code, message, _) = error(
            &ddb,
            &[],
            br#"{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"gone"}"#,
        );
        assert_eq!(code.as_deref(), Some("ResourceNotFoundException"));
        assert_eq!(message.as_deref(), Some("gone"));
    }

    #[test]
    fn query_flattens_parameters_and_reads_the_result_element() {
        let sns = service("sns").unwrap();
        let op = sns.operation("Publish").unwrap();
        let req = build(
            &sns,
            op,
            &json!({"TopicArn": "arn:t", "Message": "hi there",
                    "MessageAttributes": {"a": {"DataType": "String", "StringValue": "v"}}}),
        )
        .unwrap();
        let body = String::from_utf8(req.body).unwrap();
        assert!(body
            .starts_with("Action=Publish&Version=2010-03-31&TopicArn=arn%3At&Message=hi%20there"));
        assert!(body.contains("MessageAttributes.entry.1.Name=a"));
        assert!(body.contains("MessageAttributes.entry.1.Value.DataType=String"));
        let (out, id) = parse(
            &sns,
            op,
            200,
            &[],
            b"<PublishResponse><PublishResult><MessageId>m</MessageId></PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>",
            false,
        );
        assert_eq!(out, json!({"MessageId": "m"}));
        assert_eq!(id.as_deref(), Some("r"));
        let (code, message, id) = error(
            &sns,
            &[],
            b"<ErrorResponse><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>x</RequestId></ErrorResponse>",
        );
        assert_eq!(
            (code.as_deref(), message.as_deref(), id.as_deref()),
            (Some("NotFound"), Some("Topic does not exist"), Some("x"))
        );
    }

    #[test]
    fn rest_xml_reads_headers_and_a_streaming_body() {
        let s3 = service("s3").unwrap();
        let op = s3.operation("getObject").unwrap();
        let req = build(&s3, op, &json!({"Bucket": "b", "Key": "a/b c.txt"})).unwrap();
        assert_eq!(
            (req.method.as_str(), req.path.as_str()),
            ("GET", "/b/a/b%20c.txt")
        );
        let headers = vec![
            ("Content-Length".to_string(), "5".to_string()),
            ("ETag".to_string(), "\"e\"".to_string()),
        ];
        let mut put = build(
            &s3,
            s3.operation("PutObject").unwrap(),
            &json!({"Bucket": "b", "Key": "k", "Body": "hello"}),
        )
        .unwrap();
        add_checksum(s3.operation("PutObject").unwrap(), &json!({}), &mut put);
        assert!(put
            .headers
            .contains(&("x-amz-checksum-crc32".into(), "NhCmhg==".into())));
        let (out, _) = parse(&s3, op, 200, &headers, b"hello", true);
        assert_eq!(out["Body"], json!("hello"));
        assert_eq!(out["ContentLength"], json!(5));
        assert_eq!(out["ETag"], json!("\"e\""));
        let list = s3.operation("ListObjectsV2").unwrap();
        let (out, _) = parse(
            &s3,
            list,
            200,
            &[],
            b"<ListBucketResult><Name>b</Name><KeyCount>1</KeyCount><Contents><Key>k</Key><Size>3</Size></Contents></ListBucketResult>",
            true,
        );
        assert_eq!(out["Contents"], json!([{"Key": "k", "Size": 3}]));
        assert_eq!(out["KeyCount"], json!(1));
    }
}
