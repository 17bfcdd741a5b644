//! Reading a path's text into its parsed form, the way Jayway's `PathCompiler` does.

use regex::Regex;
use serde_json::{Map, Number};

use super::{
    is_token_definite, CompiledPath, Filter, FilterExpression, Operand, Operator, PathSyntaxError,
    Pattern, Root, Step,
};
use crate::Value;

fn syntax_error(message: impl Into<String>) -> PathSyntaxError {
    PathSyntaxError {
        message: message.into(),
    }
}

/// How deeply filters, parentheses and negations may nest: parsing and evaluation recurse on
/// them, and no real path comes close.
const MAX_NESTING: usize = 64;

/// Evaluation recurses once per step; real paths have a handful.
const MAX_STEPS: usize = 256;

/// Reads a path the way Jayway's `PathCompiler` does, with AWS's roots on top.
pub(super) struct PathParser<'t> {
    text: &'t str,
    chars: Vec<char>,
    position: usize,
    /// Filters and groups enclosing this path (a filter operand is a path inside a filter).
    depth: usize,
}

impl<'t> PathParser<'t> {
    pub(super) fn new(text: &'t str, depth: usize) -> Self {
        PathParser {
            text,
            chars: text.chars().collect(),
            position: 0,
            depth,
        }
    }

    fn current(&self) -> Option<char> {
        self.chars.get(self.position).copied()
    }

    fn char_at(&self, index: usize) -> Option<char> {
        self.chars.get(index).copied()
    }

    /// The index of the next non-blank character at or after `from`.
    fn next_significant(&self, from: usize) -> Option<usize> {
        (from..self.chars.len()).find(|&i| !self.chars[i].is_whitespace())
    }

    /// [`Self::next_significant`] when it is `expected`.
    fn next_significant_is(&self, from: usize, expected: char) -> Option<usize> {
        self.next_significant(from)
            .filter(|&i| self.chars[i] == expected)
    }

    fn collect(&self, from: usize, to: usize) -> String {
        self.chars[from..to].iter().collect()
    }

    /// A path as written in a definition: `$`, `$$` or `$name`, then steps.
    pub(super) fn parse_top_level(mut self) -> Result<CompiledPath, PathSyntaxError> {
        if self.current() != Some('$') {
            return Err(syntax_error(format!(
                "The path '{}' must start with '$'",
                self.text
            )));
        }
        self.position = 1;
        let root = match self.current() {
            None | Some('.') | Some('[') => Root::Input,
            Some('$') => {
                self.position = 2;
                Root::Context
            }
            Some(_) => Root::Variable(self.read_variable_name()?),
        };
        self.finish(root)
    }

    /// A filter operand: `@…` or `$…` (the document the outer path is evaluated against).
    fn parse_filter_operand(mut self) -> Result<CompiledPath, PathSyntaxError> {
        let root = match self.current() {
            Some('@') => Root::Current,
            Some('$') => Root::Input,
            _ => return Err(syntax_error("Filter paths must start with '@' or '$'")),
        };
        self.position = 1;
        self.finish(root)
    }

    fn finish(mut self, root: Root) -> Result<CompiledPath, PathSyntaxError> {
        let mut steps = Vec::new();
        match self.current() {
            None => {}
            Some('.') | Some('[') => {
                while self.position < self.chars.len() {
                    if steps.len() >= MAX_STEPS {
                        return Err(syntax_error(format!(
                            "Path '{}' has more than {MAX_STEPS} steps",
                            self.text
                        )));
                    }
                    self.read_next_token(&mut steps)?;
                }
            }
            Some(other) => {
                return Err(syntax_error(format!(
                    "Illegal character '{other}' at position {} in path '{}': expected '.' or '['",
                    self.position, self.text
                )))
            }
        }
        let step_count = steps.len();
        let first_indefinite = steps
            .iter()
            .enumerate()
            .position(|(i, step)| !is_token_definite(step, i + 1 == step_count))
            .unwrap_or(step_count);
        Ok(CompiledPath {
            text: self.text.to_string(),
            root,
            definite: first_indefinite == step_count,
            first_indefinite,
            steps: steps.into_boxed_slice(),
        })
    }

