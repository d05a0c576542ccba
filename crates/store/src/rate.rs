//! Request budgets: `count` requests per `period_secs` seconds, written as
//! `60/min`, `10/s`, `1000/h` or `5000/day` (also with a multiplier such as
//! `100/15min`, so that every valid budget has a spelling that parses back).

use std::fmt;
use std::str::FromStr;

/// The largest request count of a budget.
pub const MAX_COUNT: u32 = 1_000_000_000;
/// The longest period of a budget: one day. Longer windows are quotas, not
/// rate limits.
pub const MAX_PERIOD_SECS: u32 = 86_400;

/// A budget: `count` requests per `period_secs` seconds.
///
/// [`FromStr`] reads `60/min`, `10/s`, `1000/h`, `5000/day` (units also
/// `sec`, `second`, `minute`, `hour` and plurals, any case; an optional
/// multiplier as in `100/15min`); [`Display`](fmt::Display) writes the
/// shortest such spelling, which parses back to the same value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rate {
    pub count: u32,
    pub period_secs: u32,
}

/// Why a budget is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateError {
    #[error("invalid rate {0:?}: write COUNT/PERIOD, such as 60/min, 10/s, 1000/h or 5000/day")]
    Syntax(String),
    #[error(
        "invalid rate {text:?}: the count {count:?} is not a whole number from 1 to {MAX_COUNT}"
    )]
    Count { text: String, count: String },
    #[error(
        "invalid rate {text:?}: unknown period {period:?}; use s, min, h or day (optionally with a multiplier, as in 15min)"
    )]
    Unit { text: String, period: String },
    #[error("invalid rate: the count {0} must be from 1 to {MAX_COUNT}")]
    CountRange(u64),
    #[error("invalid rate: the period of {0} seconds must be from 1 second to 1 day ({MAX_PERIOD_SECS} s)")]
    PeriodRange(u64),
}

/// Units, largest first (Display picks the largest that divides the period).
const UNITS: [(&str, u32); 4] = [("day", 86_400), ("h", 3_600), ("min", 60), ("s", 1)];

fn unit_secs(unit: &str) -> Option<u32> {
    let unit = unit.to_ascii_lowercase();
    let secs = match unit.as_str() {
        "s" | "sec" | "secs" | "second" | "seconds" => 1,
        "min" | "mins" | "minute" | "minutes" => 60,
        "h" | "hour" | "hours" => 3_600,
        "day" | "days" => 86_400,
        _ => return None,
    };
    Some(secs)
}

impl Rate {
    /// A validated budget: count 1..=10^9, period 1 s ..= 1 day.
    pub fn new(count: u32, period_secs: u32) -> Result<Rate, RateError> {
        let rate = Rate { count, period_secs };
        rate.validate()?;
        Ok(rate)
    }

    /// Checks the ranges of a budget built from its public fields.
    pub fn validate(&self) -> Result<(), RateError> {
        if !(1..=MAX_COUNT).contains(&self.count) {
            return Err(RateError::CountRange(self.count.into()));
        }
        if !(1..=MAX_PERIOD_SECS).contains(&self.period_secs) {
            return Err(RateError::PeriodRange(self.period_secs.into()));
        }
        Ok(())
    }
}

impl FromStr for Rate {
    type Err = RateError;

    fn from_str(text: &str) -> Result<Rate, RateError> {
        let syntax = || RateError::Syntax(text.to_owned());
        let (count, period) = text.trim().split_once('/').ok_or_else(syntax)?;
        let (count, period) = (count.trim(), period.trim());
        if count.is_empty() || period.is_empty() {
            return Err(syntax());
        }
        let bad_count = || RateError::Count {
            text: text.to_owned(),
            count: count.to_owned(),
        };
        if !count.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad_count());
        }
        // Digits only, so the only parse failure is overflow.
        let count: u64 = count.parse().map_err(|_| bad_count())?;
        if !(1..=u64::from(MAX_COUNT)).contains(&count) {
            return Err(RateError::CountRange(count));
        }

        let digits = period.bytes().take_while(u8::is_ascii_digit).count();
        let (multiplier, unit) = period.split_at(digits);
        let bad_unit = || RateError::Unit {
            text: text.to_owned(),
            period: period.to_owned(),
        };
        let unit = unit_secs(unit.trim()).ok_or_else(bad_unit)?;
        let multiplier: u64 = if multiplier.is_empty() {
            1
        } else {
            multiplier
                .parse()
                .map_err(|_| RateError::PeriodRange(u64::MAX))?
        };
        let period_secs = multiplier.saturating_mul(u64::from(unit));
        if !(1..=u64::from(MAX_PERIOD_SECS)).contains(&period_secs) {
            return Err(RateError::PeriodRange(period_secs));
        }
        // Both ranges were checked above, so these conversions succeed.
        Rate::new(
            u32::try_from(count).map_err(|_| RateError::CountRange(count))?,
            u32::try_from(period_secs).map_err(|_| RateError::PeriodRange(period_secs))?,
        )
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A zero period (only possible through the public fields) falls
        // through to "N/0s", which FromStr rejects: no panic, no lie.
        let (name, secs) = UNITS
            .iter()
            .copied()
            .find(|&(_, secs)| self.period_secs != 0 && self.period_secs.is_multiple_of(secs))
            .unwrap_or(("s", 1));
        let multiplier = self.period_secs / secs;
        if multiplier == 1 {
            write!(f, "{}/{name}", self.count)
        } else {
            write!(f, "{}/{multiplier}{name}", self.count)
        }
    }
}
