//! Files on tickets: who may attach and download them (the ticket's own scoping: another
//! organisation's file is not found, an internal note's file is never a customer's), the limits,
//! and the file store that keeps each content once, by its SHA-256. The store is a directory
//! (the default: written to a temporary file and renamed, so a crash never leaves a half file
//! under a name) or, for several portal processes, the shared database (`file_chunks`, 1 MiB
//! rows). The HTTP side (streaming the multipart body to a temporary file, streaming the
//! download) is the server's.

use super::tickets::{history_line, user_names, visible};
use super::{looks_like_id, new_id};
use crate::domain::attachments::{
    safe_file_name, MAX_DAILY_BYTES_PER_ORGANIZATION, MAX_FILES_PER_MESSAGE, MAX_FILE_BYTES,
};
use crate::domain::deployment::ProjectForm;
use crate::dto::AttachmentDto;
use crate::error::{AppError, ErrorKind};
use crate::ssr::auth::{Access, Actor};
use crate::ssr::entities::{attachment, file_chunk, ticket_comment, ticket_history};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Where the bytes are kept.
#[derive(Debug, Clone)]
pub enum FileStore {
    /// A directory of its own (`data/files` by default): `ab/abcdef…` per content.
    Directory(PathBuf),
    /// The database every portal process shares (`PORTAL_STORAGE_URL=database`).
    Database,
    /// An S3-compatible bucket every portal process shares
    /// (`PORTAL_STORAGE_URL=s3://bucket?endpoint=URL`; keys from the usual `AWS_*` variables).
    S3(std::sync::Arc<object_store::aws::AmazonS3>),
}

/// Uploads to S3 go in parts of this size (S3's smallest but the last): at most one part is held.
const S3_PART_BYTES: usize = 5 * 1024 * 1024;

impl FileStore {
    /// The store `PORTAL_STORAGE_URL` names (API.md): none is a directory in the data
    /// directory; `file:///path` a directory of its own; `s3://bucket?endpoint=URL` an
    /// S3-compatible bucket (also `region=` and `allow_http=`; keys and anything not given from
    /// the usual `AWS_*` variables); `database` the shared database's `file_chunks`.
    pub fn from_url(url: Option<&str>, data_dir: &Path) -> Result<FileStore, String> {
        let Some(url) = url.map(str::trim).filter(|u| !u.is_empty()) else {
            return Ok(FileStore::Directory(data_dir.join("files")));
        };
        if url == "database" {
            return Ok(FileStore::Database);
        }
        if let Some(path) = url.strip_prefix("file://") {
            return match path {
                "" => Err("PORTAL_STORAGE_URL file:// names no directory: file:///path".into()),
                path => Ok(FileStore::Directory(PathBuf::from(path))),
            };
        }
        let Some(rest) = url.strip_prefix("s3://") else {
            return Err(format!(
                "PORTAL_STORAGE_URL is file:///path, s3://bucket?endpoint=URL or database, not `{url}`"
            ));
        };
        let (bucket, query) = rest.split_once('?').unwrap_or((rest, ""));
        let bucket = bucket.trim_end_matches('/');
        if bucket.is_empty() || bucket.contains('/') {
            return Err(format!("PORTAL_STORAGE_URL names no bucket: `{url}`"));
        }
        let mut builder = object_store::aws::AmazonS3Builder::from_env().with_bucket_name(bucket);
        for (key, value) in query.split('&').filter(|p| !p.is_empty()).map(|p| p.split_once('=').unwrap_or((p, ""))) {
            builder = match key {
                "endpoint" => builder.with_endpoint(value).with_allow_http(value.starts_with("http://")),
                "region" => builder.with_region(value),
                "allow_http" => builder.with_allow_http(value == "true"),
                other => {
                    return Err(format!("PORTAL_STORAGE_URL: unknown setting `{other}` (endpoint, region, allow_http)"))
                }
            };
        }
        builder
            .build()
            .map(|s| FileStore::S3(std::sync::Arc::new(s)))
            .map_err(|e| format!("PORTAL_STORAGE_URL {url}: {e}"))
    }

    /// An S3-compatible store at `endpoint` (tests, and setups without `AWS_*` variables).
    pub fn s3_at(endpoint: &str, bucket: &str, key_id: &str, secret: &str) -> Result<FileStore, String> {
        object_store::aws::AmazonS3Builder::new()
            .with_endpoint(endpoint)
            .with_allow_http(endpoint.starts_with("http://"))
            .with_bucket_name(bucket)
            .with_region("us-east-1")
            .with_access_key_id(key_id)
            .with_secret_access_key(secret)
            .build()
            .map(|s| FileStore::S3(std::sync::Arc::new(s)))
            .map_err(|e| e.to_string())
    }

