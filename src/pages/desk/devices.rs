//! The manager's list of devices (in the Business section): pair a new kiosk or tablet with a
//! code and a QR of its pairing link, rename one, revoke one. The list lives on the relay, so it
//! needs the relay; this tablet asks for it when the card shows and after each change.

use frontdesk_protocol::{AdminReply, ClientMsg, DeviceInfo, Role};
use leptos::prelude::*;

use crate::components::device_gate::DeviceRef;
use crate::i18n::{BusinessMsg, Lang, tr};

/// A pairing code the relay made, as the card shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct PairingCode {
    code: String,
    role: Role,
    name: String,
    expires_at_ms: i64,
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

/// A relay time as the list says it: the time today, else the date and the time.
fn when(at_ms: i64) -> String {
    let local = crate::clock::local(at_ms);
    if local.date() == crate::clock::today() {
        local.format("%H:%M").to_string()
    } else {
        local.format("%Y-%m-%d %H:%M").to_string()
    }
}

/// The pairing link a code makes, on this relay.
fn pairing_link(code: &str) -> String {
    let origin = web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
    format!("{origin}/pair#code={code}")
}

/// The QR code of `text` as an SVG of dark modules on a white square (quiet zone included).
fn qr_svg(text: &str) -> Option<String> {
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
    Effect::new(move |_| match admin.get().map(|bytes| AdminReply::from_bytes(&bytes)) {
        Some(Ok(AdminReply::Devices { devices: list })) => devices.set(Some(list)),
        Some(Ok(AdminReply::PairingCode { code: made, role, name, expires_at_ms })) => {
            code.set(Some(PairingCode { code: made, role, name, expires_at_ms }))
        }
        _ => {}
    });
    let this_id = device.with_value(|d| d.settings.borrow().device.clone());
    let online = move || status.with(|s| matches!(s.connection, frontdesk_core::Connection::Online { .. }));
    let ask = move |msg: ClientMsg| device.with_value(|d| d.request(msg));
    // Ask for the list when the card shows, and whenever the tablet comes online.
    Effect::new(move |_| {
        if online() {
            ask(ClientMsg::ListDevices);
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
        let link = pairing_link(&shown.code);
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
                    {move || match (paired_name(), expired()) {
                        (Some(n), _) => view! { <p class="pairing-code__paired" role="status">{tr!(lang.get(), desk.code_paired, name = n)}</p> }.into_any(),
                        (None, true) => view! { <p class="pairing-code__expired" role="status">{t(BusinessMsg::CodeExpired)}</p> }.into_any(),
                        (None, false) => view! {
                            <p class="pairing-code__until">{tr!(lang.get(), desk.code_until, time = until.clone())}</p>
                            <p class="pairing-code__how">{tr!(lang.get(), desk.code_how, link = link.clone())}</p>
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
            {form}
            {code_card}
            {move || match (online(), devices.with(Option::is_some)) {
                (false, _) => Some(view! { <p class="card__empty" role="status">{t(BusinessMsg::DevicesOffline)}</p> }.into_any()),
                (true, false) => Some(view! { <p class="card__empty" role="status">{t(BusinessMsg::DevicesLoading)}</p> }.into_any()),
                _ => None,
            }}
            <ul class="rows">
                <For each=move || devices.get().unwrap_or_default() key=|d| (d.id.clone(), d.name.clone(), d.revoked, d.last_seen_ms) let:info>
                    <DeviceRow info lang this=this_id.with_value(|id| id.clone()) device/>
                </For>
            </ul>
        </section>
    }
}

#[component]
fn DeviceRow(info: DeviceInfo, lang: RwSignal<Lang>, this: String, device: DeviceRef) -> impl IntoView {
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
    let revoke = {
        let id = id.clone();
        move |_| {
            ask(ClientMsg::RevokeDevice { device: id.clone() });
            confirming.set(false);
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
                    <button class="button button--ghost button--danger" type="button" on:click=move |_| confirming.set(true)>{move || t(BusinessMsg::Revoke)}</button>
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
