//! Who is asking: staff sessions (cookie or bearer token), device keys (kiosk, display),
//! password hashing (argon2id), CSRF for cookie-authenticated changes, and rate limits.

use crate::db;
use crate::error::ApiError;
use crate::state::AppState;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, header};
use base64::Engine as _;
use governor::{DefaultKeyedRateLimiter, Quota};
use queue_core::SiteId;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const SESSION_COOKIE: &str = "sportello_session";
pub const CSRF_HEADER: &str = "x-csrf-token";
/// How long a looked-up credential is trusted before it is read again (revocation delay).
const CACHE_TTL: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Staff,
    Manager,
    Admin,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "staff" => Some(Role::Staff),
            "manager" => Some(Role::Manager),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Staff => "staff",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceKind {
    Kiosk,
    Display,
}

#[derive(Debug, Clone)]
pub struct StaffIdentity {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub languages: Vec<String>,
    pub professions: Vec<String>,
    pub csrf: String,
    pub token_hash: String,
}

#[derive(Debug, Clone)]
pub struct DeviceIdentity {
    pub id: String,
    pub site: SiteId,
    pub kind: DeviceKind,
}

#[derive(Debug, Clone)]
pub enum Identity {
    Staff(StaffIdentity),
    Device(DeviceIdentity),
}

impl Identity {
    /// A staff member with at least `role`.
    pub fn staff(&self, role: Role) -> Result<&StaffIdentity, ApiError> {
        match self {
            Identity::Staff(s) if s.role >= role => Ok(s),
            Identity::Staff(_) => Err(ApiError::forbidden(format!("this needs the {} role", role.as_str()))),
            Identity::Device(_) => Err(ApiError::forbidden("devices cannot do this; log in as staff")),
        }
    }

    /// Staff, or a device of one of `kinds` bound to `site`.
    pub fn staff_or_device(&self, site: &SiteId, kinds: &[DeviceKind]) -> Result<(), ApiError> {
        match self {
            Identity::Staff(_) => Ok(()),
            Identity::Device(d) if !kinds.contains(&d.kind) => {
                Err(ApiError::forbidden("this device key is not allowed to do this"))
            }
            Identity::Device(d) if &d.site != site => {
                Err(ApiError::forbidden(format!("this device key belongs to site '{}'", d.site)))
            }
            Identity::Device(_) => Ok(()),
        }
    }

    /// A name for audit and idempotency scopes.
    pub fn principal(&self) -> String {
        match self {
            Identity::Staff(s) => format!("staff:{}", s.username),
            Identity::Device(d) => format!("device:{}", d.id),
        }
    }
}

/// Hex SHA-256 of a high-entropy secret (tokens and device keys; passwords use argon2id).
pub fn secret_hash(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new random secret: `bytes` random bytes, URL-safe base64.
pub fn random_secret(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::fill(&mut buf[..]);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// argon2id with OWASP's 7 MiB, 5 passes, 1 lane profile (as strong as its 19 MiB, 2 passes one,
/// for a third of the memory). Hashes made with other parameters still verify: the PHC string
/// carries its own.
fn argon2() -> Argon2<'static> {
    let params = argon2::Params::new(7 * 1024, 5, 1, None).expect("valid argon2 parameters");
    Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
}

/// Why a password could not be hashed or checked.
#[derive(Debug, Clone, thiserror::Error)]
pub enum HashError {
    #[error("password hashing failed: {0}")]
    Argon2(String),
    /// The hashing job panicked or its thread could not run it; the next call starts a new thread.
    #[error("the password hashing thread failed: {0}")]
    Thread(String),
}

type HashJob = Box<dyn FnOnce() + Send>;

/// Run password hashing on one long-lived thread, one hash at a time. Each hash needs a block of
/// several MiB; glibc keeps such blocks in the arena of whichever thread freed them, so hashing on
/// many blocking-pool threads used to pin a block per thread (over 100 MB after a few logins).
/// A job that panics is caught on that thread and answered as an error; should the thread ever be
/// gone, the next call starts a new one, so one failure never disables logins for the process.
fn on_hasher_thread<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> Result<R, HashError> {
    static HASHER: std::sync::Mutex<Option<std::sync::mpsc::Sender<HashJob>>> = std::sync::Mutex::new(None);
    let (reply, answer) = std::sync::mpsc::sync_channel(1);
    let job: HashJob = Box::new(move || {
        let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        let _ = reply.send(out.map_err(|p| {
            let what = p
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic".to_owned());
            HashError::Thread(what)
        }));
    });
    {
        let mut tx = HASHER.lock().unwrap_or_else(|p| p.into_inner());
        let job = match tx.as_ref() {
            Some(t) => t.send(job).err().map(|std::sync::mpsc::SendError(job)| job),
            None => Some(job),
        };
        if let Some(job) = job {
            let (new_tx, rx) = std::sync::mpsc::channel::<HashJob>();
            std::thread::Builder::new()
                .name("argon2id".into())
                .spawn(move || {
                    for job in rx {
                        job();
                    }
                })
                .map_err(|e| HashError::Thread(format!("cannot start it: {e}")))?;
            new_tx.send(job).map_err(|_| HashError::Thread("it stopped at once".into()))?;
            *tx = Some(new_tx);
        }
    }
    answer.recv().map_err(|_| HashError::Thread("it stopped without answering".into()))?
}

pub fn hash_password(password: &str) -> Result<String, HashError> {
    let password = password.to_owned();
    on_hasher_thread(move || {
        let mut salt_bytes = [0u8; 16];
        rand::fill(&mut salt_bytes);
        let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| HashError::Argon2(e.to_string()))?;
        argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| HashError::Argon2(e.to_string()))
    })?
}

