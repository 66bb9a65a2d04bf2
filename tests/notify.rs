//! `cinepicks notify` end to end against real servers on 127.0.0.1: an SMTP server that receives the messages
//! (and answers 451, 550 or nothing), an HTTP SMS gateway (200, 429, 500, 400), quiet hours through a pinned
//! clock, a run killed mid-way and re-run, one-click unsubscribe; the store's deliveries reconcile with what
//! the servers received.

use crate::common;
use cinepicks_test_support::on_both_backends;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use cinepicks_domain::{DeliveryStatus, IsoWeek, JobStatus};
use common::sms_gateway::SmsGateway;
use common::smtp::{Behaviour, Received, Security, SmtpServer, private_ca_certificate};
use common::store::{Kind, TestDb, fixture_films, neighbours, write_lake, write_run};

const WEEK: &str = "2026-W48";
/// Wednesday 25 November 2026, 10:00 in Paris: inside the SMS window.
const WEDNESDAY_MORNING: &str = "2026-11-25T10:00:00+01:00";
const SECRET: &str = "a test secret long enough";

/// The `cinepicks` command on the test's store, with the clock pinned and fast retries.
fn command(db: &TestDb, now: &str, env: &[(&str, String)], args: &[&str]) -> Command {
    command_in(&db.data_dir(), db, now, env, args)
}