    /// Variable names: a letter or `_`, then letters, digits or `_`.
    fn read_variable_name(&mut self) -> Result<String, PathSyntaxError> {
        let start = self.position;
        while let Some(c) = self.current() {
            if c == '.' || c == '[' {
                break;
            }
            let valid = if self.position == start {
                c.is_alphabetic() || c == '_'
            } else {
                c.is_alphanumeric() || c == '_'
            };
            if !valid {
                return Err(syntax_error(format!(
                    "Invalid character '{c}' in the variable name of path '{}'",
                    self.text
                )));
            }
            self.position += 1;
        }
        Ok(self.collect(start, self.position))
    }

    fn read_next_token(&mut self, steps: &mut Vec<Step>) -> Result<(), PathSyntaxError> {
        match self.current() {
            Some('[') => self.read_bracket_token(steps),
            Some('.') => self.read_dot_token(steps),
            Some('*') => {
                self.position += 1;
                steps.push(Step::Wildcard);
                Ok(())
            }
            Some(_) => self.read_property_token(steps),
            None => Err(syntax_error(format!(
                "Path '{}' must not end with a '.' or '..'",
                self.text
            ))),
        }
    }

    fn read_dot_token(&mut self, steps: &mut Vec<Step>) -> Result<(), PathSyntaxError> {
        if self.char_at(self.position + 1) == Some('.') {
            steps.push(Step::Scan);
            self.position += 2;
        } else {
            self.position += 1;
        }
        match self.current() {
            None => Err(syntax_error(format!(
                "Path '{}' must not end with a '.' or '..'",
                self.text
            ))),
            Some('.') => Err(syntax_error(format!(
                "Character '.' on position {} is not valid in path '{}'",
                self.position, self.text
            ))),
            Some(_) => self.read_next_token(steps),
        }
    }

    /// A name after a dot: everything up to the next `.` or `[`. A `(` starts a Jayway function
    /// call, which AWS does not run: the call stays part of the name (so it is simply missing).
    fn read_property_token(&mut self, steps: &mut Vec<Step>) -> Result<(), PathSyntaxError> {
        let start = self.position;
        while let Some(c) = self.current() {
            match c {
                '.' | '[' => break,
                c if c.is_whitespace() => {
                    return Err(syntax_error(format!(
                        "Use bracket notation ['my prop'] if your property contains blank characters. position: {} in path '{}'",
                        self.position, self.text
                    )))
                }
                '(' => {
                    let close = self.matching_close(self.position, '(', ')').ok_or_else(|| {
                        syntax_error(format!(
                            "Arguments to function are not closed properly in path '{}'",
                            self.text
                        ))
                    })?;
                    self.position = close + 1;
                }
                _ => self.position += 1,
            }
        }
        steps.push(Step::Field {
            name: self.collect(start, self.position),
            quote: '\'',
        });
        Ok(())
    }

    fn read_bracket_token(&mut self, steps: &mut Vec<Step>) -> Result<(), PathSyntaxError> {
        let inner = self
            .next_significant(self.position + 1)
            .ok_or_else(|| syntax_error(format!("Path '{}' is not closed", self.text)))?;
        match self.chars[inner] {
            '\'' | '"' => self.read_bracket_properties(inner, steps),
            '*' => {
                let close = self.next_significant_is(inner + 1, ']').ok_or_else(|| {
                    syntax_error(format!(
                        "Expected wildcard token to end with ']' on position {} in path '{}'",
                        inner + 1,
                        self.text
                    ))
                })?;
                self.position = close + 1;
                steps.push(Step::Wildcard);
                Ok(())
            }
            '?' => self.read_filter(inner, steps),
            c if c.is_ascii_digit() || c == '-' || c == ':' => self.read_array_token(steps),
            _ => Err(syntax_error(format!(
                "Could not parse token starting at position {} in path '{}'. Expected ?, ', 0-9, *",
                self.position, self.text
            ))),
        }
    }

