//! Politeness: per-host state handed out by a [`HostPool`]. Each host has a semaphore (at most
//! `concurrency` requests in flight) and a schedule (the earliest instant the next request may
//! start). The schedule is a token bucket with a burst of one, like lychee's per-host governor
//! quota, written out here because three things move it and must compose: our own rate, the
//! site's robots.txt `Crawl-delay`, and a server's `Retry-After` (which pushes the whole host
//! back, not just the one URL).
//!
//! All waits go through [`Host::acquire`]; nothing else in the crate sleeps before a request.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// Per-host limits.
#[derive(Debug, Clone)]
pub struct PolitenessConfig {
    /// Requests in flight per host.
    pub concurrency: usize,
    /// Requests started per second per host; 0 turns our own rate limit off (robots.txt
    /// Crawl-delay and Retry-After are still honoured).
    pub rate: f64,
    /// A robots.txt Crawl-delay longer than this is capped: a site asking for one page an hour
    /// would make the assessment impossible; the cap is documented in the summary.
    pub max_crawl_delay: Duration,
    /// A Retry-After longer than this is capped (the fetch is then reported rate-limited).
    pub max_retry_after: Duration,
    /// After this many rate-limited answers (429/503) in a row from a host, its remaining
    /// URLs are recorded as unverified without a request; 0 never gives up.
    pub give_up_after: u32,
}

impl Default for PolitenessConfig {
    fn default() -> Self {
        PolitenessConfig {
            concurrency: 2,
            rate: 2.0,
            max_crawl_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(120),
            give_up_after: 3,
        }
    }
}

/// Hands out the state of each host (keyed by `host:port`).
#[derive(Debug)]
pub struct HostPool {
    cfg: PolitenessConfig,
    hosts: Mutex<HashMap<String, Arc<Host>>>,
}

impl HostPool {
    pub fn new(cfg: PolitenessConfig) -> HostPool {
        HostPool {
            cfg,
            hosts: Mutex::new(HashMap::new()),
        }
    }

    pub fn config(&self) -> &PolitenessConfig {
        &self.cfg
    }

    /// The hosts given up for rate-limiting us (`host:port`), sorted.
    pub fn given_up(&self) -> Vec<String> {
        let map = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        let mut out: Vec<String> = map
            .iter()
            .filter(|(_, h)| h.gave_up().is_some())
            .map(|(k, _)| k.clone())
            .collect();
        out.sort();
        out
    }

    /// The state of `key`'s host, created on first use.
    pub fn host(&self, key: &str) -> Arc<Host> {
        let mut map = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(key.to_owned())
            .or_insert_with(|| {
                let interval = if self.cfg.rate > 0.0 {
                    Duration::from_secs_f64(1.0 / self.cfg.rate)
                } else {
                    Duration::ZERO
                };
                Arc::new(Host {
                    sem: Arc::new(Semaphore::new(self.cfg.concurrency.max(1))),
                    sched: Mutex::new(Schedule {
                        next: Instant::now(),
                        rate_interval: interval,
                        crawl_delay: Duration::ZERO,
                    }),
                    max_crawl_delay: self.cfg.max_crawl_delay,
                    max_retry_after: self.cfg.max_retry_after,
                    give_up_after: self.cfg.give_up_after,
                    limited_in_a_row: AtomicU32::new(0),
                })
            })
            .clone()
    }
}

/// The politeness state of one host.
#[derive(Debug)]
pub struct Host {
    sem: Arc<Semaphore>,
    sched: Mutex<Schedule>,
    max_crawl_delay: Duration,
    max_retry_after: Duration,
    give_up_after: u32,
    limited_in_a_row: AtomicU32,
}

#[derive(Debug)]
struct Schedule {
    next: Instant,
    rate_interval: Duration,
    crawl_delay: Duration,
}

impl Schedule {
    fn interval(&self) -> Duration {
        self.rate_interval.max(self.crawl_delay)
    }
}

/// Held while a request to the host is in flight.
pub struct Permit {
    _permit: Option<OwnedSemaphorePermit>,
}

impl Host {
    /// Waits for a free slot and for the host's schedule, then reserves the next start time.
    pub async fn acquire(&self) -> Permit {
        // The semaphore is never closed, so this is always `Some`.
        let permit = self.sem.clone().acquire_owned().await.ok();
        loop {
            let wait_until = {
                let mut s = self.sched.lock().unwrap_or_else(|e| e.into_inner());
                let now = Instant::now();
                if s.next <= now {
                    s.next = now + s.interval();
                    None
                } else {
                    Some(s.next)
                }
            };
            match wait_until {
                None => break,
                Some(t) => tokio::time::sleep_until(t).await,
            }
        }
        Permit { _permit: permit }
    }

