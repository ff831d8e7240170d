//! The CyTrack Insider blog (seed: "What Next? The Insider Blog"): staff write posts in Markdown
//! about releases; clients on Software Care (included in IRS) read them, ask questions and get
//! answers; a question can become a ticket; each reader may follow the blog in a feed reader by a
//! private address. Who reads what is `domain::releases::Readership`.

use super::people::field_error;
use super::tickets::{insert_ticket, to_dtos, user_names, NewTicket};
use super::{looks_like_id, new_id};
use crate::domain::notifications::Event;
use crate::domain::people::{Role, UserStatus};
use crate::domain::releases::{parse_tags, PostState, Readership, ReleaseNumber};
use crate::domain::text::{multi_line, single_line};
use crate::domain::tickets::{Priority, TicketKind};
use crate::dto::{
    page_window, AnswerRequest, FeedTokenDto, Page, PostDto, PostFilter, PostRequest, PostSummaryDto, QuestionDto,
    QuestionRequest, ReleaseRef, TicketDto,
};
use crate::error::{AppError, ErrorKind, FieldCheck};
use crate::ssr::auth::{Access, Actor};
use crate::ssr::db::begin;
use crate::ssr::entities::{feed_token, insider_post, irs_contract, post_question, post_release, release, user};
use crate::ssr::markdown::to_safe_html;
use crate::ssr::secrets::{digest, new_token};
use crate::ssr::services::notifications::{self, Around, Notice};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Set, TransactionTrait,
};
use std::collections::HashMap;

const BODY_MAX: usize = 100_000;
const QUESTION_MAX: usize = 5_000;
/// How many posts a feed carries: the newest.
const FEED_ENTRIES: u64 = 20;

/// Whether an organisation is on Software Care today: an IRS contract covers the support day.
async fn on_software_care(
    db: &impl ConnectionTrait,
    organization_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let today = super::settings::support_date(db, now).await?;
    Ok(irs_contract::Entity::find()
        .filter(irs_contract::Column::OrganizationId.eq(organization_id))
        .all(db)
        .await?
        .iter()
        .any(|c| super::billing::to_period(c).covers(today)))
}

async fn readership(db: &impl ConnectionTrait, access: &Access, now: DateTime<Utc>) -> Result<Readership, AppError> {
    Ok(match access {
        Access::Staff(_) => Readership::Staff,
        Access::Customer(c) => Readership::of(false, on_software_care(db, &c.organization_id, now).await?),
    })
}

fn software_care_required() -> AppError {
    AppError::new(
        ErrorKind::Forbidden,
        "software_care_required",
        "The Insider blog is part of Software Care, included in the Issue Resolution Service. \
         Renew your IRS contract with your account manager to read the posts and ask questions.",
    )
}

fn tags_of(stored: &str) -> Vec<String> {
    stored.split(',').filter(|t| !t.is_empty()).map(str::to_string).collect()
}

fn state_of(p: &insider_post::Model) -> PostState {
    PostState::parse(&p.state).unwrap_or(PostState::Draft)
}

/// The releases each post links, in one query per table.
async fn linked_releases(
    db: &impl ConnectionTrait,
    post_ids: Vec<String>,
) -> Result<HashMap<String, Vec<ReleaseRef>>, AppError> {
    let links = post_release::Entity::find().filter(post_release::Column::PostId.is_in(post_ids)).all(db).await?;
    let mut releases: Vec<release::Model> = release::Entity::find()
        .filter(release::Column::Id.is_in(links.iter().map(|l| l.release_id.clone())))
        .all(db)
        .await?;
    releases.sort_by_key(|r| (r.year, r.sequence, r.point));
    let mut out: HashMap<String, Vec<ReleaseRef>> = HashMap::new();
    for r in &releases {
        for l in links.iter().filter(|l| l.release_id == r.id) {
            out.entry(l.post_id.clone()).or_default().push(ReleaseRef { id: r.id.clone(), number: r.number.clone() });
        }
    }
    Ok(out)
}

