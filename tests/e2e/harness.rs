//! The end-to-end bench: a real relay process, a real chromedriver and headless Chromium,
//! and a browser driven the way a person uses it (click what is labelled, read what is shown).

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// The relay binary: `FRONTDESK_RELAY_BIN`, or the one `cargo xtask test` built.
fn relay_bin() -> PathBuf {
    if let Ok(path) = std::env::var("FRONTDESK_RELAY_BIN") {
        return path.into();
    }
    let root = repo_root();
    for profile in ["release", "debug"] {
        let path = root.join("target").join(profile).join("frontdesk-relay");
        if path.exists() {
            return path;
        }
    }
    panic!("no relay binary: run the end-to-end tests through `cargo xtask test`")
}

/// The built app: `FRONTDESK_DIST`, or `dist/`.
fn dist_dir() -> PathBuf {
    let dist = std::env::var("FRONTDESK_DIST").map(PathBuf::from).unwrap_or_else(|_| repo_root().join("dist"));
    assert!(dist.join("index.html").exists(), "no built app in {}: run `cargo xtask test`", dist.display());
    dist
}

/// WebDriver key codes.
pub const TAB: &str = "\u{E004}";
pub const ENTER: &str = "\u{E007}";
pub const SPACE: &str = "\u{E00D}";
pub const ARROW_DOWN: &str = "\u{E015}";

fn key_name(c: char) -> String {
    match c {
        '\u{E004}' => "Tab".into(),
        '\u{E007}' => "Enter".into(),
        '\u{E00D}' => "Space".into(),
        '\u{E015}' => "ArrowDown".into(),
        c => c.to_string(),
    }
}

/// The element with the keyboard focus, as [`Browser::focused`] reads it.
#[derive(Debug, Clone)]
pub struct Focused {
    pub tag: String,
    pub role: String,
    pub kind: String,
    pub checked: String,
    pub text: String,
}

/// A one-time pairing code the relay made for a device (`frontdesk-relay pair`).
pub struct Pairing {
    pub code: String,
}

/// A relay process on its own port and data folder.
pub struct Relay {
    child: Option<Child>,
    pub port: u16,
    pub data: tempfile::TempDir,
    /// More `serve` arguments (limits), used by every (re)start.
    pub args: Vec<String>,
}

impl Relay {
    pub fn start() -> Result<Relay> {
        Relay::start_with(&[])
    }

    /// A relay started with more `serve` arguments (`--max-docs-per-device 0`).
    pub fn start_with(args: &[&str]) -> Result<Relay> {
        let args = args.iter().map(|a| (*a).to_owned()).collect();
        let mut relay = Relay { child: None, port: free_port(), data: tempfile::tempdir()?, args };
        relay.restart()?;
        Ok(relay)
    }

    /// Starts the relay again on the same port and data (after `kill` or `stop`).
    pub fn restart(&mut self) -> Result<()> {
        let log = std::fs::OpenOptions::new().create(true).append(true).open(self.data.path().join("relay.log"))?;
        let child = Command::new(relay_bin())
            .args(["serve", "--addr", &format!("127.0.0.1:{}", self.port), "--data"])
            .arg(self.data.path())
            .arg("--dist")
            .arg(dist_dir())
            .args(&self.args)
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .context("starting the relay")?;
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        bail!("the relay did not start listening: {}", self.log())
    }

    /// SIGKILL: no chance to flush anything.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// A pairing code for a device with `role` and `name`, as an operator makes one.
    pub fn add_device(&self, role: &str, name: &str) -> Result<Pairing> {
        let out = Command::new(relay_bin())
            .args(["pair", "--role", role, "--name", name, "--business", "Frontdesk test", "--data"])
            .arg(self.data.path())
            .output()?;
        anyhow::ensure!(out.status.success(), "pair failed: {}", String::from_utf8_lossy(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)?;
        Ok(Pairing { code: v["code"].as_str().context("code")?.to_owned() })
    }

    /// A pairing code that works for `seconds` only.
    pub fn add_device_for(&self, role: &str, name: &str, seconds: u32) -> Result<Pairing> {
        let out = self.cli(&["pair", "--role", role, "--name", name, "--valid-for", &seconds.to_string()])?;
        let v: serde_json::Value = serde_json::from_str(&out)?;
        Ok(Pairing { code: v["code"].as_str().context("code")?.to_owned() })
    }

    /// Runs the relay's command line on this relay's data (`device list`, `device revoke ID`);
    /// returns what it printed.
    pub fn cli(&self, args: &[&str]) -> Result<String> {
        let out = Command::new(relay_bin()).args(args).arg("--data").arg(self.data.path()).output()?;
        anyhow::ensure!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        Ok(String::from_utf8(out.stdout)?)
    }

    /// The id of the device the relay knows by `name`.
    pub fn device_id(&self, name: &str) -> Result<String> {
        let list = self.cli(&["device", "list"])?;
        list.lines()
            .map(|l| l.split('\t').collect::<Vec<_>>())
            .find(|cols| cols.get(2) == Some(&name))
            .map(|cols| cols[0].to_owned())
            .with_context(|| format!("no device named {name} in {list}"))
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The pairing link that pairs the browser that opens it, on `page`.
    pub fn setup_link(&self, page: &str, device: &Pairing) -> String {
        self.url(&format!("/{page}#code={}", device.code))
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.data.path().join("relay.log")).unwrap_or_default()
    }

    pub fn integrity_check(&self) -> Result<()> {
        let out = Command::new(relay_bin()).args(["check", "--data"]).arg(self.data.path()).output()?;
        anyhow::ensure!(out.status.success(), "integrity check failed: {}", String::from_utf8_lossy(&out.stderr));
        Ok(())
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A chromedriver in its own process group, so everything it started dies with it.
pub struct Driver {
    child: Child,
    port: u16,
    profiles: tempfile::TempDir,
}

impl Driver {
    /// A driver whose browsers live in time zone `zone` (an IANA name, through `TZ`).
    pub fn start_in_zone(zone: Option<&str>) -> Result<Driver> {
        use std::os::unix::process::CommandExt;
        let port = free_port();
        let bin = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let mut command = Command::new(&bin);
        if let Some(zone) = zone {
            command.env("TZ", zone);
        }
        if let Ok(log) = std::env::var("E2E_DRIVER_LOG") {
            command.arg(format!("--log-path={log}")).arg("--verbose");
        }
        let child = command
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .with_context(|| format!("starting {bin} (install chromium-driver)"))?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            anyhow::ensure!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(Driver { child, port, profiles: tempfile::tempdir()? })
    }

    /// A fresh browser (its own profile: storage, service worker, cache) at the given size.
    pub async fn browser(&self, width: u32, height: u32) -> Result<Browser> {
        let profile = tempfile::tempdir_in(self.profiles.path())?.keep();
        let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let caps = json!({
            "goog:loggingPrefs": { "browser": "ALL" },
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--no-first-run",
                    "--disable-sync", "--disable-quic", "--hide-scrollbars", "--lang=en-US",
                    "--force-prefers-reduced-motion",
                    format!("--window-size={width},{height}"),
                    format!("--user-data-dir={}", profile.display()),
                ]
            }
        });
        let serde_json::Value::Object(caps) = caps else { unreachable!() };
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .context("opening a browser session")?;
        Ok(Browser { client })
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Kill the whole group: chromedriver and every Chromium it started.
        let _ = Command::new("kill").args(["-s", "KILL", "--", &format!("-{}", self.child.id())]).status();
        let _ = self.child.wait();
    }
}

/// A Chrome DevTools command sent through chromedriver (`goog/cdp/execute`), for what no person
/// can do from the page: crash the renderer, shrink the storage quota.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/goog/cdp/execute", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "cmd": self.cmd, "params": self.params }).to_string()))
    }
}

