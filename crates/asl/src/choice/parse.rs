//! Reading a rule object into a [`ChoiceRule`]: the operator table and its checks.

use super::values::{parse_timestamp, WildcardPattern};
use super::{
    ChoiceRule, ChoiceRuleError, Condition, DataTest, Literal, Operand, Relation, RuleKind,
    TypeTest, ValueType,
};
use crate::jsonpath::JsonPath;
use crate::Value;

/// An operator that compares `Variable` with a literal, and its `…Path` form that compares it
/// with the value at another path.
struct ComparisonOperator {
    name: &'static str,
    path_name: &'static str,
    value_type: ValueType,
    relation: Relation,
}

/// The operators comparing values of each type by each relation, named `<type><relation>` and
/// `<type><relation>Path` as the variant names are written.
macro_rules! comparison_operators {
    ($($value_type:ident: $($relation:ident),+;)+) => {
        [$($(ComparisonOperator {
            name: concat!(stringify!($value_type), stringify!($relation)),
            path_name: concat!(stringify!($value_type), stringify!($relation), "Path"),
            value_type: ValueType::$value_type,
            relation: Relation::$relation,
        },)+)+]
    };
}

const COMPARISON_OPERATORS: [ComparisonOperator; 16] = comparison_operators! {
    String: Equals, LessThan, GreaterThan, LessThanEquals, GreaterThanEquals;
    Numeric: Equals, LessThan, GreaterThan, LessThanEquals, GreaterThanEquals;
    Boolean: Equals;
    Timestamp: Equals, LessThan, GreaterThan, LessThanEquals, GreaterThanEquals;
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
pub(super) enum OperatorSpec {
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

pub(super) fn operator_spec(field: &str) -> Option<OperatorSpec> {
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
    pub(super) fn name(&self) -> &'static str {
        match self {
            OperatorSpec::Compare { name, .. } | OperatorSpec::TypeTest { name, .. } => name,
            OperatorSpec::StringMatches => STRING_MATCHES,
        }
    }
}
pub(super) fn parse_rule(
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
