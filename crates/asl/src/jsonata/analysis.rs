//! What a compiled expression reads from outside: which variables, which parts of them, and which
//! host functions. Worked out once at compile time so each evaluation binds (and converts from
//! `serde_json`) only what the expression can observe.

use std::collections::BTreeMap;

use jsonata_core::ast::{AstNode, BinaryOp, PathStep, Stage};

/// The parts of one bound value an expression can observe.
///
/// `whole` means the value may be observed as a whole (passed to a function, printed, iterated …)
/// and must be converted entirely. Otherwise only the listed fields are read, each through a plain
/// field step (`$v.a.b`), so a partial object holding just those fields behaves the same.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Usage {
    pub whole: bool,
    pub fields: BTreeMap<String, Usage>,
}

impl Usage {
    fn mark_whole(&mut self) {
        self.whole = true;
        // A whole value needs no field breakdown.
        self.fields.clear();
    }

    fn field(&mut self, name: &str) -> &mut Usage {
        self.fields.entry(name.to_string()).or_default()
    }

    /// Merges another expression's usage of the same value into this one.
    pub fn merge(&mut self, other: &Usage) {
        if self.whole {
            return;
        }
        if other.whole {
            self.mark_whole();
            return;
        }
        for (name, usage) in &other.fields {
            self.field(name).merge(usage);
        }
    }
}

/// What one expression references.
#[derive(Debug, Clone, Default)]
pub(super) struct Analysis {
    /// Variables read (`$name`, `$name.a`, or a call `$name(…)` that a binding would shadow), with
    /// the parts of each that are observable. Never contains `""` (the context `$`).
    pub variables: BTreeMap<String, Usage>,
    /// jsonata-js 2.0.6's error for syntax that jsonata-core accepts but 2.0.6 (and so AWS) does
    /// not: the 2.1 operators `??` and `?:`, and a range `..` outside an array constructor.
    pub unsupported_syntax: Option<&'static str>,
}

impl Analysis {
    pub fn of(ast: &AstNode) -> Analysis {
        let mut analysis = Analysis::default();
        // The parent operator `%` can climb from a field back to the object holding it, which a
        // partial object would betray: then every value is observed whole.
        let mut climbs_to_parent = false;
        analysis.visit(ast, &mut climbs_to_parent);
        if climbs_to_parent {
            for usage in analysis.variables.values_mut() {
                usage.mark_whole();
            }
        }
        analysis
    }

    /// Whether the expression names `$name` in any way (a value or a function).
    pub fn references(&self, name: &str) -> bool {
        self.variables.contains_key(name)
    }

    fn variable(&mut self, name: &str) -> &mut Usage {
        self.variables.entry(name.to_string()).or_default()
    }

    fn visit(&mut self, node: &AstNode, climbs_to_parent: &mut bool) {
        match node {
            AstNode::Variable(name) => {
                if !name.is_empty() {
                    self.variable(name).mark_whole();
                }
            }
            AstNode::Function { name, args, .. } => {
                // A call reads its name like a variable: a binding of that name would be called.
                self.variable(name).mark_whole();
                self.visit_all(args, climbs_to_parent);
            }
            AstNode::Path { steps } => self.visit_path(steps, climbs_to_parent),
            AstNode::Parent(_) => *climbs_to_parent = true,
            AstNode::Binary { op, lhs, rhs } => {
                let unsupported = match op {
                    BinaryOp::Coalesce => {
                        Some("S0211: The symbol \"?\" cannot be used as a unary operator")
                    }
                    BinaryOp::Default => {
                        Some("S0211: The symbol \":\" cannot be used as a unary operator")
                    }
                    BinaryOp::Range => Some("S0201: Syntax error: \"..\""),
                    _ => None,
                };
                if self.unsupported_syntax.is_none() {
                    self.unsupported_syntax = unsupported;
                }
                self.visit(lhs, climbs_to_parent);
                self.visit(rhs, climbs_to_parent);
            }
            AstNode::Unary { operand, .. } => self.visit(operand, climbs_to_parent),
            AstNode::Call { procedure, args } => {
                self.visit(procedure, climbs_to_parent);
                self.visit_all(args, climbs_to_parent);
            }
            AstNode::Lambda { body, .. } => self.visit(body, climbs_to_parent),
            AstNode::Array(items) | AstNode::ArrayGroup(items) => {
                for item in items {
                    match item {
                        // A range is an item of an array constructor, its only place in 2.0.6.
                        AstNode::Binary {
                            op: BinaryOp::Range,
                            lhs,
                            rhs,
                        } => {
                            self.visit(lhs, climbs_to_parent);
                            self.visit(rhs, climbs_to_parent);
                        }
                        other => self.visit(other, climbs_to_parent),
                    }
                }
            }
            AstNode::Block(items) => self.visit_all(items, climbs_to_parent),
            AstNode::Object(pairs) => self.visit_pairs(pairs, climbs_to_parent),
            AstNode::ObjectTransform { input, pattern } => {
                self.visit(input, climbs_to_parent);
                self.visit_pairs(pattern, climbs_to_parent);
            }
            // Two children and an optional third, visited in order.
            AstNode::Conditional {
                condition: first,
                then_branch: second,
                else_branch: third,
            }
            | AstNode::Transform {
                location: first,
                update: second,
                delete: third,
            } => {
                self.visit(first, climbs_to_parent);
                self.visit(second, climbs_to_parent);
                if let Some(third) = third {
                    self.visit(third, climbs_to_parent);
                }
            }
            AstNode::FunctionApplication(inner) => self.visit(inner, climbs_to_parent),
            AstNode::Sort { input, terms } => {
                self.visit(input, climbs_to_parent);
                for (term, _) in terms {
                    self.visit(term, climbs_to_parent);
                }
            }
            AstNode::String(_)
            | AstNode::Name(_)
            | AstNode::Number(_)
            | AstNode::Boolean(_)
            | AstNode::Null
            | AstNode::Undefined
            | AstNode::Placeholder
            | AstNode::Regex { .. }
            | AstNode::ParentVariable(_)
            | AstNode::Wildcard
            | AstNode::Descendant => {}
        }
    }

