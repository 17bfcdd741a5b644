//! RedriveExecution: a FAILED, ABORTED or TIMED_OUT STANDARD execution is rebuilt from its
//! history and goes on from the top-level state that did not finish.

use super::status::RedriveStatus;
use store::ExecutionRecord;

use super::{ErrorCode, Result, Service, ServiceError};
use crate::interpreter::{Signal, Status};

impl Service {
    pub fn redrive_execution(
        &self,
        arn: &str,
        client_token: Option<String>,
    ) -> Result<ExecutionRecord> {
        let mut record = self.describe_execution(arn)?;
        if client_token.is_some() && record.redrive.client_token == client_token {
            return Ok(record);
        }
        let now = self.clock.now_ms();
        if let RedriveStatus::NotRedrivable { reason } = RedriveStatus::of(&record, now) {
            return Err(ServiceError::new(
                ErrorCode::ExecutionNotRedrivable,
                format!("Execution is not redrivable: {reason}"),
            ));
        }
        let (mut exec, recorded) = self.rebuild(&record)?;
        exec.set_now(now);
        exec.deliver(Signal::Redrive);
        if exec.status == Status::Failed && exec.events.len() == recorded {
            return Err(ServiceError::new(
                ErrorCode::ExecutionNotRedrivable,
                "Execution is not redrivable: it has no state to redrive from",
            ));
        }
        // Only what the redrive added is new; the rest is stored already.
        exec.events.drain(..recorded.min(exec.events.len()));
        record.status = exec.status.as_str().to_string();
        record.stop_ms = None;
        record.output = None;
        record.error = None;
        record.cause = None;
        record.redrive = store::RedriveInfo {
            count: record.redrive.count + 1,
            last_ms: Some(now),
            client_token,
        };
        // The redriven record and what the redrive recorded are committed together.
        self.adopt(
            record.clone(),
            exec,
            vec![store::Write::UpdateExecution(record.clone())],
        )?;
        Ok(record)
    }
}
