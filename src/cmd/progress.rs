//! What a run shows of itself while it works: a spinner on a terminal, and the wall time
//! and peak memory of each phase with `--timings`.

/// A spinner on stderr for runs that take more than a moment; nothing when stderr is not
/// a terminal (cron, pipes) or with `-q`.
pub struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    pub fn new(quiet: bool) -> Progress {
        use std::io::IsTerminal;
        if quiet || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = indicatif::ProgressBar::new_spinner();
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Progress(Some(bar))
    }

    pub fn phase(&self, message: &'static str) {
        if let Some(bar) = &self.0 {
            bar.set_message(message);
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

/// Wall time per phase of a run, printed to stderr with `--timings` (bench/ reads it).
#[derive(Debug, Default)]
pub struct Timings {
    on: bool,
    phases: Vec<(&'static str, std::time::Duration)>,
    /// Peak resident memory after each phase (Linux), to see which phase sets the peak.
    peaks: Vec<(&'static str, u64)>,
}

impl Timings {
    pub fn new(on: bool) -> Timings {
        Timings {
            on,
            phases: Vec::new(),
            peaks: Vec::new(),
        }
    }

    /// Runs `f`, adding its wall time to `phase`.
    pub fn time<T>(&mut self, phase: &'static str, f: impl FnOnce() -> T) -> T {
        let start = std::time::Instant::now();
        let out = f();
        self.record(phase, start.elapsed());
        out
    }

    /// Adds `took` to `phase` (a phase timed inside the library).
    pub fn record(&mut self, phase: &'static str, took: std::time::Duration) {
        match self.phases.iter_mut().find(|(p, _)| *p == phase) {
            Some((_, d)) => *d += took,
            None => self.phases.push((phase, took)),
        }
        if self.on
            && let Some(kb) = peak_rss_kb()
        {
            self.peaks.retain(|(p, _)| *p != phase);
            self.peaks.push((phase, kb));
        }
    }

    /// One line: `timings: read=1.234s normalise=0.050s …`.
    pub fn print(&self) {
        if !self.on {
            return;
        }
        let parts: Vec<String> = self
            .phases
            .iter()
            .map(|(p, d)| format!("{p}={:.3}s", d.as_secs_f64()))
            .collect();
        errln!("timings: {}", parts.join(" "));
        if !self.peaks.is_empty() {
            let parts: Vec<String> = self
                .peaks
                .iter()
                .map(|(p, kb)| format!("{p}={}MB", kb / 1024))
                .collect();
            errln!("peak memory after: {}", parts.join(" "));
        }
    }
}

/// VmHWM from /proc/self/status: the process's peak resident set so far.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
