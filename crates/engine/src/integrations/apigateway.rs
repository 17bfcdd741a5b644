//! The optimized API Gateway integration (`arn:aws:states:::apigateway:invoke`, and
//! `.waitForTaskToken`): a request to an API Gateway REST or HTTP API built from `ApiEndpoint`,
//! `Stage`, `Path`, `QueryParameters` (lists of values), `Headers` (lists of values) and
//! `RequestBody` (JSON, or text as it is; null members left out unless `AllowNullValues`),
//! signed with SigV4 for `execute-api` when `AuthType` is `IAM_ROLE` or `RESOURCE_POLICY`.
//! The result is `{Headers, ResponseBody, StatusCode, StatusText}`; a status that is not 2xx
//! fails the task with `ApiGateway.<status>` and the response body as its cause.
//!
//! `ApiEndpoint` is a host name (`<api-id>.execute-api.<region>.amazonaws.com`), called over
//! HTTPS. For APIs served locally (an emulator, a test double) it may carry its scheme
//! (`http://127.0.0.1:4566`); a loopback host without one is called over plain HTTP.

use std::time::Duration;

use serde_json::Value;

use super::calls::{client_error, Outcome};
use super::{Integration, TaskCall};

#[derive(Debug)]
pub struct ApiGateway;

/// How long a call may take when the Task sets no timeout (API Gateway itself ends an
/// integration after 29 seconds).
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

const METHODS: [&str; 7] = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

/// The request headers Step Functions does not let a Task set (`X-Forwarded*`, `X-Amz*`,
/// `X-Amzn*` are refused by prefix).
const FORBIDDEN_HEADERS: [&str; 14] = [
    "authorization",
    "connection",
    "content-md5",
    "expect",
    "host",
    "max-forwards",
    "proxy-authenticate",
    "server",
    "te",
    "transfer-encoding",
    "trailer",
    "upgrade",
    "via",
    "www-authenticate",
];

fn invalid(message: impl Into<String>) -> Outcome {
    Outcome::failed(asl::error::RUNTIME, message.into())
}

/// A header or query parameter's values: a list of values, or one value.
fn values(value: &Value) -> Vec<String> {
    let one = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match value {
        Value::Array(items) => items.iter().map(one).collect(),
        Value::Null => Vec::new(),
        other => vec![one(other)],
    }
}

/// The object's members but those whose value is null, at every depth.
fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

/// The URL the parameters name: scheme, host, stage, path and query.
fn url(params: &Value, endpoint: &str) -> Result<String, Outcome> {
    use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
    let base = if endpoint.contains("://") {
        endpoint.to_string()
    } else {
        let host = endpoint.split(['/', ':']).next().unwrap_or("");
        let local =
            host == "localhost" || host.starts_with("127.") || endpoint.starts_with("[::1]");
        format!("{}://{endpoint}", if local { "http" } else { "https" })
    };
    let mut url = base.trim_end_matches('/').to_string();
    for key in ["Stage", "Path"] {
        match params.get(key) {
            None | Some(Value::Null) => {}
            Some(Value::String(segment)) => {
                let segment = segment.trim_start_matches('/');
                if !segment.is_empty() {
                    url.push('/');
                    url.push_str(segment);
                }
            }
            Some(_) => return Err(invalid(format!("The field '{key}' must be a string"))),
        }
    }
    if let Some(query) = params.get("QueryParameters").filter(|q| !q.is_null()) {
        let Some(fields) = query.as_object() else {
            return Err(invalid("The field 'QueryParameters' must be an object"));
        };
        let pairs: Vec<String> = fields
            .iter()
            .flat_map(|(k, v)| {
                values(v).into_iter().map(move |v| {
                    format!(
                        "{}={}",
                        utf8_percent_encode(k, NON_ALPHANUMERIC),
                        utf8_percent_encode(&v, NON_ALPHANUMERIC)
                    )
                })
            })
            .collect();
        if !pairs.is_empty() {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&pairs.join("&"));
        }
    }
    Ok(url)
}

/// The region an `execute-api` host is in, when its name says it.
fn endpoint_region(endpoint: &str) -> Option<&str> {
    let host = endpoint.split("://").last()?.split(['/', ':']).next()?;
    let mut parts = host.split('.');
    parts.find(|p| *p == "execute-api")?;
    parts.next().filter(|r| !r.is_empty())
}

