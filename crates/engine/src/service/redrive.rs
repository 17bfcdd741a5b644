//! RedriveExecution: a FAILED, ABORTED or TIMED_OUT STANDARD execution is rebuilt from its
//! history and goes on from the top-level state that did not finish. The operation's rules (a
//! repeated client token, the redrivable statuses and the 14 days) are checked here; the
//! rebuild and the redrive itself are the runtime's.

use store::ExecutionRecord;

use super::status::RedriveStatus;
use super::{ErrorCode, Result, Service, ServiceError};

impl Service {
    pub fn redrive_execution(
        &self,
        arn: &str,
        client_token: Option<String>,
    ) -> Result<ExecutionRecord> {
        let record = self.describe_execution(arn)?;
        if client_token.is_some() && record.redrive.client_token == client_token {
            return Ok(record);
        }
        let now = self.runtime.now_ms();
        if let RedriveStatus::NotRedrivable { reason } = RedriveStatus::of(&record, now) {
            return Err(ServiceError::new(
                ErrorCode::ExecutionNotRedrivable,
                format!("Execution is not redrivable: {reason}"),
            ));
        }
        self.runtime.redrive(record, client_token, now)
    }
}