    /// `['a']`, `["a"]`, `['a','b']`. A backslash protects the next character from ending the
    /// name but stays in it (see the module documentation).
    fn read_bracket_properties(
        &mut self,
        opening: usize,
        steps: &mut Vec<Step>,
    ) -> Result<(), PathSyntaxError> {
        let quote = self.chars[opening];
        let mut names = Vec::new();
        let mut index = opening;
        let mut in_name = false;
        let mut escaped = false;
        let mut name_start = 0;
        let mut after_comma = false;
        let close = loop {
            let Some(c) = self.char_at(index) else {
                return Err(syntax_error(if in_name {
                    format!(
                        "Property has not been closed - missing closing {quote} in path '{}'",
                        self.text
                    )
                } else {
                    format!(
                        "Property has not been closed - missing closing ] in path '{}'",
                        self.text
                    )
                }));
            };
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == quote {
                if in_name {
                    match self.next_significant(index + 1).map(|i| self.chars[i]) {
                        Some(']') | Some(',') => {}
                        _ => {
                            return Err(syntax_error(format!(
                                "Property must be separated by comma or Property must be terminated close square bracket at index {index} in path '{}'",
                                self.text
                            )))
                        }
                    }
                    names.push(self.collect(name_start, index));
                    in_name = false;
                } else {
                    name_start = index + 1;
                    in_name = true;
                    after_comma = false;
                }
            } else if !in_name {
                match c {
                    ']' if after_comma => {
                        return Err(syntax_error(format!(
                            "Found empty property at index {index} in path '{}'",
                            self.text
                        )))
                    }
                    ']' => break index,
                    ',' if after_comma => {
                        return Err(syntax_error(format!(
                            "Found empty property at index {index} in path '{}'",
                            self.text
                        )))
                    }
                    ',' => after_comma = true,
                    c if c.is_whitespace() => {}
                    _ => {
                        return Err(syntax_error(format!(
                            "Unexpected character '{c}' at index {index} in path '{}'",
                            self.text
                        )))
                    }
                }
            }
            index += 1;
        };
        self.position = close + 1;
        if names.len() == 1 {
            let name = names.pop().unwrap_or_default();
            steps.push(Step::Field { name, quote });
        } else {
            steps.push(Step::Fields { names, quote });
        }
        Ok(())
    }

    /// `[1]`, `[-1]`, `[0,2]`, `[1:3]`, `[-2:]`, `[:2]`.
    fn read_array_token(&mut self, steps: &mut Vec<Step>) -> Result<(), PathSyntaxError> {
        let close = (self.position + 1..self.chars.len())
            .find(|&i| self.chars[i] == ']')
            .ok_or_else(|| syntax_error(format!("Path '{}' is not closed", self.text)))?;
        let expression = self.collect(self.position + 1, close);
        let expression = expression.trim();
        if let Some(bad) = expression
            .chars()
            .find(|c| !(c.is_ascii_digit() || matches!(c, ',' | '-' | ':' | ' ')))
        {
            return Err(syntax_error(format!(
                "Invalid character '{bad}' in array operation '[{expression}]' of path '{}'",
                self.text
            )));
        }
        let parse_bound = |part: &str| -> Result<Option<i64>, PathSyntaxError> {
            let part = part.trim();
            if part.is_empty() {
                return Ok(None);
            }
            part.parse::<i64>().map(Some).map_err(|_| {
                syntax_error(format!(
                    "Failed to parse array operation '[{expression}]' of path '{}'",
                    self.text
                ))
            })
        };
        let step = if expression.contains(':') {
            let parts: Vec<&str> = expression.split(':').collect();
            if parts.len() != 2 {
                return Err(syntax_error(format!(
                    "Failed to parse SliceOperation: {expression} in path '{}'",
                    self.text
                )));
            }
            let from = parse_bound(parts[0])?;
            let to = parse_bound(parts[1])?;
            if from.is_none() && to.is_none() {
                return Err(syntax_error(format!(
                    "Failed to parse SliceOperation: {expression} in path '{}'",
                    self.text
                )));
            }
            Step::Slice { from, to }
        } else {
            let mut indexes = Vec::new();
            for part in expression.split(',') {
                match parse_bound(part)? {
                    Some(index) => indexes.push(index),
                    None => {
                        return Err(syntax_error(format!(
                            "Failed to parse array index '[{expression}]' of path '{}'",
                            self.text
                        )))
                    }
                }
            }
            if indexes.len() == 1 {
                Step::Index(indexes[0])
            } else {
                Step::Indexes(indexes)
            }
        };
        self.position = close + 1;
        steps.push(step);
        Ok(())
    }

