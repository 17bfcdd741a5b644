//! Who signs: credentials from the standard AWS chain (environment, profile, web identity,
//! container and instance metadata) through `aws-config`, SigV4 through `aws-sigv4`.

use std::time::{Duration, SystemTime};

use aws_credential_types::provider::ProvideCredentials;
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    sign, PayloadChecksumKind, SignableBody, SignableRequest, SigningSettings,
};
use aws_sigv4::sign::v4;
use tokio::sync::Mutex;

/// The credentials of the standard chain, looked up on first use and again when they expire.
pub struct CredentialSource {
    chain: tokio::sync::OnceCell<
        Option<aws_config::default_provider::credentials::DefaultCredentialsChain>,
    >,
    cached: Mutex<Option<Credentials>>,
    /// Credentials of roles assumed for Tasks' `Credentials`, by role ARN.
    roles: Mutex<std::collections::HashMap<String, Credentials>>,
}

impl Default for CredentialSource {
    fn default() -> Self {
        CredentialSource {
            chain: tokio::sync::OnceCell::new(),
            cached: Mutex::new(None),
            roles: Mutex::new(std::collections::HashMap::new()),
        }
    }
}

/// Whether credentials stay good for five minutes more.
fn fresh(c: &Credentials) -> bool {
    c.expiry()
        .is_none_or(|e| e > SystemTime::now() + Duration::from_secs(300))
}

impl CredentialSource {
    /// A role's credentials assumed earlier, while they are fresh.
    pub async fn assumed(&self, role: &str) -> Option<Credentials> {
        self.roles
            .lock()
            .await
            .get(role)
            .filter(|c| fresh(c))
            .cloned()
    }

    pub async fn keep_assumed(&self, role: &str, credentials: Credentials) {
        self.roles
            .lock()
            .await
            .insert(role.to_string(), credentials);
    }

    /// The current credentials; None when the chain has none (requests then go unsigned, which
    /// only local emulators accept). `region` is where the chain's own calls (STS for web
    /// identity or an assumed profile role) go, so that it need not look for one.
    pub async fn get(&self, region: &str) -> Option<Credentials> {
        let mut cached = self.cached.lock().await;
        if let Some(c) = cached.as_ref().filter(|c| fresh(c)) {
            return Some(c.clone());
        }
        let chain = self
            .chain
            .get_or_init(|| async {
                Some(
                    aws_config::default_provider::credentials::DefaultCredentialsChain::builder()
                        .region(aws_config::Region::new(region.to_string()))
                        .build()
                        .await,
                )
            })
            .await
            .as_ref()?;
        match chain.provide_credentials().await {
            Ok(c) => {
                *cached = Some(c.clone());
                Some(c)
            }
            Err(e) => {
                tracing::warn!("no AWS credentials found ({e}); calls go unsigned");
                None
            }
        }
    }
}

/// The headers SigV4 adds to a request (`Authorization`, `X-Amz-Date`, …).
#[allow(clippy::too_many_arguments)]
pub fn signature_headers(
    credentials: &Credentials,
    region: &str,
    signing_name: &str,
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: &[u8],
    content_sha256: bool,
) -> Result<Vec<(String, String)>, String> {
    let identity = credentials.clone().into();
    let mut settings = SigningSettings::default();
    if content_sha256 {
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    }
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(signing_name)
        .time(SystemTime::now())
        .settings(settings)
        .build()
        .map_err(|e| e.to_string())?
        .into();
    let signable = SignableRequest::new(
        method,
        url,
        headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::Bytes(body),
    )
    .map_err(|e| e.to_string())?;
    let (instructions, _) = sign(signable, &params)
        .map_err(|e| e.to_string())?
        .into_parts();
    let (added, _) = instructions.into_parts();
    Ok(added
        .into_iter()
        .map(|h| (h.name().to_string(), h.value().to_string()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_signed_for_its_region_and_service() {
        let creds = Credentials::new("AKIDEXAMPLE", "secret", None, None, "test");
        let added = signature_headers(
            &creds,
            "eu-west-1",
            "lambda",
            "POST",
            "http://127.0.0.1:9/2015-03-31/functions/f/invocations",
            &[("content-type".into(), "application/json".into())],
            b"{}",
            false,
        )
        .unwrap();
        let auth = added
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
            .map(|(_, v)| v.clone())
            .expect("Authorization");
        assert!(auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"));
        assert!(auth.contains("/eu-west-1/lambda/aws4_request"));
        assert!(added
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("x-amz-date")));
    }
}
