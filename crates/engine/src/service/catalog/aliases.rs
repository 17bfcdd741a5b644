//! State machine aliases: names that route executions to one or two versions by weight.

use store::{AliasRoute, StateMachineAliasRecord};

use super::{check_not_deleting, Catalog};
use crate::service::arns::{
    parse_state_machine_arn, referenced_resource_not_found, state_machine_does_not_exist,
    validation, ResourceScope, StateMachineQualifier,
};
use crate::service::{ErrorCode, Result, ServiceError};

/// AWS's quota of aliases per state machine.
const MAX_ALIASES_PER_STATE_MACHINE: usize = 100;

/// The version an alias sends most executions to (the first of equal weights).
pub fn main_route(alias: &StateMachineAliasRecord) -> Option<&str> {
    let mut best: Option<&AliasRoute> = None;
    for route in &alias.routing {
        if best.is_none_or(|b| route.weight > b.weight) {
            best = Some(route);
        }
    }
    best.map(|route| route.version_arn.as_str())
}

/// The version an execution goes to for a roll in 0..100: each route takes its weight's share.
pub fn pick_route(alias: &StateMachineAliasRecord, roll: u32) -> Option<&str> {
    let mut reached = 0;
    for route in &alias.routing {
        reached += route.weight;
        if roll < reached {
            return Some(&route.version_arn);
        }
    }
    alias
        .routing
        .iter()
        .rev()
        .find(|route| route.weight > 0)
        .map(|route| route.version_arn.as_str())
}

fn listed_arns(routing: &[AliasRoute]) -> String {
    let arns: Vec<&str> = routing.iter().map(|r| r.version_arn.as_str()).collect();
    format!("[{}]", arns.join(", "))
}

impl Catalog {
    /// Checks a routing configuration as AWS does and answers the state machine it routes to.
    fn routed_state_machine(
        &self,
        scope: &ResourceScope,
        routing: &[AliasRoute],
    ) -> Result<String> {
        let mut machines = Vec::with_capacity(routing.len());
        for route in routing {
            let version = parse_state_machine_arn(&route.version_arn)
                .ok()
                .filter(|parsed| matches!(parsed.qualifier, StateMachineQualifier::Version(_)));
            match version {
                Some(parsed) => machines.push(parsed.base_arn),
                None => {
                    return Err(validation(format!(
                    "Routing configuration must contain state machine version ARNs. Received: {}",
                    listed_arns(routing)
                )))
                }
            }
        }
        let distinct = routing.iter().enumerate().all(|(i, route)| {
            routing[..i]
                .iter()
                .all(|earlier| earlier.version_arn != route.version_arn)
        });
        if !distinct {
            return Err(validation(format!(
                "Routing configuration must contain distinct state machine version ARNs. Received: {}",
                listed_arns(routing)
            )));
        }
        let Some(machine_arn) = machines.first().cloned() else {
            return Err(validation(
                "Routing configuration must contain state machine version ARNs. Received: []",
            ));
        };
        if machines.iter().any(|arn| *arn != machine_arn) {
            // Our wording: no recorded case shows AWS's message for versions of two machines.
            return Err(validation(format!(
                "Routing configuration must contain versions of the same state machine. Received: {}",
                listed_arns(routing)
            )));
        }
        let weights: Vec<String> = routing.iter().map(|r| r.weight.to_string()).collect();
        if routing.iter().map(|r| r.weight).sum::<u32>() != 100 {
            return Err(validation(format!(
                "Sum of routing configuration weights must equal 100. Received: [{}]",
                weights.join(", ")
            )));
        }
        let machine = self
            .scoped_state_machine(scope, &machine_arn)
            .map_err(|_| referenced_resource_not_found())?;
        check_not_deleting(&machine)?;
        for route in routing {
            if self
                .store
                .get_state_machine_version(&route.version_arn)?
                .is_none()
            {
                return Err(referenced_resource_not_found());
            }
        }
        Ok(machine_arn)
    }

    /// CreateStateMachineAlias. Repeating a create with the same description and routing answers
    /// the existing alias.
    pub fn create_state_machine_alias(
        &self,
        region: &str,
        name: &str,
        description: Option<String>,
        routing: Vec<AliasRoute>,
    ) -> Result<StateMachineAliasRecord> {
        let scope = self.scope(region);
        let _catalog = self.lock();
        let machine_arn = self.routed_state_machine(&scope, &routing)?;
        let arn = format!("{machine_arn}:{name}");
        if let Some(existing) = self.store.get_state_machine_alias(&arn)? {
            if existing.description == description && existing.routing == routing {
                return Ok(existing);
            }
            return Err(ServiceError::new(
                ErrorCode::ConflictException,
                "Failed to create alias because an alias with the same name and a different routing configuration already exists.",
            ));
        }
        if self.store.list_state_machine_aliases(&machine_arn)?.len()
            >= MAX_ALIASES_PER_STATE_MACHINE
        {
            // Our wording: no recorded case shows AWS's message for this quota.
            return Err(ServiceError::new(
                ErrorCode::ServiceQuotaExceededException,
                format!(
                    "The state machine '{machine_arn}' already has the maximum of {MAX_ALIASES_PER_STATE_MACHINE} aliases"
                ),
            ));
        }
        let now = self.clock.now_ms();
        let alias = StateMachineAliasRecord {
            arn,
            state_machine_arn: machine_arn,
            name: name.to_string(),
            description,
            routing,
            creation_ms: now,
            update_ms: now,
        };
        self.store.insert_state_machine_alias(alias.clone())?;
        Ok(alias)
    }

