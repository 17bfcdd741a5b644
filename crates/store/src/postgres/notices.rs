//! Notices between nodes: `NOTIFY` when a task or signal is queued, a listener on each node.

use std::sync::{mpsc, Arc};
use std::time::Duration;

use sqlx::postgres::{PgListener, PgPool, PgPoolOptions};

use crate::Notice;

use super::PostgresStore;

const ACTIVITY_TASKS_CHANNEL: &str = "stepfn_activity_tasks";
const SIGNALS_CHANNEL: &str = "stepfn_signals";

/// Listens for the notices of all nodes and hands them to `notices` until the store closes,
/// connecting again whenever the connection is lost.
async fn listen(pool: PgPool, notices: mpsc::Sender<Notice>) {
    let mut pause = Duration::from_millis(100);
    while !pool.is_closed() {
        let listener = async {
            let mut listener = PgListener::connect_with(&pool).await?;
            listener
                .listen_all([ACTIVITY_TASKS_CHANNEL, SIGNALS_CHANNEL])
                .await?;
            Ok::<_, sqlx::Error>(listener)
        }
        .await;
        if let Ok(mut listener) = listener {
            pause = Duration::from_millis(100);
            // Ok(None): the connection was lost and made again; Err: it could not be.
            while let Ok(received) = listener.try_recv().await {
                let Some(notification) = received else {
                    continue;
                };
                let arn = notification.payload().to_string();
                let notice = match notification.channel() {
                    ACTIVITY_TASKS_CHANNEL => Notice::ActivityTask(arn),
                    SIGNALS_CHANNEL => Notice::Signal(arn),
                    _ => continue,
                };
                if notices.send(notice).is_err() {
                    return;
                }
            }
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(5));
    }
}

impl PostgresStore {
    pub(super) fn start_watching(&self, on_notice: Arc<dyn Fn(Notice) + Send + Sync>) {
        let Ok(runtime) = self.runtime() else {
            return;
        };
        // `on_notice` runs on a thread of its own: it may call the store, which must not block
        // the runtime that answers it.
        let (notices, received) = mpsc::channel::<Notice>();
        let spawned = std::thread::Builder::new()
            .name("stepfn-postgres-notices".into())
            .spawn(move || {
                for notice in received {
                    on_notice(notice);
                }
            });
        if spawned.is_err() {
            return;
        }
        // A pool of one connection of its own, so that listening never takes one from queries.
        let _context = runtime.enter();
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_lazy_with(self.listener_connection.clone());
        self.listener_pools
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(pool.clone());
        runtime.spawn(listen(pool, notices));
    }
}
