//! Jayway-compatible JSONPath, as Step Functions evaluates it.
//!
//! A path starts at `$` (the state input), `$$` (the context object) or `$name` (a variable) and
//! continues with Jayway's tokens: `.name` / `['name']` / `["name"]`, `['a','b']` (merged into one
//! object when last), `[0]` / `[-1]` / `[0,2]`, slices `[1:3]` / `[-2:]` / `[:2]`, wildcards `.*` /
//! `[*]`, deep scan `..`, and filters `[?(<expression>)]`.
//!
//! Semantics follow Jayway JsonPath as AWS runs it:
//! - A *definite* path (only single names, single indexes, or a final multi-name merge) selects one
//!   value and fails with Jayway's `PathNotFoundException` message when nothing is there. A present
//!   `null` is a value, not a miss.
//! - An *indefinite* path (wildcard, deep scan, slice, index list, filter, name list before the
//!   end) yields the array of what it matched; a miss anywhere gives an empty array (AWS returns
//!   `[]` for `$.item.items[1:5]` on `{}`).
//! - Filters test the current node when it is an object and each element of an array; as the AWS
//!   documentation says, `@` only matches objects, so scalar elements never pass a filter.
//! - Quoted names keep their backslashes (`$['a\'b']` is the key `a\'b`): AWS resolves
//!   `$['Test\""Name"']` to the key `Test\""Name"` (recorded case ESCAPE_SEQUENCES_JSONPATH).
//! - Functions such as `length()` or `sum()` are not supported by AWS: `$.a.length()` parses, but
//!   `length()` is an ordinary (normally missing) name, so the path fails at run time like AWS's
//!   "could not be found" for `$.Jobs.sum()`.
//!
//! Parse once with [`JsonPath::parse`]; a [`JsonPath`] is an `Arc` inside, cheap to clone and
//! `Send + Sync`. Definite paths are evaluated by a straight loop over the steps, borrowing from
//! the document ([`JsonPath::select`] returns a `Cow`), so nothing is cloned unless the caller
//! keeps the result.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use regex::Regex;
use serde_json::{Map, Number};

use crate::{Scope, StatesError, Value};

/// Where a path starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathRoot {
    /// `$` — the effective input of the state.
    Input,
    /// `$$` — the context object.
    Context,
    /// `$name` — a variable.
    Variable(String),
}

/// A parsed JSONPath. Cloning shares the parsed form.
#[derive(Clone)]
pub struct JsonPath {
    inner: Arc<CompiledPath>,
}

/// The path text is not a valid JSONPath.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct PathSyntaxError {
    pub message: String,
}

/// A definite path selected nothing. [`PathNotFound::detail`] is Jayway's exception message
/// (`No results for path: $['a']['b']`, `Missing property in path $['a']`, …), which AWS quotes
/// in the InputPath/OutputPath errors.
#[derive(Debug, Clone)]
pub struct PathNotFound {
    path: JsonPath,
    miss: Miss,
}

impl JsonPath {
    pub fn parse(text: &str) -> Result<JsonPath, PathSyntaxError> {
        let compiled = PathParser::new(text, 0).parse_top_level()?;
        Ok(JsonPath {
            inner: Arc::new(compiled),
        })
    }

    /// The path as written in the definition.
    pub fn text(&self) -> &str {
        &self.inner.text
    }

    pub fn root(&self) -> PathRoot {
        match &self.inner.root {
            Root::Input => PathRoot::Input,
            Root::Context => PathRoot::Context,
            Root::Variable(name) => PathRoot::Variable(name.clone()),
            // Only filter operands start at `@`, and those are never a top-level `JsonPath`.
            Root::Current => PathRoot::Input,
        }
    }

    /// True for a path starting at `$` (the state input). Cheaper than comparing [`Self::root`].
    pub fn starts_at_input(&self) -> bool {
        matches!(self.inner.root, Root::Input)
    }

    /// True for a path starting at `$$` (the context object).
    pub fn starts_at_context(&self) -> bool {
        matches!(self.inner.root, Root::Context)
    }

    /// The variable a `$name…` path starts at.
    pub fn variable_name(&self) -> Option<&str> {
        match &self.inner.root {
            Root::Variable(name) => Some(name),
            _ => None,
        }
    }

    /// True when the path selects at most one node (no wildcards, filters, slices, index lists,
    /// deep scans, or name lists before the last step).
    pub fn is_definite(&self) -> bool {
        self.inner.definite
    }

    /// True for a bare root: `$`, `$$` or `$name`.
    pub fn is_root(&self) -> bool {
        self.inner.steps.is_empty()
    }

    /// True for a reference path: only single names and single indexes (ResultPath, ItemsPath).
    pub fn is_reference_path(&self) -> bool {
        self.inner
            .steps
            .iter()
            .all(|step| matches!(step, Step::Field { .. } | Step::Index(_)))
    }

    /// The parsed steps, for the reference-path code in `template`.
    pub(crate) fn steps(&self) -> &[Step] {
        &self.inner.steps
    }

    /// The document this path starts at, if it exists (an undefined variable does not).
    pub fn document<'a>(&self, scope: &Scope<'a>) -> Option<&'a Value> {
        let variables = scope.variables;
        match &self.inner.root {
            Root::Input | Root::Current => Some(scope.input),
            Root::Context => Some(scope.context),
            Root::Variable(name) => variables.get_var(name),
        }
    }

    /// Evaluates the path, borrowing from the scope where it can. A definite path that matches
    /// nothing is an error; an indefinite path returns the array of its matches.
    pub fn select<'a>(&self, scope: &Scope<'a>) -> Result<Cow<'a, Value>, PathNotFound> {
        match self.document(scope) {
            Some(document) => self.select_in(document),
            None => Err(self.not_found(Miss::UndefinedVariable)),
        }
    }

    /// Evaluates the steps of the path against `document`, whatever the root of the path.
    pub fn select_in<'a>(&self, document: &'a Value) -> Result<Cow<'a, Value>, PathNotFound> {
        let compiled = &*self.inner;
        if compiled.definite {
            return compiled
                .select_definite(document)
                .map_err(|miss| self.not_found(miss));
        }
        let mut matches = Vec::new();
        let evaluation = Evaluation {
            root: document,
            require_properties: false,
        };
        // AWS answers `[]` where Jayway would throw for an indefinite path.
        if compiled
            .walk(0, document, &evaluation, &mut matches)
            .is_err()
        {
            matches.clear();
        }
        Ok(Cow::Owned(Value::Array(
            matches.into_iter().map(Cow::into_owned).collect(),
        )))
    }

    /// Like [`JsonPath::select_in`] on an owned document: a definite path moves the selected
    /// value out instead of cloning it (OutputPath on a large task result).
    pub fn select_owned(&self, mut document: Value) -> Result<Value, PathNotFound> {
        let compiled = &*self.inner;
        let movable = compiled.definite
            && compiled
                .steps
                .iter()
                .all(|step| matches!(step, Step::Field { .. } | Step::Index(_)));
        if !movable {
            return self.select_in(&document).map(Cow::into_owned);
        }
        // Check first (borrowing) so a miss reports exactly what `select_in` reports.
        compiled
            .select_definite(&document)
            .map_err(|miss| self.not_found(miss))?;
        let mut current = &mut document;
        for step in compiled.steps.iter() {
            let next = match (step, current) {
                (Step::Field { name, .. }, Value::Object(map)) => map.get_mut(name.as_str()),
                (Step::Index(index), Value::Array(items)) => {
                    effective_index(items.len(), *index).and_then(|i| items.get_mut(i))
                }
                _ => None,
            };
            match next {
                Some(value) => current = value,
                None => return Err(self.not_found(Miss::NoResults)),
            }
        }
        Ok(std::mem::take(current))
    }

    /// Evaluates the path and clones the result. Failure is `States.Runtime` with the
    /// InputPath/OutputPath wording: `Invalid path '<path>' : <Jayway message>`.
    pub fn eval(&self, scope: &Scope) -> Result<Value, StatesError> {
        self.select(scope)
            .map(Cow::into_owned)
            .map_err(|not_found| not_found.invalid_path_error())
    }

    fn not_found(&self, miss: Miss) -> PathNotFound {
        PathNotFound {
            path: self.clone(),
            miss,
        }
    }
}

impl fmt::Debug for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("JsonPath").field(&self.inner.text).finish()
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.text)
    }
}

/// Two paths are equal when they are written the same way.
impl PartialEq for JsonPath {
    fn eq(&self, other: &Self) -> bool {
        self.inner.text == other.inner.text
    }
}

impl Eq for JsonPath {}

impl PathNotFound {
    /// The path that selected nothing.
    pub fn path(&self) -> &JsonPath {
        &self.path
    }

