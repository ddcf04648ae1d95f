//! Tidy: ARCHITECTURE.md's invariants as tests. The core does no I/O and never reads the device's
//! clock or zone; the relay knows nothing of the domain; document names are made only in the
//! partition module; the browser runtime stays a thin driver and no page does several jobs.

use std::path::{Path, PathBuf};

use frontdesk_protocol::Area;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `.rs` file under `dir` (relative to the repository), with its text.
fn sources(dir: &str) -> Vec<(PathBuf, String)> {
    let mut found = Vec::new();
    let mut folders = vec![repo().join(dir)];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap_or_else(|e| panic!("{}: {e}", folder.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                found.push((path, text));
            }
        }
    }
    assert!(found.len() > 5, "the sources under {dir} were not found");
    found
}

/// The numbered lines of a file that are code: comments cut off, and a trailing
/// `#[cfg(test)] mod …` (which runs to the end of the file) left out.
fn code_lines(text: &str) -> Vec<(usize, &str)> {
    let lines: Vec<&str> = text.lines().collect();
    let end = (0..lines.len())
        .find(|&i| {
            lines[i].trim() == "#[cfg(test)]" && lines.get(i + 1).is_some_and(|l| l.trim_start().starts_with("mod "))
        })
        .unwrap_or(lines.len());
    lines[..end].iter().enumerate().map(|(n, line)| (n + 1, line.split("//").next().unwrap_or_default())).collect()
}

/// Where any of `words` appears in the code of `files`.
fn offences(files: &[(PathBuf, String)], words: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for (path, text) in files {
        for (n, code) in code_lines(text) {
            for word in words.iter().filter(|w| code.contains(*w)) {
                found.push(format!("{}:{n}: {word}", path.display()));
            }
        }
    }
    found
}

#[test]
fn the_core_does_no_io() {
    let io =
        ["std::fs", "std::net", "std::thread", "std::process", "std::env", "tokio", "web_sys", "rand::", "getrandom"];
    let found = offences(&sources("crates/frontdesk-core/src"), &io);
    assert!(found.is_empty(), "I/O in the core:\n{}", found.join("\n"));
    let manifest = std::fs::read_to_string(repo().join("crates/frontdesk-core/Cargo.toml")).unwrap();
    for dependency in ["tokio", "web-sys", "rand", "getrandom", "rusqlite"] {
        assert!(!manifest.contains(&format!("\n{dependency} ")), "the core depends on {dependency}");
    }
}

/// Dates and times are the business's, passed in: a device's zone or clock read in the core
/// would put an `.ics`, a report's hours or a day's documents in the tablet's zone.
#[test]
fn the_core_never_reads_the_device_clock_or_zone() {
    let forbidden = ["chrono::Local", "Local::", "Utc::now", "SystemTime", "Instant::now"];
    let found = offences(&sources("crates/frontdesk-core/src"), &forbidden);
    assert!(found.is_empty(), "the core reads the device's clock or zone:\n{}", found.join("\n"));
}

#[test]
fn the_relay_knows_nothing_of_the_domain() {
    let manifest = std::fs::read_to_string(repo().join("crates/frontdesk-relay/Cargo.toml")).unwrap();
    assert!(!manifest.contains("frontdesk-core"), "the relay depends on the core");
    let domain = ["visit", "invoice", "booking", "patient", "check_in", "CheckIn", "payment", "automerge"];
    let found = offences(&sources("crates/frontdesk-relay/src"), &domain);
    assert!(found.is_empty(), "the relay speaks of the domain:\n{}", found.join("\n"));
}

/// What a line restating a document name looks like: `"day/…` or a constant `= "clients";`.
fn restated_names(line: &str) -> Vec<String> {
    Area::ALL
        .into_iter()
        .filter(|area| {
            let name = area.as_str();
            line.contains(&format!("\"{name}/")) || line.contains(&format!("&str = \"{name}\";"))
        })
        .map(|area| area.to_string())
        .collect()
}

/// The partition and the relay's rules cannot drift apart if names are made in one place.
#[test]
fn document_names_are_made_only_in_the_partition_module() {
    let mut files = sources("crates/frontdesk-core/src");
    files.extend(sources("src"));
    let mut found = Vec::new();
    for (path, text) in files.iter().filter(|(p, _)| !p.ends_with("doc_name.rs")) {
        for (n, code) in code_lines(text) {
            for area in restated_names(code) {
                found.push(format!("{}:{n}: `{area}` ({})", path.display(), code.trim()));
            }
        }
    }
    assert!(found.is_empty(), "document names made outside core::doc_name:\n{}", found.join("\n"));
}

#[test]
fn the_tidy_checks_see_what_they_look_for_and_skip_comments_and_tests() {
    assert_eq!(restated_names(r#"d.docs_under("timeclock/")"#), ["timeclock"]);
    assert_eq!(restated_names(r#"pub const DOC: &str = "clients";"#), ["clients"]);
    assert!(restated_names(r#"<div class="kiosk-bar">"#).is_empty());
    let text = "fn a() {} // std::fs\nuse std::fs;\n#[cfg(test)]\nmod tests {\n    const D: &str = \"day/x\";\n}\n";
    let files = vec![(PathBuf::from("x.rs"), text.to_owned())];
    assert_eq!(offences(&files, &["std::fs"]), ["x.rs:2: std::fs"]);
    assert!(offences(&files, &["day/"]).is_empty());
}

#[test]
fn the_browser_runtime_is_a_thin_driver_and_no_page_passes_600_lines() {
    let device = std::fs::read_to_string(repo().join("src/device.rs")).unwrap();
    let lines = device.lines().count();
    assert!(lines <= 300, "src/device.rs has {lines} lines: decisions belong in the core's device module");
    let long: Vec<String> = sources("src/pages")
        .into_iter()
        .map(|(path, text)| (path, text.lines().count()))
        .filter(|(_, lines)| *lines > 600)
        .map(|(path, lines)| format!("{}: {lines} lines", path.display()))
        .collect();
    assert!(long.is_empty(), "pages doing several jobs (split them):\n{}", long.join("\n"));
}
