//! The page's HTTP side (SPEC 2.5), through axum's tower service — no network.

use crate::common;

use std::net::SocketAddr;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;
use yibao_recon_serve::{self as serve, Config};

fn config() -> Config {
    Config {
        bound: "127.0.0.1:8765".parse().unwrap(),
        token: None,
        max_upload_bytes: 2 << 20,
        jobs: 2,
        wait: Duration::from_secs(30),
        body_deadline: serve::BODY_DEADLINE,
    }
}

/// A multipart/form-data body of (field, file name, bytes).
fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----yibao-test-boundary";
    let mut body = Vec::new();
    for (name, file, bytes) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some(f) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn post(parts: &[(&str, Option<&str>, &[u8])]) -> Request<Body> {
    let (content_type, body) = multipart(parts);
    Request::post("/reconcile")
        .header(header::CONTENT_TYPE, content_type)
        .header(header::HOST, "127.0.0.1:8765")
        .body(Body::from(body))
        .unwrap()
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri)
        .header(header::HOST, "127.0.0.1:8765")
        .body(Body::empty())
        .unwrap()
}

async fn body_of(response: axum::response::Response) -> Vec<u8> {
    axum::body::to_bytes(response.into_body(), 64 << 20)
        .await
        .unwrap()
        .to_vec()
}

