//! Rate budgets (GCRA token buckets from `governor`). Every identifier check
//! costs one evaluation of the server's keyed PRF and draws on two budgets:
//! the caller's own (its API key's rate, or its client address's) and the
//! server's global cap. Catalogue reads have a looser per-address budget.
//!
//! Client addresses are bucketed: an IPv4 address counts alone, an IPv6
//! address per /64 (one subscriber usually holds a whole /64).

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};
use lekradar_store::{ApiKeyInfo, Rate};

use crate::config::Limits;

/// Which budget ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    Address,
    ApiKey,
    Global,
    Reads,
}

impl Budget {
    pub fn as_str(&self) -> &'static str {
        match self {
            Budget::Address => "address",
            Budget::ApiKey => "api_key",
            Budget::Global => "global",
            Budget::Reads => "reads",
        }
    }
}

/// A refused request: which budget and when to try again.
#[derive(Debug, Clone, Copy)]
pub struct Denied {
    pub budget: Budget,
    pub retry_after: Duration,
}

impl Denied {
    /// Whole seconds to wait, at least 1 (for `retry-after`).
    pub fn retry_after_secs(&self) -> u64 {
        let ms = self.retry_after.as_millis();
        u64::try_from(ms.div_ceil(1000)).unwrap_or(u64::MAX).max(1)
    }
}

/// The bucket a client address counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AddressBucket(u128);

impl AddressBucket {
    /// Its bytes, for keyed names of shared budgets.
    pub fn bytes(&self) -> [u8; 16] {
        self.0.to_be_bytes()
    }
}

impl From<IpAddr> for AddressBucket {
    fn from(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(v4) => AddressBucket(u128::from(u32::from(v4))),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => AddressBucket(u128::from(u32::from(v4))),
                None => AddressBucket((u128::from(v6) >> 64) << 64 | 1 << 32),
            },
        }
    }
}

/// `rate` as a GCRA quota: `count` requests per period, all of them
/// available at once (burst = count).
pub fn quota(rate: Rate) -> Quota {
    let count = NonZeroU32::new(rate.count.max(1)).unwrap_or(NonZeroU32::MIN);
    let period = Duration::from_secs(u64::from(rate.period_secs.max(1))) / count.get();
    Quota::with_period(period.max(Duration::from_nanos(1)))
        .unwrap_or_else(|| Quota::per_second(count))
        .allow_burst(count)
}

/// The server's budgets.
pub struct Budgets {
    clock: DefaultClock,
    per_address: DefaultKeyedRateLimiter<AddressBucket>,
    reads_per_address: DefaultKeyedRateLimiter<AddressBucket>,
    global: DefaultDirectRateLimiter,
    per_key: Mutex<HashMap<i64, (Rate, Arc<DefaultDirectRateLimiter>)>>,
}

impl std::fmt::Debug for Budgets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Budgets").finish_non_exhaustive()
    }
}

impl Budgets {
    pub fn new(limits: &Limits) -> Budgets {
        Budgets {
            clock: DefaultClock::default(),
            per_address: RateLimiter::keyed(quota(limits.per_address)),
            reads_per_address: RateLimiter::keyed(quota(limits.reads_per_address)),
            global: RateLimiter::direct(quota(limits.global)),
            per_key: Mutex::new(HashMap::new()),
        }
    }

    fn denied(
        &self,
        budget: Budget,
        not_until: governor::NotUntil<<DefaultClock as Clock>::Instant>,
    ) -> Denied {
        Denied {
            budget,
            retry_after: not_until.wait_time_from(self.clock.now()),
        }
    }

    fn global(&self) -> Result<(), Denied> {
        self.global
            .check()
            .map_err(|n| self.denied(Budget::Global, n))
    }

    /// One check by an anonymous caller at `ip`.
    pub fn check_by_address(&self, ip: IpAddr) -> Result<(), Denied> {
        self.per_address
            .check_key(&AddressBucket::from(ip))
            .map_err(|n| self.denied(Budget::Address, n))?;
        self.global()
    }

    /// One check made with API key `key` (its own rate replaces the
    /// address budget; the global cap still applies).
    pub fn check_by_key(&self, key: &ApiKeyInfo) -> Result<(), Denied> {
        let limiter = {
            let mut map = self.per_key.lock().unwrap_or_else(|p| p.into_inner());
            let entry = map
                .entry(key.id)
                .or_insert_with(|| (key.rate, Arc::new(RateLimiter::direct(quota(key.rate)))));
            if entry.0 != key.rate {
                *entry = (key.rate, Arc::new(RateLimiter::direct(quota(key.rate))));
            }
            Arc::clone(&entry.1)
        };
        limiter
            .check()
            .map_err(|n| self.denied(Budget::ApiKey, n))?;
        self.global()
    }

    /// One catalogue read (breach lists, pages) from `ip`.
    pub fn read(&self, ip: IpAddr) -> Result<(), Denied> {
        self.reads_per_address
            .check_key(&AddressBucket::from(ip))
            .map_err(|n| self.denied(Budget::Reads, n))
    }

    /// Forgets addresses whose buckets are full again (bounded memory).
    pub fn housekeeping(&self) {
        self.per_address.retain_recent();
        self.per_address.shrink_to_fit();
        self.reads_per_address.retain_recent();
        self.reads_per_address.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(count: u32, period_secs: u32) -> Rate {
        Rate { count, period_secs }
    }

    #[test]
    fn address_budget_then_refusal_with_retry_after() {
        let b = Budgets::new(&Limits {
            per_address: rate(3, 60),
            global: rate(1000, 1),
            reads_per_address: rate(10, 1),
        });
        let ip: IpAddr = "192.0.2.7".parse().unwrap();
        for _ in 0..3 {
            b.check_by_address(ip).unwrap();
        }
        let denied = b.check_by_address(ip).unwrap_err();
        assert_eq!(denied.budget, Budget::Address);
        // One token comes back every 20 s.
        assert!((15..=20).contains(&denied.retry_after_secs()), "{denied:?}");
        // Another address has its own budget.
        b.check_by_address("192.0.2.8".parse().unwrap()).unwrap();
    }

    #[test]
    fn ipv6_counts_per_64() {
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let same: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(AddressBucket::from(a), AddressBucket::from(same));
        assert_ne!(AddressBucket::from(a), AddressBucket::from(other));
        let v4: IpAddr = "192.0.2.1".parse().unwrap();
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(AddressBucket::from(v4), AddressBucket::from(mapped));
    }

    #[test]
    fn global_cap_holds_across_addresses() {
        let b = Budgets::new(&Limits {
            per_address: rate(100, 1),
            global: rate(5, 60),
            reads_per_address: rate(10, 1),
        });
        let mut ok = 0;
        for i in 0..50u8 {
            if b.check_by_address(IpAddr::from([10, 0, 0, i])).is_ok() {
                ok += 1;
            }
        }
        assert_eq!(ok, 5);
    }
}
