//! Calls and messages: the phone log, "while you were out" messages for a member of staff, and
//! (on a tablet that belongs to someone) their open messages and the visitors waiting for them.

use frontdesk_core::RecordId;
use frontdesk_core::calls::{self, Call, CallForm};
use frontdesk_core::doc_name;
use frontdesk_core::site::Site;
use frontdesk_core::sorting::SortDyn;
use leptos::prelude::*;

use crate::components::device_gate::DeviceRef;
use crate::i18n::{CallsMsg, Lang, call_error_text};
use crate::platform::random_bytes;

/// Every call in the documents this tablet follows (this month and the last), newest first.
pub fn read_calls(device: DeviceRef, today: chrono::NaiveDate) -> Vec<Call> {
    device.with_value(|d| {
        let mut all: Vec<Call> = doc_name::recent_messages(today)
            .iter()
            .flat_map(|doc| d.read(doc, calls::calls).unwrap_or_default())
            .collect();
        all.sort_dyn_by(|a, b| (b.at_ms, &b.id).cmp(&(a.at_ms, &a.id)));
        all
    })
}

/// Which document a call lives in: the month it was taken in.
fn doc_of(call: &Call) -> String {
    doc_name::messages(crate::clock::local(call.at_ms).date())
}

fn save(device: DeviceRef, doc: String, edit: impl FnOnce(&mut automerge::AutoCommit) -> Result<(), String> + 'static) {
    device.get_value().change_soon(doc, "a call", edit, |_| {});
}

fn clock(ms: i64) -> String {
    crate::clock::format(ms, "%H:%M")
}

