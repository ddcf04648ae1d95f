//! Tidy: the core never reads the device's clock or time zone (ARCHITECTURE.md's invariants).

use std::path::Path;

fn sources(dir: &Path, found: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
        }
    }
}

/// Dates and times are the business's, passed in: a device's zone or clock read in the core
/// would put an `.ics`, a report's hours or a day's documents in the tablet's zone.
#[test]
fn the_core_never_reads_the_device_clock_or_zone() {
    let mut found = Vec::new();
    sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut found);
    assert!(found.len() > 10, "the core's sources were read");
    let forbidden = ["chrono::Local", "Local::", "Utc::now", "SystemTime", "Instant::now"];
    let mut offences = Vec::new();
    for (file, text) in &found {
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for word in forbidden.iter().filter(|w| code.contains(*w)) {
                offences.push(format!("{file}:{}: {word}", n + 1));
            }
        }
    }
    assert!(offences.is_empty(), "the core reads the device's clock or zone:\n{}", offences.join("\n"));
}
