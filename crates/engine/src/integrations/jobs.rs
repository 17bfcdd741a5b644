//! `.sync` for the optimized integrations that start a job (Glue, Batch, Athena, CodeBuild,
//! ECS): which call asks after the job, where its answer says the job's state, which states end
//! it well or badly, and what the task's result is then. Step Functions polls the service this
//! way; a job that ended badly fails the task with `States.TaskFailed` and the job as the cause.

use serde_json::{json, Value};

/// How a started job is watched.
pub(super) struct Watch {
    /// The operation asked (of the same service), with its parameters.
    pub operation: &'static str,
    pub input: fn(&Value, &Value) -> Option<Value>,
    /// Where the answer says the job's state (a JSON pointer into the PascalCase answer).
    pub state: &'static str,
    pub succeeded: &'static [&'static str],
    pub failed: &'static [&'static str],
    /// The task's result, from the answer.
    pub result: fn(Value) -> Value,
}

fn text<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer)?.as_str()
}

/// The watch of a service's job, by the action that started it.
pub(super) fn watch(model: &str) -> Option<&'static Watch> {
    static GLUE: Watch = Watch {
        operation: "GetJobRun",
        input: |params, submitted| {
            Some(
                json!({"JobName": text(params, "/JobName")?, "RunId": text(submitted, "/JobRunId")?}),
            )
        },
        state: "/JobRun/JobRunState",
        succeeded: &["SUCCEEDED"],
        failed: &["FAILED", "STOPPED", "TIMEOUT", "ERROR", "EXPIRED"],
        result: |answer| answer.get("JobRun").cloned().unwrap_or(answer),
    };
    static BATCH: Watch = Watch {
        operation: "DescribeJobs",
        input: |_, submitted| Some(json!({"Jobs": [text(submitted, "/JobId")?]})),
        state: "/Jobs/0/Status",
        succeeded: &["SUCCEEDED"],
        failed: &["FAILED"],
        result: |answer| answer.pointer("/Jobs/0").cloned().unwrap_or(answer),
    };
    static ATHENA: Watch = Watch {
        operation: "GetQueryExecution",
        input: |_, submitted| {
            Some(json!({"QueryExecutionId": text(submitted, "/QueryExecutionId")?}))
        },
        state: "/QueryExecution/Status/State",
        succeeded: &["SUCCEEDED"],
        failed: &["FAILED", "CANCELLED"],
        result: |answer| answer,
    };
    static CODEBUILD: Watch = Watch {
        operation: "BatchGetBuilds",
        input: |_, submitted| Some(json!({"Ids": [text(submitted, "/Build/Id")?]})),
        state: "/Builds/0/BuildStatus",
        succeeded: &["SUCCEEDED"],
        failed: &["FAILED", "FAULT", "STOPPED", "TIMED_OUT"],
        result: |answer| json!({"Build": answer.pointer("/Builds/0").cloned().unwrap_or(Value::Null)}),
    };
    static ECS: Watch = Watch {
        operation: "DescribeTasks",
        input: |params, submitted| {
            let mut input = json!({"Tasks": [text(submitted, "/Tasks/0/TaskArn")?]});
            if let Some(cluster) = params.get("Cluster") {
                input["Cluster"] = cluster.clone();
            }
            Some(input)
        },
        state: "/Tasks/0/LastStatus",
        succeeded: &["STOPPED"],
        failed: &[],
        result: |answer| answer,
    };
    Some(match model {
        "glue" => &GLUE,
        "batch" => &BATCH,
        "athena" => &ATHENA,
        "codebuild" => &CODEBUILD,
        "ecs" => &ECS,
        _ => return None,
    })
}

/// What an answer says of the job: None while it runs; Ok(result) when it ended well,
/// Err(job) when badly.
pub(super) fn ended(watch: &Watch, answer: Value) -> Option<Result<Value, Value>> {
    let state = answer
        .pointer(watch.state)
        .and_then(Value::as_str)?
        .to_string();
    if watch.succeeded.contains(&state.as_str()) {
        // An ECS task stops whether its containers succeeded or not.
        let bad_exit = answer
            .pointer("/Tasks/0/Containers")
            .and_then(Value::as_array)
            .is_some_and(|cs| {
                cs.iter()
                    .any(|c| c.get("ExitCode").and_then(Value::as_i64).unwrap_or(0) != 0)
            });
        let result = (watch.result)(answer);
        return Some(if bad_exit { Err(result) } else { Ok(result) });
    }
    if watch.failed.contains(&state.as_str()) {
        return Some(Err((watch.result)(answer)));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_glue_job_is_asked_after_by_its_run_and_ends_with_its_state() {
        let glue = watch("glue").unwrap();
        assert_eq!(
            (glue.input)(
                &json!({"JobName": "j"}),
                &json!({"JobRunId": "r", "JobName": "j"})
            ),
            Some(json!({"JobName": "j", "RunId": "r"}))
        );
        let answer = |state: &str| json!({"JobRun": {"Id": "r", "JobRunState": state}});
        assert_eq!(ended(glue, answer("RUNNING")), None);
        assert_eq!(
            ended(glue, answer("SUCCEEDED")),
            Some(Ok(json!({"Id": "r", "JobRunState": "SUCCEEDED"})))
        );
        assert!(matches!(ended(glue, answer("FAILED")), Some(Err(_))));
    }

    #[test]
    fn an_ecs_task_that_stopped_with_a_failed_container_failed() {
        let ecs = watch("ecs").unwrap();
        let answer = |code: i64| json!({"Tasks": [{"LastStatus": "STOPPED", "Containers": [{"ExitCode": code}]}]});
        assert!(matches!(ended(ecs, answer(0)), Some(Ok(_))));
        assert!(matches!(ended(ecs, answer(1)), Some(Err(_))));
    }
}
