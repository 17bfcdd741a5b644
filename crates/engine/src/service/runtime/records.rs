//! History events and execution records as the store keeps them.

use serde_json::Value;
use store::{EventRecord, ExecutionRecord};

use crate::history::{EventDetails, EventType, HistoryEvent};
use crate::interpreter::{Execution, Status};
use crate::service::{Result, ServiceError};

pub(super) fn to_record(e: HistoryEvent) -> EventRecord {
    EventRecord {
        id: e.id,
        previous_event_id: e.previous_event_id,
        timestamp_ms: e.timestamp_ms,
        event_type: e.event_type.as_str().to_string(),
        details: e.details.to_map(),
        frame: e.frame,
        hidden: e.hidden,
        nondeterministic: e.nondeterministic,
    }
}

/// Reads a stored event back; a type this server does not know, or details not of its type's
/// shape, are a damaged store.
pub fn from_record(e: EventRecord) -> Result<HistoryEvent> {
    let damaged = |why: String| {
        ServiceError::internal(format!(
            "stored event {} of {} cannot be read: {why}",
            e.id, e.event_type
        ))
    };
    let event_type =
        EventType::parse(&e.event_type).ok_or_else(|| damaged("no such event type".to_string()))?;
    let details = EventDetails::read(event_type, Value::Object(e.details))
        .map_err(|err| damaged(err.to_string()))?;
    Ok(HistoryEvent {
        id: e.id,
        previous_event_id: e.previous_event_id,
        timestamp_ms: e.timestamp_ms,
        event_type,
        details,
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(event_type: &str, details: Value) -> EventRecord {
        let Value::Object(details) = details else {
            panic!("details are an object");
        };
        EventRecord {
            id: 3,
            previous_event_id: 2,
            timestamp_ms: 1,
            event_type: event_type.into(),
            details,
            frame: 0,
            hidden: false,
            nondeterministic: Vec::new(),
        }
    }

    #[test]
    fn stored_events_read_back_typed() {
        let stored = record(
            "PassStateEntered",
            json!({"input": "{}", "inputDetails": {"truncated": false}, "name": "P"}),
        );
        let event = from_record(stored.clone()).unwrap();
        assert_eq!(event.event_type, EventType::PassStateEntered);
        assert_eq!(event.details.name(), Some("P"));
        assert_eq!(to_record(event), stored);
    }

    #[test]
    fn a_damaged_stored_event_is_an_error_not_a_gap() {
        for (event_type, details) in [
            ("NoSuchEvent", json!({})),
            ("PassStateEntered", json!({"name": "P"})),
        ] {
            let err = from_record(record(event_type, details)).unwrap_err();
            assert!(
                err.message.contains("stored event 3"),
                "{event_type}: {}",
                err.message
            );
        }
    }
}
