//! The owner's operations page: the scheduled jobs' last and next runs, the active model and its metrics,
//! deliveries by status, subscriptions by state (what `cinepicks status` prints), and this week's programme,
//! which the owner can set here (a form with the session's CSRF token).

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

use cinepicks_domain::{FeedbackKind, Language};

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
        let text = match language {
            Language::Fr => format!("Programme enregistré : {n} film(s) à l'affiche cette semaine."),
            Language::En => format!("Programme saved: {n} film(s) showing this week."),
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
        (model(&snap, language))
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
                    td { strong { (job.name) } br; small { (job.stages.join(" → ")) } }
                    @match &job.last {
                        Some(run) => {
                            td { (run.started_at.with_timezone(&job.timezone).format("%Y-%m-%d %H:%M")) " · " (run.logical_key) }
                            td { span class=(format!("status {}", run.status)) { (run.status) }
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

fn model(snap: &Snapshot, language: Language) -> maud::Markup {
    let lang = language;
    html! {
        section.operation #model {
            h2 { (t(language, "Modèle actif", "Active model")) }
            @match &snap.active_model {
                Some(run) => {
                    p { (t(language, "Exécution ", "Run ")) code { (run.run_id) }
                        @if let Some(p) = run.published_at { (t(language, ", publiée le ", ", published on ")) (p.format("%Y-%m-%d %H:%M UTC")) } }
                    table { tbody { @for (name, value) in numeric_metrics(&run.metrics) {
                        tr { td { code { (name) } } td.num { (lang.num(value, if value.fract() == 0.0 { 0 } else { 4 })) } }
                    } } }
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
    html! {
        section.operation #deliveries {
            h2 { (t(language, "Envois et abonnements", "Deliveries and subscriptions")) }
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
                    @for (status, count) in &snap.deliveries { tr { td { (status) } td.num { (count) } } }
                }
            }
        }
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
                        (f.customers) " " (t(language, "abonné(s)", "subscriber(s)")) }
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
                let why = problem.detail.split_once(": ").map_or(problem.detail.clone(), |(_, why)| why.to_owned());
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
