//! Activities as resources: create, describe, delete, list. (Their task queue belongs to the
//! executions side.)

use serde_json::Value;
use store::{ActivityRecord, Tag};

use super::{tags, Catalog};
use crate::service::arns::{activity_does_not_exist, parse_typed_arn};
use crate::service::configuration;
use crate::service::{ErrorCode, Result, ServiceError};

impl Catalog {
    /// CreateActivity, idempotent by name: a repeated create answers the existing activity and
    /// ignores different tags (as AWS does), but may not change the encryption configuration.
    pub fn create_activity(
        &self,
        region: &str,
        name: &str,
        tags: Vec<Tag>,
        encryption_configuration: Option<&Value>,
    ) -> Result<ActivityRecord> {
        let tags = tags::merge_tags(Vec::new(), tags);
        tags::check_tag_count(tags.len())?;
        let encryption = configuration::encryption(encryption_configuration)?;
        let arn = self.scope(region).arn("activity", name);
        let _catalog = self.lock();
        if let Some(existing) = self.store.get_activity(&arn)? {
            if existing.encryption_configuration.as_ref() != Some(&encryption) {
                // Our wording: no recorded case shows AWS's message for this error.
                return Err(ServiceError::new(
                    ErrorCode::ActivityAlreadyExists,
                    format!("Activity Already Exists: '{arn}'"),
                ));
            }
            return Ok(existing);
        }
        let activity = ActivityRecord {
            arn,
            name: name.to_string(),
            creation_ms: self.clock.now_ms(),
            encryption_configuration: Some(encryption),
            tags,
        };
        self.store.insert_activity(activity.clone())?;
        Ok(activity)
    }

    /// DescribeActivity; also what GetActivityTask should check an activity ARN with (InvalidArn,
    /// ActivityDoesNotExist as AWS words them).
    pub fn describe_activity(&self, region: &str, arn: &str) -> Result<ActivityRecord> {
        let parsed = parse_typed_arn(arn, "activity")?;
        if !self.scope(region).owns(&parsed) {
            return Err(activity_does_not_exist(arn));
        }
        self.store
            .get_activity(arn)?
            .ok_or_else(|| activity_does_not_exist(arn))
    }

    /// DeleteActivity; deleting an activity that does not exist succeeds.
    pub fn delete_activity(&self, region: &str, arn: &str) -> Result<()> {
        let parsed = parse_typed_arn(arn, "activity")?;
        if self.scope(region).owns(&parsed) {
            let _catalog = self.lock();
            self.store.delete_activity(arn)?;
        }
        Ok(())
    }

    /// The activities of the request's account and region, in creation order.
    pub fn list_activities(&self, region: &str) -> Result<Vec<ActivityRecord>> {
        let scope = self.scope(region);
        Ok(self.store.list_activities(&scope.account, &scope.region)?)
    }
}
