//! The runtime of STANDARD executions: each running execution this node drives is held in memory
//! and advanced by signals (timers, workers, StopExecution); everything it records is committed
//! in one write, under the execution's lock, before anyone is told.
//!
//! Nothing but the history is needed to go on after a crash: [`Service::resume`] rebuilds every
//! execution the store hands this node by replaying its history, and the timers (Wait, timeouts,
//! heartbeats, retry back-off) come back from it with their deadlines. Activity tasks not yet
//! taken stay in the store's queues; tokens are derived from the history and stay valid.
//!
//! On a store shared by several nodes a signal for an execution another node drives is queued in
//! the store for that node ([`store::Write::PushSignal`]).

use store::{ActivityTaskRecord, Notice, Write};

use super::arns::StatesArn;
use super::*;
use crate::integrations::{self, TaskRequest};

/// How long a node's hold on its executions lasts without renewal (shared stores).
pub const LEASE_MS: i64 = 10_000;

impl Service {
    /// The fixed facts of a stored execution, as its replay needs them.
    pub(super) fn info_for(&self, record: &ExecutionRecord) -> Arc<ExecutionInfo> {
        let machine_name = StatesArn::read(&record.state_machine_arn)
            .map(|arn| arn.first_name().to_string())
            .unwrap_or_default();
        Arc::new(ExecutionInfo {
            execution_arn: record.arn.clone(),
            name: record.name.clone(),
            state_machine_arn: record.state_machine_arn.clone(),
            state_machine_name: machine_name,
            role_arn: record.role_arn.clone(),
            start_ms: record.start_ms,
            redrive_count: 0,
            express: false,
            version_arn: record.version_arn.clone(),
            alias_arn: record.alias_arn.clone(),
        })
    }

    /// Rebuilds a stored execution from its history; `recorded` is how many events it had.
    pub(super) fn rebuild(&self, record: &ExecutionRecord) -> Result<(Execution, usize)> {
        let compiled = self.compile(&record.definition)?;
        let info = self.info_for(record);
        let events: Vec<_> = self
            .store
            .get_events(&record.arn)?
            .into_iter()
            .filter_map(from_record)
            .collect();
        let recorded = events.len();
        let mut exec = if events.is_empty() {
            // Started but nothing recorded yet: it starts now, as it would have.
            let input: Value = serde_json::from_str(&record.input).unwrap_or(Value::Null);
            Execution::start_with_resolver(
                info,
                compiled,
                &record.input,
                input,
                true,
                Some(self.resolver()),
            )
        } else {
            let mut exec = Execution::replay(info, compiled, events).map_err(|e| {
                ServiceError::internal(format!("cannot rebuild {}: {e}", record.arn))
            })?;
            exec.set_resolver(self.resolver());
            exec
        };
        exec.set_now(self.clock.now_ms());
        Ok((exec, recorded))
    }

    /// Takes over every execution the store hands this node (all RUNNING STANDARD executions
    /// after a restart on a single-node store; orphans of dead nodes on a shared one).
    /// Returns how many were taken.
    pub fn resume(self: &Arc<Self>) -> Result<usize> {
        let claimed = self.store.claim_executions(self.clock.now_ms())?;
        let count = claimed.len();
        for record in claimed {
            if self.drives(&record.arn) {
                continue;
            }
            match self.rebuild(&record) {
                Ok((mut exec, recorded)) => {
                    let (new_events, timers) = if recorded == 0 {
                        (std::mem::take(&mut exec.events), exec.take_timers())
                    } else {
                        // Replayed events are stored already; the queued tasks too. The
                        // timers come back from the history, with their deadlines.
                        exec.events.clear();
                        exec.take_task_requests();
                        (Vec::new(), exec.pending_timers())
                    };
                    let arn = record.arn.clone();
                    match self.adopt_with(record, exec, new_events, Vec::new(), timers) {
                        Ok(()) => self.deliver_queued(&arn),
                        Err(e) => tracing::error!("cannot resume {arn}: {e}"),
                    }
                }
                Err(e) => tracing::error!("cannot resume {}: {e}", record.arn),
            }
        }
        Ok(count)
    }

