//! Child frames: the branches of a Parallel state and the iterations of a Map state, started,
//! launched as MaxConcurrency allows, ended one by one, and their results collected.

use std::sync::Arc;

use asl::model::{StateKind, StateMachine};
use asl::StatesError;
use serde_json::{Map, Value};

use super::frame::{Frame, MapProgress, Phase, Running, Step};
use super::map::item_input;
use super::Execution;
use crate::history::{
    ErrorCause, EventDetails, EventType, MapIteration, MapRunStarted, MapStateStarted,
};

impl Execution {
    pub(super) fn new_child(
        &mut self,
        parent: u32,
        index: usize,
        machine: Arc<StateMachine>,
        input: Value,
        prev: u64,
        hidden: bool,
    ) -> u32 {
        let id = self.frames.len() as u32;
        let start = machine.start_at.clone();
        self.frames.push(Frame {
            machine,
            parent: Some((parent, index)),
            vars: Map::new(),
            last_event: prev,
            hidden,
            step: Step::Enter { name: start, input },
        });
        self.work.push_back(id);
        id
    }

    pub(super) fn start_parallel(&mut self, f: u32, mut run: Box<Running>, effective_input: Value) {
        self.emit(f, EventType::ParallelStateStarted, |_| EventDetails::None);
        let StateKind::Parallel { branches } = &run.state.kind else {
            return;
        };
        let branches = branches.clone();
        let prev = self.frames[f as usize].last_event;
        let mut children = Vec::with_capacity(branches.len());
        for (i, branch) in branches.into_iter().enumerate() {
            children.push(self.new_child(f, i, branch, effective_input.clone(), prev, false));
        }
        let remaining = children.len();
        run.phase = Phase::Parallel {
            children,
            remaining,
        };
        self.frames[f as usize].step = Step::Run(run);
        if remaining == 0 {
            self.complete_parallel(f);
        }
    }

    pub(super) fn start_map(
        &mut self,
        f: u32,
        mut run: Box<Running>,
        mut progress: Box<MapProgress>,
    ) {
        let length = progress.items.len();
        self.emit(f, EventType::MapStateStarted, |_| {
            MapStateStarted { length }.into()
        });
        if let Some(err) = progress.start_error.take() {
            // Not a failure of the state (no MapStateFailed, no Catch): the execution fails.
            let err = self.prefixed(&run, err);
            self.fail_frame(f, err);
            return;
        }
        let StateKind::Map(spec) = &run.state.kind else {
            return;
        };
        if spec.distributed {
            let map_run = format!(
                "{}/{}:{}",
                self.info
                    .execution_arn
                    .replacen(":execution:", ":mapRun:", 1)
                    .rsplit_once(':')
                    .map(|(a, _)| a.to_string())
                    .unwrap_or_default(),
                spec.label.clone().unwrap_or_else(|| run.state.name.clone()),
                run.entered_id
            );
            let shown = map_run.clone();
            self.emit(f, EventType::MapRunStarted, |_| {
                MapRunStarted { map_run_arn: shown }.into()
            });
            progress.map_run = Some(map_run);
        }
        run.phase = Phase::Map(progress);
        self.frames[f as usize].step = Step::Run(run);
        self.launch_iterations(f);
    }

