//! The Twofold server: configuration, router and layers. `main.rs` only
//! parses the configuration and serves; tests call [`build`] directly.

// The app's static view types are deep (a modal's type holds its
// contents'); rendering them here needs more than the default query depth
// in release builds.
#![recursion_limit = "512"]

pub mod activity_file;
pub mod admin;
pub mod api;
pub mod client_ip;
pub mod config;
pub mod connections;
pub mod language;
pub mod layers;
pub mod session_cookie;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::Response;
use leptos::config::{Env, LeptosOptions};
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;

use app::server::clock::Clock;
use app::server::crypto::Vault;
use app::server::db::{self, Backend};
use app::server::mail::Mailer;
use app::server::password::Passwords;
use app::server::webauthn::RelyingParty;
use app::server::{AppState, Settings, Shared};
use app::{App, shell};

pub use config::Config;

/// Largest request body accepted; far above any form of ours.
pub const BODY_LIMIT: usize = 64 * 1024;

/// A ready-to-serve app: the router and the state behind it.
pub struct Twofold {
    pub router: Router,
    pub state: AppState,
}

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("{0}")]
    Storage(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
}

/// Connects the database (creating and migrating it if needed) and builds
/// the router with every layer.
pub async fn build(config: &Config) -> Result<Twofold, StartupError> {
    let state = state(config).await?;
    let router = router(config, &state);
    Ok(Twofold { router, state })
}

/// The state every request shares: the database (connected, migrated and
/// checked against the secret key), the hasher, the settings. The
/// operator's commands (`admin`) work on the same.
pub async fn state(config: &Config) -> Result<AppState, StartupError> {
    let url = match &config.database_url {
        Some(url) => url.clone(),
        None => db::sqlite_url_in(&config.data_dir).map_err(StartupError::Storage)?,
    };
    let backend = Backend::of_url(&url).map_err(StartupError::Storage)?;
    let vault = Vault::load_or_create(
        &config.data_dir,
        config.secret_key.as_deref(),
        config.secret_key_file.as_deref(),
    )
    .map_err(StartupError::Storage)?;
    let db = db::connect(
        &url,
        config.db_pool,
        std::time::Duration::from_secs(config.db_timeout),
    )
    .await?;
    vault
        .check_against(&db)
        .await
        .map_err(StartupError::Storage)?;
    tracing::info!(?backend, "database ready, migrations applied");

    let hash_file = match &config.hash_file {
        // Absolute: Leptos joins it to the binary's directory.
        Some(path) if path.is_file() => Some(
            std::path::absolute(path)
                .map_err(|e| StartupError::Storage(format!("hash file {}: {e}", path.display())))?,
        ),
        Some(path) => {
            return Err(StartupError::Storage(format!(
                "hash file {} does not exist",
                path.display()
            )));
        }
        None => hash_file_beside_binary(),
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let leptos_options = LeptosOptions::builder()
        .output_name("twofold")
        .site_root(config.site_root.to_string_lossy().as_ref())
        .site_pkg_dir("pkg")
        .hash_files(hash_file.is_some())
        .hash_file(Arc::from(
            hash_file.unwrap_or_default().to_string_lossy().as_ref(),
        ))
        .site_addr(config.addr)
        .env(Env::PROD)
        .build();
    Ok(AppState::new(Shared {
        leptos_options,
        db,
        passwords: Passwords::new(cores),
        vault,
        clock: Clock::default(),
        settings: Settings {
            issuer: config.issuer.clone(),
            reauth_seconds: config.reauth_seconds,
            session_max_seconds: config.session_max_days * 24 * 60 * 60,
            sign_up_open: config.signup == config::SignUp::Open,
            public_url: config.public_url.clone(),
            require_email: config.require_email,
        },
        webauthn: relying_party(config),
        mailer: mailer(config).map_err(StartupError::Storage)?,
        source_hints: Default::default(),
    }))
}

/// Where mail goes: `--smtp-url`, or else files in `--mail-dir`.
fn mailer(config: &Config) -> Result<Mailer, String> {
    let from = config
        .mail_from
        .parse()
        .map_err(|e| format!("--mail-from {:?}: {e}", config.mail_from))?;
    match &config.smtp_url {
        Some(url) => Mailer::smtp(
            url,
            from,
            std::time::Duration::from_secs(config.smtp_timeout),
        ),
        None => {
            let dir = config
                .mail_dir
                .clone()
                .unwrap_or_else(|| config.data_dir.join("mail"));
            Mailer::dir(&dir, from)
        }
    }
}

/// Twofold as a WebAuthn relying party at `--public-url`, or `None` (and a
/// warning) when that cannot be one.
fn relying_party(config: &Config) -> Option<RelyingParty> {
    RelyingParty::new(&config.public_url, &config.issuer)
        .inspect_err(|reason| tracing::warn!(%reason, "security keys and passkeys are off"))
        .ok()
}

/// The router with every route and layer.
fn router(config: &Config, state: &AppState) -> Router {
    let cookies = session_cookie::CookieSettings::new(config.secure_cookies);
    let routes = generate_route_list(App);
    Router::new()
        .merge(api::routes())
        .route("/language/{code}", axum::routing::get(language::choose))
        .route(
            activity_file::PATH,
            axum::routing::get(activity_file::download),
        )
        .merge(static_files(
            &config.site_root,
            state.leptos_options.hash_files,
        ))
        .merge(webauthn_script(&config.site_root))
        .leptos_routes(state, routes, {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(middleware::from_fn(layers::server_fn_error_status))
        .layer(middleware::from_fn_with_state(
            (state.clone(), cookies),
            session_cookie::layer,
        ))
        .layer(middleware::from_fn(layers::refuse_cross_site))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(
            std::time::Duration::from_secs(config.request_timeout),
            connections::request_timeout,
        ))
        .layer(middleware::from_fn(layers::json_api_errors))
        .layer(middleware::map_response(layers::security_headers(
            config.secure_cookies,
        )))
        // Outside the headers every answer gets, so its `no-store` wins.
        .layer(middleware::from_fn(layers::private_link_pages))
        .layer(middleware::from_fn_with_state(
            Arc::new(client_ip::TrustedProxies::new(
                config.trusted_proxies.clone(),
            )),
            client_ip::layer,
        ))
        .layer(TraceLayer::new_for_http().make_span_with(layers::request_span))
        .with_state(state.clone())
}

/// Every ten minutes, for as long as the process runs, deletes what is
/// refused or shown no more (`app::server::sweep`). Every process may run
/// it: the deletes do not clash.
pub async fn sweep_forever(state: AppState) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        every.tick().await;
        app::server::sweep::run(&state).await;
    }
}

