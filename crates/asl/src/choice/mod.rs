//! Choice rules of JSONPath Choice states, evaluated as Step Functions evaluates them.
//!
//! A rule is parsed once ([`ChoiceRule::parse`]) into a tree whose paths, literals, wildcard
//! patterns and timestamps are already compiled, then evaluated many times ([`ChoiceRule::eval`]).
//!
//! What AWS does, and so what this module does:
//! - A comparison whose `Variable` is of the wrong type is simply false (`StringEquals` against a
//!   number, `NumericEquals` against `"1"`, `TimestampEquals` against a string that is no timestamp).
//! - A `Variable` that does not resolve is a `States.Runtime` error ("Invalid path '…': The choice
//!   state's condition path references an invalid value."), except for `IsPresent`, which exists to
//!   test exactly that. The same error names the `…Path` operand when that one does not resolve.
//! - A `…Path` operand of the wrong type makes an `…EqualsPath` rule false, but is an error for the
//!   ordering rules (`…LessThanPath`, `…GreaterThanEqualsPath`, …), which need a value to order by.
//! - Strings are ordered as Java's `String.compareTo` orders them (by UTF-16 code units), numbers as
//!   IEEE 754 doubles, timestamps by the instant they denote.
//! - `And` and `Or` stop at the first rule that decides them, so a later rule that would fail is
//!   not evaluated.

use std::cmp::Ordering;
use std::fmt;

use crate::jsonpath::JsonPath;
use crate::{Scope, StatesError, Value};

mod parse;
#[cfg(test)]
mod tests;
mod values;

pub use values::{compare_strings, parse_timestamp, Timestamp, WildcardPattern};

use parse::parse_rule;

/// One rule of a Choice state's `Choices` (without its `Next`), or a nested rule of And/Or/Not.
#[derive(Debug, Clone)]
pub struct ChoiceRule {
    kind: RuleKind,
}

#[derive(Debug, Clone)]
enum RuleKind {
    And(Vec<ChoiceRule>),
    Or(Vec<ChoiceRule>),
    Not(Box<ChoiceRule>),
    /// `IsPresent`: the one test that does not need `Variable` to resolve.
    IsPresent {
        variable: JsonPath,
        expected: bool,
    },
    Test(DataTest),
}

/// A test of the value at `Variable` (a "data-test expression" in the States Language).
#[derive(Debug, Clone)]
struct DataTest {
    variable: JsonPath,
    condition: Condition,
}

#[derive(Debug, Clone)]
enum Condition {
    IsType {
        test: TypeTest,
        expected: bool,
    },
    StringMatches(WildcardPattern),
    Compare {
        relation: Relation,
        operand: Operand,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TypeTest {
    Null,
    Numeric,
    String,
    Boolean,
    Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relation {
    Equals,
    LessThan,
    GreaterThan,
    LessThanEquals,
    GreaterThanEquals,
}

impl Relation {
    fn holds(self, ordering: Ordering) -> bool {
        match self {
            Relation::Equals => ordering == Ordering::Equal,
            Relation::LessThan => ordering == Ordering::Less,
            Relation::GreaterThan => ordering == Ordering::Greater,
            Relation::LessThanEquals => ordering != Ordering::Greater,
            Relation::GreaterThanEquals => ordering != Ordering::Less,
        }
    }
}

/// The type a comparison operator works on (the `String`, `Numeric`, … prefix of its name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ValueType {
    String,
    Numeric,
    Boolean,
    Timestamp,
}

impl ValueType {
    /// Reads `value` as this type; `None` when it is of another type.
    fn read(self, value: &Value) -> Option<Comparable<'_>> {
        match (self, value) {
            (ValueType::String, Value::String(text)) => Some(Comparable::String(text)),
            (ValueType::Numeric, Value::Number(number)) => number.as_f64().map(Comparable::Number),
            (ValueType::Boolean, Value::Bool(flag)) => Some(Comparable::Boolean(*flag)),
            (ValueType::Timestamp, Value::String(text)) => {
                parse_timestamp(text).map(Comparable::Timestamp)
            }
            _ => None,
        }
    }
}

/// The right-hand side of a comparison: a literal from the definition, or a path read at run time.
#[derive(Debug, Clone)]
enum Operand {
    Literal(Literal),
    Path {
        path: JsonPath,
        value_type: ValueType,
    },
}

#[derive(Debug, Clone)]
enum Literal {
    String(String),
    Number(f64),
    Boolean(bool),
    Timestamp(Timestamp),
}

impl Literal {
    fn value_type(&self) -> ValueType {
        match self {
            Literal::String(_) => ValueType::String,
            Literal::Number(_) => ValueType::Numeric,
            Literal::Boolean(_) => ValueType::Boolean,
            Literal::Timestamp(_) => ValueType::Timestamp,
        }
    }
    fn as_comparable(&self) -> Comparable<'_> {
        match self {
            Literal::String(text) => Comparable::String(text),
            Literal::Number(number) => Comparable::Number(*number),
            Literal::Boolean(flag) => Comparable::Boolean(*flag),
            Literal::Timestamp(timestamp) => Comparable::Timestamp(*timestamp),
        }
    }
}

/// A value read as the type of a comparison, borrowed where it can be.
#[derive(Debug, Clone, Copy)]
enum Comparable<'a> {
    String(&'a str),
    Number(f64),
    Boolean(bool),
    Timestamp(Timestamp),
}

