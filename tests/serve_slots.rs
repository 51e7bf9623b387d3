//! SPEC 2.7, the page under load, in a process of its own (the count of runs at once is
//! the process's): a run keeps its slot until it ends, and a client that goes away
//! cancels its run — `serve -j 1` under 20 aborted uploads never runs two at once (it
//! ran 20: each disconnect freed the slot while its run went on).

mod common;

use std::io::Write;
use std::time::{Duration, Instant};

use yibao_recon_serve::{self as serve, Config};

/// A contributions file of `people` × 36 months (a few MB: a run of some seconds here).
fn big_upload(people: u32) -> Vec<u8> {
    let mut text = String::from("身份证号,姓名,费款所属期,缴费基数,个人缴费,单位缴费\n");
    for p in 0..people {
        let id = common::id(&format!("33010619{:02}0101{:03}", 60 + p % 30, p % 1000));
        for m in 0..36 {
            let (y, mm) = (2022 + m / 12, m % 12 + 1);
            text.push_str(&format!("{id},某人,{y}{mm:02},5000,100.00,400.00\n"));
        }
    }
    text.into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aborted_uploads_never_run_two_at_once_under_one_slot() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let bound = listener.local_addr().unwrap();
    let app = serve::router(Config {
        bound,
        token: None,
        max_upload_bytes: 64 << 20,
        jobs: 1,
        wait: Duration::from_secs(120),
        body_deadline: serve::BODY_DEADLINE,
    });
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let req = common::raw_upload_request(&big_upload(1500));
    let started = Instant::now();
    let senders: Vec<_> = (0..20)
        .map(|_| {
            let req = req.clone();
            std::thread::spawn(move || {
                let mut s = std::net::TcpStream::connect(bound).unwrap();
                s.write_all(&req).unwrap();
                // Gone before the answer, while its run goes on: the page closed.
                std::thread::sleep(Duration::from_millis(700));
                drop(s);
            })
        })
        .collect();
    for s in senders {
        s.join().unwrap();
    }
    // Wait until every run has ended (each is cancelled at its next stage).
    loop {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let (running, _) = serve::run::runs_at_once();
        if running == 0 && started.elapsed() > Duration::from_secs(2) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "runs never ended"
        );
    }
    let (_, peak) = serve::run::runs_at_once();
    assert_eq!(peak, 1, "runs at once under -j 1");
}
