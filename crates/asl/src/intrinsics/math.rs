//! `States.MathAdd` and `States.MathRandom`, with `java.util.Random` for seeded draws.

use serde_json::Number;

use super::{fits_int32, InvalidArgument};
use crate::Environment;

/// `States.MathAdd`: both operands rounded half up (as Java's `Math.round`) then added; operands
/// and sum must fit in 32 bits.
pub fn math_add(left: &Number, right: &Number) -> Result<i64, InvalidArgument> {
    let sum = rounded_int32(left)? + rounded_int32(right)?;
    if fits_int32(sum) {
        Ok(sum)
    } else {
        Err(InvalidArgument::OutOfIntegerRange)
    }
}

fn rounded_int32(number: &Number) -> Result<i64, InvalidArgument> {
    let rounded = match number.as_i64() {
        Some(int) => int,
        None => {
            let float = number.as_f64().ok_or(InvalidArgument::OutOfIntegerRange)?;
            let floor = float.floor();
            // Ties go up, toward positive infinity: -1.5 → -1, 2.5 → 3.
            let rounded = if float - floor >= 0.5 {
                floor + 1.0
            } else {
                floor
            };
            if !rounded.is_finite() || rounded.abs() > i64::MAX as f64 {
                return Err(InvalidArgument::OutOfIntegerRange);
            }
            rounded as i64
        }
    };
    if fits_int32(rounded) {
        Ok(rounded)
    } else {
        Err(InvalidArgument::OutOfIntegerRange)
    }
}

/// `States.MathRandom`: an integer in [`start`, `end`). With a seed, the number
/// `java.util.Random(seed).nextInt(end - start)` gives, as on AWS; without one, drawn from `env`.
pub fn math_random(
    start: i64,
    end: i64,
    seed: Option<i64>,
    env: &mut dyn Environment,
) -> Result<i64, InvalidArgument> {
    if !fits_int32(start) || !fits_int32(end) {
        return Err(InvalidArgument::OutOfIntegerRange);
    }
    if end <= start {
        return Err(InvalidArgument::EmptyRange);
    }
    let span = i32::try_from(end - start).map_err(|_| InvalidArgument::OutOfIntegerRange)?;
    let offset = match seed {
        Some(seed) => i64::from(JavaRandom::new(seed).next_int(span)),
        None => {
            let drawn = (env.random() * f64::from(span)).floor() as i64;
            drawn.clamp(0, i64::from(span) - 1)
        }
    };
    Ok(start + offset)
}

/// `$random(seed)`: the fraction in [0, 1) that `java.util.Random(seed).nextDouble()` gives.
pub fn seeded_random_fraction(seed: i64) -> f64 {
    JavaRandom::new(seed).next_double()
}

/// `java.util.Random`'s 48-bit linear congruential generator, so that seeded numbers are AWS's.
pub(super) struct JavaRandom {
    state: u64,
}

impl JavaRandom {
    const MULTIPLIER: u64 = 0x5_DEEC_E66D;
    const MASK: u64 = (1 << 48) - 1;

    pub(super) fn new(seed: i64) -> Self {
        JavaRandom {
            state: (seed as u64 ^ Self::MULTIPLIER) & Self::MASK,
        }
    }

    pub(super) fn next(&mut self, bits: u32) -> i32 {
        self.state = (self.state.wrapping_mul(Self::MULTIPLIER).wrapping_add(0xB)) & Self::MASK;
        (self.state >> (48 - bits)) as i32
    }

    /// `nextInt(bound)` for `bound > 0`, rejection loop included.
    pub(super) fn next_int(&mut self, bound: i32) -> i32 {
        let bound = bound.max(1);
        let mut candidate = self.next(31);
        let max_index = bound - 1;
        if bound & max_index == 0 {
            return ((i64::from(bound) * i64::from(candidate)) >> 31) as i32;
        }
        loop {
            let value = candidate % bound;
            if candidate
                .checked_sub(value)
                .and_then(|base| base.checked_add(max_index))
                .is_some()
            {
                return value;
            }
            candidate = self.next(31);
        }
    }

    pub(super) fn next_double(&mut self) -> f64 {
        let high = i64::from(self.next(26));
        let low = i64::from(self.next(27));
        ((high << 27) + low) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}
