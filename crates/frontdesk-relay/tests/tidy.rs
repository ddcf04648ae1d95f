//! The storage seam held by a test: SQLite, its SQL and its file's name appear only in the
//! SQLite store, in the relay and in the bench that drives it.

use std::path::{Path, PathBuf};

/// What only `src/store/sqlite.rs` may say.
const SQLITE_ONLY: [&str; 5] = ["rusqlite", "relay.sqlite3", "SELECT ", "INSERT INTO", "PRAGMA "];

fn rust_files(folder: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(folder).unwrap_or_else(|e| panic!("{}: {e}", folder.display())) {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn sql_and_the_database_file_name_live_only_in_the_sqlite_store() {
    let relay = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for folder in [relay.join("src"), relay.join("tests"), relay.join("../frontdesk-bench/src")] {
        rust_files(&folder, &mut files);
    }
    let allowed = [relay.join("src/store/sqlite.rs"), relay.join("tests/tidy.rs")];
    let mut leaks = Vec::new();
    for file in files.iter().filter(|f| !allowed.contains(f)) {
        let text = std::fs::read_to_string(file).expect("a source file");
        for word in SQLITE_ONLY.iter().filter(|w| text.contains(*w)) {
            leaks.push(format!("{} says {word:?}", file.display()));
        }
    }
    assert!(files.len() > 10, "the walk found the sources ({} files)", files.len());
    assert!(leaks.is_empty(), "outside the SQLite store:\n{}", leaks.join("\n"));
}