/// The page, its script and its style: security headers, and nothing loaded from the
/// network (no URL but the SVG namespace).
#[tokio::test]
async fn the_page_loads_nothing_from_the_network() {
    let app = serve::router(config());
    let page = app.clone().oneshot(get("/")).await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let headers = page.headers().clone();
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("script-src 'self'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(headers[header::REFERRER_POLICY], "no-referrer");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let mut text = String::from_utf8(body_of(page).await).unwrap();
    assert!(!text.contains("<script>"), "no inline script");
    for asset in ["/app.js", "/app.css"] {
        let r = app.clone().oneshot(get(asset)).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{asset}");
        text.push_str(&String::from_utf8(body_of(r).await).unwrap());
    }
    let urls = text.matches("http://").count() + text.matches("https://").count();
    let namespaces = text.matches("http://www.w3.org/2000/svg").count();
    assert_eq!(urls, namespaces, "only the SVG namespace is a URL");
    assert!(
        text.contains("national") && text.contains("beijing"),
        "the presets"
    );
}

/// A scenario's files uploaded give the findings the command line writes, row for row,
/// and every report; nothing is written to the temporary folder.
#[tokio::test]
async fn uploading_a_scenario_gives_the_command_lines_findings() {
    let dir = "samples/scenarios/16_missing_short_pending";
    let contributions = std::fs::read(format!("{dir}/contributions.csv")).unwrap();
    let statement = std::fs::read(format!("{dir}/statement.csv")).unwrap();
    let policy = std::fs::read("samples/policy.toml").unwrap();
    let temp_before: Vec<_> = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let response = serve::router(config())
        .oneshot(post(&[
            ("files", Some("contributions.csv"), &contributions),
            ("files", Some("statement.csv"), &statement),
            ("policy_file", Some("policy.toml"), &policy),
            ("as_of", None, b"2024-07-01"),
            ("lang", None, b"zh"),
        ]))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let answer: serde_json::Value = serde_json::from_slice(&body_of(response).await).unwrap();
    let temp_after: Vec<_> = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let new: Vec<_> = temp_after
        .iter()
        .filter(|n| !temp_before.contains(n) && !n.to_string_lossy().starts_with(".tmp"))
        .collect();
    assert!(new.is_empty(), "the server wrote {new:?}");

    let cli = common::cli_findings(dir, "2024-07-01");
    let page = answer["findings"].as_array().unwrap();
    assert_eq!(page.len(), cli.len());
    for (p, c) in page.iter().zip(&cli) {
        for (column, value) in c {
            assert_eq!(p[column].as_str().unwrap(), value, "{column}");
        }
    }
    for report in [
        "findings.csv",
        "months.csv",
        "persons.csv",
        "rejected.csv",
        "summary.json",
        "findings.jsonl",
        "report.xlsx",
        "report.html",
    ] {
        assert!(
            answer["reports"][report]
                .as_str()
                .is_some_and(|b| !b.is_empty()),
            "{report}"
        );
    }
    let person = &answer["persons"][0];
    assert!(person["explain"].as_str().unwrap().contains("为什么余额是"));
    assert!(
        person["person_id"].as_str().unwrap().contains("********"),
        "masked"
    );
}

/// 413 with a page that says the limit; the server goes on serving.
#[tokio::test]
async fn an_upload_over_the_limit_gets_413_and_the_server_goes_on() {
    let app = serve::router(config());
    let big = vec![b'x'; 3 << 20];
    let response = app
        .clone()
        .oneshot(post(&[("files", Some("big.csv"), &big)]))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let page = String::from_utf8(body_of(response).await).unwrap();
    assert!(page.contains("2 MB"), "{page}");
    let again = app.oneshot(get("/")).await.unwrap();
    assert_eq!(again.status(), StatusCode::OK);
}

/// A file that cannot be read: 422 with the reasons `check` gives, naming the file.
#[tokio::test]
async fn an_unreadable_upload_gets_the_reasons() {
    let response = serve::router(config())
        .oneshot(post(&[
            ("files", Some("broken.xlsx"), b"PK\x03\x04 not a zip"),
            ("lang", None, b"en"),
        ]))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let answer: serde_json::Value = serde_json::from_slice(&body_of(response).await).unwrap();
    let reasons = answer["reasons"].to_string();
    assert!(
        reasons.contains("broken.xlsx") && reasons.contains("workbook"),
        "{reasons}"
    );
}

/// A chosen file that is empty is named in the reasons (not dropped as "nothing
/// uploaded"); the empty part a browser sends when no file was chosen is ignored.
#[tokio::test]
async fn an_empty_file_is_named_and_an_unchosen_input_ignored() {
    let app = serve::router(config());
    let response = app
        .clone()
        .oneshot(post(&[
            ("files", Some("empty.csv"), b""),
            ("lang", None, b"en"),
        ]))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let reasons = String::from_utf8(body_of(response).await).unwrap();
    assert!(
        reasons.contains("empty.csv") && reasons.contains("empty file"),
        "{reasons}"
    );
    let statement = std::fs::read("samples/scenarios/23_credits_stopped/账户明细.csv").unwrap();
    let response = app
        .oneshot(post(&[
            ("files", Some(""), b""),
            ("files", Some("statement.csv"), &statement),
        ]))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

/// Beyond loopback a token is needed; with one, every request must carry it (bearer,
/// or the cookie the page's /?token=T link sets) and name the bound Host.
#[tokio::test]
async fn beyond_loopback_a_token_guards_every_request() {
    let any: SocketAddr = "0.0.0.0:8765".parse().unwrap();
    assert!(
        serve::check_bind(&any, None).is_err(),
        "0.0.0.0 is not loopback"
    );
    assert!(serve::check_bind(&"127.0.0.1:8765".parse().unwrap(), None).is_ok());
    assert!(serve::check_bind(&"[::1]:8765".parse().unwrap(), None).is_ok());
    assert!(serve::check_bind(&any, Some("s3cret")).is_ok());

    let bound: SocketAddr = "192.168.1.5:8765".parse().unwrap();
    let app = serve::router(Config {
        bound,
        token: Some("s3cret".into()),
        ..config()
    });
    let req = |uri: &str, host: &str, auth: Option<&str>, cookie: Option<&str>| {
        let mut r = Request::get(uri).header(header::HOST, host);
        if let Some(a) = auth {
            r = r.header(header::AUTHORIZATION, a);
        }
        if let Some(c) = cookie {
            r = r.header(header::COOKIE, c);
        }
        r.body(Body::empty()).unwrap()
    };
    let host = "192.168.1.5:8765";
    let status = |r: axum::response::Response| r.status();
    assert_eq!(
        status(
            app.clone()
                .oneshot(req("/", host, None, None))
                .await
                .unwrap()
        ),
        StatusCode::UNAUTHORIZED
    );
    let opened = app
        .clone()
        .oneshot(req("/?token=s3cret", host, None, None))
        .await
        .unwrap();
    assert_eq!(opened.status(), StatusCode::OK);
    let cookie = opened.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let pair = cookie.split(';').next().unwrap();
    assert_eq!(
        status(
            app.clone()
                .oneshot(req("/app.js", host, None, Some(pair)))
                .await
                .unwrap()
        ),
        StatusCode::OK
    );
    assert_eq!(
        status(
            app.clone()
                .oneshot(req("/app.js", host, Some("Bearer s3cret"), None))
                .await
                .unwrap()
        ),
        StatusCode::OK
    );
    assert_eq!(
        status(
            app.clone()
                .oneshot(req("/app.js", host, Some("Bearer wrong"), None))
                .await
                .unwrap()
        ),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        status(
            app.oneshot(req("/", "evil.example:8765", Some("Bearer s3cret"), None))
                .await
                .unwrap()
        ),
        StatusCode::MISDIRECTED_REQUEST,
        "a Host other than the bound address"
    );
}

/// Hostile uploads (the fuzzers' regressions, a zip bomb, binary noise) get an answer
/// each — never a dead server: the page is served after every one.
#[tokio::test]
async fn hostile_uploads_never_kill_the_server() {
    let app = serve::router(Config {
        max_upload_bytes: 16 << 20,
        ..config()
    });
    let mut uploads: Vec<(String, Vec<u8>)> = std::fs::read_dir("tests/fuzz_regressions")
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    uploads.push((
        "noise.csv".into(),
        (0..65536u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 24) as u8)
            .collect(),
    ));
    uploads.push(("empty.csv".into(), Vec::new()));
    uploads.push(("bomb.xlsx".into(), b"PK\x03\x04".repeat(1000)));
    for (name, bytes) in &uploads {
        let response = app
            .clone()
            .oneshot(post(&[
                ("files", Some(name.as_str()), bytes),
                ("lang", None, b"en"),
            ]))
            .await
            .unwrap();
        assert!(
            response.status().is_client_error() || response.status().is_success(),
            "{name}: {}",
            response.status()
        );
        let page = app.clone().oneshot(get("/")).await.unwrap();
        assert_eq!(page.status(), StatusCode::OK, "after {name}");
    }
}

/// At most `jobs` runs at once: with the one slot taken (a request still sending its
/// body), the next waits, then gets 503 with Retry-After.
#[tokio::test]
async fn a_request_beyond_the_slots_gets_503() {
    let app = serve::router(Config {
        jobs: 1,
        wait: Duration::from_millis(200),
        body_deadline: serve::BODY_DEADLINE,
        ..config()
    });
    let (tx, rx) = futures::channel::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(1);
    let slow = Request::post("/reconcile")
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=x")
        .header(header::HOST, "127.0.0.1:8765")
        .body(Body::from_stream(rx))
        .unwrap();
    let first = tokio::spawn(app.clone().oneshot(slow));
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = std::time::Instant::now();
    let second = app
        .clone()
        .oneshot(post(&[("lang", None, b"en")]))
        .await
        .unwrap();
    assert_eq!(second.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(second.headers().contains_key(header::RETRY_AFTER));
    assert!(
        started.elapsed() >= Duration::from_millis(200),
        "it waited first"
    );
    drop(tx);
    let _ = first.await;
    // The slot is free again.
    let third = app.oneshot(post(&[("lang", None, b"en")])).await.unwrap();
    assert_eq!(
        third.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "nothing uploaded"
    );
}

/// SPEC 2.6 on the page: the export no alias knows (column codes) is refused alone, and
/// read with the layout rules given as a file or typed into the page's field — the same
/// finding as the command line's.
#[tokio::test]
async fn layout_rules_on_the_page_read_what_the_file_alone_cannot() {
    let dir = "tests/fixtures/layouts";
    let codes = std::fs::read(format!("{dir}/nanning_codes.csv")).unwrap();
    let statement = std::fs::read(format!("{dir}/nanning_statement.csv")).unwrap();
    let rules = std::fs::read(format!("{dir}/nanning_rules.toml")).unwrap();
    let app = serve::router(config());
    let alone = app
        .clone()
        .oneshot(post(&[
            ("files", Some("nanning_codes.csv"), &codes),
            ("as_of", None, b"2024-08-31"),
        ]))
        .await
        .unwrap();
    assert_eq!(alone.status(), StatusCode::UNPROCESSABLE_ENTITY);
    for field in [
        ("layout_file", Some("nanning_rules.toml")),
        ("layout", None),
    ] {
        let response = app
            .clone()
            .oneshot(post(&[
                ("files", Some("nanning_codes.csv"), &codes),
                ("files", Some("nanning_statement.csv"), &statement),
                (field.0, field.1, &rules),
                ("as_of", None, b"2024-08-31"),
            ]))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{}", field.0);
        let answer: serde_json::Value = serde_json::from_slice(&body_of(response).await).unwrap();
        let findings = answer["findings"].as_array().unwrap();
        let codes: Vec<(&str, &str)> = findings
            .iter()
            .map(|f| (f["code"].as_str().unwrap(), f["period"].as_str().unwrap()))
            .collect();
        assert_eq!(
            codes,
            [("EMPLOYER_PAYMENT_MISSING", "2024-04")],
            "{}",
            field.0
        );
        assert_eq!(answer["persons"].as_array().unwrap().len(), 1);
    }
    let bad = app
        .oneshot(post(&[
            ("files", Some("nanning_codes.csv"), &codes),
            ("layout", None, b"[[layout]]\nkind = \"bank\"\n"),
        ]))
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = String::from_utf8(body_of(bad).await).unwrap();
    assert!(text.contains("kind"), "{text}");
}

/// The individual's folder of one person under two identities (a statement known only by
/// its 个人编号, the same with an ID column, the contributions) on the page: one person's
/// answer, credits counted once, nothing found — as on the command line.
#[tokio::test]
async fn one_person_under_two_identities_is_one_answer_on_the_page() {
    let files = common::one_person_two_identities();
    let policy = std::fs::read("samples/policy.toml").unwrap();
    let mut parts: Vec<(&str, Option<&str>, &[u8])> = files
        .iter()
        .map(|(name, bytes)| ("files", Some(name.as_str()), bytes.as_slice()))
        .collect();
    parts.push(("policy_file", Some("policy.toml"), &policy));
    parts.push(("as_of", None, b"2024-09-30"));
    let response = serve::router(config()).oneshot(post(&parts)).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let answer: serde_json::Value = serde_json::from_slice(&body_of(response).await).unwrap();
    let persons = answer["persons"].as_array().unwrap();
    assert_eq!(persons.len(), 1);
    assert!(answer["findings"].as_array().unwrap().is_empty());
    assert_eq!(
        persons[0]["credits"].as_str(),
        Some("700.00"),
        "{}",
        persons[0]
    );
}

/// SPEC 2.7: the page shows what the console shows. A March row with `120,00` is
/// rejected: the answer holds the rejected row (file, row, column, value, reason) and the
/// skipped inputs above the findings, and the person's answer never says "没有发现问题"
/// — it says what was not read.
#[tokio::test]
async fn a_rejected_row_is_shown_and_no_problems_is_not_claimed() {
    let pid = common::id("33010619900101001");
    let contributions = format!(
        "身份证号,姓名,费款所属期,缴费基数,个人缴费,单位缴费\n{pid},王芳,202401,5000,100.00,0\n{pid},王芳,202402,5000,100.00,0\n{pid},王芳,202403,5000,\"120,00\",0\n"
    );
    // The statement in a workbook with a sheet of notes beside it (skipped, and said).
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("明细").unwrap();
    for (c, h) in ["身份证号", "交易时间", "交易类型", "发生金额"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, date) in ["2024-02-05", "2024-03-05"].iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, &pid).unwrap();
        sheet.write_string(r, 1, *date).unwrap();
        sheet.write_string(r, 2, "101").unwrap();
        sheet.write_number(r, 3, 100.0).unwrap();
    }
    book.add_worksheet()
        .set_name("说明")
        .unwrap()
        .write_string(0, 0, "填表说明:请按模板填写")
        .unwrap();
    let statement = book.save_to_buffer().unwrap();
    let policy = std::fs::read("samples/policy.toml").unwrap();
    let response = serve::router(config())
        .oneshot(post(&[
            ("files", Some("contributions.csv"), contributions.as_bytes()),
            ("files", Some("statement.xlsx"), &statement),
            ("policy_file", Some("policy.toml"), &policy),
            ("as_of", None, b"2024-04-30"),
        ]))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let answer: serde_json::Value = serde_json::from_slice(&body_of(response).await).unwrap();
    let reading = &answer["reading"];
    assert_eq!(reading["rows_rejected"], 1);
    let row = &reading["rejected"][0];
    assert_eq!(row["value"], "120,00");
    assert_eq!(row["row"], "4");
    assert_eq!(reading["skipped"].as_array().unwrap().len(), 1, "{reading}");
    let explain = answer["persons"][0]["explain"].as_str().unwrap();
    assert!(!explain.contains("没有发现问题:"), "{explain}");
    assert!(explain.contains("1 行被拒绝"), "{explain}");
}

