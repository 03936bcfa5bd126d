//! HTTP API v1: the router, OpenAPI document, and the extractors that keep bad input out.
//! Handlers are thin: parse, authorize, send a command or a read to the writer, answer.

pub(crate) mod appointments;
mod desks;
pub(crate) mod devices;
mod events;
pub(crate) mod print_jobs;
mod session;
mod sites;
pub(crate) mod stats;
mod system;
pub(crate) mod tickets;

pub use tickets::lookup_ticket;

use crate::error::ApiError;
use crate::state::AppState;
use crate::writer::{ExecError, Outcome};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Largest accepted request body.
pub const BODY_LIMIT: usize = 16 * 1024;

#[derive(OpenApi)]
#[openapi(
    info(title = "Sportello queue server", description = "HTTP API v1 of Sportello: tickets, desks, live events.", license(name = "GPL-3.0-only")),
    components(schemas(queue_core::wire::ErrorBody, queue_core::wire::StreamEvent)),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::auth::SESSION_COOKIE))),
        );
    }
}

/// Answers any operation can give, documented on every one (found by schemathesis: bad headers and
/// query strings are 400, wrong or missing content types 415, floods 429, storage trouble 503).
struct CommonResponses;

impl utoipa::Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let error = |what: &str| {
            ResponseBuilder::new()
                .description(what)
                .content(
                    "application/json",
                    ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build(),
                )
                .build()
        };
        for item in openapi.paths.paths.values_mut() {
            let ops = [
                (&mut item.get, false),
                (&mut item.put, true),
                (&mut item.post, true),
                (&mut item.delete, false),
                (&mut item.patch, true),
            ];
            for (op, takes_body) in ops {
                let Some(op) = op else { continue };
                let r = &mut op.responses.responses;
                let mut add = |code: &str, what: &str| {
                    r.entry(code.to_owned()).or_insert_with(|| error(what).into());
                };
                add("400", "malformed request (headers, query string or body)");
                add("429", "too many requests; see Retry-After");
                add("503", "storage unavailable or shutting down; nothing was changed, try again");
                if takes_body {
                    add("413", "the body is too large");
                    add("415", "the body must be JSON (Content-Type: application/json)");
                }
            }
        }
    }
}

/// OpenAPI links between operations, so that a stateful client (schemathesis's stateful phase)
/// walks real life cycles with real ids: an issued or called ticket → its transitions and its
/// view; a desk opened → call next → the called ticket's transitions.
struct Links;

impl utoipa::Modify for Links {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::link::LinkBuilder;
        let ticket_ops =
            ["get_ticket", "recall", "start", "finish", "no_show", "cancel", "hold", "return_to_queue", "transfer"];
        let mut add = |path: &str, status: &str, targets: &[(&str, &str, &str)]| {
            let Some(item) = openapi.paths.paths.get_mut(path) else { return };
            let Some(op) = item.post.as_mut().or(item.get.as_mut()) else { return };
            let Some(utoipa::openapi::RefOr::T(resp)) = op.responses.responses.get_mut(status) else { return };
            for (name, operation, param) in targets {
                let link = LinkBuilder::new().operation_id(*operation).parameter(*param, "$response.body#/id").build();
                resp.links.insert((*name).to_owned(), link.into());
            }
        };
        let to_ticket: Vec<(String, &str, &str)> =
            ticket_ops.iter().map(|op| (format!("ticket_{op}"), *op, "id")).collect();
        let to_ticket: Vec<(&str, &str, &str)> = to_ticket.iter().map(|(n, o, p)| (n.as_str(), *o, *p)).collect();
        add("/api/v1/sites/{site}/tickets", "201", &to_ticket);
        add("/api/v1/desks/{desk}/call-next", "200", &to_ticket);
        for path in ["/api/v1/tickets/{id}/start", "/api/v1/tickets/{id}/recall", "/api/v1/tickets/{id}/hold"] {
            add(path, "200", &to_ticket);
        }
        add(
            "/api/v1/desks/{desk}/open",
            "200",
            &[
                ("desk_call_next", "call_next", "desk"),
                ("desk_pause", "pause", "desk"),
                ("desk_close", "close", "desk"),
            ],
        );
    }
}

