//! Rate budgets shared by every server on one store: a GCRA theoretical
//! arrival time per budget name, advanced by one upsert.

use chrono::Utc;
use rusqlite::{params, OptionalExtension as _};

use crate::conn::{Conn, Side};
use crate::{Rate, Store, StoreError};

/// How long an idle budget is kept before [`Budgets::forget_idle`] drops it.
pub const IDLE_FOR_US: i64 = 86_400 * 1_000_000;

/// The outcome of drawing on a shared budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Draw {
    Allowed,
    /// Refused; a request is allowed again after this long.
    Denied {
        retry_after: std::time::Duration,
    },
}

/// `store.budgets()`.
pub struct Budgets<'s>(pub(crate) &'s Store);

impl Budgets<'_> {
    /// Draws one unit from budget `name` with `rate` (GCRA: `count` units
    /// per period, all of them available at once), shared by every server
    /// using this store. `name` is opaque; callers must not put personal
    /// data in it.
    pub async fn draw(&self, name: &str, rate: Rate) -> Result<Draw, StoreError> {
        self.draw_at(name, rate, Utc::now().timestamp_micros())
            .await
    }

    /// [`draw`](Budgets::draw) at a given time (microseconds since the epoch).
    pub async fn draw_at(&self, name: &str, rate: Rate, now_us: i64) -> Result<Draw, StoreError> {
        rate.validate()?;
        let name = name.to_owned();
        self.0
            .run(move |c| Box::pin(async move { draw_at(c, &name, rate, now_us).await }))
            .await
    }

    /// Forgets budgets idle for a day (keeps the table bounded); returns
    /// how many were dropped.
    pub async fn forget_idle(&self) -> Result<u64, StoreError> {
        let before = Utc::now().timestamp_micros() - IDLE_FOR_US;
        self.0
            .run(move |c| Box::pin(async move { forget_before(c, before).await }))
            .await
    }
}

/// One GCRA step on `c` (see [`Budgets::draw_at`]).
pub async fn draw_at(
    c: &mut Conn<'_>,
    name: &str,
    rate: Rate,
    now_us: i64,
) -> Result<Draw, StoreError> {
    rate.validate()?;
    let period_us = i64::from(rate.period_secs) * 1_000_000;
    let interval_us = (period_us / i64::from(rate.count)).max(1);
    let context = "drawing on a rate budget";
    // `Ok` when the row advanced, else the budget's theoretical arrival time.
    let tat: Result<(), i64> = match c.side() {
        Side::Sqlite(conn) => {
            let advanced: Option<i64> = conn
                .prepare_cached(
                    "INSERT INTO rate_budgets (name, tat_us) VALUES (?1, ?2 + ?3)
                     ON CONFLICT (name) DO UPDATE
                       SET tat_us = MAX(rate_budgets.tat_us, ?2) + ?3
                       WHERE MAX(rate_budgets.tat_us, ?2) + ?3 - ?4 <= ?2
                     RETURNING tat_us",
                )
                .and_then(|mut stmt| {
                    stmt.query_row(params![name, now_us, interval_us, period_us], |row| {
                        row.get(0)
                    })
                    .optional()
                })
                .map_err(StoreError::sqlite(context))?;
            match advanced {
                Some(_) => Ok(()),
                None => Err(conn
                    .query_row(
                        "SELECT tat_us FROM rate_budgets WHERE name = ?1",
                        params![name],
                        |row| row.get(0),
                    )
                    .map_err(StoreError::sqlite(context))?),
            }
        }
        Side::Postgres(pg) => {
            let advanced = pg
                .query_opt(
                    "INSERT INTO rate_budgets (name, tat_us) VALUES ($1::text, $2::bigint + $3::bigint)
                     ON CONFLICT (name) DO UPDATE
                       SET tat_us = GREATEST(rate_budgets.tat_us, $2::bigint) + $3::bigint
                       WHERE GREATEST(rate_budgets.tat_us, $2::bigint) + $3::bigint - $4::bigint <= $2::bigint
                     RETURNING tat_us",
                    &[&name, &now_us, &interval_us, &period_us],
                )
                .await
                .map_err(StoreError::postgres(context))?;
            match advanced {
                Some(_) => Ok(()),
                None => Err(pg
                    .query_one("SELECT tat_us FROM rate_budgets WHERE name = $1", &[&name])
                    .await
                    .map_err(StoreError::postgres(context))?
                    .try_get(0)
                    .map_err(StoreError::postgres(context))?),
            }
        }
    };
    Ok(match tat {
        Ok(()) => Draw::Allowed,
        Err(tat_us) => {
            let tat_us = tat_us.max(now_us);
            // Allowed again once max(tat, now) + interval - period <= now.
            let wait = (tat_us + interval_us - period_us - now_us).max(1);
            Draw::Denied {
                retry_after: std::time::Duration::from_micros(wait as u64),
            }
        }
    })
}

/// Drops budgets whose arrival time is before `before_us`.
pub async fn forget_before(c: &mut Conn<'_>, before_us: i64) -> Result<u64, StoreError> {
    let context = "forgetting idle budgets";
    match c.side() {
        Side::Sqlite(conn) => conn
            .execute(
                "DELETE FROM rate_budgets WHERE tat_us < ?1",
                params![before_us],
            )
            .map(|n| n as u64)
            .map_err(StoreError::sqlite(context)),
        Side::Postgres(pg) => pg
            .execute("DELETE FROM rate_budgets WHERE tat_us < $1", &[&before_us])
            .await
            .map_err(StoreError::postgres(context)),
    }
}
