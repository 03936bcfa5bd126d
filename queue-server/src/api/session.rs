//! Staff sessions: log in (cookie + bearer token), who am I (with the CSRF token), log out.

use super::ApiJson;
use super::tickets::ClientIp;
use crate::auth::{Identity, Role, SESSION_COOKIE, StaffIdentity, random_secret, secret_hash, verify_password};
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
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| crate::auth::hash_password(&random_secret(16)).unwrap_or_default())
}

fn login_response(s: &StaffIdentity, token: String, expires_at: String) -> LoginResponse {
    LoginResponse {
        token,
        csrf_token: s.csrf.clone(),
        username: s.username.clone(),
        display_name: s.display_name.clone(),
        role: s.role.as_str().into(),
        languages: s.languages.clone(),
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
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<Response> {
    state.limits.login(ip)?;
    if req.username.len() > 64 || req.password.len() > 256 {
        return Err(ApiError::unprocessable("username or password too long"));
    }
    let row = state.reads.with(|conn| db::staff(conn, &req.username))?;
    let hash =
        row.as_ref().filter(|r| !r.disabled).map_or_else(|| dummy_hash().to_owned(), |r| r.password_hash.clone());
    let password = req.password;
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash)).await.unwrap_or(false);
    let Some(row) = row.filter(|r| ok && !r.disabled) else {
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "bad_credentials", "wrong username or password"));
    };
    let role = Role::parse(&row.role).ok_or_else(|| ApiError::unavailable("stored role is invalid"))?;
    let token = random_secret(32);
    let csrf = random_secret(24);
    let now = state.now();
    let expires = now + SignedDuration::from_hours(SESSION_HOURS);
    let token_hash = secret_hash(&token);
    // Sessions are written through a read-write connection of their own (not the queue writer).
    let path = crate::db::path(&state.data_dir);
    {
        let conn = db::open(&path)?;
        db::insert_session(&conn, &token_hash, &row.username, &csrf, now, expires)?;
    }
    let me = StaffIdentity {
        username: row.username,
        display_name: row.display_name,
        role,
        languages: row.languages,
        professions: row.professions,
        csrf,
        token_hash,
    };
    let cookie =
        format!("{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}", SESSION_HOURS * 3600);
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
    let conn = db::open(&crate::db::path(&state.data_dir))?;
    db::delete_session(&conn, &me.token_hash)?;
    state.auth_cache.forget(&me.token_hash);
    let cookie = format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}
