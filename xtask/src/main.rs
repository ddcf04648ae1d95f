//! `cargo xtask`: the project's chores, in Rust.
//!
//! - `cargo xtask serve`  installs what is missing, builds the app and the relay, and serves both.
//! - `cargo xtask test`   installs what is missing and runs every check and test.
//! - `cargo xtask bench`  runs every benchmark and rewrites the figures in BENCHMARKS.md.
//!
//! Tools are installed inside the repository (`.tools/`), never by hand.

use std::env;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

mod bench;
mod boot;
mod imports;
mod parts;
mod precompress;
mod scripts;
mod split;
mod styles;

const TRUNK_VERSION: &str = "0.21.14";
const WASM_BINDGEN_VERSION: &str = "0.2.130";
const BINARYEN_VERSION: &str = "132.0.0";
/// Minifies the app's JavaScript (scripts.rs).
const TERSER_VERSION: &str = "5.51.4";
/// axe-core, the accessibility checker the browser tests run on every screen (its script only:
/// it is read from `.tools/npm/node_modules/axe-core/axe.min.js` and injected into the page).
const AXE_VERSION: &str = "4.14.1";
const WASM_TARGET: &str = "wasm32-unknown-unknown";

fn main() -> std::process::ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let started = Instant::now();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve(&args[1..]),
        Some("test") => test(),
        Some("bench") => bench::bench(&args[1..]),
        Some("soak") => soak(&args[1..]),
        Some("fuzz") => fuzz(&args[1..]),
        Some("dist") => setup_app_tools().and_then(|()| build_app()),
        Some("split-wasm") => split::split_wasm(),
        _ => {
            eprintln!(
                "usage: cargo xtask <command>\n\n\
                 serve [--addr 127.0.0.1:8080] [--data data]   build and serve the app and the relay\n\
                 test                                          every check and test (what CI runs)\n\
                 bench [--quick] [--browser-days 30,365,1095]   every benchmark; rewrites BENCHMARKS.md's figures\n\
                 soak [--cases N] [--rounds N]                 the long reliability runs (figures for RELIABILITY.md)\n\
                 fuzz [--seconds N]                            each fuzz target for N seconds (nightly + cargo-fuzz)\n\
                 dist                                          build the app into dist/\n\
                 split-wasm                                    (Trunk's post-build hook) split the desk's wasm into parts"
            );
            std::process::exit(2);
        }
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("\nxtask failed after {:.0?}: {err:#}", started.elapsed());
            std::process::ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits in the repository").to_owned()
}

fn tools() -> PathBuf {
    root().join(".tools")
}

fn say(what: &str) {
    eprintln!("\n\x1b[1;36m==> {what}\x1b[0m");
}

/// PATH with the project's own tools first.
fn tool_path() -> OsString {
    let mut paths = vec![tools().join("bin"), tools().join("npm/node_modules/.bin")];
    if let Some(home) = env::var_os("HOME") {
        paths.push(PathBuf::from(home).join(".cargo/bin"));
    }
    paths.extend(env::split_paths(&env::var_os("PATH").unwrap_or_default()));
    env::join_paths(paths).expect("valid PATH")
}

fn cmd(program: &str) -> Command {
    let mut c = Command::new(program);
    c.current_dir(root()).env("PATH", tool_path());
    c
}

