//! Starts a page's device: pairs it if it is not paired (or a pairing link arrived), opens
//! storage, begins syncing; forgets everything once the relay says it was revoked.

use std::cell::Cell;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::icons::{Icon, IconSvg};
use crate::device::Device;
use crate::device_key::DeviceKey;
use crate::i18n::{DeviceMsg, Lang, PairMsg, tr};
use crate::pairing::{Offer, PairError};
use crate::settings::{DeviceSettings, Mode};
use crate::storage::{StorageError, Store};
use frontdesk_protocol::{ChunkId, PairRefusal, Role};

pub type DeviceRef = StoredValue<Rc<Device>, LocalStorage>;

/// Where a page's device stands.
#[derive(Clone)]
pub enum Gate {
    Loading,
    /// Not paired, no longer paired, or a pairing link arrived: the pairing screen.
    Pair(PairSetup),
    Ready(DeviceRef),
    /// The device cannot start: storage cannot be opened, or the browser's cryptographic random
    /// source does not work.
    Failed {
        title: &'static str,
        detail: String,
    },
}

/// What the pairing screen starts from, and what it does once paired.
#[derive(Clone)]
pub struct PairSetup {
    /// The face of the app this page shows (`None` on `/pair`, which shows none).
    pub mode: Option<Mode>,
    pub lang: Lang,
    /// A code from a link: used at once.
    pub code: Option<String>,
    /// Why the screen shows (revoked, must pair again), if not simply unpaired.
    pub notice: Option<DeviceMsg>,
    /// Starts this page's device once it is paired.
    pub start: Rc<dyn Fn(DeviceSettings, DeviceKey)>,
}

impl PairSetup {
    /// The `/pair` page's: no device of its own; once paired, the role's page opens.
    pub fn standalone() -> PairSetup {
        let lang = DeviceSettings::lang(Mode::Desk);
        let code = crate::settings::take_pairing_code();
        PairSetup { mode: None, lang, code, notice: None, start: Rc::new(|_, _| reload()) }
    }
}

/// Starts the device for `mode`, following `docs` and the documents under `watches`; once it is
/// ready (and its first screen can show), it follows `later` too, one document at a time, so a
/// year of clients or claims does not hold up today's board.
///
/// A pairing link in the address (`#code=…`) is read and removed from it first; it leads to the
/// pairing screen, which asks before it replaces a device already paired.
pub fn use_device(
    mode: Mode,
    docs: Vec<String>,
    watches: Vec<String>,
    later: Vec<String>,
) -> RwSignal<Gate, LocalStorage> {
    let gate = RwSignal::new_local(Gate::Loading);
    let code = crate::settings::take_pairing_code();
    let stored = DeviceSettings::load(mode);
    let lang = DeviceSettings::lang(mode);
    if !crate::platform::random_source_works() {
        let detail = DeviceMsg::NoRandomLead.text(lang).to_owned();
        gate.set(Gate::Failed { title: DeviceMsg::NoRandomTitle.text(lang), detail });
        return gate;
    }
    let start: Rc<dyn Fn(DeviceSettings, DeviceKey)> = Rc::new(move |settings: DeviceSettings, key: DeviceKey| {
        let (docs, watches, later) = (docs.clone(), watches.clone(), later.clone());
        gate.set(Gate::Loading);
        spawn_local(async move {
            match Device::start(mode, settings, key, docs, watches).await {
                Ok(device) => {
                    device.when_revoked(Box::new(move |device: &Device| forget_revoked(device, gate)));
                    gate.set(Gate::Ready(StoredValue::new_local(device.clone())));
                    for name in later {
                        // Each load awaits storage, so the page stays responsive in between.
                        device.follow(vec![name]).await;
                    }
                }
                Err(err) => {
                    gate.set(Gate::Failed { title: DeviceMsg::StorageFailed.text(Lang::En), detail: err.to_string() })
                }
            }
        });
    });
    spawn_local(async move {
        let key = match Store::open(mode.database()).await {
            Ok(store) => store.load_key().await.ok().flatten(),
            Err(err) => {
                gate.set(Gate::Failed { title: DeviceMsg::StorageFailed.text(lang), detail: err.to_string() });
                return;
            }
        };
        match (code, stored, key) {
            (None, Some(settings), Some(key)) => start(settings, key),
            (code, stored, _) => {
                // Settings without a key: paired before keys existed, or the key was lost.
                let notice = (code.is_none() && stored.is_some()).then_some(DeviceMsg::PairAgain);
                gate.set(Gate::Pair(PairSetup { mode: Some(mode), lang, code, notice, start }));
            }
        }
    });
    on_cleanup(move || {
        if let Some(Gate::Ready(device)) = gate.try_get_untracked() {
            device.with_value(|d| d.stop());
        }
    });
    gate
}

