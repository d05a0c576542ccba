//! The binary as a user runs it, one module per concern, in one test binary
//! (one link instead of one per file; nextest still runs each test in its
//! own process).

mod alerts;
mod balancer;
mod browser;
mod cli;
mod clients;
mod dependencies;
mod formats;
mod js_client;
mod kill;
mod objstore;
mod orgs;
mod outbox;
mod recall;
mod review;
mod schemathesis;
mod serve;
mod shard;
mod support;
mod tidy;
mod worker;
