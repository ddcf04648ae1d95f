//! A hostile file given to the importers (see `inputs::csv_import`).
#![no_main]

#[path = "../inputs.rs"]
#[allow(dead_code)]
mod inputs;

libfuzzer_sys::fuzz_target!(|data: &[u8]| inputs::csv_import(data));
