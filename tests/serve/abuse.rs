//! The public site under attack, over real HTTP (SECURITY.md): subscription floods from one and from many
//! forwarded addresses stay within the caps, premium-rate numbers are refused, short-link guessing meets 429s,
//! cross-site forms are refused, slow connections are closed, a signed-out cookie is dead and repeated wrong
//! passwords lock the client out.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::json;

use super::common::store::{Kind, TestDb};
use super::{OWNER_PASSWORD, confirmations_queued, get, post_form, post_json, session_cookie, shop_with};

/// A flood of SMS subscriptions, each from another forwarded address (as through a proxy): every request gets
/// the same answer, but no more confirmation SMS are queued or sent than the daily cap, and a premium-rate or
/// foreign number is refused before anything is recorded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscription_flood_from_many_addresses_sends_no_more_sms_than_the_cap() {
    let db = TestDb::new(Kind::Sqlite).await;
    let env = [
        ("CINEPICKS__SERVE__BEHIND_PROXY", "true"),
        ("CINEPICKS__NOTIFY__CONFIRMATIONS__SMS_PER_DAY", "3"),
        ("CINEPICKS__NOTIFY__CONFIRMATIONS__PER_MINUTE", "600"),
    ];
    let server = shop_with(&db, &env);
    let flood = |i: usize| {
        let body = format!("name=Client&phone=06+12+34+{:02}+{:02}&channels=sms&consent=yes", i / 100, i % 100);
        super::client()
            .post(server.url("/subscribe"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-forwarded-for", format!("203.0.113.{i}"))
            .body(body)
    };
    let mut statuses = Vec::new();
    for i in 0..30 {
        statuses.push(super::answer(flood(i)).await.status);
    }
    assert!(statuses.iter().all(|s| *s == 202), "the same answer to every request: {statuses:?}");
    assert_eq!(confirmations_queued(&db).await, 3, "the daily cap of confirmation SMS");
    let sms_file = db.data_dir().join("outbox/sms/confirmations.jsonl");
    let deadline = Instant::now() + Duration::from_secs(20);
    let lines = || std::fs::read_to_string(&sms_file).map(|s| s.lines().count()).unwrap_or(0);
    while lines() < 3 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(lines(), 3, "three SMS sent, no more");

    // Premium-rate, fixed-line and foreign numbers are refused with the field named; nothing is recorded.
    for number in ["08 99 23 45 67", "01 42 68 53 00", "+32 474 09 11 50"] {
        let body = json!({"name": "Client", "phone": number, "channels": ["sms"], "consent": true});
        post_json(&server, "/api/v1/subscriptions", &body).await.assert_problem(422, Some("phone"));
    }
    // A name that reads as a link is refused too (it would be kept and shown back).
    let body =
        json!({"name": "Gagnez www.evil.example", "email": "x@example.org", "channels": ["email"], "consent": true});
    post_json(&server, "/api/v1/subscriptions", &body).await.assert_problem(422, Some("name"));
    assert_eq!(confirmations_queued(&db).await, 3);
}

/// One address asking again and again for the same inbox, and forms posted from another site.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_inbox_cannot_be_flooded_and_forms_from_other_sites_are_refused() {
    let db = TestDb::new(Kind::Sqlite).await;
    let server = shop_with(&db, &[("CINEPICKS__NOTIFY__CONFIRMATIONS__PER_ADDRESS_PER_DAY", "2")]);
    let evil = post_form(
        &server,
        "/subscribe",
        "name=Victime&email=victim%40example.org&channels=email&consent=yes",
        None,
        Some("https://evil.example"),
    )
    .await;
    assert_eq!(evil.status, 403, "{}", evil.body);
    assert_eq!(confirmations_queued(&db).await, 0, "nothing recorded for a cross-site form");
    for path in ["/subscribe/confirm?token=1.x.00", "/unsubscribe?token=1.00"] {
        assert_eq!(post_form(&server, path, "", None, Some("https://evil.example")).await.status, 403, "{path}");
    }
    // The same inbox asked for four times (two minutes apart would be needed for a second one anyway).
    let body = json!({"name": "Victime", "email": "victim@example.org", "channels": ["email"], "consent": true});
    for _ in 0..4 {
        assert_eq!(post_json(&server, "/api/v1/subscriptions", &body).await.status, 202);
    }
    assert_eq!(confirmations_queued(&db).await, 1, "one message, then the two-minute resend delay");
}