/// The relay said this device was revoked: it stops, forgets everything it holds (documents,
/// outbox, key, who it was) and shows the pairing screen saying why.
fn forget_revoked(device: &Device, gate: RwSignal<Gate, LocalStorage>) {
    let mode = device.mode;
    device.stop();
    device.close_storage();
    spawn_local(async move {
        erase(mode).await;
        let lang = DeviceSettings::lang(mode);
        let start: Rc<dyn Fn(DeviceSettings, DeviceKey)> = Rc::new(|_, _| reload());
        let notice = Some(DeviceMsg::RevokedNotice);
        gate.set(Gate::Pair(PairSetup { mode: Some(mode), lang, code: None, notice, start }));
    });
}

/// Wipes what a revoked device held and forgets who it was (a part of the desk's wasm of its
/// own: seldom needed, never to start).
#[cfg_attr(feature = "lazy-sections", leptos::lazy)]
async fn erase(mode: Mode) {
    if let Err(err) = wipe(mode).await {
        leptos::logging::error!("a revoked device could not wipe its storage: {err}");
    }
    DeviceSettings::forget(mode);
}

fn reload() {
    if let Some(window) = web_sys::window() {
        let _ = window.location().reload();
    }
}

fn go_to(page: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().replace(page);
    }
}

/// Removes everything this device holds for `mode`: its documents and outbox (the database)
/// and the chunks written ahead.
pub async fn wipe(mode: Mode) -> Result<(), StorageError> {
    for entry in crate::spill::all(mode) {
        crate::spill::remove(mode, &entry.id);
    }
    Store::destroy(mode.database()).await
}

/// How many changes made here the relay has not acknowledged: the outbox and the chunks
/// written ahead, counted once.
pub async fn unsent(mode: Mode) -> usize {
    let mut ids: Vec<ChunkId> = crate::spill::all(mode).into_iter().map(|e| e.id).collect();
    if let Ok(store) = Store::open(mode.database()).await {
        ids.extend(store.load_outbox().await.unwrap_or_default().into_iter().map(|e| e.id));
    }
    // One copy of the sorting code for the whole app (`SortDyn`), for the wasm's size.
    frontdesk_core::sorting::SortDyn::sort_dyn_by(&mut ids[..], |a, b| a.cmp(b));
    ids.dedup();
    ids.len()
}

/// Shown while storage opens.
#[component]
pub fn Splash(lang: Lang) -> impl IntoView {
    view! { <div class="splash"><div class="splash__spinner" aria-hidden="true"></div><p>{DeviceMsg::Loading.text(lang)}</p></div> }
}

/// Shown when the device cannot start (storage cannot be opened, no cryptographic random source).
#[component]
pub fn StartFailure(title: &'static str, detail: String) -> impl IntoView {
    view! {
        <div class="splash splash--error" role="alert">
            <h1>{title}</h1>
            <p>{detail}</p>
        </div>
    }
}

/// What the pairing screen is doing.
#[derive(Clone, PartialEq)]
enum Step {
    /// Waiting for a code, with what went wrong with the last one.
    Enter(Option<PairError>),
    Checking,
    /// The code is good: the business and the device it makes, asked before joining.
    Confirm(Offer, String),
    /// The code's face of the app has a device paired here already: keep it (the default), or
    /// pair again, which wipes it.
    Replace {
        code: String,
        current: DeviceSettings,
        unsent: usize,
    },
    Joining,
}

