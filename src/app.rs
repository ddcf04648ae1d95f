//! The desk's app shell: routes, and the service worker that lets it start offline. The kiosk
//! is an app of its own (`src/bin/kiosk.rs`, served at `/kiosk/`), so the desk's download does
//! not carry it and the kiosk's does not carry the desk.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::pages::{desk::DeskPage, home::HomePage};

#[component]
pub fn App() -> impl IntoView {
    register_service_worker();
    view! {
        <Router>
            <Routes fallback=|| view! { <HomePage/> }>
                <Route path=path!("/") view=HomePage/>
                <Route path=path!("/desk") view=DeskPage/>
            </Routes>
        </Router>
    }
}

/// Registers `/sw.js`, which caches the app shells so a reload with no network still starts.
pub fn register_service_worker() {
    let Some(window) = web_sys::window() else { return };
    let container = window.navigator().service_worker();
    // Registration fails on insecure origins other than localhost; the app works without it.
    let _ = container.register("/sw.js");
}
