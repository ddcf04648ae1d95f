//! The manager's list of devices (in the Business section): pair a new kiosk or tablet with a
//! code and a QR of its pairing link, rename one, revoke one. The list lives on the relay, so it
//! needs the relay; this tablet asks for it when the card shows and after each change.

use frontdesk_protocol::{AdminReply, ClientMsg, DeviceInfo, Role};
use leptos::prelude::*;

use frontdesk_core::keys::{self, RECOVERY};
use frontdesk_protocol::Scope;

use crate::components::device_gate::DeviceRef;
use crate::i18n::{BusinessMsg, Lang, tr};
use crate::key_handover::{KeyOutcome, ManagerJob, manager_job};

mod kit;
mod row;
use kit::{KitState, draw_kit};
use row::DeviceRow;

/// A pairing code the relay made, as the card shows it, with the pairing secret drawn here
/// that goes only into its link (and is typed as the key check).
#[derive(Clone, Debug, PartialEq, Eq)]
struct PairingCode {
    code: String,
    secret: String,
    role: Role,
    name: String,
    expires_at_ms: i64,
}

/// A fresh pairing secret from the browser's random source.
fn new_secret() -> String {
    frontdesk_core::keys::pairing_secret(crate::platform::random_below)
}

/// The kinds of device a manager pairs, in the order the form offers them.
const KINDS: [Role; 3] = [Role::Kiosk, Role::Staff, Role::Manager];

fn kind_text(role: Role, lang: Lang) -> &'static str {
    match role {
        Role::Kiosk => BusinessMsg::KindKiosk.text(lang),
        Role::Staff => BusinessMsg::KindStaff.text(lang),
        Role::Manager => BusinessMsg::KindManager.text(lang),
    }
}

/// The pairing page of this relay.
fn pairing_page() -> String {
    let origin = web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
    format!("{origin}/pair")
}

/// The pairing link a code (and its secret) makes, on this relay.
fn pairing_link(code: &str) -> String {
    format!("{}#code={code}", pairing_page())
}

/// The QR code of `text` as an SVG of dark modules on a white square (quiet zone included).
pub(super) fn qr_svg(text: &str) -> Option<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let width = code.width();
    let quiet = 4;
    let size = width + 2 * quiet;
    let mut path = String::new();
    for (i, color) in code.to_colors().iter().enumerate() {
        if *color == qrcode::Color::Dark {
            let (x, y) = (i % width + quiet, i / width + quiet);
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    Some(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" shape-rendering="crispEdges" role="img"><rect width="{size}" height="{size}" fill="#fff"/><path d="{path}" fill="#111827"/></svg>"##
    ))
}

