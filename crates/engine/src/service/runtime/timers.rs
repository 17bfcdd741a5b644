//! The timers of the STANDARD executions this node drives (Wait states, retry back-offs,
//! timeouts): a queue by due time that the timer loop sleeps on.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

use super::Runtime;
use crate::interpreter::{Signal, TimerRequest};
use crate::service::{lock, Clock};

impl Runtime {
    /// Runs the timer loop of STANDARD executions; spawn once on the runtime.
    pub(crate) async fn run_timers(self: Arc<Self>) {
        loop {
            let fired = self.timers.next_due(self.clock.as_ref()).await;
            self.fire_timers(fired);
        }
    }

    /// Delivers fired timers, each on a blocking thread (its write waits for the commit).
    fn fire_timers(self: &Arc<Self>, fired: Vec<(String, u32)>) {
        for (arn, frame) in fired {
            let runtime = self.clone();
            tokio::task::spawn_blocking(move || {
                runtime.signal(&arn, Signal::TimerFired { frame });
            });
        }
    }
}

struct TimerEntry {
    due_ms: i64,
    /// Keeps timers due at the same time in the order they were set.
    seq: u64,
    execution_arn: String,
    frame: u32,
}

impl PartialEq for TimerEntry {
    fn eq(&self, other: &Self) -> bool {
        (self.due_ms, self.seq) == (other.due_ms, other.seq)
    }
}
impl Eq for TimerEntry {}
impl PartialOrd for TimerEntry {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for TimerEntry {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.due_ms, self.seq).cmp(&(other.due_ms, other.seq))
    }
}

#[derive(Default)]
struct Entries {
    heap: BinaryHeap<Reverse<TimerEntry>>,
    seq: u64,
}

#[derive(Default)]
pub(super) struct TimerQueue {
    entries: Mutex<Entries>,
    /// Wakes the timer loop when a timer is added (it may be due before the one it sleeps on).
    wakeup: Notify,
}

impl TimerQueue {
    pub(super) fn add(&self, execution_arn: &str, timers: Vec<TimerRequest>) {
        if timers.is_empty() {
            return;
        }
        {
            let mut entries = lock(&self.entries);
            for timer in timers {
                entries.seq += 1;
                let seq = entries.seq;
                entries.heap.push(Reverse(TimerEntry {
                    due_ms: timer.due_ms,
                    seq,
                    execution_arn: execution_arn.to_string(),
                    frame: timer.frame,
                }));
            }
        }
        self.wakeup.notify_one();
    }

    /// Waits for the earliest timer to come due and takes it with every timer due by then, as
    /// `(execution ARN, frame)`.
    pub(super) async fn next_due(&self, clock: &dyn Clock) -> Vec<(String, u32)> {
        loop {
            let next_due = lock(&self.entries).heap.peek().map(|Reverse(e)| e.due_ms);
            let Some(due) = next_due else {
                self.wakeup.notified().await;
                continue;
            };
            let now = clock.now_ms();
            if due > now {
                tokio::select! {
                    _ = tokio::time::sleep(clock.scaled(due - now)) => {}
                    _ = self.wakeup.notified() => continue,
                }
            }
            let mut entries = lock(&self.entries);
            let horizon = clock.now_ms().max(due);
            let mut fired = Vec::new();
            while entries
                .heap
                .peek()
                .is_some_and(|Reverse(e)| e.due_ms <= horizon)
            {
                if let Some(Reverse(e)) = entries.heap.pop() {
                    fired.push((e.execution_arn, e.frame));
                }
            }
            return fired;
        }
    }
}
