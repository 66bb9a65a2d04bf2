//! `cinepicks serve`: the customers' web site and the REST API, on axum, read from the published store.
//!
//! - `catalogue`: the snapshot of the store that requests read (films, titles, neighbours), swapped when a newer
//!   run is published; `language`: French or English per request;
//! - `api`: `/api/v1` in JSON; `problem`: RFC 9457 errors; `openapi`: the API's document and docs page;
//! - `pages`: the HTML pages; `assets`: the stylesheet, placeholder poster and search suggestions script;
//! - `owner`: the owner's pages behind a sign-in (dashboard, model tools, operations);
//! - `subscriptions`: subscribing with double opt-in, confirming and one-click unsubscribe, shared by the API and
//!   `subscription_pages`; `rate_limit`: requests per client.

pub mod api;
pub mod assets;
pub mod catalogue;
pub mod language;
pub mod openapi;
pub mod owner;
pub mod pages;
pub mod problem;
pub mod rate_limit;
pub mod subscription_pages;
pub mod subscriptions;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use anyhow::{Context as _, Result};
use axum::Router;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use serde::{Deserialize, Serialize};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use cinepicks_pipeline::audience::model::StoredAudience;
use cinepicks_pipeline::popularity::artefacts::StoredPopularity;
use cinepicks_store::Store;

use crate::context::{Context, Metrics};
use crate::notify::confirmation::ConfirmationSender;
use crate::notify::links::LinkSigner;
use catalogue::Catalogue;
use rate_limit::RateLimiter;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ServeConfig {
    /// Address and port to listen on.
    pub addr: String,
    /// A request still running after this is answered 503.
    pub request_timeout_secs: u64,
    /// Largest request body accepted.
    pub body_limit_bytes: usize,
    /// Seconds between two checks for a newly published run.
    pub reload_secs: u64,
    /// Films on the home page.
    pub home_films: usize,
    /// Requests a minute one client may make to the API (0: no limit).
    pub rate_limit_per_minute: u32,
    /// Behind a reverse proxy: the client is the last address of `X-Forwarded-For`, not the connection's peer.
    pub behind_proxy: bool,
    /// Environment variable holding the Argon2id hash of the owner's password (unset: owner pages closed).
    pub owner_password_hash_env: String,
    pub owner_session_hours: u32,
    /// The owner's session cookie is sent over HTTPS only (browsers also allow http://localhost).
    pub secure_cookies: bool,
}

impl ServeConfig {
    pub fn validate(&self) -> Result<(), String> {
        self.addr.parse::<SocketAddr>().map_err(|e| {
            format!("serve.addr: {:?} is not an address and port such as 127.0.0.1:8080 ({e})", self.addr)
        })?;
        if !(1..=300).contains(&self.request_timeout_secs) {
            return Err("serve.request_timeout_secs: must be between 1 and 300".into());
        }
        if !(1024..=10 << 20).contains(&self.body_limit_bytes) {
            return Err("serve.body_limit_bytes: must be between 1024 and 10485760".into());
        }
        if self.reload_secs == 0 {
            return Err("serve.reload_secs: must be at least 1".into());
        }
        if !(1..=100).contains(&self.home_films) {
            return Err("serve.home_films: must be between 1 and 100".into());
        }
        if !(1..=168).contains(&self.owner_session_hours) {
            return Err("serve.owner_session_hours: must be between 1 and 168".into());
        }
        Ok(())
    }
}

#[derive(Debug, Default, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address and port to listen on [default: serve.addr]; port 0 picks a free port (printed at start).
    #[arg(long, value_name = "HOST:PORT")]
    pub addr: Option<SocketAddr>,
}

/// A model of the latest run that has one, loaded once; XGBoost predicts one request at a time.
pub struct Loaded<M> {
    pub run: PathBuf,
    pub model: Mutex<M>,
}

impl<M: Send + 'static> Loaded<M> {
    /// Runs `f` on the model on the blocking pool, one request at a time.
    pub async fn call<R: Send + 'static>(
        self: Arc<Self>,
        f: impl FnOnce(&M) -> Result<R, problem::Problem> + Send + 'static,
    ) -> Result<R, problem::Problem> {
        tokio::task::spawn_blocking(move || {
            let model = self.model.lock().map_err(|_| problem::Problem::internal("a model lock is poisoned"))?;
            f(&model)
        })
        .await
        .map_err(problem::Problem::internal)?
    }
}

pub type Popularity = Loaded<StoredPopularity>;
pub type Audience = Loaded<StoredAudience>;

