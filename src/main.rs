//! The `yibao-recon` binary: parses arguments once and calls the library.

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cli;
mod cmd;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    limit_heap_growth();
    // A parser that panics on a malformed file is caught and reported with the file's
    // name; the hook only says where, in one line, without a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("yibao-recon: internal panic at {at} (the file concerned is named below)");
    }));
    let cli = cli::Cli::parse();
    match cmd::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("yibao-recon: {err:#}");
            ExitCode::from(yibao_recon::exit::CANNOT_RUN)
        }
    }
}

/// glibc raises its mmap threshold each time a large block is freed, after which the big
/// record and report vectors grow on the heap by copy and leave holes: the run's peak
/// memory was ~1.2× what it needs. A fixed threshold keeps blocks over 64 KiB in their
/// own mappings, which `realloc` moves without copying and `free` gives back at once.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_heap_growth() {
    // SAFETY: mallopt only sets an allocator parameter; called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 64 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_heap_growth() {}
