//! The ticket: the visitor's queue number, shown for a few seconds before the kiosk starts over.

use leptos::prelude::*;

use super::{Shared, THANKS_MS};
use crate::i18n::{KioskMsg, tr};

#[component]
pub(super) fn Thanks(
    kiosk: Shared,
    /// The visitor's first name.
    name: String,
    ticket: String,
) -> impl IntoView {
    let Shared { lang, last_touch, now, .. } = kiosk;
    let t = move |msg: KioskMsg| kiosk.t(msg);
    view! {
        <section class="kiosk-screen kiosk-thanks">
            <h1 class="kiosk-title" tabindex="-1">{move || tr!(lang.get(), kiosk.thanks_title, name = name.clone())}</h1>
            <p class="kiosk-lead">{move || t(KioskMsg::YourNumber)}</p>
            <p class="ticket">{ticket.clone()}</p>
            <p class="kiosk-lead">{move || t(KioskMsg::TakeASeat)}</p>
            <button class="button button--primary button--large" on:click=move |_| kiosk.reset()>{move || t(KioskMsg::Done)}</button>
            <p class="kiosk-countdown">{move || {
                let seconds = ((THANKS_MS - (now.get() - last_touch.get())).clamp(0, THANKS_MS) + 999) / 1000;
                tr!(lang.get(), kiosk.back_to_start_in, seconds)
            }}</p>
        </section>
    }
}
