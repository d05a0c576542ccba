//! Rate budgets (GCRA token buckets from `governor`). Every identifier check
//! costs one evaluation of the server's keyed PRF and draws on the caller's
//! own budgets — its API key's rate, or the budgets of its client address
//! and of the networks around it — and on the server's global cap. Catalogue
//! reads have a looser per-address budget.
//!
//! Client addresses are bucketed: an IPv4 address counts alone and within
//! its /24; an IPv6 address per /64 (one subscriber usually holds a whole
//! /64), within its /56 and its /48, so that one network's many addresses
//! (65 536 /64s in a /48) share one budget per tier.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};
use lekradar_store::{ApiKeyInfo, Rate};

use crate::config::Rates;

/// Which budget ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    /// One IPv4 address or IPv6 /64.
    Address,
    /// An IPv4 /24 or an IPv6 /56.
    Subnet,
    /// An IPv6 /48.
    Site,
    ApiKey,
    Global,
    Reads,
}

impl Budget {
    pub fn as_str(&self) -> &'static str {
        match self {
            Budget::Address => "address",
            Budget::Subnet => "subnet",
            Budget::Site => "site",
            Budget::ApiKey => "api_key",
            Budget::Global => "global",
            Budget::Reads => "reads",
        }
    }
}

/// A refused request: which budget and when to try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// A network a client address counts in: its first `len` bits (of the
/// IPv4 address, or of the IPv6 address) and the family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AddressBucket {
    net: u128,
    len: u8,
    v6: bool,
}

impl AddressBucket {
    /// The network of `ip` with a prefix of `len` bits (IPv4-mapped IPv6
    /// addresses count as IPv4).
    pub fn of(ip: IpAddr, v4_len: u8, v6_len: u8) -> AddressBucket {
        match ip {
            IpAddr::V4(v4) => Self::v4(u32::from(v4), v4_len),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Self::v4(u32::from(v4), v4_len),
                None => {
                    let len = v6_len.min(128);
                    let mask = if len == 0 {
                        0
                    } else {
                        u128::MAX << (128 - u32::from(len))
                    };
                    AddressBucket {
                        net: u128::from(v6) & mask,
                        len,
                        v6: true,
                    }
                }
            },
        }
    }

    fn v4(addr: u32, len: u8) -> AddressBucket {
        let len = len.min(32);
        let mask = if len == 0 {
            0
        } else {
            u32::MAX << (32 - u32::from(len))
        };
        AddressBucket {
            net: u128::from(addr & mask),
            len,
            v6: false,
        }
    }

    /// Its bytes, for keyed names of shared budgets: family, length, network.
    pub fn bytes(&self) -> [u8; 18] {
        let mut out = [0u8; 18];
        out[0] = if self.v6 { 6 } else { 4 };
        out[1] = self.len;
        out[2..].copy_from_slice(&self.net.to_be_bytes());
        out
    }
}

impl From<IpAddr> for AddressBucket {
    /// The per-address bucket: the IPv4 address, or the IPv6 /64.
    fn from(ip: IpAddr) -> Self {
        AddressBucket::of(ip, 32, 64)
    }
}

/// The address budgets `ip` draws on, narrowest first: (budget, network).
pub fn address_tiers(ip: IpAddr) -> Vec<(Budget, AddressBucket)> {
    let v6 = matches!(ip, IpAddr::V6(v6) if v6.to_ipv4_mapped().is_none());
    let mut tiers = vec![
        (Budget::Address, AddressBucket::of(ip, 32, 64)),
        (Budget::Subnet, AddressBucket::of(ip, 24, 56)),
    ];
    if v6 {
        tiers.push((Budget::Site, AddressBucket::of(ip, 24, 48)));
    }
    tiers
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
pub struct MemoryBudgets {
    clock: DefaultClock,
    per_address: DefaultKeyedRateLimiter<AddressBucket>,
    per_subnet: DefaultKeyedRateLimiter<AddressBucket>,
    per_site: DefaultKeyedRateLimiter<AddressBucket>,
    reads_per_address: DefaultKeyedRateLimiter<AddressBucket>,
    global: DefaultDirectRateLimiter,
    per_key: Mutex<HashMap<i64, (Rate, Arc<DefaultDirectRateLimiter>)>>,
}

impl std::fmt::Debug for MemoryBudgets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryBudgets").finish_non_exhaustive()
    }
}