    /// `[?(<expression>)]`.
    fn read_filter(
        &mut self,
        question_mark: usize,
        steps: &mut Vec<Step>,
    ) -> Result<(), PathSyntaxError> {
        let unclosed = || syntax_error(format!("Filter is not closed in path '{}'", self.text));
        let open = self
            .next_significant_is(question_mark + 1, '(')
            .ok_or_else(|| {
                syntax_error(format!(
                    "Filter must start with '[?(' in path '{}'",
                    self.text
                ))
            })?;
        let close = self.matching_close(open, '(', ')').ok_or_else(unclosed)?;
        let bracket = self
            .next_significant_is(close + 1, ']')
            .ok_or_else(unclosed)?;
        let text = self.collect(open + 1, close);
        if self.depth >= MAX_NESTING {
            return Err(syntax_error(format!(
                "Filters are nested too deeply in path '{}'",
                self.text
            )));
        }
        let expression = FilterParser::new(&text, self.depth + 1).parse()?;
        self.position = bracket + 1;
        steps.push(Step::Filter(Box::new(Filter { text, expression })));
        Ok(())
    }

    /// The index of the character closing the group opened at `open`, skipping quoted strings
    /// and regular expressions.
    fn matching_close(&self, open: usize, opening: char, closing: char) -> Option<usize> {
        matching_close(&self.chars, open, opening, closing)
    }
}

/// The index of the `closing` character that matches the `opening` one at `open`, skipping
/// quoted strings (with backslash escapes) and `/regex/` literals.
fn matching_close(chars: &[char], open: usize, opening: char, closing: char) -> Option<usize> {
    let mut depth = 0usize;
    let mut index = open;
    while index < chars.len() {
        let c = chars[index];
        if c == '\'' || c == '"' || c == '/' {
            index = closing_quote(chars, index)?;
        } else if c == opening {
            depth += 1;
        } else if c == closing {
            depth = depth.checked_sub(1)?;
            if depth == 0 {
                return Some(index);
            }
        }
        index += 1;
    }
    None
}

/// The index of the unescaped delimiter closing the string that starts at `open`.
fn closing_quote(chars: &[char], open: usize) -> Option<usize> {
    let delimiter = chars[open];
    let mut index = open + 1;
    while index < chars.len() {
        match chars[index] {
            '\\' => index += 2,
            c if c == delimiter => return Some(index),
            _ => index += 1,
        }
    }
    None
}

/// Reads a filter expression (the text between `[?(` and `)]`), with `||` binding looser than
/// `&&`, `!` negating, and parentheses grouping.
struct FilterParser {
    chars: Vec<char>,
    position: usize,
    /// Filters, parentheses and negations enclosing the current position.
    depth: usize,
}

impl FilterParser {
    pub(super) fn new(text: &str, depth: usize) -> Self {
        FilterParser {
            chars: text.chars().collect(),
            position: 0,
            depth,
        }
    }

    /// Runs `parse` one nesting level deeper, refusing absurd depths.
    fn nested<T>(
        &mut self,
        parse: impl FnOnce(&mut Self) -> Result<T, PathSyntaxError>,
    ) -> Result<T, PathSyntaxError> {
        if self.depth >= MAX_NESTING {
            return Err(self.error("expression nested too deeply"));
        }
        self.depth += 1;
        let result = parse(self);
        self.depth -= 1;
        result
    }

    fn error(&self, message: &str) -> PathSyntaxError {
        let text: String = self.chars.iter().collect();
        syntax_error(format!(
            "Could not compile inline filter [?({text})]: {message} at position {}",
            self.position
        ))
    }

    fn skip_blanks(&mut self) {
        while self.current().is_some_and(char::is_whitespace) {
            self.position += 1;
        }
    }

    fn current(&self) -> Option<char> {
        self.chars.get(self.position).copied()
    }

