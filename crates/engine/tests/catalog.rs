//! The catalog side of the service: state machines and their revisions, versions, aliases,
//! activities, tags, and the separation of regions. Expected texts are AWS's, from the recorded
//! API sequences, unless a test says otherwise.

use std::sync::Arc;

use asl::validate::MachineType;

use engine::service::{
    Clock, Config, CreateStateMachine, Service, ServiceError, UpdateStateMachine,
};
use engine::{AliasRoute, Configurations};
use serde_json::json;

const REGION: &str = "us-east-1";
const ROLE: &str = "arn:aws:iam::123456789012:role/r";

/// A clock that ticks one millisecond per reading, so creation order shows in the dates.
struct TickingClock(std::sync::atomic::AtomicI64);

impl Clock for TickingClock {
    fn now_ms(&self) -> i64 {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    }
    fn scaled(&self, ms: i64) -> std::time::Duration {
        std::time::Duration::from_millis(ms.max(0) as u64)
    }
}

fn service() -> Arc<Service> {
    Service::new(
        Config {
            account_id: "123456789012".into(),
            default_region: REGION.into(),
        },
        Arc::new(store::MemoryStore::new()),
        Arc::new(TickingClock(1_700_000_000_000.into())),
    )
}

fn definition(comment: &str) -> String {
    json!({"Comment": comment, "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}})
        .to_string()
}

fn create(service: &Service, name: &str, publish: bool) -> String {
    service
        .create_state_machine(CreateStateMachine {
            region: REGION.into(),
            name: name.into(),
            definition: definition("v0"),
            role_arn: ROLE.into(),
            machine_type: MachineType::Standard,
            publish,
            ..Default::default()
        })
        .unwrap()
        .state_machine
        .arn
}

fn update(
    service: &Service,
    arn: &str,
    comment: Option<&str>,
    publish: bool,
) -> engine::service::UpdatedStateMachine {
    service
        .update_state_machine(UpdateStateMachine {
            region: REGION.into(),
            arn: arn.into(),
            definition: comment.map(definition),
            role_arn: Some(ROLE.into()),
            publish,
            ..Default::default()
        })
        .unwrap()
}

fn route(version_arn: &str, weight: u32) -> AliasRoute {
    AliasRoute {
        version_arn: version_arn.into(),
        weight,
    }
}

fn error(result: Result<impl std::fmt::Debug, ServiceError>) -> (String, String) {
    let error = result.unwrap_err();
    (error.code.to_string(), error.message)
}

/// The error of a text that does not even begin as an ARN.
fn invalid_arn_prefix(text: &str) -> (String, String) {
    (
        "InvalidArn".into(),
        format!("Invalid Arn: 'Invalid ARN prefix: {text}'"),
    )
}

#[test]
fn a_revision_is_made_only_by_a_change() {
    let svc = service();
    let arn = create(&svc, "m", false);
    assert_eq!(
        svc.describe_state_machine(REGION, &arn)
            .unwrap()
            .revision_id,
        None
    );
    // Updating to what is already there makes no revision (AWS: no revisionId at all).
    assert_eq!(update(&svc, &arn, Some("v0"), false).revision_id, None);
    let first = update(&svc, &arn, Some("v1"), false).revision_id.unwrap();
    assert_eq!(
        update(&svc, &arn, Some("v1"), false).revision_id.as_deref(),
        Some(first.as_str())
    );
    let second = update(&svc, &arn, Some("v2"), false).revision_id.unwrap();
    assert_ne!(first, second);
    let described = svc.describe_state_machine(REGION, &arn).unwrap();
    assert_eq!(described.revision_id, Some(second));
    assert_eq!(described.definition, definition("v2"));
}

#[test]
fn creating_again_is_idempotent_only_with_the_same_definition() {
    let svc = service();
    let arn = create(&svc, "m", false);
    let again = create(&svc, "m", false);
    assert_eq!(arn, again);
    let reformatted = svc.create_state_machine(CreateStateMachine {
        region: REGION.into(),
        name: "m".into(),
        definition: serde_json::to_string_pretty(
            &serde_json::from_str::<serde_json::Value>(&definition("v0")).unwrap(),
        )
        .unwrap(),
        role_arn: ROLE.into(),
        machine_type: MachineType::Standard,
        ..Default::default()
    });
    assert_eq!(
        error(reformatted),
        (
            "StateMachineAlreadyExists".into(),
            format!("State Machine Already Exists: '{arn}'")
        )
    );
    let described = svc.create_state_machine(CreateStateMachine {
        region: REGION.into(),
        name: "d".into(),
        definition: definition("v0"),
        role_arn: ROLE.into(),
        machine_type: MachineType::Standard,
        version_description: Some("no publish".into()),
        ..Default::default()
    });
    assert_eq!(
        error(described),
        (
            "ValidationException".into(),
            "Version description can only be set when publish is true".into()
        )
    );
}

#[test]
fn versions_are_published_once_per_revision_and_never_renumbered() {
    let svc = service();
    let arn = create(&svc, "m", true);
    let v1 = format!("{arn}:1");
    // Nothing changed since version 1: publishing answers version 1 again.
    let again = svc
        .publish_state_machine_version(REGION, &arn, None, None)
        .unwrap();
    assert_eq!(again.arn, v1);
    let updated = update(&svc, &arn, Some("v1"), true);
    assert_eq!(updated.version.unwrap().arn, format!("{arn}:2"));
    svc.delete_state_machine_version(REGION, &format!("{arn}:2"))
        .unwrap();
    // Deleting a version that is gone succeeds.
    svc.delete_state_machine_version(REGION, &format!("{arn}:2"))
        .unwrap();
    let v3 = svc
        .publish_state_machine_version(REGION, &arn, None, Some("third".into()))
        .unwrap();
    assert_eq!(v3.arn, format!("{arn}:3"));
    let listed: Vec<String> = svc
        .list_state_machine_versions(REGION, &arn)
        .unwrap()
        .into_iter()
        .map(|v| v.arn)
        .collect();
    assert_eq!(listed, [format!("{arn}:3"), v1.clone()]);

    let described = svc.describe_state_machine(REGION, &v3.arn).unwrap();
    assert_eq!(described.arn, v3.arn);
    assert_eq!(described.name, "m");
    assert_eq!(described.description.as_deref(), Some("third"));
    assert_eq!(described.definition, definition("v1"));
    assert_eq!(
        svc.describe_state_machine(REGION, &v1).unwrap().revision_id,
        None
    );
}

#[test]
fn publishing_a_stale_revision_is_a_conflict() {
    let svc = service();
    let arn = create(&svc, "m", false);
    let r2 = update(&svc, &arn, Some("r2"), false).revision_id.unwrap();
    let r3 = update(&svc, &arn, Some("r3"), false).revision_id.unwrap();
    assert_eq!(
        error(svc.publish_state_machine_version(REGION, &arn, Some(&r2), None)),
        (
            "ConflictException".into(),
            format!("Failed to publish the State Machine version for revision {r2}. The current State Machine revision is {r3}.")
        )
    );
    assert!(svc
        .publish_state_machine_version(REGION, &arn, Some(&r3), None)
        .is_ok());
}

#[test]
fn updating_a_version_arn_is_not_updating_a_state_machine() {
    let svc = service();
    let arn = create(&svc, "m", true);
    let result = svc.update_state_machine(UpdateStateMachine {
        region: REGION.into(),
        arn: format!("{arn}:1"),
        definition: Some(definition("x")),
        ..Default::default()
    });
    assert_eq!(
        error(result),
        (
            "StateMachineDoesNotExist".into(),
            format!("State Machine Does Not Exist: '{arn}:1'")
        )
    );
}

#[test]
fn aliases_route_to_versions_of_one_state_machine() {
    let svc = service();
    let arn = create(&svc, "m", true);
    let v1 = format!("{arn}:1");
    let v2 = update(&svc, &arn, Some("v2"), true).version.unwrap().arn;

    let alias = svc
        .create_state_machine_alias(REGION, "live", Some("d".into()), vec![route(&v1, 100)])
        .unwrap();
    assert_eq!(alias.arn, format!("{arn}:live"));
    // The same request again answers the same alias; a different one is a conflict.
    let again = svc
        .create_state_machine_alias(REGION, "live", Some("d".into()), vec![route(&v1, 100)])
        .unwrap();
    assert_eq!(again.creation_ms, alias.creation_ms);
    assert_eq!(
        error(svc.create_state_machine_alias(REGION, "live", Some("other".into()), vec![route(&v1, 100)])),
        (
            "ConflictException".into(),
            "Failed to create alias because an alias with the same name and a different routing configuration already exists.".into()
        )
    );

    assert_eq!(
        error(svc.create_state_machine_alias(REGION, "x", None, vec![route(&arn, 100)])),
        (
            "ValidationException".into(),
            format!(
                "Routing configuration must contain state machine version ARNs. Received: [{arn}]"
            )
        )
    );
    assert_eq!(
        error(svc.create_state_machine_alias(REGION, "x", None, vec![route(&v1, 50), route(&v1, 50)])),
        (
            "ValidationException".into(),
            format!("Routing configuration must contain distinct state machine version ARNs. Received: [{v1}, {v1}]")
        )
    );
    assert_eq!(
        error(svc.create_state_machine_alias(
            REGION,
            "x",
            None,
            vec![route(&v1, 70), route(&v2, 29)]
        )),
        (
            "ValidationException".into(),
            "Sum of routing configuration weights must equal 100. Received: [70, 29]".into()
        )
    );

    assert_eq!(
        error(svc.delete_state_machine_version(REGION, &v1)),
        (
            "ConflictException".into(),
            "Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [live]".into()
        )
    );
    svc.update_state_machine_alias(REGION, &alias.arn, None, Some(vec![route(&v2, 100)]))
        .unwrap();
    svc.delete_state_machine_version(REGION, &v1).unwrap();
    let described = svc
        .describe_state_machine_alias(REGION, &alias.arn)
        .unwrap();
    assert_eq!(described.routing, vec![route(&v2, 100)]);
    assert_eq!(described.description.as_deref(), Some("d"));

    svc.delete_state_machine_alias(REGION, &alias.arn).unwrap();
    svc.delete_state_machine_alias(REGION, &alias.arn).unwrap();
    assert_eq!(
        error(svc.update_state_machine_alias(REGION, &alias.arn, Some("x".into()), None)),
        (
            "ResourceNotFound".into(),
            "Request references a resource that does not exist.".into()
        )
    );
    assert!(svc
        .list_state_machine_aliases(REGION, &arn)
        .unwrap()
        .is_empty());
}

#[test]
fn executions_run_what_the_arn_names() {
    let svc = service();
    let arn = create(&svc, "m", true);
    let v1 = format!("{arn}:1");
    let v2 = update(&svc, &arn, Some("v2"), true).version.unwrap().arn;
    update(&svc, &arn, Some("current"), false);

    let current = svc.resolve_execution_target(REGION, &arn).unwrap();
    assert_eq!(current.definition, definition("current"));
    assert_eq!((current.version_arn, current.alias_arn), (None, None));
    assert_eq!(current.state_machine.arn, arn);

    let version = svc.resolve_execution_target(REGION, &v1).unwrap();
    assert_eq!(version.definition, definition("v0"));
    assert_eq!(version.version_arn.as_deref(), Some(v1.as_str()));
    assert_eq!(version.state_machine.arn, arn);

    let alias = svc
        .create_state_machine_alias(REGION, "split", None, vec![route(&v1, 0), route(&v2, 100)])
        .unwrap();
    for _ in 0..20 {
        let routed = svc.resolve_execution_target(REGION, &alias.arn).unwrap();
        assert_eq!(routed.version_arn.as_deref(), Some(v2.as_str()));
        assert_eq!(routed.alias_arn.as_deref(), Some(alias.arn.as_str()));
        assert_eq!(routed.definition, definition("v2"));
    }
    // DescribeStateMachine on an alias describes the version it routes to.
    assert_eq!(
        svc.describe_state_machine(REGION, &alias.arn).unwrap().arn,
        v2
    );

    let missing = format!("{arn}:9");
    assert_eq!(
        error(svc.resolve_execution_target(REGION, &missing)),
        (
            "StateMachineDoesNotExist".into(),
            format!("State Machine Does Not Exist: '{missing}'")
        )
    );
    assert_eq!(
        error(svc.resolve_execution_target(REGION, "not_an_arn")),
        invalid_arn_prefix("not_an_arn")
    );
}

#[test]
fn deleting_a_state_machine_takes_its_versions_and_aliases() {
    let svc = service();
    let arn = create(&svc, "m", true);
    svc.create_state_machine_alias(REGION, "a", None, vec![route(&format!("{arn}:1"), 100)])
        .unwrap();
    svc.delete_state_machine(REGION, &arn).unwrap();
    assert_eq!(
        error(svc.describe_state_machine(REGION, &arn)),
        (
            "StateMachineDoesNotExist".into(),
            format!("State Machine Does Not Exist: '{arn}'")
        )
    );
    assert!(svc
        .describe_state_machine(REGION, &format!("{arn}:1"))
        .is_err());
    assert!(svc
        .describe_state_machine_alias(REGION, &format!("{arn}:a"))
        .is_err());
    // Deleting what does not exist succeeds; a recreated machine starts again at version 1.
    svc.delete_state_machine(REGION, &arn).unwrap();
    create(&svc, "m", true);
    assert_eq!(
        svc.list_state_machine_versions(REGION, &arn).unwrap()[0].number,
        1
    );
}

#[test]
fn regions_do_not_see_each_others_resources() {
    let svc = service();
    let arn = create(&svc, "m", false);
    assert!(arn.starts_with("arn:aws:states:us-east-1:123456789012:stateMachine:"));
    let activity = svc.create_activity(REGION, "a", Vec::new(), None).unwrap();
    assert_eq!(svc.list_state_machines(REGION).unwrap().len(), 1);
    assert!(svc.list_state_machines("eu-west-1").unwrap().is_empty());
    assert!(svc.list_activities("eu-west-1").unwrap().is_empty());
    assert_eq!(
        error(svc.describe_state_machine("eu-west-1", &arn)).0,
        "StateMachineDoesNotExist"
    );
    assert_eq!(
        error(svc.describe_activity("eu-west-1", &activity.arn)).0,
        "ActivityDoesNotExist"
    );
    let west = svc
        .create_state_machine(CreateStateMachine {
            region: "eu-west-1".into(),
            name: "m".into(),
            definition: definition("west"),
            role_arn: ROLE.into(),
            machine_type: MachineType::Standard,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        west.state_machine.arn,
        "arn:aws:states:eu-west-1:123456789012:stateMachine:m"
    );
    let china = svc.scope("cn-north-1").arn("activity", "a");
    assert_eq!(
        china,
        "arn:aws-cn:states:cn-north-1:123456789012:activity:a"
    );
}

#[test]
fn activities_are_created_once_per_name() {
    let svc = service();
    let first = svc
        .create_activity(REGION, "work", vec![("k".into(), "v".into())], None)
        .unwrap();
    assert_eq!(
        first.arn,
        "arn:aws:states:us-east-1:123456789012:activity:work"
    );
    let second = svc
        .create_activity(REGION, "work", vec![("other".into(), "tags".into())], None)
        .unwrap();
    assert_eq!(second, first);
    assert_eq!(
        error(svc.create_activity(
            REGION,
            "work",
            Vec::new(),
            Some(&json!({"type": "CUSTOMER_MANAGED_KMS_KEY", "kmsKeyId": "k"}))
        ))
        .0,
        "ActivityAlreadyExists"
    );
    assert_eq!(
        svc.describe_activity(REGION, &first.arn)
            .unwrap()
            .encryption_configuration,
        Some(json!({"type": "AWS_OWNED_KEY"}))
    );
    svc.delete_activity(REGION, &first.arn).unwrap();
    svc.delete_activity(REGION, &first.arn).unwrap();
    assert_eq!(
        error(svc.describe_activity(REGION, &first.arn)),
        (
            "ActivityDoesNotExist".into(),
            format!("Activity Does Not Exist: '{}'", first.arn)
        )
    );
    assert_eq!(
        error(svc.describe_activity(REGION, "no_an_activity_arn")),
        invalid_arn_prefix("no_an_activity_arn")
    );
}

#[test]
fn tags_merge_and_stop_at_fifty() {
    let svc = service();
    let arn = create(&svc, "m", true);
    let tag = |k: &str, v: &str| (k.to_string(), v.to_string());
    svc.tag_resource(
        REGION,
        &arn,
        vec![tag("key1", "value1"), tag("key1", "value1")],
    )
    .unwrap();
    svc.tag_resource(REGION, &arn, vec![tag("key2", ""), tag("key1", "new")])
        .unwrap();
    assert_eq!(
        svc.list_tags_for_resource(REGION, &arn).unwrap(),
        vec![tag("key1", "new"), tag("key2", "")]
    );
    svc.untag_resource(REGION, &arn, &["key1".into(), "absent".into()])
        .unwrap();
    assert_eq!(
        svc.list_tags_for_resource(REGION, &arn).unwrap(),
        vec![tag("key2", "")]
    );
    let many: Vec<_> = (0..50).map(|i| tag(&format!("k{i}"), "v")).collect();
    assert_eq!(error(svc.tag_resource(REGION, &arn, many)).0, "TooManyTags");
    let version = format!("{arn}:1");
    assert_eq!(
        error(svc.tag_resource(REGION, &version, vec![tag("key1", "value1")])),
        (
            "ResourceNotFound".into(),
            format!("Resource not found: '{version}'")
        )
    );
    let activity = svc.create_activity(REGION, "a", Vec::new(), None).unwrap();
    svc.tag_resource(REGION, &activity.arn, vec![tag("t", "1")])
        .unwrap();
    assert_eq!(
        svc.list_tags_for_resource(REGION, &activity.arn).unwrap(),
        vec![tag("t", "1")]
    );
}

#[test]
fn configurations_are_checked_and_described_with_their_defaults() {
    let svc = service();
    let result = svc.create_state_machine(CreateStateMachine {
        region: REGION.into(),
        name: "m".into(),
        definition: definition("v0"),
        role_arn: ROLE.into(),
        machine_type: MachineType::Standard,
        configurations: Configurations {
            logging: Some(json!({"level": "ALL"})),
            ..Default::default()
        },
        ..Default::default()
    });
    assert_eq!(
        error(result),
        (
            "InvalidLoggingConfiguration".into(),
            "Invalid Logging Configuration: Must specify exactly one Log Destination.".into()
        )
    );
    let arn = create(&svc, "m", false);
    let described = svc.describe_state_machine(REGION, &arn).unwrap();
    assert_eq!(
        described.configurations,
        Configurations {
            logging: json!({"level": "OFF", "includeExecutionData": false}),
            tracing: json!({"enabled": false}),
            encryption: json!({"type": "AWS_OWNED_KEY"}),
        }
    );
    assert_eq!(described.status, "ACTIVE");
    assert_eq!(described.variable_references, None);
    // Turning tracing on is a change, and so a new revision.
    let updated = svc
        .update_state_machine(UpdateStateMachine {
            region: REGION.into(),
            arn: arn.clone(),
            configurations: Configurations {
                tracing: Some(json!({"enabled": true})),
                ..Default::default()
            },
            ..Default::default()
        })
        .unwrap();
    assert!(updated.revision_id.is_some());
}

#[test]
fn map_runs_do_not_exist() {
    let svc = service();
    let arn = "arn:aws:states:us-east-1:123456789012:mapRun:m/label:0000";
    let error = svc.no_such_map_run(arn);
    assert_eq!(
        (error.code.as_str(), error.message),
        ("ResourceNotFound", format!("Resource not found: '{arn}'"))
    );
    assert_eq!(svc.no_such_map_run("nope").code, "InvalidArn");
    let missing = "arn:aws:states:us-east-1:123456789012:execution:m:e";
    assert_eq!(
        error_code(svc.list_map_runs(REGION, missing)),
        "ExecutionDoesNotExist"
    );
}

fn error_code<T: std::fmt::Debug>(result: Result<T, ServiceError>) -> &'static str {
    result.unwrap_err().code.as_str()
}

#[test]
fn a_state_machine_with_running_executions_is_deleting_until_they_end() {
    let store = Arc::new(store::MemoryStore::new());
    let svc = Service::new(
        Config {
            account_id: "123456789012".into(),
            default_region: REGION.into(),
        },
        store.clone(),
        Arc::new(TickingClock(1_700_000_000_000.into())),
    );
    let arn = create(&svc, "m", false);
    let mut execution = engine::ExecutionRecord {
        arn: "arn:aws:states:us-east-1:123456789012:execution:m:e".into(),
        state_machine_arn: arn.clone(),
        name: "e".into(),
        status: "RUNNING".into(),
        start_ms: 0,
        stop_ms: None,
        input: "{}".into(),
        output: None,
        error: None,
        cause: None,
        machine_type: "STANDARD".into(),
        definition: definition("v0"),
        role_arn: ROLE.into(),
        trace_header: None,
        redrive: Default::default(),
        version_arn: None,
        alias_arn: None,
        revision_id: None,
        mocks: None,
    };
    store::Store::insert_execution(store.as_ref(), execution.clone()).unwrap();
    svc.delete_state_machine(REGION, &arn).unwrap();
    assert_eq!(
        svc.describe_state_machine(REGION, &arn).unwrap().status,
        "DELETING"
    );
    assert_eq!(
        error(svc.resolve_execution_target(REGION, &arn)).0,
        "StateMachineDeleting"
    );
    svc.finish_deleting_state_machine(&arn).unwrap();
    assert!(svc.describe_state_machine(REGION, &arn).is_ok());
    execution.status = "SUCCEEDED".into();
    store::Store::update_execution(store.as_ref(), execution).unwrap();
    svc.finish_deleting_state_machine(&arn).unwrap();
    assert_eq!(
        error(svc.describe_state_machine(REGION, &arn)).0,
        "StateMachineDoesNotExist"
    );
}
