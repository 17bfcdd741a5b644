//! The execution operations: StartExecution, StartSyncExecution, DescribeExecution,
//! StopExecution, ListExecutions, GetExecutionHistory. They check the request and resolve its
//! state machine, version or alias in the catalog; the runtime runs the execution and keeps its
//! records.

use std::sync::Arc;

use asl::validate::MachineType;
use serde_json::Value;
use store::ExecutionRecord;

use super::arns::{invalid_arn_prefix, parse_state_machine_arn, StateMachineQualifier, StatesArn};
use super::mock_config::split_test_case;
use super::runtime::NewExecution;
use super::status::{machine_type_of, ExecutionKinds};
use super::{ErrorCode, ExecutionTarget, Result, Service, ServiceError, StartExecution};
use crate::history::HistoryEvent;
use crate::interpreter::{ExecutionInfo, Status, PAYLOAD_LIMIT_BYTES};
use crate::mocks::MockCase;

impl Service {
    /// What an execution of `target` starts from: its ARN, input and compiled definition.
    fn prepare(
        &self,
        req: &StartExecution,
        target: &ExecutionTarget,
        express_arn: bool,
        mocks: Option<Arc<MockCase>>,
    ) -> Result<NewExecution> {
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
        let compiled = self.catalog.compile(&target.definition)?;
        let info = Arc::new(ExecutionInfo {
            execution_arn: arn,
            name,
            state_machine_arn: machine.arn.clone(),
            state_machine_name: machine.name.clone(),
            role_arn: target.role_arn.clone(),
            start_ms: self.runtime.now_ms(),
            redrive_count: 0,
            express: express_arn,
            version_arn: target.version_arn.clone(),
            alias_arn: target.alias_arn.clone(),
            mocks,
        });
        Ok(NewExecution {
            info,
            machine: compiled,
            input_text,
            input,
        })
    }

    fn record_for(
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
            mocks: info
                .mocks
                .as_ref()
                .and_then(|case| serde_json::to_value(case.as_ref()).ok()),
        }
    }

    /// The state machine a StartExecution names and, after a `#`, the mock test case it runs.
    fn target_and_mocks(
        &self,
        req: &StartExecution,
    ) -> Result<(ExecutionTarget, Option<Arc<MockCase>>)> {
        let (arn, test_case) = split_test_case(&req.state_machine_arn);
        let target = self.resolve_execution_target(&req.region, arn)?;
        let Some(test_case) = test_case else {
            return Ok((target, None));
        };
        let Some(file) = self.mocks.get() else {
            return Err(ServiceError::new(
                ErrorCode::ValidationException,
                format!(
                    "The state machine ARN names the test case '{test_case}', but no mock configuration was given (SFN_MOCK_CONFIG or --mock-config)"
                ),
            ));
        };
        let case = file.case(&target.state_machine.name, test_case)?;
        Ok((target, Some(Arc::new(case))))
    }

    /// StartExecution: a STANDARD execution is committed to the store before this returns and
    /// then driven in the background; an EXPRESS one runs in memory.
    pub fn start_execution(self: &Arc<Self>, req: StartExecution) -> Result<ExecutionRecord> {
        let (target, mocks) = self.target_and_mocks(&req)?;
        let machine = target.state_machine.clone();
        let express = machine_type_of(&machine.machine_type) == MachineType::Express;
        if !express {
            if let Some(name) = &req.name {
                let arn = StatesArn::read(&machine.arn)
                    .ok_or_else(|| invalid_arn_prefix(&machine.arn))?
                    .sibling("execution", &format!("{}:{name}", machine.name));
                if let Some(existing) = self.runtime.execution(&arn, false)? {
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
        let new = self.prepare(&req, &target, express, mocks)?;
        let record = Self::record_for(
            &target,
            &new.info,
            new.input_text.clone(),
            req.trace_header.clone(),
        );
        let already = |e: store::StoreError| match e {
            store::StoreError::AlreadyExists => ServiceError::new(
                ErrorCode::ExecutionAlreadyExists,
                format!("Execution Already Exists: '{}'", record.arn),
            ),
            e => e.into(),
        };
        if express {
            self.runtime
                .start_express(record.clone(), new)
                .map_err(already)?;
        } else {
            self.runtime
                .start_standard(record.clone(), new)
                .map_err(already)?;
        }
        Ok(record)
    }

    /// StartSyncExecution: runs an EXPRESS execution to its end.
    pub async fn start_sync_execution(&self, req: StartExecution) -> Result<ExecutionRecord> {
        let (target, mocks) = self.target_and_mocks(&req)?;
        let machine = &target.state_machine;
        if machine_type_of(&machine.machine_type) != MachineType::Express {
            return Err(ServiceError::new(
                ErrorCode::StateMachineTypeNotSupported,
                "This operation is not supported by this type of state machine",
            ));
        }
        let new = self.prepare(&req, &target, true, mocks)?;
        let record = Self::record_for(&target, &new.info, new.input_text.clone(), req.trace_header);
        Ok(self.runtime.run_express(record, new).await)
    }

    pub fn describe_execution(&self, arn: &str) -> Result<ExecutionRecord> {
        let parsed = StatesArn::read(arn).ok_or_else(|| invalid_arn_prefix(arn))?;
        if parsed.resource_type != "execution" && parsed.resource_type != "express" {
            return Err(invalid_arn_prefix(arn));
        }
        let express = parsed.resource_type == "express";
        self.runtime.execution(arn, express)?.ok_or_else(|| {
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
        self.runtime.stop(arn, error, cause)?;
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
        let express = machine_type_of(&machine.machine_type) == MachineType::Express;
        self.runtime.executions(state_machine_arn, status, express)
    }

    pub fn get_execution_history(&self, arn: &str) -> Result<Vec<HistoryEvent>> {
        let record = self.describe_execution(arn)?;
        let express = record.state_machine_type() == MachineType::Express;
        let mut events = self.runtime.events(arn, express)?;
        events.retain(|e| !e.hidden);
        Ok(events)
    }
}
