//! A generic AWS client: any operation of any service, driven by the AWS service models
//! (`models`), sent to the endpoint the environment names (`endpoints`), signed with SigV4 and
//! the credentials of the standard chain (`signing`), in the service's protocol (`protocols`:
//! JSON 1.0/1.1, REST-JSON, query, REST-XML). Parameters and results are JSON values keyed by
//! the model's member names (or in PascalCase, as Step Functions shows them).
//!
//! It knows nothing of Step Functions: the engine's integrations say what to call through the
//! [`Caller`] trait and read what came back.

pub mod endpoints;
pub mod models;
mod protocols;
pub mod signing;
mod xml;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

pub use endpoints::Endpoints;

/// One call of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// botocore's name of the service (`lambda`, `dynamodb`, `stepfunctions`, …).
    pub service: String,
    /// The operation (`Invoke`; the first letter's case does not matter).
    pub operation: String,
    /// The parameters, a JSON object keyed by member names (their first letter's case aside).
    pub input: Value,
    pub region: String,
    /// Results keyed in PascalCase (as Step Functions' `aws-sdk` tasks show them) rather than by
    /// the model's member names.
    pub pascal_case: bool,
    /// How long the whole call may take.
    pub timeout: Option<Duration>,
    /// A role to assume for the call (STS AssumeRole with the chain's credentials); its
    /// credentials sign the call.
    pub role_arn: Option<String>,
    /// Send a CRC32 checksum of the body where the operation takes one (`httpChecksum`), as
    /// the current AWS SDKs do by default ("when supported").
    pub checksums: bool,
}

/// What a service answered to a call that succeeded.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub status: u16,
    /// The response's headers in the order received, names as sent.
    pub headers: Vec<(String, String)>,
    /// The result, a JSON object.
    pub output: Value,
    pub request_id: Option<String>,
}

/// Why a call did not succeed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Failure {
    /// The service answered with an error.
    #[error("{code}: {}", message.as_deref().unwrap_or(""))]
    Service {
        status: u16,
        code: String,
        message: Option<String>,
        request_id: Option<String>,
        headers: Vec<(String, String)>,
    },
    /// No model has this service or operation.
    #[error("unknown {0}")]
    Unknown(String),
    /// The parameters do not fit the operation's model.
    #[error("{0}")]
    Invalid(String),
    /// The service could not be reached or its answer read.
    #[error("{0}")]
    Transport(String),
    /// The call took longer than its timeout.
    #[error("the call timed out")]
    TimedOut,
}

/// A plain HTTP request.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub timeout: Duration,
    /// Sign it with SigV4 (an API Gateway API with IAM authorization); unsigned when None.
    pub signing: Option<HttpSigning>,
    /// The request as it may be shown to one not allowed to see its secrets (without the
    /// authorization a connection adds); None when it has none.
    pub redacted: Option<Box<HttpRequest>>,
}

/// Who signs a plain HTTP request, for which service and region.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpSigning {
    /// The signing name (`execute-api`).
    pub service: String,
    pub region: String,
    /// A role to assume whose credentials sign; the chain's when None.
    pub role_arn: Option<String>,
}

/// What a plain HTTP request was answered.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpResponse {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Something that makes AWS calls: the [`Client`], or a fake in tests.
pub trait Caller: Send + Sync {
    fn call<'a>(
        &'a self,
        call: Call,
    ) -> Pin<Box<dyn Future<Output = Result<Reply, Failure>> + Send + 'a>>;

    /// A plain HTTP request to any URL (the HTTP Task, API Gateway), signed when it says so.
    fn send_http<'a>(
        &'a self,
        request: HttpRequest,
    ) -> Pin<Box<dyn Future<Output = Result<HttpResponse, Failure>> + Send + 'a>> {
        let _ = request;
        Box::pin(async {
            Err(Failure::Transport(
                "this caller sends no HTTP requests".into(),
            ))
        })
    }
}

/// The real client: pooled HTTP connections, endpoints and credentials from the environment.
pub struct Client {
    http: reqwest::Client,
    endpoints: Endpoints,
    credentials: signing::CredentialSource,
}

