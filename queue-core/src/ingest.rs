//! The hub's side of the storage boundary: ingesting a site's batch (`Ingest`), the watermark rule
//! every hub keeps (`admit`, over `envelope::contiguous_with`), and `MemoryHub`.
//!
//! A hub stores an origin's events in order: of a batch it takes the events that follow on from
//! its watermark (forgotten runs count as present), never anything past a gap, and a replay
//! stores nothing twice; its answer carries the new watermark. Implementations: the PostgreSQL
//! hub (`hub::db::PgHub`, one transaction per batch) and `MemoryHub` here (the bench's loopback
//! hub, tests).

use crate::envelope::{Batch, Gap, IngestReply, contiguous_with};
use jiff::Timestamp;
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Mutex;

/// A hub that ingests batches of origins.
pub trait Ingest {
    type Error;
    /// Store what of `batch` follows on from `origin`'s watermark, in one step, and answer.
    fn ingest(
        &self,
        origin: &str,
        batch: &Batch,
        now: Timestamp,
    ) -> impl Future<Output = Result<IngestReply, Self::Error>> + Send;
}

/// What a hub at `watermark` does with a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admitted {
    pub reply: IngestReply,
    /// The sequence numbers to store now (ascending, once each).
    pub store: Vec<u64>,
    /// How many forgotten numbers the watermark moved past.
    pub forgotten: u64,
}

/// The watermark rule: of `batch`, the events a hub of `origin` at `watermark` stores, and its
/// answer. Duplicates are the events the hub already had (at or below its watermark); events past
/// a gap are neither.
pub fn admit(origin: &str, watermark: u64, batch: &Batch) -> Admitted {
    let mut seqs: Vec<u64> = batch.events.iter().map(|e| e.seq).collect();
    seqs.sort_unstable();
    seqs.dedup();
    let (to, gap, forgotten) = contiguous_with(watermark, &seqs, &batch.forgotten);
    let taken = seqs.iter().filter(|s| **s <= to).count() as u64;
    let store: Vec<u64> = seqs.into_iter().filter(|s| *s > watermark && *s <= to).collect();
    let applied = store.len() as u64;
    Admitted {
        reply: IngestReply { origin: origin.to_owned(), watermark: to, applied, duplicates: taken - applied, gap },
        store,
        forgotten,
    }
}

/// What a `MemoryHub` keeps of an origin.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OriginState {
    pub watermark: u64,
    /// Events stored, forgotten numbers moved past.
    pub applied: u64,
    pub forgotten: u64,
    /// The last gap, until the watermark passes it.
    pub gap: Option<Gap>,
    pub last_contact: Option<Timestamp>,
}

/// A hub in memory: every origin's watermark and counts by the rule of `admit`. It keeps no events
/// (the bench measures the site, not a hub's storage) and takes any origin (no enrolment).
#[derive(Debug, Default)]
pub struct MemoryHub {
    origins: Mutex<BTreeMap<String, OriginState>>,
}

impl MemoryHub {
    pub fn new() -> MemoryHub {
        MemoryHub::default()
    }

    pub fn origin(&self, origin: &str) -> Option<OriginState> {
        self.origins.lock().unwrap_or_else(|e| e.into_inner()).get(origin).cloned()
    }

    /// Every origin's watermark.
    pub fn watermarks(&self) -> Vec<u64> {
        self.origins.lock().unwrap_or_else(|e| e.into_inner()).values().map(|o| o.watermark).collect()
    }

    /// `Ingest::ingest`, at once.
    pub fn ingest_now(&self, origin: &str, batch: &Batch, now: Timestamp) -> IngestReply {
        let mut origins = self.origins.lock().unwrap_or_else(|e| e.into_inner());
        let o = origins.entry(origin.to_owned()).or_default();
        let a = admit(origin, o.watermark, batch);
        o.watermark = a.reply.watermark;
        o.applied += a.reply.applied;
        o.forgotten += a.forgotten;
        o.gap = a.reply.gap.or(o.gap.filter(|g| g.expected > o.watermark));
        o.last_contact = Some(now);
        a.reply
    }
}

impl Ingest for MemoryHub {
    type Error = std::convert::Infallible;
    fn ingest(
        &self,
        origin: &str,
        batch: &Batch,
        now: Timestamp,
    ) -> impl Future<Output = Result<IngestReply, Self::Error>> + Send {
        std::future::ready(Ok(self.ingest_now(origin, batch, now)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::{ENVELOPE_VERSION, Envelope, SiteReport};
    use crate::event::{Event, EventKind};

    fn batch(seqs: &[u64], forgotten: &[[u64; 2]]) -> Batch {
        let event = Event {
            at: Timestamp::UNIX_EPOCH,
            site: "s".into(),
            actor: None,
            kind: EventKind::TicketDone { ticket: "t1".into() },
        };
        Batch {
            origin: "o".into(),
            report: SiteReport::default(),
            events: seqs.iter().map(|&seq| Envelope { v: ENVELOPE_VERSION, seq, event: event.clone() }).collect(),
            forgotten: forgotten.to_vec(),
        }
    }

    /// A push: its sequence numbers and forgotten runs.
    type Push<'a> = (&'a [u64], &'a [[u64; 2]]);
    /// `(watermark, applied, duplicates, gap as (expected, got))` of an answer.
    type Answer = (u64, u64, u64, Option<(u64, u64)>);

    /// The answers of `pushes`, in order, to one hub.
    fn check(pushes: &[Push<'_>], want: &[Answer]) {
        let hub = MemoryHub::new();
        let got: Vec<_> = pushes
            .iter()
            .map(|(seqs, forgotten)| {
                let r = hub.ingest_now("o", &batch(seqs, forgotten), Timestamp::UNIX_EPOCH);
                (r.watermark, r.applied, r.duplicates, r.gap.map(|g| (g.expected, g.got)))
            })
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn the_watermark_follows_on_and_stops_at_a_gap() {
        check(&[(&[1, 2, 3], &[])], &[(3, 3, 0, None)]);
        // A replay stores nothing twice; a repeated number within a batch counts once.
        check(&[(&[1, 2], &[]), (&[1, 2, 2, 3], &[])], &[(2, 2, 0, None), (3, 1, 2, None)]);
        // Past a hole nothing is applied, nor counted a duplicate; the resend fills it.
        check(&[(&[1, 2, 4, 5], &[]), (&[3, 4, 5], &[])], &[(2, 2, 0, Some((3, 4))), (5, 3, 0, None)]);
        // Forgotten runs count as present; a heartbeat moves nothing.
        check(&[(&[5, 7], &[[1, 4], [6, 6]]), (&[], &[])], &[(7, 2, 0, None), (7, 0, 0, None)]);
    }

    #[test]
    fn a_gap_is_kept_until_the_watermark_passes_it() {
        let hub = MemoryHub::new();
        hub.ingest_now("o", &batch(&[1, 3], &[]), Timestamp::UNIX_EPOCH);
        hub.ingest_now("o", &batch(&[], &[]), Timestamp::UNIX_EPOCH);
        assert_eq!(hub.origin("o").unwrap().gap, Some(Gap { expected: 2, got: 3 }));
        hub.ingest_now("o", &batch(&[2, 3], &[]), Timestamp::UNIX_EPOCH);
        let o = hub.origin("o").unwrap();
        assert_eq!((o.watermark, o.applied, o.gap), (3, 3, None));
    }
}