    fn peek(&self, offset: usize) -> Option<char> {
        self.chars.get(self.position + offset).copied()
    }

    fn starts_with(&self, token: &str) -> bool {
        token
            .chars()
            .enumerate()
            .all(|(i, c)| self.peek(i) == Some(c))
    }

    pub(super) fn parse(mut self) -> Result<FilterExpression, PathSyntaxError> {
        let expression = self.parse_or()?;
        self.skip_blanks();
        if self.position < self.chars.len() {
            return Err(self.error("unexpected text"));
        }
        Ok(expression)
    }

    fn parse_or(&mut self) -> Result<FilterExpression, PathSyntaxError> {
        self.parse_chain("||", Self::parse_and, FilterExpression::Or)
    }

    fn parse_and(&mut self) -> Result<FilterExpression, PathSyntaxError> {
        self.parse_chain("&&", Self::parse_unary, FilterExpression::And)
    }

    /// `operand (operator operand)*`, combined by `combine` when there is more than one operand.
    fn parse_chain(
        &mut self,
        operator: &str,
        parse_operand: fn(&mut Self) -> Result<FilterExpression, PathSyntaxError>,
        combine: fn(Vec<FilterExpression>) -> FilterExpression,
    ) -> Result<FilterExpression, PathSyntaxError> {
        let mut operands = vec![parse_operand(self)?];
        loop {
            self.skip_blanks();
            if !self.starts_with(operator) {
                break;
            }
            self.position += operator.chars().count();
            operands.push(parse_operand(self)?);
        }
        Ok(if operands.len() == 1 {
            operands.pop().unwrap_or_else(|| combine(Vec::new()))
        } else {
            combine(operands)
        })
    }

    fn parse_unary(&mut self) -> Result<FilterExpression, PathSyntaxError> {
        self.skip_blanks();
        match self.current() {
            Some('!') if self.peek(1) != Some('=') => {
                self.position += 1;
                self.skip_blanks();
                if matches!(self.current(), Some('@') | Some('$')) {
                    // `!@.x` is "@.x does not exist"; `!@.x == 1` negates the comparison.
                    return Ok(match self.parse_relation()? {
                        FilterExpression::Exists { path, .. } => FilterExpression::Exists {
                            path,
                            expected: false,
                        },
                        other => FilterExpression::Not(Box::new(other)),
                    });
                }
                let negated = self.nested(Self::parse_unary)?;
                Ok(FilterExpression::Not(Box::new(negated)))
            }
            Some('(') => {
                self.position += 1;
                let inner = self.nested(Self::parse_or)?;
                self.skip_blanks();
                if self.current() != Some(')') {
                    return Err(self.error("expected ')'"));
                }
                self.position += 1;
                Ok(inner)
            }
            _ => self.parse_relation(),
        }
    }

    fn parse_relation(&mut self) -> Result<FilterExpression, PathSyntaxError> {
        let left = self.parse_operand()?;
        self.skip_blanks();
        let terminated = match self.current() {
            None | Some(')') => true,
            Some(_) => self.starts_with("&&") || self.starts_with("||"),
        };
        if terminated {
            return match left {
                Operand::Path(path) => Ok(FilterExpression::Exists {
                    path,
                    expected: true,
                }),
                _ => Err(self.error("expected a relational operator")),
            };
        }
        let operator = self.parse_operator()?;
        let right = self.parse_operand()?;
        Ok(FilterExpression::Compare {
            left,
            operator,
            right,
        })
    }

    fn parse_operator(&mut self) -> Result<Operator, PathSyntaxError> {
        self.skip_blanks();
        let start = self.position;
        let is_symbol = |c: char| matches!(c, '<' | '>' | '=' | '~' | '!');
        if self.current().is_some_and(is_symbol) {
            while self.current().is_some_and(is_symbol) {
                self.position += 1;
            }
        } else {
            while self.current().is_some_and(|c| c.is_ascii_alphabetic()) {
                self.position += 1;
            }
        }
        let text: String = self.chars[start..self.position].iter().collect();
        Operator::from_text(&text)
            .ok_or_else(|| self.error(&format!("unsupported operator '{text}'")))
    }

