//! The app's JavaScript minified (part of Trunk's post-build hook in release builds, see
//! split.rs): wasm-bindgen's glue for each app and the script that loads the desk's parts,
//! through terser (npm, installed into `.tools/` with wasm-opt). Only what the page loads: the
//! service worker stays as written.
//!
//! A page that names a script with an `integrity` hash (Trunk adds them unless told not to, as
//! the kiosk's page does) gets the hash of the minified file.
//!
//! terser's defaults are the safe ones (no `unsafe` compressions); `--module` lets it rename the
//! top-level names too, which an ES module keeps to itself — its exports keep theirs, and
//! wasm-bindgen's import object is keyed by strings, which no minifier renames.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::{cmd, parts};

/// The scripts of the app staged in `staging` under Trunk's `<bin>-<hash>` name `stem`.
fn scripts(staging: &Path, stem: &str) -> Result<Vec<PathBuf>> {
    let mut found = vec![staging.join(format!("{stem}.js"))];
    for entry in std::fs::read_dir(staging)? {
        let path = entry?.path();
        let loader = path.join(parts::LOADER);
        if parts::is_folder(&path) && loader.is_file() {
            found.push(loader);
        }
    }
    Ok(found)
}

/// Minifies the app's scripts in place, and returns `page` with the `integrity` hashes of what
/// it links (served from `public_url`) brought up to date.
pub fn minify(staging: &Path, stem: &str, page: &str, public_url: &str) -> Result<String> {
    for script in scripts(staging, stem)? {
        let out = script.with_extension("min.js");
        let done = cmd("terser")
            .arg(&script)
            .args(["--module", "--compress", "--mangle", "--output"])
            .arg(&out)
            .output()
            .context("could not start terser (cargo xtask dist installs it into .tools/)")?;
        if !done.status.success() {
            bail!("terser failed on {}:\n{}", script.display(), String::from_utf8_lossy(&done.stderr));
        }
        std::fs::rename(&out, &script).with_context(|| format!("replacing {}", script.display()))?;
    }
    refresh_integrity(page, staging, public_url)
}

/// `page` with each `integrity="sha384-…"` set to the hash of the file its tag's `href` names.
fn refresh_integrity(page: &str, staging: &Path, public_url: &str) -> Result<String> {
    use base64::Engine;
    use sha2::Digest;

    const ATTR: &str = "integrity=\"sha384-";
    let mut out = String::with_capacity(page.len());
    let mut rest = page;
    while let Some(at) = rest.find(ATTR) {
        let tag_start = rest[..at].rfind('<').context("an integrity attribute outside a tag")?;
        let tag_end = at + rest[at..].find('>').context("an unclosed tag")?;
        let tag = &rest[tag_start..tag_end];
        let href = tag
            .split_once("href=\"")
            .and_then(|(_, r)| r.split_once('"'))
            .map(|(href, _)| href)
            .with_context(|| format!("a tag with an integrity hash and no href: {tag}"))?;
        let file = href.strip_prefix(public_url).with_context(|| format!("{href} is not under {public_url}"))?;
        let bytes =
            std::fs::read(staging.join(file)).with_context(|| format!("reading {file}, which the page links"))?;
        let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha384::digest(&bytes));
        let value_start = at + ATTR.len();
        let value_end = value_start + rest[value_start..].find('"').context("an unclosed integrity attribute")?;
        out.push_str(&rest[..value_start]);
        out.push_str(&hash);
        rest = &rest[value_end..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_glue_and_the_parts_loader_are_minified_and_the_service_worker_is_not() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::create_dir_all(dir.join("parts-abc")).unwrap();
        std::fs::create_dir_all(dir.join("other")).unwrap();
        for file in ["frontdesk-abc.js", "sw.js", "parts-abc/__wasm_split.js", "other/__wasm_split.js"] {
            std::fs::write(dir.join(file), "").unwrap();
        }
        let mut found = scripts(dir, "frontdesk-abc").unwrap();
        found.sort();
        assert_eq!(found, vec![dir.join("frontdesk-abc.js"), dir.join("parts-abc/__wasm_split.js")]);
    }

    #[test]
    fn each_integrity_hash_is_the_hash_of_the_file_as_it_is_now() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("app.js"), "export const a = 1;").unwrap();
        std::fs::write(dir.path().join("app_bg.wasm"), b"\0asm").unwrap();
        let page = concat!(
            r#"<head><link rel="modulepreload" href="/kiosk/app.js" integrity="sha384-old">"#,
            r#"<link rel="preload" href="/kiosk/app_bg.wasm" crossorigin="anonymous" integrity="sha384-stale" as="fetch">"#,
            r#"<link rel="stylesheet" href="/kiosk/style.css"></head>"#
        );
        let page = refresh_integrity(page, dir.path(), "/kiosk/").unwrap();
        // sha384 of each file's bytes, base64 (as `openssl dgst -sha384 -binary | base64` gives).
        assert!(page.contains(r#"href="/kiosk/app.js" integrity="sha384-cbUm2un28wzCuhRbr5P2NjvygLIPE7Upshq7IFu3zHWe7O6QknqF2PIHu0c5wGP6">"#), "{page}");
        assert!(
            page.contains(
                r#"integrity="sha384-YEecHYiETEhXOS4QEG6OPoaDh+wFLyS6UCrUH7/tGdvwG3oqMSIXKlt2yqAvzfPr" as="fetch">"#
            ),
            "{page}"
        );
        assert!(page.ends_with(r#"<link rel="stylesheet" href="/kiosk/style.css"></head>"#));
        // A page without hashes is left as it is; a hash for a file that is not there is an error.
        assert_eq!(refresh_integrity("<p>x</p>", dir.path(), "/").unwrap(), "<p>x</p>");
        assert!(refresh_integrity(r#"<link href="/gone.js" integrity="sha384-x">"#, dir.path(), "/").is_err());
    }
}