/// Guessing short links meets the shared rate limit; a slow client is cut off.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessing_short_links_meets_429s_and_slow_connections_are_closed() {
    let db = TestDb::new(Kind::Sqlite).await;
    let env = [("CINEPICKS__SERVE__RATE_LIMIT_PER_MINUTE", "5"), ("CINEPICKS__SERVE__HEADER_READ_TIMEOUT_SECS", "2")];
    let server = shop_with(&db, &env);
    let mut statuses = Vec::new();
    for guess in 0..12u64 {
        statuses.push(get(&server, &format!("/p/2648{guess:013}1")).await.status);
    }
    assert_eq!(&statuses[..5], [404; 5], "{statuses:?}");
    assert!(statuses[5..].iter().all(|s| *s == 429), "{statuses:?}");

    // Slowloris: a request head that never ends, and a connection that says nothing, are both closed.
    let addr = server.base.trim_start_matches("http://").to_owned();
    for opening in [&b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: "[..], &b""[..]] {
        let started = Instant::now();
        let mut stream = TcpStream::connect(&addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
        stream.write_all(opening).unwrap();
        let mut buffer = Vec::new();
        let _ = stream.read_to_end(&mut buffer);
        let waited = started.elapsed();
        assert!(waited < Duration::from_secs(8), "the connection stayed open {waited:?}");
        assert!(waited >= Duration::from_millis(1500), "closed before the timeout: {waited:?}");
    }
}

/// A signed-out cookie opens nothing, even copied before; wrong passwords lock the client out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_out_cookie_is_dead_and_guessing_the_password_locks_the_client_out() {
    let db = TestDb::new(Kind::Sqlite).await;
    let hash = cinepicks_web::owner::session::hash_password(OWNER_PASSWORD).unwrap();
    let server = shop_with(&db, &[("CINEPICKS_OWNER_PASSWORD_HASH", &hash)]);
    let form = |password: &str| format!("password={}", super::query_value(password));
    let signed_in = post_form(&server, "/owner/login", &form(OWNER_PASSWORD), None, None).await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    let cookie = session_cookie(&signed_in);
    let page = super::answer(super::client().get(server.url("/owner/operations")).header("cookie", &cookie)).await;
    assert_eq!(page.status, 200);
    let csrf = super::csrf_token(&page.body);
    let out = post_form(&server, "/owner/logout", &format!("csrf={csrf}"), Some(&cookie), None).await;
    assert_eq!(out.status, 303);
    let replayed = super::answer(super::client().get(server.url("/owner/operations")).header("cookie", &cookie)).await;
    assert_eq!(replayed.status, 303, "the copied cookie still opened the owner's pages");

    for _ in 0..5 {
        assert_eq!(post_form(&server, "/owner/login", &form("guess"), None, None).await.status, 401);
    }
    let locked = post_form(&server, "/owner/login", &form(OWNER_PASSWORD), None, None).await;
    assert_eq!(locked.status, 429, "the right password after five failures: {}", locked.body);
    assert!(locked.body.contains("Trop d'échecs") && locked.header("set-cookie").is_empty(), "{}", locked.body);
}

/// Two `serve` replicas on one PostgreSQL store with the same session key, each with its own data folder (as on
/// two machines behind a load balancer): a sign-in on one opens the other, a sign-out on one closes both. A
/// replica with another key does not accept the cookie.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_sharing_the_session_key_share_sign_in_and_sign_out() {
    let db = TestDb::new(Kind::Postgres).await;
    let hash = cinepicks_web::owner::session::hash_password(OWNER_PASSWORD).unwrap();
    let key = "5f0c2a9e7d4b1c8e3a6f9d2b7e4c1a8f";
    let env = [("CINEPICKS_OWNER_PASSWORD_HASH", hash.as_str()), ("CINEPICKS_SESSION_KEY", key)];
    let first = shop_with(&db, &env);
    let replica = |key: &str| {
        let data = tempfile::tempdir().unwrap();
        let env = [
            ("CINEPICKS_OWNER_PASSWORD_HASH", hash.as_str()),
            ("CINEPICKS_SESSION_KEY", key),
            ("CINEPICKS__DATABASE__URL", db.url.as_str()),
        ];
        let server = super::Server::start(data.path(), &env, &["serve"], Duration::from_secs(60));
        (server, data)
    };
    let (second, _second_data) = replica(key);
    let (stranger, _stranger_data) = replica("0b9e8d7c6f5a4e3d2c1b0a9f8e7d6c5b");
    let operations = |server: &super::Server, cookie: &str| {
        let request = super::client().get(server.url("/owner/operations")).header("cookie", cookie.to_owned());
        super::answer(request)
    };

    let form = format!("password={}", super::query_value(OWNER_PASSWORD));
    let cookie = session_cookie(&post_form(&first, "/owner/login", &form, None, None).await);
    let page = operations(&second, &cookie).await;
    assert_eq!(page.status, 200, "the other replica refused the session: {}", page.body);
    assert_eq!(operations(&stranger, &cookie).await.status, 303, "a replica with another key took the cookie");

    // Signed out on the second replica: refused on both, a copy of the cookie too.
    let csrf = super::csrf_token(&page.body);
    let out = post_form(&second, "/owner/logout", &format!("csrf={csrf}"), Some(&cookie), None).await;
    assert_eq!(out.status, 303);
    assert_eq!(operations(&second, &cookie).await.status, 303, "the replica that signed out");
    assert_eq!(operations(&first, &cookie).await.status, 303, "the replica that signed in");
    // Another sign-in still works everywhere: only that session ended.
    let again = session_cookie(&post_form(&second, "/owner/login", &form, None, None).await);
    assert_eq!(operations(&first, &again).await.status, 200);
}