    /// Applies robots.txt `Crawl-delay` (seconds), capped.
    pub fn set_crawl_delay(&self, secs: f64) {
        if !(secs.is_finite() && secs > 0.0) {
            return;
        }
        // robots.txt delays are f32: round to whole milliseconds.
        let d = Duration::from_millis((secs * 1000.0).round() as u64).min(self.max_crawl_delay);
        let mut s = self.sched.lock().unwrap_or_else(|e| e.into_inner());
        s.crawl_delay = d;
    }

    /// The Crawl-delay in force (after the cap).
    pub fn crawl_delay(&self) -> Duration {
        self.sched
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .crawl_delay
    }

    /// A server asked us to wait (Retry-After, or a backoff of ours after a transient error):
    /// no request to this host starts before `now + wait`. Returns the wait actually applied
    /// (capped), so the caller can tell whether it was honoured in full.
    pub fn defer(&self, wait: Duration) -> Duration {
        let w = wait.min(self.max_retry_after);
        let mut s = self.sched.lock().unwrap_or_else(|e| e.into_inner());
        let t = Instant::now() + w;
        if t > s.next {
            s.next = t;
        }
        w
    }

    pub(crate) fn max_retry_after(&self) -> Duration {
        self.max_retry_after
    }

    /// Counts a rate-limited answer (429/503 after our retries).
    pub(crate) fn note_rate_limited(&self) {
        self.limited_in_a_row.fetch_add(1, Ordering::Relaxed);
    }

    /// The host asked for more patience than we have (a Retry-After beyond the cap): its
    /// other URLs would be told the same, so it is given up at once rather than holding the
    /// crawl's workers in its queue.
    pub(crate) fn give_up(&self) {
        let n = self.give_up_after.max(1);
        self.limited_in_a_row.fetch_max(n, Ordering::Relaxed);
    }

    /// Any other answer: the host is serving again.
    pub(crate) fn note_answered(&self) {
        self.limited_in_a_row.store(0, Ordering::Relaxed);
    }

    /// `Some(n)` once the host rate-limited us `n` times in a row (we stop asking it).
    pub fn gave_up(&self) -> Option<u32> {
        let n = self.limited_in_a_row.load(Ordering::Relaxed);
        (self.give_up_after > 0 && n >= self.give_up_after).then_some(self.give_up_after)
    }
}

/// Parses Retry-After: delta-seconds or an HTTP date.
pub fn parse_retry_after(v: &str) -> Option<Duration> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let t = httpdate::parse_http_date(v).ok()?;
    Some(
        t.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn rate_and_retry_after_space_requests() {
        let pool = HostPool::new(PolitenessConfig {
            concurrency: 2,
            rate: 2.0,
            ..Default::default()
        });
        let h = pool.host("a:80");
        let t0 = Instant::now();
        drop(h.acquire().await);
        drop(h.acquire().await);
        drop(h.acquire().await);
        // Two intervals of 500 ms (paused clock: exact, not wall time).
        assert_eq!(Instant::now() - t0, Duration::from_millis(1000));
        h.set_crawl_delay(3.0);
        drop(h.acquire().await);
        assert_eq!(Instant::now() - t0, Duration::from_millis(1500));
        drop(h.acquire().await);
        assert_eq!(Instant::now() - t0, Duration::from_millis(4500));
        assert_eq!(h.defer(Duration::from_secs(1000)), Duration::from_secs(120));
        drop(h.acquire().await);
        assert!(Instant::now() - t0 >= Duration::from_secs(120));
        // Other hosts are independent.
        let t1 = Instant::now();
        drop(pool.host("b:80").acquire().await);
        assert_eq!(Instant::now(), t1);
    }

    #[tokio::test(start_paused = true)]
    async fn concurrency_is_bounded() {
        let pool = HostPool::new(PolitenessConfig {
            concurrency: 2,
            rate: 0.0,
            ..Default::default()
        });
        let h = pool.host("a:80");
        let p1 = h.acquire().await;
        let _p2 = h.acquire().await;
        let h2 = h.clone();
        let third = tokio::spawn(async move { h2.acquire().await });
        tokio::task::yield_now().await;
        assert!(!third.is_finished());
        drop(p1);
        let _p3 = third.await.unwrap();
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }
}
