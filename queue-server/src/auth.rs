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

pub use queue_core::{DeviceKind, Role};

#[derive(Debug, Clone)]
pub struct StaffIdentity {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub languages: Vec<String>,
    pub professions: Vec<String>,
    /// The sites the account belongs to, in the account's order (resolved: an account of every
    /// site lists them all, in the configuration's order).
    pub sites: Vec<SiteId>,
    pub csrf: String,
    pub token_hash: String,
}

impl StaffIdentity {
    pub fn works_at(&self, site: &SiteId) -> bool {
        self.sites.contains(site)
    }
}

#[derive(Debug, Clone)]
pub struct DeviceIdentity {
    pub id: String,
    pub site: SiteId,
    pub kind: DeviceKind,
    pub key_hash: String,
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

    /// A staff member of `site` with at least `role`.
    pub fn staff_at(&self, site: &SiteId, role: Role) -> Result<&StaffIdentity, ApiError> {
        let me = self.staff(role)?;
        if me.works_at(site) {
            Ok(me)
        } else {
            Err(ApiError::forbidden(format!("{} does not work at site '{site}'", me.username)))
        }
    }

    /// Staff of `site`, or a device of one of `kinds` bound to `site`.
    pub fn staff_or_device(&self, site: &SiteId, kinds: &[DeviceKind]) -> Result<(), ApiError> {
        match self {
            Identity::Staff(s) if s.works_at(site) => Ok(()),
            Identity::Staff(s) => Err(ApiError::forbidden(format!("{} does not work at site '{site}'", s.username))),
            Identity::Device(d) if !kinds.contains(&d.kind) => {
                Err(ApiError::forbidden("this device key is not allowed to do this"))
            }
            Identity::Device(d) if &d.site != site => {
                Err(ApiError::forbidden(format!("this device key belongs to site '{}'", d.site)))
            }
            Identity::Device(_) => Ok(()),
        }
    }

    /// Who this is to the engine, which decides with it and records it with every event.
    pub fn actor(&self, cfg: &config::Config) -> queue_core::Actor {
        match self {
            Identity::Staff(s) => queue_core::Actor::Staff {
                id: queue_core::StaffId(s.username.clone()),
                role: s.role,
                // Admins of every site are "every site" to the engine, also for sites added later.
                sites: if s.role == Role::Admin && s.sites.len() == cfg.sites.len() { vec![] } else { s.sites.clone() },
            },
            Identity::Device(d) => queue_core::Actor::Device { id: d.id.clone(), site: d.site.clone(), kind: d.kind },
        }
    }

    /// The hash of the secret this identity was presented with (session token or device key).
    pub fn secret_hash(&self) -> &str {
        match self {
            Identity::Staff(s) => &s.token_hash,
            Identity::Device(d) => &d.key_hash,
        }
    }

    /// A name for audit and idempotency scopes.
    /// The staff member's language for staff-facing names: the first of their languages that the
    /// staff pages exist in (`None` for devices, or without one: the site's first language).
    pub fn language(&self) -> Option<&str> {
        match self {
            Identity::Staff(s) => {
                s.languages.iter().map(String::as_str).find(|l| texts::staff_languages().any(|x| x.code == *l))
            }
            Identity::Device(_) => None,
        }
    }

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

/// The token of a ticket issued with an `Idempotency-Key`: HMAC-SHA256 of the scope and key under the
/// server's secret (`state::server_secret`), 24 bytes of it in URL-safe base64 (192 bits). A retry
/// of the same request gets the same token back although no token is ever stored; nobody without
/// the secret can compute it from the key.
pub fn keyed_token(secret: &[u8], scope: &str, key: &str) -> String {
    use hmac::Mac;
    let mut mac = <hmac::Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(b"sportello ticket token\0");
    mac.update(scope.as_bytes());
    mac.update(b"\0");
    mac.update(key.as_bytes());
    let out = mac.finalize().into_bytes();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&out[..24])
}

