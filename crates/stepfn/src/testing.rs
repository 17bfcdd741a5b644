//! `stepfn test`: runs the cases of test files (JSON or YAML) against their state machine, in
//! this process, on the virtual clock, with mocked integrations in Step Functions Local's format;
//! prints each result (a diff where it fails), writes JUnit XML, and reports what the cases
//! covered of each definition (states, Choice rules, retriers, catchers, Parallel branches and
//! Map item processors).
//!
//! A test file:
//!
//! ```yaml
//! stateMachine: Order            # the name the mock configuration uses (default: file stem)
//! definition: order.asl.json     # a path (relative to this file) or the definition itself
//! # template: cdk.out/Stack.template.json   # or a CloudFormation / SAM template,
//! # resource: OrderStateMachine              # and the state machine's logical id
//! type: STANDARD
//! mocks: MockConfigFile.json     # Step Functions Local's mock configuration (path or inline)
//! cases:
//!   - name: happy path
//!     input: {"id": 1}
//!     mockTestCase: HappyPath    # a test case of the mock configuration
//!     mocks: {Charge: {"0": {"Return": {"ok": true}}}}   # responses for states, inline
//!     expect:
//!       status: SUCCEEDED
//!       output: {"ok": true}     # exactly; or outputIncludes: a subset
//!       path: [Validate, Charge] # the states entered, in order
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{anyhow, bail, Context, Result};
use asl::model::{State, StateKind, StateMachine};
use engine::interpreter::{Execution, ExecutionInfo, Mark, Status};
use engine::mocks::{MockCase, MockConfig, MockedResponse};
use engine::service::{self, Clock, VirtualClock};
use serde_json::{json, Map, Value};

/// A case's outcome.
struct CaseResult {
    name: String,
    seconds: f64,
    /// Why it failed; empty when it passed.
    failures: Vec<String>,
}

/// What one file's cases did.
struct FileResult {
    path: PathBuf,
    machine_name: String,
    cases: Vec<CaseResult>,
    coverage: Coverage,
}

/// Reads a JSON or YAML file (by its extension) as JSON.
fn read_document(path: &Path) -> Result<Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let yaml = matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml") | Some("yml")
    );
    if yaml {
        let doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text)
            .with_context(|| format!("{} is not valid YAML", path.display()))?;
        Ok(yaml_to_json(doc))
    } else {
        serde_json::from_str(&text).with_context(|| format!("{} is not valid JSON", path.display()))
    }
}

/// YAML as JSON; CloudFormation's short tags (`!Ref X`, `!GetAtt A.B`, `!Sub …`) become the
/// long forms (`{"Ref": "X"}`, `{"Fn::GetAtt": ["A", "B"]}`, `{"Fn::Sub": …}`).
fn yaml_to_json(value: serde_yaml_ng::Value) -> Value {
    use serde_yaml_ng::Value as Y;
    match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                json!(i)
            } else if let Some(u) = n.as_u64() {
                json!(u)
            } else {
                n.as_f64().map(|f| json!(f)).unwrap_or(Value::Null)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(entries) => Value::Object(
            entries
                .into_iter()
                .map(|(k, v)| {
                    let key = match yaml_to_json(k) {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    (key, yaml_to_json(v))
                })
                .collect(),
        ),
        Y::Tagged(tagged) => {
            let tag = tagged.tag.to_string();
            let tag = tag.trim_start_matches('!');
            let inner = yaml_to_json(tagged.value);
            match (tag, inner) {
                ("Ref", v) => json!({ "Ref": v }),
                ("GetAtt", Value::String(s)) => {
                    let (resource, attribute) = s.split_once('.').unwrap_or((&s, "Arn"));
                    json!({ "Fn::GetAtt": [resource, attribute] })
                }
                (other, v) => json!({ format!("Fn::{other}"): v }),
            }
        }
    }
}

