//! The syntax check of a definition's JSON text, reporting errors the way AWS does.
//!
//! AWS parses definitions with Jackson and returns Jackson's message as the
//! `INVALID_JSON_DESCRIPTION` diagnostic, e.g. `Unrecognized token 'not': was expecting (JSON
//! String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source:
//! (String)"not a definition"; line: 1, column: 4]`. serde_json's messages differ, so this
//! scanner walks the text once with an explicit stack (no recursion, so no stack overflow on
//! deeply nested input) and words its errors like Jackson; the value itself is then parsed by
//! serde_json.

/// A syntax error: Jackson's message (which ends with the location) and the location alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct JsonSyntaxError {
    pub message: String,
    pub location: String,
}

/// Jackson quotes at most this many characters of the source in its locations.
const MAX_SOURCE_SNIPPET: usize = 500;
/// Jackson stops collecting an unrecognized token after this many characters.
const MAX_ERROR_TOKEN_LENGTH: usize = 256;
const VALID_TOKENS: &str =
    "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

/// Checks that `text` holds exactly one JSON value (surrounded by optional white space).
/// Returns `Ok(false)` when the text is only white space.
pub(super) fn check_syntax(text: &str) -> Result<bool, JsonSyntaxError> {
    Scanner::new(text).run()
}

#[derive(Clone, Copy)]
enum Container {
    Object,
    Array,
}

impl Container {
    fn describe(self) -> &'static str {
        match self {
            Container::Object => "Object",
            Container::Array => "Array",
        }
    }
    fn close_marker(self) -> char {
        match self {
            Container::Object => '}',
            Container::Array => ']',
        }
    }
}

/// An open object or array, with where it started (for Jackson's "start marker at" texts).
struct Open {
    container: Container,
    line: usize,
    /// Where its line starts and where the marker is (columns are counted only for errors).
    row_start: usize,
    position: usize,
    /// No member has been read yet.
    empty: bool,
}

struct Scanner<'t> {
    text: &'t str,
    chars: Vec<char>,
    position: usize,
    line: usize,
    row_start: usize,
}

type Step<T> = Result<T, JsonSyntaxError>;

impl<'t> Scanner<'t> {
    fn new(text: &'t str) -> Self {
        Scanner {
            text,
            chars: text.chars().collect(),
            position: 0,
            line: 1,
            row_start: 0,
        }
    }

    fn run(mut self) -> Step<bool> {
        let Some(first) = self.next_significant()? else {
            return Ok(false);
        };
        let mut stack: Vec<Open> = Vec::new();
        self.value(first, &mut stack)?;
        while let Some(top) = stack.last_mut() {
            let container = top.container;
            let first_member = std::mem::replace(&mut top.empty, false);
            let Some(c) = self.next_significant()? else {
                return Err(self.eof_in_container(&stack));
            };
            if c == '}' || c == ']' {
                self.close(c, &mut stack)?;
                continue;
            }
            let c = if first_member {
                c
            } else {
                // A value has been read in this container: a comma must follow.
                if c != ',' {
                    return Err(self.unexpected_char(
                        c,
                        &format!(
                            "was expecting comma to separate {} entries",
                            container.describe()
                        ),
                    ));
                }
                let Some(c) = self.next_significant()? else {
                    return Err(self.error(format!(
                        "Unexpected end-of-input within/between {} entries",
                        container.describe()
                    )));
                };
                c
            };
            match container {
                Container::Object => self.member(c, &mut stack)?,
                Container::Array => self.value(c, &mut stack)?,
            }
        }
        match self.next_significant()? {
            None => Ok(true),
            Some(c) => Err(self.unexpected_char(c, "expected end-of-input")),
        }
    }

    /// Reads a value starting with `c` (already consumed). An object or array is only opened
    /// here (pushed on `stack`); `run` reads its members, so nesting needs no recursion.
    fn value(&mut self, c: char, stack: &mut Vec<Open>) -> Step<()> {
        match c {
            '"' => self.string("string value"),
            '{' | '[' => {
                stack.push(Open {
                    container: if c == '{' {
                        Container::Object
                    } else {
                        Container::Array
                    },
                    line: self.line,
                    row_start: self.row_start,
                    position: self.position.saturating_sub(1),
                    empty: true,
                });
                Ok(())
            }
            't' => self.keyword("true"),
            'f' => self.keyword("false"),
            'n' => self.keyword("null"),
            '-' | '0'..='9' => self.number(c, stack.is_empty()),
            _ => {
                if is_identifier_start(c) {
                    return Err(self.invalid_token(c.to_string()));
                }
                Err(self.unexpected_char(c, &format!("expected a valid value {VALID_TOKENS}")))
            }
        }
    }

