//! The server's defences at the connection level, for a server that faces the guest Wi-Fi (the
//! visitors' phones open the ticket page): time limits on every stage of a connection, a cap per
//! client address, and separate budgets for request/response connections and for live streams.
//!
//! - a new connection must send its first byte within `first_byte_timeout`, and its request head
//!   within `header_read_timeout` (hyper's, which starts only at the first byte);
//! - a connection with no bytes in either direction for `idle_timeout` is closed (kept-alive
//!   connections between requests; live streams send heartbeats, so they never go idle);
//! - a request body must arrive whole within `body_read_timeout` (bodies are at most 16 KiB: that
//!   is a minimum rate), see `api::body_bytes`;
//! - one address holds at most `connections_per_address` connections (trusted proxies excepted: they
//!   carry everybody), so one laptop cannot take the capacity the kiosks and desks need;
//! - live streams (`GET …/events`) move out of the connection budget into their own
//!   (`max_streams`, and `streams_per_address`), so 2,000 displays and desks neither crowd out
//!   requests nor get crowded out by them.

use config::IpNet;
use std::collections::HashMap;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The limits, with defaults a real kiosk, display or desk never meets.
#[derive(Debug, Clone)]
pub struct NetLimits {
    pub first_byte_timeout: Duration,
    pub header_read_timeout: Duration,
    pub idle_timeout: Duration,
    pub body_read_timeout: Duration,
    /// Request/response connections at once (streams not counted).
    pub max_connections: usize,
    /// Live event streams at once.
    pub max_streams: usize,
    pub connections_per_address: usize,
    pub streams_per_address: usize,
}

impl Default for NetLimits {
    fn default() -> Self {
        NetLimits {
            first_byte_timeout: Duration::from_secs(10),
            header_read_timeout: crate::HEADER_READ_TIMEOUT,
            idle_timeout: Duration::from_secs(60),
            body_read_timeout: Duration::from_secs(10),
            max_connections: 8_000,
            max_streams: 4_000,
            connections_per_address: 256,
            streams_per_address: 256,
        }
    }
}

/// How many connections and streams each address holds now.
#[derive(Default)]
struct PerAddress {
    conns: HashMap<IpAddr, (usize, usize)>,
}

/// The budgets of a running server.
pub struct Budgets {
    pub limits: NetLimits,
    connections: Arc<Semaphore>,
    streams: Arc<Semaphore>,
    per_address: Mutex<PerAddress>,
    trusted: Vec<IpNet>,
}

/// Why a connection or stream was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// This address holds its share already.
    Address,
    /// The server's whole budget is in use.
    Full,
}

impl Budgets {
    pub fn new(limits: NetLimits, trusted: Vec<IpNet>) -> Arc<Budgets> {
        Arc::new(Budgets {
            connections: Arc::new(Semaphore::new(limits.max_connections)),
            streams: Arc::new(Semaphore::new(limits.max_streams)),
            limits,
            per_address: Mutex::new(PerAddress::default()),
            trusted,
        })
    }

    fn exempt(&self, ip: IpAddr) -> bool {
        self.trusted.iter().any(|n| n.contains(ip))
    }

    /// Take a connection slot for `ip`, or say why not.
    pub fn connection(self: &Arc<Self>, ip: IpAddr) -> Result<Arc<ConnSlot>, Refusal> {
        let exempt = self.exempt(ip);
        let mut per = self.per_address.lock().unwrap_or_else(|p| p.into_inner());
        let entry = per.conns.entry(ip).or_default();
        if !exempt && entry.0 + entry.1 >= self.limits.connections_per_address {
            return Err(Refusal::Address);
        }
        let permit = self.connections.clone().try_acquire_owned().map_err(|_| Refusal::Full)?;
        entry.0 += 1;
        Ok(Arc::new(ConnSlot {
            budgets: self.clone(),
            ip,
            state: Mutex::new(SlotState::Connection { _permit: permit }),
        }))
    }

    /// Connections and streams held now (for the metrics and tests).
    pub fn in_use(&self) -> (usize, usize) {
        (
            self.limits.max_connections - self.connections.available_permits(),
            self.limits.max_streams - self.streams.available_permits(),
        )
    }

    /// How many connections `ip` holds now.
    pub fn held_by(&self, ip: IpAddr) -> usize {
        let per = self.per_address.lock().unwrap_or_else(|p| p.into_inner());
        per.conns.get(&ip).map_or(0, |(c, s)| c + s)
    }
}

/// Which budget a connection is counted in; the permit goes back when the state is replaced.
enum SlotState {
    Connection { _permit: OwnedSemaphorePermit },
    Stream { _permit: OwnedSemaphorePermit },
    Released,
}

/// One accepted connection's place in the budgets; released when the connection ends.
pub struct ConnSlot {
    budgets: Arc<Budgets>,
    ip: IpAddr,
    state: Mutex<SlotState>,
}

