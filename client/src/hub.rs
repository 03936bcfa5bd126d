//! The regional hub's API, as a site's relay and the tests call it: push a batch of a site's
//! events (`POST /hub/v1/events`), pull its configuration bundle (`GET /hub/v1/config`), read the
//! fleet and the cross-site statistics.

use crate::api::Client;
use crate::error::{ApiError, Error};
use queue_core::envelope::{Batch, Bundle, IngestReply};
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

    /// `GET /hub/v1/config?have=VERSION` with the site's key: the origin's newest bundle, or None
    /// when it is not newer than `have` (304) or none is published (404 `no_bundle`).
    pub async fn hub_config(&self, have: Option<u64>) -> Result<Option<Bundle>, Error> {
        let path = match have {
            Some(v) => format!("/hub/v1/config?have={v}"),
            None => "/hub/v1/config".to_owned(),
        };
        let a = self.exchange(self.request(Method::GET, &path)).await?;
        let url = format!("{path} at the hub");
        match a.status.as_u16() {
            200 => serde_json::from_str(&a.body).map(Some).map_err(|e| Error::Decode {
                url,
                status: 200,
                message: e.to_string(),
            }),
            304 => Ok(None),
            s => {
                let error = ApiError::from_answer(s, None, &a.body);
                if s == 404 && error.code == "no_bundle" { Ok(None) } else { Err(Error::Api { url, error }) }
            }
        }
    }
}
