//! The AWS JSON 1.0 protocol of AWS Step Functions: `POST /` with
//! `X-Amz-Target: AWSStepFunctions.<Operation>`. The API layer validates requests, calls the
//! engine's [`Service`] and shapes responses; it never sees storage.

mod input;
mod operations;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use engine::service::{ErrorCode, Service, ServiceError};
use serde::Serialize;
use serde_json::{json, Value};

pub use operations::OPERATIONS;

/// An API error: `{"__type": code, "message": …}` with the HTTP status of its code.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
        }
    }
    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ValidationException, message)
    }
    pub fn status(&self) -> StatusCode {
        http_status(self.code)
    }
}

/// The HTTP status of each error code: 400 (the client's mistake) unless AWS documents another.
pub fn http_status(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::InternalFailure => StatusCode::INTERNAL_SERVER_ERROR,
        ErrorCode::ConflictException => StatusCode::CONFLICT,
        ErrorCode::ServiceQuotaExceededException => StatusCode::PAYMENT_REQUIRED,
        _ => StatusCode::BAD_REQUEST,
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        ApiError::new(e.code, e.message)
    }
}

/// The body of an error answer, as the AWS JSON 1.0 protocol writes it.
#[derive(Serialize)]
struct ErrorBody<'a> {
    #[serde(rename = "__type")]
    code: &'a str,
    message: &'a str,
}

impl ApiError {
    fn body(&self) -> String {
        let body = ErrorBody {
            code: self.code.as_str(),
            message: &self.message,
        };
        serde_json::to_string(&body).expect("two strings are always written")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = self.body();
        (
            self.status(),
            [
                ("content-type", "application/x-amz-json-1.0"),
                ("x-amzn-errortype", self.code.as_str()),
            ],
            body,
        )
            .into_response()
    }
}

/// What one request knows besides its body.
pub struct RequestContext {
    /// The region of the request's SigV4 credential scope (or the server's default).
    pub region: String,
}

pub fn router(service: Arc<Service>) -> Router {
    Router::new().route("/", post(handle)).with_state(service)
}

/// The region named in `Authorization: AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/states/…`.
fn region_from_headers(headers: &HeaderMap) -> Option<String> {
    let auth = headers.get("authorization")?.to_str().ok()?;
    let cred = auth.split("Credential=").nth(1)?;
    let scope: Vec<&str> = cred.split([',', ' ']).next()?.split('/').collect();
    scope.get(2).map(|s| s.to_string())
}

/// Every answer carries a request id, as AWS's do (`x-amzn-RequestId`; SDKs show it in
/// their response metadata and errors).
async fn handle(state: State<Arc<Service>>, headers: HeaderMap, body: Bytes) -> Response {
    let mut response = answer(state, headers, body).await;
    if let Ok(id) = axum::http::HeaderValue::from_str(&uuid::Uuid::new_v4().to_string()) {
        response.headers_mut().insert("x-amzn-requestid", id);
    }
    response
}

async fn answer(State(service): State<Arc<Service>>, headers: HeaderMap, body: Bytes) -> Response {
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let Some(operation) = target.strip_prefix("AWSStepFunctions.") else {
        return ApiError::new(
            ErrorCode::UnknownOperationException,
            format!("Unknown operation {target}"),
        )
        .into_response();
    };
    let request: Value = if body.is_empty() {
        json!({})
    } else {
        match serde_json::from_slice(&body) {
            Ok(v @ Value::Object(_)) => v,
            Ok(_) => {
                return ApiError::new(
                    ErrorCode::SerializationException,
                    "Start of structure or map found where not expected.",
                )
                .into_response()
            }
            Err(e) => {
                return ApiError::new(
                    ErrorCode::SerializationException,
                    format!("Could not parse the request body as JSON: {e}"),
                )
                .into_response()
            }
        }
    };
    let ctx = RequestContext {
        region: region_from_headers(&headers)
            .unwrap_or_else(|| service.config.default_region.clone()),
    };
    let answer = if operations::is_async(operation) {
        operations::dispatch(&service, &ctx, operation, &request).await
    } else {
        let operation = operation.to_string();
        tokio::task::spawn_blocking(move || {
            operations::dispatch_blocking(&service, &ctx, &operation, &request)
        })
        .await
        .unwrap_or_else(|e| {
            // A bug, not the client's mistake: answered as AWS answers its own failures.
            Err(ApiError::new(
                ErrorCode::InternalFailure,
                format!("internal error: {e}"),
            ))
        })
    };
    match answer {
        Ok(v) => (
            StatusCode::OK,
            [("content-type", "application/x-amz-json-1.0")],
            v.to_string(),
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_are_written_as_before() {
        let error = ApiError::validation("Value \"x\" at 'name'\n");
        assert_eq!(
            error.body(),
            json!({"__type": "ValidationException", "message": error.message}).to_string()
        );
        assert_eq!(
            ApiError::new(ErrorCode::InvalidArn, "Invalid Arn: 'x'").body(),
            r#"{"__type":"InvalidArn","message":"Invalid Arn: 'x'"}"#
        );
    }

    #[test]
    fn error_codes_keep_their_http_statuses() {
        assert_eq!(http_status(ErrorCode::InternalFailure), 500);
        assert_eq!(http_status(ErrorCode::ConflictException), 409);
        assert_eq!(http_status(ErrorCode::ServiceQuotaExceededException), 402);
        for code in [
            ErrorCode::ValidationException,
            ErrorCode::InvalidArn,
            ErrorCode::StateMachineDoesNotExist,
            ErrorCode::ExecutionDoesNotExist,
        ] {
            assert_eq!(http_status(code), 400, "{code}");
        }
    }
}
