//! The live channel (`GET /api/v1/events`), presence on a ticket, and the reply that would cross
//! someone else's (issue 23).

use crate::harness::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::time::Duration;

/// An open event stream, read as a browser's EventSource reads it.
struct EventStream {
    response: reqwest::Response,
    buffer: String,
}

#[derive(Debug, Clone)]
struct Heard {
    kind: String,
    id: Option<String>,
    data: Value,
}

/// The longest a test waits for an event that must come: a bound so that a missing event fails
/// the test rather than hangs it, not a measure of speed (docs/benchmarks.md measures that).
const PATIENCE: Duration = Duration::from_secs(10);

impl EventStream {
    async fn open(app: &TestApp, who: &Person, last_event_id: Option<&str>) -> EventStream {
        let mut req = app.client.get(app.url("/api/v1/events")).bearer_auth(&who.token);
        if let Some(id) = last_event_id {
            req = req.header("last-event-id", id);
        }
        let response = req.send().await.expect("the stream opens");
        assert_eq!(response.status(), StatusCode::OK);
        let kind = response.headers()["content-type"].to_str().unwrap().to_string();
        assert!(kind.starts_with("text/event-stream"), "{kind}");
        EventStream { response, buffer: String::new() }
    }

    /// The next event (keep-alive comments skipped); `None` when the stream ended.
    async fn next(&mut self) -> Option<Heard> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut heard = Heard { kind: "message".into(), id: None, data: Value::Null };
                let mut any = false;
                for line in block.lines() {
                    let (field, value) = line.split_once(':').map(|(f, v)| (f, v.trim_start())).unwrap_or((line, ""));
                    match field {
                        "event" => (heard.kind, any) = (value.to_string(), true),
                        "id" => heard.id = Some(value.to_string()),
                        "data" => heard.data = serde_json::from_str(value).unwrap_or(Value::String(value.into())),
                        _ => {}
                    }
                }
                if any {
                    return Some(heard);
                }
                continue;
            }
            let chunk = tokio::time::timeout(PATIENCE, self.response.chunk())
                .await
                .expect("the stream says something within the test's patience")
                .expect("the stream reads");
            self.buffer.push_str(&String::from_utf8_lossy(&chunk?));
        }
    }

    /// Every ticket event up to and including the first that `last` accepts.
    async fn until(&mut self, last: impl Fn(&Heard) -> bool) -> Vec<Heard> {
        let mut heard = Vec::new();
        while let Some(event) = self.next().await {
            let done = last(&event);
            if event.kind == "ticket" {
                heard.push(event);
            }
            if done {
                return heard;
            }
        }
        panic!("the stream ended first: {heard:?}");
    }

    /// The position the stream starts from (its `ready` event), after any replay.
    async fn ready(&mut self) -> (Vec<Heard>, String) {
        let mut replayed = Vec::new();
        loop {
            let event = self.next().await.expect("a ready event");
            match event.kind.as_str() {
                "ready" => return (replayed, event.id.expect("ready carries the position")),
                _ => replayed.push(event),
            }
        }
    }
}

fn is_change<'a>(ticket: &'a str, field: &'static str) -> impl Fn(&Heard) -> bool + 'a {
    move |h| h.kind == "ticket" && h.data["ticket_id"] == ticket && h.data["field"] == field
}

fn tickets_in(heard: &[Heard]) -> BTreeSet<String> {
    heard.iter().map(|h| h.data["ticket_id"].as_str().unwrap().to_string()).collect()
}

fn fields_in(heard: &[Heard]) -> BTreeSet<String> {
    heard.iter().map(|h| h.data["field"].as_str().unwrap().to_string()).collect()
}

