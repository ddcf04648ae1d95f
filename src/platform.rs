//! The browser's clock and random source, for the ids and times the core is handed, and the
//! counts of wrong tries a device keeps across reloads.

/// Milliseconds since the epoch, from the browser's clock.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// Whether the browser's cryptographic generator (`crypto.getRandomValues`) works. The device
/// gate asks once before a device starts and shows an error instead of the app if it does not:
/// ids and secrets never come from a weaker source.
pub fn random_source_works() -> bool {
    getrandom::fill(&mut [0u8; 16]).is_ok()
}

/// Random bytes from the browser's cryptographic generator.
///
/// Panics if the generator fails: there is no fallback (`Math.random` is predictable, and these
/// bytes become ids, salts and secrets). The device gate has checked it works before any page
/// asks ([`random_source_works`]); a working browser does not lose it later.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    if getrandom::fill(&mut bytes).is_err() {
        panic!("the browser's cryptographic random source (crypto.getRandomValues) failed");
    }
    bytes
}

/// A number uniform in `0..n` (`n > 0`) from the cryptographic generator, without the bias of
/// a plain remainder (draws in the last, partial span of `n` are drawn again).
pub fn random_below(n: usize) -> usize {
    let n = u32::try_from(n.max(1)).unwrap_or(u32::MAX);
    let zone = u32::MAX - u32::MAX % n;
    loop {
        let x = u32::from_le_bytes(random_bytes());
        if x < zone {
            return (x % n) as usize;
        }
    }
}

/// A count of wrong tries kept in the browser's local storage under `key` (so a reload does not
/// reset it); none kept, or unreadable, is none.
pub fn load_throttle(key: &str) -> frontdesk_core::signin::Throttle {
    use gloo_storage::{LocalStorage, Storage};
    let held = LocalStorage::raw().get_item(key).ok().flatten().unwrap_or_default();
    frontdesk_core::signin::Throttle::from_text(&held)
}

/// Keeps a count of wrong tries under `key`.
pub fn save_throttle(key: &str, throttle: frontdesk_core::signin::Throttle) {
    use gloo_storage::{LocalStorage, Storage};
    let _ = LocalStorage::raw().set_item(key, &throttle.to_text());
}
