//! The HTTP Task (`arn:aws:states:::http:invoke`): a request to any HTTPS API with the
//! authorization of an EventBridge connection (`Authentication.ConnectionArn`: API key, basic,
//! OAuth client credentials; the connection's own header, query and body parameters merged in),
//! `Headers`, `QueryParameters`, `RequestBody` (JSON, or URL-encoded by `Transform`). The result
//! is `{Headers, ResponseBody, StatusCode, StatusText}`; a status that is not 2xx fails the task
//! with `States.Http.StatusCode.NNN`, a request that gets no answer with `States.Http.Socket`.

use std::time::Duration;

use base64::Engine as _;
use serde_json::{json, Map, Value};

use super::calls::Outcome;
use super::{Integration, TaskCall};

#[derive(Debug)]
pub struct Http;

/// An HTTP Task waits at most this long for its answer, as on AWS.
const HTTP_TIMEOUT: Duration = Duration::from_secs(60);

/// The headers a Task may not set (a Task that sets one fails with `States.Runtime`), besides
/// those beginning `x-forwarded-`, `x-amz-` and `x-amzn-`.
const FORBIDDEN_HEADERS: [&str; 32] = [
    "a-im",
    "accept-charset",
    "accept-datetime",
    "accept-encoding",
    "authorization",
    "cache-control",
    "connection",
    "content-encoding",
    "content-md5",
    "date",
    "expect",
    "forwarded",
    "from",
    "host",
    "http2-settings",
    "if-match",
    "if-modified-since",
    "if-none-match",
    "if-range",
    "if-unmodified-since",
    "max-forwards",
    "origin",
    "pragma",
    "proxy-authorization",
    "referer",
    "server",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
    "warning",
];

fn forbidden_header(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    FORBIDDEN_HEADERS.contains(&lower.as_str())
        || ["x-forwarded-", "x-amz-", "x-amzn-"]
            .iter()
            .any(|p| lower.starts_with(p))
}

/// The pairs of `base` whose key `over` does not have, then all of `over`: a connection's
/// parameters win over the Task's of the same key.
fn overridden(
    base: Vec<(String, String)>,
    over: Vec<(String, String)>,
    same: impl Fn(&str, &str) -> bool,
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = base
        .into_iter()
        .filter(|(k, _)| !over.iter().any(|(o, _)| same(k, o)))
        .collect();
    out.extend(over);
    out
}

fn runtime_error(message: impl Into<String>) -> Outcome {
    Outcome::failed(asl::error::RUNTIME, message.into())
}

/// `key=value` pairs of a JSON object for a query string or a URL-encoded body, arrays written
/// as `ArrayFormat` says (INDICES, REPEAT, COMMAS, BRACKETS).
fn encode_pairs(prefix: &str, value: &Value, array_format: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(fields) => {
            for (k, v) in fields {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}[{k}]")
                };
                encode_pairs(&key, v, array_format, out);
            }
        }
        Value::Array(items) => match array_format {
            "COMMAS" => out.push((
                prefix.to_string(),
                items.iter().map(scalar).collect::<Vec<_>>().join(","),
            )),
            "REPEAT" => items
                .iter()
                .for_each(|i| out.push((prefix.to_string(), scalar(i)))),
            "BRACKETS" => items
                .iter()
                .for_each(|i| out.push((format!("{prefix}[]"), scalar(i)))),
            _ => items
                .iter()
                .enumerate()
                .for_each(|(n, i)| encode_pairs(&format!("{prefix}[{n}]"), i, array_format, out)),
        },
        other => out.push((prefix.to_string(), scalar(other))),
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn form(pairs: &[(String, String)]) -> String {
    use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                utf8_percent_encode(k, NON_ALPHANUMERIC),
                utf8_percent_encode(v, NON_ALPHANUMERIC)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// What a connection adds to a request: headers, query parameters, body members.
#[derive(Default)]
struct Authorization {
    headers: Vec<(String, String)>,
    query: Vec<(String, String)>,
    body: Map<String, Value>,
}

fn key_values(list: Option<&Value>) -> Vec<(String, String)> {
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| Some((p.get("Key")?.as_str()?.to_string(), scalar(p.get("Value")?))))
        .collect()
}

