//! The page's one inline script moved to a file of its own, so the relay's Content-Security-Policy
//! can allow scripts from the app's own origin only (`script-src 'self'`): an injected inline
//! script then never runs.
//!
//! Trunk writes a small `<script type="module">` into each page that imports wasm-bindgen's glue
//! and starts the wasm. After the build it becomes `boot-<hash>.js` beside the page, named by its
//! content (like Trunk's own files) and linked as `<script type="module" src="…">`.

use std::path::Path;

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

const OPEN: &str = "<script type=\"module\">";
const CLOSE: &str = "</script>";

/// Rewrites `page` (the HTML) with its inline module script moved out: returns the new page and
/// the script's file name and text. A page with no inline script is an error, and so is one
/// with an inline script of another kind.
pub fn extract(page: &str, public_url: &str) -> Result<(String, String, String)> {
    let start = page.find(OPEN).context("the page has no inline module script to move")?;
    let body_start = start + OPEN.len();
    let end = body_start + page[body_start..].find(CLOSE).context("an inline script is not closed")?;
    let script = page[body_start..end].trim().to_owned();
    let hash = Sha256::digest(script.as_bytes());
    let name = format!("boot-{}.js", hash.iter().take(8).map(|b| format!("{b:02x}")).collect::<String>());
    let link = format!("<script type=\"module\" src=\"{public_url}{name}\"></script>");
    let rewritten = format!("{}{link}{}", &page[..start], &page[end + CLOSE.len()..]);
    if rewritten.contains("<script>") || rewritten.contains(OPEN) {
        bail!("the page has another inline script; the Content-Security-Policy would block it");
    }
    Ok((rewritten, name, script))
}

/// Moves the inline script of the page `page_file` into a file beside it.
pub fn move_out(page_file: &Path, public_url: &str) -> Result<()> {
    let page = std::fs::read_to_string(page_file).with_context(|| format!("reading {}", page_file.display()))?;
    let (rewritten, name, script) = extract(&page, public_url)?;
    let folder = page_file.parent().context("the page's folder")?;
    std::fs::write(folder.join(&name), script)?;
    std::fs::write(page_file, rewritten)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "<html><head>\n<script type=\"module\">\nimport init from '/app.js';\nawait init();\n</script>\n<link rel=\"stylesheet\" href=\"/s.css\"/></head><body></body></html>";

    #[test]
    fn the_inline_script_becomes_a_file_named_by_its_content() {
        let (page, name, script) = extract(PAGE, "/kiosk/").unwrap();
        assert_eq!(script, "import init from '/app.js';\nawait init();");
        assert!(name.starts_with("boot-") && name.ends_with(".js") && name.len() == "boot-".len() + 16 + 3);
        assert!(page.contains(&format!("<script type=\"module\" src=\"/kiosk/{name}\"></script>")));
        assert!(!page.contains("await init"), "{page}");
        assert!(page.contains("<link rel=\"stylesheet\" href=\"/s.css\"/>"));
        let (_, other, _) = extract(&PAGE.replace("init()", "init(1)"), "/").unwrap();
        assert_ne!(name, other, "another script, another name");
    }

    #[test]
    fn a_page_without_one_or_with_another_is_an_error() {
        assert!(extract("<html></html>", "/").is_err());
        let two = PAGE.replace("<body>", "<body><script>alert(1)</script>");
        assert!(extract(&two, "/").is_err());
    }
}
