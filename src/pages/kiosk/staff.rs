//! A member of staff at the kiosk: the PIN time clock, then back to the first screen.

use leptos::prelude::*;

use super::Shared;
use crate::components::time_clock::TimeClock;
use crate::i18n::KioskMsg;

#[component]
pub(super) fn Clock(kiosk: Shared) -> impl IntoView {
    let Shared { device, lang, .. } = kiosk;
    view! {
        <section class="kiosk-screen kiosk-clock">
            <h1 class="kiosk-title" tabindex="-1">{move || KioskMsg::TimeClock.text(lang.get())}</h1>
            <TimeClock device lang on_done=move |()| kiosk.reset()/>
            <div class="kiosk-actions">
                <button class="button button--ghost button--large" on:click=move |_| kiosk.reset()>{move || kiosk.t(KioskMsg::Back)}</button>
            </div>
        </section>
    }
}
