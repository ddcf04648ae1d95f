//! `cargo xtask bench`: runs every benchmark and rewrites the figures in BENCHMARKS.md.
//!
//! - the app's download size (the release build, as the relay sends it: gzip, see precompress.rs),
//! - `sync-load`: relay latency against a bare forwarder (also while 1,000 silent sockets are refused),
//!   500 devices pushing, 5,000 idle devices,
//!   a kiosk back after a day offline,
//! - the core's criterion benches on seeded data (a month, a year, three years),
//! - the browser measurement: desk cold start, wasm memory and the kiosk's tap → saved.
//!
//! Every measured value is printed as `figure <key> <value>` by the tools; this collects them and
//! writes the tables between the `figures:begin` / `figures:end` marks of BENCHMARKS.md.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::{build_app, chromedriver, chromium, cmd, ensure_browser, relay_bin, root, run, say, setup_app_tools};

type Figures = BTreeMap<String, f64>;

struct Options {
    browser_days: String,
    quick: bool,
}

fn parse(args: &[String]) -> Result<Options> {
    let mut o = Options { browser_days: "30,365,1095".to_owned(), quick: false };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--browser-days" => o.browser_days = it.next().context("--browser-days needs a list")?.clone(),
            "--quick" => o.quick = true,
            other => bail!("unknown option {other} (expected --browser-days 30,365,1095 or --quick)"),
        }
    }
    Ok(o)
}

pub fn bench(args: &[String]) -> Result<()> {
    let o = parse(args)?;
    let started = std::time::Instant::now();
    setup_app_tools()?;
    ensure_browser()?;
    let mut figures = Figures::new();

    build_app()?;
    app_size(&mut figures)?;

    say("building the relay, the load generator and the seed tool (release)");
    run(cmd("cargo").args([
        "build",
        "--release",
        "--locked",
        "-p",
        "frontdesk-relay",
        "-p",
        "frontdesk-bench",
        "--bins",
    ]))?;

    say(
        "sync: latency against a bare forwarder (also with 1,000 silent sockets), 500 devices pushing, 5,000 idle devices, a kiosk back online",
    );
    let mut load = Command::new(root().join("target/release/sync-load"));
    load.current_dir(root());
    if o.quick {
        load.args(["--paced", "200", "--burst", "1000", "--idle-devices", "1000", "--push-seconds", "2"]);
    }
    collect(&mut load, &mut figures)?;

    say("the core on seeded data (criterion): loading documents as the data grows, the board, a check-in");
    let criterion = root().join("target/criterion");
    let _ = std::fs::remove_dir_all(&criterion);
    let mut core = cmd("cargo");
    core.args(["bench", "--locked", "-p", "frontdesk-bench", "--bench", "core"]);
    if o.quick {
        core.args(["--", "--quick"]);
    }
    let sizes = collect_lines(&mut core)?;
    for line in sizes.iter().filter_map(|l| l.strip_prefix("size ")) {
        // `size <name words…> <scale words…> <bytes>`, scale being "1 month", "1 year" or "3 years".
        let (rest, bytes) = line.rsplit_once(' ').context("size line")?;
        figures.insert(format!("size {rest}"), bytes.parse()?);
    }
    read_criterion(&criterion, &mut figures)?;

    say("the browser: desk cold start and memory with seeded data, the kiosk's tap → saved");
    let days = if o.quick { "30".to_owned() } else { o.browser_days.clone() };
    let mut browser = cmd("cargo");
    browser
        .args(["bench", "--locked", "-p", "frontdesk", "--bench", "browser", "--"])
        .args(["--days", &days])
        .args(["--sealed-days", if o.quick { "30" } else { "365" }])
        .args(if o.quick { vec!["--check-ins", "20", "--cold-starts", "3"] } else { vec![] })
        .env("FRONTDESK_RELAY_BIN", relay_bin("release"))
        .env("FRONTDESK_DIST", root().join("dist"))
        .env("FRONTDESK_SEED_BIN", root().join("target/release/seed"))
        .env("CHROMIUM", chromium())
        .env("CHROMEDRIVER", chromedriver());
    collect(&mut browser, &mut figures)?;

    let command =
        if args.is_empty() { "cargo xtask bench".to_owned() } else { format!("cargo xtask bench {}", args.join(" ")) };
    write_benchmarks(&figures, &command)?;
    say(&format!("benchmarks done in {:.0?}; BENCHMARKS.md rewritten", started.elapsed()));
    Ok(())
}

