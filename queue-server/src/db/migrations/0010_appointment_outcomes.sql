-- Issue 16: what became of each booking, stored when it happens (not computed when read), for the
-- appointment statistics: when the visitor checked in, when a check-in came too late (the visitor
-- was offered a normal ticket), and when the booking was marked missed (never checked in inside
-- its window, or its appointment ticket was a no-show).
ALTER TABLE bookings ADD COLUMN checked_in_ms INTEGER;
ALTER TABLE bookings ADD COLUMN late_ms INTEGER;
ALTER TABLE bookings ADD COLUMN missed_ms INTEGER;
-- A no-show of an appointment ticket finds its booking by the ticket.
CREATE INDEX bookings_ticket ON bookings(ticket) WHERE ticket IS NOT NULL;
