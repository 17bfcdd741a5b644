//! `States.Base64Encode`, `States.Base64Decode` and `States.Hash`.

use base64::Engine as _;
use sha2::Digest as _;

use super::{InvalidArgument, MAX_TEXT_LENGTH};

/// `States.Base64Encode`: standard Base64, with padding, of the UTF-8 bytes of `text`.
pub fn base64_encode(text: &str) -> Result<String, InvalidArgument> {
    check_text_length(text)?;
    Ok(base64::engine::general_purpose::STANDARD.encode(text))
}

/// `States.Base64Decode`, as lenient as AWS: characters outside the Base64 alphabets (standard
/// and URL-safe) are skipped, decoding stops at the first `=`, and a trailing partial group yields
/// the bytes it completes. Bytes that are not UTF-8 become U+FFFD.
pub fn base64_decode(text: &str) -> Result<String, InvalidArgument> {
    check_text_length(text)?;
    let mut bytes = Vec::with_capacity(text.len() / 4 * 3 + 2);
    let mut group: u32 = 0;
    let mut group_len = 0;
    for byte in text.bytes() {
        if byte == b'=' {
            break;
        }
        let Some(sextet) = base64_sextet(byte) else {
            continue;
        };
        group = (group << 6) | u32::from(sextet);
        group_len += 1;
        if group_len == 4 {
            bytes.extend_from_slice(&[(group >> 16) as u8, (group >> 8) as u8, group as u8]);
            group = 0;
            group_len = 0;
        }
    }
    match group_len {
        2 => bytes.push((group >> 4) as u8),
        3 => bytes.extend_from_slice(&[(group >> 10) as u8, (group >> 2) as u8]),
        _ => {}
    }
    Ok(match String::from_utf8(bytes) {
        Ok(decoded) => decoded,
        Err(error) => String::from_utf8_lossy(error.as_bytes()).into_owned(),
    })
}

fn base64_sextet(byte: u8) -> Option<u8> {
    match byte {
        b'A'..=b'Z' => Some(byte - b'A'),
        b'a'..=b'z' => Some(byte - b'a' + 26),
        b'0'..=b'9' => Some(byte - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

/// AWS limits texts to 10,000 Java characters (UTF-16 code units).
fn check_text_length(text: &str) -> Result<(), InvalidArgument> {
    // A UTF-8 text never has more UTF-16 units than bytes: count only when it might be too long.
    if text.len() > MAX_TEXT_LENGTH && text.encode_utf16().count() > MAX_TEXT_LENGTH {
        return Err(InvalidArgument::TextTooLong);
    }
    Ok(())
}

/// The names `States.Hash` accepts, exactly as written.
pub const HASH_ALGORITHMS: [&str; 5] = ["MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"];

/// `States.Hash` / `$hash`: the lowercase hexadecimal digest of the UTF-8 bytes of `data`.
pub fn hash(data: &str, algorithm: &str) -> Result<String, InvalidArgument> {
    check_text_length(data)?;
    let bytes = data.as_bytes();
    Ok(match algorithm {
        "MD5" => hex(&md5::Md5::digest(bytes)),
        "SHA-1" => hex(&sha1::Sha1::digest(bytes)),
        "SHA-256" => hex(&sha2::Sha256::digest(bytes)),
        "SHA-384" => hex(&sha2::Sha384::digest(bytes)),
        "SHA-512" => hex(&sha2::Sha512::digest(bytes)),
        _ => return Err(InvalidArgument::UnsupportedAlgorithm),
    })
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}
