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

use chrono::NaiveDate;

use crate::jsonpath::JsonPath;
use crate::{Scope, StatesError, Value};

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

/// An operator that compares `Variable` with a literal, and its `…Path` form that compares it
/// with the value at another path.
struct ComparisonOperator {
    name: &'static str,
    path_name: &'static str,
    value_type: ValueType,
    relation: Relation,
}

const fn comparison(
    name: &'static str,
    path_name: &'static str,
    value_type: ValueType,
    relation: Relation,
) -> ComparisonOperator {
    ComparisonOperator {
        name,
        path_name,
        value_type,
        relation,
    }
}

const COMPARISON_OPERATORS: [ComparisonOperator; 16] = {
    use Relation::*;
    use ValueType::{Boolean, Numeric, String, Timestamp};
    [
        comparison("StringEquals", "StringEqualsPath", String, Equals),
        comparison("StringLessThan", "StringLessThanPath", String, LessThan),
        comparison(
            "StringGreaterThan",
            "StringGreaterThanPath",
            String,
            GreaterThan,
        ),
        comparison(
            "StringLessThanEquals",
            "StringLessThanEqualsPath",
            String,
            LessThanEquals,
        ),
        comparison(
            "StringGreaterThanEquals",
            "StringGreaterThanEqualsPath",
            String,
            GreaterThanEquals,
        ),
        comparison("NumericEquals", "NumericEqualsPath", Numeric, Equals),
        comparison("NumericLessThan", "NumericLessThanPath", Numeric, LessThan),
        comparison(
            "NumericGreaterThan",
            "NumericGreaterThanPath",
            Numeric,
            GreaterThan,
        ),
        comparison(
            "NumericLessThanEquals",
            "NumericLessThanEqualsPath",
            Numeric,
            LessThanEquals,
        ),
        comparison(
            "NumericGreaterThanEquals",
            "NumericGreaterThanEqualsPath",
            Numeric,
            GreaterThanEquals,
        ),
        comparison("BooleanEquals", "BooleanEqualsPath", Boolean, Equals),
        comparison("TimestampEquals", "TimestampEqualsPath", Timestamp, Equals),
        comparison(
            "TimestampLessThan",
            "TimestampLessThanPath",
            Timestamp,
            LessThan,
        ),
        comparison(
            "TimestampGreaterThan",
            "TimestampGreaterThanPath",
            Timestamp,
            GreaterThan,
        ),
        comparison(
            "TimestampLessThanEquals",
            "TimestampLessThanEqualsPath",
            Timestamp,
            LessThanEquals,
        ),
        comparison(
            "TimestampGreaterThanEquals",
            "TimestampGreaterThanEqualsPath",
            Timestamp,
            GreaterThanEquals,
        ),
    ]
};

/// `Is…` operators; `None` stands for `IsPresent`.
const TYPE_TEST_OPERATORS: [(&str, Option<TypeTest>); 6] = [
    ("IsPresent", None),
    ("IsNull", Some(TypeTest::Null)),
    ("IsNumeric", Some(TypeTest::Numeric)),
    ("IsString", Some(TypeTest::String)),
    ("IsBoolean", Some(TypeTest::Boolean)),
    ("IsTimestamp", Some(TypeTest::Timestamp)),
];

/// The only operator without a `…Path` form.
const STRING_MATCHES: &str = "StringMatches";

/// What an operator field name means, with its name as a `'static` string for messages.
enum OperatorSpec {
    Compare {
        name: &'static str,
        value_type: ValueType,
        relation: Relation,
        reads_path: bool,
    },
    TypeTest {
        name: &'static str,
        test: Option<TypeTest>,
    },
    StringMatches,
}

fn operator_spec(field: &str) -> Option<OperatorSpec> {
    for operator in &COMPARISON_OPERATORS {
        let reads_path = field == operator.path_name;
        if reads_path || field == operator.name {
            return Some(OperatorSpec::Compare {
                name: if reads_path {
                    operator.path_name
                } else {
                    operator.name
                },
                value_type: operator.value_type,
                relation: operator.relation,
                reads_path,
            });
        }
    }
    if let Some(&(name, test)) = TYPE_TEST_OPERATORS.iter().find(|(name, _)| *name == field) {
        return Some(OperatorSpec::TypeTest { name, test });
    }
    (field == STRING_MATCHES).then_some(OperatorSpec::StringMatches)
}

impl OperatorSpec {
    fn name(&self) -> &'static str {
        match self {
            OperatorSpec::Compare { name, .. } | OperatorSpec::TypeTest { name, .. } => name,
            OperatorSpec::StringMatches => STRING_MATCHES,
        }
    }
}

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

