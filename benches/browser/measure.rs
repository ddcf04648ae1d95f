//! The measurements (native only: they drive a browser).

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::harness::{Browser, Driver, Relay, add_device_on_card, check_in_at_kiosk, set_up_business};
use anyhow::{Context, Result};
use serde_json::json;

/// Records, in the page, when the app first drew, when today's board first showed a visitor, each
/// tap on the kiosk's confirm button, and each committed IndexedDB write.
const OBSERVER: &str = r#"
(() => {
  const fd = window.__fd = { app: null, board: null, taps: [], saves: [], ahead: [], tab: null, list: null };
  const check = () => {
    if (fd.app === null && document.body && document.body.children.length > 0) fd.app = performance.now();
    if (fd.board === null && document.querySelector('.visit-card')) fd.board = performance.now();
    if (fd.tab !== null && fd.list === null && document.querySelector('.client-list .row')) fd.list = performance.now();
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
  document.addEventListener('click', (e) => {
    const button = e.target.closest && e.target.closest('button');
    if (button && button.textContent.trim() === 'Confirm check-in') fd.taps.push(performance.now());
    if (button && button.textContent.trim().startsWith('Patients')) { fd.tab = performance.now(); fd.list = null; }
  }, true);
  // A kiosk's check-in is saved first by writing it ahead to localStorage (synchronous).
  const setItem = Storage.prototype.setItem;
  Storage.prototype.setItem = function (key, value) {
    const result = setItem.call(this, key, value);
    if (String(key).startsWith('frontdesk.kiosk.spill.')) fd.ahead.push(performance.now());
    return result;
  };
  const open = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (...args) {
    const tx = open.apply(this, args);
    if (args[1] === 'readwrite') {
      const begun = performance.now();
      tx.addEventListener('complete', () => fd.saves.push([begun, performance.now()]));
    }
    return tx;
  };
})();
"#;

struct Options {
    days: Vec<u32>,
    /// Stretches measured a second time with the business encrypted (issue 19).
    sealed_days: Vec<u32>,
    check_ins: usize,
    cold_starts: usize,
}

fn parse() -> Result<Options> {
    let mut o = Options { days: vec![30, 365, 1095], sealed_days: vec![365], check_ins: 300, cold_starts: 5 };
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().context("missing value");
        match arg.as_str() {
            "--days" => o.days = value()?.split(',').map(str::parse).collect::<Result<_, _>>()?,
            "--sealed-days" => {
                let v = value()?;
                o.sealed_days =
                    if v.is_empty() { Vec::new() } else { v.split(',').map(str::parse).collect::<Result<_, _>>()? };
            }
            "--check-ins" => o.check_ins = value()?.parse()?,
            "--cold-starts" => o.cold_starts = value()?.parse()?,
            other => {
                anyhow::bail!(
                    "unknown option {other}; options: --days 30,365,1095 --sealed-days 365 --check-ins 300 --cold-starts 5"
                )
            }
        }
    }
    Ok(o)
}

fn figure(key: &str, value: f64) {
    println!("figure {key} {value:.3}");
}

fn seed_bin() -> PathBuf {
    std::env::var("FRONTDESK_SEED_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/release/seed"))
}

fn pct(samples: &mut [f64], p: f64) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[((samples.len() - 1) as f64 * p).round() as usize]
}

async fn page(browser: &Browser, script: &str) -> Result<serde_json::Value> {
    Ok(browser.client.execute(script, vec![]).await?)
}

/// The seeded business's time zone (`frontdesk_bench::seed`'s profile): its board shows the date
/// there, which near midnight is not this machine's.
const BUSINESS_ZONE: &str = "Europe/Madrid";

/// Today's date in the business's zone, as the browser's time zone data has it.
async fn business_today(browser: &Browser) -> Result<chrono::NaiveDate> {
    let script =
        format!("return new Intl.DateTimeFormat('en-CA', {{ timeZone: '{BUSINESS_ZONE}' }}).format(new Date())");
    let v = page(browser, &script).await?;
    let date = v.as_str().with_context(|| format!("the business's date: {v}"))?;
    date.parse().with_context(|| format!("the business's date: {date}"))
}

/// The wasm instance's linear memory, in bytes (the bindings Trunk leaves on `window`).
async fn wasm_memory(browser: &Browser) -> Result<f64> {
    let v = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             window.wasmBindings.default().then((w) => done(w.memory.buffer.byteLength), () => done(-1));",
            vec![],
        )
        .await?;
    let bytes = v.as_f64().context("memory size")?;
    anyhow::ensure!(bytes > 0.0, "could not read the wasm memory");
    Ok(bytes)
}

