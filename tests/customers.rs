//! `cinepicks customers …` end to end on SQLite and PostgreSQL: imports (all or nothing, bad rows named by
//! line), add, list, like, unsubscribe; unconfirmed web subscriptions forgotten once their link expired.

use crate::common;
use cinepicks_test_support::on_both_backends;

use std::path::Path;
use std::process::Output;

use cinepicks_domain::{Channel, Email, Language, PhoneNumber};
use cinepicks_store::entities::prelude::*;
use cinepicks_store::queries::customers::NewCustomer;
use cinepicks_store::queries::opt_in::{Attempt, ConfirmationCaps};
use cinepicks_store::sea_orm::{EntityTrait, PaginatorTrait};
use common::store::{Kind, TestDb, fixture_films, write_lake};

/// Runs the binary on the test's store.
fn cinepicks(db: &TestDb, args: &[&str]) -> Output {
    command(db, args).output().expect("running cinepicks")
}

/// [`cinepicks`] with the clock fixed at `now` (RFC 3339).
fn cinepicks_at(db: &TestDb, now: &str, args: &[&str]) -> Output {
    command(db, args).env("CINEPICKS_NOW", now).output().expect("running cinepicks")
}

fn command(db: &TestDb, args: &[&str]) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_cinepicks"));
    command
        .arg("--data-dir")
        .arg(db.data_dir())
        .args(args)
        .env("CINEPICKS__DATABASE__URL", &db.url)
        .env_remove("CINEPICKS_CONFIG")
        .env("CINEPICKS_UNSUBSCRIBE_SECRET", "customers test secret, not a real one")
        .env("RUST_LOG", "warn");
    command
}

