//! kaohe-web: the workbench — the assessment office and the departments work on one stored
//! run in the browser. Pages are rendered on the server (maud, escaped by construction) and
//! work without JavaScript; only the dashboard's charts use ECharts, served from the binary.
//!
//! # Map
//! - [`router`] wires every route; [`serve`] binds and runs it (`kaohe serve`).
//! - `state.rs`: [`AppState`], the explicit state every handler gets — the store, the rubrics,
//!   the login limiter, the run cache, [`Config`].
//! - `auth.rs`: passwords (Argon2id), server-side sessions (only a hash of the token is
//!   stored), the login rate limit, the middleware that finds the session of every request and
//!   checks the CSRF token of every POST.
//! - `access.rs`: the role rules as plain functions — who may review, who sees which
//!   department. Every handler asks it; the route tests ask every route.
//! - `error.rs`: [`WebError`], mapped to a Chinese page and a status code in one place.
//! - `layout.rs`: the page shell and the small shared pieces (tables, forms, points).
//! - `pages/`: one module per screen — `dashboard`, `findings` (list and review queue),
//!   `finding` (evidence, decisions, answers, history), `evidence` (the stored page, inert),
//!   `runs` (list, start, jobs, compare, publish, exports, audit), `items` (事项梳理表),
//!   `warnings` (early warning).
//! - `jobs.rs`: crawls and assessments started from the browser, run in the background and
//!   resumed when the server starts again.
//!
//! Architecture invariant: no handler computes a score. Decisions and manual deductions go
//! through `assess::run::{decide, add_manual}` (the scoring engine); pages show the stored
//! result. Architecture invariant: a department user's requests are filtered or refused on the
//! server by `access.rs` — never only hidden in the page.

mod access;
mod auth;
mod error;
mod jobs;
mod layout;
mod pages;
mod state;

pub use auth::{hash_password, verify_password};
pub use error::WebError;
pub use state::{AppState, Config};

use std::net::SocketAddr;

use axum::Router;
use axum::routing::{get, post};

/// Every route of the workbench.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(pages::runs::home))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/assets/{file}", get(pages::assets))
        .route("/runs", get(pages::runs::list))
        .route("/runs/start", post(pages::runs::start))
        .route("/jobs/{job}", get(pages::runs::job))
        .route("/runs/{run}", get(pages::dashboard::show))
        .route("/runs/{run}/findings", get(pages::findings::list))
        .route("/runs/{run}/finding", get(pages::finding::show))
        .route("/runs/{run}/finding/page", get(pages::evidence::page))
        .route("/runs/{run}/finding/decide", post(pages::finding::decide))
        .route("/runs/{run}/finding/respond", post(pages::finding::respond))
        .route("/runs/{run}/finding/recheck", post(pages::finding::recheck))
        .route("/runs/{run}/manual", post(pages::finding::manual))
        .route("/runs/{run}/audit", get(pages::runs::audit))
        .route("/runs/{run}/export/{file}", get(pages::runs::export))
        .route("/runs/{run}/notice/{file}", get(pages::runs::notice))
        .route("/runs/{run}/publish", post(pages::runs::publish))
        .route("/runs/{run}/compare", get(pages::runs::compare))
        .route(
            "/runs/{run}/items",
            get(pages::items::show).post(pages::items::upload),
        )
        .route("/runs/{run}/warnings", get(pages::warnings::show))
        .layer(axum::extract::DefaultBodyLimit::max(
            pages::items::MAX_UPLOAD,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::session_layer,
        ))
        .with_state(state)
}

/// Binds the workbench's address (before anything is printed, so a taken port is said at
/// once, and `127.0.0.1:0` gives a free one: see `local_addr`).
pub async fn bind(addr: SocketAddr) -> Result<tokio::net::TcpListener, WebError> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| WebError::Bind {
            addr: addr.to_string(),
            why: e.to_string(),
        })
}

/// Serves until Ctrl-C. Jobs left running by a previous server are resumed first.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> Result<(), WebError> {
    let addr = listener
        .local_addr()
        .map_or_else(|_| "?".to_string(), |a| a.to_string());
    jobs::resume(&state).await;
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .map_err(|e| WebError::Bind {
        addr,
        why: e.to_string(),
    })
}
