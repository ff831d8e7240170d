//! Bad input of every kind gets the API's error shape with the right status, never a 500.

use crate::harness::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn malformed_json_is_400_and_a_missing_field_is_422() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url("/api/v1/auth/register"))
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(error_code(&body), "bad_request");

    let (status, body) = app.post("/api/v1/auth/register", None, json!({"name": "Jo"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["message"].as_str().unwrap().contains("missing field"), "{body}");

    let res = app.client.post(app.url("/api/v1/auth/login")).body("email=a").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST, "a body that is not declared JSON");
}

#[tokio::test]
async fn a_whole_number_written_with_a_zero_fraction_reads_as_that_number() {
    // JSON Schema counts 120.0 an integer, and so do clients generated from the document.
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let manager = app.staff("account_manager").await;
    let path = format!("/api/v1/organizations/{org}/vouchers");
    let expires_on = (chrono::Utc::now().date_naive() + chrono::Days::new(90)).to_string();
    let (status, body) =
        app.post(&path, Some(&manager.token), json!({"minutes": 120.0, "expires_on": expires_on})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["voucher"]["minutes"], 120);
    let (status, body) =
        app.post(&path, Some(&manager.token), json!({"minutes": 120.5, "expires_on": expires_on})).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"));
    assert!(body["error"]["message"].as_str().unwrap().contains("minutes"), "the field is named: {body}");
}

#[tokio::test]
async fn an_array_where_the_document_says_object_is_refused_at_any_depth() {
    // serde alone fills a struct from an array of its fields in order: `[null]` would have
    // cleared an organisation's installed release (found by the fuzzer's stateful phase).
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let admin = app.admin().await;
    let path = format!("/api/v1/organizations/{org}/installed-release");
    let (status, body) = app.send("PUT", &path, Some(&admin.token), Some(json!([null]))).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"), "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("expected an object"), "{body}");

    let (_, mut hours) = app.get("/api/v1/settings/business-hours", &admin.token).await;
    let weekend = hours["multipliers"]["weekend"].clone();
    hours["multipliers"] = json!([1.5, 3.0, 2.5]);
    let (status, body) = app.send("PUT", "/api/v1/settings/business-hours", Some(&admin.token), Some(hours)).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"), "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("multipliers"), "the path is named: {body}");
    let (_, hours) = app.get("/api/v1/settings/business-hours", &admin.token).await;
    assert_eq!(hours["multipliers"]["weekend"], weekend, "nothing was saved");
}

#[tokio::test]
async fn lists_refuse_pages_and_page_sizes_outside_their_bounds() {
    let app = spawn_app().await;
    let admin = app.staff("admin").await;
    for (query, field) in [("page=0", "page"), ("per_page=0", "per_page"), ("per_page=201", "per_page")] {
        for path in ["/api/v1/tickets", "/api/v1/organizations", "/api/v1/users"] {
            let (status, body) = app.get(&format!("{path}?{query}"), &admin.token).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}?{query}: {body}");
            assert!(body["error"]["fields"][field].is_string(), "{path}?{query}: {body}");
        }
    }
    let (_, document) = app.get("/api/v1/openapi.json", &admin.token).await;
    let parameters = document["paths"]["/api/v1/tickets"]["get"]["parameters"].as_array().unwrap();
    let per_page = parameters.iter().find(|p| p["name"] == "per_page").unwrap();
    assert_eq!((per_page["schema"]["minimum"].as_u64(), per_page["schema"]["maximum"].as_u64()), (Some(1), Some(200)));
    // Every parameter the document puts in a path is one of the path's own.
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                if parameter["in"] == "path" {
                    let name = parameter["name"].as_str().unwrap();
                    assert!(path.contains(&format!("{{{name}}}")), "{method} {path}: `{name}` is a query parameter");
                }
            }
        }
    }
}

#[tokio::test]
async fn bodies_over_two_megabytes_are_413() {
    let app = spawn_app().await;
    let org = app.organization("Acme", &[]).await;
    let jo = app.customer(&org, false).await;
    let huge = "x".repeat(3 * 1024 * 1024);
    let body = json!({"subject": "big", "description": huge, "kind": "fault", "priority": "p3"}).to_string();
    let head = |framing: String| {
        format!(
            "POST /api/v1/tickets HTTP/1.1\r\nHost: portal\r\nAuthorization: Bearer {}\r\n\
             Content-Type: application/json\r\n{framing}\r\nConnection: close\r\n\r\n",
            jo.token
        )
    };
    // Declared up front, and found out only while reading (a chunked body declares no length).
    let declared = format!("{}{body}", head(format!("Content-Length: {}", body.len())));
    let chunked = format!("{}{:x}\r\n{body}\r\n0\r\n\r\n", head("Transfer-Encoding: chunked".into()), body.len());
    for request in [declared, chunked] {
        let answer = exchange(&app, request.into_bytes()).await;
        assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
        let json: Value = serde_json::from_str(answer.split("\r\n\r\n").nth(1).unwrap_or_default()).unwrap();
        assert_eq!(error_code(&json), "too_large");
    }
    assert_eq!(app.get("/api/v1/tickets", &jo.token).await.1["total"], 0);
}

