//! A hostile file given to the client and product importers: any bytes must give a preview or a
//! file error, never a panic.
#![no_main]

use frontdesk_core::import;
use frontdesk_core::schedule::Stamp;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let stamp = Stamp { by: "fuzz".into(), at_ms: 0 };
    let mut n = 0u32;
    let _ = import::clients(&text, || { n += 1; (n.to_string(), "C".into()) }, &stamp);
    let _ = import::products(&text, "EUR", || "p".into());
});
