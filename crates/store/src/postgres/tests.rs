use std::time::{Instant, SystemTime, UNIX_EPOCH};

use serde_json::json;

use super::*;
use crate::suite::{event, execution, start};

const EAST: &str = "arn:aws:states:us-east-1:123456789012";

fn database_url() -> Option<String> {
    match std::env::var("STEPFN_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            eprintln!("skipped: STEPFN_TEST_POSTGRES_URL is not set");
            None
        }
    }
}

/// A prefix no other run uses: the database is shared and outlives the tests.
fn unique(label: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{label}{}x{nanos:x}-", std::process::id())
}

/// Ends the RUNNING executions a test left, so that no later claim takes them.
fn finish_executions(store: &PostgresStore, prefix: &str) {
    for mut record in store.list_executions(None, Some("RUNNING")).unwrap() {
        if record.state_machine_arn.contains(prefix) && record.status == "RUNNING" {
            record.status = "SUCCEEDED".into();
            store.update_execution(record).unwrap();
        }
    }
}

fn arns(records: &[ExecutionRecord]) -> Vec<&str> {
    records.iter().map(|r| r.arn.as_str()).collect()
}

/// A store for one check of the suite: a node of its own, whose records are named by its prefix.
struct SuiteStore {
    store: PostgresStore,
    prefix: String,
}

impl crate::suite::Subject for SuiteStore {
    fn store(&self) -> &dyn Store {
        &self.store
    }
    fn prefix(&self) -> &str {
        &self.prefix
    }
    fn finish(&self) {
        finish_executions(&self.store, &self.prefix);
    }
}

crate::store_test_suite!(suite, |_| {
    let url = database_url()?;
    let prefix = unique("suite");
    let store = PostgresStore::connect(&url, &prefix, 60_000).unwrap();
    Some(SuiteStore { store, prefix })
});

#[test]
fn connecting_twice_keeps_the_schema_and_the_records() {
    let Some(url) = database_url() else { return };
    let prefix = unique("reopen");
    let machine_arn = format!("{EAST}:stateMachine:{prefix}m");
    let record = execution(&machine_arn, "x");
    {
        let store = PostgresStore::connect(&url, &prefix, 60_000).unwrap();
        store.insert_execution(record.clone()).unwrap();
        store
            .append_events(&record.arn, 1, vec![event(1, "ExecutionStarted")])
            .unwrap();
    }
    let store = PostgresStore::connect(&url, &prefix, 60_000).unwrap();
    assert_eq!(
        store.get_execution(&record.arn).unwrap(),
        Some(record.clone())
    );
    assert_eq!(store.get_events(&record.arn).unwrap().len(), 1);
    finish_executions(&store, &prefix);
}

#[test]
fn works_when_called_from_inside_another_runtime() {
    let Some(url) = database_url() else { return };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let prefix = unique("nested");
        let store = PostgresStore::connect(&url, &prefix, 60_000).unwrap();
        let record = execution(&format!("{EAST}:stateMachine:{prefix}m"), "x");
        store.insert_execution(record.clone()).unwrap();
        assert_eq!(store.get_execution(&record.arn).unwrap(), Some(record));
        finish_executions(&store, &prefix);
        // Dropping the store here must not panic either.
        drop(store);
    });
}

#[test]
fn a_bad_address_is_an_error_not_a_panic() {
    let Some(_) = database_url() else { return };
    let failed = PostgresStore::connect("postgres://nobody@127.0.0.1:1/none", "n", 1000);
    assert!(matches!(failed, Err(StoreError::Backend(_))));
}

