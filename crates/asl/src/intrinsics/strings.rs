//! `States.StringSplit` and the `States.Format` template.

use crate::Value;

/// `States.StringSplit`: the pieces of `text` between any of the `delimiters` characters, empty
/// pieces left out (as Java's `StringTokenizer` does).
pub fn string_split(text: &str, delimiters: &str) -> Vec<Value> {
    text.split(|ch| delimiters.contains(ch))
        .filter(|piece| !piece.is_empty())
        .map(|piece| Value::String(piece.to_owned()))
        .collect()
}
/// A `States.Format` template split into literal text and `{}` placeholders.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct FormatTemplate {
    pub(super) segments: Vec<Segment>,
    pub(super) placeholders: usize,
    pub(super) text_len: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Segment {
    Text(String),
    Placeholder,
}

/// A `{` or `}` that is neither escaped nor part of `{}`: AWS fails such a call when it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct MalformedTemplate;

impl FormatTemplate {
    /// From the body of a string literal as written in the definition (between the quotes,
    /// escapes still in it): `\{` and `\}` are braces, not placeholders.
    pub(super) fn from_literal_body(body: &str) -> Result<FormatTemplate, MalformedTemplate> {
        Self::build(body, |next| matches!(next, '\'' | '{' | '}' | '\\'))
    }

    /// From a template read from the input at run time: only `\{` and `\}` are escapes there.
    pub(super) fn from_runtime_text(text: &str) -> Result<FormatTemplate, MalformedTemplate> {
        Self::build(text, |next| matches!(next, '{' | '}'))
    }

    fn build(
        text: &str,
        is_escapable: impl Fn(char) -> bool,
    ) -> Result<FormatTemplate, MalformedTemplate> {
        let mut template = FormatTemplate {
            segments: Vec::new(),
            placeholders: 0,
            text_len: 0,
        };
        let mut literal = String::new();
        let mut chars = text.chars().peekable();
        while let Some(ch) = chars.next() {
            match ch {
                '\\' => match chars.peek() {
                    Some(&next) if is_escapable(next) => {
                        literal.push(next);
                        chars.next();
                    }
                    _ => literal.push('\\'),
                },
                '{' if chars.peek() == Some(&'}') => {
                    chars.next();
                    if !literal.is_empty() {
                        template.text_len += literal.len();
                        template
                            .segments
                            .push(Segment::Text(std::mem::take(&mut literal)));
                    }
                    template.segments.push(Segment::Placeholder);
                    template.placeholders += 1;
                }
                '{' | '}' => return Err(MalformedTemplate),
                _ => literal.push(ch),
            }
        }
        if !literal.is_empty() {
            template.text_len += literal.len();
            template.segments.push(Segment::Text(literal));
        }
        Ok(template)
    }
}
