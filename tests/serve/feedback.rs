//! Feedback on films over real HTTP: the weekly e-mail's "J'aime / Pas pour moi / Déjà vu" links (following one
//! records nothing, its page's button does, the same button again says it was already noted), forged, expired
//! and cross-site attempts, the film page recognising the subscriber, a visitor's verdicts kept in their
//! browser only, the API, a refused stopped subscription; then the next weeks' picks never bring back a film
//! marked "Pas pour moi" or "Déjà vu" although repeats are allowed.

use serde_json::json;

use super::common::store::TestDb;
use super::{Answer, SECRET, Server, answer, client, get, notify_at, post_form, post_json, shop_with};
use cinepicks_domain::{FeedbackKind, FeedbackSource, IsoWeek};
use cinepicks_jobs::notify::links::LinkSigner;
use cinepicks_test_support::on_both_backends;

/// `notify` for a week at a time inside it, with repeats allowed: only feedback keeps a film out.
fn send(db: &TestDb, week: &str, now: &str) {
    notify_at(db, week, now, &[("CINEPICKS__NOTIFY__WEEKS_WITHOUT_REPEAT", "0")]);
}

/// The feedback buttons of a weekly e-mail (query strings), in the order of the films, without repeats.
fn feedback_links(db: &TestDb, week: &str, customer: i32) -> Vec<String> {
    let path = db.data_dir().join("outbox/email").join(week).join(format!("{customer}.eml"));
    let mail = std::fs::read_to_string(&path).unwrap().replace("=\r\n", "").replace("=3D", "=").replace("&amp;", "&");
    let mut links = Vec::new();
    for rest in mail.split("/feedback?").skip(1) {
        let query = rest.split(|c: char| c.is_whitespace() || c == '"' || c == '<').next().unwrap().to_owned();
        // The text part's one link per film (the page with the three choices) is not a vote.
        if query.contains("&kind=") && !links.contains(&query) {
            links.push(query);
        }
    }
    links
}

fn param<'a>(query: &'a str, name: &str) -> &'a str {
    query.split('&').find_map(|p| p.strip_prefix(&format!("{name}="))).unwrap_or("")
}

async fn verdicts(db: &TestDb, customer: i32) -> Vec<(String, FeedbackKind, FeedbackSource)> {
    db.store.feedback_of(customer).await.unwrap().into_iter().map(|e| (e.film_id, e.kind, e.source)).collect()
}

async fn week_films(db: &TestDb, customer: i32, week: &str) -> Vec<String> {
    let picks = db.store.week_picks(customer, IsoWeek::parse(week).unwrap()).await.unwrap().unwrap();
    picks.as_array().unwrap().iter().map(|p| p["film_id"].as_str().unwrap().to_owned()).collect()
}

/// A feedback form posted from the site's own pages.
async fn vote(server: &Server, fields: &[(&str, &str)], cookie: Option<&str>) -> Answer {
    let body = fields.iter().map(|(k, v)| format!("{k}={}", super::query_value(v))).collect::<Vec<_>>().join("&");
    post_form(server, "/feedback", &body, cookie, Some(&server.base)).await
}