#[test]
fn leases_keep_executions_with_their_node_until_they_lapse() {
    let Some(url) = database_url() else { return };
    let prefix = unique("lease");
    let (a_id, b_id) = (format!("{prefix}a"), format!("{prefix}b"));
    let lease_ms = 1000;
    let a = PostgresStore::connect(&url, &a_id, lease_ms).unwrap();
    let b = PostgresStore::connect(&url, &b_id, lease_ms).unwrap();
    // Both nodes have started: their first claims are behind them.
    a.claim_executions(0).unwrap();
    b.claim_executions(0).unwrap();

    let machine_arn = format!("{EAST}:stateMachine:{prefix}m");
    let x = execution(&machine_arn, "x");
    let mut finished = execution(&machine_arn, "finished");
    finished.status = "SUCCEEDED".into();
    let mut express = execution(&machine_arn, "express");
    express.machine_type = "EXPRESS".into();
    a.write(vec![
        Write::InsertExecution(x.clone()),
        Write::InsertExecution(finished.clone()),
        Write::InsertExecution(express.clone()),
    ])
    .unwrap();
    let ours = [x.arn.as_str(), finished.arn.as_str(), express.arn.as_str()];

    // While A renews, B cannot take X (nor ever the finished or EXPRESS ones).
    let until = Instant::now() + Duration::from_millis(2500);
    while Instant::now() < until {
        assert!(a.renew_leases(0).unwrap() >= 1);
        let claimed = b.claim_executions(0).unwrap();
        assert!(!arns(&claimed).iter().any(|arn| ours.contains(arn)));
        std::thread::sleep(Duration::from_millis(200));
    }

    // A stops renewing: once its lease has passed, B (which renews) takes X, once.
    std::thread::sleep(Duration::from_millis(lease_ms as u64 + 300));
    b.renew_leases(0).unwrap();
    let claimed = b.claim_executions(0).unwrap();
    let claimed = arns(&claimed);
    assert_eq!(claimed.iter().filter(|arn| **arn == x.arn).count(), 1);
    assert!(!claimed.contains(&finished.arn.as_str()));
    assert!(!claimed.contains(&express.arn.as_str()));
    assert!(!arns(&b.claim_executions(0).unwrap()).contains(&x.arn.as_str()));

    // Signals of X are for B to deliver now.
    b.write(vec![Write::PushSignal {
        execution_arn: x.arn.clone(),
        body: json!({"wake": true}),
    }])
    .unwrap();
    assert!(b.executions_with_signals().unwrap().contains(&x.arn));
    assert!(!a.executions_with_signals().unwrap().contains(&x.arn));

    // A restarted A (same node id) takes back its own execution at once; B could not.
    let y = execution(&machine_arn, "y");
    a.renew_leases(0).unwrap();
    a.insert_execution(y.clone()).unwrap();
    drop(a);
    assert!(!arns(&b.claim_executions(0).unwrap()).contains(&y.arn.as_str()));
    b.renew_leases(0).unwrap();
    let a = PostgresStore::connect(&url, &a_id, lease_ms).unwrap();
    let reclaimed = a.claim_executions(0).unwrap();
    assert!(arns(&reclaimed).contains(&y.arn.as_str()));
    assert!(!arns(&reclaimed).contains(&x.arn.as_str()));
    assert!(!arns(&a.claim_executions(0).unwrap()).contains(&y.arn.as_str()));

    // A released execution is free for anyone at once.
    a.release_execution(&y.arn).unwrap();
    let claimed = b.claim_executions(0).unwrap();
    assert_eq!(
        arns(&claimed).iter().filter(|arn| **arn == y.arn).count(),
        1
    );

    // A finished execution has no owner any more (its signals are nobody's).
    assert!(b.executions_with_signals().unwrap().contains(&x.arn));
    let mut done = x.clone();
    done.status = "SUCCEEDED".into();
    b.update_execution(done).unwrap();
    assert!(!b.executions_with_signals().unwrap().contains(&x.arn));

    b.write(vec![Write::AckSignals {
        execution_arn: x.arn.clone(),
        upto_seq: i64::MAX,
    }])
    .unwrap();
    finish_executions(&b, &prefix);
}

