//! Markdown written by staff (release notes, Insider posts) turned into HTML a reader's browser may
//! safely show: CommonMark with tables and strikethrough, then an allow-list sanitiser (ammonia)
//! that keeps formatting and plain links and drops everything that runs or loads: scripts, frames,
//! styles, event handlers, `javascript:` and `data:` addresses.

use pulldown_cmark::{html, Options, Parser};

/// Safe HTML for `markdown`. Raw HTML in the Markdown goes through the same sanitiser, so a
/// harmless `<b>` survives and a `<script>` does not.
pub fn to_safe_html(markdown: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto"].into())
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&unsafe_html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::to_safe_html;

    #[test]
    fn formatting_survives() {
        let cases = [
            ("**bold** and _em_", "<p><strong>bold</strong> and <em>em</em></p>"),
            ("# Release 20-2.1", "<h1>Release 20-2.1</h1>"),
            ("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"),
            ("`code`", "<p><code>code</code></p>"),
            ("~~gone~~", "<p><del>gone</del></p>"),
            (
                "[notes](https://cytrack.example/notes)",
                "<p><a href=\"https://cytrack.example/notes\" rel=\"noopener noreferrer nofollow\">notes</a></p>",
            ),
        ];
        for (markdown, want) in cases {
            assert_eq!(to_safe_html(markdown).trim(), want, "{markdown:?}");
        }
    }

    /// Each way of smuggling code into a page, and what must not come out.
    #[test]
    fn nothing_that_runs_or_loads_survives() {
        let cases = [
            ("<script>alert(1)</script>", "<script"),
            ("text <script src=https://evil.example/x.js></script>", "<script"),
            ("<iframe src=\"https://evil.example\"></iframe>", "<iframe"),
            ("<img src=x onerror=alert(1)>", "onerror"),
            ("<a href=\"#\" onclick=\"alert(1)\">x</a>", "onclick"),
            ("[click](javascript:alert(1))", "javascript:"),
            ("[click](JaVaScRiPt:alert(1))", "javascript:"),
            ("<a href=\"javascript:alert(1)\">x</a>", "javascript:"),
            ("[x](data:text/html;base64,PHNjcmlwdD4=)", "data:"),
            ("<style>body{display:none}</style>", "<style"),
            ("<object data=x></object><embed src=x>", "<object"),
            ("<form action=https://evil.example><input name=p></form>", "<form"),
            ("<svg><script>alert(1)</script></svg>", "<script"),
            ("<p style=\"background:url(javascript:alert(1))\">x</p>", "style="),
        ];
        for (markdown, banned) in cases {
            let html = to_safe_html(markdown).to_lowercase();
            assert!(!html.contains(banned), "{markdown:?} gave {html:?}");
        }
        // The text around a removed element stays.
        assert!(to_safe_html("before <script>x</script> after").contains("after"));
    }
}
