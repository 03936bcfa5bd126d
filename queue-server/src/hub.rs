//! Live fan-out: per-site broadcast of pre-serialized SSE messages, with a ring buffer
//! for `Last-Event-ID` resume. Each event is serialized once, whatever the subscribers.

use queue_core::SiteId;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

/// Messages kept per site for resuming streams.
const RING: usize = 8192;
const CHANNEL: usize = 4096;

/// One SSE message with both audiences' payloads.
#[derive(Debug)]
pub struct Msg {
    /// The event's sequence number; None for snapshots such as `queue.updated`.
    pub id: Option<u64>,
    pub event: &'static str,
    /// Payload for displays and ticket pages; None when displays must not see it (alerts).
    pub public: Option<String>,
    /// Payload for staff.
    pub staff: String,
}

struct SiteHub {
    tx: broadcast::Sender<Arc<Msg>>,
    ring: Mutex<Ring>,
}

struct Ring {
    msgs: VecDeque<Arc<Msg>>,
    /// Every event of this site with an id above `floor` is in `msgs`.
    floor: u64,
}

/// Where a new subscriber starts.
pub enum Start {
    /// Messages missed since the given id, then live.
    Resume(Vec<Arc<Msg>>),
    /// Too old to resume: re-read the snapshot.
    Resync,
}

pub struct Hub {
    sites: HashMap<SiteId, SiteHub>,
    /// The newest event id stored, of any site: ids are one sequence for the whole server, so a
    /// quiet site's client may rightly hold an id newer than anything of its own site.
    last: AtomicU64,
}

impl Hub {
    /// `floor`: the last event id stored before start-up (older ids cannot be resumed).
    pub fn new(sites: impl IntoIterator<Item = SiteId>, floor: u64) -> Hub {
        let sites = sites
            .into_iter()
            .map(|s| {
                let (tx, _) = broadcast::channel(CHANNEL);
                (s, SiteHub { tx, ring: Mutex::new(Ring { msgs: VecDeque::new(), floor }) })
            })
            .collect();
        Hub { sites, last: AtomicU64::new(floor) }
    }

    /// Events up to `id` are stored (of whichever sites): a client that saw `id` can resume.
    pub fn advance(&self, id: u64) {
        self.last.fetch_max(id, Ordering::SeqCst);
    }

    pub fn publish(&self, site: &SiteId, msg: Msg) {
        let Some(h) = self.sites.get(site) else { return };
        let msg = Arc::new(msg);
        let mut ring = h.ring.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(id) = msg.id {
            self.advance(id);
            if ring.msgs.len() == RING
                && let Some(old) = ring.msgs.pop_front()
            {
                ring.floor = old.id.unwrap_or(ring.floor);
            }
            ring.msgs.push_back(msg.clone());
        }
        // No receivers is fine.
        let _ = h.tx.send(msg);
    }

    /// Subscribe to a site; with `last_id`, also get what was missed since.
    pub fn subscribe(&self, site: &SiteId, last_id: Option<u64>) -> Option<(Start, broadcast::Receiver<Arc<Msg>>)> {
        let h = self.sites.get(site)?;
        let ring = h.ring.lock().unwrap_or_else(|p| p.into_inner());
        let rx = h.tx.subscribe();
        let start = match last_id {
            None => Start::Resume(vec![]),
            // Older than we keep, or from another database: start over from a snapshot.
            Some(id) if id < ring.floor || id > self.last.load(Ordering::SeqCst) => Start::Resync,
            Some(id) => Start::Resume(ring.msgs.iter().filter(|m| m.id.is_some_and(|m| m > id)).cloned().collect()),
        };
        Some((start, rx))
    }

    pub fn subscribers(&self) -> usize {
        self.sites.values().map(|h| h.tx.receiver_count()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(id: Option<u64>) -> Msg {
        Msg { id, event: "ticket.issued", public: Some("{}".into()), staff: "{}".into() }
    }

    fn ids(start: Start) -> Option<Vec<u64>> {
        match start {
            Start::Resume(m) => Some(m.iter().filter_map(|m| m.id).collect()),
            Start::Resync => None,
        }
    }

    #[test]
    fn resumes_after_an_id_and_resyncs_when_it_cannot() {
        let site = SiteId::from("s");
        let hub = Hub::new([site.clone()], 10);
        for id in 11..=15 {
            hub.publish(&site, msg(Some(id)));
        }
        hub.publish(&site, msg(None));
        let (start, _) = hub.subscribe(&site, Some(12)).unwrap();
        assert_eq!(ids(start), Some(vec![13, 14, 15]));
        let (start, _) = hub.subscribe(&site, Some(10)).unwrap();
        assert_eq!(ids(start), Some(vec![11, 12, 13, 14, 15]), "the floor itself is resumable");
        let (start, _) = hub.subscribe(&site, Some(9)).unwrap();
        assert_eq!(ids(start), None, "older than the floor");
        let (start, _) = hub.subscribe(&site, Some(99)).unwrap();
        assert_eq!(ids(start), None, "from another database");
        let (start, _) = hub.subscribe(&site, None).unwrap();
        assert_eq!(ids(start), Some(vec![]));
        assert!(hub.subscribe(&SiteId::from("other"), None).is_none());
    }

    /// Event ids are one sequence for the server: a display of a quiet site holds the id of another
    /// site's last event (its snapshot's `last_event_id`) and must resume, not resync for ever.
    #[test]
    fn a_quiet_site_resumes_from_an_id_of_another_sites_event() {
        let (busy, quiet) = (SiteId::from("busy"), SiteId::from("quiet"));
        let hub = Hub::new([busy.clone(), quiet.clone()], 0);
        for id in 1..=3 {
            hub.publish(&busy, msg(Some(id)));
        }
        let (start, _) = hub.subscribe(&quiet, Some(3)).unwrap();
        assert_eq!(ids(start), Some(vec![]));
        hub.publish(&quiet, msg(Some(4)));
        hub.publish(&busy, msg(Some(5)));
        let (start, _) = hub.subscribe(&quiet, Some(3)).unwrap();
        assert_eq!(ids(start), Some(vec![4]));
        // Stored but published to no site's stream (the writer advances the hub after a commit).
        hub.advance(6);
        let (start, _) = hub.subscribe(&quiet, Some(6)).unwrap();
        assert_eq!(ids(start), Some(vec![]));
        let (start, _) = hub.subscribe(&quiet, Some(7)).unwrap();
        assert_eq!(ids(start), None, "from another database");
    }

    #[test]
    fn the_ring_forgets_the_oldest_and_raises_the_floor() {
        let site = SiteId::from("s");
        let hub = Hub::new([site.clone()], 0);
        for id in 1..=(RING as u64 + 5) {
            hub.publish(&site, msg(Some(id)));
        }
        let (start, _) = hub.subscribe(&site, Some(4)).unwrap();
        assert_eq!(ids(start), None);
        let (start, _) = hub.subscribe(&site, Some(5)).unwrap();
        assert_eq!(ids(start).unwrap().len(), RING);
    }
}