async fn summaries(
    db: &impl ConnectionTrait,
    posts: Vec<insider_post::Model>,
    readable: bool,
) -> Result<Vec<PostSummaryDto>, AppError> {
    let mut releases = linked_releases(db, posts.iter().map(|p| p.id.clone()).collect()).await?;
    let names = user_names(db, posts.iter().map(|p| p.author_id.clone()).collect()).await?;
    Ok(posts
        .into_iter()
        .map(|p| PostSummaryDto {
            state: state_of(&p),
            tags: tags_of(&p.tags),
            releases: releases.remove(&p.id).unwrap_or_default(),
            author_name: names.get(&p.author_id).cloned().unwrap_or_default(),
            id: p.id,
            title: p.title,
            published_at: p.published_at,
            updated_at: p.updated_at,
            readable,
        })
        .collect())
}

/// The posts a reader may list, newest first: published ones (drafts too, first, for staff),
/// optionally with one tag. Readers without Software Care get the titles.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: PostFilter,
    now: DateTime<Utc>,
) -> Result<Page<PostSummaryDto>, AppError> {
    let access = actor.access()?;
    let reader = readership(db, &access, now).await?;
    let mut query = insider_post::Entity::find();
    if !reader.sees_drafts() {
        query = query.filter(insider_post::Column::State.eq(PostState::Published.as_str()));
    }
    if let Some(tag) = filter.tag.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let tag = parse_tags(&[tag.to_string()]).map_err(|m| field_error("tag", m))?;
        if let Some(tag) = tag.first() {
            query = query.filter(insider_post::Column::Tags.contains(format!(",{tag},")));
        }
    }
    let total = query.clone().count(db).await?;
    let (skip, take) = page_window(filter.page, filter.per_page)?;
    let posts = query
        .order_by_asc(insider_post::Column::State)
        .order_by_desc(insider_post::Column::PublishedAt)
        .order_by_desc(insider_post::Column::UpdatedAt)
        .offset(skip)
        .limit(take)
        .all(db)
        .await?;
    Ok(Page { items: summaries(db, posts, reader.reads_posts()).await?, total, total_exact: true })
}

/// A post the reader may see at all: a draft is staff's alone (404 to anyone else).
async fn seen(db: &impl ConnectionTrait, reader: Readership, id: &str) -> Result<insider_post::Model, AppError> {
    let found = match looks_like_id(id) {
        true => insider_post::Entity::find_by_id(id.to_string()).one(db).await?,
        false => None,
    };
    found
        .filter(|p| reader.sees_drafts() || state_of(p) == PostState::Published)
        .ok_or_else(|| AppError::not_found("post"))
}

fn question_dto(q: post_question::Model, access: &Access, names: &HashMap<String, String>) -> QuestionDto {
    // Questions are public to Software Care readers, their askers are not: another client's
    // reader sees "A Software Care reader", never a name or an organisation.
    let own_side = match access {
        Access::Staff(_) => true,
        Access::Customer(c) => q.organization_id.as_deref() == Some(c.organization_id.as_str()),
    };
    let mine = q.author_id == access_user(access);
    QuestionDto {
        asked_by: match own_side {
            true => names.get(&q.author_id).cloned().unwrap_or_default(),
            false => "A Software Care reader".into(),
        },
        mine,
        answered_by: q.answered_by.as_ref().map(|id| names.get(id).cloned().unwrap_or_else(|| "CyTrack".into())),
        ticket_id: q.ticket_id.filter(|_| own_side),
        id: q.id,
        post_id: q.post_id,
        body: q.body,
        created_at: q.created_at,
        answer: q.answer,
        answered_at: q.answered_at,
    }
}

fn access_user(access: &Access) -> &str {
    match access {
        Access::Staff(s) => &s.user_id,
        Access::Customer(c) => &c.user_id,
    }
}

