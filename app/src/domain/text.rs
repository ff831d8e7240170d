//! Validated free-text values typed by people: names, subjects, descriptions.

/// Whether two names (an organisation typed at approval, one on record) are the same name:
/// spaces around and the case of ASCII letters aside.
pub fn same_name(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// A single-line text (a name, a subject): trimmed, non-empty, at most `max` characters, and free
/// of control characters (a CR or LF in a subject would split e-mail headers and CSV rows).
pub fn single_line(input: &str, what: &str, max: usize) -> Result<String, String> {
    let value = input.trim();
    if value.is_empty() {
        return Err(format!("Enter {what}."));
    }
    if value.chars().any(char::is_control) {
        return Err(format!("{} must be on one line, without control characters.", capitalise(what)));
    }
    if value.chars().count() > max {
        return Err(format!("{} must be at most {max} characters.", capitalise(what)));
    }
    Ok(value.to_string())
}

/// Multi-line text (a description, a reply): trimmed, non-empty, at most `max` characters; line
/// breaks and tabs are kept, other control characters are refused.
pub fn multi_line(input: &str, what: &str, max: usize) -> Result<String, String> {
    let value = input.trim();
    if value.is_empty() {
        return Err(format!("Enter {what}."));
    }
    if value.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(format!("{} contains control characters that cannot be stored.", capitalise(what)));
    }
    if value.chars().count() > max {
        return Err(format!("{} must be at most {max} characters.", capitalise(what)));
    }
    Ok(value.replace("\r\n", "\n"))
}

/// The words of a search, as the full-text index sees them: runs of letters and digits,
/// lower-cased, at most ten, each at most 50 characters. Punctuation and operators are dropped, so
/// nothing typed reaches the index's own query language; an empty result matches nothing.
pub fn search_terms(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase().chars().take(50).collect())
        .take(10)
        .collect()
}

/// Text made to stay on one line: every control character (a CR or LF that would start a mail
/// header of its own) becomes a space. For text that arrives from elsewhere (a mail's subject, a
/// name going into a header) and is kept rather than refused.
pub fn one_line(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// A CSV cell that a spreadsheet will show as text: one that would start a formula (`=`, `+`,
/// `-`, `@`, a tab or a carriage return) is prefixed with `'`.
pub fn spreadsheet_safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

fn capitalise(what: &str) -> String {
    let what = what.trim_start_matches("a ").trim_start_matches("an ").trim_start_matches("the ");
    let mut chars = what.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_whatever_their_case_and_spaces_around() {
        let cases = [
            ("Acme Contact Centres", "acme contact centres", true),
            ("  Acme  ", "ACME", true),
            ("Acme Pty", "Acme", false),
            ("Acme", "", false),
        ];
        for (a, b, same) in cases {
            assert_eq!(same_name(a, b), same, "{a:?} {b:?}");
        }
    }

    #[test]
    fn text_kept_on_one_line_never_breaks_a_header() {
        let cases = [
            ("Printer down\r\nBcc: everyone@example.com", "Printer down  Bcc: everyone@example.com"),
            ("tab\there", "tab here"),
            ("plain", "plain"),
        ];
        for (text, kept) in cases {
            assert_eq!(one_line(text), kept);
        }
    }

    #[test]
    fn csv_cells_never_start_a_formula() {
        let cases = [
            ("=SUM(A1)", "'=SUM(A1)"),
            ("+61 2", "'+61 2"),
            ("@cmd", "'@cmd"),
            ("-1", "'-1"),
            ("\tx", "'\tx"),
            ("Plain", "Plain"),
        ];
        for (input, expected) in cases {
            assert_eq!(spreadsheet_safe(input), expected);
        }
    }

    #[test]
    fn search_terms_cases() {
        let cases: &[(&str, &[&str])] = &[
            ("wallboard chat", &["wallboard", "chat"]),
            ("  Wallboard,  CHAT!", &["wallboard", "chat"]),
            ("e-mail", &["e", "mail"]),
            ("\"x\" OR 1=1; --", &["x", "or", "1", "1"]),
            ("NEAR(a b) * ^col:", &["near", "a", "b", "col"]),
            ("%_'\"", &[]),
            ("Café Zürich", &["café", "zürich"]),
            ("a b c d e f g h i j k l", &["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]),
        ];
        for (input, expected) in cases {
            assert_eq!(search_terms(input), *expected, "input {input:?}");
        }
        assert_eq!(search_terms(&"x".repeat(80))[0].len(), 50);
    }

    #[test]
    fn single_line_cases() {
        let cases: &[(&str, Result<&str, &str>)] = &[
            ("  Printer queue down ", Ok("Printer queue down")),
            ("", Err("Enter a subject.")),
            ("   ", Err("Enter a subject.")),
            ("line\r\nInjected: header", Err("Subject must be on one line, without control characters.")),
            ("<script>alert(1)</script>", Ok("<script>alert(1)</script>")),
        ];
        for (input, expected) in cases {
            let got = single_line(input, "a subject", 200);
            assert_eq!(got.as_deref().map_err(String::as_str), *expected, "input {input:?}");
        }
    }

    #[test]
    fn single_line_counts_characters_not_bytes() {
        assert!(single_line(&"é".repeat(10), "a name", 10).is_ok());
        assert_eq!(single_line(&"é".repeat(11), "a name", 10), Err("Name must be at most 10 characters.".to_string()));
    }

    #[test]
    fn multi_line_keeps_line_breaks_and_normalises_crlf() {
        assert_eq!(multi_line("a\r\nb\n\tc", "a description", 100), Ok("a\nb\n\tc".to_string()));
        assert!(multi_line("bell\u{7}", "a description", 100).is_err());
        assert_eq!(multi_line(" ", "a description", 100), Err("Enter a description.".to_string()));
    }
}