/// What every request shares.
pub struct Shared {
    pub ctx: Context,
    pub store: Store,
    catalogue: RwLock<Arc<Catalogue>>,
    popularity: RwLock<Option<Arc<Popularity>>>,
    audience: RwLock<Option<Arc<Audience>>>,
    pub signer: LinkSigner,
    /// Sends the double opt-in messages; why it cannot, when the transports are misconfigured (subscribing
    /// is then refused, the rest of the site works).
    pub confirmations: Result<ConfirmationSender, String>,
    pub rate_limiter: RateLimiter,
    /// Owner sign-ins and subscriptions per client, a few a minute: guessing the owner's password stays slow,
    /// and the subscription form cannot be used to send confirmations in bulk.
    pub forms_limiter: RateLimiter,
    pub sessions: owner::session::Sessions,
}

pub type AppState = Arc<Shared>;

impl Shared {
    /// The current snapshot; a reload swaps it without disturbing requests holding the previous one.
    pub fn catalogue(&self) -> Arc<Catalogue> {
        self.catalogue.read().expect("catalogue lock").clone()
    }

    pub fn popularity(&self) -> Option<Arc<Popularity>> {
        self.popularity.read().expect("popularity lock").clone()
    }

    pub fn audience(&self) -> Option<Arc<Audience>> {
        self.audience.read().expect("audience lock").clone()
    }

    /// Reloads the snapshot when the active run or the number of films changed; true when it did.
    async fn refresh(&self) -> Result<bool> {
        let current = self.catalogue();
        let active = self.store.active_run().await?.map(|r| r.run_id);
        let films = self.store.film_count().await?;
        if active == current.run_id && films == current.films.len() as u64 {
            return Ok(false);
        }
        let fresh = Catalogue::load(&self.store).await?;
        tracing::info!(run = ?fresh.run_id, films = fresh.films.len(), "published catalogue reloaded");
        *self.catalogue.write().expect("catalogue lock") = Arc::new(fresh);
        let (popularity, audience) = load_models(&self.ctx).await;
        *self.popularity.write().expect("popularity lock") = popularity;
        *self.audience.write().expect("audience lock") = audience;
        Ok(true)
    }
}

/// The popularity and audience models of the latest runs that have them.
async fn load_models(ctx: &Context) -> (Option<Arc<Popularity>>, Option<Arc<Audience>>) {
    let popularity = load("popularity", "/popularity/predict", crate::predict::latest_run(&ctx.paths.models), |dir| {
        StoredPopularity::load(dir).map_err(|e| e.to_string())
    });
    let audience = load("audience", "/audience and /suggest", crate::audience::latest_run(&ctx.paths.models), |dir| {
        StoredAudience::load(dir).map_err(|e| e.to_string())
    });
    (popularity.await, audience.await)
}

/// Loads one model on the blocking pool; a model that fails to load turns its endpoints off, with a warning.
async fn load<M: Send + 'static>(
    name: &'static str,
    endpoints: &'static str,
    run: Option<PathBuf>,
    read: fn(&std::path::Path) -> Result<M, String>,
) -> Option<Arc<Loaded<M>>> {
    let run = run?;
    let dir = run.clone();
    match tokio::task::spawn_blocking(move || read(&dir)).await {
        Ok(Ok(model)) => Some(Arc::new(Loaded { run, model: Mutex::new(model) })),
        Ok(Err(error)) => {
            tracing::warn!(model = name, run = %run.display(), error, "model not loaded: {endpoints} is off");
            None
        }
        Err(error) => {
            tracing::warn!(model = name, error = %error, "loading the model panicked");
            None
        }
    }
}

/// Owner sign-ins and subscriptions one client may send a minute.
const FORMS_PER_MINUTE: u32 = 10;

/// Opens the store, loads the snapshot and the models.
pub async fn state(ctx: &Context) -> Result<AppState> {
    let store = crate::store::open(ctx).await?;
    let catalogue = Catalogue::load(&store).await.context("reading the published catalogue")?;
    if catalogue.films.is_empty() {
        tracing::warn!("the store has no films yet: run `cinepicks publish` (or the demo); the site will be empty");
    }
    let (popularity, audience) = load_models(ctx).await;
    let signer = crate::notify::link_signer(ctx)?;
    let confirmations = ConfirmationSender::from_context(ctx, signer.clone()).map_err(|e| format!("{e:#}"));
    if let Err(why) = &confirmations {
        tracing::warn!(error = %why, "confirmation messages cannot be sent: subscribing on the site is closed");
    }
    Ok(Arc::new(Shared {
        ctx: ctx.clone(),
        store,
        catalogue: RwLock::new(Arc::new(catalogue)),
        popularity: RwLock::new(popularity),
        audience: RwLock::new(audience),
        signer,
        confirmations,
        rate_limiter: RateLimiter::new(ctx.config.serve.rate_limit_per_minute),
        forms_limiter: RateLimiter::new(FORMS_PER_MINUTE),
        sessions: owner::session::Sessions::new(
            &ctx.config.serve.owner_password_hash_env,
            ctx.config.serve.owner_session_hours,
            ctx.config.serve.secure_cookies,
        ),
    }))
}