impl Client {
    pub fn from_env() -> Arc<Client> {
        Client::new(Endpoints::from_env())
    }

    pub fn new(endpoints: Endpoints) -> Arc<Client> {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(64)
            .tcp_nodelay(true)
            .build()
            .unwrap_or_default();
        Arc::new(Client {
            http,
            endpoints,
            credentials: signing::CredentialSource::default(),
        })
    }

    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    async fn send(&self, call: Call) -> Result<Reply, Failure> {
        let model = models::service(&call.service)
            .ok_or_else(|| Failure::Unknown(format!("service {}", call.service)))?;
        let op = model
            .operation(&call.operation)
            .ok_or_else(|| Failure::Unknown(format!("operation {}", call.operation)))?;
        let mut request = protocols::build(&model, op, &call.input).map_err(Failure::Invalid)?;
        if call.checksums {
            protocols::add_checksum(op, &call.input, &mut request);
        }
        let base = self.endpoints.url(&model, &call.region);
        let url = format!("{base}{}", request.path);
        let mut headers = request.headers;
        let s3_style = model.protocol() == "rest-xml";
        if let Some(creds) = self.signer(call.role_arn.as_deref(), &call.region).await? {
            let added = signing::signature_headers(
                &creds,
                &call.region,
                model.signing_name(),
                &request.method,
                &url,
                &headers,
                &request.body,
                s3_style,
            )
            .map_err(Failure::Invalid)?;
            headers.extend(added);
        }
        let method = reqwest::Method::from_bytes(request.method.as_bytes())
            .map_err(|e| Failure::Invalid(e.to_string()))?;
        let mut builder = self.http.request(method, &url).body(request.body);
        for (k, v) in &headers {
            builder = builder.header(k, v);
        }
        let response = builder
            .send()
            .await
            .map_err(|e| Failure::Transport(transport_message(&e)))?;
        let status = response.status().as_u16();
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    canonical_header_name(k.as_str()),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = response
            .bytes()
            .await
            .map_err(|e| Failure::Transport(transport_message(&e)))?;
        let request_id = header(&headers, "x-amzn-requestid")
            .or_else(|| header(&headers, "x-amz-request-id"))
            .map(str::to_string);
        if !(200..300).contains(&status) {
            let (code, message, body_id) = protocols::error(&model, &headers, &body);
            return Err(Failure::Service {
                status,
                code: code.unwrap_or_else(|| format!("{status}")),
                message,
                request_id: request_id.or(body_id),
                headers,
            });
        }
        let (output, body_id) =
            protocols::parse(&model, op, status, &headers, &body, call.pascal_case);
        Ok(Reply {
            status,
            headers,
            output,
            request_id: request_id.or(body_id),
        })
    }
}

impl Client {
    /// The credentials that sign a call: the role's when one is named, else the chain's (None:
    /// the call goes unsigned).
    async fn signer(
        &self,
        role: Option<&str>,
        region: &str,
    ) -> Result<Option<aws_credential_types::Credentials>, Failure> {
        Ok(match role {
            Some(role) => Some(self.assumed(role, region).await?),
            None => self.credentials.get(region).await,
        })
    }

    /// The credentials of a role (STS AssumeRole, kept until shortly before they expire).
    async fn assumed(
        &self,
        role: &str,
        region: &str,
    ) -> Result<aws_credential_types::Credentials, Failure> {
        if let Some(c) = self.credentials.assumed(role).await {
            return Ok(c);
        }
        let call = Call {
            service: "sts".into(),
            operation: "AssumeRole".into(),
            input: serde_json::json!({"RoleArn": role, "RoleSessionName": "stepfn"}),
            region: region.to_string(),
            pascal_case: false,
            timeout: Some(Duration::from_secs(30)),
            role_arn: None,
            checksums: false,
        };
        let reply = Box::pin(self.send(call)).await?;
        let c = &reply.output["Credentials"];
        let text = |k: &str| c.get(k).and_then(Value::as_str).map(str::to_string);
        let (Some(key), Some(secret)) = (text("AccessKeyId"), text("SecretAccessKey")) else {
            return Err(Failure::Transport(format!(
                "AssumeRole of {role} answered no credentials"
            )));
        };
        let expiry = text("Expiration")
            .and_then(|e| chrono::DateTime::parse_from_rfc3339(&e).ok())
            .map(|t| std::time::SystemTime::from(t.with_timezone(&chrono::Utc)));
        let creds = aws_credential_types::Credentials::new(
            key,
            secret,
            text("SessionToken"),
            expiry,
            "sts",
        );
        self.credentials.keep_assumed(role, creds.clone()).await;
        Ok(creds)
    }
}

