//! Subscriptions seen from the web, shared by the pages and the API: subscribing with double opt-in (a
//! confirmation message with a signed, time-limited link; nothing else is sent before it is followed),
//! confirming, and the one-click unsubscribe of a message's signed link (RFC 8058).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use cinepicks_domain::Language;
use cinepicks_domain::{Channel, Email, PhoneNumber};
use cinepicks_store::queries::customers::NewCustomer;

use super::AppState;
use super::api;
use super::language::ApiLanguage;
use super::problem::{ApiJson, Problem};
use super::rate_limit::Client;
use cinepicks_jobs::notify::links::ConfirmError;

/// Longest name accepted.
const MAX_NAME: usize = 100;
/// Most liked films a subscription may list.
const MAX_LIKES: usize = 20;

/// What someone fills in to subscribe (the form's fields and the API's body).
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubscribeRequest {
    /// How to greet them in messages.
    #[schema(example = "Camille Martin")]
    pub name: String,
    pub email: Option<String>,
    /// A French national number or an international one (`+33…`).
    pub phone: Option<String>,
    /// `email`, `sms` or both; each needs its address.
    #[schema(example = json!(["email"]))]
    pub channels: Vec<String>,
    /// Films they liked: IMDb ids or titles.
    #[serde(default)]
    pub likes: Vec<String>,
    /// IMDb genres they like.
    #[serde(default)]
    pub genres: Vec<String>,
    /// They agree to receive five film picks a week on these channels: must be true.
    pub consent: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubscribeOutcome {
    /// Always `confirmation_sent`: the same answer whether or not the address was known, so that the form
    /// tells nobody who is subscribed.
    #[schema(example = "confirmation_sent")]
    pub status: &'static str,
    /// Where to look for the confirmation, partly hidden.
    pub addresses: Vec<String>,
    /// Days the confirmation link works.
    pub valid_days: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// The token of the message's link (`…?token=TOKEN`).
    pub token: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConfirmOutcome {
    /// Always true on success: the weekly picks will be sent.
    pub confirmed: bool,
    /// False when it was already confirmed.
    pub changed: bool,
    /// `email` or `sms`.
    pub channel: String,
    /// The address, partly hidden.
    pub address: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnsubscribeOutcome {
    /// Always true on success: the subscription is stopped.
    pub unsubscribed: bool,
    /// False when it was already stopped.
    pub changed: bool,
    /// `email` or `sms`.
    pub channel: String,
    /// The address, partly hidden.
    pub address: String,
}

/// Checks the request and turns it into a customer for the store; otherwise every problem found (422, each
/// naming its field), in the visitor's language: the page shows them all at once, the API the first.
fn validate(state: &AppState, request: &SubscribeRequest, language: Language) -> Result<NewCustomer, Vec<Problem>> {
    let say = |fr: &str, en: &str| match language {
        Language::Fr => fr.to_owned(),
        Language::En => en.to_owned(),
    };
    let mut problems = Vec::new();
    let name = request.name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        let why = say("indiquez votre nom (100 caractères au plus)", "give your name (at most 100 characters)");
        problems.push(Problem::invalid("name", why));
    } else if !plausible_name(name) {
        let why = say(
            "un nom ne contient que des lettres, des espaces, des traits d'union, des apostrophes et des points",
            "a name holds only letters, spaces, hyphens, apostrophes and dots",
        );
        problems.push(Problem::invalid("name", why));
    }
    let filled = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    let (email_typed, phone_typed) = (filled(&request.email), filled(&request.phone));
    let email = email_typed.as_deref().and_then(|e| match Email::parse(e) {
        Ok(email) => Some(email),
        Err(_) => {
            let why = say("cette adresse e-mail n'est pas valide", "this e-mail address is not valid");
            problems.push(Problem::invalid("email", why));
            None
        }
    });
    let phone = phone_typed.as_deref().and_then(|p| match PhoneNumber::parse(p) {
        Ok(number) => Some(number),
        Err(_) => {
            let why = say(
                "ce numéro n'est pas un numéro de portable valide (06…, 07… ou +33…)",
                "this is not a valid mobile number (06…, 07… or +33…)",
            );
            problems.push(Problem::invalid("phone", why));
            None
        }
    });
    let destinations = &state.ctx.config.notify.sms.destinations;
    if let Some(number) = &phone {
        let allowed = number.mobile_region().is_some_and(|r| destinations.iter().any(|d| d.eq_ignore_ascii_case(&r)));
        if !allowed {
            let why = if destinations.len() == 1 && destinations[0].eq_ignore_ascii_case("FR") {
                say(
                    "seuls les numéros de portable français reçoivent nos SMS (06…, 07… ou +33 6…, +33 7…)",
                    "only French mobile numbers receive our text messages (06…, 07… or +33 6…, +33 7…)",
                )
            } else {
                match language {
                    Language::Fr => {
                        format!("seuls les numéros de portable de {} reçoivent nos SMS", destinations.join(", "))
                    }
                    Language::En => {
                        format!("only mobile numbers of {} receive our text messages", destinations.join(", "))
                    }
                }
            };
            problems.push(Problem::invalid("phone", why));
        }
    }
    let mut consent = Vec::new();
    for (i, channel) in request.channels.iter().enumerate() {
        match channel.parse::<Channel>() {
            Err(_) => {
                let why = say("canal inconnu : email ou sms", "unknown channel: email or sms");
                problems.push(Problem::invalid(format!("channels[{i}]"), why));
            }
            // An address typed but not valid is already said.
            Ok(Channel::Email) if email_typed.is_none() => {
                let why = say(
                    "indiquez votre adresse pour recevoir les films par e-mail",
                    "give your address to receive the films by e-mail",
                );
                problems.push(Problem::invalid("email", why));
            }
            Ok(Channel::Sms) if phone_typed.is_none() => {
                let why = say(
                    "indiquez votre numéro pour recevoir les films par SMS",
                    "give your number to receive the films by text message",
                );
                problems.push(Problem::invalid("phone", why));
            }
            Ok(channel) if !consent.contains(&channel) => consent.push(channel),
            Ok(_) => {}
        }
    }
    if request.channels.is_empty() {
        let why = say("choisissez l'e-mail, le SMS ou les deux", "choose e-mail, text message or both");
        problems.push(Problem::invalid("channels", why));
    }
    if !request.consent {
        let why = say(
            "cochez la case pour accepter de recevoir les films de la semaine",
            "tick the box to agree to receive the weekly films",
        );
        problems.push(Problem::invalid("consent", why));
    }
    let catalogue = state.catalogue();
    let mut likes = Vec::new();
    if request.likes.len() > MAX_LIKES {
        let why = match language {
            Language::Fr => format!("{MAX_LIKES} films au plus"),
            Language::En => format!("at most {MAX_LIKES} films"),
        };
        problems.push(Problem::invalid("likes", why));
    } else {
        for (i, like) in request.likes.iter().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            match api::resolve(&catalogue, &format!("likes[{i}]"), like, language) {
                Ok(film) => likes.push(film.film_id.clone()),
                Err(problem) => problems.push(problem),
            }
        }
    }
    let mut genres = Vec::new();
    for (i, genre) in request.genres.iter().enumerate() {
        match catalogue.genres.iter().find(|g| g.eq_ignore_ascii_case(genre.trim())) {
            Some(known) => genres.push(known.clone()),
            None => {
                let why = match language {
                    Language::Fr => format!("« {genre} » n'est pas un genre du catalogue"),
                    Language::En => format!("{genre:?} is not a genre of the catalogue"),
                };
                problems.push(Problem::invalid(format!("genres[{i}]"), why));
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(NewCustomer {
        name: name.to_owned(),
        locale: language,
        email,
        phone,
        consent,
        likes,
        genres,
        source: "web".to_owned(),
    })
}

/// A name as people write theirs: letters (any script), spaces, hyphens, apostrophes, and dots after an
/// initial. Refused: anything that reads as a link or an address (`www.evil.example`, `x@y`, `http://`), which
/// would otherwise be shown back to the visitor and kept in the cinema's files.
fn plausible_name(name: &str) -> bool {
    let chars: Vec<char> = name.chars().collect();
    chars.iter().enumerate().all(|(i, &c)| match c {
        c if c.is_alphabetic() || c == ' ' || c == '-' || c == '\'' || c == '’' => true,
        '.' => chars.get(i + 1).is_none_or(|next| *next == ' ' || *next == '-'),
        _ => false,
    })
}

/// Records the request and queues the confirmation messages due (the site's sender sends them within its caps
/// and pace): the answer is the same, and takes the same time, whatever the address's state.
pub async fn subscribe(
    state: &AppState,
    client: Option<std::net::IpAddr>,
    request: &SubscribeRequest,
    language: Language,
) -> Result<SubscribeOutcome, Vec<Problem>> {
    let customer = validate(state, request, language)?;
    // Counted once valid: a mistyped form corrected and sent again is not held against the visitor.
    if let Some(Err(wait)) = client.map(|ip| state.forms_limiter.check(ip, std::time::Instant::now())) {
        let why = match language {
            Language::Fr => {
                format!("trop d'inscriptions depuis cette adresse : réessayez dans {} s", wait.as_secs().max(1))
            }
            Language::En => {
                format!("too many subscriptions from this address: try again in {} s", wait.as_secs().max(1))
            }
        };
        return Err(vec![Problem::new(StatusCode::TOO_MANY_REQUESTS, why)]);
    }
    let sender = state.confirmations.as_ref().map_err(|why| {
        tracing::error!(error = %why, "a subscription was refused: confirmation messages cannot be sent");
        let why = match language {
            Language::Fr => "les inscriptions sont fermées pour l'instant : réessayez plus tard",
            Language::En => "subscriptions are closed for now: please try again later",
        };
        vec![Problem::new(StatusCode::SERVICE_UNAVAILABLE, why)]
    })?;
    let now = state.ctx.clock.now();
    let caps = state.ctx.config.notify.confirmations.caps();
    let request = state.store.request_subscription(&customer, caps, now).await.map_err(|e| vec![Problem::from(e)])?;
    if request.queued > 0 {
        sender.wake();
    }
    if request.capped > 0 {
        tracing::warn!(capped = request.capped, "a daily cap of confirmation messages is reached: none queued");
    }
    tracing::info!(
        queued = request.queued,
        already_active = request.already_active,
        throttled = request.throttled,
        capped = request.capped,
        "web subscription"
    );
    let addresses = customer.subscriptions().iter().map(|(_, address)| mask(address)).collect();
    Ok(SubscribeOutcome {
        status: "confirmation_sent",
        addresses,
        valid_days: cinepicks_jobs::notify::confirmation::VALID_FOR.num_days(),
    })
}

/// What confirming or unsubscribing did.
#[derive(Debug, Clone)]
pub struct Changed {
    /// `email` or `sms`.
    pub channel: String,
    /// The address, partly hidden (`c•••@example.org`): a forwarded link must not reveal it whole.
    pub masked_address: String,
    /// False when it was already so (clicking twice is fine).
    pub changed: bool,
}

/// Confirms the subscription of a confirmation link's token.
pub async fn confirm(state: &AppState, token: &str) -> Result<Changed, Problem> {
    let now = state.ctx.clock.now();
    let (id, expires) = state.signer.verify_confirm_expiry(token, now).map_err(|why| match why {
        ConfirmError::Invalid => {
            Problem::invalid("token", "this confirmation link is not valid (mistyped, cut, or not from the cinema)")
        }
        ConfirmError::Expired => Problem {
            field: Some("token".into()),
            ..Problem::new(StatusCode::GONE, "token: this confirmation link has expired; subscribe again")
        },
    })?;
    let issued = expires - cinepicks_jobs::notify::confirmation::VALID_FOR;
    let done = state.store.confirm_subscription(id, issued, now).await?.ok_or_else(|| {
        Problem::new(
            StatusCode::GONE,
            "this confirmation link no longer works (the subscription was stopped or removed since); subscribe again",
        )
    })?;
    if done.changed {
        tracing::info!(subscription = id, channel = %done.subscription.channel, "subscription confirmed");
    }
    Ok(Changed {
        masked_address: mask(&done.subscription.address),
        channel: done.subscription.channel.to_string(),
        changed: done.changed,
    })
}

/// Checks the token's signature, then stops that subscription and records when.
pub async fn unsubscribe(state: &AppState, token: &str) -> Result<Changed, Problem> {
    let id = check(state, token)?;
    let subscription = state.store.subscription(id).await?.ok_or_else(|| {
        Problem::new(StatusCode::GONE, "this subscription no longer exists; nothing more will be sent to it")
    })?;
    let changed = state.store.unsubscribe_subscription(id, state.ctx.clock.now()).await?;
    if changed {
        tracing::info!(subscription = id, channel = %subscription.channel, "unsubscribed by one-click link");
    }
    Ok(Changed { masked_address: mask(&subscription.address), channel: subscription.channel.to_string(), changed })
}

/// The subscription id of a genuine token; a 422 naming `token` for anything else (forged, truncated, empty).
pub fn check(state: &AppState, token: &str) -> Result<i32, Problem> {
    if token.trim().is_empty() {
        return Err(Problem::invalid("token", "missing: use the link of the message you received"));
    }
    state.signer.verify_unsubscribe(token).ok_or_else(|| {
        Problem::invalid("token", "this unsubscribe link is not valid (mistyped, cut, or not from the cinema)")
    })
}

/// `camille@example.org` → `c•••@example.org`; `+33600000001` → `+33•••••••01`.
pub fn mask(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}•••@{domain}")
        }
        None => {
            let chars: Vec<char> = address.chars().collect();
            if chars.len() <= 5 {
                return "•".repeat(chars.len());
            }
            let head: String = chars[..3].iter().collect();
            let tail: String = chars[chars.len() - 2..].iter().collect();
            format!("{head}{}{tail}", "•".repeat(chars.len() - 5))
        }
    }
}

// ---- API handlers ----

/// Subscribes to the weekly picks. Nothing is sent but a confirmation message until its link is followed.
#[utoipa::path(post, path = "/api/v1/subscriptions", tag = "subscriptions", request_body = SubscribeRequest,
    params(("lang" = Option<String>, Query, description = "Language of the messages: fr or en")),
    responses(
        (status = 202, description = "A confirmation message is on its way", body = SubscribeOutcome),
        (status = 422, description = "A field is missing or invalid (named in `field`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many subscriptions from this address", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The confirmation could not be sent now", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn subscribe_endpoint(
    State(state): State<AppState>,
    ApiLanguage(language): ApiLanguage,
    Client(client): Client,
    ApiJson(request): ApiJson<SubscribeRequest>,
) -> Result<(StatusCode, Json<SubscribeOutcome>), Problem> {
    // The first problem: a problem detail names one field (the site's form shows them all).
    let outcome =
        subscribe(&state, client, &request, language).await.map_err(|mut problems| problems.swap_remove(0))?;
    Ok((StatusCode::ACCEPTED, Json(outcome)))
}

/// Confirms a subscription with the token of its confirmation message's link.
#[utoipa::path(post, path = "/api/v1/subscriptions/confirm", tag = "subscriptions", request_body = TokenRequest,
    responses(
        (status = 200, description = "Confirmed (or already confirmed)", body = ConfirmOutcome),
        (status = 410, description = "The link expired, or the subscription no longer exists", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The token is missing, forged or cut", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn confirm_endpoint(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<TokenRequest>,
) -> Result<Json<ConfirmOutcome>, Problem> {
    let done = confirm(&state, &request.token).await?;
    Ok(Json(ConfirmOutcome {
        confirmed: true,
        changed: done.changed,
        channel: done.channel,
        address: done.masked_address,
    }))
}

/// One-click unsubscribe with the token of a message's link (the same as `POST /unsubscribe?token=…`).
#[utoipa::path(post, path = "/api/v1/unsubscribe", tag = "subscriptions", request_body = TokenRequest,
    responses(
        (status = 200, description = "Stopped (or already stopped)", body = UnsubscribeOutcome),
        (status = 410, description = "The subscription no longer exists", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The token is missing, forged or cut", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn unsubscribe_endpoint(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<TokenRequest>,
) -> Result<Json<UnsubscribeOutcome>, Problem> {
    let done = unsubscribe(&state, &request.token).await?;
    Ok(Json(UnsubscribeOutcome {
        unsubscribed: true,
        changed: done.changed,
        channel: done.channel,
        address: done.masked_address,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_shown_partly_hidden() {
        assert_eq!(mask("camille@example.org"), "c•••@example.org");
        assert_eq!(mask("+33600000001"), "+33•••••••01");
        assert_eq!(mask("123"), "•••");
    }
}