/// The text a template's value stands for: strings as they are, `Ref` / `Fn::GetAtt` of a
/// resource as an ARN-like name for it, `Fn::Join` and `Fn::Sub` put together.
fn template_text(
    value: &Value,
    resources: &Map<String, Value>,
    subs: &Map<String, Value>,
) -> String {
    let reference = |name: &str, attribute: Option<&str>| -> String {
        if let Some(v) = subs.get(name) {
            return template_text(v, resources, subs);
        }
        let kind = resources
            .get(name)
            .and_then(|r| r.get("Type"))
            .and_then(Value::as_str)
            .unwrap_or("");
        match (kind, attribute) {
            ("AWS::Lambda::Function" | "AWS::Serverless::Function", _) => {
                format!("arn:aws:lambda:us-east-1:123456789012:function:{name}")
            }
            ("AWS::SQS::Queue", Some("QueueUrl") | None) => {
                format!("https://sqs.us-east-1.amazonaws.com/123456789012/{name}")
            }
            ("AWS::DynamoDB::Table", None) => name.to_string(),
            (_, Some(attribute)) => format!("{name}.{attribute}"),
            (_, None) => name.to_string(),
        }
    };
    match value {
        Value::String(s) => s.clone(),
        Value::Object(o) if o.len() == 1 => {
            let (k, v) = o.iter().next().expect("one member");
            match (k.as_str(), v) {
                ("Ref", Value::String(name)) => match name.as_str() {
                    "AWS::Region" => "us-east-1".into(),
                    "AWS::AccountId" => "123456789012".into(),
                    "AWS::Partition" => "aws".into(),
                    "AWS::URLSuffix" => "amazonaws.com".into(),
                    _ => reference(name, None),
                },
                ("Fn::GetAtt", Value::Array(parts)) => reference(
                    parts.first().and_then(Value::as_str).unwrap_or(""),
                    parts.get(1).and_then(Value::as_str),
                ),
                ("Fn::Join", Value::Array(parts)) => {
                    let sep = parts.first().and_then(Value::as_str).unwrap_or("");
                    let items = parts.get(1).and_then(Value::as_array);
                    items
                        .into_iter()
                        .flatten()
                        .map(|p| template_text(p, resources, subs))
                        .collect::<Vec<_>>()
                        .join(sep)
                }
                ("Fn::Sub", Value::String(s)) => substitute(s, resources, subs),
                _ => v.to_string(),
            }
        }
        other => other.to_string(),
    }
}

/// `${Name}` (and `${Name.Attribute}`) replaced as [`template_text`] reads references.
fn substitute(text: &str, resources: &Map<String, Value>, subs: &Map<String, Value>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = &rest[start + 2..start + end];
        let value = match name.split_once('.') {
            Some((r, a)) => json!({"Fn::GetAtt": [r, a]}),
            None => json!({ "Ref": name }),
        };
        out.push_str(&template_text(&value, resources, subs));
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out
}

