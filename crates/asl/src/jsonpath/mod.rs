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
use std::fmt;
use std::sync::Arc;

use regex::Regex;

use crate::{Scope, StatesError, Value};

mod compare;
mod evaluate;
mod parser;
#[cfg(test)]
mod tests;

pub(crate) use evaluate::effective_index;
use evaluate::Evaluation;
use parser::PathParser;

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
