//! Generates the app's `i18n` module from `locales/<lang>.json` (see src/i18n.rs), and links the
//! desk's wasm with its relocations kept (for `cargo xtask split-wasm`).
//!
//! This is what `leptos_i18n_build` does, minus the ICU data export that crate always builds
//! (CLDR downloads and a wasm runtime, for plural and date formatting we do not use). It also
//! makes any diagnostic an error: a key in one language and not the other would otherwise fall
//! back to English with only a warning.

use std::path::PathBuf;

use leptos_i18n_parser::parse_locales::cfg_file::ConfigFile;
use leptos_i18n_parser::parse_locales::options::{Config, ParseOptions};
use leptos_i18n_parser::parse_locales::parse_locales;

fn main() {
    let mut dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    println!("cargo::rerun-if-changed=Cargo.toml");
    // The desk's wasm keeps the linker's relocations: `cargo xtask split-wasm` (Trunk's post-build
    // hook) needs them to split it at its `#[lazy]` sections. Only the desk: the kiosk has none,
    // and wasm-opt cannot handle a module that still carries them.
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo::rustc-link-arg-bin=frontdesk=--emit-relocs");
    }
    println!("cargo::rerun-if-changed=locales");
    let mut config: Config = ConfigFile::new(&mut dir).unwrap_or_else(|e| panic!("leptos-i18n settings: {e}")).into();
    // Texts with `{{ values }}` can be asked for as strings (`td_string!`), not only as views.
    config.options = ParseOptions::default().interpolate_display(true);
    let parsed = parse_locales(Some(dir), config).unwrap_or_else(|e| panic!("locale files: {e}"));
    for file in parsed.tracked_files.iter().flatten() {
        println!("cargo::rerun-if-changed={file}");
    }
    let problems: Vec<String> = parsed
        .diag
        .errors()
        .iter()
        .map(ToString::to_string)
        .chain(parsed.diag.warnings().iter().map(ToString::to_string))
        .collect();
    assert!(problems.is_empty(), "the locale files disagree:\n{}", problems.join("\n"));
    let code = leptos_i18n_codegen::gen_code(&parsed, None, false, None, false)
        .unwrap_or_else(|e| panic!("generating the i18n module: {e}"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("i18n.rs");
    std::fs::write(&out, code.to_string()).unwrap_or_else(|e| panic!("writing {}: {e}", out.display()));
}
