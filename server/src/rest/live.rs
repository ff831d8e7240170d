//! `GET /events`, the live channel as Server-Sent Events, and `/tickets/{id}/presence`, who is on
//! a ticket's page. The pages subscribe with the session cookie; integrations with the bearer.

use super::{ApiError, ApiResult, Authenticated, Json, Query};
use app::domain::live::{hears, Audience, TicketChange};
use app::dto::{ErrorBody, PresenceDto, PresenceRequest, TicketEventDto};
use app::ssr::services::live::{self, Signal};
use app::ssr::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use futures_util::Stream;
use serde::Deserialize;
use std::collections::{HashSet, VecDeque};
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;
use tokio::sync::broadcast::{self, error::RecvError};

/// A stream ends after this long; the client reconnects at once with `Last-Event-ID` and is
/// authenticated again (a session ended meanwhile hears nothing more).
const STREAM_LIFETIME: Duration = Duration::from_secs(600);

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Resume {
    /// Resume after this event id, as `Last-Event-ID` does (which wins when both are sent).
    pub after: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/events", tag = "live", params(Resume),
    responses(
        (status = 200, content_type = "text/event-stream", body = TicketEventDto,
            description = "Server-Sent Events: `ticket` (a change, with its id), `presence` (staff: someone arrived on, left or is typing on a ticket; `{\"ticket_id\"}`), `ready` (the position the stream starts from), `reset` (more was missed than is replayed: read everything again)"),
        (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn events(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    Query(resume): Query<Resume>,
) -> ApiResult<Response> {
    let audience = live::audience(&actor)?;
    let cursor = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or(resume.after)
        .filter(|c| !c.trim().is_empty())
        .map(|c| live::parse_cursor(&c))
        .transpose()?;
    // Subscribed before reading what was missed, so nothing falls between the two.
    let receiver = state.live.subscribe();
    let mut backlog = VecDeque::new();
    let mut replayed = HashSet::new();
    if let Some(after) = cursor {
        match live::missed(&state.db, &audience, after).await? {
            Some(changes) => {
                for change in changes {
                    replayed.insert(change.id);
                    backlog.push_back(ticket_event(&change));
                }
            }
            None => backlog.push_back(Event::default().event("reset").data("{}")),
        }
    }
    let newest = live::newest(&state.db).await?.max(cursor.unwrap_or(0));
    backlog.push_back(Event::default().event("ready").id(newest.to_string()).data("{}").retry(Duration::from_secs(1)));
    let feed = Feed {
        receiver,
        audience,
        backlog,
        replayed,
        closed: Box::pin(state.live.closed()),
        deadline: Box::pin(tokio::time::sleep(STREAM_LIFETIME)),
    };
    let mut response =
        Sse::new(feed.into_stream()).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))).into_response();
    // nginx and other proxies pass each event on as it comes.
    response.headers_mut().insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(response)
}

struct Feed {
    receiver: broadcast::Receiver<Signal>,
    audience: Audience,
    backlog: VecDeque<Event>,
    replayed: HashSet<i64>,
    closed: Pin<Box<dyn Future<Output = ()> + Send>>,
    deadline: Pin<Box<tokio::time::Sleep>>,
}

impl Feed {
    fn into_stream(self) -> impl Stream<Item = Result<Event, Infallible>> + Send {
        futures_util::stream::unfold(self, |mut feed| async move {
            if let Some(event) = feed.backlog.pop_front() {
                return Some((Ok(event), feed));
            }
            let event = feed.next().await?;
            Some((Ok(event), feed))
        })
    }

    /// The next event this subscriber may hear; none when the stream is to end.
    async fn next(&mut self) -> Option<Event> {
        loop {
            let signal = tokio::select! {
                _ = &mut self.closed => return None,
                _ = &mut self.deadline => return None,
                signal = self.receiver.recv() => signal,
            };
            match signal {
                Ok(Signal::Ticket(change)) if hears(&self.audience, &change) && !self.replayed.contains(&change.id) => {
                    return Some(ticket_event(&change));
                }
                Ok(Signal::Presence { ticket_id }) if self.audience == Audience::Staff => {
                    return Some(
                        Event::default()
                            .event("presence")
                            .data(serde_json::json!({ "ticket_id": ticket_id }).to_string()),
                    );
                }
                Ok(_) => continue,
                // Too slow to keep up: the page reads everything again rather than miss a change.
                Err(RecvError::Lagged(_)) => return Some(Event::default().event("reset").data("{}")),
                Err(RecvError::Closed) => return None,
            }
        }
    }
}

fn ticket_event(change: &TicketChange) -> Event {
    let dto = TicketEventDto {
        id: change.id,
        ticket_id: change.ticket_id.clone(),
        field: change.field.clone(),
        actor_id: change.actor_id.clone(),
    };
    Event::default()
        .event("ticket")
        .id(change.id.to_string())
        .data(serde_json::to_string(&dto).unwrap_or_else(|_| "{}".into()))
}

#[utoipa::path(get, path = "/api/v1/tickets/{id}/presence", tag = "live",
    params(("id" = String, Path, description = "The ticket's id")),
    responses((status = 200, body = PresenceDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn presence(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<PresenceDto>> {
    Ok(Json(live::viewers(&state.db, &actor, &id, Utc::now()).await?))
}

#[utoipa::path(put, path = "/api/v1/tickets/{id}/presence", tag = "live", request_body = PresenceRequest,
    params(("id" = String, Path, description = "The ticket's id")),
    responses((status = 200, body = PresenceDto, description = "Who else is on the ticket"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn beat(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
    Json(req): Json<PresenceRequest>,
) -> ApiResult<Json<PresenceDto>> {
    Ok(Json(live::beat(&state.db, &state.live, &actor, &id, req.typing, Utc::now()).await?))
}

#[utoipa::path(delete, path = "/api/v1/tickets/{id}/presence", tag = "live",
    params(("id" = String, Path, description = "The ticket's id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn leave(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    live::leave(&state.db, &state.live, &actor, &id, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
