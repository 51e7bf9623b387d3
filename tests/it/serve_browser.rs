//! The page in a real browser (SPEC 2.5): Debian's headless Chromium, driven over the
//! DevTools protocol (chromiumoxide), against the server on a loopback port. Choose
//! files, submit, read the findings, open a person, download the workbook; a screenshot is
//! kept as a test artifact.

use crate::common;

use std::time::{Duration, Instant};

use chromiumoxide::browser::{Browser, BrowserConfig};
use chromiumoxide::page::ScreenshotParams;
use futures::StreamExt;
use yibao_recon_serve::{self as serve, Config};

/// JavaScript that puts `files` (name, text) into the input `id`, as a drop would.
fn choose_files(id: &str, files: &[(&str, String)]) -> String {
    let items: Vec<String> = files
        .iter()
        .map(|(name, text)| {
            format!(
                "dt.items.add(new File([{}], {}));",
                serde_json::to_string(text).unwrap(),
                serde_json::to_string(name).unwrap()
            )
        })
        .collect();
    format!(
        "(() => {{ const dt = new DataTransfer(); {} document.getElementById({}).files = dt.files; return dt.files.length; }})()",
        items.join(" "),
        serde_json::to_string(id).unwrap()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_works_in_headless_chromium() {
    let Some(executable) = common::chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have chromium: .ci/run installs it"
        );
        eprintln!("chromium is not installed: the browser test is skipped");
        return;
    };
    // The server, on a loopback port of its own.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let bound = listener.local_addr().unwrap();
    let app = serve::router(Config {
        bound,
        token: None,
        max_upload_bytes: 8 << 20,
        jobs: 2,
        wait: Duration::from_secs(30),
        body_deadline: serve::BODY_DEADLINE,
    });
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let profile = tempfile::tempdir().unwrap();
    let config = BrowserConfig::builder()
        .chrome_executable(executable)
        .no_sandbox()
        .user_data_dir(profile.path())
        .window_size(1200, 1600)
        .args([
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ])
        .build()
        .unwrap();
    let (mut browser, mut handler) = Browser::launch(config).await.unwrap();
    let events = tokio::spawn(async move { while handler.next().await.is_some() {} });

    let page = browser.new_page(format!("http://{bound}/")).await.unwrap();
    page.wait_for_navigation().await.unwrap();
    let eval = |js: String| {
        let page = page.clone();
        async move {
            page.evaluate(js)
                .await
                .unwrap()
                .into_value::<serde_json::Value>()
                .unwrap()
        }
    };

    // Choose a scenario's files and the sample policy, set the date, submit.
    let dir = "samples/scenarios/16_missing_short_pending";
    let read = |p: &str| std::fs::read_to_string(p).unwrap();
    let chosen = eval(choose_files(
        "files",
        &[
            (
                "contributions.csv",
                read(&format!("{dir}/contributions.csv")),
            ),
            ("statement.csv", read(&format!("{dir}/statement.csv"))),
        ],
    ))
    .await;
    assert_eq!(chosen, 2);
    eval(choose_files(
        "policy_file",
        &[("policy.toml", read("samples/policy.toml"))],
    ))
    .await;
    eval("(() => { document.getElementById('as_of').value = '2024-07-01'; document.getElementById('lang').value = 'zh'; document.getElementById('form').requestSubmit(); return true; })()".into()).await;

    // The findings appear.
    let started = Instant::now();
    let rows = loop {
        let n = eval("document.querySelectorAll('#findings tbody tr').length".into())
            .await
            .as_u64()
            .unwrap_or(0);
        if n > 0 {
            break n;
        }
        let error = eval("document.getElementById('error').hidden ? '' : document.getElementById('error').textContent".into()).await;
        assert_eq!(error, "", "the page showed an error");
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no findings after 30 s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let cli = common::cli_findings(dir, "2024-07-01");
    assert_eq!(
        rows as usize,
        cli.len(),
        "the page shows the CLI's findings"
    );
    let table = eval("document.getElementById('findings').textContent".into()).await;
    for f in &cli {
        assert!(
            table.as_str().unwrap().contains(&f["code"]),
            "{}",
            f["code"]
        );
    }
    // One person: their answer comes first; opening them shows the explain text.
    let first = eval("document.getElementById('person-first').textContent".into()).await;
    assert!(first.as_str().unwrap().contains("为什么余额是"), "{first}");
    let opened = eval("(() => { const d = document.querySelector('#persons details'); d.open = true; return d.textContent; })()".into()).await;
    assert!(opened.as_str().unwrap().contains("余额桥"), "{opened}");
    // Download the workbook: its Blob URL holds a zip (an .xlsx).
    let magic = eval("(async () => { const a = [...document.querySelectorAll('#downloads a')].find(a => a.download === 'report.xlsx'); const b = new Uint8Array(await (await fetch(a.href)).arrayBuffer()); return b[0] * 256 + b[1]; })()".into()).await;
    assert_eq!(magic, 0x504b, "PK: a zip");
    // Nothing was loaded from anywhere but the server.
    let foreign = eval(format!(
        "performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith('http://{bound}/') && !n.startsWith('blob:'))"
    ))
    .await;
    assert_eq!(foreign, serde_json::json!([]), "resources from elsewhere");

    // A rejected row (SPEC 2.7): the page shows it above the findings, and the person's
    // answer says what was not read instead of claiming there is no problem.
    let pid = common::id("33010619900101001");
    let contributions = format!(
        "身份证号,姓名,费款所属期,缴费基数,个人缴费,单位缴费\n{pid},王芳,202401,5000,100.00,0\n{pid},王芳,202402,5000,\"120,00\",0\n"
    );
    let statement = format!("身份证号,交易时间,交易类型,发生金额\n{pid},2024-02-05,101,100\n");
    page.goto(format!("http://{bound}/")).await.unwrap();
    page.wait_for_navigation().await.unwrap();
    let chosen = eval(choose_files(
        "files",
        &[
            ("contributions.csv", contributions),
            ("statement.csv", statement),
        ],
    ))
    .await;
    assert_eq!(chosen, 2);
    eval("(() => { document.getElementById('as_of').value = '2024-04-30'; document.getElementById('lang').value = 'zh'; document.getElementById('form').requestSubmit(); return true; })()".into()).await;
    let started = Instant::now();
    let reading = loop {
        let text = eval("document.getElementById('reading').hidden ? '' : document.getElementById('reading').textContent".into()).await;
        if text.as_str().is_some_and(|t| !t.is_empty()) {
            break text.as_str().unwrap_or_default().to_string();
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no reading box after 30 s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(reading.contains("被拒绝的行 1 行"), "{reading}");
    assert!(reading.contains("120,00"), "{reading}");
    let first = eval("document.getElementById('person-first').textContent".into()).await;
    let first = first.as_str().unwrap_or_default();
    assert!(first.contains("没有读进来"), "{first}");
    assert!(!first.contains("没有发现问题:"), "{first}");

    let png = page
        .screenshot(ScreenshotParams::builder().full_page(true).build())
        .await
        .unwrap();
    let artifact = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("serve-page.png");
    std::fs::write(&artifact, &png).unwrap();
    assert!(png.len() > 10_000, "a screenshot of the answer");
    eprintln!("screenshot: {}", artifact.display());

    browser.close().await.unwrap();
    let _ = browser.wait().await;
    events.abort();
    server.abort();
}