    /// Reads `"name": value` of an object, starting at `c` (already consumed).
    fn member(&mut self, c: char, stack: &mut Vec<Open>) -> Step<()> {
        if c != '"' {
            return Err(self.unexpected_char(c, "was expecting double-quote to start field name"));
        }
        self.string("name")?;
        let Some(c) = self.next_significant()? else {
            return Err(self.error("Unexpected end-of-input within/between Object entries".into()));
        };
        if c != ':' {
            return Err(
                self.unexpected_char(c, "was expecting a colon to separate field name and value")
            );
        }
        let Some(c) = self.next_significant()? else {
            return Err(self.error("Unexpected end-of-input within/between Object entries".into()));
        };
        self.value(c, stack)
    }

    fn close(&mut self, marker: char, stack: &mut Vec<Open>) -> Step<()> {
        match stack.last() {
            Some(open) if open.container.close_marker() == marker => {
                stack.pop();
                Ok(())
            }
            Some(open) => {
                let start = self.location_at(
                    open.line,
                    column(&self.chars, open.row_start, open.position),
                );
                Err(self.error(format!(
                    "Unexpected close marker '{marker}': expected '{}' (for {} starting at {start})",
                    open.container.close_marker(),
                    open.container.describe()
                )))
            }
            None => {
                Err(self.unexpected_char(marker, &format!("expected a valid value {VALID_TOKENS}")))
            }
        }
    }

    fn string(&mut self, what: &str) -> Step<()> {
        loop {
            let Some(c) = self.bump() else {
                return Err(self.error(
                    "Unexpected end-of-input: was expecting closing quote for a string value"
                        .into(),
                ));
            };
            match c {
                '"' => return Ok(()),
                '\\' => self.escape()?,
                c if (c as u32) < 0x20 => {
                    return Err(self.error(format!(
                        "Illegal unquoted character ({}): has to be escaped using backslash to be included in {what}",
                        describe_char(c)
                    )));
                }
                _ => {}
            }
        }
    }

    fn escape(&mut self) -> Step<()> {
        let Some(c) = self.bump() else {
            return Err(self.error("Unexpected end-of-input in character escape sequence".into()));
        };
        match c {
            '"' | '\\' | '/' | 'b' | 'f' | 'n' | 'r' | 't' => Ok(()),
            'u' => {
                for _ in 0..4 {
                    let Some(h) = self.bump() else {
                        return Err(self
                            .error("Unexpected end-of-input in character escape sequence".into()));
                    };
                    if !h.is_ascii_hexdigit() {
                        return Err(self.unexpected_char(
                            h,
                            "expected a hex-digit for character escape sequence",
                        ));
                    }
                }
                Ok(())
            }
            other => Err(self.error(format!(
                "Unrecognized character escape {}",
                describe_char(other)
            ))),
        }
    }

    /// Matches the rest of `true`/`false`/`null`; the first letter is already consumed.
    fn keyword(&mut self, word: &str) -> Step<()> {
        for (matched, expected) in word.chars().enumerate().skip(1) {
            if self.peek() != Some(expected) {
                return Err(self.invalid_token(word.chars().take(matched).collect()));
            }
            self.position += 1;
        }
        if self.peek().is_some_and(is_identifier_part) {
            return Err(self.invalid_token(word.to_string()));
        }
        Ok(())
    }

    fn number(&mut self, first: char, at_root: bool) -> Step<()> {
        let mut c = first;
        if first == '-' {
            match self.bump() {
                None => return Err(self.error("Unexpected end-of-input in a Number value".into())),
                Some(d) if d.is_ascii_digit() => c = d,
                Some(other) => {
                    return Err(self.unexpected_number_char(
                        other,
                        "expected digit (0-9) to follow minus sign, for valid numeric value",
                    ))
                }
            }
        }
        if c == '0' && self.peek().is_some_and(|d| d.is_ascii_digit()) {
            return Err(self.error("Invalid numeric value: Leading zeroes not allowed".into()));
        }
        self.skip_digits();
        if self.peek() == Some('.') {
            self.position += 1;
            match self.bump() {
                Some(d) if d.is_ascii_digit() => self.skip_digits(),
                Some(other) => {
                    return Err(
                        self.unexpected_number_char(other, "Decimal point not followed by a digit")
                    )
                }
                None => return Err(self.error("Unexpected end-of-input in a Number value".into())),
            }
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            self.position += 1;
            if matches!(self.peek(), Some('+' | '-')) {
                self.position += 1;
            }
            match self.bump() {
                Some(d) if d.is_ascii_digit() => self.skip_digits(),
                Some(other) => {
                    return Err(self.unexpected_number_char(
                        other,
                        "Exponent indicator not followed by a digit",
                    ))
                }
                None => return Err(self.error("Unexpected end-of-input in a Number value".into())),
            }
        }
        if at_root {
            if let Some(next) = self.peek() {
                if !is_json_white_space(next) {
                    self.position += 1;
                    return Err(
                        self.unexpected_char(next, "Expected space separating root-level values")
                    );
                }
            }
        }
        Ok(())
    }

