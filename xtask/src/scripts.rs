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
//!
//! wasm-bindgen's **snippets** (JS modules of the app's own that the glue imports, such as
//! `src/webcrypto.js`, copied under `snippets/<crate>-<hash>/`) are minified too, renamed after
//! their content (their folder's hash names the crate, not the content: a service worker that
//! keeps assets by address would serve an old one after an update), the glue's import follows
//! the new name, and the page names each with a `modulepreload` link — so the browser fetches it
//! beside the glue rather than after it, and the service worker, which keeps what the page
//! names, has it offline.

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

/// The folder wasm-bindgen copies snippets into, beside the glue.
pub const SNIPPETS: &str = "snippets";

/// Every file under `dir` whose name ends in `.{ext}`, at any depth, in a stable order.
pub fn files_under(dir: &Path, ext: &str) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut folders = vec![dir.to_owned()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).with_context(|| format!("reading {}", folder.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == ext) {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

fn terser(script: &Path) -> Result<()> {
    let out = script.with_extension("min.js");
    let done = cmd("terser")
        .arg(script)
        .args(["--module", "--compress", "--mangle", "--output"])
        .arg(&out)
        .output()
        .context("could not start terser (cargo xtask dist installs it into .tools/)")?;
    if !done.status.success() {
        bail!("terser failed on {}:\n{}", script.display(), String::from_utf8_lossy(&done.stderr));
    }
    std::fs::rename(&out, script).with_context(|| format!("replacing {}", script.display()))
}

/// Minifies the app's scripts in place, and returns `page` with the `integrity` hashes of what
/// it links (served from `public_url`) brought up to date.
pub fn minify(staging: &Path, stem: &str, page: &str, public_url: &str) -> Result<String> {
    let page = snippets(staging, stem, page, public_url, &terser)?;
    for script in scripts(staging, stem)? {
        terser(&script)?;
    }
    refresh_integrity(&page, staging, public_url)
}

/// Minifies each snippet, names it after its content, points the glue at the new name, and
/// returns `page` naming it under that name in a `modulepreload` link.
fn snippets(
    staging: &Path,
    stem: &str,
    page: &str,
    public_url: &str,
    minify: &dyn Fn(&Path) -> Result<()>,
) -> Result<String> {
    use sha2::Digest;

    let folder = staging.join(SNIPPETS);
    if !folder.is_dir() {
        return Ok(page.to_owned());
    }
    let glue_path = staging.join(format!("{stem}.js"));
    let mut glue = std::fs::read_to_string(&glue_path).with_context(|| format!("reading {}", glue_path.display()))?;
    let mut page = page.to_owned();
    let mut links = String::new();
    for snippet in files_under(&folder, "js")? {
        minify(&snippet)?;
        let bytes = std::fs::read(&snippet)?;
        let hash: String = sha2::Sha256::digest(&bytes)[..6].iter().map(|b| format!("{b:02x}")).collect();
        let named = snippet.with_file_name(format!(
            "{}-{hash}.js",
            snippet.file_stem().and_then(|s| s.to_str()).context("a snippet's name")?
        ));
        std::fs::rename(&snippet, &named)?;
        let relative = |p: &Path| -> Result<String> {
            Ok(p.strip_prefix(staging)?
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/"))
        };
        let (old, new) = (relative(&snippet)?, relative(&named)?);
        let imported = format!("./{old}");
        if !glue.contains(&imported) {
            bail!("the glue {} does not import {imported}", glue_path.display());
        }
        glue = glue.replace(&imported, &format!("./{new}"));
        // Trunk names each snippet with a `modulepreload` link already; otherwise one is added.
        let (old_href, new_href) = (format!("\"{public_url}{old}\""), format!("\"{public_url}{new}\""));
        if page.contains(&old_href) {
            page = page.replace(&old_href, &new_href);
        } else {
            links.push_str(&format!(r#"<link rel="modulepreload" href="{public_url}{new}">"#));
        }
    }
    std::fs::write(&glue_path, glue)?;
    let head_end = page.find("</head>").context("the page has no </head>")?;
    Ok(format!("{}{links}{}", &page[..head_end], &page[head_end..]))
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
    fn a_snippet_is_named_after_its_content_imported_under_that_name_and_preloaded() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let folder = dir.join("snippets/frontdesk-0123/src");
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("webcrypto.js"), "export function run() {}").unwrap();
        std::fs::write(
            dir.join("kiosk-abc.js"),
            "import { run } from './snippets/frontdesk-0123/src/webcrypto.js';\nexport default run;",
        )
        .unwrap();
        let page =
            snippets(dir, "kiosk-abc", "<html><head><title>t</title></head></html>", "/kiosk/", &|_| Ok(())).unwrap();
        // sha256("export function run() {}"), first six bytes.
        let named = "snippets/frontdesk-0123/src/webcrypto-71807b0a2eda.js";
        assert!(dir.join(named).is_file(), "{:?}", files_under(dir, "js").unwrap());
        assert!(!folder.join("webcrypto.js").exists());
        let glue = std::fs::read_to_string(dir.join("kiosk-abc.js")).unwrap();
        assert!(glue.contains(&format!("from './{named}'")), "{glue}");
        assert!(page.contains(&format!(r#"<link rel="modulepreload" href="/kiosk/{named}"></head>"#)), "{page}");
        // A page that names the snippet already (Trunk does) names it under its new name.
        std::fs::rename(dir.join(named), folder.join("webcrypto.js")).unwrap();
        std::fs::write(dir.join("kiosk-abc.js"), "import { run } from './snippets/frontdesk-0123/src/webcrypto.js';")
            .unwrap();
        let trunk = r#"<head><link rel="modulepreload" href="/kiosk/snippets/frontdesk-0123/src/webcrypto.js" integrity="sha384-x"></head>"#;
        let page = snippets(dir, "kiosk-abc", trunk, "/kiosk/", &|_| Ok(())).unwrap();
        assert_eq!(page, trunk.replace("src/webcrypto.js", "src/webcrypto-71807b0a2eda.js"));
        // No snippets: the page is left as it is.
        let empty = tempfile::tempdir().unwrap();
        assert_eq!(snippets(empty.path(), "x", "<head></head>", "/", &|_| Ok(())).unwrap(), "<head></head>");
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
