//! Prometheus metrics (`GET /metrics`, issue 25; docs/operations.md): how long requests take, by
//! route; how much of the database pool is in use; how much mail waits in the outbox. Answered to
//! the machine itself only (a scraper beside the portal, or through the operator's own tunnel):
//! route names and volumes are nobody else's business.

use app::ssr::entities::mail_outbox;
use app::ssr::services::notifications::OutboxStatus;
use app::ssr::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, PaginatorTrait, QueryFilter};
use std::sync::OnceLock;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    /// The route's template (`/api/v1/tickets/{id}`), never the path asked for: one series per
    /// route, however many ids.
    route: String,
    /// `2xx`, `4xx`, `5xx`...
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct QueueLabels {
    /// `tickets`, `redemptions`: the group commits' queues (`app::ssr::batch`).
    queue: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutboxLabels {
    status: String,
}

struct Metrics {
    registry: Registry,
    latency: Family<RouteLabels, Histogram>,
    pool_size: Gauge,
    pool_idle: Gauge,
    outbox: Family<OutboxLabels, Gauge>,
    batch_size: Family<QueueLabels, Histogram>,
}

/// One set per process, whatever the number of routers built in it (the tests build many).
fn metrics() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(|| {
        let mut registry = Registry::with_prefix("cytrack");
        // 1 ms to about 16 s, doubling.
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.001, 2.0, 15))
        });
        registry.register("http_request_duration_seconds", "Time to answer a request, by route", latency.clone());
        let (pool_size, pool_idle) = (Gauge::default(), Gauge::default());
        registry.register("db_pool_connections", "Connections the database pool holds", pool_size.clone());
        registry.register("db_pool_idle_connections", "Of those, connections not in use", pool_idle.clone());
        let outbox = Family::<OutboxLabels, Gauge>::default();
        registry.register("mail_outbox_messages", "Messages in the mail outbox, by status", outbox.clone());
        // 1 to 64, doubling: the most a batch holds.
        let batch_size =
            Family::<QueueLabels, Histogram>::new_with_constructor(|| Histogram::new(exponential_buckets(1.0, 2.0, 7)));
        registry.register("batch_size", "Pieces of work written per transaction, by queue", batch_size.clone());
        app::ssr::batch::observe_with(|queue, size| {
            metrics().batch_size.get_or_create(&QueueLabels { queue: queue.into() }).observe(size as f64)
        });
        Metrics { registry, latency, pool_size, pool_idle, outbox, batch_size }
    })
}

/// Times every request by its route (the middleware on the whole router).
pub async fn record(req: Request, next: Next) -> Response {
    let method = req.method().as_str().to_string();
    let route = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_string());
    let started = std::time::Instant::now();
    let response = next.run(req).await;
    let labels = RouteLabels {
        method,
        route: route.unwrap_or_else(|| "unmatched".into()),
        status: format!("{}xx", response.status().as_u16() / 100),
    };
    metrics().latency.get_or_create(&labels).observe(started.elapsed().as_secs_f64());
    response
}

/// Whether a client may read the metrics: the machine itself only.
pub fn may_scrape(client: Option<std::net::IpAddr>) -> bool {
    client.is_some_and(|a| a.is_loopback())
}

/// The metrics in Prometheus's text format; 404 to anyone but the machine itself.
pub async fn render(State(state): State<AppState>, req: Request) -> Response {
    let client = req.extensions().get::<app::ssr::auth::ClientAddress>().map(|a| a.0);
    if !may_scrape(client) {
        return crate::rest::ApiError(app::error::AppError::not_found("page")).into_response();
    }
    let m = metrics();
    let (size, idle) = match state.db.get_database_backend() {
        DatabaseBackend::Sqlite => {
            let pool = state.db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
        DatabaseBackend::Postgres => {
            let pool = state.db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => (0, 0),
    };
    m.pool_size.set(i64::from(size));
    m.pool_idle.set(idle as i64);
    for status in [OutboxStatus::Pending, OutboxStatus::Failed] {
        let count = mail_outbox::Entity::find()
            .filter(mail_outbox::Column::Status.eq(status.as_str()))
            .count(&state.db)
            .await
            .unwrap_or(0);
        m.outbox.get_or_create(&OutboxLabels { status: status.as_str().into() }).set(count as i64);
    }
    let mut text = String::new();
    if prometheus_client::encoding::text::encode(&mut text, &m.registry).is_err() {
        return crate::rest::ApiError(app::error::AppError::internal()).into_response();
    }
    ([(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], text).into_response()
}

#[cfg(test)]
mod tests {
    use super::may_scrape;

    #[test]
    fn only_the_machine_itself_reads_the_metrics() {
        let cases = [
            (Some("127.0.0.1"), true),
            (Some("::1"), true),
            (Some("10.0.0.7"), false),
            (Some("203.0.113.9"), false),
            (None, false),
        ];
        for (address, allowed) in cases {
            assert_eq!(may_scrape(address.map(|a| a.parse().unwrap())), allowed, "{address:?}");
        }
    }
}
