//! State machines: create, describe, update, delete and list, and the resolution of a state
//! machine, version or alias ARN to what StartExecution runs.

use serde_json::{Map, Value};
use store::{Configurations, StateMachineRecord, StateMachineVersionRecord, Tag};

use asl::validate::MachineType;

use super::{aliases, check_not_deleting, tags, Catalog};
use crate::interpreter::Status;
use crate::service::arns::{
    check_role_arn, parse_state_machine_arn, state_machine_does_not_exist, validation,
    ResourceScope, StateMachineQualifier,
};
use crate::service::configuration;
use crate::service::status::{machine_type_name, machine_type_of, StateMachineStatus};
use crate::service::variable_references::variable_references;
use crate::service::{ErrorCode, Result, ServiceError};

/// The parameters of CreateStateMachine, checked for shape by the API layer.
#[derive(Debug, Clone, Default)]
pub struct CreateStateMachine {
    /// The region of the request (its SigV4 credential scope).
    pub region: String,
    pub name: String,
    pub definition: String,
    pub role_arn: String,
    pub machine_type: MachineType,
    pub configurations: Configurations,
    pub tags: Vec<Tag>,
    pub publish: bool,
    pub version_description: Option<String>,
}

/// What CreateStateMachine made (or found, when the request repeats an earlier one).
#[derive(Debug, Clone)]
pub struct CreatedStateMachine {
    pub state_machine: StateMachineRecord,
    /// Version 1, when the request published it.
    pub version: Option<StateMachineVersionRecord>,
}

/// The parameters of UpdateStateMachine, checked for shape by the API layer.
#[derive(Debug, Clone, Default)]
pub struct UpdateStateMachine {
    pub region: String,
    pub arn: String,
    pub definition: Option<String>,
    pub role_arn: Option<String>,
    /// Those given replace the state machine's.
    pub configurations: Configurations,
    pub publish: bool,
    pub version_description: Option<String>,
}

/// What UpdateStateMachine answers.
#[derive(Debug, Clone)]
pub struct UpdatedStateMachine {
    pub update_ms: i64,
    /// The revision after the update; None while the state machine was never changed.
    pub revision_id: Option<String>,
    pub version: Option<StateMachineVersionRecord>,
}

/// A state machine or one of its versions as DescribeStateMachine returns it.
#[derive(Debug, Clone, PartialEq)]
pub struct StateMachineDescription {
    /// The state machine's ARN, or the version's.
    pub arn: String,
    pub name: String,
    pub status: String,
    pub definition: String,
    pub role_arn: String,
    pub machine_type: MachineType,
    pub creation_ms: i64,
    pub configurations: Configurations<Value>,
    pub revision_id: Option<String>,
    /// A version's description.
    pub description: Option<String>,
    pub variable_references: Option<Map<String, Value>>,
}

/// What StartExecution runs for a state machine, version or alias ARN
/// ([`Catalog::resolve_execution_target`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ExecutionTarget {
    /// The state machine itself (executions are named and listed under its ARN).
    pub state_machine: StateMachineRecord,
    /// The revision to run: the current one, or the version's.
    pub definition: String,
    pub role_arn: String,
    pub revision_id: Option<String>,
    pub configurations: Configurations<Value>,
    /// When that revision was made (DescribeStateMachineForExecution's `updateDate`).
    pub update_ms: i64,
    /// The version run, when the ARN named a version or an alias.
    pub version_arn: Option<String>,
    /// The alias, when the ARN named one.
    pub alias_arn: Option<String>,
}

impl StateMachineDescription {
    fn of_state_machine(machine: &StateMachineRecord) -> Self {
        StateMachineDescription {
            arn: machine.arn.clone(),
            name: machine.name.clone(),
            status: machine.status.clone(),
            definition: machine.definition.clone(),
            role_arn: machine.role_arn.clone(),
            machine_type: machine_type_of(&machine.machine_type),
            creation_ms: machine.creation_ms,
            configurations: configuration::described(&machine.configurations),
            revision_id: machine.revision_id.clone(),
            description: None,
            variable_references: variable_references(&machine.definition),
        }
    }

