//! A shared tablet's lock: the screen it shows instead of the desk until someone enters their
//! PIN (`frontdesk_core::signin`), and the manager's choice of how long a tablet may sit
//! untouched before it locks. The desk itself decides when it is locked (`Desk`); this is a
//! part of the wasm of its own, fetched the first time a tablet locks.

use frontdesk_core::payroll::{self, PinError};
use frontdesk_core::signin::{self, Throttle};
use frontdesk_core::{doc_name, site::Site};
use leptos::prelude::*;

use crate::components::device_gate::{DeviceRef, focus_when_shown};
use crate::i18n::Lang;
use crate::i18n::people::pin_error_text;
use crate::i18n::{DeviceMsg, LockMsg, Msg, tr};
use crate::platform::{load_throttle, now_ms, save_throttle};

/// Where the tablet keeps its count of wrong PINs, so that reloading the page does not reset it.
const THROTTLE_KEY: &str = "frontdesk.desk.pin-throttle";

/// The lock screen: the business's name, a PIN field and Unlock, and the time clock (staff
/// punch in on a locked tablet). `on_open` gets the staff id of whoever the PIN opened it for.
#[component]
pub fn LockScreen(
    device: DeviceRef,
    lang: RwSignal<Lang>,
    site: Memo<Site>,
    manager: bool,
    on_open: Callback<String>,
) -> impl IntoView {
    let t = move |msg: LockMsg| msg.text(lang.get());
    let pin = RwSignal::new(String::new());
    let error = RwSignal::new(None::<PinError>);
    let throttle = RwSignal::new(load_throttle(THROTTLE_KEY));
    let now = RwSignal::new(now_ms());
    let tick = set_interval_with_handle(move || now.set(now_ms()), std::time::Duration::from_millis(500)).ok();
    on_cleanup(move || {
        if let Some(tick) = tick {
            tick.clear();
        }
    });
    let wait_s = move || (throttle.get().wait_ms(now.get()) + 999) / 1000;
    let clocking = RwSignal::new(false);
    let checking = RwSignal::new(false);
    // A PIN that matched the tags of several people: whom it may open the tablet for.
    let choosing = RwSignal::new(Vec::<String>::new());
    let field = NodeRef::<leptos::html::Input>::new();
    focus_when_shown(field);
    let open = move |staff: String| {
        save_throttle(THROTTLE_KEY, Throttle::default());
        let _ = on_open.try_run(staff);
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let at = now_ms();
        if throttle.get_untracked().wait_ms(at) > 0 || checking.get_untracked() {
            return;
        }
        let typed = pin.get_untracked();
        // The PIN leaves the screen whatever happens next, and so does an earlier PIN's choice.
        pin.set(String::new());
        choosing.set(Vec::new());
        // A PIN of the wrong shape tells nothing: it is not counted.
        if let Err(e) = payroll::clean_pin(&typed) {
            error.set(Some(e));
            return;
        }
        let dev = device.get_value();
        let eligible = site.with_untracked(|s| dev.read(doc_name::SITE, |doc| signin::eligible(doc, s, manager)));
        let eligible = eligible.unwrap_or_default();
        let legacy_salt = dev.read(doc_name::KIOSK, payroll::pin_salt).flatten();
        // A manager's tablet holds the payroll: a PIN must match the verifier there.
        let rates = manager.then(|| dev.read(doc_name::PAYROLL, payroll::rates).unwrap_or_default());
        checking.set(true);
        leptos::task::spawn_local(async move {
            let derived = crate::webcrypto::derive_pin(&typed, &signin::to_derive(&eligible)).await;
            let _ = checking.try_set(false);
            let who = derived.map_err(|_| PinError::Unknown).and_then(|derived| {
                signin::matching(&eligible, legacy_salt.as_deref(), &typed, &derived, rates.as_deref())
            });
            match who.as_deref() {
                Ok([one]) => open(one.clone()),
                Ok(several) if several.len() > 1 => {
                    let _ = error.try_set(None);
                    let _ = choosing.try_set(several.to_vec());
                    // Nobody chose: the names leave the screen after half a minute.
                    let shown = several.to_vec();
                    set_timeout(
                        move || {
                            if choosing.try_get_untracked().is_some_and(|now| now == shown) {
                                let _ = choosing.try_set(Vec::new());
                            }
                        },
                        std::time::Duration::from_secs(30),
                    );
                }
                _ => {
                    let next = throttle.try_get_untracked().unwrap_or_default().wrong_at(at);
                    save_throttle(THROTTLE_KEY, next);
                    let _ = throttle.try_set(next);
                    let _ = now.try_set(at);
                    let _ = error.try_set(Some(PinError::Unknown));
                    if let Some(field) = field.try_get_untracked().flatten() {
                        let _ = field.focus();
                    }
                }
            }
        });
    };
    let name_of = move |id: &str| site.with(|s| s.staff_member(id).map(|m| m.name.clone())).unwrap_or_default();
    let business = move || site.with(|s| s.profile.as_ref().map(|p| p.name.clone())).unwrap_or_default();
    let problem = move || {
        let lang = lang.get();
        match (wait_s(), error.get()) {
            (0, None) => None,
            (0, Some(e)) => Some(pin_error_text(&e, lang).to_owned()),
            (s, _) => Some(tr!(lang, desk.unlocking_wait, seconds = s.to_string())),
        }
    };
    view! {
        <main class="setup lock" lang=move || lang.get().code()>
            // Not there while the time clock is open: one PIN field on the screen at a time.
            <Show when=move || !clocking.get()>
            <section class="setup__card lock__card" aria-labelledby="lock-title">
                <div class="lock__icon" aria-hidden="true">
                    <svg viewBox="0 0 24 24" width="28" height="28" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
                        <rect x="4" y="11" width="16" height="10" rx="2"/><path d="M8 11V7a4 4 0 0 1 8 0v4"/>
                    </svg>
                </div>
                <p class="lock__business">{business}</p>
                <h1 id="lock-title">{move || t(LockMsg::LockedTitle)}</h1>
                <p class="setup__lead">{move || t(LockMsg::LockedLead)}</p>
                <form class="pair__form" on:submit=submit novalidate>
                    <label class="field">
                        <span class="field__label">{move || DeviceMsg::YourPin.text(lang.get())}</span>
                        <input class="field__input time-clock__pin" type="password" inputmode="numeric" autocomplete="off"
                            maxlength="8" node_ref=field placeholder=move || DeviceMsg::PinHint.text(lang.get())
                            aria-invalid=move || problem().is_some().then_some("true")
                            prop:value=pin on:input=move |ev| pin.set(event_target_value(&ev))/>
                    </label>
                    {move || problem().map(|p| view! { <p class="pair__error" role="alert">{p}</p> })}
                    <button class="button button--primary button--large" type="submit" disabled=move || { wait_s() > 0 || checking.get() }>
                        {move || if checking.get() { DeviceMsg::CheckingPin.text(lang.get()) } else { t(LockMsg::Unlock) }}
                    </button>
                </form>
                <Show when=move || !choosing.with(Vec::is_empty)>
                    <div class="lock__who" role="group" aria-labelledby="lock-who-title">
                        <h2 id="lock-who-title" class="lock__who-title">{move || t(LockMsg::WhoSignsIn)}</h2>
                        <p class="setup__lead">{move || t(LockMsg::WhoSignsInLead)}</p>
                        <div class="lock__who-list">
                            {move || choosing.get().into_iter().map(|staff| {
                                let name = name_of(&staff);
                                view! {
                                    <button class="button button--large" type="button" on:click=move |_| {
                                        choosing.set(Vec::new());
                                        open(staff.clone());
                                    }>{name}</button>
                                }
                            }).collect_view()}
                            <button class="button button--ghost" type="button" on:click=move |_| choosing.set(Vec::new())>{move || t(LockMsg::NotMe)}</button>
                        </div>
                    </div>
                </Show>
                <div class="lock__more">
                    <button class="button button--ghost" type="button" on:click=move |_| clocking.set(true)>
                        {move || DeviceMsg::TimeClock.text(lang.get())}
                    </button>
                    // Whoever comes to the tablet may read the other language.
                    <button class="button button--ghost" type="button" on:click=move |_| lang.update(|l| *l = l.other())>
                        {move || lang.get().other().native_name()}
                    </button>
                </div>
            </section>
            </Show>
            <Show when=move || clocking.get()>
                <button class="sheet-backdrop" aria-hidden="true" tabindex="-1" on:click=move |_| clocking.set(false)></button>
                <aside class="sheet" role="dialog" aria-labelledby="lock-clock-title">
                    <div class="sheet__head">
                        <h2 id="lock-clock-title">{move || DeviceMsg::TimeClock.text(lang.get())}</h2>
                        <button class="button button--ghost button--icon" aria-label=move || Msg::Close.text(lang.get()) on:click=move |_| clocking.set(false)>"×"</button>
                    </div>
                    <crate::components::time_clock::TimeClock device lang on_done=Callback::new(move |()| clocking.set(false))/>
                </aside>
            </Show>
        </main>
    }
}

