//! Screenings (séances): imported from CSV and from an iCalendar export (time zones, folded lines, RRULE,
//! EXDATE), every bad row refused with its line and field and nothing imported; then shown on `/programme`, on
//! the film page, in `/api/v1/screenings` and in the `/programme.ics` feed, which a real iCalendar parser (the
//! Python `icalendar` package) reads back.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use super::common::store::TestDb;
use super::{OWNER_PASSWORD, answer, client, get, post_form, session_cookie, shop_with};
use cinepicks_test_support::on_both_backends;

/// The site's and the commands' clock: Monday 7 December 2026, 10:00 in Paris.
const NOW: &str = "2026-12-07T10:00:00+01:00";

fn screenings(db: &TestDb, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cinepicks"))
        .arg("--data-dir")
        .arg(db.data_dir())
        .arg("screenings")
        .args(args)
        .env_remove("CINEPICKS_CONFIG")
        .env("CINEPICKS__DATABASE__URL", &db.url)
        .env("CINEPICKS_NOW", NOW)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

const GOOD_CSV: &str = "film,starts_at,room,version,price,booking_url,note
le fabuleux destin d amelie poulain,2026-12-09 20:30,Salle 1,VOSTFR,\"7,50 €\",https://billetterie.example/s/1,Ciné-débat
tt0133093,2026-12-10 18:00,,,,,
";

/// As a ticketing tool exports it: CRLF, a VTIMEZONE, a folded line, a weekly repeat with one date taken out.
const GOOD_ICS: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Billetterie//FR\r\nBEGIN:VTIMEZONE\r\n\
TZID:Europe/Paris\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n\
END:STANDARD\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:42@billetterie\r\n\
DTSTART;TZID=Europe/Paris:20261212T160000\r\nRRULE:FREQ=WEEKLY;BYDAY=SA;COUNT=3\r\n\
EXDATE;TZID=Europe/Paris:20261219T160000\r\nSUMMARY:Les Diaboliques (1955) - \r\n VOST\r\nLOCATION:Salle 2\r\n\
DESCRIPTION:Fiche : https://www.imdb.com/title/tt0046911/\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

async fn screenings_are_imported_from_csv_and_ics_and_shown_on_the_programme_the_film_page_the_api_and_the_feed(
    db: TestDb,
) {
    let server = shop_with(&db, &[("CINEPICKS_NOW", NOW)]);
    let dir = db.dir.path();

    // Every bad row is named with its line and field, and nothing is imported.
    let bad = "film,starts_at,version,booking_url\n\
               Matrix,2026-12-01 20:30,VF,\n\
               Zzyzx Qwv,2026-12-09 18:00,VF,\n\
               Les Diaboliques,2026-12-09 18:00,VF,\n\
               Matrix,demain soir,VF,\n\
               Matrix,2026-12-11 20:30,VX,javascript:alert(1)\n\
               Matrix,2026-12-12 20:30,VF,\n\
               tt0211915,2026-12-12 21:00,VF,\n";
    let refused = screenings(&db, &["import", &write(dir, "bad.csv", bad)]);
    assert!(!refused.status.success());
    let why = String::from_utf8_lossy(&refused.stderr);
    for expected in [
        "bad.csv line 2, field starts_at: 2026-12-01 20:30 is in the past",
        "bad.csv line 3, field film: no film \"Zzyzx Qwv\"",
        "bad.csv line 4, field film: \"Les Diaboliques\" matches 2 films",
        "bad.csv line 5, field starts_at",
        "bad.csv line 6, field version",
        "bad.csv line 6, field booking_url",
        "bad.csv line 8, field starts_at: Le Fabuleux Destin d'Amélie Poulain at 2026-12-12 21:00 overlaps Matrix",
        "nothing imported",
    ] {
        assert!(why.contains(expected), "{expected:?} missing from:\n{why}");
    }
    let truncated = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20261209T203000\r\nSUMMARY:Matrix\r\n";
    let refused = screenings(&db, &["import", &write(dir, "cut.ics", truncated)]);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("cut.ics line 4, field END: the calendar is cut short"));
    let server = &server;
    let api = |path: &str| {
        let path = path.to_owned();
        async move { get(server, &path).await.json() }
    };
    assert_eq!(api("/api/v1/screenings?from=2026-12-07&days=31").await["screenings"], serde_json::json!([]));

    // A CSV and a calendar; the same CSV again changes nothing.
    let csv = write(dir, "semaine.csv", GOOD_CSV);
    let out = screenings(&db, &["import", &csv]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("2 screenings added, 0 updated"));
    let again = screenings(&db, &["import", &csv]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 screenings added, 2 updated"));
    let out = screenings(&db, &["import", &write(dir, "billetterie.ics", GOOD_ICS)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("2 screenings added"), "12 and 26 December, not the 19th");

    let listed = api("/api/v1/screenings?from=2026-12-07&days=31").await;
    let starts: Vec<(&str, &str, &str)> = listed["screenings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["starts_at"].as_str().unwrap(), s["film"]["id"].as_str().unwrap(), s["version"].as_str().unwrap()))
        .collect();
    assert_eq!(
        starts,
        [
            ("2026-12-09T20:30:00+01:00", "tt0211915", "VOST"),
            ("2026-12-10T18:00:00+01:00", "tt0133093", "VF"),
            ("2026-12-12T16:00:00+01:00", "tt0046911", "VOST"),
            ("2026-12-26T16:00:00+01:00", "tt0046911", "VOST"),
        ]
    );
    assert_eq!(listed["screenings"][0]["price_cents"], 750);
    assert_eq!(listed["screenings"][2]["room"], "Salle 2");
    get(server, "/api/v1/screenings?days=999").await.assert_problem(422, Some("days"));

    // The programme page, day by day, in French; the film page lists its next screenings.
    let page = get(server, "/programme").await;
    assert_eq!(page.status, 200, "{}", page.body);
    for expected in ["mercredi 9 décembre", "20 h 30", "VOST", "Ciné-débat", "7,50 €", "Réserver", "/films/tt0211915"]
    {
        assert!(page.body.contains(expected), "{expected} missing: {}", page.body);
    }
    let english = get(server, "/programme?lang=en").await;
    assert!(english.body.contains("Wednesday 9 December") && english.body.contains("Book"), "{}", english.body);
    let film = get(server, "/films/tt0046911").await;
    assert!(film.body.contains("Réalisation") && film.body.contains("Henri-Georges Clouzot"), "{}", film.body);
    assert!(
        film.body.contains("Prochaines séances") && film.body.contains("samedi 12 décembre, 16 h 00"),
        "{}",
        film.body
    );

    // The feed, read back by a real iCalendar parser.
    let feed = get(server, "/programme.ics").await;
    assert!(feed.header("content-type").starts_with("text/calendar"), "{}", feed.header("content-type"));
    let python = std::env::var("CINEPICKS_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let script = "import sys, json, icalendar\n\
                  cal = icalendar.Calendar.from_ical(sys.stdin.read())\n\
                  events = [e for e in cal.walk('VEVENT')]\n\
                  print(json.dumps([[str(e['SUMMARY']), e.decoded('DTSTART').isoformat(), str(e['UID'])] for e in events]))";
    let mut child = Command::new(&python)
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), feed.body.as_bytes()).unwrap();
    let parsed = child.wait_with_output().unwrap();
    assert!(parsed.status.success(), "{}", String::from_utf8_lossy(&parsed.stderr));
    let events: Value = serde_json::from_slice(&parsed.stdout).unwrap();
    let events = events.as_array().unwrap();
    assert_eq!(events.len(), 4, "{events:?}");
    assert_eq!(events[0][0], "Le Fabuleux Destin d'Amélie Poulain (2001) (VOST)");
    assert_eq!(events[0][1], "2026-12-09T19:30:00+00:00");
    assert!(events.iter().all(|e| e[2].as_str().unwrap().starts_with("screening-")), "stable UIDs: {events:?}");

    // The weekly e-mail of that week: the films shown (only them, in restrict mode: three more so that there are
    // five to propose) with their screenings, the booking link and their page.
    let more = "film,starts_at,room\ntt9000001,2026-12-11 14:00,Salle 3\ntt9000002,2026-12-11 17:00,Salle 3\n\
                tt9000003,2026-12-11 20:30,Salle 3\n";
    assert!(screenings(&db, &["import", &write(dir, "more.csv", more)]).status.success());
    let sent = Command::new(env!("CARGO_BIN_EXE_cinepicks"))
        .arg("--data-dir")
        .arg(db.data_dir())
        .args(["notify", "--week", "2026-W50"])
        .env_remove("CINEPICKS_CONFIG")
        .env("CINEPICKS__DATABASE__URL", &db.url)
        .env("CINEPICKS__NOTIFY__PROGRAMME", "restrict")
        .env("CINEPICKS_UNSUBSCRIBE_SECRET", super::SECRET)
        .env("CINEPICKS_NOW", NOW)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(sent.status.success(), "{}", String::from_utf8_lossy(&sent.stderr));
    let email = |address: &str| {
        let dir = db.data_dir().join("outbox/email/2026-W50");
        let found = std::fs::read_dir(&dir).unwrap().map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap());
        let mail = found.map(|m| m.replace("=\r\n", "").replace("=3D", "=")).find(|m| m.contains(address));
        mail.unwrap_or_else(|| panic!("no e-mail to {address} in {}", dir.display()))
    };
    let hugo = email("hugo@example.org");
    assert!(hugo.contains("Screenings: Wednesday 9 December, 20:30"), "{hugo}");
    assert!(hugo.contains("https://billetterie.example/s/1") && hugo.contains("/films/tt0211915"), "{hugo}");
    let camille = email("camille@example.org");
    assert!(camille.contains("samedi 12 d=C3=A9cembre, 16 h 00"), "{camille}");
    // Her SMS leads with the best match shown this week and its next screening.
    let sms = std::fs::read_to_string(db.data_dir().join("outbox/sms/2026-W50.jsonl")).unwrap();
    let sms: Value = serde_json::from_str(sms.lines().next().unwrap()).unwrap();
    let text = sms["text"].as_str().unwrap();
    assert!(text.contains("l'affiche pour vous, ") && text.contains("/12 ") && text.contains(". Et : "), "{text}");
    assert!(sms["septets"].as_u64().unwrap() <= 160, "{sms}");

    // The cinema moves a screening: the day's new file replaces what that room had that day.
    let moved = "film,starts_at,room,version\ntt0211915,2026-12-09 21:00,Salle 1,VOST\n";
    let out = screenings(&db, &["import", &write(dir, "moved.csv", moved)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 screenings added, 0 updated, 1 removed"), "{out:?}");
    let day = api("/api/v1/screenings?from=2026-12-09&days=1").await;
    let starts: Vec<&str> =
        day["screenings"].as_array().unwrap().iter().map(|s| s["starts_at"].as_str().unwrap()).collect();
    assert_eq!(starts, ["2026-12-09T21:00:00+01:00"]);
    // A calendar export still holding yesterday's screening: it is skipped and said, the rest imported.
    let export = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;TZID=Europe/Paris:20261206T180000\r\nSUMMARY:Matrix\r\n\
                  END:VEVENT\r\nBEGIN:VEVENT\r\nDTSTART;TZID=Europe/Paris:20261213T180000\r\nSUMMARY:Matrix\r\n\
                  LOCATION:Salle 4\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let out = screenings(&db, &["import", &write(dir, "export.ics", export)]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && said.contains("1 screenings added") && said.contains("1 past event(s)"), "{said}");
}

/// The owner adds, changes and removes screenings on their page: every bad field named at once in a summary, what
/// was typed kept, a room already taken refused, and the programme following each change.
async fn the_owner_adds_changes_and_removes_screenings_with_every_problem_named_at_once(db: TestDb) {
    let hash = cinepicks_web::owner::session::hash_password(OWNER_PASSWORD).unwrap();
    let server = shop_with(&db, &[("CINEPICKS_NOW", NOW), ("CINEPICKS_OWNER_PASSWORD_HASH", &hash)]);
    let login = format!("password={}&next=%2Fowner%2Fscreenings", OWNER_PASSWORD.replace(' ', "+"));
    let cookie = session_cookie(&post_form(&server, "/owner/login", &login, None, Some(&server.base)).await);
    // The server's clock: the stored screenings are read from then on.
    let now = chrono::DateTime::parse_from_rfc3339(NOW).unwrap().with_timezone(&chrono::Utc);
    let page = answer(client().get(server.url("/owner/screenings")).header("cookie", &cookie)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Ajouter une séance") && page.body.contains("Aucune séance annoncée"), "{}", page.body);
    let csrf = super::csrf_token(&page.body);
    let post = |fields: Vec<(&str, &str)>| {
        let mut body = format!("csrf={csrf}");
        for (k, v) in fields {
            body.push_str(&format!("&{k}={}", super::query_value(v)));
        }
        let (server, cookie) = (&server, &cookie);
        async move { post_form(server, "/owner/screenings", &body, Some(cookie), Some(&server.base)).await }
    };

    // Four fields wrong: all named at the top and beside each field; what was typed stays.
    let refused = post(vec![
        ("film", "Zzyzx Qwv"),
        ("date", "2026-12-01"),
        ("time", "20:30"),
        ("version", "VF"),
        ("price", "sept euros"),
        ("booking_url", "javascript:alert(1)"),
    ])
    .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    for expected in [
        "La séance n'est pas enregistrée",
        "aucun film de ce titre au catalogue",
        "cette date et cette heure sont passées",
        "un prix en euros, par exemple 7,50",
        "une adresse web commençant par https://",
        r#"value="Zzyzx Qwv""#,
        r#"value="sept euros""#,
    ] {
        assert!(refused.body.contains(expected), "{expected} missing: {}", refused.body);
    }
    let ambiguous =
        post(vec![("film", "Les Diaboliques"), ("date", "2026-12-09"), ("time", "20:30"), ("version", "VF")]).await;
    assert!(ambiguous.body.contains("plusieurs films portent ce titre"), "{}", ambiguous.body);

    // A good one, then another in the same room while the first still runs: refused, named.
    let saved = post(vec![
        ("film", "tt0133093"),
        ("date", "2026-12-09"),
        ("time", "20:30"),
        ("room", "Salle 1"),
        ("version", "VOST"),
        ("price", "7,50"),
        ("booking_url", "https://billetterie.example/s/9"),
        ("note", "Ciné-débat"),
    ])
    .await;
    assert_eq!((saved.status, saved.header("location")), (303, "/owner/screenings?lang=fr&saved=1"), "{}", saved.body);
    let stored = db.store.screenings_between(now, now + chrono::Duration::days(60)).await;
    let stored = stored.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(
        (stored[0].version.as_str(), stored[0].price_cents, stored[0].source.as_str()),
        ("VOST", Some(750), "owner")
    );
    let taken = post(vec![
        ("film", "tt0211915"),
        ("date", "2026-12-09"),
        ("time", "21:00"),
        ("room", "Salle 1"),
        ("version", "VF"),
    ])
    .await;
    assert_eq!(taken.status, 422);
    assert!(
        taken.body.contains("salle déjà prise : « Matrix (1999) » y commence le mercredi 9 décembre à 20 h 30"),
        "{}",
        taken.body
    );
    let programme = get(&server, "/programme").await;
    assert!(programme.body.contains("20 h 30") && programme.body.contains("Ciné-débat"), "{}", programme.body);

    // Changed: moved to 18 h; then removed.
    let id = stored[0].id.to_string();
    let edit =
        answer(client().get(server.url(&format!("/owner/screenings?edit={id}"))).header("cookie", &cookie)).await;
    assert!(edit.body.contains("Modifier la séance") && edit.body.contains(r#"value="20:30""#), "{}", edit.body);
    let moved = post(vec![
        ("id", &id),
        ("film", "tt0133093"),
        ("date", "2026-12-09"),
        ("time", "18:00"),
        ("room", "Salle 1"),
        ("version", "VOST"),
    ])
    .await;
    assert_eq!(moved.status, 303, "{}", moved.body);
    let stored = db.store.screenings_between(now, now + chrono::Duration::days(60)).await.unwrap();
    assert_eq!(stored.len(), 1, "changed, not added");
    assert_eq!(stored[0].starts_at.with_timezone(&chrono_tz::Europe::Paris).format("%H:%M").to_string(), "18:00");
    let body = format!("csrf={csrf}");
    let removed =
        post_form(&server, &format!("/owner/screenings/{id}/remove"), &body, Some(&cookie), Some(&server.base)).await;
    assert_eq!(removed.status, 303);
    assert!(db.store.screenings_between(now, now + chrono::Duration::days(60)).await.unwrap().is_empty());
    // Without the CSRF token, or from another site: refused, for saving and for removing.
    let forged = post_form(&server, "/owner/screenings", "film=tt0133093", Some(&cookie), Some(&server.base)).await;
    assert_eq!(forged.status, 403);
    let good = format!("csrf={csrf}&film=tt0133093&date=2026-12-10&time=20:30&version=VF");
    let elsewhere = post_form(&server, "/owner/screenings", &good, Some(&cookie), Some("https://evil.example")).await;
    assert_eq!(elsewhere.status, 403);
    let path = format!("/owner/screenings/{id}/remove");
    assert_eq!(post_form(&server, &path, "", Some(&cookie), Some(&server.base)).await.status, 403);
    // Removing one already gone says so.
    let again = post_form(&server, &path, &body, Some(&cookie), Some(&server.base)).await;
    assert_eq!(again.header("location"), "/owner/screenings?lang=fr&gone=1");
}

/// The owner writes a film's synopsis in French (TMDB's are English): the French page shows it, paragraph by
/// paragraph, the English page keeps TMDB's until an English one is written; too long, it is refused with the
/// text kept; emptied, it is gone; a forged form changes nothing.
async fn the_owner_writes_a_french_synopsis_that_the_french_film_page_shows(db: TestDb) {
    let hash = cinepicks_web::owner::session::hash_password(OWNER_PASSWORD).unwrap();
    let server = shop_with(&db, &[("CINEPICKS_NOW", NOW), ("CINEPICKS_OWNER_PASSWORD_HASH", &hash)]);
    let login = format!("password={}&next=%2Fowner", OWNER_PASSWORD.replace(' ', "+"));
    let cookie = session_cookie(&post_form(&server, "/owner/login", &login, None, Some(&server.base)).await);
    let path = "/owner/films/tt0133093/synopsis";
    let page = answer(client().get(server.url(path)).header("cookie", &cookie)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Résumé en français"), "{}", page.body);
    let csrf = super::csrf_token(&page.body);
    let before = get(&server, "/films/tt0133093").await.body;
    assert!(!before.contains(r#"class="overview""#), "a French page without the cinema's synopsis has none: {before}");
    let english_before = get(&server, "/films/tt0133093?lang=en").await.body;

    let post = |fr: String, en: &str, csrf: &str| {
        let body = format!("csrf={csrf}&fr={}&en={}", super::query_value(&fr), super::query_value(en));
        let (server, cookie) = (&server, &cookie);
        async move { post_form(server, path, &body, Some(cookie), Some(&server.base)).await }
    };
    let long = "Un pirate informatique découvre la vérité. ".repeat(40);
    let refused = post(long.clone(), "", &csrf).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("Le résumé n'est pas enregistré")
            && refused.body.contains("1\u{202f}500 caractères au plus"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains(long.trim()), "what was typed is kept");
    assert!(db.store.synopsis("tt0133093", cinepicks_domain::Language::Fr).await.unwrap().is_none());

    let saved =
        post("Thomas Anderson mène une double vie.\r\n\r\nUn jour, Morpheus le contacte.".into(), "", &csrf).await;
    assert_eq!((saved.status, saved.header("location")), (303, "/owner/films/tt0133093/synopsis?lang=fr&saved=1"));
    let film = get(&server, "/films/tt0133093").await.body;
    assert!(
        film.contains(r#"<p class="overview">Thomas Anderson mène une double vie.</p><p class="overview">Un jour, Morpheus le contacte.</p>"#),
        "{film}"
    );
    let english = get(&server, "/films/tt0133093?lang=en").await.body;
    assert!(!english.contains("Thomas Anderson mène"), "{english}");
    assert_eq!(english.contains(r#"class="overview""#), english_before.contains(r#"class="overview""#), "TMDB's stays");
    let listed = answer(client().get(server.url("/owner/screenings")).header("cookie", &cookie)).await;
    assert_eq!(listed.status, 200);

    // Emptied: gone from the page. Forged: nothing changes.
    assert_eq!(post(String::new(), "", &csrf).await.status, 303);
    assert!(!get(&server, "/films/tt0133093").await.body.contains(r#"class="overview""#));
    assert_eq!(post("Piraté".into(), "", "wrong").await.status, 403);
    assert!(db.store.synopsis("tt0133093", cinepicks_domain::Language::Fr).await.unwrap().is_none());
    // Not signed in: the sign-in page, not the form.
    let anonymous = get(&server, path).await;
    assert_ne!(anonymous.status, 200);
}

on_both_backends!(
    the_owner_writes_a_french_synopsis_that_the_french_film_page_shows,
    the_owner_adds_changes_and_removes_screenings_with_every_problem_named_at_once,
    screenings_are_imported_from_csv_and_ics_and_shown_on_the_programme_the_film_page_the_api_and_the_feed
);
