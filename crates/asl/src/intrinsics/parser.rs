//! Reading an intrinsic call's text into a [`Call`].

use super::strings::FormatTemplate;
use super::{Argument, Call, IntrinsicFunction, MAX_NESTING_DEPTH};
use crate::jsonpath::JsonPath;
use crate::Value;
use serde_json::Number;

pub(super) struct Parser<'a> {
    pub(super) text: &'a str,
    pub(super) pos: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    pub(super) fn skip_whitespace(&mut self) {
        while self.peek().is_some_and(|byte| byte.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, wanted: u8, context: &str) -> Result<(), String> {
        self.skip_whitespace();
        if self.peek() == Some(wanted) {
            self.pos += 1;
            Ok(())
        } else {
            Err(format!(
                "expected '{}' {context} at position {}",
                char::from(wanted),
                self.pos
            ))
        }
    }

    /// A run of name characters (`States.Format`, `true`, `null`, …).
    fn word(&mut self) -> &'a str {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|byte| byte.is_ascii_alphanumeric() || byte == b'.' || byte == b'_')
        {
            self.pos += 1;
        }
        &self.text[start..self.pos]
    }

    pub(super) fn parse_call(&mut self, depth: usize) -> Result<Call, String> {
        if depth > MAX_NESTING_DEPTH {
            return Err(format!(
                "intrinsic functions are nested more than {MAX_NESTING_DEPTH} deep"
            ));
        }
        let name_at = self.pos;
        let name = self.word();
        let function = IntrinsicFunction::from_name(name).ok_or_else(|| {
            if name.is_empty() {
                format!("expected an intrinsic function at position {name_at}")
            } else {
                format!("unknown intrinsic function '{name}'")
            }
        })?;
        let context = format!("after {name}");
        self.expect(b'(', &context)?;
        let mut arguments = Vec::new();
        let mut literal_template = None;
        self.skip_whitespace();
        if self.peek() == Some(b')') {
            self.pos += 1;
        } else {
            loop {
                self.skip_whitespace();
                let argument = match self.peek() {
                    Some(b'\'') => {
                        let (value, body) = self.string_literal()?;
                        if function == IntrinsicFunction::Format && arguments.is_empty() {
                            literal_template = Some(FormatTemplate::from_literal_body(body));
                        }
                        Argument::Literal(Value::String(value))
                    }
                    Some(b'$') => Argument::Path(self.path()?),
                    Some(byte) if byte == b'-' || byte.is_ascii_digit() => {
                        Argument::Literal(self.number()?)
                    }
                    Some(byte) if byte.is_ascii_alphabetic() => {
                        let word_at = self.pos;
                        match self.word() {
                            "true" => Argument::Literal(Value::Bool(true)),
                            "false" => Argument::Literal(Value::Bool(false)),
                            "null" => Argument::Literal(Value::Null),
                            _ => {
                                self.pos = word_at;
                                Argument::Call(Box::new(self.parse_call(depth + 1)?))
                            }
                        }
                    }
                    _ => {
                        return Err(format!(
                            "expected an argument of {name} at position {}",
                            self.pos
                        ))
                    }
                };
                arguments.push(argument);
                self.skip_whitespace();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b')') => {
                        self.pos += 1;
                        break;
                    }
                    _ => {
                        return Err(format!(
                            "expected ',' or ')' in the arguments of {name} at position {}",
                            self.pos
                        ))
                    }
                }
            }
        }
        Ok(Call {
            function,
            arguments,
            literal_template,
        })
    }

    /// A single-quoted string; `\'`, `\{`, `\}` and `\\` are the only escapes. Returns the value
    /// and the body as written (for `States.Format` templates).
    fn string_literal(&mut self) -> Result<(String, &'a str), String> {
        let open_at = self.pos;
        self.pos += 1;
        let body_start = self.pos;
        let mut value = String::new();
        let mut chars = self.text[body_start..].char_indices();
        while let Some((offset, ch)) = chars.next() {
            match ch {
                '\'' => {
                    self.pos = body_start + offset + 1;
                    return Ok((value, &self.text[body_start..body_start + offset]));
                }
                '\\' => match chars.next() {
                    Some((_, escaped @ ('\'' | '{' | '}' | '\\'))) => value.push(escaped),
                    _ => {
                        return Err(format!(
                            "invalid escape sequence in the string at position {}",
                            body_start + offset
                        ))
                    }
                },
                _ => value.push(ch),
            }
        }
        Err(format!(
            "unterminated string starting at position {open_at}"
        ))
    }

    /// A JSON number: `-`? (`0` | [1-9][0-9]*) (`.` [0-9]+)? ([eE] [+-]? [0-9]+)?
    fn number(&mut self) -> Result<Value, String> {
        let start = self.pos;
        let bad = |at: usize| format!("invalid number at position {at}");
        let bytes = self.text.as_bytes();
        let digits_from = |mut pos: usize| {
            while bytes.get(pos).is_some_and(u8::is_ascii_digit) {
                pos += 1;
            }
            pos
        };
        let mut pos = start;
        if bytes.get(pos) == Some(&b'-') {
            pos += 1;
        }
        let integer_end = digits_from(pos);
        if integer_end == pos || (bytes[pos] == b'0' && integer_end > pos + 1) {
            return Err(bad(start));
        }
        pos = integer_end;
        let mut is_float = false;
        if bytes.get(pos) == Some(&b'.') {
            let fraction_end = digits_from(pos + 1);
            if fraction_end == pos + 1 {
                return Err(bad(start));
            }
            pos = fraction_end;
            is_float = true;
        }
        if matches!(bytes.get(pos), Some(b'e' | b'E')) {
            pos += 1;
            if matches!(bytes.get(pos), Some(b'+' | b'-')) {
                pos += 1;
            }
            let exponent_end = digits_from(pos);
            if exponent_end == pos {
                return Err(bad(start));
            }
            pos = exponent_end;
            is_float = true;
        }
        if bytes
            .get(pos)
            .is_some_and(|byte| byte.is_ascii_alphanumeric() || *byte == b'.')
        {
            return Err(bad(start));
        }
        self.pos = pos;
        let literal = &self.text[start..pos];
        if !is_float {
            if let Ok(int) = literal.parse::<i64>() {
                return Ok(Value::from(int));
            }
            if let Ok(int) = literal.parse::<u64>() {
                return Ok(Value::from(int));
            }
        }
        literal
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| format!("number out of range at position {start}"))
    }

    /// A path (`$`, `$.a[0]`, `$$.Execution.Id`, `$var.x`, `$.a[?(@.b == 'x,y')]`): everything up
    /// to the `,` or `)` that ends the argument, brackets, parentheses and quotes respected.
    fn path(&mut self) -> Result<JsonPath, String> {
        let start = self.pos;
        let mut nesting = 0usize;
        let mut quote: Option<char> = None;
        let mut end = self.text.len();
        let mut chars = self.text[start..].char_indices();
        while let Some((offset, ch)) = chars.next() {
            match quote {
                Some(open) => {
                    if ch == '\\' {
                        chars.next();
                    } else if ch == open {
                        quote = None;
                    }
                }
                None => match ch {
                    '\'' | '"' if nesting > 0 => quote = Some(ch),
                    '[' | '(' => nesting += 1,
                    ']' | ')' if nesting > 0 => nesting -= 1,
                    ',' | ')' => {
                        end = start + offset;
                        break;
                    }
                    _ => {}
                },
            }
        }
        self.pos = end;
        let text = self.text[start..end].trim_end();
        JsonPath::parse(text).map_err(|error| format!("invalid path '{text}': {error}"))
    }
}