impl Caller for Client {
    fn call<'a>(
        &'a self,
        call: Call,
    ) -> Pin<Box<dyn Future<Output = Result<Reply, Failure>> + Send + 'a>> {
        Box::pin(async move {
            match call.timeout {
                Some(limit) => tokio::time::timeout(limit, self.send(call))
                    .await
                    .unwrap_or(Err(Failure::TimedOut)),
                None => self.send(call).await,
            }
        })
    }

    fn send_http<'a>(
        &'a self,
        request: HttpRequest,
    ) -> Pin<Box<dyn Future<Output = Result<HttpResponse, Failure>> + Send + 'a>> {
        Box::pin(async move {
            let method = reqwest::Method::from_bytes(request.method.as_bytes())
                .map_err(|e| Failure::Invalid(e.to_string()))?;
            let mut headers = request.headers;
            if let Some(signing) = &request.signing {
                let signer = self.signer(signing.role_arn.as_deref(), &signing.region);
                if let Some(creds) = signer.await? {
                    let added = signing::signature_headers(
                        &creds,
                        &signing.region,
                        &signing.service,
                        &request.method,
                        &request.url,
                        &headers,
                        &request.body,
                        false,
                    )
                    .map_err(Failure::Invalid)?;
                    headers.extend(added);
                }
            }
            let mut builder = self
                .http
                .request(method, &request.url)
                .timeout(request.timeout)
                .body(request.body);
            for (k, v) in &headers {
                builder = builder.header(k, v);
            }
            let response = builder.send().await.map_err(|e| {
                if e.is_timeout() {
                    Failure::TimedOut
                } else {
                    Failure::Transport(transport_message(&e))
                }
            })?;
            let status = response.status();
            let headers = response
                .headers()
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            let body = response
                .bytes()
                .await
                .map_err(|e| Failure::Transport(transport_message(&e)))?
                .to_vec();
            Ok(HttpResponse {
                status: status.as_u16(),
                reason: status.canonical_reason().unwrap_or("").to_string(),
                headers,
                body,
            })
        })
    }
}

/// A response header's value, by name in any case.
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// HTTP/1 header names arrive in lower case; AWS's SDKs show them as the service wrote them,
/// which for the common ones is this spelling.
fn canonical_header_name(name: &str) -> String {
    match name {
        "x-amzn-requestid" => "x-amzn-RequestId".into(),
        "x-amzn-trace-id" => "X-Amzn-Trace-Id".into(),
        "x-amz-executed-version" => "X-Amz-Executed-Version".into(),
        "x-amz-function-error" => "X-Amz-Function-Error".into(),
        "x-amz-log-result" => "X-Amz-Log-Result".into(),
        "x-amzn-remapped-content-length" => "x-amzn-Remapped-Content-Length".into(),
        "x-amzn-errortype" => "x-amzn-ErrorType".into(),
        "x-amz-crc32" => "x-amz-crc32".into(),
        other if other.starts_with("x-amz") => other.into(),
        other => other
            .split('-')
            .map(|part| {
                let mut c = part.chars();
                match c.next() {
                    Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                    None => String::new(),
                }
            })
            .collect::<Vec<_>>()
            .join("-"),
    }
}

fn transport_message(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_are_shown_as_services_write_them() {
        assert_eq!(canonical_header_name("content-type"), "Content-Type");
        assert_eq!(
            canonical_header_name("x-amzn-requestid"),
            "x-amzn-RequestId"
        );
        assert_eq!(canonical_header_name("date"), "Date");
        let h = vec![("X-Amz-Function-Error".to_string(), "Unhandled".to_string())];
        assert_eq!(header(&h, "x-amz-function-error"), Some("Unhandled"));
    }
}
