//! Prometheus metrics (`GET /metrics`), with the `prometheus-client` crate.

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::time::Duration;

pub struct Metrics {
    registry: Registry,
    pub requests: Family<Vec<(String, String)>, Counter>,
    pub commit_batches: Counter,
    pub commit_failures: Counter,
    pub batch_size: Histogram,
    pub commit_seconds: Histogram,
    pub subscribers: Gauge,
    pub estimate_error_seconds: Histogram,
    /// Connections closed at accept: over their address's share, or the server full.
    pub refused_connections: Family<Vec<(String, String)>, Counter>,
    /// Connections closed for silence (no first byte, or idle too long).
    pub timed_out_connections: Counter,
    /// Pushes to the regional hub that failed (the hub away, or refusing).
    pub hub_push_failures: Counter,
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("sportello");
        let requests = Family::<Vec<(String, String)>, Counter>::default();
        registry.register("http_requests", "HTTP requests by status class", requests.clone());
        let commit_batches = Counter::default();
        registry.register("commit_batches", "Transactions committed by the queue writer", commit_batches.clone());
        let commit_failures = Counter::default();
        registry.register("commit_failures", "Transactions that failed (answered 503)", commit_failures.clone());
        let batch_size = Histogram::new(exponential_buckets(1.0, 2.0, 10));
        registry.register("commit_batch_size", "Commands per group commit", batch_size.clone());
        let commit_seconds = Histogram::new(exponential_buckets(0.0005, 2.0, 12));
        registry.register("commit_seconds", "Time to execute and commit one batch", commit_seconds.clone());
        let subscribers = Gauge::default();
        registry.register("stream_subscribers", "Connected event-stream subscribers", subscribers.clone());
        let estimate_error_seconds = Histogram::new(exponential_buckets(30.0, 2.0, 10));
        registry.register(
            "estimate_error_seconds",
            "Absolute error of the estimated wait given at issue, measured when the ticket is called",
            estimate_error_seconds.clone(),
        );
        let refused_connections = Family::<Vec<(String, String)>, Counter>::default();
        registry.register(
            "refused_connections",
            "Connections closed at accept (reason: address = over its share, full = server budget used)",
            refused_connections.clone(),
        );
        let timed_out_connections = Counter::default();
        registry.register(
            "timed_out_connections",
            "Connections closed for silence (no first byte in time, or idle too long)",
            timed_out_connections.clone(),
        );
        let hub_push_failures = Counter::default();
        registry.register("hub_push_failures", "Pushes to the regional hub that failed", hub_push_failures.clone());
        Metrics {
            hub_push_failures,
            refused_connections,
            timed_out_connections,
            registry,
            requests,
            commit_batches,
            commit_failures,
            batch_size,
            commit_seconds,
            subscribers,
            estimate_error_seconds,
        }
    }

    pub fn observe_batch(&self, n: usize, took: Duration) {
        self.commit_batches.inc();
        self.batch_size.observe(n as f64);
        self.commit_seconds.observe(took.as_secs_f64());
    }

    pub fn refused_connection(&self, why: crate::net::Refusal) {
        let reason = match why {
            crate::net::Refusal::Address => "address",
            crate::net::Refusal::Full => "full",
        };
        self.refused_connections.get_or_create(&vec![("reason".to_owned(), reason.to_owned())]).inc();
    }

    pub fn encode(&self) -> String {
        let mut out = String::new();
        if let Err(e) = encode(&mut out, &self.registry) {
            tracing::error!(error = %e, "the metrics did not encode");
            out.clear();
        }
        out
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}
