//! History events and execution records as the store keeps them.

use store::{EventRecord, ExecutionRecord};

use crate::history::{self, HistoryEvent};
use crate::interpreter::{Execution, Status};

pub(super) fn to_record(e: HistoryEvent) -> EventRecord {
    EventRecord {
        id: e.id,
        previous_event_id: e.previous_event_id,
        timestamp_ms: e.timestamp_ms,
        event_type: e.event_type.as_str().to_string(),
        details: e.details,
        frame: e.frame,
        hidden: e.hidden,
        nondeterministic: e.nondeterministic,
    }
}

/// Converts a stored event back (for replay).
pub fn from_record(e: EventRecord) -> Option<HistoryEvent> {
    Some(HistoryEvent {
        id: e.id,
        previous_event_id: e.previous_event_id,
        timestamp_ms: e.timestamp_ms,
        event_type: history::EventType::parse(&e.event_type)?,
        details: e.details,
        frame: e.frame,
        hidden: e.hidden,
        nondeterministic: e.nondeterministic,
    })
}

/// Brings an execution's record up to date with the execution (status, end, output, error).
pub(super) fn finish_record(rec: &mut ExecutionRecord, exec: &Execution, now_ms: i64) {
    rec.status = exec.status.as_str().to_string();
    if exec.status != Status::Running {
        rec.stop_ms = Some(now_ms);
    }
    rec.output = exec
        .output
        .as_ref()
        .map(|v| serde_json::to_string(v).unwrap_or_default());
    rec.error = exec.error.clone();
    rec.cause = exec.cause.clone();
}
