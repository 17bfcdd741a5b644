//! The typed model of a state machine definition, compiled once (paths parsed, templates and
//! JSONata expressions compiled) and shared by every execution of that definition.
//!
//! Building the model assumes the definition passed [`crate::validate`]; anything it still cannot
//! make sense of is reported as an error string, never a panic.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Map;

use crate::choice::ChoiceRule;
use crate::intrinsics::IntrinsicCall;
use crate::jsonata::JsonataTemplate;
use crate::jsonpath::JsonPath;
use crate::template::Template;
use crate::{QueryLanguage, Value};

/// A state machine, or one of its nested blocks (a Parallel branch, a Map item processor).
#[derive(Debug)]
pub struct StateMachine {
    pub start_at: String,
    pub states: HashMap<String, Arc<State>>,
    /// Names in definition order (for diagnostics and the console).
    pub order: Vec<String>,
    pub query_language: QueryLanguage,
    pub timeout_seconds: Option<u64>,
    pub comment: Option<String>,
}

impl StateMachine {
    pub fn state(&self, name: &str) -> Option<&Arc<State>> {
        self.states.get(name)
    }
}

/// What comes after a state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    Next(String),
    End,
}

/// A JSONPath field that may be absent (default `$`), explicitly `null`, or a path.
#[derive(Debug, Clone)]
pub enum PathField {
    Default,
    Null,
    Path(JsonPath),
}

#[derive(Debug)]
pub struct State {
    pub name: String,
    pub kind: StateKind,
    pub query_language: QueryLanguage,
    pub comment: Option<String>,
    pub transition: Transition,
    // JSONPath input/output processing.
    pub input_path: PathField,
    pub output_path: PathField,
    pub result_path: PathField,
    pub parameters: Option<Template>,
    pub result_selector: Option<Template>,
    // JSONata input/output processing.
    pub arguments: Option<JsonataTemplate>,
    pub output: Option<JsonataTemplate>,
    pub assign: Option<Assign>,
    pub retry: Vec<Retrier>,
    pub catch: Vec<Catcher>,
    /// The state refers to the context object (`$$` or `$states.context`) somewhere, so the
    /// engine must build it.
    pub uses_context: bool,
}

impl State {
    /// The history event name prefix (`Pass` in `PassStateEntered`).
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            StateKind::Pass { .. } => "Pass",
            StateKind::Task(_) => "Task",
            StateKind::Choice { .. } => "Choice",
            StateKind::Wait(_) => "Wait",
            StateKind::Succeed => "Succeed",
            StateKind::Fail(_) => "Fail",
            StateKind::Parallel { .. } => "Parallel",
            StateKind::Map(_) => "Map",
        }
    }
    pub fn is_jsonata(&self) -> bool {
        self.query_language == QueryLanguage::Jsonata
    }
}

/// `Assign`: a JSONPath payload template or a JSONata template.
#[derive(Debug, Clone)]
pub enum Assign {
    JsonPath(Template),
    Jsonata(JsonataTemplate),
}

#[derive(Debug)]
pub enum StateKind {
    Pass {
        result: Option<Value>,
    },
    Task(Box<TaskSpec>),
    Choice {
        choices: Vec<ChoiceBranch>,
        default: Option<String>,
    },
    Wait(WaitSpec),
    Succeed,
    Fail(FailSpec),
    Parallel {
        branches: Vec<Arc<StateMachine>>,
    },
    Map(Box<MapSpec>),
}

#[derive(Debug)]
pub struct ChoiceBranch {
    pub condition: ChoiceCondition,
    pub next: String,
    pub assign: Option<Assign>,
    pub output: Option<JsonataTemplate>,
}

#[derive(Debug)]
pub enum ChoiceCondition {
    Rule(ChoiceRule),
    Jsonata(JsonataTemplate),
}

/// A number that is a literal, read from a JSONPath, or computed by JSONata.
#[derive(Debug, Clone)]
pub enum NumberField {
    Literal(Value),
    Path(JsonPath),
    Intrinsic(IntrinsicCall),
    Jsonata(JsonataTemplate),
}

