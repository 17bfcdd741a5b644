//! Execution operations and the driving of running executions.

use super::arns::{invalid_arn_prefix, parse_state_machine_arn, StateMachineQualifier, StatesArn};
use super::status::{machine_type_of, ExecutionKinds};
use std::sync::Arc;

use asl::validate::MachineType;
use serde_json::Value;
use store::{EventRecord, ExecutionRecord, Store};

use super::{
    drive_to_end, finish_record, ErrorCode, ExecutionTarget, Prepared, Result, Service,
    ServiceError, StartExecution,
};
use crate::interpreter::{Execution, ExecutionInfo, Signal, Status, PAYLOAD_LIMIT_BYTES};

impl Service {
    pub(super) fn prepare(
        &self,
        req: &StartExecution,
        target: &ExecutionTarget,
        express_arn: bool,
    ) -> Result<Prepared> {
        let machine = target.state_machine.clone();
        let input_text = req.input.clone().unwrap_or_else(|| "{}".to_string());
        if input_text.len() > PAYLOAD_LIMIT_BYTES {
            return Err(ServiceError::new(
                ErrorCode::InvalidExecutionInput,
                format!(
                    "Execution input is larger than the maximum size of {PAYLOAD_LIMIT_BYTES} bytes"
                ),
            ));
        }
        let input: Value = serde_json::from_str(&input_text).map_err(|e| {
            ServiceError::new(
                ErrorCode::InvalidExecutionInput,
                format!("Invalid State Machine Execution Input: '{e}'"),
            )
        })?;
        let name = req
            .name
            .clone()
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let machine_arn =
            StatesArn::read(&machine.arn).ok_or_else(|| invalid_arn_prefix(&machine.arn))?;
        let arn = if express_arn {
            machine_arn.sibling(
                "express",
                &format!("{}:{name}:{}", machine.name, uuid::Uuid::new_v4()),
            )
        } else {
            machine_arn.sibling("execution", &format!("{}:{name}", machine.name))
        };
        let compiled = self.compile(&target.definition)?;
        let info = Arc::new(ExecutionInfo {
            execution_arn: arn,
            name,
            state_machine_arn: machine.arn.clone(),
            state_machine_name: machine.name.clone(),
            role_arn: target.role_arn.clone(),
            start_ms: self.clock.now_ms(),
            redrive_count: 0,
            express: express_arn,
            version_arn: target.version_arn.clone(),
            alias_arn: target.alias_arn.clone(),
        });
        Ok((machine, compiled, info, input, input_text))
    }

    pub(super) fn record_for(
        target: &ExecutionTarget,
        info: &ExecutionInfo,
        input_text: String,
        trace_header: Option<String>,
    ) -> ExecutionRecord {
        ExecutionRecord {
            arn: info.execution_arn.clone(),
            state_machine_arn: target.state_machine.arn.clone(),
            name: info.name.clone(),
            status: Status::Running.as_str().into(),
            start_ms: info.start_ms,
            stop_ms: None,
            input: input_text,
            output: None,
            error: None,
            cause: None,
            machine_type: target.state_machine.machine_type.clone(),
            definition: target.definition.clone(),
            role_arn: target.role_arn.clone(),
            trace_header,
            redrive: Default::default(),
            version_arn: target.version_arn.clone(),
            alias_arn: target.alias_arn.clone(),
            revision_id: target.revision_id.clone(),
        }
    }

    /// The store of an execution's records: EXPRESS ones live in memory.
    fn executions_of(&self, express: bool) -> &dyn Store {
        if express {
            &self.express
        } else {
            self.store.as_ref()
        }
    }

    /// StartExecution: a STANDARD execution is committed to the store before this returns and
    /// then driven in the background; an EXPRESS one runs in memory.
    pub fn start_execution(self: &Arc<Self>, req: StartExecution) -> Result<ExecutionRecord> {
        let target = self.resolve_execution_target(&req.region, &req.state_machine_arn)?;
        let machine = target.state_machine.clone();
        let express = machine_type_of(&machine.machine_type) == MachineType::Express;
        if !express {
            if let Some(name) = &req.name {
                let arn = StatesArn::read(&machine.arn)
                    .ok_or_else(|| invalid_arn_prefix(&machine.arn))?
                    .sibling("execution", &format!("{}:{name}", machine.name));
                if let Some(existing) = self.store.get_execution(&arn)? {
                    let same_input =
                        existing.input == req.input.clone().unwrap_or_else(|| "{}".into());
                    if existing.is_running() && same_input {
                        return Ok(existing);
                    }
                    return Err(ServiceError::new(
                        ErrorCode::ExecutionAlreadyExists,
                        format!("Execution Already Exists: '{arn}'"),
                    ));
                }
            }
        }
        let (_, compiled, info, input, input_text) = self.prepare(&req, &target, express)?;
        let record = Self::record_for(&target, &info, input_text.clone(), req.trace_header.clone());
        let already = |e: store::StoreError| match e {
            store::StoreError::AlreadyExists => ServiceError::new(
                ErrorCode::ExecutionAlreadyExists,
                format!("Execution Already Exists: '{}'", record.arn),
            ),
            e => e.into(),
        };
        if express {
            self.express
                .insert_execution(record.clone())
                .map_err(already)?;
            let service = self.clone();
            let returned = record.clone();
            tokio::spawn(async move {
                let mut exec = Execution::start(info, compiled, &input_text, input, false);
                drive_to_end(&mut exec, service.clock.as_ref()).await;
                let mut rec = record;
                finish_record(&mut rec, &exec, service.clock.now_ms());
                let _ = service.express.update_execution(rec);
            });
            return Ok(returned);
        }
        // The execution runs to its first wait and is committed with what it recorded, in one
        // write, before StartExecution answers: from then on this node drives it.
        let exec = Execution::start_with_resolver(
            info,
            compiled,
            &input_text,
            input,
            true,
            Some(self.resolver()),
        );
        self.adopt(
            record.clone(),
            exec,
            vec![store::Write::InsertExecution(record.clone())],
        )
        .map_err(already)?;
        Ok(record)
    }

