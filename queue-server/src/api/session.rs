//! Staff sessions: log in (cookie + bearer token), who am I (with the CSRF token), log out.

use super::ApiJson;
use crate::auth::{Identity, Role, SESSION_COOKIE, StaffIdentity, random_secret, secret_hash, verify_password};
use crate::client_addr::ClientAddr;
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::SignedDuration;
use queue_core::wire::{ErrorBody, LoginRequest, LoginResponse};

/// How long a session lasts: a working day.
const SESSION_HOURS: i64 = 12;

/// A real argon2id hash of a random secret, so unknown users take as long as known ones.
/// (Made on first need, on a blocking thread; a failure is an error, never a fast empty hash.)
fn dummy_hash() -> Result<&'static str, crate::auth::HashError> {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if let Some(h) = HASH.get() {
        return Ok(h);
    }
    let h = crate::auth::hash_password(&random_secret(16))?;
    Ok(HASH.get_or_init(|| h))
}

fn login_response(s: &StaffIdentity, token: String, expires_at: String) -> LoginResponse {
    LoginResponse {
        token,
        csrf_token: s.csrf.clone(),
        username: s.username.clone(),
        display_name: s.display_name.clone(),
        role: s.role.as_str().into(),
        languages: s.languages.clone(),
        sites: s.sites.clone(),
        expires_at,
    }
}

/// Log in: sets an HttpOnly SameSite=Strict cookie and returns a bearer token for scripts.
#[utoipa::path(post, path = "/api/v1/session", tag = "session",
    request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    client: ClientAddr,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<Response> {
    if req.username.len() > 64 || req.password.len() > 256 {
        return Err(ApiError::unprocessable("username or password too long"));
    }
    // An address that failed too often waits; every account has its own budget of attempts.
    state.limits.login_address(client.ip)?;
    state.limits.login_attempt(&req.username)?;
    let username = req.username.clone();
    let row = state.db.read(move |conn| db::staff(conn, &username)).await?;
    let stored = row.as_ref().filter(|r| !r.disabled).map(|r| r.password_hash.clone());
    let password = req.password;
    let ok = tokio::task::spawn_blocking(move || -> Result<bool, crate::auth::HashError> {
        let hash = match stored {
            Some(h) => h,
            None => dummy_hash()?.to_owned(),
        };
        verify_password(&password, &hash)
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)?;
    let Some(row) = row.filter(|r| ok && !r.disabled) else {
        // Counted against the address; past its budget, the next attempt from it waits (429).
        let _ = state.limits.login_failed(client.ip);
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "bad_credentials", "wrong username or password"));
    };
    let role = Role::parse(&row.role).ok_or_else(|| {
        ApiError::internal(format!("staff '{}' has an unknown stored role '{}'", row.username, row.role))
    })?;
    let token = random_secret(32);
    let csrf = random_secret(24);
    let now = state.now();
    let expires = now + SignedDuration::from_hours(SESSION_HOURS);
    let token_hash = secret_hash(&token);
    // Sessions are written through the pool's read-write connection (not the queue writer).
    let (h, user, c) = (token_hash.clone(), row.username.clone(), csrf.clone());
    state.db.write(move |conn| db::insert_session(conn, &h, &user, &c, now, expires)).await?;
    let sites = state
        .cfg
        .sites
        .iter()
        .map(|s| s.id.clone())
        .filter(|s| row.sites.as_ref().is_none_or(|list| list.iter().any(|l| l == s.as_str())))
        .collect();
    let me = StaffIdentity {
        sites,
        username: row.username,
        display_name: row.display_name,
        role,
        languages: row.languages,
        professions: row.professions,
        csrf,
        token_hash,
    };
    // Secure when the browser came over https (through a trusted proxy): the cookie then never
    // travels in clear.
    let secure = if client.https { "; Secure" } else { "" };
    let cookie = format!(
        "{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}",
        SESSION_HOURS * 3600
    );
    let body = login_response(&me, token, expires.to_string());
    Ok(([(header::SET_COOKIE, cookie)], Json(body)).into_response())
}

/// Who is logged in, with the CSRF token for cookie-authenticated changes.
#[utoipa::path(get, path = "/api/v1/session", tag = "session",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = LoginResponse), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn whoami(id: Identity) -> ApiResult<Json<LoginResponse>> {
    let me = id.staff(Role::Staff)?;
    Ok(Json(login_response(me, String::new(), String::new())))
}

/// Log out: ends the session and clears the cookie.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 204, description = "logged out"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn logout(State(state): State<AppState>, id: Identity) -> ApiResult<Response> {
    let me = id.staff(Role::Staff)?;
    let h = me.token_hash.clone();
    state.db.write(move |conn| db::delete_session(conn, &h)).await?;
    state.auth_cache.forget(&me.token_hash);
    let cookie = format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}
