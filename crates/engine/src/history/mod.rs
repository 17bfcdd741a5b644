//! Execution history events, as GetExecutionHistory returns them.

mod details;

pub use details::{
    ActivityScheduled, ActivityStarted, DataDetails, ErrorCause, EvaluationFailed, EventDetails,
    ExecutionRedriven, ExecutionStarted, LambdaFunctionScheduled, MapIteration, MapRunStarted,
    MapStateStarted, Shape, StateEntered, StateExited, Succeeded, TaskError, TaskNamed, TaskOutput,
    TaskScheduled,
};

use serde_json::Value;

/// One history event: its type and the details of that type's shape.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEvent {
    pub id: u64,
    pub previous_event_id: u64,
    pub timestamp_ms: i64,
    pub event_type: EventType,
    pub details: EventDetails,
    /// Internal: which frame of the execution (top level, a Parallel branch, a Map iteration)
    /// produced the event. Never shown by the API; replay uses it.
    pub frame: u32,
    /// Internal: events of a distributed Map's iterations belong to its child executions, not to
    /// this history.
    pub hidden: bool,
    /// Internal: non-deterministic values (UUIDs, random numbers, times) drawn while producing
    /// this event, so that a replay draws the same ones.
    pub nondeterministic: Vec<Value>,
}

macro_rules! event_types {
    ($($name:ident),* $(,)?) => {
        /// Every `HistoryEventType` of the API (62), in the API's order.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum EventType {
            $($name),*
        }

        impl EventType {
            pub const ALL: [EventType; 62] = [$(EventType::$name),*];

            /// The name the API shows.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(EventType::$name => stringify!($name)),*
                }
            }
        }
    };
}

event_types!(
    ActivityFailed,
    ActivityScheduled,
    ActivityScheduleFailed,
    ActivityStarted,
    ActivitySucceeded,
    ActivityTimedOut,
    ChoiceStateEntered,
    ChoiceStateExited,
    ExecutionAborted,
    ExecutionFailed,
    ExecutionStarted,
    ExecutionSucceeded,
    ExecutionTimedOut,
    FailStateEntered,
    LambdaFunctionFailed,
    LambdaFunctionScheduled,
    LambdaFunctionScheduleFailed,
    LambdaFunctionStarted,
    LambdaFunctionStartFailed,
    LambdaFunctionSucceeded,
    LambdaFunctionTimedOut,
    MapIterationAborted,
    MapIterationFailed,
    MapIterationStarted,
    MapIterationSucceeded,
    MapStateAborted,
    MapStateEntered,
    MapStateExited,
    MapStateFailed,
    MapStateStarted,
    MapStateSucceeded,
    ParallelStateAborted,
    ParallelStateEntered,
    ParallelStateExited,
    ParallelStateFailed,
    ParallelStateStarted,
    ParallelStateSucceeded,
    PassStateEntered,
    PassStateExited,
    SucceedStateEntered,
    SucceedStateExited,
    TaskFailed,
    TaskScheduled,
    TaskStarted,
    TaskStartFailed,
    TaskStateAborted,
    TaskStateEntered,
    TaskStateExited,
    TaskSubmitFailed,
    TaskSubmitted,
    TaskSucceeded,
    TaskTimedOut,
    WaitStateAborted,
    WaitStateEntered,
    WaitStateExited,
    MapRunAborted,
    MapRunFailed,
    MapRunStarted,
    MapRunSucceeded,
    ExecutionRedriven,
    MapRunRedriven,
    EvaluationFailed,
);

