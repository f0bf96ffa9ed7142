//! Who is asking: passwords, sessions, the login limit, and the CSRF check.
//!
//! - Passwords are Argon2id PHC strings (the `argon2` crate's defaults: m = 19 MiB, t = 2,
//!   p = 1, OWASP's minimum); verification runs on the blocking pool.
//! - A session is 32 random bytes in an `HttpOnly; SameSite=Strict` cookie (`Secure` with
//!   `--secure-cookie`); the store keeps only its SHA-256, with a CSRF secret and an expiry.
//!   Changing a password or disabling an account ends its sessions.
//! - Failed logins are counted per login name and per address; past the limit, that name (or
//!   address) waits, right password or not.
//! - [`session_layer`] runs before every handler: it finds the session, and refuses any POST
//!   without the session's CSRF token (a form field `_csrf`, or `?_csrf=` for the file upload)
//!   or sent from another origin. A handler cannot forget the check.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use base64::Engine;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use store::User;

use crate::layout;
use crate::{AppState, WebError};

const COOKIE: &str = "kaohe_session";
/// Form bodies are small; an upload is multipart and not read here.
const FORM_LIMIT: usize = 256 * 1024;

/// Hashes a password with Argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String, WebError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| WebError::BadInput(format!("无法计算口令散列：{e}")))
}

/// Whether `password` matches a stored PHC string; a damaged hash never matches.
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(h) => Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash no password matches, verified when the login name is unknown so that the answer
/// takes as long as for a real account.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password(&random_token()).unwrap_or_default())
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    // The OS generator failing is not something to continue past: a predictable session
    // token would be worse than an error page, so fall back to nothing usable.
    if getrandom::fill(&mut bytes).is_err() {
        return String::new();
    }
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn token_hash(token: &str) -> String {
    let mut h = Sha256::new();
    h.update(token.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The logged-in account of a request and its session's CSRF token.
#[derive(Clone, Debug)]
pub struct Viewer {
    pub user: User,
    pub csrf: String,
}

impl Viewer {
    pub fn name(&self) -> String {
        format!("{}（{}）", self.user.display_name, self.user.login)
    }

    pub fn role_zh(&self) -> &'static str {
        self.user.role.label_zh()
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Viewer, WebError> {
        parts
            .extensions
            .get::<Viewer>()
            .cloned()
            .ok_or_else(|| WebError::LoginRequired {
                next: parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_else(|| "/".into()),
            })
    }
}

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
}

/// Finds the session, checks every POST's CSRF token and origin, and sets the security headers
/// on every answer.
pub async fn session_layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let post = req.method() == Method::POST;
    let mut resp = match guard(&state, req).await {
        Ok(req) => next.run(req).await,
        Err(e) => e.into_response(),
    };
    if post {
        // A decision, a publication, a logout, a finished upload …: read afresh.
        state.changed();
    }
    let h = resp.headers_mut();
    let set = |h: &mut HeaderMap, k: header::HeaderName, v: &'static str| {
        if !h.contains_key(&k) {
            h.insert(k, HeaderValue::from_static(v));
        }
    };
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::REFERRER_POLICY, "same-origin");
    set(h, header::X_FRAME_OPTIONS, "SAMEORIGIN");
    set(
        h,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'self'",
    );
    set(h, header::CACHE_CONTROL, "no-store");
    resp
}

async fn guard(state: &AppState, req: Request) -> Result<Request, WebError> {
    let (mut parts, body) = req.into_parts();
    if let Some(token) = cookie_token(&parts.headers)
        && let Some((user, csrf)) = state.session(&token_hash(&token)).await?
    {
        parts.extensions.insert(Viewer { user, csrf });
    }
    if parts.method != Method::POST {
        return Ok(Request::from_parts(parts, body));
    }
    if !same_origin(&parts.headers) {
        return Err(WebError::Csrf);
    }
    if parts.uri.path() == "/login" {
        return Ok(Request::from_parts(parts, body));
    }
    let Some(viewer) = parts.extensions.get::<Viewer>().cloned() else {
        return Err(WebError::LoginRequired { next: "/".into() });
    };
    let from_query = parts.uri.query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "_csrf")
            .map(|(_, v)| v.into_owned())
    });
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let (given, body) = if is_form {
        let bytes = axum::body::to_bytes(body, FORM_LIMIT)
            .await
            .map_err(|_| WebError::BadInput("表单内容过大".into()))?;
        let given = url::form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == "_csrf")
            .map(|(_, v)| v.into_owned());
        (given.or(from_query), Body::from(bytes))
    } else {
        (from_query, body)
    };
    match given {
        Some(t) if !viewer.csrf.is_empty() && constant_eq(&t, &viewer.csrf) => {
            Ok(Request::from_parts(parts, body))
        }
        _ => Err(WebError::Csrf),
    }
}

/// A POST whose `Origin` (or, without one, `Sec-Fetch-Site`) says it came from another site
/// is refused even with a token.
fn same_origin(h: &HeaderMap) -> bool {
    let host = h.get(header::HOST).and_then(|v| v.to_str().ok());
    if let Some(origin) = h.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        if origin == "null" {
            return false;
        }
        let origin_host = origin.split_once("://").map(|(_, rest)| rest);
        return match (origin_host, host) {
            (Some(o), Some(h)) => o.eq_ignore_ascii_case(h),
            _ => false,
        };
    }
    !matches!(
        h.get("sec-fetch-site").and_then(|v| v.to_str().ok()),
        Some("cross-site")
    )
}

