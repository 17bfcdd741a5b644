//! What the unit tests of several modules share.

use chrono::{DateTime, SecondsFormat};

use serde_json::json;

use crate::{Environment, Value};

/// JSON texts and the values `States.StringToJson` and `$parse` read from them, as recorded
/// (test_string_to_json exec_hist_resp_0..9 and the JSONata `$parse` cases).
pub(crate) fn json_text_cases() -> Vec<(&'static str, Value)> {
    vec![
        ("-0", json!(0)),
        ("1", json!(1)),
        ("1.1", json!(1.1)),
        ("true", json!(true)),
        ("\"HelloWorld\"", json!("HelloWorld")),
        ("[1, 2, \"HelloWorld\"]", json!([1, 2, "HelloWorld"])),
        (
            "{\"Arg1\": 1, \"Arg2\": []}",
            json!({"Arg1": 1, "Arg2": []}),
        ),
    ]
}

/// A deterministic environment that counts what it hands out: UUIDs count up from
/// `…000000000001`, `random()` is `random`, the clock stands at `millis`.
pub(crate) struct FixedEnvironment {
    pub random: f64,
    pub millis: i64,
    pub uuids: u32,
    pub randoms: u32,
    pub clock_reads: u32,
}

impl FixedEnvironment {
    /// Randomness 0.5, the clock at 2024-01-01T00:00:00.000Z.
    pub fn new() -> Self {
        FixedEnvironment {
            random: 0.5,
            millis: 1_704_067_200_000,
            uuids: 0,
            randoms: 0,
            clock_reads: 0,
        }
    }
}

impl Environment for FixedEnvironment {
    fn uuid(&mut self) -> String {
        self.uuids += 1;
        format!("00000000-0000-4000-8000-{:012}", self.uuids)
    }
    fn random(&mut self) -> f64 {
        self.randoms += 1;
        self.random
    }
    fn now_iso(&mut self) -> String {
        DateTime::from_timestamp_millis(self.millis)
            .unwrap_or_default()
            .to_rfc3339_opts(SecondsFormat::Millis, true)
    }
    fn now_millis(&mut self) -> i64 {
        self.clock_reads += 1;
        self.millis
    }
}
