//! What a device does with frames from the relay (see `inputs::client_frames`).
#![no_main]

#[path = "../inputs.rs"]
#[allow(dead_code)]
mod inputs;

libfuzzer_sys::fuzz_target!(|data: &[u8]| inputs::client_frames(data));