fn run(c: &mut Command) -> Result<()> {
    let shown = std::iter::once(c.get_program())
        .chain(c.get_args())
        .map(|a| a.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    let status = c.status().with_context(|| format!("could not start {shown}"))?;
    if !status.success() {
        bail!("{shown} failed ({status})");
    }
    Ok(())
}

fn output(c: &mut Command) -> Option<String> {
    let out = c.output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

// ---------------------------------------------------------------- setup

fn ensure_wasm_target() -> Result<()> {
    let installed = output(cmd("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        return Ok(());
    }
    say("installing the wasm32 target (rustup)");
    run(cmd("rustup").args(["target", "add", WASM_TARGET]))
}

/// Installs a crate's binary into `.tools/bin` unless the right version is already there.
fn ensure_cargo_tool(krate: &str, bin: &str, version: &str, locked: bool, minutes: u32) -> Result<()> {
    let path = tools().join("bin").join(bin);
    let current = output(Command::new(&path).arg("--version")).unwrap_or_default();
    if current.contains(version) {
        return Ok(());
    }
    say(&format!("installing {krate} {version} into .tools/ (about {minutes} min, once)"));
    let mut c = cmd("cargo");
    c.args(["install", krate, "--version", version, "--root"]).arg(tools());
    if locked {
        c.arg("--locked");
    }
    run(&mut c)
}

/// wasm-opt (binaryen), terser and axe-core, from npm into `.tools/npm`.
fn ensure_npm_tools() -> Result<()> {
    let bin = tools().join("npm/node_modules/.bin");
    let wasm_opt = output(Command::new(bin.join("wasm-opt")).arg("--version")).unwrap_or_default();
    let terser = output(Command::new(bin.join("terser")).arg("--version")).unwrap_or_default();
    let axe = std::fs::read_to_string(tools().join("npm/node_modules/axe-core/package.json")).unwrap_or_default();
    if wasm_opt.contains(&BINARYEN_VERSION[..3])
        && terser.contains(TERSER_VERSION)
        && axe.contains(&format!("\"version\": \"{AXE_VERSION}\""))
    {
        return Ok(());
    }
    if output(Command::new("npm").arg("--version")).is_none() {
        apt_install(&["npm"], "npm (Node.js package manager) to install wasm-opt and terser")?;
    }
    say(&format!(
        "installing wasm-opt (npm binaryen@{BINARYEN_VERSION}), terser {TERSER_VERSION} and axe-core {AXE_VERSION} into .tools/"
    ));
    std::fs::create_dir_all(tools().join("npm"))?;
    run(cmd("npm")
        .args(["install", "--no-audit", "--no-fund", "--prefix"])
        .arg(tools().join("npm"))
        .arg(format!("binaryen@{BINARYEN_VERSION}"))
        .arg(format!("terser@{TERSER_VERSION}"))
        .arg(format!("axe-core@{AXE_VERSION}")))
}

fn apt_install(packages: &[&str], what: &str) -> Result<()> {
    let is_root = output(Command::new("id").arg("-u")).is_some_and(|u| u.trim() == "0");
    if !is_root || output(Command::new("apt-get").arg("--version")).is_none() {
        bail!(
            "{what} is missing: install the packages {} (Debian/Ubuntu: apt-get install {})",
            packages.join(" "),
            packages.join(" ")
        );
    }
    say(&format!("installing {} (apt-get)", packages.join(" ")));
    run(Command::new("apt-get").args(["update", "-q"]))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "-q", "--no-install-recommends"])
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

fn chromium() -> String {
    env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into())
}

fn chromedriver() -> String {
    env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into())
}

fn ensure_browser() -> Result<()> {
    if Path::new(&chromium()).exists() && Path::new(&chromedriver()).exists() {
        return Ok(());
    }
    apt_install(&["chromium", "chromium-driver"], "Chromium and ChromeDriver (for the browser tests)")
}

fn setup_app_tools() -> Result<()> {
    ensure_wasm_target()?;
    ensure_cargo_tool("trunk", "trunk", TRUNK_VERSION, true, 11)?;
    // Not --locked: a locked dependency of this version is missing from the registry.
    ensure_cargo_tool("wasm-bindgen-cli", "wasm-bindgen", WASM_BINDGEN_VERSION, false, 4)?;
    ensure_npm_tools()?;
    say("fetching dependencies (the app builds offline)");
    run(cmd("cargo").args(["fetch", "--locked"]))
}

// ---------------------------------------------------------------- builds

