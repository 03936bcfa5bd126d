//! The regional hub's API, as a site's relay and the tests call it: push a batch of a site's
//! events (`POST /hub/v1/events`), read the fleet and the cross-site statistics.

use crate::api::Client;
use crate::error::Error;
use queue_core::envelope::{Batch, IngestReply};
use reqwest::Method;

impl Client {
    /// `POST /hub/v1/events` with the site's enrolment key as the bearer: the hub's watermark after it.
    pub async fn hub_push(&self, batch: &Batch) -> Result<IngestReply, Error> {
        self.send(self.request(Method::POST, "/hub/v1/events").json(batch)).await
    }

    /// `GET /hub/v1/fleet` with a viewer key: per origin, last contact, backlog, software.
    pub async fn hub_fleet(&self) -> Result<serde_json::Value, Error> {
        self.send(self.request(Method::GET, "/hub/v1/fleet")).await
    }

    /// `GET /hub/v1/stats?from=…&to=…` with a viewer key: per site, service and month.
    pub async fn hub_stats(&self, from: &str, to: &str) -> Result<serde_json::Value, Error> {
        self.send(self.request(Method::GET, &format!("/hub/v1/stats?from={from}&to={to}"))).await
    }
}