fn constant_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

// ---- the login limit ----------------------------------------------------------------------

/// Failed logins per key (`name:…`, `addr:…`), with when the count started.
#[derive(Default)]
pub struct Limiter {
    failures: HashMap<String, (u32, Instant)>,
}

impl Limiter {
    /// Seconds left to wait when `key` is over `limit` within `window`.
    fn blocked(&mut self, key: &str, limit: u32, window: Duration) -> Option<u64> {
        let (n, since) = *self.failures.get(key)?;
        let elapsed = since.elapsed();
        if elapsed >= window {
            self.failures.remove(key);
            return None;
        }
        (n >= limit).then(|| (window - elapsed).as_secs().max(1))
    }

    fn fail(&mut self, key: &str) {
        let e = self
            .failures
            .entry(key.to_string())
            .or_insert((0, Instant::now()));
        e.0 += 1;
    }

    fn clear(&mut self, key: &str) {
        self.failures.remove(key);
    }
}

// ---- login and logout ---------------------------------------------------------------------

#[derive(Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

pub async fn login_page(viewer: Option<Viewer>, Query(q): Query<NextQuery>) -> Response {
    if viewer.is_some() {
        return Redirect::to(&local_path(&q.next)).into_response();
    }
    Html(layout::login_page(&local_path(&q.next), None).into_string()).into_response()
}

impl axum::extract::OptionalFromRequestParts<AppState> for Viewer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _: &AppState,
    ) -> Result<Option<Viewer>, Self::Rejection> {
        Ok(parts.extensions.get::<Viewer>().cloned())
    }
}

#[derive(Deserialize)]
pub struct LoginForm {
    login: String,
    password: String,
    #[serde(default)]
    next: String,
}

/// Only a path on this server: never `//elsewhere` or `https://…` (an open redirect).
fn local_path(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next.to_string()
    } else {
        "/".to_string()
    }
}

pub async fn login(
    State(state): State<AppState>,
    addr: Option<Extension<ConnectInfo<SocketAddr>>>,
    Form(f): Form<LoginForm>,
) -> Result<Response, WebError> {
    let cfg = state.config();
    let window = Duration::from_secs(cfg.login_pause_secs);
    let name_key = format!("name:{}", f.login.trim());
    let addr_key = format!(
        "addr:{}",
        addr.map(|a| a.0.0.ip().to_string()).unwrap_or_default()
    );
    {
        let mut lim = state
            .inner
            .limiter
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let wait = lim
            .blocked(&name_key, cfg.login_failures, window)
            .or_else(|| lim.blocked(&addr_key, cfg.login_failures * 4, window));
        if let Some(secs) = wait {
            return Err(WebError::TooManyAttempts(secs.div_ceil(60)));
        }
    }
    let user = state.store().user_by_login(f.login.trim()).await?;
    let phc = user
        .as_ref()
        .map_or_else(|| decoy_hash().to_string(), |u| u.password_hash.clone());
    let password = f.password.clone();
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &phc))
        .await
        .unwrap_or(false);
    let user = match user {
        Some(u) if ok && !u.disabled => u,
        _ => {
            let mut lim = state
                .inner
                .limiter
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            lim.fail(&name_key);
            lim.fail(&addr_key);
            let page = layout::login_page(
                &local_path(&f.next),
                Some("登录名或口令不对，或账号已停用。"),
            );
            return Ok((
                axum::http::StatusCode::UNAUTHORIZED,
                Html(page.into_string()),
            )
                .into_response());
        }
    };
    state
        .inner
        .limiter
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clear(&name_key);
    let token = random_token();
    let csrf = random_token();
    if token.is_empty() || csrf.is_empty() {
        return Err(WebError::BadInput(
            "系统随机数不可用，无法建立会话：请联系管理员".into(),
        ));
    }
    let ttl = cfg.session_hours * 3600;
    state
        .store()
        .create_session(
            &token_hash(&token),
            user.id,
            &csrf,
            chrono::Utc::now().timestamp() + ttl,
        )
        .await?;
    let cookie = format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={ttl}{}",
        if cfg.secure_cookie { "; Secure" } else { "" }
    );
    let mut resp = Redirect::to(&local_path(&f.next)).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(resp)
}

pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    if let Some(token) = cookie_token(&headers) {
        state.store().delete_session(&token_hash(&token)).await?;
    }
    let mut resp = Redirect::to("/login").into_response();
    resp.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("kaohe_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let h = hash_password("正确的口令 1").unwrap_or_default();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("正确的口令 1", &h));
        assert!(!verify_password("正确的口令 2", &h));
        assert!(!verify_password("正确的口令 1", "not a hash"));
    }

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(local_path("/runs/1"), "/runs/1");
        assert_eq!(local_path("//evil.example/"), "/");
        assert_eq!(local_path("https://evil.example/"), "/");
        assert_eq!(local_path("/\\evil.example"), "/");
    }

    #[test]
    fn a_post_from_another_origin_is_refused() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        assert!(same_origin(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:8080"),
        );
        assert!(same_origin(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://evil.example"),
        );
        assert!(!same_origin(&h));
        h.insert(header::ORIGIN, HeaderValue::from_static("null"));
        assert!(!same_origin(&h));
    }
}
