//! The desk's parts folder as the split hook writes it and the minifier, `app_files` and the
//! precompressor read it: its name and the script in it that loads the parts.

use std::path::Path;

/// What a parts folder's name starts with; the build's hash follows.
const PREFIX: &str = "parts-";

/// The script that loads the parts, next to them (wasm_split writes it); the desk's JS imports it
/// at start.
pub const LOADER: &str = "__wasm_split.js";

/// The name of a build's folder of the desk's parts: `parts-<hash>` (a new folder for each build,
/// so a cached part never meets a newer main module).
pub fn folder_name(hash: &str) -> String {
    format!("{PREFIX}{hash}")
}

/// A build's folder of the desk's parts: `parts-<hash>/` in the app's folder.
pub fn is_folder(path: &Path) -> bool {
    path.is_dir() && path.file_name().is_some_and(|n| n.to_string_lossy().starts_with(PREFIX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_named_by_folder_name_is_a_parts_folder() {
        let dir = tempfile::tempdir().unwrap();
        let parts = dir.path().join(folder_name("1a2b"));
        std::fs::create_dir(&parts).unwrap();
        std::fs::create_dir(dir.path().join("assets")).unwrap();
        std::fs::write(dir.path().join("parts-file"), "").unwrap();
        assert!(is_folder(&parts));
        assert!(!is_folder(&dir.path().join("assets")));
        assert!(!is_folder(&dir.path().join("parts-file")), "a file is not a folder of parts");
    }
}
