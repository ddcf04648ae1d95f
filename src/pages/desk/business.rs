//! The manager's screen: business profile (first-run setup), services, staff and resources.

use frontdesk_core::money::{format_amount, parse_amount};
use frontdesk_core::site::{
    self, BusinessKind, DayHours, Profile, Resource, ResourceKind, Service, Site, SiteError, StaffMember, StaffRole,
    format_time, parse_time,
};
use frontdesk_core::{RecordId, doc_name};
use leptos::prelude::*;

use crate::components::device_gate::DeviceRef;
use crate::components::time_input::TimeInput;
use crate::i18n::{BusinessMsg, Lang, kind_msg, site_error_text, weekday_name};
use crate::platform::random_bytes;

fn new_id() -> String {
    RecordId::from_random(random_bytes()).to_string()
}

/// Saves `edit` into the site document; `done` gets the outcome to show.
fn save_site(
    device: DeviceRef,
    edit: impl FnOnce(&mut automerge::AutoCommit) -> Result<(), String> + 'static,
    done: impl FnOnce(Result<(), String>) + 'static,
) {
    device.get_value().change_soon(doc_name::SITE.to_owned(), "the business settings", edit, done);
}

#[component]
pub fn Business(device: DeviceRef, lang: RwSignal<Lang>, site: Memo<Site>) -> impl IntoView {
    let t = move |msg: BusinessMsg| msg.text(lang.get());
    view! {
        <div class="page business">
            <Show when=move || site.with(|s| s.profile.is_none())>
                <div class="callout">
                    <h2>{move || t(BusinessMsg::FirstRunTitle)}</h2>
                    <p>{move || t(BusinessMsg::FirstRunLead)}</p>
                </div>
            </Show>
            <ProfileCard device lang site/>
            <super::devices::DevicesCard device lang business=Signal::derive(move || site.with(|s| s.profile.as_ref().map(|p| p.name.clone()).unwrap_or_default()))/>
            <super::lock::IdleChoice device lang/>
            <Show when=move || site.with(|s| s.profile.is_some())>
                <ServicesCard device lang site/>
                <StaffCard device lang site/>
                <ResourcesCard device lang site/>
                <super::products::ProductsCard device lang site/>
                <super::retention::KeepingCard device lang site/>
            </Show>
        </div>
    }
}

/// One weekday's row in an hours editor: open?, from, to (as typed).
type DayRow = (bool, String, String);

fn rows_of(hours: &[DayHours]) -> Vec<DayRow> {
    (0..7)
        .map(|i| {
            let d = hours.get(i).copied().unwrap_or(DayHours::CLOSED);
            let (from, to) = if d.open { (d.from_min, d.to_min) } else { (9 * 60, 18 * 60) };
            (d.open, format_time(from), format_time(to))
        })
        .collect()
}

fn hours_of(rows: &[DayRow]) -> Result<Vec<DayHours>, SiteError> {
    let hours: Vec<DayHours> = rows
        .iter()
        .map(|(open, from, to)| match (open, parse_time(from), parse_time(to)) {
            (false, _, _) => Ok(DayHours::CLOSED),
            (true, Some(from), Some(to)) => Ok(DayHours::new(from, to)),
            _ => Err(SiteError::HoursInverted),
        })
        .collect::<Result<_, _>>()?;
    site::check_hours(&hours)?;
    Ok(hours)
}

#[component]
fn HoursEditor(rows: RwSignal<Vec<DayRow>>, lang: RwSignal<Lang>) -> impl IntoView {
    view! {
        <div class="hours">
            {(0..7).map(|i| {
                let get = move |f: fn(&DayRow) -> String| rows.with(|r| f(&r[i]));
                view! {
                    <div class="hours__row">
                        <label class="check">
                            <input type="checkbox" prop:checked=move || rows.with(|r| r[i].0)
                                on:change=move |ev| rows.update(|r| r[i].0 = event_target_checked(&ev))/>
                            <span class="hours__day">{move || weekday_name(i, lang.get())}</span>
                        </label>
                        <Show when=move || rows.with(|r| r[i].0) fallback=move || view! { <span class="hours__closed">{move || BusinessMsg::Closed.text(lang.get())}</span> }>
                            <TimeInput lang label=Signal::derive(move || format!("{} {}", weekday_name(i, lang.get()), BusinessMsg::Opens.text(lang.get())))
                                value=Signal::derive(move || get(|r| r.1.clone())) on_pick=Callback::new(move |t| rows.update(|r| r[i].1 = t))/>
                            <span class="hours__dash">"–"</span>
                            <TimeInput lang label=Signal::derive(move || format!("{} {}", weekday_name(i, lang.get()), BusinessMsg::Closes.text(lang.get())))
                                value=Signal::derive(move || get(|r| r.2.clone())) on_pick=Callback::new(move |t| rows.update(|r| r[i].2 = t))/>
                        </Show>
                    </div>
                }
            }).collect_view()}
        </div>
    }
}

