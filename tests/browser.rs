//! The site in a real browser: headless Chromium (Debian's package) driven by Playwright from the project venv
//! walks `demo --serve` as a new customer (search, five similar films with posters or placeholders, subscribe,
//! the confirmation from the outbox, confirm, the weekly e-mail's unsubscribe link) and as the owner (sign in,
//! dashboard, estimate, audience, programme, sign out). Screenshots are kept in
//! `<target>/tmp/browser-screenshots/`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const SECRET: &str = "a browser test secret, long enough";
const OWNER_PASSWORD: &str = "séance de 21 h, salle 2";
const CHROMIUM: &str = "/usr/bin/chromium";

/// Where the screenshots stay after the test, for people to look at (the CI keeps them as artefacts).
fn screenshots() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-screenshots")
}

#[test]
fn a_customer_and_the_owner_walk_through_the_site_in_chromium() {
    // `make test` names the project venv (where Playwright is pinned) and installs Chromium; a bare `cargo test`
    // has neither, and says so rather than failing on a missing tool.
    let Ok(python) = std::env::var("CINEPICKS_PYTHON") else {
        eprintln!("CINEPICKS_PYTHON is not set: the browser walkthrough runs under `make test`");
        return;
    };
    assert!(Path::new(CHROMIUM).exists(), "{CHROMIUM} is missing: `make test` installs Debian's chromium package");

    let dir = tempfile::tempdir().unwrap();
    let hash = cinepicks_web::owner::session::hash_password(OWNER_PASSWORD).unwrap();
    let mut server = Command::new(env!("CARGO_BIN_EXE_cinepicks"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["demo", "--scale", "0.002", "--serve"])
        .env_remove("CINEPICKS_CONFIG")
        .env("CINEPICKS__SERVE__ADDR", "127.0.0.1:0")
        .env("CINEPICKS_UNSUBSCRIBE_SECRET", SECRET)
        .env("CINEPICKS_OWNER_PASSWORD_HASH", &hash)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .expect("starting cinepicks demo --serve");
    let stdout = server.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("Serving the site on ").nth(1) {
                let _ = tx.send(rest.split_whitespace().next().unwrap_or("").to_owned());
            }
        }
    });
    let base = match rx.recv_timeout(Duration::from_secs(900)) {
        Ok(base) => base,
        Err(_) => {
            let _ = server.kill();
            panic!("demo --serve printed no URL within 15 minutes");
        }
    };

    let shots = screenshots();
    let _ = std::fs::remove_dir_all(&shots);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/walkthrough.py");
    let out = Command::new(&python)
        .arg(&script)
        .args(["--base-url", &base, "--cinepicks", env!("CARGO_BIN_EXE_cinepicks"), "--owner-password", OWNER_PASSWORD])
        .arg("--data-dir")
        .arg(dir.path())
        .arg("--screenshots")
        .arg(&shots)
        .env_remove("CINEPICKS_CONFIG")
        .env("CINEPICKS_UNSUBSCRIBE_SECRET", SECRET)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap_or_else(|e| panic!("running {} {}: {e}", python, script.display()));
    let _ = server.kill();
    let _ = server.wait();
    let report = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    println!("{report}\nscreenshots in {}", shots.display());
    assert!(out.status.success(), "the browser walkthrough failed (screenshots in {}):\n{report}", shots.display());
    assert!(report.contains("walkthrough passed: 17 steps"), "{report}");
    let taken = std::fs::read_dir(&shots)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "png"));
    assert!(taken.count() >= 13, "a screenshot per step");
}
