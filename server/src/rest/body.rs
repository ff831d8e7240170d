//! Reading a JSON request body the way the OpenAPI document describes it. serde on its own is
//! laxer than the document in two ways, and clients generated from the document (and the fuzzer)
//! meet both: a whole number written with a zero fraction (`1157.0`) is an integer to JSON Schema
//! but a float to serde (issue 20), and serde fills a struct from an array of its fields in order
//! (`[null]` for `{"release": null}`), which the document calls a type error. `Strict` reads a
//! parsed body with neither laxity, at every depth; refusals name the field's path.

use super::ApiError;
use app::error::AppError;
use axum::extract::rejection::JsonRejection;
use axum::extract::FromRequest;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::de::value::{MapDeserializer, SeqDeserializer};
use serde::de::{self, Deserializer, IntoDeserializer, Unexpected, Visitor};
use serde_json::Value;

/// `axum::Json` whose refusals speak the API's error shape (malformed JSON 400, a body that does
/// not fit 422 `invalid_body`), read through `Strict`.
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Json(value) = axum::Json::<Value>::from_request(req, state).await?;
        serde_path_to_error::deserialize(Strict(&value))
            .map(Json)
            .map_err(|e| invalid_body(format!("{}: {}", e.path(), e.inner())))
    }
}

/// Well-formed JSON that does not fit what the operation reads: 422, naming what is at fault.
fn invalid_body(detail: String) -> ApiError {
    let message = format!("The request body does not fit: {detail}");
    ApiError(AppError::new(app::error::ErrorKind::Rule, "invalid_body", message))
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::JsonDataError(e) => invalid_body(e.body_text()),
            JsonRejection::JsonSyntaxError(e) => {
                ApiError(AppError::bad_request(format!("The request body is not valid JSON: {}", e.body_text())))
            }
            JsonRejection::MissingJsonContentType(_) => {
                ApiError(AppError::bad_request("Send the body as JSON with the header Content-Type: application/json."))
            }
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError(AppError::too_large()),
            other => {
                ApiError(AppError::bad_request(format!("The request body could not be read: {}", other.body_text())))
            }
        }
    }
}

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// A parsed JSON value as a deserializer: objects only where a struct is read, and numbers with a
/// zero fraction, within the range a double holds exactly, as the whole numbers they are.
struct Strict<'a>(&'a Value);

impl<'de> IntoDeserializer<'de, serde_json::Error> for Strict<'de> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de> Deserializer<'de> for Strict<'de> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
        match self.0 {
            Value::Array(items) => {
                let mut seq = SeqDeserializer::new(items.iter().map(Strict));
                let value = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(value)
            }
            Value::Object(fields) => {
                let mut map = MapDeserializer::new(fields.iter().map(|(k, v)| (k.as_str(), Strict(v))));
                let value = visitor.visit_map(&mut map)?;
                map.end()?;
                Ok(value)
            }
            Value::Number(n) => match n.as_f64().filter(|f| n.is_f64() && f.fract() == 0.0 && f.abs() <= EXACT) {
                Some(whole) => visitor.visit_i64(whole as i64),
                None => self.0.deserialize_any(visitor),
            },
            scalar => scalar.deserialize_any(visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Object(_) => self.deserialize_any(visitor),
            other => Err(de::Error::invalid_type(unexpected(other), &"an object")),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    // Enums arrive as strings (or serde_json's one-key objects): serde_json reads them as it does.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_enum(name, variants, visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct seq tuple tuple_struct map identifier ignored_any
    }
}

fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(_) => Unexpected::Other("a number"),
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}