/// Sends raw bytes and reads the answer at the same time. The portal answers 413 before reading
/// the rest and closes the connection, so a client that first sends everything and then reads can
/// meet a reset instead of the answer; reading alongside gets the answer whatever the timing.
async fn exchange(app: &TestApp, request: Vec<u8>) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let stream = tokio::net::TcpStream::connect(app.base.trim_start_matches("http://")).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let sending = tokio::spawn(async move {
        // Writing fails once the portal has closed; by then the answer is on its way.
        let _ = writer.write_all(&request).await;
        writer
    });
    let mut answer = Vec::new();
    let reading = async {
        let mut buffer = [0u8; 16 * 1024];
        while let Ok(n @ 1..) = reader.read(&mut buffer).await {
            answer.extend_from_slice(&buffer[..n]);
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(30), reading).await.expect("an answer within 30 s");
    sending.abort();
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn unknown_api_paths_answer_json_404() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (status, body) = app.get("/api/v1/no-such-thing", &admin.token).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&body), "not_found");
    let (status, body) = app.send("DELETE", "/api/v1/me", Some(&admin.token), None).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    error_code(&body);
}

#[tokio::test]
async fn ids_that_are_not_ids_are_404_not_500() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    for path in
        ["/api/v1/tickets/1", "/api/v1/tickets/'%20OR%201=1", "/api/v1/organizations/..%2F..", "/api/v1/tickets/%00"]
    {
        let (status, body) = app.get(path, &admin.token).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
    }
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/api/v1/openapi.json")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let doc: serde_json::Value = res.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/v1/auth/register",
        "/api/v1/auth/login",
        "/api/v1/auth/logout",
        "/api/v1/me",
        "/api/v1/users",
        "/api/v1/users/{id}/approve",
        "/api/v1/users/{id}/reject",
        "/api/v1/staff",
        "/api/v1/organizations",
        "/api/v1/organizations/{id}",
        "/api/v1/tickets",
        "/api/v1/tickets/{id}",
    ] {
        assert!(paths.contains_key(path), "{path} is documented");
    }
    assert!(doc["components"]["schemas"]["TicketDto"].is_object());
}