/// utoipa 5.5 writes a link's fields in snake case (`operation_id`); OpenAPI says `operationId` and
/// `requestBody`, and clients that follow links (schemathesis) look for those.
pub fn fix_link_field_names(doc: &mut serde_json::Value) {
    // utoipa cannot put a pattern on the items of a `Vec<String>`: say here what a need code is.
    if let Some(items) = doc.pointer_mut("/components/schemas/IssueRequest/properties/needs") {
        let one = serde_json::json!({"type": "string", "pattern": "^[a-z0-9_:-]{1,40}$"});
        match items.get_mut("items") {
            Some(i) => *i = one,
            None => {
                // `Option<Vec<_>>` is written as oneOf [null, array]: find the array.
                if let Some(list) = items.get_mut("oneOf").and_then(|o| o.as_array_mut()) {
                    for alt in list.iter_mut().filter(|a| a.get("items").is_some()) {
                        alt["items"] = one.clone();
                    }
                }
            }
        }
    }
    let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) else { return };
    for op in paths.values_mut().filter_map(|item| item.as_object_mut()).flat_map(|item| item.values_mut()) {
        // What `IdempotencyKey` accepts: 1–200 visible ASCII characters.
        for p in op.get_mut("parameters").and_then(|p| p.as_array_mut()).into_iter().flatten() {
            if p["name"] == "Idempotency-Key" {
                p["schema"] = serde_json::json!({"type": "string", "pattern": "^[!-~]{1,200}$"});
            }
        }
        let Some(responses) = op.get_mut("responses").and_then(|r| r.as_object_mut()) else { continue };
        for link in responses
            .values_mut()
            .filter_map(|r| r.get_mut("links").and_then(|l| l.as_object_mut()))
            .flat_map(|links| links.values_mut())
            .filter_map(|l| l.as_object_mut())
        {
            for (from, to) in
                [("operation_id", "operationId"), ("operation_ref", "operationRef"), ("request_body", "requestBody")]
            {
                if let Some(v) = link.remove(from) {
                    link.insert(to.to_owned(), v);
                }
            }
        }
    }
}

/// The API routes and their OpenAPI document.
pub fn routes() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(sites::list_sites))
        .routes(routes!(sites::kiosk))
        .routes(routes!(sites::queues))
        .routes(routes!(sites::desks))
        .routes(routes!(sites::waiting))
        .routes(routes!(sites::colleagues))
        .routes(routes!(sites::display))
        .routes(routes!(sites::raise_alert, sites::open_alerts))
        .routes(routes!(sites::ack_alert))
        .routes(routes!(sites::get_alert))
        .routes(routes!(sites::lift_cap))
        .routes(routes!(devices::report_health))
        .routes(routes!(devices::site_devices))
        .routes(routes!(print_jobs::take_jobs))
        .routes(routes!(print_jobs::result))
        .routes(routes!(print_jobs::get_job))
        .routes(routes!(tickets::issue))
        .routes(routes!(tickets::get_ticket))
        .routes(routes!(tickets::recall))
        .routes(routes!(tickets::start))
        .routes(routes!(tickets::finish))
        .routes(routes!(tickets::no_show))
        .routes(routes!(tickets::cancel))
        .routes(routes!(tickets::hold))
        .routes(routes!(tickets::return_to_queue))
        .routes(routes!(tickets::transfer))
        .routes(routes!(tickets::resume))
        .routes(routes!(tickets::undo))
        .routes(routes!(tickets::public_ticket))
        .routes(routes!(appointments::slots))
        .routes(routes!(appointments::book, appointments::day))
        .routes(routes!(appointments::cancel))
        .routes(routes!(appointments::move_to))
        .routes(routes!(appointments::check_in))
        .routes(routes!(desks::open))
        .routes(routes!(desks::pause))
        .routes(routes!(desks::close))
        .routes(routes!(desks::call_next))
        .routes(routes!(session::login, session::whoami, session::logout))
        .routes(routes!(events::stream))
        .routes(routes!(stats::summary))
        .routes(routes!(stats::breakdown_route))
        .routes(routes!(stats::funder))
        .routes(routes!(stats::funder_csv))
        .routes(routes!(stats::export_csv))
        .routes(routes!(stats::staff))
        .routes(routes!(stats::queue_length_route))
        .routes(routes!(stats::whatif))
        .routes(routes!(system::healthz))
        .routes(routes!(system::metrics))
        .routes(routes!(system::openapi_json))
        .split_for_parts();
    // After the routes are in: the modifiers of `ApiDoc` only see its own (empty) paths.
    utoipa::Modify::modify(&CommonResponses, &mut doc);
    utoipa::Modify::modify(&Links, &mut doc);
    (router, doc)
}

/// A JSON body parsed into `T`; every rejection in our error shape.
/// An empty body means `T::default()` when `T` allows it (see `OptionalJson`).
pub struct ApiJson<T>(pub T);