/// Headers of every response: no script or style from elsewhere (posters may come from any HTTPS host), no
/// MIME sniffing, referrers only within the site (links carry tokens), no framing.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' https: data:; style-src 'self'; \
     script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The whole application: pages, assets and the API, with limits and security headers.
pub fn router(state: AppState) -> Router {
    let config = &state.ctx.config.serve;
    let timeout = Duration::from_secs(config.request_timeout_secs);
    let body_limit = config.body_limit_bytes;
    let security_headers = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ];
    let mut app = Router::new()
        .merge(pages::routes())
        .merge(subscription_pages::routes())
        .merge(owner::routes())
        .merge(assets::routes())
        .nest(
            "/api",
            api::routes()
                .layer(axum::middleware::from_fn_with_state(state.clone(), rate_limit::limit))
                .merge(openapi::routes())
                .fallback(api::unknown_endpoint),
        )
        .fallback(pages::not_found)
        .with_state(state)
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, timeout))
        .layer(RequestBodyLimitLayer::new(body_limit))
        // Outside the limits, so that their bare 413 and 503 become problems on /api too.
        .layer(axum::middleware::from_fn(problem::ensure_problem));
    for (name, value) in security_headers {
        app = app.layer(SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value)));
    }
    app.layer(SetResponseHeaderLayer::if_not_present(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    ))
}

/// `cinepicks serve`: serves until SIGINT or SIGTERM, then finishes the requests in flight.
pub fn run(ctx: &Context, args: &ServeArgs) -> Result<Metrics> {
    let addr = match args.addr {
        Some(addr) => addr,
        None => ctx.config.serve.addr.parse().context("serve.addr")?,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the runtime")?;
    runtime.block_on(serve(ctx, addr))
}

async fn serve(ctx: &Context, addr: SocketAddr) -> Result<Metrics> {
    let state = state(ctx).await?;
    let listener =
        tokio::net::TcpListener::bind(addr).await.with_context(|| format!("listening on {addr} (serve.addr)"))?;
    let local = listener.local_addr()?;
    let films = state.catalogue().films.len();
    // The first line of stdout is the URL: scripts and tests started with port 0 read the real port there.
    println!("Serving the site on http://{local}/ (API docs: http://{local}/api/docs); Ctrl-C stops.");
    let yes_no = |loaded: bool| if loaded { "yes" } else { "no" };
    println!(
        "  {films} films, popularity model: {}, audience model: {}",
        yes_no(state.popularity().is_some()),
        yes_no(state.audience().is_some())
    );
    use std::io::Write as _;
    std::io::stdout().flush().ok();

    let state_timeout = state.ctx.config.serve.request_timeout_secs;
    let watcher = tokio::spawn(watch(state.clone()));
    let app = router(state);
    // The peer's address feeds the rate limit.
    let app = app.into_make_service_with_connect_info::<SocketAddr>();
    let (stopping, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        let signal = crate::daemon::shutdown_signal().await;
        tracing::info!(signal, "stopping: finishing the requests in flight");
        let _ = stopping.send(());
    });
    // A request cannot outlive its timeout, so after the signal the server gets that long (and a margin) to
    // drain; a client holding its connection open beyond that does not keep the process alive.
    let grace = Duration::from_secs(state_timeout + 2);
    let outcome = tokio::select! {
        served = server.into_future() => served.context("serving HTTP"),
        _ = async { if stopped.await.is_ok() { tokio::time::sleep(grace).await } else { std::future::pending::<()>().await } } => {
            tracing::warn!(seconds = grace.as_secs(), "connections still open after the grace period: stopping anyway");
            Ok(())
        }
    };
    watcher.abort();
    outcome?;
    let mut metrics = Metrics::default();
    metrics.insert("addr", local.to_string());
    Ok(metrics)
}

/// Checks for a newly published run every `serve.reload_secs`; a failed check is logged and retried.
async fn watch(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(state.ctx.config.serve.reload_secs));
    tick.tick().await;
    loop {
        tick.tick().await;
        if let Err(err) = state.refresh().await {
            tracing::warn!(error = %format!("{err:#}"), "checking for a new published run failed");
        }
    }
}