#[derive(Debug)]
pub enum WaitSpec {
    Seconds(NumberField),
    Timestamp(NumberField),
}

/// `Error`/`Cause` of a Fail state: literal, `ErrorPath`/`CausePath`, or JSONata.
#[derive(Debug, Default)]
pub struct FailSpec {
    pub error: Option<NumberField>,
    pub cause: Option<NumberField>,
}

#[derive(Debug)]
pub struct TaskSpec {
    /// The `Resource` as written.
    pub resource: String,
    /// The `Resource`, read: what the Task calls and how it waits.
    pub target: crate::resource::TaskResource,
    pub timeout_seconds: Option<NumberField>,
    pub heartbeat_seconds: Option<NumberField>,
    pub credentials: Option<Value>,
}

#[derive(Debug)]
pub struct MapSpec {
    pub processor: Arc<StateMachine>,
    pub distributed: bool,
    pub execution_type: Option<String>,
    pub items_path: PathField,
    pub items: Option<JsonataTemplate>,
    /// ItemSelector (or the legacy `Parameters` of a Map).
    pub item_selector: Option<Template>,
    pub item_selector_jsonata: Option<JsonataTemplate>,
    pub max_concurrency: Option<NumberField>,
    pub tolerated_failure_count: Option<NumberField>,
    pub tolerated_failure_percentage: Option<NumberField>,
    pub label: Option<String>,
    pub item_reader: Option<Value>,
    pub item_batcher: Option<Value>,
    pub result_writer: Option<Value>,
}

#[derive(Debug, Clone)]
pub struct Retrier {
    pub error_equals: Vec<String>,
    pub interval_seconds: f64,
    pub max_attempts: u64,
    pub backoff_rate: f64,
    pub max_delay_seconds: Option<f64>,
    pub jitter_full: bool,
}

#[derive(Debug, Clone)]
pub struct Catcher {
    pub error_equals: Vec<String>,
    pub next: String,
    pub result_path: PathField,
    pub assign: Option<Assign>,
    pub output: Option<JsonataTemplate>,
}

/// Parses a whole definition text.
pub fn parse_definition(text: &str) -> Result<StateMachine, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    parse_machine(&value, QueryLanguage::JsonPath)
}

/// Parses a state machine object (top level, a branch or an item processor). `inherited` is the
/// query language of the enclosing block.
pub fn parse_machine(value: &Value, inherited: QueryLanguage) -> Result<StateMachine, String> {
    let obj = value
        .as_object()
        .ok_or("a state machine must be an object")?;
    let query_language = match obj.get("QueryLanguage") {
        Some(v) => parse_query_language(v)?,
        None => inherited,
    };
    let start_at = obj
        .get("StartAt")
        .and_then(Value::as_str)
        .ok_or("StartAt is required")?
        .to_string();
    let states_obj = obj
        .get("States")
        .and_then(Value::as_object)
        .ok_or("States is required")?;
    let mut states = HashMap::with_capacity(states_obj.len());
    let mut order = Vec::with_capacity(states_obj.len());
    for (name, state) in states_obj {
        let parsed =
            parse_state(name, state, query_language).map_err(|e| format!("/States/{name}: {e}"))?;
        states.insert(name.clone(), Arc::new(parsed));
        order.push(name.clone());
    }
    if !states.contains_key(&start_at) {
        return Err(format!("StartAt '{start_at}' is not a state"));
    }
    let timeout_seconds = obj.get("TimeoutSeconds").and_then(Value::as_u64);
    let comment = obj
        .get("Comment")
        .and_then(Value::as_str)
        .map(str::to_string);
    Ok(StateMachine {
        start_at,
        states,
        order,
        query_language,
        timeout_seconds,
        comment,
    })
}

fn parse_query_language(v: &Value) -> Result<QueryLanguage, String> {
    match v.as_str() {
        Some("JSONPath") => Ok(QueryLanguage::JsonPath),
        Some("JSONata") => Ok(QueryLanguage::Jsonata),
        _ => Err(format!("unknown QueryLanguage {v}")),
    }
}

