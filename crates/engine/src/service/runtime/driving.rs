//! Driving STANDARD executions: each running execution this node drives is held in memory and
//! advanced by signals (timers, workers, StopExecution); everything it records is committed in
//! one write, under the execution's lock, before anyone is told.

use std::sync::{Arc, Mutex};

use serde_json::Value;
use store::{ExecutionRecord, StoreError, Write};

use super::records::{finish_record, to_record};
use super::{NewExecution, Running, Runtime};
use crate::history::HistoryEvent;
use crate::integrations::{self, TaskRequest};
use crate::interpreter::{Execution, Signal, TimerRequest};
use crate::service::lock;

impl Runtime {
    /// Starts a STANDARD execution: it runs to its first wait and is committed with its record
    /// and what it recorded, in one write; from then on this node drives it.
    pub(crate) fn start_standard(
        &self,
        record: ExecutionRecord,
        new: NewExecution,
    ) -> std::result::Result<(), StoreError> {
        let exec = Execution::start_with_resolver(
            new.info,
            new.machine,
            &new.input_text,
            new.input,
            true,
            Some(self.resolver()),
        );
        self.adopt(record.clone(), exec, vec![Write::InsertExecution(record)])
    }

    /// Takes a started (or redriven) STANDARD execution under this node's care: records what it
    /// did so far (`events`, after `before`) in one write, then sets its timers and offers its
    /// tasks.
    pub(super) fn adopt(
        &self,
        record: ExecutionRecord,
        mut exec: Execution,
        before: Vec<Write>,
    ) -> std::result::Result<(), StoreError> {
        let events = std::mem::take(&mut exec.events);
        let timers = exec.take_timers();
        self.adopt_with(record, exec, events, before, timers)
    }

    pub(super) fn adopt_with(
        &self,
        record: ExecutionRecord,
        mut exec: Execution,
        events: Vec<HistoryEvent>,
        mut writes: Vec<Write>,
        timers: Vec<TimerRequest>,
    ) -> std::result::Result<(), StoreError> {
        let arn = record.arn.clone();
        let tasks = exec.take_task_requests();
        let running = Arc::new(Running {
            execution: Mutex::new(exec),
            record: Mutex::new(record),
        });
        let guard = lock(&running.execution);
        let (more, calls) = self.writes_for(&running, &guard, events, tasks);
        writes.extend(more);
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
        self.start_calls(&arn, calls);
        if still_running {
            self.timers.add(&arn, timers);
            self.park_if_idle(&arn, &running);
        } else {
            self.ended(&running);
        }
        Ok(())
    }

    /// What recording an execution's new events means for the store: the events, the tasks it
    /// offers, and its final record when it ended; with the calls to make once it is recorded.
    fn writes_for(
        &self,
        running: &Running,
        exec: &Execution,
        events: Vec<HistoryEvent>,
        tasks: Vec<TaskRequest>,
    ) -> (Vec<Write>, Vec<(TaskRequest, Option<Value>)>) {
        let arn = lock(&running.record).arn.clone();
        let mut writes = Vec::with_capacity(3 + tasks.len());
        if !events.is_empty() {
            writes.push(Write::AppendEvents {
                execution_arn: arn.clone(),
                first_seq: exec.history_length() + 1 - events.len() as u64,
                events: events.into_iter().map(to_record).collect(),
            });
        }
        let mut calls = Vec::new();
        for task in tasks {
            let made_here = integrations::integration_for(&task.call.target())
                .is_some_and(|i| i.starts_at_once());
            if made_here {
                calls.push((task, None));
            } else if let Some(write) = integrations::offer(&arn, task) {
                writes.push(write);
            }
        }
        if !exec.is_running() {
            let mut rec = lock(&running.record);
            finish_record(&mut rec, exec, self.clock.now_ms());
            writes.push(Write::UpdateExecution(rec.clone()));
            writes.push(Write::DropActivityTasks { execution_arn: arn });
        }
        (writes, calls)
    }

    /// After an execution's end was recorded.
    fn ended(&self, running: &Running) {
        let (arn, machine_arn) = {
            let rec = lock(&running.record);
            (rec.arn.clone(), rec.state_machine_arn.clone())
        };
        lock(&self.running).remove(&arn);
        let _ = self.catalog.finish_deleting_state_machine(&machine_arn);
        self.activity_queues.arrived.notify_waiters();
    }

    /// Delivers signals to a running execution this node drives and records what follows;
    /// `ack` also acknowledges queued signals up to that sequence number in the same write.
    /// False when this node does not drive the execution.
    pub(super) fn deliver(&self, arn: &str, signals: Vec<Signal>, ack: Option<i64>) -> bool {
        let running = loop {
            let Some(running) = self.live(arn) else {
                return false;
            };
            // Its adoption may have failed to commit (or it was parked) while this waited for
            // the lock.
            let still_here = {
                let _exec = lock(&running.execution);
                lock(&self.running)
                    .get(arn)
                    .is_some_and(|r| Arc::ptr_eq(r, &running))
            };
            if still_here {
                break running;
            }
            if !lock(&self.parked).contains(arn) {
                return false;
            }
        };
        let mut exec = lock(&running.execution);
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
        let (mut writes, calls) = self.writes_for(&running, &exec, events, tasks);
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
        self.start_calls(arn, calls);
        if done {
            self.ended(&running);
        } else {
            self.timers.add(arn, timers);
            self.park_if_idle(arn, &running);
        }
        true
    }
}

/// Whether a write queues activity tasks (local long polls are woken after it commits).
fn offers_tasks(writes: &[Write]) -> bool {
    writes
        .iter()
        .any(|w| matches!(w, Write::PushActivityTask(_)))
}
