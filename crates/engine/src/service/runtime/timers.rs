//! The timers of the STANDARD executions this node drives (Wait states, retry back-offs,
//! timeouts): a queue by due time that the timer loop sleeps on.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Notify;

use super::Runtime;
use crate::interpreter::{Signal, TimerRequest};
use crate::service::{lock, Clock};

impl Runtime {
    /// Runs the timer loop of STANDARD executions; spawn once on the runtime.
    pub(crate) async fn run_timers(self: Arc<Self>) {
        loop {
            let idle = || self.waits_only_on_time();
            let fired = self.timers.next_due(self.clock.as_ref(), &idle).await;
            self.fire_timers(fired);
        }
    }

    /// Delivers fired timers, each on a blocking thread (its write waits for the commit).
    fn fire_timers(self: &Arc<Self>, fired: Vec<(String, u32, i64)>) {
        for (arn, frame, due_ms) in fired {
            let runtime = self.clone();
            self.firing.fetch_add(1, Ordering::SeqCst);
            tokio::task::spawn_blocking(move || {
                let due_ms = Some(due_ms);
                runtime.signal(&arn, Signal::TimerFired { frame, due_ms });
                runtime.firing.fetch_sub(1, Ordering::SeqCst);
            });
        }
    }

    /// Whether every execution this node drives waits only on time (a clock that jumps may
    /// then jump): none is being stepped or handed a fired timer, none waits on a task
    /// (a call, a worker, a token) or is parked waiting on tokens.
    fn waits_only_on_time(&self) -> bool {
        if self.firing.load(Ordering::SeqCst) > 0 || !lock(&self.parked).is_empty() {
            return false;
        }
        let running: Vec<_> = lock(&self.running).values().cloned().collect();
        running.iter().all(|r| match r.execution.try_lock() {
            Ok(exec) => exec.waits_only_on_time(),
            Err(_) => false,
        })
    }
}

/// How long nothing must happen before a clock that jumps jumps.
const QUIET: Duration = Duration::from_millis(5);
/// How often a clock that jumps asks again whether it may, while something else is awaited.
const BUSY_RECHECK: Duration = Duration::from_millis(20);

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
    /// `(execution ARN, frame, due time)`. A clock that jumps is moved to the timer when `idle` says
    /// nothing but time is awaited (after a quiet moment, so what was just started or answered
    /// sets its timers first).
    pub(super) async fn next_due(
        &self,
        clock: &dyn Clock,
        idle: &(dyn Fn() -> bool + Sync),
    ) -> Vec<(String, u32, i64)> {
        loop {
            let next_due = lock(&self.entries).heap.peek().map(|Reverse(e)| e.due_ms);
            let Some(due) = next_due else {
                self.wakeup.notified().await;
                continue;
            };
            let now = clock.now_ms();
            if due > now && clock.jumps() {
                tokio::select! {
                    _ = tokio::time::sleep(QUIET) => {}
                    _ = self.wakeup.notified() => continue,
                }
                if idle() {
                    clock.advance_to(due);
                } else {
                    let wait = clock.scaled(due - clock.now_ms()).min(BUSY_RECHECK);
                    tokio::select! {
                        _ = tokio::time::sleep(wait) => {}
                        _ = self.wakeup.notified() => {}
                    }
                    continue;
                }
            } else if due > now {
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
                    fired.push((e.execution_arn, e.frame, e.due_ms));
                }
            }
            return fired;
        }
    }
}