fn path_field(obj: &Map<String, Value>, key: &str) -> Result<PathField, String> {
    match obj.get(key) {
        None => Ok(PathField::Default),
        Some(Value::Null) => Ok(PathField::Null),
        Some(Value::String(s)) => JsonPath::parse(s)
            .map(PathField::Path)
            .map_err(|e| format!("{key}: {e}")),
        Some(other) => Err(format!("{key} must be a string, not {other}")),
    }
}

fn template(obj: &Map<String, Value>, key: &str) -> Result<Option<Template>, String> {
    obj.get(key)
        .map(|v| Template::compile(v).map_err(|e| format!("{key}: {e}")))
        .transpose()
}

fn jsonata(obj: &Map<String, Value>, key: &str) -> Result<Option<JsonataTemplate>, String> {
    obj.get(key)
        .map(|v| JsonataTemplate::compile(v).map_err(|e| format!("{key}: {}", e.cause)))
        .transpose()
}

fn string(obj: &Map<String, Value>, key: &str) -> Option<String> {
    obj.get(key).and_then(Value::as_str).map(str::to_string)
}

/// A number field in either language: `Key` literal (or JSONata expression), or `KeyPath`.
fn number_field(
    obj: &Map<String, Value>,
    key: &str,
    path_key: &str,
    jsonata_mode: bool,
) -> Result<Option<NumberField>, String> {
    if let Some(v) = obj.get(key) {
        if jsonata_mode {
            return Ok(Some(NumberField::Jsonata(
                JsonataTemplate::compile(v).map_err(|e| format!("{key}: {}", e.cause))?,
            )));
        }
        return Ok(Some(NumberField::Literal(v.clone())));
    }
    if let Some(v) = obj.get(path_key) {
        let s = v.as_str().ok_or(format!("{path_key} must be a string"))?;
        // ErrorPath and CausePath may also be intrinsic functions.
        if s.starts_with("States.") {
            return Ok(Some(NumberField::Intrinsic(
                IntrinsicCall::parse(s).map_err(|e| format!("{path_key}: {e}"))?,
            )));
        }
        return Ok(Some(NumberField::Path(
            JsonPath::parse(s).map_err(|e| format!("{path_key}: {e}"))?,
        )));
    }
    Ok(None)
}

fn assign(obj: &Map<String, Value>, jsonata_mode: bool) -> Result<Option<Assign>, String> {
    match obj.get("Assign") {
        None => Ok(None),
        Some(v) if jsonata_mode => Ok(Some(Assign::Jsonata(
            JsonataTemplate::compile(v).map_err(|e| format!("Assign: {}", e.cause))?,
        ))),
        Some(v) => Ok(Some(Assign::JsonPath(
            Template::compile(v).map_err(|e| format!("Assign: {e}"))?,
        ))),
    }
}