    /// Starts as many Map iterations as MaxConcurrency allows; finishes the Map when all are done.
    pub(super) fn launch_iterations(&mut self, f: u32) {
        loop {
            let (index, item, run_state, distributed, mut item_context) = {
                let Step::Run(run) = &mut self.frames[f as usize].step else {
                    return;
                };
                let Phase::Map(p) = &mut run.phase else {
                    return;
                };
                if p.finished == p.items.len() {
                    break;
                }
                if p.next >= p.items.len() || p.running >= p.max_concurrency {
                    return;
                }
                let index = p.next;
                p.next += 1;
                p.running += 1;
                let StateKind::Map(spec) = &run.state.kind else {
                    return;
                };
                (
                    index,
                    // An item is read once: a retried Map evaluates its items anew.
                    std::mem::take(&mut p.items[index]),
                    run.state.clone(),
                    spec.distributed,
                    std::mem::take(&mut p.item_context),
                )
            };
            let input = {
                let mut ctx = self.ctx(f);
                let Step::Run(run) = &ctx.frames[f as usize].step else {
                    return;
                };
                let run: &Running = run;
                item_input(&mut ctx, run, &run_state, index, item, &mut item_context)
            };
            if let Step::Run(run) = &mut self.frames[f as usize].step {
                if let Phase::Map(p) = &mut run.phase {
                    p.item_context = item_context;
                }
            }
            let input = match input {
                Ok(v) => v,
                Err(e) => {
                    let Step::Run(run) =
                        std::mem::replace(&mut self.frames[f as usize].step, Step::Cancelled)
                    else {
                        return;
                    };
                    self.cancel_children(f, &run);
                    let e = self.prefixed(&run, e);
                    self.state_failed(f, run, e);
                    return;
                }
            };
            let name = run_state.name.clone();
            if !distributed {
                self.emit(f, EventType::MapIterationStarted, |_| {
                    iteration_details(index, name)
                });
            }
            let StateKind::Map(spec) = &run_state.kind else {
                return;
            };
            let prev = self.frames[f as usize].last_event;
            let child = self.new_child(
                f,
                index,
                spec.processor.clone(),
                input,
                prev,
                distributed || self.frames[f as usize].hidden,
            );
            if let Step::Run(run) = &mut self.frames[f as usize].step {
                if let Phase::Map(p) = &mut run.phase {
                    p.children[index] = Some(child);
                }
            }
        }
        self.complete_map(f);
    }

    pub(super) fn cancel_children(&mut self, _f: u32, run: &Running) {
        let children: Vec<u32> = match &run.phase {
            Phase::Parallel { children, .. } => children.clone(),
            Phase::Map(p) => p.children.iter().flatten().copied().collect(),
            _ => Vec::new(),
        };
        for c in children {
            self.cancel_frame(c);
        }
    }

