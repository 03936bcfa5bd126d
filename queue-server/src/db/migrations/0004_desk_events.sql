-- Desk and alert events (the ones without a ticket) by site and time: desks' time open and paused,
-- recent alerts. Partial, so it stays small whatever the ticket history.
CREATE INDEX events_no_ticket_time ON events(site, at_ms) WHERE ticket_id IS NULL;