/// Whether `password` matches `hash`; an error only when the hashing thread failed.
pub fn verify_password(password: &str, hash: &str) -> Result<bool, HashError> {
    let (password, hash) = (password.to_owned(), hash.to_owned());
    on_hasher_thread(move || {
        PasswordHash::new(&hash).is_ok_and(|h| argon2().verify_password(password.as_bytes(), &h).is_ok())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Issue 20: a panic on the hashing thread must not disable logins for the rest of the process.
    #[test]
    fn a_panicking_hash_job_leaves_hashing_working() {
        let hash = hash_password("a long password").unwrap();
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let failed = on_hasher_thread(|| -> u32 { panic!("boom") });
        std::panic::set_hook(prev);
        assert!(matches!(&failed, Err(HashError::Thread(m)) if m == "boom"), "{failed:?}");
        assert!(verify_password("a long password", &hash).unwrap());
        assert!(!verify_password("wrong", &hash).unwrap());
    }
}

/// Credentials looked up recently, by secret hash.
#[derive(Default)]
pub struct AuthCache {
    entries: Mutex<HashMap<String, (Identity, Instant)>>,
}

impl AuthCache {
    fn get(&self, hash: &str) -> Option<Identity> {
        let map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        map.get(hash).filter(|(_, at)| at.elapsed() < CACHE_TTL).map(|(id, _)| id.clone())
    }
    fn put(&self, hash: String, id: Identity) {
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 10_000 {
            map.retain(|_, (_, at)| at.elapsed() < CACHE_TTL);
        }
        map.insert(hash, (id, Instant::now()));
    }
    pub fn forget(&self, hash: &str) {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).remove(hash);
    }
}

/// Resolve a secret (session token or device key) to an identity.
pub async fn lookup(state: &AppState, secret: &str) -> Result<Option<Identity>, ApiError> {
    let hash = secret_hash(secret);
    if let Some(id) = state.auth_cache.get(&hash) {
        return Ok(Some(id));
    }
    let now = state.now();
    let h = hash.clone();
    let found = state
        .db
        .read(move |conn| -> db::Result<Option<Identity>> {
            let hash = h;
            if let Some(d) = db::device_by_key_hash(conn, &hash)? {
                let kind = if d.kind == "kiosk" { DeviceKind::Kiosk } else { DeviceKind::Display };
                return Ok(Some(Identity::Device(DeviceIdentity { id: d.id, site: SiteId(d.site), kind })));
            }
            Ok(db::session(conn, &hash, now)?.and_then(|(s, csrf)| {
                Some(Identity::Staff(StaffIdentity {
                    role: Role::parse(&s.role)?,
                    username: s.username,
                    display_name: s.display_name,
                    languages: s.languages,
                    professions: s.professions,
                    csrf,
                    token_hash: hash.clone(),
                }))
            }))
        })
        .await?;
    if let Some(id) = &found {
        state.auth_cache.put(hash, id.clone());
    }
    Ok(found)
}

fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// `?key=` in the query string (for the browser's EventSource, which cannot send headers).
/// Percent-decoded, so a key with reserved characters works when the URL encodes it.
fn query_key(parts: &Parts) -> Option<String> {
    form_urlencoded::parse(parts.uri.query()?.as_bytes()).find(|(k, _)| k == "key").map(|(_, v)| v.into_owned())
}

impl FromRequestParts<AppState> for Identity {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        if let Some(secret) = bearer {
            return lookup(state, secret).await?.ok_or_else(ApiError::unauthenticated);
        }
        if let Some(secret) = cookie(parts, SESSION_COOKIE) {
            let id = lookup(state, secret).await?.ok_or_else(ApiError::unauthenticated)?;
            let Identity::Staff(s) = &id else { return Err(ApiError::unauthenticated()) };
            let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            if !safe && sent != Some(s.csrf.as_str()) {
                return Err(ApiError::forbidden(
                    "missing or wrong X-CSRF-Token header (get it from POST or GET /api/v1/session)",
                ));
            }
            return Ok(id);
        }
        if let Some(key) = query_key(parts) {
            // Only device keys travel in URLs (they are shown on no page and logged nowhere).
            if let Some(id @ Identity::Device(_)) = lookup(state, &key).await? {
                return Ok(id);
            }
        }
        Err(ApiError::unauthenticated())
    }
}