    fn object_path(sha256: &str) -> object_store::path::Path {
        object_store::path::Path::from(format!("{}/{sha256}", &sha256[..2]))
    }

    /// The bytes of a content in the S3 store, as a stream.
    pub async fn s3_stream(
        &self,
        sha256: &str,
    ) -> Result<Option<futures::stream::BoxStream<'static, Result<bytes::Bytes, std::io::Error>>>, AppError> {
        use futures::StreamExt;
        use object_store::ObjectStoreExt;
        let FileStore::S3(store) = self else { return Ok(None) };
        let found = store.get(&Self::object_path(sha256)).await.map_err(|e| {
            tracing::error!(error = %e, "a kept file is missing from the object store");
            AppError::internal()
        })?;
        Ok(Some(found.into_stream().map(|r| r.map_err(std::io::Error::other)).boxed()))
    }

    async fn keep_in_s3(store: &object_store::aws::AmazonS3, received: &Path, sha256: &str) -> Result<(), String> {
        use object_store::ObjectStoreExt;
        use tokio::io::AsyncReadExt;
        let path = Self::object_path(sha256);
        if store.head(&path).await.is_ok() {
            return Ok(());
        }
        let upload = store.put_multipart(&path).await.map_err(|e| e.to_string())?;
        let mut writer = object_store::WriteMultipart::new_with_chunk_size(upload, S3_PART_BYTES);
        let mut file = tokio::fs::File::open(received).await.map_err(|e| e.to_string())?;
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let read = file.read(&mut buf).await.map_err(|e| e.to_string())?;
            if read == 0 {
                break;
            }
            writer.wait_for_capacity(2).await.map_err(|e| e.to_string())?;
            writer.write(&buf[..read]);
        }
        writer.finish().await.map_err(|e| e.to_string())?;
        Ok(())
    }
}

/// The rows a file is kept in by the database store.
pub const CHUNK_BYTES: usize = 1024 * 1024;

impl FileStore {
    fn path_of(dir: &Path, sha256: &str) -> PathBuf {
        dir.join(&sha256[..2]).join(sha256)
    }

    /// Where a received file waits while it is checked (same file system as the store, so it
    /// is renamed into place, never copied).
    pub fn incoming_dir(&self, data_dir: &Path) -> PathBuf {
        match self {
            FileStore::Directory(dir) => dir.join("incoming"),
            FileStore::Database | FileStore::S3(_) => data_dir.join("incoming"),
        }
    }

    /// Keeps the file at `received` (already hashed) under its content; a content kept before
    /// is kept once. The received file is gone afterwards.
    pub async fn keep(&self, db: &impl ConnectionTrait, received: &Path, sha256: &str) -> Result<(), AppError> {
        let io = |e: std::io::Error| {
            tracing::error!(error = %e, "file store");
            AppError::internal()
        };
        match self {
            FileStore::Directory(dir) => {
                let target = Self::path_of(dir, sha256);
                if tokio::fs::try_exists(&target).await.map_err(io)? {
                    tokio::fs::remove_file(received).await.map_err(io)?;
                    return Ok(());
                }
                tokio::fs::create_dir_all(target.parent().unwrap_or(dir)).await.map_err(io)?;
                tokio::fs::rename(received, &target).await.map_err(io)
            }
            FileStore::Database => {
                let kept = file_chunk::Entity::find()
                    .filter(file_chunk::Column::Sha256.eq(sha256))
                    .filter(file_chunk::Column::Seq.eq(0))
                    .select_only()
                    .column(file_chunk::Column::Seq)
                    .into_tuple::<i32>()
                    .one(db)
                    .await?;
                if kept.is_none() {
                    use tokio::io::AsyncReadExt;
                    let mut file = tokio::fs::File::open(received).await.map_err(io)?;
                    let mut seq = 0;
                    loop {
                        let mut chunk = Vec::with_capacity(CHUNK_BYTES);
                        let read = (&mut file).take(CHUNK_BYTES as u64).read_to_end(&mut chunk).await.map_err(io)?;
                        if read == 0 && seq > 0 {
                            break;
                        }
                        let row =
                            file_chunk::ActiveModel { sha256: Set(sha256.into()), seq: Set(seq), data: Set(chunk) };
                        file_chunk::Entity::insert(row)
                            .on_conflict(
                                OnConflict::columns([file_chunk::Column::Sha256, file_chunk::Column::Seq])
                                    .do_nothing()
                                    .to_owned(),
                            )
                            .exec_without_returning(db)
                            .await?;
                        seq += 1;
                        if read < CHUNK_BYTES {
                            break;
                        }
                    }
                }
                tokio::fs::remove_file(received).await.map_err(io)
            }
            FileStore::S3(store) => {
                Self::keep_in_s3(store, received, sha256).await.map_err(|e| {
                    tracing::error!(error = %e, "keeping a file in the object store");
                    AppError::internal()
                })?;
                tokio::fs::remove_file(received).await.map_err(io)
            }
        }
    }

