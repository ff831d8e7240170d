//! Files on tickets over HTTP: `POST /api/v1/tickets/{id}/attachments` (multipart, field `file`,
//! several allowed, optional `comment_id`), `GET /api/v1/attachments/{id}` and
//! `DELETE /api/v1/attachments/{id}`; and the ticket page's own door, `POST /tickets/{id}/files`,
//! a plain multipart form that works before the page's WASM has loaded and answers with a
//! redirect. Uploads stream to a file while they are hashed, never held whole in memory.

use super::{ApiError, ApiResult, Authenticated, Json};
use app::domain::attachments::{MAX_FILES_PER_MESSAGE, MAX_FILE_BYTES};
use app::dto::{AttachmentEnvelope, CommentRequest, ErrorBody};
use app::error::AppError;
use app::ssr::auth::{token_from_headers, Actor};
use app::ssr::services::attachments::{self, file_too_large, too_many_files, FileStore, Received};
use app::ssr::services::{new_id, replies};
use app::ssr::state::AppState;
use axum::body::Body;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use tokio::io::AsyncWriteExt;

/// The largest upload body: every file of a message at its limit, and the other fields.
pub const UPLOAD_BODY_LIMIT: usize = MAX_FILES_PER_MESSAGE * MAX_FILE_BYTES as usize + 1024 * 1024;

fn cut_off() -> AppError {
    AppError::bad_request("The upload was cut off or is not a multipart form; send it again.")
}

/// Reads the multipart body: each `file` part streamed to a file of its own in `incoming` while
/// it is hashed (past the size limit, or on a broken upload, everything received is removed);
/// the other parts as short text.
async fn receive(
    incoming: &std::path::Path,
    mut multipart: Multipart,
) -> Result<(Vec<Received>, HashMap<String, String>), AppError> {
    let mut files: Vec<Received> = Vec::new();
    let mut fields = HashMap::new();
    let failed = |files: Vec<Received>, e: AppError| async move {
        attachments::discard(files).await;
        Err(e)
    };
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => return failed(files, cut_off()).await,
        };
        let name = field.name().unwrap_or_default().trim_end_matches("[]").to_string();
        if name != "file" {
            match field.text().await {
                Ok(text) if text.len() <= 20_000 => {
                    fields.insert(name, text);
                }
                Ok(_) => return failed(files, AppError::bad_request("A form field is too long.")).await,
                Err(_) => return failed(files, cut_off()).await,
            }
            continue;
        }
        // A browser sends an empty part for a file input left empty.
        let file_name = field.file_name().unwrap_or_default().to_string();
        if file_name.is_empty() {
            let _ = field.bytes().await;
            continue;
        }
        if files.len() == MAX_FILES_PER_MESSAGE {
            let used = drain_field(field).await;
            drain_rest(&mut multipart, used).await;
            return failed(files, too_many_files()).await;
        }
        let io = |e: std::io::Error| {
            tracing::error!(error = %e, "receiving an upload");
            AppError::internal()
        };
        if let Err(e) = tokio::fs::create_dir_all(incoming).await {
            return failed(files, io(e)).await;
        }
        let path = incoming.join(new_id());
        let mut out = match tokio::fs::File::create(&path).await {
            Ok(out) => out,
            Err(e) => return failed(files, io(e)).await,
        };
        let (mut hasher, mut size, mut head) = (Sha256::new(), 0u64, Vec::new());
        let outcome: Result<(), AppError> = async {
            while let Some(chunk) = field.chunk().await.map_err(|_| cut_off())? {
                size += chunk.len() as u64;
                if size > MAX_FILE_BYTES {
                    return Err(file_too_large());
                }
                if head.len() < 16 {
                    head.extend_from_slice(&chunk[..chunk.len().min(16 - head.len())]);
                }
                hasher.update(&chunk);
                out.write_all(&chunk).await.map_err(io)?;
            }
            out.flush().await.map_err(io)
        }
        .await;
        drop(out);
        if let Err(e) = outcome {
            let _ = tokio::fs::remove_file(&path).await;
            if e.code == "file_too_large" {
                let used = drain_field(field).await;
                drain_rest(&mut multipart, used).await;
            }
            return failed(files, e).await;
        }
        let sha256 = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
        files.push(Received { path, file_name, sha256, size, head });
    }
    Ok((files, fields))
}

/// What is left of a refused upload is read and dropped (up to `DRAIN_LIMIT` in all), so the
/// client, still sending, reads the refusal instead of a connection closed under it.
const DRAIN_LIMIT: usize = 2 * MAX_FILE_BYTES as usize;

async fn drain_field(mut field: axum::extract::multipart::Field<'_>) -> usize {
    let mut drained = 0usize;
    while let Ok(Some(chunk)) = field.chunk().await {
        drained += chunk.len();
        if drained > DRAIN_LIMIT {
            break;
        }
    }
    drained
}

