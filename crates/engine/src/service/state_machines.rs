//! State machine operations.

use super::*;

impl Service {
    pub fn create_state_machine(&self, req: CreateStateMachine) -> Result<StateMachineRecord> {
        self.validate(&req.definition, &req.machine_type)?;
        let arn = self.arn(&req.region, "stateMachine", &req.name);
        if let Some(existing) = self.store.get_state_machine(&arn)? {
            let same = existing.definition == req.definition
                && existing.role_arn == req.role_arn
                && existing.machine_type == req.machine_type
                && req
                    .logging_configuration
                    .as_ref()
                    .is_none_or(|l| Some(l) == existing.logging_configuration.as_ref())
                && req
                    .tracing_configuration
                    .as_ref()
                    .is_none_or(|l| Some(l) == existing.tracing_configuration.as_ref());
            if same {
                return Ok(existing);
            }
            return Err(ServiceError::new(
                "StateMachineAlreadyExists",
                format!("State Machine Already Exists: '{arn}'"),
            ));
        }
        let record = StateMachineRecord {
            arn,
            name: req.name,
            definition: req.definition,
            role_arn: req.role_arn,
            machine_type: req.machine_type,
            creation_ms: self.clock.now_ms(),
            status: "ACTIVE".into(),
            logging_configuration: req.logging_configuration,
            tracing_configuration: req.tracing_configuration,
            encryption_configuration: req.encryption_configuration,
            revision_id: uuid::Uuid::new_v4().to_string(),
            description: None,
            tags: req.tags,
        };
        self.store.insert_state_machine(record.clone())?;
        Ok(record)
    }

    pub(super) fn state_machine(&self, arn: &str) -> Result<StateMachineRecord> {
        let parts = parse_arn(arn).ok_or_else(|| invalid_arn(arn))?;
        if parts.resource_type != "stateMachine" {
            return Err(invalid_arn(arn));
        }
        self.store.get_state_machine(arn)?.ok_or_else(|| {
            ServiceError::new(
                "StateMachineDoesNotExist",
                format!("State Machine Does Not Exist: '{arn}'"),
            )
        })
    }

    pub fn describe_state_machine(&self, arn: &str) -> Result<StateMachineRecord> {
        self.state_machine(arn)
    }

    pub fn update_state_machine(&self, req: UpdateStateMachine) -> Result<StateMachineRecord> {
        let mut record = self.state_machine(&req.arn)?;
        if let Some(def) = &req.definition {
            self.validate(def, &record.machine_type)?;
        }
        let mut changed = false;
        if let Some(def) = req.definition {
            changed |= def != record.definition;
            record.definition = def;
        }
        if let Some(role) = req.role_arn {
            changed |= role != record.role_arn;
            record.role_arn = role;
        }
        if let Some(l) = req.logging_configuration {
            record.logging_configuration = Some(l);
            changed = true;
        }
        if let Some(t) = req.tracing_configuration {
            record.tracing_configuration = Some(t);
            changed = true;
        }
        if let Some(e) = req.encryption_configuration {
            record.encryption_configuration = Some(e);
            changed = true;
        }
        if changed {
            record.revision_id = uuid::Uuid::new_v4().to_string();
        }
        self.store.update_state_machine(record.clone())?;
        Ok(record)
    }

    pub fn delete_state_machine(&self, arn: &str) -> Result<()> {
        let parts = parse_arn(arn).ok_or_else(|| invalid_arn(arn))?;
        if parts.resource_type != "stateMachine" {
            return Err(invalid_arn(arn));
        }
        self.store.delete_state_machine(arn)?;
        Ok(())
    }

    pub fn list_state_machines(&self) -> Result<Vec<StateMachineRecord>> {
        Ok(self.store.list_state_machines()?)
    }
}
