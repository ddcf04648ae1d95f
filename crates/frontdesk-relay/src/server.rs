//! The HTTP side: the WebSocket endpoint, the health check, the app's files, and shutdown.

use std::sync::Arc;

use axum::Router;
use axum::extract::{ConnectInfo, State, WebSocketUpgrade};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::serve::ListenerExt;
use futures_util::StreamExt;
use tokio::net::TcpListener;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::connection;
use crate::relay::Relay;

/// The relay's routes: `/sync`, `/healthz`, and the app: any other path falls back to
/// `index.html`, and a folder of the app with its own `index.html` is an app of its own (paths
/// under `/<folder>` fall back to that one).
pub fn app(relay: Arc<Relay>) -> Router {
    let router = Router::new().route("/sync", get(sync)).route("/healthz", get(health)).with_state(relay.clone());
    with_app_files(router, &relay)
        .layer(SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ))
}

/// What a page of the app may load: its own scripts (none inline: `cargo xtask dist` moves the
/// one Trunk writes into a file) and wasm, its own styles (style attributes included, which
/// Leptos sets), images of its own or `data:` (card photos), sockets to its own origin; it may
/// not be framed, post forms elsewhere or change its base.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The app's files on `router`, when the relay serves an app.
fn with_app_files(router: Router, relay: &Arc<Relay>) -> Router {
    let mut router = router;
    match &relay.config.dist_dir {
        Some(dist) => {
            for (name, folder) in nested_apps(dist) {
                router = router.nest_service(&format!("/{name}"), app_files(&folder));
            }
            router
                .fallback_service(app_files(dist))
                .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-cache")))
                // A file's body depends on the browser's Accept-Encoding (its gzip copy or not):
                // a cache between the relay and a device must keep the two apart.
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::VARY,
                    HeaderValue::from_static("accept-encoding"),
                ))
        }
        None => {
            router.fallback(|| async { (StatusCode::NOT_FOUND, "This relay serves no app (start it with --dist).") })
        }
    }
}

/// An app's folder: its files, `index.html` for any other path, each sent as the `.gz` next to it
/// when there is one and the browser takes gzip (`cargo xtask dist` writes them: a device
/// downloads about 40 % of the files' size).
fn app_files(folder: &std::path::Path) -> ServeDir<ServeFile> {
    let index = ServeFile::new(folder.join("index.html")).precompressed_gzip();
    ServeDir::new(folder).precompressed_gzip().fallback(index)
}

/// The folders of `dist` that hold an `index.html`, by name.
fn nested_apps(dist: &std::path::Path) -> Vec<(String, std::path::PathBuf)> {
    let Ok(entries) = std::fs::read_dir(dist) else { return Vec::new() };
    let mut apps: Vec<(String, std::path::PathBuf)> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.join("index.html").is_file())
        .filter_map(|p| Some((p.file_name()?.to_str()?.to_owned(), p)))
        // A plain name that is not one of the relay's own routes (a route pattern would panic).
        .filter(|(name, _)| {
            !matches!(name.as_str(), "sync" | "healthz")
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .collect();
    apps.sort();
    apps
}

/// Read and write buffer of each device's socket.
const SOCKET_BUFFER: usize = 8 * 1024;

/// Whether a page from `origin` may open a socket here: one of the relay's own pages (the origin
/// names the host the request was sent to), or one the operator allowed. A request with no
/// Origin is no browser page's (browsers always send one with a WebSocket).
fn origin_allowed(headers: &HeaderMap, allowed: &[String]) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else { return true };
    let Ok(origin) = origin.to_str() else { return false };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
    let own = ["http://", "https://"].iter().any(|scheme| origin.strip_prefix(scheme) == Some(host));
    (own && !host.is_empty()) || allowed.iter().any(|a| a.trim_end_matches('/') == origin)
}

async fn sync(
    State(relay): State<Arc<Relay>>,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    if !origin_allowed(&headers, &relay.config.allowed_origins) {
        let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()).unwrap_or("?");
        tracing::warn!(%addr, %origin, "socket refused: a page of another origin (allow it with --allow-origin)");
        return (StatusCode::FORBIDDEN, "this page may not connect to this relay").into_response();
    }
    let Some(permit) = relay.admit() else {
        tracing::warn!(%addr, limit = relay.config.max_connections, "connection refused: too many connections");
        return (StatusCode::SERVICE_UNAVAILABLE, "too many connections").into_response();
    };
    // Let frames a little over the limit through the transport so we can close with a clear code.
    let transport_limit = relay.config.max_frame.saturating_mul(2).max(64 * 1024);
    // Small socket buffers: most devices sit idle, and the default 128 KiB each for reading and
    // writing made 5,000 idle devices cost 690 MB. Frames larger than a buffer still go through.
    upgrade
        .read_buffer_size(SOCKET_BUFFER)
        .write_buffer_size(SOCKET_BUFFER)
        .max_message_size(transport_limit)
        .max_frame_size(transport_limit)
        .on_upgrade(move |socket| async move {
            let (sink, stream) = socket.split();
            connection::serve(sink, stream, relay, addr.to_string()).await;
            drop(permit);
        })
}