/// Puts the focus on the element once it is in the page (`autofocus` works only on a page's
/// first load, and these screens change in place).
pub fn focus_when_shown<E>(node: NodeRef<E>)
where
    E: leptos::html::ElementType,
    E::Output: wasm_bindgen::JsCast + Clone + 'static,
{
    Effect::new(move |_| {
        if let Some(el) = node.get() {
            use wasm_bindgen::JsCast;
            if let Some(el) = el.dyn_ref::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    });
}

/// What went wrong, in words.
fn error_text(err: &PairError, lang: Lang) -> String {
    let msg = match err {
        PairError::BadFormat => PairMsg::PairBadFormat,
        PairError::Refused(PairRefusal::Unknown) => PairMsg::PairWrong,
        PairError::Refused(PairRefusal::Used) => PairMsg::PairUsed,
        PairError::Refused(PairRefusal::Expired) => PairMsg::PairExpired,
        PairError::Refused(PairRefusal::Voided) => PairMsg::PairVoided,
        PairError::Refused(PairRefusal::TooManyTries { retry_after_s }) => {
            return tr!(lang, kiosk.pair_too_many, minutes = retry_after_s.div_ceil(60).max(1));
        }
        PairError::Refused(PairRefusal::BadKey) | PairError::NoKey(_) => PairMsg::PairNoKey,
        PairError::Refused(PairRefusal::KeyCheckNeeded) => PairMsg::PairKeyCheck,
        PairError::Unreachable => PairMsg::PairUnreachable,
        PairError::Storage(detail) => return format!("{}: {detail}", DeviceMsg::StorageFailed.text(lang)),
    };
    msg.text(lang).to_owned()
}

fn role_text(role: Role, lang: Lang) -> &'static str {
    match role {
        Role::Kiosk => PairMsg::PairRoleKiosk.text(lang),
        Role::Staff => PairMsg::PairRoleStaff.text(lang),
        Role::Manager => PairMsg::PairRoleManager.text(lang),
    }
}

