//! Pagination as the model has it: `maxResults` 0–1000 (0 means the default of 100) and an opaque
//! `nextToken` (the base64 of the next offset); a token that is not ours is `InvalidToken`.

use base64::Engine as _;

use super::shapes::{required_string, ARN_MAX};
use super::{Request, Result};
use crate::input::{Input, Violations};
use crate::ApiError;
use engine::service::ErrorCode;

/// The ARN and the page of a List operation over one resource's children (versions, aliases,
/// map runs).
pub fn read_arn_and_page<'a>(
    input: &Input<'a>,
    name: &str,
    max: usize,
) -> Result<(&'a str, PageRequest)> {
    let mut v = Violations::default();
    let arn = required_string(input, name, max, &mut v)?;
    let page = PageRequest::read_into(input, MAX_TOKEN_LENGTH, &mut v)?;
    v.check()?;
    Ok((arn, page))
}

request! {
    /// The request of ListStateMachineVersions and of ListStateMachineAliases (their members are
    /// the same): the state machine and the page.
    pub struct StateMachineChildrenInput {
        pub state_machine_arn: String = state_machine_arn.to_string(),
        pub page: PageRequest = page,
    }
    read(input) {
        let (state_machine_arn, page) = read_arn_and_page(input, "stateMachineArn", ARN_MAX)?;
    }
}

const DEFAULT_PAGE_SIZE: usize = 100;
const MAX_PAGE_SIZE: i64 = 1000;
/// The model's `PageToken` length limit (ListExecutions' and GetExecutionHistory's tokens may be
/// longer: [`PageRequest::read_with_token_limit`]).
pub const MAX_TOKEN_LENGTH: usize = 1024;

/// The page a list request asks for.
pub struct PageRequest {
    size: usize,
    token: Option<String>,
}

impl PageRequest {
    /// Reads and checks `maxResults` and `nextToken` (before the list is read, as AWS checks the
    /// request first).
    pub fn read(input: &Input) -> Result<PageRequest> {
        Self::read_with_token_limit(input, MAX_TOKEN_LENGTH)
    }

    pub fn read_with_token_limit(input: &Input, max_token_length: usize) -> Result<PageRequest> {
        let mut violations = Violations::default();
        let page = Self::read_into(input, max_token_length, &mut violations)?;
        violations.check()?;
        Ok(page)
    }

    /// Reads the page members, adding their violations to an operation's others.
    pub fn read_into(
        input: &Input,
        max_token_length: usize,
        violations: &mut Violations,
    ) -> Result<PageRequest> {
        let max_results = input.opt_int("maxResults")?;
        let token = input.opt_str("nextToken")?;
        violations.range("maxResults", max_results, 0, MAX_PAGE_SIZE);
        violations.length("nextToken", token, 1, max_token_length);
        let size = match max_results {
            Some(n) if n > 0 => usize::try_from(n).unwrap_or(DEFAULT_PAGE_SIZE),
            _ => DEFAULT_PAGE_SIZE,
        };
        Ok(PageRequest {
            size,
            token: token.map(str::to_string),
        })
    }

    /// The requested page of `items`, each made into the response's list item by `item`, and the
    /// token of the next page if there is one.
    pub fn apply_map<T, U>(
        &self,
        items: Vec<T>,
        item: impl FnMut(T) -> U,
    ) -> Result<(Vec<U>, Option<String>)> {
        let (page, next_token) = self.apply(items)?;
        Ok((page.into_iter().map(item).collect(), next_token))
    }

    /// The requested page of `items`, and the token of the next page if there is one.
    pub fn apply<T>(&self, items: Vec<T>) -> Result<(Vec<T>, Option<String>)> {
        let start = match &self.token {
            None => 0,
            Some(token) => decode_offset(token)
                .filter(|offset| *offset <= items.len())
                .ok_or_else(|| {
                    ApiError::new(ErrorCode::InvalidToken, "Invalid Token: 'Invalid token'")
                })?,
        };
        let end = start.saturating_add(self.size).min(items.len());
        let next = (end < items.len()).then(|| encode_offset(end));
        let page = items.into_iter().skip(start).take(end - start).collect();
        Ok((page, next))
    }
}

fn encode_offset(offset: usize) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("offset:{offset}"))
}

fn decode_offset(token: &str) -> Option<usize> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(token)
        .ok()?;
    String::from_utf8(bytes)
        .ok()?
        .strip_prefix("offset:")?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn page(request: Value, items: Vec<u32>) -> Result<(Vec<u32>, Option<String>)> {
        PageRequest::read(&Input::new(&request))?.apply(items)
    }

    #[test]
    fn pages_follow_their_tokens_to_the_end() {
        let items: Vec<u32> = (0..250).collect();
        let (first, token) = page(json!({}), items.clone()).unwrap();
        assert_eq!(first.len(), 100);
        let (second, token) = page(json!({"nextToken": token}), items.clone()).unwrap();
        assert_eq!(second[0], 100);
        let (third, token) = page(json!({"nextToken": token}), items.clone()).unwrap();
        assert_eq!(third, (200..250).collect::<Vec<_>>());
        assert_eq!(token, None);
        let (small, token) = page(json!({"maxResults": 0}), vec![1, 2]).unwrap();
        assert_eq!((small, token), (vec![1, 2], None));
    }

    #[test]
    fn bad_tokens_and_sizes_are_refused_as_aws_refuses_them() {
        let error = page(json!({"nextToken": "InvalidToken"}), vec![1]).unwrap_err();
        assert_eq!(error.code, "InvalidToken");
        assert_eq!(error.message, "Invalid Token: 'Invalid token'");
        let error = page(json!({"maxResults": 1001}), vec![1]).unwrap_err();
        assert_eq!(
            error.message,
            "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000"
        );
        let long = "x".repeat(1025);
        let error = page(json!({"nextToken": long}), vec![1]).unwrap_err();
        assert_eq!(
            error.message,
            format!("1 validation error detected: Value '{long}' at 'nextToken' failed to satisfy constraint: Member must have length less than or equal to 1024")
        );
        // A token past the end of a list that shrank is not a valid position any more.
        let (_, token) = page(json!({"maxResults": 2}), vec![1, 2, 3, 4]).unwrap();
        assert_eq!(
            page(json!({"nextToken": token}), vec![1]).unwrap_err().code,
            "InvalidToken"
        );
    }
}
