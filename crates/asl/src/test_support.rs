//! What the unit tests of several modules share.

use chrono::{DateTime, SecondsFormat};

use crate::Environment;

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