/// The browser's own time zone, a good first guess for the business's.
fn browser_time_zone() -> String {
    let options = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new()).resolved_options();
    js_sys::Reflect::get(&options, &"timeZone".into()).ok().and_then(|v| v.as_string()).unwrap_or_else(|| "UTC".into())
}

/// A short "Saved" or the error, next to a form's button.
#[component]
fn Outcome(outcome: RwSignal<Option<Result<(), String>>>, lang: RwSignal<Lang>) -> impl IntoView {
    move || {
        outcome.get().map(|r| match r {
            Ok(()) => {
                view! { <span class="form-outcome form-outcome--ok" role="status">{BusinessMsg::Saved.text(lang.get())}</span> }
                    .into_any()
            }
            Err(e) => view! { <span class="form-outcome form-outcome--error" role="alert">{e}</span> }.into_any(),
        })
    }
}

#[component]
fn ProfileCard(device: DeviceRef, lang: RwSignal<Lang>, site: Memo<Site>) -> impl IntoView {
    let t = move |msg: BusinessMsg| msg.text(lang.get());
    let current = site.get_untracked().profile;
    let name = RwSignal::new(current.as_ref().map(|p| p.name.clone()).unwrap_or_default());
    let kind = RwSignal::new(current.as_ref().map(|p| p.kind).unwrap_or(BusinessKind::MedicalOffice));
    let language = RwSignal::new(
        current.as_ref().map(|p| p.lang.clone()).unwrap_or_else(|| lang.get_untracked().code().to_owned()),
    );
    let zone = RwSignal::new(current.as_ref().map(|p| p.time_zone.clone()).unwrap_or_else(browser_time_zone));
    let currency = RwSignal::new(site.with_untracked(|s| s.currency().to_owned()));
    let rows = RwSignal::new(rows_of(&current.as_ref().map(|p| p.hours.clone()).unwrap_or_else(site::weekday_hours)));
    let outcome = RwSignal::new(None::<Result<(), String>>);
    let profile = move || -> Result<Profile, SiteError> {
        let profile = Profile {
            name: site::clean_name(&name.get())?,
            kind: kind.get(),
            lang: language.get(),
            time_zone: zone.get().trim().to_owned(),
            currency: currency.get().trim().to_uppercase(),
            hours: hours_of(&rows.get())?,
        };
        profile.check()?;
        Ok(profile)
    };
    // Checked as the person types; shown once they have typed something.
    let problem = move || match profile() {
        Err(e) if !name.get().is_empty() || current.is_some() => Some(site_error_text(e, lang.get())),
        _ => None,
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match profile() {
            Ok(profile) => {
                let chosen = if profile.lang == "es" { Lang::Es } else { Lang::En };
                save_site(
                    device,
                    move |d| site::put_profile(d, &profile),
                    move |r| {
                        if r.is_ok() {
                            lang.set(chosen);
                        }
                        outcome.set(Some(r));
                    },
                )
            }
            Err(e) => outcome.set(Some(Err(site_error_text(e, lang.get_untracked()).to_owned()))),
        }
    };
    view! {
        <form class="card form" on:submit=save aria-labelledby="profile-title">
            <h2 id="profile-title" class="card__title">{move || t(BusinessMsg::BusinessProfile)}</h2>
            <div class="form__grid">
                <label class="field field--wide">
                    <span class="field__label">{move || t(BusinessMsg::BusinessName)}</span>
                    <input class="field__input" type="text" maxlength="80" prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                </label>
                <label class="field">
                    <span class="field__label">{move || t(BusinessMsg::BusinessKind)}</span>
                    <select class="field__input" on:change=move |ev| {
                        let i: usize = event_target_value(&ev).parse().unwrap_or(0);
                        kind.set(BusinessKind::ALL[i.min(4)]);
                    }>
                        {BusinessKind::ALL.iter().enumerate().map(|(i, k)| {
                            let k = *k;
                            view! { <option value=i.to_string() selected=move || kind.get() == k>{move || t(kind_msg(k))}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span class="field__label">{move || t(BusinessMsg::Language)}</span>
                    <select class="field__input" on:change=move |ev| language.set(event_target_value(&ev))>
                        <option value="es" selected=move || language.get() == "es">"Español"</option>
                        <option value="en" selected=move || language.get() == "en">"English"</option>
                    </select>
                </label>
                <label class="field">
                    <span class="field__label">{move || t(BusinessMsg::TimeZone)}</span>
                    <input class="field__input" type="text" prop:value=zone on:input=move |ev| zone.set(event_target_value(&ev))/>
                </label>
                <label class="field">
                    <span class="field__label">{move || t(BusinessMsg::Currency)}</span>
                    <input class="field__input" type="text" maxlength="3" prop:value=currency on:input=move |ev| currency.set(event_target_value(&ev))/>
                </label>
            </div>
            <fieldset class="fieldset">
                <legend class="field__label">{move || t(BusinessMsg::OpeningHours)}</legend>
                <HoursEditor rows lang/>
            </fieldset>
            <p class="field-error" role="alert">{problem}</p>
            <div class="form__actions">
                <button class="button button--primary button--large" type="submit">{move || t(BusinessMsg::SaveProfile)}</button>
                <Outcome outcome lang/>
            </div>
        </form>
    }
}

#[component]
fn ServicesCard(device: DeviceRef, lang: RwSignal<Lang>, site: Memo<Site>) -> impl IntoView {
    let t = move |msg: BusinessMsg| msg.text(lang.get());
    let editing = RwSignal::new(None::<Service>);
    let currency = move || site.with(|s| s.profile.as_ref().map(|p| p.currency.clone()).unwrap_or_default());
    let blank = move || Service {
        id: new_id(),
        name_en: String::new(),
        name_es: String::new(),
        description_en: String::new(),
        description_es: String::new(),
        duration_min: 30,
        buffer_min: 0,
        price_minor: 0,
        performers: Vec::new(),
        active: true,
    };
    view! {
        <section class="card" aria-labelledby="services-title">
            <div class="card__head">
                <h2 id="services-title" class="card__title">{move || t(BusinessMsg::Services)}</h2>
                <button class="button button--ghost" on:click=move |_| editing.set(Some(blank()))>{move || t(BusinessMsg::AddService)}</button>
            </div>
            <Show when=move || site.with(|s| s.services.is_empty())>
                <p class="card__empty">{move || t(BusinessMsg::NoServicesYet)}</p>
            </Show>
            <ul class="rows">
                <For each=move || site.get().services key=|s| (s.id.clone(), s.name_en.clone(), s.price_minor, s.duration_min, s.active) let:service>
                    {
                        let edit = service.clone();
                        let l = lang.get_untracked().code();
                        view! {
                            <li class="row" class:row--inactive=!service.active>
                                <div class="row__main">
                                    <span class="row__title">{service.name(l).to_owned()}</span>
                                    <span class="row__sub">{format!("{} min", service.duration_min)}{(service.buffer_min > 0).then(|| format!(" + {} min", service.buffer_min))}" · "{format_amount(service.price_minor, &currency(), l == "es")}" "{currency()}</span>
                                </div>
                                <button class="button button--ghost" on:click=move |_| editing.set(Some(edit.clone()))>{move || t(BusinessMsg::Edit)}</button>
                            </li>
                        }
                    }
                </For>
            </ul>
            {move || editing.get().map(|service| view! { <ServiceForm device lang site service on_close=Callback::new(move |()| editing.set(None))/> })}
        </section>
    }
}

#[component]
fn ServiceForm(
    device: DeviceRef,
    lang: RwSignal<Lang>,
    site: Memo<Site>,
    service: Service,
    on_close: Callback<()>,
) -> impl IntoView {
    let t = move |msg: BusinessMsg| msg.text(lang.get());
    let currency = site.with_untracked(|s| s.currency().to_owned());
    let comma = lang.get_untracked() == Lang::Es;
    let name_en = RwSignal::new(service.name_en.clone());
    let name_es = RwSignal::new(service.name_es.clone());
    let desc_en = RwSignal::new(service.description_en.clone());
    let desc_es = RwSignal::new(service.description_es.clone());
    let duration = RwSignal::new(service.duration_min.to_string());
    let buffer = RwSignal::new(service.buffer_min.to_string());
    let is_new = service.name_en.is_empty();
    let price =
        RwSignal::new(if is_new { String::new() } else { format_amount(service.price_minor, &currency, comma) });
    let performers = RwSignal::new(service.performers.clone());
    let active = RwSignal::new(service.active);
    let touched = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Result<(), String>>);
    let cur = currency.clone();
    let built = move || -> Result<Service, String> {
        let lang = lang.get();
        let minutes = |s: String, what: BusinessMsg| s.trim().parse::<u32>().map_err(|_| what.text(lang).to_owned());
        let service = Service {
            id: service.id.clone(),
            name_en: site::clean_name(&name_en.get()).map_err(|e| site_error_text(e, lang).to_owned())?,
            name_es: name_es.get().trim().to_owned(),
            description_en: desc_en.get().trim().to_owned(),
            description_es: desc_es.get().trim().to_owned(),
            duration_min: minutes(duration.get(), BusinessMsg::BadMinutes)?,
            buffer_min: minutes(buffer.get(), BusinessMsg::BadMinutes)?,
            price_minor: parse_amount(&price.get(), &cur)
                .map_err(|e| crate::i18n::money_error_text(e, lang).to_owned())?,
            performers: performers.get(),
            active: active.get(),
        };
        service.check().map_err(|e| site_error_text(e, lang).to_owned())?;
        Ok(service)
    };
    let built2 = built.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match built2() {
            Ok(service) => save_site(
                device,
                move |d| site::put_service(d, &service),
                move |r| {
                    if r.is_ok() {
                        on_close.run(());
                    } else {
                        outcome.set(Some(r));
                    }
                },
            ),
            // The live check under the form already says what is wrong.
            Err(_) => touched.set(true),
        }
    };
    let text_field = move |label: BusinessMsg, value: RwSignal<String>, wide: bool| {
        view! {
            <label class="field" class:field--wide=wide>
                <span class="field__label">{move || t(label)}</span>
                <input class="field__input" type="text" prop:value=value on:input=move |ev| value.set(event_target_value(&ev))/>
            </label>
        }
    };
    view! {
        <form class="subform" on:submit=save aria-label=move || t(BusinessMsg::Service)>
            <div class="form__grid">
                {text_field(BusinessMsg::NameEnglish, name_en, false)}
                {text_field(BusinessMsg::NameSpanish, name_es, false)}
                {text_field(BusinessMsg::DescriptionEnglish, desc_en, true)}
                {text_field(BusinessMsg::DescriptionSpanish, desc_es, true)}
                <label class="field">
                    <span class="field__label">{move || t(BusinessMsg::DurationMinutes)}</span>
                    <input class="field__input" type="number" min="5" step="5" inputmode="numeric" prop:value=duration on:input=move |ev| duration.set(event_target_value(&ev))/>
                </label>
                <label class="field">
                    <span class="field__label">{move || t(BusinessMsg::BufferMinutes)}</span>
                    <input class="field__input" type="number" min="0" step="5" inputmode="numeric" prop:value=buffer on:input=move |ev| buffer.set(event_target_value(&ev))/>
                </label>
                <label class="field">
                    <span class="field__label">{move || format!("{} ({currency})", t(BusinessMsg::Price))}</span>
                    <input class="field__input" type="text" inputmode="decimal" prop:value=price on:input=move |ev| price.set(event_target_value(&ev))/>
                </label>
                <label class="check check--field">
                    <input type="checkbox" prop:checked=active on:change=move |ev| active.set(event_target_checked(&ev))/>
                    <span>{move || t(BusinessMsg::Offered)}</span>
                </label>
            </div>
            <fieldset class="fieldset">
                <legend class="field__label">{move || t(BusinessMsg::WhoPerforms)}</legend>
                <div class="chips">
                    {move || site.get().providers().cloned().collect::<Vec<_>>().into_iter().map(|p| {
                        let id = p.id.clone();
                        let id2 = p.id.clone();
                        view! {
                            <label class="chip">
                                <input type="checkbox" prop:checked=move || performers.with(|v| v.contains(&id))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        performers.update(|v| { v.retain(|x| x != &id2); if on { v.push(id2.clone()); } });
                                    }/>
                                <span>{p.name.clone()}</span>
                            </label>
                        }
                    }).collect_view()}
                    <span class="chips__hint">{move || t(BusinessMsg::NoneMeansAnyone)}</span>
                </div>
            </fieldset>
            <p class="field-error" role="alert">{move || built().err().filter(|_| touched.get() || !name_en.get().is_empty())}</p>
            <div class="form__actions">
                <button class="button button--primary" type="submit">{move || t(BusinessMsg::SaveService)}</button>
                <button class="button button--ghost" type="button" on:click=move |_| on_close.run(())>{move || t(BusinessMsg::Discard)}</button>
                <Outcome outcome lang/>
            </div>
        </form>
    }
}

#[component]
fn StaffCard(device: DeviceRef, lang: RwSignal<Lang>, site: Memo<Site>) -> impl IntoView {
    let t = move |msg: BusinessMsg| msg.text(lang.get());
    let editing = RwSignal::new(None::<StaffMember>);
    let blank = move || StaffMember {
        id: new_id(),
        name: String::new(),
        role: StaffRole::Provider,
        hours: site.with_untracked(|s| s.profile.as_ref().map(|p| p.hours.clone()).unwrap_or_else(site::weekday_hours)),
        active: true,
    };
    view! {
        <section class="card" aria-labelledby="staff-title">
            <div class="card__head">
                <h2 id="staff-title" class="card__title">{move || t(BusinessMsg::Staff)}</h2>
                <button class="button button--ghost" on:click=move |_| editing.set(Some(blank()))>{move || t(BusinessMsg::AddStaff)}</button>
            </div>
            <Show when=move || site.with(|s| s.staff.is_empty())>
                <p class="card__empty">{move || t(BusinessMsg::NoStaffYet)}</p>
            </Show>
            <ul class="rows">
                <For each=move || site.get().staff key=|s| (s.id.clone(), s.name.clone(), s.role, s.active) let:member>
                    {
                        let edit = member.clone();
                        let role = member.role;
                        view! {
                            <li class="row" class:row--inactive=!member.active>
                                <div class="row__main">
                                    <span class="row__title">{member.name.clone()}</span>
                                    <span class="row__sub">{move || t(crate::i18n::staff_role_msg(role))}</span>
                                </div>
                                <button class="button button--ghost" on:click=move |_| editing.set(Some(edit.clone()))>{move || t(BusinessMsg::Edit)}</button>
                            </li>
                        }
                    }
                </For>
            </ul>
            {move || editing.get().map(|member| view! { <StaffForm device lang member on_close=Callback::new(move |()| editing.set(None))/> })}
        </section>
    }
}

#[component]
fn StaffForm(device: DeviceRef, lang: RwSignal<Lang>, member: StaffMember, on_close: Callback<()>) -> impl IntoView {
    let t = move |msg: BusinessMsg| msg.text(lang.get());
    let name = RwSignal::new(member.name.clone());
    let role = RwSignal::new(member.role);
    let rows = RwSignal::new(rows_of(&member.hours));
    let active = RwSignal::new(member.active);
    let touched = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Result<(), String>>);
    let built = move || -> Result<StaffMember, SiteError> {
        let m = StaffMember {
            id: member.id.clone(),
            name: site::clean_name(&name.get())?,
            role: role.get(),
            hours: hours_of(&rows.get())?,
            active: active.get(),
        };
        m.check()?;
        Ok(m)
    };
    let built2 = built.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match built2() {
            Ok(m) => save_site(
                device,
                move |d| site::put_staff(d, &m),
                move |r| if r.is_ok() { on_close.run(()) } else { outcome.set(Some(r)) },
            ),
            Err(_) => touched.set(true),
        }
    };
    const ROLES: [StaffRole; 3] = [StaffRole::Provider, StaffRole::Reception, StaffRole::Manager];
    view! {
        <form class="subform" on:submit=save aria-label=move || t(BusinessMsg::Staff)>
            <div class="form__grid">
                <label class="field">
                    <span class="field__label">{move || t(BusinessMsg::FullName)}</span>
                    <input class="field__input" type="text" prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                </label>
                <label class="field">
                    <span class="field__label">{move || t(BusinessMsg::JobRole)}</span>
                    <select class="field__input" on:change=move |ev| role.set(ROLES[event_target_value(&ev).parse::<usize>().unwrap_or(0).min(2)])>
                        {ROLES.iter().enumerate().map(|(i, r)| { let r = *r; view! { <option value=i.to_string() selected=move || role.get() == r>{move || t(crate::i18n::staff_role_msg(r))}</option> } }).collect_view()}
                    </select>
                </label>
                <label class="check check--field">
                    <input type="checkbox" prop:checked=active on:change=move |ev| active.set(event_target_checked(&ev))/>
                    <span>{move || t(BusinessMsg::Active)}</span>
                </label>
            </div>
            <fieldset class="fieldset">
                <legend class="field__label">{move || t(BusinessMsg::WorkingHours)}</legend>
                <HoursEditor rows lang/>
            </fieldset>
            <p class="field-error" role="alert">{move || built().err().filter(|_| touched.get() || !name.get().is_empty()).map(|e| site_error_text(e, lang.get()))}</p>
            <div class="form__actions">
                <button class="button button--primary" type="submit">{move || t(BusinessMsg::SaveStaff)}</button>
                <button class="button button--ghost" type="button" on:click=move |_| on_close.run(())>{move || t(BusinessMsg::Discard)}</button>
                <Outcome outcome lang/>
            </div>
        </form>
    }
}

