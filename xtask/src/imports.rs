//! Short names for the JavaScript functions an app's wasm imports (part of Trunk's post-build
//! hook in release builds, see split.rs).
//!
//! wasm-bindgen names each function of its glue that the wasm imports after what it wraps and a
//! hash: `__wbg_body_5f971cbc6950ca4f`. The desk's main module imports 219 of them, and each name
//! is written twice — in the wasm's import section and as a key of the glue's import object —,
//! where its 16 hex digits do not compress: 6.7 KB of what a tablet downloads before it starts.
//! Each such name becomes a short one (`a`, `b`, … `aB`), the same in both files. The import
//! object is looked up by these keys only (`WebAssembly.instantiate`), so the glue works as
//! before; a name that is not exactly once in the glue stops the build rather than ship a wasm
//! whose import the glue does not provide.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail};
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};

/// Renames the hashed imports of `wasm` (a file) in it and in its glue `js`; returns how many.
pub fn shorten(wasm: &Path, js: &Path) -> Result<usize> {
    let bytes = std::fs::read(wasm).with_context(|| format!("reading {}", wasm.display()))?;
    let glue = std::fs::read_to_string(js).with_context(|| format!("reading {}", js.display()))?;
    let (bytes, renamed) = rename_imports(&bytes)?;
    let glue = rename_in_glue(&glue, &renamed)?;
    std::fs::write(wasm, bytes)?;
    std::fs::write(js, glue)?;
    Ok(renamed.len())
}