/// The request the parameters describe.
fn request(task: &TaskCall) -> Result<aws::HttpRequest, Outcome> {
    let params = task.parameters();
    let Some(endpoint) = params.get("ApiEndpoint").and_then(Value::as_str) else {
        return Err(invalid("The field 'ApiEndpoint' is required"));
    };
    let method = match params.get("Method").and_then(Value::as_str) {
        Some(m) if METHODS.contains(&m) => m.to_string(),
        Some(m) => {
            return Err(invalid(format!(
                "The value '{m}' of the field 'Method' is not one of {}",
                METHODS.join(", ")
            )))
        }
        None => return Err(invalid("The field 'Method' is required")),
    };
    let mut headers = Vec::new();
    if let Some(given) = params.get("Headers").filter(|h| !h.is_null()) {
        let Some(fields) = given.as_object() else {
            return Err(invalid("The field 'Headers' must be an object"));
        };
        for (name, v) in fields {
            let lower = name.to_ascii_lowercase();
            if FORBIDDEN_HEADERS.contains(&lower.as_str())
                || ["x-forwarded", "x-amz"]
                    .iter()
                    .any(|p| lower.starts_with(p))
            {
                return Err(invalid(format!("The header '{name}' is not permitted")));
            }
            headers.extend(values(v).into_iter().map(|v| (name.clone(), v)));
        }
    }
    let allow_nulls = params.get("AllowNullValues").and_then(Value::as_bool) == Some(true);
    let body = match params.get("RequestBody").cloned() {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(text)) => text.into_bytes(),
        Some(value) => {
            if !headers
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            {
                headers.push(("Content-Type".into(), "application/json".into()));
            }
            let value = if allow_nulls {
                value
            } else {
                without_nulls(value)
            };
            value.to_string().into_bytes()
        }
    };
    let signing = match params.get("AuthType").and_then(Value::as_str) {
        None | Some("NO_AUTH") => None,
        Some("IAM_ROLE") | Some("RESOURCE_POLICY") => Some(aws::HttpSigning {
            service: "execute-api".into(),
            region: endpoint_region(endpoint)
                .map(str::to_string)
                .unwrap_or_else(|| task.region.clone()),
            role_arn: task.role_arn(),
        }),
        Some(other) => {
            return Err(invalid(format!(
                "The value '{other}' of the field 'AuthType' is not one of NO_AUTH, IAM_ROLE, RESOURCE_POLICY"
            )))
        }
    };
    Ok(aws::HttpRequest {
        method,
        url: url(&params, endpoint)?,
        headers,
        body,
        timeout: task
            .timeout_seconds
            .map(|s| Duration::from_secs(s as u64 + 5))
            .unwrap_or(DEFAULT_TIMEOUT),
        signing,
        redacted: None,
    })
}

/// What the API answered, as the task's result or its failure.
fn answered(response: aws::HttpResponse) -> Outcome {
    if !(200..300).contains(&response.status) {
        let text = String::from_utf8_lossy(&response.body).into_owned();
        return Outcome::failed(format!("ApiGateway.{}", response.status), text);
    }
    Outcome::succeeded(&super::http::response_output(&response))
}

impl ApiGateway {
    async fn invoke(&self, task: &TaskCall, caller: &dyn aws::Caller) -> Outcome {
        let request = match request(task) {
            Ok(r) => r,
            Err(outcome) => return outcome,
        };
        match caller.send_http(request).await {
            Ok(response) => answered(response),
            Err(failure) => client_error("ApiGateway", &failure),
        }
    }
}

impl Integration for ApiGateway {
    super::task_family::invoking_task_family!("apigateway");
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn task(input: Value) -> TaskCall {
        TaskCall {
            resource: "arn:aws:states:::apigateway:invoke".into(),
            input: input.to_string(),
            timeout_seconds: None,
            heartbeat_seconds: None,
            region: "eu-west-1".into(),
            credentials: None,
        }
    }

    #[test]
    fn the_url_joins_endpoint_stage_path_and_query() {
        let r = request(&task(json!({
            "ApiEndpoint": "abc123.execute-api.us-east-2.amazonaws.com",
            "Method": "GET", "Stage": "prod", "Path": "/bills/1",
            "QueryParameters": {"id": ["1", "a b"], "one": "x"},
            "AuthType": "IAM_ROLE"
        })))
        .unwrap();
        assert_eq!(
            r.url,
            "https://abc123.execute-api.us-east-2.amazonaws.com/prod/bills/1?id=1&id=a%20b&one=x"
        );
        let signing = r.signing.unwrap();
        assert_eq!(
            (signing.service.as_str(), signing.region.as_str()),
            ("execute-api", "us-east-2")
        );
        let local = request(&task(
            json!({"ApiEndpoint": "127.0.0.1:9000", "Method": "POST"}),
        ));
        assert_eq!(local.unwrap().url, "http://127.0.0.1:9000");
    }

    #[test]
    fn headers_are_lists_and_some_are_refused() {
        let r = request(&task(json!({
            "ApiEndpoint": "h", "Method": "POST",
            "Headers": {"k": ["v1", "v2"]}, "RequestBody": {"a": null, "b": {"c": null, "d": 1}}
        })))
        .unwrap();
        assert_eq!(
            r.headers,
            vec![
                ("k".to_string(), "v1".to_string()),
                ("k".into(), "v2".into()),
                ("Content-Type".into(), "application/json".into())
            ]
        );
        assert_eq!(String::from_utf8(r.body).unwrap(), r#"{"b":{"d":1}}"#);
        let kept = request(&task(json!({
            "ApiEndpoint": "h", "Method": "POST", "AllowNullValues": true, "RequestBody": {"a": null}
        })))
        .unwrap();
        assert_eq!(String::from_utf8(kept.body).unwrap(), r#"{"a":null}"#);
        for name in ["Host", "X-Amz-Date", "x-forwarded-for"] {
            let refused = request(&task(json!({
                "ApiEndpoint": "h", "Method": "GET", "Headers": {name: ["x"]}
            })));
            assert!(refused.is_err(), "{name}");
        }
        assert!(request(&task(json!({"ApiEndpoint": "h", "Method": "FETCH"}))).is_err());
    }

    #[test]
    fn a_status_that_is_not_2xx_is_the_error() {
        let response = |status: u16, body: &str| aws::HttpResponse {
            status,
            reason: "R".into(),
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
        };
        assert_eq!(
            answered(response(
                403,
                r#"{"message":"Missing Authentication Token"}"#
            )),
            Outcome::failed(
                "ApiGateway.403",
                r#"{"message":"Missing Authentication Token"}"#
            )
        );
        assert_eq!(
            answered(response(200, r#"{"myBills":[]}"#)),
            Outcome::succeeded(&json!({
                "Headers": {"content-type": ["application/json"]},
                "ResponseBody": {"myBills": []}, "StatusCode": 200, "StatusText": "R"
            }))
        );
    }
}