async fn health(State(relay): State<Arc<Relay>>) -> Response {
    let db = relay.store.doc_count().await;
    let body = |status: &str, docs: Option<u64>| {
        serde_json::json!({
            "status": status,
            "documents": docs,
            "connections": relay.open_connections(),
            "subscribed_documents": relay.hub.subscribed_docs(),
            "version": env!("CARGO_PKG_VERSION"),
        })
        .to_string()
    };
    let json = [(header::CONTENT_TYPE, "application/json")];
    match db {
        Ok(docs) => (StatusCode::OK, json, body("ok", Some(docs))).into_response(),
        Err(err) => {
            tracing::error!(%err, "health check: database unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, json, body("database unavailable", None)).into_response()
        }
    }
}

/// Disconnects revoked devices within about half a second of `device revoke` (run by another process).
async fn watch_revocations(relay: Arc<Relay>) {
    let mut tick = tokio::time::interval(std::time::Duration::from_millis(250));
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = relay.shutdown.cancelled() => return,
        }
        let revoked = relay.store.revoked_devices().await;
        match revoked {
            Ok(ids) => {
                for id in ids {
                    let kicked = relay.hub.revoke(&id);
                    if kicked > 0 {
                        tracing::warn!(device = %id, connections = kicked, "revoked device disconnected");
                    }
                }
            }
            Err(err) => tracing::error!(%err, "cannot read revoked devices"),
        }
    }
}

/// Empties the kiosk's days once their window has passed ([`empty_past_kiosk_days`]) and the
/// documents the business's retention rules make expired ([`Relay::empty_expired`]), and forgets the
/// audit log's lines older than its retention time: at start, then every hour.
async fn sweep_hourly(relay: Arc<Relay>) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = relay.shutdown.cancelled() => return,
        }
        match empty_past_kiosk_days(&relay, chrono::Utc::now().date_naive()).await {
            Ok(0) => {}
            Ok(cleared) => tracing::info!(cleared, "emptied the kiosk's past days"),
            Err(err) => tracing::error!(%err, "cannot empty the kiosk's past days"),
        }
        // Logs what it emptied itself.
        if let Err(err) = relay.empty_expired(chrono::Utc::now().date_naive()).await {
            tracing::error!(%err, "cannot empty expired documents");
        }
        let keep_ms = i64::from(relay.config.audit_days) * 86_400_000;
        match relay.store.prune_audit(chrono::Utc::now().timestamp_millis() - keep_ms).await {
            Ok(0) => {}
            Ok(forgotten) => tracing::info!(forgotten, days = relay.config.audit_days, "forgot old audit log lines"),
            Err(err) => tracing::error!(%err, "cannot forget old audit log lines"),
        }
    }
}

/// Empties every kiosk day (`kiosk/<date>`) before the window in which it may be used
/// (`connection::kiosk_day_open`) on the relay's UTC `today`: its lookup index is of no use
/// afterwards, and no document keeps the appointments of every past day (#19). Returns how many
/// held anything.
pub async fn empty_past_kiosk_days(relay: &Relay, today: chrono::NaiveDate) -> Result<u64, crate::store::StoreError> {
    let prefix = format!("{}/", frontdesk_protocol::Area::Kiosk);
    let past: Vec<String> = relay
        .store
        .docs_with_prefix(&prefix)
        .await?
        .into_iter()
        .filter(|doc| {
            crate::access::kiosk_day_date(doc).is_some_and(|date| crate::connection::kiosk_day_past(date, today))
        })
        .collect();
    relay.store.clear_docs(&past).await
}

/// Serves until `shutdown` is cancelled, then closes sockets and lets the database writer finish.
pub async fn run(listener: TcpListener, relay: Arc<Relay>) -> anyhow::Result<()> {
    relay.load_retention().await?;
    tokio::spawn(watch_revocations(relay.clone()));
    tokio::spawn(sweep_hourly(relay.clone()));
    let shutdown = relay.shutdown.clone();
    let service = app(relay.clone()).into_make_service_with_connect_info::<std::net::SocketAddr>();
    // Frames go out as soon as they are written: with Nagle's algorithm on, a small frame waits
    // for the peer's delayed acknowledgement (~40 ms on Linux) whenever one is still unacknowledged.
    let listener = listener.tap_io(|tcp| {
        if let Err(err) = tcp.set_nodelay(true) {
            tracing::warn!(%err, "could not turn Nagle's algorithm off for a connection");
        }
    });
    axum::serve(listener, service).with_graceful_shutdown(async move { shutdown.cancelled().await }).await?;
    relay.store.close().await?;
    tracing::info!("relay stopped; database closed");
    Ok(())
}