#[component]
fn ResourcesCard(device: DeviceRef, lang: RwSignal<Lang>, site: Memo<Site>) -> impl IntoView {
    let t = move |msg: BusinessMsg| msg.text(lang.get());
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new(ResourceKind::Room);
    let room_type = RwSignal::new(String::new());
    let rate = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<(), String>>);
    const KINDS: [ResourceKind; 3] = [ResourceKind::Room, ResourceKind::HotelRoom, ResourceKind::Equipment];
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lang = lang.get_untracked();
        let currency = site.with_untracked(|s| s.profile.as_ref().map(|p| p.currency.clone()).unwrap_or_default());
        let rate_minor =
            if rate.get_untracked().trim().is_empty() { Ok(0) } else { parse_amount(&rate.get_untracked(), &currency) };
        let resource = match (site::clean_name(&name.get_untracked()), rate_minor) {
            (Err(e), _) => return outcome.set(Some(Err(site_error_text(e, lang).to_owned()))),
            (_, Err(e)) => return outcome.set(Some(Err(crate::i18n::money_error_text(e, lang).to_owned()))),
            (Ok(n), Ok(rate_minor)) => Resource {
                id: new_id(),
                name: n,
                kind: kind.get_untracked(),
                room_type: room_type.get_untracked().trim().to_owned(),
                rate_minor,
                active: true,
            },
        };
        save_site(
            device,
            move |d| site::put_resource(d, &resource),
            move |r| {
                if r.is_ok() {
                    name.set(String::new());
                    room_type.set(String::new());
                    rate.set(String::new());
                }
                outcome.set(Some(r));
            },
        );
    };
    view! {
        <section class="card" aria-labelledby="resources-title">
            <h2 id="resources-title" class="card__title">{move || t(BusinessMsg::Resources)}</h2>
            <ul class="rows">
                <For each=move || site.get().resources key=|r| (r.id.clone(), r.name.clone()) let:resource>
                    {
                        let k = resource.kind;
                        view! {
                            <li class="row">
                                <div class="row__main">
                                    <span class="row__title">{resource.name.clone()}</span>
                                    <span class="row__sub">{move || t(crate::i18n::resource_kind_msg(k))}{(!resource.room_type.is_empty()).then(|| format!(" · {}", resource.room_type))}</span>
                                </div>
                            </li>
                        }
                    }
                </For>
            </ul>
            <form class="inline-form" on:submit=add>
                <label class="field">
                    <span class="field__label">{move || t(BusinessMsg::ResourceName)}</span>
                    <input class="field__input" type="text" prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                </label>
                <label class="field">
                    <span class="field__label">{move || t(BusinessMsg::ResourceKindLabel)}</span>
                    <select class="field__input" on:change=move |ev| kind.set(KINDS[event_target_value(&ev).parse::<usize>().unwrap_or(0).min(2)])>
                        {KINDS.iter().enumerate().map(|(i, k)| { let k = *k; view! { <option value=i.to_string() selected=move || kind.get() == k>{move || t(crate::i18n::resource_kind_msg(k))}</option> } }).collect_view()}
                    </select>
                </label>
                <Show when=move || kind.get() == ResourceKind::HotelRoom>
                    <label class="field">
                        <span class="field__label">{move || t(BusinessMsg::RoomType)}</span>
                        <input class="field__input" type="text" prop:value=room_type on:input=move |ev| room_type.set(event_target_value(&ev))/>
                    </label>
                    <label class="field">
                        <span class="field__label">{move || t(BusinessMsg::NightlyRate)}</span>
                        <input class="field__input" type="text" inputmode="decimal" prop:value=rate on:input=move |ev| rate.set(event_target_value(&ev))/>
                    </label>
                </Show>
                <button class="button button--ghost" type="submit">{move || t(BusinessMsg::AddResource)}</button>
                <Outcome outcome lang/>
            </form>
        </section>
    }
}