/// The definition of a template's state machine (`resource`, or its only one) and its name.
fn template_definition(path: &Path, resource: Option<&str>) -> Result<(String, Option<String>)> {
    let template = read_document(path)?;
    let resources = template
        .get("Resources")
        .and_then(Value::as_object)
        .ok_or_else(|| anyhow!("{} has no Resources", path.display()))?;
    let machines: Vec<(&String, &Value)> = resources
        .iter()
        .filter(|(_, r)| {
            matches!(
                r.get("Type").and_then(Value::as_str),
                Some("AWS::StepFunctions::StateMachine" | "AWS::Serverless::StateMachine")
            )
        })
        .filter(|(id, _)| resource.is_none_or(|want| want == id.as_str()))
        .collect();
    let (id, machine) = match machines.as_slice() {
        [one] => *one,
        [] => bail!(
            "{} has no state machine{}",
            path.display(),
            resource.map(|r| format!(" {r}")).unwrap_or_default()
        ),
        _ => bail!(
            "{} has several state machines: name one with `resource`",
            path.display()
        ),
    };
    let props = machine.get("Properties").cloned().unwrap_or(Value::Null);
    let empty = Map::new();
    let subs = props
        .get("DefinitionSubstitutions")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let text = if let Some(def) = props.get("Definition") {
        substitute(&def.to_string(), resources, subs)
    } else if let Some(def) = props.get("DefinitionString") {
        substitute(&template_text(def, resources, subs), resources, subs)
    } else if let Some(uri) = props.get("DefinitionUri").and_then(Value::as_str) {
        let file = path.parent().unwrap_or(Path::new(".")).join(uri);
        substitute(&read_document(&file)?.to_string(), resources, subs)
    } else {
        bail!(
            "the state machine {id} in {} has no definition",
            path.display()
        )
    };
    let name = props
        .get("StateMachineName")
        .or_else(|| props.get("Name"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| Some(id.clone()));
    Ok((text, name))
}

/// Every state of a definition, its nested blocks' too.
fn all_states(machine: &StateMachine, out: &mut Vec<Arc<State>>) {
    let mut names: Vec<&String> = machine.states.keys().collect();
    names.sort();
    for name in names {
        let state = &machine.states[name];
        out.push(state.clone());
        match &state.kind {
            StateKind::Parallel { branches } => {
                branches.iter().for_each(|b| all_states(b, out));
            }
            StateKind::Map(spec) => all_states(&spec.processor, out),
            _ => {}
        }
    }
}

fn block_names(machine: &StateMachine) -> BTreeSet<String> {
    let mut states = Vec::new();
    all_states(machine, &mut states);
    states.iter().map(|s| s.name.clone()).collect()
}

/// What can be covered of a definition, and what the cases covered.
#[derive(Default)]
struct Coverage {
    /// Kind → every item of that kind, whether covered.
    items: BTreeMap<&'static str, BTreeMap<String, bool>>,
}

impl Coverage {
    fn of(machine: &StateMachine) -> Coverage {
        let mut c = Coverage::default();
        let mut states = Vec::new();
        all_states(machine, &mut states);
        for s in &states {
            c.add("states", s.name.clone());
            if let StateKind::Choice { choices, default } = &s.kind {
                for i in 0..choices.len() {
                    c.add("choice rules", format!("{} rule {}", s.name, i + 1));
                }
                if default.is_some() {
                    c.add("choice rules", format!("{} Default", s.name));
                }
            }
            for i in 0..s.retry.len() {
                c.add("retriers", format!("{} Retry[{i}]", s.name));
            }
            for i in 0..s.catch.len() {
                c.add("catchers", format!("{} Catch[{i}]", s.name));
            }
            match &s.kind {
                StateKind::Parallel { branches } => {
                    for i in 0..branches.len() {
                        c.add("branches", format!("{} branch {}", s.name, i + 1));
                    }
                }
                StateKind::Map(_) => c.add("branches", format!("{} item processor", s.name)),
                _ => {}
            }
        }
        c
    }

    fn add(&mut self, kind: &'static str, item: String) {
        self.items.entry(kind).or_default().insert(item, false);
    }

    fn cover(&mut self, kind: &'static str, item: String) {
        if let Some(v) = self.items.get_mut(kind).and_then(|m| m.get_mut(&item)) {
            *v = true;
        }
    }

    /// Takes what an execution exercised.
    fn record(&mut self, machine: &StateMachine, marks: &[Mark]) {
        let mut ran = BTreeSet::new();
        for mark in marks {
            match mark {
                Mark::State(s) => {
                    ran.insert(s.clone());
                    self.cover("states", s.clone());
                }
                Mark::Choice { state, rule } => self.cover(
                    "choice rules",
                    match rule {
                        Some(i) => format!("{state} rule {}", i + 1),
                        None => format!("{state} Default"),
                    },
                ),
                Mark::Retry { state, retrier } => {
                    self.cover("retriers", format!("{state} Retry[{retrier}]"))
                }
                Mark::Catch { state, catcher } => {
                    self.cover("catchers", format!("{state} Catch[{catcher}]"))
                }
            }
        }
        let mut states = Vec::new();
        all_states(machine, &mut states);
        for s in &states {
            match &s.kind {
                StateKind::Parallel { branches } => {
                    for (i, b) in branches.iter().enumerate() {
                        if !block_names(b).is_disjoint(&ran) {
                            self.cover("branches", format!("{} branch {}", s.name, i + 1));
                        }
                    }
                }
                StateKind::Map(spec) if !block_names(&spec.processor).is_disjoint(&ran) => {
                    self.cover("branches", format!("{} item processor", s.name));
                }
                _ => {}
            }
        }
    }

    fn json(&self) -> Value {
        let mut out = Map::new();
        for (kind, items) in &self.items {
            let covered = items.values().filter(|c| **c).count();
            let missed: Vec<&String> = items.iter().filter(|(_, c)| !**c).map(|(k, _)| k).collect();
            out.insert(
                kind.to_string(),
                json!({"total": items.len(), "covered": covered, "missed": missed}),
            );
        }
        Value::Object(out)
    }
}

/// Whether `actual` has everything `expected` has (objects' members, recursively; arrays and
/// scalars equal).
fn includes(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => e
            .iter()
            .all(|(k, ev)| a.get(k).is_some_and(|av| includes(av, ev))),
        (a, e) => a == e,
    }
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default() + "\n"
}