/// A whole post with its questions; 403 for a client without Software Care.
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: &str, now: DateTime<Utc>) -> Result<PostDto, AppError> {
    let access = actor.access()?;
    let reader = readership(db, &access, now).await?;
    let post = seen(db, reader, id).await?;
    if !reader.reads_posts() {
        return Err(software_care_required());
    }
    post_dto(db, &access, post).await
}

async fn post_dto(db: &impl ConnectionTrait, access: &Access, post: insider_post::Model) -> Result<PostDto, AppError> {
    let questions = post_question::Entity::find()
        .filter(post_question::Column::PostId.eq(post.id.as_str()))
        .order_by_asc(post_question::Column::CreatedAt)
        .all(db)
        .await?;
    let people: Vec<String> =
        questions.iter().flat_map(|q| [Some(q.author_id.clone()), q.answered_by.clone()]).flatten().collect();
    let names = user_names(db, people).await?;
    let questions = questions.into_iter().map(|q| question_dto(q, access, &names)).collect();
    let body = post.body.clone();
    let body_html = to_safe_html(&post.body);
    let summary = summaries(db, vec![post], true).await?.remove(0);
    Ok(PostDto { post: summary, body, body_html, questions })
}

/// A post's parts as staff typed them.
struct Parsed {
    title: String,
    body: String,
    tags: String,
    release_ids: Vec<String>,
    state: PostState,
}

async fn parse_post(db: &impl ConnectionTrait, req: &PostRequest) -> Result<Parsed, AppError> {
    let mut check = FieldCheck::default();
    let title = check.take("title", single_line(&req.title, "the title", 200));
    let body = check.take("body", multi_line(&req.body, "the post", BODY_MAX));
    let tags = check.take("tags", parse_tags(&req.tags));
    let mut release_ids = Vec::new();
    for typed in req.releases.iter().flat_map(|r| r.split(',')).map(str::trim).filter(|r| !r.is_empty()) {
        let Some(number) = check.take("releases", ReleaseNumber::parse(typed)) else { continue };
        match release::Entity::find().filter(release::Column::Number.eq(number.to_string())).one(db).await? {
            Some(r) if !release_ids.contains(&r.id) => release_ids.push(r.id),
            Some(_) => {}
            None => check.add("releases", format!("There is no release {number}.")),
        }
    }
    check.finish()?;
    match (title, body, tags) {
        (Some(title), Some(body), Some(tags)) => Ok(Parsed {
            title,
            body,
            tags: match tags.is_empty() {
                true => String::new(),
                false => format!(",{},", tags.join(",")),
            },
            release_ids,
            state: if req.published { PostState::Published } else { PostState::Draft },
        }),
        _ => Err(AppError::internal()),
    }
}