/// Whether wasm-bindgen made `name` for a function of the glue: `__wbg_<what>_<16 hex digits>`.
fn is_hashed(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("__wbg_") else { return false };
    let Some((what, hash)) = rest.rsplit_once('_') else { return false };
    !what.is_empty() && hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The `n`th short name: `a` … `z`, `A` … `Z`, then `aa`, `ab`, … (letters only: each is a
/// JavaScript identifier, and none is a hashed name).
fn short_name(n: usize) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut out = Vec::new();
    let mut n = n + 1;
    while n > 0 {
        n -= 1;
        out.push(LETTERS[n % LETTERS.len()]);
        n /= LETTERS.len();
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII letters")
}

/// `wasm` with each hashed import renamed, and the names given (old → new). Every section but
/// the imports is copied as it is.
fn rename_imports(wasm: &[u8]) -> Result<(Vec<u8>, BTreeMap<String, String>)> {
    if wasm.len() < 8 || &wasm[..4] != b"\0asm" {
        bail!("not a wasm module");
    }
    let mut out = wasm[..8].to_vec();
    let mut renamed = BTreeMap::new();
    let mut at = 8;
    while at < wasm.len() {
        let id = wasm[at];
        let mut reader = wasmparser::BinaryReader::new(&wasm[at + 1..], (at + 1) as u64);
        let size = reader.read_var_u32().context("a section's size")? as usize;
        let start = reader.original_position() as usize;
        let end = start.checked_add(size).filter(|&e| e <= wasm.len()).context("a section past the module's end")?;
        if id != 2 {
            out.extend_from_slice(&wasm[at..end]);
            at = end;
            continue;
        }
        let section =
            wasmparser::ImportSectionReader::new(wasmparser::BinaryReader::new(&wasm[start..end], start as u64))?;
        let mut imports = wasm_encoder::ImportSection::new();
        for group in section {
            let wasmparser::Imports::Single(_, import) = group? else {
                bail!("the wasm groups its imports (compact imports): not renamed");
            };
            let name = if is_hashed(import.name) {
                let short = short_name(renamed.len());
                if renamed.insert(import.name.to_owned(), short.clone()).is_some() {
                    bail!("{} is imported twice", import.name);
                }
                short
            } else {
                import.name.to_owned()
            };
            let ty = RoundtripReencoder.entity_type(import.ty).map_err(|e| anyhow::anyhow!("{e:?}"))?;
            imports.import(import.module, &name, ty);
        }
        wasm_encoder::Section::append_to(&imports, &mut out);
        at = end;
    }
    Ok((out, renamed))
}

/// The glue with each renamed import's key renamed: each must be there exactly once.
fn rename_in_glue(glue: &str, renamed: &BTreeMap<String, String>) -> Result<String> {
    let mut out = glue.to_owned();
    for (old, new) in renamed {
        match out.matches(old.as_str()).count() {
            1 => out = out.replacen(old.as_str(), new, 1),
            n => bail!("the glue names the import {old} {n} times, not once"),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module importing two glue functions, wasm-bindgen's table set-up and a memory, and
    /// exporting a function that calls the first import.
    fn module() -> Vec<u8> {
        use wasm_encoder::{
            CodeSection, EntityType, ExportKind, ExportSection, Function, FunctionSection, Instruction, MemoryType,
            Module, TypeSection, ValType,
        };
        let mut types = TypeSection::new();
        types.ty().function([ValType::I32], [ValType::I32]);
        let mut imports = ImportSection::new();
        imports.import("./app_bg.js", "__wbg_body_5f971cbc6950ca4f", EntityType::Function(0));
        imports.import("./app_bg.js", "__wbg_new_13de428334042d26", EntityType::Function(0));
        imports.import("./app_bg.js", "__wbindgen_init_externref_table", EntityType::Function(0));
        let memory = MemoryType { minimum: 1, maximum: None, memory64: false, shared: false, page_size_log2: None };
        imports.import("env", "memory", memory);
        let mut functions = FunctionSection::new();
        functions.function(0);
        let mut exports = ExportSection::new();
        exports.export("run", ExportKind::Func, 3);
        let mut code = CodeSection::new();
        let mut body = Function::new([]);
        body.instruction(&Instruction::LocalGet(0)).instruction(&Instruction::Call(0)).instruction(&Instruction::End);
        code.function(&body);
        let mut module = Module::new();
        module.section(&types).section(&imports).section(&functions).section(&exports).section(&code);
        module.finish()
    }

    use wasm_encoder::ImportSection;

    fn import_names(wasm: &[u8]) -> Vec<(String, String)> {
        let mut names = Vec::new();
        for payload in wasmparser::Parser::new(0).parse_all(wasm) {
            if let wasmparser::Payload::ImportSection(section) = payload.unwrap() {
                for group in section {
                    let wasmparser::Imports::Single(_, import) = group.unwrap() else { panic!("grouped") };
                    names.push((import.module.to_owned(), import.name.to_owned()));
                }
            }
        }
        names
    }

    #[test]
    fn hashed_imports_get_short_names_in_the_wasm_and_in_the_glue() {
        let (wasm, renamed) = rename_imports(&module()).unwrap();
        let names: Vec<String> = import_names(&wasm).into_iter().map(|(_, n)| n).collect();
        assert_eq!(names, ["a", "b", "__wbindgen_init_externref_table", "memory"]);
        // The module is still valid, smaller by what the names were, and the rest as it was.
        wasmparser::Validator::new().validate_all(&wasm).unwrap();
        // (The section's size, 130 bytes before, takes one byte less to write.)
        assert_eq!(module().len() - wasm.len(), (27 - 1) + (26 - 1) + 1);
        assert!(module().ends_with(&wasm[wasm.len() - 20..]), "the code is copied as it was");
        let glue = "const i={__wbg_body_5f971cbc6950ca4f:function(e){return e.body},\
                    __wbg_new_13de428334042d26(e){return new Uint8Array(e)},\
                    __wbindgen_init_externref_table(){}};";
        let glue = rename_in_glue(glue, &renamed).unwrap();
        assert_eq!(
            glue,
            "const i={a:function(e){return e.body},b(e){return new Uint8Array(e)},__wbindgen_init_externref_table(){}};"
        );
    }

    #[test]
    fn a_glue_that_does_not_name_an_import_once_stops_the_build() {
        let (_, renamed) = rename_imports(&module()).unwrap();
        let missing = "const i={__wbg_body_5f971cbc6950ca4f(e){return e.body}};";
        assert!(rename_in_glue(missing, &renamed).is_err(), "one import is not in the glue");
        let twice = "const i={__wbg_body_5f971cbc6950ca4f(){},__wbg_new_13de428334042d26(){}};\
                     i.__wbg_new_13de428334042d26();";
        assert!(rename_in_glue(twice, &renamed).is_err(), "one import is named twice");
        assert!(rename_imports(b"not wasm at all").is_err());
    }

    #[test]
    fn only_wasm_bindgens_hashed_names_are_renamed_and_short_names_never_repeat() {
        assert!(is_hashed("__wbg_body_5f971cbc6950ca4f"));
        assert!(is_hashed("__wbg_set_onopen_757be120cc7b1ea6"));
        assert!(!is_hashed("__wbindgen_init_externref_table"));
        assert!(!is_hashed("__wbg__5f971cbc6950ca4f"));
        assert!(!is_hashed("__wbg_body_5F971CBC6950CA4F"));
        assert!(!is_hashed("__wasm_split_load_team_11101785186653515103"));
        let names: std::collections::BTreeSet<String> = (0..3000).map(short_name).collect();
        assert_eq!(names.len(), 3000);
        assert_eq!((short_name(0), short_name(51), short_name(52)), ("a".into(), "Z".into(), "aa".into()));
    }
}