fn diff(expected: &Value, actual: &Value) -> String {
    let (e, a) = (pretty(expected), pretty(actual));
    similar::TextDiff::from_lines(&e, &a)
        .unified_diff()
        .header("expected", "actual")
        .to_string()
}

/// The mocks of a case: its test case in the file's configuration and its inline responses.
fn case_mocks(
    config: Option<&MockConfig>,
    machine_name: &str,
    case: &Value,
) -> Result<Option<Arc<MockCase>>> {
    let mut mock_case = match case.get("mockTestCase").and_then(Value::as_str) {
        Some(test_case) => {
            let config = config.ok_or_else(|| {
                anyhow!("mockTestCase '{test_case}' is given but the file has no mocks")
            })?;
            Some(
                config
                    .case(machine_name, test_case)
                    .map_err(|e| anyhow!(e))?,
            )
        }
        None => None,
    };
    if let Some(inline) = case.get("mocks") {
        let inline = inline
            .as_object()
            .ok_or_else(|| anyhow!("a case's mocks must map state names to mocked responses"))?;
        let case_name = case.get("name").and_then(Value::as_str).unwrap_or("case");
        let target = mock_case.get_or_insert_with(|| MockCase {
            test_case: case_name.to_string(),
            states: BTreeMap::new(),
        });
        for (state, response) in inline {
            let parsed = MockedResponse::parse(response, &format!("mocks.{state}"))
                .map_err(|e| anyhow!(e))?;
            target.states.insert(state.clone(), parsed);
        }
    }
    Ok(mock_case.map(Arc::new))
}

/// The state an unfinished execution waits in (its last entered one).
fn waiting_in(exec: &Execution) -> String {
    exec.events
        .iter()
        .rev()
        .find_map(|e| {
            e.event_type
                .as_str()
                .ends_with("StateEntered")
                .then(|| e.details.name().map(str::to_string))
                .flatten()
        })
        .unwrap_or_default()
}

/// Runs one case; its failures (empty when it passed).
async fn run_case(
    caller: &Arc<aws::Client>,
    machine: &Arc<StateMachine>,
    machine_name: &str,
    express: bool,
    mocks: Option<Arc<MockCase>>,
    case: &Value,
    coverage: &mut Coverage,
) -> Result<Vec<String>> {
    let input = case.get("input").cloned().unwrap_or_else(|| json!({}));
    let input_text = serde_json::to_string(&input)?;
    let clock = VirtualClock::default();
    let name = uuid::Uuid::new_v4().to_string();
    let info = Arc::new(ExecutionInfo {
        execution_arn: format!(
            "arn:aws:states:us-east-1:123456789012:execution:{machine_name}:{name}"
        ),
        name,
        state_machine_arn: format!(
            "arn:aws:states:us-east-1:123456789012:stateMachine:{machine_name}"
        ),
        state_machine_name: machine_name.to_string(),
        role_arn: "arn:aws:iam::123456789012:role/stepfn-test".into(),
        start_ms: clock.now_ms(),
        redrive_count: 0,
        express,
        version_arn: None,
        alias_arn: None,
        mocks,
    });
    let mut exec = Execution::start_covered(info, machine.clone(), &input_text, input);
    let limit = case
        .get("timeoutSeconds")
        .and_then(Value::as_f64)
        .unwrap_or(30.0);
    let driven = tokio::time::timeout(
        std::time::Duration::from_secs_f64(limit),
        service::drive_to_end(&mut exec, &clock, caller.clone()),
    )
    .await;
    coverage.record(machine, exec.coverage());
    let mut failures = Vec::new();
    if driven.is_err() || exec.status == Status::Running {
        failures.push(format!(
            "the execution did not end (after {limit}s it still waits in state '{}': an unmocked task no one answers?)",
            waiting_in(&exec)
        ));
        return Ok(failures);
    }
    let expect = case.get("expect").cloned().unwrap_or_else(|| json!({}));
    let status = exec.status.as_str();
    let want_status = expect
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or("SUCCEEDED");
    if status != want_status {
        let mut why = format!("status: expected {want_status}, got {status}");
        if let Some(error) = &exec.error {
            why.push_str(&format!(
                " ({error}: {})",
                exec.cause.as_deref().unwrap_or("")
            ));
        }
        failures.push(why);
    }
    let output = exec.output.clone().unwrap_or(Value::Null);
    if let Some(want) = expect.get("output") {
        if &output != want {
            failures.push(format!("output differs:\n{}", diff(want, &output)));
        }
    }
    if let Some(want) = expect.get("outputIncludes") {
        if !includes(&output, want) {
            failures.push(format!(
                "output does not include what was expected:\n{}",
                diff(want, &output)
            ));
        }
    }
    for (field, actual) in [("error", &exec.error), ("cause", &exec.cause)] {
        if let Some(want) = expect.get(field).and_then(Value::as_str) {
            if actual.as_deref() != Some(want) {
                failures.push(format!(
                    "{field}: expected {want:?}, got {:?}",
                    actual.as_deref().unwrap_or("")
                ));
            }
        }
    }
    if let Some(want) = expect.get("path") {
        let path: Vec<Value> = exec
            .events
            .iter()
            .filter(|e| e.event_type.as_str().ends_with("StateEntered"))
            .filter_map(|e| e.details.name().map(|n| Value::String(n.to_string())))
            .collect();
        let path = Value::Array(path);
        if &path != want {
            failures.push(format!("path of states differs:\n{}", diff(want, &path)));
        }
    }
    Ok(failures)
}

