//! The owner's operations page: the scheduled jobs' last and next runs, the active model and its metrics,
//! deliveries by status, subscriptions by state (what `cinepicks status` prints), and this week's programme,
//! which the owner can set here (a form with the session's CSRF token).

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

use cinepicks_domain::{FeedbackKind, Language, calendar};

use super::layout;
use super::session::Owner;
use crate::AppState;
use crate::api;
use crate::language::{PageLanguage, code};
use crate::pages::{link, t};
use cinepicks_jobs::status::{Snapshot, numeric_metrics, snapshot};

/// The page; `saved=N` (the redirect after saving the programme) shows a notice.
pub async fn page(
    State(state): State<AppState>,
    PageLanguage(language): PageLanguage,
    owner: Owner,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let notice = params.get("saved").and_then(|n| n.parse::<usize>().ok()).map(|n| {
        let text = match (language, n) {
            (Language::Fr, 0) => "Programme effacé\u{a0}: aucun film à l'affiche cette semaine.".to_owned(),
            (Language::Fr, 1) => "Programme enregistré\u{a0}: 1 film à l'affiche cette semaine.".to_owned(),
            (Language::Fr, n) => format!("Programme enregistré\u{a0}: {n} films à l'affiche cette semaine."),
            (Language::En, 0) => "Programme cleared: no film showing this week.".to_owned(),
            (Language::En, 1) => "Programme saved: 1 film showing this week.".to_owned(),
            (Language::En, n) => format!("Programme saved: {n} films showing this week."),
        };
        (StatusCode::OK, text)
    });
    render(&state, language, &owner, notice).await
}

async fn render(state: &AppState, language: Language, owner: &Owner, notice: Option<(StatusCode, String)>) -> Response {
    let title = t(language, "Exploitation", "Operations");
    let snap = match snapshot(&state.ctx, &state.store).await {
        Ok(snap) => snap,
        Err(err) => {
            tracing::error!(error = %format!("{err:#}"), "operations page: reading the store failed");
            let why = t(
                language,
                "La base ne répond pas : le détail est dans le journal du serveur.",
                "The store does not answer: the details are in the server's log.",
            );
            let body = html! { h1 { (title) } p.notice role="alert" { (why) } };
            return (StatusCode::SERVICE_UNAVAILABLE, layout(state, language, Some(owner), title, body))
                .into_response();
        }
    };
    let week = cinepicks_jobs::notify::this_week(&state.ctx);
    let programme = cinepicks_jobs::notify::week_programme(&state.ctx, &state.store, week).await.unwrap_or_default();
    let catalogue = state.catalogue();
    let programme_titles: Vec<String> =
        programme.iter().map(|id| catalogue.film(id).map_or_else(|| id.clone(), |f| api::label(f, language))).collect();
    let status = notice.as_ref().map_or(StatusCode::OK, |(s, _)| *s);
    let screenings = crate::programme::owner_section(state, language).await;
    let body = html! {
        h1 { (title) }
        @if let Some((status, text)) = &notice {
            p.notice role=(if status.is_success() { "status" } else { "alert" }) { (text) }
        }
        (screenings)
        (jobs(&snap, language))
        (model(state, &snap, language))
        (deliveries(&snap, language))
        (audience_feedback(&snap, &catalogue, language))
        section.operation #programme {
            h2 { (t(language, "À l'affiche cette semaine", "Showing this week")) " (" (week) ")" }
            p { (t(language, "Les films choisis chaque semaine pour les abonnés privilégient ces films (notify.programme).",
                "The films picked each week for subscribers favour these films (notify.programme).")) }
            form.owner.subscribe method="post" action=(link("/owner/operations", language)) {
                input type="hidden" name="csrf" value=(owner.csrf);
                label for="films" { (t(language, "Un film par ligne (titre ou identifiant IMDb) ; vide pour effacer", "One film per line (title or IMDb id); empty to clear")) }
                textarea #films name="films" rows="5" { (programme_titles.join("\n")) }
                button type="submit" { (t(language, "Enregistrer le programme", "Save the programme")) }
            }
        }
    };
    (status, layout(state, language, Some(owner), title, body)).into_response()
}

