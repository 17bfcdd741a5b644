//! The RFC 3339 check AWS applies to timestamps written in a definition (Wait `Timestamp`,
//! Choice `Timestamp*` comparisons): `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, with an
//! uppercase `T` and real calendar values.

pub(super) fn is_rfc3339_timestamp(text: &str) -> bool {
    let bytes = text.as_bytes();
    // The fixed part: "YYYY-MM-DDTHH:MM:SS" is 19 bytes.
    if bytes.len() < 20 {
        return false;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = bytes.get(range)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(part.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    };
    let separators_ok = bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes[10] == b'T'
        && bytes[13] == b':'
        && bytes[16] == b':';
    if !separators_ok {
        return false;
    }
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = (
        digits(0..4),
        digits(5..7),
        digits(8..10),
        digits(11..13),
        digits(14..16),
        digits(17..19),
    ) else {
        return false;
    };
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return false;
    }
    // 60 allows a leap second, as RFC 3339 does.
    if hour > 23 || minute > 59 || second > 60 {
        return false;
    }
    let mut rest = &bytes[19..];
    if let Some(fraction) = rest.strip_prefix(b".") {
        let count = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
        if count == 0 {
            return false;
        }
        rest = &fraction[count..];
    }
    match rest {
        [b'Z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => {
            let all_digits = [h1, h2, m1, m2].iter().all(|b| b.is_ascii_digit());
            all_digits
                && (h1 - b'0') * 10 + (h2 - b'0') <= 23
                && (m1 - b'0') * 10 + (m2 - b'0') <= 59
        }
        _ => false,
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::is_rfc3339_timestamp;

    #[test]
    fn accepts_rfc3339_timestamps() {
        for text in [
            "2016-03-14T01:59:00Z",
            "2016-03-14T01:59:00.123Z",
            "2016-03-14T01:59:00+01:00",
            "2016-03-14T01:59:00.5-07:30",
            "2024-02-29T00:00:00Z",
        ] {
            assert!(is_rfc3339_timestamp(text), "{text}");
        }
    }

    #[test]
    fn rejects_what_aws_rejects() {
        // The recorded test_wait_timestamp_invalid cases, and a few more.
        for text in [
            "2016-13-05T21:29:29Z",
            "05-12-2016T21:29:29Z",
            "2016-12-05T25:29:29Z",
            "{% '2016-03-14T01:59:00Z' %}",
            "2016-12-05 21:29:29Z",
            "2016-12-05T21:29:29",
            "2023-02-29T00:00:00Z",
            "2016-12-05T21:29:29.Z",
            "2016-12-05t21:29:29Z",
            "",
        ] {
            assert!(!is_rfc3339_timestamp(text), "{text}");
        }
    }
}