/// The page's console messages since the last call (chromedriver's `se/log`).
#[derive(Debug)]
struct ConsoleLog;

impl fantoccini::wd::WebDriverCompatibleCommand for ConsoleLog {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/se/log", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "type": "browser" }).to_string()))
    }
}

/// One browser window, used as a person would.
pub struct Browser {
    pub client: Client,
}

/// Logs a step, so a failing run shows how far it got.
pub fn step(what: &str) {
    use std::sync::OnceLock;
    static START: OnceLock<Instant> = OnceLock::new();
    let start = START.get_or_init(Instant::now);
    eprintln!("[e2e {:>7.2}s] {what}", start.elapsed().as_secs_f64());
}

fn literal(text: &str) -> String {
    if text.contains('\'') { format!("\"{text}\"") } else { format!("'{text}'") }
}

impl Browser {
    pub async fn goto(&self, url: &str) -> Result<()> {
        self.client.goto(url).await?;
        Ok(())
    }

    /// Everything the page shows, as text.
    pub async fn text(&self) -> Result<String> {
        Ok(self.client.find(Locator::Css("body")).await?.text().await?)
    }

    /// Waits until `text` is on the screen; returns how long it took.
    pub async fn wait_for_text(&self, text: &str, timeout: Duration) -> Result<Duration> {
        step(&format!("wait for text {text:?}"));
        self.wait_until(timeout, &format!("text {text:?}"), |body| body.contains(text)).await
    }

