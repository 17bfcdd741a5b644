//! The semantic phase: state names, transition targets, reachability and labels.

use super::{
    Location, Scope, Walker, DUPLICATE_LABEL_NAME, DUPLICATE_STATE_NAME, INVALID_LABEL_NAME,
    INVALID_STATE_NAME, MAX_STATE_NAME_CHARACTERS, MISSING_END_STATE, MISSING_TRANSITION_TARGET,
};
use crate::validate::label::{label_problem, parser_error_text};
use crate::validate::Diagnostic;

impl<'t> Walker<'t> {
    pub(super) fn semantic_diagnostics(&self) -> Vec<Diagnostic> {
        let mut diagnostics = Vec::new();
        self.check_state_names(&mut diagnostics);
        self.check_transition_targets(&mut diagnostics);
        let has_terminal_state = self
            .scopes
            .iter()
            .filter(|scope| scope.top_level)
            .all(|scope| scope.states.iter().any(|state| state.terminal));
        if self.scope == Scope::Machine {
            if has_terminal_state {
                self.check_reachability(&mut diagnostics);
            } else {
                diagnostics.push(Diagnostic::error(
                    MISSING_END_STATE,
                    "Workflow has no terminal state",
                    None,
                ));
            }
        } else {
            self.check_reachability(&mut diagnostics);
        }
        self.check_labels(&mut diagnostics);
        diagnostics
    }

    /// State names are unique in the whole machine, branches and processors included.
    fn check_state_names(&self, diagnostics: &mut Vec<Diagnostic>) {
        let mut seen = std::collections::HashSet::new();
        let states = self
            .state_order
            .iter()
            .filter_map(|at| self.scopes.get(at.scope)?.states.get(at.index));
        for state in states {
            if state.name.chars().count() > MAX_STATE_NAME_CHARACTERS {
                diagnostics.push(Diagnostic::error(
                    INVALID_STATE_NAME,
                    "Invalid State name: State exceeds the 80-character limit allowed by the service",
                    Some(state.location.render()),
                ));
            }
            if !seen.insert(state.name.as_str()) {
                diagnostics.push(Diagnostic::error(
                    DUPLICATE_STATE_NAME,
                    format!("Duplicate State name: {}", state.name),
                    Some(state.location.render()),
                ));
            }
        }
    }

    fn check_transition_targets(&self, diagnostics: &mut Vec<Diagnostic>) {
        for scope in &self.scopes {
            let names: std::collections::HashSet<&str> = scope
                .states
                .iter()
                .map(|state| state.name.as_str())
                .collect();
            let missing = |target: &str, location: &Location| {
                Diagnostic::error(
                    MISSING_TRANSITION_TARGET,
                    format!("Missing 'Next' target: {target}"),
                    Some(location.render()),
                )
            };
            if let Some(start_at) = &scope.start_at {
                if !names.contains(start_at.as_str()) {
                    diagnostics.push(missing(start_at, &scope.location.child("StartAt")));
                }
            }
            // A single state tested alone may name states the test does not include.
            if scope.top_level && self.scope == Scope::SingleState {
                continue;
            }
            for state in &scope.states {
                for (target, location) in &state.transitions {
                    if !names.contains(target.as_str()) {
                        diagnostics.push(missing(target, location));
                    }
                }
            }
        }
    }

    fn check_reachability(&self, diagnostics: &mut Vec<Diagnostic>) {
        for scope in &self.scopes {
            let index_of: std::collections::HashMap<&str, usize> = scope
                .states
                .iter()
                .enumerate()
                .map(|(index, state)| (state.name.as_str(), index))
                .collect();
            let mut reached = vec![false; scope.states.len()];
            let mut pending: Vec<usize> = scope
                .start_at
                .as_deref()
                .and_then(|start| index_of.get(start).copied())
                .into_iter()
                .collect();
            while let Some(index) = pending.pop() {
                if std::mem::replace(&mut reached[index], true) {
                    continue;
                }
                for (target, _) in &scope.states[index].transitions {
                    if let Some(&next) = index_of.get(target.as_str()) {
                        if !reached[next] {
                            pending.push(next);
                        }
                    }
                }
            }
            for (state, reached) in scope.states.iter().zip(reached) {
                if !reached {
                    diagnostics.push(Diagnostic::error(
                        MISSING_TRANSITION_TARGET,
                        format!("State \"{}\" is not reachable.", state.name),
                        Some(state.location.render()),
                    ));
                }
            }
        }
    }

    fn check_labels(&self, diagnostics: &mut Vec<Diagnostic>) {
        let mut seen = std::collections::HashSet::new();
        for (label, location) in &self.labels {
            if let Some(problem) = label_problem(label) {
                let mut diagnostic =
                    Diagnostic::error(INVALID_LABEL_NAME, problem.clone(), Some(location.render()));
                diagnostic.invalid_definition_text =
                    Some(parser_error_text(&problem, self.definition_text));
                diagnostics.push(diagnostic);
            } else if !seen.insert(label.as_str()) {
                diagnostics.push(Diagnostic::error(
                    DUPLICATE_LABEL_NAME,
                    format!("Duplicate Label name: {label}"),
                    Some(location.render()),
                ));
            }
        }
    }
}