/// What the page received over the network for its code and style (wasm, JS, CSS; the service
/// worker's own script and what it fetched for itself left out), compressed as it came: Resource
/// Timing's `encodedBodySize`, read on a device's first visit — in KB, what had arrived when the
/// app first drew (what it waited for to start), and all it received (the desk then loads the
/// parts of its background duties).
async fn first_download_kb(browser: &Browser) -> Result<(f64, f64)> {
    let v = page(
        browser,
        "const fd = window.__fd;
        const until = fd && fd.app !== null ? fd.app : Infinity;
        const code = performance.getEntriesByType('resource')
            .filter(e => /\\.(wasm|js|css)$/.test(new URL(e.name).pathname) && !e.name.endsWith('/sw.js'));
        const sum = (es) => es.reduce((s, e) => s + e.encodedBodySize, 0);
        return [sum(code.filter(e => e.responseEnd <= until)), sum(code)];",
    )
    .await?;
    let (before, all) = match v.as_array().map(|a| (a[0].as_f64(), a[1].as_f64())) {
        Some((Some(before), Some(all))) => (before, all),
        _ => anyhow::bail!("the page's byte counts: {v}"),
    };
    anyhow::ensure!(before > 0.0, "the page reports nothing downloaded before the app drew");
    Ok((before / 1024.0, all / 1024.0))
}

/// A recovery kit drawn from the operating system's random source (the sealed seed's keys are
/// sealed to it; the bench's manager tablet restores them with it).
fn fresh_kit() -> String {
    frontdesk_core::keys::kit_secret(|n| {
        let mut b = [0u8; 8];
        getrandom::fill(&mut b).expect("a random source");
        (u64::from_le_bytes(b) % n as u64) as usize
    })
}

/// The link a staff tablet opens in an encrypted business: a manager's tablet, paired from the
/// command line, restores the keys with the recovery kit and makes the tablet's code and key
/// check on its Devices card, as an office would. Returns the manager's tablet (kept open until
/// it has handed the tablet its keys) and the link.
async fn sealed_desk_link(driver: &Driver, relay: &Relay, kit: &str, label: &str) -> Result<(Browser, String)> {
    let slow = Duration::from_secs(120);
    let office = relay.add_device("manager", "Bench office")?;
    let manager = driver.browser(1280, 800).await?;
    manager.goto(&relay.setup_link("desk", &office)).await?;
    manager.wait_for_text("has not got its keys yet", slow).await?;
    manager.open_tab("Business").await?;
    manager.type_into("Recovery kit", kit).await?;
    manager.click_button("Restore with the recovery kit").await?;
    manager.wait_for_text("Keys restored", slow).await?;
    manager.wait_until_synced(slow).await?;
    eprintln!("[{label}] the manager's tablet restored the keys with the kit");
    let (code, check) = add_device_on_card(&manager, "Staff tablet", "Bench tablet").await?;
    Ok((manager, relay.url(&format!("/desk#code={code}{check}"))))
}