    fn visit_all(&mut self, nodes: &[AstNode], climbs_to_parent: &mut bool) {
        for node in nodes {
            self.visit(node, climbs_to_parent);
        }
    }

    fn visit_pairs(&mut self, pairs: &[(AstNode, AstNode)], climbs_to_parent: &mut bool) {
        for (key, value) in pairs {
            self.visit(key, climbs_to_parent);
            self.visit(value, climbs_to_parent);
        }
    }

    /// A path that starts at a variable reads only the fields its leading plain name steps name;
    /// the value reached at the end of those steps is observed whole.
    fn visit_path(&mut self, steps: &[PathStep], climbs_to_parent: &mut bool) {
        let mut rest = steps;
        if let Some((head, tail)) = steps.split_first() {
            if let AstNode::Variable(name) = &head.node {
                if !name.is_empty() {
                    let mut usage = self.variable(name);
                    if is_plain(head) {
                        for step in tail {
                            let AstNode::Name(field) = &step.node else {
                                break;
                            };
                            usage = usage.field(field);
                            if !is_plain(step) {
                                break;
                            }
                        }
                    }
                    usage.mark_whole();
                }
                // The head is handled; its stages still need a look.
                self.visit_stages(head, climbs_to_parent);
                rest = tail;
            }
        }
        for step in rest {
            self.visit(&step.node, climbs_to_parent);
            self.visit_stages(step, climbs_to_parent);
        }
    }

    fn visit_stages(&mut self, step: &PathStep, climbs_to_parent: &mut bool) {
        if step.ancestor_label.is_some() {
            *climbs_to_parent = true;
        }
        for stage in &step.stages {
            if let Stage::Filter(filter) = stage {
                self.visit(filter, climbs_to_parent);
            }
        }
    }
}

/// A step that only looks a field up: no predicate, no binding, no tuple stream.
pub(super) fn is_plain(step: &PathStep) -> bool {
    step.stages.is_empty()
        && step.focus.is_none()
        && step.index_var.is_none()
        && step.ancestor_label.is_none()
        && !step.is_tuple
        && !step.inner_tuple
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyse(source: &str) -> Analysis {
        Analysis::of(&jsonata_core::parser::parse(source).expect("parses"))
    }

    fn fields(usage: &Usage) -> Vec<&str> {
        usage.fields.keys().map(String::as_str).collect()
    }

    #[test]
    fn a_field_path_reads_only_its_fields() {
        let analysis = analyse("$states.input.a + $states.input.b.c");
        let states = &analysis.variables["states"];
        assert!(!states.whole);
        assert_eq!(fields(states), ["input"]);
        let input = &states.fields["input"];
        assert_eq!(fields(input), ["a", "b"]);
        assert!(input.fields["a"].whole);
        assert!(!input.fields["b"].whole);
        assert!(input.fields["b"].fields["c"].whole);
    }

    #[test]
    fn a_bare_variable_is_read_whole() {
        let analysis = analyse("$merge([$states.input.part1, $x])");
        assert!(analysis.variables["x"].whole);
        assert!(analysis.variables["merge"].whole);
        assert_eq!(fields(&analysis.variables["states"]), ["input"]);
    }

    #[test]
    fn a_predicate_makes_the_filtered_field_whole_and_is_itself_analysed() {
        let analysis = analyse("$states.input.items[id = $wanted].name");
        let input = &analysis.variables["states"].fields["input"];
        assert!(input.fields["items"].whole);
        assert!(analysis.variables["wanted"].whole);
    }

    #[test]
    fn the_parent_operator_makes_everything_whole() {
        let analysis = analyse("$states.input.a.%.b");
        assert!(analysis.variables["states"].whole);
    }

    #[test]
    fn merging_keeps_the_widest_usage() {
        let mut left = analyse("$states.input.a").variables["states"].clone();
        left.merge(&analyse("$states.context").variables["states"]);
        assert_eq!(fields(&left), ["context", "input"]);
        left.merge(&analyse("$states").variables["states"]);
        assert!(left.whole);
        assert!(left.fields.is_empty());
    }

    #[test]
    fn syntax_newer_than_2_0_6_is_flagged() {
        assert_eq!(analyse("[1..3, 5]").unsupported_syntax, None);
        assert_eq!(analyse("$x[[0..1]]").unsupported_syntax, None);
        assert_eq!(
            analyse("1..3").unsupported_syntax,
            Some("S0201: Syntax error: \"..\"")
        );
        assert_eq!(
            analyse("$a ?? 1").unsupported_syntax,
            Some("S0211: The symbol \"?\" cannot be used as a unary operator")
        );
        assert_eq!(
            analyse("$a ?: 1").unsupported_syntax,
            Some("S0211: The symbol \":\" cannot be used as a unary operator")
        );
    }

    #[test]
    fn lambda_bodies_and_called_names_are_seen() {
        let analysis = analyse("$map($states.input.list, function($v) { $v * $factor })");
        assert!(analysis.references("factor"));
        assert!(analysis.references("map"));
        assert!(analysis.references("v"));
        assert!(!analysis.references(""));
    }
}
