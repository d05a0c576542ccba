//! SQL written once for both backends, for resources whose statements do
//! not differ between the dialects: PostgreSQL placeholders (`$1`), turned
//! into SQLite's (`?1`); parameters that both drivers take; rows read the
//! same way.

use rusqlite::params_from_iter;

use crate::conn::{Conn, Side};
use crate::StoreError;

/// A value both drivers can bind.
pub(crate) trait Param: rusqlite::ToSql + tokio_postgres::types::ToSql + Sync {}
impl<T: rusqlite::ToSql + tokio_postgres::types::ToSql + Sync> Param for T {}

/// A row of either backend.
pub(crate) enum AnyRow<'r, 's> {
    Sqlite(&'r rusqlite::Row<'s>),
    Postgres(&'r tokio_postgres::Row),
}

impl AnyRow<'_, '_> {
    pub fn get<T>(&self, i: usize) -> Result<T, StoreError>
    where
        T: rusqlite::types::FromSql + for<'a> tokio_postgres::types::FromSql<'a>,
    {
        match self {
            AnyRow::Sqlite(r) => r.get(i).map_err(|e| StoreError::corrupt(e.to_string())),
            AnyRow::Postgres(r) => r.try_get(i).map_err(|e| StoreError::corrupt(e.to_string())),
        }
    }
}

/// `$n` → `?n`.
fn sqlite_sql(sql: &str) -> String {
    sql.replace('$', "?")
}

/// Runs a statement; the rows it changed.
pub(crate) async fn execute(
    c: &mut Conn<'_>,
    context: &'static str,
    sql: &str,
    params: &[&dyn Param],
) -> Result<u64, StoreError> {
    match c.side() {
        Side::Sqlite(conn) => conn
            .prepare_cached(&sqlite_sql(sql))
            .and_then(|mut s| {
                s.execute(params_from_iter(
                    params.iter().map(|p| p as &dyn rusqlite::ToSql),
                ))
            })
            .map(|n| n as u64)
            .map_err(StoreError::sqlite(context)),
        Side::Postgres(pg) => {
            let pg_params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = params
                .iter()
                .map(|p| *p as &(dyn tokio_postgres::types::ToSql + Sync))
                .collect();
            pg.execute(sql, &pg_params)
                .await
                .map_err(StoreError::postgres(context))
        }
    }
}

/// Runs a query and maps every row.
pub(crate) async fn query<T>(
    c: &mut Conn<'_>,
    context: &'static str,
    sql: &str,
    params: &[&dyn Param],
    map: impl Fn(&AnyRow<'_, '_>) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    match c.side() {
        Side::Sqlite(conn) => {
            let mut stmt = conn
                .prepare_cached(&sqlite_sql(sql))
                .map_err(StoreError::sqlite(context))?;
            let mut rows = stmt
                .query(params_from_iter(
                    params.iter().map(|p| p as &dyn rusqlite::ToSql),
                ))
                .map_err(StoreError::sqlite(context))?;
            let mut out = Vec::new();
            while let Some(row) = rows.next().map_err(StoreError::sqlite(context))? {
                out.push(map(&AnyRow::Sqlite(row))?);
            }
            Ok(out)
        }
        Side::Postgres(pg) => {
            let pg_params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = params
                .iter()
                .map(|p| *p as &(dyn tokio_postgres::types::ToSql + Sync))
                .collect();
            pg.query(sql, &pg_params)
                .await
                .map_err(StoreError::postgres(context))?
                .iter()
                .map(|r| map(&AnyRow::Postgres(r)))
                .collect()
        }
    }
}