    fn of_version(name: &str, version: &StateMachineVersionRecord) -> Self {
        StateMachineDescription {
            arn: version.arn.clone(),
            name: name.to_string(),
            status: StateMachineStatus::Active.as_str().into(),
            definition: version.definition.clone(),
            role_arn: version.role_arn.clone(),
            machine_type: machine_type_of(&version.machine_type),
            creation_ms: version.creation_ms,
            configurations: configuration::described(&version.configurations),
            revision_id: version.revision_id.clone(),
            description: version.description.clone(),
            variable_references: variable_references(&version.definition),
        }
    }
}

impl Catalog {
    pub fn create_state_machine(&self, req: CreateStateMachine) -> Result<CreatedStateMachine> {
        if req.version_description.is_some() && !req.publish {
            return Err(validation(
                "Version description can only be set when publish is true",
            ));
        }
        check_role_arn(&req.role_arn)?;
        let tags = tags::merge_tags(Vec::new(), req.tags);
        tags::check_tag_count(tags.len())?;
        self.validate(&req.definition, req.machine_type)?;
        let configurations = configuration::checked(&req.configurations)?.map(Some);
        let scope = self.scope(&req.region);
        let arn = scope.arn("stateMachine", &req.name);

        let _catalog = self.lock();
        if let Some(existing) = self.store.get_state_machine(&arn)? {
            check_not_deleting(&existing)?;
            // The idempotency check covers everything but the role and the tags.
            let same = existing.definition == req.definition
                && machine_type_of(&existing.machine_type) == req.machine_type
                && existing.configurations == configurations
                && existing.published_at_creation == req.publish
                && existing.creation_version_description == req.version_description;
            if !same {
                return Err(ServiceError::new(
                    ErrorCode::StateMachineAlreadyExists,
                    format!("State Machine Already Exists: '{arn}'"),
                ));
            }
            let version = if existing.published_at_creation {
                self.store.get_state_machine_version(&format!("{arn}:1"))?
            } else {
                None
            };
            return Ok(CreatedStateMachine {
                state_machine: existing,
                version,
            });
        }
        let now = self.clock.now_ms();
        let mut record = StateMachineRecord {
            arn,
            name: req.name,
            definition: req.definition,
            role_arn: req.role_arn,
            machine_type: machine_type_name(req.machine_type).to_string(),
            creation_ms: now,
            update_ms: now,
            status: StateMachineStatus::Active.as_str().into(),
            configurations,
            revision_id: None,
            tags,
            last_version_number: 0,
            published_at_creation: req.publish,
            creation_version_description: req.version_description.clone(),
        };
        self.store.insert_state_machine(record.clone())?;
        let version = if req.publish {
            Some(self.publish_locked(&mut record, req.version_description)?)
        } else {
            None
        };
        Ok(CreatedStateMachine {
            state_machine: record,
            version,
        })
    }

    /// The unqualified state machine `arn` names (any account or region).
    pub(in crate::service) fn state_machine(&self, arn: &str) -> Result<StateMachineRecord> {
        let parsed = parse_state_machine_arn(arn)?;
        if parsed.qualifier != StateMachineQualifier::Unqualified {
            return Err(state_machine_does_not_exist(arn));
        }
        self.store
            .get_state_machine(arn)?
            .ok_or_else(|| state_machine_does_not_exist(arn))
    }

    /// The unqualified state machine `arn` names, seen from `scope`.
    pub(super) fn scoped_state_machine(
        &self,
        scope: &ResourceScope,
        arn: &str,
    ) -> Result<StateMachineRecord> {
        let parsed = parse_state_machine_arn(arn)?;
        if !scope.owns(&parsed.arn) {
            return Err(state_machine_does_not_exist(arn));
        }
        self.state_machine(arn)
    }