fn id_of(ticket: &Value) -> String {
    ticket["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn each_subscriber_hears_of_exactly_the_tickets_it_may_open_and_never_of_staff_notes() {
    let app = spawn_app().await;
    let acme = app.organization("Acme", &[]).await;
    let globex = app.organization("Globex", &[]).await;
    let sam = app.customer(&acme, true).await;
    let casey = app.customer(&acme, false).await;
    let gina = app.customer(&globex, true).await;
    let agent = app.staff("agent").await;

    let mut streams = Vec::new();
    for who in [&agent, &sam, &casey, &gina] {
        let mut stream = EventStream::open(&app, who, None).await;
        stream.ready().await;
        streams.push(stream);
    }
    let caseys = id_of(&app.raise(&casey, "Casey's phones").await);
    let sams = id_of(&app.raise(&sam, "Sam's reports").await);
    let ginas = id_of(&app.raise(&gina, "Globex's queue").await);
    let comment = |ticket: &str, body: &str, internal: bool| {
        let path = format!("/api/v1/tickets/{ticket}/comments");
        let token = agent.token.clone();
        let body = json!({"body": body, "internal": internal});
        let app = &app;
        async move {
            let (status, answer) = app.post(&path, Some(&token), body).await;
            assert_eq!(status, StatusCode::CREATED, "{answer}");
        }
    };
    comment(&caseys, "Checked the trunk: it is the carrier.", true).await;
    comment(&ginas, "Looking at it now.", false).await;
    comment(&caseys, "We are on it.", false).await;

    // The last change each may hear comes last: when it arrives, everything before it has. (A
    // reply is written before the status change it brings, which follows it.)
    let [staff, superuser, requester, other] = &mut streams[..] else { unreachable!() };
    let heard = staff.until(is_change(&caseys, "reply")).await;
    assert_eq!(tickets_in(&heard), BTreeSet::from([caseys.clone(), sams.clone(), ginas.clone()]));
    assert!(fields_in(&heard).contains("note"), "staff hear of notes: {heard:?}");
    assert!(heard.windows(2).all(|w| w[0].data["id"].as_i64() < w[1].data["id"].as_i64()), "in order: {heard:?}");
    assert_eq!(heard[0].data["actor_id"], casey.id, "who made the change is told");

    let heard = superuser.until(is_change(&caseys, "reply")).await;
    assert_eq!(tickets_in(&heard), BTreeSet::from([caseys.clone(), sams.clone()]), "the organisation's tickets");
    assert_eq!(fields_in(&heard), BTreeSet::from(["created".into(), "reply".into()]));

    let heard = requester.until(is_change(&caseys, "reply")).await;
    assert_eq!(tickets_in(&heard), BTreeSet::from([caseys.clone()]), "a requester hears of their own tickets");
    assert_eq!(fields_in(&heard), BTreeSet::from(["created".into(), "reply".into()]));

    let heard = other.until(is_change(&ginas, "reply")).await;
    assert_eq!(tickets_in(&heard), BTreeSet::from([ginas.clone()]), "another organisation hears nothing of Acme");
    // Globex's reply came before Casey's; nothing of Acme's that followed reaches Globex either.
    comment(&ginas, "Fixed.", false).await;
    let heard = other.until(is_change(&ginas, "reply")).await;
    assert_eq!(tickets_in(&heard), BTreeSet::from([ginas.clone()]), "{heard:?}");
}

#[tokio::test]
async fn a_stream_resumed_after_its_last_event_replays_what_it_missed_and_nothing_else() {
    let app = spawn_app().await;
    let acme = app.organization("Acme", &[]).await;
    let sam = app.customer(&acme, true).await;
    let agent = app.staff("agent").await;
    let first = id_of(&app.raise(&sam, "Before the connection dropped").await);
    let mut stream = EventStream::open(&app, &sam, None).await;
    let (replayed, position) = stream.ready().await;
    assert!(replayed.is_empty(), "a new stream starts from now: {replayed:?}");
    drop(stream);

    // While the page was away: a ticket, an internal note and a reply.
    let missed = id_of(&app.raise(&sam, "While away").await);
    let note = json!({"body": "Staff only", "internal": true});
    assert_eq!(
        app.post(&format!("/api/v1/tickets/{first}/comments"), Some(&agent.token), note).await.0,
        StatusCode::CREATED
    );
    let reply = json!({"body": "Answered"});
    assert_eq!(
        app.post(&format!("/api/v1/tickets/{first}/comments"), Some(&agent.token), reply).await.0,
        StatusCode::CREATED
    );

    let mut resumed = EventStream::open(&app, &sam, Some(&position)).await;
    let (replayed, newer) = resumed.ready().await;
    let told: Vec<(String, String)> = replayed
        .iter()
        .map(|h| (h.data["ticket_id"].as_str().unwrap().to_string(), h.data["field"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(
        told,
        vec![(missed.clone(), "created".into()), (first.clone(), "reply".into()), (first.clone(), "status".into())],
        "what was missed, in order, without the note"
    );
    assert!(replayed.iter().all(|h| h.id.as_deref().unwrap().parse::<i64>().unwrap() > position.parse().unwrap()));
    assert!(newer.parse::<i64>().unwrap() > position.parse::<i64>().unwrap());

    // `?after=` resumes the same way, for clients that cannot set the header.
    let response = app
        .client
        .get(app.url(&format!("/api/v1/events?after={position}")))
        .bearer_auth(&sam.token)
        .send()
        .await
        .unwrap();
    let mut by_query = EventStream { response, buffer: String::new() };
    assert_eq!(by_query.ready().await.0.len(), 3);

    // A position the stream never sent is a field error, in the API's shape.
    let (status, body) = app.get("/api/v1/events?after=yesterday", &sam.token).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_code(&body), "invalid_fields");
    let (status, _) = app.send("GET", "/api/v1/events", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_change_made_through_one_portal_reaches_a_subscriber_of_another() {
    let app = spawn_app().await;
    let other = app.second_portal().await;
    let acme = app.organization("Acme", &[]).await;
    let sam = app.customer(&acme, true).await;
    let agent = app.staff("agent").await;
    // The second portal is never told of the first's writes: it finds them in the database they
    // share, as a separate process does (its poll; docs/benchmarks.md measures how soon).
    let mut stream = EventStream::open(&other, &agent, None).await;
    stream.ready().await;
    let ticket = id_of(&app.raise(&sam, "Raised on the first portal").await);
    let heard = stream.until(is_change(&ticket, "created")).await;
    assert_eq!(heard.last().unwrap().data["actor_id"], sam.id);
}

#[tokio::test]
async fn agents_on_one_ticket_see_each_other_arrive_type_and_leave() {
    let app = spawn_app().await;
    let acme = app.organization("Acme", &[]).await;
    let sam = app.customer(&acme, true).await;
    let alex = app.staff("agent").await;
    let blake = app.staff("agent").await;
    let ticket = id_of(&app.raise(&sam, "Two agents").await);
    let presence = format!("/api/v1/tickets/{ticket}/presence");

    let (status, body) = app.send("PUT", &presence, Some(&alex.token), Some(json!({"typing": false}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["viewers"], json!([]), "alone on the ticket");

    let mut alexs_stream = EventStream::open(&app, &alex, None).await;
    alexs_stream.ready().await;
    let (status, body) = app.send("PUT", &presence, Some(&blake.token), Some(json!({"typing": true}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["viewers"].as_array().unwrap().len(), 1);
    assert_eq!(body["viewers"][0]["user_id"], alex.id);
    assert_eq!(body["viewers"][0]["typing"], false);

    // Alex's page is told, and asks who is there.
    loop {
        let event = alexs_stream.next().await.expect("a presence event");
        if event.kind == "presence" {
            assert_eq!(event.data["ticket_id"], ticket.as_str());
            break;
        }
    }
    let (status, body) = app.get(&presence, &alex.token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["viewers"], json!([{"user_id": blake.id, "name": "A agent", "typing": true}]));

    assert_eq!(app.send("DELETE", &presence, Some(&blake.token), None).await.0, StatusCode::NO_CONTENT);
    let (_, body) = app.get(&presence, &alex.token).await;
    assert_eq!(body["viewers"], json!([]), "gone once they leave");

    // Presence is CyTrack's own; a client is refused even on their own ticket, and a ticket that
    // does not exist is not found.
    let (status, body) = app.send("PUT", &presence, Some(&sam.token), Some(json!({"typing": true}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let nobody = format!("/api/v1/tickets/{}/presence", uuid::Uuid::new_v4());
    assert_eq!(app.get(&nobody, &alex.token).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_reply_over_someone_elses_newer_one_is_held_once_and_stores_nothing() {
    let app = spawn_app().await;
    let acme = app.organization("Acme", &[]).await;
    let sam = app.customer(&acme, true).await;
    let alex = app.staff("agent").await;
    let blake = app.staff("agent").await;
    let ticket = id_of(&app.raise(&sam, "Who answers?").await);
    let comments = format!("/api/v1/tickets/{ticket}/comments");

    // Alex opened the ticket when it had no reply; Blake answers first.
    let (status, blakes) =
        app.post(&comments, Some(&blake.token), json!({"body": "Blake here.", "last_seen_comment_id": ""})).await;
    assert_eq!(status, StatusCode::CREATED, "{blakes}");
    let blakes = blakes["comment"]["id"].as_str().unwrap().to_string();
    let (status, body) =
        app.post(&comments, Some(&alex.token), json!({"body": "Alex here.", "last_seen_comment_id": ""})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(error_code(&body), "replied_since");
    assert!(body["error"]["message"].as_str().unwrap().contains("A agent replied since"), "{body}");
    let (_, detail) = app.get(&format!("/api/v1/tickets/{ticket}"), &alex.token).await;
    assert_eq!(detail["comments"].as_array().unwrap().len(), 1, "nothing stored: {detail}");

    // Having read it, Alex sends again and it goes.
    let (status, alexs) =
        app.post(&comments, Some(&alex.token), json!({"body": "Alex here.", "last_seen_comment_id": blakes})).await;
    assert_eq!(status, StatusCode::CREATED, "{alexs}");
    // One's own reply never holds one up; a client does not count staff notes they cannot see.
    let alexs = alexs["comment"]["id"].as_str().unwrap().to_string();
    let (status, _) =
        app.post(&comments, Some(&alex.token), json!({"body": "And more.", "last_seen_comment_id": blakes})).await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, latest) = app.get(&format!("/api/v1/tickets/{ticket}"), &sam.token).await;
    let newest_public = latest["comments"].as_array().unwrap().last().unwrap()["id"].as_str().unwrap().to_string();
    let note = json!({"body": "Internal", "internal": true});
    let (_, note) = app.post(&comments, Some(&blake.token), note).await;
    let (status, body) =
        app.post(&comments, Some(&sam.token), json!({"body": "Thanks.", "last_seen_comment_id": newest_public})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // A note's id is no reply a client has seen: a field error, as for any id not on the ticket.
    let note = note["comment"]["id"].as_str().unwrap();
    let (status, body) =
        app.post(&comments, Some(&sam.token), json!({"body": "Hm.", "last_seen_comment_id": note})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["fields"]["last_seen_comment_id"].is_string(), "{body}");
    // Without the field, nothing is checked (integrations written before it).
    let (status, _) = app.post(&comments, Some(&alex.token), json!({"body": "Unchecked."})).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_ne!(alexs, blakes);
}