    /// The directory of the directory store.
    pub fn file_dir(&self) -> Option<&Path> {
        match self {
            FileStore::Directory(dir) => Some(dir),
            FileStore::Database | FileStore::S3(_) => None,
        }
    }

    /// The file of a content in the directory store.
    pub fn file_path(&self, sha256: &str) -> Option<PathBuf> {
        match self {
            FileStore::Directory(dir) => Some(Self::path_of(dir, sha256)),
            FileStore::Database | FileStore::S3(_) => None,
        }
    }

    /// Chunk `seq` of a content in the database store; none past its end.
    pub async fn chunk(db: &impl ConnectionTrait, sha256: &str, seq: i32) -> Result<Option<Vec<u8>>, AppError> {
        Ok(file_chunk::Entity::find_by_id((sha256.to_string(), seq)).one(db).await?.map(|c| c.data))
    }
}

/// Where files are going: a ticket the caller may see (and the reply or note they come with),
/// or a deployment form of a project they follow.
#[derive(Debug, Clone)]
pub struct Target {
    pub organization_id: String,
    pub on: On,
    pub internal: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum On {
    Ticket { ticket_id: String, comment_id: Option<String> },
    Form { project_id: String, form: ProjectForm },
}

/// Checks, before any byte is read, that the caller may attach files to the ticket (and to the
/// comment, which must be on it and, for a customer, not an internal note).
pub async fn target(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ticket_id: &str,
    comment_id: Option<&str>,
) -> Result<Target, AppError> {
    let access = actor.access()?;
    let ticket = visible(db, &access, ticket_id).await?;
    let comment = match comment_id.map(str::trim).filter(|c| !c.is_empty()) {
        Some(id) if looks_like_id(id) => ticket_comment::Entity::find_by_id(id.to_string())
            .filter(ticket_comment::Column::TicketId.eq(ticket.id.as_str()))
            .one(db)
            .await?
            .filter(|c| !c.internal || matches!(access, Access::Staff(_)))
            .map(Some)
            .ok_or_else(|| AppError::not_found("comment"))?,
        Some(_) => return Err(AppError::not_found("comment")),
        None => None,
    };
    Ok(Target {
        organization_id: ticket.organization_id,
        internal: comment.as_ref().is_some_and(|c| c.internal),
        on: On::Ticket { ticket_id: ticket.id, comment_id: comment.map(|c| c.id) },
    })
}

/// Checks, before any byte is read, that the caller follows the project (staff, the client's
/// superusers) and names one of its forms.
pub async fn form_target(
    db: &impl ConnectionTrait,
    actor: &Actor,
    project_id: &str,
    form: &str,
) -> Result<Target, AppError> {
    let project = super::projects::find(db, actor, project_id).await?;
    let form = ProjectForm::parse(form.trim()).map_err(|m| super::people::field_error("form", m))?;
    Ok(Target {
        organization_id: project.organization_id,
        internal: false,
        on: On::Form { project_id: project.id, form },
    })
}

/// Checks that the caller follows the project, before a page's upload names its form.
pub async fn may_attach_to_project(db: &impl ConnectionTrait, actor: &Actor, project_id: &str) -> Result<(), AppError> {
    super::projects::find(db, actor, project_id).await.map(|_| ())
}

/// A file received whole and hashed, waiting in `path` to be kept.
#[derive(Debug)]
pub struct Received {
    pub path: PathBuf,
    pub file_name: String,
    pub sha256: String,
    pub size: u64,
    /// Its first bytes, to tell what it is.
    pub head: Vec<u8>,
}

pub fn too_large(message: impl Into<String>, code: &str) -> AppError {
    AppError::new(ErrorKind::TooLarge, code, message)
}

pub fn file_too_large() -> AppError {
    too_large(format!("A file may be at most {} MB.", MAX_FILE_BYTES / (1024 * 1024)), "file_too_large")
}

pub fn too_many_files() -> AppError {
    too_large(format!("Send at most {MAX_FILES_PER_MESSAGE} files with one message."), "too_many_files")
}

/// Keeps the received files and records them on the target, once the organisation's daily
/// allowance is checked. An empty file is refused (422); the same content twice is kept once.
pub async fn attach(
    db: &impl ConnectionTrait,
    store: &FileStore,
    actor: &Actor,
    target: &Target,
    files: Vec<Received>,
    now: DateTime<Utc>,
) -> Result<Vec<AttachmentDto>, AppError> {
    if files.is_empty() {
        return Err(super::people::field_error("file", "Choose a file to attach.".into()));
    }
    if let Some(empty) = files.iter().find(|f| f.size == 0) {
        let name = empty.file_name.clone();
        discard(files).await;
        return Err(super::people::field_error("file", format!("{name} is empty.")));
    }
    let since = now - chrono::Duration::hours(24);
    let today: i64 = attachment::Entity::find()
        .filter(attachment::Column::OrganizationId.eq(target.organization_id.as_str()))
        .filter(attachment::Column::CreatedAt.gte(since))
        .select_only()
        .column(attachment::Column::Size)
        .into_tuple::<i64>()
        .all(db)
        .await?
        .into_iter()
        .sum();
    let adding: u64 = files.iter().map(|f| f.size).sum();
    if today as u64 + adding > MAX_DAILY_BYTES_PER_ORGANIZATION {
        discard(files).await;
        return Err(too_large(
            format!(
                "Your organisation has sent {} MB of files in the last 24 hours, the most a day allows; try again later or send a link.",
                today / (1024 * 1024)
            ),
            "daily_limit",
        ));
    }
    let (ticket_id, comment_id, project_id, form) = match &target.on {
        On::Ticket { ticket_id, comment_id } => (Some(ticket_id.clone()), comment_id.clone(), None, None),
        On::Form { project_id, form } => (None, None, Some(project_id.clone()), Some(form.as_str().to_string())),
    };
    let mut rows = Vec::new();
    for file in files {
        store.keep(db, &file.path, &file.sha256).await?;
        let (content_type, _) = crate::domain::attachments::sniff(&file.head);
        let row = attachment::ActiveModel {
            id: Set(new_id()),
            ticket_id: Set(ticket_id.clone()),
            comment_id: Set(comment_id.clone()),
            project_id: Set(project_id.clone()),
            form: Set(form.clone()),
            organization_id: Set(target.organization_id.clone()),
            file_name: Set(safe_file_name(&file.file_name)),
            content_type: Set(content_type.into()),
            size: Set(file.size as i64),
            sha256: Set(file.sha256),
            internal: Set(target.internal),
            uploaded_by: Set(actor.user_id.clone()),
            created_at: Set(now),
            deleted_at: Set(None),
            deleted_by: Set(None),
        }
        .insert(db)
        .await?;
        rows.push(row);
    }
    let names = HashMap::from([(actor.user_id.clone(), actor.name.clone())]);
    Ok(rows.into_iter().map(|r| dto(r, &names)).collect())
}

/// Removes received files that will not be kept.
pub async fn discard(files: Vec<Received>) {
    for f in files {
        let _ = tokio::fs::remove_file(&f.path).await;
    }
}

fn dto(a: attachment::Model, names: &HashMap<String, String>) -> AttachmentDto {
    AttachmentDto {
        uploaded_by_name: names.get(&a.uploaded_by).cloned().unwrap_or_default(),
        id: a.id,
        file_name: a.file_name,
        content_type: a.content_type,
        size: a.size,
        sha256: a.sha256,
        comment_id: a.comment_id,
        form: a.form.as_deref().and_then(|f| ProjectForm::parse(f).ok()),
        internal: a.internal,
        created_at: a.created_at,
    }
}

/// A ticket's files by the comment they came with (`None`: the ticket's own), without internal
/// ones unless `staff`.
pub async fn of_ticket(
    db: &impl ConnectionTrait,
    ticket_id: &str,
    staff: bool,
) -> Result<HashMap<Option<String>, Vec<AttachmentDto>>, AppError> {
    let mut query = attachment::Entity::find()
        .filter(attachment::Column::TicketId.eq(ticket_id))
        .filter(attachment::Column::DeletedAt.is_null());
    if !staff {
        query = query.filter(attachment::Column::Internal.eq(false));
    }
    let rows = query.order_by_asc(attachment::Column::CreatedAt).all(db).await?;
    let names = user_names(db, rows.iter().map(|r| r.uploaded_by.clone()).collect()).await?;
    let mut by_comment: HashMap<Option<String>, Vec<AttachmentDto>> = HashMap::new();
    for row in rows {
        by_comment.entry(row.comment_id.clone()).or_default().push(dto(row, &names));
    }
    Ok(by_comment)
}

/// The files on a project's forms, oldest first.
pub async fn of_project(db: &impl ConnectionTrait, project_id: &str) -> Result<Vec<AttachmentDto>, AppError> {
    let rows = attachment::Entity::find()
        .filter(attachment::Column::ProjectId.eq(project_id))
        .filter(attachment::Column::DeletedAt.is_null())
        .order_by_asc(attachment::Column::CreatedAt)
        .all(db)
        .await?;
    let names = user_names(db, rows.iter().map(|r| r.uploaded_by.clone()).collect()).await?;
    Ok(rows.into_iter().map(|r| dto(r, &names)).collect())
}

/// A file the caller may download: on a ticket they may see, not deleted, and for a customer
/// not an internal note's. Anything else is not found.
pub async fn downloadable(db: &impl ConnectionTrait, actor: &Actor, id: &str) -> Result<attachment::Model, AppError> {
    let access = actor.access()?;
    let found = match looks_like_id(id) {
        true => attachment::Entity::find_by_id(id.to_string()).one(db).await?,
        false => None,
    }
    .filter(|a| a.deleted_at.is_none())
    .filter(|a| !a.internal || matches!(access, Access::Staff(_)))
    .ok_or_else(|| AppError::not_found("attachment"))?;
    let seen = match (&found.ticket_id, &found.project_id) {
        (Some(ticket_id), _) => visible(db, &access, ticket_id).await.is_ok(),
        (None, Some(project_id)) => super::projects::find(db, actor, project_id).await.is_ok(),
        (None, None) => false,
    };
    match seen {
        true => Ok(found),
        false => Err(AppError::not_found("attachment")),
    }
}

/// Staff delete a file from a ticket or a form; who and when are kept on the file, and a
/// ticket's history says which.
pub async fn delete(db: &impl ConnectionTrait, actor: &Actor, id: &str, now: DateTime<Utc>) -> Result<(), AppError> {
    let found = downloadable(db, actor, id).await?;
    actor.staff()?;
    let name = found.file_name.clone();
    let ticket_id = found.ticket_id.clone();
    let mut model: attachment::ActiveModel = found.into();
    model.deleted_at = Set(Some(now));
    model.deleted_by = Set(Some(actor.user_id.clone()));
    model.update(db).await?;
    if let Some(ticket_id) = ticket_id {
        ticket_history::Entity::insert(history_line(
            &ticket_id,
            Some(&actor.user_id),
            "attachment",
            Some(name),
            None,
            now,
        ))
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::FileStore;
    use std::path::Path;

    #[test]
    fn the_storage_url_names_one_store() {
        let data = Path::new("/srv/portal");
        let kind = |url: Option<&str>| match FileStore::from_url(url, data) {
            Ok(FileStore::Directory(dir)) => format!("directory {}", dir.display()),
            Ok(FileStore::Database) => "database".to_string(),
            Ok(FileStore::S3(_)) => "s3".to_string(),
            Err(e) => format!("error: {e}"),
        };
        let cases = [
            (None, "directory /srv/portal/files"),
            (Some(""), "directory /srv/portal/files"),
            (Some("file:///var/lib/cytrack/files"), "directory /var/lib/cytrack/files"),
            (Some("database"), "database"),
            (Some("s3://portal-files?endpoint=http://127.0.0.1:9000&region=us-east-1"), "s3"),
            (Some("s3://portal-files"), "s3"),
        ];
        for (url, expected) in cases {
            assert_eq!(kind(url), expected, "{url:?}");
        }
        for bad in ["file://", "s3://", "s3://bucket/sub", "s3://b?colour=blue", "ftp://files", "directory"] {
            assert!(kind(Some(bad)).starts_with("error: PORTAL_STORAGE_URL"), "{bad}: {}", kind(Some(bad)));
        }
    }
}
