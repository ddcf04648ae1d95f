//! `cargo xtask split-wasm`: Trunk's post-build hook (Trunk.toml) that splits the desk's wasm at
//! its `#[lazy]` functions, so a tablet downloads today's board first and each other section of
//! the desk the first time it opens (or when the service worker fetches it for offline use).
//!
//! Trunk builds the app as usual (cargo → wasm-bindgen), then this hook, run in Trunk's staging
//! folder, starts again from cargo's output (linked with `--emit-relocs`, see `build.rs`):
//! `wasm_split_cli_support` splits it into the main module and the parts, wasm-bindgen generates
//! the JavaScript for the main module under the names Trunk gave its own output (so the page
//! Trunk wrote loads it), and wasm-opt shrinks every module. The parts go to
//! `parts-<hash>/` (a new folder for each build, so a cached part never meets a newer main
//! module), and the page lists them as `<link rel="frontdesk-part">` for the service worker.
//!
//! Every app's style sheets are joined into one first (styles.rs), and a release build's scripts
//! are minified last (scripts.rs).
//!
//! An app without split points (the kiosk) is left as Trunk built it — but optimized here if its
//! page turned Trunk's wasm-opt off (`data-wasm-opt="0"`, the desk's, which counts on this hook).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::{cmd, parts, run, say};

/// What marks a wasm whose code calls a split function (the import wasm_split's macro declares).
const SPLIT_IMPORT: &[u8] = b"__wasm_split_00";

pub fn split_wasm() -> Result<()> {
    let staging = PathBuf::from(std::env::var_os("TRUNK_STAGING_DIR").context("run by Trunk as a hook")?);
    let html_file = PathBuf::from(std::env::var_os("TRUNK_HTML_FILE").context("run by Trunk as a hook")?);
    let profile = std::env::var("TRUNK_PROFILE").unwrap_or_else(|_| "release".into());
    let public_url = std::env::var("TRUNK_PUBLIC_URL").unwrap_or_else(|_| "/".into());
    // Trunk's output: `<bin>-<hash>.js` and `<bin>-<hash>_bg.wasm`.
    let stem = staged_stem(&staging)?;
    let (bin, hash) = stem.rsplit_once('-').context("Trunk names its output <bin>-<hash>")?;
    let input = target_dir()?.join(crate::WASM_TARGET).join(&profile).join(format!("{bin}.wasm"));
    let input_wasm = std::fs::read(&input).with_context(|| format!("reading cargo's output {}", input.display()))?;
    let page_path = [staging.join(html_file.file_name().context("the page's file name")?), staging.join("index.html")]
        .into_iter()
        .find(|p| p.is_file())
        .context("the page Trunk wrote")?;
    let page = std::fs::read_to_string(&page_path).with_context(|| format!("reading {}", page_path.display()))?;
    let mut page = crate::styles::bundle(&staging, &page, &public_url)?;
    if !contains(&input_wasm, SPLIT_IMPORT) {
        let source = std::fs::read_to_string(&html_file).unwrap_or_default();
        if profile == "release" {
            // A page that turned Trunk's wasm-opt off (the kiosk's) gets the thorough treatment
            // of the desk's main module: it is all that page loads, under the same budget.
            let wasm = staging.join(format!("{stem}_bg.wasm"));
            if source.contains("data-wasm-opt=\"0\"") {
                optimize(std::slice::from_ref(&wasm), std::slice::from_ref(&wasm))?;
            }
            crate::imports::shorten(&wasm, &staging.join(format!("{stem}.js")))?;
            page = crate::scripts::minify(&staging, &stem, &page, &public_url)?;
        }
        std::fs::write(&page_path, page)?;
        return Ok(());
    }
    say(&format!("splitting {bin}'s wasm into its parts"));

    let folder = parts::folder_name(hash);
    let parts_dir = staging.join(&folder);
    if parts_dir.exists() {
        std::fs::remove_dir_all(&parts_dir)?;
    }
    std::fs::create_dir_all(&parts_dir)?;
    let main_wasm = parts_dir.join("main.wasm");
    let link_name = format!("./{folder}/{}", parts::LOADER);
    let main_module = format!("../{stem}.js");
    let split = wasm_split_cli_support::transform({
        let mut options = wasm_split_cli_support::Options::new(&input_wasm);
        options.output_dir = &staging;
        options.main_out_path = &main_wasm;
        options.link_name = &link_name;
        options.main_module = &main_module;
        options
    })
    .map_err(|err| anyhow::anyhow!("{err:#}"))
    .context("splitting the wasm (was it linked with --emit-relocs? see build.rs)")?;

    // The parts sit next to the link module, which fetches them relative to itself.
    let mut parts = Vec::new();
    for module in &split.split_modules {
        let name = module.file_name().context("a part's file name")?;
        let to = parts_dir.join(name);
        std::fs::rename(module, &to)?;
        parts.push(to);
    }

    if profile == "release" {
        let loader = parts_dir.join(parts::LOADER);
        let text = std::fs::read_to_string(&loader).with_context(|| format!("reading {}", loader.display()))?;
        std::fs::write(&loader, parts::compact_loader(&text)?)?;
    }

    run(cmd("wasm-bindgen")
        .args(["--target", "web", "--keep-lld-exports", "--no-typescript", "--out-name", &stem, "--out-dir"])
        .arg(&staging)
        .arg(&main_wasm))?;
    std::fs::remove_file(&main_wasm)?;
    if profile == "release" {
        // The main module first: it takes longest (its extra passes), beside the parts.
        let main = staging.join(format!("{stem}_bg.wasm"));
        let modules: Vec<PathBuf> = std::iter::once(main.clone()).chain(parts.iter().cloned()).collect();
        optimize(&modules, std::slice::from_ref(&main))?;
        // The parts import nothing from the glue: only the main module's imports are renamed.
        crate::imports::shorten(&main, &staging.join(format!("{stem}.js")))?;
    }

    // The page names every part, so the service worker keeps them for offline use.
    let mut names: Vec<String> = parts
        .iter()
        .chain(std::iter::once(&parts_dir.join(parts::LOADER)))
        .map(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            format!("{public_url}{folder}/{name}")
        })
        .collect();
    names.sort();
    let links: String = names.iter().map(|href| format!("<link rel=\"frontdesk-part\" href=\"{href}\">")).collect();
    let Some(head_end) = page.find("</head>") else { bail!("{} has no </head>", page_path.display()) };
    page = format!("{}{links}{}", &page[..head_end], &page[head_end..]);
    if profile == "release" {
        page = crate::scripts::minify(&staging, &stem, &page, &public_url)?;
    }
    std::fs::write(&page_path, page)?;
    eprintln!("    {} parts in {folder}/", parts.len());
    Ok(())
}