    fn skip_digits(&mut self) {
        while self.peek().is_some_and(|d| d.is_ascii_digit()) {
            self.position += 1;
        }
    }

    /// Skips white space and returns the next character (consumed), `None` at the end.
    fn next_significant(&mut self) -> Step<Option<char>> {
        while let Some(c) = self.bump() {
            match c {
                ' ' | '\t' => {}
                '\n' => self.new_line(),
                '\r' => {
                    if self.peek() == Some('\n') {
                        self.position += 1;
                    }
                    self.new_line();
                }
                '/' | '#' => {
                    return Err(self.unexpected_char(
                        c,
                        "maybe a (non-standard) comment? (not recognized as one since Feature 'ALLOW_COMMENTS' not enabled for parser)",
                    ))
                }
                c if (c as u32) < 0x20 => {
                    return Err(self.error(format!(
                        "Illegal character ({}): only regular white space (\\r, \\n, \\t) is allowed between tokens",
                        describe_char(c)
                    )))
                }
                c => return Ok(Some(c)),
            }
        }
        Ok(None)
    }

    fn new_line(&mut self) {
        self.line += 1;
        self.row_start = self.position;
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.chars.get(self.position).copied()?;
        self.position += 1;
        Some(c)
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.position).copied()
    }

    /// The column of the current read position.
    fn column(&self) -> usize {
        column(&self.chars, self.row_start, self.position)
    }

    fn location_at(&self, line: usize, column: usize) -> String {
        format!(
            "[Source: {}; line: {line}, column: {column}]",
            self.source_description()
        )
    }

    fn source_description(&self) -> String {
        let total = self.chars.len();
        let mut description = String::with_capacity(self.text.len().min(MAX_SOURCE_SNIPPET) + 32);
        description.push_str("(String)\"");
        for &c in self.chars.iter().take(MAX_SOURCE_SNIPPET) {
            // Jackson escapes control characters other than line breaks and tabs.
            if c.is_control() && !matches!(c, '\r' | '\n' | '\t') {
                description.push_str(&format!("\\u{:04x}", c as u32));
            } else {
                description.push(c);
            }
        }
        description.push('"');
        if total > MAX_SOURCE_SNIPPET {
            description.push_str(&format!("[truncated {} chars]", total - MAX_SOURCE_SNIPPET));
        }
        description
    }

    fn error(&self, message: String) -> JsonSyntaxError {
        let location = self.location_at(self.line, self.column());
        JsonSyntaxError {
            message: format!("{message}\n at {location}"),
            location,
        }
    }

    fn unexpected_char(&self, c: char, comment: &str) -> JsonSyntaxError {
        self.error(format!(
            "Unexpected character ({}): {comment}",
            describe_char(c)
        ))
    }

    fn unexpected_number_char(&self, c: char, comment: &str) -> JsonSyntaxError {
        self.error(format!(
            "Unexpected character ({}) in numeric value: {comment}",
            describe_char(c)
        ))
    }

    /// Jackson keeps reading identifier characters to show the whole bad token.
    fn invalid_token(&mut self, mut token: String) -> JsonSyntaxError {
        while token.chars().count() < MAX_ERROR_TOKEN_LENGTH {
            match self.peek() {
                Some(c) if is_identifier_part(c) => {
                    token.push(c);
                    self.position += 1;
                }
                _ => break,
            }
        }
        self.error(format!(
            "Unrecognized token '{token}': was expecting {VALID_TOKENS}"
        ))
    }

    fn eof_in_container(&self, stack: &[Open]) -> JsonSyntaxError {
        let Some(open) = stack.last() else {
            return self.error("Unexpected end-of-input".into());
        };
        let start = self.location_at(
            open.line,
            column(&self.chars, open.row_start, open.position),
        );
        self.error(format!(
            "Unexpected end-of-input: expected close marker for {} (start marker at {start})",
            open.container.describe()
        ))
    }
}

/// Jackson counts columns in UTF-16 units, from 1.
fn column(chars: &[char], row_start: usize, position: usize) -> usize {
    let position = position.min(chars.len());
    let start = row_start.min(position);
    chars[start..position]
        .iter()
        .map(|c| c.len_utf16())
        .sum::<usize>()
        + 1
}