    /// DescribeStateMachine of a state machine, a version, or an alias (which describes the
    /// version it routes most executions to).
    pub fn describe_state_machine(
        &self,
        region: &str,
        arn: &str,
    ) -> Result<StateMachineDescription> {
        let scope = self.scope(region);
        let parsed = parse_state_machine_arn(arn)?;
        if !scope.owns(&parsed.arn) {
            return Err(state_machine_does_not_exist(arn));
        }
        let version_arn = match parsed.qualifier {
            StateMachineQualifier::Unqualified => {
                let machine = self.state_machine(arn)?;
                return Ok(StateMachineDescription::of_state_machine(&machine));
            }
            StateMachineQualifier::Version(_) => arn.to_string(),
            StateMachineQualifier::Alias(_) => {
                let alias = self
                    .store
                    .get_state_machine_alias(arn)?
                    .ok_or_else(|| state_machine_does_not_exist(arn))?;
                aliases::main_route(&alias)
                    .ok_or_else(|| state_machine_does_not_exist(arn))?
                    .to_string()
            }
            // Distributed Map runs (whose child state machines these name) do not exist here.
            StateMachineQualifier::MapLabel(_) => return Err(state_machine_does_not_exist(arn)),
        };
        let version = self
            .store
            .get_state_machine_version(&version_arn)?
            .ok_or_else(|| state_machine_does_not_exist(arn))?;
        Ok(StateMachineDescription::of_version(parsed.name, &version))
    }

    pub fn update_state_machine(&self, req: UpdateStateMachine) -> Result<UpdatedStateMachine> {
        if req.version_description.is_some() && !req.publish {
            return Err(validation(
                "Version description can only be set when publish is true",
            ));
        }
        let scope = self.scope(&req.region);
        let _catalog = self.lock();
        let mut record = self.scoped_state_machine(&scope, &req.arn)?;
        check_not_deleting(&record)?;
        if let Some(role_arn) = &req.role_arn {
            check_role_arn(role_arn)?;
        }
        if let Some(definition) = &req.definition {
            self.validate(definition, machine_type_of(&record.machine_type))?;
        }
        let given = configuration::checked_given(&req.configurations)?;

        let mut changed = false;
        if let Some(definition) = req.definition {
            changed |= definition != record.definition;
            record.definition = definition;
        }
        if let Some(role_arn) = req.role_arn {
            changed |= role_arn != record.role_arn;
            record.role_arn = role_arn;
        }
        let current = &mut record.configurations;
        for (given, current) in [
            (given.logging, &mut current.logging),
            (given.tracing, &mut current.tracing),
            (given.encryption, &mut current.encryption),
        ] {
            if let Some(given) = given {
                changed |= current.as_ref() != Some(&given);
                *current = Some(given);
            }
        }
        let now = self.clock.now_ms();
        // A new revision only when something changed: AWS answers the current revision (none,
        // before the first change) to an update that changes nothing.
        if changed {
            record.revision_id = Some(uuid::Uuid::new_v4().to_string());
            record.update_ms = now;
            self.store.update_state_machine(record.clone())?;
        }
        let version = if req.publish {
            Some(self.publish_locked(&mut record, req.version_description)?)
        } else {
            None
        };
        Ok(UpdatedStateMachine {
            update_ms: now,
            revision_id: record.revision_id,
            version,
        })
    }

    /// DeleteStateMachine: the state machine goes with its versions and aliases at once, or is
    /// marked DELETING while executions still run ([`Catalog::finish_deleting_state_machine`]
    /// removes it when the last one ends). Deleting what does not exist succeeds.
    pub fn delete_state_machine(&self, region: &str, arn: &str) -> Result<()> {
        let scope = self.scope(region);
        let parsed = parse_state_machine_arn(arn)?;
        if parsed.qualifier != StateMachineQualifier::Unqualified {
            // Our wording: AWS documents a ValidationException here without its message.
            return Err(validation(format!(
                "Service does not support deleting a qualified state machine ARN: '{arn}'"
            )));
        }
        if !scope.owns(&parsed.arn) {
            return Ok(());
        }
        let _catalog = self.lock();
        let Some(mut record) = self.store.get_state_machine(arn)? else {
            return Ok(());
        };
        // STANDARD executions keep their state machine until they end; EXPRESS state machines go
        // at once (AWS deletes them "eventually", their executions carry on).
        if machine_type_of(&record.machine_type) == MachineType::Standard
            && self.has_running_executions(arn)?
        {
            record.status = StateMachineStatus::Deleting.as_str().into();
            self.store.update_state_machine(record)?;
        } else {
            self.store.delete_state_machine(arn)?;
        }
        Ok(())
    }