fn error_equals(obj: &Map<String, Value>) -> Vec<String> {
    obj.get("ErrorEquals")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn parse_state(name: &str, value: &Value, inherited: QueryLanguage) -> Result<State, String> {
    let obj = value.as_object().ok_or("a state must be an object")?;
    let query_language = match obj.get("QueryLanguage") {
        Some(v) => parse_query_language(v)?,
        None => inherited,
    };
    let jsonata_mode = query_language == QueryLanguage::Jsonata;
    let type_name = obj
        .get("Type")
        .and_then(Value::as_str)
        .ok_or("Type is required")?;
    let transition = match (obj.get("Next").and_then(Value::as_str), obj.get("End")) {
        (Some(next), _) => Transition::Next(next.to_string()),
        _ => Transition::End,
    };
    let kind = match type_name {
        "Pass" => StateKind::Pass {
            result: obj.get("Result").cloned(),
        },
        "Succeed" => StateKind::Succeed,
        "Fail" => StateKind::Fail(FailSpec {
            error: number_field(obj, "Error", "ErrorPath", jsonata_mode)?,
            cause: number_field(obj, "Cause", "CausePath", jsonata_mode)?,
        }),
        "Wait" => {
            if let Some(f) = number_field(obj, "Seconds", "SecondsPath", jsonata_mode)? {
                StateKind::Wait(WaitSpec::Seconds(f))
            } else if let Some(f) = number_field(obj, "Timestamp", "TimestampPath", jsonata_mode)? {
                StateKind::Wait(WaitSpec::Timestamp(f))
            } else {
                return Err(
                    "a Wait state needs Seconds, Timestamp, SecondsPath or TimestampPath".into(),
                );
            }
        }
        "Choice" => {
            let mut choices = Vec::new();
            for rule in obj
                .get("Choices")
                .and_then(Value::as_array)
                .ok_or("Choices is required")?
            {
                let rule_obj = rule.as_object().ok_or("a choice rule must be an object")?;
                let next = rule_obj
                    .get("Next")
                    .and_then(Value::as_str)
                    .ok_or("a choice rule needs Next")?
                    .to_string();
                let condition = if jsonata_mode {
                    ChoiceCondition::Jsonata(
                        JsonataTemplate::compile(
                            rule_obj
                                .get("Condition")
                                .ok_or("a JSONata choice rule needs Condition")?,
                        )
                        .map_err(|e| format!("Condition: {}", e.cause))?,
                    )
                } else {
                    ChoiceCondition::Rule(ChoiceRule::parse(rule)?)
                };
                choices.push(ChoiceBranch {
                    condition,
                    next,
                    assign: assign(rule_obj, jsonata_mode)?,
                    output: if jsonata_mode {
                        jsonata(rule_obj, "Output")?
                    } else {
                        None
                    },
                });
            }
            StateKind::Choice {
                choices,
                default: string(obj, "Default"),
            }
        }
        "Task" => StateKind::Task(Box::new({
            let resource = string(obj, "Resource").ok_or("Resource is required")?;
            TaskSpec {
                target: crate::resource::TaskResource::parse(&resource),
                resource,
                timeout_seconds: number_field(
                    obj,
                    "TimeoutSeconds",
                    "TimeoutSecondsPath",
                    jsonata_mode,
                )?,
                heartbeat_seconds: number_field(
                    obj,
                    "HeartbeatSeconds",
                    "HeartbeatSecondsPath",
                    jsonata_mode,
                )?,
                credentials: obj.get("Credentials").cloned(),
            }
        })),
        "Parallel" => {
            let mut branches = Vec::new();
            for b in obj
                .get("Branches")
                .and_then(Value::as_array)
                .ok_or("Branches is required")?
            {
                branches.push(Arc::new(parse_machine(b, query_language)?));
            }
            StateKind::Parallel { branches }
        }
        "Map" => StateKind::Map(Box::new(parse_map(obj, query_language)?)),
        other => return Err(format!("unknown state type {other}")),
    };
    let retry = obj
        .get("Retry")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_object)
                .map(parse_retrier)
                .collect()
        })
        .unwrap_or_default();
    let mut catch = Vec::new();
    for c in obj
        .get("Catch")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(c) = c.as_object() else { continue };
        catch.push(Catcher {
            error_equals: error_equals(c),
            next: string(c, "Next").ok_or("a catcher needs Next")?,
            result_path: path_field(c, "ResultPath")?,
            assign: assign(c, jsonata_mode)?,
            output: if jsonata_mode {
                jsonata(c, "Output")?
            } else {
                None
            },
        });
    }
    let is_map = type_name == "Map";
    Ok(State {
        name: name.to_string(),
        kind,
        query_language,
        comment: string(obj, "Comment"),
        transition,
        input_path: path_field(obj, "InputPath")?,
        output_path: path_field(obj, "OutputPath")?,
        result_path: path_field(obj, "ResultPath")?,
        // A Map's `Parameters` is its (legacy) ItemSelector.
        parameters: if jsonata_mode || is_map {
            None
        } else {
            template(obj, "Parameters")?
        },
        result_selector: if jsonata_mode {
            None
        } else {
            template(obj, "ResultSelector")?
        },
        arguments: if jsonata_mode {
            jsonata(obj, "Arguments")?
        } else {
            None
        },
        output: if jsonata_mode {
            jsonata(obj, "Output")?
        } else {
            None
        },
        assign: assign(obj, jsonata_mode)?,
        retry,
        catch,
        uses_context: {
            let text = value.to_string();
            text.contains("$$") || text.contains("$states.context")
        },
    })
}

