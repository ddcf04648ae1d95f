//! The manager's choice of how long each kind of dated record is kept (#20): kept in the `site`
//! document (`frontdesk_core::retention`); every tablet forgets what is older, and the
//! manager's tablet tells the relay, which deletes it too (the device core does both).
//!
//! Closed insurance claims are records in one long-lived document, not dated documents: a
//! manager's tablet drops those past their keeping itself ([`keep_claims`]), by re-basing the
//! claims document without them, as an erasure does.

use std::rc::Rc;

use frontdesk_core::doc_name::{self, Area};
use frontdesk_core::erasure::{self, Erasure, Person, Plan};
use frontdesk_core::site::{Module, Site};
use frontdesk_core::{insurance, retention};
use leptos::prelude::*;

use super::clients::erase::{online, rebase_without};
use crate::components::device_gate::DeviceRef;
use crate::device::Device;
use crate::i18n::retention::{area_text, length_text};
use crate::i18n::{Lang, RetentionMsg, tr};

/// Drops the closed claims past the business's keeping (`retention::claims_days`), on a
/// manager's tablet when the rule is set and every hour: each one's card photo document is
/// re-based empty, then the claims document without them, their moves and their History. The
/// relay replaces what it kept of each, and every other tablet drops them when it next hears
/// from it; one that was offline cannot bring them back (the relay refuses the old history).
/// Nothing is done offline; what stops half way is found again by the next run.
pub async fn keep_claims(dev: Rc<Device>, reason: String) {
    // One run at a time: the rule saved during the hourly run starts no second re-base.
    if KEEPING.replace(true) {
        return;
    }
    drop_expired_claims(&dev, reason).await;
    KEEPING.set(false);
}

