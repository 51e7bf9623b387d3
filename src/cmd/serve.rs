//! `yibao-recon serve`: the page (SPEC 2.5) on this computer.

use std::net::SocketAddr;

use clap::Args;
use yibao_recon::exit;
use yibao_recon_serve::{self as serve, Config};

/// Serve a page to check accounts in a browser: choose or drop files, paste a table, pick
/// the region, read the answer and download the reports. Files are read in memory only
/// and nothing is kept; the page works offline.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  yibao-recon serve --open\n  yibao-recon serve --bind 0.0.0.0:8765 --token $(openssl rand -hex 16)   # for other PCs on the office network"
)]
pub struct ServeArgs {
    /// The address to listen on; anything but loopback needs --token.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8765")]
    pub bind: SocketAddr,
    /// Open the page in the default browser.
    #[arg(long)]
    pub open: bool,
    /// The most one upload may carry, in MB (413 beyond).
    #[arg(long = "max-upload-mb", value_name = "MB", default_value_t = 64)]
    pub max_upload_mb: usize,
    /// Reconciliations at once; others wait (503 after 30 s).
    #[arg(short = 'j', long = "jobs", value_name = "N", default_value_t = 2)]
    pub jobs: usize,
    /// A secret every request must carry (open the page as /?token=T); needed to listen
    /// beyond this computer.
    #[arg(long, value_name = "T", env = "YIBAO_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
}

/// The largest `--max-upload-mb` (an input file may have 4 GiB; `mb << 20` overflowed to 0).
const MAX_UPLOAD_MB: usize = 4096;

/// The shortest token: a secret that guards the page from the network must not be
/// guessable (a space or one character was accepted).
const MIN_TOKEN_CHARS: usize = 12;

pub fn run(args: &ServeArgs) -> anyhow::Result<u8> {
    let token = args.token.clone().filter(|t| !t.is_empty());
    if let Some(t) = &token {
        anyhow::ensure!(
            t.chars().count() >= MIN_TOKEN_CHARS && !t.chars().any(char::is_whitespace),
            "--token: at least {MIN_TOKEN_CHARS} characters and no spaces (e.g. $(openssl rand -hex 16))"
        );
    }
    anyhow::ensure!(
        (1..=MAX_UPLOAD_MB).contains(&args.max_upload_mb),
        "--max-upload-mb {}: from 1 to {MAX_UPLOAD_MB}",
        args.max_upload_mb
    );
    serve::check_bind(&args.bind, token.as_deref()).map_err(anyhow::Error::msg)?;
    // At most one run per core: more would only wait for each other, holding uploads.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let jobs = args.jobs.clamp(1, cores);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.bind).await?;
        let bound = listener.local_addr()?;
        let config = Config {
            bound,
            token: token.clone(),
            max_upload_bytes: args.max_upload_mb << 20,
            jobs,
            wait: std::time::Duration::from_secs(30),
            body_deadline: serve::BODY_DEADLINE,
        };
        let url = match &token {
            Some(t) => format!("http://{bound}/?token={t}"),
            None => format!("http://{bound}/"),
        };
        outln!("yibao-recon serve: {url}  (Ctrl-C to stop)");
        if args.open {
            let _ = std::process::Command::new(if cfg!(target_os = "macos") {
                "open"
            } else {
                "xdg-open"
            })
            .arg(&url)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        }
        serve::serve_until_ctrl_c(listener, config).await?;
        Ok::<(), anyhow::Error>(())
    })?;
    Ok(exit::OK)
}