fn is_json_white_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// Approximates Java's `Character.isJavaIdentifierStart`.
fn is_identifier_start(c: char) -> bool {
    c.is_alphabetic() || c == '$' || c == '_'
}

/// Approximates Java's `Character.isJavaIdentifierPart`.
fn is_identifier_part(c: char) -> bool {
    c.is_alphanumeric() || c == '$' || c == '_'
}

/// Jackson's description of a character in its messages.
fn describe_char(c: char) -> String {
    let code = c as u32;
    if c.is_control() {
        format!("(CTRL-CHAR, code {code})")
    } else if code > 255 {
        format!("'{c}' (code {code} / 0x{code:x})")
    } else {
        format!("'{c}' (code {code})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syntax_error_of(text: &str) -> JsonSyntaxError {
        match check_syntax(text) {
            Err(error) => error,
            Ok(found) => panic!("expected a syntax error for {text:?}, got Ok({found})"),
        }
    }

    fn error_of(text: &str) -> String {
        syntax_error_of(text).message
    }

    fn location_of(text: &str) -> String {
        syntax_error_of(text).location
    }

    #[test]
    fn accepts_valid_json_and_reports_blank_text() {
        assert_eq!(check_syntax(" \n\t"), Ok(false));
        assert_eq!(check_syntax("{}"), Ok(true));
        assert_eq!(
            check_syntax(
                "{\"a\": [1, -2.5e+3, true, false, null, \"x\\u00e9\\n\"], \"b\": {}}\r\n"
            ),
            Ok(true)
        );
        assert_eq!(check_syntax("42"), Ok(true));
    }

    #[test]
    fn words_an_unrecognized_token_like_jackson() {
        // Recorded from AWS (ValidateStateMachineDefinition, NOT_A_DEF).
        let error = check_syntax("not a definition").unwrap_err();
        assert_eq!(
            error.message,
            "Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at [Source: (String)\"not a definition\"; line: 1, column: 4]"
        );
        assert_eq!(
            error.location,
            "[Source: (String)\"not a definition\"; line: 1, column: 4]"
        );
    }

    #[test]
    fn words_structural_errors_like_jackson() {
        assert_eq!(
            error_of("{"),
            "Unexpected end-of-input: expected close marker for Object (start marker at [Source: (String)\"{\"; line: 1, column: 1])\n at [Source: (String)\"{\"; line: 1, column: 2]"
        );
        assert!(error_of("{a}").starts_with(
            "Unexpected character ('a' (code 97)): was expecting double-quote to start field name"
        ));
        assert!(error_of("{\"a\" 1}").starts_with(
            "Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value"
        ));
        assert!(error_of("[1 2]").starts_with(
            "Unexpected character ('2' (code 50)): was expecting comma to separate Array entries"
        ));
        assert!(error_of("[1,]")
            .starts_with("Unexpected character (']' (code 93)): expected a valid value"));
        assert!(error_of("{\"a\":1]").starts_with(
            "Unexpected close marker ']': expected '}' (for Object starting at [Source: (String)\"{\"a\":1]\"; line: 1, column: 1])"
        ));
        assert!(error_of("\"abc").starts_with(
            "Unexpected end-of-input: was expecting closing quote for a string value"
        ));
        assert!(error_of("[tru]").starts_with("Unrecognized token 'tru': was expecting"));
        assert!(error_of("[nullx]").starts_with("Unrecognized token 'nullx': was expecting"));
        assert!(error_of("{} x")
            .starts_with("Unexpected character ('x' (code 120)): expected end-of-input"));
        assert!(error_of("01").starts_with("Invalid numeric value: Leading zeroes not allowed"));
        assert!(error_of("[\"a\\q\"]").starts_with("Unrecognized character escape 'q' (code 113)"));
        assert!(error_of("[\"a\nb\"]").starts_with(
            "Illegal unquoted character ((CTRL-CHAR, code 10)): has to be escaped using backslash to be included in string value"
        ));
    }

    #[test]
    fn counts_lines_and_columns() {
        let location = location_of("{\n  \"a\": x\n}");
        assert!(location.ends_with("; line: 2, column: 9]"), "{location}");
    }

    #[test]
    fn truncates_long_sources_as_jackson_does() {
        let text = format!("[{}", "1,".repeat(300));
        let location = location_of(&text);
        assert!(
            location.contains("\"[truncated 101 chars]; line: 1"),
            "{location}"
        );
    }

    #[test]
    fn survives_deep_nesting() {
        let text = "[".repeat(100_000) + &"]".repeat(100_000);
        assert_eq!(check_syntax(&text), Ok(true));
    }
}
