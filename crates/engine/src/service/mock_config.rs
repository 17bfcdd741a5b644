//! The mock configuration file (`SFN_MOCK_CONFIG` / `--mock-config`): read when the server
//! starts, read again when it changes (a file that no longer reads keeps the configuration it
//! replaced, and says why in the log), and asked for the test case an execution started on
//! `<stateMachineArn>#<TestCase>` runs.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use crate::mocks::{MockCase, MockConfig};

use super::{ErrorCode, Result, ServiceError};

pub struct MockConfigFile {
    path: PathBuf,
    /// The configuration, and the modification time of the file it was read from.
    current: Mutex<(Option<SystemTime>, Arc<MockConfig>)>,
}

fn modified(path: &PathBuf) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn read(path: &PathBuf) -> std::result::Result<MockConfig, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the mock configuration {}: {e}", path.display()))?;
    MockConfig::parse(&text)
        .map_err(|e| format!("the mock configuration {} is invalid: {e}", path.display()))
}

impl MockConfigFile {
    /// Reads the file; the error says why it cannot be used.
    pub fn open(path: impl Into<PathBuf>) -> std::result::Result<MockConfigFile, String> {
        let path = path.into();
        let stamp = modified(&path);
        let config = read(&path)?;
        Ok(MockConfigFile {
            path,
            current: Mutex::new((stamp, Arc::new(config))),
        })
    }

    /// The configuration as the file says it now.
    fn config(&self) -> Arc<MockConfig> {
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        let stamp = modified(&self.path);
        if stamp != current.0 {
            match read(&self.path) {
                Ok(config) => {
                    tracing::info!("mock configuration {} read again", self.path.display());
                    *current = (stamp, Arc::new(config));
                }
                Err(e) => {
                    tracing::error!("{e}; the configuration read before stays in use");
                    current.0 = stamp;
                }
            }
        }
        current.1.clone()
    }

    /// The test case `test_case` of the state machine named `machine`.
    pub fn case(&self, machine: &str, test_case: &str) -> Result<MockCase> {
        self.config()
            .case(machine, test_case)
            .map_err(|e| ServiceError::new(ErrorCode::ValidationException, e))
    }
}

/// A state machine ARN with a test case (`…:stateMachine:Name#TestCase`): the ARN and the test
/// case's name.
pub fn split_test_case(arn: &str) -> (&str, Option<&str>) {
    match arn.split_once('#') {
        Some((arn, case)) => (arn, Some(case)),
        None => (arn, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_is_read_again_when_it_changes_and_a_bad_one_keeps_the_last() {
        let dir = std::env::temp_dir().join(format!("stepfn-mocks-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("MockConfigFile.json");
        let write = |cases: &str| {
            std::fs::write(
                &path,
                format!(
                    r#"{{"StateMachines": {{"M": {{"TestCases": {{{cases}}}}}}},
                        "MockedResponses": {{"R": {{"0": {{"Return": 1}}}}}}}}"#
                ),
            )
            .unwrap();
        };
        write(r#""A": {"S": "R"}"#);
        let file = MockConfigFile::open(&path).unwrap();
        assert!(file.case("M", "A").is_ok());
        assert!(file.case("M", "B").is_err());
        std::thread::sleep(std::time::Duration::from_millis(20));
        write(r#""B": {"S": "R"}"#);
        let later = SystemTime::now() + std::time::Duration::from_secs(5);
        let f = std::fs::File::options().write(true).open(&path).unwrap();
        f.set_modified(later).unwrap();
        assert!(file.case("M", "B").is_ok());
        std::fs::write(&path, "not json").unwrap();
        let f = std::fs::File::options().write(true).open(&path).unwrap();
        f.set_modified(later + std::time::Duration::from_secs(5))
            .unwrap();
        assert!(
            file.case("M", "B").is_ok(),
            "the last good configuration stays"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_test_case_follows_a_hash() {
        assert_eq!(
            split_test_case("arn:aws:states:us-east-1:1:stateMachine:M#Happy"),
            ("arn:aws:states:us-east-1:1:stateMachine:M", Some("Happy"))
        );
        assert_eq!(split_test_case("arn:x"), ("arn:x", None));
    }
}
