//! The catalog: the resources users create and name (state machines, their versions and aliases,
//! activities) as opposed to the runtime records of executions.
//!
//! Every record carries its ARN, and the ARN carries the account and region: listing takes both so
//! that each account and region sees only its own resources.

use asl::arn::Arn;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Result;

/// A resource tag, in the order it was first set.
pub type Tag = (String, String);

/// The logging, tracing and encryption configurations of a state machine revision: they travel
/// together from the request to the record and its versions. `T` is `Option<Value>` where each may
/// be missing (a request; a record, where they are always filled in but may predate that) and
/// `Value` once the defaults are filled in. A record keeps them as its own members (flattened:
/// the stored JSON names `logging_configuration`, … beside the record's other members).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Configurations<T = Option<Value>> {
    #[serde(rename = "logging_configuration")]
    pub logging: T,
    #[serde(rename = "tracing_configuration")]
    pub tracing: T,
    #[serde(rename = "encryption_configuration")]
    pub encryption: T,
}

impl<T> Configurations<T> {
    /// Each configuration through `f`, in the order logging, tracing, encryption.
    pub fn map<U>(self, mut f: impl FnMut(T) -> U) -> Configurations<U> {
        Configurations {
            logging: f(self.logging),
            tracing: f(self.tracing),
            encryption: f(self.encryption),
        }
    }
}

/// A state machine (its current revision) as DescribeStateMachine shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateMachineRecord {
    pub arn: String,
    pub name: String,
    pub definition: String,
    pub role_arn: String,
    /// STANDARD or EXPRESS.
    pub machine_type: String,
    pub creation_ms: i64,
    /// When the current revision was made (the creation time until the first update).
    pub update_ms: i64,
    /// ACTIVE, or DELETING while executions still run after DeleteStateMachine.
    pub status: String,
    /// The configurations as DescribeStateMachine returns them (defaults filled in).
    #[serde(flatten)]
    pub configurations: Configurations,
    /// None until an update changes something: AWS's first revision has no id.
    pub revision_id: Option<String>,
    pub tags: Vec<Tag>,
    /// The highest version number ever published (numbers are never reused).
    pub last_version_number: u64,
    /// Whether CreateStateMachine published version 1, and with which description: a repeated
    /// create is idempotent only with the same `publish` and `versionDescription`.
    pub published_at_creation: bool,
    pub creation_version_description: Option<String>,
}

/// A published version: a frozen copy of a state machine revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateMachineVersionRecord {
    /// `<state machine ARN>:<number>`.
    pub arn: String,
    pub state_machine_arn: String,
    pub number: u64,
    pub definition: String,
    pub role_arn: String,
    pub machine_type: String,
    #[serde(flatten)]
    pub configurations: Configurations,
    /// The revision the version was published from.
    pub revision_id: Option<String>,
    pub description: Option<String>,
    pub creation_ms: i64,
}

/// One route of an alias: a version ARN and the percentage of executions it receives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AliasRoute {
    pub version_arn: String,
    pub weight: u32,
}

/// A state machine alias: a name routing executions to one or two versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateMachineAliasRecord {
    /// `<state machine ARN>:<alias name>`.
    pub arn: String,
    pub state_machine_arn: String,
    pub name: String,
    pub description: Option<String>,
    pub routing: Vec<AliasRoute>,
    pub creation_ms: i64,
    pub update_ms: i64,
}

/// An activity: a named queue of tasks that workers poll.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityRecord {
    pub arn: String,
    pub name: String,
    pub creation_ms: i64,
    /// As DescribeActivity returns it (defaults filled in).
    pub encryption_configuration: Option<Value>,
    pub tags: Vec<Tag>,
}

/// Storage of the catalog. Writers that must read-modify-write (tags, version numbers, alias
/// routing) are serialised by the service, so these are plain reads and writes.
pub trait CatalogStore {
    fn insert_state_machine(&self, record: StateMachineRecord) -> Result<()>;
    fn update_state_machine(&self, record: StateMachineRecord) -> Result<()>;
    fn get_state_machine(&self, arn: &str) -> Result<Option<StateMachineRecord>>;
    /// Deletes the state machine with its versions and aliases.
    fn delete_state_machine(&self, arn: &str) -> Result<()>;
    /// The state machines of one account and region, in creation order.
    fn list_state_machines(&self, account: &str, region: &str) -> Result<Vec<StateMachineRecord>>;

