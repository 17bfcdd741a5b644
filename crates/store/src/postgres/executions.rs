//! Reading executions and their histories.

use crate::codec::{from_json, from_json_all};
use crate::{EventRecord, ExecutionRecord, Result};

use super::PostgresStore;

impl PostgresStore {
    pub(super) fn fetch_execution(&self, arn: &str) -> Result<Option<ExecutionRecord>> {
        let bodies = self.texts(
            "SELECT body FROM executions WHERE arn = $1",
            vec![Some(arn.to_string())],
        )?;
        bodies.first().map(|body| from_json(body)).transpose()
    }

    pub(super) fn fetch_executions(
        &self,
        state_machine_arn: Option<&str>,
        status: Option<&str>,
    ) -> Result<Vec<ExecutionRecord>> {
        let bodies = self.texts(
            "SELECT body FROM executions
             WHERE ($1::text IS NULL OR state_machine_arn = $1)
               AND ($2::text IS NULL OR status = $2)
             ORDER BY seq DESC",
            vec![
                state_machine_arn.map(str::to_string),
                status.map(str::to_string),
            ],
        )?;
        from_json_all(&bodies)
    }

    pub(super) fn fetch_events(&self, execution_arn: &str) -> Result<Vec<EventRecord>> {
        let bodies = self.texts(
            "SELECT body FROM events WHERE execution_arn = $1 ORDER BY seq",
            vec![Some(execution_arn.to_string())],
        )?;
        from_json_all(&bodies)
    }
}
