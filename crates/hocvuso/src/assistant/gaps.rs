//! Logging unanswered questions without making the asker wait for it.
//!
//! The gap log is a write; on SQLite every write queues for the one writer, behind whatever sync batch
//! is being stored. The citizen's answer does not depend on the log line, so the line is written by a
//! background task and the answer goes out at once.
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::Notify;

use crate::db::Db;

/// Log lines waiting beyond this many are dropped (with a warning): a flood of questions while the
/// database is stuck must not pile up tasks without bound.
const MAX_IN_FLIGHT: usize = 1_000;

#[derive(Default)]
pub struct GapLog {
    in_flight: AtomicUsize,
    settled: Notify,
}

impl GapLog {
    /// Count one more asking of an unanswered question (already redacted), in the background. A client
    /// logs at most `ratelimit::GAP_LOG` questions an hour (the answer is given all the same), so a
    /// script cannot fill the editors' list.
    pub fn log(
        self: &Arc<Self>,
        db: &Db,
        client: String,
        key: String,
        question: String,
        near: String,
    ) {
        if self.in_flight.fetch_add(1, Ordering::AcqRel) >= MAX_IN_FLIGHT {
            self.done();
            tracing::warn!(
                "assistant: gap log backlog full; an unanswered question was not logged"
            );
            return;
        }
        let this = self.clone();
        let db = db.clone();
        tokio::spawn(async move {
            // Losing one log line must not lose the citizen their answer.
            let within =
                crate::web::ratelimit::within(&db, &crate::web::ratelimit::GAP_LOG, &client).await;
            let written = match within {
                Ok(true) => super::store::log_gap(&db, &key, &question, &near)
                    .await
                    .map_err(crate::AppError::from),
                Ok(false) => Ok(()),
                Err(e) => Err(e),
            };
            if let Err(e) = written {
                tracing::warn!(error = %e, "assistant: could not log an unanswered question");
            }
            this.done();
        });
    }

    fn done(&self) {
        if self.in_flight.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.settled.notify_waiters();
        }
    }

    /// Wait until every log line started so far is written (tests, and before reading the gaps back).
    pub async fn settled(&self) {
        loop {
            let wait = self.settled.notified();
            if self.in_flight.load(Ordering::Acquire) == 0 {
                return;
            }
            wait.await;
        }
    }
}
