//! The `Label` of a Map state (the prefix of its map run and child execution names).
//!
//! The recorded behaviour for a bad label is not a `SCHEMA_VALIDATION_FAILED` diagnostic: the
//! definition is rejected by the definition parser, with a message that names the problem the
//! way Python prints an exception (`Error=ValueError Args=["Label contains invalid character:
//! '#'"] in definition '<the definition text>'.`). The problem text is kept as the diagnostic's
//! message and the whole sentence as its InvalidDefinition text.

/// The longest label, in characters.
const MAX_LABEL_CHARACTERS: usize = 40;

/// What is wrong with a label, if anything.
pub(super) fn label_problem(label: &str) -> Option<String> {
    if label.is_empty() {
        return Some("Label cannot be empty".to_string());
    }
    if label.chars().count() > MAX_LABEL_CHARACTERS {
        return Some(format!(
            "Label cannot exceed {MAX_LABEL_CHARACTERS} characters"
        ));
    }
    label.chars().find(|&c| is_forbidden_in_label(c)).map(|c| {
        format!(
            "Label contains invalid character: {}",
            python_repr(&c.to_string())
        )
    })
}

/// The InvalidDefinition message for a label problem found in `definition`.
pub(super) fn parser_error_text(problem: &str, definition: &str) -> String {
    format!(
        "Error=ValueError Args=[{}] in definition '{definition}'.",
        python_repr(problem)
    )
}

/// White space, brackets, wildcards, the special characters AWS excludes from names, and
/// the control characters U+0000–U+001F and U+007F–U+009F.
fn is_forbidden_in_label(c: char) -> bool {
    matches!(
        c,
        ' ' | '<'
            | '>'
            | '{'
            | '}'
            | '['
            | ']'
            | '?'
            | '*'
            | '"'
            | '#'
            | '%'
            | '\\'
            | '^'
            | '|'
            | '~'
            | '`'
            | '$'
            | '&'
            | ','
            | ';'
            | ':'
    ) || matches!(c as u32, 0x00..=0x1f | 0x7f..=0x9f)
}

/// Python's `repr()` of a string: single quotes unless the text holds a single quote and no
/// double quote, backslash escapes for the quote, backslash and non-printable characters.
pub(super) fn python_repr(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if is_python_printable(c) => out.push(c),
            c => {
                let code = c as u32;
                if code <= 0xff {
                    out.push_str(&format!("\\x{code:02x}"));
                } else if code <= 0xffff {
                    out.push_str(&format!("\\u{code:04x}"));
                } else {
                    out.push_str(&format!("\\U{code:08x}"));
                }
            }
        }
    }
    out.push(quote);
    out
}

/// Python's `str.isprintable()` for one character: false for controls, separators other than
/// the space, format characters and private-use characters. (Unassigned code points, which
/// Python also escapes, would need the Unicode tables and are left printable.)
fn is_python_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    let code = c as u32;
    let separator = matches!(
        code,
        0xa0 | 0x1680 | 0x2000..=0x200a | 0x2028 | 0x2029 | 0x202f | 0x205f | 0x3000
    );
    let format = matches!(
        code,
        0xad | 0x600..=0x605
            | 0x61c
            | 0x6dd
            | 0x70f
            | 0x180e
            | 0x200b..=0x200f
            | 0x202a..=0x202e
            | 0x2060..=0x2064
            | 0x2066..=0x206f
            | 0xfeff
            | 0xfff9..=0xfffb
            | 0xe0001
            | 0xe0020..=0xe007f
    );
    let private_use = matches!(code, 0xe000..=0xf8ff | 0xf0000..=0xffffd | 0x100000..=0x10fffd);
    !(c.is_control() || separator || format || private_use)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_labels() {
        assert_eq!(label_problem("label_ok-1.x"), None);
        assert_eq!(label_problem(&"a".repeat(40)), None);
        assert_eq!(label_problem("étiquette/ü"), None);
    }

    #[test]
    fn names_the_problem_as_recorded() {
        assert_eq!(label_problem("").as_deref(), Some("Label cannot be empty"));
        assert_eq!(
            label_problem(&"1".repeat(41)).as_deref(),
            Some("Label cannot exceed 40 characters")
        );
        assert_eq!(
            label_problem("label_#").as_deref(),
            Some("Label contains invalid character: '#'")
        );
        assert_eq!(
            label_problem("label_\u{9f}").as_deref(),
            Some("Label contains invalid character: '\\x9f'")
        );
        assert_eq!(
            label_problem("label_\n").as_deref(),
            Some("Label contains invalid character: '\\n'")
        );
    }

    #[test]
    fn quotes_like_python() {
        assert_eq!(
            python_repr("Label cannot be empty"),
            "'Label cannot be empty'"
        );
        assert_eq!(
            python_repr("Label contains invalid character: '#'"),
            "\"Label contains invalid character: '#'\""
        );
        assert_eq!(
            python_repr("Label contains invalid character: '\"'"),
            "'Label contains invalid character: \\'\"\\''"
        );
        assert_eq!(python_repr("a\\b"), "'a\\\\b'");
        assert_eq!(
            python_repr("\u{7f}\u{2028}\u{1F600}"),
            "'\\x7f\\u2028\u{1F600}'"
        );
    }

    #[test]
    fn formats_the_parser_error() {
        assert_eq!(
            parser_error_text("Label cannot be empty", "{\"x\": 1}"),
            "Error=ValueError Args=['Label cannot be empty'] in definition '{\"x\": 1}'."
        );
    }
}