    fn insert_state_machine_version(&self, record: StateMachineVersionRecord) -> Result<()>;
    fn get_state_machine_version(&self, arn: &str) -> Result<Option<StateMachineVersionRecord>>;
    fn delete_state_machine_version(&self, arn: &str) -> Result<()>;
    /// Newest (highest number) first.
    fn list_state_machine_versions(
        &self,
        state_machine_arn: &str,
    ) -> Result<Vec<StateMachineVersionRecord>>;

    fn insert_state_machine_alias(&self, record: StateMachineAliasRecord) -> Result<()>;
    fn update_state_machine_alias(&self, record: StateMachineAliasRecord) -> Result<()>;
    fn get_state_machine_alias(&self, arn: &str) -> Result<Option<StateMachineAliasRecord>>;
    fn delete_state_machine_alias(&self, arn: &str) -> Result<()>;
    /// In creation order.
    fn list_state_machine_aliases(
        &self,
        state_machine_arn: &str,
    ) -> Result<Vec<StateMachineAliasRecord>>;

    fn insert_activity(&self, record: ActivityRecord) -> Result<()>;
    fn update_activity(&self, record: ActivityRecord) -> Result<()>;
    fn get_activity(&self, arn: &str) -> Result<Option<ActivityRecord>>;
    fn delete_activity(&self, arn: &str) -> Result<()>;
    /// The activities of one account and region, in creation order.
    fn list_activities(&self, account: &str, region: &str) -> Result<Vec<ActivityRecord>>;
}

/// What the stores need to know of a catalog record to keep it: its kind (as stored), its ARN
/// (the key, which also names its account and region) and the state machine it belongs to.
pub(crate) trait CatalogRecord: Serialize + DeserializeOwned + Clone {
    /// The record's kind in the SQL stores' `catalog` table (stored: never rename).
    const KIND: &'static str;
    fn arn(&self) -> &str;
    /// The state machine of a version or alias: deleting the state machine deletes it too.
    fn parent(&self) -> Option<&str> {
        None
    }
}

impl CatalogRecord for StateMachineRecord {
    const KIND: &'static str = "state_machine";
    fn arn(&self) -> &str {
        &self.arn
    }
}

impl CatalogRecord for StateMachineVersionRecord {
    const KIND: &'static str = "version";
    fn arn(&self) -> &str {
        &self.arn
    }
    fn parent(&self) -> Option<&str> {
        Some(&self.state_machine_arn)
    }
}

impl CatalogRecord for StateMachineAliasRecord {
    const KIND: &'static str = "alias";
    fn arn(&self) -> &str {
        &self.arn
    }
    fn parent(&self) -> Option<&str> {
        Some(&self.state_machine_arn)
    }
}

impl CatalogRecord for ActivityRecord {
    const KIND: &'static str = "activity";
    fn arn(&self) -> &str {
        &self.arn
    }
}

/// How a store keeps the records of one kind (the memory store: a table per kind; the SQL
/// stores: rows of the `catalog` table). [`CatalogStore`] is written once over it.
pub(crate) trait RecordTable<R: CatalogRecord> {
    /// [`crate::StoreError::AlreadyExists`] when the ARN is taken.
    fn insert(&self, record: R) -> Result<()>;
    /// [`crate::StoreError::NotFound`] when there is no record with the ARN.
    fn update(&self, record: R) -> Result<()>;
    fn get(&self, arn: &str) -> Result<Option<R>>;
    fn delete(&self, arn: &str) -> Result<()>;
    /// The records of one account and region, in creation order.
    fn list_in_scope(&self, account: &str, region: &str) -> Result<Vec<R>>;
    /// The records that belong to a state machine, in creation order.
    fn list_children(&self, parent: &str) -> Result<Vec<R>>;
}

/// A store's catalog: a table for each kind of record.
pub(crate) trait CatalogTables:
    RecordTable<StateMachineRecord>
    + RecordTable<StateMachineVersionRecord>
    + RecordTable<StateMachineAliasRecord>
    + RecordTable<ActivityRecord>
{
    /// Deletes a state machine with its versions and aliases, at once.
    fn delete_with_children(&self, state_machine_arn: &str) -> Result<()>;
}

impl<T: CatalogTables> CatalogStore for T {
    fn insert_state_machine(&self, record: StateMachineRecord) -> Result<()> {
        self.insert(record)
    }
    fn update_state_machine(&self, record: StateMachineRecord) -> Result<()> {
        self.update(record)
    }
    fn get_state_machine(&self, arn: &str) -> Result<Option<StateMachineRecord>> {
        self.get(arn)
    }
    fn delete_state_machine(&self, arn: &str) -> Result<()> {
        self.delete_with_children(arn)
    }
    fn list_state_machines(&self, account: &str, region: &str) -> Result<Vec<StateMachineRecord>> {
        self.list_in_scope(account, region)
    }

