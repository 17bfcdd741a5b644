//! Reading executions and their histories.

use crate::codec::{backend, from_json, from_json_all};
use crate::{EventRecord, ExecutionRecord, Result};

use super::PostgresStore;

impl PostgresStore {
    pub(super) fn fetch_execution(&self, arn: &str) -> Result<Option<ExecutionRecord>> {
        let arn = arn.to_string();
        let body: Option<String> = self.run(|pool| async move {
            sqlx::query_scalar("SELECT body FROM executions WHERE arn = $1")
                .bind(arn)
                .fetch_optional(&pool)
                .await
                .map_err(backend)
        })?;
        body.map(|b| from_json(&b)).transpose()
    }

    pub(super) fn fetch_executions(
        &self,
        state_machine_arn: Option<&str>,
        status: Option<&str>,
    ) -> Result<Vec<ExecutionRecord>> {
        let state_machine_arn = state_machine_arn.map(str::to_string);
        let status = status.map(str::to_string);
        let bodies: Vec<String> = self.run(|pool| async move {
            sqlx::query_scalar(
                "SELECT body FROM executions
                 WHERE ($1::text IS NULL OR state_machine_arn = $1)
                   AND ($2::text IS NULL OR status = $2)
                 ORDER BY seq DESC",
            )
            .bind(state_machine_arn)
            .bind(status)
            .fetch_all(&pool)
            .await
            .map_err(backend)
        })?;
        from_json_all(&bodies)
    }

    pub(super) fn fetch_events(&self, execution_arn: &str) -> Result<Vec<EventRecord>> {
        let arn = execution_arn.to_string();
        let bodies: Vec<String> = self.run(|pool| async move {
            sqlx::query_scalar("SELECT body FROM events WHERE execution_arn = $1 ORDER BY seq")
                .bind(arn)
                .fetch_all(&pool)
                .await
                .map_err(backend)
        })?;
        from_json_all(&bodies)
    }
}
