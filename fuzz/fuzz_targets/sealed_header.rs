//! What the relay and a device do with bytes claiming to be sealed (see `inputs::sealed_header`).
#![no_main]

#[path = "../inputs.rs"]
#[allow(dead_code)]
mod inputs;

libfuzzer_sys::fuzz_target!(|data: &[u8]| inputs::sealed_header(data));