impl Http {
    /// The connection's authorization, read from EventBridge (and an OAuth token fetched).
    async fn authorization(
        &self,
        task: &TaskCall,
        caller: &dyn aws::Caller,
        connection_arn: &str,
    ) -> Result<Authorization, Outcome> {
        let name = connection_arn
            .split(":connection/")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .ok_or_else(|| runtime_error(format!("Invalid ConnectionArn: {connection_arn}")))?;
        let call = task.side_call("events", "DescribeConnection", json!({"Name": name}));
        let connection = match caller.call(call).await {
            Ok(reply) => reply.output,
            Err(failure) => return Err(super::calls::v1_error("events", &failure)),
        };
        let params = connection
            .get("AuthParameters")
            .cloned()
            .unwrap_or(Value::Null);
        let mut auth = Authorization::default();
        let invocation = params.get("InvocationHttpParameters");
        auth.headers = key_values(invocation.and_then(|i| i.get("HeaderParameters")));
        auth.query = key_values(invocation.and_then(|i| i.get("QueryStringParameters")));
        auth.body = key_values(invocation.and_then(|i| i.get("BodyParameters")))
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect();
        let text = |v: &Value, p: &str| v.pointer(p).and_then(Value::as_str).map(str::to_string);
        // The connection's secret values are not described: EventBridge keeps them in the
        // connection's Secrets Manager secret.
        let secret = match connection.get("SecretArn").and_then(Value::as_str) {
            Some(arn) => self.secret(task, caller, arn).await,
            None => Value::Null,
        };
        let either =
            |described: Option<String>, key: &str| described.or_else(|| text(&secret, key));
        match connection.get("AuthorizationType").and_then(Value::as_str) {
            Some("API_KEY") => {
                if let (Some(k), Some(v)) = (
                    either(
                        text(&params, "/ApiKeyAuthParameters/ApiKeyName"),
                        "/api_key_name",
                    ),
                    either(
                        text(&params, "/ApiKeyAuthParameters/ApiKeyValue"),
                        "/api_key_value",
                    ),
                ) {
                    auth.headers.push((k, v));
                }
            }
            Some("BASIC") => {
                if let (Some(u), Some(p)) = (
                    either(text(&params, "/BasicAuthParameters/Username"), "/username"),
                    either(text(&params, "/BasicAuthParameters/Password"), "/password"),
                ) {
                    let token =
                        base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"));
                    auth.headers
                        .push(("Authorization".into(), format!("Basic {token}")));
                }
            }
            Some("OAUTH_CLIENT_CREDENTIALS") => {
                let mut oauth = params.clone();
                if text(&oauth, "/OAuthParameters/ClientParameters/ClientSecret").is_none() {
                    if let Some(secret) = text(&secret, "/client_secret") {
                        oauth["OAuthParameters"]["ClientParameters"]["ClientSecret"] =
                            Value::String(secret);
                    }
                }
                let token = self.oauth_token(caller, &oauth).await?;
                auth.headers
                    .push(("Authorization".into(), format!("Bearer {token}")));
            }
            _ => {}
        }
        Ok(auth)
    }

    /// A connection's secret (its JSON; null when it cannot be read).
    async fn secret(&self, task: &TaskCall, caller: &dyn aws::Caller, arn: &str) -> Value {
        let call = task.side_call("secretsmanager", "GetSecretValue", json!({"SecretId": arn}));
        match caller.call(call).await {
            Ok(reply) => reply
                .output
                .get("SecretString")
                .and_then(Value::as_str)
                .and_then(|t| serde_json::from_str(t).ok())
                .unwrap_or(Value::Null),
            Err(_) => Value::Null,
        }
    }