/// Runs a command, showing its output as it comes, and returns its stdout lines.
fn collect_lines(c: &mut Command) -> Result<Vec<String>> {
    let mut child = c.stdout(Stdio::piped()).spawn().with_context(|| format!("starting {:?}", c.get_program()))?;
    let stdout = child.stdout.take().context("stdout")?;
    let mut lines = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        if !line.starts_with("figure ") && !line.starts_with("size ") {
            println!("{line}");
        }
        lines.push(line);
    }
    let status = child.wait()?;
    if !status.success() {
        bail!("{:?} failed ({status})", c.get_program());
    }
    Ok(lines)
}

fn collect(c: &mut Command, figures: &mut Figures) -> Result<()> {
    for line in collect_lines(c)? {
        if let Some(rest) = line.strip_prefix("figure ") {
            let (key, value) = rest.rsplit_once(' ').context("figure line")?;
            figures.insert(key.to_owned(), value.parse().with_context(|| format!("figure {key}"))?);
        }
    }
    Ok(())
}

/// What the relay sends for `file`: its gzip copy, written by `cargo xtask dist`.
fn sent_len(file: &Path) -> Result<u64> {
    let copy = crate::precompress::gz_path(file);
    Ok(std::fs::metadata(&copy).with_context(|| format!("{} (built by cargo xtask dist)", copy.display()))?.len())
}

/// What a device downloads to start: the wasm, its JS glue and the style sheets, as the relay
/// sends them (their gzip copies, see xtask/src/precompress.rs) — for
/// the desk (`dist/`) and for the kiosk, an app of its own (`dist/kiosk/`). The desk's sections
/// other than today's board are parts of their own (`dist/parts-<hash>/`, see
/// xtask/src/split.rs), fetched when a section first opens or by the service worker for offline
/// use, and their style sheet is fetched once the app has started (xtask/src/styles.rs): counted
/// apart.
fn app_size(figures: &mut Figures) -> Result<()> {
    for (app, folder) in [("app", root().join("dist")), ("kiosk_app", root().join("dist").join("kiosk"))] {
        let (mut wasm, mut js, mut css, mut raw_wasm) = (0, 0, 0, 0);
        let (own, part_paths) = crate::app_files(&folder)?;
        let mut parts = 0;
        for part in &part_paths {
            parts += sent_len(part)?;
        }
        let part_files = part_paths.len();
        for path in own {
            match path.extension().and_then(|e| e.to_str()) {
                Some("wasm") => {
                    raw_wasm += std::fs::metadata(&path)?.len();
                    wasm += sent_len(&path)?;
                }
                Some("js") if !path.ends_with("sw.js") => js += sent_len(&path)?,
                Some("css") if crate::styles::is_later(&path) => parts += sent_len(&path)?,
                Some("css") => css += sent_len(&path)?,
                _ => {}
            }
        }
        figures.insert(format!("{app}.wasm_raw_kb"), raw_wasm as f64 / 1024.0);
        figures.insert(format!("{app}.wasm_gz_kb"), wasm as f64 / 1024.0);
        figures.insert(format!("{app}.js_gz_kb"), js as f64 / 1024.0);
        figures.insert(format!("{app}.css_gz_kb"), css as f64 / 1024.0);
        figures.insert(format!("{app}.total_gz_kb"), (wasm + js + css) as f64 / 1024.0);
        figures.insert(format!("{app}.parts_gz_kb"), parts as f64 / 1024.0);
        figures.insert(format!("{app}.part_files"), part_files as f64);
        println!(
            "{app} download: wasm {} KB + JS {} KB + CSS {} KB gzip; parts loaded later: {} KB in {part_files} files",
            wasm / 1024,
            js / 1024,
            css / 1024,
            parts / 1024
        );
    }
    Ok(())
}

