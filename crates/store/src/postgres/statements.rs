//! The statements that apply [`Write`]s, several writes' worth at once where they can.

use serde_json::Value;
use sqlx::postgres::PgConnection;

use crate::codec::{backend, to_json};
use crate::{EventRecord, ExecutionRecord, Result, StoreError, Write};

use super::unique_or;

/// The first key of the advisory locks on signal queues (the second is the execution's hash).
const SIGNAL_QUEUE_LOCKS: i32 = 0x7366_6e73;

/// Queues a signal and announces it when the transaction commits.
///
/// Signals of one execution are queued one transaction at a time (under a lock on the
/// execution's queue), so their sequence numbers follow the order of their commits: an
/// acknowledgement up to a number the reader saw can never remove a signal committed later.
pub(super) async fn push_signal(
    c: &mut PgConnection,
    execution_arn: &str,
    body: &Value,
) -> Result<()> {
    sqlx::query(
        "WITH locked AS (SELECT pg_advisory_xact_lock($3, hashtext($1))),
         queued AS (
             INSERT INTO signals (execution_arn, body) SELECT $1, $2 FROM locked
             RETURNING execution_arn
         )
         SELECT pg_notify('stepfn_signals', execution_arn) FROM queued",
    )
    .bind(execution_arn)
    .bind(body.to_string())
    .bind(SIGNAL_QUEUE_LOCKS)
    .execute(c)
    .await
    .map_err(backend)?;
    Ok(())
}

/// Takes the signal queue locks of `push_signal` for all these executions up front and in one
/// order, so that transactions queueing signals for several executions cannot deadlock.
pub(super) async fn lock_signal_queues<'a>(
    c: &mut PgConnection,
    writes: impl Iterator<Item = &'a Write>,
) -> Result<()> {
    let arns: Vec<&str> = writes
        .filter_map(|w| match w {
            Write::PushSignal { execution_arn, .. } => Some(execution_arn.as_str()),
            _ => None,
        })
        .collect();
    if arns.len() < 2 {
        return Ok(());
    }
    sqlx::query(
        "SELECT pg_advisory_xact_lock($2, k) FROM (
             SELECT DISTINCT hashtext(a) AS k FROM UNNEST($1::text[]) AS a ORDER BY k OFFSET 0
         ) AS queues",
    )
    .bind(arns)
    .bind(SIGNAL_QUEUE_LOCKS)
    .execute(c)
    .await
    .map_err(backend)?;
    Ok(())
}

/// Inserts events (execution, position, event) of any executions in one statement; a position
/// stored already is a conflict.
pub(super) async fn insert_events(
    c: &mut PgConnection,
    events: &[(&str, i64, &EventRecord)],
) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    let mut arns = Vec::with_capacity(events.len());
    let mut ids = Vec::with_capacity(events.len());
    let mut bodies = Vec::with_capacity(events.len());
    for (arn, seq, event) in events {
        arns.push(*arn);
        ids.push(*seq);
        bodies.push(to_json(event)?);
    }
    sqlx::query(
        "INSERT INTO events (execution_arn, seq, body)
         SELECT * FROM UNNEST($1::text[], $2::bigint[], $3::text[])",
    )
    .bind(arns)
    .bind(ids)
    .bind(bodies)
    .execute(c)
    .await
    .map_err(unique_or(StoreError::Conflict))?;
    Ok(())
}

/// A column of executions: the field it holds.
type Column = for<'r> fn(&'r ExecutionRecord) -> &'r str;