    /// An OAuth client-credentials token from the connection's authorization endpoint.
    async fn oauth_token(
        &self,
        caller: &dyn aws::Caller,
        params: &Value,
    ) -> Result<String, Outcome> {
        let oauth = params
            .get("OAuthParameters")
            .cloned()
            .unwrap_or(Value::Null);
        let text = |p: &str| {
            oauth
                .pointer(p)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let endpoint = text("/AuthorizationEndpoint");
        let client = format!(
            "{}:{}",
            text("/ClientParameters/ClientID"),
            text("/ClientParameters/ClientSecret")
        );
        let mut pairs = vec![("grant_type".to_string(), "client_credentials".to_string())];
        pairs.extend(key_values(
            oauth.pointer("/OAuthHttpParameters/BodyParameters"),
        ));
        let mut headers = vec![
            (
                "Authorization".to_string(),
                format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(client)
                ),
            ),
            (
                "Content-Type".to_string(),
                "application/x-www-form-urlencoded".to_string(),
            ),
        ];
        headers.extend(key_values(
            oauth.pointer("/OAuthHttpParameters/HeaderParameters"),
        ));
        let method = match text("/HttpMethod") {
            m if m.is_empty() => "POST".to_string(),
            m => m,
        };
        let response = caller
            .send_http(aws::HttpRequest {
                method,
                url: endpoint,
                headers,
                body: form(&pairs).into_bytes(),
                timeout: HTTP_TIMEOUT,
                signing: None,
                redacted: None,
            })
            .await
            .map_err(|e| Outcome::failed("States.Http.Socket", e.to_string()))?;
        serde_json::from_slice::<Value>(&response.body)
            .ok()
            .and_then(|v| {
                v.get("access_token")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            })
            .ok_or_else(|| {
                Outcome::failed(
                    format!("States.Http.StatusCode.{}", response.status),
                    "The OAuth authorization endpoint answered no access token",
                )
            })
    }

    async fn invoke(&self, task: &TaskCall, caller: &dyn aws::Caller) -> Outcome {
        let params = task.parameters();
        let Some(endpoint) = params.get("ApiEndpoint").and_then(Value::as_str) else {
            return runtime_error("The field 'ApiEndpoint' is required");
        };
        let Some(method) = params.get("Method").and_then(Value::as_str) else {
            return runtime_error("The field 'Method' is required");
        };
        let Some(connection) = params
            .pointer("/Authentication/ConnectionArn")
            .and_then(Value::as_str)
        else {
            return runtime_error("The field 'Authentication.ConnectionArn' is required");
        };
        let auth = match self.authorization(task, caller, connection).await {
            Ok(a) => a,
            Err(outcome) => return outcome,
        };
        let mut request = match http_request(task, &params, endpoint, method, auth) {
            Ok(r) => r,
            Err(outcome) => return outcome,
        };
        // What a trace may show: the request without the connection's authorization.
        if let Ok(shown) = http_request(task, &params, endpoint, method, Authorization::default()) {
            if shown != request {
                request.redacted = Some(Box::new(shown));
            }
        }
        let response = match caller.send_http(request).await {
            Ok(r) => r,
            Err(aws::Failure::Invalid(message)) => return runtime_error(message),
            Err(e) => return Outcome::failed("States.Http.Socket", e.to_string()),
        };
        let output = response_output(&response);
        if (200..300).contains(&response.status) {
            Outcome::succeeded(&output)
        } else {
            Outcome::failed(
                format!("States.Http.StatusCode.{}", response.status),
                output.to_string(),
            )
        }
    }
}

/// An HTTP answer as the HTTP Task and API Gateway show it: `{Headers, ResponseBody, StatusCode,
/// StatusText}`, each header's values in a list, the body parsed when it is JSON.
pub(super) fn response_output(response: &aws::HttpResponse) -> Value {
    let mut headers = Map::new();
    for (name, value) in &response.headers {
        match headers.get_mut(name) {
            Some(Value::Array(values)) => values.push(Value::String(value.clone())),
            _ => {
                headers.insert(name.clone(), json!([value]));
            }
        }
    }
    let text = String::from_utf8_lossy(&response.body).into_owned();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    json!({
        "Headers": headers,
        "ResponseBody": body,
        "StatusCode": response.status,
        "StatusText": response.reason,
    })
}

