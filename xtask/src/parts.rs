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
    compact_chunks(&out)
}

/// How the loader declares each shared chunk, once its fetch is compacted: `{n}` its number.
const CHUNK: (&str, &str, &str) = ("const __chunk_", " = makeLoad(fetchPart(\"./chunk_", ".wasm\"), []);");

/// The loader with its shared chunks declared by one loop, and each section's list of the chunks
/// it needs as a bit set: wasm_split writes a line per chunk (~340) and each section names its
/// chunks one by one (up to ~200), 2 KB of the desk's first download once gzipped. Fails if the
/// chunks are not declared as expected (a chunk needing another, a section declared before the
/// chunks it needs), rather than ship a loader that loads the wrong thing.
fn compact_chunks(loader: &str) -> anyhow::Result<String> {
    let mut chunks = Vec::new();
    let mut kept: Vec<&str> = Vec::new();
    let mut first = None;
    let mut lines = loader.split_inclusive('\n').peekable();
    while let Some(line) = lines.next() {
        // wasm_split's comment naming the sections a chunk serves, just before it.
        if line.starts_with("/*") && lines.peek().is_some_and(|next| next.starts_with(CHUNK.0)) {
            continue;
        }
        if let Some(rest) = line.strip_prefix(CHUNK.0) {
            let n = chunk_number(rest)?;
            if !rest.trim_end().ends_with(&format!("{n}{}{n}{}", CHUNK.1, CHUNK.2)) {
                anyhow::bail!("the parts loader declares chunk {n} in an unexpected way: {line}");
            }
            first.get_or_insert(kept.len());
            chunks.push(n);
            continue;
        }
        if first.is_none() && line.contains("__chunk_") {
            anyhow::bail!("the parts loader names a chunk before declaring any: {line}");
        }
        kept.push(line);
    }
    let Some(first) = first else { anyhow::bail!("the parts loader declares no chunk") };
    let declared = |n: &usize| chunks.contains(n);
    let mut out = String::with_capacity(loader.len() / 3);
    for (at, line) in kept.iter().enumerate() {
        if at == first {
            out.push_str(
                "const bitsOf = (bits) => {\n    const out = [], bytes = atob(bits);\n    \
                 for (let i = 0; i < bytes.length * 8; i++) if ((bytes.charCodeAt(i >> 3) >> (i & 7)) & 1) out.push(i);\n    \
                 return out;\n};\nconst chunks = [];\n",
            );
            out.push_str(&format!(
                "for (const n of bitsOf(\"{}\")) chunks[n] = makeLoad(fetchPart(`./chunk_${{n}}.wasm`), []);\n",
                bit_set(&chunks)
            ));
        }
        // A section's list of chunks: `[__chunk_1, __chunk_5]`.
        let Some(start) = line.find("[__chunk_") else {
            out.push_str(line);
            continue;
        };
        let end = start
            + line[start..]
                .find(']')
                .ok_or_else(|| anyhow::anyhow!("a section's list of chunks has no end: {line}"))?;
        let mut needed = Vec::new();
        for name in line[start + 1..end].split(", ") {
            let n = name.strip_prefix("__chunk_").and_then(|n| n.parse().ok()).filter(declared);
            needed.push(n.ok_or_else(|| anyhow::anyhow!("a section needs {name}, which is not declared"))?);
        }
        out.push_str(&line[..start]);
        out.push_str(&format!("bitsOf(\"{}\").map((n) => chunks[n])", bit_set(&needed)));
        out.push_str(&line[end + 1..]);
    }
    if out.contains("__chunk_") {
        anyhow::bail!("the parts loader names a chunk in an unexpected way");
    }
    Ok(out)
}

/// The number a chunk's declaration starts with.
fn chunk_number(rest: &str) -> anyhow::Result<usize> {
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().map_err(|_| anyhow::anyhow!("a chunk of the parts loader has no number: {rest}"))
}