impl EventType {
    /// The event type of this name; None for a name the API does not have.
    pub fn parse(name: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// Whether a state was entered (`…StateEntered`).
    pub fn is_state_entered(self) -> bool {
        matches!(
            self,
            EventType::ChoiceStateEntered
                | EventType::FailStateEntered
                | EventType::MapStateEntered
                | EventType::ParallelStateEntered
                | EventType::PassStateEntered
                | EventType::SucceedStateEntered
                | EventType::TaskStateEntered
                | EventType::WaitStateEntered
        )
    }

    /// Whether a state was left (`…StateExited`).
    pub fn is_state_exited(self) -> bool {
        matches!(
            self,
            EventType::ChoiceStateExited
                | EventType::MapStateExited
                | EventType::ParallelStateExited
                | EventType::PassStateExited
                | EventType::SucceedStateExited
                | EventType::TaskStateExited
                | EventType::WaitStateExited
        )
    }

    /// The member of a HistoryEvent that holds this event type's details, if it has any.
    pub fn details_member(self) -> Option<&'static str> {
        if self.is_state_entered() {
            return Some("stateEnteredEventDetails");
        }
        if self.is_state_exited() {
            return Some("stateExitedEventDetails");
        }
        Some(match self {
            EventType::ActivityFailed => "activityFailedEventDetails",
            EventType::ActivityScheduled => "activityScheduledEventDetails",
            EventType::ActivityScheduleFailed => "activityScheduleFailedEventDetails",
            EventType::ActivityStarted => "activityStartedEventDetails",
            EventType::ActivitySucceeded => "activitySucceededEventDetails",
            EventType::ActivityTimedOut => "activityTimedOutEventDetails",
            EventType::ExecutionAborted => "executionAbortedEventDetails",
            EventType::ExecutionFailed => "executionFailedEventDetails",
            EventType::ExecutionStarted => "executionStartedEventDetails",
            EventType::ExecutionSucceeded => "executionSucceededEventDetails",
            EventType::ExecutionTimedOut => "executionTimedOutEventDetails",
            EventType::ExecutionRedriven => "executionRedrivenEventDetails",
            EventType::LambdaFunctionFailed => "lambdaFunctionFailedEventDetails",
            EventType::LambdaFunctionScheduled => "lambdaFunctionScheduledEventDetails",
            EventType::LambdaFunctionScheduleFailed => "lambdaFunctionScheduleFailedEventDetails",
            EventType::LambdaFunctionStartFailed => "lambdaFunctionStartFailedEventDetails",
            EventType::LambdaFunctionSucceeded => "lambdaFunctionSucceededEventDetails",
            EventType::LambdaFunctionTimedOut => "lambdaFunctionTimedOutEventDetails",
            EventType::MapIterationAborted => "mapIterationAbortedEventDetails",
            EventType::MapIterationFailed => "mapIterationFailedEventDetails",
            EventType::MapIterationStarted => "mapIterationStartedEventDetails",
            EventType::MapStateStarted => "mapStateStartedEventDetails",
            EventType::MapRunStarted => "mapRunStartedEventDetails",
            EventType::MapRunFailed => "mapRunFailedEventDetails",
            EventType::MapRunRedriven => "mapRunRedrivenEventDetails",
            EventType::TaskFailed => "taskFailedEventDetails",
            EventType::TaskScheduled => "taskScheduledEventDetails",
            EventType::TaskStarted => "taskStartedEventDetails",
            EventType::TaskStartFailed => "taskStartFailedEventDetails",
            EventType::TaskSubmitFailed => "taskSubmitFailedEventDetails",
            EventType::TaskSubmitted => "taskSubmittedEventDetails",
            EventType::TaskSucceeded => "taskSucceededEventDetails",
            EventType::TaskTimedOut => "taskTimedOutEventDetails",
            EventType::EvaluationFailed => "evaluationFailedEventDetails",
            EventType::MapIterationSucceeded => "mapIterationSucceededEventDetails",
            _ => return None,
        })
    }

    /// Whether the API shows this event's details member even when it is empty, as AWS does.
    pub fn keeps_empty_details(self) -> bool {
        self.is_state_exited()
            || matches!(
                self,
                EventType::ExecutionFailed
                    | EventType::ExecutionAborted
                    | EventType::ActivityStarted
            )
    }
}

impl std::fmt::Display for EventType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Members of a details object that carry execution data (dropped when the caller asks
/// GetExecutionHistory for `includeExecutionData: false`), with their `…Details` companion.
pub const DATA_MEMBERS: [(&str, &str); 3] = [
    ("input", "inputDetails"),
    ("output", "outputDetails"),
    ("assignedVariables", "assignedVariablesDetails"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_types_read_back_by_name_and_name_their_details() {
        for kind in EventType::ALL {
            assert_eq!(EventType::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(EventType::parse("NoSuchEvent"), None);
        for (name, member) in [
            ("PassStateEntered", Some("stateEnteredEventDetails")),
            ("MapStateExited", Some("stateExitedEventDetails")),
            (
                "MapIterationSucceeded",
                Some("mapIterationSucceededEventDetails"),
            ),
            ("ActivityScheduled", Some("activityScheduledEventDetails")),
            ("EvaluationFailed", Some("evaluationFailedEventDetails")),
            ("LambdaFunctionStarted", None),
            ("MapStateSucceeded", None),
        ] {
            let kind = EventType::parse(name).unwrap();
            assert_eq!(kind.details_member(), member, "{name}");
        }
        assert!(EventType::ActivityStarted.keeps_empty_details());
        assert!(!EventType::ActivityScheduled.keeps_empty_details());
    }
}
