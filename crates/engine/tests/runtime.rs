//! The runtime side of the service: STANDARD executions driven by activity workers, timers and
//! StopExecution, resumed from the history after a restart, redriven; EXPRESS executions run to
//! their end.

use std::sync::Arc;
use std::time::Duration;

use asl::validate::MachineType;
use engine::service::{Config, CreateStateMachine, Service, StartExecution, SystemClock};
use serde_json::json;
use store::{ExecutionRecord, Store};

mod support;

const REGION: &str = "us-east-1";
const ROLE: &str = "arn:aws:iam::123456789012:role/r";

fn service(store: Arc<dyn Store>) -> Arc<Service> {
    Service::new(
        Config {
            account_id: "123456789012".into(),
            default_region: REGION.into(),
        },
        store,
        // Waits last a hundredth of their time.
        Arc::new(SystemClock {
            wait_time_scale: 0.01,
        }),
    )
}

fn create_machine(
    service: &Service,
    name: &str,
    machine_type: MachineType,
    states: serde_json::Value,
) -> String {
    service
        .create_state_machine(CreateStateMachine {
            region: REGION.into(),
            name: name.into(),
            definition: json!({"StartAt": "S", "States": states}).to_string(),
            role_arn: ROLE.into(),
            machine_type,
            ..Default::default()
        })
        .unwrap()
        .state_machine
        .arn
}

/// A STANDARD state machine whose one state waits on an activity.
fn activity_machine(service: &Service) -> (String, String) {
    let activity = service
        .create_activity(REGION, "work", Vec::new(), None)
        .unwrap()
        .arn;
    let machine = create_machine(
        service,
        "worked",
        MachineType::Standard,
        json!({"S": {"Type": "Task", "Resource": activity, "End": true}}),
    );
    (activity, machine)
}

fn start(service: &Arc<Service>, machine: &str, name: &str) -> ExecutionRecord {
    service
        .start_execution(StartExecution {
            region: REGION.into(),
            state_machine_arn: machine.into(),
            name: Some(name.into()),
            input: Some(r#"{"n":1}"#.into()),
            trace_header: None,
        })
        .unwrap()
}

fn event_types(service: &Service, arn: &str) -> Vec<String> {
    let events = service.get_execution_history(arn).unwrap();
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e.id, i as u64 + 1, "event ids run on without gaps");
    }
    events
        .into_iter()
        .map(|e| e.event_type.to_string())
        .collect()
}

