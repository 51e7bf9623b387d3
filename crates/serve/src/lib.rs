//! `yibao-recon serve` (SPEC 2.5): one page for people who do not use a terminal, on
//! axum + tokio + tower-http. Local-first: loopback only unless a token is given; uploads
//! are held in memory for the one request and dropped with the response; nothing is
//! written to disk and nothing reaches the network; the page's HTML, CSS and JavaScript
//! are compiled into the binary.
//!
//! A request goes through: the security headers (every response), the gate
//! (`gate`: token and Host when a token is set), the body limit (413 with a page that
//! says the limit), the run slots (at most `jobs` reconciliations at once, others wait,
//! 503 after `wait`), then [`run::run`] on a blocking thread.

mod names;
pub mod page;
pub mod run;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};

use yibao_recon::ingest::MemoryFile;
use yibao_recon::lang::Lang;
use yibao_recon::mask::IdDisplay;
use yibao_recon::policy::Policy;

/// How the server runs.
#[derive(Clone, Debug)]
pub struct Config {
    /// The address it is bound to (the Host a token-guarded request must name).
    pub bound: SocketAddr,
    /// The bearer token, when the server is not loopback-only.
    pub token: Option<String>,
    /// The most bytes one request may carry (the whole multipart body).
    pub max_upload_bytes: usize,
    /// Reconciliations at once.
    pub jobs: usize,
    /// How long a request waits for a free slot before 503.
    pub wait: Duration,
    /// How long a request's body may take to arrive whole before 408 ([`BODY_DEADLINE`]).
    pub body_deadline: Duration,
}

/// The cookie the page sets when opened as `/?token=T`.
pub const TOKEN_COOKIE: &str = "yibao_token";

/// SPEC 2.5: a bind address that is not loopback (127.0.0.0/8, ::1) needs a token —
/// 0.0.0.0 is not loopback.
pub fn check_bind(addr: &SocketAddr, token: Option<&str>) -> Result<(), String> {
    if addr.ip().is_loopback() || token.is_some_and(|t| !t.is_empty()) {
        Ok(())
    } else {
        Err(format!(
            "--bind {addr} is reachable from other machines: give --token (or YIBAO_TOKEN) so that only people with it can use the page, or bind 127.0.0.1"
        ))
    }
}

struct AppState {
    config: Config,
    slots: Arc<tokio::sync::Semaphore>,
}

/// How long a request's body may take to arrive whole (SPEC 2.7: 408 after it). A client
/// trickling a byte every 20 s no longer holds a slot for five minutes.
pub const BODY_DEADLINE: Duration = Duration::from_secs(60);

/// Set when the request that started a run goes away before its answer (the client
/// disconnected): the run stops at its next stage instead of going on unseen.
struct CancelOnDrop {
    cancelled: Arc<std::sync::atomic::AtomicBool>,
    armed: bool,
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if self.armed {
            self.cancelled
                .store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

/// Serves the page on `listener` until Ctrl-C (the command line's `serve`).
pub async fn serve_until_ctrl_c(
    listener: tokio::net::TcpListener,
    config: Config,
) -> std::io::Result<()> {
    axum::serve(listener, router(config))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

/// The page's routes, with every layer SPEC 2.5 asks for; served by `axum::serve`, or
/// called directly as a tower service in tests.
pub fn router(config: Config) -> Router {
    let limit = config.max_upload_bytes;
    let state = Arc::new(AppState {
        slots: Arc::new(tokio::sync::Semaphore::new(config.jobs.max(1))),
        config,
    });
    let csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
               connect-src 'self' blob:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
    Router::new()
        .route("/", get(index))
        .route("/app.js", get(script))
        .route("/app.css", get(style))
        .route("/reconcile", post(reconcile))
        .layer(DefaultBodyLimit::max(limit))
        // An upload that stalls ends after a minute and a half without a byte (the whole
        // body's deadline, a minute, comes first: `BODY_DEADLINE`); a whole request after
        // five (the engine reads 100k people in seconds).
        .layer(RequestBodyTimeoutLayer::new(Duration::from_secs(90)))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(300),
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            too_large_page,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), gate))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .with_state(state)
}

#[derive(Deserialize)]
struct PageQuery {
    token: Option<String>,
    lang: Option<String>,
}