/// Numbers as a bit set (bit `n % 8` of byte `n / 8`), in base64: what the loader's `bitsOf`
/// reads back.
fn bit_set(numbers: &[usize]) -> String {
    use base64::Engine;
    let mut bytes = vec![0u8; numbers.iter().max().map_or(0, |m| m / 8 + 1)];
    for n in numbers {
        bytes[n / 8] |= 1 << (n % 8);
    }
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What wasm_split 0.2.4 writes for three chunks and three sections (its text, shortened to
    /// what matters).
    fn loader() -> String {
        let fetch = |path: &str| format!("{FETCH_START}{path}{FETCH_END}");
        format!(
            "import {{ initSync }} from \"../app.js\";\nlet sharedImports = undefined;\n\
             /* team, rooms */\nconst __chunk_1 = makeLoad({}, []);\n\
             /* rooms */\nconst __chunk_9 = makeLoad({}, []);\n\
             /* team */\nconst __chunk_12 = makeLoad({}, []);\n\
             export const __wasm_split_load_team_1 = wrapAsyncCb(makeLoad({}, [__chunk_1, __chunk_12]));\n\
             export const __wasm_split_load_rooms_2 = wrapAsyncCb(makeLoad({}, [__chunk_1, __chunk_9]));\n\
             export const __wasm_split_load_clock_3 = wrapAsyncCb(makeLoad({}, []));\n",
            fetch("./chunk_1.wasm"),
            fetch("./chunk_9.wasm"),
            fetch("./chunk_12.wasm"),
            fetch("./split_team_1.wasm"),
            fetch("./split_rooms_2.wasm"),
            fetch("./split_clock_3.wasm"),
        )
    }

    /// What the loader's `bitsOf` reads from a bit set (the same steps, in Rust).
    fn bits_of(set: &str) -> Vec<usize> {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD.decode(set).unwrap();
        (0..bytes.len() * 8).filter(|i| (bytes[i >> 3] >> (i & 7)) & 1 == 1).collect()
    }

    /// The bit sets of the loader, in order.
    fn sets(loader: &str) -> Vec<Vec<usize>> {
        loader.split("bitsOf(\"").skip(1).map(|rest| bits_of(&rest[..rest.find('"').unwrap()])).collect()
    }

    #[test]
    fn the_loader_fetches_every_module_through_one_function() {
        let compact = compact_loader(&loader()).unwrap();
        assert!(compact.starts_with("import { initSync } from \"../app.js\";\nconst fetchPart = (path) =>"));
        assert!(compact.contains("chunks[n] = makeLoad(fetchPart(`./chunk_${n}.wasm`), []);"), "{compact}");
        assert!(compact.contains("wrapAsyncCb(makeLoad(fetchPart(\"./split_team_1.wasm\"), bitsOf("), "{compact}");
        assert!(compact.contains("wrapAsyncCb(makeLoad(fetchPart(\"./split_clock_3.wasm\"), []))"), "{compact}");
        assert_eq!(compact.matches("instantiateStreaming").count(), 1);
        assert!(!compact.contains("__chunk_") && !compact.contains("/*"), "{compact}");
        assert!(compact.len() < loader().len());
    }

    #[test]
    fn every_chunk_is_declared_once_and_each_section_needs_the_chunks_it_named() {
        let compact = compact_loader(&loader()).unwrap();
        // The declaring loop's set, then the team's and the rooms' (the clock needs none).
        assert_eq!(sets(&compact), vec![vec![1, 9, 12], vec![1, 12], vec![1, 9]]);
        let declared = compact.find("for (const n of bitsOf").unwrap();
        assert!(declared < compact.find("export const").unwrap(), "chunks are declared before any section");
        assert_eq!(bits_of(&bit_set(&[0, 7, 8, 341])), vec![0, 7, 8, 341]);
        assert_eq!(bits_of(&bit_set(&[])), Vec::<usize>::new());
    }

    #[test]
    fn a_chunk_list_of_another_shape_is_refused() {
        let compacted = |text: String| compact_loader(&text);
        // A chunk that needs another, a chunk under another file's name, an undeclared chunk.
        assert!(compacted(loader().replacen(", []);\n/* rooms */", ", [__chunk_9]);\n/* rooms */", 1)).is_err());
        assert!(compacted(loader().replace("./chunk_9.wasm", "./chunk_10.wasm")).is_err());
        assert!(compacted(loader().replace("[__chunk_1, __chunk_9]", "[__chunk_1, __chunk_4]")).is_err());
        // A section declared before its chunks.
        let early = loader().replace(
            "/* team, rooms */",
            "export const __wasm_split_load_x_4 = wrapAsyncCb(makeLoad(x, [__chunk_1]));\n/* team, rooms */",
        );
        assert!(compacted(early).is_err());
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
