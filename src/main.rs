//! The `yibao-recon` binary: parses arguments once and calls the library.

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

/// Console output (`out!`, `outln!` instead of `print!`, `println!`): a closed stdout — a
/// pipe into `head` — ends it quietly instead of panicking; reports are written all the
/// same and the exit status stays SPEC's (SPEC 2.3 "Broken pipe").
macro_rules! out {
    ($($arg:tt)*) => { $crate::console(format_args!($($arg)*)) };
}
macro_rules! outln {
    ($($arg:tt)*) => { $crate::console(format_args!("{}\n", format_args!($($arg)*))) };
}
/// Standard error, as `eprintln!`, with file-borne control characters removed.
macro_rules! errln {
    ($($arg:tt)*) => { $crate::console_err(format_args!($($arg)*)) };
}

mod cli;
mod cmd;

/// Writes to stdout, ignoring a closed pipe (see `out!`). What is printed may hold text
/// from the files (names, values, sheet names): control characters and escape sequences
/// are removed first, so a cell cannot clear the screen or write the clipboard.
pub fn console(args: std::fmt::Arguments) {
    use std::io::Write;
    let text = args.to_string();
    let text = yibao_recon::printable::printable(&text);
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// One line to stderr, made printable as [`console`] does.
pub fn console_err(args: std::fmt::Arguments) {
    use std::io::Write;
    let text = args.to_string();
    let text = yibao_recon::printable::printable(&text);
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// Writes bytes to stdout, ignoring a closed pipe.
pub fn console_bytes(bytes: &[u8]) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(bytes);
}

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

// Records and reports are millions of small allocations made and freed on several threads:
// mimalloc does that faster than glibc's malloc with the same peak (the figures:
// bench/runs/2026-11-27-scale-history.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Gives the memory freed so far back to the system, on every thread of the current
/// rayon pool; called between the phases of a run. mimalloc keeps each thread's freed
/// pages for that thread (and frees of another thread's blocks for it to collect), so a
/// phase that drops what others made — the file buffers after reading, the records
/// after matching — left them resident while the next phase took fresh pages, raising the
/// peak; collecting costs no measurable time.
pub fn give_back_memory() {
    // SAFETY: mi_collect has no preconditions: it walks the calling thread's own heap.
    rayon::broadcast(|_| unsafe { libmimalloc_sys::mi_collect(true) });
}

/// clap's own errors (a bad value, an unknown flag) with IDs masked — `--as-of` given an
/// ID echoed it whole; help and version print as clap prints them.
fn clap_exit(e: clap::Error) -> ! {
    if !e.use_stderr() {
        e.exit();
    }
    let text = e.render().to_string();
    let text = yibao_recon::mask::IdDisplay::Masked
        .text(&text)
        .into_owned();
    errln!("{}", text.trim_end());
    std::process::exit(yibao_recon::exit::CANNOT_RUN.into());
}

/// An error with its causes, each said once: a library error that already names its
/// cause ("cannot write: Permission denied") is not followed by the cause again.
fn error_text(err: &anyhow::Error) -> String {
    let mut text = err.to_string();
    for cause in err.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}

fn main() -> ExitCode {
    // A parser that panics on a malformed file is caught and reported with the file's
    // name; the hook only says where, in one line, without a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("yibao-recon: internal panic at {at} (the file concerned is named below)");
    }));
    let matches = match cmd::Cli::command().try_get_matches() {
        Ok(m) => m,
        Err(e) => clap_exit(e),
    };
    let mut cli = match cmd::Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => clap_exit(e),
    };
    if let Err(message) = cli.prepare(&matches) {
        errln!("yibao-recon: {message}");
        return ExitCode::from(yibao_recon::exit::CANNOT_RUN);
    }
    match cmd::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            // An ID given where a path or a date was expected is not echoed whole.
            let text = yibao_recon::mask::IdDisplay::Masked
                .text(&error_text(&err))
                .into_owned();
            errln!("yibao-recon: {text}");
            ExitCode::from(yibao_recon::exit::CANNOT_RUN)
        }
    }
}