/// SPEC 2.7: a body must arrive whole within the deadline (408, not 500), and the slot a
/// stalled upload held is free again after it: a client trickling a byte now and then no
/// longer holds a slot for five minutes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_body_gets_408_and_frees_its_slot() {
    use std::io::{Read, Write};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let bound = listener.local_addr().unwrap();
    let app = serve::router(Config {
        bound,
        token: None,
        max_upload_bytes: 1 << 20,
        jobs: 1,
        wait: Duration::from_secs(30),
        body_deadline: Duration::from_secs(2),
    });
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let answer = tokio::task::spawn_blocking(move || {
        let mut s = std::net::TcpStream::connect(bound).unwrap();
        s.write_all(
            b"POST /reconcile HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 100000\r\n\r\n--x\r\n",
        )
        .unwrap();
        // A byte a second: never idle long, never whole.
        for _ in 0..4 {
            std::thread::sleep(Duration::from_millis(900));
            if s.write_all(b"a").is_err() {
                break;
            }
        }
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let mut text = String::new();
        let _ = s.read_to_string(&mut text);
        text
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    // The slot is free: a whole request is answered.
    let ok = tokio::task::spawn_blocking(move || {
        let mut s = std::net::TcpStream::connect(bound).unwrap();
        s.write_all(&common::raw_upload_request(b"not a table"))
            .unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let mut text = String::new();
        let _ = s.read_to_string(&mut text);
        text
    })
    .await
    .unwrap();
    assert!(ok.starts_with("HTTP/1.1 422"), "{ok}");
}

/// SPEC 2.7, the server's small faults: a token of spaces or one character, and an upload
/// limit that overflowed to 0, are refused before anything listens.
#[test]
fn serve_refuses_a_weak_token_and_an_impossible_limit() {
    for args in [
        vec!["serve", "--token", " "],
        vec!["serve", "--token", "x"],
        vec!["serve", "--token", "abc def ghi jkl"],
        vec!["serve", "--max-upload-mb", "17592186044416"],
        vec!["serve", "--max-upload-mb", "0"],
    ] {
        let out = common::bin().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("--token") || err.contains("--max-upload-mb"),
            "{args:?}: {err}"
        );
    }
}