    /// StartSyncExecution: runs an EXPRESS execution to its end.
    pub async fn start_sync_execution(&self, req: StartExecution) -> Result<ExecutionRecord> {
        let target = self.resolve_execution_target(&req.region, &req.state_machine_arn)?;
        let machine = &target.state_machine;
        if machine_type_of(&machine.machine_type) != MachineType::Express {
            return Err(ServiceError::new(
                ErrorCode::StateMachineTypeNotSupported,
                "This operation is not supported by this type of state machine",
            ));
        }
        let (_, compiled, info, input, input_text) = self.prepare(&req, &target, true)?;
        let mut record = Self::record_for(&target, &info, input_text.clone(), req.trace_header);
        let mut exec = Execution::start(info, compiled, &input_text, input, false);
        drive_to_end(&mut exec, self.clock.as_ref()).await;
        finish_record(&mut record, &exec, self.clock.now_ms());
        Ok(record)
    }

    pub fn describe_execution(&self, arn: &str) -> Result<ExecutionRecord> {
        let parsed = StatesArn::read(arn).ok_or_else(|| invalid_arn_prefix(arn))?;
        if parsed.resource_type != "execution" && parsed.resource_type != "express" {
            return Err(invalid_arn_prefix(arn));
        }
        let express = parsed.resource_type == "express";
        self.executions_of(express)
            .get_execution(arn)?
            .ok_or_else(|| {
                ServiceError::new(
                    ErrorCode::ExecutionDoesNotExist,
                    format!("Execution Does Not Exist: '{arn}'"),
                )
            })
    }

    pub fn stop_execution(
        &self,
        arn: &str,
        error: Option<String>,
        cause: Option<String>,
    ) -> Result<ExecutionRecord> {
        let record = self.describe_execution(arn)?;
        if !record.is_running() {
            return Ok(record);
        }
        if self.drives(arn) {
            self.signal(arn, Signal::Stop { error, cause });
        } else if self.store.is_shared() {
            self.queue_signal(arn, Signal::Stop { error, cause })?;
        }
        self.describe_execution(arn)
    }

    /// ListExecutions of a state machine, or of a version or alias (the executions that ran it),
    /// as seen from `region`.
    pub fn list_executions(
        &self,
        region: &str,
        arn: &str,
        status: Option<&str>,
    ) -> Result<Vec<ExecutionRecord>> {
        let parsed = parse_state_machine_arn(arn)?;
        let (StateMachineQualifier::Version(_) | StateMachineQualifier::Alias(_)) =
            parsed.qualifier
        else {
            return self.executions_of_state_machine(arn, status);
        };
        self.describe_state_machine(region, arn)?;
        let mut all = self.executions_of_state_machine(&parsed.base_arn, status)?;
        all.retain(|e| {
            e.version_arn.as_deref() == Some(arn) || e.alias_arn.as_deref() == Some(arn)
        });
        Ok(all)
    }

    fn executions_of_state_machine(
        &self,
        state_machine_arn: &str,
        status: Option<&str>,
    ) -> Result<Vec<ExecutionRecord>> {
        let machine = self.catalog.state_machine(state_machine_arn)?;
        Ok(self
            .executions_of(machine_type_of(&machine.machine_type) == MachineType::Express)
            .list_executions(Some(state_machine_arn), status)?)
    }

    pub fn get_execution_history(&self, arn: &str) -> Result<Vec<EventRecord>> {
        let record = self.describe_execution(arn)?;
        let mut events = self
            .executions_of(record.state_machine_type() == MachineType::Express)
            .get_events(arn)?;
        events.retain(|e| !e.hidden);
        Ok(events)
    }
}