/// Pairs this device: a code typed in the field labelled "Pairing code" (checked first, then
/// the business's name shown before joining) or one from a link (joined at once). A code for a
/// face of the app already paired here asks first, keeping it by default.
#[component]
pub fn PairScreen(setup: PairSetup) -> impl IntoView {
    let PairSetup { mode, lang, code, notice, start } = setup;
    let lang = RwSignal::new(lang);
    let step = RwSignal::new(if code.is_some() { Step::Checking } else { Step::Enter(None) });
    let typed = RwSignal::new(String::new());
    let join: Rc<dyn Fn(String)> = Rc::new(move |code: String| {
        step.set(Step::Joining);
        let start = start.clone();
        spawn_local(async move {
            match crate::pairing::pair(&code, lang.get_untracked()).await {
                Ok(paired) if Some(paired.mode) == mode => start(paired.settings, paired.key),
                Ok(paired) => go_to(paired.mode.page()),
                Err(err) => step.set(Step::Enter(Some(err))),
            }
        });
    });
    let join = StoredValue::new_local(join);
    // Asks whether `code` replaces the device `target` has, counting what it has not sent.
    let ask_to_replace = move |target: Mode, code: String| async move {
        let current = DeviceSettings::load(target).unwrap_or_default();
        let unsent = unsent(target).await;
        step.set(Step::Replace { code, current, unsent });
    };
    let check: Rc<dyn Fn(String, bool)> = {
        Rc::new(move |code: String, at_once: bool| {
            if let Err(err) = crate::pairing::read_code(&code) {
                step.set(Step::Enter(Some(err)));
                return;
            }
            step.set(Step::Checking);
            spawn_local(async move {
                // A link opened on a page whose device is paired asks first, before anything
                // (the relay may be out of reach; the device's unsent changes are counted).
                if let Some(page) = mode.filter(|_| at_once)
                    && crate::pairing::is_paired(page).await
                {
                    return ask_to_replace(page, code).await;
                }
                let offer = match crate::pairing::preview(&code).await {
                    Ok(offer) => offer,
                    Err(err) => return step.set(Step::Enter(Some(err))),
                };
                let target = Mode::for_role(offer.role);
                if crate::pairing::is_paired(target).await {
                    ask_to_replace(target, code).await;
                } else if at_once {
                    join.with_value(|join| join(code));
                } else {
                    step.set(Step::Confirm(offer, code));
                }
            });
        })
    };
    if let Some(code) = code {
        check(code, true);
    }
    let check = StoredValue::new_local(check);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        check.with_value(|check| check(typed.get_untracked(), false));
    };
    let t = move |msg: PairMsg| msg.text(lang.get());
    let form = move |error: Option<PairError>, checking: bool| {
        let field = NodeRef::<leptos::html::Input>::new();
        focus_when_shown(field);
        view! {
            <h1>{move || t(PairMsg::PairTitle)}</h1>
            {notice.map(|notice| view! { <p class="pair__notice" role="status">{move || notice.text(lang.get())}</p> })}
            <p class="setup__lead">{move || t(PairMsg::PairLead)}</p>
            <form class="pair__form" on:submit=submit>
                <label class="field">
                    <span class="field__label">{move || t(PairMsg::PairingCode)}</span>
                    <input class="field__input pair__code" type="text" autocomplete="off" autocapitalize="characters"
                        spellcheck="false" maxlength="30" placeholder="K7QM 2XHD" node_ref=field
                        aria-invalid=error.is_some().then_some("true")
                        prop:value=typed on:input=move |ev| typed.set(event_target_value(&ev))/>
                </label>
                {error.map(|err| view! { <p class="pair__error" role="alert">{move || error_text(&err, lang.get())}</p> })}
                <button class="button button--primary button--large" type="submit" disabled=checking>
                    {move || t(if checking { PairMsg::PairChecking } else { PairMsg::PairContinue })}
                </button>
            </form>
            <button class="button button--lang" type="button" on:click=move |_| lang.update(|l| *l = l.other())>
                {move || lang.get().other().native_name()}
            </button>
        }
        .into_any()
    };
    let body = move || match step.get() {
        Step::Enter(error) => form(error, false),
        Step::Checking => form(None, true),
        Step::Joining => view! {
            <div class="splash splash--inline"><div class="splash__spinner" aria-hidden="true"></div>
            <p>{move || t(PairMsg::PairJoining)}</p></div>
        }
        .into_any(),
        Step::Confirm(offer, code) => {
            let title = move || match offer.business.as_str() {
                "" => t(PairMsg::PairJoinUnnamed).to_owned(),
                business => tr!(lang.get(), kiosk.pair_join_title, business = business.to_owned()),
            };
            let (role, name) = (offer.role, offer.name.clone());
            let join_button = NodeRef::<leptos::html::Button>::new();
            focus_when_shown(join_button);
            let what =
                move || tr!(lang.get(), kiosk.pair_join_as, role = role_text(role, lang.get()), name = name.clone());
            view! {
                <h1>{title}</h1>
                <p class="replace__question">{what}</p>
                <div class="replace__actions">
                    <button class="button button--primary button--large" type="button" node_ref=join_button
                        on:click=move |_| join.with_value(|join| join(code.clone()))>{move || t(PairMsg::PairJoin)}</button>
                    <button class="button button--ghost button--large" type="button"
                        on:click=move |_| step.set(Step::Enter(None))>{move || t(PairMsg::PairOtherCode)}</button>
                </div>
            }
            .into_any()
        }
        Step::Replace { code, current, unsent } => {
            let question = move || match current.name.as_str() {
                "" => t(PairMsg::ReplaceUnnamed).to_owned(),
                name => tr!(lang.get(), kiosk.replace_named, name = name.to_owned()),
            };
            // Answered once: the code goes with the first answer.
            let pending = StoredValue::new_local(Cell::new(Some(code)));
            let keep_button = NodeRef::<leptos::html::Button>::new();
            focus_when_shown(keep_button);
            let replace = move |_| {
                if let Some(code) = pending.with_value(|p| p.take()) {
                    join.with_value(|join| join(code));
                }
            };
            view! {
                <div class="replace" role="alertdialog" aria-labelledby="replace-title" aria-describedby="replace-question">
                    <span class="replace__icon"><IconSvg icon=Icon::Alert size=32/></span>
                    <h1 id="replace-title">{move || t(PairMsg::ReplaceTitle)}</h1>
                    <p id="replace-question" class="replace__question">{question}</p>
                    <p class="setup__lead">{move || t(PairMsg::ReplaceHint)}</p>
                    <p class="setup__lead">{move || t(PairMsg::ReplaceWipes)}</p>
                    {(unsent > 0).then(|| view! {
                        <p class="replace__unsent" role="alert">{move || tr!(lang.get(), kiosk.replace_unsent, count = unsent)}</p>
                    })}
                    <div class="replace__actions">
                        // Keeping it starts the page as it was, without the code.
                        <button class="button button--primary button--large" type="button" node_ref=keep_button
                            on:click=move |_| reload()>{move || t(PairMsg::KeepDevice)}</button>
                        <button class="button button--ghost button--large replace__replace" type="button"
                            on:click=replace>{move || t(PairMsg::Replace)}</button>
                    </div>
                </div>
            }
            .into_any()
        }
    };
    view! {
        <main class="setup">
            <section class="setup__card pair">
                <span class="brand">"Frontdesk"</span>
                {body}
            </section>
        </main>
    }
}