#[tokio::test]
async fn pages_carry_security_headers_and_unknown_pages_are_404() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/login")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let headers = res.headers().clone();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let policy = headers["content-security-policy"].to_str().unwrap().to_string();
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    assert!(headers.contains_key("referrer-policy"));
    assert_eq!(headers["cache-control"], "private, no-cache");
    let html = res.text().await.unwrap();
    assert!(html.contains("Sign in") && html.contains("/pkg/cytrack"), "server-rendered with the hydration scripts");
    // Every script the page carries is allowed by its policy: it names this render's nonce.
    let nonce = policy.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).expect("a nonce in the policy");
    let scripts: Vec<&str> = html.split("<script").skip(1).map(|s| s.split('>').next().unwrap_or("")).collect();
    assert!(!scripts.is_empty());
    for attributes in &scripts {
        assert!(
            attributes.contains(&format!("nonce=\"{nonce}\"")),
            "script without this page's nonce: <script{attributes}>"
        );
    }
    let again = app.client.get(app.url("/login")).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::OK, "{:?}", again.headers());
    assert_ne!(again.headers()["content-security-policy"].to_str().unwrap(), policy, "a new nonce per page");
    let json = app.client.get(app.url("/api/v1/openapi.json")).send().await.unwrap();
    assert!(json.headers()["content-security-policy"].to_str().unwrap().starts_with("default-src 'none'"));

    let res = app.client.get(app.url("/definitely/not/here")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn state_changing_requests_from_another_site_are_refused() {
    let app = spawn_app().await;
    let login = json!({"email": "nobody@example.test", "password": "wrong password"});
    let post = |origin: Option<&str>, fetch_site: Option<&str>| {
        let mut req = app.client.post(app.url("/api/v1/auth/login")).json(&login);
        if let Some(origin) = origin {
            req = req.header("origin", origin);
        }
        if let Some(site) = fetch_site {
            req = req.header("sec-fetch-site", site);
        }
        req.send()
    };
    let own = app.url("");
    let own = own.trim_end_matches('/');
    // (Origin, Sec-Fetch-Site) -> refused?
    let cases: &[(Option<&str>, Option<&str>, bool)] = &[
        (Some("https://evil.example"), None, true),
        (Some("null"), None, true),
        (Some(own), None, false),
        (None, Some("cross-site"), true),
        (None, Some("same-origin"), false),
        (None, None, false),
    ];
    for (origin, site, refused) in cases {
        let res = post(*origin, *site).await.unwrap();
        let status = res.status();
        let body: Value = res.json().await.unwrap();
        if *refused {
            assert_eq!(status, StatusCode::FORBIDDEN, "{origin:?} {site:?}");
            assert_eq!(error_code(&body), "forbidden");
        } else {
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{origin:?} {site:?}: reaches the handler");
        }
    }
    // Reading is never refused: links from other sites must work.
    let res = app.client.get(app.url("/login")).header("origin", "https://evil.example").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn bundle_files_are_revalidated_and_images_kept_a_day() {
    let site = std::env::temp_dir().join(format!("cytrack-site-{}", short_id()));
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(site.join("pkg/cytrack.css"), "body { margin: 0 }").unwrap();
    std::fs::write(site.join("logo.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap();
    let app = spawn_app_serving(site.to_str().unwrap()).await;
    let res = app.client.get(app.url("/pkg/cytrack.css")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-cache");
    let modified = res.headers()["last-modified"].clone();
    let again = app.client.get(app.url("/pkg/cytrack.css")).header("if-modified-since", modified).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "revalidation is a cheap 304");
    let res = app.client.get(app.url("/logo.svg")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "public, max-age=86400");
    std::fs::remove_dir_all(site).ok();
}

#[tokio::test]
async fn a_release_builds_precompressed_bundle_is_sent_to_browsers_that_take_it() {
    let site = std::env::temp_dir().join(format!("cytrack-site-{}", short_id()));
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(site.join("pkg/cytrack.wasm"), b"\0asm plain").unwrap();
    std::fs::write(site.join("pkg/cytrack.wasm.br"), b"brotli bytes").unwrap();
    let app = spawn_app_serving(site.to_str().unwrap()).await;
    let res = app.client.get(app.url("/pkg/cytrack.wasm")).header("accept-encoding", "br, gzip").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-encoding"], "br");
    assert_eq!(res.headers()["content-type"], "application/wasm");
    assert_eq!(res.headers()["cache-control"], "no-cache");
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"brotli bytes", "the file written by the build, as it is");
    // A client that takes no brotli gets the file itself (the compression layer may still gzip
    // it for one that takes gzip).
    let res = app.client.get(app.url("/pkg/cytrack.wasm")).header("accept-encoding", "identity").send().await.unwrap();
    assert!(res.headers().get("content-encoding").is_none());
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"\0asm plain");
    std::fs::remove_dir_all(site).ok();
}

#[tokio::test]
async fn signed_out_every_page_but_the_open_ones_sends_people_to_sign_in() {
    let app = spawn_app().await;
    let pages = server::startup::page_paths();
    assert!(pages.len() > 30, "the app's routes are listed: {pages:?}");
    for page in pages {
        // A page with a parameter is asked for with any value: the session is checked first.
        let path =
            page.split('/').map(|part| if part.starts_with('{') { "1" } else { part }).collect::<Vec<_>>().join("/");
        let res = app.client.get(app.url(&path)).header("accept", "text/html").send().await.unwrap();
        if app::SIGNED_OUT_PAGES.contains(&path.as_str()) {
            assert_eq!(res.status(), StatusCode::OK, "{path} is open to anyone");
        } else {
            assert_eq!(res.status(), StatusCode::FOUND, "{path} needs a session");
            assert_eq!(res.headers()["location"], "/login", "{path}");
        }
    }
    // Files and unknown addresses are not pages: no session is asked for.
    let res = app.client.get(app.url("/no-such-page")).header("accept", "text/html").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_server_function_that_fails_answers_with_the_status_of_its_error() {
    use leptos::server_fn::ServerFn;
    let app = spawn_app().await;
    let login = app.url(app::api::auth::Login::url());
    // (body as the hydrated page sends it, status, error code)
    let cases = [
        (
            json!({"email": ADMIN_EMAIL, "password": "not the password"}).to_string(),
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
        ),
        (json!({"email": ADMIN_EMAIL}).to_string(), StatusCode::BAD_REQUEST, "bad_request"),
        ("{not json".to_string(), StatusCode::BAD_REQUEST, "bad_request"),
    ];
    for (body, status, code) in cases {
        let res =
            app.client.post(&login).header("content-type", "application/json").body(body.clone()).send().await.unwrap();
        assert_eq!(res.status(), status, "{body}");
        let error: Value = res.json().await.unwrap();
        assert_eq!(error["code"], code, "{body}: the error the page shows is sent as it was");
    }
    // A plain form post is sent back to its form, with the error in the address.
    let res = app
        .client
        .post(&login)
        .header("accept", "text/html")
        .header("referer", app.url("/login"))
        .form(&[("email", ADMIN_EMAIL), ("password", "not the password")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert!(res.headers()["location"].to_str().unwrap().contains("/login?error="));
}
