#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! yibao-recon: reconcile China's employee medical-insurance personal accounts
//! (职工医保个人账户) — contribution records against account statements.
//!
//! The library is laid out as the data flows: [`ingest`] reads files into typed
//! [`records`] (with [`values`] parsing cells and [`aliases`] naming columns), and
//! [`report`] writes outputs. The library never prints and never exits; the binary does.

pub mod aliases;
pub mod columns;
pub mod embed;
pub mod engine;
pub mod error;
pub mod exit;
pub mod ingest;
pub mod job;
pub mod lang;
pub mod mask;
pub mod money;
pub mod policy;
pub mod printable;
pub mod reconcile;
pub mod records;
pub mod report;
pub mod schema;
pub mod serve;
pub mod values;
