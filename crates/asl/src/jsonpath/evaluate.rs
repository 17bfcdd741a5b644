//! Walking a parsed path over a document, with Jayway's rules for misses and filters.

use std::borrow::Cow;

use serde_json::Map;

use super::compare::{compare, FilterValue};
use super::{CompiledPath, Filter, FilterExpression, Miss, Operand, Root, Step};
use crate::Value;

/// What an evaluation needs besides the node: the document `$` refers to inside filters, and
/// whether missing names are errors (Jayway's `REQUIRE_PROPERTIES`, used by `[?(@.x)]`).
pub(super) struct Evaluation<'a> {
    pub(super) root: &'a Value,
    pub(super) require_properties: bool,
}

/// `index` counted from the end when negative, if it falls inside an array of `len` items.
pub(crate) fn effective_index(len: usize, index: i64) -> Option<usize> {
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
    pub(super) fn jayway_path(&self) -> String {
        format!("${}", self.fragments_from(0))
    }

    pub(super) fn fragments_from(&self, start: usize) -> String {
        self.steps
            .iter()
            .skip(start)
            .map(Step::fragment)
            .collect::<Vec<_>>()
            .concat()
    }

    /// The path Jayway reports while evaluating the first `steps` steps: names always in single
    /// quotes. Errors only arise on definite prefixes, so each step is a name or an index.
    pub(super) fn evaluation_path(&self, steps: usize) -> String {
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
    pub(super) fn select_definite<'a>(&self, document: &'a Value) -> Result<Cow<'a, Value>, Miss> {
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
    pub(super) fn walk<'a>(
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
