//! How the shared catalog (`crate::sql_catalog`) runs its statements here: on the pool, each
//! statement on its own (the catalog's writers are serialised by the service).

use crate::sql_catalog::{Params, SqlCatalog};
use crate::{Result, StoreError};

use super::{unique_or, PostgresStore};

impl SqlCatalog for PostgresStore {
    /// `seq` is a BIGSERIAL: the database numbers rows across all nodes.
    const NEXT_SEQ: &'static str = "DEFAULT";
    const SEQ_TYPE: &'static str = "BIGSERIAL";

    fn execute(&self, sql: &str, params: Params) -> Result<u64> {
        let sql = sql.to_string();
        self.run(|pool| async move {
            let mut statement = sqlx::query(&sql);
            for param in params {
                statement = statement.bind(param);
            }
            let done = statement
                .execute(&pool)
                .await
                .map_err(unique_or(StoreError::AlreadyExists))?;
            Ok(done.rows_affected())
        })
    }

    fn select(&self, sql: &str, params: Params) -> Result<Vec<String>> {
        self.texts(sql, params)
    }
}