    /// The alias `arn` names, seen from `scope`.
    fn scoped_alias(&self, scope: &ResourceScope, arn: &str) -> Result<StateMachineAliasRecord> {
        let parsed = parse_state_machine_arn(arn)?;
        if !matches!(parsed.qualifier, StateMachineQualifier::Alias(_)) || !scope.owns(&parsed.arn)
        {
            return Err(referenced_resource_not_found());
        }
        self.store
            .get_state_machine_alias(arn)?
            .ok_or_else(referenced_resource_not_found)
    }

    pub fn describe_state_machine_alias(
        &self,
        region: &str,
        arn: &str,
    ) -> Result<StateMachineAliasRecord> {
        self.scoped_alias(&self.scope(region), arn)
    }

    /// UpdateStateMachineAlias: a new description, a new routing, or both.
    pub fn update_state_machine_alias(
        &self,
        region: &str,
        arn: &str,
        description: Option<String>,
        routing: Option<Vec<AliasRoute>>,
    ) -> Result<StateMachineAliasRecord> {
        let scope = self.scope(region);
        let _catalog = self.lock();
        let mut alias = self.scoped_alias(&scope, arn)?;
        if let Some(routing) = routing {
            let machine_arn = self.routed_state_machine(&scope, &routing)?;
            if machine_arn != alias.state_machine_arn {
                // Our wording: no recorded case shows AWS's message for this.
                return Err(validation(format!(
                    "Routing configuration must contain versions of the alias's state machine. Received: {}",
                    listed_arns(&routing)
                )));
            }
            alias.routing = routing;
        }
        if let Some(description) = description {
            alias.description = Some(description);
        }
        alias.update_ms = self.clock.now_ms();
        self.store.update_state_machine_alias(alias.clone())?;
        Ok(alias)
    }

    /// DeleteStateMachineAlias; deleting an alias that does not exist succeeds.
    pub fn delete_state_machine_alias(&self, region: &str, arn: &str) -> Result<()> {
        let scope = self.scope(region);
        let parsed = parse_state_machine_arn(arn)?;
        if !matches!(parsed.qualifier, StateMachineQualifier::Alias(_)) {
            // Our wording: AWS's message for a non-alias ARN here is not recorded.
            return Err(validation(format!(
                "Expected a state machine alias ARN: '{arn}'"
            )));
        }
        if scope.owns(&parsed.arn) {
            let _catalog = self.lock();
            self.store.delete_state_machine_alias(arn)?;
        }
        Ok(())
    }

    /// The aliases of a state machine, in creation order.
    pub fn list_state_machine_aliases(
        &self,
        region: &str,
        state_machine_arn: &str,
    ) -> Result<Vec<StateMachineAliasRecord>> {
        let scope = self.scope(region);
        let parsed = parse_state_machine_arn(state_machine_arn)?;
        if parsed.qualifier != StateMachineQualifier::Unqualified {
            return Err(state_machine_does_not_exist(state_machine_arn));
        }
        let machine = self.scoped_state_machine(&scope, state_machine_arn)?;
        check_not_deleting(&machine)?;
        Ok(self.store.list_state_machine_aliases(state_machine_arn)?)
    }
}

#[cfg(test)]
mod tests {
    use super::{main_route, pick_route};
    use store::{AliasRoute, StateMachineAliasRecord};

    fn alias(weights: &[u32]) -> StateMachineAliasRecord {
        StateMachineAliasRecord {
            arn: "a".into(),
            state_machine_arn: "m".into(),
            name: "a".into(),
            description: None,
            routing: weights
                .iter()
                .enumerate()
                .map(|(i, weight)| AliasRoute {
                    version_arn: format!("m:{}", i + 1),
                    weight: *weight,
                })
                .collect(),
            creation_ms: 0,
            update_ms: 0,
        }
    }

    #[test]
    fn routes_take_their_weights_share_of_rolls() {
        let split = alias(&[70, 30]);
        assert_eq!(pick_route(&split, 0), Some("m:1"));
        assert_eq!(pick_route(&split, 69), Some("m:1"));
        assert_eq!(pick_route(&split, 70), Some("m:2"));
        assert_eq!(pick_route(&split, 99), Some("m:2"));
        let all_second = alias(&[0, 100]);
        assert!((0..100).all(|roll| pick_route(&all_second, roll) == Some("m:2")));
    }

    #[test]
    fn the_main_route_has_the_largest_weight() {
        assert_eq!(main_route(&alias(&[30, 70])), Some("m:2"));
        assert_eq!(main_route(&alias(&[50, 50])), Some("m:1"));
        assert_eq!(main_route(&alias(&[])), None);
    }
}