fn jobs(snap: &Snapshot, language: Language) -> maud::Markup {
    html! {
        section.operation #jobs {
            h2 { (t(language, "Tâches planifiées", "Scheduled jobs")) }
            table {
                thead { tr {
                    th { (t(language, "Tâche", "Job")) } th { (t(language, "Dernière exécution", "Last run")) }
                    th { (t(language, "État", "Status")) } th { (t(language, "Prochaine", "Next")) }
                } }
                tbody { @for job in &snap.jobs { tr {
                    td { strong { (job_name(job.name, language)) } br;
                        small { (job.stages.iter().map(|s| stage_name(s, language)).collect::<Vec<_>>().join(" → ")) } }
                    @match &job.last {
                        Some(run) => {
                            td { (run.started_at.with_timezone(&job.timezone).format("%Y-%m-%d %H:%M")) " · " (run.logical_key)
                                // Which machine ran it: with several daemons on one store, the leader of the time.
                                @if let Some(host) = &run.host { br; small { (t(language, "sur ", "on ")) (host) } } }
                            td { span class=(format!("status {}", run.status)) { (job_status(run.status, language)) }
                                @if let Some(error) = &run.error { br; small { (error) } } }
                        }
                        None => { td { (t(language, "jamais", "never")) } td {} }
                    }
                    td { (job.next.map(|n| n.with_timezone(&job.timezone).format("%Y-%m-%d %H:%M").to_string()).unwrap_or_else(|| "—".into())) }
                } } }
            }
        }
    }
}

fn model(state: &AppState, snap: &Snapshot, language: Language) -> maud::Markup {
    let lang = language;
    // "lundi 7 décembre à 3 h 15" (with the year when it is not this one): when, as the owner reads it; the run's
    // id stays under the details fold.
    let tz = state.ctx.config.timezone;
    let this_year = chrono::Datelike::year(&snap.now.with_timezone(&tz));
    let when = |at: chrono::DateTime<chrono::Utc>| {
        let local = at.with_timezone(&tz);
        let (day, time) = (calendar::day_name(local.date_naive(), lang), calendar::time_of_day(local.time(), lang));
        let year = chrono::Datelike::year(&local);
        let year = if year == this_year { String::new() } else { format!(" {year}") };
        format!("{day}{year} {} {time}", t(lang, "à", "at"))
    };
    html! {
        section.operation #model {
            h2 { (t(language, "Modèle actif", "Active model")) }
            @match &snap.active_model {
                Some(run) => {
                    p { (t(language, "Modèles entraînés le ", "Models trained on ")) (when(run.created_at))
                        @if let Some(p) = run.published_at { (t(language, ", publiés le ", ", published on ")) (when(p)) } "." }
                    @let lines = plain_metrics(&run.metrics, language);
                    @if !lines.is_empty() { ul { @for line in &lines { li { (line) } } } }
                    details {
                        summary { (t(language, "Toutes les mesures de l'exécution", "Every figure of the run")) }
                        p { (t(language, "Exécution ", "Run ")) code { (run.run_id) } }
                        table { tbody { @for (name, value) in numeric_metrics(&run.metrics) {
                            tr { td { code { (name) } } td.num { (lang.num(value, if value.fract() == 0.0 { 0 } else { 4 })) } }
                        } } }
                    }
                }
                None => {
                    p.notice { (t(language, "Aucun modèle publié : lancez `cinepicks train` puis `cinepicks publish`.",
                        "No model published: run `cinepicks train` then `cinepicks publish`.")) }
                }
            }
        }
    }
}

