//! The values rules compare: Java-ordered strings, `StringMatches` patterns and timestamps.

use std::cmp::Ordering;

use chrono::NaiveDate;

/// Orders strings as Java's `String.compareTo` does: by UTF-16 code units.
///
/// UTF-8 byte order is code point order, which agrees with UTF-16 order except where the first
/// difference is between a character in U+E000..=U+FFFF (lead byte 0xEE or 0xEF) and a
/// supplementary character (lead byte 0xF0..=0xF4, encoded as surrogates 0xD800..=0xDFFF in UTF-16,
/// which sort before U+E000).
pub fn compare_strings(left: &str, right: &str) -> Ordering {
    let first_difference = left
        .bytes()
        .zip(right.bytes())
        .find(|(left_byte, right_byte)| left_byte != right_byte);
    match first_difference {
        Some((left_byte, right_byte)) => {
            let high_bmp = |byte: u8| (0xEE..=0xEF).contains(&byte);
            let supplementary = |byte: u8| byte >= 0xF0;
            if (high_bmp(left_byte) && supplementary(right_byte))
                || (supplementary(left_byte) && high_bmp(right_byte))
            {
                right_byte.cmp(&left_byte)
            } else {
                left_byte.cmp(&right_byte)
            }
        }
        None => left.len().cmp(&right.len()),
    }
}

/// A `StringMatches` pattern: `*` matches any run of characters (including none), `\*` a literal
/// star and `\\` a literal backslash. No other character is special; a backslash before any other
/// character makes that character literal, and a trailing backslash stands for itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WildcardPattern {
    /// The literal text between the stars: one more piece than there are stars.
    pieces: Vec<String>,
}

impl WildcardPattern {
    pub fn parse(pattern: &str) -> WildcardPattern {
        let mut pieces = Vec::new();
        let mut piece = String::new();
        let mut characters = pattern.chars();
        while let Some(character) = characters.next() {
            match character {
                '\\' => piece.push(characters.next().unwrap_or('\\')),
                '*' => pieces.push(std::mem::take(&mut piece)),
                _ => piece.push(character),
            }
        }
        pieces.push(piece);
        WildcardPattern { pieces }
    }

    pub fn matches(&self, text: &str) -> bool {
        let (first, rest) = match self.pieces.split_first() {
            Some(split) => split,
            None => return text.is_empty(),
        };
        let Some((last, middle)) = rest.split_last() else {
            return text == first;
        };
        let Some(mut remaining) = text.strip_prefix(first.as_str()) else {
            return false;
        };
        // With only `*` as a wildcard, taking each middle piece at its leftmost occurrence
        // leaves the most room for the rest, so no backtracking is needed.
        for piece in middle {
            match remaining.find(piece.as_str()) {
                Some(index) => remaining = &remaining[index + piece.len()..],
                None => return false,
            }
        }
        remaining.ends_with(last.as_str())
    }
}

/// An instant parsed from a timestamp string, ordered by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Seconds since 1970-01-01T00:00:00Z.
    seconds: i64,
    nanoseconds: u32,
}

impl Timestamp {
    /// Seconds since the Unix epoch (the fraction is in [`Timestamp::subsec_nanos`]).
    pub fn unix_seconds(&self) -> i64 {
        self.seconds
    }
    pub fn subsec_nanos(&self) -> u32 {
        self.nanoseconds
    }
}

/// Parses a timestamp as Choice rules accept it: RFC 3339 with an uppercase `T` between date and
/// time and either an uppercase `Z` or a numeric `±HH:MM` offset, e.g. `2016-08-18T17:33:00Z`,
/// `2016-08-18T17:33:00.123456+01:00`. Seconds are required; a fraction has 1 to 9 digits.
/// Dates and times must exist (no February 30th, no hour 24, no leap second 60), and offsets are
/// at most 18 hours, as in `java.time`.
pub fn parse_timestamp(text: &str) -> Option<Timestamp> {
    let bytes = text.as_bytes();
    let number = |start: usize, length: usize| -> Option<u32> {
        let digits = bytes.get(start..start + length)?;
        digits.iter().try_fold(0u32, |value, &byte| {
            byte.is_ascii_digit()
                .then(|| value * 10 + u32::from(byte - b'0'))
        })
    };
    let separator = |index: usize, expected: u8| bytes.get(index) == Some(&expected);
    if !(separator(4, b'-')
        && separator(7, b'-')
        && separator(10, b'T')
        && separator(13, b':')
        && separator(16, b':'))
    {
        return None;
    }
    let year = number(0, 4)?;
    let month = number(5, 2)?;
    let day = number(8, 2)?;
    let hour = number(11, 2)?;
    let minute = number(14, 2)?;
    let second = number(17, 2)?;
    let mut index = 19;
    let mut nanoseconds = 0;
    if separator(index, b'.') {
        index += 1;
        let digits = bytes[index..]
            .iter()
            .take_while(|byte| byte.is_ascii_digit())
            .count();
        if !(1..=9).contains(&digits) {
            return None;
        }
        let fraction = number(index, digits)?;
        nanoseconds = fraction * 10u32.pow(9 - digits as u32);
        index += digits;
    }
    let offset_seconds = match bytes.get(index..)? {
        b"Z" => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let offset_hours = number(index + 1, 2)?;
            let offset_minutes = number(index + 4, 2)?;
            if offset_minutes > 59 || offset_hours * 60 + offset_minutes > 18 * 60 {
                return None;
            }
            let magnitude = i64::from(offset_hours * 3600 + offset_minutes * 60);
            if *sign == b'-' {
                -magnitude
            } else {
                magnitude
            }
        }
        _ => return None,
    };
    let local = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?
        .and_hms_opt(hour, minute, second)?;
    Some(Timestamp {
        seconds: local.and_utc().timestamp() - offset_seconds,
        nanoseconds,
    })
}
