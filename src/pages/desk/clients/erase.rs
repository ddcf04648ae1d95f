//! Erasing a client for good (#20): a manager's tablet fetches every document that could mention
//! them, shows what goes and what a legal hold keeps, and re-bases each document without them
//! (`frontdesk_core::erasure`). Every other tablet drops them as it next hears from the relay; one
//! that was offline cannot bring them back.

use std::rc::Rc;

use frontdesk_core::clients::Client;
use frontdesk_core::doc_name;
use frontdesk_core::erasure::{self, Erasure, Person, Plan, Summary};
use frontdesk_protocol::Area;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::device_gate::DeviceRef;
use crate::device::Device;
use crate::i18n::{EraseMsg, Lang, tr};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Gathering,
    Ready(Summary),
    Erasing,
    Failed(EraseMsg),
}

/// The documents of an area the erasure reads: the area's one document, or all under its prefix.
fn single(area: Area) -> Option<&'static str> {
    match area {
        Area::Clients => Some(doc_name::CLIENTS),
        Area::Insurance => Some(doc_name::INSURANCE),
        _ => None,
    }
}

/// Every document of the scanned areas this tablet holds.
pub(super) fn held(dev: &Device) -> Vec<String> {
    erasure::SCANNED
        .iter()
        .flat_map(|&area| match single(area) {
            Some(doc) => vec![doc.to_owned()],
            None => dev.docs_under(&doc_name::prefix(area)),
        })
        .collect()
}

pub(in crate::pages::desk) fn online(dev: &Device) -> bool {
    matches!(dev.status.get_untracked().connection, frontdesk_core::Connection::Online { .. })
}

/// Follows every document of the scanned areas, and waits until this tablet holds all the relay
/// has of each (the list unchanged for a second); false if that does not happen in 40 s.
pub(super) async fn gather(dev: &Rc<Device>) -> bool {
    for area in erasure::SCANNED {
        match single(area) {
            Some(doc) => dev.follow(vec![doc.to_owned()]).await,
            None => dev.watch(doc_name::prefix(area)).await,
        }
    }
    let mut steady = 0;
    let mut last = 0;
    for _ in 0..160 {
        TimeoutFuture::new(250).await;
        let docs = held(dev);
        let ready = online(dev) && docs.iter().all(|d| dev.caught_up(d));
        steady = if ready && docs.len() == last { steady + 1 } else { 0 };
        last = docs.len();
        if steady >= 4 {
            return true;
        }
    }
    false
}

/// Each held document's plan for `person` (a claim's card photo goes whole with its claim).
fn plans(dev: &Device, person: &Person) -> Vec<(String, Plan)> {
    let docs = held(dev);
    let mut out: Vec<(String, Plan)> =
        docs.iter().filter_map(|doc| Some((doc.clone(), dev.read(doc, |d| erasure::plan(d, person))?))).collect();
    let claims: Vec<String> = out
        .iter()
        .flat_map(|(_, p)| &p.erase)
        .filter_map(|k| k.strip_prefix("claim/").map(doc_name::card_photo))
        .collect();
    for (doc, plan) in &mut out {
        if claims.contains(doc) {
            *plan = dev.read(doc, erasure::plan_all).unwrap_or_default();
        }
    }
    out.retain(|(_, p)| !p.is_empty() || !p.hold.is_empty());
    // The client's own record last: if anything stops the erasure, they can still be found and it
    // be run again.
    out.sort_by_key(|(doc, _)| doc == doc_name::CLIENTS);
    out
}

/// Re-bases `doc` until `plan` finds nothing more in it to erase (a few tries: another tablet
/// may write meanwhile, and the document is built again on what it wrote); `scrub`'s keys keep
/// their records without `person`. Also what a manager's tablet drops closed claims with
/// (`retention::keep_claims`).
pub(in crate::pages::desk) async fn rebase_without(
    dev: &Rc<Device>,
    doc: &str,
    erasure: &Erasure,
    person: &Person,
    plan: impl Fn(&automerge::Automerge) -> Plan,
) -> bool {
    for _ in 0..6 {
        for _ in 0..40 {
            if dev.caught_up(doc) {
                break;
            }
            TimeoutFuture::new(250).await;
        }
        let actor = automerge::ActorId::from(&dev.actor()[..]);
        let built = dev
            .read(doc, |d| {
                let plan = plan(d);
                if plan.is_empty() {
                    return None;
                }
                let this = Erasure { keys: plan.erase.clone(), ..erasure.clone() };
                Some(erasure::rebuilt(d, &this, &plan.scrub, person, actor).map(|mut new| new.save()))
            })
            .flatten();
        match built {
            None => return true,
            Some(Err(err)) => {
                leptos::logging::warn!("erasure of {doc} could not be built: {err}");
                return false;
            }
            Some(Ok(bytes)) => {
                if !dev.rebase(doc, bytes).await {
                    TimeoutFuture::new(1_000).await;
                }
            }
        }
    }
    false
}