    pub async fn wait_until(&self, timeout: Duration, what: &str, ready: impl Fn(&str) -> bool) -> Result<Duration> {
        let start = Instant::now();
        loop {
            let body = self.text().await.unwrap_or_default();
            if ready(&body) {
                return Ok(start.elapsed());
            }
            if start.elapsed() > timeout {
                bail!("waited {timeout:?} for {what}; the screen shows:\n{body}\n{}", self.console_errors().await);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Starts recording, in the page, the wall-clock time (`Date.now()`, shared by every browser
    /// on this machine) at which each of `texts` first shows. WebDriver's polling is not in the
    /// figure. See [`Browser::seen_at`].
    pub async fn watch_for_text(&self, texts: &[&str]) -> Result<()> {
        self.client.execute(&watch_script(texts), vec![]).await?;
        Ok(())
    }

    /// The same, for the next page this browser loads (from its very start).
    pub async fn watch_on_next_load(&self, texts: &[&str]) -> Result<()> {
        self.devtools("Page.addScriptToEvaluateOnNewDocument", json!({ "source": watch_script(texts) })).await?;
        Ok(())
    }

    /// When `text` first showed (`Date.now()` in the page), waiting up to `timeout` for it — also
    /// when the app has reloaded the page since.
    pub async fn seen_at(&self, text: &str, timeout: Duration) -> Result<f64> {
        let start = Instant::now();
        loop {
            // A page the app reloaded since the watch began has lost its own record: the tab keeps it.
            let script = format!("{SEEN_BEFORE} return (window.__seenAt || seenBefore())[arguments[0]] ?? null");
            let at = self.client.execute(&script, vec![json!(text)]).await?;
            if let Some(at) = at.as_f64() {
                return Ok(at);
            }
            if start.elapsed() > timeout {
                bail!(
                    "{text:?} did not show within {timeout:?}; the screen shows:\n{}",
                    self.text().await.unwrap_or_default()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The page's wall clock, `Date.now()`.
    pub async fn now_ms(&self) -> Result<f64> {
        let now = self.client.execute("return Date.now()", vec![]).await?;
        now.as_f64().context("Date.now() is a number")
    }

    /// Moves the page's wall clock `ms` ahead (as if that much time had passed with nobody
    /// touching the screen): `Date.now()` reads later from now on, for the app too.
    pub async fn shift_clock(&self, ms: i64) -> Result<()> {
        let script = r#"
            window.__clockShift = (window.__clockShift || 0) + arguments[0];
            if (!window.__realNow) {
                window.__realNow = Date.now.bind(Date);
                Date.now = () => window.__realNow() + window.__clockShift;
            }
        "#;
        self.client.execute(script, vec![json!(ms)]).await?;
        Ok(())
    }

    /// What the field labelled `label` holds.
    pub async fn field_value(&self, label: &str) -> Result<String> {
        let input = self.wait_for(&field_xpath(label), Duration::from_secs(5)).await?;
        Ok(input.prop("value").await?.unwrap_or_default())
    }

    /// Waits until the device is online with nothing waiting to sync.
    pub async fn wait_until_synced(&self, timeout: Duration) -> Result<Duration> {
        self.wait_until(timeout, "online with nothing waiting to sync", |t| {
            t.contains("Online") && !t.contains("waiting to sync")
        })
        .await
    }

    /// Waits for an element matching an XPath expression.
    pub async fn wait_for(&self, xpath: &str, timeout: Duration) -> Result<fantoccini::elements::Element> {
        let start = Instant::now();
        loop {
            if let Ok(element) = self.client.find(Locator::XPath(xpath)).await {
                return Ok(element);
            }
            if start.elapsed() > timeout {
                let body = self.text().await.unwrap_or_default();
                bail!("no element {xpath} after {timeout:?}; the screen shows:\n{body}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Clicks an element as a person would: brought to the middle of the screen first, so the
    /// sticky top bar never covers it.
    pub async fn click_el(&self, element: fantoccini::elements::Element) -> Result<()> {
        let arg = serde_json::to_value(&element)?;
        self.client.execute("arguments[0].scrollIntoView({block: 'center', inline: 'nearest'});", vec![arg]).await?;
        element.click().await?;
        Ok(())
    }

    /// Finds and clicks what `xpath` matches; if the page re-rendered it between the two (a
    /// stale element), finds it again.
    pub async fn click_xpath(&self, xpath: &str) -> Result<()> {
        let mut attempts = 0;
        loop {
            let element = self.wait_for(xpath, Duration::from_secs(5)).await?;
            match self.click_el(element).await {
                Err(e) if attempts < 3 && format!("{e:#}").contains("stale element") => attempts += 1,
                other => return other,
            }
        }
    }

    /// Clicks the button whose visible label is (or contains a line that is) `label`.
    pub async fn click_button(&self, label: &str) -> Result<()> {
        step(&format!("click {label:?}"));
        let l = literal(label);
        let xpath = format!("//button[not(@disabled)][normalize-space(.)={l} or .//*[normalize-space(.)={l}]]");
        self.click_xpath(&xpath).await.with_context(|| format!("clicking {label:?}"))?;
        Ok(())
    }

    /// Clicks the button `label` inside the card that shows `name`.
    pub async fn click_in_card(&self, name: &str, label: &str) -> Result<()> {
        step(&format!("click {label:?} for {name:?}"));
        let xpath =
            format!("//li[.//*[normalize-space(.)={}]]//button[normalize-space(.)={}]", literal(name), literal(label));
        self.click_xpath(&xpath).await?;
        Ok(())
    }

    /// The labels of the desk's tabs, in order.
    pub async fn tab_labels(&self) -> Result<Vec<String>> {
        let script = "return [...document.querySelectorAll('nav.tabs .tab > span:first-child')].map(s => s.innerText)";
        Ok(serde_json::from_value(self.client.execute(script, vec![]).await?)?)
    }

    /// Opens the desk's tab `label` and waits until it is the one shown.
    pub async fn open_tab(&self, label: &str) -> Result<()> {
        self.click_button(label).await?;
        let shown = format!("//button[@aria-pressed='true'][.//span[normalize-space(.)={}]]", literal(label));
        self.wait_for(&shown, Duration::from_secs(10)).await?;
        Ok(())
    }

    /// Types into the field labelled `label`.
    pub async fn type_into(&self, label: &str, text: &str) -> Result<()> {
        let input = self.wait_for(&field_xpath(label), Duration::from_secs(5)).await?;
        input.send_keys(text).await?;
        Ok(())
    }

    /// Types into the field whose `aria-label` is `label` (a search box).
    pub async fn type_into_labelled(&self, label: &str, text: &str) -> Result<()> {
        let xpath = format!("//input[@aria-label={}]", literal(label));
        self.wait_for(&xpath, Duration::from_secs(5)).await?.send_keys(text).await?;
        Ok(())
    }

    /// Chooses `option` in the drop-down labelled `label`.
    pub async fn select_option(&self, label: &str, option: &str) -> Result<()> {
        step(&format!("choose {option:?} in {label:?}"));
        let xpath = format!(
            "//label[.//*[normalize-space(.)={}]]//select/option[normalize-space(.)={}]",
            literal(label),
            literal(option)
        );
        self.click_xpath(&xpath).await?;
        Ok(())
    }

    /// Clicks the button labelled (by text or `aria-label`) `label` inside the region (a section
    /// or dialog) named `region` and holding the text `containing`.
    pub async fn click_in_region(&self, containing: &str, label: &str) -> Result<()> {
        step(&format!("click {label:?} next to {containing:?}"));
        let (c, l) = (literal(containing), literal(label));
        let xpath = format!(
            "//div[contains(@class,'conflict__side')][.//*[normalize-space(.)={c}]]//button[normalize-space(.)={l}]"
        );
        self.click_xpath(&xpath).await?;
        Ok(())
    }

    /// Ticks (or unticks) the checkbox whose label reads `label`.
    pub async fn click_labelled_checkbox(&self, label: &str) -> Result<()> {
        step(&format!("tick {label:?}"));
        let xpath = format!("//label[.//*[normalize-space(.)={}]]//input[@type='checkbox']", literal(label));
        self.click_xpath(&xpath).await?;
        Ok(())
    }

    /// Clicks the button `label` in the list row that shows `name`.
    pub async fn click_in_row(&self, name: &str, label: &str) -> Result<()> {
        step(&format!("click {label:?} in the row of {name:?}"));
        let xpath = format!(
            "//li[contains(@class,'row')][.//*[normalize-space(.)={}]]//button[normalize-space(.)={}]",
            literal(name),
            literal(label)
        );
        self.click_xpath(&xpath).await?;
        Ok(())
    }

    /// Clicks the element with `aria-label` `label`.
    pub async fn click_labelled(&self, label: &str) -> Result<()> {
        step(&format!("click [{label}]"));
        let xpath = format!("//*[@aria-label={}]", literal(label));
        self.click_xpath(&xpath).await?;
        Ok(())
    }

    /// The names shown in the board column titled `column`.
    pub async fn names_in(&self, column: &str) -> Result<Vec<String>> {
        let xpath = format!("//section[@aria-label={}]//*[contains(@class,'visit-card__name')]", literal(column));
        // Read in one go in the page: the board may re-render between two WebDriver calls.
        let script = r#"
            const r = document.evaluate(arguments[0], document, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
            const names = [];
            for (let i = 0; i < r.snapshotLength; i++) names.push(r.snapshotItem(i).innerText.trim());
            return names;
        "#;
        let names = self.client.execute(script, vec![json!(xpath)]).await?;
        Ok(names.as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_owned)).collect())
    }

    /// Waits until the column shows exactly `expected` names (in any order).
    pub async fn wait_for_column(&self, column: &str, expected: &[&str], timeout: Duration) -> Result<Duration> {
        step(&format!("wait for {expected:?} in {column:?}"));
        let start = Instant::now();
        let mut want: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
        want.sort();
        loop {
            let mut names = self.names_in(column).await.unwrap_or_default();
            names.sort();
            if names == want {
                return Ok(start.elapsed());
            }
            if start.elapsed() > timeout {
                bail!("column {column:?} shows {names:?}, expected {want:?}; screen:\n{}", self.text().await?);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the service worker controls the page (the app would start offline).
    pub async fn wait_for_offline_ready(&self) -> Result<()> {
        let start = Instant::now();
        loop {
            let ready = self
                .client
                .execute("return !!navigator.serviceWorker.controller && caches.keys().then(k => k.length > 0)", vec![])
                .await?;
            if ready.as_bool() == Some(true) {
                return Ok(());
            }
            anyhow::ensure!(start.elapsed() < Duration::from_secs(15), "the service worker never took control");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// How many records an IndexedDB object store of this page's origin holds.
    pub async fn stored_records(&self, database: &str, store: &str) -> Result<u64> {
        let script = r#"
            const [database, store, done] = arguments;
            const open = indexedDB.open(database);
            open.onerror = () => done(-1);
            open.onsuccess = () => {
                const db = open.result;
                if (!db.objectStoreNames.contains(store)) { db.close(); done(0); return; }
                const count = db.transaction(store).objectStore(store).count();
                count.onsuccess = () => { db.close(); done(count.result); };
                count.onerror = () => { db.close(); done(-1); };
            };
        "#;
        let count = self.client.execute_async(script, vec![json!(database), json!(store)]).await?;
        count.as_u64().with_context(|| format!("could not count {database}/{store}: {count}"))
    }

    /// The names of the documents an IndexedDB database of this page's origin holds.
    pub async fn stored_doc_names(&self, database: &str) -> Result<Vec<String>> {
        let script = r#"
            const [database, done] = arguments;
            const open = indexedDB.open(database);
            open.onerror = () => done(null);
            open.onsuccess = () => {
                const db = open.result;
                if (!db.objectStoreNames.contains("docs")) { db.close(); done([]); return; }
                const keys = db.transaction("docs").objectStore("docs").getAllKeys();
                keys.onsuccess = () => { db.close(); done(keys.result.map(String)); };
                keys.onerror = () => { db.close(); done(null); };
            };
        "#;
        let names = self.client.execute_async(script, vec![json!(database)]).await?;
        let names = names.as_array().with_context(|| format!("could not list {database}'s documents"))?;
        Ok(names.iter().filter_map(|n| n.as_str().map(str::to_owned)).collect())
    }

    /// Sets every page this browser loads from now on to a wall clock `days` days away (negative:
    /// the past), `Date.now()` and `new Date()` alike. Returns what [`Browser::real_clock`] takes
    /// to put the real clock back for the next load.
    pub async fn clock_days_away(&self, days: i64) -> Result<String> {
        self.clock_off_by(days * 86_400_000).await
    }

    /// [`Browser::clock_days_away`], by `ms` milliseconds (a tablet whose clock is wrong).
    pub async fn clock_off_by(&self, ms: i64) -> Result<String> {
        let source = format!(
            "(() => {{ const shift = {}; const Real = Date; \
             class Shifted extends Real {{ constructor(...a) {{ if (a.length) super(...a); else super(Real.now() + shift); }} \
             static now() {{ return Real.now() + shift; }} }} \
             window.Date = Shifted; }})();",
            ms
        );
        let added = self.devtools("Page.addScriptToEvaluateOnNewDocument", json!({ "source": source })).await?;
        Ok(added["identifier"].as_str().context("an identifier for the clock script")?.to_owned())
    }

    /// Pages loaded from now on have the real clock again.
    pub async fn real_clock(&self, script: &str) -> Result<()> {
        self.devtools("Page.removeScriptToEvaluateOnNewDocument", json!({ "identifier": script })).await.map(drop)
    }

    /// Errors and warnings the page logged (a panic's message among them), for failure reports.
    pub async fn console_errors(&self) -> String {
        let Ok(entries) = self.client.issue_cmd(ConsoleLog).await else { return String::new() };
        let lines: Vec<String> = entries
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| {
                e["level"] == "SEVERE" || (e["level"] == "WARNING" && !e["message"].to_string().contains("integrity"))
            })
            .map(|e| format!("console {}: {}", e["level"].as_str().unwrap_or("?"), e["message"].as_str().unwrap_or("")))
            .collect();
        if lines.is_empty() { String::new() } else { format!("the page logged:\n{}", lines.join("\n")) }
    }

    /// Every place a browser could keep what a visitor typed, searched for `needle`: the page,
    /// the address and history, local and session storage, every IndexedDB record (as bytes)
    /// and every cached response. Returns where it was found (empty: nowhere).
    pub async fn traces_of(&self, needle: &str) -> Result<Vec<String>> {
        let script = r#"
            const [needle, done] = arguments;
            (async () => {
                const found = [];
                if (document.documentElement.outerHTML.includes(needle)) found.push("DOM");
                if (location.href.includes(needle) || JSON.stringify(history.state ?? null).includes(needle)) found.push("history");
                for (const [name, store] of [["localStorage", localStorage], ["sessionStorage", sessionStorage]]) {
                    for (let i = 0; i < store.length; i++) {
                        const key = store.key(i);
                        if (key.includes(needle) || (store.getItem(key) ?? "").includes(needle)) found.push(name + ":" + key);
                    }
                }
                const bytes = new TextEncoder().encode(needle);
                const contains = (value) => {
                    let data = null;
                    if (value instanceof ArrayBuffer) data = new Uint8Array(value);
                    else if (ArrayBuffer.isView(value)) data = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
                    if (data) {
                        outer: for (let i = 0; i + bytes.length <= data.length; i++) {
                            for (let j = 0; j < bytes.length; j++) if (data[i + j] !== bytes[j]) continue outer;
                            return true;
                        }
                        return false;
                    }
                    if (typeof value === "string") return value.includes(needle);
                    if (value && typeof value === "object") return Object.values(value).some(contains);
                    return false;
                };
                for (const info of await indexedDB.databases()) {
                    const db = await new Promise((ok, fail) => { const r = indexedDB.open(info.name); r.onsuccess = () => ok(r.result); r.onerror = fail; });
                    for (const storeName of db.objectStoreNames) {
                        const all = await new Promise((ok) => { const r = db.transaction(storeName).objectStore(storeName).getAll(); r.onsuccess = () => ok(r.result); });
                        if (all.some(contains)) found.push("IndexedDB:" + info.name + "/" + storeName);
                    }
                    db.close();
                }
                for (const cacheName of await caches.keys()) {
                    const cache = await caches.open(cacheName);
                    for (const request of await cache.keys()) {
                        const text = await (await cache.match(request)).text();
                        if (request.url.includes(needle) || text.includes(needle)) found.push("cache:" + request.url);
                    }
                }
                return found;
            })().then(done, (e) => done(["error: " + e]));
        "#;
        let found = self.client.execute_async(script, vec![json!(needle)]).await?;
        Ok(found.as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_owned)).collect())
    }

    /// Runs a DevTools command on this browser's page.
    pub async fn devtools(&self, cmd: &'static str, params: serde_json::Value) -> Result<serde_json::Value> {
        Ok(self.client.issue_cmd(Cdp { cmd, params }).await?)
    }

    /// What has the keyboard focus: its tag, role, type, `aria-checked`, and its text (an
    /// input's label instead).
    pub async fn focused(&self) -> Result<Focused> {
        let script = r#"
            const e = document.activeElement;
            const label = e.labels && e.labels.length ? e.labels[0].innerText : "";
            return {
                tag: e.tagName.toLowerCase(),
                role: e.getAttribute("role") || "",
                kind: e.getAttribute("type") || "",
                checked: e.getAttribute("aria-checked") || (e.type === "checkbox" ? String(e.checked) : ""),
                text: (label || e.innerText || "").trim(),
            };
        "#;
        let v = self.client.execute(script, vec![]).await?;
        let field = |k: &str| v[k].as_str().unwrap_or_default().to_owned();
        Ok(Focused {
            tag: field("tag"),
            role: field("role"),
            kind: field("kind"),
            checked: field("checked"),
            text: field("text"),
        })
    }

    /// Presses keys on whatever has the focus, as a keyboard does (WebDriver key codes for
    /// Tab, Enter, arrows…).
    pub async fn press(&self, keys: &str) -> Result<()> {
        step(&format!("press {:?}", keys.chars().map(key_name).collect::<Vec<_>>().join(" ")));
        self.client.active_element().await?.send_keys(keys).await?;
        Ok(())
    }

    /// Presses Tab until `pred` holds for the focused element (at most `max` times).
    pub async fn tab_to(&self, what: &str, max: usize, pred: impl Fn(&Focused) -> bool) -> Result<Focused> {
        for _ in 0..=max {
            let now = self.focused().await?;
            if pred(&now) {
                return Ok(now);
            }
            self.press(TAB).await?;
        }
        bail!("{what} not reached with {max} presses of Tab; focus is on {:?}", self.focused().await?)
    }

    /// Leaves this site no room: its quota shrinks to one byte, and this returns once a write
    /// is refused. Chromium grants IndexedDB space from an allowance it checked earlier, which
    /// decays over 30 s (`BucketContext::kBucketSpaceCacheTimeLimit`), so the new quota bites
    /// only when that has run out; a probe database is written until it does.
    pub async fn fill_storage(&self, origin: &str) -> Result<()> {
        self.devtools("Storage.overrideQuotaForOrigin", json!({ "origin": origin, "quotaSize": 1 })).await?;
        let probe = r#"
            const done = arguments[0];
            const r = indexedDB.open("quota-probe");
            r.onupgradeneeded = () => r.result.createObjectStore("probe");
            r.onerror = () => done(r.error && r.error.name === "QuotaExceededError");
            r.onsuccess = () => {
                const db = r.result;
                const tx = db.transaction("probe", "readwrite");
                tx.objectStore("probe").put(new Uint8Array(1024), "k");
                tx.oncomplete = () => { db.close(); done(false); };
                tx.onabort = () => { db.close(); done(tx.error && tx.error.name === "QuotaExceededError"); };
            };
        "#;
        let deadline = Instant::now() + Duration::from_secs(45);
        while self.client.execute_async(probe, vec![]).await? != json!(true) {
            anyhow::ensure!(
                Instant::now() < deadline,
                "the browser still accepted writes 45 s after its quota was set to 1 byte"
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        Ok(())
    }

    /// Crashes the page's renderer process (as an out-of-memory kill or a GPU fault would), then
    /// does what a person does: opens the app again in another tab of the same browser.
    pub async fn crash_and_reopen(&self, url: &str) -> Result<()> {
        // The spare tab is opened first: once a tab has crashed, chromedriver cannot open another.
        let spare = self.client.new_window(true).await.context("opening a spare tab")?;
        // The command gets no answer: the page it would answer from is gone.
        let _ = tokio::time::timeout(Duration::from_secs(3), self.devtools("Page.crash", json!({}))).await;
        self.client.switch_to_window(spare.handle).await?;
        self.goto(url).await
    }

    /// Keeps a picture of the screen as `target/screenshots/<name>.png`, and checks the same
    /// screen with axe-core: a serious or critical WCAG 2.1 A/AA failure on any screen a test
    /// shows fails that test (with `FRONTDESK_AXE_REPORT` set, they are printed instead).
    pub async fn screenshot(&self, name: &str) -> Result<()> {
        let dir = repo_root().join("target").join("screenshots");
        std::fs::create_dir_all(&dir)?;
        let png = self.client.screenshot().await?;
        std::fs::write(dir.join(format!("{name}.png")), png)?;
        let found = self.axe_findings().await?;
        if std::env::var_os("FRONTDESK_AXE_REPORT").is_some() {
            for finding in &found {
                println!("AXE {name}: {finding}");
            }
        } else {
            anyhow::ensure!(
                found.is_empty(),
                "axe-core: {} serious or critical failures on {name}:\n{}",
                found.len(),
                found.join("\n")
            );
        }
        Ok(())
    }

    /// The serious and critical WCAG 2.1 A/AA failures axe-core finds on the page now, one line
    /// each (running animations are finished first, so a card fading in is judged as it ends).
    pub async fn axe_findings(&self) -> Result<Vec<String>> {
        if self.client.execute("return typeof window.axe", vec![]).await? != "object" {
            let source = axe_source()?;
            self.client.execute(&format!("{source}\n;window.axe = window.axe || axe;"), vec![]).await?;
        }
        let found = self.client.execute_async(AXE_RUN, vec![]).await?;
        Ok(serde_json::from_value(found)?)
    }

    /// Prints the page to a PDF (as the browser's print dialog would, with the print styles),
    /// keeps it beside the screenshots as `name.pdf`, and returns the text a reader sees in it.
    pub async fn print_to_pdf(&self, name: &str) -> Result<String> {
        step(&format!("print to {name}.pdf"));
        let pdf = self.client.print(fantoccini::wd::PrintConfiguration::default()).await?;
        let dir = repo_root().join("target").join("screenshots");
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(format!("{name}.pdf")), &pdf)?;
        pdf_extract::extract_text_from_mem(&pdf).map_err(|e| anyhow!("reading the printed PDF: {e}"))
    }

    /// Replaces what the field labelled `label` holds with `text`.
    pub async fn retype(&self, label: &str, text: &str) -> Result<()> {
        let l = literal(label);
        let xpath = format!("//label[.//*[normalize-space(.)={l}]]//*[self::input or self::textarea]");
        let input = self.wait_for(&xpath, Duration::from_secs(5)).await?;
        let held = input.prop("value").await?.unwrap_or_default();
        input.send_keys(&format!("{}{text}", "\u{E003}".repeat(held.chars().count()))).await?;
        Ok(())
    }

    /// Replaces what the field with `aria-label` `label` holds (a search box) with `text`.
    pub async fn retype_labelled(&self, label: &str, text: &str) -> Result<()> {
        let xpath = format!("//input[@aria-label={}]", literal(label));
        let input = self.wait_for(&xpath, Duration::from_secs(5)).await?;
        let held = input.prop("value").await?.unwrap_or_default();
        input.send_keys(&format!("{}{text}", "\u{E003}".repeat(held.chars().count()))).await?;
        Ok(())
    }

    /// Types `hh:mm` into the (first) time field on the screen, and Enter.
    pub async fn type_into_time(&self, hh_mm: &str) -> Result<()> {
        let input = self.wait_for("//input[contains(@class,'field__input--time')]", Duration::from_secs(5)).await?;
        input.send_keys(&format!("{hh_mm}{ENTER}")).await?;
        Ok(())
    }

    pub async fn close(self) -> Result<()> {
        self.client.close().await.map_err(|e| anyhow!("closing the browser: {e}"))
    }
}

/// A relay with a kiosk and some desks, each set up from its link and online.
pub struct Lobby {
    pub relay: Relay,
    pub driver: Driver,
    pub kiosk: Browser,
    pub desks: Vec<Browser>,
    next_desk: usize,
}

impl Lobby {
    /// Starts a relay and opens the kiosk (1920×1080) and one desk per size given.
    pub async fn open(desk_sizes: &[(u32, u32)]) -> Result<Lobby> {
        Lobby::open_in_zone(desk_sizes, None).await
    }

    /// Like [`Lobby::open`], with every browser in a time zone where it is now around midday, so
    /// a test can book today during opening hours whenever it runs. Returns the lobby and the
    /// offset from UTC (hours) its browsers live at.
    pub async fn open_at_midday(desk_sizes: &[(u32, u32)]) -> Result<(Lobby, i32)> {
        use chrono::Timelike;
        let utc_hour = chrono::Utc::now().hour() as i32;
        let offset = 12 - utc_hour; // -11 ..= 12
        // Etc/GMT zones count the other way: Etc/GMT-3 is three hours ahead of UTC.
        let zone = if offset >= 0 { format!("Etc/GMT-{offset}") } else { format!("Etc/GMT+{}", -offset) };
        Ok((Lobby::open_in_zone(desk_sizes, Some(&zone)).await?, offset))
    }

    pub async fn open_in_zone(desk_sizes: &[(u32, u32)], zone: Option<&str>) -> Result<Lobby> {
        let relay = Relay::start()?;
        let driver = Driver::start_in_zone(zone)?;
        let kiosk_device = relay.add_device("kiosk", "Lobby kiosk")?;
        let kiosk = driver.browser(1920, 1080).await?;
        kiosk.goto(&relay.setup_link("kiosk", &kiosk_device)).await?;
        let mut lobby = Lobby { relay, driver, kiosk, desks: Vec::new(), next_desk: 1 };
        for &(width, height) in desk_sizes {
            let desk = lobby.open_desk(width, height).await?;
            lobby.desks.push(desk);
        }
        lobby.kiosk.wait_for_text("Online", Duration::from_secs(10)).await?;
        Ok(lobby)
    }

    /// Sets up one more staff tablet and waits until it is online.
    pub async fn open_desk(&mut self, width: u32, height: u32) -> Result<Browser> {
        self.open_desk_as("staff", width, height).await
    }

    /// Sets up one more tablet with `role` (`staff` or `manager`) and waits until it is online.
    pub async fn open_desk_as(&mut self, role: &str, width: u32, height: u32) -> Result<Browser> {
        let device = self.relay.add_device(role, &format!("Desk {}", self.next_desk))?;
        self.next_desk += 1;
        let desk = self.driver.browser(width, height).await?;
        desk.goto(&self.relay.setup_link("desk", &device)).await?;
        desk.wait_for_text("Online", Duration::from_secs(10)).await?;
        Ok(desk)
    }

    pub async fn close(self) -> Result<()> {
        self.kiosk.close().await?;
        for desk in self.desks {
            desk.close().await?;
        }
        Ok(())
    }
}

/// Walks a visitor through the kiosk; returns the queue number it showed.
pub async fn check_in_at_kiosk(kiosk: &Browser, name: &str, reason: &str, shots: Option<&str>) -> Result<String> {
    let (ticket, _) = check_in_at_kiosk_timed(kiosk, name, reason, shots).await?;
    Ok(ticket)
}

/// [`check_in_at_kiosk`], also returning the kiosk's `Date.now()` just before "Confirm check-in"
/// was tapped.
pub async fn check_in_at_kiosk_timed(
    kiosk: &Browser,
    name: &str,
    reason: &str,
    shots: Option<&str>,
) -> Result<(String, f64)> {
    let (ticket, confirmed_at) = confirm_at_kiosk(kiosk, name, reason, shots).await?;
    kiosk.click_button("Done").await?;
    kiosk.wait_for_text("Welcome", Duration::from_secs(5)).await?;
    Ok((ticket, confirmed_at))
}

/// Walks a visitor through the kiosk up to the thanks screen (not tapping Done); returns the
/// queue number and the kiosk's `Date.now()` just before "Confirm check-in" was tapped.
pub async fn confirm_at_kiosk(kiosk: &Browser, name: &str, reason: &str, shots: Option<&str>) -> Result<(String, f64)> {
    kiosk.click_button("Check in").await?;
    kiosk.type_into("What is your name?", name).await?;
    if let Some(prefix) = shots {
        kiosk.screenshot(&format!("{prefix}-2-name")).await?;
    }
    kiosk.click_button("Next").await?;
    kiosk.click_button(reason).await?;
    if let Some(prefix) = shots {
        kiosk.screenshot(&format!("{prefix}-3-reason")).await?;
    }
    kiosk.click_button("Next").await?;
    if reason == "I have an appointment" {
        // No code at hand: checking in without finding the booking.
        kiosk.click_button("Continue without").await?;
    }
    kiosk.wait_for_text("Is this right?", Duration::from_secs(5)).await?;
    if let Some(prefix) = shots {
        kiosk.screenshot(&format!("{prefix}-4-confirm")).await?;
    }
    kiosk.click_labelled_checkbox("I accept").await?;
    let confirmed_at = kiosk.now_ms().await?;
    kiosk.click_button("Confirm check-in").await?;
    let ticket = kiosk.wait_for("//p[@class='ticket']", Duration::from_secs(5)).await?.text().await?;
    if let Some(prefix) = shots {
        kiosk.screenshot(&format!("{prefix}-5-thanks")).await?;
    }
    Ok((ticket, confirmed_at))
}

/// The text field labelled `label` (by `for`, or by wrapping it).
fn field_xpath(label: &str) -> String {
    let l = literal(label);
    format!(
        "//input[@id=//label[normalize-space(.)={l}]/@for] | //label[.//*[normalize-space(.)={l}]]//*[self::input or self::textarea]"
    )
}

/// What the last watch recorded, for a page the app has reloaded since (the tab keeps it in its
/// sessionStorage; a new watch starts afresh, as it always did).
const SEEN_BEFORE: &str =
    "function seenBefore() { return JSON.parse(sessionStorage.getItem(\"__seenAt\") || \"{}\"); }";

/// A script that records in `window.__seenAt` when each of `texts` first shows in the page.
fn watch_script(texts: &[&str]) -> String {
    let texts = serde_json::to_string(texts).unwrap_or_default();
    format!(
        r#"(() => {{
            const texts = {texts};
            window.__seenAt = window.__seenAt || {{}};
            const check = () => {{
                const shown = document.body ? document.body.textContent : "";
                for (const t of texts) {{
                    if (!(t in window.__seenAt) && shown.includes(t)) {{
                        window.__seenAt[t] = Date.now();
                        sessionStorage.setItem("__seenAt", JSON.stringify(window.__seenAt));
                    }}
                }}
            }};
            check();
            new MutationObserver(check).observe(document, {{ subtree: true, childList: true, characterData: true }});
        }})();"#
    )
}

/// Gives `who` an hourly rate of 20 and the PIN `pin` in Payroll, on a manager's desk.
pub async fn give_a_pin(manager: &Browser, who: &str, pin: &str) -> Result<()> {
    let soon = Duration::from_secs(10);
    manager.click_button("Payroll").await?;
    manager.wait_for_text("Pay rates and PINs", soon).await?;
    manager.click_in_row(who, "Edit").await?;
    manager.type_into("Hourly rate", "20").await?;
    manager.type_into("New PIN (empty keeps it)", pin).await?;
    manager.click_button("Save").await?;
    // The form closes once the PIN is derived, found to be nobody else's and saved.
    manager.wait_until(soon, "the pay rate saved", |t| !t.contains("New PIN (empty keeps it)")).await?;
    manager.wait_for_text("PIN set", soon).await?;
    Ok(())
}

/// Devices → Add a device on a manager's tablet whose Devices card is on screen: what it is and
/// its name. Returns the code the card shows and the key check beside it (typed after the code;
/// the pairing link carries both).
pub async fn add_device_on_card(manager: &Browser, kind: &str, name: &str) -> Result<(String, String)> {
    manager.click_button("Add a device").await?;
    manager.select_option("What it is", kind).await?;
    manager.type_into("Its name", name).await?;
    manager.click_button("Make a pairing code").await?;
    let start = Instant::now();
    let code = loop {
        if let Ok(el) = manager.client.find(Locator::Css(".pairing-code__code")).await
            && let Some(code) = el.attr("aria-label").await?
        {
            break code;
        }
        anyhow::ensure!(start.elapsed() < Duration::from_secs(10), "no pairing code shown:\n{}", manager.text().await?);
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let check = manager.client.find(Locator::Css(".pairing-code__check")).await?;
    Ok((code, check.attr("aria-label").await?.unwrap_or_default()))
}

/// A manager's first run: the business `name` of `kind` (as the drop-down says it), in English,
/// and the members of `staff`. Returns once the last is listed.
pub async fn set_up_business(manager: &Browser, name: &str, kind: &str, staff: &[&str]) -> Result<()> {
    let soon = Duration::from_secs(10);
    manager.wait_for_text("Set up your business", soon).await?;
    manager.type_into("Business name", name).await?;
    manager.select_option("Kind of business", kind).await?;
    manager.select_option("Language", "English").await?;
    manager.click_button("Save profile").await?;
    manager.wait_for_text("Saved", soon).await?;
    for member in staff {
        manager.click_button("Add staff member").await?;
        manager.type_into("Full name", member).await?;
        manager.click_button("Save staff member").await?;
        manager.wait_for_text(member, soon).await?;
    }
    Ok(())
}

/// axe-core's script (installed by `cargo xtask` into `.tools/npm`), read once.
fn axe_source() -> Result<&'static str> {
    static SOURCE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if let Some(source) = SOURCE.get() {
        return Ok(source);
    }
    let path = repo_root().join(".tools/npm/node_modules/axe-core/axe.min.js");
    let source = std::fs::read_to_string(&path)
        .with_context(|| format!("axe-core is missing at {} (`cargo xtask test` installs it)", path.display()))?;
    Ok(SOURCE.get_or_init(|| source))
}

/// Runs axe on the page; answers its serious and critical violations, one line each.
const AXE_RUN: &str = r#"
    const done = arguments[arguments.length - 1];
    document.getAnimations().forEach(a => { try { a.finish(); } catch (e) {} });
    const rules = { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] };
    window.axe.run(document, { runOnly: rules, resultTypes: ['violations'] }).then(
        r => done(r.violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => `${v.id} (${v.impact}): ` + v.nodes.slice(0, 4).map(n =>
                n.target.join(' ') + ' — ' + (n.failureSummary || '').replace(/\s+/g, ' ')).join(' | '))),
        e => done(['axe could not run: ' + e]));
"#;

/// `browser`'s stored copy of the document `name` (its IndexedDB, kiosk's or desk's), if any.
pub async fn stored_doc(browser: &Browser, name: &str) -> Result<Option<automerge::Automerge>> {
    let script = r#"
        const [name, done] = arguments;
        const dbs = ["frontdesk-kiosk", "frontdesk-desk"];
        const next = (i) => {
            if (i === dbs.length) return done(null);
            const open = indexedDB.open(dbs[i]);
            open.onerror = () => next(i + 1);
            // Only the app makes its databases: a name it never opened is left alone.
            open.onupgradeneeded = () => open.transaction.abort();
            open.onsuccess = () => {
                const db = open.result;
                if (!db.objectStoreNames.contains("docs")) { db.close(); return next(i + 1); }
                const get = db.transaction("docs").objectStore("docs").get(name);
                get.onsuccess = () => {
                    db.close();
                    const bytes = get.result && get.result.bytes;
                    bytes ? done(Array.from(bytes)) : next(i + 1);
                };
                get.onerror = () => { db.close(); next(i + 1); };
            };
        };
        next(0);
    "#;
    let held = browser.client.execute_async(script, vec![json!(name)]).await?;
    let bytes: Vec<u8> = serde_json::from_value(held).unwrap_or_default();
    Ok(automerge::Automerge::load(&bytes).ok())
}

/// Waits until `browser`'s stored copy of the document `name` satisfies `ready`.
pub async fn wait_for_doc(
    browser: &Browser,
    name: &str,
    what: &str,
    ready: impl Fn(&automerge::Automerge) -> bool,
) -> Result<automerge::Automerge> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(doc) = stored_doc(browser, name).await?.filter(|d| ready(d)) {
            return Ok(doc);
        }
        if Instant::now() > deadline {
            bail!("waited 15 s for {what} in this device's copy of `{name}`");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The PINs listed in `browser`'s copy of the kiosk document (salt and 10-bit tag of each:
/// `frontdesk_core::pin`), once it lists `people`.
pub async fn listed_pins(browser: &Browser, people: usize) -> Result<Vec<frontdesk_core::pin::Listed>> {
    let doc = wait_for_doc(browser, "kiosk", &format!("{people} PINs listed"), |d| {
        frontdesk_core::pin::list(d).len() == people
    })
    .await?;
    Ok(frontdesk_core::pin::list(&doc))
}

/// An eight-digit PIN, from `from` on, that nobody listed in `browser`'s copy of the kiosk
/// document has — one whose 10-bit tag matches no listed person's (`frontdesk_core::pin`) —
/// once the copy lists `people`. A test's wrong PIN: any other passes the clock's offline check
/// about once in a thousand tries per person, by design, and the test would fail by chance.
pub async fn a_wrong_pin(browser: &Browser, people: usize, from: u32) -> Result<String> {
    let listed = listed_pins(browser, people).await?;
    let derive = |pin: &str, salt: &str| {
        frontdesk_core::crypto::native::derive(
            &frontdesk_core::pin::password(pin),
            salt.as_bytes(),
            frontdesk_core::pin::ITERATIONS,
        )
    };
    (from..)
        .map(|n| format!("{:08}", n % 100_000_000))
        .find(|pin| listed.iter().all(|l| frontdesk_core::pin::tag(&derive(pin, &l.salt)) != l.tag))
        .ok_or_else(|| anyhow!("no wrong PIN"))
}

/// An eight-digit PIN from `from` on, other than `not`, whose tag under `listed`'s salt is
/// `listed`'s tag: a wrong PIN that passes a clock's offline check for that person. About a
/// thousand derivations, so they run in `browser`'s WebCrypto, many at once.
pub async fn a_pin_passing_for(
    browser: &Browser,
    listed: &frontdesk_core::pin::Listed,
    from: u32,
    not: &str,
) -> Result<String> {
    let script = r#"
        const [salt, tag, from, not, rounds, done] = arguments;
        const enc = new TextEncoder();
        const tagOf = async (pin) => {
            const key = await crypto.subtle.importKey("raw", enc.encode(pin), "PBKDF2", false, ["deriveBits"]);
            const h = new Uint8Array(await crypto.subtle.deriveBits(
                { name: "PBKDF2", hash: "SHA-256", salt: enc.encode(salt), iterations: rounds }, key, 256));
            const d = new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array([...enc.encode("pin tag\0"), ...h])));
            return ((d[0] << 8) | d[1]) >> 6;
        };
        (async () => {
            for (let n = from; n < from + 100000; n += 64) {
                const pins = Array.from({ length: 64 }, (_, i) => String(n + i).padStart(8, "0")).filter((p) => p !== not);
                const tags = await Promise.all(pins.map(tagOf));
                const i = tags.findIndex((t) => t === tag);
                if (i >= 0) return done(pins[i]);
            }
            done(null);
        })().catch((e) => done("error: " + e));
    "#;
    let args =
        vec![json!(listed.salt), json!(listed.tag), json!(from), json!(not), json!(frontdesk_core::pin::ITERATIONS)];
    let long = fantoccini::wd::TimeoutConfiguration::new(Some(Duration::from_secs(240)), None, None);
    browser.client.update_timeouts(long).await?;
    let found = browser.client.execute_async(script, args).await;
    let usual = fantoccini::wd::TimeoutConfiguration::new(Some(Duration::from_secs(30)), None, None);
    browser.client.update_timeouts(usual).await?;
    let found = found?;
    match found.as_str() {
        Some(pin) if !pin.starts_with("error") => Ok(pin.to_owned()),
        _ => bail!("no PIN passing for {}: {found}", listed.who),
    }
}

/// A door between one tablet and the relay that can be shut: the tablet loads the app and syncs
/// through it, so shutting it is that tablet losing the network while the others keep theirs
/// (Chromium's offline emulation does not stop WebSockets).
pub struct Door {
    pub port: u16,
    open: Arc<AtomicBool>,
    through: Arc<Mutex<Vec<tokio::task::AbortHandle>>>,
}

/// A relay with a [`Door`] in front of it, which its pages may come through (an allowed origin):
/// the tablet that will lose the network pairs and syncs through the door, the others directly.
pub async fn relay_behind_door() -> Result<(Relay, Door)> {
    let mut relay = Relay::start()?;
    let door = Door::to(relay.port).await?;
    relay.args = vec!["--allow-origin".into(), door.url("")];
    relay.kill();
    relay.restart()?;
    Ok((relay, door))
}

/// A manager's tablet "Office" of `size`, paired directly, that has set up Clínica Sol, a
/// medical office with Dra. Ruiz.
pub async fn clinic_manager(relay: &Relay, driver: &Driver, size: (u32, u32)) -> Result<Browser> {
    let office = relay.add_device("manager", "Office")?;
    let manager = driver.browser(size.0, size.1).await?;
    manager.goto(&relay.setup_link("desk", &office)).await?;
    manager.wait_for_text("Online", Duration::from_secs(10)).await?;
    set_up_business(&manager, "Clínica Sol", "Medical office", &["Dra. Ruiz"]).await?;
    Ok(manager)
}

impl Door {
    pub async fn to(relay_port: u16) -> Result<Door> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let door = Door {
            port: listener.local_addr()?.port(),
            open: Arc::new(AtomicBool::new(true)),
            through: Arc::new(Mutex::new(Vec::new())),
        };
        let (open, through) = (door.open.clone(), door.through.clone());
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !open.load(Ordering::SeqCst) {
                    continue; // dropped: refused
                }
                let task = tokio::spawn(async move {
                    if let Ok(mut relay) = tokio::net::TcpStream::connect(("127.0.0.1", relay_port)).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut relay).await;
                    }
                });
                through.lock().unwrap_or_else(|e| e.into_inner()).push(task.abort_handle());
            }
        });
        Ok(door)
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Cuts every connection through it, and refuses new ones until opened again.
    pub fn shut(&self) {
        self.open.store(false, Ordering::SeqCst);
        for task in self.through.lock().unwrap_or_else(|e| e.into_inner()).drain(..) {
            task.abort();
        }
    }

    pub fn reopen(&self) {
        self.open.store(true, Ordering::SeqCst);
    }
}

/// Every chunk, snapshot and proposal the relay stores of `doc`, as stored (sealed).
pub fn stored_of(relay: &Relay, doc: &str) -> Result<Vec<Vec<u8>>> {
    let db = rusqlite::Connection::open_with_flags(
        relay.data.path().join("relay.sqlite3"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )?;
    let mut out = Vec::new();
    for table in ["chunks", "snapshots", "proposals"] {
        let mut query = db.prepare(&format!("SELECT bytes FROM {table} WHERE doc = ?1 AND length(bytes) > 0"))?;
        for bytes in query.query_map([doc], |row| row.get::<_, Vec<u8>>(0))? {
            out.push(bytes?);
        }
    }
    Ok(out)
}

/// The relay's database files (the database, its WAL) that hold any of `pieces`: the bytes of
/// stored chunks are random-looking ciphertext, so 48 bytes of one found are that chunk.
pub fn relay_files_holding(relay: &Relay, pieces: &[Vec<u8>]) -> Result<Vec<String>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(relay.data.path())? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        if !name.starts_with("relay.sqlite3") {
            continue;
        }
        let bytes = std::fs::read(&path)?;
        for (n, piece) in pieces.iter().enumerate() {
            let needle = &piece[piece.len().saturating_sub(48)..];
            if bytes.windows(needle.len()).any(|w| w == needle) {
                found.push(format!("{name} holds stored piece {n} of {}", pieces.len()));
            }
        }
    }
    Ok(found)
}

/// Ticks each of `papers` as received on the claim open on `desk`, and waits until none is missing.
pub async fn receive_papers(desk: &Browser, papers: &[&str]) -> Result<()> {
    for paper in papers {
        desk.click_xpath(&format!(
            "//section[contains(@class,'claim')]//label[.//*[normalize-space(.)='{paper}']]//input"
        ))
        .await?;
    }
    desk.wait_until(Duration::from_secs(10), "the documents received", |t| !t.contains("Missing")).await.map(drop)
}
