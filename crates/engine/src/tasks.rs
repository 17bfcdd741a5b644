//! Task tokens: the names of the tasks an execution waits on.
//!
//! A task token is derived from what identifies the waiting task in the history (execution,
//! frame, the id of the event that scheduled it), so it survives a restart unchanged: the
//! rebuilt execution hands out, and accepts, the same token.

use base64::Engine as _;

/// What a task token stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenParts {
    pub execution_arn: String,
    pub frame: u32,
    pub scheduled_event_id: u64,
}

const TOKEN_VERSION: &str = "v1";

pub fn make_token(execution_arn: &str, frame: u32, scheduled_event_id: u64) -> String {
    let raw = format!("{TOKEN_VERSION}|{frame}|{scheduled_event_id}|{execution_arn}");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
}

/// None when the text is not a token this server made.
pub fn parse_token(token: &str) -> Option<TokenParts> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let mut parts = text.splitn(4, '|');
    if parts.next()? != TOKEN_VERSION {
        return None;
    }
    let frame = parts.next()?.parse().ok()?;
    let scheduled_event_id = parts.next()?.parse().ok()?;
    let execution_arn = parts.next()?.to_string();
    if !execution_arn.starts_with("arn:") {
        return None;
    }
    Some(TokenParts {
        execution_arn,
        frame,
        scheduled_event_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_reject_foreign_text() {
        let arn = "arn:aws:states:us-east-1:123456789012:execution:m:e|with|bars";
        let token = make_token(arn, 7, 42);
        assert_eq!(
            parse_token(&token),
            Some(TokenParts {
                execution_arn: arn.into(),
                frame: 7,
                scheduled_event_id: 42
            })
        );
        assert_eq!(parse_token("not a token"), None);
        assert_eq!(parse_token(""), None);
        let other = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("v2|1|2|arn:x");
        assert_eq!(parse_token(&other), None);
    }
}
