//! Tags on state machines and activities.

use store::Tag;

use super::Catalog;
use crate::service::arns::{parse_states_arn, resource_not_found, resource_type_not_valid};
use crate::service::{ErrorCode, Result, ServiceError};

/// AWS's limit of tags per resource.
pub const MAX_TAGS_PER_RESOURCE: usize = 50;

pub(super) fn check_tag_count(count: usize) -> Result<()> {
    if count > MAX_TAGS_PER_RESOURCE {
        // AWS's description of the error (no recorded case shows its message).
        return Err(ServiceError::new(
            ErrorCode::TooManyTags,
            "You've exceeded the number of tags allowed for a resource. See the Limits Topic in the AWS Step Functions Developer Guide.",
        ));
    }
    Ok(())
}

/// `existing` with `added` set on it: a key already there takes the new value in place, a new
/// key goes last, and of a key given twice the last value wins.
pub(super) fn merge_tags(mut existing: Vec<Tag>, added: Vec<Tag>) -> Vec<Tag> {
    for (key, value) in added {
        match existing.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => existing.push((key, value)),
        }
    }
    existing
}

/// Which resource a tagging call names.
enum Taggable {
    StateMachine(Box<store::StateMachineRecord>),
    Activity(store::ActivityRecord),
}

impl Catalog {
    /// The state machine or activity `arn` names. Versions, aliases and what does not exist are
    /// `Resource not found` as AWS words it.
    fn taggable(&self, region: &str, arn: &str) -> Result<Taggable> {
        let parsed = parse_states_arn(arn)?;
        let found = match parsed.resource_type {
            "stateMachine" | "activity" if !self.scope(region).owns(&parsed) => None,
            "stateMachine" => self
                .store
                .get_state_machine(arn)?
                .map(|machine| Taggable::StateMachine(Box::new(machine))),
            "activity" => self.store.get_activity(arn)?.map(Taggable::Activity),
            other => return Err(resource_type_not_valid(other)),
        };
        found.ok_or_else(|| resource_not_found(arn))
    }

    fn store_tags(&self, resource: Taggable) -> Result<()> {
        match resource {
            Taggable::StateMachine(machine) => self.store.update_state_machine(*machine)?,
            Taggable::Activity(activity) => self.store.update_activity(activity)?,
        }
        Ok(())
    }

    /// TagResource: adds tags, replacing the values of keys already set.
    pub fn tag_resource(&self, region: &str, arn: &str, tags: Vec<Tag>) -> Result<()> {
        let _catalog = self.lock();
        let mut resource = self.taggable(region, arn)?;
        let current = match &mut resource {
            Taggable::StateMachine(machine) => &mut machine.tags,
            Taggable::Activity(activity) => &mut activity.tags,
        };
        let merged = merge_tags(std::mem::take(current), tags);
        check_tag_count(merged.len())?;
        *current = merged;
        self.store_tags(resource)
    }

    /// UntagResource: removes the tags with these keys (keys not set are ignored).
    pub fn untag_resource(&self, region: &str, arn: &str, keys: &[String]) -> Result<()> {
        let _catalog = self.lock();
        let mut resource = self.taggable(region, arn)?;
        let current = match &mut resource {
            Taggable::StateMachine(machine) => &mut machine.tags,
            Taggable::Activity(activity) => &mut activity.tags,
        };
        current.retain(|(key, _)| !keys.contains(key));
        self.store_tags(resource)
    }

    /// ListTagsForResource, in the order the tags were first set.
    pub fn list_tags_for_resource(&self, region: &str, arn: &str) -> Result<Vec<Tag>> {
        Ok(match self.taggable(region, arn)? {
            Taggable::StateMachine(machine) => machine.tags,
            Taggable::Activity(activity) => activity.tags,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{check_tag_count, merge_tags};
    use store::Tag;

    fn tag(key: &str, value: &str) -> Tag {
        (key.to_string(), value.to_string())
    }

    #[test]
    fn merging_replaces_values_in_place_and_appends_new_keys() {
        let merged = merge_tags(
            vec![tag("a", "1"), tag("b", "2")],
            vec![tag("b", "3"), tag("c", "4"), tag("c", "5")],
        );
        assert_eq!(merged, vec![tag("a", "1"), tag("b", "3"), tag("c", "5")]);
    }

    #[test]
    fn more_than_fifty_tags_are_too_many() {
        assert!(check_tag_count(50).is_ok());
        assert_eq!(check_tag_count(51).unwrap_err().code, "TooManyTags");
    }
}
