//! The recovery kit on the Devices card (#19): the kit drawn and shown once — printed alone,
//! confirmed by its last four characters, and only then made the business's — and restoring a
//! manager's tablet with it when every other one is lost (`crate::key_handover` does the work).

use frontdesk_protocol::ClientMsg;
use leptos::prelude::*;

use crate::components::device_gate::DeviceRef;
use crate::i18n::{BusinessMsg, Lang, tr};
use crate::key_handover::{DrawnKit, KeyOutcome, ManagerJob, manager_job};
use frontdesk_core::keys;

/// The recovery kit's state on the card: one drawn and shown (nothing written until its holder
/// confirms it is kept; then it is gone from this tablet too), and whether a kit job runs.
#[derive(Clone, Copy)]
pub(super) struct KitState {
    pub shown: RwSignal<Option<DrawnKit>>,
    pub busy: RwSignal<bool>,
}

/// Draws a recovery kit and shows it.
pub(super) async fn draw_kit(kit: KitState, note: RwSignal<Option<String>>, lang: Lang) {
    if kit.busy.get_untracked() {
        return;
    }
    kit.busy.set(true);
    match manager_job(ManagerJob::DrawKit).await {
        KeyOutcome::Kit(drawn) => kit.shown.set(Some(drawn)),
        KeyOutcome::Failed(why) => note.set(Some(tr!(lang, desk.kit_failed, why = why))),
        _ => {}
    }
    kit.busy.set(false);
}

/// This relay's address as the kit prints it.
fn relay_host() -> String {
    web_sys::window().and_then(|w| w.location().host().ok()).unwrap_or_default()
}

/// Restoring this tablet's keys with the recovery kit (every manager's tablet lost); `partial`
/// is set when the newest key of some scope was not among what the kit opened.
#[component]
pub(super) fn RestoreForm(
    device: DeviceRef,
    lang: RwSignal<Lang>,
    note: RwSignal<Option<String>>,
    partial: RwSignal<bool>,
) -> impl IntoView {
    let t = move |msg: BusinessMsg| msg.text(lang.get());
    let typed_kit = RwSignal::new(String::new());
    let restore_problem = RwSignal::new(None::<BusinessMsg>);
    let restoring = RwSignal::new(false);
    let restore = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(read) = keys::read_kit(&typed_kit.get_untracked()) else {
            restore_problem.set(Some(BusinessMsg::RestoreFormat));
            return;
        };
        restore_problem.set(None);
        restoring.set(true);
        let device = device.get_value();
        leptos::task::spawn_local(async move {
            match manager_job(ManagerJob::Restore(device.clone(), read)).await {
                KeyOutcome::KitPartial => {
                    partial.set(true);
                    restore_problem.set(Some(BusinessMsg::RestorePartial));
                }
                KeyOutcome::Done => {
                    partial.set(false);
                    typed_kit.set(String::new());
                    note.set(Some(BusinessMsg::Restored.text(lang.get_untracked()).to_owned()));
                    device.request(ClientMsg::ListDevices);
                }
                KeyOutcome::KitRefused { found: false } => restore_problem.set(Some(BusinessMsg::RestoreNotYet)),
                KeyOutcome::KitRefused { found: true } => restore_problem.set(Some(BusinessMsg::RestoreWrong)),
                KeyOutcome::Failed(why) => note.set(Some(why)),
                _ => {}
            }
            restoring.set(false);
        });
    };
    view! {
        <form class="devices__restore" on:submit=restore>
            <p class="devices__restore-lead">{move || t(BusinessMsg::RestoreLead)}</p>
            <label class="field">
                <span class="field__label">{move || t(BusinessMsg::KitTitle)}</span>
                <input class="field__input devices__restore-input" type="text" autocomplete="off"
                    autocapitalize="characters" spellcheck="false" maxlength="48"
                    aria-invalid=move || restore_problem.get().is_some().then_some("true")
                    prop:value=typed_kit on:input=move |ev| typed_kit.set(event_target_value(&ev))/>
            </label>
            {move || restore_problem.get().map(|p| view! { <p class="field-error" role="alert">{t(p)}</p> })}
            <div class="form__actions">
                <button class="button button--primary" type="submit" disabled=move || restoring.get()>{move || t(BusinessMsg::Restore)}</button>
            </div>
        </form>
    }
}

/// The kit just drawn, until its holder says it is kept.
#[component]
pub(super) fn KitCard(
    device: DeviceRef,
    lang: RwSignal<Lang>,
    business: Signal<String>,
    kit: KitState,
    note: RwSignal<Option<String>>,
) -> impl IntoView {
    let t = move |msg: BusinessMsg| msg.text(lang.get());
    let kit_confirm = RwSignal::new(String::new());
    // A kit that appears is brought into view: it is what the person must act on.
    let kit_ref = NodeRef::<leptos::html::Section>::new();
    Effect::new(move |_| {
        if let Some(section) = kit_ref.get() {
            section.scroll_into_view();
        }
    });
    let keep_kit = move |drawn: DrawnKit| {
        kit.busy.set(true);
        let device = device.get_value();
        leptos::task::spawn_local(async move {
            match manager_job(ManagerJob::KeepKit(device, drawn.public, drawn.auth)).await {
                KeyOutcome::Failed(why) => note.set(Some(tr!(lang.get_untracked(), desk.kit_failed, why = why))),
                _ => {
                    kit.shown.set(None);
                    kit_confirm.set(String::new());
                    note.set(Some(BusinessMsg::KitSaved.text(lang.get_untracked()).to_owned()));
                }
            }
            kit.busy.set(false);
        });
    };
    move || {
        let drawn = kit.shown.get()?;
        let made = drawn.kit.clone();
        let shown = keys::show_groups(&made);
        let svg = super::qr_svg(&shown).unwrap_or_default();
        let last = made[made.len() - 4..].to_owned();
        let kept = move || kit_confirm.with(|typed| typed.trim().eq_ignore_ascii_case(&last));
        let date = crate::clock::today().format("%Y-%m-%d").to_string();
        Some(view! {
            <section class="kit" role="region" aria-labelledby="kit-title" node_ref=kit_ref>
                <h3 id="kit-title" class="kit__title">{move || t(BusinessMsg::KitTitle)}</h3>
                <p class="kit__for">{move || tr!(lang.get(), desk.kit_for, business = business.get(), relay = relay_host(), date = date.clone())}</p>
                <p class="kit__lead">{move || t(BusinessMsg::KitLead)}</p>
                <div class="kit__body">
                    <p class="kit__code" aria-label=made.clone()>{shown}</p>
                    <figure class="kit__qr">
                        <div inner_html=svg aria-hidden="true"></div>
                        <figcaption>{move || t(BusinessMsg::KitQr)}</figcaption>
                    </figure>
                </div>
                <div class="kit__actions no-print">
                    <button class="button button--ghost" type="button" on:click=move |_| {
                        if let Some(window) = web_sys::window() {
                            let _ = window.print();
                        }
                    }>{move || t(BusinessMsg::KitPrint)}</button>
                    <label class="field kit__confirm">
                        <span class="field__label">{move || t(BusinessMsg::KitConfirm)}</span>
                        <input class="field__input" type="text" maxlength="9" autocomplete="off" autocapitalize="characters"
                            spellcheck="false" prop:value=kit_confirm on:input=move |ev| kit_confirm.set(event_target_value(&ev))/>
                    </label>
                    <button class="button button--primary" type="button" disabled=move || !kept() || kit.busy.get()
                        on:click=move |_| keep_kit(drawn.clone())>{move || t(BusinessMsg::KitKept)}</button>
                </div>
            </section>
        })
    }
}