fn parse_rule(
    rule: &Value,
    location: &str,
    top_level: bool,
) -> Result<ChoiceRule, ChoiceRuleError> {
    let Value::Object(fields) = rule else {
        return Err(ChoiceRuleError::new(
            "Choice Rule must be an object",
            location,
        ));
    };
    let mut combinator: Option<(&str, &Value)> = None;
    let mut operator: Option<(OperatorSpec, &Value)> = None;
    let mut variable: Option<&Value> = None;
    for (field, value) in fields {
        let field_location = || format!("{location}/{field}");
        match field.as_str() {
            "Comment" => {}
            "Next" | "Assign" if top_level => {}
            "Variable" => variable = Some(value),
            "And" | "Or" | "Not" => {
                if let Some((other, _)) = combinator {
                    return Err(only_one_of(other, field, location));
                }
                if let Some((spec, _)) = &operator {
                    return Err(only_one_of(spec.name(), field, location));
                }
                combinator = Some((field.as_str(), value));
            }
            "Condition" => {
                return Err(ChoiceRuleError::new(
                    "The QueryLanguage is set to 'JSONPath', but field 'Condition' is only supported for the 'JSONata' QueryLanguage",
                    field_location(),
                ))
            }
            _ => {
                let Some(spec) = operator_spec(field) else {
                    return Err(ChoiceRuleError::new(
                        format!("Field '{field}' is not supported"),
                        field_location(),
                    ));
                };
                if let Some((other, _)) = combinator {
                    return Err(only_one_of(other, field, location));
                }
                if let Some((other, _)) = &operator {
                    return Err(only_one_of(other.name(), field, location));
                }
                operator = Some((spec, value));
            }
        }
    }

    if let Some((name, value)) = combinator {
        if variable.is_some() {
            return Err(ChoiceRuleError::new(
                format!("Field 'Variable' is not supported together with '{name}'"),
                format!("{location}/Variable"),
            ));
        }
        let combinator_location = format!("{location}/{name}");
        let kind = if name == "Not" {
            RuleKind::Not(Box::new(parse_rule(value, &combinator_location, false)?))
        } else {
            let Value::Array(items) = value else {
                return Err(ChoiceRuleError::new(
                    "Value must be an array of Choice Rules",
                    combinator_location,
                ));
            };
            if items.is_empty() {
                return Err(ChoiceRuleError::new(
                    "Value cannot be empty",
                    combinator_location,
                ));
            }
            let rules = items
                .iter()
                .enumerate()
                .map(|(index, item)| {
                    parse_rule(item, &format!("{combinator_location}/{index}"), false)
                })
                .collect::<Result<Vec<_>, _>>()?;
            if name == "And" {
                RuleKind::And(rules)
            } else {
                RuleKind::Or(rules)
            }
        };
        return Ok(ChoiceRule { kind });
    }

    let Some((spec, operand)) = operator else {
        return Err(ChoiceRuleError::new(
            "A Choice Rule must have exactly one comparison operator or one of the fields [And, Or, Not]",
            location,
        ));
    };
    let Some(variable) = variable else {
        return Err(ChoiceRuleError::new(
            "These fields are required: [Variable]",
            location,
        ));
    };
    let variable = parse_path("Variable", variable, location)?;
    let operator = spec.name();
    let operand_location = format!("{location}/{operator}");
    let condition = match spec {
        OperatorSpec::TypeTest { test, .. } => {
            let Value::Bool(expected) = *operand else {
                return Err(wrong_type(operator, "a boolean", operand_location));
            };
            match test {
                None => {
                    return Ok(ChoiceRule {
                        kind: RuleKind::IsPresent { variable, expected },
                    })
                }
                Some(test) => Condition::IsType { test, expected },
            }
        }
        OperatorSpec::StringMatches => {
            let Value::String(pattern) = operand else {
                return Err(wrong_type(operator, "a string", operand_location));
            };
            Condition::StringMatches(WildcardPattern::parse(pattern))
        }
        OperatorSpec::Compare {
            value_type,
            relation,
            reads_path: true,
            ..
        } => Condition::Compare {
            relation,
            operand: Operand::Path {
                path: parse_path(operator, operand, location)?,
                value_type,
            },
        },
        OperatorSpec::Compare {
            value_type,
            relation,
            reads_path: false,
            ..
        } => Condition::Compare {
            relation,
            operand: Operand::Literal(parse_literal(
                operator,
                value_type,
                operand,
                operand_location,
            )?),
        },
    };
    Ok(ChoiceRule {
        kind: RuleKind::Test(DataTest {
            variable,
            condition,
        }),
    })
}

fn only_one_of(first: &str, second: &str, location: &str) -> ChoiceRuleError {
    ChoiceRuleError::new(
        format!("There should only be one of the following fields: [{first}, {second}]"),
        location,
    )
}

fn wrong_type(field: &str, expected: &str, location: String) -> ChoiceRuleError {
    ChoiceRuleError::new(
        format!("The value of the field '{field}' must be {expected}"),
        location,
    )
}

fn parse_path(field: &str, value: &Value, location: &str) -> Result<JsonPath, ChoiceRuleError> {
    let field_location = format!("{location}/{field}");
    let invalid = |location| {
        ChoiceRuleError::new(
            format!("The value for the field '{field}' must be a valid JSONPath"),
            location,
        )
    };
    let Value::String(text) = value else {
        return Err(invalid(field_location));
    };
    JsonPath::parse(text).map_err(|_| invalid(field_location))
}

