//! One style sheet per app, minified (part of Trunk's post-build hook, see split.rs).
//!
//! The sources stay one file per area (`style/base.css`, `style/calendar.css`, …), each a
//! `<link data-trunk rel="css">` of the page. Trunk copies each as it is; this joins the ones a
//! page names, in its order, into `style-<hash>.css`, minified, and links that one instead: one
//! request instead of seven, and compressed together the desk's styles are 40 % smaller than
//! apart (gzip finds the class names and rules they share).
//!
//! Sheets marked `data-later` (the desk's sections that are not on the board: calendar, rooms,
//! sales) are joined apart into `later-<hash>.css`, which the page names as
//! `<link rel="frontdesk-style">` — not fetched while the page loads, so not in what a tablet
//! waits for before the board shows — and which the page's start script turns into a style sheet
//! once the app has started. The service worker keeps it, as everything the page names.

use std::hash::{Hash, Hasher};
use std::path::Path;

use anyhow::{Context, Result, bail};

/// A `<link rel="stylesheet" …>` tag of the page: where it is and the file it names.
struct Sheet {
    start: usize,
    end: usize,
    href: String,
    later: bool,
}

/// What the later sheet's name starts with.
const LATER: &str = "later";

/// Whether `file` is a page's later sheet (fetched once the app started, not while it loads).
pub fn is_later(file: &Path) -> bool {
    file.file_name().is_some_and(|n| n.to_string_lossy().starts_with(&format!("{LATER}-")))
}

/// What the page's start script does once the app has started: fetch the later sheets.
const LOAD_LATER: &str =
    "for(const l of document.querySelectorAll('link[rel=\"frontdesk-style\"]'))l.rel=\"stylesheet\";";

fn sheets(page: &str) -> Result<Vec<Sheet>> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = page[from..].find("<link rel=\"stylesheet\"") {
        let start = from + at;
        let end = start + page[start..].find('>').context("an unclosed <link> tag")? + 1;
        let tag = &page[start..end];
        let href = tag
            .split_once("href=\"")
            .and_then(|(_, rest)| rest.split_once('"'))
            .map(|(href, _)| href.to_owned())
            .with_context(|| format!("a style sheet link without href: {tag}"))?;
        found.push(Sheet { start, end, href, later: tag.contains(" data-later") });
        from = end;
    }
    Ok(found)
}

/// Joins the style sheets `page` links (files in `staging`, named from `public_url`) into one
/// minified sheet — and those marked `data-later` into another, fetched once the app started —
/// and returns the page linking them.
pub fn bundle(staging: &Path, page: &str, public_url: &str) -> Result<String> {
    let sheets = sheets(page)?;
    if sheets.is_empty() {
        return Ok(page.to_owned());
    }
    let first = join(staging, sheets.iter().filter(|s| !s.later), public_url, "style")?;
    let later = join(staging, sheets.iter().filter(|s| s.later), public_url, LATER)?;
    let mut out = String::with_capacity(page.len());
    let mut at = 0;
    for (i, sheet) in sheets.iter().enumerate() {
        out.push_str(&page[at..sheet.start]);
        if i == 0 {
            if let Some(name) = &first {
                out.push_str(&format!("<link rel=\"stylesheet\" href=\"{public_url}{name}\"/>"));
            }
            if let Some(name) = &later {
                out.push_str(&format!("<link rel=\"frontdesk-style\" href=\"{public_url}{name}\"/>"));
            }
        }
        at = sheet.end;
    }
    out.push_str(&page[at..]);
    if later.is_some() {
        // At the end of the start script, after the app's `await init(…)`.
        const CLOSE: &str = "</script>";
        let script = out.find("<script type=\"module\">").context("later sheets, but no start script to load them")?;
        let close = script + out[script..].find(CLOSE).context("an unclosed start script")?;
        out.insert_str(close, &format!("\n{LOAD_LATER}\n"));
    }
    Ok(out)
}