    /// Keeps this node's leases, takes over orphaned executions and delivers signals other
    /// nodes queued (shared stores); spawn once on the runtime.
    pub async fn run_leases(self: Arc<Self>) {
        if !self.store.is_shared() {
            return;
        }
        let service = self.clone();
        self.store.watch(Arc::new(move |notice| match notice {
            Notice::ActivityTask(_) => service.activity_queues.arrived.notify_waiters(),
            Notice::Signal(arn) => {
                let service = service.clone();
                std::thread::spawn(move || service.deliver_queued(&arn));
            }
        }));
        let mut tick = tokio::time::interval(Duration::from_millis((LEASE_MS / 4) as u64));
        loop {
            tick.tick().await;
            let service = self.clone();
            let _ = tokio::task::spawn_blocking(move || {
                if let Err(e) = service.store.renew_leases(service.clock.now_ms()) {
                    tracing::warn!("cannot renew leases: {e}");
                }
                if let Err(e) = service.resume() {
                    tracing::warn!("cannot take over executions: {e}");
                }
                if let Ok(arns) = service.store.executions_with_signals() {
                    for arn in arns {
                        service.deliver_queued(&arn);
                    }
                }
            })
            .await;
        }
    }

    /// Takes a started (or redriven) STANDARD execution under this node's care: records what it
    /// did so far (`events`, after `before`) in one write, then sets its timers and offers its
    /// tasks.
    pub(super) fn adopt(
        &self,
        record: ExecutionRecord,
        mut exec: Execution,
        before: Vec<Write>,
    ) -> std::result::Result<(), store::StoreError> {
        let events = std::mem::take(&mut exec.events);
        let timers = exec.take_timers();
        self.adopt_with(record, exec, events, before, timers)
    }

    fn adopt_with(
        &self,
        record: ExecutionRecord,
        mut exec: Execution,
        events: Vec<HistoryEvent>,
        mut writes: Vec<Write>,
        timers: Vec<crate::interpreter::TimerRequest>,
    ) -> std::result::Result<(), store::StoreError> {
        let arn = record.arn.clone();
        let tasks = exec.take_task_requests();
        let running = Arc::new(Running {
            execution: Mutex::new(exec),
            record: Mutex::new(record),
        });
        let guard = lock(&running.execution);
        writes.extend(self.writes_for(&running, &guard, events, tasks));
        let still_running = guard.is_running();
        let offers = offers_tasks(&writes);
        // Visible before the write commits, so that whoever finds its tasks or signals in the
        // store finds it here too; they wait on its lock until the write is done.
        lock(&self.running).insert(arn.clone(), running.clone());
        if let Err(e) = self.store.write(writes) {
            lock(&self.running).remove(&arn);
            let _ = self.store.release_execution(&arn);
            return Err(e);
        }
        drop(guard);
        if offers {
            self.activity_queues.arrived.notify_waiters();
        }
        if still_running {
            self.add_timers(&arn, timers);
        } else {
            self.ended(&running);
        }
        Ok(())
    }

    /// What recording an execution's new events means for the store: the events, the tasks it
    /// offers, and its final record when it ended.
    fn writes_for(
        &self,
        running: &Running,
        exec: &Execution,
        events: Vec<HistoryEvent>,
        tasks: Vec<TaskRequest>,
    ) -> Vec<Write> {
        let arn = lock(&running.record).arn.clone();
        let mut writes = Vec::with_capacity(3 + tasks.len());
        if !events.is_empty() {
            writes.push(Write::AppendEvents {
                execution_arn: arn.clone(),
                first_seq: exec.history_length() + 1 - events.len() as u64,
                events: events.into_iter().map(to_record).collect(),
            });
        }
        writes.extend(
            tasks
                .into_iter()
                .filter_map(|task| integrations::offer(&arn, task)),
        );
        if !exec.is_running() {
            let mut rec = lock(&running.record);
            finish_record(&mut rec, exec, self.clock.now_ms());
            writes.push(Write::UpdateExecution(rec.clone()));
            writes.push(Write::DropActivityTasks { execution_arn: arn });
        }
        writes
    }

    /// After an execution's end was recorded.
    fn ended(&self, running: &Running) {
        let (arn, machine_arn) = {
            let rec = lock(&running.record);
            (rec.arn.clone(), rec.state_machine_arn.clone())
        };
        lock(&self.running).remove(&arn);
        let _ = self.finish_deleting_state_machine(&machine_arn);
        self.activity_queues.arrived.notify_waiters();
    }