/// With a token: the Host must be the bound address (no DNS rebinding), and the request
/// must carry the token — as `Authorization: Bearer T`, as the cookie, or (for the page
/// itself) as `/?token=T`, which sets the cookie.
async fn gate(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let Some(token) = state.config.token.as_deref() else {
        return next.run(request).await;
    };
    if !host_allowed(request.headers(), &state.config.bound) {
        return (StatusCode::MISDIRECTED_REQUEST, "unexpected Host header").into_response();
    }
    let bearer = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|t| constant_time_eq(t.trim(), token));
    let cookie = request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .any(|(k, v)| k == TOKEN_COOKIE && constant_time_eq(v, token));
    let in_query = request.uri().path() == "/"
        && request
            .uri()
            .query()
            .and_then(query_token)
            .is_some_and(|t| constant_time_eq(&t, token));
    if bearer || cookie {
        return next.run(request).await;
    }
    if in_query {
        let mut response = next.run(request).await;
        let value = format!("{TOKEN_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/");
        if let Ok(v) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(header::SET_COOKIE, v);
        }
        return response;
    }
    (
        StatusCode::UNAUTHORIZED,
        "open the page with the link that holds the token (/?token=…)",
    )
        .into_response()
}

/// `token` of a query string (`a=1&token=T`), as written (a token is hex or base64url:
/// nothing to decode).
fn query_token(query: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| *k == "token")
        .map(|(_, v)| v.to_string())
}

/// Compares without stopping at the first difference (a token is a secret).
fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The Host header names the bound address; bound to every interface (0.0.0.0, ::),
/// an IP literal with the bound port (a name could be a rebinding attack's).
fn host_allowed(headers: &HeaderMap, bound: &SocketAddr) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    if host == bound.to_string() {
        return true;
    }
    bound.ip().is_unspecified()
        && host
            .parse::<SocketAddr>()
            .is_ok_and(|a| a.port() == bound.port())
}

/// Turns the body limit's bare 413 into a page that says the limit.
async fn too_large_page(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let lang = lang_of(request.headers());
    let response = next.run(request).await;
    let says_why = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"application/json"));
    if response.status() != StatusCode::PAYLOAD_TOO_LARGE || says_why {
        return response;
    }
    let mb = state.config.max_upload_bytes >> 20;
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        Html(page::too_large(mb, lang)),
    )
        .into_response()
}

fn lang_of(headers: &HeaderMap) -> Lang {
    let accepts_zh = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.trim().is_empty() || v.starts_with("zh"));
    if accepts_zh { Lang::Zh } else { Lang::En }
}

async fn index(headers: HeaderMap, Query(q): Query<PageQuery>) -> Html<String> {
    let _ = q.token;
    let lang = match q.lang.as_deref() {
        Some("en") => Lang::En,
        Some("zh") => Lang::Zh,
        _ => lang_of(&headers),
    };
    Html(page::index(lang))
}

async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        page::APP_JS,
    )
}

async fn style() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        page::APP_CSS,
    )
}