    fn parse_operand(&mut self) -> Result<Operand, PathSyntaxError> {
        self.skip_blanks();
        match self.current() {
            Some('@') | Some('$') => self.parse_path_operand(),
            Some(quote @ ('\'' | '"')) => {
                let close = closing_quote(&self.chars, self.position)
                    .ok_or_else(|| self.error(&format!("string not closed, expected {quote}")))?;
                let raw: String = self.chars[self.position + 1..close].iter().collect();
                self.position = close + 1;
                Ok(Operand::Literal(Value::String(unescape(&raw))))
            }
            Some('[') | Some('{') => {
                let opening = self.chars[self.position];
                let closing = if opening == '[' { ']' } else { '}' };
                let close = matching_close(&self.chars, self.position, opening, closing)
                    .ok_or_else(|| self.error("JSON literal not closed"))?;
                let raw: String = self.chars[self.position..=close].iter().collect();
                self.position = close + 1;
                let value = LenientJson::parse(&raw)
                    .ok_or_else(|| self.error(&format!("invalid JSON literal {raw}")))?;
                Ok(Operand::Literal(value))
            }
            Some('/') => self.parse_pattern(),
            Some('t') | Some('f') | Some('n') => {
                for (word, value) in [
                    ("true", Value::Bool(true)),
                    ("false", Value::Bool(false)),
                    ("null", Value::Null),
                ] {
                    if self.starts_with(word) {
                        self.position += word.len();
                        return Ok(Operand::Literal(value));
                    }
                }
                Err(self.error("expected true, false or null"))
            }
            Some(_) => {
                let start = self.position;
                while self
                    .current()
                    .is_some_and(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E'))
                {
                    self.position += 1;
                }
                let text: String = self.chars[start..self.position].iter().collect();
                parse_number(&text)
                    .map(|number| Operand::Literal(Value::Number(number)))
                    .ok_or_else(|| self.error(&format!("invalid literal '{text}'")))
            }
            None => Err(self.error("expected a value")),
        }
    }

    /// A path operand runs until blank, an operator character, `&`, `|`, or a `)` that closes
    /// the enclosing group; brackets and parentheses inside it are skipped whole.
    fn parse_path_operand(&mut self) -> Result<Operand, PathSyntaxError> {
        let start = self.position;
        self.position += 1;
        while let Some(c) = self.current() {
            match c {
                '[' => {
                    let close = matching_close(&self.chars, self.position, '[', ']')
                        .ok_or_else(|| self.error("square brackets do not match"))?;
                    self.position = close + 1;
                }
                '(' => {
                    let close = matching_close(&self.chars, self.position, '(', ')')
                        .ok_or_else(|| self.error("parentheses do not match"))?;
                    self.position = close + 1;
                }
                c if c.is_whitespace()
                    || matches!(c, '<' | '>' | '=' | '~' | '!' | '&' | '|' | ')') =>
                {
                    break
                }
                _ => self.position += 1,
            }
        }
        let text: String = self.chars[start..self.position].iter().collect();
        let path = PathParser::new(&text, self.depth).parse_filter_operand()?;
        Ok(Operand::Path(Box::new(path)))
    }

    /// `/pattern/flags` (Java `Pattern` flags i, m, s, x; u, U and d are accepted and ignored).
    fn parse_pattern(&mut self) -> Result<Operand, PathSyntaxError> {
        let start = self.position;
        let close = closing_quote(&self.chars, self.position)
            .ok_or_else(|| self.error("pattern not closed, expected /"))?;
        let body: String = self.chars[start + 1..close].iter().collect();
        self.position = close + 1;
        let mut inline_flags = String::new();
        while let Some(flag) = self.current().filter(char::is_ascii_alphabetic) {
            match flag {
                'i' | 'm' | 's' | 'x' => inline_flags.push(flag),
                'u' | 'U' | 'd' => {}
                _ => return Err(self.error(&format!("unknown pattern flag '{flag}'"))),
            }
            self.position += 1;
        }
        let flags = if inline_flags.is_empty() {
            String::new()
        } else {
            format!("(?{inline_flags})")
        };
        // Java's `Matcher.matches()` tests the whole input.
        let regex = Regex::new(&format!(r"{flags}\A(?:{body})\z"))
            .map_err(|error| self.error(&format!("invalid pattern: {error}")))?;
        let text: String = self.chars[start..self.position].iter().collect();
        Ok(Operand::Pattern(Box::new(Pattern { text, regex })))
    }
}

/// Resolves the escapes of a filter string literal (Jayway's `Utils.unescape`).
pub(super) fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('u') => {
                let hex: String = chars.clone().take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(decoded) if hex.len() == 4 => {
                        out.push(decoded);
                        for _ in 0..4 {
                            chars.next();
                        }
                    }
                    _ => out.push('u'),
                }
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// A number as Jayway reads it in a filter (`BigDecimal`): integers stay integers.
pub(super) fn parse_number(text: &str) -> Option<Number> {
    let looks_numeric = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E'))
        && text.chars().any(|c| c.is_ascii_digit());
    if !looks_numeric {
        return None;
    }
    if let Ok(integer) = text.parse::<i64>() {
        return Some(Number::from(integer));
    }
    if let Ok(integer) = text.parse::<u64>() {
        return Some(Number::from(integer));
    }
    text.parse::<f64>().ok().and_then(Number::from_f64)
}

/// JSON literals in filters, as json-smart reads them: strings may use single quotes.
pub(super) struct LenientJson<'c> {
    chars: &'c [char],
    position: usize,
}

