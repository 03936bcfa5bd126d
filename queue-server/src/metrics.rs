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
        Metrics {
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

    pub fn encode(&self) -> String {
        let mut out = String::new();
        if encode(&mut out, &self.registry).is_err() {
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