/// The request the Task's parameters and the connection's authorization make.
fn http_request(
    task: &TaskCall,
    params: &Value,
    endpoint: &str,
    method: &str,
    auth: Authorization,
) -> Result<aws::HttpRequest, Outcome> {
    let array_format = params
        .pointer("/Transform/RequestEncodingOptions/ArrayFormat")
        .and_then(Value::as_str)
        .unwrap_or("INDICES");
    let mut query = Vec::new();
    if let Some(q) = params.get("QueryParameters") {
        encode_pairs("", q, array_format, &mut query);
    }
    let query = overridden(query, auth.query, |a, b| a == b);
    let url = if query.is_empty() {
        endpoint.to_string()
    } else {
        let sep = if endpoint.contains('?') { '&' } else { '?' };
        format!("{endpoint}{sep}{}", form(&query))
    };
    let headers: Vec<(String, String)> = params
        .get("Headers")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), scalar(v)))
        .collect();
    if let Some((name, _)) = headers.iter().find(|(k, _)| forbidden_header(k)) {
        return Err(runtime_error(format!(
            "The header '{name}' is not allowed in an HTTP Task's Headers"
        )));
    }
    let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    // What Step Functions sets itself: who calls, and the part of the answer it reads.
    let own = vec![
        (
            "User-Agent".to_string(),
            format!("Amazon|StepFunctions|HttpInvoke|{}", task.region),
        ),
        ("Range".to_string(), "bytes=0-262144".to_string()),
    ];
    let mut headers = overridden(overridden(headers, auth.headers, same), own, same);
    let url_encoded = params
        .pointer("/Transform/RequestBodyEncoding")
        .and_then(Value::as_str)
        == Some("URL_ENCODED");
    let mut body = params.get("RequestBody").cloned();
    if !auth.body.is_empty() {
        let mut merged = match body.take() {
                Some(Value::Object(m)) => m,
                Some(Value::String(_)) => {
                    return Err(runtime_error(
                        "The RequestBody is a string and the connection has body parameters: they cannot be merged",
                    ))
                }
                _ => Map::new(),
            };
        merged.extend(auth.body);
        body = Some(Value::Object(merged));
    }
    let has_header =
        |h: &[(String, String)], name: &str| h.iter().any(|(k, _)| k.eq_ignore_ascii_case(name));
    let body = match body {
        None => Vec::new(),
        Some(value) if url_encoded => {
            let mut pairs = Vec::new();
            encode_pairs("", &value, array_format, &mut pairs);
            if !has_header(&headers, "content-type") {
                headers.push((
                    "Content-Type".into(),
                    "application/x-www-form-urlencoded".into(),
                ));
            }
            form(&pairs).into_bytes()
        }
        Some(Value::String(text)) => text.into_bytes(),
        Some(value) => {
            if !has_header(&headers, "content-type") {
                headers.push((
                    "Content-Type".into(),
                    "application/json; charset=UTF-8".into(),
                ));
            }
            value.to_string().into_bytes()
        }
    };
    Ok(aws::HttpRequest {
        method: method.to_string(),
        url,
        headers,
        body,
        timeout: HTTP_TIMEOUT,
        signing: None,
        redacted: None,
    })
}

impl Integration for Http {
    super::task_family::invoking_task_family!("http");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_are_encoded_as_the_array_format_says() {
        let value = json!({"a": [1, 2], "b": {"c": "x y"}});
        let encoded = |format: &str| {
            let mut pairs = Vec::new();
            encode_pairs("", &value, format, &mut pairs);
            form(&pairs)
        };
        assert_eq!(encoded("INDICES"), "a%5B0%5D=1&a%5B1%5D=2&b%5Bc%5D=x%20y");
        assert_eq!(encoded("REPEAT"), "a=1&a=2&b%5Bc%5D=x%20y");
        assert_eq!(encoded("COMMAS"), "a=1%2C2&b%5Bc%5D=x%20y");
        assert_eq!(encoded("BRACKETS"), "a%5B%5D=1&a%5B%5D=2&b%5Bc%5D=x%20y");
    }
}
