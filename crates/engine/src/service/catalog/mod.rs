//! The catalog: state machines, their versions and aliases, activities and tags. It owns the
//! catalog records of the store and the compiled definitions; the runtime reads state machines
//! from it but never changes them.

mod activities;
pub mod aliases;
mod state_machines;
mod tags;
mod versions;

pub use state_machines::{
    CreateStateMachine, CreatedStateMachine, ExecutionTarget, StateMachineDescription,
    UpdateStateMachine, UpdatedStateMachine,
};
pub use tags::MAX_TAGS_PER_RESOURCE;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use asl::arn::partition_for_region;
use asl::model::StateMachine;
use asl::validate::{self, MachineType};
use store::{StateMachineRecord, Store};

use super::arns::ResourceScope;
use super::status::StateMachineStatus;
use super::{lock, Clock, Config, ErrorCode, Result, ServiceError};

pub struct Catalog {
    config: Config,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    /// Compiled definitions, by definition text.
    compiled: Mutex<HashMap<String, Arc<StateMachine>>>,
    /// Serialises read-modify-write changes of the catalog (see `state_machines`).
    changes: Mutex<()>,
}

/// A state machine DeleteStateMachine marked DELETING (its executions still run) takes no
/// updates, versions, aliases or executions: `StateMachineDeleting`.
fn check_not_deleting(machine: &StateMachineRecord) -> Result<()> {
    if StateMachineStatus::of(machine) == StateMachineStatus::Deleting {
        // Our wording: no recorded case shows AWS's message for this error.
        return Err(ServiceError::new(
            ErrorCode::StateMachineDeleting,
            format!("State Machine Is Being Deleted: '{}'", machine.arn),
        ));
    }
    Ok(())
}

impl Catalog {
    pub fn new(config: Config, store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Catalog {
        Catalog {
            config,
            store,
            clock,
            compiled: Mutex::new(HashMap::new()),
            changes: Mutex::new(()),
        }
    }

    /// Held while a change reads and then writes catalog records.
    fn lock(&self) -> MutexGuard<'_, ()> {
        lock(&self.changes)
    }

    /// The account and region a request signed for `region` acts in.
    pub fn scope(&self, region: &str) -> ResourceScope {
        let region = if region.is_empty() {
            self.config.default_region.as_str()
        } else {
            region
        };
        ResourceScope {
            partition: partition_for_region(region),
            region: region.to_string(),
            account: self.config.account_id.clone(),
        }
    }

    /// The compiled form of a definition (compiled once per definition text).
    pub fn compile(&self, definition: &str) -> Result<Arc<StateMachine>> {
        if let Some(m) = lock(&self.compiled).get(definition) {
            return Ok(m.clone());
        }
        let machine = asl::model::parse_definition(definition).map_err(|e| {
            ServiceError::new(
                ErrorCode::InvalidDefinition,
                format!("Invalid State Machine Definition: '{e}'"),
            )
        })?;
        let machine = Arc::new(machine);
        lock(&self.compiled).insert(definition.to_string(), machine.clone());
        Ok(machine)
    }

    fn validate(&self, definition: &str, machine_type: MachineType) -> Result<()> {
        let diagnostics = validate::validate_definition(definition, machine_type);
        if diagnostics
            .iter()
            .any(|d| d.severity == validate::Severity::Error)
        {
            return Err(ServiceError::new(
                ErrorCode::InvalidDefinition,
                validate::invalid_definition_message(&diagnostics),
            ));
        }
        self.compile(definition).map(|_| ())
    }
}
