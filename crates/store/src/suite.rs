//! The behaviour every store must have, as checks any implementation runs on itself:
//! [`store_test_suite!`](crate::store_test_suite) in a test module of that implementation makes
//! one test of each check. Outside this crate it needs the feature `test-suite`.

use serde_json::json;

use crate::{
    ActivityRecord, ActivityTaskRecord, AliasRoute, Configurations, EventRecord, ExecutionRecord,
    StateMachineAliasRecord, StateMachineRecord, StateMachineVersionRecord, Store, StoreError,
    Write,
};

const EAST: &str = "arn:aws:states:us-east-1:123456789012";
const WEST: &str = "arn:aws:states:eu-west-1:123456789012";

/// Expands to a module `$backend` with one `#[test]` per check of the suite. `$open` makes the
/// store a check runs on: a function of the check's name returning an `Option` of a [`Subject`]
/// (any [`Store`] is one), None to skip the check (having printed why).
///
/// A new check is a `pub fn(&dyn Store, &str)` in this module, named in the list below.
#[macro_export]
macro_rules! store_test_suite {
    ($backend:ident, $open:expr) => {
        $crate::store_test_suite!(@checks $backend, $open, [
            catalog_lists_in_creation_order_per_scope,
            versions_and_aliases_go_with_their_state_machine,
            updating_a_missing_record_is_not_found,
            activities_round_trip,
            executions_round_trip_and_list_newest_first,
            events_append_in_order_and_a_repeated_id_is_a_conflict,
            a_failed_write_changes_nothing,
            activity_tasks_are_taken_once_in_order,
            signals_queue_per_execution_until_acknowledged,
        ]);
    };
    (@checks $backend:ident, $open:expr, [$($check:ident),* $(,)?]) => {
        mod $backend {
            #[allow(unused_imports)]
            use super::*;

            $(
                #[test]
                fn $check() {
                    $crate::suite::run_check(stringify!($check), $open, $crate::suite::$check);
                }
            )*
        }
    };
}

/// What a check runs on: a store, and how the check's records stay apart from others'.
pub trait Subject {
    fn store(&self) -> &dyn Store;
    /// Starts the names a check makes, so that they are unique when the store is shared.
    fn prefix(&self) -> &str {
        ""
    }
    /// Clears up after a check that passed (a shared store outlives the test).
    fn finish(&self) {}
}

impl<S: Store> Subject for S {
    fn store(&self) -> &dyn Store {
        self
    }
}

/// Runs `check` on what `open` makes for it, unless `open` skips it.
pub fn run_check<S: Subject>(
    name: &str,
    open: impl FnOnce(&str) -> Option<S>,
    check: fn(&dyn Store, &str),
) {
    let Some(subject) = open(name) else {
        return;
    };
    check(subject.store(), subject.prefix());
    subject.finish();
}

pub fn machine(arn: &str) -> StateMachineRecord {
    StateMachineRecord {
        arn: arn.to_string(),
        name: arn.rsplit(':').next().unwrap_or_default().to_string(),
        definition: "{\"StartAt\":\"P\"}".into(),
        role_arn: "arn:aws:iam::123456789012:role/r".into(),
        machine_type: "STANDARD".into(),
        creation_ms: 1,
        update_ms: 2,
        status: "ACTIVE".into(),
        configurations: Configurations {
            logging: Some(json!({"level": "OFF"})),
            ..Default::default()
        },
        revision_id: None,
        tags: vec![("k".into(), "v".into())],
        last_version_number: 0,
        published_at_creation: false,
        creation_version_description: None,
    }
}

fn version(machine_arn: &str, number: u64) -> StateMachineVersionRecord {
    StateMachineVersionRecord {
        arn: format!("{machine_arn}:{number}"),
        state_machine_arn: machine_arn.to_string(),
        number,
        definition: "{}".into(),
        role_arn: "r".into(),
        machine_type: "STANDARD".into(),
        configurations: Configurations::default(),
        revision_id: Some("rev".into()),
        description: Some("d".into()),
        creation_ms: 0,
    }
}

