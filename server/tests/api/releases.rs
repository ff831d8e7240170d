//! Releases numbered by the seed's rule, fixes slated and shipped, upgrades, and the Insider blog
//! with its readers, questions and feed.

use crate::harness::{error_code, spawn_app, Person, TestApp};
use chrono::{Datelike, Days, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn year() -> u32 {
    Utc::now().date_naive().year() as u32 % 100
}

/// `N.P` of this year's releases: `1.1` → `26-1.1`.
fn this_year(version: &str) -> String {
    format!("{:02}-{version}", year())
}

async fn release(app: &TestApp, staff: &Person, number: &str) -> Value {
    let (status, body) = app
        .post("/api/v1/releases", Some(&staff.token), json!({"number": number, "notes": format!("Notes of {number}.")}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{number}: {body}");
    body["release"].clone()
}

async fn ship(app: &TestApp, staff: &Person, release: &Value) -> (StatusCode, Value) {
    app.post(&format!("/api/v1/releases/{}/ship", release["id"].as_str().unwrap()), Some(&staff.token), json!({})).await
}

async fn slate(app: &TestApp, who: &Person, release: &Value, ticket: &str) -> (StatusCode, Value) {
    let path = format!("/api/v1/releases/{}/tickets", release["id"].as_str().unwrap());
    app.post(&path, Some(&who.token), json!({"ticket": ticket})).await
}

/// An organisation on Software Care: its go-live long past, an IRS contract covering today.
async fn on_irs(app: &TestApp, manager: &Person, name: &str) -> String {
    let org = app.organization(name, &[]).await;
    let day = |offset: i64| {
        let today = Utc::now().date_naive();
        match offset < 0 {
            true => today - Days::new(offset.unsigned_abs()),
            false => today + Days::new(offset as u64),
        }
        .to_string()
    };
    let path = format!("/api/v1/organizations/{org}/deployment");
    let (status, body) = app
        .send("PUT", &path, Some(&manager.token), Some(json!({"go_live_on": day(-100), "go_live_basis": "signed"})))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let path = format!("/api/v1/organizations/{org}/irs-contracts");
    let (status, body) =
        app.post(&path, Some(&manager.token), json!({"starts_on": day(-79), "ends_on": day(200)})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    org
}

#[tokio::test]
async fn release_numbers_follow_the_seed_without_gaps_or_repeats() {
    let app = spawn_app().await;
    let agent = app.staff("agent").await;
    let org = app.organization("Acme", &[]).await;
    let customer = app.customer(&org, true).await;

    let (status, next) = app.get("/api/v1/releases/next-numbers", &agent.token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(next, json!({"point": null, "sequence": null, "new_year": this_year("1.1")}));

    let cases: [(String, StatusCode, &str); 9] = [
        (this_year("1.1"), StatusCode::CREATED, ""),
        (this_year("1.1"), StatusCode::CONFLICT, "release_exists"),
        (this_year("3.1"), StatusCode::CONFLICT, "release_out_of_order"),
        (this_year("1.3"), StatusCode::CONFLICT, "release_out_of_order"),
        (format!("{:02}-1.1", year() + 1), StatusCode::CONFLICT, "release_out_of_order"),
        (this_year("1.0"), StatusCode::UNPROCESSABLE_ENTITY, "invalid_fields"),
        (this_year("01.1"), StatusCode::UNPROCESSABLE_ENTITY, "invalid_fields"),
        (this_year("1.2"), StatusCode::CREATED, ""),
        (this_year("2.1"), StatusCode::CREATED, ""),
    ];
    for (number, want, code) in cases {
        let (status, body) = app.post("/api/v1/releases", Some(&agent.token), json!({"number": number})).await;
        assert_eq!(status, want, "{number}: {body}");
        if !code.is_empty() {
            assert_eq!(error_code(&body), code, "{number}: {body}");
        }
    }
    let (_, next) = app.get("/api/v1/releases/next-numbers", &agent.token).await;
    assert_eq!(next["point"], this_year("2.2"));
    assert_eq!(next["sequence"], this_year("3.1"));

    // Clients follow releases; they do not make them.
    let (status, body) = app.post("/api/v1/releases", Some(&customer.token), json!({"number": this_year("3.1")})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, "forbidden"));
    let (status, list) = app.get("/api/v1/releases", &customer.token).await;
    assert_eq!(status, StatusCode::OK);
    let numbers: Vec<&str> = list["items"].as_array().unwrap().iter().map(|r| r["number"].as_str().unwrap()).collect();
    assert_eq!(numbers, [this_year("2.1"), this_year("1.2"), this_year("1.1")], "newest first");
}

#[tokio::test]
async fn a_shipped_release_resolves_its_fixes_and_tells_each_client_only_of_their_own() {
    let app = spawn_app().await;
    let agent = app.staff("agent").await;
    let acme = app.organization("Acme", &[]).await;
    let borealis = app.organization("Borealis", &[]).await;
    let casey = app.customer(&acme, false).await;
    let blair = app.customer(&borealis, false).await;
    let fault = app.raise(&casey, "Calls drop at transfer").await;
    let other = app.raise(&blair, "Wallboard stalls").await;
    let r = release(&app, &agent, &this_year("1.1")).await;

    // Staff slate tickets of any organisation, by number or by id.
    let (status, body) = slate(&app, &agent, &r, fault["number"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!((body["number"].as_str(), body["upgrade"].as_bool()), (Some(this_year("1.1").as_str()), Some(false)));
    let (status, _) = slate(&app, &agent, &r, other["id"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = slate(&app, &agent, &r, "CT-999999").await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_fields"));
    assert!(body["error"]["fields"]["ticket"].is_string(), "{body}");
    let (status, _) = slate(&app, &casey, &r, fault["id"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "clients do not slate");

    // Each client sees their own ticket on the release, never the other's.
    let path = format!("/api/v1/releases/{}", r["id"].as_str().unwrap());
    for (who, mine, theirs) in [(&casey, &fault, &other), (&blair, &other, &fault)] {
        let (status, detail) = app.get(&path, &who.token).await;
        assert_eq!(status, StatusCode::OK);
        let ids: Vec<&str> = detail["tickets"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
        assert_eq!(ids, [mine["id"].as_str().unwrap()]);
        assert_ne!(ids[0], theirs["id"].as_str().unwrap());
        assert_eq!(detail["release"]["slated_count"], 1);
    }
    let (_, staff_view) = app.get(&path, &agent.token).await;
    assert_eq!(staff_view["tickets"].as_array().unwrap().len(), 2);
    let ticket_path = format!("/api/v1/tickets/{}", fault["id"].as_str().unwrap());
    let (_, ticket) = app.get(&ticket_path, &casey.token).await;
    assert_eq!(ticket["release"]["number"], this_year("1.1"));
    assert_eq!(ticket["release"]["state"], "planned");

    let (status, shipped) = ship(&app, &agent, &r).await;
    assert_eq!(status, StatusCode::OK, "{shipped}");
    assert_eq!(shipped["release"]["state"], "released");
    assert!(shipped["release"]["released_at"].is_string());
    let (_, ticket) = app.get(&ticket_path, &casey.token).await;
    assert_eq!(ticket["ticket"]["status"], "resolved");
    assert_eq!(ticket["release"]["state"], "released");
    // The client hears, with the release named.
    let (_, told) = app.get("/api/v1/notifications", &casey.token).await;
    let status_notice = told["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "ticket_status")
        .cloned()
        .unwrap_or_else(|| panic!("a status notice: {told}"));
    assert!(status_notice["body"].as_str().unwrap().contains(&this_year("1.1")), "{status_notice}");

    // Shipped once; nothing more can be slated for it; the client may reopen as ever.
    let (status, body) = ship(&app, &agent, &r).await;
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "release_shipped"));
    let (status, body) = slate(&app, &agent, &r, fault["id"].as_str().unwrap()).await;
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "release_shipped"));
    let (status, body) = app.send("PATCH", &ticket_path, Some(&casey.token), Some(json!({"status": "open"}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Another organisation's ticket on a release is as absent as one that never existed.
    let r2 = release(&app, &agent, &this_year("1.2")).await;
    slate(&app, &agent, &r2, other["id"].as_str().unwrap()).await;
    let (status, detail) = app.get(&format!("/api/v1/releases/{}", r2["id"].as_str().unwrap()), &casey.token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["tickets"], json!([]));
    assert_eq!(detail["release"]["slated_count"], 0);
    // Taking a ticket off: staff only, and only what is slated there.
    let off = format!("/api/v1/releases/{}/tickets/{}", r2["id"].as_str().unwrap(), other["id"].as_str().unwrap());
    assert_eq!(app.send("DELETE", &off, Some(&blair.token), None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.send("DELETE", &off, Some(&agent.token), None).await.0, StatusCode::NO_CONTENT);
    assert_eq!(app.send("DELETE", &off, Some(&agent.token), None).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn clients_see_what_is_newer_than_theirs_and_ask_for_an_upgrade() {
    let app = spawn_app().await;
    let agent = app.staff("agent").await;
    let manager = app.staff("account_manager").await;
    let acme = app.organization("Acme", &[]).await;
    let borealis = app.organization("Borealis", &[]).await;
    let sam = app.customer(&acme, true).await;
    let blair = app.customer(&borealis, true).await;
    let first = release(&app, &agent, &this_year("1.1")).await;
    let point = release(&app, &agent, &this_year("1.2")).await;
    let planned = release(&app, &agent, &this_year("2.1")).await;
    ship(&app, &agent, &first).await;
    ship(&app, &agent, &point).await;

    let path = format!("/api/v1/organizations/{acme}/installed-release");
    let (status, body) = app.send("PUT", &path, Some(&manager.token), Some(json!({"release": this_year("2.1")}))).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_fields"), "not released");
    let (status, body) = app.send("PUT", &path, Some(&sam.token), Some(json!({"release": this_year("1.1")}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = app.send("PUT", &path, Some(&manager.token), Some(json!({"release": this_year("1.1")}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (status, mine) = app.get(&path, &sam.token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(mine["installed"]["number"], this_year("1.1"));
    let newer: Vec<&str> = mine["newer"].as_array().unwrap().iter().map(|r| r["number"].as_str().unwrap()).collect();
    assert_eq!(newer, [this_year("1.2")], "released and newer only");
    assert_eq!(app.get(&path, &blair.token).await.0, StatusCode::NOT_FOUND, "another client's is absent");

    // The upgrade request: an upgrade ticket naming its target.
    let upgrade = format!("/api/v1/releases/{}/upgrade", point["id"].as_str().unwrap());
    let (status, body) = app.post(&upgrade, Some(&sam.token), json!({"note": "Weekends suit us."})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["ticket"]["kind"], "upgrade");
    let ticket_id = body["ticket"]["id"].as_str().unwrap().to_string();
    let (_, ticket) = app.get(&format!("/api/v1/tickets/{ticket_id}"), &sam.token).await;
    assert_eq!(ticket["release"]["number"], this_year("1.2"));
    assert_eq!(ticket["release"]["upgrade"], true);
    assert!(ticket["ticket"]["description"].as_str().unwrap().contains("Weekends suit us."));
    let to_planned = format!("/api/v1/releases/{}/upgrade", planned["id"].as_str().unwrap());
    let (status, body) = app.post(&to_planned, Some(&sam.token), json!({})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "release_planned"));
    let (status, _) = app.post(&upgrade, Some(&agent.token), json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "staff raise upgrade tickets as tickets");

    // An upgrade ticket slated for a release stays open when it ships: the upgrade is still to do.
    slate(&app, &agent, &planned, &ticket_id).await;
    ship(&app, &agent, &planned).await;
    let (_, ticket) = app.get(&format!("/api/v1/tickets/{ticket_id}"), &sam.token).await;
    assert_eq!(ticket["ticket"]["status"], "new");

    // Which clients run what: account managers only.
    let (status, rows) = app.get("/api/v1/releases/in-use", &manager.token).await;
    assert_eq!(status, StatusCode::OK);
    let row = |number: Value| {
        rows.as_array().unwrap().iter().find(|r| r["release"] == number).cloned().unwrap_or(Value::Null)
    };
    assert_eq!(row(json!(this_year("1.1")))["organizations"][0]["name"], "Acme");
    let unknown = row(Value::Null);
    assert!(unknown["organizations"].as_array().unwrap().iter().any(|o| o["id"] == borealis.as_str()), "{rows}");
    assert_eq!(app.get("/api/v1/releases/in-use", &sam.token).await.0, StatusCode::FORBIDDEN);
}

async fn post(app: &TestApp, staff: &Person, body: Value) -> Value {
    let (status, answer) = app.post("/api/v1/insider/posts", Some(&staff.token), body).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    answer
}

#[tokio::test]
async fn the_insider_is_read_by_software_care_readers_and_titles_only_by_others() {
    let app = spawn_app().await;
    let agent = app.staff("agent").await;
    let manager = app.staff("account_manager").await;
    let covered = on_irs(&app, &manager, "Covered").await;
    let also = on_irs(&app, &manager, "Also covered").await;
    let lapsed = app.organization("Lapsed", &[]).await;
    let casey = app.customer(&covered, false).await;
    let drew = app.customer(&also, false).await;
    let lee = app.customer(&lapsed, true).await;
    let r = release(&app, &agent, &this_year("1.1")).await;

    let draft = post(
        &app,
        &agent,
        json!({"title": "What 1.1 brings", "body": "**CyChat** transfers.", "tags": ["CyChat, releases"],
               "releases": [this_year("1.1")], "published": false}),
    )
    .await;
    let id = draft["post"]["id"].as_str().unwrap().to_string();
    assert_eq!(draft["post"]["tags"], json!(["cychat", "releases"]));
    assert_eq!(draft["post"]["releases"][0]["id"], r["id"]);
    let path = format!("/api/v1/insider/posts/{id}");
    // A draft is staff's alone: absent to every reader, questions included.
    let (_, list) = app.get("/api/v1/insider/posts", &casey.token).await;
    assert_eq!(list["total"], 0);
    assert_eq!(app.get(&path, &casey.token).await.0, StatusCode::NOT_FOUND);
    let (status, _) = app.post(&format!("{path}/questions"), Some(&casey.token), json!({"body": "When?"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let edit = json!({"title": "What 1.1 brings", "body": "**CyChat** transfers.", "tags": ["cychat"],
                      "releases": [this_year("1.1")], "published": true});
    let (status, body) = app.send("PUT", &path, Some(&agent.token), Some(edit)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["post"]["published_at"].is_string());

    // A Software Care reader reads it whole; a lapsed client sees the title and the offer.
    let (_, list) = app.get("/api/v1/insider/posts?tag=cychat", &casey.token).await;
    assert_eq!((list["total"].as_u64(), list["items"][0]["readable"].as_bool()), (Some(1), Some(true)));
    let (status, read) = app.get(&path, &casey.token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read["body_html"].as_str().unwrap().trim(), "<p><strong>CyChat</strong> transfers.</p>");
    let (_, list) = app.get("/api/v1/insider/posts", &lee.token).await;
    assert_eq!(list["items"][0]["title"], "What 1.1 brings");
    assert_eq!(list["items"][0]["readable"], false);
    let (status, body) = app.get(&path, &lee.token).await;
    assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, "software_care_required"));
    let (status, body) = app.post(&format!("{path}/questions"), Some(&lee.token), json!({"body": "When?"})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, "software_care_required"));
    let (_, none) = app.get("/api/v1/insider/posts?tag=wallboards", &casey.token).await;
    assert_eq!(none["total"], 0);

    // A question: its author hears; the answer reaches the reader who asked.
    let (status, body) =
        app.post(&format!("{path}/questions"), Some(&casey.token), json!({"body": "Does it fix CT-7?"})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let question = body["question"]["id"].as_str().unwrap().to_string();
    assert_eq!(body["question"]["mine"], true);
    let (status, body) = app.post(&format!("{path}/questions"), Some(&casey.token), json!({"body": " "})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_fields"));
    let (_, told) = app.get("/api/v1/notifications", &agent.token).await;
    assert_eq!(told["items"][0]["kind"], "insider_question", "{told}");
    let answer = format!("/api/v1/insider/questions/{question}/answer");
    let (status, _) = app.post(&answer, Some(&casey.token), json!({"answer": "Yes"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = app.post(&answer, Some(&agent.token), json!({"answer": "Yes, in 1.1."})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, told) = app.get("/api/v1/notifications", &casey.token).await;
    assert!(told["items"].as_array().unwrap().iter().any(|n| n["kind"] == "insider_answer"), "{told}");

    // Questions are public to Software Care readers; the asker is named only to their own side.
    let (_, read) = app.get(&path, &drew.token).await;
    let q = &read["questions"][0];
    assert_eq!((q["asked_by"].as_str(), q["mine"].as_bool()), (Some("A Software Care reader"), Some(false)));
    assert_eq!(q["answer"], "Yes, in 1.1.");

    // A question becomes a ticket of the asker's organisation, once.
    let to_ticket = format!("/api/v1/insider/questions/{question}/ticket");
    assert_eq!(app.post(&to_ticket, Some(&casey.token), json!({})).await.0, StatusCode::FORBIDDEN);
    let (status, body) = app.post(&to_ticket, Some(&agent.token), json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        (body["ticket"]["kind"].as_str(), body["ticket"]["organization_id"].as_str()),
        (Some("question"), Some(covered.as_str()))
    );
    assert_eq!(body["ticket"]["requester_id"], casey.id);
    let ticket_id = body["ticket"]["id"].as_str().unwrap();
    assert_eq!(app.get(&format!("/api/v1/tickets/{ticket_id}"), &casey.token).await.0, StatusCode::OK);
    let (status, body) = app.post(&to_ticket, Some(&agent.token), json!({})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "question_ticketed"));
    let (_, read) = app.get(&path, &drew.token).await;
    assert_eq!(read["questions"][0]["ticket_id"], Value::Null, "another client's ticket stays theirs");
    let (_, read) = app.get(&path, &casey.token).await;
    assert_eq!(read["questions"][0]["ticket_id"], ticket_id);
}

#[tokio::test]
async fn markdown_that_would_run_or_load_is_stripped() {
    let app = spawn_app().await;
    let agent = app.staff("agent").await;
    let attacks = [
        ("script", "Hello <script>alert(1)</script>", "<script"),
        ("iframe", "<iframe src=\"https://evil.example\"></iframe>", "<iframe"),
        ("javascript link", "[open](javascript:alert(1))", "javascript:"),
        ("event handler", "<img src=x onerror=\"alert(1)\">", "onerror"),
    ];
    for (name, body, banned) in attacks {
        let created = post(&app, &agent, json!({"title": name, "body": body, "published": true})).await;
        let html = created["body_html"].as_str().unwrap().to_lowercase();
        assert!(!html.contains(banned), "{name}: {html}");
        let (status, r) =
            app.post("/api/v1/releases", Some(&agent.token), json!({"number": this_year("1.1"), "notes": body})).await;
        if status == StatusCode::CREATED {
            assert!(!r["release"]["notes_html"].as_str().unwrap().to_lowercase().contains(banned), "{name}: {r}");
        }
    }
    let (status, body) = app.post("/api/v1/insider/posts", Some(&agent.token), json!({"title": "", "body": ""})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["title"].is_string() && body["error"]["fields"]["body"].is_string(), "{body}");
    let (status, body) = app
        .post("/api/v1/insider/posts", Some(&agent.token), json!({"title": "T", "body": "B", "releases": ["30-9.9"]}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["releases"].is_string(), "{body}");
}

#[tokio::test]
async fn a_private_feed_follows_its_reader_until_the_account_or_token_ends() {
    let app = spawn_app().await;
    let agent = app.staff("agent").await;
    let manager = app.staff("account_manager").await;
    let admin = app.admin().await;
    let covered = on_irs(&app, &manager, "Covered").await;
    let lapsed = app.organization("Lapsed", &[]).await;
    let casey = app.customer(&covered, false).await;
    let lee = app.customer(&lapsed, false).await;
    post(&app, &agent, json!({"title": "Fixes & features", "body": "The secret sauce.", "published": true})).await;
    post(&app, &agent, json!({"title": "Unpublished plans", "body": "Not yet.", "published": false})).await;

    let feed = |path: String| {
        let client = app.client.clone();
        let url = app.url(&path);
        async move {
            let res = client.get(url).send().await.unwrap();
            let status = res.status();
            let kind = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
            (status, kind, res.text().await.unwrap())
        }
    };
    let (status, made) = app.post("/api/v1/insider/feed-token", Some(&casey.token), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{made}");
    let path = made["path"].as_str().unwrap().to_string();
    assert!(made["url"].as_str().unwrap().ends_with(&path), "{made}");
    let (status, kind, xml) = feed(path.clone()).await;
    assert_eq!(status, StatusCode::OK, "{xml}");
    assert!(kind.starts_with("application/atom+xml"), "{kind}");
    assert!(xml.contains("<title>Fixes &amp; features</title>"), "{xml}");
    assert!(xml.contains("The secret sauce."), "{xml}");
    assert!(!xml.contains("Unpublished plans"), "{xml}");

    // A reader without Software Care gets titles and the offer.
    let (_, made_lee) = app.post("/api/v1/insider/feed-token", Some(&lee.token), json!({})).await;
    let (_, _, xml) = feed(made_lee["path"].as_str().unwrap().to_string()).await;
    assert!(xml.contains("Fixes &amp; features") && !xml.contains("The secret sauce."), "{xml}");
    assert!(xml.contains("Renew your Issue Resolution Service"), "{xml}");

    // A wrong or empty token, a replaced token, a disabled account: 401 in the API's shape.
    for bad in ["/api/v1/insider/feed.atom?token=nope", "/api/v1/insider/feed.atom"] {
        let (status, body) = app.send("GET", bad, None, None).await;
        assert_eq!((status, error_code(&body)), (StatusCode::UNAUTHORIZED, "unauthenticated"), "{bad}");
    }
    let (_, again) = app.post("/api/v1/insider/feed-token", Some(&casey.token), json!({})).await;
    assert_eq!(feed(path).await.0, StatusCode::UNAUTHORIZED, "the old address ends");
    let fresh = again["path"].as_str().unwrap().to_string();
    assert_eq!(feed(fresh.clone()).await.0, StatusCode::OK);
    let (status, _) = app.post(&format!("/api/v1/users/{}/disable", casey.id), Some(&admin.token), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(feed(fresh).await.0, StatusCode::UNAUTHORIZED, "a disabled account's feed stops");
}
