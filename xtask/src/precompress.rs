//! Gzip copies of the app's files, written next to them once per build (`desk.wasm` →
//! `desk.wasm.gz`): the relay sends the copy to a browser that takes gzip (its `ServeDir` with
//! `precompressed_gzip`), so a device downloads about 40 % of the files' size and the relay
//! spends no time compressing.
//!
//! What a device waits for when it starts (each app's own files: its main wasm module, JS, CSS,
//! page; and the script that loads the parts) is compressed with Zopfli, which searches far
//! harder than zlib's level 9 for the same gzip format: 5 % smaller wasm, for ~10 s of a core per app and build. The desk's parts
//! (`parts-*/`, fetched when a section opens or in the background) get zlib's best: Zopfli
//! takes minutes over their two hundred small files.

use std::io::Write;
use std::num::NonZeroU64;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result};

/// The kinds of file worth compressing (the rest — none today — are sent as they are).
const COMPRESSIBLE: &[&str] = &["wasm", "js", "css", "html", "svg", "webmanifest", "json"];

/// The gzip copy's path: the file's with `.gz` added.
pub fn gz_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".gz");
    PathBuf::from(name)
}

/// Whether `path` is a gzip copy.
pub fn is_copy(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "gz")
}

/// How hard to compress a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Effort {
    /// Zopfli: what a device waits for.
    Thorough,
    /// zlib level 9: what loads later.
    Quick,
}

/// Writes a gzip copy of every compressible file of each app folder in `apps`: Zopfli for what
/// the app loads to start, zlib's best for its parts (both as [`crate::app_files`] tells them
/// apart). Returns how many copies it wrote. (A build starts from empty folders — Trunk replaces
/// `dist/`, and the kiosk's folder is made anew — so no copy outlives its file.)
pub fn precompress(apps: &[PathBuf]) -> Result<usize> {
    let compressible =
        |path: &PathBuf| path.extension().and_then(|e| e.to_str()).is_some_and(|e| COMPRESSIBLE.contains(&e));
    let mut files = Vec::new();
    for app in apps {
        let (own, parts) = crate::app_files(app)?;
        let own = own.into_iter().map(|p| (p, Effort::Thorough));
        for (path, effort) in own.chain(parts.into_iter().map(|p| (p, Effort::Quick))) {
            if compressible(&path) {
                let work = std::fs::metadata(&path)?.len() * if effort == Effort::Thorough { 100 } else { 1 };
                files.push((work, path, effort));
            }
        }
    }
    // Most work first, shared by one worker per core.
    files.sort_by_key(|f| std::cmp::Reverse(f.0));
    let queue = Mutex::new(files.into_iter().map(|(_, path, effort)| (path, effort)));
    let written = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|scope| -> Result<()> {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| -> Result<()> {
                    loop {
                        let next = queue.lock().expect("no worker panics holding the queue").next();
                        let Some((path, effort)) = next else { return Ok(()) };
                        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
                        std::fs::write(gz_path(&path), gzip(&bytes, effort)?)
                            .with_context(|| format!("writing {}'s gzip copy", path.display()))?;
                        written.fetch_add(1, Ordering::Relaxed);
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.join().expect("a compression worker panicked")?;
        }
        Ok(())
    })?;
    Ok(written.into_inner())
}

/// `bytes` in the gzip format.
fn gzip(bytes: &[u8], effort: Effort) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() / 3);
    match effort {
        Effort::Thorough => {
            // Up to 300 blocks, each with its own Huffman codes (the default stops at 15: the
            // desk's main module has parts as unlike as tables of text and code), and ten
            // iterations: 597.2 KB instead of 602.7 KB for the desk's 1.5 MB main module, ~8 s
            // instead of ~2 s. More iterations gained < 0.1 KB per ten.
            let options = zopfli::Options {
                iteration_count: NonZeroU64::new(10).expect("not zero"),
                maximum_block_splits: 300,
                ..zopfli::Options::default()
            };
            zopfli::compress(options, zopfli::Format::Gzip, bytes, &mut out).context("gzip")?;
        }
        Effort::Quick => {
            let mut encoder = flate2::write::GzEncoder::new(&mut out, flate2::Compression::best());
            encoder.write_all(bytes)?;
            encoder.finish()?;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn gunzip(copy: &[u8]) -> Vec<u8> {
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(copy).read_to_end(&mut back).unwrap();
        back
    }

    #[test]
    fn a_copy_reads_back_as_the_file_and_is_smaller() {
        let text = "Frontdesk keeps the front office. ".repeat(200);
        for effort in [Effort::Thorough, Effort::Quick] {
            let copy = gzip(text.as_bytes(), effort).unwrap();
            assert!(copy.len() < text.len() / 10, "{effort:?}: {} bytes", copy.len());
            assert_eq!(gunzip(&copy), text.as_bytes(), "{effort:?}");
        }
    }

    #[test]
    fn what_an_app_waits_for_gets_zopfli_its_parts_zlib_and_other_kinds_no_copy() {
        let dir = tempfile::tempdir().unwrap();
        let (desk, kiosk) = (dir.path().to_owned(), dir.path().join("kiosk"));
        std::fs::create_dir_all(&kiosk).unwrap();
        std::fs::create_dir_all(desk.join("parts-1a2b")).unwrap();
        let files: [(PathBuf, &[u8], Effort); 4] = [
            (desk.join("index.html"), b"<html>desk</html>", Effort::Thorough),
            (kiosk.join("app.wasm"), &[0, 97, 115, 109], Effort::Thorough),
            (desk.join("parts-1a2b/__wasm_split.js"), b"export const load = 1;", Effort::Thorough),
            (desk.join("parts-1a2b/calendar.wasm"), &[0, 97, 115, 109, 1], Effort::Quick),
        ];
        for (path, bytes, _) in &files {
            std::fs::write(path, bytes).unwrap();
        }
        std::fs::write(desk.join("photo.png"), [137u8, 80, 78, 71]).unwrap();
        assert_eq!(precompress(&[desk.clone(), kiosk]).unwrap(), 4);
        for (path, bytes, effort) in &files {
            let copy = std::fs::read(gz_path(path)).unwrap();
            assert_eq!(gunzip(&copy), *bytes, "{}", path.display());
            assert_eq!(copy, gzip(bytes, *effort).unwrap(), "{} compressed {effort:?}", path.display());
        }
        assert!(!desk.join("photo.png.gz").exists(), "not a compressible kind");
    }
}