/// Where cargo builds (whatever sets it: `CARGO_TARGET_DIR`, `build.target-dir`, …), as Trunk
/// finds it.
fn target_dir() -> Result<PathBuf> {
    let metadata = crate::output(cmd("cargo").args(["metadata", "--format-version", "1", "--no-deps", "--offline"]))
        .context("cargo metadata failed")?;
    let metadata: serde_json::Value = serde_json::from_str(&metadata)?;
    let dir = metadata["target_directory"].as_str().context("cargo metadata names no target_directory")?;
    Ok(PathBuf::from(dir))
}

/// `<bin>-<hash>` of the one `*_bg.wasm` Trunk staged.
fn staged_stem(staging: &Path) -> Result<String> {
    let mut stems = Vec::new();
    for entry in std::fs::read_dir(staging)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix("_bg.wasm") {
            stems.push(stem.to_owned());
        }
    }
    match stems.as_slice() {
        [stem] => Ok(stem.clone()),
        _ => bail!("expected one *_bg.wasm in {}, found {stems:?}", staging.display()),
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// wasm-opt `-Oz` on each module, two at a time (the machine has two cores).
///
/// `--low-memory-unused` lets wasm-opt fold a constant added to an address into the load's or
/// store's offset (3.4 KB less of the desk's gzip wasm). It holds here: rustc links the stack
/// first, so data begins at 1 MiB and the lowest 1 KiB is reached only by a stack about to
/// overflow; and the folded access can only trap where the unfolded one would have wrapped
/// round to that low kilobyte.
///
/// The `thorough` ones (the desk's main module: what a tablet waits for, under a budget) also
/// get `--flatten --rereloop` and more `-Oz` runs until one changes nothing (`--converge`):
/// binaryen rebuilds their control flow and optimizes again (3.6 KB less gzip, for ~2 min of a
/// core per build). They are optimized as a
/// program that never traps (`-tnh`, 2 KB less gzip): binaryen may drop code whose only effect
/// is to trap, such as a check leading straight to `unreachable`. It holds for Rust's wasm: a trap
/// is an abort, reached after a call to the panic handler (which logs the panic, and which
/// binaryen keeps, as any call may not return), and safe code does not load out of bounds.
fn optimize(modules: &[PathBuf], thorough: &[PathBuf]) -> Result<()> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| -> Result<()> {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(module) = modules.get(i) else { return Ok(()) };
                        let out = module.with_extension("opt.wasm");
                        let done = cmd("wasm-opt")
                            .arg("-Oz")
                            .args(["--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext"])
                            .arg("--enable-mutable-globals")
                            .arg("--low-memory-unused")
                            // Keeps the function names, for a look with twiggy (not for shipping).
                            .args(if std::env::var_os("FRONTDESK_WASM_NAMES").is_some() { &["-g"][..] } else { &[] })
                            .args(if thorough.contains(module) {
                                &["-tnh", "--flatten", "--rereloop", "-Oz", "-Oz", "--converge"][..]
                            } else {
                                &[]
                            })
                            .arg(module)
                            .arg("-o")
                            .arg(&out)
                            .output()
                            .context("could not start wasm-opt")?;
                        // Its warnings about the parts' name sections are noise; show them on failure.
                        if !done.status.success() {
                            bail!(
                                "wasm-opt failed on {} ({}):\n{}",
                                module.display(),
                                done.status,
                                String::from_utf8_lossy(&done.stderr)
                            );
                        }
                        std::fs::rename(&out, module)?;
                    }
                })
            })
            .collect();
        workers.into_iter().try_for_each(|w| w.join().expect("a wasm-opt worker panicked"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_app_is_split_only_when_its_wasm_calls_a_split_function() {
        assert!(contains(b"\0env\0__wasm_split_00billing00_import", SPLIT_IMPORT));
        assert!(!contains(b"\0env\0__wbindgen_placeholder__", SPLIT_IMPORT));
    }
}