async fn wait_for_status(service: &Service, arn: &str, status: &str) -> ExecutionRecord {
    for _ in 0..500 {
        let record = service.describe_execution(arn).unwrap();
        if record.status == status {
            return record;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{arn} never became {status}");
}

#[tokio::test]
async fn a_worker_takes_the_task_once_and_its_answer_ends_the_execution() {
    let service = service(Arc::new(store::MemoryStore::new()));
    let (activity, machine) = activity_machine(&service);
    let execution = start(&service, &machine, "e").arn;
    let task = service
        .get_activity_task(REGION, &activity, Some("w".into()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(task.input, r#"{"n":1}"#);
    service.send_task_heartbeat(&task.task_token).unwrap();
    let invalid = service
        .send_task_success(&task.task_token, "{")
        .unwrap_err();
    assert_eq!(invalid.code, "InvalidOutput");
    service
        .send_task_success(&task.task_token, r#"{"done":true}"#)
        .unwrap();
    let record = service.describe_execution(&execution).unwrap();
    assert_eq!(record.status, "SUCCEEDED");
    assert_eq!(record.output.as_deref(), Some(r#"{"done":true}"#));
    assert_eq!(
        event_types(&service, &execution),
        support::after_activity_task(&["ExecutionSucceeded"])
    );
    let again = service
        .send_task_success(&task.task_token, "{}")
        .unwrap_err();
    assert_eq!(again.code, "TaskTimedOut");
    let invalid = service.send_task_heartbeat("not a token").unwrap_err();
    assert_eq!(invalid.code, "InvalidToken");
}

#[tokio::test]
async fn a_restarted_node_resumes_its_executions_from_the_history() {
    let path = std::env::temp_dir().join(format!("stepfn-runtime-{}.db", uuid::Uuid::new_v4()));
    let (activity, execution) = {
        let first = service(Arc::new(store::SqliteStore::open(&path).unwrap()));
        let (activity, machine) = activity_machine(&first);
        (activity, start(&first, &machine, "e").arn)
    };
    let second = service(Arc::new(store::SqliteStore::open(&path).unwrap()));
    assert_eq!(second.resume().unwrap(), 1);
    let task = second
        .get_activity_task(REGION, &activity, None)
        .await
        .unwrap()
        .unwrap();
    second.send_task_success(&task.task_token, "{}").unwrap();
    assert_eq!(
        second.describe_execution(&execution).unwrap().status,
        "SUCCEEDED"
    );
    assert_eq!(
        event_types(&second, &execution),
        support::after_activity_task(&["ExecutionSucceeded"])
    );
    drop(second);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

#[tokio::test]
async fn timers_end_waits_and_stop_aborts() {
    let service = service(Arc::new(store::MemoryStore::new()));
    tokio::spawn(service.clone().run_timers());
    let waits = |seconds: u32| json!({"S": {"Type": "Wait", "Seconds": seconds, "End": true}});
    let short = create_machine(&service, "short", MachineType::Standard, waits(1));
    let long = create_machine(&service, "long", MachineType::Standard, waits(100_000));
    let short = start(&service, &short, "s").arn;
    let long = start(&service, &long, "l").arn;
    wait_for_status(&service, &short, "SUCCEEDED").await;
    assert_eq!(
        event_types(&service, &short),
        [
            "ExecutionStarted",
            "WaitStateEntered",
            "WaitStateExited",
            "ExecutionSucceeded"
        ]
    );
    let stopped = service
        .stop_execution(&long, Some("E".into()), Some("c".into()))
        .unwrap();
    assert_eq!(stopped.status, "ABORTED");
    assert_eq!(stopped.error.as_deref(), Some("E"));
    assert_eq!(
        event_types(&service, &long).last().map(String::as_str),
        Some("ExecutionAborted")
    );
}

#[tokio::test]
async fn a_failed_task_is_redriven_and_served_again() {
    let service = service(Arc::new(store::MemoryStore::new()));
    let (activity, machine) = activity_machine(&service);
    let execution = start(&service, &machine, "e").arn;
    let task = service
        .get_activity_task(REGION, &activity, None)
        .await
        .unwrap()
        .unwrap();
    service
        .send_task_failure(&task.task_token, Some("Boom".into()), None)
        .unwrap();
    assert_eq!(
        service.describe_execution(&execution).unwrap().status,
        "FAILED"
    );
    let redriven = service
        .redrive_execution(&execution, Some("t".into()))
        .unwrap();
    assert_eq!(
        (redriven.status.as_str(), redriven.redrive.count),
        ("RUNNING", 1)
    );
    let repeated = service
        .redrive_execution(&execution, Some("t".into()))
        .unwrap();
    assert_eq!(repeated.redrive.count, 1);
    let task = service
        .get_activity_task(REGION, &activity, None)
        .await
        .unwrap()
        .unwrap();
    service.send_task_success(&task.task_token, "{}").unwrap();
    let record = service.describe_execution(&execution).unwrap();
    assert_eq!(record.status, "SUCCEEDED");
    let events = event_types(&service, &execution);
    assert!(
        events.contains(&"ExecutionRedriven".to_string()),
        "{events:?}"
    );
    let refused = service.redrive_execution(&execution, None).unwrap_err();
    assert_eq!(refused.code, "ExecutionNotRedrivable");
}

#[tokio::test]
async fn express_executions_run_to_their_end_in_memory() {
    let service = service(Arc::new(store::MemoryStore::new()));
    let states = json!({"S": {"Type": "Pass", "Result": {"r": 2}, "End": true}});
    let machine = create_machine(&service, "x", MachineType::Express, states);
    let request = StartExecution {
        region: REGION.into(),
        state_machine_arn: machine.clone(),
        input: Some("{}".into()),
        ..Default::default()
    };
    let sync = service.start_sync_execution(request.clone()).await.unwrap();
    assert_eq!(
        (sync.status.as_str(), sync.output.as_deref()),
        ("SUCCEEDED", Some(r#"{"r":2}"#))
    );
    let started = service.start_execution(request).unwrap();
    assert!(started.arn.contains(":express:"), "{}", started.arn);
    let done = wait_for_status(&service, &started.arn, "SUCCEEDED").await;
    assert_eq!(done.output.as_deref(), Some(r#"{"r":2}"#));
    assert!(service
        .get_execution_history(&started.arn)
        .unwrap()
        .is_empty());
}