/// The manager's choice of idle time (in the Business section, under the devices).
#[component]
pub fn IdleChoice(device: DeviceRef, lang: RwSignal<Lang>) -> impl IntoView {
    let revision = device.with_value(|d| d.revision);
    let chosen = Memo::new(move |_| {
        revision.track();
        device.with_value(|d| d.read(doc_name::SITE, signin::idle_min)).unwrap_or(signin::DEFAULT_IDLE_MIN)
    });
    let saved = RwSignal::new(None::<u32>);
    let choose = move |minutes: u32| {
        let dev = device.get_value();
        dev.change_all_soon(
            vec![(doc_name::SITE.into(), Box::new(move |s| signin::set_idle_min(s, minutes)))],
            "the idle time",
            move |result| saved.set(result.is_ok().then_some(minutes)),
        );
    };
    let t = move |msg: LockMsg| msg.text(lang.get());
    view! {
        <section class="card" aria-labelledby="lock-after-title">
            <h2 id="lock-after-title" class="card__title">{move || t(LockMsg::TabletLock)}</h2>
            <p class="card__lead">{move || t(LockMsg::LockAfterLead)}</p>
            <label class="field lock-after">
                <span class="field__label">{move || t(LockMsg::LockAfter)}</span>
                <select class="field__input" on:change=move |ev| {
                    if let Ok(minutes) = event_target_value(&ev).parse() {
                        choose(minutes);
                    }
                }>
                    {signin::IDLE_CHOICES.iter().map(|&n| view! {
                        <option value=n.to_string() selected=move || chosen.get() == n>
                            {move || tr!(lang.get(), desk.lock_minutes, n = n.to_string())}
                        </option>
                    }).collect_view()}
                </select>
            </label>
            {move || saved.get().map(|n| view! { <p class="form-outcome form-outcome--ok" role="status">{tr!(lang.get(), desk.lock_after_saved, n = n.to_string())}</p> })}
        </section>
    }
}