/// Criterion's median of each bench, in milliseconds, keyed by its full id (`load/clients/1 year`).
fn read_criterion(dir: &Path, figures: &mut Figures) -> Result<()> {
    let mut stack = vec![dir.to_owned()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n == "new") {
                    let bench: serde_json::Value =
                        serde_json::from_slice(&std::fs::read(path.join("benchmark.json"))?)?;
                    let estimates: serde_json::Value =
                        serde_json::from_slice(&std::fs::read(path.join("estimates.json"))?)?;
                    let id = bench["full_id"].as_str().context("full_id")?;
                    let ns = estimates["median"]["point_estimate"].as_f64().context("median")?;
                    figures.insert(format!("core {id}"), ns / 1e6);
                } else {
                    stack.push(path);
                }
            }
        }
    }
    Ok(())
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("model name").map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned()))
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| s.lines().find_map(|l| l.strip_prefix("MemTotal:").map(|v| v.trim().to_owned())))
        .and_then(|v| v.trim_end_matches(" kB").parse::<f64>().ok())
        .map(|kb| format!("{:.0} GiB", kb / 1_048_576.0))
        .unwrap_or_default();
    let os = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|s| s.lines().find_map(|l| l.strip_prefix("PRETTY_NAME=").map(|v| v.trim_matches('"').to_owned())))
        .unwrap_or_default();
    let rustc = crate::output(cmd("rustc").arg("-V")).unwrap_or_default().trim().to_owned();
    let chromium = crate::output(Command::new(chromium()).arg("--version")).unwrap_or_default().trim().to_owned();
    format!("{cores} × {cpu}, {mem}, {os}; {rustc}; {chromium}")
}

fn ms(v: Option<&f64>) -> String {
    match v {
        Some(v) if v.is_finite() && *v >= 100.0 => format!("{v:.0} ms"),
        Some(v) if v.is_finite() && *v >= 1.0 => format!("{v:.1} ms"),
        Some(v) if v.is_finite() => format!("{:.0} µs", v * 1000.0),
        _ => "—".into(),
    }
}

fn verdict(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "met",
        Some(false) => "**missed**",
        None => "not measured",
    }
}