pub fn execution(machine_arn: &str, name: &str) -> ExecutionRecord {
    ExecutionRecord {
        arn: format!(
            "{}:{name}",
            machine_arn.replace(":stateMachine:", ":execution:")
        ),
        state_machine_arn: machine_arn.to_string(),
        name: name.to_string(),
        status: "RUNNING".into(),
        start_ms: 10,
        stop_ms: None,
        input: "{\"a\":1}".into(),
        output: None,
        error: None,
        cause: None,
        machine_type: "STANDARD".into(),
        definition: "{}".into(),
        role_arn: "r".into(),
        trace_header: None,
        redrive: Default::default(),
        version_arn: None,
        alias_arn: None,
        revision_id: None,
        mocks: None,
    }
}

pub fn event(id: u64, event_type: &str) -> EventRecord {
    let mut details = serde_json::Map::new();
    details.insert("input".into(), json!("{\"ü\": 1}"));
    EventRecord {
        id,
        previous_event_id: id.saturating_sub(1),
        timestamp_ms: 1000 + id as i64,
        event_type: event_type.to_string(),
        details,
        frame: 0,
        hidden: false,
        nondeterministic: vec![json!("x")],
    }
}

/// The writes that start an execution: its record and its first event.
pub fn start(record: &ExecutionRecord) -> Vec<Write> {
    vec![
        Write::InsertExecution(record.clone()),
        Write::AppendEvents {
            execution_arn: record.arn.clone(),
            first_seq: 1,
            events: vec![event(1, "ExecutionStarted")],
        },
    ]
}

fn names<T>(records: &[T], name: impl Fn(&T) -> &str) -> Vec<String> {
    records.iter().map(|r| name(r).to_string()).collect()
}

pub fn catalog_lists_in_creation_order_per_scope(store: &dyn Store, p: &str) {
    for arn in [
        format!("{EAST}:stateMachine:{p}b"),
        format!("{WEST}:stateMachine:{p}w"),
        format!("{EAST}:stateMachine:{p}a"),
    ] {
        store.insert_state_machine(machine(&arn)).unwrap();
    }
    let east = store
        .list_state_machines("123456789012", "us-east-1")
        .unwrap();
    let east: Vec<String> = names(&east, |m| &m.name)
        .into_iter()
        .filter(|n| n.starts_with(p))
        .collect();
    assert_eq!(east, [format!("{p}b"), format!("{p}a")]);
    let a = format!("{EAST}:stateMachine:{p}a");
    assert_eq!(
        store.insert_state_machine(machine(&a)),
        Err(StoreError::AlreadyExists)
    );
    let mut changed = machine(&a);
    changed.definition = "{\"changed\":true}".into();
    store.update_state_machine(changed.clone()).unwrap();
    assert_eq!(store.get_state_machine(&a).unwrap(), Some(changed));
}

pub fn versions_and_aliases_go_with_their_state_machine(store: &dyn Store, p: &str) {
    let arn = format!("{EAST}:stateMachine:{p}m");
    store.insert_state_machine(machine(&arn)).unwrap();
    for number in [1, 2, 3] {
        store
            .insert_state_machine_version(version(&arn, number))
            .unwrap();
    }
    store
        .delete_state_machine_version(&format!("{arn}:2"))
        .unwrap();
    let numbers: Vec<u64> = store
        .list_state_machine_versions(&arn)
        .unwrap()
        .iter()
        .map(|v| v.number)
        .collect();
    assert_eq!(numbers, [3, 1]);
    assert_eq!(
        store
            .get_state_machine_version(&format!("{arn}:3"))
            .unwrap(),
        Some(version(&arn, 3))
    );
    let mut alias = StateMachineAliasRecord {
        arn: format!("{arn}:live"),
        state_machine_arn: arn.clone(),
        name: "live".into(),
        description: None,
        routing: vec![AliasRoute {
            version_arn: format!("{arn}:1"),
            weight: 100,
        }],
        creation_ms: 0,
        update_ms: 0,
    };
    store.insert_state_machine_alias(alias.clone()).unwrap();
    alias.description = Some("now".into());
    store.update_state_machine_alias(alias.clone()).unwrap();
    assert_eq!(
        store.list_state_machine_aliases(&arn).unwrap(),
        vec![alias.clone()]
    );
    store.delete_state_machine(&arn).unwrap();
    assert!(store.list_state_machine_versions(&arn).unwrap().is_empty());
    assert!(store.list_state_machine_aliases(&arn).unwrap().is_empty());
    assert_eq!(store.get_state_machine(&arn).unwrap(), None);
    assert_eq!(store.get_state_machine_alias(&alias.arn).unwrap(), None);
}