/// Builds the desk's app into `dist/` and the kiosk's own, smaller app into `dist/kiosk/` (the
/// relay serves a folder with its own `index.html` as an app of its own).
fn build_app() -> Result<()> {
    say("building the app (release wasm, a few minutes the first time)");
    run(cmd("trunk").args(["build", "--release"]).env("TRUNK_SKIP_VERSION_CHECK", "true"))?;
    say("building the kiosk's app");
    // Trunk replaces its whole dist folder: the kiosk is built apart, then moved in.
    let staged = root().join("target").join("kiosk-dist");
    run(cmd("trunk")
        .args(["build", "kiosk.html", "--release", "true", "--public-url", "/kiosk/", "--dist"])
        .arg(&staged)
        .env("TRUNK_SKIP_VERSION_CHECK", "true"))?;
    let kiosk = root().join("dist").join("kiosk");
    if kiosk.exists() {
        std::fs::remove_dir_all(&kiosk)?;
    }
    std::fs::create_dir_all(&kiosk)?;
    for entry in std::fs::read_dir(&staged)? {
        let path = entry?.path();
        let name = path.file_name().context("a file name")?;
        if path.is_file() {
            let target = if name == "kiosk.html" { kiosk.join("index.html") } else { kiosk.join(name) };
            std::fs::copy(&path, target)?;
        } else if name == scripts::SNIPPETS {
            // The JS modules its glue imports (src/webcrypto.js).
            for file in scripts::files_under(&path, "js")? {
                let target = kiosk.join(file.strip_prefix(&staged)?);
                std::fs::create_dir_all(target.parent().context("a snippet's folder")?)?;
                std::fs::copy(&file, target)?;
            }
        }
    }
    // No inline script is left for the Content-Security-Policy to allow.
    boot::move_out(&root().join("dist").join("index.html"), "/")?;
    boot::move_out(&kiosk.join("index.html"), "/kiosk/")?;
    say("writing gzip copies of the app's files (the relay sends them)");
    let started = Instant::now();
    let copies = precompress::precompress(&[root().join("dist"), kiosk.clone()])?;
    eprintln!("    {copies} files in {:.0?}", started.elapsed());
    report_app_size(&root().join("dist"))?;
    report_app_size(&kiosk)
}

/// An app folder's files: what it loads to start (its top-level files, and the script that
/// loads its parts, which its JS imports) and its wasm parts (`parts-<hash>/*.wasm`, the desk's
/// sections, fetched as they open) — without their gzip copies ([`precompress::gz_path`]).
fn app_files(dist: &Path) -> Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    let (mut own, mut parts) = (Vec::new(), Vec::new());
    for entry in std::fs::read_dir(dist)? {
        let path = entry?.path();
        if path.is_file() && !precompress::is_copy(&path) {
            own.push(path);
        } else if path.file_name().is_some_and(|n| n == scripts::SNIPPETS) {
            // wasm-bindgen's JS modules the glue imports: loaded with it, at start.
            own.extend(scripts::files_under(&path, "js")?);
        } else if parts::is_folder(&path) {
            for part in std::fs::read_dir(&path)? {
                let part = part?.path();
                if part.extension().is_some_and(|e| e == "js") {
                    own.push(part);
                } else if !precompress::is_copy(&part) {
                    parts.push(part);
                }
            }
        }
    }
    Ok((own, parts))
}

fn report_app_size(dist: &Path) -> Result<()> {
    let (mut raw, mut wasm, mut sent) = (0u64, 0u64, 0u64);
    let (own, parts) = app_files(dist)?;
    for path in own.iter().chain(&parts) {
        let len = std::fs::metadata(path)?.len();
        raw += len;
        sent += std::fs::metadata(precompress::gz_path(path)).map_or(len, |m| m.len());
        if path.extension().is_some_and(|e| e == "wasm") {
            wasm += len;
        }
    }
    eprintln!(
        "    {}: {} KiB in all, of which wasm {} KiB; {} KiB as sent (gzip)",
        dist.display(),
        raw / 1024,
        wasm / 1024,
        sent / 1024
    );
    Ok(())
}

fn relay_bin(profile: &str) -> PathBuf {
    root().join("target").join(profile).join("frontdesk-relay")
}

// ---------------------------------------------------------------- serve

#[derive(Debug)]
struct ServeArgs {
    addr: String,
    data: PathBuf,
}