fn parse_json<T: DeserializeOwned>(parts_ct: Option<&HeaderValue>, bytes: &[u8]) -> Result<T, ApiError> {
    let is_json = parts_ct
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json")));
    if !is_json {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the body as JSON with 'Content-Type: application/json'",
        ));
    }
    // Every request body is a JSON object: serde would also read a struct from an array, by position.
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first.is_some_and(|b| *b != b'{') && serde_json::from_slice::<serde_json::Value>(bytes).is_ok() {
        return Err(ApiError::unprocessable("the body must be a JSON object ({…})"));
    }
    serde_json::from_slice(bytes).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => {
            ApiError::unprocessable(format!("invalid request body: {}", excerpt(&e.to_string(), 160)))
        }
        _ => ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!("the body is not valid JSON: {}", excerpt(&e.to_string(), 160)),
        ),
    })
}

/// At most `max` characters of `s` with control characters replaced: what an error message may
/// echo of a client's input (no terminal escapes or newlines in logs, no megabyte echoes).
pub fn excerpt(s: &str, max: usize) -> String {
    let mut out: String = s
        .chars()
        .take(max)
        .map(|c| if c.is_control() || c == '\u{2028}' || c == '\u{2029}' { '?' } else { c })
        .collect();
    if s.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

async fn body_bytes(req: Request, state: &AppState) -> Result<(Option<HeaderValue>, Bytes), ApiError> {
    let ct = req.headers().get(header::CONTENT_TYPE).cloned();
    // The whole body (16 KiB at most) within the time limit: a body dribbled a byte at a time
    // does not hold a connection for ever.
    let limit = state.budgets.limits.body_read_timeout;
    let read = tokio::time::timeout(limit, Bytes::from_request(req, state)).await.map_err(|_| {
        ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "body_timeout",
            format!("the request body did not arrive within {} s", limit.as_secs()),
        )
    })?;
    let bytes = read.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                format!("the body is larger than {BODY_LIMIT} bytes"),
            )
        } else {
            ApiError::bad_request(format!("could not read the body: {r}"))
        }
    })?;
    Ok((ct, bytes))
}

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (ct, bytes) = body_bytes(req, state).await?;
        parse_json(ct.as_ref(), &bytes).map(ApiJson)
    }
}

/// Like `ApiJson`, but an empty body (or `null`) is `T::default()`.
pub struct OptionalJson<T>(pub T);

impl<T: DeserializeOwned + Default> FromRequest<AppState> for OptionalJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (ct, bytes) = body_bytes(req, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) || bytes.trim_ascii() == b"null" {
            return Ok(OptionalJson(T::default()));
        }
        parse_json(ct.as_ref(), &bytes).map(OptionalJson)
    }
}

/// A query string parsed into `T`; a rejection in our error shape (400).
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        serde_urlencoded::from_str(query)
            .map(ApiQuery)
            .map_err(|e| ApiError::bad_request(format!("invalid query string: {}", excerpt(&e.to_string(), 160))))
    }
}

/// The `Idempotency-Key` header, if sent (1–200 visible ASCII characters).
pub struct IdempotencyKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match parts.headers.get("idempotency-key") {
            None => Ok(IdempotencyKey(None)),
            Some(v) => {
                let s = v
                    .to_str()
                    .ok()
                    .filter(|s| !s.is_empty() && s.len() <= 200 && s.bytes().all(|b| b.is_ascii_graphic()));
                s.map(|s| IdempotencyKey(Some(s.to_owned())))
                    .ok_or_else(|| ApiError::bad_request("Idempotency-Key must be 1–200 visible ASCII characters"))
            }
        }
    }
}

impl From<ExecError> for ApiError {
    fn from(e: ExecError) -> ApiError {
        match e {
            ExecError::Queue(q) => q.into(),
            ExecError::Storage(e) => ApiError::unavailable(e),
            ExecError::ShuttingDown => ApiError::shutting_down(),
            e @ ExecError::KeyReused => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused", e.to_string())
            }
            e @ ExecError::CodeUsed => ApiError::new(StatusCode::CONFLICT, "code_used", e.to_string()),
        }
    }
}

impl IntoResponse for Outcome {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status()).unwrap_or(StatusCode::OK);
        if status == StatusCode::NO_CONTENT {
            return status.into_response();
        }
        (status, [(header::CONTENT_TYPE, "application/json")], self.body()).into_response()
    }
}

/// Validate a path id (config slug or ULID) before it goes anywhere.
pub fn check_id(kind: &str, id: &str) -> Result<(), ApiError> {
    let ok =
        !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok { Ok(()) } else { Err(ApiError::not_found(format!("no {kind} '{}'", excerpt(id, 64)))) }
}
