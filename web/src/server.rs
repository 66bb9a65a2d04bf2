//! The HTTP server: the router with its limits and security headers, serving until a signal with timeouts on
//! every connection; beside it the watcher that reloads the catalogue when a newer run is published, and the
//! sender of the queued confirmation messages.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context as _, Result};
use axum::Router;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use cinepicks_jobs::context::Context;

use crate::config::ServeConfig;
use crate::state::{AppState, state};
use crate::{
    api, assets, feedback, openapi, owner, pages, posters, problem, programme, rate_limit, subscription_pages,
};

/// Headers of every response: no script or style from elsewhere (posters may come from any HTTPS host), no
/// MIME sniffing, referrers only within the site (links carry tokens), no framing.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' https: data:; style-src 'self'; \
     script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The whole application: pages, assets and the API, with limits and security headers.
pub fn router(state: AppState) -> Router {
    let config = &state.config;
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
        .merge(programme::routes())
        .merge(posters::routes())
        .merge(subscription_pages::routes())
        .merge(feedback::routes())
        .merge(owner::routes())
        .merge(assets::routes())
        .nest(
            "/api",
            api::routes().merge(feedback::api_routes()).merge(openapi::routes()).fallback(api::unknown_endpoint),
        )
        .fallback(pages::not_found)
        // Every page and endpoint, unknown ones included (guessing short links or tokens meets the limit).
        .layer(axum::middleware::from_fn_with_state(state.clone(), rate_limit::limit))
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
/// `on_ready` learns the address listened on (port 0 picks a free one) and what is loaded, before the first request.
pub fn run(ctx: &Context, config: &ServeConfig, on_ready: impl FnOnce(&Ready)) -> Result<Served> {
    let addr: SocketAddr = config.addr.parse().context("serve.addr")?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the runtime")?;
    runtime.block_on(serve(ctx, config, addr, on_ready))
}

/// The server is listening.
#[derive(Debug, Clone)]
pub struct Ready {
    pub addr: SocketAddr,
    pub films: usize,
    pub popularity_model: bool,
    pub audience_model: bool,
}

/// The server stopped after a signal.
#[derive(Debug, Clone)]
pub struct Served {
    pub addr: SocketAddr,
}

async fn serve(ctx: &Context, config: &ServeConfig, addr: SocketAddr, on_ready: impl FnOnce(&Ready)) -> Result<Served> {
    let state = state(ctx, config).await?;
    let listener =
        tokio::net::TcpListener::bind(addr).await.with_context(|| format!("listening on {addr} (serve.addr)"))?;
    let local = listener.local_addr()?;
    on_ready(&Ready {
        addr: local,
        films: state.catalogue().films.len(),
        popularity_model: state.popularity().is_some(),
        audience_model: state.audience().is_some(),
    });

    let request_timeout = state.config.request_timeout_secs;
    let header_timeout = Duration::from_secs(state.config.header_read_timeout_secs);
    let watcher = tokio::spawn(watch(state.clone()));
    let sender_state = state.clone();
    let sender = tokio::spawn(async move {
        if let Ok(sender) = &sender_state.confirmations {
            sender.run(&sender_state.store, sender_state.ctx.clock.as_ref()).await;
        }
    });
    let proxies = state.config.trusted_proxies.clone();
    let app = router(state);
    let (stopping, stopped) = tokio::sync::oneshot::channel::<()>();
    let signal = async move {
        let signal = cinepicks_jobs::shutdown::signal().await;
        tracing::info!(signal, "stopping: finishing the requests in flight");
        let _ = stopping.send(());
    };
    // A request cannot outlive its timeout, so after the signal the server gets that long (and a margin) to
    // drain; a client holding its connection open beyond that does not keep the process alive.
    let grace = Duration::from_secs(request_timeout + 2);
    tokio::select! {
        () = serve_connections(listener, app, header_timeout, &proxies, signal) => {}
        _ = async { if stopped.await.is_ok() { tokio::time::sleep(grace).await } else { std::future::pending::<()>().await } } => {
            tracing::warn!(seconds = grace.as_secs(), "connections still open after the grace period: stopping anyway");
        }
    };
    watcher.abort();
    // A message being sent when the server stops stays queued and goes at the next start (at most once more).
    sender.abort();
    Ok(Served { addr: local })
}

/// Connections open at once; past it new ones wait to be accepted (file descriptors stay available).
const MAX_CONNECTIONS: usize = 1024;
/// Connections one client may hold open at once (a proxy's connections are not counted per client).
const MAX_CONNECTIONS_PER_CLIENT: u32 = 32;

/// Accepts connections until `shutdown` resolves, then lets each finish its request in flight and returns
/// when all are closed. Each connection is HTTP/1 with a header-read timeout: one that sends no complete
/// request head within `header_timeout` (a silent or trickling client, or an idle kept-alive one) is closed.
/// At most [`MAX_CONNECTIONS`] are open, [`MAX_CONNECTIONS_PER_CLIENT`] of them from one client (an IPv6 /64),
/// so that one client reconnecting again and again cannot hold them all.
async fn serve_connections(
    listener: tokio::net::TcpListener,
    app: Router,
    header_timeout: Duration,
    proxies: &[IpAddr],
    shutdown: impl std::future::Future<Output = ()>,
) {
    let open = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let per_client: ClientCounts = Arc::new(Mutex::new(HashMap::new()));
    use tower::ServiceExt as _;
    // A value sent on `close` asks every connection to finish; `close.closed()` resolves once they all have.
    let (close, closing) = tokio::sync::watch::channel(());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let Ok(slot) = open.clone().acquire_owned().await else { break };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors, typically: wait a little rather than spin.
                    tracing::warn!(error = %err, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let client = crate::rate_limit::client_key(peer.ip());
        let counted = !proxies.contains(&peer.ip().to_canonical());
        if counted {
            let mut clients = per_client.lock().unwrap_or_else(|p| p.into_inner());
            let held = clients.entry(client).or_insert(0);
            if *held >= MAX_CONNECTIONS_PER_CLIENT {
                tracing::debug!(client = %client, "too many connections from one client: refused");
                continue;
            }
            *held += 1;
        }
        let release = ConnectionGuard { per_client: counted.then(|| (per_client.clone(), client)), _slot: slot };
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
            // The peer's address feeds the rate limit (as `into_make_service_with_connect_info` would).
            request.extensions_mut().insert(axum::extract::ConnectInfo(peer));
            app.clone().oneshot(request)
        });
        let mut closing = closing.clone();
        tokio::spawn(async move {
            let _release = release;
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder.timer(hyper_util::rt::TokioTimer::new()).header_read_timeout(header_timeout);
            let connection = builder.serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(err) = result {
                        tracing::debug!(error = %err, client = %peer, "connection closed on an error");
                    }
                }
                _ = closing.changed() => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
        });
    }
    drop(listener);
    drop(closing);
    let _ = close.send(());
    close.closed().await;
}

/// Connections open per client.
type ClientCounts = Arc<Mutex<HashMap<IpAddr, u32>>>;

/// Gives back a connection's slot, and its client's count, when the connection ends.
struct ConnectionGuard {
    per_client: Option<(ClientCounts, IpAddr)>,
    _slot: tokio::sync::OwnedSemaphorePermit,
}

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        if let Some((clients, client)) = &self.per_client {
            let mut clients = clients.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(held) = clients.get_mut(client) {
                *held -= 1;
                if *held == 0 {
                    clients.remove(client);
                }
            }
        }
    }
}

/// Checks for a newly published run every `serve.reload_secs`; a failed check is logged and retried.
async fn watch(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(state.config.reload_secs));
    tick.tick().await;
    loop {
        tick.tick().await;
        if let Err(err) = state.refresh().await {
            tracing::warn!(error = %format!("{err:#}"), "checking for a new published run failed");
        }
    }
}
