//! The exit statuses SPEC fixes; scripts and cron jobs depend on them.

/// Finished, and nothing at or above `--fail-on` was found; no row rejected.
pub const OK: u8 = 0;
/// Finished, and findings at or above `--fail-on` exist, or input rows were rejected.
pub const FINDINGS: u8 = 1;
/// Could not run: unreadable input, bad policy, bad arguments.
pub const CANNOT_RUN: u8 = 2;