/// [`command`] with a data folder of its own (a worker on another machine shares only the store).
fn command_in(data: &Path, db: &TestDb, now: &str, env: &[(&str, String)], args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cinepicks"));
    cmd.arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("CINEPICKS_CONFIG")
        .env("CINEPICKS__DATABASE__URL", &db.url)
        .env("CINEPICKS_NOW", now)
        .env("CINEPICKS_UNSUBSCRIBE_SECRET", SECRET)
        .env("CINEPICKS__NOTIFY__BACKOFF_INITIAL_MS", "20")
        .env("CINEPICKS__NOTIFY__BACKOFF_MAX_MS", "100")
        .env("RUST_LOG", "warn");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

fn run(db: &TestDb, now: &str, env: &[(&str, String)], args: &[&str]) -> Output {
    command(db, now, env, args).output().expect("running cinepicks")
}

fn ok(db: &TestDb, now: &str, env: &[(&str, String)], args: &[&str]) -> String {
    let out = run(db, now, env, args);
    assert!(
        out.status.success(),
        "cinepicks {args:?} failed:\nstdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Environment sending e-mail to the test SMTP server.
fn smtp_env(server: &SmtpServer) -> Vec<(&'static str, String)> {
    vec![
        ("CINEPICKS__NOTIFY__EMAIL__TRANSPORT", "smtp".into()),
        ("CINEPICKS__NOTIFY__EMAIL__SMTP__HOST", "127.0.0.1".into()),
        ("CINEPICKS__NOTIFY__EMAIL__SMTP__PORT", server.port.to_string()),
        ("CINEPICKS__NOTIFY__EMAIL__SMTP__SECURITY", "none".into()),
        ("CINEPICKS__NOTIFY__EMAIL__SMTP__TIMEOUT_SECS", "2".into()),
    ]
}

/// A published catalogue of 40 films with neighbours, and customers from `csv` (header included).
fn shop(db: &TestDb, csv: &str) {
    let data = db.data_dir();
    let films = fixture_films(40);
    write_lake(&data, &films);
    let ids: Vec<String> = films.iter().map(|f| f.id.clone()).collect();
    write_run(&data, "20261121T080000Z", &neighbours(&ids, 10, 0), false);
    ok(db, WEDNESDAY_MORNING, &[], &["publish"]);
    let file = db.dir.path().join("customers.csv");
    std::fs::write(&file, csv).unwrap();
    ok(db, WEDNESDAY_MORNING, &[], &["customers", "import", file.to_str().unwrap()]);
}

const HEADER: &str = "name,email,phone,locale,likes,consent,genres\n";

/// `n` e-mail customers `person{i}@example.org`, each liking one film.
fn email_customers(n: usize) -> String {
    let mut csv = HEADER.to_owned();
    for i in 1..=n {
        csv.push_str(&format!("Person {i},person{i}@example.org,,fr,tt9{:06},email,\n", 1 + i % 30));
    }
    csv
}

async fn deliveries(db: &TestDb, week: &str) -> Vec<cinepicks_store::entities::delivery::Model> {
    db.store.deliveries_of(IsoWeek::parse(week).unwrap()).await.unwrap()
}

async fn weekly_emails_reach_a_real_smtp_server_once_with_their_headers(db: TestDb) {
    let csv = format!(
        "{HEADER}Camille Martin,camille@example.org,,fr,tt0211915|tt0133093,email,\n\
         Hugo Thomas,hugo@example.org,,en,tt0046911,email,\n\
         Nathan Petit,nathan@example.org,,fr,,email,Drama\n"
    );
    shop(&db, &csv);
    let server = SmtpServer::start(Behaviour::default());
    let env = smtp_env(&server);
    let out = ok(&db, WEDNESDAY_MORNING, &env, &["notify", "--week", WEEK]);
    assert!(out.contains("3 new deliveries"), "{out}");

    let received = server.received();
    assert_eq!(received.len(), 3, "one message per subscriber");
    let by_rcpt: HashMap<String, &common::smtp::Received> =
        received.iter().map(|m| (m.rcpt_to[0].clone(), m)).collect();
    let camille = by_rcpt["camille@example.org"];
    assert_eq!(camille.mail_from, "programme@cinema.example.org");
    let subject = camille.header("Subject").unwrap().to_lowercase();
    assert!(subject.contains("=?utf-8?") || subject.contains("semaine"), "{subject}");
    let message_id = camille.header("Message-ID").unwrap();
    assert!(message_id.starts_with(&format!("<{WEEK}.email.")) && message_id.ends_with("@cinema.example.org>"));
    let unsubscribe = camille.header("List-Unsubscribe").unwrap();
    assert!(unsubscribe.starts_with("<https://cinema.example.org/unsubscribe?token="), "{unsubscribe}");
    assert_eq!(camille.header("List-Unsubscribe-Post").unwrap(), "List-Unsubscribe=One-Click");
    assert!(camille.header("Content-Type").unwrap().starts_with("multipart/alternative"));
    let body = camille.decoded_body();
    assert!(body.contains("text/plain") && body.contains("text/html"), "{body}");
    assert!(body.contains("Bonjour Camille"), "{body}");
    assert!(body.contains("Affiche du film"), "posters carry alt text: {body}");
    assert!(!body.contains("Le Fabuleux Destin d'Amélie Poulain (2001)"), "a liked film was proposed");
    let hugo = by_rcpt["hugo@example.org"].decoded_body();
    assert!(hugo.contains("Hello Hugo") && hugo.contains("Unsubscribe in one click"), "{hugo}");
    let nathan = by_rcpt["nathan@example.org"].decoded_body();
    assert!(nathan.contains("Parmi les films les mieux notés du genre drame"), "{nathan}");

    // The store says the same as the server: three sent rows with five distinct films each.
    let rows = deliveries(&db, WEEK).await;
    assert_eq!(rows.len(), 3);
    for row in &rows {
        assert_eq!(row.status, DeliveryStatus::Sent, "{row:?}");
        assert_eq!(row.attempts, 1);
        let films: std::collections::HashSet<&str> =
            row.picks.as_array().unwrap().iter().map(|p| p["film_id"].as_str().unwrap()).collect();
        assert_eq!(films.len(), 5);
    }

    // Re-running the completed week sends nothing.
    let out = ok(&db, WEDNESDAY_MORNING, &env, &["notify", "--week", WEEK]);
    assert!(out.contains("0 new deliveries"), "{out}");
    assert_eq!(server.count(), 3, "a completed week was sent again");

    // The next week avoids the films sent this week.
    ok(&db, WEDNESDAY_MORNING, &env, &["notify", "--week", "2026-W49"]);
    let next = deliveries(&db, "2026-W49").await;
    for (a, b) in rows.iter().zip(&next) {
        let before: Vec<&str> = a.picks.as_array().unwrap().iter().map(|p| p["film_id"].as_str().unwrap()).collect();
        for p in b.picks.as_array().unwrap() {
            assert!(!before.contains(&p["film_id"].as_str().unwrap()), "{} sent two weeks running", p["film_id"]);
        }
    }
}

async fn transient_failures_are_retried_and_permanent_ones_bounce_and_flag(db: TestDb) {
    shop(&db, &email_customers(4));
    let server = SmtpServer::start(Behaviour {
        temp_fail_first: 3,
        reject: ["person4@example.org".to_owned()].into(),
        ..Default::default()
    });
    let mut env = smtp_env(&server);
    env.push(("CINEPICKS__NOTIFY__BOUNCES_BEFORE_FLAG", "1".into()));
    ok(&db, WEDNESDAY_MORNING, &env, &["notify", "--week", WEEK]);

    let rcpts: Vec<String> = server.received().iter().map(|m| m.rcpt_to[0].clone()).collect();
    assert_eq!(rcpts.len(), 3, "{rcpts:?}");
    assert!(!rcpts.contains(&"person4@example.org".to_owned()));
    let rows = deliveries(&db, WEEK).await;
    let retried: i32 = rows.iter().filter(|r| r.status == DeliveryStatus::Sent).map(|r| r.attempts - 1).sum();
    assert_eq!(retried, 3, "the three 451 answers were retried: {rows:#?}");
    let bounced = rows.iter().find(|r| r.status == DeliveryStatus::Failed).expect("a failed delivery");
    assert!(bounced.last_error.as_deref().unwrap().contains("550"), "{bounced:?}");
    assert_eq!(bounced.attempts, 1, "a permanent failure is not retried");
    let sub = db.store.subscription(bounced.subscription_id.unwrap()).await.unwrap().unwrap();
    assert_eq!(sub.bounces, 1);
    assert!(sub.flagged_at.is_some(), "flagged after bounces_before_flag bounces");

    // A flagged subscription gets nothing the next week.
    ok(&db, WEDNESDAY_MORNING, &env, &["notify", "--week", "2026-W49"]);
    assert_eq!(deliveries(&db, "2026-W49").await.len(), 3);
}

async fn a_server_answering_451_or_nothing_ends_in_failed_after_the_last_attempt(db: TestDb) {
    shop(&db, &email_customers(2));
    let server = SmtpServer::start(Behaviour { always_451: true, ..Default::default() });
    let mut env = smtp_env(&server);
    env.push(("CINEPICKS__NOTIFY__MAX_ATTEMPTS", "3".into()));
    ok(&db, WEDNESDAY_MORNING, &env, &["notify", "--week", WEEK]);
    for row in deliveries(&db, WEEK).await {
        assert_eq!(row.status, DeliveryStatus::Failed);
        assert_eq!(row.attempts, 3);
        assert!(row.last_error.as_deref().unwrap().contains("451"), "{row:?}");
    }
    assert_eq!(server.count(), 0);

    let silent = SmtpServer::start(Behaviour { silent: true, ..Default::default() });
    let mut env = smtp_env(&silent);
    env.push(("CINEPICKS__NOTIFY__MAX_ATTEMPTS", "2".into()));
    env.push(("CINEPICKS__NOTIFY__EMAIL__SMTP__TIMEOUT_SECS", "1".into()));
    let started = Instant::now();
    ok(&db, WEDNESDAY_MORNING, &env, &["notify", "--week", "2026-W49"]);
    assert!(started.elapsed() < Duration::from_secs(30), "timeouts were not applied");
    for row in deliveries(&db, "2026-W49").await {
        assert_eq!(row.status, DeliveryStatus::Failed, "{row:?}");
        assert_eq!(row.attempts, 2);
        assert!(row.last_error.as_deref().unwrap().to_lowercase().contains("timeout"), "{row:?}");
    }
    assert!(silent.connections() >= 1);
}

/// Every one of `customers` subscribers received the week's message, at most `in_flight` of them twice (the wave a
/// kill cut short), and duplicates were said in the log.
fn every_subscriber_once_but_the_wave_in_flight(received: &[Received], customers: usize, in_flight: usize, log: &str) {
    let mut per_rcpt: HashMap<String, usize> = HashMap::new();
    for m in received {
        *per_rcpt.entry(m.rcpt_to[0].clone()).or_default() += 1;
    }
    assert_eq!(per_rcpt.len(), customers, "a subscriber got nothing");
    let duplicates = received.len() - customers;
    assert!(duplicates <= in_flight, "{duplicates} duplicates for {in_flight} messages in flight");
    if duplicates > 0 {
        assert!(log.contains("in flight"), "duplicates were not logged: {log}");
    }
}

/// Starts the week's send in another process and returns once `server` has received `messages`.
fn send_in_background(
    db: &TestDb,
    env: &[(&str, String)],
    server: &SmtpServer,
    messages: usize,
) -> std::process::Child {
    let child = command(db, WEDNESDAY_MORNING, env, &["notify", "--week", WEEK])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while server.count() < messages {
        assert!(Instant::now() < deadline, "the run sent nothing");
        std::thread::sleep(Duration::from_millis(10));
    }
    child
}

async fn killing_a_run_mid_way_loses_nothing_and_duplicates_at_most_the_in_flight_messages(db: TestDb) {
    const CUSTOMERS: usize = 60;
    const CONCURRENCY: usize = 4;
    shop(&db, &email_customers(CUSTOMERS));
    let server = SmtpServer::start(Behaviour { delay_per_message: Duration::from_millis(60), ..Default::default() });
    let mut env = smtp_env(&server);
    env.push(("CINEPICKS__NOTIFY__EMAIL__CONCURRENCY", CONCURRENCY.to_string()));
    let mut child = send_in_background(&db, &env, &server, 12);
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    let before_rerun = server.count();
    assert!(before_rerun < CUSTOMERS, "the run finished before it was killed");

    let out = run(&db, WEDNESDAY_MORNING, &env, &["notify", "--week", WEEK]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let received = server.received();
    every_subscriber_once_but_the_wave_in_flight(
        &received,
        CUSTOMERS,
        CONCURRENCY,
        &String::from_utf8_lossy(&out.stderr),
    );
    let rows = deliveries(&db, WEEK).await;
    assert_eq!(rows.len(), CUSTOMERS);
    assert!(rows.iter().all(|r| r.status == DeliveryStatus::Sent), "{rows:#?}");
}

async fn a_second_run_started_while_one_sends_refuses_instead_of_sending_twice(db: TestDb) {
    const CUSTOMERS: usize = 20;
    shop(&db, &email_customers(CUSTOMERS));
    let server = SmtpServer::start(Behaviour { delay_per_message: Duration::from_millis(60), ..Default::default() });
    let mut env = smtp_env(&server);
    env.push(("CINEPICKS__NOTIFY__EMAIL__CONCURRENCY", "2".to_owned()));
    let mut first = send_in_background(&db, &env, &server, 2);
    let second = run(&db, WEDNESDAY_MORNING, &env, &["notify", "--week", WEEK]);
    assert!(first.wait().unwrap().success());
    assert!(!second.status.success(), "the second run should have refused");
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(stderr.contains("another notify run") && stderr.contains("notify.lock"), "{stderr}");
    assert_eq!(server.count(), CUSTOMERS, "every subscriber exactly once");
    // Once the first run is over, the lock is free again: a re-run finds nothing left to send.
    ok(&db, WEDNESDAY_MORNING, &env, &["notify", "--week", WEEK]);
    assert_eq!(server.count(), CUSTOMERS);
}

/// Three notifiers started at once on one PostgreSQL store, each with its own data folder as on three machines;
/// one is killed mid-wave. The survivors share the week, take over the killed one's wave, and every subscriber
/// gets the message, at most the killed wave twice.
async fn three_workers_share_a_week_on_postgres_and_survive_one_killed(db: TestDb) {
    const CUSTOMERS: usize = 120;
    const CONCURRENCY: usize = 4;
    shop(&db, &email_customers(CUSTOMERS));
    let server = SmtpServer::start(Behaviour { delay_per_message: Duration::from_millis(40), ..Default::default() });
    let mut env = smtp_env(&server);
    env.push(("CINEPICKS__NOTIFY__EMAIL__CONCURRENCY", CONCURRENCY.to_string()));
    let folders: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let mut workers: Vec<std::process::Child> = folders
        .iter()
        .map(|f| {
            command_in(f.path(), &db, WEDNESDAY_MORNING, &env, &["notify", "--week", WEEK])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(60);
    while server.count() < 30 {
        assert!(Instant::now() < deadline, "the workers sent nothing");
        std::thread::sleep(Duration::from_millis(5));
    }
    workers[0].kill().unwrap(); // SIGKILL: its connections drop, its presence lock with them
    workers[0].wait().unwrap();
    let mut stderr = String::new();
    for worker in workers.drain(1..) {
        let out = worker.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "a surviving worker failed: {text}");
        stderr.push_str(&text);
    }
    let received = server.received();
    every_subscriber_once_but_the_wave_in_flight(&received, CUSTOMERS, CONCURRENCY, &stderr);
    // The deliveries reconcile with what the server received, and were sent by more than one worker.
    let rows = deliveries(&db, WEEK).await;
    assert_eq!(rows.len(), CUSTOMERS);
    assert!(rows.iter().all(|r| r.status == DeliveryStatus::Sent), "{rows:#?}");
    let message_ids: HashSet<String> = received.iter().filter_map(|m| m.header("Message-ID")).collect();
    assert_eq!(message_ids.len(), CUSTOMERS, "one Message-ID per delivery, the same for a duplicate");
    let workers: HashSet<Option<i32>> = rows.iter().map(|r| r.claimed_by).collect();
    assert!(workers.len() >= 2 && !workers.contains(&None), "{workers:?}");
    // The run is recorded once, by a worker whose host is named.
    let run = db.store.job_run("notify", WEEK).await.unwrap().expect("the week's run");
    assert!(run.host.as_deref().is_some_and(|h| h.contains(':')), "{run:?}");
    assert_eq!(run.status, JobStatus::Succeeded, "{run:?}");
    // A fourth worker later finds nothing to send.
    ok(&db, WEDNESDAY_MORNING, &env, &["notify", "--week", WEEK]);
    assert_eq!(server.received().len(), received.len());
}

/// Sends the week through a relay secured by `security` (its certificate from a private authority) that wants
/// a password; checks that every message arrived encrypted and authenticated.
async fn through_a_secured_relay(db: TestDb, security: &str) {
    const CUSTOMERS: usize = 3;
    shop(&db, &email_customers(CUSTOMERS));
    let (acceptor, authority) = private_ca_certificate();
    let ca_file = db.dir.path().join("relay-authority.pem");
    std::fs::write(&ca_file, authority).unwrap();
    let server = SmtpServer::start(Behaviour {
        security: match security {
            "starttls" => Security::Starttls(acceptor),
            _ => Security::Tls(acceptor),
        },
        credentials: Some(("cinepicks".to_owned(), "correct horse".to_owned())),
        ..Default::default()
    });
    let mut env = smtp_env(&server);
    env.retain(|(k, _)| !k.ends_with("SMTP__SECURITY"));
    env.extend([
        ("CINEPICKS__NOTIFY__EMAIL__SMTP__SECURITY", security.to_owned()),
        ("CINEPICKS__NOTIFY__EMAIL__SMTP__USERNAME", "cinepicks".to_owned()),
        ("CINEPICKS_SMTP_PASSWORD", "correct horse".to_owned()),
    ]);

    // Without the private authority the certificate does not verify: the run stops, nothing is marked failed.
    let out = run(&db, WEDNESDAY_MORNING, &env, &["notify", "--week", WEEK]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("certificate is not trusted") && stderr.contains("ca_file"), "{stderr}");
    assert_eq!(server.count(), 0);
    assert!(deliveries(&db, WEEK).await.iter().all(|d| d.status == DeliveryStatus::Pending));

    // A wrong password stops the run too.
    env.push(("CINEPICKS__NOTIFY__EMAIL__SMTP__CA_FILE", ca_file.display().to_string()));
    let mut wrong = env.clone();
    wrong.push(("CINEPICKS_SMTP_PASSWORD", "battery staple".to_owned()));
    let out = run(&db, WEDNESDAY_MORNING, &wrong, &["notify", "--week", WEEK]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("refused the credentials"));
    assert_eq!(server.count(), 0);

    ok(&db, WEDNESDAY_MORNING, &env, &["notify", "--week", WEEK]);
    let received = server.received();
    assert_eq!(received.len(), CUSTOMERS);
    assert!(received.iter().all(|m| m.encrypted && m.user.as_deref() == Some("cinepicks")), "{received:#?}");
    assert!(deliveries(&db, WEEK).await.iter().all(|d| d.status == DeliveryStatus::Sent));
}

async fn a_starttls_relay_with_a_private_authority_and_a_password_gets_every_message(db: TestDb) {
    through_a_secured_relay(db, "starttls").await;
}

async fn a_tls_relay_with_a_private_authority_and_a_password_gets_every_message(db: TestDb) {
    through_a_secured_relay(db, "tls").await;
}

async fn sms_go_through_the_http_gateway_with_retries_and_refused_numbers_recorded(db: TestDb) {
    let csv = format!(
        "{HEADER}Chloé Dubois,,06 00 00 00 03,fr,tt9000005,sms,\n\
         Jules Moreau,,06 00 00 00 07,fr,tt9000006,sms,\n"
    );
    shop(&db, &csv);
    let gateway = SmsGateway::start(&[429, 500], &["+33600000007"]);
    let env = vec![
        ("CINEPICKS__NOTIFY__SMS__TRANSPORT", "http".to_owned()),
        ("CINEPICKS__NOTIFY__SMS__HTTP__URL", gateway.url()),
        ("CINEPICKS_SMS_TOKEN", "gateway-token".to_owned()),
        ("CINEPICKS__NOTIFY__SMS__CONCURRENCY", "1".to_owned()),
    ];
    ok(&db, WEDNESDAY_MORNING, &env, &["notify", "--week", WEEK]);
    let requests = gateway.requests();
    let statuses: Vec<u16> = requests.iter().map(|r| r.status).collect();
    assert!(statuses.contains(&429) && statuses.contains(&500) && statuses.contains(&400), "{statuses:?}");
    let delivered: Vec<_> = requests.iter().filter(|r| r.status == 200).collect();
    assert_eq!(delivered.len(), 1);
    let sms = delivered[0].json();
    assert_eq!(sms["to"], "+33600000003");
    assert_eq!(sms["from"], "CINECREUSE");
    let text = sms["text"].as_str().unwrap();
    assert!(text.chars().count() <= 160, "{text}");
    assert!(text.contains("https://cinema.example.org/p/") && text.ends_with("STOP au 36111"), "{text}");
    assert_eq!(delivered[0].header("authorization"), Some("Bearer gateway-token"));
    let rows = deliveries(&db, WEEK).await;
    let sent = rows.iter().find(|r| r.status == DeliveryStatus::Sent).unwrap();
    assert_eq!(
        sent.provider_message_id.as_deref(),
        Some(format!("sms-{}", requests.iter().position(|r| r.status == 200).unwrap() + 1).as_str())
    );
    let refused = rows.iter().find(|r| r.status == DeliveryStatus::Failed).unwrap();
    assert!(refused.last_error.as_deref().unwrap().contains("400"), "{refused:?}");
}

async fn quiet_hours_defer_sms_to_the_next_allowed_morning_and_send_them_then(db: TestDb) {
    let csv = format!("{HEADER}Chloé Dubois,,06 00 00 00 03,fr,tt9000005,sms,\n");
    shop(&db, &csv);
    // Sunday 29 November 2026, noon in Paris: no marketing SMS.
    ok(&db, "2026-11-29T12:00:00+01:00", &[], &["notify", "--week", WEEK]);
    let row = deliveries(&db, WEEK).await.remove(0);
    assert_eq!(row.status, DeliveryStatus::Deferred);
    let monday_8 = chrono::DateTime::parse_from_rfc3339("2026-11-30T08:00:00+01:00").unwrap();
    assert_eq!(row.next_attempt_at.unwrap(), monday_8);
    let outbox = db.data_dir().join("outbox/sms").join(format!("{WEEK}.jsonl"));
    assert_eq!(std::fs::read_to_string(&outbox).unwrap_or_default().lines().count(), 0, "sent in quiet hours");

    // Re-run on Monday 09:00: the deferred SMS goes out, once.
    ok(&db, "2026-11-30T09:00:00+01:00", &[], &["notify", "--week", WEEK]);
    ok(&db, "2026-11-30T09:05:00+01:00", &[], &["notify", "--week", WEEK]);
    let lines: Vec<String> = std::fs::read_to_string(&outbox).unwrap().lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    let sms: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(sms["to"], "+33600000003");
    assert!(sms["septets"].as_u64().unwrap() <= 160);
    assert_eq!(deliveries(&db, WEEK).await[0].status, DeliveryStatus::Sent);
}

async fn the_unsubscribe_link_of_an_email_stops_the_next_weeks(db: TestDb) {
    shop(&db, &email_customers(2));
    ok(&db, WEDNESDAY_MORNING, &[], &["notify", "--week", WEEK]);
    let outbox = db.data_dir().join("outbox/email").join(WEEK);
    let files: Vec<_> = std::fs::read_dir(&outbox).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 2, "{files:?}");
    let eml = std::fs::read_to_string(&files[0]).unwrap();
    let header = eml.lines().find(|l| l.starts_with("List-Unsubscribe: ")).unwrap();
    let token = header.split("token=").nth(1).unwrap().trim_end_matches('>');

    let bad = run(&db, WEDNESDAY_MORNING, &[], &["unsubscribe", &format!("{token}0")]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not valid"));

    let out = ok(&db, WEDNESDAY_MORNING, &[], &["unsubscribe", token]);
    assert!(out.contains("unsubscribed"), "{out}");
    let again = ok(&db, WEDNESDAY_MORNING, &[], &["unsubscribe", token]);
    assert!(again.contains("already unsubscribed"), "{again}");
    let subs = db.store.all_subscriptions().await.unwrap();
    assert_eq!(subs.iter().filter(|s| s.unsubscribed_at.is_some()).count(), 1);

    ok(&db, WEDNESDAY_MORNING, &[], &["notify", "--week", "2026-W49"]);
    assert_eq!(deliveries(&db, "2026-W49").await.len(), 1);
}

async fn a_dry_run_shows_the_picks_and_writes_nothing(db: TestDb) {
    shop(&db, &email_customers(2));
    let out = ok(&db, WEDNESDAY_MORNING, &[], &["notify", "--week", WEEK, "--dry-run"]);
    assert!(out.contains("Dry run") && out.contains("Person 1"), "{out}");
    assert!(deliveries(&db, WEEK).await.is_empty());
    assert!(!db.data_dir().join("outbox").exists());
    // --customer limits a real run to one customer.
    let first = db.store.list_customers().await.unwrap()[0].customer.id;
    ok(&db, WEDNESDAY_MORNING, &[], &["notify", "--week", WEEK, "--customer", &first.to_string()]);
    assert_eq!(deliveries(&db, WEEK).await.len(), 1);
}

async fn a_restricting_programme_keeps_the_picks_to_the_films_shown(db: TestDb) {
    shop(&db, &email_customers(1));
    let shown: Vec<String> = (20..28).map(|i| format!("tt9{i:06}")).collect();
    let mut args = vec!["programme", "--week", WEEK];
    args.extend(shown.iter().map(String::as_str));
    let out = ok(&db, WEDNESDAY_MORNING, &[], &args);
    assert!(out.contains("8 film(s)"), "{out}");
    let env = [("CINEPICKS__NOTIFY__PROGRAMME", "restrict".to_owned())];
    ok(&db, WEDNESDAY_MORNING, &env, &["notify", "--week", WEEK]);
    let row = deliveries(&db, WEEK).await.remove(0);
    for pick in row.picks.as_array().unwrap() {
        assert!(shown.contains(&pick["film_id"].as_str().unwrap().to_owned()), "{pick} is not in the programme");
        assert_eq!(pick["in_programme"], true);
    }
    let dir = db.data_dir().join("outbox/email").join(WEEK);
    let file = std::fs::read_dir(dir).unwrap().next().unwrap().unwrap().path();
    let eml = common::smtp::Received {
        mail_from: String::new(),
        rcpt_to: vec![],
        data: std::fs::read_to_string(file).unwrap(),
        encrypted: false,
        user: None,
    };
    assert!(eml.decoded_body().contains("À l'affiche cette semaine"));
}

// The full SMTP path runs on both backends; the rest on SQLite (the queries are the same), but workers sharing
// a week, which only PostgreSQL coordinates.
on_both_backends!(weekly_emails_reach_a_real_smtp_server_once_with_their_headers);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_workers_share_a_week_on_postgres_and_survive_one_killed_postgres() {
    three_workers_share_a_week_on_postgres_and_survive_one_killed(TestDb::new(Kind::Postgres).await).await;
}

mod sqlite_only {
    use super::*;

    macro_rules! sqlite_tests {
        ($($name:ident),*) => {$(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                super::$name(TestDb::new(Kind::Sqlite).await).await;
            }
        )*};
    }

    sqlite_tests!(
        transient_failures_are_retried_and_permanent_ones_bounce_and_flag,
        a_server_answering_451_or_nothing_ends_in_failed_after_the_last_attempt,
        killing_a_run_mid_way_loses_nothing_and_duplicates_at_most_the_in_flight_messages,
        a_second_run_started_while_one_sends_refuses_instead_of_sending_twice,
        a_starttls_relay_with_a_private_authority_and_a_password_gets_every_message,
        a_tls_relay_with_a_private_authority_and_a_password_gets_every_message,
        sms_go_through_the_http_gateway_with_retries_and_refused_numbers_recorded,
        quiet_hours_defer_sms_to_the_next_allowed_morning_and_send_them_then,
        the_unsubscribe_link_of_an_email_stops_the_next_weeks,
        a_restricting_programme_keeps_the_picks_to_the_films_shown,
        a_dry_run_shows_the_picks_and_writes_nothing
    );
}
