//! What the relay does with a frame from a device (see `inputs::relay_decode`).
#![no_main]

#[path = "../inputs.rs"]
#[allow(dead_code)]
mod inputs;

libfuzzer_sys::fuzz_target!(|data: &[u8]| inputs::relay_decode(data));
