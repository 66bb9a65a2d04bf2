//! What every request shares: the store, the published catalogue and the models, reloaded when a newer run is
//! published; the link signer, the confirmation sender, the rate limiters and the owner's sessions.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

use anyhow::{Context as _, Result};

use cinepicks_jobs::context::Context;
use cinepicks_jobs::model_runs;
use cinepicks_jobs::notify::confirmation::ConfirmationSender;
use cinepicks_jobs::notify::links::LinkSigner;
use cinepicks_jobs::storage::{self, Area};
use cinepicks_pipeline::audience::model::StoredAudience;
use cinepicks_pipeline::popularity::artefacts::StoredPopularity;
use cinepicks_store::Store;

use crate::catalogue::Catalogue;
use crate::config::ServeConfig;
use crate::rate_limit::RateLimiter;
use crate::{owner, problem};

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
    /// The `serve` section of the configuration.
    pub config: ServeConfig,
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
    /// Feedback per client: a burst of votes from one address is refused.
    pub feedback_limiter: RateLimiter,
    pub sessions: Arc<owner::session::Sessions>,
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
    pub(crate) async fn refresh(&self) -> Result<bool> {
        let current = self.catalogue();
        let active = self.store.active_run().await?.map(|r| r.run_id);
        let films = self.store.film_count().await?;
        if active == current.run_id && films == current.films.len() as u64 {
            return Ok(false);
        }
        let fresh = Catalogue::load(&self.store).await?;
        tracing::info!(run = ?fresh.run_id, films = fresh.films.len(), "published catalogue reloaded");
        *self.catalogue.write().expect("catalogue lock") = Arc::new(fresh);
        // Shared model runs that cannot be read just now: the models already loaded keep answering.
        if let Some((popularity, audience)) = load_models(&self.ctx).await {
            *self.popularity.write().expect("popularity lock") = popularity;
            *self.audience.write().expect("audience lock") = audience;
        }
        Ok(true)
    }
}

/// The popularity and audience models of the latest runs that have them; `None` when the model runs are on
/// shared storage that cannot be read.
async fn load_models(ctx: &Context) -> Option<(Option<Arc<Popularity>>, Option<Arc<Audience>>)> {
    // On shared storage, the models are the data folder's mirror of the current version, copied first.
    let shared = ctx.clone();
    let ctx = match tokio::task::spawn_blocking(move || storage::pull(&shared, &[Area::Models])).await {
        Ok(Ok(mirrored)) => mirrored,
        Ok(Err(error)) => {
            tracing::warn!(error = format!("{error:#}"), "the shared model runs cannot be read");
            return None;
        }
        Err(error) => {
            tracing::warn!(error = %error, "reading the shared model runs panicked");
            return None;
        }
    };
    let ctx = &ctx;
    let popularity =
        load("popularity", "/popularity/predict", model_runs::latest_popularity(&ctx.paths.models), |dir| {
            StoredPopularity::load(dir).map_err(|e| e.to_string())
        });
    let audience = load("audience", "/audience and /suggest", model_runs::latest_audience(&ctx.paths.models), |dir| {
        StoredAudience::load(dir).map_err(|e| e.to_string())
    });
    Some((popularity.await, audience.await))
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

/// Verdicts ("J'aime", "Pas pour moi", "Déjà vu") one client may send a minute: a customer going through a
/// week's five films and a few more, not a script voting for the whole catalogue.
const FEEDBACK_PER_MINUTE: u32 = 30;

/// Opens the store, loads the snapshot and the models.
pub async fn state(ctx: &Context, config: &ServeConfig) -> Result<AppState> {
    let store = cinepicks_jobs::store::open(ctx).await?;
    let catalogue = Catalogue::load(&store).await.context("reading the published catalogue")?;
    if catalogue.films.is_empty() {
        tracing::warn!("the store has no films yet: run `cinepicks publish` (or the demo); the site will be empty");
    }
    let (popularity, audience) = load_models(ctx).await.unwrap_or_default();
    let signer = cinepicks_jobs::notify::link_signer(ctx)?;
    let confirmations = ConfirmationSender::from_context(ctx, signer.clone()).map_err(|e| format!("{e:#}"));
    if let Err(why) = &confirmations {
        tracing::warn!(error = %why, "confirmation messages cannot be sent: subscribing on the site is closed");
    }
    Ok(Arc::new(Shared {
        ctx: ctx.clone(),
        config: config.clone(),
        store,
        catalogue: RwLock::new(Arc::new(catalogue)),
        popularity: RwLock::new(popularity),
        audience: RwLock::new(audience),
        signer,
        confirmations,
        rate_limiter: RateLimiter::new(config.rate_limit_per_minute),
        forms_limiter: RateLimiter::new(FORMS_PER_MINUTE),
        feedback_limiter: RateLimiter::new(FEEDBACK_PER_MINUTE),
        sessions: Arc::new(owner::session::Sessions::new(
            &config.owner_password_hash_env,
            &config.session_key_env,
            config.owner_session_hours,
            config.secure_cookies,
        )),
    }))
}