pub fn updating_a_missing_record_is_not_found(store: &dyn Store, p: &str) {
    assert_eq!(
        store.update_state_machine(machine(&format!("{EAST}:stateMachine:{p}missing"))),
        Err(StoreError::NotFound)
    );
    let missing = execution(&format!("{EAST}:stateMachine:{p}missing"), "x");
    assert_eq!(store.update_execution(missing), Err(StoreError::NotFound));
}

pub fn activities_round_trip(store: &dyn Store, p: &str) {
    let activity = ActivityRecord {
        arn: format!("{WEST}:activity:{p}act"),
        name: format!("{p}act"),
        creation_ms: 5,
        encryption_configuration: Some(json!({"type": "AWS_OWNED_KEY"})),
        tags: vec![],
    };
    store.insert_activity(activity.clone()).unwrap();
    assert_eq!(
        store.insert_activity(activity.clone()),
        Err(StoreError::AlreadyExists)
    );
    assert_eq!(
        store.get_activity(&activity.arn).unwrap(),
        Some(activity.clone())
    );
    let listed = store.list_activities("123456789012", "eu-west-1").unwrap();
    assert!(listed.contains(&activity));
    store.delete_activity(&activity.arn).unwrap();
    assert_eq!(store.get_activity(&activity.arn).unwrap(), None);
}

pub fn executions_round_trip_and_list_newest_first(store: &dyn Store, p: &str) {
    let machine_arn = format!("{EAST}:stateMachine:{p}exec");
    let first = execution(&machine_arn, "one");
    let second = execution(&machine_arn, "two");
    store.insert_execution(first.clone()).unwrap();
    store.insert_execution(second.clone()).unwrap();
    assert_eq!(
        store.insert_execution(first.clone()),
        Err(StoreError::AlreadyExists)
    );
    let listed = store.list_executions(Some(&machine_arn), None).unwrap();
    assert_eq!(names(&listed, |e| &e.name), ["two", "one"]);
    let mut done = first.clone();
    done.status = "SUCCEEDED".into();
    done.output = Some("{\"out\":\"é\"}".into());
    done.stop_ms = Some(20);
    done.redrive.count = 1;
    store.update_execution(done.clone()).unwrap();
    assert_eq!(store.get_execution(&first.arn).unwrap(), Some(done));
    let running = store
        .list_executions(Some(&machine_arn), Some("RUNNING"))
        .unwrap();
    assert_eq!(names(&running, |e| &e.name), ["two"]);
    let succeeded = store
        .list_executions(Some(&machine_arn), Some("SUCCEEDED"))
        .unwrap();
    assert_eq!(names(&succeeded, |e| &e.name), ["one"]);
    assert!(store.list_executions(None, None).unwrap().len() >= 2);
}

pub fn events_append_in_order_and_a_repeated_id_is_a_conflict(store: &dyn Store, p: &str) {
    let record = execution(&format!("{EAST}:stateMachine:{p}events"), "e");
    store.insert_execution(record.clone()).unwrap();
    store
        .append_events(
            &record.arn,
            1,
            vec![event(1, "ExecutionStarted"), event(2, "PassStateEntered")],
        )
        .unwrap();
    // Hidden events share id 0: their positions order them.
    store
        .append_events(
            &record.arn,
            3,
            vec![
                event(0, "PassStateEntered"),
                event(0, "PassStateExited"),
                event(3, "PassStateExited"),
            ],
        )
        .unwrap();
    assert_eq!(
        store.append_events(&record.arn, 5, vec![event(4, "WaitStateEntered")]),
        Err(StoreError::Conflict)
    );
    let events = store.get_events(&record.arn).unwrap();
    assert_eq!(
        events,
        vec![
            event(1, "ExecutionStarted"),
            event(2, "PassStateEntered"),
            event(0, "PassStateEntered"),
            event(0, "PassStateExited"),
            event(3, "PassStateExited")
        ]
    );
    assert!(store
        .get_events("arn:aws:states:us-east-1:1:execution:none:x")
        .unwrap()
        .is_empty());
}

