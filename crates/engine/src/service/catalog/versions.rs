//! State machine versions: publish, list, delete.

use store::{StateMachineRecord, StateMachineVersionRecord};

use super::{check_not_deleting, Catalog};
use crate::service::arns::{parse_state_machine_arn, validation, StateMachineQualifier};
use crate::service::{ErrorCode, Result, ServiceError};

/// AWS's quota of versions per state machine.
const MAX_VERSIONS_PER_STATE_MACHINE: usize = 1000;

impl Catalog {
    /// Publishes the current revision of `machine` as a new version, or answers the newest
    /// version when it already holds that revision (publishing is idempotent). Version numbers
    /// only grow, even when versions are deleted. The caller holds the catalog lock.
    pub(super) fn publish_locked(
        &self,
        machine: &mut StateMachineRecord,
        description: Option<String>,
    ) -> Result<StateMachineVersionRecord> {
        let versions = self.store.list_state_machine_versions(&machine.arn)?;
        if let Some(newest) = versions.first() {
            if newest.revision_id == machine.revision_id {
                return Ok(newest.clone());
            }
        }
        if versions.len() >= MAX_VERSIONS_PER_STATE_MACHINE {
            // Our wording: no recorded case shows AWS's message for this quota.
            return Err(ServiceError::new(
                ErrorCode::ServiceQuotaExceededException,
                format!(
                    "The state machine '{}' already has the maximum of {MAX_VERSIONS_PER_STATE_MACHINE} versions",
                    machine.arn
                ),
            ));
        }
        let number = machine.last_version_number + 1;
        let version = StateMachineVersionRecord {
            arn: format!("{}:{number}", machine.arn),
            state_machine_arn: machine.arn.clone(),
            number,
            definition: machine.definition.clone(),
            role_arn: machine.role_arn.clone(),
            machine_type: machine.machine_type.clone(),
            configurations: machine.configurations.clone(),
            revision_id: machine.revision_id.clone(),
            description,
            creation_ms: self.clock.now_ms(),
        };
        self.store.insert_state_machine_version(version.clone())?;
        machine.last_version_number = number;
        self.store.update_state_machine(machine.clone())?;
        Ok(version)
    }

    /// PublishStateMachineVersion. With `revision_id`, only if that is still the current
    /// revision.
    pub fn publish_state_machine_version(
        &self,
        region: &str,
        arn: &str,
        revision_id: Option<&str>,
        description: Option<String>,
    ) -> Result<StateMachineVersionRecord> {
        let scope = self.scope(region);
        let _catalog = self.lock();
        let mut machine = self.scoped_state_machine(&scope, arn)?;
        check_not_deleting(&machine)?;
        if let Some(expected) = revision_id {
            if machine.revision_id.as_deref() != Some(expected) {
                return Err(ServiceError::new(
                    ErrorCode::ConflictException,
                    format!(
                        "Failed to publish the State Machine version for revision {expected}. The current State Machine revision is {}.",
                        machine.revision_id.as_deref().unwrap_or("null")
                    ),
                ));
            }
        }
        self.publish_locked(&mut machine, description)
    }

    /// The versions of a state machine, newest first (none for a state machine that does not
    /// exist: AWS lists no error for that case).
    pub fn list_state_machine_versions(
        &self,
        region: &str,
        arn: &str,
    ) -> Result<Vec<StateMachineVersionRecord>> {
        let scope = self.scope(region);
        let parsed = parse_state_machine_arn(arn)?;
        if parsed.qualifier != StateMachineQualifier::Unqualified {
            // Our wording: AWS's message for a qualified ARN here is not recorded.
            return Err(validation(format!(
                "Expected an unqualified state machine ARN: '{arn}'"
            )));
        }
        if !scope.owns(&parsed.arn) {
            return Ok(Vec::new());
        }
        Ok(self.store.list_state_machine_versions(arn)?)
    }

    /// DeleteStateMachineVersion: refused while an alias routes to the version; deleting a
    /// version that does not exist succeeds.
    pub fn delete_state_machine_version(&self, region: &str, arn: &str) -> Result<()> {
        let scope = self.scope(region);
        let parsed = parse_state_machine_arn(arn)?;
        if !matches!(parsed.qualifier, StateMachineQualifier::Version(_)) {
            // Our wording: AWS's message for a non-version ARN here is not recorded.
            return Err(validation(format!(
                "Expected a state machine version ARN: '{arn}'"
            )));
        }
        if !scope.owns(&parsed.arn) {
            return Ok(());
        }
        let _catalog = self.lock();
        let referencing: Vec<String> = self
            .store
            .list_state_machine_aliases(&parsed.base_arn)?
            .into_iter()
            .filter(|alias| alias.routing.iter().any(|route| route.version_arn == arn))
            .map(|alias| alias.name)
            .collect();
        if !referencing.is_empty() {
            return Err(ServiceError::new(
                ErrorCode::ConflictException,
                format!(
                    "Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [{}]",
                    referencing.join(", ")
                ),
            ));
        }
        self.store.delete_state_machine_version(arn)?;
        Ok(())
    }
}
