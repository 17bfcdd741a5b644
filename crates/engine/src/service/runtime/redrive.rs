//! Redriving a STANDARD execution: rebuilt from its history, it is delivered `Signal::Redrive`
//! (which re-enters the last top-level state entered) and taken under this node's care again.

use store::{ExecutionRecord, RedriveInfo, Write};

use super::Runtime;
use crate::interpreter::{Signal, Status};
use crate::service::{ErrorCode, Result, ServiceError};

impl Runtime {
    /// Redrives an execution the service found redrivable at `now`; answers its new record.
    pub(crate) fn redrive(
        &self,
        mut record: ExecutionRecord,
        client_token: Option<String>,
        now: i64,
    ) -> Result<ExecutionRecord> {
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
        record.redrive = RedriveInfo {
            count: record.redrive.count + 1,
            last_ms: Some(now),
            client_token,
        };
        // The redriven record and what the redrive recorded are committed together.
        self.adopt(
            record.clone(),
            exec,
            vec![Write::UpdateExecution(record.clone())],
        )?;
        Ok(record)
    }
}