/// Runs every case of one file.
async fn run_file(caller: &Arc<aws::Client>, path: &Path) -> Result<FileResult> {
    let doc = read_document(path)?;
    let base = path.parent().unwrap_or(Path::new("."));
    let stem = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("machine")
        .split('.')
        .next()
        .unwrap_or("machine")
        .to_string();
    let (definition, template_name) = match (doc.get("definition"), doc.get("template")) {
        (Some(Value::String(file)), _) => (read_document(&base.join(file))?.to_string(), None),
        (Some(inline @ Value::Object(_)), _) => (inline.to_string(), None),
        (None, Some(Value::String(template))) => template_definition(
            &base.join(template),
            doc.get("resource").and_then(Value::as_str),
        )?,
        _ => bail!(
            "{}: give `definition` (a file or the definition) or `template`",
            path.display()
        ),
    };
    let machine_name = doc
        .get("stateMachine")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or(template_name)
        .unwrap_or(stem);
    let machine_type = doc
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("STANDARD");
    let express = machine_type == "EXPRESS";
    let diagnostics = asl::validate::validate_definition(
        &definition,
        if express {
            asl::validate::MachineType::Express
        } else {
            asl::validate::MachineType::Standard
        },
    );
    if diagnostics
        .iter()
        .any(|d| d.severity == asl::validate::Severity::Error)
    {
        bail!(
            "{}: {}",
            path.display(),
            asl::validate::invalid_definition_message(&diagnostics)
        );
    }
    let machine = Arc::new(asl::model::parse_definition(&definition).map_err(anyhow::Error::msg)?);
    let config = match doc.get("mocks") {
        None => None,
        Some(Value::String(file)) => {
            let file = base.join(file);
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            Some(MockConfig::parse(&text).map_err(|e| anyhow!("{}: {e}", file.display()))?)
        }
        Some(inline) => Some(
            MockConfig::parse(&inline.to_string())
                .map_err(|e| anyhow!("{}: mocks: {e}", path.display()))?,
        ),
    };
    let cases = doc
        .get("cases")
        .and_then(Value::as_array)
        .ok_or_else(|| anyhow!("{}: `cases` must be a list", path.display()))?;
    let mut coverage = Coverage::of(&machine);
    let mut results = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let name = case
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| format!("case {}", i + 1));
        let began = Instant::now();
        let failures = match case_mocks(config.as_ref(), &machine_name, case) {
            Ok(mocks) => run_case(
                caller,
                &machine,
                &machine_name,
                express,
                mocks,
                case,
                &mut coverage,
            )
            .await
            .unwrap_or_else(|e| vec![e.to_string()]),
            Err(e) => vec![e.to_string()],
        };
        results.push(CaseResult {
            name,
            seconds: began.elapsed().as_secs_f64(),
            failures,
        });
    }
    Ok(FileResult {
        path: path.to_path_buf(),
        machine_name,
        cases: results,
        coverage,
    })
}

fn xml_escape(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '"' => "&quot;".to_string(),
            '\'' => "&apos;".to_string(),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' && c != '\r' => String::new(),
            c => c.to_string(),
        })
        .collect()
}