    fn insert_state_machine_version(&self, record: StateMachineVersionRecord) -> Result<()> {
        self.insert(record)
    }
    fn get_state_machine_version(&self, arn: &str) -> Result<Option<StateMachineVersionRecord>> {
        self.get(arn)
    }
    fn delete_state_machine_version(&self, arn: &str) -> Result<()> {
        RecordTable::<StateMachineVersionRecord>::delete(self, arn)
    }
    fn list_state_machine_versions(
        &self,
        state_machine_arn: &str,
    ) -> Result<Vec<StateMachineVersionRecord>> {
        let mut versions: Vec<StateMachineVersionRecord> = self.list_children(state_machine_arn)?;
        versions.sort_by_key(|version| std::cmp::Reverse(version.number));
        Ok(versions)
    }

    fn insert_state_machine_alias(&self, record: StateMachineAliasRecord) -> Result<()> {
        self.insert(record)
    }
    fn update_state_machine_alias(&self, record: StateMachineAliasRecord) -> Result<()> {
        self.update(record)
    }
    fn get_state_machine_alias(&self, arn: &str) -> Result<Option<StateMachineAliasRecord>> {
        self.get(arn)
    }
    fn delete_state_machine_alias(&self, arn: &str) -> Result<()> {
        RecordTable::<StateMachineAliasRecord>::delete(self, arn)
    }
    fn list_state_machine_aliases(
        &self,
        state_machine_arn: &str,
    ) -> Result<Vec<StateMachineAliasRecord>> {
        self.list_children(state_machine_arn)
    }

    fn insert_activity(&self, record: ActivityRecord) -> Result<()> {
        self.insert(record)
    }
    fn update_activity(&self, record: ActivityRecord) -> Result<()> {
        self.update(record)
    }
    fn get_activity(&self, arn: &str) -> Result<Option<ActivityRecord>> {
        self.get(arn)
    }
    fn delete_activity(&self, arn: &str) -> Result<()> {
        RecordTable::<ActivityRecord>::delete(self, arn)
    }
    fn list_activities(&self, account: &str, region: &str) -> Result<Vec<ActivityRecord>> {
        self.list_in_scope(account, region)
    }
}

/// The account and region of the resource an ARN names: what listings are scoped by.
pub(crate) fn account_and_region(arn: &str) -> Option<(&str, &str)> {
    Arn::parse(arn).map(|arn| (arn.account, arn.region))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_and_region_come_from_the_arn() {
        assert_eq!(
            account_and_region("arn:aws:states:eu-west-1:123456789012:stateMachine:m"),
            Some(("123456789012", "eu-west-1"))
        );
        assert_eq!(account_and_region("not-an-arn"), None);
    }

    /// The stored JSON of a record keeps its configurations as members of its own, in their
    /// place (the SQL stores keep this text).
    #[test]
    fn configurations_are_stored_as_members_of_the_record() {
        let machine = crate::suite::machine("arn:aws:states:us-east-1:123456789012:stateMachine:m");
        let text = serde_json::to_string(&machine).unwrap();
        assert_eq!(
            text,
            concat!(
                r#"{"arn":"arn:aws:states:us-east-1:123456789012:stateMachine:m","name":"m","#,
                r#""definition":"{\"StartAt\":\"P\"}","role_arn":"arn:aws:iam::123456789012:role/r","#,
                r#""machine_type":"STANDARD","creation_ms":1,"update_ms":2,"status":"ACTIVE","#,
                r#""logging_configuration":{"level":"OFF"},"tracing_configuration":null,"#,
                r#""encryption_configuration":null,"revision_id":null,"tags":[["k","v"]],"#,
                r#""last_version_number":0,"published_at_creation":false,"#,
                r#""creation_version_description":null}"#
            )
        );
        let read: StateMachineRecord = serde_json::from_str(&text).unwrap();
        assert_eq!(read, machine);
        // A record stored without a configuration reads it as missing.
        let mut without = serde_json::to_value(&machine).unwrap();
        without
            .as_object_mut()
            .unwrap()
            .shift_remove("tracing_configuration");
        let read: StateMachineRecord = serde_json::from_value(without).unwrap();
        assert_eq!(read.configurations.tracing, None);
    }
}