fn parse_retrier(obj: &Map<String, Value>) -> Retrier {
    Retrier {
        error_equals: error_equals(obj),
        interval_seconds: obj
            .get("IntervalSeconds")
            .and_then(Value::as_f64)
            .unwrap_or(1.0),
        max_attempts: obj.get("MaxAttempts").and_then(Value::as_u64).unwrap_or(3),
        backoff_rate: obj
            .get("BackoffRate")
            .and_then(Value::as_f64)
            .unwrap_or(2.0),
        max_delay_seconds: obj.get("MaxDelaySeconds").and_then(Value::as_f64),
        jitter_full: obj.get("JitterStrategy").and_then(Value::as_str) == Some("FULL"),
    }
}

fn parse_map(obj: &Map<String, Value>, query_language: QueryLanguage) -> Result<MapSpec, String> {
    let jsonata_mode = query_language == QueryLanguage::Jsonata;
    let processor_value = obj
        .get("ItemProcessor")
        .or_else(|| obj.get("Iterator"))
        .ok_or("ItemProcessor is required")?;
    let config = processor_value.get("ProcessorConfig");
    let distributed =
        config.and_then(|c| c.get("Mode")).and_then(Value::as_str) == Some("DISTRIBUTED");
    let execution_type = config
        .and_then(|c| c.get("ExecutionType"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let processor = Arc::new(parse_machine(processor_value, query_language)?);
    let selector_key = if obj.contains_key("ItemSelector") {
        "ItemSelector"
    } else {
        "Parameters"
    };
    Ok(MapSpec {
        processor,
        distributed,
        execution_type,
        items_path: path_field(obj, "ItemsPath")?,
        items: if jsonata_mode {
            jsonata(obj, "Items")?
        } else {
            None
        },
        item_selector: if jsonata_mode {
            None
        } else {
            template(obj, selector_key)?
        },
        item_selector_jsonata: if jsonata_mode {
            jsonata(obj, "ItemSelector")?
        } else {
            None
        },
        max_concurrency: number_field(obj, "MaxConcurrency", "MaxConcurrencyPath", jsonata_mode)?,
        tolerated_failure_count: number_field(
            obj,
            "ToleratedFailureCount",
            "ToleratedFailureCountPath",
            jsonata_mode,
        )?,
        tolerated_failure_percentage: number_field(
            obj,
            "ToleratedFailurePercentage",
            "ToleratedFailurePercentagePath",
            jsonata_mode,
        )?,
        label: string(obj, "Label"),
        item_reader: obj.get("ItemReader").cloned(),
        item_batcher: obj.get("ItemBatcher").cloned(),
        result_writer: obj.get("ResultWriter").cloned(),
    })
}

/// Does `error` match one of a retrier's or catcher's `ErrorEquals` names? `States.Runtime`
/// matches none; `States.ALL` matches every other error but `States.DataLimitExceeded`;
/// `States.TaskFailed` matches the same except `States.Timeout`.
pub fn error_matches(error_equals: &[String], error: &str) -> bool {
    error_matches_as(error_equals, error, true)
}

/// As [`error_matches`]; with `terminal_limit` false, `States.DataLimitExceeded` is an ordinary
/// error (a task whose answer was too large, as AWS treats it).
pub fn error_matches_as(error_equals: &[String], error: &str, terminal_limit: bool) -> bool {
    use crate::error::{ALL, DATA_LIMIT_EXCEEDED, RUNTIME, TASK_FAILED, TIMEOUT};
    if error == RUNTIME {
        // Never retried nor caught, not even when named (as AWS records it).
        return false;
    }
    let terminal = terminal_limit && error == DATA_LIMIT_EXCEEDED;
    error_equals.iter().any(|name| {
        name == error
            || (name == ALL && !terminal)
            || (name == TASK_FAILED && !terminal && error != TIMEOUT)
    })
}