fn render(f: &Figures, command: &str) -> String {
    let get = |k: &str| f.get(k).copied();
    let mut out = String::new();
    let today = crate::output(cmd("date").arg("+%Y-%m-%d")).unwrap_or_default();
    out.push_str(&format!("Run of {} on {}, with `{command}`.\n\n", today.trim(), machine()));
    out.push_str("| what | budget | measured | |\n|---|---|---|---|\n");
    let mut row = |what: &str, budget: &str, measured: String, met: Option<bool>| {
        out.push_str(&format!("| {what} | {budget} | {measured} | {} |\n", verdict(met)));
    };
    for (app, what) in [("app", "desk"), ("kiosk_app", "kiosk")] {
        let total = get(&format!("{app}.total_gz_kb"));
        row(
            &format!("release app download ({what}): wasm + JS + CSS, gzip"),
            "≤ 600 KB",
            total
                .map(|t| {
                    let parts = match (get(&format!("{app}.parts_gz_kb")), get(&format!("{app}.part_files"))) {
                        (Some(kb), Some(files)) if files > 0.0 => format!(
                            "; then, as sections open or in the background for offline use, {kb:.0} KB in {files:.0} parts"
                        ),
                        _ => String::new(),
                    };
                    // The desk's visit goes on after the app drew: the parts of its background duties.
                    let visit = get(&format!("browser.{what}.first_visit_kb"))
                        .map(|kb| format!(" before the app drew ({kb:.0} KB in all by the time it had synced, with the parts it loads after)"))
                        .unwrap_or_default();
                    let browser = get(&format!("browser.{what}.first_download_kb"))
                        .map(|kb| format!("; Chromium received {kb:.0} KB for them on a first visit{visit}"))
                        .unwrap_or_default();
                    format!(
                        "{t:.0} KB to start (wasm {:.0} — {:.0} KB before gzip — JS {:.0}, CSS {:.0}){browser}{parts}",
                        get(&format!("{app}.wasm_gz_kb")).unwrap_or(0.0),
                        get(&format!("{app}.wasm_raw_kb")).unwrap_or(0.0),
                        get(&format!("{app}.js_gz_kb")).unwrap_or(0.0),
                        get(&format!("{app}.css_gz_kb")).unwrap_or(0.0)
                    )
                })
                .unwrap_or_else(|| "—".into()),
            total.map(|t| t <= 600.0),
        );
    }
    for (scale, words) in
        [("1_year", "1 year"), ("1_year_sealed", "1 year, the business encrypted"), ("3_years", "3 years")]
    {
        let cold = get(&format!("browser.{scale}.cold_start_ms"));
        let board = get(&format!("browser.{scale}.board_after_wasm_ms"));
        if cold.is_none() {
            continue;
        }
        row(
            &format!("desk cold start, navigation → today's board ({words} stored)"),
            "≤ 1 s",
            format!(
                "{} (p50; max {})",
                ms(cold.as_ref()),
                ms(get(&format!("browser.{scale}.cold_start_max_ms")).as_ref())
            ),
            cold.map(|c| c <= 1000.0),
        );
        row(
            &format!("today's board after the wasm started ({words} stored)"),
            "≤ 300 ms",
            format!(
                "{} (p50; max {})",
                ms(board.as_ref()),
                ms(get(&format!("browser.{scale}.board_after_wasm_max_ms")).as_ref())
            ),
            board.map(|b| b <= 300.0),
        );
        let memory = get(&format!("browser.{scale}.wasm_memory_mb"));
        row(
            &format!("wasm memory of a tablet holding {words} of data"),
            "≤ 64 MB",
            memory.map(|m| format!("{m:.1} MB")).unwrap_or_else(|| "—".into()),
            memory.map(|m| m <= 64.0),
        );
    }
    for (kiosk, what) in [
        ("kiosk", "kiosk check-in"),
        ("kiosk_sealed", "the same, the business encrypted (sealed to the inbox key before it is sent)"),
    ] {
        let tap = get(&format!("browser.{kiosk}.tap_to_saved_p99_ms"));
        if tap.is_none() && kiosk == "kiosk_sealed" {
            continue;
        }
        row(
            &format!("{what}: tap → saved locally"),
            "≤ 5 ms p99",
            format!(
                "{} p99 (p50 {}), written ahead to localStorage: a crashed tab keeps it; in IndexedDB's durable outbox {} p99 after the tap (the commit itself {})",
                ms(tap.as_ref()),
                ms(get(&format!("browser.{kiosk}.tap_to_saved_p50_ms")).as_ref()),
                ms(get(&format!("browser.{kiosk}.tap_to_durable_p99_ms")).as_ref()),
                ms(get(&format!("browser.{kiosk}.commit_p99_ms")).as_ref())
            ),
            tap.map(|t| t <= 5.0),
        );
    }
    let pin = get("browser.kiosk.pin_30_p50_ms");
    row(
        "time clock: a PIN checked with 30 people listed (30 PBKDF2 derivations in WebCrypto, at once)",
        "≤ 600 ms",
        format!("{} p50 (max {}, 10 runs)", ms(pin.as_ref()), ms(get("browser.kiosk.pin_30_max_ms").as_ref())),
        pin.map(|p| p <= 600.0),
    );
    // A p99 measured over repeated runs (`<prefix>.p99_ms`, `_min_ms`, `_max_ms`), against the
    // forwarder's.
    let p99_of_runs = |prefix: &str, floor: Option<f64>| {
        format!(
            "{} p99, median of runs (range {}–{}; forwarder {})",
            ms(get(&format!("{prefix}.p99_ms")).as_ref()),
            ms(get(&format!("{prefix}.p99_min_ms")).as_ref()),
            ms(get(&format!("{prefix}.p99_max_ms")).as_ref()),
            ms(floor.as_ref())
        )
    };
    let (relay99, floor99) = (get("latency.relay.50.p99_ms"), get("latency.forwarder.50.p99_ms"));
    let latency = p99_of_runs("latency.relay.50", floor99);
    let (silent99, sockets, closed) = (get("silent.p99_ms"), get("silent.sockets"), get("silent.closed_min"));
    let silent = format!(
        "{}; {:.0} of {:.0} closed with 4001",
        p99_of_runs("silent", get("silent.forwarder_p99_ms")),
        closed.unwrap_or(0.0),
        sockets.unwrap_or(0.0)
    );
    row(
        "kiosk → relay → desk, 50 devices connected",
        "≤ 50 ms p99 and ≤ 2× the bare forwarder's p99",
        latency,
        relay99.zip(floor99).map(|(r, f)| r <= 50.0 && r <= 2.0 * f),
    );
    row(
        &format!(
            "the same, while {:.0} sockets that never speak connect and are closed after the Hello timeout",
            sockets.unwrap_or(1000.0)
        ),
        "≤ 50 ms p99; every silent socket closed",
        silent,
        silent99.zip(sockets.zip(closed)).map(|(p, (s, c))| p <= 50.0 && c >= s),
    );
    let pushes = get("pushes.per_sec");
    row(
        &format!("relay: durable pushes per second from {:.0} devices", get("pushes.devices").unwrap_or(500.0)),
        "≥ 5,000",
        pushes
            .map(|p| format!("{p:.0}/s (push → ack p99 {})", ms(get("pushes.ack_p99_ms").as_ref())))
            .unwrap_or_else(|| "—".into()),
        pushes.map(|p| p >= 5000.0),
    );
    let idle = get("idle.rss_mb");
    row(
        &format!("relay: {:.0} idle connected devices", get("idle.devices").unwrap_or(5000.0)),
        "≤ 150 MB resident",
        idle.map(|m| format!("{m:.0} MB (empty relay {:.0} MB)", get("idle.rss_empty_mb").unwrap_or(0.0)))
            .unwrap_or_else(|| "—".into()),
        idle.map(|m| m <= 150.0),
    );
    let (trips, took) = (get("catch_up.round_trips"), get("catch_up.ms"));
    row(
        "a kiosk offline for a day reconnects",
        "≤ 2 round trips, ≤ 200 ms",
        format!("{:.0} round trips, {}", trips.unwrap_or(f64::NAN), ms(took.as_ref())),
        trips.zip(took).map(|(t, ms)| t <= 2.0 && ms <= 200.0),
    );

    out.push_str("\n### As the data grows\n\n");
    out.push_str("A busy medical office (and, where marked, a 60-room hotel) seeded by `frontdesk-bench`'s generator up to the same day. Loading is `Automerge::load` of the stored bytes, natively (criterion median, release build); \"read\" adds turning every record into its Rust type.\n\n");
    let scales = [("1 month", "1_month"), ("1 year", "1_year"), ("3 years", "3_years")];
    out.push_str("| | 1 month | 1 year | 3 years |\n|---|---|---|---|\n");
    let mut line = |label: &str, cell: &dyn Fn(&str, &str) -> String| {
        let cells: Vec<String> = scales.iter().map(|(s, k)| cell(s, k)).collect();
        out.push_str(&format!("| {label} | {} |\n", cells.join(" | ")));
    };
    for doc in ["clients", "insurance", "staffing", "day", "invoices month (hotel)", "rooms month (hotel)"] {
        line(&format!("`{doc}`: stored size, load"), &|s, _| {
            let size = f.get(&format!("size {doc} {s}"));
            let load = f.get(&format!("core load/{doc}/{s}"));
            format!("{} KB, {}", size.map(|b| format!("{:.0}", b / 1024.0)).unwrap_or_else(|| "—".into()), ms(load))
        });
    }
    for read in ["clients read", "claims read", "stays month read (hotel)"] {
        line(&format!("{read} (load + records)"), &|s, _| ms(f.get(&format!("core load/{read}/{s}"))));
    }
    line("desk: first sync from the relay", &|_, k| ms(f.get(&format!("browser.{k}.first_sync_ms"))));
    line("desk: cold start → today's board (p50)", &|_, k| ms(f.get(&format!("browser.{k}.cold_start_ms"))));
    line("desk: board after the wasm started (p50)", &|_, k| ms(f.get(&format!("browser.{k}.board_after_wasm_ms"))));
    line("desk: open the patients list (tap → list drawn)", &|_, k| ms(f.get(&format!("browser.{k}.clients_tab_ms"))));
    line("desk: wasm memory", &|_, k| {
        f.get(&format!("browser.{k}.wasm_memory_mb")).map(|m| format!("{m:.1} MB")).unwrap_or_else(|| "—".into())
    });

    out.push_str("\n### The core, one operation\n\n| operation | median |\n|---|---|\n");
    for (label, key) in [
        ("kiosk: validate a check-in and encode its chunk", "core kiosk/check-in to saved chunk"),
        ("desk: today's board from the stored day and inbox documents", "core board/today from stored documents"),
    ] {
        out.push_str(&format!("| {label} | {} |\n", ms(f.get(key))));
    }

    out.push_str("\n### Sync: push → delivered, relay vs. a bare forwarder\n\n");
    out.push_str("Each figure is the median of the repetitions; p99's range across them in brackets.\n\n");
    out.push_str("| devices | server | delivered p50 | p99 (range) | burst throughput |\n|---|---|---|---|---|\n");
    for n in [1, 10, 50] {
        for (server, key) in [("relay (SQLite, durable)", "relay"), ("bare forwarder", "forwarder")] {
            let p50 = f.get(&format!("latency.{key}.{n}.p50_ms"));
            let p99 = f.get(&format!("latency.{key}.{n}.p99_ms"));
            let tp = f.get(&format!("latency.{key}.{n}.throughput"));
            if p50.is_none() && tp.is_none() {
                continue;
            }
            let tp = tp.map(|t| format!("{t:.0} chunks/s")).unwrap_or_else(|| "—".into());
            let lo = f.get(&format!("latency.{key}.{n}.p99_min_ms"));
            let hi = f.get(&format!("latency.{key}.{n}.p99_max_ms"));
            // A device alone has no one to deliver to: its own round trip is measured instead.
            let server = match (n, key) {
                (1, "relay") => "relay (SQLite, durable): push → Ack, no other device",
                (1, _) => "bare forwarder: echo to the sender",
                _ => server,
            };
            out.push_str(&format!("| {n} | {server} | {} | {} ({}–{}) | {tp} |\n", ms(p50), ms(p99), ms(lo), ms(hi)));
        }
    }
    out
}

fn write_benchmarks(figures: &Figures, command: &str) -> Result<()> {
    let path = root().join("BENCHMARKS.md");
    let text = std::fs::read_to_string(&path).context("reading BENCHMARKS.md")?;
    let (begin, end) = ("<!-- figures:begin -->", "<!-- figures:end -->");
    let (Some(b), Some(e)) = (text.find(begin), text.find(end)) else {
        bail!("BENCHMARKS.md has no {begin} … {end} section to rewrite");
    };
    let updated = format!("{}{begin}\n{}\n{}", &text[..b], render(figures, command), &text[e..]);
    std::fs::write(&path, updated)?;
    let raw = root().join("target/bench-figures.txt");
    let lines: Vec<String> = figures.iter().map(|(k, v)| format!("{k} {v}")).collect();
    std::fs::write(&raw, lines.join("\n") + "\n")?;
    println!("figures: {} (all of them in {})", path.display(), raw.display());
    Ok(())
}