/// SPEC 2.7: the upload limit bounds what a run reads — half a megabyte of XLSX can hold
/// a million rows. A workbook that unpacks past the limit gets a 413 that names it, says
/// what it unpacks to and what to do; the bytes sent were well under the limit.
#[tokio::test]
async fn a_workbook_that_unpacks_past_the_limit_gets_413_naming_it() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["身份证号", "缴费年月", "个人缴费"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for r in 1..=60_000u32 {
        sheet.write_string(r, 0, "坏").unwrap();
        sheet.write_string(r, 1, "坏").unwrap();
        sheet.write_string(r, 2, "坏").unwrap();
    }
    let xlsx = book.save_to_buffer().unwrap();
    assert!(xlsx.len() < 1 << 20, "sent: {} bytes", xlsx.len());
    let response = serve::router(config())
        .oneshot(post(&[("files", Some("明细.xlsx"), &xlsx)]))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let answer: serde_json::Value = serde_json::from_slice(&body_of(response).await).unwrap();
    let reasons = answer["reasons"].to_string();
    assert!(reasons.contains("最多读取 2 MB"), "{reasons}");
    assert!(
        reasons.contains("明细.xlsx") && reasons.contains("解压后"),
        "{reasons}"
    );
    assert!(reasons.contains("yibao-recon reconcile"), "{reasons}");
}

