//! The process's counters, in Prometheus' text format (served by `ops` at `/metrics`): requests by route template and status, time to the response
//! head, database connections in use, sync items by outcome, cache hits. A few dozen lines of counters
//! rather than the `metrics` crates: the exposition format is simple, and this keeps the hot path to one
//! short lock and a handful of additions.
//!
//! The figures are this process's (each app server is scraped on its own). Routes are labelled by their
//! template (`/hoc/{course}/{lesson}`), never the raw path, so random 404s cannot grow the set.
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::{LazyLock, Mutex, PoisonError};
use std::time::Instant;

use axum::extract::{MatchedPath, Request};

use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

/// Upper bounds (seconds) of the latency buckets: from a page out of memory to a slow PDF.
const BUCKETS: [f64; 11] = [
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Default)]
struct RouteStats {
    by_status: BTreeMap<u16, u64>,
    /// Cumulative counts per bucket are computed when rendering; here each request counts once.
    buckets: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

/// Upper bounds (seconds) of the outbox-lag buckets: from online at once to a phone a month offline.
const LAG_BUCKETS: [i64; 10] = [
    1,
    60,
    600,
    3_600,
    6 * 3_600,
    86_400,
    3 * 86_400,
    7 * 86_400,
    14 * 86_400,
    30 * 86_400,
];

#[derive(Default)]
struct Registry {
    requests: HashMap<(String, &'static str), RouteStats>,
    sync: BTreeMap<&'static str, u64>,
    /// Per [`LAG_BUCKETS`] bucket (last: beyond), the sum and the count.
    lag: ([u64; LAG_BUCKETS.len() + 1], i64, u64),
    caches: BTreeMap<(&'static str, bool), u64>,
}

static REGISTRY: LazyLock<Mutex<Registry>> = LazyLock::new(Mutex::default);

fn with<T>(f: impl FnOnce(&mut Registry) -> T) -> T {
    f(&mut REGISTRY.lock().unwrap_or_else(PoisonError::into_inner))
}

/// Count a look-up in one of the in-process caches.
pub(crate) fn cache(name: &'static str, hit: bool) {
    with(|r| *r.caches.entry((name, hit)).or_default() += 1);
}

/// Count sync items by outcome (`created`, `duplicate`: a replay, `superseded`, `rejected`).
pub(crate) fn sync_item(status: &'static str) {
    with(|r| *r.sync.entry(status).or_default() += 1);
}

/// How long a newly stored item waited in a phone's outbox: the server's time of arrival less the time
/// the phone recorded it. A rising lag says villages are not getting a signal, or phones not syncing.
pub(crate) fn outbox_lag(seconds: i64) {
    let seconds = seconds.max(0);
    with(|r| {
        let i = LAG_BUCKETS
            .iter()
            .position(|b| seconds <= *b)
            .unwrap_or(LAG_BUCKETS.len());
        r.lag.0[i] += 1;
        r.lag.1 += seconds;
        r.lag.2 += 1;
    });
}

fn method_label(m: &axum::http::Method) -> &'static str {
    match m.as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    }
}

/// The outermost layer: times every request to its response head and counts it under its route.
pub(crate) async fn track(req: Request, next: Next) -> Response {
    let _active = crate::ops::memory::Active::start();
    let started = Instant::now();
    let method = method_label(req.method());
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let res = next.run(req).await;
    let secs = started.elapsed().as_secs_f64();
    let status = res.status().as_u16();
    with(|r| {
        let s = r.requests.entry((route, method)).or_default();
        *s.by_status.entry(status).or_default() += 1;
        if let Some(i) = BUCKETS.iter().position(|b| secs <= *b) {
            s.buckets[i] += 1;
        }
        s.sum += secs;
        s.count += 1;
    });
    res
}

/// A label value as the format wants it.
fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The whole exposition.
pub(crate) fn render(state: &AppState) -> String {
    let mut out = String::with_capacity(8 * 1024);
    let _ = writeln!(
        out,
        "# HELP hocvuso_build_info The running release.\n# TYPE hocvuso_build_info gauge\n\
         hocvuso_build_info{{version=\"{}\",backend=\"{}\"}} 1",
        env!("CARGO_PKG_VERSION"),
        match state.db.backend() {
            crate::db::Backend::Sqlite => "sqlite",
            crate::db::Backend::Postgres => "postgres",
        }
    );
    out.push_str(
        "# HELP hocvuso_db_connections Database connections of this process, by pool and state.\n\
         # TYPE hocvuso_db_connections gauge\n",
    );
    for (pool, size, idle) in state.db.pool_stats() {
        let in_use = (size as usize).saturating_sub(idle);
        let _ = writeln!(
            out,
            "hocvuso_db_connections{{pool=\"{pool}\",state=\"in_use\"}} {in_use}\n\
             hocvuso_db_connections{{pool=\"{pool}\",state=\"idle\"}} {idle}"
        );
    }
    with(|r| {
        let mut routes: Vec<_> = r.requests.iter().collect();
        routes.sort_by(|a, b| a.0.cmp(b.0));
        out.push_str(
            "# HELP hocvuso_http_requests_total HTTP requests answered, by route template, method and status.\n\
             # TYPE hocvuso_http_requests_total counter\n",
        );
        for ((route, method), s) in &routes {
            for (status, n) in &s.by_status {
                let _ = writeln!(
                    out,
                    "hocvuso_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {n}",
                    label(route)
                );
            }
        }
        out.push_str(
            "# HELP hocvuso_http_request_duration_seconds Time from the request to the response head.\n\
             # TYPE hocvuso_http_request_duration_seconds histogram\n",
        );
        for ((route, method), s) in &routes {
            let route = label(route);
            let mut cumulative = 0;
            for (b, n) in BUCKETS.iter().zip(s.buckets) {
                cumulative += n;
                let _ = writeln!(
                    out,
                    "hocvuso_http_request_duration_seconds_bucket{{route=\"{route}\",method=\"{method}\",le=\"{b}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "hocvuso_http_request_duration_seconds_bucket{{route=\"{route}\",method=\"{method}\",le=\"+Inf\"}} {}\n\
                 hocvuso_http_request_duration_seconds_sum{{route=\"{route}\",method=\"{method}\"}} {}\n\
                 hocvuso_http_request_duration_seconds_count{{route=\"{route}\",method=\"{method}\"}} {}",
                s.count, s.sum, s.count
            );
        }
        out.push_str(
            "# HELP hocvuso_sync_items_total Offline items received, by outcome (duplicate: a replay).\n\
             # TYPE hocvuso_sync_items_total counter\n",
        );
        for status in ["created", "duplicate", "superseded", "rejected"] {
            let n = r.sync.get(status).copied().unwrap_or(0);
            let _ = writeln!(out, "hocvuso_sync_items_total{{status=\"{status}\"}} {n}");
        }
        out.push_str(
            "# HELP hocvuso_sync_outbox_lag_seconds How long items stored from phones had waited in the \
             outbox (arrival less the time recorded on the phone).\n\
             # TYPE hocvuso_sync_outbox_lag_seconds histogram\n",
        );
        let mut cumulative = 0;
        for (b, n) in LAG_BUCKETS.iter().zip(r.lag.0) {
            cumulative += n;
            let _ = writeln!(
                out,
                "hocvuso_sync_outbox_lag_seconds_bucket{{le=\"{b}\"}} {cumulative}"
            );
        }
        let _ = writeln!(
            out,
            "hocvuso_sync_outbox_lag_seconds_bucket{{le=\"+Inf\"}} {}\n\
             hocvuso_sync_outbox_lag_seconds_sum {}\n\
             hocvuso_sync_outbox_lag_seconds_count {}",
            r.lag.2, r.lag.1, r.lag.2
        );
        out.push_str(
            "# HELP hocvuso_cache_lookups_total Look-ups in the in-process caches, by result.\n\
             # TYPE hocvuso_cache_lookups_total counter\n",
        );
        for ((name, hit), n) in &r.caches {
            let result = if *hit { "hit" } else { "miss" };
            let _ = writeln!(
                out,
                "hocvuso_cache_lookups_total{{cache=\"{name}\",result=\"{result}\"}} {n}"
            );
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped() {
        assert_eq!(label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
