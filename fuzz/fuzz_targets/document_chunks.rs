//! A hostile chunk in an inbox or day document (see `inputs::document_chunks`).
#![no_main]

#[path = "../inputs.rs"]
#[allow(dead_code)]
mod inputs;

libfuzzer_sys::fuzz_target!(|data: &[u8]| inputs::document_chunks(data));