impl MemoryBudgets {
    pub fn new(limits: &Rates) -> MemoryBudgets {
        MemoryBudgets {
            clock: DefaultClock::default(),
            per_address: RateLimiter::keyed(quota(limits.per_address)),
            per_subnet: RateLimiter::keyed(quota(limits.per_subnet)),
            per_site: RateLimiter::keyed(quota(limits.per_site)),
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

    /// One check by an anonymous caller at `ip`: its address, the networks
    /// around it, then the global cap.
    pub fn check_by_address(&self, ip: IpAddr) -> Result<(), Denied> {
        for (budget, bucket) in address_tiers(ip) {
            let limiter = match budget {
                Budget::Address => &self.per_address,
                Budget::Subnet => &self.per_subnet,
                _ => &self.per_site,
            };
            limiter
                .check_key(&bucket)
                .map_err(|n| self.denied(budget, n))?;
        }
        self.global()
    }

    /// One check made with API key `key` (its own rate replaces the
    /// address budgets; the global cap still applies).
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
        for limiter in [
            &self.per_address,
            &self.per_subnet,
            &self.per_site,
            &self.reads_per_address,
        ] {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
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
        let b = MemoryBudgets::new(&Rates {
            per_address: rate(3, 60),
            per_subnet: rate(1000, 60),
            per_site: rate(1000, 60),
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
        // An IPv4 /32 never names the same bucket as an IPv6 network.
        assert_ne!(
            AddressBucket::from(v4).bytes(),
            AddressBucket::from("::c000:201".parse::<IpAddr>().unwrap()).bytes()
        );
    }

    #[test]
    fn one_network_shares_its_tier_budgets() {
        let b = MemoryBudgets::new(&Rates {
            per_address: rate(2, 60),
            per_subnet: rate(5, 60),
            per_site: rate(8, 60),
            global: rate(1000, 1),
            reads_per_address: rate(10, 1),
        });
        // IPv4: 256 addresses of one /24 get 5 checks between them.
        let ok = (0..=255u8)
            .filter(|i| b.check_by_address(IpAddr::from([198, 51, 100, *i])).is_ok())
            .count();
        assert_eq!(ok, 5);
        let denied = b
            .check_by_address(IpAddr::from([198, 51, 100, 200]))
            .unwrap_err();
        assert_eq!(denied.budget, Budget::Subnet);
        assert!(b.check_by_address(IpAddr::from([198, 51, 101, 1])).is_ok());
        // IPv6: the /64s of one /56 share 5, the /56s of one /48 share 8.
        let mut ok = 0;
        for sub in 0..256u32 {
            let ip: IpAddr = format!("2001:db8:7:{:x}::1", sub << 8).parse().unwrap();
            if b.check_by_address(ip).is_ok() {
                ok += 1;
            }
        }
        assert_eq!(ok, 8, "one /48: 8, however many /56s");
        // Within one /56, its /64s share 5 (in another /48).
        let ok = (0..256u32)
            .filter(|sub| {
                let ip: IpAddr = format!("2001:db8:9:{sub:x}::1").parse().unwrap();
                b.check_by_address(ip).is_ok()
            })
            .count();
        assert_eq!(ok, 5, "one /56: 5, however many /64s");
        let ip: IpAddr = "2001:db8:7:ff00::1".parse().unwrap();
        assert_eq!(b.check_by_address(ip).unwrap_err().budget, Budget::Site);
        assert!(b.check_by_address("2001:db8:8::1".parse().unwrap()).is_ok());
    }

    #[test]
    fn global_cap_holds_across_addresses() {
        let b = MemoryBudgets::new(&Rates {
            per_address: rate(100, 1),
            per_subnet: rate(1000, 1),
            per_site: rate(1000, 1),
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
