//! `cinepicks serve` over real HTTP: the binary serves a store published from fixture lake files and a model
//! run (on SQLite and PostgreSQL), on a random port; the API's answers, problems and OpenAPI document, the
//! pages' escaping, languages and headers, and one-click unsubscribe are checked from the outside. The last test
//! runs `demo --serve` on generated data, with the trained models, and fuzzes the API from its OpenAPI document.

mod abuse;
mod feedback;
mod screenings;

use crate::common;
use cinepicks_test_support::on_both_backends;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use cinepicks_domain::IsoWeek;
use cinepicks_jobs::notify::links::LinkSigner;
use common::store::{FixtureFilm, TestDb, fixture_films, neighbours, write_lake, write_run};
use serde_json::{Value, json};

const SECRET: &str = "a test secret long enough";
/// A title that would run a script if a page printed it unescaped.
const HOSTILE_TITLE: &str = "<script>alert(1)</script> & Co";
const HOSTILE_ID: &str = "tt9999999";

/// A running `cinepicks` whose first lines printed the URL it serves; killed when dropped.
pub(crate) struct Server {
    child: Child,
    pub(crate) base: String,
}

impl Server {
    /// Starts `cinepicks <args>` on a free port and waits (up to `wait`) for the URL on stdout.
    pub(crate) fn start(data: &Path, env: &[(&str, &str)], args: &[&str], wait: Duration) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_cinepicks"));
        command
            .arg("--data-dir")
            .arg(data)
            .args(args)
            .env_remove("CINEPICKS_CONFIG")
            .env("CINEPICKS__SERVE__ADDR", "127.0.0.1:0")
            .env("CINEPICKS_UNSUBSCRIBE_SECRET", SECRET)
            // Confirmation SMS go out at any hour the tests run.
            .env("CINEPICKS__NOTIFY__SMS__ALLOWED_FROM_HOUR", "0")
            .env("CINEPICKS__NOTIFY__SMS__ALLOWED_UNTIL_HOUR", "24")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped());
        command.envs(env.iter().copied());
        let mut child = command.spawn().expect("starting cinepicks");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        // Read every line (the pipe must never fill), passing on the one with the URL.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("Serving the site on ").nth(1) {
                    let url = rest.split_whitespace().next().unwrap_or("").trim_end_matches('/').to_owned();
                    let _ = tx.send(url);
                }
            }
        });
        match rx.recv_timeout(wait) {
            Ok(base) => Self { child, base },
            Err(_) => {
                let _ = child.kill();
                let status = child.wait().unwrap();
                panic!("cinepicks {args:?} printed no URL within {wait:?} (exit status {status})");
            }
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A response read whole.
pub(crate) struct Answer {
    pub(crate) status: u16,
    headers: reqwest::header::HeaderMap,
    pub(crate) body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    /// A problem detail with this status naming this field.
    fn assert_problem(&self, status: u16, field: Option<&str>) -> Value {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(self.header("content-type"), "application/problem+json", "{}", self.body);
        let problem = self.json();
        assert_eq!(problem["status"], status, "{problem}");
        assert_eq!(problem["type"], "about:blank");
        assert!(problem["detail"].as_str().is_some_and(|d| !d.is_empty()), "{problem}");
        assert_eq!(problem["field"].as_str(), field, "{problem}");
        if let Some(field) = field {
            assert!(problem["detail"].as_str().unwrap().starts_with(field), "the detail names the field: {problem}");
        }
        problem
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

async fn answer(request: reqwest::RequestBuilder) -> Answer {
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    Answer { status, headers, body: response.text().await.unwrap() }
}

pub(crate) async fn get(server: &Server, path: &str) -> Answer {
    answer(client().get(server.url(path))).await
}

async fn post_json(server: &Server, path: &str, body: &Value) -> Answer {
    let request = client()
        .post(server.url(path))
        .header("content-type", "application/json")
        .body(serde_json::to_vec(body).unwrap());
    answer(request).await
}

/// A published catalogue of 41 films (the fixture's, with Amélie, Matrix, two "Les Diaboliques" and a film
/// titled like a script) with ten neighbours each, and three customers; then the server on it.
fn shop(db: &TestDb) -> Server {
    shop_with(db, &[])
}

/// The fixture's films and the hostile one.
fn films() -> Vec<FixtureFilm> {
    let mut films = fixture_films(40);
    films.push(FixtureFilm {
        id: HOSTILE_ID.into(),
        title: HOSTILE_TITLE.into(),
        year: 2020,
        genres: vec!["Drama"],
        director: None,
    });
    films
}

/// Runs a `cinepicks` command on the test's store, which must succeed.
fn cli(db: &TestDb, args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_cinepicks"))
        .arg("--data-dir")
        .arg(db.data_dir())
        .args(args)
        .env_remove("CINEPICKS_CONFIG")
        .env("CINEPICKS__DATABASE__URL", &db.url)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(out.status.success(), "cinepicks {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// [`shop`] with more environment for the server.
fn shop_with(db: &TestDb, env: &[(&str, &str)]) -> Server {
    let data = db.data_dir();
    let films = films();
    write_lake(&data, &films);
    let ids: Vec<String> = films.iter().map(|f| f.id.clone()).collect();
    write_run(&data, "20261121T080000Z", &neighbours(&ids, 10, 0), false);
    cli(db, &["publish"]);
    let csv = db.dir.path().join("customers.csv");
    std::fs::write(
        &csv,
        "name,email,phone,locale,likes,consent,genres\n\
         Camille Martin,camille@example.org,06 00 00 00 01,fr,tt0211915,email+sms,\n\
         Hugo Thomas,hugo@example.org,,en,tt0133093,email,\n",
    )
    .unwrap();
    cli(db, &["customers", "import", csv.to_str().unwrap()]);
    let mut env = env.to_vec();
    env.push(("CINEPICKS__DATABASE__URL", &db.url));
    Server::start(&data, &env, &["serve"], Duration::from_secs(60))
}

async fn search_finds_films_by_title_without_accents_and_details_them(db: TestDb) {
    let server = shop(&db);
    let health = get(&server, "/api/v1/health").await;
    assert_eq!(health.status, 200, "{}", health.body);
    let health = health.json();
    assert_eq!((health["status"].as_str(), health["films"].as_u64()), (Some("ok"), Some(41)), "{health}");
    assert_eq!(health["active_run"], "20261121T080000Z");
    assert_eq!(health["popularity_model"], false);

    // The whole title without its accent and apostrophe is the film meant.
    let exact = get(&server, "/api/v1/films/search?q=le%20fabuleux%20destin%20d%20amelie%20poulain").await.json();
    assert_eq!(exact["match"], "found", "{exact}");
    assert_eq!(exact["films"][0]["id"], "tt0211915", "{exact}");
    assert_eq!(exact["films"][0]["title"], "Le Fabuleux Destin d'Amélie Poulain");
    assert_eq!(exact["films"][0]["page"], "/films/tt0211915");
    // Part of it, as typed in a search box, finds it among the suggestions.
    let typed = get(&server, "/api/v1/films/search?q=AMELIE").await.json();
    let ids: Vec<&str> = typed["films"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"tt0211915"), "{typed}");
    // Homonyms: the year chooses.
    let dated = get(&server, "/api/v1/films/search?q=les%20diaboliques%20(1996)").await.json();
    assert_eq!(dated["films"][0]["id"], "tt0117998", "{dated}");
    assert_eq!(dated["films"][1]["id"], "tt0046911", "the homonym follows: {dated}");

    let details = get(&server, "/api/v1/films/tt0133093?lang=en").await;
    assert_eq!(details.status, 200);
    let details = details.json();
    assert_eq!((details["id"].as_str(), details["year"].as_i64()), (Some("tt0133093"), Some(1999)));
    assert_eq!(details["genres"], json!(["Action", "Sci-Fi"]));
    assert_eq!(details["runtime_minutes"], 100);
    assert!(details["poster_url"].is_null(), "no poster is known: {details}");
}

async fn similar_films_are_five_with_their_reasons(db: TestDb) {
    let server = shop(&db);
    let similar = get(&server, "/api/v1/films/tt0211915/similar").await;
    assert_eq!(similar.status, 200, "{}", similar.body);
    let similar = similar.json();
    let list = similar["similar"].as_array().unwrap();
    assert_eq!(list.len(), 5, "{similar}");
    let mut ids = std::collections::HashSet::new();
    for s in list {
        assert!(ids.insert(s["film"]["id"].as_str().unwrap()), "twice: {similar}");
        assert_ne!(s["film"]["id"], "tt0211915");
        assert!(["similar_genres", "co_liked"].contains(&s["reason_kind"].as_str().unwrap()), "{s}");
        assert!(s["reason"].as_str().is_some_and(|r| r.len() > 5), "{s}");
    }
    // The fixture's rank 2 is a co_liked neighbour: the reason names the other film by its title, in French.
    assert_eq!(list[1]["reason_kind"], "co_liked");
    assert!(list[1]["reason"].as_str().unwrap().starts_with("Ceux qui ont aimé « "), "{}", list[1]);
    let english = get(&server, "/api/v1/films/tt0211915/similar?lang=en").await.json();
    assert!(english["similar"][1]["reason"].as_str().unwrap().starts_with("People who liked \""), "{english}");

    // Several liked films, one by title without accents: five distinct picks, none of them liked.
    let picks = post_json(
        &server,
        "/api/v1/recommendations",
        &json!({"likes": ["le fabuleux destin d'amelie poulain", "tt0133093"]}),
    )
    .await;
    assert_eq!(picks.status, 200, "{}", picks.body);
    let picks = picks.json();
    assert_eq!(picks["liked"][0]["id"], "tt0211915", "{picks}");
    let picked: std::collections::HashSet<&str> =
        picks["picks"].as_array().unwrap().iter().map(|p| p["film"]["id"].as_str().unwrap()).collect();
    assert_eq!(picked.len(), 5, "{picks}");
    assert!(!picked.contains("tt0211915") && !picked.contains("tt0133093"), "a liked film was proposed: {picks}");
    assert!(picks["picks"].as_array().unwrap().iter().all(|p| !p["reason"].as_str().unwrap().is_empty()));
}

async fn bad_input_gets_a_problem_naming_the_field(db: TestDb) {
    let server = shop(&db);
    get(&server, "/api/v1/films/search").await.assert_problem(422, Some("q"));
    get(&server, "/api/v1/films/search?q=matrix&limit=500").await.assert_problem(422, Some("limit"));
    get(&server, "/api/v1/films/search?q=matrix&lang=de").await.assert_problem(422, Some("lang"));
    get(&server, "/api/v1/films/not-an-id/similar").await.assert_problem(422, Some("id"));
    let unknown = get(&server, "/api/v1/films/tt0000001").await.assert_problem(404, None);
    assert!(unknown["detail"].as_str().unwrap().contains("tt0000001"), "{unknown}");
    get(&server, "/api/v1/films/tt0000001/similar").await.assert_problem(404, None);
    get(&server, "/api/v1/no-such-endpoint").await.assert_problem(404, None);
    let wrong_method = answer(client().delete(server.url("/api/v1/health"))).await;
    wrong_method.assert_problem(405, None);

    let recommend = |body: Value| {
        let server = &server;
        async move { post_json(server, "/api/v1/recommendations", &body).await }
    };
    recommend(json!({"likes": ["amelie", 3]})).await.assert_problem(422, Some("likes[1]"));
    recommend(json!({})).await.assert_problem(422, Some("likes"));
    recommend(json!({"likes": []})).await.assert_problem(422, Some("likes"));
    recommend(json!({"likes": ["Matrix"], "colour": "red"})).await.assert_problem(422, Some("colour"));
    let unknown =
        recommend(json!({"likes": ["Matrix", "Zzyzx Qqwv Blorp"]})).await.assert_problem(422, Some("likes[1]"));
    assert!(unknown["detail"].as_str().unwrap().contains("Zzyzx Qqwv Blorp"), "{unknown}");
    let not_json = answer(
        client().post(server.url("/api/v1/recommendations")).header("content-type", "application/json").body("{"),
    )
    .await;
    not_json.assert_problem(400, None);
    let form = answer(client().post(server.url("/api/v1/recommendations")).body("likes=Matrix")).await;
    form.assert_problem(415, None);
    // Over serve.body_limit_bytes (64 KiB by default).
    let huge = json!({"likes": vec!["Matrix"; 20_000]});
    post_json(&server, "/api/v1/recommendations", &huge).await.assert_problem(413, None);

    post_json(&server, "/api/v1/popularity/predict", &json!({"runtime": 0})).await.assert_problem(422, Some("runtime"));
    post_json(&server, "/api/v1/popularity/predict", &json!({"year": 1200})).await.assert_problem(422, Some("year"));
    // Valid, but no popularity model was trained for this store.
    post_json(&server, "/api/v1/popularity/predict", &json!({"genres": ["Drama"]})).await.assert_problem(503, None);
    get(&server, "/api/v1/audience").await.assert_problem(422, Some("title"));
    get(&server, "/api/v1/audience?title=Alien&n=500").await.assert_problem(422, Some("n"));
    get(&server, "/api/v1/suggest?age=-3&gender=F&occupation=artist").await.assert_problem(422, Some("age"));
    get(&server, "/api/v1/suggest?age=34&gender=F").await.assert_problem(422, Some("occupation"));
    // Valid, but no audience model either.
    get(&server, "/api/v1/suggest?age=34&gender=F&occupation=artist").await.assert_problem(503, None);
    post_json(&server, "/api/v1/unsubscribe", &json!({"token": ""})).await.assert_problem(422, Some("token"));
    post_json(&server, "/api/v1/unsubscribe", &json!({})).await.assert_problem(422, Some("token"));
}

async fn the_openapi_document_parses_and_lists_every_endpoint(db: TestDb) {
    let server = shop(&db);
    let doc = get(&server, "/api/openapi.json").await;
    assert_eq!(doc.status, 200);
    assert!(doc.header("content-type").starts_with("application/json"));
    let doc = doc.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{}", doc["openapi"]);
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/v1/health", "get"),
        ("/api/v1/films/search", "get"),
        ("/api/v1/films/{id}", "get"),
        ("/api/v1/films/{id}/similar", "get"),
        ("/api/v1/recommendations", "post"),
        ("/api/v1/popularity/predict", "post"),
        ("/api/v1/audience", "get"),
        ("/api/v1/suggest", "get"),
        ("/api/v1/subscriptions", "post"),
        ("/api/v1/subscriptions/confirm", "post"),
        ("/api/v1/unsubscribe", "post"),
    ] {
        assert!(paths.get(path).and_then(|p| p.get(method)).is_some(), "{method} {path} missing");
    }
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for schema in ["Problem", "FilmSummary", "SimilarFilms", "RecommendationRequest"] {
        assert!(schemas.contains_key(schema), "schema {schema} missing");
    }
    let problem = &paths["/api/v1/films/{id}"]["get"]["responses"]["404"]["content"];
    assert!(problem.get("application/problem+json").is_some(), "{problem}");

    let docs = get(&server, "/api/docs").await;
    assert_eq!(docs.status, 200);
    assert!(docs.body.contains("/api/v1/films/{id}/similar") && docs.body.contains("/api/openapi.json"));
}

async fn pages_escape_titles_speak_french_or_english_and_send_security_headers(db: TestDb) {
    let server = shop(&db);
    let home = get(&server, "/").await;
    assert_eq!(home.status, 200);
    assert!(home.header("content-type").starts_with("text/html"));
    assert!(home.body.contains(r#"<html lang="fr">"#), "French by default");
    assert!(home.body.contains(r#"<label for="q">"#) && home.body.contains(r#"id="q""#), "the search box has a label");
    assert!(home.body.contains("Les films les mieux notés"));
    // No poster is known: one drawn from the title, year and genres; decorative, since the title follows it.
    assert!(home.body.contains(r#"src="/posters/tt"#) && home.body.contains(r#"alt="""#), "{}", home.body);
    let drawn = get(&server, "/posters/tt0211915").await;
    assert_eq!((drawn.status, drawn.header("content-type")), (200, "image/svg+xml"));
    assert!(drawn.body.starts_with("<svg") && drawn.body.contains("Destin d'Amélie"), "{}", drawn.body);
    assert_eq!(get(&server, "/posters/tt0000001").await.status, 404);
    for (name, expected) in
        [("x-content-type-options", "nosniff"), ("referrer-policy", "same-origin"), ("x-frame-options", "DENY")]
    {
        assert_eq!(home.header(name), expected, "{name}");
    }
    let csp = home.header("content-security-policy");
    assert!(csp.contains("script-src 'self'") && csp.contains("default-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(!home.body.contains("<script>"), "no inline script");
    let api = get(&server, "/api/v1/health").await;
    assert_eq!(api.header("x-content-type-options"), "nosniff");

    // The hostile title is shown as text, never as markup.
    let hostile = get(&server, &format!("/films/{HOSTILE_ID}")).await;
    assert_eq!(hostile.status, 200);
    assert!(hostile.body.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"), "{}", hostile.body);
    assert!(!hostile.body.contains("<script>alert(1)"), "a title was rendered as markup");

    let film = get(&server, "/films/tt0211915").await;
    assert_eq!(film.status, 200);
    assert!(film.body.contains("<h1>Le Fabuleux Destin d") && film.body.contains("Amélie Poulain (2001)</h1>"));
    assert!(film.body.contains("Cinq films proches"));
    assert_eq!(film.body.matches(r#"<span class="reason">"#).count(), 5, "five similar films with reasons");
    let english =
        answer(client().get(server.url("/films/tt0211915")).header("accept-language", "en-GB,en;q=0.9")).await;
    assert!(english.body.contains(r#"<html lang="en">"#) && english.body.contains("Five similar films"));
    let explicit = get(&server, "/films/tt0211915?lang=en").await;
    assert!(explicit.body.contains("Five similar films") && explicit.body.contains("People who liked"));

    // The search box: a precise title goes to the film, a vague one lists suggestions.
    let precise = get(&server, "/search?q=matrix").await;
    assert_eq!(precise.status, 303);
    assert_eq!(precise.header("location"), "/films/tt0133093?lang=fr");
    let vague = get(&server, "/search?q=diaboliques").await;
    assert_eq!(vague.status, 200);
    assert!(vague.body.contains("/films/tt0046911") && vague.body.contains("/films/tt0117998"), "{}", vague.body);

    // My picks: liked films typed one per line, five films out with their reasons; an unknown one is named.
    let picks = get(&server, "/picks?likes=Matrix%0Ale%20fabuleux%20destin%20d%27amelie%20poulain").await;
    assert_eq!(picks.status, 200, "{}", picks.body);
    assert_eq!(picks.body.matches(r#"<span class="reason">"#).count(), 5, "{}", picks.body);
    assert!(!picks.body.contains(r#"href="/films/tt0133093"#), "a liked film was proposed");
    let unknown = get(&server, "/picks?likes=Zzyzx%20Qqwv%20Blorp").await;
    assert_eq!(unknown.status, 422);
    assert!(unknown.body.contains("aucun film ne correspond à « Zzyzx Qqwv Blorp »"), "{}", unknown.body);

    let missing = get(&server, "/films/tt0000001").await;
    assert_eq!(missing.status, 404);
    assert!(missing.header("content-type").starts_with("text/html"));
    let placeholder = get(&server, "/assets/poster-placeholder.svg").await;
    assert_eq!((placeholder.status, placeholder.header("content-type")), (200, "image/svg+xml"));
    assert!(placeholder.body.starts_with("<svg"));
}

async fn one_click_unsubscribe_stops_a_genuine_token_and_refuses_a_forged_one(db: TestDb) {
    let server = shop(&db);
    let subscriptions = db.store.all_subscriptions().await.unwrap();
    let camille_email = subscriptions.iter().find(|s| s.address == "camille@example.org").unwrap().id;
    let hugo = subscriptions.iter().find(|s| s.address == "hugo@example.org").unwrap().id;
    let signer = LinkSigner::new(SECRET.as_bytes(), "https://cinema.example.org");
    let token = signer.unsubscribe_token(camille_email);
    let stopped = |id: i32| {
        let store = &db.store;
        async move { store.subscription(id).await.unwrap().unwrap().unsubscribed_at.is_some() }
    };

    // Opening the link (or a mail scanner prefetching it) changes nothing: it asks for confirmation.
    let page = get(&server, &format!("/unsubscribe?token={token}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(r#"method="post""#), "{}", page.body);
    assert!(!stopped(camille_email).await, "a GET must not unsubscribe");

    // A forged token (another subscription's id with this one's signature) is refused, by the page and the API.
    let forged = token.replacen(&format!("{camille_email}."), &format!("{hugo}."), 1);
    let refused = answer(
        client()
            .post(server.url(&format!("/unsubscribe?token={forged}")))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("List-Unsubscribe=One-Click"),
    )
    .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    post_json(&server, "/api/v1/unsubscribe", &json!({"token": forged})).await.assert_problem(422, Some("token"));
    assert!(!stopped(hugo).await, "a forged token stopped a subscription");

    // RFC 8058: the mail client's POST to the link unsubscribes at once.
    let done = answer(
        client()
            .post(server.url(&format!("/unsubscribe?token={token}")))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("List-Unsubscribe=One-Click"),
    )
    .await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("c•••@example.org"), "the address is shown partly hidden: {}", done.body);
    assert!(!done.body.contains("camille@example.org"));
    assert!(stopped(camille_email).await);
    // The other subscriptions are untouched, and the API says a second click changes nothing.
    assert_eq!(db.store.active_subscriptions(None).await.unwrap().len(), subscriptions.len() - 1);
    let again = post_json(&server, "/api/v1/unsubscribe", &json!({"token": token})).await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(
        again.json(),
        json!({"unsubscribed": true, "changed": false, "channel": "email", "address": "c•••@example.org"})
    );
}

async fn the_short_link_of_an_sms_shows_the_films_sent_that_week(db: TestDb) {
    // The site's clock in the week the SMS went out (links expire four weeks after their week).
    let server = shop_with(&db, &[("CINEPICKS_NOW", "2026-11-27T18:00:00+01:00")]);
    send_week(&db, "2026-W48");
    let sms = std::fs::read_to_string(db.data_dir().join("outbox/sms/2026-W48.jsonl")).unwrap();
    let text: Value = serde_json::from_str(sms.lines().next().unwrap()).unwrap();
    let text = text["text"].as_str().unwrap();
    let code = text.split("/p/").nth(1).and_then(|rest| rest.split_whitespace().next()).unwrap().to_owned();

    let w48 = IsoWeek::parse("2026-W48").unwrap();
    let before = db.store.week_reach(w48).await.unwrap();
    assert_eq!(before.opened, 0, "{before:?}");
    let page = get(&server, &format!("/p/{code}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    // The owner's "pages ouvertes": Camille opened hers, once however often she comes back (the page records it
    // after answering: the figure is awaited).
    get(&server, &format!("/p/{code}")).await;
    let mut after = db.store.week_reach(w48).await.unwrap();
    for _ in 0..50 {
        if after.opened > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        after = db.store.week_reach(w48).await.unwrap();
    }
    assert_eq!((after.reached, after.opened), (before.reached, 1), "{after:?}");
    let camille = db.store.list_customers().await.unwrap().into_iter().find(|c| c.customer.name == "Camille Martin");
    let picks =
        db.store.week_picks(camille.unwrap().customer.id, IsoWeek::parse("2026-W48").unwrap()).await.unwrap().unwrap();
    let films: Vec<&str> = picks.as_array().unwrap().iter().map(|p| p["film_id"].as_str().unwrap()).collect();
    assert_eq!(films.len(), 5, "{picks}");
    for film in &films {
        assert!(page.body.contains(&format!("/films/{film}")), "{film} is not on the page: {}", page.body);
    }
    assert!(page.body.contains("Vos cinq films de la semaine") && page.body.contains("2026-W48"), "{}", page.body);
    assert_eq!(page.body.matches(r#"class="reason""#).count(), 5, "each film with its reason: {}", page.body);
    // The code of another customer's link, forged from this one, leads nowhere.
    let forged = format!("{}{}", &code[..code.len() - 1], if code.ends_with('1') { '2' } else { '1' });
    assert_eq!(get(&server, &format!("/p/{forged}")).await.status, 404);
    assert_eq!(get(&server, "/p/nonsense").await.status, 404);
    drop(server);

    // Five weeks on, the link shows nothing; nor does it once its customer has unsubscribed.
    let later = shop_with(&db, &[("CINEPICKS_NOW", "2027-01-02T18:00:00+01:00")]);
    assert_eq!(get(&later, &format!("/p/{code}")).await.status, 404);
    drop(later);
    let server = shop_with(&db, &[("CINEPICKS_NOW", "2026-11-27T18:00:00+01:00")]);
    assert_eq!(get(&server, &format!("/p/{code}")).await.status, 200);
    let camille = db.store.find_customer("camille@example.org").await.unwrap().unwrap();
    for subscription in db.store.active_subscriptions(Some(camille.id)).await.unwrap() {
        db.store.unsubscribe_subscription(subscription.id, chrono::Utc::now()).await.unwrap();
    }
    let gone = get(&server, &format!("/p/{code}")).await;
    assert_eq!(gone.status, 404);
    assert!(!gone.body.contains("Vos cinq films"), "{}", gone.body);
}

/// Runs `notify` for a week on the test's store, at a time SMS may go out.
fn send_week(db: &TestDb, week: &str) {
    notify_at(db, week, "2026-11-25T10:00:00+01:00", &[]);
}

/// Runs `notify` for a week on the test's store at `now`, with more environment; it must succeed.
fn notify_at(db: &TestDb, week: &str, now: &str, env: &[(&str, &str)]) {
    let out = Command::new(env!("CARGO_BIN_EXE_cinepicks"))
        .arg("--data-dir")
        .arg(db.data_dir())
        .args(["notify", "--week", week])
        .env_remove("CINEPICKS_CONFIG")
        .env("CINEPICKS__DATABASE__URL", &db.url)
        .env("CINEPICKS_UNSUBSCRIBE_SECRET", SECRET)
        .env("CINEPICKS_NOW", now)
        .env("RUST_LOG", "warn")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// The confirmation e-mails in the outbox, decoded from quoted-printable.
fn confirmation_emails(db: &TestDb) -> Vec<String> {
    let dir = db.data_dir().join("outbox/email/confirmations");
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut mails: Vec<String> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .map(|p| std::fs::read_to_string(p).unwrap().replace("=\r\n", "").replace("=3D", "="))
        .collect();
    mails.sort();
    mails
}

/// The confirmation e-mails once there are `n` (the site's sender sends the queued ones within seconds).
async fn sent_confirmation_emails(db: &TestDb, n: usize) -> Vec<String> {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let mails = confirmation_emails(db);
        if mails.len() >= n || std::time::Instant::now() > deadline {
            return mails;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Confirmation messages the site queued (sent or not): what a request asked for, known as soon as it is answered.
async fn confirmations_queued(db: &TestDb) -> u64 {
    use cinepicks_store::sea_orm::{EntityTrait, PaginatorTrait};
    cinepicks_store::entities::prelude::Confirmations::find().count(db.store.db()).await.unwrap()
}

/// The token of the first confirmation link in a text.
fn confirm_token(text: &str) -> String {
    let rest = text.split("/subscribe/confirm?token=").nth(1).expect("a confirmation link");
    rest.split(|c: char| c.is_whitespace() || c == '"' || c == '<').next().unwrap().to_owned()
}

async fn a_visitor_subscribes_confirms_by_the_link_and_only_then_receives_picks(db: TestDb) {
    let server = shop(&db);
    let valid = json!({
        "name": "Léa Dubois", "email": "Lea@Example.org", "channels": ["email"],
        "likes": ["le fabuleux destin d amelie poulain"], "genres": ["drama"], "consent": true,
    });
    let with = |field: &str, value: Value| {
        let mut body = valid.clone();
        body[field] = value;
        body
    };
    // Every input is checked, and the problem names the field.
    for (body, field) in [
        (with("consent", json!(false)), "consent"),
        (with("name", json!(" ")), "name"),
        (with("email", json!("lea-at-example")), "email"),
        (with("channels", json!(["sms"])), "phone"),
        (with("channels", json!([])), "channels"),
        (with("channels", json!(["fax"])), "channels[0]"),
        (with("likes", json!(["Zzyzx Qwv"])), "likes[0]"),
        (with("genres", json!(["Polka"])), "genres[0]"),
    ] {
        post_json(&server, "/api/v1/subscriptions", &body).await.assert_problem(422, Some(field));
    }
    assert_eq!(confirmations_queued(&db).await, 0, "nothing is sent for a refused request");

    let accepted = post_json(&server, "/api/v1/subscriptions", &valid).await;
    assert_eq!(accepted.status, 202, "{}", accepted.body);
    assert_eq!(accepted.json()["addresses"], json!(["l•••@example.org"]));
    let pending = db.store.all_subscriptions().await.unwrap().into_iter().find(|s| s.address == "lea@example.org");
    let pending = pending.expect("the subscription is recorded, address lower-cased");
    assert!(pending.confirmed_at.is_none() && pending.consent_source == "web");
    let lea = db.store.find_customer("lea@example.org").await.unwrap().unwrap();
    assert_eq!(lea.genres.as_deref(), Some("Drama"));
    let mails = sent_confirmation_emails(&db, 1).await;
    assert_eq!(mails.len(), 1, "one confirmation message");
    assert!(mails[0].contains("To: lea@example.org"), "to her address, without the name typed: {}", mails[0]);
    assert!(mails[0].contains("Confirmez votre inscription"), "French by default: {}", mails[0]);
    let token = confirm_token(&mails[0]);

    // Before confirmation, the weekly send passes the address by.
    send_week(&db, "2026-W48");
    let week = db.data_dir().join("outbox/email/2026-W48");
    assert!(!week.join(format!("{}.eml", lea.id)).exists(), "picks were sent before confirmation");
    assert!(std::fs::read_dir(&week).unwrap().count() >= 2, "the confirmed customers got theirs");

    // Following the link shows a button and changes nothing; pressing it confirms.
    let page = get(&server, &format!("/subscribe/confirm?token={token}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(r#"method="post""#));
    assert!(db.store.subscription(pending.id).await.unwrap().unwrap().confirmed_at.is_none());
    let confirmed = answer(client().post(server.url(&format!("/subscribe/confirm?token={token}")))).await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    assert!(confirmed.body.contains("Inscription confirmée") && confirmed.body.contains("l•••@example.org"));
    assert!(db.store.subscription(pending.id).await.unwrap().unwrap().confirmed_at.is_some());
    let again = post_json(&server, "/api/v1/subscriptions/confirm", &json!({"token": token})).await;
    assert_eq!(
        again.json(),
        json!({"confirmed": true, "changed": false, "channel": "email", "address": "l•••@example.org"})
    );
    send_week(&db, "2026-W49");
    assert!(db.data_dir().join(format!("outbox/email/2026-W49/{}.eml", lea.id)).exists(), "confirmed: picks sent");

    // The same address again: the same answer, and no message (it is already confirmed).
    assert_eq!(post_json(&server, "/api/v1/subscriptions", &valid).await.status, 202);
    assert_eq!(confirmations_queued(&db).await, 1);

    // Forged and expired links are refused.
    let forged = token.replacen(&format!("{}.", pending.id), "1.", 1);
    post_json(&server, "/api/v1/subscriptions/confirm", &json!({"token": forged}))
        .await
        .assert_problem(422, Some("token"));
    let signer = LinkSigner::new(SECRET.as_bytes(), "https://cinema.example.org");
    let expired = signer.confirm_token(pending.id, chrono::Utc::now() - chrono::Duration::hours(1));
    post_json(&server, "/api/v1/subscriptions/confirm", &json!({"token": expired}))
        .await
        .assert_problem(410, Some("token"));
    assert_eq!(get(&server, &format!("/subscribe/confirm?token={expired}")).await.status, 410);

    // Once unsubscribed, the old confirmation link (still within its week) does not subscribe her again.
    db.store.unsubscribe_subscription(pending.id, chrono::Utc::now()).await.unwrap();
    post_json(&server, "/api/v1/subscriptions/confirm", &json!({"token": token})).await.assert_problem(410, None);
    assert!(db.store.subscription(pending.id).await.unwrap().unwrap().unsubscribed_at.is_some());

    // By SMS, through the form: a second request moments later sends nothing more (no flooding).
    let form = "name=Nina&phone=06+11+22+33+44&channels=sms&consent=yes&likes=tt0133093";
    for _ in 0..2 {
        let page = answer(
            client()
                .post(server.url("/subscribe?lang=en"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(form),
        )
        .await;
        assert_eq!(page.status, 202, "{}", page.body);
        assert!(page.body.contains("Check your messages") && page.body.contains("+33•••••••44"), "{}", page.body);
    }
    assert_eq!(confirmations_queued(&db).await, 2, "one message for the two requests");
    let sms_file = db.data_dir().join("outbox/sms/confirmations.jsonl");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while std::fs::read_to_string(&sms_file).map_or(true, |s| s.is_empty()) && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let sms = std::fs::read_to_string(&sms_file).unwrap();
    assert_eq!(sms.lines().count(), 1, "{sms}");
    let sms: Value = serde_json::from_str(sms.lines().next().unwrap()).unwrap();
    assert_eq!(sms["to"], "+33611223344");
    assert!(sms["text"].as_str().unwrap().contains("confirm your subscription"), "{sms}");

    // A form at fault comes back with the field marked and what was typed kept (escaped): a name with markup,
    // then the consent not given.
    let post = |body: &'static str| {
        answer(
            client()
                .post(server.url("/subscribe"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body),
        )
    };
    let refused = post("name=Paul+%3Cb%3E&email=paul%40example.org&channels=email&consent=yes").await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains(r#"id="name-error""#), "{}", refused.body);
    assert!(refused.body.contains("Paul &lt;b&gt;") && refused.body.contains("paul@example.org"), "{}", refused.body);
    let refused = post("name=Paul+O%27Neil-Dupr%C3%A9&email=paul%40example.org&channels=email").await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains(r#"id="consent-error""#), "{}", refused.body);
    assert!(
        refused.body.contains("Paul O'Neil-Dupré") && refused.body.contains("paul@example.org"),
        "{}",
        refused.body
    );
    assert!(db.store.find_customer("paul@example.org").await.unwrap().is_none());
    // Every problem at once: each under its field, all in a summary at the top that links to them.
    let refused = post("name=&email=paul%40&channels=email&channels=sms&genres=Nope").await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    for id in ["name-error", "email-error", "phone-error", "genres-error", "consent-error"] {
        assert!(refused.body.contains(&format!(r#"id="{id}""#)), "no {id}: {}", refused.body);
    }
    assert!(refused.body.contains("corrigez d'abord") || refused.body.contains("first correct"), "{}", refused.body);
    for anchor in ["#name", "#email", "#phone", "#genres-error", "#consent"] {
        assert!(refused.body.contains(&format!(r#"href="{anchor}""#)), "the summary does not link {anchor}");
    }

    // One address cannot subscribe in bulk: after a few valid requests a minute, 429 and nothing sent.
    let before = confirmations_queued(&db).await;
    let mut statuses = Vec::new();
    for i in 0..10 {
        let body = with("email", json!(format!("bulk{i}@example.org")));
        statuses.push(post_json(&server, "/api/v1/subscriptions", &body).await.status);
    }
    assert!(statuses.contains(&202) && statuses.ends_with(&[429]), "{statuses:?}");
    let accepted = statuses.iter().filter(|s| **s == 202).count();
    assert_eq!(confirmations_queued(&db).await, before + accepted as u64, "no message for a refused request");
}

/// Text as maud writes it in a page.
fn html_escaped(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A query-string value.
fn query_value(text: &str) -> String {
    reqwest::Url::parse_with_params("http://x/", &[("v", text)]).unwrap().query().unwrap()[2..].to_owned()
}

const OWNER_PASSWORD: &str = "projection 35 mm, séance de 21 h";

/// The session cookie of a sign-in's `Set-Cookie`, as a `Cookie` header value.
fn session_cookie(answer: &Answer) -> String {
    let set = answer.header("set-cookie");
    assert!(set.starts_with("__Host-cinepicks_owner=") && set.contains("HttpOnly"), "{set}");
    assert!(set.contains("Secure") && set.contains("SameSite=Strict"), "{set}");
    set.split(';').next().unwrap().to_owned()
}

/// The value of the hidden CSRF field of a page's forms.
fn csrf_token(page: &str) -> String {
    let rest = page.split(r#"name="csrf" value=""#).nth(1).expect("a form with a CSRF token");
    rest.split('"').next().unwrap().to_owned()
}

async fn post_form(server: &Server, path: &str, body: &str, cookie: Option<&str>, origin: Option<&str>) -> Answer {
    let mut request = client()
        .post(server.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_owned());
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    if let Some(origin) = origin {
        request = request.header("origin", origin);
    }
    answer(request).await
}

async fn the_owner_signs_in_and_sets_the_programme_with_a_csrf_token(db: TestDb) {
    let hash = cinepicks_web::owner::session::hash_password(OWNER_PASSWORD).unwrap();
    let server = shop_with(&db, &[("CINEPICKS_OWNER_PASSWORD_HASH", &hash)]);
    // Not signed in: every owner page leads to the sign-in, coming back afterwards.
    for path in ["/owner", "/owner/operations", "/owner/popularity?runtime=90"] {
        let page = get(&server, path).await;
        assert_eq!(page.status, 303, "{path}: {}", page.body);
        assert!(page.header("location").starts_with("/owner/login?next=%2Fowner"), "{}", page.header("location"));
    }
    let login = get(&server, "/owner/login?next=/owner/operations").await;
    assert_eq!(login.status, 200);
    assert!(login.body.contains(r#"type="password""#) && login.header("cache-control") == "no-store");

    let form = |password: &str| format!("password={}&next=%2Fowner%2Foperations", password.replace(' ', "+"));
    let wrong = post_form(&server, "/owner/login", &form("guess"), None, None).await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.header("set-cookie").is_empty());
    let elsewhere = post_form(&server, "/owner/login", &form(OWNER_PASSWORD), None, Some("https://evil.example")).await;
    assert_eq!(elsewhere.status, 403, "a sign-in posted from another site");
    let signed_in = post_form(&server, "/owner/login", &form(OWNER_PASSWORD), None, Some(&server.base)).await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    assert_eq!(signed_in.header("location"), "/owner/operations");
    let cookie = session_cookie(&signed_in);
    assert!(!signed_in.body.contains(OWNER_PASSWORD) && !signed_in.header("set-cookie").contains(&hash));

    // Operations: jobs, the active run, subscriptions by state (three confirmed by the import).
    let page = answer(client().get(server.url("/owner/operations")).header("cookie", &cookie)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    for expected in [
        "Mise à jour de la nuit",
        "Envoi de la semaine",
        "20261121T080000Z",
        "Abonnements actifs",
        "Séances des sept prochains jours",
        "Avis des abonnés",
    ] {
        assert!(page.body.contains(expected), "{expected} missing: {}", page.body);
    }
    assert!(!page.body.contains(&hash), "the hash is never rendered");
    let csrf = csrf_token(&page.body);

    // Setting the programme needs the session's CSRF token.
    let body = "films=tt0133093%0Ale+fabuleux+destin+d%27amelie+poulain";
    let forged = post_form(&server, "/owner/operations", &format!("csrf=0000&{body}"), Some(&cookie), None).await;
    assert_eq!(forged.status, 403);
    let anonymous = post_form(&server, "/owner/operations", &format!("csrf={csrf}&{body}"), None, None).await;
    assert_eq!(anonymous.status, 303, "not signed in: sent to the sign-in");
    assert!(anonymous.header("location").starts_with("/owner/login"));
    let week = IsoWeek::of(chrono::Utc::now().with_timezone(&chrono_tz::Europe::Paris).date_naive());
    assert!(db.store.programme(week).await.unwrap().is_empty());
    let saved = post_form(&server, "/owner/operations", &format!("csrf={csrf}&{body}"), Some(&cookie), None).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let mut programme = db.store.programme(week).await.unwrap();
    programme.sort();
    assert_eq!(programme, ["tt0133093", "tt0211915"]);
    let unknown =
        post_form(&server, "/owner/operations", &format!("csrf={csrf}&films=Zzyzx+Qwv"), Some(&cookie), None).await;
    assert_eq!(unknown.status, 422);
    assert_eq!(db.store.programme(week).await.unwrap().len(), 2, "a refused programme changes nothing");

    // The dashboard of a store without marts says how to compute them; the model tools say no model is trained.
    let dashboard = answer(client().get(server.url("/owner?lang=en")).header("cookie", &cookie)).await;
    assert_eq!(dashboard.status, 200);
    assert!(dashboard.body.contains("cinepicks analyze"), "{}", dashboard.body);
    let estimate = answer(client().get(server.url("/owner/popularity?runtime=110")).header("cookie", &cookie)).await;
    assert_eq!(estimate.status, 503, "{}", estimate.body);
    assert!(estimate.body.contains("Aucun modèle de popularité"), "{}", estimate.body);
    // Every problem of the form at once, in French, each linked to its field and said under it; what was typed
    // stays; nothing is estimated.
    let path =
        "/owner/popularity?runtime=cent&year=1700&budget=25+000+000&countries=Belgique%2C+Atlantide&language=klingon";
    let refused = answer(client().get(server.url(path)).header("cookie", &cookie)).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    for expected in [
        "Rien n'est estimé, corrigez d'abord\u{a0}:",
        "href=\"#runtime\"",
        "Durée\u{a0}: des minutes, de 1 à 1\u{202f}000 («\u{a0}cent\u{a0}»)",
        "href=\"#year\"",
        "Pays inconnu\u{a0}: «\u{a0}Atlantide\u{a0}»",
        "Langue inconnue\u{a0}: «\u{a0}klingon\u{a0}»",
        "id=\"runtime-error\"",
        "value=\"25 000 000\"",
    ] {
        assert!(refused.body.contains(expected), "{expected:?} missing: {}", refused.body);
    }
    assert!(!refused.body.contains("href=\"#budget\""), "a grouped budget is a number: {}", refused.body);

    // Signing out needs the token too, and ends the session in the browser.
    let out = post_form(&server, "/owner/logout", &format!("csrf={csrf}"), Some(&cookie), None).await;
    assert_eq!(out.status, 303);
    assert!(out.header("set-cookie").contains("Max-Age=0"));
    // A cookie signed by another server (or forged) opens nothing.
    // (Its last hex digit changed: appending a 0 to a cookie that ended in 0 left it genuine.)
    let last = if cookie.ends_with('0') { '1' } else { '0' };
    let forged_cookie = format!("{}{last}", &cookie[..cookie.len() - 1]);
    assert_eq!(answer(client().get(server.url("/owner")).header("cookie", forged_cookie)).await.status, 303);
}

async fn the_owner_pages_stay_closed_without_a_password_hash(db: TestDb) {
    let server = shop(&db);
    let login = get(&server, "/owner/login").await;
    assert_eq!(login.status, 503);
    assert!(login.body.contains("CINEPICKS_OWNER_PASSWORD_HASH") && login.body.contains("hash-password"));
    let attempt = post_form(&server, "/owner/login", "password=anything", None, None).await;
    assert_eq!(attempt.status, 503);
    assert!(attempt.header("set-cookie").is_empty());
}

/// The Python client (`clients/python`), its unittest suite run against this server.
async fn the_python_client_gets_typed_answers_and_problems_from_the_server(db: TestDb) {
    let server = shop(&db);
    let camille = db.store.find_customer("camille@example.org").await.unwrap().unwrap().id;
    let expires = chrono::Utc::now() + chrono::Duration::days(7);
    let token = LinkSigner::new(SECRET.as_bytes(), "x").feedback_token(camille, expires);
    let python = std::env::var("CINEPICKS_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let package = Path::new(env!("CARGO_MANIFEST_DIR")).join("clients/python");
    let out = Command::new(&python)
        .args(["-m", "unittest", "discover", "-v", "-s", "tests"])
        .current_dir(&package)
        .env("PYTHONPATH", &package)
        .env("CINEPICKS_URL", &server.base)
        .env("CINEPICKS_FEEDBACK_TOKEN", &token)
        .output()
        .unwrap_or_else(|e| panic!("running {python}: {e}"));
    let report = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{report}");
    assert!(report.contains("Ran 6 tests") && report.trim_end().ends_with("OK"), "{report}");
}

async fn a_client_over_the_rate_limit_waits_and_cannot_dodge_it_with_a_forwarded_header(db: TestDb) {
    let server = shop_with(&db, &[("CINEPICKS__SERVE__RATE_LIMIT_PER_MINUTE", "3")]);
    for _ in 0..3 {
        assert_eq!(get(&server, "/api/v1/films/search?q=matrix").await.status, 200);
    }
    let limited = get(&server, "/api/v1/films/tt0133093").await;
    limited.assert_problem(429, None);
    let retry: u64 = limited.header("retry-after").parse().expect("Retry-After in seconds");
    assert!((1..=20).contains(&retry), "one request every 20 s: {retry}");
    // Without serve.behind_proxy the header is the client's word, not its address.
    let spoofed =
        answer(client().get(server.url("/api/v1/films/search?q=matrix")).header("x-forwarded-for", "203.0.113.9"))
            .await;
    spoofed.assert_problem(429, None);
    // Pages share the limit (guessing short links meets it too); monitoring and a page's own files do not.
    assert_eq!(get(&server, "/films/tt0133093").await.status, 429);
    assert_eq!(get(&server, "/p/2648aaaaaaaaaaaaa1").await.status, 429);
    assert_eq!(get(&server, "/api/v1/health").await.status, 200);
    let style = get(&server, "/assets/style.css").await;
    assert_eq!(style.status, 200);
    // The site's stylesheet opens with the cinema's identity, the one the e-mails and the report are drawn in.
    assert!(style.body.starts_with(&cinepicks_domain::identity::css_variables()), "{}", style.body);
}

async fn a_newly_published_run_replaces_the_served_neighbours(db: TestDb) {
    let server = shop_with(&db, &[("CINEPICKS__SERVE__RELOAD_SECS", "1")]);
    let neighbour_ids = |similar: &Value| -> Vec<String> {
        similar["similar"].as_array().unwrap().iter().map(|s| s["film"]["id"].as_str().unwrap().to_owned()).collect()
    };
    let before = neighbour_ids(&get(&server, "/api/v1/films/tt0211915/similar").await.json());
    let ids: Vec<String> = films().iter().map(|f| f.id.clone()).collect();
    write_run(&db.data_dir(), "20261122T080000Z", &neighbours(&ids, 10, 3), false);
    cli(&db, &["publish"]);
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        let health = get(&server, "/api/v1/health").await.json();
        if health["active_run"] == "20261122T080000Z" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the server still serves the old run: {health}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let after = neighbour_ids(&get(&server, "/api/v1/films/tt0211915/similar").await.json());
    assert_eq!(after.len(), 5);
    assert_ne!(before, after, "the neighbours of the new run are served");
}

on_both_backends!(
    a_newly_published_run_replaces_the_served_neighbours,
    a_client_over_the_rate_limit_waits_and_cannot_dodge_it_with_a_forwarded_header,
    search_finds_films_by_title_without_accents_and_details_them,
    similar_films_are_five_with_their_reasons,
    bad_input_gets_a_problem_naming_the_field,
    the_openapi_document_parses_and_lists_every_endpoint,
    pages_escape_titles_speak_french_or_english_and_send_security_headers,
    one_click_unsubscribe_stops_a_genuine_token_and_refuses_a_forged_one,
    the_short_link_of_an_sms_shows_the_films_sent_that_week,
    a_visitor_subscribes_confirms_by_the_link_and_only_then_receives_picks,
    the_owner_signs_in_and_sets_the_programme_with_a_csrf_token,
    the_owner_pages_stay_closed_without_a_password_hash,
    the_python_client_gets_typed_answers_and_problems_from_the_server,
);

/// Without a real secret the links of messages could be forged: `serve` and `notify` refuse to start, and say
/// which variable to set; only a demo folder's own throwaway key stands in, and only for the file outboxes.
#[test]
fn serving_or_sending_without_a_real_link_secret_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_cinepicks"));
        command
            .arg("--data-dir")
            .arg(dir.path())
            .args(args)
            .env_remove("CINEPICKS_CONFIG")
            .env_remove("CINEPICKS_UNSUBSCRIBE_SECRET")
            .env("CINEPICKS__SERVE__ADDR", "127.0.0.1:0")
            .env("RUST_LOG", "warn")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        // A server that started after all would run for ever: it is stopped, and the test fails below.
        let mut child = command.spawn().unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(120);
        while child.try_wait().unwrap().is_none() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = child.kill();
        child.wait_with_output().unwrap()
    };
    for (args, env) in [
        (&["serve"][..], &[][..]),
        (&["notify"][..], &[][..]),
        (&["serve"][..], &[("CINEPICKS_UNSUBSCRIBE_SECRET", "aaaaaaaaaaaaaaaaaaaa")][..]),
        (&["notify"][..], &[("CINEPICKS_UNSUBSCRIBE_SECRET", "short")][..]),
    ] {
        let out = run(args, env);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} {env:?} started: {stderr}");
        assert!(stderr.contains("CINEPICKS_UNSUBSCRIBE_SECRET"), "{args:?} {env:?}: {stderr}");
    }
    // A demo folder's key: the outbox works; a real transport does not.
    std::fs::create_dir_all(dir.path().join("demo")).unwrap();
    std::fs::write(dir.path().join("demo/link-key"), "3f9c2a7e51b04d8c9e6a1f2b7c3d4e5f").unwrap();
    let outbox = run(&["notify"], &[]);
    assert!(outbox.status.success(), "{}", String::from_utf8_lossy(&outbox.stderr));
    let smtp = [("CINEPICKS__NOTIFY__EMAIL__TRANSPORT", "smtp"), ("CINEPICKS__NOTIFY__EMAIL__SMTP__HOST", "127.0.0.1")];
    let smtp = run(&["notify"], &smtp);
    assert!(!smtp.status.success());
    assert!(String::from_utf8_lossy(&smtp.stderr).contains("never signed with a demo key"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_serves_its_store_and_predicts_popularity_with_the_trained_model() {
    let dir = tempfile::tempdir().unwrap();
    // No rate limit to speak of: the fuzzing below sends about a thousand requests in a few seconds.
    let hash = cinepicks_web::owner::session::hash_password(OWNER_PASSWORD).unwrap();
    let env = [("CINEPICKS__SERVE__RATE_LIMIT_PER_MINUTE", "1000000"), ("CINEPICKS_OWNER_PASSWORD_HASH", &hash)];
    let server = Server::start(dir.path(), &env, &["demo", "--scale", "0.002", "--serve"], Duration::from_secs(900));
    let health = get(&server, "/api/v1/health").await.json();
    assert_eq!(health["popularity_model"], true, "{health}");
    assert!(health["films"].as_u64().unwrap() > 10, "{health}");

    let prediction = post_json(&server, "/api/v1/popularity/predict", &json!({"runtime": 110, "year": 2026})).await;
    assert_eq!(prediction.status, 200, "{}", prediction.body);
    let prediction = prediction.json();
    let rating = &prediction["rating"];
    let value = rating["value"].as_f64().unwrap();
    assert!(rating["low"].as_f64().unwrap() <= value && value <= rating["high"].as_f64().unwrap(), "{prediction}");
    assert!(!prediction["reasons"].as_array().unwrap().is_empty(), "{prediction}");
    let unknown_genre = post_json(&server, "/api/v1/popularity/predict", &json!({"genres": ["Western", "Nope"]})).await;
    let problem = unknown_genre.json();
    assert_eq!(unknown_genre.status, 422, "{problem}");
    assert!(problem["field"].as_str().unwrap().starts_with("genres["), "{problem}");

    // The audience model of the demo's MovieLens data: suggestions for a profile, then who a suggested film is for.
    assert_eq!(health["audience_model"], true, "{health}");
    let unknown = get(&server, "/api/v1/suggest?age=34&gender=F&occupation=astronaut").await;
    let problem = unknown.assert_problem(422, Some("occupation"));
    let detail = problem["detail"].as_str().unwrap();
    let occupation = detail.split("one of ").nth(1).and_then(|l| l.split(", ").next()).unwrap().to_owned();
    get(&server, &format!("/api/v1/suggest?age=34&gender=X&occupation={occupation}"))
        .await
        .assert_problem(422, Some("gender"));
    let suggested = get(&server, &format!("/api/v1/suggest?age=34&gender=F&occupation={occupation}&n=5")).await;
    assert_eq!(suggested.status, 200, "{}", suggested.body);
    let films = suggested.json()["films"].as_array().unwrap().clone();
    assert_eq!(films.len(), 5, "{films:?}");
    let loves: Vec<u64> = films.iter().map(|f| f["loved_by"].as_u64().unwrap()).collect();
    assert!(films.iter().all(|f| f["loved_by_age_band"].as_u64().unwrap() <= f["loved_by"].as_u64().unwrap()));
    assert!(loves[0] > 0, "{films:?}");
    let title = films[0]["title"].as_str().unwrap();
    let url =
        reqwest::Url::parse_with_params(&server.url("/api/v1/audience"), &[("title", title), ("n", "3")]).unwrap();
    let audience = answer(client().get(url)).await;
    assert_eq!(audience.status, 200, "{}", audience.body);
    let audience = audience.json();
    assert_eq!(audience["film"], title, "{audience}");
    let groups = audience["groups"].as_array().unwrap();
    assert!(!groups.is_empty() && groups.len() <= 3, "{audience}");
    let p: Vec<f64> = groups.iter().map(|g| g["p_loved"].as_f64().unwrap()).collect();
    assert!(p.windows(2).all(|w| w[0] >= w[1]), "best group first: {audience}");
    get(&server, "/api/v1/audience?title=qqqqqqqqqqqq").await.assert_problem(404, None);

    // The home page lists the generated films, each page shows its similar films.
    let home = get(&server, "/").await;
    let first = home.body.split(r#"href="/films/"#).nth(1).and_then(|rest| rest.split('?').next()).unwrap();
    let similar = get(&server, &format!("/api/v1/films/{first}/similar")).await.json();
    assert!(!similar["similar"].as_array().unwrap().is_empty(), "{similar}");

    // The owner's pages on the demo's marts and models: the dashboard's charts, an estimate, a film's audience.
    let signed_in =
        post_form(&server, "/owner/login", &format!("password={}", OWNER_PASSWORD.replace(' ', "+")), None, None).await;
    let cookie = session_cookie(&signed_in);
    let owner_page = |path: String| {
        let cookie = cookie.clone();
        let url = server.url(&path);
        async move { answer(client().get(url).header("cookie", cookie)).await }
    };
    let dashboard = owner_page("/owner".into()).await;
    assert_eq!(dashboard.status, 200);
    assert!(
        dashboard.body.contains("Chiffres clés") && dashboard.body.matches("<svg").count() >= 5,
        "{}",
        dashboard.body
    );
    let estimate = owner_page("/owner/popularity?genre:Drama=Drama&runtime=110&year=2026&lang=en".into()).await;
    assert_eq!(estimate.status, 200, "{}", estimate.body);
    assert!(estimate.body.contains(r#"id="predicted-rating""#) && estimate.body.contains("What weighs most"));
    let tool = owner_page(format!("/owner/audience?age=34&gender=F&occupation={occupation}")).await;
    assert_eq!(tool.status, 200, "{}", tool.body);
    assert!(tool.body.contains(r#"id="suggestions""#) && tool.body.contains(&html_escaped(title)), "{}", tool.body);
    let film_audience = owner_page(format!("/owner/audience?title={}", query_value(title))).await;
    assert!(film_audience.body.contains(r#"id="groups""#), "{}", film_audience.body);
    // A title the model does not know: said in French, with the closest titles, and no English.
    let misspelt: String = title.chars().take(title.chars().count().saturating_sub(3)).collect();
    let unknown = owner_page(format!("/owner/audience?title={}", query_value(&format!("{misspelt}zz")))).await;
    assert!(unknown.body.contains("parmi les films notés de MovieLens\u{a0}; vouliez-vous dire"), "{}", unknown.body);
    assert!(!unknown.body.contains("did you mean"), "{}", unknown.body);
    let too_old = owner_page(format!("/owner/audience?age=300&gender=F&occupation={occupation}")).await;
    assert!(too_old.body.contains("Âge\u{a0}: un nombre entier d'années, de 1 à 120."), "{}", too_old.body);

    // Property-based fuzzing of every operation from the OpenAPI document (schemathesis, in the project venv
    // that `make test` names in CINEPICKS_PYTHON): no input may get a 5xx (both models are loaded here, so
    // not even the documented 503s are due).
    let Ok(python) = std::env::var("CINEPICKS_PYTHON") else {
        eprintln!("CINEPICKS_PYTHON is not set: the API fuzzing runs under `make test`");
        return;
    };
    let schemathesis = Path::new(&python).with_file_name("st");
    let out = Command::new(&schemathesis)
        .args(["run", &server.url("/api/openapi.json"), "--url", &server.base])
        .args(["--checks", "not_a_server_error", "--max-examples", "40", "--seed", "42", "--no-color"])
        .current_dir(dir.path()) // its cache folder goes there, not into the repository
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}", schemathesis.display()));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "schemathesis found server errors:\n{report}");
    assert!(report.contains("Tested: 13"), "every operation fuzzed:\n{report}");
}