/// For as long as the process runs, sends the mail in the outbox
/// (`app::server::mail::sender`). Every process runs one: a mail is
/// claimed by one sender at a time.
pub async fn send_mail_forever(state: AppState) {
    app::server::mail::sender::send_forever(state).await;
}

/// `hash.txt`, written next to the server binary by `cargo leptos build`
/// with `hash-files`: the content hashes in the front end's file names.
/// Without it (a test binary, a build without hashing) the plain names are
/// used.
fn hash_file_beside_binary() -> Option<std::path::PathBuf> {
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.join("hash.txt")).filter(|path| path.is_file())
}

/// `/pkg`: the front end's files. Under content-hashed names (`hashed`)
/// they may be cached for a year; plain names must be revalidated. Brotli
/// or gzip files written at build time go to browsers that accept them.
fn static_files(site_root: &std::path::Path, hashed: bool) -> Router<AppState> {
    let pkg = ServeDir::new(site_root.join("pkg"))
        .precompressed_br()
        .precompressed_gzip();
    let cache_control = HeaderValue::from_static(if hashed {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    });
    Router::new()
        .nest_service("/pkg", pkg)
        .layer(middleware::map_response(move |mut response: Response| {
            let cache_control = cache_control.clone();
            async move {
                let status = response.status();
                if status.is_success() || status == StatusCode::NOT_MODIFIED {
                    let headers = response.headers_mut();
                    headers.insert(header::CACHE_CONTROL, cache_control);
                    // One URL, several encodings: shared caches must key on it.
                    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
                }
                response
            }
        }))
}

/// `/webauthn.js` (from `public/`), the sign-in pages' WebAuthn script:
/// its name is not content-hashed, so it is revalidated; it is gzipped
/// as it is sent (docs/wasm-budget.md#webauthn).
fn webauthn_script(site_root: &std::path::Path) -> Router<AppState> {
    use tower_http::CompressionLevel;
    use tower_http::compression::CompressionLayer;
    use tower_http::services::ServeFile;
    use tower_http::set_header::SetResponseHeaderLayer;

    Router::new()
        .route_service(
            app::pages::webauthn::SCRIPT,
            ServeFile::new(site_root.join(app::pages::webauthn::SCRIPT.trim_start_matches('/'))),
        )
        .layer(CompressionLayer::new().quality(CompressionLevel::Best))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
}

pub use connections::serve;

/// Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