/// The arrays a statement unnests into rows of executions: one per column, and the records
/// themselves as JSON.
fn unnest_columns<'a, const N: usize>(
    records: &[&'a ExecutionRecord],
    columns: [Column; N],
) -> Result<([Vec<&'a str>; N], Vec<String>)> {
    let mut values: [Vec<&str>; N] = std::array::from_fn(|_| Vec::with_capacity(records.len()));
    let mut bodies = Vec::with_capacity(records.len());
    for record in records {
        for (column, values) in columns.iter().zip(values.iter_mut()) {
            values.push(column(record));
        }
        bodies.push(to_json(record)?);
    }
    Ok((values, bodies))
}

/// Inserts executions (ARNs all different) in one statement, in their order; RUNNING STANDARD
/// ones belong to this node.
pub(super) async fn insert_executions(
    c: &mut PgConnection,
    node_id: &str,
    lease_ms: i64,
    records: &[&ExecutionRecord],
) -> Result<()> {
    if records.is_empty() {
        return Ok(());
    }
    let ([arns, machines, statuses, types], bodies) = unnest_columns(
        records,
        [
            |r| r.arn.as_str(),
            |r| r.state_machine_arn.as_str(),
            |r| r.status.as_str(),
            |r| r.machine_type.as_str(),
        ],
    )?;
    sqlx::query(concat!(
        "INSERT INTO executions
             (arn, state_machine_arn, status, machine_type, body, owner, lease_until)
         SELECT r.arn, r.machine, r.status, r.type, r.body,
             CASE WHEN r.status = 'RUNNING' AND r.type = 'STANDARD' THEN $6 END,
             CASE WHEN r.status = 'RUNNING' AND r.type = 'STANDARD' THEN ",
        db_now_ms!(),
        " + $7::bigint END
         FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
             WITH ORDINALITY AS r (arn, machine, status, type, body, n)
         ORDER BY r.n"
    ))
    .bind(arns)
    .bind(machines)
    .bind(statuses)
    .bind(types)
    .bind(bodies)
    .bind(node_id)
    .bind(lease_ms)
    .execute(c)
    .await
    .map_err(unique_or(StoreError::AlreadyExists))?;
    Ok(())
}

/// Updates executions (ARNs all different) in one statement; NotFound when one is missing.
/// A finished execution has no owner. One that runs again (a redrive) without an owner belongs
/// to the node that restarted it.
pub(super) async fn update_executions(
    c: &mut PgConnection,
    node_id: &str,
    lease_ms: i64,
    records: &[&ExecutionRecord],
) -> Result<()> {
    if records.is_empty() {
        return Ok(());
    }
    let ([arns, statuses], bodies) =
        unnest_columns(records, [|r| r.arn.as_str(), |r| r.status.as_str()])?;
    let done = sqlx::query(concat!(
        "UPDATE executions AS e SET
             status = r.status,
             body = r.body,
             owner = CASE WHEN r.status = 'RUNNING' AND e.machine_type = 'STANDARD'
                 THEN COALESCE(e.owner, $4) END,
             lease_until = CASE WHEN r.status = 'RUNNING' AND e.machine_type = 'STANDARD'
                 THEN CASE WHEN e.owner IS NULL THEN ",
        db_now_ms!(),
        " + $5::bigint ELSE e.lease_until END END
         FROM UNNEST($1::text[], $2::text[], $3::text[]) AS r (arn, status, body)
         WHERE e.arn = r.arn"
    ))
    .bind(arns)
    .bind(statuses)
    .bind(bodies)
    .bind(node_id)
    .bind(lease_ms)
    .execute(c)
    .await
    .map_err(backend)?;
    if done.rows_affected() < records.len() as u64 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Applies one write; each is one statement.
pub(super) async fn apply(
    c: &mut PgConnection,
    node_id: &str,
    lease_ms: i64,
    write: &Write,
) -> Result<()> {
    match write {
        Write::InsertExecution(record) => {
            insert_executions(c, node_id, lease_ms, &[record]).await?;
        }
        Write::UpdateExecution(record) => {
            update_executions(c, node_id, lease_ms, &[record]).await?;
        }
        Write::AppendEvents {
            execution_arn,
            first_seq,
            events,
        } => {
            let rows: Vec<(&str, i64, &EventRecord)> = events
                .iter()
                .enumerate()
                .map(|(i, e)| (execution_arn.as_str(), (*first_seq + i as u64) as i64, e))
                .collect();
            insert_events(c, &rows).await?;
        }
        Write::PushActivityTask(task) => {
            let body = to_json(task)?;
            sqlx::query(
                "WITH queued AS (
                     INSERT INTO activity_tasks (activity_arn, execution_arn, body)
                     VALUES ($1, $2, $3) RETURNING activity_arn
                 )
                 SELECT pg_notify('stepfn_activity_tasks', activity_arn) FROM queued",
            )
            .bind(&task.activity_arn)
            .bind(&task.execution_arn)
            .bind(body)
            .execute(c)
            .await
            .map_err(backend)?;
        }
        Write::DropActivityTasks { execution_arn } => {
            sqlx::query("DELETE FROM activity_tasks WHERE execution_arn = $1")
                .bind(execution_arn)
                .execute(c)
                .await
                .map_err(backend)?;
        }
        Write::PushSignal {
            execution_arn,
            body,
        } => push_signal(c, execution_arn, body).await?,
        Write::AckSignals {
            execution_arn,
            upto_seq,
        } => {
            sqlx::query("DELETE FROM signals WHERE execution_arn = $1 AND seq <= $2")
                .bind(execution_arn)
                .bind(upto_seq)
                .execute(c)
                .await
                .map_err(backend)?;
        }
    }
    Ok(())
}