fn parse_literal(
    operator: &str,
    value_type: ValueType,
    value: &Value,
    location: String,
) -> Result<Literal, ChoiceRuleError> {
    match (value_type, value) {
        (ValueType::String, Value::String(text)) => Ok(Literal::String(text.clone())),
        (ValueType::String, _) => Err(wrong_type(operator, "a string", location)),
        (ValueType::Numeric, Value::Number(number)) => number
            .as_f64()
            .map(Literal::Number)
            .ok_or_else(|| wrong_type(operator, "a number", location)),
        (ValueType::Numeric, _) => Err(wrong_type(operator, "a number", location)),
        (ValueType::Boolean, Value::Bool(flag)) => Ok(Literal::Boolean(*flag)),
        (ValueType::Boolean, _) => Err(wrong_type(operator, "a boolean", location)),
        (ValueType::Timestamp, Value::String(text)) => parse_timestamp(text)
            .map(Literal::Timestamp)
            .ok_or_else(|| {
                ChoiceRuleError::new("String does not match RFC3339 timestamp", location)
            }),
        (ValueType::Timestamp, _) => Err(wrong_type(operator, "a string", location)),
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

/// Orders strings as Java's `String.compareTo` does: by UTF-16 code units.
///
/// UTF-8 byte order is code point order, which agrees with UTF-16 order except where the first
/// difference is between a character in U+E000..=U+FFFF (lead byte 0xEE or 0xEF) and a
/// supplementary character (lead byte 0xF0..=0xF4, encoded as surrogates 0xD800..=0xDFFF in UTF-16,
/// which sort before U+E000).
pub fn compare_strings(left: &str, right: &str) -> Ordering {
    let first_difference = left
        .bytes()
        .zip(right.bytes())
        .find(|(left_byte, right_byte)| left_byte != right_byte);
    match first_difference {
        Some((left_byte, right_byte)) => {
            let high_bmp = |byte: u8| (0xEE..=0xEF).contains(&byte);
            let supplementary = |byte: u8| byte >= 0xF0;
            if (high_bmp(left_byte) && supplementary(right_byte))
                || (supplementary(left_byte) && high_bmp(right_byte))
            {
                right_byte.cmp(&left_byte)
            } else {
                left_byte.cmp(&right_byte)
            }
        }
        None => left.len().cmp(&right.len()),
    }
}

/// A `StringMatches` pattern: `*` matches any run of characters (including none), `\*` a literal
/// star and `\\` a literal backslash. No other character is special; a backslash before any other
/// character makes that character literal, and a trailing backslash stands for itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WildcardPattern {
    /// The literal text between the stars: one more piece than there are stars.
    pieces: Vec<String>,
}

impl WildcardPattern {
    pub fn parse(pattern: &str) -> WildcardPattern {
        let mut pieces = Vec::new();
        let mut piece = String::new();
        let mut characters = pattern.chars();
        while let Some(character) = characters.next() {
            match character {
                '\\' => piece.push(characters.next().unwrap_or('\\')),
                '*' => pieces.push(std::mem::take(&mut piece)),
                _ => piece.push(character),
            }
        }
        pieces.push(piece);
        WildcardPattern { pieces }
    }

    pub fn matches(&self, text: &str) -> bool {
        let (first, rest) = match self.pieces.split_first() {
            Some(split) => split,
            None => return text.is_empty(),
        };
        let Some((last, middle)) = rest.split_last() else {
            return text == first;
        };
        let Some(mut remaining) = text.strip_prefix(first.as_str()) else {
            return false;
        };
        // With only `*` as a wildcard, taking each middle piece at its leftmost occurrence
        // leaves the most room for the rest, so no backtracking is needed.
        for piece in middle {
            match remaining.find(piece.as_str()) {
                Some(index) => remaining = &remaining[index + piece.len()..],
                None => return false,
            }
        }
        remaining.ends_with(last.as_str())
    }
}

/// An instant parsed from a timestamp string, ordered by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Seconds since 1970-01-01T00:00:00Z.
    seconds: i64,
    nanoseconds: u32,
}

impl Timestamp {
    /// Seconds since the Unix epoch (the fraction is in [`Timestamp::subsec_nanos`]).
    pub fn unix_seconds(&self) -> i64 {
        self.seconds
    }
    pub fn subsec_nanos(&self) -> u32 {
        self.nanoseconds
    }
}

