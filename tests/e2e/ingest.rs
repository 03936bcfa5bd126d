//! Issue 15, the hub's storage boundary: the same pushes through `queue_core::ingest::Ingest` to
//! the PostgreSQL hub (`hub::db::PgHub`) and to the memory hub (`ingest::MemoryHub`, the bench's)
//! get the same answers — watermark, applied, duplicates, gap — in order, replays, holes, a
//! resend that fills one, forgotten runs and heartbeats.

use queue_core::envelope::{Batch, ENVELOPE_VERSION, Envelope, IngestReply, SiteReport};
use queue_core::ingest::{Ingest, MemoryHub};
use queue_core::{Event, EventKind, SiteId, TicketId};

/// Pushes of origin `o1`: the sequence numbers sent, and the runs declared forgotten.
const PUSHES: &[(&[u64], &[[u64; 2]])] = &[
    (&[3, 5, 6], &[[1, 2], [4, 4]]),
    (&[7, 8], &[]),
    (&[7, 8, 9], &[]),
    (&[11, 12], &[]),
    (&[], &[]),
    (&[10, 11, 12, 13], &[]),
    (&[13, 13, 14], &[]),
    (&[16], &[[15, 15]]),
];

fn batch(seqs: &[u64], forgotten: &[[u64; 2]]) -> Batch {
    let events = seqs
        .iter()
        .map(|&seq| Envelope {
            v: ENVELOPE_VERSION,
            seq,
            event: Event {
                at: jiff::Timestamp::from_second(1_790_000_000 + seq as i64).unwrap(),
                site: SiteId::from("s1"),
                actor: None,
                kind: EventKind::TicketDone { ticket: TicketId::new(format!("t{seq}")) },
            },
        })
        .collect();
    let last = seqs.iter().copied().chain(forgotten.iter().map(|r| r[1])).max().unwrap_or(0);
    Batch {
        origin: "o1".into(),
        report: SiteReport { software: "test".into(), last, ..Default::default() },
        events,
        forgotten: forgotten.to_vec(),
    }
}

async fn answers<H: Ingest>(hub: &H) -> Vec<IngestReply>
where
    H::Error: std::fmt::Debug,
{
    let mut out = Vec::new();
    for (seqs, forgotten) in PUSHES {
        out.push(hub.ingest("o1", &batch(seqs, forgotten), jiff::Timestamp::UNIX_EPOCH).await.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgresql_and_memory_hubs_answer_alike() {
    let memory = answers(&MemoryHub::new()).await;
    let brief: Vec<_> = memory.iter().map(|r| (r.watermark, r.applied, r.duplicates, r.gap.map(|g| g.got))).collect();
    assert_eq!(
        brief,
        [
            (6, 3, 0, None),
            (8, 2, 0, None),
            (9, 1, 2, None),
            (9, 0, 0, Some(11)),
            (9, 0, 0, None),
            (13, 4, 0, None),
            (14, 1, 1, None),
            (16, 1, 0, None),
        ]
    );
    let Some(pg) = testkit::postgres::require_postgres("the hub's ingest boundary test") else { return };
    let url = pg.create_database("ingest").unwrap();
    let pool = hub::db::pool(&url).unwrap();
    hub::db::migrate(&pool).await.unwrap();
    hub::db::enrol(&pool, "o1", &["s1".to_owned()], &hub::key_hash("key-o1"), 0).await.unwrap();
    assert_eq!(answers(&hub::db::PgHub(pool)).await, memory);
}
