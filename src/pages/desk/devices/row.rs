//! One device in the manager's list: its role, when it paired and was last seen; renaming it,
//! and revoking it (asked first; in a sealed business, the keys it could read with are renewed
//! first).

use frontdesk_protocol::{ClientMsg, DeviceInfo};
use leptos::prelude::*;

use super::kind_text;
use crate::components::device_gate::DeviceRef;
use crate::i18n::{BusinessMsg, Lang, tr};

/// A relay time as the list says it: the time today, else the date and the time.
fn when(at_ms: i64) -> String {
    let local = crate::clock::local(at_ms);
    if local.date() == crate::clock::today() {
        local.format("%H:%M").to_string()
    } else {
        local.format("%Y-%m-%d %H:%M").to_string()
    }
}

#[component]
pub(super) fn DeviceRow(
    info: DeviceInfo,
    lang: RwSignal<Lang>,
    this: String,
    device: DeviceRef,
    rotating: RwSignal<Option<(String, Vec<frontdesk_protocol::Scope>)>>,
) -> impl IntoView {
    let t = move |msg: BusinessMsg| msg.text(lang.get());
    let is_this = info.id == this;
    let (id, role, revoked) = (info.id.clone(), info.role, info.revoked);
    let renaming = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let new_name = RwSignal::new(info.name.clone());
    let ask = move |msg: ClientMsg| device.with_value(|d| d.request(msg));
    let seen = move || {
        let lang = lang.get();
        let paired = (info.paired_at_ms > 0).then(|| tr!(lang, desk.device_paired_at, when = when(info.paired_at_ms)));
        let last = if info.last_seen_ms > 0 {
            tr!(lang, desk.device_last_seen, when = when(info.last_seen_ms))
        } else {
            BusinessMsg::DeviceNeverSeen.text(lang).to_owned()
        };
        paired.into_iter().chain([last]).collect::<Vec<_>>().join(" · ")
    };
    let rename = {
        let id = id.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let name = new_name.get_untracked().trim().to_owned();
            if !name.is_empty() && ask(ClientMsg::RenameDevice { device: id.clone(), name }) {
                renaming.set(false);
            }
        }
    };
    // In a sealed business, revoking renews the keys the device could read with first (the
    // card does the rest when the relay has numbered the new epochs); this tablet revoking itself
    // renews nothing (it would hold the only copy of the new keys).
    let revoke = {
        let id = id.clone();
        move |_| {
            confirming.set(false);
            if !is_this && device.with_value(|d| !d.held_keys().is_empty()) {
                let scopes = frontdesk_core::keys::readable(role);
                rotating.set(Some((id.clone(), scopes.clone())));
                if !ask(ClientMsg::NewEpoch { scopes, first: false }) {
                    rotating.set(None);
                }
                return;
            }
            ask(ClientMsg::RevokeDevice { device: id.clone(), floors: Vec::new() });
        }
    };
    let cancel_button = NodeRef::<leptos::html::Button>::new();
    let name = info.name.clone();
    let question = move || {
        if is_this {
            t(BusinessMsg::RevokeThisQuestion).to_owned()
        } else {
            tr!(lang.get(), desk.revoke_question, name = name.clone())
        }
    };
    view! {
        <li class="row device-row" class:row--inactive=revoked>
            <div class="row__main">
                <span class="row__title">
                    <span class="device-row__name">{info.name.clone()}</span>
                    {is_this.then(|| view! { <span class="tag">{move || t(BusinessMsg::DeviceThis)}</span> })}
                    {revoked.then(|| view! { <span class="tag tag--muted">{move || t(BusinessMsg::DeviceRevoked)}</span> })}
                </span>
                <span class="row__sub">{move || kind_text(role, lang.get())}" · "{seen}</span>
            </div>
            {(!revoked).then(|| view! {
                <div class="row__actions">
                    <button class="button button--ghost" type="button" on:click=move |_| renaming.update(|r| *r = !*r)>{move || t(BusinessMsg::Rename)}</button>
                    <button class="button button--ghost button--danger" type="button" prop:disabled=move || rotating.with(Option::is_some)
                        on:click=move |_| confirming.set(true)>{move || t(BusinessMsg::Revoke)}</button>
                </div>
            })}
            <Show when=move || renaming.get()>
                <form class="inline-form device-row__rename" on:submit=rename.clone()>
                    <label class="field">
                        <span class="field__label">{move || t(BusinessMsg::DeviceName)}</span>
                        <input class="field__input" type="text" maxlength="80" prop:value=new_name
                            on:input=move |ev| new_name.set(event_target_value(&ev))/>
                    </label>
                    <button class="button button--primary" type="submit">{move || t(BusinessMsg::Rename)}</button>
                    <button class="button button--ghost" type="button" on:click=move |_| renaming.set(false)>{move || t(BusinessMsg::Cancel)}</button>
                </form>
            </Show>
            <Show when=move || confirming.get()>
                {crate::components::device_gate::focus_when_shown(cancel_button)}
                <div class="confirm device-row__confirm" role="alertdialog" aria-label=question.clone()>
                    <p>{question.clone()}</p>
                    <div class="confirm__actions">
                        <button class="button button--ghost" type="button" node_ref=cancel_button on:click=move |_| confirming.set(false)>{move || t(BusinessMsg::Cancel)}</button>
                        <button class="button button--danger-solid" type="button" on:click=revoke.clone()>{move || t(BusinessMsg::Revoke)}</button>
                    </div>
                </div>
            </Show>
        </li>
    }
}
