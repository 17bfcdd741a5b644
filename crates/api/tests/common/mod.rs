//! What the HTTP tests share: a service on a memory store and a way to post a request to it.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use engine::service::{Config, Service, SystemClock};
use serde_json::Value;
use tower::ServiceExt;

pub fn service() -> Arc<Service> {
    Service::new(
        Config {
            account_id: "123456789012".into(),
            default_region: "us-east-1".into(),
        },
        Arc::new(store::MemoryStore::new()),
        Arc::new(SystemClock {
            wait_time_scale: 1.0,
        }),
    )
}

/// Posts `body` with `X-Amz-Target: target` (and `Authorization`, when given); the status and
/// the JSON answer (null when it is not JSON).
pub async fn post(
    svc: &Arc<Service>,
    target: &str,
    authorization: Option<&str>,
    body: String,
) -> (StatusCode, Value) {
    let mut request = Request::post("/")
        .header("x-amz-target", target)
        .header("content-type", "application/x-amz-json-1.0");
    if let Some(authorization) = authorization {
        request = request.header("authorization", authorization);
    }
    let request = request.body(Body::from(body)).unwrap();
    let response = api::router(svc.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}