thread_local! {
    /// A [`keep_claims`] run is under way.
    static KEEPING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

async fn drop_expired_claims(dev: &Rc<Device>, reason: String) {
    let Some(days) = dev.read(doc_name::SITE, retention::claims_days).flatten() else { return };
    dev.follow(vec![doc_name::INSURANCE.to_owned()]).await;
    for _ in 0..40 {
        if online(dev) && dev.caught_up(doc_name::INSURANCE) {
            break;
        }
        gloo_timers::future::TimeoutFuture::new(250).await;
    }
    if !online(dev) || !dev.caught_up(doc_name::INSURANCE) {
        return;
    }
    let now = crate::platform::now_ms();
    let Some(gone) = dev.read(doc_name::INSURANCE, |d| insurance::expired(d, days, now)) else { return };
    if gone.claims.is_empty() {
        return;
    }
    let stamp = dev.stamp();
    let erasure = Erasure { id: super::sales::new_id(), keys: Vec::new(), reason, by: stamp.by, at_ms: stamp.at_ms };
    let nobody = Person::default();
    // The photos first: while a claim is there, the next run finds its photo again.
    for claim in &gone.claims {
        let photo = doc_name::card_photo(claim);
        dev.follow(vec![photo.clone()]).await;
        if !rebase_without(dev, &photo, &erasure, &nobody, erasure::plan_all).await {
            return;
        }
    }
    let expired = |d: &automerge::Automerge| Plan { erase: insurance::expired(d, days, now).keys, ..Plan::default() };
    if !rebase_without(dev, doc_name::INSURANCE, &erasure, &nobody, expired).await {
        leptos::logging::warn!("closed claims past their keeping could not be dropped; trying again in an hour");
    }
}

/// Runs [`keep_claims`] on a manager's tablet a minute after the desk starts, then every hour.
pub async fn keep_claims_hourly(dev: Rc<Device>, lang: RwSignal<Lang>) {
    let mut wait = 60_000;
    loop {
        gloo_timers::future::TimeoutFuture::new(wait).await;
        keep_claims(dev.clone(), RetentionMsg::ClaimsReason.text(lang.get_untracked()).to_owned()).await;
        wait = 3_600_000;
    }
}

/// The areas this business has, in the order a manager reads them.
fn areas(site: &Site) -> Vec<Area> {
    let kind = site.profile.as_ref().map(|p| p.kind);
    let has = |module| kind.is_some_and(|k| k.has(module));
    let mut areas = vec![Area::Inbox, Area::Day, Area::Messages, Area::Timeclock];
    if has(Module::Rooms) {
        areas.extend([Area::Stays, Area::Rooms]);
    }
    if has(Module::Orders) {
        areas.push(Area::Orders);
    }
    areas.push(Area::Invoices);
    if has(Module::Insurance) {
        areas.push(retention::CLAIMS);
    }
    areas
}

/// A shorter keeping asked for, waiting for the manager to confirm what it deletes.
#[derive(Clone, Copy, PartialEq)]
struct Asked {
    area: Area,
    days: Option<u32>,
}

#[component]
pub fn KeepingCard(device: DeviceRef, lang: RwSignal<Lang>, site: Memo<Site>) -> impl IntoView {
    let revision = device.with_value(|d| d.revision);
    let kept = Memo::new(move |_| {
        revision.track();
        device.with_value(|d| d.read(doc_name::SITE, retention::kept)).unwrap_or_default()
    });
    let days_of = move |area: Area| kept.with(|k| k.iter().find(|(a, _)| *a == area).and_then(|(_, k)| k.days));
    let asked = RwSignal::new(None::<Asked>);
    let outcome = RwSignal::new(None::<Result<(), String>>);
    let save = move |Asked { area, days }: Asked| {
        asked.set(None);
        let dev = device.get_value();
        let by = dev.stamp();
        dev.change_soon(
            doc_name::SITE.to_owned(),
            "how long records are kept",
            move |doc| retention::put(doc, area, days, &by.by, by.at_ms),
            move |result| {
                // Closed claims are dropped by this tablet: at once when the rule is set.
                if result.is_ok() && area == retention::CLAIMS {
                    let reason = RetentionMsg::ClaimsReason.text(lang.get_untracked()).to_owned();
                    leptos::task::spawn_local(keep_claims(device.get_value(), reason));
                }
                outcome.set(Some(result))
            },
        );
    };
    let choose = move |area: Area, value: String| {
        outcome.set(None);
        let days = value.parse::<u32>().ok();
        let now = days_of(area);
        // Longer than before (or for ever) deletes nothing: saved at once. Shorter asks first.
        let shorter = match (days, now) {
            (Some(new), Some(old)) => new < old,
            (Some(_), None) => true,
            (None, _) => false,
        };
        let choice = Asked { area, days };
        if shorter { asked.set(Some(choice)) } else { save(choice) }
    };
    let t = move |msg: RetentionMsg| msg.text(lang.get());
    view! {
        <section class="card keeping" aria-labelledby="keeping-title">
            <h2 id="keeping-title" class="card__title">{move || t(RetentionMsg::Title)}</h2>
            <p class="card__lead">{move || t(RetentionMsg::Lead)}</p>
            <div class="keeping__rows">
                {move || site.with(areas).into_iter().map(|area| {
                    let shortest = retention::shortest(area);
                    let legal = matches!(area, Area::Invoices | Area::Timeclock | retention::CLAIMS);
                    view! {
                        <label class="field keeping__row">
                            <span class="field__label">{move || area_text(area, lang.get())}</span>
                            <select class="field__input"
                                prop:value=move || {
                                    let pending = asked.get().filter(|a| a.area == area).map(|a| a.days);
                                    pending.unwrap_or_else(|| days_of(area)).map(|d| d.to_string()).unwrap_or_default()
                                }
                                on:change=move |ev| choose(area, event_target_value(&ev))>
                                <option value="">{move || t(RetentionMsg::Forever)}</option>
                                {retention::offered(area).map(|days| view! {
                                    <option value=days.to_string()>{move || length_text(days, lang.get())}</option>
                                }).collect_view()}
                            </select>
                            {legal.then(|| view! {
                                <span class="keeping__hint">{move || tr!(lang.get(), retention.legal, length = length_text(shortest, lang.get()))}</span>
                            })}
                        </label>
                    }
                }).collect_view()}
            </div>
            {move || asked.get().map(|choice| {
                let length = choice.days.map(|d| length_text(d, lang.get())).unwrap_or_default();
                view! {
                    <div class="keeping__confirm" role="alertdialog" aria-labelledby="keeping-confirm">
                        <p id="keeping-confirm">{tr!(lang.get(), retention.confirm, what = area_text(choice.area, lang.get()), length = length)}</p>
                        <div class="keeping__actions">
                            <button class="button button--danger-solid" on:click=move |_| save(choice)>{t(RetentionMsg::Delete)}</button>
                            <button class="button button--ghost" on:click=move |_| asked.set(None)>{t(RetentionMsg::Cancel)}</button>
                        </div>
                    </div>
                }
            })}
            {move || outcome.get().map(|r| match r {
                Ok(()) => view! { <p class="form-outcome form-outcome--ok" role="status">{t(RetentionMsg::Saved)}</p> }.into_any(),
                Err(e) => view! { <p class="form-outcome form-outcome--error" role="alert">{e}</p> }.into_any(),
            })}
        </section>
    }
}
