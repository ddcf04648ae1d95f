//! The desk's app shell: which page the address names, and the service worker that lets it start
//! offline. The kiosk is an app of its own (`src/bin/kiosk.rs`, served at `/kiosk/`), so the
//! desk's download does not carry it and the kiosk's does not carry the desk.

use leptos::prelude::*;

use crate::pages::desk::{DeskPage, home_page};

/// The page for an address: `/desk` is the staff desk, `/pair` pairs this browser (with the
/// code in `#code=…` or one typed), anything else the start page. No navigation between them
/// inside the app (the start page links to the desk), so no router.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    Home,
    Desk,
    Pair,
}

impl Page {
    pub fn at(path: &str) -> Page {
        match path.trim_end_matches('/') {
            "/desk" => Page::Desk,
            "/pair" => Page::Pair,
            _ => Page::Home,
        }
    }
}

#[component]
pub fn App() -> impl IntoView {
    register_service_worker();
    let path = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
    match Page::at(&path) {
        Page::Desk => view! { <DeskPage/> }.into_any(),
        Page::Pair => crate::pages::desk::pair_page(),
        Page::Home => home_page(),
    }
}

/// Registers `/sw.js`, which caches the app shells so a reload with no network still starts.
pub fn register_service_worker() {
    let Some(window) = web_sys::window() else { return };
    let container = window.navigator().service_worker();
    // Registration fails on insecure origins other than localhost; the app works without it.
    let _ = container.register("/sw.js");
}

#[cfg(test)]
mod tests {
    use super::Page;

    #[test]
    fn the_address_names_the_page() {
        assert_eq!(Page::at("/desk"), Page::Desk);
        assert_eq!(Page::at("/desk/"), Page::Desk);
        assert_eq!(Page::at("/"), Page::Home);
        assert_eq!(Page::at("/desks"), Page::Home);
        assert_eq!(Page::at("/pair"), Page::Pair);
        assert_eq!(Page::at(""), Page::Home);
    }
}