    /// True when the path starts at a variable that is not defined.
    pub fn is_undefined_variable(&self) -> bool {
        matches!(self.miss, Miss::UndefinedVariable)
    }

    /// Jayway's message for the miss, e.g. `No results for path: $['a']['b']`.
    pub fn detail(&self) -> String {
        let compiled = &*self.path.inner;
        match &self.miss {
            Miss::NoResults => format!("No results for path: {}", compiled.jayway_path()),
            Miss::MissingProperty { step } => format!(
                "Missing property in path {}",
                compiled.evaluation_path(*step + 1)
            ),
            Miss::NotAnObject { step, found } => format!(
                "Expected to find an object with property {} in path {} but found '{}'. This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'.",
                compiled.steps.get(*step).map(Step::fragment).unwrap_or_default(),
                compiled.evaluation_path(*step),
                found
            ),
            Miss::NullArray { step } => {
                format!("The path {} is null", compiled.evaluation_path(*step))
            }
            Miss::NotAnArray { step, context } => format!(
                "Filter: {} can only be applied to arrays. Current context is: {}",
                compiled.fragments_from(*step),
                context
            ),
            Miss::UndefinedVariable => match &compiled.root {
                Root::Variable(name) => format!("The variable '{name}' is not defined"),
                _ => format!("No results for path: {}", compiled.jayway_path()),
            },
        }
    }

    /// `States.Runtime` with `Invalid path '<path>' : <detail>` (InputPath, OutputPath).
    pub fn invalid_path_error(&self) -> StatesError {
        StatesError::runtime(format!(
            "Invalid path '{}' : {}",
            self.path.text(),
            self.detail()
        ))
    }
}

impl fmt::Display for PathNotFound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.detail())
    }
}

impl std::error::Error for PathNotFound {}

// ---------------------------------------------------------------------------------------------
// Parsed form
// ---------------------------------------------------------------------------------------------