    /// A Parallel branch or Map iteration ended.
    pub(super) fn child_done(
        &mut self,
        parent: u32,
        child: u32,
        index: usize,
        result: Result<Value, StatesError>,
    ) {
        let child_last = self.frames[child as usize].last_event;
        let Step::Run(run) = &mut self.frames[parent as usize].step else {
            return;
        };
        let state_name = run.state.name.clone();
        let run: &mut Running = run;
        match &mut run.phase {
            Phase::Parallel {
                children,
                remaining,
                ..
            } => match result {
                Ok(output) => {
                    self.frames[child as usize].step = Step::Done(output);
                    if let Step::Run(run) = &mut self.frames[parent as usize].step {
                        if let Phase::Parallel { remaining, .. } = &mut run.phase {
                            *remaining -= 1;
                            if *remaining == 0 {
                                self.frames[parent as usize].last_event = child_last;
                                self.complete_parallel(parent);
                            }
                        }
                    }
                }
                Err(err) => {
                    let others: Vec<u32> =
                        children.iter().copied().filter(|c| *c != child).collect();
                    *remaining = 0;
                    for c in others {
                        self.cancel_frame(c);
                    }
                    self.frames[parent as usize].last_event = child_last;
                    let Step::Run(run) =
                        std::mem::replace(&mut self.frames[parent as usize].step, Step::Cancelled)
                    else {
                        return;
                    };
                    self.state_failed(parent, run, err);
                }
            },
            Phase::Map(p) => {
                p.running -= 1;
                p.finished += 1;
                p.children[index] = None;
                let distributed = p.map_run.is_some();
                let hidden = self.frames[parent as usize].hidden;
                match result {
                    Ok(output) => {
                        if let Step::Run(run) = &mut self.frames[parent as usize].step {
                            if let Phase::Map(p) = &mut run.phase {
                                p.results[index] = output;
                            }
                        }
                        if !distributed {
                            let id = self.emit_with_prev(
                                parent,
                                EventType::MapIterationSucceeded,
                                hidden,
                                child_last,
                                |_| iteration_details(index, state_name),
                            );
                            // The next iteration starts from the finished one's last event; the
                            // Map's own end follows the last MapIterationSucceeded.
                            let all_done = matches!(
                                &self.frames[parent as usize].step,
                                Step::Run(r) if matches!(&r.phase, Phase::Map(p) if p.finished == p.items.len())
                            );
                            self.frames[parent as usize].last_event =
                                if all_done { id } else { child_last };
                        }
                        self.launch_iterations(parent);
                    }
                    Err(err) => {
                        let over = {
                            let Step::Run(run) = &mut self.frames[parent as usize].step else {
                                return;
                            };
                            let Phase::Map(p) = &mut run.phase else {
                                return;
                            };
                            p.failed += 1;
                            p.first_failure.get_or_insert(err.clone());
                            p.exceeds_tolerance(p.failed)
                        };
                        if !distributed {
                            self.emit_with_prev(
                                parent,
                                EventType::MapIterationFailed,
                                hidden,
                                child_last,
                                |_| iteration_details(index, state_name),
                            );
                            self.frames[parent as usize].last_event = child_last;
                        }
                        if over {
                            let Step::Run(run) = std::mem::replace(
                                &mut self.frames[parent as usize].step,
                                Step::Cancelled,
                            ) else {
                                return;
                            };
                            self.cancel_children(parent, &run);
                            let err = if distributed {
                                self.emit(parent, EventType::MapRunFailed, |_| {
                                    ErrorCause::default().into()
                                });
                                StatesError::new(
                                    asl::error::EXCEED_TOLERATED_FAILURE_THRESHOLD,
                                    "The specified tolerated failure threshold was exceeded",
                                )
                            } else {
                                err
                            };
                            self.state_failed(parent, run, err);
                        } else {
                            self.launch_iterations(parent);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    pub(super) fn complete_parallel(&mut self, f: u32) {
        let Step::Run(mut run) =
            std::mem::replace(&mut self.frames[f as usize].step, Step::Cancelled)
        else {
            return;
        };
        let Phase::Parallel { children, .. } = std::mem::replace(&mut run.phase, Phase::Start)
        else {
            return;
        };
        let results: Vec<Value> = children
            .iter()
            .map(|c| match &self.frames[*c as usize].step {
                Step::Done(v) => v.clone(),
                _ => Value::Null,
            })
            .collect();
        // ParallelStateExited names the same previous event as ParallelStateSucceeded, as for
        // Map states.
        let prev = self.frames[f as usize].last_event;
        self.emit(f, EventType::ParallelStateSucceeded, |_| EventDetails::None);
        self.frames[f as usize].last_event = prev;
        self.finish_with_result(f, run, Value::Array(results));
    }

    pub(super) fn complete_map(&mut self, f: u32) {
        let Step::Run(mut run) =
            std::mem::replace(&mut self.frames[f as usize].step, Step::Cancelled)
        else {
            return;
        };
        let Phase::Map(progress) = std::mem::replace(&mut run.phase, Phase::Start) else {
            return;
        };
        if progress.map_run.is_some() {
            self.emit(f, EventType::MapRunSucceeded, |_| EventDetails::None);
        }
        // MapStateExited names the same previous event as MapStateSucceeded.
        let prev = self.frames[f as usize].last_event;
        self.emit(f, EventType::MapStateSucceeded, |_| EventDetails::None);
        self.frames[f as usize].last_event = prev;
        self.finish_with_result(f, run, Value::Array(progress.results));
    }
}

/// The details of a Map iteration's events: which item, of which Map state.
fn iteration_details(index: usize, state_name: String) -> EventDetails {
    MapIteration {
        index,
        name: state_name,
    }
    .into()
}