fn parse_serve(args: &[String]) -> Result<ServeArgs> {
    let mut parsed = ServeArgs { addr: "127.0.0.1:8080".into(), data: root().join("data") };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--addr" => parsed.addr = it.next().context("--addr needs a value")?.clone(),
            "--data" => parsed.data = PathBuf::from(it.next().context("--data needs a value")?),
            other => bail!("unknown option {other} (expected --addr or --data)"),
        }
    }
    Ok(parsed)
}

/// The device the serve command offers to pair on a first run: (role, name, what the link is
/// for). Only the manager's tablet: it sets encryption up as soon as it is alone in the business,
/// and pairs every other device with a key check (a code made here has none, and an encrypted
/// business refuses such a code for a kiosk or a staff tablet).
const FIRST_DEVICES: [(&str, &str, &str); 1] = [("manager", "Office manager", "Manager's tablet")];

/// Names of the devices paired with the relay in `data` and not revoked.
fn paired_devices(data: &Path) -> Result<Vec<String>> {
    let list = output(Command::new(relay_bin("release")).args(["device", "list", "--data"]).arg(data))
        .context("listing the paired devices")?;
    Ok(list
        .lines()
        .filter(|l| !l.ends_with("(revoked)"))
        .filter_map(|l| l.split('\t').nth(2).map(str::to_owned))
        .collect())
}

/// A one-time pairing code (10 minutes) for a device with `role` and `name`.
fn pairing_code(data: &Path, role: &str, name: &str) -> Result<String> {
    let out =
        output(Command::new(relay_bin("release")).args(["pair", "--role", role, "--name", name, "--data"]).arg(data))
            .context("making a pairing code")?;
    let start = out.find("\"code\":\"").context("pair output")? + 8;
    Ok(out[start..].split('"').next().unwrap_or_default().to_owned())
}

fn serve(args: &[String]) -> Result<()> {
    let args = parse_serve(args)?;
    setup_app_tools()?;
    build_app()?;
    say("building the relay (release)");
    run(cmd("cargo").args(["build", "--release", "--locked", "-p", "frontdesk-relay", "--bin", "frontdesk-relay"]))?;
    std::fs::create_dir_all(&args.data)?;
    let data = args.data.canonicalize()?;
    // Earlier versions kept each device's bearer token here: those tokens no longer work.
    for old in ["kiosk.device", "manager.device", "desk.device"] {
        let _ = std::fs::remove_file(data.join(old));
    }
    let host = args.addr.replace("0.0.0.0", "127.0.0.1");
    let paired = paired_devices(&data)?;
    let waiting: Vec<_> = FIRST_DEVICES.iter().filter(|(_, name, _)| !paired.iter().any(|p| p == name)).collect();
    say("Frontdesk is starting.");
    if !waiting.is_empty() {
        eprintln!(
            "    Open this on the manager's tablet within 10 minutes (it pairs the browser that opens it, once):"
        );
        for (role, name, what) in waiting {
            eprintln!("    {what}: http://{host}/pair#code={}", pairing_code(&data, role, name)?);
        }
    }
    if !paired.is_empty() {
        eprintln!("    Paired: {}", paired.join(", "));
    }
    eprintln!("    Kiosks and tablets: pair them from the manager's tablet (Business → Devices → Add a device).");
    eprintln!(
        "    A lost manager's tablet: target/release/frontdesk-relay pair --role manager --data {}",
        data.display()
    );
    eprintln!(
        "      then open http://{host}/pair on the new tablet, type the code, and restore with the recovery kit."
    );
    eprintln!("    Health: http://{host}/healthz      Stop: Ctrl-C\n");
    run(Command::new(relay_bin("release"))
        .args(["serve", "--addr", &args.addr, "--data"])
        .arg(&data)
        .arg("--dist")
        .arg(root().join("dist")))
}

// ---------------------------------------------------------------- test