fn deliveries(snap: &Snapshot, language: Language) -> maud::Markup {
    let c = &snap.subscriptions;
    let (week, reach) = &snap.latest_week;
    html! {
        section.operation #deliveries {
            h2 { (t(language, "Envois et abonnements", "Deliveries and subscriptions")) }
            div.figures {
                @for (label, value) in [
                    (t(language, "Abonnés ayant reçu leurs films", "Subscribers sent their films"), reach.reached),
                    (t(language, "… qui ont ouvert leur page", "… who opened their page"), reach.opened),
                ] {
                    div.figure { div.label { (label) } div.value { (value) } }
                }
            }
            p.meta { (week) " · " (t(language,
                "message de la semaine\u{a0}; une page est comptée ouverte dès que le lien du message est suivi (certaines messageries vérifient les liens\u{a0}: elles comptent aussi).",
                "the week's message; a page counts as opened once the message's link is followed (some mail services check links: they count too)."))
            }
            div.figures {
                @for (label, value) in [
                    (t(language, "Abonnements actifs", "Active subscriptions"), c.active),
                    (t(language, "En attente de confirmation", "Awaiting confirmation"), c.awaiting_confirmation),
                    (t(language, "Désabonnés", "Unsubscribed"), c.unsubscribed),
                    (t(language, "Suspendus (rebonds)", "Flagged (bounces)"), c.flagged),
                ] {
                    div.figure { div.label { (label) } div.value { (value) } }
                }
            }
            table {
                thead { tr { th { (t(language, "Envois par état", "Deliveries by status")) } th.num { (t(language, "Nombre", "Count")) } } }
                tbody {
                    @if snap.deliveries.is_empty() { tr { td colspan="2" { (t(language, "aucun envoi pour l'instant", "none yet")) } } }
                    @for (status, count) in &snap.deliveries { tr { td { (delivery_status(*status, language)) } td.num { (count) } } }
                }
            }
        }
    }
}

/// The active run's figures that matter to the cinema, in sentences.
fn plain_metrics(metrics: &serde_json::Value, language: Language) -> Vec<String> {
    let get = |path: &str| path.split('.').try_fold(metrics, |v, key| v.get(key)).and_then(serde_json::Value::as_f64);
    let n = |x: f64| language.num(x, 0);
    let mut lines = Vec::new();
    if let (Some(with), Some(all)) = (get("recommender.films_with_neighbours"), get("recommender.catalogue_films")) {
        lines.push(match language {
            Language::Fr => format!("Films semblables calculés pour {} des {} films du catalogue.", n(with), n(all)),
            Language::En => format!("Similar films computed for {} of the catalogue's {} films.", n(with), n(all)),
        });
    }
    let customers = get("recommender.customers_folded_in").filter(|c| *c > 0.0);
    if let (Some(ratings), Some(users)) =
        (get("recommender.ratings").filter(|r| *r > 0.0), get("recommender.users").filter(|u| *u > 0.0))
    {
        let rated = get("recommender.films_with_ratings").unwrap_or(0.0);
        let who = match (language, customers.is_some()) {
            (Language::Fr, true) => "spectateurs (MovieLens et abonnés du cinéma)",
            (Language::Fr, false) => "spectateurs MovieLens",
            (Language::En, true) => "viewers (MovieLens and the cinema's subscribers)",
            (Language::En, false) => "MovieLens viewers",
        };
        lines.push(match language {
            Language::Fr => {
                format!("Appris de {} notes de {} {who}, sur {} films du catalogue.", n(ratings), n(users), n(rated))
            }
            Language::En => {
                format!(
                    "Learnt from {} ratings by {} {who}, of {} of the catalogue's films.",
                    n(ratings),
                    n(users),
                    n(rated)
                )
            }
        });
    }
    if let Some(customers) = customers {
        let likes = get("recommender.customer_likes").unwrap_or(0.0);
        lines.push(match language {
            Language::Fr => {
                format!("Dont les goûts de {} abonnés ({} « J'aime » et films déclarés).", n(customers), n(likes))
            }
            Language::En => {
                format!("Including the tastes of {} subscribers ({} films liked or declared).", n(customers), n(likes))
            }
        });
    }
    if let Some(weight) = get("recommender.collaborative_weight") {
        lines.push(match language {
            Language::Fr => format!("Part des goûts du public dans les films semblables : {} %.", n(100.0 * weight)),
            Language::En => format!("Share of the audience's tastes in similar films: {} %.", n(100.0 * weight)),
        });
    }
    if let (Some(films), Some(features)) = (get("popularity.films"), get("popularity.features")) {
        lines.push(match language {
            Language::Fr => {
                format!("Popularité d'un film à venir : apprise sur {} films ({} traits).", n(films), n(features))
            }
            Language::En => {
                format!("Popularity of a film to come: learnt from {} films ({} traits).", n(films), n(features))
            }
        });
    }
    if let Some(users) = get("audience.users") {
        lines.push(match language {
            Language::Fr => {
                format!("Public d'un film : appris de {} spectateurs décrits (âge, sexe, profession).", n(users))
            }
            Language::En => {
                format!("A film's audience: learnt from {} described viewers (age, gender, occupation).", n(users))
            }
        });
    }
    lines
}