impl Comparable<'_> {
    /// Orders two values of the same type; `None` when the types differ.
    fn compare(self, other: Comparable<'_>) -> Option<Ordering> {
        match (self, other) {
            (Comparable::String(left), Comparable::String(right)) => {
                Some(compare_strings(left, right))
            }
            (Comparable::Number(left), Comparable::Number(right)) => left.partial_cmp(&right),
            (Comparable::Boolean(left), Comparable::Boolean(right)) => Some(left.cmp(&right)),
            (Comparable::Timestamp(left), Comparable::Timestamp(right)) => Some(left.cmp(&right)),
            _ => None,
        }
    }
}

/// Why a rule could not be parsed: a message and where in the rule, as a JSON pointer relative to
/// the rule object (empty for the rule itself, e.g. `/And/1/NumericEquals`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChoiceRuleError {
    pub message: String,
    pub location: String,
}

impl ChoiceRuleError {
    fn new(message: impl Into<String>, location: impl Into<String>) -> Self {
        ChoiceRuleError {
            message: message.into(),
            location: location.into(),
        }
    }
}

impl fmt::Display for ChoiceRuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.location.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{} at {}", self.message, self.location)
        }
    }
}

impl std::error::Error for ChoiceRuleError {}

impl ChoiceRule {
    /// Parses a rule object (the `Next`, `Assign`, `Comment` fields of a top-level rule are ignored here).
    /// The error is the message of [`ChoiceRule::parse_located`] without its location.
    pub fn parse(rule: &Value) -> Result<ChoiceRule, String> {
        Self::parse_located(rule).map_err(|error| error.message)
    }

    /// Like [`ChoiceRule::parse`], and says where in the rule the problem is.
    pub fn parse_located(rule: &Value) -> Result<ChoiceRule, ChoiceRuleError> {
        parse_rule(rule, "", true)
    }

    /// Evaluates the rule against the state's effective input (after `InputPath`), the context
    /// object and the variables in `scope`.
    pub fn eval(&self, scope: &Scope) -> Result<bool, StatesError> {
        match &self.kind {
            RuleKind::And(rules) => {
                for rule in rules {
                    if !rule.eval(scope)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            RuleKind::Or(rules) => {
                for rule in rules {
                    if rule.eval(scope)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            RuleKind::Not(rule) => Ok(!rule.eval(scope)?),
            RuleKind::IsPresent { variable, expected } => {
                Ok(variable.select(scope).is_ok() == *expected)
            }
            RuleKind::Test(test) => test.eval(scope),
        }
    }

    /// Calls `visit` with every path the rule reads (`Variable` and `…Path` operands, nested rules
    /// included), for checks such as "every `$variable` is assigned before it is read".
    pub fn visit_paths(&self, visit: &mut dyn FnMut(&JsonPath)) {
        match &self.kind {
            RuleKind::And(rules) | RuleKind::Or(rules) => {
                for rule in rules {
                    rule.visit_paths(visit);
                }
            }
            RuleKind::Not(rule) => rule.visit_paths(visit),
            RuleKind::IsPresent { variable, .. } => visit(variable),
            RuleKind::Test(test) => {
                visit(&test.variable);
                if let Condition::Compare {
                    operand: Operand::Path { path, .. },
                    ..
                } = &test.condition
                {
                    visit(path);
                }
            }
        }
    }
}

impl DataTest {
    fn eval(&self, scope: &Scope) -> Result<bool, StatesError> {
        // `select` borrows what it finds, so testing a large value copies nothing.
        let variable = self
            .variable
            .select(scope)
            .map_err(|_| invalid_path(&self.variable))?;
        let variable = variable.as_ref();
        match &self.condition {
            Condition::IsType { test, expected } => Ok(is_of_type(*test, variable) == *expected),
            Condition::StringMatches(pattern) => {
                Ok(matches!(variable, Value::String(text) if pattern.matches(text)))
            }
            Condition::Compare {
                relation,
                operand: Operand::Literal(literal),
            } => Ok(compare(
                variable,
                literal.value_type(),
                *relation,
                literal.as_comparable(),
            )),
            Condition::Compare {
                relation,
                operand: Operand::Path { path, value_type },
            } => {
                let operand = path.select(scope).map_err(|_| invalid_path(path))?;
                match value_type.read(&operand) {
                    Some(comparable) => Ok(compare(variable, *value_type, *relation, comparable)),
                    // An equality against a value of another type is simply false, but an
                    // ordering has nothing to order by: AWS fails the state.
                    None if *relation == Relation::Equals => Ok(false),
                    None => Err(StatesError::runtime(format!(
                        "Invalid value provided at path '{}'",
                        path.text()
                    ))),
                }
            }
        }
    }
}

fn invalid_path(path: &JsonPath) -> StatesError {
    StatesError::runtime(format!(
        "Invalid path '{}': The choice state's condition path references an invalid value.",
        path.text()
    ))
}

fn is_of_type(test: TypeTest, value: &Value) -> bool {
    match test {
        TypeTest::Null => value.is_null(),
        TypeTest::Numeric => value.is_number(),
        TypeTest::String => value.is_string(),
        TypeTest::Boolean => value.is_boolean(),
        TypeTest::Timestamp => {
            matches!(value, Value::String(text) if parse_timestamp(text).is_some())
        }
    }
}

/// Compares the variable's value with an operand of `value_type`; a variable of another type
/// never matches.
fn compare(
    variable: &Value,
    value_type: ValueType,
    relation: Relation,
    operand: Comparable,
) -> bool {
    value_type
        .read(variable)
        .and_then(|variable| variable.compare(operand))
        .is_some_and(|ordering| relation.holds(ordering))
}