    /// Delivers signals to a running execution this node drives and records what follows;
    /// `ack` also acknowledges queued signals up to that sequence number in the same write.
    /// False when this node does not drive the execution.
    fn deliver(&self, arn: &str, signals: Vec<Signal>, ack: Option<i64>) -> bool {
        let Some(running) = lock(&self.running).get(arn).cloned() else {
            return false;
        };
        let mut exec = lock(&running.execution);
        // Its adoption may have failed to commit while this waited for the lock.
        let still_here = lock(&self.running)
            .get(arn)
            .is_some_and(|r| Arc::ptr_eq(r, &running));
        if !still_here {
            return false;
        }
        if !exec.is_running() {
            return true;
        }
        exec.set_now(self.clock.now_ms());
        for signal in signals {
            exec.deliver(signal);
        }
        let events = std::mem::take(&mut exec.events);
        let timers = exec.take_timers();
        let tasks = exec.take_task_requests();
        let mut writes = self.writes_for(&running, &exec, events, tasks);
        if let Some(upto_seq) = ack {
            writes.push(Write::AckSignals {
                execution_arn: arn.to_string(),
                upto_seq,
            });
        }
        let done = !exec.is_running();
        if writes.is_empty() {
            return true;
        }
        let offers = offers_tasks(&writes);
        if let Err(e) = self.store.write(writes) {
            // What the execution did is not recorded: forget this copy; the store's history
            // (and whichever node claims it) is the truth.
            tracing::error!("cannot record {arn}: {e}; dropping it from this node");
            drop(exec);
            lock(&self.running).remove(arn);
            let _ = self.store.release_execution(arn);
            return true;
        }
        drop(exec);
        if offers {
            self.activity_queues.arrived.notify_waiters();
        }
        if done {
            self.ended(&running);
        } else {
            self.add_timers(arn, timers);
        }
        true
    }

    /// Delivers a signal to a running STANDARD execution this node drives.
    pub(super) fn signal(&self, arn: &str, signal: Signal) {
        self.deliver(arn, vec![signal], None);
    }

    /// Delivers the signals queued in the store for an execution this node drives.
    pub(super) fn deliver_queued(&self, arn: &str) {
        let queued = match self.store.pending_signals(arn) {
            Ok(q) if !q.is_empty() => q,
            _ => return,
        };
        let Some(running) = lock(&self.running).get(arn).cloned() else {
            if !self.store.is_shared() {
                // Nobody else could deliver them: the execution is over.
                let _ = self.store.write(vec![Write::AckSignals {
                    execution_arn: arn.to_string(),
                    upto_seq: queued.last().map_or(0, |s| s.seq),
                }]);
            }
            return;
        };
        let upto = queued.last().map_or(0, |s| s.seq);
        let signals: Vec<Signal> = {
            let exec = lock(&running.execution);
            queued
                .into_iter()
                .filter_map(|s| serde_json::from_value::<Signal>(s.body).ok())
                .filter(|signal| match signal.task() {
                    // A task signal counts only while its frame still waits on that token, and
                    // a start only before the task started.
                    Some((frame, token)) => match exec.task_status(frame, token) {
                        Some(started) => !(started && matches!(signal, Signal::TaskStarted { .. })),
                        None => false,
                    },
                    None => true,
                })
                .collect()
        };
        self.deliver(arn, signals, Some(upto));
    }

    /// Whether this node drives the execution.
    pub(super) fn drives(&self, arn: &str) -> bool {
        lock(&self.running).contains_key(arn)
    }

    /// Queues a signal for the node that drives an execution (shared stores).
    pub(super) fn queue_signal(&self, arn: &str, signal: Signal) -> Result<()> {
        self.store.write(vec![Write::PushSignal {
            execution_arn: arn.to_string(),
            body: serde_json::to_value(&signal).unwrap_or(Value::Null),
        }])?;
        // It may be this node's after all (it took the execution over meanwhile).
        if self.drives(arn) {
            self.deliver_queued(arn);
        }
        Ok(())
    }

    /// Delivers fired timers, each on a blocking thread (its write waits for the commit).
    pub(super) fn fire_timers(self: &Arc<Self>, fired: Vec<(String, u32)>) {
        for (arn, frame) in fired {
            let service = self.clone();
            tokio::task::spawn_blocking(move || {
                service.signal(&arn, Signal::TimerFired { frame });
            });
        }
    }

    /// The start signal queued when a worker takes a task.
    pub(super) fn started_signal(task: &ActivityTaskRecord, worker_name: Option<String>) -> Value {
        serde_json::to_value(Signal::TaskStarted {
            frame: task.frame,
            token: task.token.clone(),
            worker_name,
        })
        .unwrap_or(Value::Null)
    }
}

/// Whether a write queues activity tasks (local long polls are woken after it commits).
fn offers_tasks(writes: &[Write]) -> bool {
    writes
        .iter()
        .any(|w| matches!(w, Write::PushActivityTask(_)))
}
