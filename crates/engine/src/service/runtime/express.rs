//! EXPRESS executions: run in memory to their end (at-least-once, as on AWS), their records in
//! the runtime's `MemoryStore` whatever the store; also `drive_to_end` for `stepfn run`.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

use store::{ExecutionRecord, Store, StoreError};

use super::records::finish_record;
use super::{NewExecution, Runtime};
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
        drive_to_end(&mut exec, self.clock.as_ref()).await;
        finish_record(&mut record, &exec, self.clock.now_ms());
        record
    }
}

/// Runs an in-memory execution (EXPRESS, `stepfn run`) to its end, sleeping for its timers.
pub async fn drive_to_end(exec: &mut Execution, clock: &dyn Clock) {
    let mut timers: BinaryHeap<Reverse<(i64, u32)>> = BinaryHeap::new();
    loop {
        for t in exec.take_timers() {
            timers.push(Reverse((t.due_ms, t.frame)));
        }
        if !exec.is_running() {
            return;
        }
        let Some(Reverse((due, frame))) = timers.pop() else {
            return;
        };
        let now = clock.now_ms();
        if due > now {
            tokio::time::sleep(clock.scaled(due - now)).await;
        }
        exec.set_now(clock.now_ms().max(due));
        exec.deliver(Signal::TimerFired { frame });
    }
}
