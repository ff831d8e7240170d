//! How the arguments of the server functions the first page calls travel (`FormOrJson`).
//!
//! Server functions take URL-encoded arguments by default, which puts a URL-encoding library
//! (serde_qs) in the WASM module every first visit downloads. The functions the first page calls
//! (who is signed in, the bell, signing in and out) take JSON from the browser instead; signing
//! in and out also take a plain HTML form's URL-encoded body, which only the server reads, so
//! those forms still work before the page is live, or without JavaScript.

use leptos::server_fn::codec::{JsonEncoding, Post};
use leptos::server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Arguments sent as JSON by the page, read back from JSON or from a plain form post.
pub type FormOrJson = Post<FormOrJsonEncoding>;

pub struct FormOrJsonEncoding;

impl ContentType for FormOrJsonEncoding {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for FormOrJsonEncoding {
    const FORMAT_TYPE: Format = Format::Text;
}

/// The page sends what server_fn's `Json` sends.
impl<T: Serialize> Encodes<T> for FormOrJsonEncoding {
    type Error = serde_json::Error;

    fn encode(value: &T) -> Result<Bytes, Self::Error> {
        <JsonEncoding as Encodes<T>>::encode(value)
    }
}

impl<T: DeserializeOwned> Decodes<T> for FormOrJsonEncoding {
    type Error = String;

    /// JSON is an object, so it starts with `{`; a URL-encoded body never does (a form's field
    /// names are written percent-encoded).
    fn decode(body: Bytes) -> Result<T, String> {
        if body.trim_ascii_start().starts_with(b"{") {
            return <JsonEncoding as Decodes<T>>::decode(body).map_err(|e| e.to_string());
        }
        #[cfg(feature = "ssr")]
        return serde_qs::Config::new(5, false).deserialize_bytes(&body).map_err(|e| e.to_string());
        #[cfg(not(feature = "ssr"))]
        Err("only the server reads a form's body".into())
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::api::auth::Login;

    fn read(body: &str) -> Result<Login, String> {
        <FormOrJsonEncoding as Decodes<Login>>::decode(Bytes::copy_from_slice(body.as_bytes()))
    }

    #[test]
    fn sign_in_arguments_are_read_from_the_page_and_from_a_plain_form_alike() {
        let sent = Login { email: "pat@example.com".into(), password: "a & b = c".into() };
        let json = <FormOrJsonEncoding as Encodes<Login>>::encode(&sent).unwrap();
        let cases = [
            (String::from_utf8(json.to_vec()).unwrap(), "the page's JSON"),
            ("email=pat%40example.com&password=a+%26+b+%3D+c".into(), "a plain form's body"),
            ("  {\"email\":\"pat@example.com\",\"password\":\"a & b = c\"}".into(), "JSON after white space"),
        ];
        for (body, what) in cases {
            let got = read(&body).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!((got.email.as_str(), got.password.as_str()), ("pat@example.com", "a & b = c"), "{what}");
        }
    }

    #[test]
    fn signing_out_from_a_plain_form_sends_an_empty_body() {
        let read = <FormOrJsonEncoding as Decodes<crate::api::auth::Logout>>::decode;
        assert!(read(Bytes::new()).is_ok(), "a form with no fields");
        assert!(read(Bytes::from_static(b"{}")).is_ok(), "the page's JSON");
    }

    #[test]
    fn a_body_that_is_neither_is_refused_with_the_reason() {
        for body in ["{\"email\": 1}", "{not json", "password=only"] {
            assert!(read(body).is_err(), "{body}");
        }
    }
}