/// A scheduled job as the owner knows it.
fn job_name(name: &str, language: Language) -> &str {
    match (name, language) {
        (cinepicks_jobs::daemon::chain::NIGHTLY, Language::Fr) => "Mise à jour de la nuit",
        (cinepicks_jobs::daemon::chain::NIGHTLY, Language::En) => "Nightly update",
        (cinepicks_jobs::daemon::chain::WEEKLY_NOTIFY, Language::Fr) => "Envoi de la semaine",
        (cinepicks_jobs::daemon::chain::WEEKLY_NOTIFY, Language::En) => "Weekly send",
        (other, _) => other,
    }
}

fn stage_name(stage: &str, language: Language) -> &str {
    let fr = match stage {
        "fetch" => "téléchargement",
        "ingest" => "import",
        "train" => "apprentissage",
        "analyze" => "analyses",
        "evaluate" => "évaluation",
        "publish" => "publication",
        "notify" => "envoi",
        other => other,
    };
    if language == Language::Fr { fr } else { stage }
}

fn job_status(status: cinepicks_domain::JobStatus, language: Language) -> &'static str {
    use cinepicks_domain::JobStatus::*;
    match (status, language) {
        (Running, Language::Fr) => "en cours",
        (Succeeded, Language::Fr) => "réussie",
        (Failed, Language::Fr) => "échouée",
        (Cancelled, Language::Fr) => "interrompue",
        (other, Language::En) => other.as_str(),
    }
}

fn delivery_status(status: cinepicks_domain::DeliveryStatus, language: Language) -> &'static str {
    use cinepicks_domain::DeliveryStatus::*;
    match (status, language) {
        (Pending, Language::Fr) => "à envoyer",
        (Deferred, Language::Fr) => "reportés (heures de silence des SMS)",
        (Sending, Language::Fr) => "en cours d'envoi",
        (Sent, Language::Fr) => "envoyés",
        (Failed, Language::Fr) => "en échec",
        (other, Language::En) => other.as_str(),
    }
}

