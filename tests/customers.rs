//! `cinepicks customers …` end to end on SQLite and PostgreSQL: imports (all or nothing, bad rows named by
//! line), add, list, like, unsubscribe; unconfirmed web subscriptions forgotten once their link expired.

use crate::common;
use cinepicks_test_support::on_both_backends;

use std::path::Path;
use std::process::Output;

use cinepicks_domain::{Channel, Email, PhoneNumber};
use cinepicks_store::entities::prelude::*;
use cinepicks_store::queries::customers::NewCustomer;
use cinepicks_store::sea_orm::{EntityTrait, PaginatorTrait};
use common::store::{TestDb, fixture_films, write_lake};

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
    assert_eq!(customers[1].customer.locale, "en");
    assert_eq!(customers[2].customer.name, "Chloé, dite Clo");
    assert_eq!(customers[2].customer.locale, "fr", "an empty locale takes the configured one");
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
        locale: "fr".into(),
        email: Some(Email::parse(email).unwrap()),
        phone: phone.map(|p| PhoneNumber::parse(p).unwrap()),
        consent: if phone.is_some() { vec![Channel::Email, Channel::Sms] } else { vec![Channel::Email] },
        likes: vec!["tt0133093".into()],
        genres: Vec::new(),
        source: "web".into(),
    };
    // Old requests: one never confirmed, one confirmed by e-mail but never by SMS; a recent one.
    db.store.request_subscription(&web("Old", "old@example.org", None), day(1)).await.unwrap();
    let half =
        db.store.request_subscription(&web("Half", "half@example.org", Some("0611111111")), day(1)).await.unwrap();
    db.store.confirm_subscription(half.due[0].subscription_id, day(2)).await.unwrap();
    db.store.request_subscription(&web("New", "new@example.org", None), day(20)).await.unwrap();
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

on_both_backends!(
    unconfirmed_web_subscriptions_are_forgotten_once_their_link_expired,
    a_valid_file_imports_every_customer_with_normalised_contacts,
    a_malformed_file_reports_every_bad_line_and_imports_nothing,
    customers_can_be_added_liked_listed_and_unsubscribed,
    an_unsubscribed_address_stays_unsubscribed_when_imported_again,
);
