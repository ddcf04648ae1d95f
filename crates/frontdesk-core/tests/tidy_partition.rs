//! Tidy: document names are made only in the partition module (`core::doc_name`), never restated
//! as literals in the core or the app, so the partition and the relay's rules cannot drift apart.

use std::fs;
use std::path::{Path, PathBuf};

use frontdesk_protocol::Area;

/// The only file that may spell out area names.
const PARTITION: &str = "doc_name.rs";

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

/// The lines of `text` that are not test code: a `#[cfg(test)] mod …` runs to the end of its file.
fn non_test_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let lines: Vec<&str> = text.lines().collect();
    let end = (0..lines.len())
        .find(|&i| {
            lines[i].trim() == "#[cfg(test)]"
                && lines.get(i + 1).is_some_and(|next| next.trim_start().starts_with("mod "))
        })
        .unwrap_or(lines.len());
    lines.into_iter().enumerate().take(end).map(|(i, line)| (i + 1, line))
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

#[test]
fn document_names_are_made_only_in_the_partition_module() {
    let core = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&core.join("src"), &mut files);
    rust_files(&core.join("../../src"), &mut files);
    assert!(files.len() > 20, "the sources were not found: {}", files.len());
    let mut found = Vec::new();
    for file in files.iter().filter(|f| !f.ends_with(PARTITION)) {
        let text = fs::read_to_string(file).unwrap();
        for (number, line) in non_test_lines(&text) {
            for area in restated_names(line) {
                found.push(format!("{}:{number}: `{area}` ({})", file.display(), line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "document names made outside core::doc_name:\n{}", found.join("\n"));
}

#[test]
fn the_tidy_check_sees_a_restated_name_and_skips_tests() {
    assert_eq!(restated_names(r#"d.docs_under("timeclock/")"#), ["timeclock"]);
    assert_eq!(restated_names(r#"pub const DOC: &str = "clients";"#), ["clients"]);
    assert!(restated_names(r#"<div class="kiosk-bar">"#).is_empty());
    let text = "fn a() {}\n#[cfg(test)]\nmod tests {\n    const D: &str = \"day/x\";\n}\n";
    assert_eq!(non_test_lines(text).count(), 1);
}