/// Joins `sheets` (removing their files) into one minified `<prefix>-<hash>.css`; its name, or
/// `None` when there are none.
fn join<'a>(
    staging: &Path,
    sheets: impl Iterator<Item = &'a Sheet>,
    public_url: &str,
    prefix: &str,
) -> Result<Option<String>> {
    let mut joined = String::new();
    for sheet in sheets {
        let name =
            sheet.href.strip_prefix(public_url).with_context(|| format!("{} is not under {public_url}", sheet.href))?;
        if name.contains('/') {
            bail!("a style sheet in a folder ({}): not one Trunk wrote", sheet.href);
        }
        let path = staging.join(name);
        joined.push_str(&std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?);
        joined.push('\n');
        std::fs::remove_file(&path)?;
    }
    // The minifier drops the space of a descendant combinator between a parenthesis and `*` or
    // `:` (`body:has(.kit) *` became `body:has(.kit)*`, which matches only the body): refused
    // here rather than shipped with another meaning.
    if let Some(at) = universal_after_parenthesis(&joined) {
        let line = joined[..at].lines().count();
        bail!(
            "a style sheet has `) *` or `) :` in a selector (line {line} of the joined sheets), which the minifier changes: write it another way"
        );
    }
    let minified = minifier::css::minify(&joined)
        .map_err(|err| anyhow::anyhow!("minifying the style sheets: {err}"))?
        .to_string()
        .trim()
        .to_owned();
    if joined.is_empty() {
        return Ok(None);
    }
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    minified.hash(&mut hasher);
    let name = format!("{prefix}-{:016x}.css", hasher.finish());
    std::fs::write(staging.join(&name), &minified)?;
    Ok(Some(name))
}

