//! Line icons drawn as inline SVG, so they look the same on every device (no emoji fonts needed).

use leptos::prelude::*;

/// Which icon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Icon {
    Calendar,
    Bell,
    Person,
    Clipboard,
    Kiosk,
    Desk,
    Plus,
    Alert,
}

#[component]
pub fn IconSvg(icon: Icon, #[prop(default = 40)] size: u32) -> impl IntoView {
    let body = match icon {
        Icon::Calendar => view! {
            <rect x="3" y="5" width="18" height="16" rx="2"/>
            <path d="M3 10h18M8 3v4M16 3v4M8 14h2M14 14h2M8 17h2"/>
        }
        .into_any(),
        Icon::Bell => view! {
            <path d="M4 18h16M5 18a7 7 0 0 1 14 0M12 8V6M10 6h4M3 21h18"/>
        }
        .into_any(),
        Icon::Person => view! {
            <circle cx="12" cy="8" r="4"/>
            <path d="M4 21a8 8 0 0 1 16 0"/>
        }
        .into_any(),
        Icon::Clipboard => view! {
            <rect x="5" y="4" width="14" height="18" rx="2"/>
            <path d="M9 4V3h6v1M9 13l2 2 4-4"/>
        }
        .into_any(),
        Icon::Kiosk => view! {
            <rect x="5" y="2" width="14" height="14" rx="2"/>
            <path d="M12 16v4M8 22h8M9 9l2 2 4-4"/>
        }
        .into_any(),
        Icon::Desk => view! {
            <rect x="3" y="4" width="18" height="12" rx="2"/>
            <path d="M7 20h10M12 16v4M7 8h6M7 11h10"/>
        }
        .into_any(),
        Icon::Plus => view! { <path d="M12 5v14M5 12h14"/> }.into_any(),
        Icon::Alert => view! {
            <path d="M12 3 2 20h20L12 3z"/>
            <path d="M12 10v4M12 17h.01"/>
        }
        .into_any(),
    };
    view! {
        <svg class="icon" width=size height=size viewBox="0 0 24 24" fill="none" stroke="currentColor"
            stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">
            {body}
        </svg>
    }
}