async fn desk(days: u32, o: &Options, sealed: bool) -> Result<()> {
    let label = match days {
        30 => "1 month".to_owned(),
        365 => "1 year".to_owned(),
        1095 => "3 years".to_owned(),
        d => format!("{d} days"),
    } + if sealed { " sealed" } else { "" };
    let driver = Driver::start_in_zone(None)?;
    let desk = driver.browser(1280, 800).await?;
    let today = business_today(&desk).await?;
    let mut relay = Relay::start()?;
    relay.kill();
    let started = Instant::now();
    let kit = fresh_kit();
    let mut seed = Command::new(seed_bin());
    // Nobody has a PIN: once a manager's tablet has run (the encrypted business's does), the
    // business's tablets would lock, and the bench measures the board, not the lock screen.
    seed.args(["--business", "medical", "--no-pins", "--days", &days.to_string(), "--today", &today.to_string()])
        .arg("--data")
        .arg(relay.data.path());
    if sealed {
        seed.arg("--sealed").env("FRONTDESK_SEED_KIT", &kit);
    }
    let out = seed.output().with_context(|| format!("running {}", seed_bin().display()))?;
    anyhow::ensure!(out.status.success(), "seed failed: {}", String::from_utf8_lossy(&out.stderr));
    eprintln!("[{label}] seeded in {:.0?}: {}", started.elapsed(), String::from_utf8_lossy(&out.stdout).trim());
    relay.restart()?;

    let (manager, link) = if sealed {
        let (manager, link) = sealed_desk_link(&driver, &relay, &kit, &label).await?;
        (Some(manager), link)
    } else {
        (None, relay.setup_link("desk", &relay.add_device("staff", "Bench tablet")?))
    };
    desk.devtools("Page.enable", json!({})).await?;
    desk.devtools("Page.addScriptToEvaluateOnNewDocument", json!({ "source": OBSERVER })).await?;
    let first = Instant::now();
    desk.goto(&link).await?;
    desk.wait_for("//*[contains(@class, 'visit-card')]", Duration::from_secs(120)).await?;
    desk.wait_until_synced(Duration::from_secs(120)).await?;
    let first_sync = first.elapsed().as_secs_f64() * 1000.0;
    if let Some(manager) = manager {
        manager.wait_for_text("“Bench tablet” has its keys.", Duration::from_secs(60)).await?;
        manager.close().await?;
        anyhow::ensure!(
            !desk.text().await?.contains("has not got its keys yet"),
            "[{label}] the tablet showed the board but holds no keys"
        );
    }
    let (downloaded, visit) = first_download_kb(&desk).await?;
    if !sealed {
        println!(
            "desk: its first visit downloaded {downloaded:.0} KB of wasm, JS and CSS before the app drew, {visit:.0} KB by the time it had synced"
        );
        figure("browser.desk.first_download_kb", downloaded);
        figure("browser.desk.first_visit_kb", visit);
    }
    // Let the documents it follows arrive and be stored before measuring starts from storage.
    tokio::time::sleep(Duration::from_secs(5)).await;

    let mut cold = Vec::new();
    let mut after_wasm = Vec::new();
    for _ in 0..o.cold_starts {
        desk.goto(&relay.url("/desk")).await?;
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let v = page(
                &desk,
                "return window.__fd && window.__fd.board !== null ? [window.__fd.app, window.__fd.board] : null",
            )
            .await?;
            if let Some([app, board]) = v.as_array().map(|a| [a[0].as_f64(), a[1].as_f64()]) {
                let (app, board) = (app.context("app time")?, board.context("board time")?);
                cold.push(board);
                after_wasm.push(board - app);
                break;
            }
            if Instant::now() >= deadline {
                desk.screenshot("bench-no-board").await?;
                anyhow::bail!(
                    "[{label}] the board did not show after a reload; the screen shows:\n{}\n{}",
                    desk.text().await.unwrap_or_default(),
                    desk.console_errors().await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    // What the tablet holds once someone has looked through the day: the board, the clients list.
    let memory_board = wasm_memory(&desk).await?;
    // Open the patients list: tap → the list drawn (every patient read, the first hundred shown).
    desk.click_button("Patients").await?;
    let deadline = Instant::now() + Duration::from_secs(60);
    let clients_tab = loop {
        let v = page(&desk, "return window.__fd.list !== null ? window.__fd.list - window.__fd.tab : null").await?;
        if let Some(ms) = v.as_f64() {
            break ms;
        }
        anyhow::ensure!(Instant::now() < deadline, "[{label}] the patients list did not show");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    tokio::time::sleep(Duration::from_secs(2)).await;
    let memory = wasm_memory(&desk).await?.max(memory_board);
    let (cold_p50, after_p50) = (pct(&mut cold, 0.5), pct(&mut after_wasm, 0.5));
    let (cold_max, after_max) = (pct(&mut cold, 1.0), pct(&mut after_wasm, 1.0));
    println!(
        "desk, {label}, of a medical office: first sync {first_sync:.0} ms; cold start to today's board p50 {cold_p50:.0} ms (max {cold_max:.0}), after the wasm started p50 {after_p50:.0} ms (max {after_max:.0}); patients list {clients_tab:.0} ms; wasm memory {:.1} MB",
        memory / 1_048_576.0
    );
    figure(&format!("browser.{}.clients_tab_ms", label.replace(' ', "_")), clients_tab);
    let key = label.replace(' ', "_");
    figure(&format!("browser.{key}.first_sync_ms"), first_sync);
    figure(&format!("browser.{key}.cold_start_ms"), cold_p50);
    figure(&format!("browser.{key}.cold_start_max_ms"), cold_max);
    figure(&format!("browser.{key}.board_after_wasm_ms"), after_p50);
    figure(&format!("browser.{key}.board_after_wasm_max_ms"), after_max);
    figure(&format!("browser.{key}.wasm_memory_mb"), memory / 1_048_576.0);
    desk.close().await?;
    Ok(())
}

/// The kiosk's check-ins: in a business paired from the command line (encryption off), or —
/// `sealed` — in one whose first manager's tablet turned encryption on by itself at its first
/// run and paired the kiosk from its Devices card with the key check (every check-in then sealed
/// to the staff's inbox key before it is sent).
async fn kiosk(o: &Options, sealed: bool) -> Result<()> {
    let relay = Relay::start()?;
    let driver = Driver::start_in_zone(None)?;
    let soon = Duration::from_secs(30);
    let (manager, link) = if sealed {
        let office = relay.add_device("manager", "Bench office")?;
        let manager = driver.browser(1280, 800).await?;
        manager.goto(&relay.setup_link("desk", &office)).await?;
        manager.wait_for_text("End-to-end encryption is on", soon).await?;
        set_up_business(&manager, "Bench clinic", "Medical office", &[]).await?;
        let (code, check) = add_device_on_card(&manager, "Lobby kiosk", "Bench kiosk").await?;
        (Some(manager), relay.url(&format!("/kiosk#code={code}{check}")))
    } else {
        (None, relay.setup_link("kiosk", &relay.add_device("kiosk", "Bench kiosk")?))
    };
    let key = if sealed { "kiosk_sealed" } else { "kiosk" };
    let kiosk = driver.browser(1920, 1080).await?;
    kiosk.devtools("Page.enable", json!({})).await?;
    kiosk.devtools("Page.addScriptToEvaluateOnNewDocument", json!({ "source": OBSERVER })).await?;
    kiosk.goto(&link).await?;
    kiosk.wait_for_text("Online", soon).await?;
    if let Some(manager) = manager {
        manager.wait_for_text("“Bench kiosk” has its keys.", soon).await?;
        manager.close().await?;
    } else {
        let (downloaded, _) = first_download_kb(&kiosk).await?;
        println!("kiosk: its first visit downloaded {downloaded:.0} KB of wasm, JS and CSS");
        figure("browser.kiosk.first_download_kb", downloaded);
    }
    for n in 0..o.check_ins {
        check_in_at_kiosk(&kiosk, &format!("Visitor {n}"), "I'd like a service", None).await?;
    }
    let v = page(&kiosk, "return [window.__fd.taps, window.__fd.saves, window.__fd.ahead]").await?;
    let taps: Vec<f64> = v[0].as_array().map(|a| a.iter().filter_map(|x| x.as_f64()).collect()).unwrap_or_default();
    let ahead: Vec<f64> = v[2].as_array().map(|a| a.iter().filter_map(|x| x.as_f64()).collect()).unwrap_or_default();
    let saves: Vec<(f64, f64)> = v[1]
        .as_array()
        .map(|a| a.iter().filter_map(|x| Some((x[0].as_f64()?, x[1].as_f64()?))).collect())
        .unwrap_or_default();
    anyhow::ensure!(taps.len() == o.check_ins, "saw {} taps for {} check-ins", taps.len(), o.check_ins);
    // For each tap: the check-in written ahead to localStorage (saved: a crashed tab keeps it),
    // and the first IndexedDB write committed after it (the outbox's durable save).
    let (mut saved, mut durable, mut commit) = (Vec::new(), Vec::new(), Vec::new());
    for tap in &taps {
        let written =
            ahead.iter().copied().find(|at| at >= tap).context("a tap with nothing written ahead after it")?;
        saved.push(written - tap);
        let (begun, done) =
            saves.iter().copied().find(|(_, done)| done >= tap).context("a tap with no save after it")?;
        durable.push(done - tap);
        commit.push(done - begun.max(*tap));
    }
    let mut slowest: Vec<(usize, f64)> = saved.iter().copied().enumerate().collect();
    slowest.sort_by(|a, b| b.1.total_cmp(&a.1));
    println!(
        "kiosk: the first check-ins took {:?} ms to be written ahead; the slowest (check-in, ms): {:?}",
        saved.iter().take(5).map(|v| (v * 10.0).round() / 10.0).collect::<Vec<_>>(),
        slowest.iter().take(5).map(|(i, v)| (i + 1, (v * 10.0).round() / 10.0)).collect::<Vec<_>>()
    );
    let (p50, p99) = (pct(&mut saved, 0.5), pct(&mut saved, 0.99));
    let (durable50, durable99) = (pct(&mut durable, 0.5), pct(&mut durable, 0.99));
    let commit99 = pct(&mut commit, 0.99);
    println!(
        "{key}, {} check-ins: tap on Confirm → written ahead (saved; a crashed tab keeps it): p50 {p50:.2} ms, p99 {p99:.2} ms; \
         → committed to IndexedDB (durable if the power goes): p50 {durable50:.1} ms, p99 {durable99:.1} ms (the commit itself p99 {commit99:.1} ms)",
        o.check_ins
    );
    figure(&format!("browser.{key}.tap_to_saved_p50_ms"), p50);
    figure(&format!("browser.{key}.tap_to_saved_p99_ms"), p99);
    figure(&format!("browser.{key}.tap_to_durable_p99_ms"), durable99);
    figure(&format!("browser.{key}.commit_p99_ms"), commit99);
    if sealed {
        // Every check-in went out sealed: once the relay's files hold a check-in sealed to the
        // inbox key (the header's magic, kind 3 — a drop —, scope 4 — the inbox) for each one,
        // none of the visitors' names is in them.
        let relay_files = || -> Result<Vec<u8>> {
            let mut files = Vec::new();
            for entry in std::fs::read_dir(relay.data.path())? {
                let path = entry?.path();
                if path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("relay.sqlite3")) {
                    files.extend(std::fs::read(&path)?);
                }
            }
            Ok(files)
        };
        let drop_header = [0xFD, 0x5E, 0xA1, 0x01, 3, 4];
        let deadline = Instant::now() + Duration::from_secs(60);
        let files = loop {
            let files = relay_files()?;
            let sealed_drops = files.windows(drop_header.len()).filter(|w| *w == drop_header).count();
            if sealed_drops >= o.check_ins {
                break files;
            }
            anyhow::ensure!(
                Instant::now() < deadline,
                "the relay holds {sealed_drops} sealed check-ins of {} after a minute",
                o.check_ins
            );
            tokio::time::sleep(Duration::from_millis(500)).await;
        };
        anyhow::ensure!(
            !files.windows(b"Visitor 1".len()).any(|w| w == b"Visitor 1"),
            "a visitor's name is in the relay's files of an encrypted business"
        );
        kiosk.close().await?;
        return Ok(());
    }
    // The time clock's PIN check with 30 people listed: the PIN derived under each one's salt,
    // `pin::ITERATIONS` rounds of PBKDF2 each, all at once in WebCrypto — what `webcrypto.js`
    // runs for it (`run` kind 6); matching the tags after is microseconds.
    let mut pin_ms = Vec::new();
    for _ in 0..10 {
        let took =
            kiosk.client.execute_async(PIN_CHECK, vec![json!(30), json!(frontdesk_core::pin::ITERATIONS)]).await?;
        pin_ms.push(took.as_f64().context("a PIN check's time")?);
    }
    let (pin50, pin_max) = (pct(&mut pin_ms, 0.5), pct(&mut pin_ms, 1.0));
    println!("kiosk: a PIN checked against 30 people's salts (10 runs): p50 {pin50:.0} ms, max {pin_max:.0} ms");
    figure("browser.kiosk.pin_30_p50_ms", pin50);
    figure("browser.kiosk.pin_30_max_ms", pin_max);
    kiosk.close().await?;
    Ok(())
}

/// One PIN derived under `arguments[0]` salts with `arguments[1]` rounds, all at once, as the
/// kiosk's time clock does; answers the milliseconds it took.
const PIN_CHECK: &str = r#"
    const [people, rounds, done] = arguments;
    const enc = new TextEncoder();
    const salts = Array.from({ length: people }, (_, i) => enc.encode(String(i).padStart(32, "7")));
    const start = performance.now();
    Promise.all(salts.map(async (salt) => {
        const key = await crypto.subtle.importKey("raw", enc.encode("48291375"), "PBKDF2", false, ["deriveBits"]);
        return crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations: rounds }, key, 256);
    })).then(() => done(performance.now() - start), (e) => done("error: " + e));
"#;

pub async fn run() -> Result<()> {
    let o = parse()?;
    kiosk(&o, false).await?;
    kiosk(&o, true).await?;
    for &days in &o.days {
        desk(days, &o, false).await?;
        if o.sealed_days.contains(&days) {
            desk(days, &o, true).await?;
        }
    }
    Ok(())
}
