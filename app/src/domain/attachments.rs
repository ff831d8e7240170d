//! Files on tickets: how large they may be, what their names may hold, and which are shown in the
//! page rather than downloaded (only real images, known by their bytes, never by what the
//! uploader claimed).

/// One file: 25 MB.
pub const MAX_FILE_BYTES: u64 = 25 * 1024 * 1024;
/// Files sent with one message.
pub const MAX_FILES_PER_MESSAGE: usize = 20;
/// What one organisation may upload in a day (support time zone), all files together.
pub const MAX_DAILY_BYTES_PER_ORGANIZATION: u64 = 500 * 1024 * 1024;

/// A file name as the portal keeps it: the last part of whatever path was sent, without control
/// characters or characters file systems refuse, at most 200 characters; "file" when nothing is
/// left.
pub fn safe_file_name(sent: &str) -> String {
    let last = sent.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String =
        last.chars().filter(|c| !c.is_control() && !matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*')).collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim();
    match trimmed.is_empty() {
        true => "file".to_string(),
        false => trimmed.chars().take(200).collect(),
    }
}

/// The media type a file is served with, from its first bytes: images the browser shows inline
/// (PNG, JPEG, GIF, WebP; never SVG, which can carry script), PDF, and otherwise a download.
pub fn sniff(head: &[u8]) -> (&'static str, bool) {
    const IMAGES: [(&[u8], &str); 5] = [
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xff\xd8\xff", "image/jpeg"),
        (b"GIF87a", "image/gif"),
        (b"GIF89a", "image/gif"),
        (b"RIFF", "image/webp"),
    ];
    for (magic, kind) in IMAGES {
        let webp = kind != "image/webp" || head.get(8..12) == Some(b"WEBP");
        if head.starts_with(magic) && webp {
            return (kind, true);
        }
    }
    if head.starts_with(b"%PDF-") {
        return ("application/pdf", false);
    }
    ("application/octet-stream", false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_only_a_name() {
        let cases = [
            ("screenshot.png", "screenshot.png"),
            ("../../etc/passwd", "passwd"),
            ("C:\\Users\\sam\\log.txt", "log.txt"),
            ("bad\u{0}na\nme?.txt", "badname.txt"),
            ("  .hidden ", "hidden"),
            ("", "file"),
            ("../", "file"),
        ];
        for (sent, kept) in cases {
            assert_eq!(safe_file_name(sent), kept, "{sent:?}");
        }
        assert_eq!(safe_file_name(&"a".repeat(500)).len(), 200);
    }

    #[test]
    fn only_real_images_are_shown_inline() {
        let cases: [(&[u8], &str, bool); 7] = [
            (b"\x89PNG\r\n\x1a\n....", "image/png", true),
            (b"\xff\xd8\xff\xe0", "image/jpeg", true),
            (b"GIF89a..", "image/gif", true),
            (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp", true),
            (b"RIFF\x00\x00\x00\x00WAVEfmt ", "application/octet-stream", false),
            (b"<html><script>alert(1)</script>", "application/octet-stream", false),
            (b"<svg xmlns=\"http://www.w3.org/2000/svg\">", "application/octet-stream", false),
        ];
        for (head, kind, inline) in cases {
            assert_eq!(sniff(head), (kind, inline), "{head:?}");
        }
        assert_eq!(sniff(b"%PDF-1.7"), ("application/pdf", false));
        assert_eq!(sniff(b""), ("application/octet-stream", false));
    }
}