/// Parses a timestamp as Choice rules accept it: RFC 3339 with an uppercase `T` between date and
/// time and either an uppercase `Z` or a numeric `±HH:MM` offset, e.g. `2016-08-18T17:33:00Z`,
/// `2016-08-18T17:33:00.123456+01:00`. Seconds are required; a fraction has 1 to 9 digits.
/// Dates and times must exist (no February 30th, no hour 24, no leap second 60), and offsets are
/// at most 18 hours, as in `java.time`.
pub fn parse_timestamp(text: &str) -> Option<Timestamp> {
    let bytes = text.as_bytes();
    let number = |start: usize, length: usize| -> Option<u32> {
        let digits = bytes.get(start..start + length)?;
        digits.iter().try_fold(0u32, |value, &byte| {
            byte.is_ascii_digit()
                .then(|| value * 10 + u32::from(byte - b'0'))
        })
    };
    let separator = |index: usize, expected: u8| bytes.get(index) == Some(&expected);
    if !(separator(4, b'-')
        && separator(7, b'-')
        && separator(10, b'T')
        && separator(13, b':')
        && separator(16, b':'))
    {
        return None;
    }
    let year = number(0, 4)?;
    let month = number(5, 2)?;
    let day = number(8, 2)?;
    let hour = number(11, 2)?;
    let minute = number(14, 2)?;
    let second = number(17, 2)?;
    let mut index = 19;
    let mut nanoseconds = 0;
    if separator(index, b'.') {
        index += 1;
        let digits = bytes[index..]
            .iter()
            .take_while(|byte| byte.is_ascii_digit())
            .count();
        if !(1..=9).contains(&digits) {
            return None;
        }
        let fraction = number(index, digits)?;
        nanoseconds = fraction * 10u32.pow(9 - digits as u32);
        index += digits;
    }
    let offset_seconds = match bytes.get(index..)? {
        b"Z" => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let offset_hours = number(index + 1, 2)?;
            let offset_minutes = number(index + 4, 2)?;
            if offset_minutes > 59 || offset_hours * 60 + offset_minutes > 18 * 60 {
                return None;
            }
            let magnitude = i64::from(offset_hours * 3600 + offset_minutes * 60);
            if *sign == b'-' {
                -magnitude
            } else {
                magnitude
            }
        }
        _ => return None,
    };
    let local = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?
        .and_hms_opt(hour, minute, second)?;
    Some(Timestamp {
        seconds: local.and_utc().timestamp() - offset_seconds,
        nanoseconds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rule(definition: Value) -> ChoiceRule {
        ChoiceRule::parse(&definition).unwrap_or_else(|error| panic!("{definition}: {error}"))
    }

    fn eval_on(definition: Value, input: Value) -> Result<bool, StatesError> {
        let context = json!({"Execution": {"Input": input.clone()}});
        rule(definition).eval(&Scope::new(&input, &context, &crate::NoVariables))
    }

    fn invalid_path_cause(path: &str) -> String {
        format!(
            "Invalid path '{path}': The choice state's condition path references an invalid value."
        )
    }

    #[test]
    fn missing_variable_fails_every_operator_but_is_present() {
        let input = json!({"present": null});
        for (operator, operand) in [
            ("StringEquals", json!("x")),
            ("StringMatches", json!("*")),
            ("NumericEquals", json!(1)),
            ("NumericLessThanEquals", json!(0)),
            ("BooleanEquals", json!(true)),
            ("TimestampEquals", json!("2012-10-09T19:00:55Z")),
            ("IsNull", json!(true)),
            ("IsNull", json!(false)),
            ("IsString", json!(false)),
            ("IsNumeric", json!(true)),
            ("IsBoolean", json!(true)),
            ("IsTimestamp", json!(false)),
            ("StringEqualsPath", json!("$.present")),
        ] {
            let error = eval_on(
                json!({"Variable": "$.missing", operator: operand}),
                input.clone(),
            )
            .expect_err(operator);
            assert_eq!(error.error, "States.Runtime", "{operator}");
            assert_eq!(error.cause, invalid_path_cause("$.missing"), "{operator}");
        }
        let present = |path: &str, expected: bool| {
            eval_on(
                json!({"Variable": path, "IsPresent": expected}),
                input.clone(),
            )
            .unwrap()
        };
        assert!(!present("$.missing", true));
        assert!(present("$.missing", false));
        assert!(present("$.present", true));
        assert!(!present("$.present", false));
        assert!(present("$", true));
        assert!(!present("$.present.deeper", true));
    }

    #[test]
    fn missing_path_operand_is_an_error_naming_that_path() {
        let error = eval_on(
            json!({"Variable": "$.left", "NumericLessThanEqualsPath": "$.right"}),
            json!({"left": 8}),
        )
        .unwrap_err();
        assert_eq!(error.error, "States.Runtime");
        assert_eq!(error.cause, invalid_path_cause("$.right"));
        // The Variable is looked up first.
        let error = eval_on(
            json!({"Variable": "$.left", "StringEqualsPath": "$.right"}),
            json!({}),
        )
        .unwrap_err();
        assert_eq!(error.cause, invalid_path_cause("$.left"));
    }

    #[test]
    fn path_operands_of_another_type() {
        let input = json!({"num1": 1, "num2": 1, "str1": "1", "str2": "1", "obj": {"value": 8}});
        let test = |operator: &str, variable: &str, operand: &str| {
            eval_on(
                json!({"Variable": variable, operator: operand}),
                input.clone(),
            )
        };
        // Equality with a value of another type is false, whichever side it is on.
        assert_eq!(test("NumericEqualsPath", "$.str1", "$.num2"), Ok(false));
        assert_eq!(test("NumericEqualsPath", "$.num1", "$.str2"), Ok(false));
        assert_eq!(test("NumericEqualsPath", "$.str1", "$.str2"), Ok(false));
        assert_eq!(test("StringEqualsPath", "$.num1", "$.num2"), Ok(false));
        assert_eq!(test("BooleanEqualsPath", "$.num1", "$.num2"), Ok(false));
        assert_eq!(test("TimestampEqualsPath", "$.str1", "$.str2"), Ok(false));
        assert_eq!(test("NumericEqualsPath", "$.num1", "$.num2"), Ok(true));
        assert_eq!(test("StringEqualsPath", "$.str1", "$.str2"), Ok(true));
        // An ordering against a Variable of another type is false ...
        assert_eq!(test("StringGreaterThanPath", "$.num1", "$.str2"), Ok(false));
        assert_eq!(
            test("NumericLessThanEqualsPath", "$.str1", "$.num2"),
            Ok(false)
        );
        // ... but an ordering against an operand of another type has nothing to order by.
        for (operator, operand) in [
            ("StringGreaterThanPath", "$.num2"),
            ("NumericLessThanEqualsPath", "$.obj"),
            ("TimestampLessThanPath", "$.str2"),
        ] {
            let error = test(operator, "$.num1", operand).unwrap_err();
            assert_eq!(error.error, "States.Runtime");
            assert_eq!(
                error.cause,
                format!("Invalid value provided at path '{operand}'")
            );
        }
    }

    #[test]
    fn numbers_compare_by_value_whether_integer_or_float() {
        let test = |operator: &str, literal: Value, variable: Value| {
            eval_on(
                json!({"Variable": "$.v", operator: literal}),
                json!({"v": variable}),
            )
            .unwrap()
        };
        assert!(test("NumericEquals", json!(1), json!(1.0)));
        assert!(test("NumericEquals", json!(1.0), json!(1)));
        assert!(test("NumericEquals", json!(0), json!(-0.0)));
        assert!(test("NumericLessThan", json!(1), json!(0.999)));
        assert!(test("NumericGreaterThan", json!(-1), json!(-0.5)));
        assert!(test(
            "NumericGreaterThanEquals",
            json!(18446744073709551615u64),
            json!(1.8446744073709552e19)
        ));
        assert!(!test("NumericEquals", json!(1), json!("1")));
        assert!(!test("NumericEquals", json!(1), json!(true)));
    }

    #[test]
    fn string_operators() {
        let test = |operator: &str, literal: &str, variable: Value| {
            eval_on(
                json!({"Variable": "$.v", operator: literal}),
                json!({"v": variable}),
            )
            .unwrap()
        };
        assert!(test("StringEquals", "Hello", json!("Hello")));
        assert!(!test("StringEquals", "Hello", json!("hello")));
        assert!(test("StringLessThan", "B", json!("A")));
        assert!(test("StringLessThan", "a", json!("Z")));
        assert!(test("StringLessThan", "AB", json!("A")));
        assert!(!test("StringGreaterThan", "A ", json!("A")));
        assert!(test("StringGreaterThanEquals", "", json!("")));
        // U+FFFD sorts after U+1F600 in UTF-16 (the emoji is a surrogate pair starting 0xD83D).
        assert!(test("StringGreaterThan", "😀", json!("\u{FFFD}")));
        assert!(test("StringMatches", "log-*.txt", json!("log-1.txt")));
        assert!(!test("StringMatches", "log-*.txt", json!(["log-1.txt"])));
        assert!(test("StringMatches", r"\*", json!("*")));
        assert!(!test("StringMatches", r"\*", json!("x")));
    }

    #[test]
    fn timestamp_operators() {
        let test = |operator: &str, literal: &str, variable: Value| {
            eval_on(
                json!({"Variable": "$.v", operator: literal}),
                json!({"v": variable}),
            )
            .unwrap()
        };
        let noon = "2012-10-09T12:00:00Z";
        assert!(test(
            "TimestampEquals",
            noon,
            json!("2012-10-09T13:00:00+01:00")
        ));
        assert!(test(
            "TimestampLessThan",
            noon,
            json!("2012-10-09T11:59:59.999Z")
        ));
        assert!(test(
            "TimestampGreaterThan",
            noon,
            json!("2012-10-09T12:00:00.000000001Z")
        ));
        assert!(test("TimestampGreaterThanEquals", noon, json!(noon)));
        assert!(!test("TimestampEquals", noon, json!("2012-10-09T12:00:00")));
        assert!(!test("TimestampLessThan", noon, json!("2012-10-09")));
        assert!(!test("TimestampLessThan", noon, json!(0)));
        let is_timestamp = |variable: Value| {
            eval_on(
                json!({"Variable": "$.v", "IsTimestamp": true}),
                json!({"v": variable}),
            )
            .unwrap()
        };
        assert!(is_timestamp(json!("2012-10-09T19:00:55Z")));
        assert!(is_timestamp(json!("2012-10-09T19:00:55.123+01:00")));
        assert!(!is_timestamp(json!("2012-10-09T19:00:55")));
        assert!(!is_timestamp(json!(1_349_809_255)));
    }

    #[test]
    fn and_or_not_nest_and_stop_early() {
        let in_twenties = json!({"And": [
            {"Variable": "$.value", "NumericGreaterThanEquals": 20},
            {"Variable": "$.value", "NumericLessThan": 30}
        ]});
        assert_eq!(eval_on(in_twenties.clone(), json!({"value": 22})), Ok(true));
        assert_eq!(
            eval_on(in_twenties.clone(), json!({"value": 30})),
            Ok(false)
        );
        let not_private = json!({"Not": {"Variable": "$.type", "StringEquals": "Private"}});
        assert_eq!(
            eval_on(not_private.clone(), json!({"type": "Private"})),
            Ok(false)
        );
        assert_eq!(eval_on(not_private, json!({"type": "Public"})), Ok(true));
        // The rule of the legacy Map break-condition scenario.
        let is_three = json!({"And": [
            {"Variable": "$", "IsPresent": true},
            {"And": [{"Variable": "$", "IsNumeric": true}, {"Variable": "$", "NumericEquals": 3}]}
        ]});
        assert_eq!(eval_on(is_three.clone(), json!(3)), Ok(true));
        assert_eq!(eval_on(is_three.clone(), json!(2)), Ok(false));
        assert_eq!(eval_on(is_three, json!("3")), Ok(false));
        // A later rule that would fail is not evaluated once the result is known.
        let missing = json!({"Variable": "$.missing", "StringEquals": "x"});
        let always = json!({"Variable": "$", "IsPresent": true});
        let never = json!({"Variable": "$", "IsPresent": false});
        assert_eq!(
            eval_on(json!({"Or": [always, missing.clone()]}), json!({})),
            Ok(true)
        );
        assert_eq!(
            eval_on(json!({"And": [never, missing.clone()]}), json!({})),
            Ok(false)
        );
        let error = eval_on(json!({"Not": {"Or": [missing]}}), json!({})).unwrap_err();
        assert_eq!(error.cause, invalid_path_cause("$.missing"));
    }

    #[test]
    fn context_and_variable_paths() {
        let input = json!({"input-value": 0});
        let context = json!({"Execution": {"Input": {"input-value": 0}}});
        let variables = serde_json::Map::from_iter([
            ("guess".to_string(), json!("the_guess")),
            ("answer".to_string(), json!("the_answer")),
            ("also_answer".to_string(), json!("the_answer")),
        ]);
        let scope = Scope::new(&input, &context, &variables);
        let eval = |definition: Value| rule(definition).eval(&scope);
        assert_eq!(
            eval(json!({"Variable": "$$.Execution.Input.input-value", "NumericLessThanEquals": 0})),
            Ok(true)
        );
        assert_eq!(
            eval(json!({"Variable": "$guess", "StringEqualsPath": "$answer"})),
            Ok(false)
        );
        assert_eq!(
            eval(json!({"Variable": "$also_answer", "StringEqualsPath": "$answer"})),
            Ok(true)
        );
        assert_eq!(
            eval(
                json!({"Variable": "$.input-value", "NumericEqualsPath": "$$.Execution.Input.input-value"})
            ),
            Ok(true)
        );
        assert_eq!(
            eval(json!({"Variable": "$unknown", "IsPresent": true})),
            Ok(false)
        );
        assert_eq!(
            eval(json!({"Variable": "$unknown", "StringEquals": "x"}))
                .unwrap_err()
                .cause,
            invalid_path_cause("$unknown")
        );
        assert_eq!(
            eval(json!({"Variable": "$guess", "StringEqualsPath": "$unknown"}))
                .unwrap_err()
                .cause,
            invalid_path_cause("$unknown")
        );
    }

    #[test]
    fn indefinite_variable_paths_select_an_array() {
        let input = json!({"items": [{"x": 1}, {"x": 2}]});
        let test = |definition: Value| eval_on(definition, input.clone()).unwrap();
        assert!(test(json!({"Variable": "$.items[*].x", "IsPresent": true})));
        assert!(!test(
            json!({"Variable": "$.items[*].x", "IsNumeric": true})
        ));
        assert!(!test(
            json!({"Variable": "$.items[*].x", "NumericEquals": 1})
        ));
        assert!(test(
            json!({"Variable": "$.items[0].x", "NumericEquals": 1})
        ));
    }

    #[test]
    fn parse_errors_say_what_and_where() {
        let error = |definition: Value| {
            ChoiceRule::parse_located(&definition).expect_err(&definition.to_string())
        };
        let check = |definition: Value, message: &str, location: &str| {
            let got = error(definition);
            assert_eq!(
                (got.message.as_str(), got.location.as_str()),
                (message, location)
            );
        };
        check(json!("rule"), "Choice Rule must be an object", "");
        check(json!({"Next": "A"}), "A Choice Rule must have exactly one comparison operator or one of the fields [And, Or, Not]", "");
        check(
            json!({"StringEquals": "x", "Next": "A"}),
            "These fields are required: [Variable]",
            "",
        );
        check(
            json!({"Variable": "$.x", "StringEquals": "x", "NumericEquals": 1}),
            "There should only be one of the following fields: [StringEquals, NumericEquals]",
            "",
        );
        check(json!({"And": []}), "Value cannot be empty", "/And");
        check(
            json!({"Or": {"Variable": "$.x", "IsNull": true}}),
            "Value must be an array of Choice Rules",
            "/Or",
        );
        check(
            json!({"And": [{"Variable": "$.x", "IsNull": true, "Next": "A"}]}),
            "Field 'Next' is not supported",
            "/And/0/Next",
        );
        check(
            json!({"Not": {"Variable": "$.x", "NumericEquals": "1"}}),
            "The value of the field 'NumericEquals' must be a number",
            "/Not/NumericEquals",
        );
        check(
            json!({"Variable": "$.x", "TimestampEquals": "2012-10-09T19:00:55"}),
            "String does not match RFC3339 timestamp",
            "/TimestampEquals",
        );
        check(
            json!({"Variable": "$.x", "IsPresent": "yes"}),
            "The value of the field 'IsPresent' must be a boolean",
            "/IsPresent",
        );
        check(
            json!({"Variable": "$.x", "BooleanEquals": 1}),
            "The value of the field 'BooleanEquals' must be a boolean",
            "/BooleanEquals",
        );
        check(
            json!({"Variable": "$.x", "StringMatchesPath": "$.y"}),
            "Field 'StringMatchesPath' is not supported",
            "/StringMatchesPath",
        );
        check(
            json!({"Variable": 5, "IsNull": true}),
            "The value for the field 'Variable' must be a valid JSONPath",
            "/Variable",
        );
        check(
            json!({"Variable": "$.x", "StringEqualsPath": 5}),
            "The value for the field 'StringEqualsPath' must be a valid JSONPath",
            "/StringEqualsPath",
        );
        check(
            json!({"Variable": "$.x", "And": [{"Variable": "$.x", "IsNull": true}]}),
            "Field 'Variable' is not supported together with 'And'",
            "/Variable",
        );
        check(
            json!({"Condition": "{% true %}", "Next": "A"}),
            "The QueryLanguage is set to 'JSONPath', but field 'Condition' is only supported for the 'JSONata' QueryLanguage",
            "/Condition",
        );
        assert_eq!(
            ChoiceRule::parse(&json!({"And": []})).unwrap_err(),
            "Value cannot be empty"
        );
        // The fields of a top-level rule that belong to the Choice state are ignored.
        rule(
            json!({"Variable": "$.x", "IsNull": true, "Next": "A", "Assign": {"a": 1}, "Comment": "c"}),
        );
        rule(
            json!({"Not": {"Variable": "$.x", "IsNull": true, "Comment": "nested comments are fine"}, "Next": "A"}),
        );
    }

    #[test]
    fn visit_paths_lists_every_path_read() {
        let parsed = rule(json!({"Or": [
            {"Variable": "$.a", "StringEqualsPath": "$$.Execution.Name"},
            {"Not": {"Variable": "$var", "IsPresent": true}}
        ]}));
        let mut paths = Vec::new();
        parsed.visit_paths(&mut |path| paths.push(path.text().to_string()));
        assert_eq!(paths, ["$.a", "$$.Execution.Name", "$var"]);
    }

    #[test]
    fn timestamps_follow_rfc3339_with_uppercase_t_and_z() {
        let accepted = [
            "2012-10-09T19:00:55Z",
            "2012-10-09T19:00:55.1Z",
            "2012-10-09T19:00:55.123456789Z",
            "2012-10-09T19:00:55+01:00",
            "2012-10-09T19:00:55.5-05:30",
            "2016-02-29T00:00:00Z",
            "2012-10-09T19:00:55+18:00",
        ];
        for text in accepted {
            assert!(
                parse_timestamp(text).is_some(),
                "{text} should be a timestamp"
            );
        }
        let rejected = [
            "",
            " ",
            "HelloWorld",
            "2012-10-09T19:00:55",
            "2023-02-24",
            "2023-02-24 12:15:56.832957",
            "2012-10-09t19:00:55Z",
            "2012-10-09T19:00:55z",
            "2012-10-09 19:00:55Z",
            "2012-10-09T19:00Z",
            "2012-10-09T19:00:55.Z",
            "2012-10-09T19:00:55.1234567890Z",
            "2012-10-09T19:00:55+0100",
            "2012-10-09T19:00:55+01",
            "2012-10-09T19:00:55+19:00",
            "2012-10-09T19:00:55+01:60",
            "2016-13-05T21:29:29Z",
            "2016-12-05T25:29:29Z",
            "2015-02-29T00:00:00Z",
            "2016-12-31T23:59:60Z",
            "05-12-2016T21:29:29Z",
            "2012-10-09T19:00:55Z ",
            "+2012-10-09T19:00:55Z",
            "２０１２-10-09T19:00:55Z",
        ];
        for text in rejected {
            assert!(
                parse_timestamp(text).is_none(),
                "{text} should not be a timestamp"
            );
        }
    }

    #[test]
    fn timestamps_compare_by_instant() {
        let parse = |text| parse_timestamp(text).unwrap();
        assert_eq!(
            parse("2012-10-09T19:00:55Z"),
            parse("2012-10-09T20:00:55+01:00")
        );
        assert_eq!(
            parse("2012-10-09T19:00:55Z"),
            parse("2012-10-09T13:30:55-05:30")
        );
        assert!(parse("2012-10-09T19:00:55Z") < parse("2012-10-09T19:00:56Z"));
        assert!(parse("2012-10-09T19:00:55Z") < parse("2012-10-09T19:00:55.000000001Z"));
        assert_eq!(
            parse("2012-10-09T19:00:55.5Z"),
            parse("2012-10-09T19:00:55.500Z")
        );
        assert_eq!(parse("1970-01-01T00:00:00Z").unix_seconds(), 0);
        assert_eq!(parse("2012-10-09T19:00:55Z").unix_seconds(), 1_349_809_255);
        assert_eq!(parse("1969-12-31T23:59:59.25Z").unix_seconds(), -1);
        assert_eq!(parse("1969-12-31T23:59:59.25Z").subsec_nanos(), 250_000_000);
    }

    #[test]
    fn wildcard_patterns() {
        let cases = [
            ("*", "", true),
            ("*", "anything", true),
            ("log-*.txt", "log-2024.txt", true),
            ("log-*.txt", "log-.txt", true),
            ("log-*.txt", "log-2024.txt.bak", false),
            ("*.log", "a.log.log", true),
            ("a*a", "a", false),
            ("a*a", "aa", true),
            ("a*b*c", "abc", true),
            ("a*b*c", "aXbYbZc", true),
            ("a*b*c", "acb", false),
            ("**", "x", true),
            ("exact", "exact", true),
            ("exact", "exactly", false),
            ("", "", true),
            ("", "x", false),
            (r"a\*b", "a*b", true),
            (r"a\*b", "aXb", false),
            (r"a\\*", r"a\anything", true),
            (r"a\\b", r"a\b", true),
            (r"a\b", "ab", true),
            ("trailing\\", "trailing\\", true),
            ("é*ü", "éaaü", true),
        ];
        for (pattern, text, expected) in cases {
            assert_eq!(
                WildcardPattern::parse(pattern).matches(text),
                expected,
                "{pattern:?} against {text:?}"
            );
        }
    }

    #[test]
    fn strings_order_by_utf16_code_units() {
        let samples = [
            "",
            "A",
            "AB",
            "ABC",
            "B",
            "a",
            "é",
            "\u{E000}",
            "\u{FFFD}",
            "\u{FFFF}",
            "😀",
            "😀a",
            "\u{10000}",
            "A\u{E000}",
            "A😀",
            "\u{7FF}",
            "\u{800}",
        ];
        for left in samples {
            for right in samples {
                assert_eq!(
                    compare_strings(left, right),
                    left.encode_utf16().cmp(right.encode_utf16()),
                    "{left:?} vs {right:?}"
                );
            }
        }
        assert_eq!(compare_strings("\u{FFFD}", "😀"), Ordering::Greater);
    }

    #[test]
    fn relations() {
        use Ordering::*;
        assert!(Relation::Equals.holds(Equal));
        assert!(!Relation::Equals.holds(Less));
        assert!(Relation::LessThanEquals.holds(Equal) && Relation::LessThanEquals.holds(Less));
        assert!(!Relation::LessThanEquals.holds(Greater));
        assert!(
            Relation::GreaterThanEquals.holds(Greater) && !Relation::GreaterThanEquals.holds(Less)
        );
        assert!(Relation::LessThan.holds(Less) && !Relation::LessThan.holds(Equal));
        assert!(Relation::GreaterThan.holds(Greater) && !Relation::GreaterThan.holds(Equal));
    }

    #[test]
    fn literal_comparisons_of_another_type_are_false() {
        let five = Comparable::Number(5.0);
        assert!(compare(
            &json!(5),
            ValueType::Numeric,
            Relation::Equals,
            five
        ));
        assert!(compare(
            &json!(5.0),
            ValueType::Numeric,
            Relation::Equals,
            five
        ));
        assert!(compare(
            &json!(4.5),
            ValueType::Numeric,
            Relation::LessThan,
            five
        ));
        assert!(!compare(
            &json!("5"),
            ValueType::Numeric,
            Relation::Equals,
            five
        ));
        assert!(!compare(
            &json!(null),
            ValueType::Numeric,
            Relation::Equals,
            five
        ));
        assert!(!compare(
            &json!([5]),
            ValueType::Numeric,
            Relation::Equals,
            five
        ));
        let text = Comparable::String("HelloWorld");
        assert!(compare(
            &json!("HelloWorld"),
            ValueType::String,
            Relation::Equals,
            text
        ));
        assert!(!compare(
            &json!(0),
            ValueType::String,
            Relation::Equals,
            text
        ));
        assert!(!compare(
            &json!({"A": 0}),
            ValueType::String,
            Relation::Equals,
            text
        ));
        let yes = Comparable::Boolean(true);
        assert!(compare(
            &json!(true),
            ValueType::Boolean,
            Relation::Equals,
            yes
        ));
        assert!(!compare(
            &json!(1),
            ValueType::Boolean,
            Relation::Equals,
            yes
        ));
        assert!(!compare(
            &json!("true"),
            ValueType::Boolean,
            Relation::Equals,
            yes
        ));
        let instant = Comparable::Timestamp(parse_timestamp("2012-10-09T19:00:55Z").unwrap());
        assert!(compare(
            &json!("2012-10-09T19:00:55Z"),
            ValueType::Timestamp,
            Relation::Equals,
            instant
        ));
        assert!(!compare(
            &json!("2012-10-09T19:00:55"),
            ValueType::Timestamp,
            Relation::Equals,
            instant
        ));
        assert!(!compare(
            &json!(1_349_809_255),
            ValueType::Timestamp,
            Relation::Equals,
            instant
        ));
    }

    #[test]
    fn type_tests() {
        assert!(is_of_type(TypeTest::Null, &json!(null)));
        assert!(!is_of_type(TypeTest::Null, &json!("")));
        assert!(
            is_of_type(TypeTest::Numeric, &json!(0)) && is_of_type(TypeTest::Numeric, &json!(1.1))
        );
        assert!(!is_of_type(TypeTest::Numeric, &json!("1")));
        assert!(
            is_of_type(TypeTest::String, &json!("")) && !is_of_type(TypeTest::String, &json!([""]))
        );
        assert!(
            is_of_type(TypeTest::Boolean, &json!(false))
                && !is_of_type(TypeTest::Boolean, &json!(0))
        );
        assert!(is_of_type(
            TypeTest::Timestamp,
            &json!("2012-10-09T19:00:55+01:00")
        ));
        assert!(!is_of_type(
            TypeTest::Timestamp,
            &json!("2012-10-09T19:00:55")
        ));
        assert!(!is_of_type(TypeTest::Timestamp, &json!("2023-02-24")));
    }

    #[test]
    fn operator_table_covers_every_operator() {
        for name in [
            "StringEquals",
            "StringEqualsPath",
            "StringLessThan",
            "StringLessThanPath",
            "StringGreaterThan",
            "StringGreaterThanPath",
            "StringLessThanEquals",
            "StringLessThanEqualsPath",
            "StringGreaterThanEquals",
            "StringGreaterThanEqualsPath",
            "StringMatches",
            "NumericEquals",
            "NumericEqualsPath",
            "NumericLessThan",
            "NumericLessThanPath",
            "NumericGreaterThan",
            "NumericGreaterThanPath",
            "NumericLessThanEquals",
            "NumericLessThanEqualsPath",
            "NumericGreaterThanEquals",
            "NumericGreaterThanEqualsPath",
            "BooleanEquals",
            "BooleanEqualsPath",
            "TimestampEquals",
            "TimestampEqualsPath",
            "TimestampLessThan",
            "TimestampLessThanPath",
            "TimestampGreaterThan",
            "TimestampGreaterThanPath",
            "TimestampLessThanEquals",
            "TimestampLessThanEqualsPath",
            "TimestampGreaterThanEquals",
            "TimestampGreaterThanEqualsPath",
            "IsNull",
            "IsPresent",
            "IsNumeric",
            "IsString",
            "IsBoolean",
            "IsTimestamp",
        ] {
            let spec = operator_spec(name).unwrap_or_else(|| panic!("{name} is an operator"));
            assert_eq!(spec.name(), name);
        }
        for name in [
            "StringMatchesPath",
            "BooleanLessThan",
            "IsObject",
            "stringequals",
            "Equals",
        ] {
            assert!(operator_spec(name).is_none(), "{name} is not an operator");
        }
        match operator_spec("NumericLessThanEqualsPath") {
            Some(OperatorSpec::Compare {
                value_type: ValueType::Numeric,
                relation: Relation::LessThanEquals,
                reads_path: true,
                ..
            }) => {}
            _ => panic!("NumericLessThanEqualsPath is a numeric <= against a path"),
        }
        match operator_spec("TimestampGreaterThanEquals") {
            Some(OperatorSpec::Compare {
                value_type: ValueType::Timestamp,
                relation: Relation::GreaterThanEquals,
                reads_path: false,
                ..
            }) => {}
            _ => panic!("TimestampGreaterThanEquals is a timestamp >= against a literal"),
        }
    }
}