fn test() -> Result<()> {
    let started = Instant::now();
    if std::env::var_os("CARGO_INCREMENTAL").is_none() {
        // A one-off run gains nothing from incremental caches, and they double the build folder
        // (CI once ran out of disk). Set CARGO_INCREMENTAL=1 to keep them while working.
        // SAFETY: xtask is single-threaded here; no other thread reads the environment.
        unsafe { std::env::set_var("CARGO_INCREMENTAL", "0") };
    }
    setup_app_tools()?;
    ensure_browser()?;

    say("format check");
    run(cmd("cargo").args(["fmt", "--all", "--", "--check"]))?;

    say("clippy (native, warnings denied)");
    run(cmd("cargo").args(["clippy", "--locked", "--workspace", "--all-targets", "--", "-D", "warnings"]))?;
    say("clippy (wasm: the app and the core, warnings denied)");
    run(cmd("cargo").args([
        "clippy",
        "--locked",
        "--target",
        WASM_TARGET,
        "-p",
        "frontdesk",
        "-p",
        "frontdesk-core",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;

    // The canary (`frontdesk-bench/tests/canary.rs`) and the end-to-end tests run the relay's
    // own binary.
    say("building the relay");
    run(cmd("cargo").args(["build", "--locked", "-p", "frontdesk-relay", "--bin", "frontdesk-relay"]))?;

    say("native tests: protocol, core, relay, app logic, the canary");
    run(cmd("cargo")
        .args(["test", "--locked", "--workspace", "--exclude", "frontdesk"])
        .env("FRONTDESK_RELAY_BIN", relay_bin("debug")))?;
    run(cmd("cargo").args(["test", "--locked", "-p", "frontdesk", "--lib"]))?;

    no_cipher_crate_in_the_wasm()?;

    say("the core builds for wasm");
    run(cmd("cargo").args(["build", "--locked", "-p", "frontdesk-core", "--target", WASM_TARGET]))?;

    say("browser tests (wasm-bindgen-test in headless Chromium)");
    // Without `lazy-sections`: the test binary is not split, so a `#[lazy]` function it reaches
    // (the device's crypto and key work) must be an ordinary one there.
    run(cmd("cargo")
        .args(["test", "--locked", "-p", "frontdesk", "--target", WASM_TARGET, "--test", "browser"])
        .arg("--no-default-features")
        .env("CHROMEDRIVER", chromedriver())
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120"))?;

    say("the benchmarks build (not run: `cargo xtask bench` runs them)");
    run(cmd("cargo").args(["bench", "--locked", "--workspace", "--no-run"]))?;

    build_app()?;

    say("end-to-end tests: a real relay, kiosk and desks in headless Chromium");
    run(cmd("cargo")
        .args(["test", "--locked", "-p", "frontdesk", "--test", "e2e", "--", "--test-threads=1"])
        .env("FRONTDESK_RELAY_BIN", relay_bin("debug"))
        .env("FRONTDESK_DIST", root().join("dist"))
        .env("CHROMIUM", chromium())
        .env("CHROMEDRIVER", chromedriver()))?;

    say(&format!("all checks and tests passed in {:.0?}", started.elapsed()));
    Ok(())
}

/// The browser seals and opens with WebCrypto (`src/webcrypto.js`); the native ciphers of
/// `frontdesk_core::crypto::native` must never reach the wasm build (issue 19: size, and one
/// implementation per platform).
fn no_cipher_crate_in_the_wasm() -> Result<()> {
    say("no cipher crate in the wasm build's dependencies");
    const CIPHERS: [&str; 7] = ["aes", "aes-gcm", "ghash", "x25519-dalek", "curve25519-dalek", "hkdf", "pbkdf2"];
    let tree = output(cmd("cargo").args([
        "tree",
        "--locked",
        "-p",
        "frontdesk",
        "-p",
        "frontdesk-core",
        "--target",
        WASM_TARGET,
        "-e",
        "normal",
        "--prefix",
        "none",
    ]))
    .context("cargo tree failed")?;
    let found: Vec<&str> = tree
        .lines()
        .filter(|line| line.split_whitespace().next().is_some_and(|name| CIPHERS.contains(&name)))
        .collect();
    if !found.is_empty() {
        bail!("cipher code would ship in the wasm (use WebCrypto instead):\n{}", found.join("\n"));
    }
    // And the native build does have them (so the check looks at the right names).
    let native =
        output(cmd("cargo").args(["tree", "--locked", "-p", "frontdesk-core", "-e", "normal", "--prefix", "none"]))
            .context("cargo tree failed")?;
    if !native.lines().any(|line| line.starts_with("aes-gcm ")) {
        bail!("the native core no longer lists aes-gcm: the wasm check above is looking for the wrong names");
    }
    Ok(())
}

// ---------------------------------------------------------------- soak

fn soak(args: &[String]) -> Result<()> {
    let (mut cases, mut rounds) = ("100000".to_owned(), "100".to_owned());
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--cases" => cases = it.next().context("--cases needs a number")?.clone(),
            "--rounds" => rounds = it.next().context("--rounds needs a number")?.clone(),
            other => bail!("unknown option {other} (expected --cases or --rounds)"),
        }
    }
    let started = Instant::now();
    say(&format!(
        "convergence under random schedules: {cases} cases (a kiosk, 2–4 desks and a hostile device, outages, lost messages, crashes)"
    ));
    run(cmd("cargo")
        .args(["test", "--locked", "--profile", "soak", "-p", "frontdesk-core", "--test", "sync_convergence"])
        .args(["random_schedules", "--", "--nocapture"])
        .env("FRONTDESK_SIM_CASES", &cases))?;
    say(&format!("relay killed with SIGKILL while 10 devices push: {rounds} rounds"));
    run(cmd("cargo")
        .args([
            "test",
            "--locked",
            "--profile",
            "soak",
            "-p",
            "frontdesk-relay",
            "--test",
            "crash",
            "--",
            "--nocapture",
        ])
        .env("FRONTDESK_CRASH_ROUNDS", &rounds))?;
    say(&format!("soak passed in {:.0?}", started.elapsed()));
    Ok(())
}

// ---------------------------------------------------------------- fuzz

const FUZZ_TARGETS: [&str; 5] = ["relay_decode", "client_frames", "document_chunks", "csv_import", "sealed_header"];

fn fuzz(args: &[String]) -> Result<()> {
    let mut seconds = "60".to_owned();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--seconds" => seconds = it.next().context("--seconds needs a number")?.clone(),
            other => bail!("unknown option {other} (expected --seconds)"),
        }
    }
    let toolchains = output(cmd("rustup").args(["toolchain", "list"])).unwrap_or_default();
    if !toolchains.lines().any(|l| l.starts_with("nightly")) {
        bail!("fuzzing needs the nightly toolchain: rustup toolchain install nightly");
    }
    ensure_cargo_tool("cargo-fuzz", "cargo-fuzz", "0.13.2", true, 3)?;
    for target in FUZZ_TARGETS {
        say(&format!("fuzzing {target} for {seconds} s"));
        run(cmd("cargo").args(["+nightly", "fuzz", "run", target, "--"]).args([
            format!("-max_total_time={seconds}"),
            "-rss_limit_mb=1024".to_owned(),
            "-timeout=10".to_owned(),
            "-max_len=65536".to_owned(),
        ]))?;
    }
    say("no crash, no leak over the limit, no timeout");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn serve_takes_an_address_and_a_data_folder() {
        let default = parse_serve(&[]).unwrap();
        assert_eq!(default.addr, "127.0.0.1:8080");
        assert_eq!(default.data, root().join("data"));
        let given = parse_serve(&args(&["--data", "/srv/frontdesk", "--addr", "0.0.0.0:9000"])).unwrap();
        assert_eq!(given.addr, "0.0.0.0:9000");
        assert_eq!(given.data, PathBuf::from("/srv/frontdesk"));
        let err = parse_serve(&args(&["--port", "1"])).unwrap_err().to_string();
        assert_eq!(err, "unknown option --port (expected --addr or --data)");
        let err = parse_serve(&args(&["--addr"])).unwrap_err().to_string();
        assert_eq!(err, "--addr needs a value");
    }
}
