#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! yibao-recon: reconcile China's employee medical-insurance personal accounts
//! (职工医保个人账户) — contribution records against account statements.
//!
//! The library is laid out as the data flows: [`ingest`] reads files into typed
//! [`records`] (with [`values`] parsing cells and [`aliases`] naming columns), and
//! [`report`] writes outputs. The library never prints and never exits; the binary does.

/// The tool's name as its reports carry it (summary.json's `tool.name`, the workbook's
/// creator): whichever crate the engine is built in, an earlier run's reports are known by it.
pub const TOOL_NAME: &str = "yibao-recon";

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
pub mod values;