    /// Removes a DELETING state machine once none of its executions runs any more; call it when
    /// an execution ends.
    pub fn finish_deleting_state_machine(&self, arn: &str) -> Result<()> {
        let deleting = |catalog: &Catalog| -> Result<bool> {
            Ok(catalog.store.get_state_machine(arn)?.is_some_and(|record| {
                StateMachineStatus::of(&record) == StateMachineStatus::Deleting
            }))
        };
        // Most executions end with their state machine ACTIVE: no need to take the lock then.
        if !deleting(self)? {
            return Ok(());
        }
        let _catalog = self.lock();
        if deleting(self)? && !self.has_running_executions(arn)? {
            self.store.delete_state_machine(arn)?;
        }
        Ok(())
    }

    fn has_running_executions(&self, state_machine_arn: &str) -> Result<bool> {
        Ok(!self
            .store
            .list_executions(Some(state_machine_arn), Some(Status::Running.as_str()))?
            .is_empty())
    }

    /// The state machines of the request's account and region, in creation order.
    pub fn list_state_machines(&self, region: &str) -> Result<Vec<StateMachineRecord>> {
        let scope = self.scope(region);
        Ok(self
            .store
            .list_state_machines(&scope.account, &scope.region)?)
    }

    /// What StartExecution runs for `arn`: a state machine's current revision, a version, or
    /// (for an alias) one of the alias's versions picked at random by the routing weights. The
    /// result names the version and alias to record on the execution.
    pub fn resolve_execution_target(&self, region: &str, arn: &str) -> Result<ExecutionTarget> {
        let scope = self.scope(region);
        let parsed = parse_state_machine_arn(arn)?;
        if !scope.owns(&parsed.arn) {
            return Err(state_machine_does_not_exist(arn));
        }
        let (version_arn, alias_arn) = match parsed.qualifier {
            StateMachineQualifier::Unqualified => (None, None),
            StateMachineQualifier::Version(_) => (Some(arn.to_string()), None),
            StateMachineQualifier::Alias(_) => {
                let alias = self
                    .store
                    .get_state_machine_alias(arn)?
                    .ok_or_else(|| state_machine_does_not_exist(arn))?;
                let route = aliases::pick_route(&alias, rand::random_range(0..100))
                    .ok_or_else(|| state_machine_does_not_exist(arn))?;
                (Some(route.to_string()), Some(arn.to_string()))
            }
            StateMachineQualifier::MapLabel(_) => {
                // Our wording: AWS documents the ValidationException, not its message.
                return Err(validation(format!(
                    "Executions cannot be started on a Distributed Map state's state machine: '{arn}'"
                )));
            }
        };
        let machine = self
            .store
            .get_state_machine(&parsed.base_arn)?
            .ok_or_else(|| state_machine_does_not_exist(arn))?;
        check_not_deleting(&machine)?;
        let Some(version_arn) = version_arn else {
            return Ok(ExecutionTarget {
                definition: machine.definition.clone(),
                role_arn: machine.role_arn.clone(),
                revision_id: machine.revision_id.clone(),
                configurations: configuration::described(&machine.configurations),
                update_ms: machine.update_ms,
                version_arn: None,
                alias_arn: None,
                state_machine: machine,
            });
        };
        let version = self
            .store
            .get_state_machine_version(&version_arn)?
            .ok_or_else(|| state_machine_does_not_exist(arn))?;
        Ok(ExecutionTarget {
            definition: version.definition,
            role_arn: version.role_arn,
            revision_id: version.revision_id,
            configurations: configuration::described(&version.configurations),
            update_ms: version.creation_ms,
            version_arn: Some(version_arn),
            alias_arn,
            state_machine: machine,
        })
    }
}
