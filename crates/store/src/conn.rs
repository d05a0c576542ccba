//! The handle every resource's SQL runs on: [`Conn`], one connection of
//! either backend, inside a transaction ([`Store::transaction`]) or not
//! ([`Store::run`]). Resource modules match on [`Conn::side`] and keep the
//! two dialects' statements side by side.
//!
//! A SQLite connection is used on the blocking thread pool; the body given
//! to `run` or `transaction` is driven there to completion with one poll,
//! which holds because SQLite statements never wait on anything. A body
//! that awaits something else is a bug and fails with
//! [`StoreError::Awaited`] (and the transaction rolls back).
//!
//! [`Store::transaction`]: crate::Store::transaction
//! [`Store::run`]: crate::Store::run

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use tokio_postgres::types::ToSql;
use tokio_postgres::{Row, Statement};

use crate::StoreError;

/// A boxed future borrowing a [`Conn`]: what a body given to
/// [`Store::run`](crate::Store::run) or
/// [`Store::transaction`](crate::Store::transaction) returns.
pub type ConnFuture<'c, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'c>>;

/// One connection to the store, in a transaction or not.
pub struct Conn<'a> {
    side: Side<'a>,
    /// A job was enqueued on this connection: the store wakes this
    /// process's job runner once the body has committed.
    enqueued: bool,
}

/// The backend behind a [`Conn`], for a resource's SQL.
pub(crate) enum Side<'a> {
    Sqlite(&'a mut rusqlite::Connection),
    Postgres(Pg<'a>),
}

/// A PostgreSQL connection from the pool, or a transaction on one.
pub(crate) enum Pg<'a> {
    Client(&'a deadpool_postgres::Client),
    Tx(&'a deadpool_postgres::Transaction<'a>),
}

impl<'a> Conn<'a> {
    pub(crate) fn sqlite(conn: &'a mut rusqlite::Connection) -> Conn<'a> {
        Conn {
            side: Side::Sqlite(conn),
            enqueued: false,
        }
    }

    pub(crate) fn postgres(pg: Pg<'a>) -> Conn<'a> {
        Conn {
            side: Side::Postgres(pg),
            enqueued: false,
        }
    }

    pub(crate) fn side(&mut self) -> &mut Side<'a> {
        &mut self.side
    }

    /// Notes that a job was enqueued on this connection.
    pub(crate) fn note_enqueued(&mut self) {
        self.enqueued = true;
    }

    pub(crate) fn enqueued(&self) -> bool {
        self.enqueued
    }

    /// Which backend this connection is to.
    pub fn backend(&self) -> crate::Backend {
        match self.side {
            Side::Sqlite(_) => crate::Backend::Sqlite,
            Side::Postgres(_) => crate::Backend::Postgres,
        }
    }
}

impl Pg<'_> {
    async fn prepare(&self, sql: &str) -> Result<Statement, tokio_postgres::Error> {
        match self {
            Pg::Client(c) => c.prepare_cached(sql).await,
            Pg::Tx(t) => t.prepare_cached(sql).await,
        }
    }

    pub async fn query(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, tokio_postgres::Error> {
        let stmt = self.prepare(sql).await?;
        match self {
            Pg::Client(c) => c.query(&stmt, params).await,
            Pg::Tx(t) => t.query(&stmt, params).await,
        }
    }

    pub async fn query_opt(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Option<Row>, tokio_postgres::Error> {
        let stmt = self.prepare(sql).await?;
        match self {
            Pg::Client(c) => c.query_opt(&stmt, params).await,
            Pg::Tx(t) => t.query_opt(&stmt, params).await,
        }
    }

    pub async fn query_one(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Row, tokio_postgres::Error> {
        let stmt = self.prepare(sql).await?;
        match self {
            Pg::Client(c) => c.query_one(&stmt, params).await,
            Pg::Tx(t) => t.query_one(&stmt, params).await,
        }
    }

    pub async fn execute(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<u64, tokio_postgres::Error> {
        let stmt = self.prepare(sql).await?;
        match self {
            Pg::Client(c) => c.execute(&stmt, params).await,
            Pg::Tx(t) => t.execute(&stmt, params).await,
        }
    }
}

/// Drives a SQLite body to completion: it never waits, so one poll does.
pub(crate) fn complete<T>(
    future: impl Future<Output = Result<T, StoreError>>,
) -> Result<T, StoreError> {
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(result) => result,
        Poll::Pending => Err(StoreError::Awaited),
    }
}
