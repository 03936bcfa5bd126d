-- Statistics: tickets of a site by time of issue (the day a ticket belongs to).
CREATE INDEX tickets_site_issued ON tickets(site, issued_ms);
