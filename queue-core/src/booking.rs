//! Appointment rules without I/O: which slots of a day are free (honouring the cap that keeps
//! walk-in capacity) and whether a check-in is early, in its window, or late.
//!
//! A service's appointment hours are cut into slots of `slot_min` minutes (a slot fits whole in a
//! range). A booking of `duration_min` takes `ceil(duration / slot)` consecutive slots of one range.
//! At one slot at most `desks` bookings run at once (the desks that serve the service), and over
//! the day bookings take at most `day_cap` slot-units (the configured share of slots × desks): the
//! rest stays for walk-ins.

use jiff::{SignedDuration, Timestamp};

/// A service's booking capacity for one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Day {
    /// `[from, to)` minute-of-day ranges of appointment hours.
    pub ranges: Vec<(u16, u16)>,
    pub slot_min: u16,
    /// Bookings that may run at once (desks serving the service).
    pub desks: u32,
    /// Slot-units bookings may take over the day.
    pub day_cap: u32,
}

/// A booking already made (not cancelled): its start minute and length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Booked {
    pub start_min: u16,
    pub duration_min: u16,
}

impl Day {
    /// The start minutes of every slot, in order.
    pub fn slots(&self) -> Vec<u16> {
        let step = self.slot_min.max(1);
        let mut out = Vec::new();
        for &(from, to) in &self.ranges {
            let mut m = from;
            while m + step <= to {
                out.push(m);
                m += step;
            }
        }
        out
    }

    fn units(&self, duration_min: u16) -> u16 {
        duration_min.div_ceil(self.slot_min.max(1)).max(1)
    }

    /// The slots a booking starting at `start` for `duration_min` takes, if it fits in one range
    /// and starts on a slot.
    fn covered(&self, start: u16, duration_min: u16) -> Option<Vec<u16>> {
        let step = self.slot_min.max(1);
        let units = self.units(duration_min);
        let (from, to) = *self.ranges.iter().find(|&&(f, t)| f <= start && start < t)?;
        if !(start - from).is_multiple_of(step) || start + units * step > to {
            return None;
        }
        Some((0..units).map(|i| start + i * step).collect())
    }

    /// Slot-units the bookings take over the day.
    pub fn used(&self, booked: &[Booked]) -> u32 {
        booked.iter().map(|b| u32::from(self.units(b.duration_min))).sum()
    }

    /// The start minutes at which a booking of `duration_min` fits now: every slot it covers has
    /// fewer than `desks` bookings, and the day's cap leaves room for all its units.
    pub fn free(&self, booked: &[Booked], duration_min: u16) -> Vec<u16> {
        if self.used(booked) + u32::from(self.units(duration_min)) > self.day_cap {
            return vec![];
        }
        let load = |slot: u16| {
            booked
                .iter()
                .filter(|b| self.covered(b.start_min, b.duration_min).is_some_and(|c| c.contains(&slot)))
                .count() as u32
        };
        self.slots()
            .into_iter()
            .filter(|&s| self.covered(s, duration_min).is_some_and(|c| c.iter().all(|&x| load(x) < self.desks)))
            .collect()
    }
}

/// Where a check-in falls against its booked time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// Before the window opens (at `opens`).
    Early { opens: Timestamp },
    /// In the window: an appointment ticket due at the booked time.
    Open,
    /// After the window closed: a normal ticket is offered and staff are told.
    Late,
}

/// Is a check-in at `now` for a booking at `at` early, in time, or late? The window is
/// `[at − early, at + late]`, both ends included.
pub fn window(at: Timestamp, now: Timestamp, early_min: u32, late_min: u32) -> Window {
    let opens = at - SignedDuration::from_mins(i64::from(early_min));
    let closes = at + SignedDuration::from_mins(i64::from(late_min));
    if now < opens {
        Window::Early { opens }
    } else if now > closes {
        Window::Late
    } else {
        Window::Open
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(desks: u32, day_cap: u32) -> Day {
        // 09:00-10:30 and 14:00-15:00 in 30-minute slots: 09:00 09:30 10:00 14:00 14:30.
        Day { ranges: vec![(540, 630), (840, 900)], slot_min: 30, desks, day_cap }
    }

    fn b(start_min: u16, duration_min: u16) -> Booked {
        Booked { start_min, duration_min }
    }

    #[test]
    fn slots_fit_whole_in_their_range() {
        assert_eq!(day(1, 10).slots(), [540, 570, 600, 840, 870]);
        let odd = Day { ranges: vec![(540, 585)], slot_min: 30, desks: 1, day_cap: 9 };
        assert_eq!(odd.slots(), [540], "09:30-10:00 would end after 09:45");
    }

    #[test]
    fn one_desk_one_booking_per_slot() {
        let d = day(1, 10);
        assert_eq!(d.free(&[], 30), [540, 570, 600, 840, 870]);
        assert_eq!(d.free(&[b(570, 30)], 30), [540, 600, 840, 870]);
        // An hour takes two slots of one range: not 10:00 (the range ends 10:30), not 14:30.
        assert_eq!(d.free(&[b(570, 30)], 60), [840]);
        assert_eq!(d.free(&[], 45), [540, 570, 840], "45 minutes take two slots");
    }

    #[test]
    fn two_desks_two_at_once() {
        let d = day(2, 10);
        assert_eq!(d.free(&[b(540, 30)], 30), [540, 570, 600, 840, 870]);
        assert_eq!(d.free(&[b(540, 30), b(540, 60)], 30), [570, 600, 840, 870]);
        assert_eq!(d.free(&[b(540, 30), b(540, 60)], 60), [570, 840]);
    }

    #[test]
    fn the_cap_keeps_walk_in_capacity() {
        // 5 slots × 2 desks at 50 %: 5 units.
        let d = day(2, 5);
        let four = [b(540, 30), b(570, 30), b(600, 30), b(840, 30)];
        assert_eq!(d.used(&four), 4);
        assert_eq!(d.free(&four, 30).len(), 5, "one unit left: every slot still has a desk free");
        assert!(d.free(&four, 60).is_empty(), "two units would pass the cap");
        let five = [four.as_slice(), &[b(870, 30)]].concat();
        assert!(d.free(&five, 30).is_empty());
    }

    #[test]
    fn check_in_window_edges() {
        let at: Timestamp = "2026-12-01T09:00:00Z".parse().unwrap();
        let m = |n: i64| at + SignedDuration::from_mins(n);
        let s = |n: i64| at + SignedDuration::from_secs(n);
        assert_eq!(window(at, s(-30 * 60 - 1), 30, 15), Window::Early { opens: m(-30) });
        assert_eq!(window(at, m(-30), 30, 15), Window::Open, "the window opens at −30 min, included");
        assert_eq!(window(at, at, 30, 15), Window::Open);
        assert_eq!(window(at, m(15), 30, 15), Window::Open, "and closes at +15 min, included");
        assert_eq!(window(at, s(15 * 60 + 1), 30, 15), Window::Late);
        assert_eq!(window(at, at, 0, 0), Window::Open);
    }
}