/// The erasure of `person` from every held document, clients last.
async fn erase(dev: Rc<Device>, person: Person, reason: String) -> Result<Summary, EraseMsg> {
    if !online(&dev) {
        return Err(EraseMsg::Offline);
    }
    let plans = plans(&dev, &person);
    let summary = erasure::summary(plans.iter().map(|(_, p)| p));
    let stamp = dev.stamp();
    let erasure =
        Erasure { id: super::super::sales::new_id(), keys: Vec::new(), reason, by: stamp.by, at_ms: stamp.at_ms };
    for (doc, plan) in plans.iter().filter(|(_, p)| !p.is_empty()) {
        let whole = doc.starts_with(&doc_name::prefix(Area::CardPhoto)) && plan.erase.iter().any(|k| k == "photo/card");
        let plan = |d: &automerge::Automerge| if whole { erasure::plan_all(d) } else { erasure::plan(d, &person) };
        if !rebase_without(&dev, doc, &erasure, &person, plan).await {
            return Err(EraseMsg::Failed);
        }
    }
    Ok(summary)
}

/// What an erasure removes and keeps, in words.
pub fn summary_lines(summary: Summary, lang: Lang) -> Vec<String> {
    let mut lines = vec![tr!(lang, erase.erased_count, count = summary.erased.to_string())];
    if summary.held > 0 {
        lines.push(tr!(lang, erase.held_count, count = summary.held.to_string()));
    }
    if summary.scrubbed > 0 {
        lines.push(tr!(lang, erase.scrubbed_count, count = summary.scrubbed.to_string()));
    }
    lines
}

/// The manager's panel on a client's card: what erasing them means, a reason, and the erasure.
#[component]
pub fn EraseClient(
    device: DeviceRef,
    lang: RwSignal<Lang>,
    client: Client,
    on_cancel: Callback<()>,
    // The page's: the card this panel is on goes with the client, before the erasure returns.
    on_erased: Callback<Summary>,
) -> impl IntoView {
    let t = move |m: EraseMsg| m.text(lang.get());
    let step = RwSignal::new(Step::Gathering);
    let reason = RwSignal::new(String::new());
    let touched = RwSignal::new(false);
    let person = device.with_value(|d| d.read(doc_name::CLIENTS, |doc| Person::of(doc, &client.id))).flatten();
    let person = StoredValue::new(person);
    let dev = device.get_value();
    spawn_local(async move {
        let Some(found) = person.get_value() else {
            step.set(Step::Failed(EraseMsg::Failed));
            return;
        };
        if !gather(&dev).await {
            step.set(Step::Failed(if online(&dev) { EraseMsg::FetchFailed } else { EraseMsg::Offline }));
            return;
        }
        let summary = erasure::summary(plans(&dev, &found).iter().map(|(_, p)| p));
        step.set(Step::Ready(summary));
    });
    let confirm = move |_| {
        touched.set(true);
        let why = reason.get_untracked().trim().to_owned();
        if why.is_empty() || !matches!(step.get_untracked(), Step::Ready(_)) {
            return;
        }
        let Some(found) = person.get_value() else { return };
        step.set(Step::Erasing);
        let dev = device.get_value();
        spawn_local(async move {
            match erase(dev, found, why).await {
                Ok(summary) => on_erased.run(summary),
                Err(why) => step.set(Step::Failed(why)),
            }
        });
    };
    view! {
        <div class="erase" role="region" aria-labelledby="erase-title">
            <h3 id="erase-title" class="erase__title">{move || t(EraseMsg::Title)}</h3>
            <p>{move || t(EraseMsg::Lead)}</p>
            {move || match step.get() {
                Step::Gathering => view! { <p class="erase__status" role="status">{move || t(EraseMsg::Gathering)}</p> }.into_any(),
                Step::Erasing => view! { <p class="erase__status" role="status">{move || t(EraseMsg::Erasing)}</p> }.into_any(),
                Step::Failed(why) => view! { <p class="field-error" role="alert">{move || t(why)}</p> }.into_any(),
                Step::Ready(summary) => view! {
                    <ul class="erase__plan">
                        {move || summary_lines(summary, lang.get()).into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
                    </ul>
                    {(summary.held > 0).then(|| view! { <p class="erase__hold">{move || t(EraseMsg::HeldWhy)}</p> })}
                    {(summary.scrubbed > 0).then(|| view! { <p class="erase__hold">{move || t(EraseMsg::ScrubbedWhy)}</p> })}
                }.into_any(),
            }}
            <label class="field">
                <span class="field__label">{move || t(EraseMsg::Reason)}</span>
                <input class="field__input" type="text" autocomplete="off" maxlength="200" prop:value=reason
                    placeholder=move || t(EraseMsg::ReasonHint) on:input=move |ev| reason.set(event_target_value(&ev))/>
            </label>
            <p class="field-error" role="alert">
                {move || (touched.get() && reason.get().trim().is_empty()).then(|| t(EraseMsg::ReasonNeeded))}
            </p>
            <div class="form__actions">
                <button class="button button--danger-solid" disabled=move || !matches!(step.get(), Step::Ready(_)) on:click=confirm>
                    {move || t(EraseMsg::Confirm)}
                </button>
                <button class="button button--ghost" disabled=move || step.get() == Step::Erasing on:click=move |_| on_cancel.run(())>
                    {move || t(EraseMsg::Cancel)}
                </button>
            </div>
        </div>
    }
}