fn junit(files: &[FileResult]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
    for f in files {
        let failures = f.cases.iter().filter(|c| !c.failures.is_empty()).count();
        let time: f64 = f.cases.iter().map(|c| c.seconds).sum();
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" time=\"{time:.3}\">\n",
            xml_escape(&f.path.display().to_string()),
            f.cases.len()
        ));
        for c in &f.cases {
            out.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
                xml_escape(&f.machine_name),
                xml_escape(&c.name),
                c.seconds
            ));
            if c.failures.is_empty() {
                out.push_str("/>\n");
            } else {
                let first = c.failures[0].lines().next().unwrap_or("");
                out.push_str(&format!(
                    ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                    xml_escape(first),
                    xml_escape(&c.failures.join("\n"))
                ));
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn print_coverage(f: &FileResult) {
    println!("coverage of {} ({}):", f.machine_name, f.path.display());
    for (kind, items) in &f.coverage.items {
        let covered = items.values().filter(|c| **c).count();
        let percent = if items.is_empty() {
            100
        } else {
            covered * 100 / items.len()
        };
        let missed: Vec<&str> = items
            .iter()
            .filter(|(_, c)| !**c)
            .map(|(k, _)| k.as_str())
            .collect();
        let note = if missed.is_empty() {
            String::new()
        } else {
            format!("  not covered: {}", missed.join(", "))
        };
        println!(
            "  {kind:<13} {covered:>3}/{:<3} {percent:>3}%{note}",
            items.len()
        );
    }
}

/// `stepfn test`: true when every case passed.
pub fn run(
    files: &[PathBuf],
    junit_file: Option<&Path>,
    coverage_file: Option<&Path>,
) -> Result<bool> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    // Tasks no mock answers call their services, as the server would.
    let caller = aws::Client::from_env();
    let mut results = Vec::new();
    for file in files {
        results.push(runtime.block_on(run_file(&caller, file))?);
    }
    let (mut passed, mut failed) = (0, 0);
    for f in &results {
        for c in &f.cases {
            if c.failures.is_empty() {
                passed += 1;
                println!(
                    "PASS {} > {} ({:.0} ms)",
                    f.path.display(),
                    c.name,
                    c.seconds * 1000.0
                );
            } else {
                failed += 1;
                println!("FAIL {} > {}", f.path.display(), c.name);
                for why in &c.failures {
                    for line in why.lines() {
                        println!("     {line}");
                    }
                }
            }
        }
    }
    println!();
    for f in &results {
        print_coverage(f);
    }
    println!();
    println!("{passed} passed, {failed} failed");
    if let Some(path) = junit_file {
        std::fs::write(path, junit(&results))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    if let Some(path) = coverage_file {
        let report: Map<String, Value> = results
            .iter()
            .map(|f| {
                (
                    f.path.display().to_string(),
                    json!({"stateMachine": f.machine_name, "coverage": f.coverage.json()}),
                )
            })
            .collect();
        std::fs::write(path, serde_json::to_string_pretty(&Value::Object(report))?)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(failed == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subset_is_included_and_tags_become_long_forms() {
        assert!(includes(
            &json!({"a": 1, "b": {"c": 2, "d": 3}}),
            &json!({"b": {"c": 2}})
        ));
        assert!(!includes(&json!({"a": [1, 2]}), &json!({"a": [1]})));
        let doc: serde_yaml_ng::Value =
            serde_yaml_ng::from_str("a: !GetAtt Fn.Arn\nb: !Ref Q\nc: !Sub 'x-${Q}'").unwrap();
        assert_eq!(
            yaml_to_json(doc),
            json!({"a": {"Fn::GetAtt": ["Fn", "Arn"]}, "b": {"Ref": "Q"}, "c": {"Fn::Sub": "x-${Q}"}})
        );
    }

    #[test]
    fn a_template_definition_string_is_put_together() {
        let resources = json!({"Fn": {"Type": "AWS::Lambda::Function"}});
        let text = template_text(
            &json!({"Fn::Join": ["", ["{\"R\":\"", {"Fn::GetAtt": ["Fn", "Arn"]}, "\"}"]]}),
            resources.as_object().unwrap(),
            &Map::new(),
        );
        assert_eq!(
            text,
            r#"{"R":"arn:aws:lambda:us-east-1:123456789012:function:Fn"}"#
        );
    }

    #[test]
    fn junit_text_is_escaped() {
        assert_eq!(xml_escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