impl ConnSlot {
    /// This connection now carries a live stream: move it to the streams' budget (and give its
    /// connection slot back), or refuse.
    pub fn become_stream(&self) -> Result<(), Refusal> {
        let b = &self.budgets;
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if !matches!(*state, SlotState::Connection { .. }) {
            return Ok(());
        }
        let mut per = b.per_address.lock().unwrap_or_else(|p| p.into_inner());
        let entry = per.conns.entry(self.ip).or_default();
        if !b.exempt(self.ip) && entry.1 >= b.limits.streams_per_address {
            return Err(Refusal::Address);
        }
        let permit = b.streams.clone().try_acquire_owned().map_err(|_| Refusal::Full)?;
        entry.0 = entry.0.saturating_sub(1);
        entry.1 += 1;
        *state = SlotState::Stream { _permit: permit };
        Ok(())
    }
}

impl Drop for ConnSlot {
    fn drop(&mut self) {
        let state = std::mem::replace(self.state.get_mut().unwrap_or_else(|p| p.into_inner()), SlotState::Released);
        let mut per = self.budgets.per_address.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(entry) = per.conns.get_mut(&self.ip) {
            match state {
                SlotState::Connection { .. } => entry.0 = entry.0.saturating_sub(1),
                SlotState::Stream { .. } => entry.1 = entry.1.saturating_sub(1),
                SlotState::Released => {}
            }
            if *entry == (0, 0) {
                per.conns.remove(&self.ip);
            }
        }
        if per.conns.capacity() > 64 && per.conns.len() < per.conns.capacity() / 4 {
            per.conns.shrink_to_fit();
        }
    }
}

/// A coarse clock for "last activity": milliseconds since the server started.
fn now_ms(origin: Instant) -> u64 {
    origin.elapsed().as_millis() as u64
}

/// A connection's I/O that notes the time of its last byte either way.
pub struct Tracked<T> {
    inner: T,
    origin: Instant,
    last: Arc<AtomicU64>,
}

impl<T> Tracked<T> {
    pub fn new(inner: T) -> (Tracked<T>, Activity) {
        let origin = Instant::now();
        let last = Arc::new(AtomicU64::new(0));
        (Tracked { inner, origin, last: last.clone() }, Activity { origin, last })
    }
}

/// When a `Tracked` connection last moved a byte.
#[derive(Clone)]
pub struct Activity {
    origin: Instant,
    last: Arc<AtomicU64>,
}

impl Activity {
    pub fn idle_for(&self) -> Duration {
        Duration::from_millis(now_ms(self.origin).saturating_sub(self.last.load(Ordering::Relaxed)))
    }

    /// Resolves once the connection has been idle for `limit`.
    pub async fn idle(&self, limit: Duration) {
        loop {
            let idle = self.idle_for();
            if idle >= limit {
                return;
            }
            tokio::time::sleep(limit - idle + Duration::from_millis(50)).await;
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Tracked<T> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let out = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.last.store(now_ms(self.origin), Ordering::Relaxed);
        }
        out
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Tracked<T> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        let out = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(out, Poll::Ready(Ok(n)) if n > 0) {
            self.last.store(now_ms(self.origin), Ordering::Relaxed);
        }
        out
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let out = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(out, Poll::Ready(Ok(n)) if n > 0) {
            self.last.store(now_ms(self.origin), Ordering::Relaxed);
        }
        out
    }
    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Issue 12: one address gets its share and no more; streams have their own budget and moving
    // a connection into it gives its connection slot back; everything is released on drop.
    #[test]
    fn budgets_per_address_and_for_streams() {
        let limits = NetLimits {
            max_connections: 10,
            max_streams: 3,
            connections_per_address: 4,
            streams_per_address: 2,
            ..NetLimits::default()
        };
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let b = Budgets::new(limits, vec![IpNet::parse("10.0.0.1").unwrap()]);
        let flood: IpAddr = "127.0.0.2".parse().unwrap();
        let held: Vec<_> = (0..4).map(|_| b.connection(flood).unwrap()).collect();
        assert_eq!(b.connection(flood).err(), Some(Refusal::Address));
        let kiosk = b.connection("127.0.0.1".parse().unwrap()).unwrap();
        assert_eq!(b.in_use(), (5, 0));
        held[0].become_stream().unwrap();
        held[1].become_stream().unwrap();
        assert_eq!(held[2].become_stream(), Err(Refusal::Address));
        assert_eq!(b.in_use(), (3, 2));
        // A trusted proxy carries everybody: no per-address cap, only the server's budget.
        let via_proxy: Vec<_> = (0..7).map(|_| b.connection(proxy).unwrap()).collect();
        assert_eq!(b.connection(proxy).err(), Some(Refusal::Full));
        via_proxy[0].become_stream().unwrap();
        assert_eq!(via_proxy[1].become_stream(), Err(Refusal::Full));
        drop(via_proxy);
        drop(held);
        drop(kiosk);
        assert_eq!(b.in_use(), (0, 0));
        assert_eq!(b.held_by(flood), 0);
    }
}
