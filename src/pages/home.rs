//! The start page: which face of Frontdesk this device should show.

use leptos::prelude::*;

use crate::components::icons::{Icon, IconSvg};
use crate::i18n::{DeviceMsg, Lang, Msg};

#[component]
pub fn HomePage() -> impl IntoView {
    let lang = RwSignal::new(Lang::En);
    let t = move |msg: Msg| msg.text(lang.get());
    view! {
        <main class="home">
            <div class="home__card">
                <span class="brand brand--large">"Frontdesk"</span>
                <p class="home__lead">{move || DeviceMsg::SetupLead.text(lang.get())}</p>
                <nav class="home__choices">
                    <a class="choice" href="/kiosk/" rel="external"><span class="choice__icon"><IconSvg icon=Icon::Kiosk size=44/></span>{move || t(Msg::SetupKioskLink)}</a>
                    <a class="choice" href="/desk"><span class="choice__icon"><IconSvg icon=Icon::Desk size=44/></span>{move || t(Msg::SetupDeskLink)}</a>
                </nav>
                <button class="button button--lang" on:click=move |_| lang.update(|l| *l = l.other())>{move || lang.get().other().native_name()}</button>
            </div>
        </main>
    }
}