/// `POST /reconcile`: a free run slot (503 after the wait), the form's fields into an
/// [`run::Upload`], the run on a blocking thread, the answer as JSON (422 with reasons).
async fn reconcile(State(state): State<Arc<AppState>>, multipart: Multipart) -> Response {
    // The slot first, the body after: a request waiting for its turn holds no upload, so
    // memory is bounded by the slots times the upload limit.
    let slots = Arc::clone(&state.slots);
    let permit = match tokio::time::timeout(state.config.wait, slots.acquire_owned()).await {
        Ok(Ok(permit)) => permit,
        _ => {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, "10")],
                axum::Json(serde_json::json!({
                    "reasons": ["busy: every reconciliation slot is taken; try again in a moment"]
                })),
            )
                .into_response();
        }
    };
    let deadline = state.config.body_deadline;
    let upload = match tokio::time::timeout(deadline, read_form(multipart)).await {
        Ok(Ok(u)) => u,
        Ok(Err(response)) => return response,
        Err(_) => {
            return (
                StatusCode::REQUEST_TIMEOUT,
                axum::Json(serde_json::json!({
                    "reasons": [format!("the upload did not arrive whole within {} s", deadline.as_secs())]
                })),
            )
                .into_response();
        }
    };
    if let Some(response) = past_the_read_limit(&upload, state.config.max_upload_bytes) {
        return response;
    }
    // The slot goes with the run, not with the request: a client that goes away leaves
    // its run holding the slot until it stops (at its next stage: it is cancelled).
    let mut cancel = CancelOnDrop {
        cancelled: Arc::clone(&upload.cancelled),
        armed: true,
    };
    // The answer goes out as it is made (a channel of one piece): the run holds one
    // piece of it at a time, and a client that stops reading stops the run.
    let (first_tx, first_rx) = tokio::sync::oneshot::channel::<Result<(), run::Refusal>>();
    let (piece_tx, mut piece_rx) = tokio::sync::mpsc::channel::<String>(1);
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        let mut first_tx = Some(first_tx);
        let mut send = |piece: String| {
            if let Some(first) = first_tx.take() {
                let _ = first.send(Ok(()));
            }
            runtime
                .block_on(tokio::time::timeout(PIECE_DEADLINE, piece_tx.send(piece)))
                .is_ok_and(|sent| sent.is_ok())
        };
        let outcome = run::run(upload, &mut send);
        drop(permit);
        if let (Err(refusal), Some(first)) = (outcome, first_tx) {
            let _ = first.send(Err(refusal));
        }
    });
    let first = first_rx.await;
    cancel.armed = false;
    match first {
        Ok(Ok(())) => {
            let pieces = futures_util::stream::poll_fn(move |cx| {
                piece_rx
                    .poll_recv(cx)
                    .map(|piece| piece.map(Ok::<_, std::convert::Infallible>))
            });
            (
                [(header::CONTENT_TYPE, "application/json")],
                axum::body::Body::from_stream(pieces),
            )
                .into_response()
        }
        Ok(Err(refusal)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            axum::Json(serde_json::json!({"reasons": refusal.reasons})),
        )
            .into_response(),
        // A panic inside the engine before the answer began: the server goes on, the
        // request says so.
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            axum::Json(serde_json::json!({"reasons": ["internal error while reading the files"]})),
        )
            .into_response(),
    }
}

/// How long one piece of the answer (at most 1 MiB) may wait for the client to take it;
/// a client that reads slower than that loses its answer and frees the run slot.
pub const PIECE_DEADLINE: Duration = Duration::from_secs(60);

/// The upload limit bounds what a run reads, not only the bytes sent (SPEC 2.7: memory
/// and the answer are bounded by a multiple of the upload): a workbook counts at the size
/// its parts unpack to — half a megabyte of XLSX can hold a million rows. Over the limit,
/// a 413 naming the workbooks and what they unpack to.
fn past_the_read_limit(upload: &run::Upload, limit: usize) -> Option<Response> {
    let sizes: Vec<(&str, u64, u64)> = upload
        .files
        .iter()
        .map(|f| {
            let sent = f.bytes.len() as u64;
            (
                f.name.as_str(),
                sent,
                yibao_recon::ingest::workbook::unpacked_size(&f.bytes),
            )
        })
        .collect();
    let paste = upload.paste.as_ref().map_or(0, |p| p.len() as u64);
    let total = sizes.iter().map(|s| s.2).fold(paste, u64::saturating_add);
    if total <= limit as u64 {
        return None;
    }
    let mb = |bytes: u64| format!("{:.1}", bytes as f64 / (1 << 20) as f64);
    let lang = upload.lang;
    let mut reasons: Vec<String> = sizes
        .iter()
        .filter(|(_, sent, unpacked)| unpacked > sent)
        .map(|(name, sent, unpacked)| {
            let name = IdDisplay::Masked.text(name);
            match lang {
                Lang::Zh => format!("{name}:{} MB,解压后 {} MB", mb(*sent), mb(*unpacked)),
                Lang::En => format!(
                    "{name}: {} MB, unpacking to {} MB",
                    mb(*sent),
                    mb(*unpacked)
                ),
            }
        })
        .collect();
    let limit_mb = limit >> 20;
    reasons.insert(
        0,
        match lang {
            Lang::Zh => format!(
                "本页一次最多读取 {limit_mb} MB(工作簿按解压后的大小计),这次上传共 {} MB。请在命令行运行 yibao-recon reconcile(大文件也快),或请管理员以更大的 --max-upload-mb 启动本页。",
                mb(total)
            ),
            Lang::En => format!(
                "The page reads at most {limit_mb} MB per upload (a workbook counts at the size it unpacks to); this upload is {} MB. Run yibao-recon reconcile on the command line (fast on large files too), or ask for the page to be started with a larger --max-upload-mb.",
                mb(total)
            ),
        },
    );
    Some(
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            axum::Json(serde_json::json!({ "reasons": reasons })),
        )
            .into_response(),
    )
}