async fn link_releases(db: &impl ConnectionTrait, post_id: &str, release_ids: Vec<String>) -> Result<(), AppError> {
    post_release::Entity::delete_many().filter(post_release::Column::PostId.eq(post_id)).exec(db).await?;
    if !release_ids.is_empty() {
        post_release::Entity::insert_many(release_ids.into_iter().map(|release_id| post_release::ActiveModel {
            post_id: Set(post_id.to_string()),
            release_id: Set(release_id),
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

pub async fn create<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    req: PostRequest,
    now: DateTime<Utc>,
) -> Result<PostDto, AppError> {
    let staff = actor.staff()?;
    let parsed = parse_post(db, &req).await?;
    let txn = begin(db).await?;
    let post = insider_post::ActiveModel {
        id: Set(new_id()),
        title: Set(parsed.title),
        body: Set(parsed.body),
        tags: Set(parsed.tags),
        state: Set(parsed.state.as_str().into()),
        author_id: Set(staff.user_id),
        published_at: Set((parsed.state == PostState::Published).then_some(now)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    link_releases(&txn, &post.id, parsed.release_ids).await?;
    txn.commit().await?;
    post_dto(db, &actor.access()?, post).await
}

/// Edits a post (staff). Publishing stamps the date once; taking a post back to draft hides it.
pub async fn update<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    id: &str,
    req: PostRequest,
    now: DateTime<Utc>,
) -> Result<PostDto, AppError> {
    actor.staff()?;
    let post = seen(db, Readership::Staff, id).await?;
    let parsed = parse_post(db, &req).await?;
    let published_at = match parsed.state {
        PostState::Published => post.published_at.or(Some(now)),
        PostState::Draft => None,
    };
    let txn = begin(db).await?;
    let mut model: insider_post::ActiveModel = post.into();
    model.title = Set(parsed.title);
    model.body = Set(parsed.body);
    model.tags = Set(parsed.tags);
    model.state = Set(parsed.state.as_str().into());
    model.published_at = Set(published_at);
    model.updated_at = Set(now);
    let post = model.update(&txn).await?;
    link_releases(&txn, &post.id, parsed.release_ids).await?;
    txn.commit().await?;
    post_dto(db, &actor.access()?, post).await
}

/// A Software Care reader asks on a published post; its author hears of it.
pub async fn ask<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    post_id: &str,
    req: QuestionRequest,
    now: DateTime<Utc>,
) -> Result<QuestionDto, AppError> {
    let access = actor.access()?;
    let Access::Customer(customer) = &access else {
        return Err(AppError::forbidden("Readers ask questions; staff answer them."));
    };
    let reader = readership(db, &access, now).await?;
    let post = seen(db, reader, post_id).await?;
    if !reader.reads_posts() {
        return Err(software_care_required());
    }
    let body = multi_line(&req.body, "your question", QUESTION_MAX).map_err(|m| field_error("body", m))?;
    let txn = begin(db).await?;
    let question = post_question::ActiveModel {
        id: Set(new_id()),
        post_id: Set(post.id.clone()),
        author_id: Set(customer.user_id.clone()),
        organization_id: Set(Some(customer.organization_id.clone())),
        body: Set(body.clone()),
        answer: Set(None),
        answered_by: Set(None),
        answered_at: Set(None),
        ticket_id: Set(None),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let notice = Notice {
        event: Event::InsiderQuestion,
        title: format!("{} asked on \u{201c}{}\u{201d}", actor.name, post.title),
        body,
        link: Some(format!("/insider/{}", post.id)),
        ticket_id: None,
        organization_id: None,
    };
    let around = Around {
        actor_id: Some(actor.user_id.clone()),
        assignee_id: Some(post.author_id.clone()),
        ..Around::default()
    };
    notifications::notify(&txn, notice, around, now).await?;
    txn.commit().await?;
    let names = user_names(db, vec![question.author_id.clone()]).await?;
    Ok(question_dto(question, &access, &names))
}

async fn question(db: &impl ConnectionTrait, id: &str) -> Result<post_question::Model, AppError> {
    let found = match looks_like_id(id) {
        true => post_question::Entity::find_by_id(id.to_string()).one(db).await?,
        false => None,
    };
    found.ok_or_else(|| AppError::not_found("question"))
}

/// Staff answer a question (or change their answer); the reader who asked hears of it.
pub async fn answer<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    question_id: &str,
    req: AnswerRequest,
    now: DateTime<Utc>,
) -> Result<QuestionDto, AppError> {
    let staff = actor.staff()?;
    let text = multi_line(&req.answer, "the answer", QUESTION_MAX).map_err(|m| field_error("answer", m))?;
    let q = question(db, question_id).await?;
    let post = seen(db, Readership::Staff, &q.post_id).await?;
    let txn = begin(db).await?;
    let mut model: post_question::ActiveModel = q.into();
    model.answer = Set(Some(text.clone()));
    model.answered_by = Set(Some(staff.user_id.clone()));
    model.answered_at = Set(Some(now));
    let q = model.update(&txn).await?;
    let notice = Notice {
        event: Event::InsiderAnswered,
        title: format!("CyTrack answered your question on \u{201c}{}\u{201d}", post.title),
        body: text,
        link: Some(format!("/insider/{}", post.id)),
        ticket_id: None,
        organization_id: q.organization_id.clone(),
    };
    let around =
        Around { actor_id: Some(actor.user_id.clone()), requester_id: Some(q.author_id.clone()), ..Around::default() };
    notifications::notify(&txn, notice, around, now).await?;
    txn.commit().await?;
    let names = user_names(db, vec![q.author_id.clone(), staff.user_id]).await?;
    Ok(question_dto(q, &actor.access()?, &names))
}

/// Staff turn a reader's question into a `question` ticket of the reader's organisation, with the
/// reader as its requester; once only.
pub async fn to_ticket<C: ConnectionTrait + TransactionTrait + 'static>(
    db: &C,
    actor: &Actor,
    question_id: &str,
    now: DateTime<Utc>,
) -> Result<TicketDto, AppError> {
    actor.staff()?;
    let q = question(db, question_id).await?;
    let post = seen(db, Readership::Staff, &q.post_id).await?;
    if q.ticket_id.is_some() {
        return Err(AppError::conflict("question_ticketed", "This question is a ticket already."));
    }
    let Some(organization_id) = q.organization_id.clone() else {
        return Err(AppError::rule("asker_not_client", "Only a client's question can become a ticket."));
    };
    let subject: String = format!("Insider: {}", post.title).chars().take(200).collect();
    let new = NewTicket {
        subject,
        description: format!("Asked on the Insider post \u{201c}{}\u{201d}:\n\n{}", post.title, q.body),
        kind: TicketKind::Question,
        priority: Priority::P4,
        product: None,
        requester_id: Some(q.author_id.clone()),
    };
    // The ticket first (it queues for the writers' gate before this transaction writes), then
    // the claim: of two agents turning the question at once, one claims it and the other's
    // ticket rolls back.
    let txn = begin(db).await?;
    let t = insert_ticket(&txn, actor, &organization_id, new, now).await?;
    let claimed = post_question::Entity::update_many()
        .col_expr(post_question::Column::TicketId, sea_orm::sea_query::Expr::value(t.id.clone()))
        .filter(post_question::Column::Id.eq(q.id.as_str()))
        .filter(post_question::Column::TicketId.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected == 0 {
        return Err(AppError::conflict("question_ticketed", "This question is a ticket already."));
    }
    txn.commit().await?;
    Ok(to_dtos(db, vec![t]).await?.remove(0))
}

/// A new private feed address for the caller; the old one stops working.
pub async fn new_feed_token(
    db: &impl ConnectionTrait,
    actor: &Actor,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<FeedTokenDto, AppError> {
    actor.access()?;
    let token = new_token();
    feed_token::Entity::insert(feed_token::ActiveModel {
        user_id: Set(actor.user_id.clone()),
        token_hash: Set(digest(&token)),
        created_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(feed_token::Column::UserId)
            .update_columns([feed_token::Column::TokenHash, feed_token::Column::CreatedAt])
            .to_owned(),
    )
    .exec(db)
    .await?;
    let path = format!("/api/v1/insider/feed.atom?token={token}");
    Ok(FeedTokenDto { url: format!("{public_url}{path}"), path, token })
}

/// The Atom feed of the reader whose token this is (401 for an unknown token or an account that
/// is no longer active): the newest published posts, whole for Software Care readers, titles with
/// the offer to renew for others.
pub async fn feed(
    db: &impl ConnectionTrait,
    token: &str,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let token = token.trim();
    let holder = match token.is_empty() || token.len() > 128 {
        true => None,
        false => feed_token::Entity::find().filter(feed_token::Column::TokenHash.eq(digest(token))).one(db).await?,
    };
    let Some(holder) = holder else { return Err(AppError::unauthenticated()) };
    let reader = user::Entity::find_by_id(holder.user_id)
        .one(db)
        .await?
        .filter(|u| u.status == UserStatus::Active.as_str())
        .ok_or_else(AppError::unauthenticated)?;
    let readership = match (reader.role == Role::Customer.as_str(), &reader.organization_id) {
        (false, _) => Readership::Staff,
        (true, Some(org)) => Readership::of(false, on_software_care(db, org, now).await?),
        (true, None) => return Err(AppError::unauthenticated()),
    };
    let posts = insider_post::Entity::find()
        .filter(insider_post::Column::State.eq(PostState::Published.as_str()))
        .order_by_desc(insider_post::Column::PublishedAt)
        .limit(FEED_ENTRIES)
        .all(db)
        .await?;
    let names = user_names(db, posts.iter().map(|p| p.author_id.clone()).collect()).await?;
    let entries: Vec<FeedEntry> = posts
        .iter()
        .map(|p| FeedEntry {
            id: &p.id,
            title: &p.title,
            author: names.get(&p.author_id).map(String::as_str).unwrap_or("CyTrack"),
            updated: p.updated_at,
            published: p.published_at.unwrap_or(p.updated_at),
            html: match readership.reads_posts() {
                true => to_safe_html(&p.body),
                false => "<p>This post is for Software Care readers. Renew your Issue Resolution Service \
                          contract to read it.</p>"
                    .into(),
            },
            tags: tags_of(&p.tags),
        })
        .collect();
    Ok(atom(public_url, &entries, now))
}

struct FeedEntry<'a> {
    id: &'a str,
    title: &'a str,
    author: &'a str,
    updated: DateTime<Utc>,
    published: DateTime<Utc>,
    html: String,
    tags: Vec<String>,
}

/// An Atom 1.0 document (RFC 4287); every text is XML-escaped.
fn atom(public_url: &str, entries: &[FeedEntry], now: DateTime<Utc>) -> String {
    use quick_xml::escape::escape;
    let updated = entries.iter().map(|e| e.updated).max().unwrap_or(now);
    let mut xml =
        String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    xml.push_str(&format!(
        "<title>The CyTrack Insider</title>\n<id>{}/insider</id>\n<link href=\"{}/insider\"/>\n<updated>{}</updated>\n",
        escape(public_url),
        escape(public_url),
        updated.to_rfc3339()
    ));
    for e in entries {
        let link = format!("{public_url}/insider/{}", e.id);
        xml.push_str(&format!(
            "<entry>\n<id>{}</id>\n<title>{}</title>\n<link href=\"{}\"/>\n<author><name>{}</name></author>\n\
             <published>{}</published>\n<updated>{}</updated>\n",
            escape(&link),
            escape(e.title),
            escape(&link),
            escape(e.author),
            e.published.to_rfc3339(),
            e.updated.to_rfc3339()
        ));
        for tag in &e.tags {
            xml.push_str(&format!("<category term=\"{}\"/>\n", escape(tag)));
        }
        xml.push_str(&format!("<content type=\"html\">{}</content>\n</entry>\n", escape(&e.html)));
    }
    xml.push_str("</feed>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_feed_escapes_every_text() {
        let now = Utc::now();
        let entry = FeedEntry {
            id: "p1",
            title: "Fixes & <news>",
            author: "Ann \"Ops\"",
            updated: now,
            published: now,
            html: "<p>a</p>".into(),
            tags: vec!["cychat".into()],
        };
        let xml = atom("https://support.example", &[entry], now);
        assert!(xml.contains("<title>Fixes &amp; &lt;news&gt;</title>"), "{xml}");
        assert!(xml.contains("<name>Ann &quot;Ops&quot;</name>"), "{xml}");
        assert!(xml.contains("<content type=\"html\">&lt;p&gt;a&lt;/p&gt;</content>"), "{xml}");
        assert!(xml.contains("<link href=\"https://support.example/insider/p1\"/>"), "{xml}");
        assert!(xml.contains("<category term=\"cychat\"/>"), "{xml}");
    }
}