async fn drain_rest(multipart: &mut Multipart, mut drained: usize) {
    while drained <= DRAIN_LIMIT {
        match multipart.next_field().await {
            Ok(Some(field)) => drained += drain_field(field).await,
            _ => return,
        }
    }
}

/// Receives the files and attaches them to the ticket (and to `comment_id`, or to a new reply
/// with `body` when the page sends one).
async fn upload_files(
    state: &AppState,
    actor: &Actor,
    ticket_id: &str,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Vec<app::dto::AttachmentDto>, AppError> {
    // Nothing is read before the caller is known to see the ticket.
    attachments::target(&state.db, actor, ticket_id, None).await?;
    let multipart = multipart.map_err(|_| cut_off())?;
    let (files, fields) = receive(&state.incoming_dir, multipart).await?;
    let now = Utc::now();
    let body = fields.get("body").map(|b| b.trim()).filter(|b| !b.is_empty());
    let comment_id = match (body, fields.get("comment_id")) {
        (Some(body), _) => {
            let reply = CommentRequest {
                body: body.into(),
                internal: fields.contains_key("internal"),
                last_seen_comment_id: None,
            };
            match replies::comment(&state.replies, actor, ticket_id, reply, now).await {
                Ok(comment) => Some(comment.id),
                Err(e) => {
                    attachments::discard(files).await;
                    return Err(e);
                }
            }
        }
        (None, id) => id.cloned(),
    };
    if files.is_empty() && body.is_some() {
        return Ok(vec![]);
    }
    let target = match attachments::target(&state.db, actor, ticket_id, comment_id.as_deref()).await {
        Ok(target) => target,
        Err(e) => {
            attachments::discard(files).await;
            return Err(e);
        }
    };
    attachments::attach(&state.db, &state.files, actor, &target, files, now).await
}

#[utoipa::path(post, path = "/api/v1/tickets/{id}/attachments", tag = "tickets",
    params(("id" = String, Path, description = "The ticket's id")),
    request_body(content_type = "multipart/form-data", description = "`file` (one or more, 25 MB each, 20 at most) and optional `comment_id`"),
    responses((status = 201, body = AttachmentEnvelope), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn upload(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<(StatusCode, Json<AttachmentEnvelope>)> {
    let attachments = upload_files(&state, &actor, &id, multipart).await?;
    let attachment = attachments.first().cloned().ok_or_else(AppError::internal)?;
    Ok((StatusCode::CREATED, Json(AttachmentEnvelope { attachment, attachments })))
}

#[utoipa::path(post, path = "/api/v1/deployment-projects/{id}/forms/{form}/attachments", tag = "deployment",
    params(("id" = String, Path, description = "The project's id"),
        ("form" = String, Path, description = "`stakeholders`, `pre_install`, `go_live` or `completion`")),
    request_body(content_type = "multipart/form-data", description = "`file` (one or more, 25 MB each, 20 at most)"),
    responses((status = 201, body = AttachmentEnvelope), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn upload_to_form(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path((id, form)): Path<(String, String)>,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<(StatusCode, Json<AttachmentEnvelope>)> {
    let attachments = form_files(&state, &actor, &id, &form, multipart).await?;
    let attachment = attachments.first().cloned().ok_or_else(AppError::internal)?;
    Ok((StatusCode::CREATED, Json(AttachmentEnvelope { attachment, attachments })))
}

/// Receives files for a project's form (a scanned signed copy, a site plan).
async fn form_files(
    state: &AppState,
    actor: &Actor,
    project_id: &str,
    form: &str,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Vec<app::dto::AttachmentDto>, AppError> {
    // Nothing is read before the caller is known to follow the project.
    let target = attachments::form_target(&state.db, actor, project_id, form).await?;
    let (files, _) = receive(&state.incoming_dir, multipart.map_err(|_| cut_off())?).await?;
    attachments::attach(&state.db, &state.files, actor, &target, files, Utc::now()).await
}

/// The ticket page's form: files (and a reply to go with them).
pub async fn upload_from_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let outcome = match page_actor(&state, &headers).await {
        Ok(actor) => upload_files(&state, &actor, &id, multipart).await,
        Err(e) => Err(e),
    };
    page_answer(&state, &headers, &format!("/tickets/{id}"), outcome)
}

/// The project page's Documents card: files for the form its `form` field names.
pub async fn form_upload_from_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let outcome = async {
        let actor = page_actor(&state, &headers).await?;
        attachments::may_attach_to_project(&state.db, &actor, &id).await?;
        let (files, fields) = receive(&state.incoming_dir, multipart.map_err(|_| cut_off())?).await?;
        let form = fields.get("form").map(String::as_str).unwrap_or_default();
        match attachments::form_target(&state.db, &actor, &id, form).await {
            Ok(target) => attachments::attach(&state.db, &state.files, &actor, &target, files, Utc::now()).await,
            Err(e) => {
                attachments::discard(files).await;
                Err(e)
            }
        }
    }
    .await;
    page_answer(&state, &headers, &format!("/deployment-projects/{id}"), outcome)
}

/// Who is signed in on a page's form post (its session cookie).
async fn page_actor(state: &AppState, headers: &HeaderMap) -> Result<Actor, AppError> {
    let token = token_from_headers(headers).ok_or_else(AppError::unauthenticated)?;
    app::ssr::services::people::authenticate(&state.db, &state.auth, &token, Utc::now()).await
}

/// A page's form post is answered as it was sent: the hydrated page, which sends it itself
/// (with a progress bar), asks for JSON and gets the API's answer; a plain form post goes back
/// to the page, with the refusal's code (the page shows our sentence for it), or to sign in.
fn page_answer(
    state: &AppState,
    headers: &HeaderMap,
    back: &str,
    outcome: Result<Vec<app::dto::AttachmentDto>, AppError>,
) -> Response {
    let wants_json =
        headers.get(header::ACCEPT).and_then(|a| a.to_str().ok()).is_some_and(|a| a.contains("application/json"));
    match (outcome, wants_json) {
        (Ok(attachments), true) => match attachments.first().cloned() {
            Some(attachment) => {
                (StatusCode::CREATED, Json(AttachmentEnvelope { attachment, attachments })).into_response()
            }
            // A reply with no file: nothing to describe.
            None => StatusCode::NO_CONTENT.into_response(),
        },
        (Err(e), true) => ApiError(e).into_response(),
        (Ok(_), false) => Redirect::to(back).into_response(),
        (Err(e), false) if e.status() == 401 => Redirect::to("/login").into_response(),
        (Err(e), false) => (
            [(header::SET_COOKIE, state.auth.flash_cookie(&e))],
            Redirect::to(&format!("{back}?error={}", e.code_for_address())),
        )
            .into_response(),
    }
}

/// Percent-encoding of a file's name for `filename*=` (RFC 8187).
fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "tickets",
    params(("id" = String, Path, description = "The attachment's id")),
    responses((status = 200, description = "The file: inline only when its bytes are an image, else a download",
        content_type = "application/octet-stream"), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn download(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let found = attachments::downloadable(&state.db, &actor, &id).await?;
    let body = match &state.files {
        FileStore::Directory(_) => {
            let path = state.files.file_path(&found.sha256).ok_or_else(AppError::internal)?;
            let file = tokio::fs::File::open(&path).await.map_err(|e| {
                tracing::error!(error = %e, path = %path.display(), "a kept file is missing");
                AppError::internal()
            })?;
            Body::from_stream(tokio_util::io::ReaderStream::new(file))
        }
        FileStore::Database => {
            let (db, sha256) = (state.db.clone(), found.sha256.clone());
            let chunks = futures_util::stream::unfold(0, move |seq| {
                let (db, sha256) = (db.clone(), sha256.clone());
                async move {
                    match FileStore::chunk(&db, &sha256, seq).await {
                        Ok(Some(data)) => Some((Ok::<_, std::io::Error>(data), seq + 1)),
                        Ok(None) => None,
                        Err(e) => Some((Err(std::io::Error::other(e.message)), i32::MAX)),
                    }
                }
            });
            Body::from_stream(chunks)
        }
        FileStore::S3(_) => {
            Body::from_stream(state.files.s3_stream(&found.sha256).await?.ok_or_else(AppError::internal)?)
        }
    };
    let inline = found.content_type.starts_with("image/");
    let disposition = format!(
        "{}; filename=\"{}\"; filename*=UTF-8''{}",
        if inline { "inline" } else { "attachment" },
        found.file_name.replace(['"', '\\'], "_").chars().filter(char::is_ascii).collect::<String>(),
        url_encode(&found.file_name)
    );
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    let value = |v: &str| HeaderValue::from_str(v).map_err(|_| AppError::internal());
    headers.insert(header::CONTENT_TYPE, value(&found.content_type)?);
    headers.insert(header::CONTENT_LENGTH, value(&found.size.to_string())?);
    headers.insert(header::CONTENT_DISPOSITION, value(&disposition)?);
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // Opened directly, a file runs nothing on the portal's origin.
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox; default-src 'none'"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=3600"));
    Ok(response)
}

#[utoipa::path(delete, path = "/api/v1/attachments/{id}", tag = "tickets",
    params(("id" = String, Path, description = "The attachment's id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    attachments::delete(&state.db, &actor, &id, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