/// What the audience said of the picks, week by week, and the films it liked most.
fn audience_feedback(snap: &Snapshot, catalogue: &crate::catalogue::Catalogue, language: Language) -> maud::Markup {
    let lang = language;
    let share = |x: Option<f64>| x.map_or_else(|| "—".to_owned(), |x| format!("{} %", lang.num(100.0 * x, 0)));
    html! {
        section.operation #feedback {
            h2 { (t(language, "Avis des abonnés", "Subscribers' verdicts")) }
            p { (t(language, "Chaque film envoyé porte trois boutons : « J'aime », « Pas pour moi », « Déjà vu ». Les films aimés orientent les semaines suivantes ; les autres ne sont plus proposés.",
                "Every film sent carries three buttons: “I like it”, “Not for me”, “Seen it”. Liked films guide the weeks to come; the others are not suggested again.")) }
            table {
                thead { tr {
                    th { (t(language, "Semaine", "Week")) }
                    th.num { (t(language, "Films envoyés", "Films sent")) }
                    th.num { (t(language, "Aimés", "Liked")) }
                    th.num { (t(language, "Part aimée", "Share liked")) }
                    th.num { (t(language, "Découvertes aimées", "Explorations liked")) }
                    th.num { (FeedbackKind::Like.label(language)) }
                    th.num { (FeedbackKind::NotForMe.label(language)) }
                    th.num { (FeedbackKind::Seen.label(language)) }
                } }
                tbody { @for w in &snap.feedback { tr {
                    td { (w.week) }
                    td.num { (w.picks_sent) }
                    td.num { (w.picks_liked) }
                    td.num { (share(w.liked_share())) }
                    td.num { (w.explored_liked) " / " (w.explored_sent) }
                    td.num { (w.likes) } td.num { (w.not_for_me) } td.num { (w.seen) }
                } } }
            }
            p.meta { (t(language, "« Aimés » : films envoyés cette semaine-là que leur destinataire aime aujourd'hui. « Découvertes » : le film sur cinq choisi hors des meilleures correspondances, pour apprendre. Les avis sont ceux qui tiennent encore (un changement d'avis remplace l'ancien), comptés la semaine où ils ont été donnés.",
                "“Liked”: films sent that week that their receiver likes today. “Explorations”: the film of five chosen beyond the best matches, to learn. Verdicts are those still standing (a change of mind replaces the earlier one), counted in the week they were given.")) }
            h3 { (t(language, "Les films préférés du public", "The audience's favourite films")) }
            @if snap.favourites.is_empty() {
                p { (t(language, "Aucun film aimé pour l'instant.", "No film liked yet.")) }
            } @else {
                ol { @for f in &snap.favourites {
                    li { a href=(link(&format!("/films/{}", f.film_id), language)) {
                            (catalogue.film(&f.film_id).map_or(f.title.as_str(), |film| api::title(film, language))) } " — "
                        (f.customers) " " @if f.customers > 1 { (t(language, "abonnés", "subscribers")) } @else { (t(language, "abonné", "subscriber")) } }
                } }
            }
        }
    }
}

/// POST: sets this week's programme from the form (CSRF token and same origin checked).
pub async fn set_programme(
    State(state): State<AppState>,
    PageLanguage(language): PageLanguage,
    owner: Owner,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if let Some(refusal) = owner.refuse_forged(&headers, &state.ctx.config.notify.site_url, &form) {
        return refusal;
    }
    let typed: Vec<&str> =
        form.get("films").map_or(Vec::new(), |f| f.lines().map(str::trim).filter(|l| !l.is_empty()).collect());
    let catalogue = state.catalogue();
    let mut films = Vec::new();
    for (i, reference) in typed.iter().enumerate() {
        match api::resolve(&catalogue, &format!("films[{i}]"), reference, language) {
            Ok(film) => films.push(film.film_id.clone()),
            Err(problem) => {
                let why = problem.reason.unwrap_or(problem.detail);
                return render(&state, language, &owner, Some((StatusCode::UNPROCESSABLE_ENTITY, why))).await;
            }
        }
    }
    let week = cinepicks_jobs::notify::this_week(&state.ctx);
    if let Err(err) = state.store.set_programme(week, &films, state.ctx.clock.now()).await {
        tracing::error!(error = %err, "setting the programme failed");
        let text =
            t(language, "Le programme n'a pas pu être enregistré.", "The programme could not be saved.").to_owned();
        return render(&state, language, &owner, Some((StatusCode::SERVICE_UNAVAILABLE, text))).await;
    }
    tracing::info!(week = %week, films = films.len(), "programme set from the owner's page");
    // Post/redirect/get: reloading the page does not post again.
    Redirect::to(&format!("/owner/operations?lang={}&saved={}#programme", code(language), films.len())).into_response()
}