#[component]
pub fn DevicesCard(device: DeviceRef, lang: RwSignal<Lang>, business: Signal<String>) -> impl IntoView {
    let t = move |msg: BusinessMsg| msg.text(lang.get());
    let (admin, status) = device.with_value(|d| (d.admin, d.status));
    // The relay's answers, read here (their decoding goes with this part of the app).
    let devices = RwSignal::new(None::<Vec<DeviceInfo>>);
    let code = RwSignal::new(None::<PairingCode>);
    // Encryption (#19): whether this tablet asked to set it up, and what happened since.
    let setting_up = RwSignal::new(false);
    // A revocation under way: the device and the scopes whose keys are being renewed.
    let rotating = RwSignal::new(None::<(String, Vec<frontdesk_protocol::Scope>)>);
    let note = RwSignal::new(None::<String>);
    // The recovery kit just drawn, shown until its holder says it is kept.
    let kit = KitState { shown: RwSignal::new(None), busy: RwSignal::new(false) };
    let handing = StoredValue::new(false);
    // A list that came while a hand-over ran: handed over next, not dropped.
    let next_list = StoredValue::new(None::<Vec<DeviceInfo>>);
    let ask = move |msg: ClientMsg| device.with_value(|d| d.request(msg));
    // Devices that paired with this tablet's codes are vouched for and handed their keys.
    let hand_over = move |list: Vec<DeviceInfo>| {
        if handing.get_value() {
            next_list.set_value(Some(list));
            return;
        }
        handing.set_value(true);
        let device = device.get_value();
        leptos::task::spawn_local(async move {
            let mut list = list;
            // A device being revoked is handed nothing, though the relay still lists it.
            if let Some((revoking, _)) = rotating.get_untracked() {
                list.iter_mut().filter(|d| d.id == revoking).for_each(|d| d.revoked = true);
            }
            loop {
                let handed = manager_job(ManagerJob::HandOver(device.clone(), list)).await;
                if let KeyOutcome::Handed(names) = handed
                    && let Some(name) = names.last()
                {
                    note.set(Some(tr!(lang.get_untracked(), desk.keys_handed, name = name.clone())));
                }
                match next_list.try_update_value(Option::take).flatten() {
                    Some(newer) => list = newer,
                    None => break,
                }
            }
            handing.set_value(false);
        });
    };
    let this_id = device.with_value(|d| d.settings.borrow().device.clone());
    let online = move || status.with(|s| matches!(s.connection, frontdesk_core::Connection::Online { .. }));
    let revision = device.with_value(|d| d.revision);
    // Whether this tablet holds the keys, or the relay says the business seals without them.
    let encryption = move || {
        status.track();
        revision.track();
        device.with_value(|d| {
            (!d.held_keys().is_empty(), frontdesk_protocol::Scope::ALL.iter().any(|s| d.relay_epoch(*s) > 0))
        })
    };
    // Whether the request went out (not offline).
    let encrypt = move || {
        setting_up.set(true);
        note.set(None);
        let asked = ask(ClientMsg::NewEpoch { scopes: frontdesk_protocol::Scope::ALL.to_vec(), first: true });
        setting_up.set(asked);
        asked
    };
    // Encryption is on by default: the business's first manager's tablet, alone in the business
    // and holding no keys while the relay has numbered none, sets it up as soon as it hears the
    // relay's list (once per visit to this card) — a list this card asked for, not one kept from
    // an earlier visit. A business whose devices paired earlier — with no key check — turns it on
    // by hand, once those devices have paired again.
    let auto_set_up = StoredValue::new(false);
    let listed_here = StoredValue::new(false);
    // The kit the set-up shows waits for the business's name (the first-run profile), which it
    // carries when printed.
    let kit_after_profile = StoredValue::new(false);
    let alone = {
        let this = this_id.clone();
        move |list: &[DeviceInfo]| {
            list.iter().filter(|d| !d.revoked).all(|d| d.id == this) && list.iter().any(|d| d.id == this)
        }
    };
    Effect::new(move |_| match admin.get().map(|bytes| AdminReply::from_bytes(&bytes)) {
        Some(Ok(AdminReply::Devices { devices: list })) => {
            devices.set(Some(list.clone()));
            if listed_here.get_value()
                && !auto_set_up.get_value()
                && alone(&list)
                && untrack(encryption) == (false, false)
                && encrypt()
            {
                auto_set_up.set_value(true);
            }
            hand_over(list);
        }
        Some(Ok(AdminReply::PairingCode { code: made, role, name, expires_at_ms })) => {
            let shown = PairingCode { code: made, secret: new_secret(), role, name, expires_at_ms };
            let pending = crate::key_handover::Pending {
                code: shown.code.clone(),
                secret: shown.secret.clone(),
                role,
                expires_at_ms,
            };
            let device = device.get_value();
            leptos::task::spawn_local(async move {
                if let KeyOutcome::Failed(err) = manager_job(ManagerJob::KeepPending(device, pending)).await {
                    leptos::logging::error!(
                        "a new code's key check could not be kept (its device will get no keys): {err}"
                    );
                }
            });
            code.set(Some(shown));
        }
        Some(Ok(AdminReply::Paired { .. })) => {
            ask(ClientMsg::ListDevices);
        }
        Some(Ok(AdminReply::Epochs { granted, epochs })) if rotating.with_untracked(Option::is_some) => {
            let Some((revoked, scopes)) = rotating.get_untracked() else { return };
            let floors: Vec<_> = epochs.into_iter().filter(|e| granted && scopes.contains(&e.scope)).collect();
            let device = device.get_value();
            // The relay's list, the device being revoked marked so: the new keys go to every
            // other device listed (and never to one revoked before).
            let mut listed = devices.get_untracked().unwrap_or_default();
            listed.iter_mut().filter(|d| d.id == revoked).for_each(|d| d.revoked = true);
            let name = listed.iter().find(|d| d.id == revoked).map_or(revoked.clone(), |d| d.name.clone());
            leptos::task::spawn_local(async move {
                let lang = lang.get_untracked();
                // A new recovery kit: every key renewed (the old kit forgotten first), then the
                // new kit made; nothing to revoke on the relay.
                let renewing_kit = revoked == RECOVERY;
                let mut floors = floors;
                if !floors.is_empty() {
                    let job = ManagerJob::Rotate(device.clone(), revoked.clone(), floors.clone(), listed.clone());
                    match manager_job(job).await {
                        KeyOutcome::Failed(why) if renewing_kit => {
                            // The old kit is forgotten all the same: it gets no key from now on.
                            note.set(Some(tr!(lang, desk.kit_failed, why = why)));
                            rotating.set(None);
                            return;
                        }
                        KeyOutcome::Failed(why) => {
                            // Revoked all the same (the relay shuts it out); its old keys still
                            // open what is written under them: said here.
                            note.set(Some(tr!(lang, desk.keys_renewed_failed, name = name.clone(), why = why)));
                            floors.clear();
                        }
                        // Every other device gets the new keys before the floors rise.
                        outcome => {
                            manager_job(ManagerJob::HandOver(device.clone(), listed)).await;
                            if let KeyOutcome::Unreached(names) = outcome
                                && !names.is_empty()
                            {
                                note.set(Some(tr!(lang, desk.keys_unreached, names = names.join(", "))));
                            }
                        }
                    }
                }
                if renewing_kit {
                    draw_kit(kit, note, lang).await;
                } else if !device.request(ClientMsg::RevokeDevice { device: revoked, floors }) {
                    note.set(Some(tr!(lang, desk.revoke_not_sent, name = name)));
                }
                rotating.set(None);
            });
        }
        Some(Ok(AdminReply::Epochs { granted, epochs })) if setting_up.get_untracked() => {
            setting_up.set(false);
            if !granted {
                note.set(Some(BusinessMsg::EncryptionTaken.text(lang.get_untracked()).to_owned()));
                return;
            }
            let device = device.get_value();
            leptos::task::spawn_local(async move {
                match manager_job(ManagerJob::SetUp(device.clone(), epochs)).await {
                    KeyOutcome::Failed(why) => {
                        note.set(Some(tr!(lang.get_untracked(), desk.encryption_failed, why = why)))
                    }
                    // The business's first keys, and at once the kit that restores them (once the
                    // business has a name); what the relay stored in the clear before is
                    // replaced by sealed snapshots.
                    _ => {
                        device.seal_history();
                        device.request(ClientMsg::ListDevices);
                        if business.with_untracked(|b| b.trim().is_empty()) {
                            kit_after_profile.set_value(true);
                        } else {
                            draw_kit(kit, note, lang.get_untracked()).await;
                        }
                    }
                }
            });
        }
        _ => {}
    });
    // Whether the business has a recovery kit (the keyring lists it, for every manager's tablet).
    let kit_exists = move || {
        revision.track();
        device.with_value(|d| {
            d.read_doc(frontdesk_core::doc_name::KEYRING, |doc| {
                keys::read_vouched(doc).iter().any(|v| v.id == RECOVERY)
            })
        })
    };
    // A kit is made at once if there is none; a new one renews every key first, so the old
    // kit opens nothing written afterwards.
    let make_kit = move |_| {
        note.set(None);
        if kit_exists() {
            let scopes = Scope::ALL.to_vec();
            rotating.set(Some((RECOVERY.to_owned(), scopes.clone())));
            if !ask(ClientMsg::NewEpoch { scopes, first: false }) {
                rotating.set(None);
            }
        } else {
            leptos::task::spawn_local(draw_kit(kit, note, lang.get_untracked()));
        }
    };
    // Restored, but not the newest key of every scope yet: the form stays to restore again.
    let restore_partial = RwSignal::new(false);
    let restore_form = move || view! { <kit::RestoreForm device lang note partial=restore_partial/> };
    let line_on = |lang: Lang| {
        view! { <p class="devices__encryption devices__encryption--on" role="status">{BusinessMsg::EncryptionOn.text(lang)}</p> }
    };
    let encryption_line = move || {
        let lang = lang.get();
        let (holds, sealed) = encryption();
        // While a kit shows, the kit speaks for itself.
        if holds && kit.shown.with(Option::is_some) {
            return line_on(lang).into_any();
        }
        // Restored, but the newest key of some scope is still missing: the form stays.
        if holds && restore_partial.get() && device.with_value(|d| crate::key_handover::lacks_newest_keys(d)) {
            return view! { {line_on(lang)} {restore_form()} }.into_any();
        }
        if holds {
            let (msg, action, class, kit_class) = if kit_exists() {
                (BusinessMsg::KitExists, BusinessMsg::KitRenew, "button button--ghost", "devices__kit")
            } else {
                (
                    BusinessMsg::KitNone,
                    BusinessMsg::KitMake,
                    "button button--primary",
                    "devices__kit devices__kit--missing",
                )
            };
            return view! {
                {line_on(lang)}
                <div class=kit_class>
                    <p>{msg.text(lang)}</p>
                    <button class=class type="button" on:click=make_kit
                        disabled=move || !online() || rotating.with(Option::is_some) || kit.shown.with(Option::is_some) || kit.busy.get()>{action.text(lang)}</button>
                </div>
            }
            .into_any();
        }
        // Off; or waiting for keys — or this tablet's own set-up was cut short (the relay lets
        // only it finish, and tells anyone else the business has keys).
        let (msg, class, button) = if sealed {
            (BusinessMsg::EncryptionWaiting, "devices__encryption", "button button--ghost")
        } else {
            (BusinessMsg::EncryptionOff, "devices__encryption devices__encryption--off", "button button--primary")
        };
        view! {
            <div class=class>
                <p>{msg.text(lang)}</p>
                <button class=button type="button" on:click=move |_| { encrypt(); }
                    disabled=move || !online() || setting_up.get()>{BusinessMsg::Encrypt.text(lang)}</button>
            </div>
            {sealed.then(restore_form)}
        }
        .into_any()
    };
    // Ask for the list when the card shows, and whenever the tablet comes online.
    Effect::new(move |_| {
        if online() && ask(ClientMsg::ListDevices) {
            listed_here.set_value(true);
        }
    });
    // The first run's profile saved: the kit the set-up made waits no longer.
    Effect::new(move |_| {
        if !business.with(|b| b.trim().is_empty()) && kit_after_profile.get_value() {
            kit_after_profile.set_value(false);
            leptos::task::spawn_local(draw_kit(kit, note, lang.get_untracked()));
        }
    });
    let adding = RwSignal::new(false);
    let kind = RwSignal::new(Role::Staff);
    let name = RwSignal::new(String::new());
    let name_problem = RwSignal::new(false);
    // The code made since the form opened (one from an earlier visit is not shown again).
    let showing = RwSignal::new(false);
    let now = RwSignal::new(crate::platform::now_ms());
    // While a code shows, the list is asked for every two seconds: the new device appears paired.
    let poll = leptos::prelude::set_interval_with_handle(
        move || {
            if showing.get_untracked() {
                now.set(crate::platform::now_ms());
                ask(ClientMsg::ListDevices);
            }
        },
        std::time::Duration::from_secs(2),
    )
    .ok();
    on_cleanup(move || {
        if let Some(poll) = poll {
            poll.clear();
        }
    });
    let make_code = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = name.get_untracked().trim().to_owned();
        if chosen.is_empty() {
            name_problem.set(true);
            return;
        }
        name_problem.set(false);
        code.set(None);
        if ask(ClientMsg::CreatePairing {
            role: kind.get_untracked(),
            name: chosen,
            business: business.get_untracked(),
        }) {
            showing.set(true);
            now.set(crate::platform::now_ms());
        }
    };
    let close_form = move || {
        adding.set(false);
        showing.set(false);
        name.set(String::new());
        code.set(None);
    };
    // The device the shown code paired, once the list has it.
    let paired_name = move || {
        let shown = code.get()?;
        devices.with(|list| {
            list.as_ref()?
                .iter()
                .find(|d| {
                    d.name == shown.name && d.role == shown.role && d.paired_at_ms >= shown.expires_at_ms - 600_000
                })
                .map(|d| d.name.clone())
        })
    };
    let code_card = move || {
        let shown = code.get().filter(|_| showing.get())?;
        let link = pairing_link(&format!("{}{}", shown.code, shown.secret));
        let svg = qr_svg(&link).unwrap_or_default();
        let expired = move || now.get() >= shown.expires_at_ms;
        let until = crate::clock::format(shown.expires_at_ms, "%H:%M");
        let display = frontdesk_protocol::pairing::display(&shown.code);
        let for_name = shown.name.clone();
        Some(view! {
            <div class="pairing-code" role="region" aria-label=move || tr!(lang.get(), desk.code_for, name = for_name.clone())>
                <div class="pairing-code__qr" inner_html=svg aria-hidden="true"></div>
                <div class="pairing-code__text">
                    <h3 class="pairing-code__title">{let n = shown.name.clone(); move || tr!(lang.get(), desk.code_for, name = n.clone())}</h3>
                    <p class="pairing-code__code" aria-label=shown.code.clone()>{display}</p>
                    <p class="pairing-code__check" aria-label=shown.secret.clone()>{let check = frontdesk_core::keys::show_groups(&shown.secret); move || tr!(lang.get(), desk.code_check, check = check.clone())}</p>
                    {move || match (paired_name(), expired()) {
                        (Some(n), _) => view! { <p class="pairing-code__paired" role="status">{tr!(lang.get(), desk.code_paired, name = n)}</p> }.into_any(),
                        (None, true) => view! { <p class="pairing-code__expired" role="status">{t(BusinessMsg::CodeExpired)}</p> }.into_any(),
                        (None, false) => view! {
                            <p class="pairing-code__until">{tr!(lang.get(), desk.code_until, time = until.clone())}</p>
                            <p class="pairing-code__how">{tr!(lang.get(), desk.code_how_typed, link = pairing_page())}</p>
                        }.into_any(),
                    }}
                    <button class="button button--primary" type="button" on:click=move |_| close_form()>{move || t(BusinessMsg::Done)}</button>
                </div>
            </div>
        })
    };
    let form = move || {
        (adding.get() && !(showing.get() && code.with(Option::is_some))).then(|| view! {
            <form class="form devices__form" on:submit=make_code>
                <div class="form__grid">
                    <label class="field">
                        <span class="field__label">{move || t(BusinessMsg::DeviceKind)}</span>
                        <select class="field__input" on:change=move |ev| {
                            let i: usize = event_target_value(&ev).parse().unwrap_or(1);
                            kind.set(KINDS[i.min(KINDS.len() - 1)]);
                        }>
                            {KINDS.iter().enumerate().map(|(i, k)| {
                                let k = *k;
                                view! { <option value=i.to_string() selected=move || kind.get() == k>{move || kind_text(k, lang.get())}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    <label class="field">
                        <span class="field__label">{move || t(BusinessMsg::DeviceName)}</span>
                        <input class="field__input" type="text" maxlength="80" autocomplete="off"
                            placeholder=move || t(BusinessMsg::DeviceNameHint)
                            aria-invalid=move || name_problem.get().then_some("true")
                            prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                    </label>
                </div>
                {move || name_problem.get().then(|| view! { <p class="field-error" role="alert">{t(BusinessMsg::NameNeeded)}</p> })}
                <div class="form__actions">
                    <button class="button button--primary button--large" type="submit" disabled=move || !online()>{move || t(BusinessMsg::MakeCode)}</button>
                    <button class="button button--ghost button--large" type="button" on:click=move |_| close_form()>{move || t(BusinessMsg::Cancel)}</button>
                </div>
            </form>
        })
    };
    let this_id = StoredValue::new(this_id);
    view! {
        <section class="card devices" aria-labelledby="devices-title">
            <div class="card__head">
                <h2 id="devices-title" class="card__title">{move || t(BusinessMsg::Devices)}</h2>
                <Show when=move || !adding.get()>
                    <button class="button button--ghost" type="button" disabled=move || !online()
                        on:click=move |_| adding.set(true)>{move || t(BusinessMsg::AddDevice)}</button>
                </Show>
            </div>
            <p class="card__lead">{move || t(BusinessMsg::DevicesLead)}</p>
            {encryption_line}
            {move || note.get().map(|n| view! { <p class="devices__note" role="status">{n}</p> })}
            <kit::KitCard device lang business kit note/>
            {form}
            {code_card}
            {move || match (online(), devices.with(Option::is_some)) {
                (false, _) => Some(view! { <p class="card__empty" role="status">{t(BusinessMsg::DevicesOffline)}</p> }.into_any()),
                (true, false) => Some(view! { <p class="card__empty" role="status">{t(BusinessMsg::DevicesLoading)}</p> }.into_any()),
                _ => None,
            }}
            <ul class="rows">
                <For each=move || devices.get().unwrap_or_default() key=|d| (d.id.clone(), d.name.clone(), d.revoked, d.last_seen_ms) let:info>
                    <DeviceRow info lang this=this_id.with_value(|id| id.clone()) device rotating/>
                </For>
            </ul>
        </section>
    }
}