/// An identity if one was presented, None for anonymous requests.
pub struct MaybeIdentity(pub Option<Identity>);

impl FromRequestParts<AppState> for MaybeIdentity {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let presented = parts.headers.contains_key(header::AUTHORIZATION)
            || cookie(parts, SESSION_COOKIE).is_some()
            || query_key(parts).is_some();
        if !presented {
            return Ok(MaybeIdentity(None));
        }
        Identity::from_request_parts(parts, state).await.map(|i| MaybeIdentity(Some(i)))
    }
}

/// Per-site ticket limits per kiosk, and per-address limits for logins and public look-ups.
pub struct Limits {
    tickets: HashMap<SiteId, DefaultKeyedRateLimiter<String>>,
    logins: DefaultKeyedRateLimiter<std::net::IpAddr>,
    lookups: DefaultKeyedRateLimiter<std::net::IpAddr>,
}

fn per_minute(n: u32) -> Quota {
    let n = NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN);
    // A burst of a quarter of the minute's allowance (at least 3), refilled steadily.
    let burst = NonZeroU32::new((n.get() / 4).max(3)).unwrap_or(NonZeroU32::MIN);
    Quota::per_minute(n).allow_burst(burst)
}

impl Limits {
    pub fn new(cfg: &config::Config) -> Limits {
        let tickets = cfg
            .sites
            .iter()
            .map(|s| {
                (s.id.clone(), governor::RateLimiter::keyed(per_minute(s.rate_limits.tickets_per_minute_per_kiosk)))
            })
            .collect();
        // Logins and look-ups are not tied to a site: the strictest site setting applies.
        let logins = cfg.sites.iter().map(|s| s.rate_limits.logins_per_minute_per_address).min().unwrap_or(10);
        let lookups =
            cfg.sites.iter().map(|s| s.rate_limits.public_lookups_per_minute_per_address).min().unwrap_or(120);
        Limits {
            tickets,
            logins: governor::RateLimiter::keyed(per_minute(logins)),
            lookups: governor::RateLimiter::keyed(per_minute(lookups)),
        }
    }

    fn check<K: std::hash::Hash + Eq + Clone>(
        l: &DefaultKeyedRateLimiter<K>,
        key: &K,
        what: &str,
    ) -> Result<(), ApiError> {
        l.check_key(key).map_err(|not_until| {
            let wait = not_until.wait_time_from(governor::clock::Clock::now(&governor::clock::DefaultClock::default()));
            ApiError::too_many(what, wait.as_secs() + 1)
        })
    }

    pub fn ticket(&self, site: &SiteId, device: &str) -> Result<(), ApiError> {
        match self.tickets.get(site) {
            Some(l) => Self::check(l, &device.to_owned(), "tickets from this kiosk"),
            None => Ok(()),
        }
    }
    pub fn login(&self, addr: std::net::IpAddr) -> Result<(), ApiError> {
        Self::check(&self.logins, &addr, "login attempts from this address")
    }
    pub fn lookup(&self, addr: std::net::IpAddr) -> Result<(), ApiError> {
        Self::check(&self.lookups, &addr, "ticket look-ups from this address")
    }
}