/// SPEC 2.7's bound on the answer: rows rejected by the thousand are counted, the page
/// shows the first 100, the answer holds 1,000, rejected.csv lists one per 64 bytes read
/// (never fewer than 1,000) and says how many it left out; a long rejected value is cut
/// to 80 characters.
#[tokio::test]
async fn thousands_of_rejected_rows_are_counted_and_listed_within_bounds() {
    let mut text = String::from("身份证号,缴费年月,个人缴费\n");
    let long = "坏".repeat(500);
    text.push_str(&format!(
        "{},202401,{long}\n",
        common::id("33010619900101001")
    ));
    for _ in 0..5000 {
        text.push_str("1\n");
    }
    let response = serve::router(config())
        .oneshot(post(&[("files", Some("c.csv"), text.as_bytes())]))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let answer: serde_json::Value = serde_json::from_slice(&body_of(response).await).unwrap();
    let reading = &answer["reading"];
    assert_eq!(reading["rows_rejected"], 5001);
    assert_eq!(reading["rejected_count"], 5001);
    assert_eq!(
        reading["rejected_listed"],
        1000,
        "{} bytes read",
        text.len()
    );
    assert_eq!(reading["rejected"].as_array().unwrap().len(), 1000);
    let value = reading["rejected"][0]["value"].as_str().unwrap();
    assert_eq!(value.chars().count(), 81, "{value}");
    assert!(value.ends_with('…'), "{value}");
    use base64::Engine as _;
    let csv = base64::engine::general_purpose::STANDARD
        .decode(answer["reports"]["rejected.csv"].as_str().unwrap())
        .unwrap();
    let rows = csv::Reader::from_reader(csv.as_slice()).records().count();
    assert_eq!(rows, 1000, "rejected.csv lists the first 1,000");
}

