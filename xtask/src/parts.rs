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

/// How wasm_split (0.2.4, pinned) writes the fetch of each module in a release build's loader:
/// the text around the module's path.
const FETCH_START: &str = "() => {\n    const src = fetch(new URL(\"";
const FETCH_END: &str = "\", import.meta.url));\n    src.catch(() => {});\n    return async (imports) => (WebAssembly.instantiateStreaming(src, imports));\n}\n";

/// The loader with one fetch function for all its modules: wasm_split writes the same five lines
/// for each of the desk's ~340 modules, and the loader is part of the desk's first download.
/// Every module still starts its fetch when first needed, and a failed fetch is still observed.
/// Fails if the loader does not look as expected (a new wasm_split), rather than ship it unshrunk.
pub fn compact_loader(loader: &str) -> anyhow::Result<String> {
    let Some(import_end) = loader.find(";\n").map(|i| i + 2) else {
        anyhow::bail!("the parts loader does not start with its import");
    };
    let mut out = String::with_capacity(loader.len() / 2);
    out.push_str(&loader[..import_end]);
    out.push_str(
        "const fetchPart = (path) => () => {\n    const src = fetch(new URL(path, import.meta.url));\n    \
         src.catch(() => {});\n    return async (imports) => WebAssembly.instantiateStreaming(src, imports);\n};\n",
    );
    let mut rest = &loader[import_end..];
    let mut fetches = 0;
    while let Some(start) = rest.find(FETCH_START) {
        let after = &rest[start + FETCH_START.len()..];
        let Some(path_end) = after.find('"') else { anyhow::bail!("a module's path in the parts loader has no end") };
        let path = &after[..path_end];
        let Some(tail) = after[path_end..].strip_prefix(FETCH_END) else {
            anyhow::bail!("the parts loader fetches {path} in an unexpected way");
        };
        out.push_str(&rest[..start]);
        out.push_str(&format!("fetchPart(\"{path}\")"));
        rest = tail;
        fetches += 1;
    }
    out.push_str(rest);
    if fetches == 0 || out.matches("instantiateStreaming").count() != 1 {
        anyhow::bail!("the parts loader fetches its modules in an unexpected way ({fetches} recognised)");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What wasm_split 0.2.4 writes for two modules (its text, shortened to what matters).
    fn loader() -> String {
        let fetch = |path: &str| format!("{FETCH_START}{path}{FETCH_END}");
        format!(
            "import {{ initSync }} from \"../app.js\";\nlet sharedImports = undefined;\n\
             const __chunk_1 = makeLoad({}, []);\n\
             export const __wasm_split_load_team_1 = wrapAsyncCb(makeLoad({}, [__chunk_1]));\n",
            fetch("./chunk_1.wasm"),
            fetch("./split_team_1.wasm")
        )
    }

    #[test]
    fn the_loader_fetches_every_module_through_one_function() {
        let compact = compact_loader(&loader()).unwrap();
        assert!(compact.starts_with("import { initSync } from \"../app.js\";\nconst fetchPart = (path) =>"));
        assert!(compact.contains("const __chunk_1 = makeLoad(fetchPart(\"./chunk_1.wasm\"), []);"), "{compact}");
        assert!(compact.contains("wrapAsyncCb(makeLoad(fetchPart(\"./split_team_1.wasm\"), [__chunk_1]))"));
        assert_eq!(compact.matches("instantiateStreaming").count(), 1);
        assert!(compact.len() < loader().len());
    }

    #[test]
    fn a_loader_of_another_shape_is_refused_not_shipped_unshrunk() {
        let other = loader().replace("src.catch(() => {});", "src.catch(console.error);");
        assert!(compact_loader(&other).is_err());
        assert!(compact_loader("import { initSync } from \"../app.js\";\nconst x = 1;\n").is_err());
    }

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
