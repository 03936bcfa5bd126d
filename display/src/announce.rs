//! The announcer's queue, pure (time passed in): which call to speak next, and which not at all.
//!
//! The policy (issue 13), in the order it is applied when the voice is free:
//!
//! 1. A call is spoken only while it is current. The controller withdraws a call that is over
//!    (serving, done, no-show, returned, transferred, on hold, cancelled); a new call or recall of
//!    the same number replaces the queued one (the desk may have changed); a call whose age has
//!    passed the limit (`expires`, on the display's clock) is dropped when it comes to the front.
//! 2. The newest call goes first: in a burst the person the big panel shows is called first, and
//!    whoever waits longest in the queue is the one whose call is already on the list.
//! 3. The queue is bounded: beyond `capacity` the oldest call is dropped (it could not be spoken
//!    before its limit anyway: an announcement takes 6–9 s).
//! 4. When behind (another announcement follows at once) the chime is played only at the start of a
//!    run of announcements, not before each: the run is shorter by ~2.3 s a call.

use crate::controller::Announcement;
use jiff::{SignedDuration, Timestamp};

/// Calls waiting for the voice, at most this many.
pub const CAPACITY: usize = 6;

/// An announcement that starts within this long after the previous one ended is part of a run
/// and gets no chime of its own.
pub const RUN_GAP: SignedDuration = SignedDuration::from_secs(2);

/// What to play next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turn {
    pub announcement: Announcement,
    /// Play the chime first (the start of a run).
    pub chime: bool,
    /// How many more calls wait after this one.
    pub behind: usize,
}

/// Why a call was not (or will not be) spoken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dropped {
    /// Older than the limit when its turn came.
    Expired(String),
    /// Pushed out of a full queue.
    Overflow(String),
}

/// The queue of calls waiting for the voice.
#[derive(Debug)]
pub struct AnnounceQueue {
    capacity: usize,
    items: Vec<Announcement>,
    /// When the last announcement ended (for the chime of a run).
    last_end: Option<Timestamp>,
    dropped: Vec<Dropped>,
}

impl AnnounceQueue {
    pub fn new(capacity: usize) -> AnnounceQueue {
        AnnounceQueue { capacity: capacity.max(1), items: Vec::new(), last_end: None, dropped: Vec::new() }
    }

    /// Queues a call; a queued call of the same number is replaced by it.
    pub fn push(&mut self, a: Announcement) {
        self.items.retain(|x| x.number != a.number);
        self.items.push(a);
        while self.items.len() > self.capacity {
            let oldest = self.oldest().expect("a full queue has an oldest call");
            let gone = self.items.remove(oldest);
            self.dropped.push(Dropped::Overflow(gone.number));
        }
    }

    /// The call is no longer current: it will not be spoken.
    pub fn withdraw(&mut self, number: &str) -> bool {
        let before = self.items.len();
        self.items.retain(|x| x.number != number);
        self.items.len() != before
    }

    /// Whether a call of this number is waiting.
    pub fn contains(&self, number: &str) -> bool {
        self.items.iter().any(|x| x.number == number)
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The earliest moment a queued call expires (the announcer wakes up then to drop it).
    pub fn next_expiry(&self) -> Option<Timestamp> {
        self.items.iter().map(|a| a.expires).min()
    }

    /// The call to speak now (the newest current one), if any; expired calls are dropped.
    pub fn next(&mut self, now: Timestamp) -> Option<Turn> {
        let (keep, gone): (Vec<_>, Vec<_>) =
            std::mem::take(&mut self.items).into_iter().partition(|a| now <= a.expires);
        self.items = keep;
        self.dropped.extend(gone.into_iter().map(|a| Dropped::Expired(a.number)));
        // Ties (event times have whole seconds): the one queued last, i.e. the later event.
        let newest = (0..self.items.len()).max_by_key(|&i| self.items[i].called_at)?;
        let announcement = self.items.remove(newest);
        let chime = self.last_end.is_none_or(|end| now.duration_since(end) > RUN_GAP);
        Some(Turn { announcement, chime, behind: self.items.len() })
    }

    /// The announcement that was playing has ended.
    pub fn finished(&mut self, now: Timestamp) {
        self.last_end = Some(now);
    }

    /// The calls dropped since the last look (for the log).
    pub fn take_dropped(&mut self) -> Vec<Dropped> {
        std::mem::take(&mut self.dropped)
    }

    fn oldest(&self) -> Option<usize> {
        (0..self.items.len()).min_by_key(|&i| self.items[i].called_at)
    }
}

#[cfg(test)]
mod tests;
