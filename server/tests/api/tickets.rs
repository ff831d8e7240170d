//! Raising, listing and reading tickets, within what each person may see.

use crate::harness::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_customer_raises_a_ticket_and_finds_it() {
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let jo = app.customer(&org, false).await;
    let (status, body) = app
        .post(
            "/api/v1/tickets",
            Some(&jo.token),
            json!({"subject": "Queue 3 is silent", "description": "No announcement plays.", "kind": "fault", "priority": "p2", "product": "queues"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let ticket = &body["ticket"];
    assert_eq!(ticket["number"], "CT-000001");
    assert_eq!(ticket["status"], "new");
    assert_eq!(ticket["queue"], "Deployments", "not live yet: routed to the deployment team");
    assert_eq!(ticket["organization_id"], org.as_str());
    assert_eq!(ticket["requester_id"], jo.id.as_str());
    assert_eq!(ticket["billing"]["tag"], "deployment", "no deployment recorded yet");
    assert!(ticket["billing"]["reason"].as_str().unwrap().starts_with("Deployment:"));

    let (status, list) = app.get("/api/v1/tickets", &jo.token).await;
    assert_eq!((status, list["total"].as_u64()), (StatusCode::OK, Some(1)));
    let id = ticket["id"].as_str().unwrap();
    let (status, detail) = app.get(&format!("/api/v1/tickets/{id}"), &jo.token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["ticket"]["subject"], "Queue 3 is silent");
    assert_eq!(detail["comments"], json!([]));

    let second = app.raise(&jo, "Another").await;
    assert_eq!(second["number"], "CT-000002");
}

#[tokio::test]
async fn nobody_sees_another_organisations_tickets() {
    let app = spawn_app().await;
    let acme = app.organization("Acme", &[]).await;
    let other = app.organization("Other", &[]).await;
    let jo = app.customer(&acme, false).await;
    let boss = app.customer(&acme, true).await;
    let stranger = app.customer(&other, true).await;
    let ticket = app.raise(&jo, "Acme's secret").await;
    let id = ticket["id"].as_str().unwrap();

    let (status, body) = app.get(&format!("/api/v1/tickets/{id}"), &stranger.token).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, missing) = app.get(&format!("/api/v1/tickets/{}", uuid::Uuid::new_v4()), &stranger.token).await;
    assert_eq!(body, missing, "a foreign ticket reads exactly like a missing one");
    let (_, list) = app.get(&format!("/api/v1/tickets?organization_id={acme}&q=secret"), &stranger.token).await;
    assert_eq!(list["total"], 0, "filters cannot widen what a customer sees");

    // The superuser sees the whole organisation; a plain colleague only their own.
    assert_eq!(app.get(&format!("/api/v1/tickets/{id}"), &boss.token).await.0, StatusCode::OK);
    let colleague = app.customer(&acme, false).await;
    assert_eq!(app.get(&format!("/api/v1/tickets/{id}"), &colleague.token).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/v1/tickets", &colleague.token).await.1["total"], 0);
    assert_eq!(app.get("/api/v1/tickets", &boss.token).await.1["total"], 1);

    let agent = app.staff("agent").await;
    assert_eq!(app.get(&format!("/api/v1/tickets/{id}"), &agent.token).await.0, StatusCode::OK);
}

#[tokio::test]
async fn staff_raise_tickets_for_a_named_organisation() {
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let agent = app.staff("agent").await;
    let req =
        json!({"subject": "Phoned in", "description": "Caller reports an outage.", "kind": "fault", "priority": "p1"});
    let (status, body) = app.post("/api/v1/tickets", Some(&agent.token), req.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["organization_id"].is_string());
    let mut with_org = req.clone();
    with_org["organization_id"] = json!(org);
    let (status, body) = app.post("/api/v1/tickets", Some(&agent.token), with_org).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["ticket"]["organization_id"], org.as_str());
}

#[tokio::test]
async fn ticket_fields_are_checked() {
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let jo = app.customer(&org, false).await;
    let (status, body) = app
        .post(
            "/api/v1/tickets",
            Some(&jo.token),
            json!({"subject": "a\r\nBcc: x", "description": "", "kind": "urgent", "priority": "p9", "product": "toaster"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["subject", "description", "kind", "priority", "product"] {
        assert!(body["error"]["fields"][field].is_string(), "{field}: {body}");
    }
    let (status, body) = app
        .post(
            "/api/v1/tickets",
            Some(&jo.token),
            json!({"subject": "x", "description": "y", "kind": "after_hours", "priority": "p3"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "after-hours tickets come from bookings");
    assert!(body["error"]["fields"]["kind"].is_string());
    let (status, _) = app.get("/api/v1/tickets?status=sideways", &jo.token).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.get("/api/v1/tickets", &jo.token).await.1["total"], 0, "nothing was stored");
}

#[tokio::test]
async fn search_is_by_words_and_treats_sql_and_wildcards_as_text() {
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let jo = app.customer(&org, true).await;
    app.raise(&jo, "Discount of 100% applied").await;
    app.raise(&jo, "Reports are slow").await;
    let cases = [
        ("100%", 1),
        ("%", 0),
        ("_", 0),
        ("' OR 1=1 --", 0),
        ("\" OR \"\"=\"", 0),
        ("NEAR(reports slow)", 0),
        ("reports", 1),
        ("REPORTS", 1),
        ("rep slo", 1),
        ("slow reports", 1),
        ("ports", 0),
        ("reports applied", 0),
        ("CT-000002", 1),
        ("2", 1),
    ];
    // The superuser's search is scoped to the organisation; staff searching everything are
    // counted from the full-text index alone. Both must agree with what the list holds.
    let agent = app.staff("agent").await;
    for who in [&jo, &agent] {
        for (q, expected) in cases {
            app.assert_search(who, q, expected).await;
        }
    }
}

#[tokio::test]
async fn a_word_finds_the_indexed_words_it_begins_and_follows_edits() {
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let jo = app.customer(&org, true).await;
    // Seventy words beginning "qa": more than one typed word is expanded into, so "qa" goes to the
    // index as a prefix query and must find the same ticket.
    let many: Vec<String> = (0..70).map(|i| format!("qa{i}")).collect();
    for (subject, description) in [
        ("Wallboard frozen", "Café chat down".to_string()),
        ("Queue stats", "wallboards OK".to_string()),
        ("Many words", many.join(" ")),
    ] {
        let (status, body) = app
            .post(
                "/api/v1/tickets",
                Some(&jo.token),
                json!({"subject": subject, "description": description, "kind": "fault", "priority": "p3"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let agent = app.staff("agent").await;
    let expect = |cases: &'static [(&'static str, usize)]| {
        let (app, jo, agent) = (&app, &jo, &agent);
        async move {
            for who in [jo, agent] {
                for (q, expected) in cases {
                    app.assert_search(who, q, *expected).await;
                }
            }
        }
    };
    expect(&[
        ("wallb", 2),
        ("wallboards", 1),
        ("WALLBOARD", 2),
        ("caf", 1),
        ("CAFÉ", 1),
        ("chat wallb", 1),
        ("zebra", 0),
        ("wallb zebra", 0),
        ("qa", 1),
        ("qa6", 1),
        ("qa69 many", 1),
        ("qa70", 0),
        // "q" begins more than 64 words, so it goes to the index as a prefix query, which must
        // find words only, never the facets the index also holds (each ticket's queue is "q…").
        ("q", 2),
    ])
    .await;

    // A subject changed in the database (no endpoint edits one) is searched by its new words.
    use sea_orm::ConnectionTrait;
    let db = app.database().await;
    db.execute_unprepared("UPDATE tickets SET subject = 'Zebra crossing' WHERE subject = 'Queue stats'").await.unwrap();
    expect(&[("zebra", 1), ("zeb cro", 1), ("queue stats", 0), ("wallb", 2), ("q", 1)]).await;
}

#[tokio::test]
async fn broad_searches_count_to_a_thousand_and_page_on_in_every_order() {
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let jo = app.customer(&org, true).await;
    app.raise(&jo, "Bulk template").await;
    // 2,002 more tickets like it (p3, new), written straight to the database: raising them one by
    // one through the API would take the test minutes on PostgreSQL. Over 2,000 matches, so every
    // way a search is paged (services::search::Indexed) meets more than it counts below.
    use sea_orm::ConnectionTrait;
    let db = app.database().await;
    db.execute_unprepared(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2002) \
         INSERT INTO tickets (id, number, organization_id, requester_id, subject, description, kind, priority, \
         status, queue, product, assignee_id, billing_tag, billing_reason, billing_manual, created_at, updated_at, \
         first_response_at, resolved_at, closed_at, paused_since, paused_minutes) \
         SELECT 'bulk-' || n.i, 100000 + n.i, organization_id, requester_id, 'Bulk ticket ' || n.i, description, \
         kind, priority, status, queue, product, assignee_id, billing_tag, billing_reason, billing_manual, \
         created_at, updated_at, first_response_at, resolved_at, closed_at, paused_since, paused_minutes \
         FROM tickets, n WHERE tickets.subject = 'Bulk template'",
    )
    .await
    .unwrap();
    let agent = app.staff("agent").await;
    let everyone = format!("&organization_id={org}");
    // Staff searching everything, narrowing by priority or status, in every order (by number, most
    // urgent first a priority at a time, by last update with the matches read first) or to an
    // organisation, and a superuser: every way stops counting at a thousand, says so, and pages on
    // to the end.
    for (who, narrowing) in [
        (&agent, ""),
        (&agent, "&priority=p3"),
        (&agent, "&status=new&sort=oldest"),
        (&agent, "&sort=priority"),
        (&agent, "&sort=updated"),
        (&agent, everyone.as_str()),
        (&jo, ""),
    ] {
        let (status, first) = app.get(&format!("/api/v1/tickets?q=bulk{narrowing}"), &who.token).await;
        assert_eq!(status, StatusCode::OK, "{narrowing}: {first}");
        assert_eq!(first["total"], 1000, "{narrowing}: {first}");
        assert_eq!(first["total_exact"], false);
        assert_eq!(first["items"].as_array().unwrap().len(), 50);
        let (_, last) = app.get(&format!("/api/v1/tickets?q=bulk{narrowing}&per_page=200&page=11"), &who.token).await;
        let last = last["items"].as_array().unwrap();
        assert_eq!(last.len(), 3, "{narrowing}: the pages go on past the count");
        // Most urgent first sorts equal priorities oldest first.
        let oldest_last = !(narrowing.contains("oldest") || narrowing.contains("sort=priority"));
        let edge = if oldest_last { &last[2] } else { &first["items"][0] };
        assert_eq!(edge["subject"], "Bulk template", "{narrowing}: the oldest is last, or first when asked");
        let (_, narrow) = app.get(&format!("/api/v1/tickets?q=bulk+template{narrowing}"), &who.token).await;
        assert_eq!((narrow["total"].as_u64(), narrow["total_exact"].as_bool()), (Some(1), Some(true)), "{narrowing}");
        let (_, none) = app.get(&format!("/api/v1/tickets?q=bulk&kind=upgrade{narrowing}"), &who.token).await;
        assert_eq!(none["items"].as_array().unwrap().len(), 0, "{narrowing}: {none}");
        assert_eq!((none["total"].as_u64(), none["total_exact"].as_bool()), (Some(0), Some(true)), "{narrowing}");
    }
    let (_, everything) = app.get("/api/v1/tickets", &agent.token).await;
    assert_eq!((everything["total"].as_u64(), everything["total_exact"].as_bool()), (Some(2003), Some(true)));
}

#[tokio::test]
async fn a_search_narrowed_by_any_filter_finds_what_the_filter_and_the_search_find_apart() {
    // On SQLite the search index holds every filter as a facet of its own (migration 12) and
    // answers a filtered search alone; it must agree with the filters on tickets, before and after
    // the tickets change.
    let app = spawn_app().await;
    let acme = app.organization("Acme", &[]).await;
    let beta = app.organization("Beta", &[]).await;
    let jo = app.customer(&acme, false).await;
    let boss = app.customer(&acme, true).await;
    let bea = app.customer(&beta, true).await;
    let agent = app.staff("agent").await;
    let mut ids = std::collections::HashMap::new();
    for (who, subject, kind, priority) in [
        (&jo, "Printer jammed", "fault", "p3"),
        (&jo, "Printer offline", "change_request", "p2"),
        (&jo, "Screen flicker", "fault", "p1"),
        (&boss, "Printer toner", "question", "p4"),
        (&boss, "Network down", "macs", "p2"),
        (&bea, "Printer in Beta", "fault", "p3"),
        (&bea, "Beta login", "upgrade", "p3"),
    ] {
        let ticket = app.raise_with(who, subject, kind, priority).await;
        ids.insert(subject, ticket["id"].as_str().unwrap().to_string());
    }
    let filters = [
        String::new(),
        "&status=open".into(),
        "&status=new,on_hold".into(),
        "&kind=fault".into(),
        "&priority=p3".into(),
        "&billing=deployment".into(),
        "&queue=Service+Desk".into(),
        "&queue=MACS+and+Changes".into(),
        format!("&organization_id={acme}"),
        format!("&organization_id={beta}"),
        "&assignee_id=none".into(),
        "&assignee_id=me".into(),
        format!("&assignee_id={}", agent.id),
        "&kind=fault&status=open&sort=priority".into(),
        format!("&organization_id={acme}&sort=updated"),
    ];
    let numbers = |list: &serde_json::Value| -> std::collections::BTreeSet<String> {
        list["items"].as_array().unwrap().iter().map(|t| t["number"].as_str().unwrap().to_string()).collect()
    };
    let agree = |stage: &'static str| {
        let (app, filters, numbers) = (&app, &filters, &numbers);
        let people = [(&jo, "jo"), (&boss, "boss"), (&bea, "bea"), (&agent, "agent")];
        async move {
            for (who, name) in people {
                for q in ["printer", "print jam", "zebra"] {
                    let q = q.replace(' ', "+");
                    let (_, found) = app.get(&format!("/api/v1/tickets?q={q}&per_page=100"), &who.token).await;
                    for filter in filters {
                        let (status, both) =
                            app.get(&format!("/api/v1/tickets?q={q}{filter}&per_page=100"), &who.token).await;
                        assert_eq!(status, StatusCode::OK, "{stage} {name} {q} {filter}: {both}");
                        let (_, filtered) = app.get(&format!("/api/v1/tickets?per_page=100{filter}"), &who.token).await;
                        let expected: std::collections::BTreeSet<String> =
                            numbers(&found).intersection(&numbers(&filtered)).cloned().collect();
                        assert_eq!(numbers(&both), expected, "{stage}: {name} searching {q:?} with {filter:?}");
                        assert_eq!(both["total"], expected.len(), "{stage}: {name} searching {q:?} with {filter:?}");
                    }
                }
            }
        }
    };
    agree("as raised").await;
    // Every facet changes on some ticket: status, assignee, queue and priority.
    for (subject, change) in [
        ("Printer jammed", json!({"assignee_id": agent.id, "status": "open"})),
        ("Printer offline", json!({"status": "on_hold", "queue": "Service Desk"})),
        ("Printer toner", json!({"queue": "MACS and Changes", "priority": "p3"})),
        ("Printer in Beta", json!({"status": "open", "assignee_id": agent.id})),
    ] {
        let (status, body) =
            app.send("PATCH", &format!("/api/v1/tickets/{}", ids[subject]), Some(&agent.token), Some(change)).await;
        assert_eq!(status, StatusCode::OK, "{subject}: {body}");
    }
    agree("after changes").await;
    // The changes really moved tickets between facets (so the comparison above was not vacuous).
    let (_, mine) = app.get("/api/v1/tickets?q=printer&assignee_id=me", &agent.token).await;
    assert_eq!(mine["total"], 2, "{mine}");
    let (_, macs) = app.get("/api/v1/tickets?q=printer&queue=MACS+and+Changes", &agent.token).await;
    assert_eq!(macs["items"][0]["subject"], "Printer toner", "{macs}");
    let (_, held) = app.get("/api/v1/tickets?q=printer&status=on_hold", &boss.token).await;
    assert_eq!(held["items"][0]["subject"], "Printer offline", "{held}");
    assert_eq!(held["total"], 1, "{held}");
}

#[tokio::test]
async fn a_search_most_urgent_first_pages_through_its_matches_in_the_lists_order() {
    // On SQLite the index pages such a search one priority at a time, carrying the offset from
    // one priority to the next; every page size must give the list's own order, nothing twice.
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let boss = app.customer(&org, true).await;
    let agent = app.staff("agent").await;
    for (i, priority) in ["p3", "p1", "p4", "p3", "p2", "p1", "p3", "p4", "p3"].into_iter().enumerate() {
        app.raise_with(&boss, &format!("Printer fault {i}"), "fault", priority).await;
    }
    app.raise_with(&boss, "Screen flicker", "fault", "p1").await;
    // The list without a search, most urgent first, then oldest: the order to agree with.
    let (_, all) = app.get("/api/v1/tickets?sort=priority&per_page=100", &agent.token).await;
    let printers = |priority: Option<&str>| -> Vec<String> {
        all["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["subject"].as_str().unwrap().starts_with("Printer"))
            .filter(|t| priority.is_none_or(|p| t["priority"] == p))
            .map(|t| t["number"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(printers(None).len(), 9, "{all}");
    assert_eq!(printers(Some("p3")).len(), 4, "{all}");
    for (filter, wanted) in
        [("", printers(None)), ("&priority=p3", printers(Some("p3"))), ("&status=new", printers(None))]
    {
        for per_page in 1..=4 {
            let mut paged = Vec::new();
            for page in 1..=(9 / per_page + 2) {
                let path = format!("/api/v1/tickets?q=printer&sort=priority{filter}&per_page={per_page}&page={page}");
                let (status, body) = app.get(&path, &agent.token).await;
                assert_eq!(status, StatusCode::OK, "{path}: {body}");
                assert_eq!(body["total"], wanted.len(), "{path}: {body}");
                paged.extend(
                    body["items"].as_array().unwrap().iter().map(|t| t["number"].as_str().unwrap().to_string()),
                );
            }
            assert_eq!(paged, wanted, "{filter} in pages of {per_page}");
        }
    }
}

#[tokio::test]
async fn a_search_recently_updated_first_pages_through_its_matches_in_the_lists_order() {
    // On SQLite the index holds the month, day and hour of each ticket's last update (migration
    // 14) and such a search counts its way to its page a month, a day and an hour at a time. Over a
    // thousand tickets, updated across years, months with more matches than a page sorts at once,
    // a day of many hours, one hour and one instant shared by many, must page in the list's own
    // order, nothing twice, and follow an update.
    use app::ssr::entities::ticket;
    use chrono::{DateTime, TimeDelta, Utc};
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let boss = app.customer(&org, true).await;
    let agent = app.staff("agent").await;
    app.raise(&boss, "Printer template").await;
    app.raise(&boss, "Printer raised today").await;
    let db = app.database().await;
    let template = ticket::Entity::find().filter(ticket::Column::Subject.eq("Printer template")).one(&db).await;
    let template = template.unwrap().expect("the template ticket");
    let at = |text: &str| text.parse::<DateTime<Utc>>().unwrap();
    let mut times = Vec::new();
    // A month of more matches than a page sorts at once (one every two hours), and the next.
    times.extend((0..500).map(|i| at("2026-01-01T00:30:00Z") + TimeDelta::hours(2 * i)));
    // One day of 250 updates, every hour of it.
    times.extend((0..250).map(|i| at("2026-03-10T00:00:00Z") + TimeDelta::seconds(345 * i)));
    // One instant shared by 400, more than a page sorts at once in an hour (the list then sorts by
    // number), and a year's last and first hours.
    times.extend((0..400).map(|_| at("2026-03-10T12:00:00Z")));
    times.extend((0..20).map(|i| at("2025-12-31T23:00:00Z") + TimeDelta::minutes(6 * i)));
    times.push(at("2024-02-29T08:00:00Z"));
    let bulk: Vec<ticket::ActiveModel> = times
        .iter()
        .enumerate()
        .map(|(i, updated)| {
            let mut row = template.clone().into_active_model().reset_all();
            row.id = Set(uuid::Uuid::new_v4().to_string());
            row.number = Set(100_000 + i as i64);
            // One in five does not match the search.
            row.subject = Set(if i % 5 == 4 { format!("Screen bulk {i}") } else { format!("Printer bulk {i}") });
            row.priority = Set(["p1", "p3"][i % 2].into());
            row.updated_at = Set(*updated);
            row
        })
        .collect();
    for chunk in bulk.chunks(200) {
        ticket::Entity::insert_many(chunk.to_vec()).exec(&db).await.expect("the bulk tickets");
    }
    let number = |t: &serde_json::Value| t["number"].as_str().unwrap().to_string();
    // The whole list without a search, read in pages of 200: the order to agree with.
    let listed = |filter: &'static str| {
        let (app, agent) = (&app, &agent);
        async move {
            let (items, _) =
                app.every_page(&format!("/api/v1/tickets?sort=updated{filter}&per_page=200"), &agent.token).await;
            items
                .iter()
                .filter(|t| t["subject"].as_str().unwrap().starts_with("Printer"))
                .map(number)
                .collect::<Vec<_>>()
        }
    };
    let searched = |filter: &'static str, per_page: usize| {
        let (app, agent) = (&app, &agent);
        async move {
            let path = format!("/api/v1/tickets?q=printer&sort=updated{filter}&per_page={per_page}");
            let (items, total) = app.every_page(&path, &agent.token).await;
            (items.iter().map(number).collect::<Vec<_>>(), total)
        }
    };
    let wanted = listed("").await;
    assert_eq!(wanted.len(), 2 + times.len() - times.len() / 5, "every Printer ticket is listed");
    for per_page in [200, 50, 13] {
        let (paged, total) = searched("", per_page).await;
        assert_eq!(total, wanted.len(), "in pages of {per_page}");
        assert_eq!(paged, wanted, "in pages of {per_page}");
    }
    let (paged, _) = searched("&priority=p1", 37).await;
    assert_eq!(paged, listed("&priority=p1").await, "narrowed to p1, in pages of 37");
    // A page far past the end, walked to through the buckets, is empty.
    let (status, far) = app.get("/api/v1/tickets?q=printer&sort=updated&page=200", &agent.token).await;
    assert_eq!((status, far["items"].as_array().map(Vec::len)), (StatusCode::OK, Some(0)), "{far}");
    // A reply moves the oldest ticket to the front of both lists.
    let oldest = wanted.last().unwrap().clone();
    let (_, found) = app.get(&format!("/api/v1/tickets?q={oldest}"), &agent.token).await;
    let id = found["items"][0]["id"].as_str().unwrap().to_string();
    let (status, body) = app
        .post(
            &format!("/api/v1/tickets/{id}/comments"),
            Some(&agent.token),
            json!({"body": "On it", "internal": false}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let moved = listed("").await;
    assert_eq!(moved.first(), Some(&oldest), "the replied ticket is the most recently updated");
    assert_eq!(searched("", 50).await.0, moved, "and the search follows");
    // An update written straight to the database is followed too (the index's trigger).
    let first_bulk = ticket::Entity::find().filter(ticket::Column::Subject.eq("Printer bulk 0")).one(&db).await;
    let mut row = first_bulk.unwrap().expect("the first bulk ticket").into_active_model();
    row.updated_at = Set(at("2030-01-01T00:00:00Z"));
    row.update(&db).await.unwrap();
    let (_, first) = app.get("/api/v1/tickets?q=printer&sort=updated&per_page=1", &agent.token).await;
    assert_eq!(first["items"][0]["subject"], "Printer bulk 0", "{first}");
}

#[tokio::test]
async fn the_search_index_is_rebuilt_when_its_migration_is_undone_and_done_again() {
    use migration::{Migrator, MigratorTrait};
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let jo = app.customer(&org, true).await;
    app.raise(&jo, "Printer jammed").await;
    app.raise(&jo, "Screen flicker").await;
    let db = app.database().await;
    // Back to before migration 12 (the facets), however many came after it.
    let names: Vec<String> = Migrator::migrations().iter().map(|m| m.name().to_string()).collect();
    let facets = names.iter().position(|n| n == "m20261128_000012_search_facets").expect("migration 12 is listed");
    Migrator::down(&db, Some((names.len() - facets) as u32)).await.expect("the migrations can be undone");
    Migrator::up(&db, None).await.expect("and done again");
    // Tickets already there are indexed with their words and facets again.
    let (status, found) = app.get(&format!("/api/v1/tickets?q=print&organization_id={org}"), &jo.token).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["items"][0]["subject"], "Printer jammed");
    app.raise(&jo, "Printer smoking").await;
    let (_, found) = app.get("/api/v1/tickets?q=print&status=new", &jo.token).await;
    assert_eq!(found["total"], 2, "and new tickets too: {found}");
}

#[tokio::test]
async fn words_written_outside_a_batch_are_found_while_they_wait_and_kept_by_the_next_batch() {
    // On SQLite the tickets' triggers only write their text (migration 32); a batch of raised
    // tickets keeps the words in `search_words`. A ticket edited outside one leaves its words
    // waiting, and a search by the start of one must still find it.
    use app::ssr::entities::ticket;
    use migration::{Migrator, MigratorTrait};
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
    use sea_orm::{DatabaseBackend, DatabaseConnection, IntoActiveModel, Statement};
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let jo = app.customer(&org, false).await;
    app.raise(&jo, "Printer jammed").await;
    let db = app.database().await;
    let sqlite = db.get_database_backend() == DatabaseBackend::Sqlite;
    let count = |db: &DatabaseConnection, sql: &'static str| {
        let db = db.clone();
        async move {
            let row = db.query_one(Statement::from_string(DatabaseBackend::Sqlite, sql)).await.unwrap().unwrap();
            row.try_get_by_index::<i64>(0).unwrap()
        }
    };
    let waiting = "SELECT count(*) FROM search_words_new_terms";
    let kept = "SELECT count(*) FROM search_words WHERE word = 'zyxwallboard'";
    if sqlite {
        assert_eq!(count(&db, waiting).await, 0, "the batch harvested its ticket's words");
    }

    let printer = ticket::Entity::find().filter(ticket::Column::Subject.eq("Printer jammed")).one(&db).await;
    let mut row = printer.unwrap().expect("the ticket").into_active_model();
    row.subject = Set("Zyxwallboard jammed".into());
    row.update(&db).await.expect("an edit outside any batch");
    if sqlite {
        assert!(count(&db, waiting).await > 0, "its words wait");
        assert_eq!(count(&db, kept).await, 0, "and are not kept yet");
    }
    let found = |q: &'static str| {
        let (app, token) = (&app, jo.token.clone());
        async move {
            let (status, found) = app.get(&format!("/api/v1/tickets?q={q}"), &token).await;
            assert_eq!(status, StatusCode::OK, "{found}");
            found["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["subject"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(found("zyxwall").await, ["Zyxwallboard jammed"], "a waiting word is found by its start");

    app.raise(&jo, "Screen flicker").await;
    if sqlite {
        assert_eq!(count(&db, waiting).await, 0, "the next batch harvested the waiting words too");
        assert_eq!(count(&db, kept).await, 1, "and kept them");
    }
    assert_eq!(found("zyxwall").await, ["Zyxwallboard jammed"], "a kept word is found by its start");

    // Undone and done again on a pool whose connections all read the schema first: each step
    // replaces both triggers on one connection (another, holding the schema from before, refused
    // to create a trigger by a name it believed taken when the statements were spread).
    let warm = |db: DatabaseConnection| async move {
        let reads = (0..8).map(|_| db.query_one(Statement::from_string(db.get_database_backend(), "SELECT 1")));
        futures::future::join_all(reads).await;
    };
    let names: Vec<String> = Migrator::migrations().iter().map(|m| m.name().to_string()).collect();
    let per_batch = names.iter().position(|n| n == "m20261130_000032_search_words_per_batch").expect("it is listed");
    warm(db.clone()).await;
    Migrator::down(&db, Some((names.len() - per_batch) as u32)).await.expect("migration 32 can be undone");
    warm(db.clone()).await;
    Migrator::up(&db, None).await.expect("and done again");
    if sqlite {
        let triggers = db.query_all(Statement::from_string(
            DatabaseBackend::Sqlite,
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'search_words_%'",
        ));
        let triggers: Vec<String> = triggers.await.unwrap().iter().map(|r| r.try_get_by_index(0).unwrap()).collect();
        assert_eq!(triggers.len(), 2, "{triggers:?}");
        assert!(triggers.iter().all(|t| !t.contains("delete-all")), "the triggers only write the text: {triggers:?}");
    }
    app.raise(&jo, "Wallboard dark").await;
    assert_eq!(found("wallb").await, ["Wallboard dark"], "raised after the upgrade, found");
}

#[tokio::test]
async fn lists_are_paged() {
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let jo = app.customer(&org, false).await;
    for i in 0..5 {
        app.raise(&jo, &format!("Ticket {i}")).await;
    }
    let (_, page) = app.get("/api/v1/tickets?per_page=2&page=3", &jo.token).await;
    assert_eq!(page["total"], 5);
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["subject"], "Ticket 0", "newest first, so the last page holds the oldest");
    let (status, _) = app.get("/api/v1/tickets?page=abc", &jo.token).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // A page past the end is an empty page on every paged list; one past the depth a list pages to
    // (issue 20, finding 4: a page in the millions walked the whole history) is refused.
    let admin = app.staff("admin").await;
    for (path, who) in [
        ("/api/v1/tickets?per_page=200".to_string(), &jo),
        ("/api/v1/tickets?per_page=200&q=ticket".to_string(), &jo),
        ("/api/v1/tickets?per_page=200&q=ticket&sort=priority".to_string(), &admin),
        ("/api/v1/tickets?per_page=200&q=ticket&sort=updated".to_string(), &admin),
        ("/api/v1/users?per_page=200".to_string(), &admin),
        (format!("/api/v1/organizations/{org}/ledger?per_page=200"), &admin),
    ] {
        let (status, body) = app.get(&format!("{path}&page=50"), &who.token).await;
        assert_eq!(status, StatusCode::OK, "{path} page 50: {body}");
        assert_eq!(body["items"].as_array().map(Vec::len), Some(0), "{path} page 50: {body}");
        for page in ["51", "1000000000", &u64::MAX.to_string()] {
            let (status, body) = app.get(&format!("{path}&page={page}"), &who.token).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path} page {page}: {body}");
            assert!(body["error"]["fields"]["page"].as_str().unwrap().contains("10000 items deep"), "{body}");
        }
    }
}

#[tokio::test]
async fn concurrent_tickets_get_distinct_numbers() {
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let jo = app.customer(&org, false).await;
    let raises = (0..12).map(|i| {
        let app = &app;
        let jo = jo.clone();
        async move {
            app.post(
                "/api/v1/tickets",
                Some(&jo.token),
                json!({"subject": format!("Burst {i}"), "description": "d", "kind": "question", "priority": "p4"}),
            )
            .await
        }
    });
    let results = futures::future::join_all(raises).await;
    let mut numbers: Vec<String> = results
        .into_iter()
        .map(|(status, body)| {
            assert_eq!(status, StatusCode::CREATED, "{body}");
            body["ticket"]["number"].as_str().unwrap().to_string()
        })
        .collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 12);
}

#[tokio::test]
async fn the_ticket_page_escapes_what_people_typed() {
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let jo = app.customer(&org, false).await;
    let typed = "</title><script>alert('x')</script>";
    let ticket = app.raise(&jo, typed).await;
    assert_eq!(ticket["subject"], typed, "stored as typed");
    let res = app.page(&format!("/tickets/{}", ticket["id"].as_str().unwrap()), &jo).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("&lt;script&gt;alert("), "the subject is shown as text");
    assert!(!html.contains("<script>alert("), "and never as markup");
}

/// The browser numbers the resources of a page in the order it creates them while hydrating, once
/// each; the server must number them the same way on every render. When it built a page's parts
/// more than once, depending on timing, the numbers shifted now and then and the ticket page
/// failed to hydrate (components::suspend).
#[tokio::test]
async fn pages_number_their_data_the_same_way_on_every_render() {
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let jo = app.customer(&org, false).await;
    let agent = app.staff("agent").await;
    let ticket = app.raise(&jo, "Wallboard frozen").await;
    let ticket_page = format!("/tickets/{}", ticket["id"].as_str().unwrap());
    for (who, path) in
        [(&agent, ticket_page.as_str()), (&jo, ticket_page.as_str()), (&agent, "/queues"), (&jo, "/tickets")]
    {
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..12 {
            let html = app.page(path, who).send().await.unwrap().text().await.unwrap();
            let start = html.find("__PENDING_RESOURCES=").expect("the page sends its data");
            seen.insert(html[start..].split(';').next().unwrap().to_string());
        }
        assert_eq!(seen.len(), 1, "{path} numbered its data differently across renders: {seen:?}");
    }
}

/// Each portal lists its routes when it starts, and Leptos does that with resource loading
/// suppressed for the whole process; a page rendering at that moment used to wait forever
/// (leptos issue #4773). The tests start portals in parallel in one process, as here: pages keep
/// rendering while ten more portals start.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_render_while_other_portals_start() {
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let jo = app.customer(&org, false).await;
    let ticket = app.raise(&jo, "Wallboard frozen").await;
    let path = format!("/tickets/{}", ticket["id"].as_str().unwrap());
    let starting = tokio::spawn(async {
        let portals = futures::future::join_all((0..10).map(|_| spawn_app())).await;
        portals.len()
    });
    let mut rendered = 0;
    while !starting.is_finished() || rendered < 20 {
        let pages = (0..4).map(|_| {
            let request = app.page(&path, &jo).send();
            // A hang detector, not a speed check: a page takes milliseconds.
            tokio::time::timeout(std::time::Duration::from_secs(10), request)
        });
        for page in futures::future::join_all(pages).await {
            let res = page.expect("the page finishes instead of hanging").expect("the page answers");
            assert_eq!(res.status(), StatusCode::OK);
            assert!(res.text().await.unwrap().contains("Wallboard frozen"), "the whole page came");
            rendered += 1;
        }
    }
    assert_eq!(starting.await.unwrap(), 10, "every portal started");
}

#[tokio::test]
async fn a_burst_of_tickets_is_numbered_once_each_and_every_one_is_acknowledged() {
    // Issue 25: tickets raised at the same moment are written together, a batch per transaction.
    let app = spawn_app().await;
    let acme = app.organization("Acme", &[]).await;
    let other = app.organization("Other", &[]).await;
    let people = [app.customer(&acme, false).await, app.customer(&acme, true).await, app.customer(&other, false).await];
    let subjects: Vec<String> = (0..30).map(|i| format!("Burst {i}")).collect();
    let raised =
        futures::future::join_all(subjects.iter().enumerate().map(|(i, s)| app.raise(&people[i % 3], s))).await;

    let mut numbers: Vec<&str> = raised.iter().map(|t| t["number"].as_str().unwrap()).collect();
    numbers.sort();
    let expected: Vec<String> = (1..=30).map(|n| format!("CT-{n:06}")).collect();
    assert_eq!(numbers, expected, "each number once, none skipped");
    for (i, ticket) in raised.iter().enumerate() {
        assert_eq!(ticket["subject"], format!("Burst {i}"), "each answer is its own ticket");
        assert_eq!(ticket["requester_id"], people[i % 3].id.as_str());
    }
    for person in &people {
        let (_, notices) = app.get("/api/v1/notifications?per_page=100", &person.token).await;
        let acknowledged = notices["items"].as_array().unwrap().iter().filter(|n| n["kind"] == "ticket_raised").count();
        assert_eq!(acknowledged, 10, "every raise is acknowledged to its requester: {notices}");
    }
    let admin = app.admin().await;
    let (_, outbox) = app.get("/api/v1/mail/outbox?per_page=200", &admin.token).await;
    let mailed = outbox["items"].as_array().unwrap().iter().filter(|m| m["kind"] == "ticket_raised").count();
    assert_eq!(mailed, 30, "and mailed, in the same transaction as its ticket");
    assert_eq!(app.get("/api/v1/tickets", &people[2].token).await.1["total"], 10, "Other sees its own ten");
}

#[tokio::test]
async fn the_search_index_writes_small_pages_and_finds_a_long_ticket_by_any_of_its_words() {
    // Issue 25: on SQLite the index writes pages of 1,000 bytes (migration 33), so the merging
    // FTS5 does inside a write, counted in pages, is a quarter of what it was. A description of
    // about 6 KB of distinct words spans several pages, and each of its words still finds it.
    use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let jo = app.customer(&org, false).await;
    let words: Vec<String> = (0..600).map(|i| format!("zq{i:04}word")).collect();
    let body = json!({"subject": "Wallboard log", "description": words.join(" "), "kind": "fault", "priority": "p3"});
    let (status, raised) = app.post("/api/v1/tickets", Some(&jo.token), body).await;
    assert_eq!(status, StatusCode::CREATED, "{raised}");
    for word in [&words[0], &words[299], &words[599]] {
        let found = app.assert_search(&jo, word, 1).await;
        assert_eq!(found["items"][0]["id"], raised["ticket"]["id"], "{word} finds the ticket: {found}");
    }
    let db = app.database().await;
    if db.get_database_backend() != DatabaseBackend::Sqlite {
        return; // PostgreSQL's index is a GIN index: nothing of FTS5's pages
    }
    let sql = "SELECT count(*), max(length(block)) FROM tickets_fts_data WHERE id > 10";
    let row = db.query_one(Statement::from_string(DatabaseBackend::Sqlite, sql)).await.unwrap().unwrap();
    let (pages, largest) = (row.try_get_by_index::<i64>(0).unwrap(), row.try_get_by_index::<i64>(1).unwrap());
    assert!(pages >= 6, "the ticket's words span pages of about 1,000 bytes: {pages} pages");
    assert!(largest < 2000, "no page near FTS5's default of 4,050 bytes: the largest holds {largest}");
}