fn ok(db: &TestDb, args: &[&str]) -> String {
    let out = cinepicks(db, args);
    assert!(out.status.success(), "cinepicks {args:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A store with the fixture catalogue published (films to like).
fn with_films(db: &TestDb) {
    write_lake(&db.data_dir(), &fixture_films(20));
    ok(db, &["publish", "--allow-no-run"]);
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

const GOOD: &str = "name,email,phone,locale,likes,consent
Camille Martin,camille@example.org,06 00 00 00 01,fr,le fabuleux destin d amelie poulain|tt0133093,email+sms
Louis Bernard,louis@example.org,,en,Les Diaboliques (1996),email
\"Chloé, dite Clo\",,+33 6 00 00 00 03,,,sms
";

async fn a_valid_file_imports_every_customer_with_normalised_contacts(db: TestDb) {
    with_films(&db);
    let file = write(db.dir.path(), "customers.csv", GOOD);
    let out = ok(&db, &["customers", "import", &file]);
    assert!(out.contains("3 customers created"), "{out}");

    let customers = db.store.list_customers().await.unwrap();
    assert_eq!(customers.len(), 3);
    let camille = &customers[0];
    assert_eq!(camille.customer.name, "Camille Martin");
    let addresses: Vec<(&str, &str)> =
        camille.subscriptions.iter().map(|s| (s.channel.as_str(), s.address.as_str())).collect();
    assert_eq!(addresses, [("email", "camille@example.org"), ("sms", "+33600000001")]);
    assert_eq!(camille.likes.len(), 2);
    assert!(camille.likes.contains(&"tt0211915".to_owned()) && camille.likes.contains(&"tt0133093".to_owned()));
    assert_eq!(customers[1].likes, ["tt0117998"]);
    assert_eq!(customers[1].customer.locale, Language::En);
    assert_eq!(customers[2].customer.name, "Chloé, dite Clo");
    assert_eq!(customers[2].customer.locale, Language::Fr, "an empty locale takes the configured one");
    assert!(camille.subscriptions[0].consent_source.contains("customers.csv line 2"));

    // Importing the same file again updates, never duplicates.
    let out = ok(&db, &["customers", "import", &file]);
    assert!(out.contains("0 customers created, 3 updated"), "{out}");
    assert_eq!(Customers::find().count(db.store.db()).await.unwrap(), 3);
    assert_eq!(Subscriptions::find().count(db.store.db()).await.unwrap(), 4);
}

async fn a_malformed_file_reports_every_bad_line_and_imports_nothing(db: TestDb) {
    with_films(&db);
    let bad = "name,email,phone,locale,likes,consent
Good Person,good@example.org,,fr,Matrix,email
Bad Mail,camille@@example.org,,fr,,email
Bad Phone,,06 12,fr,,sms
Unknown Film,film@example.org,,fr,Film That Does Not Exist,email
Too Few,few@example.org,,fr
Ambiguous,amb@example.org,,fr,Les Diaboliques,email
No Consent,nc@example.org,,fr,,
";
    let file = write(db.dir.path(), "bad.csv", bad);
    let out = cinepicks(&db, &["customers", "import", &file]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for (line, what) in [
        (3, "e-mail"),
        (4, "phone"),
        (5, "Film That Does Not Exist"),
        (6, "4 fields"),
        (7, "add the year"),
        (8, "consent"),
    ] {
        let found = stderr.lines().any(|l| l.contains(&format!("line {line}:")) && l.contains(what));
        assert!(found, "line {line} ({what}) not reported:\n{stderr}");
    }
    assert!(!stderr.contains("line 2:"), "the good line was reported:\n{stderr}");
    assert!(stderr.contains("nothing imported"), "{stderr}");
    assert_eq!(Customers::find().count(db.store.db()).await.unwrap(), 0, "a row was partially imported");
    assert_eq!(Likes::find().count(db.store.db()).await.unwrap(), 0);
}

async fn customers_can_be_added_liked_listed_and_unsubscribed(db: TestDb) {
    with_films(&db);
    let out = ok(
        &db,
        &[
            "customers",
            "add",
            "--name",
            "Hugo Thomas",
            "--email",
            "Hugo@Example.org",
            "--consent",
            "email",
            "--like",
            "Matrix",
        ],
    );
    assert!(out.contains("Added customer Hugo Thomas"), "{out}");
    ok(&db, &["customers", "like", "hugo@example.org", "Le fabuleux destin d'Amelie Poulain", "tt0046911"]);
    let list = ok(&db, &["customers", "list"]);
    assert!(list.contains("Hugo Thomas") && list.contains("email hugo@example.org"), "{list}");
    assert!(list.contains("tt0133093") && list.contains("tt0211915") && list.contains("tt0046911"), "{list}");

    let out = ok(&db, &["customers", "unsubscribe", "HUGO@example.org"]);
    assert!(out.contains("1 subscription(s) stopped"), "{out}");
    let subs = db.store.list_customers().await.unwrap().remove(0).subscriptions;
    assert!(subs[0].unsubscribed_at.is_some());
    // Unsubscribing twice is harmless; the token of the unsubscribe link works too.
    assert!(ok(&db, &["customers", "unsubscribe", &subs[0].unsubscribe_token]).contains("already unsubscribed"));

    let bad = cinepicks(&db, &["customers", "add", "--name", "X", "--phone", "06 12", "--consent", "sms"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("invalid phone number"));
    let unknown = cinepicks(&db, &["customers", "unsubscribe", "nobody@example.org"]);
    assert_eq!(unknown.status.code(), Some(1));
}

async fn an_unsubscribed_address_stays_unsubscribed_when_imported_again(db: TestDb) {
    with_films(&db);
    let file = write(db.dir.path(), "customers.csv", GOOD);
    ok(&db, &["customers", "import", &file]);
    ok(&db, &["customers", "unsubscribe", "louis@example.org"]);
    ok(&db, &["customers", "import", &file]);
    let louis = db.store.find_customer("louis@example.org").await.unwrap().unwrap();
    let view = db.store.list_customers().await.unwrap().into_iter().find(|c| c.customer.id == louis.id).unwrap();
    assert!(view.subscriptions[0].unsubscribed_at.is_some());
}

/// A web subscription whose link expired unconfirmed is forgotten by the next weekly run, with its customer when
/// nothing else is left; confirmed subscriptions and recent requests stay.
async fn unconfirmed_web_subscriptions_are_forgotten_once_their_link_expired(db: TestDb) {
    with_films(&db);
    ok(&db, &["customers", "import", &write(db.dir.path(), "customers.csv", GOOD)]);
    let day = |d: u32| chrono::DateTime::parse_from_rfc3339(&format!("2026-11-{d:02}T10:00:00Z")).unwrap().to_utc();
    let web = |name: &str, email: &str, phone: Option<&str>| NewCustomer {
        name: name.into(),
        locale: Language::Fr,
        email: Some(Email::parse(email).unwrap()),
        phone: phone.map(|p| PhoneNumber::parse(p).unwrap()),
        consent: if phone.is_some() { vec![Channel::Email, Channel::Sms] } else { vec![Channel::Email] },
        likes: vec!["tt0133093".into()],
        genres: Vec::new(),
        source: "web".into(),
    };
    // Old requests: one never confirmed, one confirmed by e-mail but never by SMS; a recent one.
    let caps = ConfirmationCaps { per_address: 3, emails: 100, sms: 100 };
    db.store.request_subscription(&web("Old", "old@example.org", None), caps, day(1)).await.unwrap();
    let half = db
        .store
        .request_subscription(&web("Half", "half@example.org", Some("0611111111")), caps, day(1))
        .await
        .unwrap();
    assert_eq!(half.queued, 2, "a confirmation per address");
    let queued = db.store.queued_confirmations(10, &Channel::ALL, day(1)).await.unwrap();
    let by_email = queued.iter().find(|q| q.address == "half@example.org").expect("queued");
    db.store.confirm_subscription(by_email.subscription_id, day(1), day(2)).await.unwrap();
    db.store.request_subscription(&web("New", "new@example.org", None), caps, day(20)).await.unwrap();
    let (customers, likes) =
        (Customers::find().count(db.store.db()).await.unwrap(), Likes::find().count(db.store.db()).await.unwrap());

    // The week's run on the 22nd: links of the 1st have expired (7 days), the 20th's have not.
    let out = cinepicks_at(&db, "2026-11-22T10:00:00Z", &["notify"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(db.store.find_customer("old@example.org").await.unwrap().is_none(), "the never-confirmed customer stays");
    assert_eq!(Customers::find().count(db.store.db()).await.unwrap(), customers - 1);
    assert_eq!(Likes::find().count(db.store.db()).await.unwrap(), likes - 1, "their like goes with them");
    let half = db.store.find_customer("half@example.org").await.unwrap().expect("a confirmed customer stays");
    let kept: Vec<String> = db
        .store
        .list_customers()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.customer.id == half.id)
        .unwrap()
        .subscriptions
        .into_iter()
        .map(|s| s.channel.to_string())
        .collect();
    assert_eq!(kept, ["email"], "the unconfirmed SMS subscription is gone, the confirmed e-mail one stays");
    assert!(db.store.find_customer("new@example.org").await.unwrap().is_some(), "a recent request waits its 7 days");
    assert!(db.store.find_customer("camille@example.org").await.unwrap().is_some(), "imports are confirmed");
}

/// The daily caps bound what the subscription form can queue: per address, and per channel in all.
async fn confirmation_messages_stay_within_the_daily_caps(db: TestDb) {
    db.store.migrate().await.unwrap();
    let at = |minutes: i64| {
        chrono::DateTime::parse_from_rfc3339("2026-11-21T10:00:00Z").unwrap().to_utc()
            + chrono::Duration::minutes(minutes)
    };
    let request = |email: &str, phone: Option<&str>| NewCustomer {
        name: "Visiteur".into(),
        locale: Language::Fr,
        email: Some(Email::parse(email).unwrap()),
        phone: phone.map(|p| PhoneNumber::parse(p).unwrap()),
        consent: if phone.is_some() { vec![Channel::Email, Channel::Sms] } else { vec![Channel::Email] },
        likes: Vec::new(),
        genres: Vec::new(),
        source: "web".into(),
    };
    let caps = ConfirmationCaps { per_address: 2, emails: 4, sms: 1 };
    // One address asking again and again (past the 2-minute resend delay): two messages, then none.
    let mut queued = Vec::new();
    for i in 0..4 {
        let done = db.store.request_subscription(&request("victim@example.org", None), caps, at(3 * i)).await.unwrap();
        queued.push((done.queued, done.capped));
    }
    assert_eq!(queued, [(1, 0), (1, 0), (0, 1), (0, 1)]);
    // Many addresses: the channel's cap (4 e-mails a day) stops the flood; SMS have their own (1).
    let flood = db.store.request_subscription(&request("a@example.org", Some("0611111111")), caps, at(20)).await;
    assert_eq!((flood.as_ref().unwrap().queued, flood.unwrap().capped), (2, 0));
    let more = db.store.request_subscription(&request("b@example.org", Some("0622222222")), caps, at(21)).await;
    assert_eq!((more.as_ref().unwrap().queued, more.unwrap().capped), (1, 1), "the 4th e-mail, not the 2nd SMS");
    let over = db.store.request_subscription(&request("c@example.org", None), caps, at(22)).await.unwrap();
    assert_eq!((over.queued, over.capped), (0, 1));
    assert_eq!(db.store.queued_confirmations(100, &Channel::ALL, at(23)).await.unwrap().len(), 5);
    assert_eq!(db.store.queued_confirmations(100, &[Channel::Sms], at(23)).await.unwrap().len(), 1);
    // A day later the counts start again.
    let tomorrow = db.store.request_subscription(&request("c@example.org", None), caps, at(24 * 60 + 30)).await;
    assert_eq!(tomorrow.unwrap().queued, 1);
    // Sent and failed messages leave the queue; a retryable failure stays until its last attempt.
    let first = db.store.queued_confirmations(1, &Channel::ALL, at(30)).await.unwrap().remove(0);
    db.store.confirmation_attempted(first.confirmation_id, Attempt::Sent, 3, at(30)).await.unwrap();
    let second = db.store.queued_confirmations(1, &Channel::ALL, at(30)).await.unwrap().remove(0);
    assert_ne!(first.confirmation_id, second.confirmation_id);
    let (store, second_id) = (&db.store, second.confirmation_id);
    let is_due = |when: i64| async move {
        let due = store.queued_confirmations(100, &Channel::ALL, at(when)).await.unwrap();
        due.iter().any(|q| q.confirmation_id == second_id)
    };
    for attempt in 1..=3 {
        let retry = Attempt::Retry { error: "SMTP 451".into(), at: at(40 * attempt + 10) };
        db.store.confirmation_attempted(second.confirmation_id, retry, 3, at(40 * attempt)).await.unwrap();
        assert!(!is_due(40 * attempt + 5).await, "waits for its retry time");
        assert_eq!(is_due(40 * attempt + 10).await, attempt < 3, "attempt {attempt}");
    }
    // A failure the operator must fix holds the message without using up its attempts.
    let third = db.store.queued_confirmations(1, &Channel::ALL, at(200)).await.unwrap().remove(0);
    for _ in 0..5 {
        let hold = Attempt::Hold { error: "outbox not writable".into(), at: at(300) };
        db.store.confirmation_attempted(third.confirmation_id, hold, 3, at(200)).await.unwrap();
    }
    let due = db.store.queued_confirmations(100, &Channel::ALL, at(300)).await.unwrap();
    assert!(due.iter().any(|q| q.confirmation_id == third.confirmation_id), "still queued after five holds");
}

/// Every row of every table of the store, one line each, as text (what a search for a person would read).
async fn every_row(db: &TestDb) -> String {
    use cinepicks_store::sea_orm::{ConnectionTrait, Statement};
    let conn = db.store.db();
    let query = |sql: String| conn.query_all_raw(Statement::from_string(conn.get_database_backend(), sql));
    let mut out = String::new();
    for table in db.store.table_names().await.unwrap() {
        let sql = match db.kind {
            Kind::Postgres => format!("SELECT CAST(t AS text) AS line FROM \"{table}\" AS t"),
            Kind::Sqlite => {
                let columns = query(format!("SELECT name FROM pragma_table_info('{table}')")).await.unwrap();
                let cells: Vec<String> = columns
                    .iter()
                    .map(|c| format!("coalesce(CAST(\"{}\" AS TEXT), '')", c.try_get::<String>("", "name").unwrap()))
                    .collect();
                format!("SELECT {} AS line FROM \"{table}\"", cells.join(" || '|' || "))
            }
        };
        for row in query(sql).await.unwrap() {
            out.push_str(&format!("{table}: {}\n", row.try_get::<String>("", "line").unwrap()));
        }
    }
    out
}

/// Every file under `dir`, as text.
fn every_file(dir: &Path) -> String {
    let mut out = String::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.push_str(&every_file(&path));
        } else {
            out.push_str(&String::from_utf8_lossy(&std::fs::read(&path).unwrap()));
        }
    }
    out
}

/// A person's access request answered, then their erasure: nothing that names or reaches them is left in any
/// table or outbox file (nor, on SQLite, in the database file), and the deliveries still count.
async fn a_customer_is_exported_then_erased_from_every_table_and_outbox(db: TestDb) {
    with_films(&db);
    ok(&db, &["customers", "import", &write(db.dir.path(), "customers.csv", GOOD)]);
    let sent = cinepicks_at(&db, "2026-11-25T10:00:00+01:00", &["notify"]);
    assert!(sent.status.success(), "{}", String::from_utf8_lossy(&sent.stderr));
    let camille = db.store.find_customer("camille@example.org").await.unwrap().unwrap();
    let traces = ["camille", "Camille", "Martin", "+33600000001"];
    let outbox = db.data_dir().join("outbox");
    assert!(traces.iter().all(|t| every_file(&outbox).contains(t) || *t == "Martin"), "the week was sent to her");

    // Her verdict on one of the films sent: exported, then erased with her.
    let film = db.store.week_picks(camille.id, "2026-W48".parse().unwrap()).await.unwrap().unwrap()[0]["film_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (like, email) = (cinepicks_domain::FeedbackKind::Like, cinepicks_domain::FeedbackSource::Email);
    db.store.record_feedback(camille.id, &film, like, email, false, chrono::Utc::now()).await.unwrap();

    ok(&db, &["customers", "unsubscribe", "06 00 00 00 01"]);
    let export: serde_json::Value = serde_json::from_str(&ok(&db, &["customers", "export", "06 00 00 00 01"])).unwrap();
    assert_eq!(export["customer"]["name"], "Camille Martin");
    assert_eq!(export["subscriptions"].as_array().unwrap().len(), 2, "{export}");
    // Consent is history, not a column overwritten: given by the import, then withdrawn for SMS.
    let history = |channel: &str| -> Vec<String> {
        let subscription = export["subscriptions"].as_array().unwrap().iter().find(|s| s["channel"] == channel);
        let events = subscription.unwrap()["consent_history"].as_array().unwrap();
        events.iter().map(|e| format!("{} {}", e["change"].as_str().unwrap(), e["source"].as_str().unwrap())).collect()
    };
    assert_eq!(history("email").len(), 1, "{export}");
    assert!(history("email")[0].starts_with("given import"), "{export}");
    assert_eq!(history("sms").iter().map(|e| e.split(' ').next().unwrap()).collect::<Vec<_>>(), ["given", "withdrawn"]);
    assert_eq!(export["likes"].as_array().unwrap().len(), 2, "{export}");
    assert_eq!(export["feedback"][0]["film_id"], film.as_str(), "{export}");
    assert_eq!(
        (export["feedback"][0]["kind"].as_str(), export["feedback"][0]["source"].as_str()),
        (Some("like"), Some("email"))
    );
    assert_eq!(export["deliveries"].as_array().unwrap().len(), 2, "an e-mail and an SMS: {export}");
    assert!(!export.to_string().contains("unsubscribe_token"), "secrets are not exported");

    let deliveries = || async { Deliveries::find().all(db.store.db()).await.unwrap() };
    let before = deliveries().await.len();
    let out = ok(&db, &["customers", "erase", "camille@example.org"]);
    assert!(
        out.contains("erased (2 subscription(s), 2 like(s), 1 feedback event(s), 1 outbox file(s), 1 SMS"),
        "{out}"
    );
    assert!(db.store.feedback_of(camille.id).await.unwrap().is_empty());
    let rows = every_row(&db).await;
    for trace in traces {
        assert!(!rows.contains(trace), "{trace} is still in the store:\n{rows}");
        assert!(!every_file(&outbox).contains(trace), "{trace} is still in the outbox");
    }
    if db.kind == Kind::Sqlite {
        let file = db.dir.path().join("store.db");
        let mut bytes = std::fs::read(&file).unwrap();
        bytes.extend(std::fs::read(db.dir.path().join("store.db-wal")).unwrap_or_default());
        let raw = String::from_utf8_lossy(&bytes);
        assert!(!raw.contains("camille@example.org"), "the address is still readable in the SQLite file");
    }
    // Chloé's SMS and Louis's e-mail are untouched; the deliveries still count, without an address.
    assert!(every_file(&outbox).contains("+33600000003") && rows.contains("louis@example.org"));
    let after = deliveries().await;
    assert_eq!(after.len(), before);
    assert!(after.iter().filter(|d| d.customer_id == camille.id).all(|d| d.subscription_id.is_none()));
    assert!(db.store.list_customers().await.unwrap().iter().all(|c| c.customer.id != camille.id));
    let again = cinepicks(&db, &["customers", "erase", "camille@example.org"]);
    assert!(!again.status.success(), "an erased address is unknown");
}

/// Customers who left are erased once `notify.keep_stopped_days` have passed; those still subscribed, and those
/// who asked again since, stay.
async fn customers_who_left_are_erased_after_the_retention(db: TestDb) {
    with_films(&db);
    let file = write(db.dir.path(), "customers.csv", GOOD);
    assert!(cinepicks_at(&db, "2026-04-01T10:00:00+02:00", &["customers", "import", &file]).status.success());
    for address in ["louis@example.org", "06 00 00 00 03"] {
        let left = cinepicks_at(&db, "2026-05-01T10:00:00+02:00", &["customers", "unsubscribe", address]);
        assert!(left.status.success(), "{}", String::from_utf8_lossy(&left.stderr));
    }
    // Chloé asks again on the site a few days before the weekly run (she has not confirmed yet).
    let again = NewCustomer {
        name: "Chloé".into(),
        locale: Language::Fr,
        email: None,
        phone: Some(PhoneNumber::parse("06 00 00 00 03").unwrap()),
        consent: vec![Channel::Sms],
        likes: Vec::new(),
        genres: Vec::new(),
        source: "web".into(),
    };
    let caps = ConfirmationCaps { per_address: 3, emails: 100, sms: 100 };
    let asked = chrono::DateTime::parse_from_rfc3339("2026-11-20T10:00:00+01:00").unwrap().to_utc();
    assert_eq!(db.store.request_subscription(&again, caps, asked).await.unwrap().queued, 1);

    let out = cinepicks_at(&db, "2026-11-25T10:00:00+01:00", &["--output", "json", "notify"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["left_erased"], 1, "{report}");
    assert!(db.store.find_customer("louis@example.org").await.unwrap().is_none(), "left 208 days ago: erased");
    assert!(db.store.find_customer("+33600000003").await.unwrap().is_some(), "asked again: kept");
    assert!(db.store.find_customer("camille@example.org").await.unwrap().is_some(), "still subscribed");
}

on_both_backends!(
    customers_who_left_are_erased_after_the_retention,
    a_customer_is_exported_then_erased_from_every_table_and_outbox,
    confirmation_messages_stay_within_the_daily_caps,
    unconfirmed_web_subscriptions_are_forgotten_once_their_link_expired,
    a_valid_file_imports_every_customer_with_normalised_contacts,
    a_malformed_file_reports_every_bad_line_and_imports_nothing,
    customers_can_be_added_liked_listed_and_unsubscribed,
    an_unsubscribed_address_stays_unsubscribed_when_imported_again,
);
