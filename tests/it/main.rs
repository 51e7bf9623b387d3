//! Every integration test in one binary (ripgrep's layout): one link instead of one per
//! area, a module per area. `serve_slots.rs` stays a binary of its own: it counts the runs
//! of its process.

#[path = "../common/mod.rs"]
mod common;

mod architecture;
mod check_cli;
mod conservation;
mod embed;
mod expected_credit;
mod golden;
mod hostile;
mod ingest_shapes;
mod jobs;
mod layouts;
mod parquet;
mod privacy;
mod properties;
mod reading_right;
mod real_layouts;
mod reconcile_cli;
mod reports;
mod serve;
mod serve_browser;
mod shards;
mod small_faults;
mod statement_first;
mod unattended;