impl LenientJson<'_> {
    pub(super) fn parse(text: &str) -> Option<Value> {
        let chars: Vec<char> = text.chars().collect();
        let mut parser = LenientJson {
            chars: &chars,
            position: 0,
        };
        let value = parser.value()?;
        parser.skip_blanks();
        (parser.position == chars.len()).then_some(value)
    }

    fn skip_blanks(&mut self) {
        while self
            .chars
            .get(self.position)
            .is_some_and(|c| c.is_whitespace())
        {
            self.position += 1;
        }
    }

    /// Consumes `expected` when it is the next character.
    fn eat(&mut self, expected: char) -> bool {
        let found = self.chars.get(self.position) == Some(&expected);
        if found {
            self.position += 1;
        }
        found
    }

    /// An array or object from its opening bracket to `close`, its items read by `item` and
    /// separated by commas; `None` when it is not well formed.
    fn collection(
        &mut self,
        close: char,
        mut item: impl FnMut(&mut Self) -> Option<()>,
    ) -> Option<()> {
        self.position += 1;
        self.skip_blanks();
        if self.eat(close) {
            return Some(());
        }
        loop {
            item(self)?;
            self.skip_blanks();
            match *self.chars.get(self.position)? {
                ',' => self.position += 1,
                found if found == close => {
                    self.position += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    fn value(&mut self) -> Option<Value> {
        self.skip_blanks();
        match *self.chars.get(self.position)? {
            '[' => {
                let mut items = Vec::new();
                self.collection(']', |parser| {
                    items.push(parser.value()?);
                    Some(())
                })?;
                Some(Value::Array(items))
            }
            '{' => {
                let mut map = Map::new();
                self.collection('}', |parser| {
                    parser.skip_blanks();
                    let Value::String(key) = parser.value()? else {
                        return None;
                    };
                    parser.skip_blanks();
                    if !parser.eat(':') {
                        return None;
                    }
                    map.insert(key, parser.value()?);
                    Some(())
                })?;
                Some(Value::Object(map))
            }
            '\'' | '"' => {
                let close = closing_quote(self.chars, self.position)?;
                let raw: String = self.chars[self.position + 1..close].iter().collect();
                self.position = close + 1;
                Some(Value::String(unescape(&raw)))
            }
            _ => {
                let start = self.position;
                while self
                    .chars
                    .get(self.position)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '.'))
                {
                    self.position += 1;
                }
                let word: String = self.chars[start..self.position].iter().collect();
                match word.as_str() {
                    "true" => Some(Value::Bool(true)),
                    "false" => Some(Value::Bool(false)),
                    "null" => Some(Value::Null),
                    _ => parse_number(&word).map(Value::Number),
                }
            }
        }
    }
}
