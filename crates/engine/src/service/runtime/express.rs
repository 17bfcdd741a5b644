//! EXPRESS executions: run in memory to their end (at-least-once, as on AWS), their records in
//! the runtime's `MemoryStore` whatever the store; also `drive_to_end` for `stepfn run`.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

use store::{ExecutionRecord, Store, StoreError};

use super::calls::{perform, Deliver};
use super::records::finish_record;
use super::{NewExecution, Runtime};
use crate::integrations::integration_for;
use crate::interpreter::{Execution, Signal};
use crate::service::Clock;

impl Runtime {
    /// Records a started EXPRESS execution and runs it in the background.
    pub(crate) fn start_express(
        self: &Arc<Self>,
        record: ExecutionRecord,
        new: NewExecution,
    ) -> std::result::Result<(), StoreError> {
        self.express.insert_execution(record.clone())?;
        let runtime = self.clone();
        tokio::spawn(async move {
            let rec = runtime.run_express(record, new).await;
            let _ = runtime.express.update_execution(rec);
        });
        Ok(())
    }

    /// Runs an EXPRESS execution to its end; answers its final record.
    pub(crate) async fn run_express(
        &self,
        mut record: ExecutionRecord,
        new: NewExecution,
    ) -> ExecutionRecord {
        let mut exec = Execution::start(new.info, new.machine, &new.input_text, new.input, false);
        drive_to_end(&mut exec, self.clock.as_ref(), self.caller()).await;
        finish_record(&mut record, &exec, self.clock.now_ms());
        record
    }
}

/// Runs an in-memory execution (EXPRESS, `stepfn run`) to its end, sleeping for its timers
/// and making its tasks' calls.
pub async fn drive_to_end(exec: &mut Execution, clock: &dyn Clock, caller: Arc<dyn aws::Caller>) {
    let mut timers: BinaryHeap<Reverse<(i64, u32)>> = BinaryHeap::new();
    let (tx, mut answers) = tokio::sync::mpsc::unbounded_channel::<Signal>();
    // Dropped (and its calls with it) when the execution ends.
    let mut calls = tokio::task::JoinSet::new();
    let mut outstanding = 0usize;
    loop {
        for t in exec.take_timers() {
            timers.push(Reverse((t.due_ms, t.frame)));
        }
        for request in exec.take_task_requests() {
            let made_here =
                integration_for(&request.call.target()).is_some_and(|i| i.starts_at_once());
            if !made_here {
                continue;
            }
            outstanding += 1;
            let tx = tx.clone();
            let deliver: Arc<Deliver> = Arc::new(move |signal: Signal| {
                let _ = tx.send(signal);
                Box::pin(async {})
            });
            calls.spawn(perform(
                caller.clone(),
                request,
                None,
                Arc::new(|| true),
                deliver,
            ));
        }
        if !exec.is_running() {
            return;
        }
        let next_timer = timers.peek().map(|Reverse((due, _))| *due);
        if next_timer.is_none() && outstanding == 0 {
            return;
        }
        if let (Some(due), true, 0) = (next_timer, clock.jumps(), outstanding) {
            // Virtual time: nothing but its timers is awaited, so time jumps to the next.
            clock.advance_to(due);
        }
        let sleep = match next_timer {
            Some(due) => clock.scaled((due - clock.now_ms()).max(0)),
            None => std::time::Duration::from_secs(24 * 3600),
        };
        tokio::select! {
            signal = answers.recv() => {
                let Some(signal) = signal else { return };
                if !matches!(signal, Signal::TaskSubmitted { .. }) {
                    outstanding = outstanding.saturating_sub(1);
                }
                exec.set_now(clock.now_ms());
                exec.deliver(signal);
            }
            _ = tokio::time::sleep(sleep), if next_timer.is_some() => {
                let Some(Reverse((due, frame))) = timers.pop() else { continue };
                exec.set_now(clock.now_ms().max(due));
                exec.deliver(Signal::TimerFired {
                    frame,
                    due_ms: Some(due),
                });
            }
        }
    }
}