#[test]
fn each_activity_task_goes_to_exactly_one_poller_of_all_nodes() {
    let Some(url) = database_url() else { return };
    let prefix = unique("take");
    let nodes = [
        Arc::new(PostgresStore::connect(&url, &format!("{prefix}a"), 60_000).unwrap()),
        Arc::new(PostgresStore::connect(&url, &format!("{prefix}b"), 60_000).unwrap()),
    ];
    let activity_arn = format!("{EAST}:activity:{prefix}work");
    let execution_arn = format!("{EAST}:execution:m:{prefix}x");
    let tasks = 300u32;
    let task = |frame: u32| ActivityTaskRecord {
        activity_arn: activity_arn.clone(),
        execution_arn: execution_arn.clone(),
        frame,
        token: format!("token-{frame}"),
        input: "{}".into(),
    };
    for chunk in (0..tasks).collect::<Vec<_>>().chunks(50) {
        nodes[0]
            .write(
                chunk
                    .iter()
                    .map(|f| Write::PushActivityTask(task(*f)))
                    .collect(),
            )
            .unwrap();
    }
    let pollers: Vec<_> = (0..6)
        .map(|i| {
            let store = nodes[i % 2].clone();
            let activity_arn = activity_arn.clone();
            std::thread::spawn(move || {
                let started = |t: &ActivityTaskRecord| json!({"started": t.frame});
                let mut taken = Vec::new();
                while let Some(t) = store.take_activity_task(&activity_arn, &started).unwrap() {
                    taken.push(t.frame);
                }
                taken
            })
        })
        .collect();
    let mut taken: Vec<u32> = pollers
        .into_iter()
        .flat_map(|p| p.join().unwrap())
        .collect();
    taken.sort_unstable();
    assert_eq!(taken, (0..tasks).collect::<Vec<_>>());

    // Each take queued its start signal, once.
    let signals = nodes[1].pending_signals(&execution_arn).unwrap();
    let mut started: Vec<u64> = signals
        .iter()
        .map(|s| s.body["started"].as_u64().unwrap())
        .collect();
    started.sort_unstable();
    assert_eq!(started, (0..tasks as u64).collect::<Vec<_>>());
    nodes[0]
        .write(vec![Write::AckSignals {
            execution_arn: execution_arn.clone(),
            upto_seq: signals.last().unwrap().seq,
        }])
        .unwrap();
}

#[test]
fn other_nodes_hear_of_queued_tasks_and_signals() {
    let Some(url) = database_url() else { return };
    let prefix = unique("notify");
    let writer = PostgresStore::connect(&url, &format!("{prefix}a"), 60_000).unwrap();
    let watcher = PostgresStore::connect(&url, &format!("{prefix}b"), 60_000).unwrap();
    let (heard_tx, heard) = mpsc::channel::<Notice>();
    let heard_tx = Mutex::new(heard_tx);
    watcher.watch(Arc::new(move |notice| {
        let _ = heard_tx.lock().unwrap().send(notice);
    }));
    let activity_arn = format!("{EAST}:activity:{prefix}work");
    let execution_arn = format!("{EAST}:execution:m:{prefix}x");
    // The tasks' execution has no signals but the one that starts a task.
    let task_execution_arn = format!("{EAST}:execution:m:{prefix}task");
    let wait_for = |expected: Notice, write: &dyn Fn()| {
        // The listener starts in the background: write until it is heard.
        let until = Instant::now() + Duration::from_secs(20);
        while Instant::now() < until {
            write();
            let round = Instant::now() + Duration::from_millis(500);
            while let Some(left) = round.checked_duration_since(Instant::now()) {
                match heard.recv_timeout(left) {
                    Ok(notice) if notice == expected => return,
                    _ => {}
                }
            }
        }
        panic!("never heard {expected:?}");
    };
    wait_for(Notice::Signal(execution_arn.clone()), &|| {
        writer
            .write(vec![Write::PushSignal {
                execution_arn: execution_arn.clone(),
                body: json!(1),
            }])
            .unwrap()
    });
    // The listener connects again when its connection is lost.
    let listener_name = format!("stepfn {} listener", watcher.node_id());
    let terminated: Vec<bool> = writer
        .run(|pool| async move {
            sqlx::query_scalar(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                 WHERE application_name = $1",
            )
            .bind(listener_name)
            .fetch_all(&pool)
            .await
            .map_err(backend)
        })
        .unwrap();
    assert_eq!(terminated, [true]);
    wait_for(Notice::ActivityTask(activity_arn.clone()), &|| {
        writer
            .write(vec![Write::PushActivityTask(ActivityTaskRecord {
                activity_arn: activity_arn.clone(),
                execution_arn: task_execution_arn.clone(),
                frame: 0,
                token: "t".into(),
                input: "{}".into(),
            })])
            .unwrap()
    });
    // Taking a task announces its start signal.
    let started = |_: &ActivityTaskRecord| json!("started");
    assert!(writer
        .take_activity_task(&activity_arn, &started)
        .unwrap()
        .is_some());
    let until = Instant::now() + Duration::from_secs(10);
    loop {
        let left = until
            .checked_duration_since(Instant::now())
            .expect("the start signal was announced");
        if heard.recv_timeout(left).ok() == Some(Notice::Signal(task_execution_arn.clone())) {
            break;
        }
    }
    writer
        .write(vec![
            Write::DropActivityTasks {
                execution_arn: task_execution_arn.clone(),
            },
            Write::AckSignals {
                execution_arn: task_execution_arn,
                upto_seq: i64::MAX,
            },
            Write::AckSignals {
                execution_arn,
                upto_seq: i64::MAX,
            },
        ])
        .unwrap();
}

