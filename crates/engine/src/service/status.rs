//! The kinds the service decides by: an execution's status, a state machine's type and whether
//! an execution can be redriven. The store keeps them as text; these read that text once.

use asl::validate::MachineType;
use store::{ExecutionRecord, StateMachineRecord};

use crate::interpreter::Status;

/// A state machine type as the store and the API write it.
pub fn machine_type_name(machine_type: MachineType) -> &'static str {
    match machine_type {
        MachineType::Standard => "STANDARD",
        MachineType::Express => "EXPRESS",
    }
}

/// Reads a stored or requested type: anything but `EXPRESS` is STANDARD (the default).
pub fn machine_type_of(text: &str) -> MachineType {
    if text == "EXPRESS" {
        MachineType::Express
    } else {
        MachineType::Standard
    }
}

/// Reads a stored execution status; None for a status this version does not write.
pub fn status_of(text: &str) -> Option<Status> {
    [
        Status::Running,
        Status::Succeeded,
        Status::Failed,
        Status::TimedOut,
        Status::Aborted,
    ]
    .into_iter()
    .find(|status| status.as_str() == text)
}

/// The typed view of an execution record's kinds.
pub trait ExecutionKinds {
    fn execution_status(&self) -> Option<Status>;
    fn state_machine_type(&self) -> MachineType;
    fn is_running(&self) -> bool {
        self.execution_status() == Some(Status::Running)
    }
}

impl ExecutionKinds for ExecutionRecord {
    fn execution_status(&self) -> Option<Status> {
        status_of(&self.status)
    }
    fn state_machine_type(&self) -> MachineType {
        machine_type_of(&self.machine_type)
    }
}

/// A state machine's status: DELETING while STANDARD executions it started still run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateMachineStatus {
    Active,
    Deleting,
}

impl StateMachineStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StateMachineStatus::Active => "ACTIVE",
            StateMachineStatus::Deleting => "DELETING",
        }
    }

    /// Reads a stored status (anything but DELETING is ACTIVE).
    pub fn of(record: &StateMachineRecord) -> StateMachineStatus {
        if record.status == StateMachineStatus::Deleting.as_str() {
            StateMachineStatus::Deleting
        } else {
            StateMachineStatus::Active
        }
    }
}

/// How long after its end an execution can still be redriven, as on AWS.
const REDRIVABLE_FOR_MS: i64 = 14 * 24 * 3600 * 1000;

/// Whether RedriveExecution would take an execution: what DescribeExecution shows as
/// `redriveStatus` and `redriveStatusReason`, and what RedriveExecution refuses with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedriveStatus {
    Redrivable,
    NotRedrivable { reason: String },
}

impl RedriveStatus {
    /// A FAILED, ABORTED or TIMED_OUT STANDARD execution that ended at most 14 days ago can be
    /// redriven.
    pub fn of(record: &ExecutionRecord, now_ms: i64) -> RedriveStatus {
        let not = |reason: String| RedriveStatus::NotRedrivable { reason };
        if record.state_machine_type() == MachineType::Express {
            return not("Execution is EXPRESS and cannot be redriven".into());
        }
        match record.execution_status() {
            Some(Status::Failed | Status::Aborted | Status::TimedOut) => {}
            _ => {
                return not(format!(
                    "Execution is {} and cannot be redriven",
                    record.status
                ))
            }
        }
        if record
            .stop_ms
            .is_some_and(|stop| now_ms - stop > REDRIVABLE_FOR_MS)
        {
            return not(
                "Execution was stopped more than 14 days ago and cannot be redriven".into(),
            );
        }
        RedriveStatus::Redrivable
    }

    /// `REDRIVABLE` or `NOT_REDRIVABLE`.
    pub fn as_str(&self) -> &'static str {
        match self {
            RedriveStatus::Redrivable => "REDRIVABLE",
            RedriveStatus::NotRedrivable { .. } => "NOT_REDRIVABLE",
        }
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            RedriveStatus::Redrivable => None,
            RedriveStatus::NotRedrivable { reason } => Some(reason),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{machine_type_name, machine_type_of, status_of, RedriveStatus};
    use crate::interpreter::Status;
    use asl::validate::MachineType;
    use store::ExecutionRecord;

    fn record(status: &str, machine_type: &str, stop_ms: Option<i64>) -> ExecutionRecord {
        ExecutionRecord {
            status: status.into(),
            machine_type: machine_type.into(),
            stop_ms,
            arn: String::new(),
            state_machine_arn: String::new(),
            name: String::new(),
            start_ms: 0,
            input: "{}".into(),
            output: None,
            error: None,
            cause: None,
            definition: String::new(),
            role_arn: String::new(),
            trace_header: None,
            redrive: Default::default(),
            version_arn: None,
            alias_arn: None,
            revision_id: None,
            mocks: None,
        }
    }

    #[test]
    fn failed_aborted_and_timed_out_standard_executions_are_redrivable_for_14_days() {
        let day = 24 * 3600 * 1000;
        for status in ["FAILED", "ABORTED", "TIMED_OUT"] {
            let ended = record(status, "STANDARD", Some(0));
            assert_eq!(
                RedriveStatus::of(&ended, 14 * day),
                RedriveStatus::Redrivable
            );
            let old = RedriveStatus::of(&ended, 14 * day + 1);
            assert_eq!(old.as_str(), "NOT_REDRIVABLE");
            assert_eq!(
                old.reason(),
                Some("Execution was stopped more than 14 days ago and cannot be redriven")
            );
        }
    }

    #[test]
    fn running_succeeded_and_express_executions_are_not_redrivable() {
        let running = RedriveStatus::of(&record("RUNNING", "STANDARD", None), 0);
        assert_eq!(
            running.reason(),
            Some("Execution is RUNNING and cannot be redriven")
        );
        let succeeded = RedriveStatus::of(&record("SUCCEEDED", "STANDARD", Some(0)), 0);
        assert_eq!(
            succeeded.reason(),
            Some("Execution is SUCCEEDED and cannot be redriven")
        );
        let express = RedriveStatus::of(&record("FAILED", "EXPRESS", Some(0)), 0);
        assert_eq!(
            express.reason(),
            Some("Execution is EXPRESS and cannot be redriven")
        );
    }

    #[test]
    fn kinds_read_back_as_written() {
        for status in [
            Status::Running,
            Status::Succeeded,
            Status::Failed,
            Status::TimedOut,
            Status::Aborted,
        ] {
            assert_eq!(status_of(status.as_str()), Some(status));
        }
        assert_eq!(status_of("PENDING_REDRIVE"), None);
        for machine_type in [MachineType::Standard, MachineType::Express] {
            assert_eq!(
                machine_type_of(machine_type_name(machine_type)),
                machine_type
            );
        }
    }
}
