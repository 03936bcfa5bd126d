//! The blocking wrapper, for callers on a thread of their own (the kiosk's controller): the same
//! async [`Client`](crate::Client), driven by a small runtime this wrapper owns. Its one worker
//! thread keeps the pooled connections' tasks running between calls, so a connection the server
//! closed while the kiosk was idle is noticed before it is reused (as `reqwest::blocking` does).
//! Do not call it from inside an async runtime's worker (use the async client there).

use crate::api::Client as AsyncClient;
use crate::backoff::Backoff;
use crate::error::Error;
use queue_core::wire::{
    AlertRequest, AlertView, CheckInRequest, DeviceHealthReport, IssueRequest, KioskInfo, PrintJob, PrintJobView,
    PrintResult, TicketView,
};
use std::future::Future;

pub struct Client {
    api: AsyncClient,
    /// Always `Some` until dropped.
    runtime: Option<tokio::runtime::Runtime>,
}

impl Client {
    pub fn new(api: AsyncClient) -> Result<Client, Error> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("sportello-client")
            .enable_all()
            .build()
            .map_err(|e| Error::Transport {
                url: api.base().to_owned(),
                message: format!("cannot start the client's runtime: {e}"),
            })?;
        Ok(Client { api, runtime: Some(runtime) })
    }

    /// The async client underneath, for calls this wrapper has no method for (with [`Client::block_on`]).
    pub fn api(&self) -> &AsyncClient {
        &self.api
    }

    /// Runs one of the async client's futures to its end on this thread.
    pub fn block_on<F: Future>(&self, fut: F) -> F::Output {
        self.runtime.as_ref().expect("the runtime lives as long as the client").block_on(fut)
    }

    /// See [`AsyncClient::kiosk_info`].
    pub fn kiosk_info(&self, site: &str) -> Result<KioskInfo, Error> {
        self.block_on(self.api.kiosk_info(site))
    }

    /// See [`AsyncClient::issue_retrying`].
    pub fn issue_retrying(
        &self,
        site: &str,
        request: &IssueRequest,
        key: &str,
        attempts: u32,
        backoff: Backoff,
    ) -> Result<TicketView, Error> {
        self.block_on(self.api.issue_retrying(site, request, key, attempts, backoff))
    }

    /// [`AsyncClient::check_in`]
    pub fn check_in(&self, site: &str, request: &CheckInRequest) -> Result<TicketView, Error> {
        self.block_on(self.api.check_in(site, request))
    }

    /// See [`AsyncClient::alert`].
    pub fn alert(&self, site: &str, alert: &AlertRequest) -> Result<(), Error> {
        self.block_on(self.api.alert(site, alert))
    }

    /// [`AsyncClient::raise_alert`]
    pub fn raise_alert(&self, site: &str, alert: &AlertRequest) -> Result<AlertView, Error> {
        self.block_on(self.api.raise_alert(site, alert))
    }

    /// [`AsyncClient::alert_status`]
    pub fn alert_status(&self, id: &str) -> Result<AlertView, Error> {
        self.block_on(self.api.alert_status(id))
    }

    /// [`AsyncClient::report_health`]
    pub fn report_health(&self, report: &DeviceHealthReport) -> Result<(), Error> {
        self.block_on(self.api.report_health(report))
    }

    /// [`AsyncClient::print_jobs`]
    pub fn print_jobs(&self) -> Result<Vec<PrintJob>, Error> {
        self.block_on(self.api.print_jobs())
    }

    /// [`AsyncClient::print_result`]
    pub fn print_result(&self, id: &str, result: &PrintResult) -> Result<PrintJobView, Error> {
        self.block_on(self.api.print_result(id, result))
    }
}

impl Drop for Client {
    /// Without waiting: the wrapper may be dropped anywhere, even inside an async runtime
    /// (a runtime dropped there the ordinary way panics).
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}