pub fn a_failed_write_changes_nothing(store: &dyn Store, p: &str) {
    let record = execution(&format!("{EAST}:stateMachine:{p}atomic"), "a");
    store.write(start(&record)).unwrap();
    let mut finished = record.clone();
    finished.status = "SUCCEEDED".into();
    let failed = store.write(vec![
        Write::UpdateExecution(finished),
        // Position 1 is stored already: the whole write fails.
        Write::AppendEvents {
            execution_arn: record.arn.clone(),
            first_seq: 1,
            events: vec![event(1, "ExecutionSucceeded")],
        },
    ]);
    assert_eq!(failed, Err(StoreError::Conflict));
    assert_eq!(
        store.get_execution(&record.arn).unwrap(),
        Some(record.clone())
    );
    assert_eq!(store.get_events(&record.arn).unwrap().len(), 1);
}

pub fn activity_tasks_are_taken_once_in_order(store: &dyn Store, p: &str) {
    let activity_arn = format!("{EAST}:activity:{p}queue");
    let task = |execution: &str, frame: u32| ActivityTaskRecord {
        activity_arn: activity_arn.clone(),
        execution_arn: format!("{EAST}:execution:m:{p}{execution}"),
        frame,
        token: format!("token-{execution}-{frame}"),
        input: "{}".into(),
    };
    store
        .write(vec![
            Write::PushActivityTask(task("a", 1)),
            Write::PushActivityTask(task("b", 1)),
            Write::PushActivityTask(task("a", 2)),
        ])
        .unwrap();
    store
        .write(vec![Write::DropActivityTasks {
            execution_arn: format!("{EAST}:execution:m:{p}b"),
        }])
        .unwrap();
    let started = |t: &ActivityTaskRecord| json!({"started": t.frame});
    assert_eq!(
        store.take_activity_task(&activity_arn, &started).unwrap(),
        Some(task("a", 1))
    );
    assert_eq!(
        store.take_activity_task(&activity_arn, &started).unwrap(),
        Some(task("a", 2))
    );
    assert_eq!(
        store.take_activity_task(&activity_arn, &started).unwrap(),
        None
    );
    // Taking a task queued the signal for its execution, in order.
    let signals = store
        .pending_signals(&format!("{EAST}:execution:m:{p}a"))
        .unwrap();
    let bodies: Vec<_> = signals.iter().map(|s| s.body.clone()).collect();
    assert_eq!(bodies, [json!({"started": 1}), json!({"started": 2})]);
    store
        .write(vec![Write::AckSignals {
            execution_arn: format!("{EAST}:execution:m:{p}a"),
            upto_seq: signals[1].seq,
        }])
        .unwrap();
}

pub fn signals_queue_per_execution_until_acknowledged(store: &dyn Store, p: &str) {
    let machine_arn = format!("{EAST}:stateMachine:{p}signals");
    let record = execution(&machine_arn, "s");
    store.insert_execution(record.clone()).unwrap();
    let push = |n: i64| Write::PushSignal {
        execution_arn: record.arn.clone(),
        body: json!({"n": n}),
    };
    store.write(vec![push(1), push(2)]).unwrap();
    store.write(vec![push(3)]).unwrap();
    let signals = store.pending_signals(&record.arn).unwrap();
    let bodies: Vec<_> = signals.iter().map(|s| s.body.clone()).collect();
    assert_eq!(bodies, [json!({"n": 1}), json!({"n": 2}), json!({"n": 3})]);
    assert!(signals.windows(2).all(|w| w[0].seq < w[1].seq));
    assert!(store
        .executions_with_signals()
        .unwrap()
        .contains(&record.arn));
    store
        .write(vec![Write::AckSignals {
            execution_arn: record.arn.clone(),
            upto_seq: signals[1].seq,
        }])
        .unwrap();
    let left: Vec<_> = store
        .pending_signals(&record.arn)
        .unwrap()
        .into_iter()
        .map(|s| s.body)
        .collect();
    assert_eq!(left, [json!({"n": 3})]);
    store
        .write(vec![Write::AckSignals {
            execution_arn: record.arn.clone(),
            upto_seq: signals[2].seq,
        }])
        .unwrap();
    assert!(!store
        .executions_with_signals()
        .unwrap()
        .contains(&record.arn));
}