/// The answer lists at most 1,000 people (those with errors first) and 5,000 findings
/// (errors first), with the counts; the reports hold every one.
#[tokio::test]
async fn many_people_are_counted_and_the_answer_lists_the_first() {
    let mut text = String::from("身份证号,姓名,费款所属期,缴费基数,个人缴费,单位缴费\n");
    for p in 0..1200u32 {
        let id = common::id(&format!("33010619{:02}0101{:03}", 60 + p % 30, p % 1000));
        text.push_str(&format!("{id},某人,202401,5000,100.00,400.00\n"));
    }
    let response = serve::router(config())
        .oneshot(post(&[
            ("files", Some("c.csv"), text.as_bytes()),
            ("as_of", None, b"2024-06-30"),
        ]))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let answer: serde_json::Value = serde_json::from_slice(&body_of(response).await).unwrap();
    assert_eq!(answer["persons_count"], 1200);
    assert_eq!(answer["persons"].as_array().unwrap().len(), 1000);
    assert_eq!(answer["summary"]["persons"], 1200);
    let findings = answer["findings_count"].as_u64().unwrap();
    assert!(findings >= 1200, "{findings}");
    use base64::Engine as _;
    let csv = base64::engine::general_purpose::STANDARD
        .decode(answer["reports"]["persons.csv"].as_str().unwrap())
        .unwrap();
    let rows = csv::Reader::from_reader(csv.as_slice()).records().count();
    assert_eq!(rows, 1200, "persons.csv holds everyone");
    // Each listed person's explanation points to the statement that is missing.
    let explain = answer["persons"][0]["explain"].as_str().unwrap();
    assert!(explain.contains("没有此人的账户明细"), "{explain}");
}

/// Upload names as clients write them: RFC 5987's `filename*=UTF-8''…`, GBK bytes from an
/// old Windows client, a quote escaped, a full Windows path — each file keeps its name
/// (they were "upload-N" or "").
#[tokio::test]
async fn upload_names_in_every_form_keep_their_name() {
    let pid = common::id("33010619900101001");
    let file = format!("身份证号,发生日期,发生金额,摘要\n{pid},2024-01-05,100,划入\n");
    let mut gbk_name = b"filename=\"".to_vec();
    gbk_name.extend_from_slice(&common::gbk("账户明细"));
    gbk_name.extend_from_slice(b".csv\"");
    let cases: [(&[u8], &str); 4] = [
        (
            b"filename*=UTF-8''%E8%B4%A6%E6%88%B7%E6%98%8E%E7%BB%86.csv",
            "账户明细.csv",
        ),
        (&gbk_name, "账户明细.csv"),
        (br#"filename="say \"hi\".csv""#, r#"say "hi".csv"#),
        (
            "filename=\"C:\\Users\\hr\\账户明细.csv\"".as_bytes(),
            "账户明细.csv",
        ),
    ];
    for (disposition, expected) in cases {
        let boundary = "----yibao-names";
        let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; ")
            .into_bytes();
        body.extend_from_slice(disposition);
        body.extend_from_slice(b"\r\nContent-Type: text/csv\r\n\r\n");
        body.extend_from_slice(file.as_bytes());
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let request = Request::post("/reconcile")
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header(header::HOST, "127.0.0.1:8765")
            .body(Body::from(body))
            .unwrap();
        let response = serve::router(config()).oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{expected}");
        let answer: serde_json::Value = serde_json::from_slice(&body_of(response).await).unwrap();
        let inputs = &answer["summary"]["inputs"];
        assert_eq!(inputs[0]["path"], expected, "{inputs}");
    }
}