/// The stored form of an appointment check-in code: HMAC-SHA256 of the site and the code's
/// canonical form under the server's secret, hex. Without the secret a stolen database does not
/// let anyone test codes offline.
pub fn code_hash(secret: &[u8], site: &str, canonical: &str) -> String {
    use hmac::Mac;
    let mut mac = <hmac::Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(b"sportello appointment code\0");
    mac.update(site.as_bytes());
    mac.update(b"\0");
    mac.update(canonical.as_bytes());
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of a request (route and canonical body), hex: what an `Idempotency-Key` was used for.
pub fn request_hash(route: &str, body: &impl serde::Serialize) -> String {
    secret_hash(&format!("{route}\n{}", serde_json::to_string(body).unwrap_or_default()))
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
    /// Forget everything (an account or key was revoked somewhere).
    pub fn clear(&self) {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}

/// Resolve a secret (session token or device key) to an identity.
pub async fn lookup(state: &AppState, secret: &str) -> Result<Option<Identity>, ApiError> {
    lookup_hash(state, secret_hash(secret)).await
}

/// How often the server looks whether an admin command revoked something (`db::auth_epoch`).
pub const REVOCATION_POLL: Duration = Duration::from_millis(250);

/// Watch the auth epoch that the admin commands (and logouts) move: when it moves, forget every
/// cached credential and tell the open streams to check theirs, so a disabled account or a revoked
/// key stops working within a second. Also shrinks the rate limiters' memory every minute.
pub async fn watch_revocations(state: AppState) {
    let mut shutdown = state.shutdown.clone();
    let mut tick = tokio::time::interval(REVOCATION_POLL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last: Option<i64> = None;
    let mut shrunk = Instant::now();
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = shutdown.changed() => return,
        }
        if *shutdown.borrow() {
            return;
        }
        match state.db.read(db::auth_epoch).await {
            Ok(epoch) if last.is_some_and(|l| l != epoch) => {
                state.auth_cache.clear();
                last = Some(epoch);
                state.auth_epoch.send_modify(|e| *e += 1);
            }
            Ok(epoch) => last = Some(epoch),
            Err(e) => tracing::warn!(error = %e, "cannot read the auth epoch; will try again"),
        }
        if shrunk.elapsed() > Duration::from_secs(60) {
            state.limits.shrink();
            shrunk = Instant::now();
        }
    }
}

/// Resolve the hash of a secret to an identity (streams re-check theirs after a revocation).
pub async fn lookup_hash(state: &AppState, hash: String) -> Result<Option<Identity>, ApiError> {
    if let Some(id) = state.auth_cache.get(&hash) {
        return Ok(Some(id));
    }
    let now = state.now();
    let h = hash.clone();
    let all_sites: Vec<SiteId> = state.cfg.sites.iter().map(|s| s.id.clone()).collect();
    let found = state
        .db
        .read(move |conn| -> db::Result<Option<Identity>> {
            let hash = h;
            if let Some(d) = db::device_by_key_hash(conn, &hash)? {
                let kind = if d.kind == "kiosk" { DeviceKind::Kiosk } else { DeviceKind::Display };
                let device = DeviceIdentity { id: d.id, site: SiteId(d.site), kind, key_hash: hash };
                return Ok(Some(Identity::Device(device)));
            }
            Ok(db::session(conn, &hash, now)?.and_then(|(s, csrf)| {
                let sites = match s.sites {
                    None => all_sites,
                    // In the account's own order: its first site is "theirs" (the statistics' default).
                    Some(list) => list
                        .iter()
                        .filter_map(|l| all_sites.iter().find(|x| x.as_str() == l.as_str()).cloned())
                        .collect(),
                };
                Some(Identity::Staff(StaffIdentity {
                    sites,
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

/// Rate limits: per kiosk for tickets and (a budget of their own) for alerts, per site; logins per
/// address (failed attempts only, with a larger burst, so one guesser does not lock out the
/// colleagues behind the same address) and per account; public look-ups per address (a waiting
/// room of phones shares one guest Wi-Fi address: a generous limit) and per token.
/// How far back `Limits::note_kiosk_ticket` counts.
pub const FLOOD_WINDOW: Duration = Duration::from_secs(300);

#[derive(Default)]
struct FloodWindow {
    recent: std::collections::VecDeque<Instant>,
    alerted: Option<Instant>,
}

pub struct Limits {
    tickets: HashMap<SiteId, DefaultKeyedRateLimiter<String>>,
    alerts: HashMap<SiteId, DefaultKeyedRateLimiter<String>>,
    login_failures: DefaultKeyedRateLimiter<std::net::IpAddr>,
    /// Addresses whose failed logins ran out of budget, until when.
    login_blocked: Mutex<HashMap<std::net::IpAddr, Instant>>,
    logins: DefaultKeyedRateLimiter<String>,
    /// Recent tickets per (kiosk, service), to tell staff when one kiosk takes a service's day.
    floods: Mutex<HashMap<(String, String), FloodWindow>>,
    lookups: DefaultKeyedRateLimiter<std::net::IpAddr>,
    token_lookups: DefaultKeyedRateLimiter<String>,
    /// Wrong appointment codes per kiosk (`WRONG_CODES_PER_MINUTE`), and kiosks that ran out, until when.
    code_failures: DefaultKeyedRateLimiter<String>,
    code_blocked: Mutex<HashMap<String, Instant>>,
}

/// Wrong appointment codes a kiosk may send a minute (all at once: a visitor mistyping a few times
/// is not a guesser); past them the kiosk waits. 40-bit codes stay out of reach at that pace.
pub const WRONG_CODES_PER_MINUTE: u32 = 10;

fn per_minute(n: u32) -> Quota {
    let n = NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN);
    // A burst of a quarter of the minute's allowance (at least 3), refilled steadily.
    let burst = NonZeroU32::new((n.get() / 4).max(3)).unwrap_or(NonZeroU32::MIN);
    Quota::per_minute(n).allow_burst(burst)
}

/// The whole minute's allowance may come at once (failed logins: a colleague mistyping a few times
/// in a row is not a flood; a guesser is still held to `n` a minute).
fn per_minute_full_burst(n: u32) -> Quota {
    let n = NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::per_minute(n).allow_burst(n)
}

impl Limits {
    pub fn new(cfg: &config::Config) -> Limits {
        let per_site = |f: &dyn Fn(&config::RateLimits) -> u32| {
            cfg.sites
                .iter()
                .map(|s| (s.id.clone(), governor::RateLimiter::keyed(per_minute(f(&s.rate_limits)))))
                .collect()
        };
        // Logins and look-ups are not tied to a site: the strictest site setting applies.
        let strictest = |f: &dyn Fn(&config::RateLimits) -> u32, default| {
            cfg.sites.iter().map(|s| f(&s.rate_limits)).min().unwrap_or(default)
        };
        Limits {
            tickets: per_site(&|r| r.tickets_per_minute_per_kiosk),
            alerts: per_site(&|r| r.alerts_per_minute_per_kiosk),
            login_failures: governor::RateLimiter::keyed(per_minute_full_burst(strictest(
                &|r| r.logins_per_minute_per_address,
                10,
            ))),
            login_blocked: Mutex::new(HashMap::new()),
            code_failures: governor::RateLimiter::keyed(per_minute_full_burst(WRONG_CODES_PER_MINUTE)),
            code_blocked: Mutex::new(HashMap::new()),
            floods: Mutex::new(HashMap::new()),
            logins: governor::RateLimiter::keyed(per_minute_full_burst(strictest(
                &|r| r.logins_per_minute_per_account,
                10,
            ))),
            lookups: governor::RateLimiter::keyed(per_minute(strictest(
                &|r| r.public_lookups_per_minute_per_address,
                3000,
            ))),
            token_lookups: governor::RateLimiter::keyed(per_minute(strictest(
                &|r| r.public_lookups_per_minute_per_token,
                60,
            ))),
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
    pub fn alert(&self, site: &SiteId, device: &str) -> Result<(), ApiError> {
        match self.alerts.get(site) {
            Some(l) => Self::check(l, &device.to_owned(), "alerts from this kiosk"),
            None => Ok(()),
        }
    }
    pub fn lookup(&self, addr: std::net::IpAddr) -> Result<(), ApiError> {
        Self::check(&self.lookups, &addr, "ticket look-ups from this address")
    }
    pub fn token_lookup(&self, token_hash: &str) -> Result<(), ApiError> {
        Self::check(&self.token_lookups, &token_hash.to_owned(), "look-ups of this ticket")
    }
    /// Before checking a password: the account's budget (every attempt counts).
    pub fn login_attempt(&self, username: &str) -> Result<(), ApiError> {
        Self::check(&self.logins, &username.to_ascii_lowercase(), "login attempts for this account")
    }
    /// Before checking a password: has this address failed too often lately?
    pub fn login_address(&self, addr: std::net::IpAddr) -> Result<(), ApiError> {
        let blocked = self.login_blocked.lock().unwrap_or_else(|p| p.into_inner());
        match blocked.get(&addr) {
            Some(until) if *until > Instant::now() => Err(ApiError::too_many(
                "failed logins from this address",
                until.saturating_duration_since(Instant::now()).as_secs() + 1,
            )),
            _ => Ok(()),
        }
    }
    /// Before looking an appointment code up: has this kiosk sent too many wrong ones lately?
    pub fn code_attempt(&self, device: &str) -> Result<(), ApiError> {
        let blocked = self.code_blocked.lock().unwrap_or_else(|p| p.into_inner());
        match blocked.get(device) {
            Some(until) if *until > Instant::now() => Err(ApiError::too_many(
                "wrong appointment codes from this kiosk",
                until.saturating_duration_since(Instant::now()).as_secs() + 1,
            )),
            _ => Ok(()),
        }
    }
    /// After a wrong appointment code: counts against the kiosk; past its budget the kiosk waits.
    pub fn code_failed(&self, device: &str) -> Result<(), ApiError> {
        Self::check(&self.code_failures, &device.to_owned(), "wrong appointment codes from this kiosk").inspect_err(
            |e| {
                let wait = Duration::from_secs(e.retry_after.unwrap_or(1));
                let mut blocked = self.code_blocked.lock().unwrap_or_else(|p| p.into_inner());
                blocked.insert(device.to_owned(), Instant::now() + wait);
            },
        )
    }
    /// After a wrong password: counts against the address; past its budget the address waits.
    pub fn login_failed(&self, addr: std::net::IpAddr) -> Result<(), ApiError> {
        Self::check(&self.login_failures, &addr, "failed logins from this address").inspect_err(|e| {
            let wait = Duration::from_secs(e.retry_after.unwrap_or(1));
            let mut blocked = self.login_blocked.lock().unwrap_or_else(|p| p.into_inner());
            blocked.insert(addr, Instant::now() + wait);
        })
    }
    /// Note a ticket a kiosk took; `Some(n)` (once per half hour per kiosk and service) when the
    /// kiosk took `n` tickets of the service within `FLOOD_WINDOW`, more than a real visitor queue
    /// gives: the site's `flood_alert_tickets`, or for a capped service half its cap (at least 10)
    /// if that is fewer.
    pub fn note_kiosk_ticket(
        &self,
        device: &str,
        service: &str,
        flood_alert_tickets: u32,
        daily_cap: Option<u32>,
    ) -> Option<usize> {
        let threshold = daily_cap.map_or(flood_alert_tickets, |c| (c / 2).max(10).min(flood_alert_tickets)) as usize;
        let now = Instant::now();
        let mut floods = self.floods.lock().unwrap_or_else(|p| p.into_inner());
        let w = floods.entry((device.to_owned(), service.to_owned())).or_default();
        while w.recent.front().is_some_and(|t| now.duration_since(*t) > FLOOD_WINDOW) {
            w.recent.pop_front();
        }
        w.recent.push_back(now);
        if w.recent.len() >= threshold && w.alerted.is_none_or(|a| now.duration_since(a) > Duration::from_secs(1800)) {
            w.alerted = Some(now);
            return Some(w.recent.len());
        }
        None
    }

    /// Forget keys not seen lately, so the limiters' memory shrinks after a flood of addresses.
    pub fn shrink(&self) {
        for l in self.tickets.values().chain(self.alerts.values()) {
            l.retain_recent();
            l.shrink_to_fit();
        }
        self.login_failures.retain_recent();
        self.login_failures.shrink_to_fit();
        self.logins.retain_recent();
        self.logins.shrink_to_fit();
        self.lookups.retain_recent();
        self.lookups.shrink_to_fit();
        self.token_lookups.retain_recent();
        self.token_lookups.shrink_to_fit();
        let mut blocked = self.login_blocked.lock().unwrap_or_else(|p| p.into_inner());
        blocked.retain(|_, until| *until > Instant::now());
        blocked.shrink_to_fit();
        let mut floods = self.floods.lock().unwrap_or_else(|p| p.into_inner());
        floods.retain(|_, w| w.recent.back().is_some_and(|t| t.elapsed() < FLOOD_WINDOW));
        floods.shrink_to_fit();
    }
    /// Keys the limiters remember (to see them shrink).
    pub fn remembered(&self) -> usize {
        self.tickets.values().chain(self.alerts.values()).map(|l| l.len()).sum::<usize>()
            + self.login_failures.len()
            + self.logins.len()
            + self.lookups.len()
            + self.token_lookups.len()
            + self.login_blocked.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}