#[component]
pub fn Calls(
    device: DeviceRef,
    today: chrono::NaiveDate,
    lang: RwSignal<Lang>,
    site: Memo<Site>,
    log: Memo<Vec<Call>>,
    owner: RwSignal<String>,
) -> impl IntoView {
    let t = move |msg: CallsMsg| msg.text(lang.get());
    let caller = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let for_staff = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let message = RwSignal::new(false);
    let callback = RwSignal::new(false);
    let touched = RwSignal::new(false);
    let stamp = move || device.with_value(|d| d.stamp());
    let form = move || CallForm {
        caller: caller.get(),
        phone: phone.get(),
        for_staff: for_staff.get(),
        reason: reason.get(),
        message: message.get(),
        callback: callback.get(),
    };
    let problem = move || {
        if !touched.get() {
            return None;
        }
        form().check(String::new(), &stamp()).err().map(|e| call_error_text(&e, lang.get()))
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        touched.set(true);
        let Ok(call) = form().check(RecordId::from_random(random_bytes()).to_string(), &stamp()) else { return };
        save(device, doc_name::messages(today), move |d| calls::put_call(d, &call));
        caller.set(String::new());
        phone.set(String::new());
        for_staff.set(String::new());
        reason.set(String::new());
        message.set(false);
        callback.set(false);
        touched.set(false);
    };
    let handle = move |call: Call, done: bool| {
        let doc = doc_of(&call);
        let s = stamp();
        save(device, doc, move |d| calls::set_handled(d, &call, done.then_some(&s)));
    };
    let staff_name = move |id: &str| site.with(|s| s.staff_member(id).map(|m| m.name.clone())).unwrap_or_default();
    let mine = move || calls::open_messages_for(&log.get(), &owner.get());
    view! {
        <div class="page calls">
            <div class="calls__grid">
                <form class="card form" on:submit=submit aria-labelledby="call-form-title" novalidate>
                    <h2 id="call-form-title" class="card__title">{move || t(CallsMsg::LogACall)}</h2>
                    <label class="field">
                        <span class="field__label">{move || t(CallsMsg::WhoCalled)}</span>
                        <input class="field__input" type="text" autocomplete="off" maxlength="80" prop:value=caller on:input=move |ev| caller.set(event_target_value(&ev))/>
                    </label>
                    <label class="field">
                        <span class="field__label">{move || t(CallsMsg::CallbackNumber)}</span>
                        <input class="field__input" type="tel" autocomplete="off" prop:value=phone on:input=move |ev| phone.set(event_target_value(&ev))/>
                    </label>
                    <label class="field">
                        <span class="field__label">{move || t(CallsMsg::ForWhom)}</span>
                        <select class="field__input" on:change=move |ev| for_staff.set(event_target_value(&ev))>
                            <option value="" selected=move || for_staff.get().is_empty()>{move || t(CallsMsg::NoOneInParticular)}</option>
                            {move || site.get().staff.into_iter().filter(|m| m.active).map(|m| {
                                let id = m.id.clone();
                                view! { <option value=m.id.clone() selected=move || for_staff.get() == id>{m.name.clone()}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    <label class="field">
                        <span class="field__label">{move || t(CallsMsg::WhatAbout)}</span>
                        <textarea class="field__input field__input--area" rows="3" maxlength="500" prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                    </label>
                    <label class="check">
                        <input type="checkbox" prop:checked=message on:change=move |ev| message.set(event_target_checked(&ev))/>
                        <span>{move || t(CallsMsg::TakeAMessage)}</span>
                    </label>
                    <label class="check">
                        <input type="checkbox" prop:checked=callback on:change=move |ev| callback.set(event_target_checked(&ev))/>
                        <span>{move || t(CallsMsg::PleaseCallBack)}</span>
                    </label>
                    <p class="field-error" role="alert">{problem}</p>
                    <div class="form__actions">
                        <button class="button button--primary button--large" type="submit">{move || t(CallsMsg::SaveCall)}</button>
                    </div>
                </form>
                <div class="calls__side">
                    <section class="card" aria-labelledby="mine-title">
                        <div class="card__head">
                            <h2 id="mine-title" class="card__title">{move || t(CallsMsg::MyMessages)}<span class="count">{move || mine().len()}</span></h2>
                            <label class="field field--inline">
                                <span class="field__label">{move || t(CallsMsg::ThisTabletIs)}</span>
                                <select class="field__input" on:change=move |ev| {
                                    let chosen = event_target_value(&ev);
                                    device.with_value(|d| {
                                        let mut settings = d.settings.borrow_mut();
                                        settings.owner = chosen.clone();
                                        settings.save(d.mode);
                                    });
                                    owner.set(chosen);
                                }>
                                    <option value="" selected=move || owner.get().is_empty()>{move || t(CallsMsg::SharedTablet)}</option>
                                    {move || site.get().staff.into_iter().filter(|m| m.active).map(|m| {
                                        let id = m.id.clone();
                                        view! { <option value=m.id.clone() selected=move || owner.get() == id>{m.name.clone()}</option> }
                                    }).collect_view()}
                                </select>
                            </label>
                        </div>
                        <Show when=move || owner.get().is_empty()>
                            <p class="card__empty">{move || t(CallsMsg::ChooseOwnerHint)}</p>
                        </Show>
                        <Show when=move || !owner.get().is_empty() && mine().is_empty()>
                            <p class="card__empty">{move || t(CallsMsg::NoMessages)}</p>
                        </Show>
                        <ul class="rows">
                            <For each=mine key=|c| c.id.clone() let:call>
                                {
                                    let done = call.clone();
                                    view! {
                                        <li class="row message">
                                            <span class="row__time">{clock(call.at_ms)}</span>
                                            <div class="row__main">
                                                <span class="row__title">{call.caller.clone()}{(!call.phone.is_empty()).then(|| format!(" · {}", call.phone))}</span>
                                                <span class="row__sub">{call.reason.clone()}{call.callback.then(|| view! { <strong class="tag">{move || t(CallsMsg::PleaseCallBack)}</strong> })}</span>
                                            </div>
                                            <button class="button button--primary" on:click=move |_| handle(done.clone(), true)>{move || t(CallsMsg::MarkHandled)}</button>
                                        </li>
                                    }
                                }
                            </For>
                        </ul>
                    </section>
                    <section class="card" aria-labelledby="log-title">
                        <h2 id="log-title" class="card__title">{move || t(CallsMsg::CallLog)}</h2>
                        <Show when=move || log.with(|l| l.is_empty())>
                            <p class="card__empty">{move || t(CallsMsg::NoCallsYet)}</p>
                        </Show>
                        <ul class="rows">
                            {move || log.get().into_iter().take(50).map(|call| {
                                let reopen = call.clone();
                                let for_whom = staff_name(&call.for_staff);
                                let handled = call.message && call.handled_ms != 0;
                                view! {
                                    <li class="row">
                                        <span class="row__time">{clock(call.at_ms)}</span>
                                        <div class="row__main">
                                            <span class="row__title">{call.caller.clone()}{(!call.phone.is_empty()).then(|| format!(" · {}", call.phone))}</span>
                                            <span class="row__sub">
                                                {(!for_whom.is_empty()).then(|| format!("→ {for_whom} · "))}{call.reason.clone()}
                                            </span>
                                        </div>
                                        {call.is_open_message().then(|| view! { <span class="pill pill--booked">{move || t(CallsMsg::MessageOpen)}</span> })}
                                        {handled.then(|| view! {
                                            <span class="pill pill--done">{move || t(CallsMsg::Handled)}</span>
                                            <button class="button button--ghost" on:click=move |_| handle(reopen.clone(), false)>{move || t(CallsMsg::Reopen)}</button>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </section>
                </div>
            </div>
        </div>
    }
}
