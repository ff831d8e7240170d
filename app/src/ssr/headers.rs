//! Headers a page sets while it renders: its Content-Security-Policy, which names the nonce of
//! this render (leptos_axum draws one per request, and Leptos puts it on every script it writes:
//! the hydration bootstrap and the serialised data).

use http::header::{HeaderValue, CONTENT_SECURITY_POLICY};
use leptos::prelude::use_context;

/// Scripts only from this origin or carrying this render's nonce; WASM compiled only from this
/// origin's bundle; styles only from the stylesheet; no plugins, no framing, forms that post here
/// only. Under `cargo leptos watch` the live-reload socket is allowed too.
pub fn page_policy(nonce: &str, live_reload: bool) -> String {
    let connect = if live_reload { "connect-src 'self' ws: wss:" } else { "connect-src 'self'" };
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; {connect}; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// Sets the page's policy on the response being rendered (call it from the shell).
pub fn send_page_policy() {
    let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    else {
        return;
    };
    let live_reload = std::env::var("LEPTOS_WATCH").is_ok();
    if let Ok(value) = HeaderValue::from_str(&page_policy(&nonce.to_string(), live_reload)) {
        response.insert_header(CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_only_nonced_inline_scripts() {
        let policy = page_policy("abc123", false);
        assert!(policy.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval';"));
        assert!(!policy.contains("unsafe-inline"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(!policy.contains("ws:"));
        assert!(page_policy("abc123", true).contains("connect-src 'self' ws: wss:"));
    }
}