#[derive(Debug)]
struct CompiledPath {
    text: String,
    root: Root,
    steps: Box<[Step]>,
    definite: bool,
    /// Index of the first indefinite step (`steps.len()` when there is none): steps up to and
    /// including this one are evaluated with Jayway's "upstream definite" strictness.
    first_indefinite: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Root {
    Input,
    Context,
    Variable(String),
    /// `@` inside a filter: the node being tested.
    Current,
}

/// One token of a path.
#[derive(Debug)]
pub(crate) enum Step {
    /// `.name`, `['name']` or `["name"]`; `quote` is how Jayway prints it back.
    Field { name: String, quote: char },
    /// `['a','b']`: merged into one object when last, each name in turn otherwise.
    Fields { names: Vec<String>, quote: char },
    /// `[0]`, `[-1]`.
    Index(i64),
    /// `[0,2]`.
    Indexes(Vec<i64>),
    /// `[from:to]` with either bound optional.
    Slice { from: Option<i64>, to: Option<i64> },
    /// `*`, `[*]`.
    Wildcard,
    /// `..`: the next step is applied at every depth.
    Scan,
    /// `[?(…)]`.
    Filter(Box<Filter>),
}

impl Step {
    /// Jayway's printed form of the token (`PathToken.getPathFragment`).
    fn fragment(&self) -> String {
        match self {
            Step::Field { name, quote } => format!("[{quote}{name}{quote}]"),
            Step::Fields { names, quote } => {
                let quoted: Vec<String> = names
                    .iter()
                    .map(|name| format!("{quote}{name}{quote}"))
                    .collect();
                format!("[{}]", quoted.join(","))
            }
            Step::Index(index) => format!("[{index}]"),
            Step::Indexes(indexes) => {
                let listed: Vec<String> = indexes.iter().map(i64::to_string).collect();
                format!("[{}]", listed.join(","))
            }
            Step::Slice { from, to } => format!(
                "[{}:{}]",
                from.map(|n| n.to_string()).unwrap_or_default(),
                to.map(|n| n.to_string()).unwrap_or_default()
            ),
            Step::Wildcard => "[*]".to_string(),
            Step::Scan => "..".to_string(),
            Step::Filter(filter) => format!("[?({})]", filter.text),
        }
    }
}

/// Whether Jayway counts a token as definite (`PathToken.isTokenDefinite`).
fn is_token_definite(step: &Step, is_last: bool) -> bool {
    match step {
        Step::Field { .. } | Step::Index(_) => true,
        Step::Fields { .. } => is_last,
        _ => false,
    }
}

/// Why a path selected nothing; rendered lazily because Choice rules and filters probe for
/// missing values routinely.
#[derive(Debug, Clone)]
enum Miss {
    NoResults,
    MissingProperty { step: usize },
    NotAnObject { step: usize, found: &'static str },
    NullArray { step: usize },
    NotAnArray { step: usize, context: String },
    UndefinedVariable,
}

#[derive(Debug)]
pub(crate) struct Filter {
    /// The expression as written between `[?(` and `)]`.
    text: String,
    expression: FilterExpression,
}

#[derive(Debug)]
enum FilterExpression {
    Or(Vec<FilterExpression>),
    And(Vec<FilterExpression>),
    Not(Box<FilterExpression>),
    /// `@.x` (or `!@.x` when `expected` is false).
    Exists {
        path: Box<CompiledPath>,
        expected: bool,
    },
    Compare {
        left: Operand,
        operator: Operator,
        right: Operand,
    },
}

#[derive(Debug)]
enum Operand {
    Path(Box<CompiledPath>),
    Literal(Value),
    Pattern(Box<Pattern>),
}

#[derive(Debug)]
struct Pattern {
    /// As written, with slashes and flags: two patterns are equal when written the same way.
    text: String,
    regex: Regex,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operator {
    Equal,
    NotEqual,
    TypeSafeEqual,
    TypeSafeNotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Matches,
    In,
    NotIn,
    SubsetOf,
    AnyOf,
    NoneOf,
    Size,
    Empty,
    Contains,
    All,
}

impl Operator {
    fn from_text(text: &str) -> Option<Operator> {
        let operator = match text.to_ascii_lowercase().as_str() {
            "==" => Operator::Equal,
            "!=" => Operator::NotEqual,
            "===" => Operator::TypeSafeEqual,
            "!==" => Operator::TypeSafeNotEqual,
            "<" => Operator::Less,
            "<=" => Operator::LessOrEqual,
            ">" => Operator::Greater,
            ">=" => Operator::GreaterOrEqual,
            "=~" => Operator::Matches,
            "in" => Operator::In,
            "nin" => Operator::NotIn,
            "subsetof" => Operator::SubsetOf,
            "anyof" => Operator::AnyOf,
            "noneof" => Operator::NoneOf,
            "size" => Operator::Size,
            "empty" => Operator::Empty,
            "contains" => Operator::Contains,
            "all" => Operator::All,
            _ => return None,
        };
        Some(operator)
    }
}

// ---------------------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------------------

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
struct PathParser<'t> {
    text: &'t str,
    chars: Vec<char>,
    position: usize,
    /// Filters and groups enclosing this path (a filter operand is a path inside a filter).
    depth: usize,
}

impl<'t> PathParser<'t> {
    fn new(text: &'t str, depth: usize) -> Self {
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

    fn collect(&self, from: usize, to: usize) -> String {
        self.chars[from..to].iter().collect()
    }

    /// A path as written in a definition: `$`, `$$` or `$name`, then steps.
    fn parse_top_level(mut self) -> Result<CompiledPath, PathSyntaxError> {
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
                let close = self
                    .next_significant(inner + 1)
                    .filter(|&i| self.chars[i] == ']')
                    .ok_or_else(|| {
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
            .next_significant(question_mark + 1)
            .filter(|&i| self.chars[i] == '(')
            .ok_or_else(|| {
                syntax_error(format!(
                    "Filter must start with '[?(' in path '{}'",
                    self.text
                ))
            })?;
        let close = self.matching_close(open, '(', ')').ok_or_else(unclosed)?;
        let bracket = self
            .next_significant(close + 1)
            .filter(|&i| self.chars[i] == ']')
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
    fn new(text: &str, depth: usize) -> Self {
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

    fn parse(mut self) -> Result<FilterExpression, PathSyntaxError> {
        let expression = self.parse_or()?;
        self.skip_blanks();
        if self.position < self.chars.len() {
            return Err(self.error("unexpected text"));
        }
        Ok(expression)
    }

    fn parse_or(&mut self) -> Result<FilterExpression, PathSyntaxError> {
        let mut operands = vec![self.parse_and()?];
        loop {
            self.skip_blanks();
            if !self.starts_with("||") {
                break;
            }
            self.position += 2;
            operands.push(self.parse_and()?);
        }
        Ok(if operands.len() == 1 {
            operands.pop().unwrap_or(FilterExpression::Or(Vec::new()))
        } else {
            FilterExpression::Or(operands)
        })
    }

    fn parse_and(&mut self) -> Result<FilterExpression, PathSyntaxError> {
        let mut operands = vec![self.parse_unary()?];
        loop {
            self.skip_blanks();
            if !self.starts_with("&&") {
                break;
            }
            self.position += 2;
            operands.push(self.parse_unary()?);
        }
        Ok(if operands.len() == 1 {
            operands.pop().unwrap_or(FilterExpression::And(Vec::new()))
        } else {
            FilterExpression::And(operands)
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
fn unescape(raw: &str) -> String {
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
fn parse_number(text: &str) -> Option<Number> {
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
struct LenientJson<'c> {
    chars: &'c [char],
    position: usize,
}

impl LenientJson<'_> {
    fn parse(text: &str) -> Option<Value> {
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

    fn value(&mut self) -> Option<Value> {
        self.skip_blanks();
        match *self.chars.get(self.position)? {
            '[' => {
                self.position += 1;
                let mut items = Vec::new();
                self.skip_blanks();
                if self.chars.get(self.position) == Some(&']') {
                    self.position += 1;
                    return Some(Value::Array(items));
                }
                loop {
                    items.push(self.value()?);
                    self.skip_blanks();
                    match self.chars.get(self.position)? {
                        ',' => self.position += 1,
                        ']' => {
                            self.position += 1;
                            return Some(Value::Array(items));
                        }
                        _ => return None,
                    }
                }
            }
            '{' => {
                self.position += 1;
                let mut map = Map::new();
                self.skip_blanks();
                if self.chars.get(self.position) == Some(&'}') {
                    self.position += 1;
                    return Some(Value::Object(map));
                }
                loop {
                    self.skip_blanks();
                    let key = match self.value()? {
                        Value::String(key) => key,
                        _ => return None,
                    };
                    self.skip_blanks();
                    if self.chars.get(self.position) != Some(&':') {
                        return None;
                    }
                    self.position += 1;
                    let value = self.value()?;
                    map.insert(key, value);
                    self.skip_blanks();
                    match self.chars.get(self.position)? {
                        ',' => self.position += 1,
                        '}' => {
                            self.position += 1;
                            return Some(Value::Object(map));
                        }
                        _ => return None,
                    }
                }
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

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

/// What an evaluation needs besides the node: the document `$` refers to inside filters, and
/// whether missing names are errors (Jayway's `REQUIRE_PROPERTIES`, used by `[?(@.x)]`).
struct Evaluation<'a> {
    root: &'a Value,
    require_properties: bool,
}

/// `index` counted from the end when negative, if it falls inside an array of `len` items.
fn effective_index(len: usize, index: i64) -> Option<usize> {
    let len = i64::try_from(len).ok()?;
    let effective = if index < 0 { len + index } else { index };
    if (0..len).contains(&effective) {
        usize::try_from(effective).ok()
    } else {
        None
    }
}

/// The class json-smart gives a value, as Jayway prints it in "Expected to find an object".
fn json_smart_class(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "java.lang.Boolean",
        Value::Number(number) => match (number.as_i64(), number.as_u64()) {
            (Some(n), _) if i32::try_from(n).is_ok() => "java.lang.Integer",
            (Some(_), _) => "java.lang.Long",
            (None, Some(_)) => "java.math.BigInteger",
            (None, None) => "java.lang.Double",
        },
        Value::String(_) => "java.lang.String",
        Value::Array(_) => "net.minidev.json.JSONArray",
        Value::Object(_) => "net.minidev.json.JSONObject",
    }
}

/// How Jayway prints a model in "Current context is: …" (json-smart's `toString`).
fn java_to_string(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

impl CompiledPath {
    /// Jayway's `path.toString()`: `$['a'][0]`.
    fn jayway_path(&self) -> String {
        format!("${}", self.fragments_from(0))
    }

    fn fragments_from(&self, start: usize) -> String {
        self.steps
            .iter()
            .skip(start)
            .map(Step::fragment)
            .collect::<Vec<_>>()
            .concat()
    }

    /// The path Jayway reports while evaluating the first `steps` steps: names always in single
    /// quotes. Errors only arise on definite prefixes, so each step is a name or an index.
    fn evaluation_path(&self, steps: usize) -> String {
        let mut path = String::from("$");
        for step in self.steps.iter().take(steps) {
            match step {
                Step::Field { name, .. } => {
                    path.push_str("['");
                    path.push_str(name);
                    path.push_str("']");
                }
                other => path.push_str(&other.fragment()),
            }
        }
        path
    }

    /// The fast path for definite paths: follow names and indexes, borrowing.
    fn select_definite<'a>(&self, document: &'a Value) -> Result<Cow<'a, Value>, Miss> {
        let last = self.steps.len().saturating_sub(1);
        let mut current = document;
        for (i, step) in self.steps.iter().enumerate() {
            current = match step {
                Step::Field { name, .. } => match current {
                    Value::Object(map) => match map.get(name.as_str()) {
                        Some(value) => value,
                        None if i == last => return Err(Miss::NoResults),
                        None => return Err(Miss::MissingProperty { step: i }),
                    },
                    other => {
                        return Err(Miss::NotAnObject {
                            step: i,
                            found: json_smart_class(other),
                        })
                    }
                },
                Step::Index(index) => match current {
                    Value::Array(items) => match effective_index(items.len(), *index) {
                        Some(position) => &items[position],
                        None => return Err(Miss::NoResults),
                    },
                    Value::Null => return Err(Miss::NullArray { step: i }),
                    other => {
                        return Err(Miss::NotAnArray {
                            step: i,
                            context: java_to_string(other),
                        })
                    }
                },
                Step::Fields { names, .. } => match current {
                    Value::Object(map) => return Ok(Cow::Owned(merge_fields(map, names))),
                    other => {
                        return Err(Miss::NotAnObject {
                            step: i,
                            found: json_smart_class(other),
                        })
                    }
                },
                // Not reachable for a definite path; the general walker handles it anyway.
                _ => return self.select_with_walker(document),
            };
        }
        Ok(Cow::Borrowed(current))
    }

    fn select_with_walker<'a>(&self, document: &'a Value) -> Result<Cow<'a, Value>, Miss> {
        let mut matches = Vec::new();
        let evaluation = Evaluation {
            root: document,
            require_properties: false,
        };
        self.walk(0, document, &evaluation, &mut matches)?;
        matches.pop().ok_or(Miss::NoResults)
    }

    /// Applies `steps[step..]` to `node`, appending matches to `out` (Jayway's token chain).
    fn walk<'a>(
        &self,
        step: usize,
        node: &'a Value,
        evaluation: &Evaluation<'a>,
        out: &mut Vec<Cow<'a, Value>>,
    ) -> Result<(), Miss> {
        let Some(token) = self.steps.get(step) else {
            out.push(Cow::Borrowed(node));
            return Ok(());
        };
        let is_leaf = step + 1 == self.steps.len();
        let upstream_definite = step <= self.first_indefinite;
        match token {
            Step::Field { name, .. } => {
                let Value::Object(map) = node else {
                    return self.not_an_object(step, node, upstream_definite);
                };
                match map.get(name.as_str()) {
                    Some(value) => self.walk(step + 1, value, evaluation, out),
                    None if is_leaf && evaluation.require_properties => Err(Miss::NoResults),
                    None if !is_leaf && (upstream_definite || evaluation.require_properties) => {
                        Err(Miss::MissingProperty { step })
                    }
                    None => Ok(()),
                }
            }
            Step::Fields { names, .. } => {
                let Value::Object(map) = node else {
                    return self.not_an_object(step, node, upstream_definite);
                };
                if evaluation.require_properties && names.iter().any(|n| !map.contains_key(n)) {
                    return Err(Miss::MissingProperty { step });
                }
                if is_leaf {
                    out.push(Cow::Owned(merge_fields(map, names)));
                    return Ok(());
                }
                for name in names {
                    if let Some(value) = map.get(name.as_str()) {
                        self.walk(step + 1, value, evaluation, out)?;
                    }
                }
                Ok(())
            }
            Step::Index(index) => {
                if let Some(items) = self.array_model(step, node, upstream_definite)? {
                    if let Some(position) = effective_index(items.len(), *index) {
                        self.walk(step + 1, &items[position], evaluation, out)?;
                    }
                }
                Ok(())
            }
            Step::Indexes(indexes) => {
                if let Some(items) = self.array_model(step, node, upstream_definite)? {
                    for index in indexes {
                        if let Some(position) = effective_index(items.len(), *index) {
                            self.walk(step + 1, &items[position], evaluation, out)?;
                        }
                    }
                }
                Ok(())
            }
            Step::Slice { from, to } => {
                if let Some(items) = self.array_model(step, node, upstream_definite)? {
                    for index in slice_indexes(items.len(), *from, *to) {
                        if let Some(position) = effective_index(items.len(), index) {
                            self.walk(step + 1, &items[position], evaluation, out)?;
                        }
                    }
                }
                Ok(())
            }
            Step::Wildcard => {
                match node {
                    Value::Object(map) => {
                        for value in map.values() {
                            self.walk(step + 1, value, evaluation, out)?;
                        }
                    }
                    Value::Array(items) => {
                        for item in items {
                            self.walk(step + 1, item, evaluation, out)?;
                        }
                    }
                    _ => {}
                }
                Ok(())
            }
            Step::Filter(filter) => {
                match node {
                    Value::Object(_) if filter.accepts(node, evaluation.root) => {
                        self.walk(step + 1, node, evaluation, out)?;
                    }
                    Value::Array(items) => {
                        for item in items {
                            if item.is_object() && filter.accepts(item, evaluation.root) {
                                self.walk(step + 1, item, evaluation, out)?;
                            }
                        }
                    }
                    _ => {}
                }
                Ok(())
            }
            Step::Scan => self.scan(step, node, evaluation, out),
        }
    }

    fn not_an_object(
        &self,
        step: usize,
        node: &Value,
        upstream_definite: bool,
    ) -> Result<(), Miss> {
        if upstream_definite {
            Err(Miss::NotAnObject {
                step,
                found: json_smart_class(node),
            })
        } else {
            Ok(())
        }
    }

    /// Jayway's `checkArrayModel`: the items of `node`, nothing when it is not an array (an
    /// error if everything before was definite).
    fn array_model<'a>(
        &self,
        step: usize,
        node: &'a Value,
        upstream_definite: bool,
    ) -> Result<Option<&'a Vec<Value>>, Miss> {
        match node {
            Value::Array(items) => Ok(Some(items)),
            _ if !upstream_definite => Ok(None),
            Value::Null => Err(Miss::NullArray { step }),
            other => Err(Miss::NotAnArray {
                step,
                context: java_to_string(other),
            }),
        }
    }

    /// `..` at `step`: Jayway's `ScanPathToken.walk`, including its quirk that on an array the
    /// step after an array token is applied to every element.
    fn scan<'a>(
        &self,
        step: usize,
        node: &'a Value,
        evaluation: &Evaluation<'a>,
        out: &mut Vec<Cow<'a, Value>>,
    ) -> Result<(), Miss> {
        let target = step + 1;
        match node {
            Value::Object(map) => {
                if self.scan_matches(target, node, evaluation) {
                    self.walk(target, node, evaluation, out)?;
                }
                for value in map.values() {
                    self.scan(step, value, evaluation, out)?;
                }
            }
            Value::Array(items) => {
                if self.scan_matches(target, node, evaluation) {
                    if target + 1 == self.steps.len() {
                        self.walk(target, node, evaluation, out)?;
                    } else {
                        for item in items {
                            self.walk(target + 1, item, evaluation, out)?;
                        }
                    }
                }
                for item in items {
                    self.scan(step, item, evaluation, out)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Jayway's scan predicates: whether the step after `..` applies to `node`.
    fn scan_matches(&self, target: usize, node: &Value, evaluation: &Evaluation<'_>) -> bool {
        let is_last = target + 1 == self.steps.len();
        match self.steps.get(target) {
            Some(Step::Field { name, .. }) => match node {
                Value::Object(map) => evaluation.require_properties || map.contains_key(name),
                _ => false,
            },
            Some(Step::Fields { names, .. }) => match node {
                Value::Object(map) => {
                    evaluation.require_properties
                        || !is_last
                        || names.iter().all(|name| map.contains_key(name))
                }
                _ => false,
            },
            Some(Step::Index(_) | Step::Indexes(_) | Step::Slice { .. }) => node.is_array(),
            Some(Step::Wildcard) => true,
            Some(Step::Filter(filter)) => node.is_object() && filter.accepts(node, evaluation.root),
            Some(Step::Scan) | None => false,
        }
    }

    /// The value of a filter operand: `None` is Jayway's "undefined" (the path found nothing).
    fn filter_value<'a>(&self, current: &'a Value, root: &'a Value) -> Option<Cow<'a, Value>> {
        let document = if self.root == Root::Current {
            current
        } else {
            root
        };
        if self.definite {
            return self.select_definite(document).ok();
        }
        let mut matches = Vec::new();
        let evaluation = Evaluation {
            root,
            require_properties: false,
        };
        self.walk(0, document, &evaluation, &mut matches).ok()?;
        Some(Cow::Owned(Value::Array(
            matches.into_iter().map(Cow::into_owned).collect(),
        )))
    }

    /// `[?(@.x)]`: evaluated with missing names as errors; an indefinite path always "exists".
    fn filter_exists(&self, current: &Value, root: &Value) -> bool {
        let document = if self.root == Root::Current {
            current
        } else {
            root
        };
        let mut matches = Vec::new();
        let evaluation = Evaluation {
            root,
            require_properties: true,
        };
        match self.walk(0, document, &evaluation, &mut matches) {
            Ok(()) => !self.definite || !matches.is_empty(),
            Err(_) => false,
        }
    }
}

/// `['a','b']` as the last step: the named members that exist, in the order written.
fn merge_fields(map: &Map<String, Value>, names: &[String]) -> Value {
    let mut merged = Map::new();
    for name in names {
        if let Some(value) = map.get(name.as_str()) {
            merged.insert(name.clone(), value.clone());
        }
    }
    Value::Object(merged)
}

/// The indexes a slice visits, as Jayway computes them (negative ones are then counted from the
/// end by `effective_index`, which also drops those outside the array).
fn slice_indexes(len: usize, from: Option<i64>, to: Option<i64>) -> std::ops::Range<i64> {
    let len = i64::try_from(len).unwrap_or(i64::MAX);
    if len == 0 {
        return 0..0;
    }
    match (from, to) {
        (Some(from), None) => {
            let from = if from < 0 { len + from } else { from };
            from.max(0)..len
        }
        (None, Some(to)) => {
            let to = if to < 0 { len + to } else { to };
            0..to.min(len)
        }
        // Jayway does not normalise the bounds here: `[-2:3]` visits -2, -1, 0, 1, 2.
        (Some(from), Some(to)) => from.max(-len)..to.min(len),
        (None, None) => 0..0,
    }
}

// ---------------------------------------------------------------------------------------------
// Filters
// ---------------------------------------------------------------------------------------------

/// A filter operand's value, typed as Jayway's `ValueNode`s are.
enum FilterValue<'a> {
    Undefined,
    Json(Cow<'a, Value>),
    Pattern(&'a Pattern),
}

impl Filter {
    fn accepts(&self, current: &Value, root: &Value) -> bool {
        self.expression.test(current, root)
    }
}

impl FilterExpression {
    fn test(&self, current: &Value, root: &Value) -> bool {
        match self {
            FilterExpression::Or(operands) => {
                operands.iter().any(|operand| operand.test(current, root))
            }
            FilterExpression::And(operands) => {
                operands.iter().all(|operand| operand.test(current, root))
            }
            FilterExpression::Not(inner) => !inner.test(current, root),
            FilterExpression::Exists { path, expected } => {
                path.filter_exists(current, root) == *expected
            }
            FilterExpression::Compare {
                left,
                operator,
                right,
            } => {
                let left = left.value(current, root);
                let right = right.value(current, root);
                compare(&left, *operator, &right)
            }
        }
    }
}

impl Operand {
    fn value<'a>(&'a self, current: &'a Value, root: &'a Value) -> FilterValue<'a> {
        match self {
            Operand::Path(path) => match path.filter_value(current, root) {
                Some(value) => FilterValue::Json(value),
                None => FilterValue::Undefined,
            },
            Operand::Literal(value) => FilterValue::Json(Cow::Borrowed(value)),
            Operand::Pattern(pattern) => FilterValue::Pattern(pattern),
        }
    }
}

fn compare(left: &FilterValue<'_>, operator: Operator, right: &FilterValue<'_>) -> bool {
    match operator {
        Operator::Equal => values_equal(left, right),
        Operator::NotEqual => !values_equal(left, right),
        Operator::TypeSafeEqual => same_kind(left, right) && values_equal(left, right),
        Operator::TypeSafeNotEqual => !(same_kind(left, right) && values_equal(left, right)),
        Operator::Less => order(left, right).is_some_and(Ordering::is_lt),
        Operator::LessOrEqual => order(left, right).is_some_and(Ordering::is_le),
        Operator::Greater => order(left, right).is_some_and(Ordering::is_gt),
        Operator::GreaterOrEqual => order(left, right).is_some_and(Ordering::is_ge),
        Operator::Matches => matches_pattern(left, right),
        Operator::In => list_of(right).is_some_and(|list| contains(list, left)),
        Operator::NotIn => !list_of(right).is_some_and(|list| contains(list, left)),
        Operator::SubsetOf => match (list_of(left), list_of(right)) {
            (Some(left), Some(right)) => left.iter().all(|item| contains(right, &json(item))),
            _ => false,
        },
        Operator::AnyOf => match (list_of(left), list_of(right)) {
            (Some(left), Some(right)) => left.iter().any(|item| contains(right, &json(item))),
            _ => false,
        },
        Operator::NoneOf => match (list_of(left), list_of(right)) {
            (Some(left), Some(right)) => !left.iter().any(|item| contains(right, &json(item))),
            _ => false,
        },
        Operator::Size => {
            let expected = match right {
                FilterValue::Json(value) => match value.as_ref() {
                    Value::Number(number) => number_as_f64(number).trunc(),
                    _ => return false,
                },
                _ => return false,
            };
            let actual = match left {
                FilterValue::Json(value) => match value.as_ref() {
                    Value::String(text) => text.encode_utf16().count(),
                    Value::Array(items) => items.len(),
                    Value::Object(map) => map.len(),
                    _ => return false,
                },
                _ => return false,
            };
            actual as f64 == expected
        }
        Operator::Empty => {
            let expected = match right {
                FilterValue::Json(value) => match value.as_ref() {
                    Value::Bool(flag) => *flag,
                    _ => return false,
                },
                _ => return false,
            };
            match left {
                FilterValue::Json(value) => match value.as_ref() {
                    Value::String(text) => text.is_empty() == expected,
                    Value::Array(items) => items.is_empty() == expected,
                    Value::Object(map) => map.is_empty() == expected,
                    _ => false,
                },
                _ => false,
            }
        }
        Operator::Contains => match left {
            FilterValue::Json(value) => match (value.as_ref(), right) {
                (Value::String(text), FilterValue::Json(needle)) => match needle.as_ref() {
                    Value::String(needle) => text.contains(needle.as_str()),
                    _ => false,
                },
                (Value::Array(items), _) => {
                    items.iter().any(|item| values_equal(right, &json(item)))
                }
                _ => false,
            },
            _ => false,
        },
        Operator::All => match (left, list_of(right)) {
            (FilterValue::Json(value), Some(required)) => match value.as_ref() {
                Value::Array(items) => required.iter().all(|needed| contains(items, &json(needed))),
                // Jayway answers true when the left side is an object.
                Value::Object(_) => true,
                _ => false,
            },
            _ => false,
        },
    }
}

fn json(value: &Value) -> FilterValue<'_> {
    FilterValue::Json(Cow::Borrowed(value))
}

/// The elements of an array operand.
fn list_of<'v>(value: &'v FilterValue<'_>) -> Option<&'v Vec<Value>> {
    match value {
        FilterValue::Json(value) => value.as_array(),
        _ => None,
    }
}

/// Jayway's `ValueListNode.contains(needle)`: `needle.equals(element)` for some element.
fn contains(list: &[Value], needle: &FilterValue<'_>) -> bool {
    list.iter().any(|item| values_equal(needle, &json(item)))
}

/// Whether two operands are the same kind of `ValueNode` (for `===`).
fn same_kind(left: &FilterValue<'_>, right: &FilterValue<'_>) -> bool {
    fn kind(value: &FilterValue<'_>) -> u8 {
        match value {
            FilterValue::Undefined => 0,
            FilterValue::Pattern(_) => 1,
            FilterValue::Json(value) => match value.as_ref() {
                Value::Null => 2,
                Value::Bool(_) => 3,
                Value::Number(_) => 4,
                Value::String(_) => 5,
                Value::Array(_) | Value::Object(_) => 6,
            },
        }
    }
    kind(left) == kind(right)
}

/// Jayway's `left.equals(right)`: containers compare structurally, a number equals a string
/// holding the same number (and a string equals a number printed the same way), nothing equals
/// "undefined".
fn values_equal(left: &FilterValue<'_>, right: &FilterValue<'_>) -> bool {
    match (left, right) {
        (FilterValue::Json(left), FilterValue::Json(right)) => {
            match (left.as_ref(), right.as_ref()) {
                (Value::Number(a), Value::Number(b)) => {
                    compare_numbers(a, b) == Some(Ordering::Equal)
                }
                (Value::Number(a), Value::String(b)) => parse_decimal(b)
                    .is_some_and(|b| compare_numbers(a, &b) == Some(Ordering::Equal)),
                (Value::String(a), Value::Number(b)) => *a == java_number_string(b),
                (Value::String(a), Value::String(b)) => a == b,
                (Value::Bool(a), Value::Bool(b)) => a == b,
                (Value::Null, Value::Null) => true,
                (
                    a @ (Value::Array(_) | Value::Object(_)),
                    b @ (Value::Array(_) | Value::Object(_)),
                ) => a == b,
                _ => false,
            }
        }
        (FilterValue::Pattern(a), FilterValue::Pattern(b)) => a.text == b.text,
        _ => false,
    }
}

/// `<`, `<=`, `>`, `>=`: numbers numerically, strings by UTF-16 code units (Java's
/// `compareTo`), a string against a number by the number's text; anything else is unordered.
fn order(left: &FilterValue<'_>, right: &FilterValue<'_>) -> Option<Ordering> {
    let (FilterValue::Json(left), FilterValue::Json(right)) = (left, right) else {
        return None;
    };
    match (left.as_ref(), right.as_ref()) {
        (Value::Number(a), Value::Number(b)) => compare_numbers(a, b),
        (Value::String(a), Value::String(b)) => Some(compare_utf16(a, b)),
        (Value::String(a), Value::Number(b)) => Some(compare_utf16(a, &java_number_string(b))),
        (Value::Number(a), Value::String(b)) => Some(compare_utf16(&java_number_string(a), b)),
        _ => None,
    }
}

fn compare_utf16(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// `=~`: exactly one side must be a pattern; the other is matched as text (numbers and booleans
/// by their text, anything else as the empty string), or element by element when it is an array.
fn matches_pattern(left: &FilterValue<'_>, right: &FilterValue<'_>) -> bool {
    let (pattern, subject) = match (left, right) {
        (FilterValue::Pattern(_), FilterValue::Pattern(_)) => return false,
        (FilterValue::Pattern(pattern), subject) | (subject, FilterValue::Pattern(pattern)) => {
            (pattern, subject)
        }
        _ => return false,
    };
    match subject {
        FilterValue::Json(value) => match value.as_ref() {
            Value::Array(items) => items
                .iter()
                .any(|item| pattern.regex.is_match(&pattern_input(item))),
            other => pattern.regex.is_match(&pattern_input(other)),
        },
        _ => pattern.regex.is_match(""),
    }
}

fn pattern_input(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Number(number) => java_number_string(number),
        Value::Bool(flag) => flag.to_string(),
        _ => String::new(),
    }
}

fn number_as_f64(number: &Number) -> f64 {
    number.as_f64().unwrap_or(f64::NAN)
}

fn compare_numbers(a: &Number, b: &Number) -> Option<Ordering> {
    if let (Some(a), Some(b)) = (a.as_i64(), b.as_i64()) {
        return Some(a.cmp(&b));
    }
    if let (Some(a), Some(b)) = (a.as_u64(), b.as_u64()) {
        return Some(a.cmp(&b));
    }
    number_as_f64(a).partial_cmp(&number_as_f64(b))
}

/// A string read as Java's `new BigDecimal(text)` would, or `None` when it is not a number.
fn parse_decimal(text: &str) -> Option<Number> {
    let valid = {
        let body = text.strip_prefix(['-', '+']).unwrap_or(text);
        let (mantissa, exponent) = match body.find(['e', 'E']) {
            Some(at) => (&body[..at], Some(&body[at + 1..])),
            None => (body, None),
        };
        let mut parts = mantissa.splitn(2, '.');
        let whole = parts.next().unwrap_or_default();
        let fraction = parts.next().unwrap_or_default();
        let digits_ok = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        !(whole.is_empty() && fraction.is_empty())
            && digits_ok(whole)
            && digits_ok(fraction)
            && exponent.is_none_or(|e| {
                let e = e.strip_prefix(['-', '+']).unwrap_or(e);
                !e.is_empty() && digits_ok(e)
            })
    };
    if valid {
        parse_number(text)
    } else {
        None
    }
}

/// A number as Java prints it after Jayway turned it into a `BigDecimal` (close enough: integers
/// as written, doubles with Java's `Double.toString` layout for the common range).
fn java_number_string(number: &Number) -> String {
    if number.is_i64() || number.is_u64() {
        return number.to_string();
    }
    let value = number_as_f64(number);
    if value.fract() == 0.0 && value.abs() < 1e7 {
        format!("{value:.1}")
    } else {
        number.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoVariables;
    use serde_json::json;

    fn path(text: &str) -> JsonPath {
        JsonPath::parse(text).unwrap_or_else(|error| panic!("{text}: {error}"))
    }

    /// Evaluates against `input` as `$`, with an empty context object and no variables.
    fn select(text: &str, input: &Value) -> Result<Value, String> {
        let context = json!({});
        let scope = Scope::new(input, &context, &NoVariables);
        path(text)
            .select(&scope)
            .map(Cow::into_owned)
            .map_err(|e| e.detail())
    }

    fn store() -> Value {
        json!({
            "store": {
                "book": [
                    {"category": "reference", "author": "Nigel Rees", "title": "Sayings of the Century", "price": 8.95},
                    {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword of Honour", "price": 12.99},
                    {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553-21311-3", "price": 8.99},
                    {"category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord of the Rings", "isbn": "0-395-19395-8", "price": 22.99}
                ],
                "bicycle": {"color": "red", "price": 19.95}
            },
            "expensive": 10
        })
    }

    #[test]
    fn roots_and_definiteness() {
        assert_eq!(path("$").root(), PathRoot::Input);
        assert!(path("$.a").starts_at_input());
        assert!(!path("$$.a").starts_at_input());
        assert!(path("$$.a").starts_at_context());
        assert!(!path("$v.a").starts_at_context());
        assert!(path("$").is_root());
        assert_eq!(path("$$").root(), PathRoot::Context);
        assert_eq!(path("$$.Execution.Id").root(), PathRoot::Context);
        assert_eq!(
            path("$myVar.field[0]").root(),
            PathRoot::Variable("myVar".into())
        );
        assert_eq!(path("$myVar").variable_name(), Some("myVar"));
        assert!(path("$.a.b[0]['c']").is_definite());
        assert!(
            path("$['a','b']").is_definite(),
            "Jayway merges a final name list"
        );
        for indefinite in [
            "$.a[*]",
            "$.a.*",
            "$..a",
            "$.a[1:2]",
            "$.a[0,1]",
            "$['a','b'].c",
            "$.a[?(@.b)]",
        ] {
            assert!(!path(indefinite).is_definite(), "{indefinite}");
        }
        assert!(path("$.a[0].b").is_reference_path());
        assert!(!path("$.a[*]").is_reference_path());
    }

    #[test]
    fn syntax_errors() {
        for bad in [
            "",
            "a.b",
            "$.",
            "$..",
            "$.a.",
            "$[",
            "$['a'",
            "$['a]",
            "$[a]",
            "$.a b",
            "$.a[?(@.b ==)]",
            "$.a[?(@.b",
            "$[1:2:3]",
            "$[:]",
            "$$x",
            "$my var",
            "$.a[?(@.b =~ /[/)]",
            "$.a...b",
            "$['a',]",
            "$[?(@.a zz 1)]",
        ] {
            assert!(JsonPath::parse(bad).is_err(), "{bad:?} should not parse");
        }
    }

    #[test]
    fn dot_and_bracket_notation() {
        let input = json!({"a": {"b": {"c": 1}}, "x y": 2, "d-e": 3, "0": "zero", "": "empty"});
        assert_eq!(select("$.a.b.c", &input), Ok(json!(1)));
        assert_eq!(select("$['a']['b']['c']", &input), Ok(json!(1)));
        assert_eq!(select("$[\"a\"][\"b\"]", &input), Ok(json!({"c": 1})));
        assert_eq!(select("$.a['b'].c", &input), Ok(json!(1)));
        assert_eq!(select("$.a.['b']", &input), Ok(json!({"c": 1})));
        assert_eq!(select("$['x y']", &input), Ok(json!(2)));
        assert_eq!(select("$.d-e", &input), Ok(json!(3)));
        assert_eq!(select("$.0", &input), Ok(json!("zero")));
        assert_eq!(select("$['']", &input), Ok(json!("empty")));
        assert_eq!(select("$", &input), Ok(input.clone()));
    }

    #[test]
    fn quoted_names_keep_backslashes() {
        // Recorded case ESCAPE_SEQUENCES_JSONPATH.
        let input = json!({"Test\\\"\"Name\"": "Value\"\\"});
        assert_eq!(
            select("$['Test\\\"\"Name\"']", &input),
            Ok(json!("Value\"\\"))
        );
        let input = json!({"a\\'b": 1, "c,d": 2, "e]f": 3});
        assert_eq!(select("$['a\\'b']", &input), Ok(json!(1)));
        assert_eq!(select("$['c,d']", &input), Ok(json!(2)));
        assert_eq!(select("$['e]f']", &input), Ok(json!(3)));
    }

    #[test]
    fn array_indexes() {
        // Recorded case test_json_path_array_access[$.items[10]].
        let items: Vec<Value> = (0..=10).map(|i| json!({"item_key": i})).collect();
        let input = json!({ "items": items });
        assert_eq!(select("$.items[0]", &input), Ok(json!({"item_key": 0})));
        assert_eq!(select("$.items[10]", &input), Ok(json!({"item_key": 10})));
        assert_eq!(select("$.items[-1]", &input), Ok(json!({"item_key": 10})));
        assert_eq!(select("$.items[-11]", &input), Ok(json!({"item_key": 0})));
        assert_eq!(
            select("$.items[11]", &input),
            Err("No results for path: $['items'][11]".into())
        );
        assert_eq!(
            select("$.items[-12].item_key", &input),
            Err("No results for path: $['items'][-12]['item_key']".into())
        );
        assert_eq!(
            select("$.items[0,2,20].item_key", &input),
            Ok(json!([0, 2]))
        );
        assert_eq!(select("$[0]", &json!(["a", "b"])), Ok(json!("a")));
    }

    #[test]
    fn slices_follow_jayway() {
        let input = json!({"a": [0, 1, 2, 3, 4]});
        assert_eq!(select("$.a[1:3]", &input), Ok(json!([1, 2])));
        assert_eq!(select("$.a[-2:]", &input), Ok(json!([3, 4])));
        assert_eq!(select("$.a[:2]", &input), Ok(json!([0, 1])));
        assert_eq!(select("$.a[:-1]", &input), Ok(json!([0, 1, 2, 3])));
        assert_eq!(select("$.a[2:]", &input), Ok(json!([2, 3, 4])));
        assert_eq!(select("$.a[3:100]", &input), Ok(json!([3, 4])));
        assert_eq!(select("$.a[10:]", &input), Ok(json!([])));
        // Jayway does not normalise both bounds of [from:to].
        assert_eq!(select("$.a[-2:2]", &input), Ok(json!([3, 4, 0, 1])));
        assert_eq!(select("$.a[1:-1]", &input), Ok(json!([])));
        // Indexes below the array are skipped, then -5..-1 count from the end.
        assert_eq!(select("$.a[-100:1]", &input), Ok(json!([0, 1, 2, 3, 4, 0])));
    }

    #[test]
    fn indefinite_paths_on_missing_data_give_empty_arrays() {
        // Recorded cases test_json_path_array_wildcard_or_slice_with_no_input[…].
        for text in [
            "$.item.items[1:5].itemValue",
            "$.item.items[1:5]",
            "$.item.items[1:]",
            "$.item.items[:1]",
            "$.item.items[*]",
            "$.items[1:].itemValue",
            "$.items[1:]",
            "$.items[:1].itemValue",
            "$.items[:1]",
            "$.items[*].itemValue",
            "$.items[*]",
            "$[*]",
        ] {
            assert_eq!(select(text, &json!({})), Ok(json!([])), "{text}");
        }
    }

    #[test]
    fn wildcards() {
        let input = json!({"a": {"x": 1, "y": [2, 3]}, "b": [{"c": 1}, {"c": 2}, {"d": 3}]});
        assert_eq!(select("$.a.*", &input), Ok(json!([1, [2, 3]])));
        assert_eq!(select("$.a[*]", &input), Ok(json!([1, [2, 3]])));
        assert_eq!(select("$.b[*].c", &input), Ok(json!([1, 2])));
        assert_eq!(select("$.*.c", &input), Ok(json!([])));
        assert_eq!(select("$.a.x.*", &input), Ok(json!([])));
    }

    #[test]
    fn deep_scan() {
        let input = store();
        assert_eq!(
            select("$..author", &input),
            Ok(json!([
                "Nigel Rees",
                "Evelyn Waugh",
                "Herman Melville",
                "J. R. R. Tolkien"
            ]))
        );
        assert_eq!(
            select("$.store..price", &input),
            Ok(json!([8.95, 12.99, 8.99, 22.99, 19.95]))
        );
        assert_eq!(select("$..book[2].title", &input), Ok(json!(["Moby Dick"])));
        assert_eq!(
            select("$..book[-1:].title", &input),
            Ok(json!(["The Lord of the Rings"]))
        );
        assert_eq!(
            select("$..isbn", &input),
            Ok(json!(["0-553-21311-3", "0-395-19395-8"]))
        );
        assert_eq!(
            select("$..[?(@.price > 20)].title", &input),
            Ok(json!(["The Lord of the Rings"]))
        );
        assert_eq!(
            select("$..*", &json!({"a": {"b": 1}, "c": [2]})),
            Ok(json!([{"b": 1}, [2], 1, 2]))
        );
        assert_eq!(select("$..missing", &input), Ok(json!([])));
    }

    #[test]
    fn filters() {
        let input = store();
        assert_eq!(
            select("$.store.book[?(@.price < 10)].title", &input),
            Ok(json!(["Sayings of the Century", "Moby Dick"]))
        );
        assert_eq!(
            select("$.store.book[?(@.isbn)].title", &input),
            Ok(json!(["Moby Dick", "The Lord of the Rings"]))
        );
        assert_eq!(
            select("$.store.book[?(!@.isbn)].title", &input),
            Ok(json!(["Sayings of the Century", "Sword of Honour"]))
        );
        assert_eq!(
            select("$.store.book[?(@.price <= $.expensive)].price", &input),
            Ok(json!([8.95, 8.99]))
        );
        assert_eq!(
            select(
                "$.store.book[?(@.category == 'fiction' && @.price > 10)].title",
                &input
            ),
            Ok(json!(["Sword of Honour", "The Lord of the Rings"]))
        );
        assert_eq!(
            select(
                "$.store.book[?(@.price > 20 || @.category == \"reference\")].price",
                &input
            ),
            Ok(json!([8.95, 22.99]))
        );
        assert_eq!(
            select("$.store.book[?(@.author =~ /.*REES/i)].price", &input),
            Ok(json!([8.95]))
        );
        assert_eq!(
            select("$.store.book[?(@.author =~ /Rees/)].price", &input),
            Ok(json!([])),
            "=~ matches the whole text"
        );
        assert_eq!(
            select(
                "$.store.book[?(!(@.price < 10) && @.category != 'fiction')].title",
                &input
            ),
            Ok(json!([]))
        );
        // Recorded case BASE_PASS_RESULT_REGEX_JSON_PATH_BASE.
        let users = json!({"users": [{"year": 1997, "status": 0}, {"year": 1998, "status": 1}]});
        assert_eq!(
            select("$.users[?(@.status == 0)]", &users),
            Ok(json!([{"year": 1997, "status": 0}]))
        );
    }

    #[test]
    fn filters_apply_to_objects_themselves_and_never_to_scalars() {
        let input = json!({"obj": {"a": 1}, "nums": [1, 5, 10], "mixed": [{"a": 1}, 2, [3]]});
        assert_eq!(select("$.obj[?(@.a == 1)]", &input), Ok(json!([{"a": 1}])));
        assert_eq!(select("$.obj[?(@.a == 2)]", &input), Ok(json!([])));
        assert_eq!(select("$.nums[?(@ > 2)]", &input), Ok(json!([])));
        assert_eq!(select("$.mixed[?(@.a)]", &input), Ok(json!([{"a": 1}])));
        assert_eq!(select("$.obj.a[?(@.x)]", &input), Ok(json!([])));
    }

    #[test]
    fn filter_operators() {
        let input = json!({"items": [
            {"id": 1, "tags": ["a", "b"], "name": "one", "n": "1", "flag": true, "nothing": null},
            {"id": 2, "tags": [], "name": "", "n": 2.0, "flag": false},
            {"id": 3, "tags": ["c"], "name": "three", "n": "x"}
        ]});
        let ids = |filter: &str| select(&format!("$.items[?({filter})].id"), &input);
        assert_eq!(ids("@.id in [1, 3]"), Ok(json!([1, 3])));
        assert_eq!(ids("@.name in ['one', 'three']"), Ok(json!([1, 3])));
        assert_eq!(ids("@.id nin [1, 3]"), Ok(json!([2])));
        assert_eq!(ids("@.tags subsetof ['a', 'b', 'c']"), Ok(json!([1, 2, 3])));
        assert_eq!(ids("@.tags anyof ['b', 'c']"), Ok(json!([1, 3])));
        assert_eq!(ids("@.tags noneof ['b', 'c']"), Ok(json!([2])));
        assert_eq!(ids("@.tags size 2"), Ok(json!([1])));
        assert_eq!(ids("@.name size 5"), Ok(json!([3])));
        assert_eq!(ids("@.tags empty true"), Ok(json!([2])));
        assert_eq!(ids("@.name empty false"), Ok(json!([1, 3])));
        assert_eq!(ids("@.tags contains 'c'"), Ok(json!([3])));
        assert_eq!(ids("@.name contains 'hr'"), Ok(json!([3])));
        assert_eq!(ids("@.flag == true"), Ok(json!([1])));
        assert_eq!(ids("@.flag"), Ok(json!([1, 2])));
        assert_eq!(ids("@.nothing"), Ok(json!([1])), "a present null exists");
        assert_eq!(ids("@.nothing == null"), Ok(json!([1])));
        assert_eq!(
            ids("@.missing == null"),
            Ok(json!([])),
            "undefined equals nothing"
        );
        assert_eq!(ids("@.missing != 1"), Ok(json!([1, 2, 3])));
        assert_eq!(ids("@.tags == ['a', 'b']"), Ok(json!([1])));
        assert_eq!(ids("@.id >= 2 && @.id < 3"), Ok(json!([2])));
        assert_eq!(ids("@.name > 'o'"), Ok(json!([1, 3])));
        // Jayway compares a number with a string holding that number.
        assert_eq!(ids("@.n == 1"), Ok(json!([1])));
        assert_eq!(ids("@.n == 2"), Ok(json!([2])));
        assert_eq!(ids("@.id == '2'"), Ok(json!([2])));
        assert_eq!(ids("@.id === '2'"), Ok(json!([])));
        assert_eq!(ids("@.id === 2"), Ok(json!([2])));
        assert_eq!(ids("@.id !== 2"), Ok(json!([1, 3])));
        assert_eq!(ids("@.id =~ /[12]/"), Ok(json!([1, 2])));
        assert_eq!(ids("@.tags =~ /c/"), Ok(json!([3])));
        assert_eq!(ids("(@.id == 1 || @.id == 2) && @.flag"), Ok(json!([1, 2])));
        assert_eq!(
            ids("@.id == 1 || @.id == 2 && @.flag == true"),
            Ok(json!([1]))
        );
        assert_eq!(ids("@.tags[0] == 'c'"), Ok(json!([3])));
        assert_eq!(ids("@.tags[*] contains 'a'"), Ok(json!([1])));
        assert_eq!(
            ids("@.id IN [2]"),
            Ok(json!([2])),
            "operator words ignore case"
        );
    }

    #[test]
    fn unions() {
        let input = json!({"a": 1, "b": {"c": 2}, "d": [10, 20, 30]});
        assert_eq!(
            select("$['a','b']", &input),
            Ok(json!({"a": 1, "b": {"c": 2}}))
        );
        assert_eq!(select("$['a','zz']", &input), Ok(json!({"a": 1})));
        assert_eq!(select("$['a','b'].c", &input), Ok(json!([2])));
        assert_eq!(select("$.d[0,2]", &input), Ok(json!([10, 30])));
        assert_eq!(select("$.d[2,0]", &input), Ok(json!([30, 10])));
    }

    #[test]
    fn null_values_are_present() {
        let input = json!({"a": null, "b": {"c": null}});
        assert_eq!(select("$.a", &input), Ok(Value::Null));
        assert_eq!(select("$.b.c", &input), Ok(Value::Null));
        assert_eq!(select("$.b[*]", &input), Ok(json!([null])));
    }

    #[test]
    fn definite_misses_use_jayway_messages() {
        let input = json!({"a": {"b": "text", "n": null, "list": [1]}, "s": 5});
        assert_eq!(
            select("$.x", &input),
            Err("No results for path: $['x']".into())
        );
        assert_eq!(
            select("$.a.x", &input),
            Err("No results for path: $['a']['x']".into())
        );
        assert_eq!(
            select("$[\"a\"][\"x\"]", &input),
            Err("No results for path: $[\"a\"][\"x\"]".into())
        );
        assert_eq!(
            select("$.x.y.z", &input),
            Err("Missing property in path $['x']".into())
        );
        assert_eq!(
            select("$.a.b.c", &input),
            Err("Expected to find an object with property ['c'] in path $['a']['b'] but found 'java.lang.String'. This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'.".into())
        );
        assert_eq!(
            select("$.a.n.c", &input),
            Err("Expected to find an object with property ['c'] in path $['a']['n'] but found 'null'. This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'.".into())
        );
        assert_eq!(
            select("$.a.list.c", &input),
            Err("Expected to find an object with property ['c'] in path $['a']['list'] but found 'net.minidev.json.JSONArray'. This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'.".into())
        );
        assert_eq!(
            select("$.a.n[0]", &input),
            Err("The path $['a']['n'] is null".into())
        );
        assert_eq!(
            select("$.a[0].b", &input),
            Err("Filter: [0]['b'] can only be applied to arrays. Current context is: {\"b\":\"text\",\"n\":null,\"list\":[1]}".into())
        );
        assert_eq!(
            select("$.a.b[0]", &input),
            Err("Filter: [0] can only be applied to arrays. Current context is: text".into())
        );
    }

    #[test]
    fn functions_are_not_supported() {
        // AWS fails `$.Jobs.sum()` with "could not be found"; the call is just a missing name.
        let input = json!({"Jobs": [0, 1]});
        assert_eq!(
            select("$.Jobs.sum()", &input),
            Err("Expected to find an object with property ['sum()'] in path $['Jobs'] but found 'net.minidev.json.JSONArray'. This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'.".into())
        );
        assert!(select("$.Jobs.length()", &input).is_err());
    }

    #[test]
    fn context_and_variables() {
        let input = json!({"in": 1});
        let context = json!({"Execution": {"Input": {"input-value": 0}, "Name": "run"}});
        let mut variables = Map::new();
        variables.insert("myVar".into(), json!({"field": ["x", "y"]}));
        variables.insert("n".into(), json!(3));
        let scope = Scope::new(&input, &context, &variables);
        let get = |text: &str| path(text).select(&scope).map(Cow::into_owned);
        assert_eq!(get("$$.Execution.Name").ok(), Some(json!("run")));
        assert_eq!(get("$$.Execution.Input.input-value").ok(), Some(json!(0)));
        assert_eq!(get("$$").ok(), Some(context.clone()));
        assert_eq!(get("$myVar.field[1]").ok(), Some(json!("y")));
        assert_eq!(get("$myVar['field'][*]").ok(), Some(json!(["x", "y"])));
        assert_eq!(get("$n").ok(), Some(json!(3)));
        let missing = get("$other.x").unwrap_err();
        assert!(missing.is_undefined_variable());
        assert_eq!(missing.detail(), "The variable 'other' is not defined");
        assert_eq!(
            get("$myVar.nope").unwrap_err().detail(),
            "No results for path: $['nope']"
        );
    }

    #[test]
    fn select_borrows_definite_results() {
        let input = json!({"a": {"b": [1, 2]}});
        let context = json!({});
        let scope = Scope::new(&input, &context, &NoVariables);
        assert!(matches!(path("$.a.b").select(&scope), Ok(Cow::Borrowed(_))));
        assert!(matches!(path("$").select(&scope), Ok(Cow::Borrowed(_))));
        assert!(matches!(path("$.a.b[*]").select(&scope), Ok(Cow::Owned(_))));
    }

    #[test]
    fn select_owned_moves_the_selection() {
        let output = json!({"Payload": {"big": [1, 2, 3]}, "StatusCode": 200});
        assert_eq!(
            path("$.Payload").select_owned(output.clone()).ok(),
            Some(json!({"big": [1, 2, 3]}))
        );
        assert_eq!(
            path("$.Payload.big[-1]").select_owned(output.clone()).ok(),
            Some(json!(3))
        );
        assert_eq!(
            path("$..big").select_owned(output.clone()).ok(),
            Some(json!([[1, 2, 3]]))
        );
        assert_eq!(
            path("$.Nope").select_owned(output).unwrap_err().detail(),
            "No results for path: $['Nope']"
        );
    }

    #[test]
    fn eval_reports_invalid_path() {
        let input = json!({"a": 1});
        let context = json!({});
        let scope = Scope::new(&input, &context, &NoVariables);
        assert_eq!(path("$.a").eval(&scope), Ok(json!(1)));
        assert_eq!(
            path("$.missing").eval(&scope),
            Err(StatesError::runtime(
                "Invalid path '$.missing' : No results for path: $['missing']"
            ))
        );
    }

    #[test]
    fn json_literals_in_filters_accept_single_quotes() {
        assert_eq!(
            LenientJson::parse("['a', \"b\", 1, 2.5, true, null, {'k': [1]}]"),
            Some(json!(["a", "b", 1, 2.5, true, null, {"k": [1]}]))
        );
        assert_eq!(LenientJson::parse("[1,"), None);
        assert_eq!(unescape(r"a\'b\n\u0041\\"), "a'b\nA\\");
    }

    #[test]
    fn java_number_texts() {
        assert_eq!(java_number_string(&Number::from(5)), "5");
        assert_eq!(
            java_number_string(&Number::from_f64(2.0).unwrap_or(Number::from(0))),
            "2.0"
        );
        assert_eq!(parse_decimal("1.50"), Number::from_f64(1.5));
        assert_eq!(parse_decimal("abc"), None);
        assert_eq!(parse_decimal("NaN"), None);
    }

    #[test]
    fn absurd_nesting_is_rejected_not_overflowed() {
        let deep_groups = format!("$.a[?({}@.b{})]", "(".repeat(5000), ")".repeat(5000));
        assert!(JsonPath::parse(&deep_groups).is_err());
        let deep_negations = format!("$.a[?({}@.b)]", "!".repeat(5000));
        assert!(JsonPath::parse(&deep_negations).is_err());
        let deep_filters = format!("$.a{}{}", "[?(@.b".repeat(500), ")]".repeat(500));
        assert!(JsonPath::parse(&deep_filters).is_err());
        let long = format!("$.a{}[*]", ".b".repeat(5000));
        assert!(JsonPath::parse(&long).is_err());
        let many_terms = format!("$.a[?({})]", vec!["@.b == 1"; 5000].join(" && "));
        let input = json!({"a": [{"b": 1}, {"b": 2}]});
        assert_eq!(select(&many_terms, &input), Ok(json!([{"b": 1}])));
    }

    /// Parses and evaluates many generated strings made of path characters: nothing may panic.
    #[test]
    fn generated_paths_never_panic() {
        const PIECES: [&str; 34] = [
            "$",
            "$$",
            "@",
            ".",
            "..",
            "[",
            "]",
            "(",
            ")",
            "?",
            "*",
            "'",
            "\"",
            "\\",
            ",",
            ":",
            "-1",
            "0",
            "2",
            "a",
            "b",
            "==",
            "<",
            " ",
            "&&",
            "||",
            "!",
            "/x/",
            "in",
            "['a','b']",
            "size",
            "{",
            "}",
            "true",
        ];
        let input =
            json!({"a": [{"b": 1, "c": [1, 2]}, {"b": "x"}, 3, null], "b": {"a": {"b": 2}}});
        let context = json!({});
        let scope = Scope::new(&input, &context, &NoVariables);
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut parsed = 0;
        for _ in 0..20_000 {
            let mut text = String::from("$");
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let pieces = 1 + (seed % 12) as usize;
            for n in 0..pieces {
                let pick = (seed >> (n * 5 % 60)) as usize % PIECES.len();
                text.push_str(PIECES[pick]);
            }
            if let Ok(path) = JsonPath::parse(&text) {
                parsed += 1;
                if let Err(not_found) = path.select(&scope) {
                    let _ = not_found.detail();
                }
                let _ = path.select_owned(input.clone());
            }
        }
        assert!(parsed > 100, "only {parsed} generated paths parsed");
    }

    #[test]
    fn paths_are_cheap_shared_and_thread_safe() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<JsonPath>();
        assert_send_sync::<PathNotFound>();
        let original = path("$.a[?(@.b == 1)]");
        let copy = original.clone();
        assert!(Arc::ptr_eq(&original.inner, &copy.inner));
        assert_eq!(original, copy);
        assert_eq!(format!("{original}"), "$.a[?(@.b == 1)]");
    }
}