async fn feedback_from_the_weekly_email_counts_once_and_rejected_films_never_come_back(db: TestDb) {
    let server = shop_with(&db, &[("CINEPICKS_NOW", "2026-11-27T18:00:00+01:00")]);
    send(&db, "2026-W48", "2026-11-25T10:00:00+01:00");
    let camille = db.store.find_customer("camille@example.org").await.unwrap().unwrap().id;
    let sent = week_films(&db, camille, "2026-W48").await;
    let links = feedback_links(&db, "2026-W48", camille);
    assert_eq!(links.len(), 15, "three links for each of the five films: {links:#?}");
    for (film, kinds) in sent.iter().zip(links.chunks(3)) {
        assert!(kinds.iter().all(|q| param(q, "film") == film), "{kinds:?} for {film}");
        assert_eq!(kinds.iter().map(|q| param(q, "kind")).collect::<Vec<_>>(), ["like", "not_for_me", "seen"]);
    }
    let (rejected, liked, seen) = (&sent[0], &sent[1], &sent[2]);
    let not_for_me = &links[1];
    let token = param(not_for_me, "token").to_owned();

    // Following the link (as a mail scanner does) shows the choice and records nothing.
    let page = get(&server, &format!("/feedback?{not_for_me}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Vous avez choisi : <strong>Pas pour moi</strong>"), "{}", page.body);
    assert!(page.body.contains(r#"method="post""#) && page.body.contains("autofocus"), "{}", page.body);
    assert!(verdicts(&db, camille).await.is_empty());
    assert!(page.header("set-cookie").is_empty(), "following a link sets nothing");

    // The button records it, once; the same button again says so and changes nothing.
    let fields = [("token", token.as_str()), ("film", rejected.as_str()), ("kind", "not_for_me"), ("source", "email")];
    let done = vote(&server, &fields, None).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(
        done.body.contains("Merci, c'est noté") && done.body.contains("ne vous sera plus proposé"),
        "{}",
        done.body
    );
    let cookie = done.header("set-cookie").to_owned();
    assert!(cookie.starts_with("cinepicks_subscriber=") && cookie.contains("HttpOnly"), "{cookie}");
    let again = vote(&server, &fields, None).await;
    assert_eq!(again.status, 200);
    assert!(again.body.contains("C'était déjà noté") && again.body.contains("Rien n'a changé"), "{}", again.body);
    assert_eq!(verdicts(&db, camille).await, [(rejected.clone(), FeedbackKind::NotForMe, FeedbackSource::Email)]);
    // A change of mind, and back, on the site's stopped clock: the last said is the verdict, one row at a time.
    for kind in ["like", "not_for_me"] {
        let changed = vote(&server, &[("token", &token), ("film", rejected), ("kind", kind)], None).await;
        assert!(changed.body.contains("Merci, c'est noté"), "{kind}: {}", changed.body);
    }
    assert_eq!(verdicts(&db, camille).await, [(rejected.clone(), FeedbackKind::NotForMe, FeedbackSource::Email)]);

    // Forged, expired, from another site, for an unknown film, without a choice: refused, nothing recorded.
    let forged = format!("{}{}", &token[..token.len() - 1], if token.ends_with('0') { '1' } else { '0' });
    let refused = vote(&server, &[("token", &forged), ("film", liked), ("kind", "like")], None).await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("Lien non valide") && refused.body.contains("rien n'est enregistré"));
    let expired =
        LinkSigner::new(SECRET.as_bytes(), "x").feedback_token(camille, "2026-11-20T00:00:00Z".parse().unwrap());
    let late = vote(&server, &[("token", &expired), ("film", liked), ("kind", "like")], None).await;
    assert_eq!(late.status, 410);
    assert!(late.body.contains("Lien expiré"), "{}", late.body);
    let body = format!("token={token}&film={liked}&kind=like");
    let elsewhere = post_form(&server, "/feedback", &body, None, Some("https://evil.example")).await;
    assert_eq!(elsewhere.status, 403);
    let unknown = vote(&server, &[("token", &token), ("film", "tt0000001"), ("kind", "like")], None).await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.body.contains("pas au catalogue"), "{}", unknown.body);
    assert_eq!(vote(&server, &[("token", &token), ("film", liked)], None).await.status, 400);
    assert_eq!(verdicts(&db, camille).await.len(), 1);

    // The cookie recognises her on a film page: her verdict is pressed there, and a button there counts.
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let film_page = answer(client().get(server.url(&format!("/films/{rejected}"))).header("cookie", &cookie)).await;
    assert!(
        film_page.body.contains(r#"value="not_for_me" class="not_for_me" aria-pressed="true""#),
        "{}",
        film_page.body
    );
    let back = format!("/films/{liked}?lang=fr");
    let from_page = vote(&server, &[("film", liked), ("kind", "like"), ("back", &back)], Some(&cookie)).await;
    assert_eq!((from_page.status, from_page.header("location")), (303, back.as_str()), "{}", from_page.body);
    // The pressed button pressed again takes it back; once more puts it back.
    vote(&server, &[("film", liked), ("kind", "like"), ("back", &back)], Some(&cookie)).await;
    assert_eq!(verdicts(&db, camille).await.len(), 1, "taken back");
    vote(&server, &[("film", liked), ("kind", "like"), ("back", &back)], Some(&cookie)).await;
    // Film pages never write the token into the page: the cookie does the work.
    let page = answer(client().get(server.url(&back)).header("cookie", &cookie)).await;
    assert!(!page.body.contains(&token) && page.header("cache-control") == "private, no-store", "{}", page.body);

    // The API, with the token of her links.
    let api = post_json(&server, "/api/v1/feedback", &json!({"token": token, "film": seen, "kind": "seen"})).await;
    assert_eq!(api.status, 200, "{}", api.body);
    assert_eq!(api.json(), json!({"film": seen, "kind": "seen", "changed": true}));
    let api_again =
        post_json(&server, "/api/v1/feedback", &json!({"token": token, "film": seen, "kind": "seen"})).await;
    assert_eq!(api_again.json()["changed"], false);
    let body = json!({"token": forged, "film": seen, "kind": "seen"});
    post_json(&server, "/api/v1/feedback", &body).await.assert_problem(422, Some("token"));
    let body = json!({"token": token, "film": seen, "kind": "love"});
    post_json(&server, "/api/v1/feedback", &body).await.assert_problem(422, Some("kind"));
    let body = json!({"token": token, "film": "tt0000001", "kind": "like"});
    post_json(&server, "/api/v1/feedback", &body).await.assert_problem(422, Some("film"));
    let mut got = verdicts(&db, camille).await;
    got.sort();
    let mut expected = vec![
        (rejected.clone(), FeedbackKind::NotForMe, FeedbackSource::Email),
        (liked.clone(), FeedbackKind::Like, FeedbackSource::Site),
        (seen.clone(), FeedbackKind::Seen, FeedbackSource::Api),
    ];
    expected.sort();
    assert_eq!(got, expected);

    // A visitor's verdict stays in their browser: a cookie, nothing in the store; "Mes films" lists it.
    let visitor = vote(&server, &[("film", rejected), ("kind", "like"), ("back", "/picks")], None).await;
    assert_eq!(visitor.status, 303);
    let set = visitor.header("set-cookie").to_owned();
    assert!(set.starts_with(&format!("cinepicks_verdicts=l.{rejected}")), "{set}");
    let mine = answer(client().get(server.url("/picks")).header("cookie", set.split(';').next().unwrap())).await;
    assert!(
        mine.body.contains("Vos avis") && mine.body.contains("Gardés dans ce navigateur seulement"),
        "{}",
        mine.body
    );
    assert!(mine.body.contains("Pour vous"), "her liked film alone makes picks: {}", mine.body);
    assert_eq!(verdicts(&db, camille).await.len(), 3);

    // The next weeks repeat what was sent (repeats are allowed here) except what she rejected or has seen.
    drop(server);
    for (week, now) in [("2026-W49", "2026-12-02T10:00:00+01:00"), ("2026-W50", "2026-12-09T10:00:00+01:00")] {
        send(&db, week, now);
        let films = week_films(&db, camille, week).await;
        assert!(!films.contains(rejected) && !films.contains(seen) && !films.contains(liked), "{week}: {films:?}");
        let repeated = films.iter().filter(|f| sent.contains(f)).count();
        assert!(repeated >= 1, "{week}: without the feedback the same films would come back: {films:?} / {sent:?}");
        let links = feedback_links(&db, week, camille);
        assert_eq!(links.len(), 15, "{week}");
    }

    // Once she has unsubscribed, her links record nothing and say why.
    let server = shop_with(&db, &[("CINEPICKS_NOW", "2026-12-09T18:00:00+01:00")]);
    for subscription in db.store.active_subscriptions(Some(camille)).await.unwrap() {
        db.store.unsubscribe_subscription(subscription.id, chrono::Utc::now()).await.unwrap();
    }
    let token = param(&feedback_links(&db, "2026-W50", camille)[0], "token").to_owned();
    let film = week_films(&db, camille, "2026-W50").await.remove(0);
    let stopped = vote(&server, &[("token", &token), ("film", &film), ("kind", "like")], None).await;
    assert_eq!(stopped.status, 403);
    assert!(stopped.body.contains("Abonnement arrêté"), "{}", stopped.body);
    // Her cookie no longer recognises her: the site's buttons keep working, in her browser only.
    let cookie = format!("cinepicks_subscriber={token}");
    let as_visitor = vote(&server, &[("film", &film), ("kind", "like"), ("back", "/picks")], Some(&cookie)).await;
    assert_eq!(as_visitor.status, 303);
    let set: Vec<&str> = as_visitor.headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap()).collect();
    assert!(set.iter().any(|c| c.starts_with("cinepicks_verdicts=l.")), "{set:?}");
    assert!(set.iter().any(|c| c.starts_with("cinepicks_subscriber=;") && c.contains("Max-Age=0")), "{set:?}");
    let body = json!({"token": token, "film": film, "kind": "like"});
    post_json(&server, "/api/v1/feedback", &body).await.assert_problem(403, None);
    assert_eq!(verdicts(&db, camille).await.len(), 3);
}

async fn a_burst_of_feedback_from_one_client_is_rate_limited(db: TestDb) {
    let server = shop_with(&db, &[]);
    let mut statuses = Vec::new();
    for i in 0..40 {
        let film = if i % 2 == 0 { "tt0211915" } else { "tt0133093" };
        let answer = vote(&server, &[("film", film), ("kind", "like"), ("back", "/picks")], None).await;
        statuses.push(answer.status);
        if answer.status == 429 {
            assert!(answer.body.contains("Trop d'avis"), "{}", answer.body);
            assert!(!answer.header("retry-after").is_empty());
            break;
        }
    }
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    assert!(statuses.iter().filter(|&&s| s == 303).count() >= 20, "a customer's few votes pass: {statuses:?}");
}

on_both_backends!(
    feedback_from_the_weekly_email_counts_once_and_rejected_films_never_come_back,
    a_burst_of_feedback_from_one_client_is_rate_limited,
);