/// Where, in a selector (outside comments and declarations), a `)` is followed by white space and
/// then `*` or `:`, if anywhere.
fn universal_after_parenthesis(css: &str) -> Option<usize> {
    let bytes = css.as_bytes();
    let mut in_comment = false;
    let mut i = 0;
    while i < bytes.len() {
        if in_comment {
            if bytes[i..].starts_with(b"*/") {
                in_comment = false;
                i += 1;
            }
        } else if bytes[i..].starts_with(b"/*") {
            in_comment = true;
            i += 1;
        } else if bytes[i] == b')' {
            let rest = &bytes[i + 1..];
            let spaces = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
            // A selector runs up to a `{`; a declaration's value (`calc((a) * 2)`) up to `;` or `}`.
            let in_selector = rest.iter().find(|b| matches!(b, b'{' | b';' | b'}')) == Some(&b'{');
            let next = rest.get(spaces);
            let combinator_lost = next == Some(&b':') || (next == Some(&b'*') && rest.get(spaces + 1) != Some(&b'/'));
            if spaces > 0 && combinator_lost && in_selector {
                return Some(i);
            }
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_universal_selector_after_a_parenthesis_is_refused_before_the_minifier_changes_it() {
        assert!(universal_after_parenthesis("body:has(.kit) * { visibility: hidden; }").is_some());
        assert!(universal_after_parenthesis("a:not(.b)\n  * { x: y }").is_some());
        assert_eq!(universal_after_parenthesis("html:has(.kit) body * { visibility: hidden; }"), None);
        assert_eq!(universal_after_parenthesis("a { width: calc(1px * 2); } /* (x) */"), None);
        assert_eq!(universal_after_parenthesis("a:not(.b) > * { }"), None);
        assert!(universal_after_parenthesis(".row:has(.x) :focus { outline: 0 }").is_some());
        assert!(universal_after_parenthesis(".row:not(.x) ::before { content: '' }").is_some());
        assert_eq!(universal_after_parenthesis("@media (min-width: 700px) { a { b: c } }"), None, "a media query");
        assert_eq!(universal_after_parenthesis("a { width: calc((1px + 2px) * 2); }"), None, "a value, not a selector");
    }

    #[test]
    fn the_sheets_are_joined_in_the_page_order_into_one_minified_sheet() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("base-1.css"), "/* the base */\n.page {\n  color: red;\n}\n").unwrap();
        std::fs::write(dir.path().join("desk-2.css"), ".page   .tab {\n  margin: 0 auto;\n}\n").unwrap();
        let page = "<head>\n<link rel=\"stylesheet\" href=\"/kiosk/base-1.css\" integrity=\"sha384-x\"/>\n\
                    <link rel=\"stylesheet\" href=\"/kiosk/desk-2.css\" integrity=\"sha384-y\"/>\n</head>";
        let out = bundle(dir.path(), page, "/kiosk/").unwrap();
        let links: Vec<&str> = out.matches("<link").collect();
        assert_eq!(links.len(), 1, "{out}");
        let href = out.split_once("href=\"/kiosk/").unwrap().1.split_once('"').unwrap().0;
        assert!(href.starts_with("style-") && href.ends_with(".css"), "{href}");
        let css = std::fs::read_to_string(dir.path().join(href)).unwrap();
        assert_eq!(css, ".page{color:red;}.page .tab{margin:0 auto;}");
        assert!(!dir.path().join("base-1.css").exists() && !dir.path().join("desk-2.css").exists());
        assert!(out.starts_with("<head>\n<link rel=\"stylesheet\""), "{out}");
        assert!(out.ends_with("\n\n</head>"), "{out}");
    }

    #[test]
    fn sheets_marked_later_are_joined_apart_and_fetched_once_the_app_started() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("base-1.css"), ".page{color:red}").unwrap();
        std::fs::write(dir.path().join("sales-2.css"), ".sale{color:blue}").unwrap();
        std::fs::write(dir.path().join("rooms-3.css"), ".room{color:green}").unwrap();
        let page = "<head>\n<script type=\"module\">\nawait init();\n</script>\n\
                    <link rel=\"stylesheet\" href=\"/base-1.css\"/>\n\
                    <link rel=\"stylesheet\" href=\"/sales-2.css\" data-later=\"\"/>\n\
                    <link rel=\"stylesheet\" href=\"/rooms-3.css\" data-later/>\n</head>";
        let out = bundle(dir.path(), page, "/").unwrap();
        let href = |rel: &str| {
            let at = out.find(&format!("<link rel=\"{rel}\" href=\"/")).expect(rel);
            out[at..].split_once("href=\"/").unwrap().1.split_once('"').unwrap().0.to_owned()
        };
        let (first, later) = (href("stylesheet"), href("frontdesk-style"));
        assert_eq!(out.matches("<link").count(), 2, "{out}");
        assert!(first.starts_with("style-") && is_later(Path::new(&later)), "{first} {later}");
        assert!(!is_later(Path::new(&first)));
        assert_eq!(std::fs::read_to_string(dir.path().join(&first)).unwrap(), ".page{color:red}");
        assert_eq!(std::fs::read_to_string(dir.path().join(&later)).unwrap(), ".sale{color:blue}.room{color:green}");
        // Loaded by the start script, after the app's start.
        let script = out.split_once("<script type=\"module\">").unwrap().1.split_once("</script>").unwrap().0;
        assert!(script.find("await init()").unwrap() < script.find(LOAD_LATER).unwrap(), "{script}");
        // Without a start script to load them, later sheets would never apply: refused.
        std::fs::write(dir.path().join("sales-2.css"), ".sale{}").unwrap();
        let bare = "<head><link rel=\"stylesheet\" href=\"/sales-2.css\" data-later/></head>";
        assert!(bundle(dir.path(), bare, "/").is_err());
    }

    #[test]
    fn a_page_without_sheets_is_left_as_it_is() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(bundle(dir.path(), "<head></head>", "/").unwrap(), "<head></head>");
    }
}