#[test]
fn writes_at_once_share_commits_and_only_the_failing_ones_fail() {
    let Some(url) = database_url() else { return };
    let prefix = unique("batch");
    let store = Arc::new(PostgresStore::connect(&url, &prefix, 60_000).unwrap());
    let machine_arn = format!("{EAST}:stateMachine:{prefix}m");
    let queues = [format!("{prefix}q1"), format!("{prefix}q2")];
    let threads: Vec<_> = (0..16)
        .map(|t| {
            let store = store.clone();
            let machine_arn = machine_arn.clone();
            let queues = queues.clone();
            std::thread::spawn(move || {
                let record = execution(&machine_arn, &format!("e{t}"));
                store.write(start(&record)).unwrap();
                let mut next = 2;
                let mut kept_input = record.input.clone();
                for i in 0..60 {
                    let mut changed = record.clone();
                    changed.input = format!("{{\"step\":{i}}}");
                    let repeat = i % 7 == 3;
                    let id = if repeat { next - 1 } else { next };
                    // Signals for two queues, in an order that differs between threads.
                    let mut signals: Vec<Write> = queues
                        .iter()
                        .map(|q| Write::PushSignal {
                            execution_arn: q.clone(),
                            body: json!([t, i]),
                        })
                        .collect();
                    if t % 2 == 1 {
                        signals.reverse();
                    }
                    let mut writes = vec![
                        Write::AppendEvents {
                            execution_arn: record.arn.clone(),
                            first_seq: id,
                            events: vec![event(id, "PassStateEntered")],
                        },
                        Write::UpdateExecution(changed),
                    ];
                    writes.extend(signals);
                    let outcome = store.write(writes);
                    if repeat {
                        assert_eq!(outcome, Err(StoreError::Conflict));
                    } else {
                        assert_eq!(outcome, Ok(()));
                        next += 1;
                        kept_input = format!("{{\"step\":{i}}}");
                    }
                    if i % 10 == 5 {
                        let missing = execution(&machine_arn, &format!("missing{t}-{i}"));
                        assert_eq!(store.update_execution(missing), Err(StoreError::NotFound));
                    }
                }
                (record.arn, next - 1, kept_input)
            })
        })
        .collect();
    let mut written = 0;
    for thread in threads {
        let (arn, last, kept_input) = thread.join().unwrap();
        let events = store.get_events(&arn).unwrap();
        assert!(events.iter().map(|e| e.id).eq(1..=last), "{events:?}");
        let record = store.get_execution(&arn).unwrap().unwrap();
        assert_eq!(record.input, kept_input);
        written += last - 1;
    }
    for queue in &queues {
        let signals = store.pending_signals(queue).unwrap();
        assert_eq!(signals.len() as u64, written);
        store
            .write(vec![Write::AckSignals {
                execution_arn: queue.clone(),
                upto_seq: i64::MAX,
            }])
            .unwrap();
    }
    finish_executions(&store, &prefix);
}
