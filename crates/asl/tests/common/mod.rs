//! What the integration tests share.

use asl::Environment;

/// An environment with fixed answers: one UUID, randomness 0.5, the clock at
/// 2024-01-01T00:00:00.000Z.
pub struct FixedEnvironment;

impl Environment for FixedEnvironment {
    fn uuid(&mut self) -> String {
        "00000000-0000-4000-8000-000000000000".to_string()
    }
    fn random(&mut self) -> f64 {
        0.5
    }
    fn now_iso(&mut self) -> String {
        "2024-01-01T00:00:00.000Z".to_string()
    }
    fn now_millis(&mut self) -> i64 {
        1_704_067_200_000
    }
}
