//! The app shell: routes, and the service worker that lets it start offline.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::pages::{desk::DeskPage, home::HomePage, kiosk::KioskPage};

#[component]
pub fn App() -> impl IntoView {
    register_service_worker();
    view! {
        <Router>
            <Routes fallback=|| view! { <HomePage/> }>
                <Route path=path!("/") view=HomePage/>
                <Route path=path!("/kiosk") view=KioskPage/>
                <Route path=path!("/desk") view=DeskPage/>
            </Routes>
        </Router>
    }
}

/// Registers `/sw.js`, which caches the app shell so a reload with no network still starts.
fn register_service_worker() {
    let Some(window) = web_sys::window() else { return };
    let container = window.navigator().service_worker();
    // Registration fails on insecure origins other than localhost; the app works without it.
    let _ = container.register("/sw.js");
}