/// The multipart form (SPEC 2.5's fields) into an upload; a bad field is a 400 or 422
/// saying which, a body past the limit a 413.
async fn read_form(mut multipart: Multipart) -> Result<run::Upload, Response> {
    let mut files = Vec::new();
    let (mut paste, mut preset, mut policy_file) = (None, None, None);
    let mut layout: Option<String> = None;
    let (mut as_of, mut lang, mut person, mut show_ids) = (None, Lang::Zh, None, false);
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err((e.status(), e.body_text()).into_response()),
        };
        let name = field.name().unwrap_or("").to_string();
        // Read from the header itself: see `names` for what multer's parser missed.
        let file_name = field
            .headers()
            .get(header::CONTENT_DISPOSITION)
            .and_then(|v| names::file_name(v.as_bytes()));
        let bytes = field
            .bytes()
            .await
            .map_err(|e| (e.status(), e.body_text()).into_response())?;
        let text = || String::from_utf8_lossy(&bytes).trim().to_string();
        match name.as_str() {
            // A browser sends an empty part with no name when no file was chosen; a
            // chosen file that is empty is kept (and reported as such).
            "files" if !(bytes.is_empty() && file_name.as_deref().unwrap_or("").is_empty()) => {
                files.push(MemoryFile {
                    name: file_name.unwrap_or_else(|| format!("upload-{}", files.len() + 1)),
                    bytes: bytes.to_vec(),
                    person: None,
                    layout: None,
                })
            }
            "paste" => paste = Some(String::from_utf8_lossy(&bytes).into_owned()),
            "policy" => preset = Some(text()).filter(|t| !t.is_empty()),
            "policy_file" if !bytes.is_empty() => policy_file = Some(text()),
            // SPEC 2.6: layout rules, as a file or typed into the page's field.
            "layout_file" | "layout" if !text().is_empty() => {
                let t = text();
                layout = Some(match layout {
                    Some(before) => format!("{before}\n{t}"),
                    None => t,
                });
            }
            "as_of" => {
                let t = text();
                if !t.is_empty() {
                    as_of = Some(chrono::NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(
                        |_| unprocessable(format!("as_of: not a date (YYYY-MM-DD): {t}")),
                    )?);
                }
            }
            "lang" => lang = if text() == "en" { Lang::En } else { Lang::Zh },
            "person" => person = Some(text()).filter(|t| !t.is_empty()),
            "show_ids" => show_ids = text() == "on",
            _ => {}
        }
    }
    let policy = match (policy_file, preset) {
        (Some(toml), _) => Policy::from_toml(&toml, "uploaded policy"),
        (None, Some(name)) => match yibao_recon::policy::presets::get(&name) {
            Some(text) => Policy::from_toml(text, &name),
            None => return Err(unprocessable(format!("policy: no preset named '{name}'"))),
        },
        (None, None) => Policy::load(yibao_recon::policy::presets::DEFAULT),
    }
    .map_err(|e| unprocessable(e.to_string()))?;
    let layout = match layout {
        None => None,
        Some(text) => Some(Arc::new(
            yibao_recon::ingest::LayoutRules::parse(&text, "layout rules")
                .map_err(|e| unprocessable(e.to_string()))?,
        )),
    };
    for f in &mut files {
        f.layout = layout.clone();
    }
    Ok(run::Upload {
        cancelled: Arc::default(),
        layout,
        files,
        paste,
        policy,
        as_of,
        lang,
        person,
        show_ids,
    })
}

fn unprocessable(reason: String) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        axum::Json(serde_json::json!({"reasons": [reason]})),
    )
        .into_response()
}
