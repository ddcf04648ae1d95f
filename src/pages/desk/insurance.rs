//! Insurance at the desk (a medical office): a claim per visit with the patient's cover, the
//! documents it still lacks, its moves through the insurer's workflow with notes, the list of
//! claims waiting for the desk, and the copay billed at the desk.

use crate::components::history::History;
use frontdesk_core::billing::InvoiceLine;
use frontdesk_core::clients;
use frontdesk_core::doc_name;
use frontdesk_core::history::Kind;
use frontdesk_core::insurance::{self, ClaimForm, ClaimStatus, ClaimView};
use frontdesk_core::site::Site;
use leptos::prelude::*;

use super::Tab;
use super::sales::{Draft, currency, format_money, new_id};
use crate::components::device_gate::DeviceRef;
use crate::i18n::Lang;
use crate::i18n::claims::{ClaimsMsg, claim_error_text, move_text, status_text};

fn save(
    device: DeviceRef,
    edit: impl FnOnce(&mut automerge::AutoCommit) -> Result<(), String> + 'static,
    done: impl FnOnce(Result<(), String>) + 'static,
) {
    device.get_value().change_soon(doc_name::INSURANCE.to_owned(), "a claim", edit, done);
}

/// Reads a photo the tablet's camera (or a file) gave, scales it to at most 1,000 pixels across,
/// and returns it as a JPEG data URL.
async fn scaled_photo(file: web_sys::File) -> Option<String> {
    use wasm_bindgen::JsCast;
    let url = web_sys::Url::create_object_url_with_blob(&file).ok()?;
    let img = web_sys::HtmlImageElement::new().ok()?;
    img.set_src(&url);
    let decoded = wasm_bindgen_futures::JsFuture::from(img.decode()).await;
    let _ = web_sys::Url::revoke_object_url(&url);
    decoded.ok()?;
    let (w, h) = (img.natural_width().max(1) as f64, img.natural_height().max(1) as f64);
    let scale = (1000.0 / w.max(h)).min(1.0);
    let (cw, ch) = ((w * scale).round().max(1.0), (h * scale).round().max(1.0));
    let canvas =
        web_sys::window()?.document()?.create_element("canvas").ok()?.dyn_into::<web_sys::HtmlCanvasElement>().ok()?;
    canvas.set_width(cw as u32);
    canvas.set_height(ch as u32);
    let ctx = canvas.get_context("2d").ok()??.dyn_into::<web_sys::CanvasRenderingContext2d>().ok()?;
    ctx.draw_image_with_html_image_element_and_dw_and_dh(&img, 0.0, 0.0, cw, ch).ok()?;
    canvas.to_data_url_with_type_and_encoder_options("image/jpeg", &wasm_bindgen::JsValue::from_f64(0.72)).ok()
}

fn pill(status: ClaimStatus) -> &'static str {
    match status {
        ClaimStatus::Draft => "pill pill--booked",
        ClaimStatus::Submitted => "pill pill--arrived",
        ClaimStatus::Approved => "pill pill--done",
        ClaimStatus::Denied => "pill pill--noshow",
        ClaimStatus::NeedsInfo => "pill pill--conflict",
    }
}

/// The new-claim form as it is filled in. A claim started from a kiosk arrival fills in the
/// patient and the cover they typed.
#[derive(Clone, Copy)]
struct ClaimFields {
    patient: RwSignal<String>,
    insurer: RwSignal<String>,
    plan: RwSignal<String>,
    member: RwSignal<String>,
    holder: RwSignal<String>,
    visit: RwSignal<String>,
    amount: RwSignal<String>,
    copay: RwSignal<String>,
}

impl ClaimFields {
    fn new() -> Self {
        let empty = || RwSignal::new(String::new());
        ClaimFields {
            patient: empty(),
            insurer: empty(),
            plan: empty(),
            member: empty(),
            holder: empty(),
            visit: empty(),
            amount: empty(),
            copay: empty(),
        }
    }

    /// A claim for a kiosk arrival: the patient and the cover they typed there.
    fn start(self, patient: String, insurer: String, member: String) {
        self.patient.set(patient);
        self.insurer.set(insurer);
        self.member.set(member);
    }

    fn clear(self) {
        let ClaimFields { patient, insurer, plan, member, holder, visit, amount, copay } = self;
        for field in [patient, insurer, plan, member, holder, visit, amount, copay] {
            field.set(String::new());
        }
    }
}

#[component]
pub fn Insurance(
    device: DeviceRef,
    lang: RwSignal<Lang>,
    site: Memo<Site>,
    tab: RwSignal<Tab>,
    draft: RwSignal<Option<Draft>>,
    board: Memo<Vec<frontdesk_core::BoardEntry>>,
) -> impl IntoView {
    let fields = ClaimFields::new();
    let t = move |m: ClaimsMsg| m.text(lang.get());
    let revision = device.with_value(|d| d.revision);
    let all = Memo::new(move |_| {
        revision.track();
        device.with_value(|d| d.read_cached(doc_name::INSURANCE, insurance::claims)).unwrap_or_default()
    });
    let open = RwSignal::new(None::<String>);
    view! {
        <div class="page insurance">
            <div class="calls__grid">
                <NewClaim device lang site fields on_created=Callback::new(move |id| open.set(Some(id)))/>
                <div class="calls__side">
                    {move || {
                        let arrived: Vec<(String, String)> = board.with(|b| b.iter().filter_map(|e| e.check_in.insurance.clone().map(|i| (e.check_in.name.clone(), i))).collect());
                        (!arrived.is_empty()).then(|| view! {
                            <section class="card" aria-labelledby="insured-arrivals-title">
                                <h2 id="insured-arrivals-title" class="card__title">{move || t(ClaimsMsg::InsuredArrivals)}</h2>
                                <ul class="rows">
                                    {arrived.into_iter().map(|(name, cover)| {
                                        let (insurer, member) = match cover.split_once(" · ") {
                                            Some((i, m)) => (i.to_owned(), m.to_owned()),
                                            None => (cover.clone(), String::new()),
                                        };
                                        let patient = name.clone();
                                        view! {
                                            <li class="row">
                                                <div class="row__main">
                                                    <span class="row__title"><span>{name}</span></span>
                                                    <span class="row__sub">{cover}</span>
                                                </div>
                                                <button class="button button--ghost" on:click=move |_| fields.start(patient.clone(), insurer.clone(), member.clone())>{move || t(ClaimsMsg::StartClaim)}</button>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            </section>
                        })
                    }}
                    <section class="card" aria-labelledby="waiting-claims-title">
                        <h2 id="waiting-claims-title" class="card__title">{move || t(ClaimsMsg::WaitingForAction)}
                            <span class="count">{move || all.with(|a| insurance::waiting_for_action(a).len())}</span></h2>
                        <Show when=move || all.with(|a| insurance::waiting_for_action(a).is_empty())>
                            <p class="card__empty">{move || t(ClaimsMsg::NothingWaiting)}</p>
                        </Show>
                        <ul class="rows">
                            {move || all.with(|a| insurance::waiting_for_action(a).into_iter().cloned().collect::<Vec<_>>()).into_iter().map(|c| {
                                let id = c.claim.id.clone();
                                view! {
                                    <li class="row">
                                        <div class="row__main">
                                            <span class="row__title"><span>{c.claim.patient.clone()}</span></span>
                                            <span class="row__sub">{format!("{} · {}", c.claim.insurer, c.claim.visit)}</span>
                                        </div>
                                        <span class=pill(c.status)>{move || status_text(c.status, lang.get())}</span>
                                        <button class="button button--ghost" on:click=move |_| open.set(Some(id.clone()))>{move || crate::i18n::SalesMsg::OpenInvoice.text(lang.get())}</button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </section>
                    {move || open.get().and_then(|id| all.with(|a| a.iter().find(|c| c.claim.id == id).cloned())).map(|view| {
                        view! { <ClaimCard device lang site view tab draft/> }
                    })}
                    <section class="card" aria-labelledby="all-claims-title">
                        <h2 id="all-claims-title" class="card__title">{move || t(ClaimsMsg::AllClaims)}</h2>
                        <Show when=move || all.with(Vec::is_empty)>
                            <p class="card__empty">{move || t(ClaimsMsg::NoClaims)}</p>
                        </Show>
                        <ul class="rows">
                            {move || all.get().into_iter().map(|c| {
                                let id = c.claim.id.clone();
                                view! {
                                    <li class="row">
                                        <div class="row__main">
                                            <span class="row__title"><span>{c.claim.patient.clone()}</span></span>
                                            <span class="row__sub">{format!("{} · {} · {}", c.claim.insurer, c.claim.member_number, c.claim.visit)}</span>
                                        </div>
                                        <span class=pill(c.status)>{move || status_text(c.status, lang.get())}</span>
                                        <button class="button button--ghost" on:click=move |_| open.set(Some(id.clone()))>{move || crate::i18n::SalesMsg::OpenInvoice.text(lang.get())}</button>
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

#[component]
fn NewClaim(
    device: DeviceRef,
    lang: RwSignal<Lang>,
    site: Memo<Site>,
    fields: ClaimFields,
    on_created: Callback<String>,
) -> impl IntoView {
    let t = move |m: ClaimsMsg| m.text(lang.get());
    let people = super::sales::use_people(device);
    let ClaimFields { patient, insurer, plan, member, holder, visit, amount, copay } = fields;
    let papers = RwSignal::new(vec![true, true, false]);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let l = lang.get();
        let names = [ClaimsMsg::PaperCard, ClaimsMsg::PaperReferral, ClaimsMsg::PaperReport];
        let chosen: Vec<String> =
            papers.get().iter().zip(names).filter(|(on, _)| **on).map(|(_, n)| n.text(l).to_owned()).collect();
        let name = patient.get();
        let client = people.with(|p| clients::named(p, &name).map(|c| c.id.clone())).unwrap_or_default();
        let form = ClaimForm {
            client,
            patient: name,
            insurer: insurer.get(),
            plan: plan.get(),
            member_number: member.get(),
            holder: holder.get(),
            visit: visit.get(),
            amount: amount.get(),
            copay: copay.get(),
            papers: chosen,
        };
        let stamp = device.with_value(|d| d.stamp());
        match form.check(new_id(), &site.with(currency), &stamp) {
            Err(e) => error.set(Some(claim_error_text(&e, l))),
            Ok(claim) => {
                error.set(None);
                let id = claim.id.clone();
                save(
                    device,
                    device.with_value(|dev| dev.logged(Kind::Claim, &id, move |d| insurance::put_claim(d, &claim))),
                    move |r| match r {
                        Ok(()) => {
                            fields.clear();
                            on_created.run(id.clone());
                        }
                        Err(e) => error.set(Some(e)),
                    },
                );
            }
        }
    };
    let field = move |label: ClaimsMsg, value: RwSignal<String>, mode: &'static str| {
        view! {
            <label class="field">
                <span class="field__label">{move || t(label)}</span>
                <input class="field__input" type="text" inputmode=mode autocomplete="off" prop:value=value on:input=move |ev| value.set(event_target_value(&ev))/>
            </label>
        }
    };
    view! {
        <form class="card form" on:submit=submit aria-labelledby="claim-form-title" novalidate>
            <h2 id="claim-form-title" class="card__title">{move || t(ClaimsMsg::NewClaim)}</h2>
            <label class="field">
                <span class="field__label">{move || t(ClaimsMsg::Patient)}</span>
                <input class="field__input" type="text" autocomplete="off" list="claim-patients" prop:value=patient on:input=move |ev| patient.set(event_target_value(&ev))/>
                <super::sales::PeopleOptions id="claim-patients" people/>
            </label>
            <div class="form__grid">
                {field(ClaimsMsg::Insurer, insurer, "text")}
                {field(ClaimsMsg::Plan, plan, "text")}
                {field(ClaimsMsg::MemberNumber, member, "text")}
                {field(ClaimsMsg::Holder, holder, "text")}
            </div>
            {field(ClaimsMsg::Visit, visit, "text")}
            <div class="form__grid">
                <label class="field">
                    <span class="field__label">{move || format!("{} ({})", t(ClaimsMsg::Amount), site.with(currency))}</span>
                    <input class="field__input" type="text" inputmode="decimal" prop:value=amount on:input=move |ev| amount.set(event_target_value(&ev))/>
                </label>
                <label class="field">
                    <span class="field__label">{move || format!("{} ({})", t(ClaimsMsg::Copay), site.with(currency))}</span>
                    <input class="field__input" type="text" inputmode="decimal" prop:value=copay on:input=move |ev| copay.set(event_target_value(&ev))/>
                </label>
            </div>
            <fieldset class="fieldset">
                <legend class="field__label">{move || t(ClaimsMsg::Papers)}</legend>
                <div class="chips">
                    {[ClaimsMsg::PaperCard, ClaimsMsg::PaperReferral, ClaimsMsg::PaperReport].into_iter().enumerate().map(|(i, name)| view! {
                        <label class="chip">
                            <input type="checkbox" prop:checked=move || papers.with(|p| p[i]) on:change=move |ev| { let on = event_target_checked(&ev); papers.update(|p| p[i] = on) }/>
                            <span>{move || t(name)}</span>
                        </label>
                    }).collect_view()}
                </div>
            </fieldset>
            <p class="field-error" role="alert">{move || error.get()}</p>
            <div class="form__actions">
                <button class="button button--primary button--large" type="submit">{move || t(ClaimsMsg::CreateClaim)}</button>
            </div>
        </form>
    }
}

#[component]
fn ClaimCard(
    device: DeviceRef,
    lang: RwSignal<Lang>,
    site: Memo<Site>,
    view: ClaimView,
    tab: RwSignal<Tab>,
    draft: RwSignal<Option<Draft>>,
) -> impl IntoView {
    let t = move |m: ClaimsMsg| m.text(lang.get());
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let money = move |minor: i64| format_money(minor, &site.with(currency), lang.get());
    let c = view.claim.clone();
    let status = view.status;
    let toggle = {
        let id = c.id.clone();
        move |i: usize, on: bool| {
            let id = id.clone();
            let logged = id.clone();
            // Read the claim as stored at the moment of the tap, not as this card was drawn: two
            // quick taps must not undo each other.
            save(
                device,
                device.with_value(|dev| {
                    dev.logged(Kind::Claim, &logged, move |d| {
                        let mut current = insurance::claims(d.document())
                            .into_iter()
                            .find(|v| v.claim.id == id)
                            .map(|v| v.claim)
                            .ok_or_else(|| "the claim is gone".to_owned())?;
                        if let Some(p) = current.papers.get_mut(i) {
                            p.received = on;
                        }
                        insurance::put_claim(d, &current)
                    })
                }),
                |_| {},
            );
        }
    };
    let step = {
        let view = view.clone();
        move |to: ClaimStatus| {
            let stamp = device.with_value(|d| d.stamp());
            match insurance::move_claim(&view, to, &note.get(), new_id(), &stamp) {
                Err(e) => error.set(Some(claim_error_text(&e, lang.get()))),
                Ok(event) => {
                    error.set(None);
                    note.set(String::new());
                    save(
                        device,
                        move |d| insurance::put_event(d, &event),
                        move |r| {
                            if let Err(e) = r {
                                error.set(Some(e));
                            }
                        },
                    );
                }
            }
        }
    };
    let copay_line = {
        let c = c.clone();
        move |_| {
            let label = format!("{} · {}", ClaimsMsg::Copay.text(lang.get()), c.insurer);
            draft.set(Some(Draft {
                client: c.client.clone(),
                client_name: c.patient.clone(),
                lines: vec![InvoiceLine {
                    description: label,
                    qty: 1,
                    unit_minor: c.copay_minor,
                    tax_bp: 0,
                    discount_bp: 0,
                    source: format!("claim/{}", c.id),
                }],
            }));
            tab.set(Tab::Billing);
        }
    };
    let missing = c.missing().len();
    // The card photo lives in its own document, loaded when the claim is opened.
    let photo_doc = doc_name::card_photo(&c.id);
    {
        let dev = device.get_value();
        let doc = photo_doc.clone();
        leptos::task::spawn_local(async move { dev.follow(vec![doc]).await });
    }
    let revision = device.with_value(|d| d.revision);
    // Only a JPEG or PNG data URL is shown: another device may have written anything here (a
    // `javascript:` or tracking address, a huge string); that shows as no photo at all.
    let photo = Memo::new({
        let doc = photo_doc.clone();
        move |_| {
            revision.track();
            device
                .with_value(|d| d.read(&doc, insurance::photo))
                .flatten()
                .filter(|p| insurance::photo_src(p).is_some())
        }
    });
    let on_photo = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        let doc = photo_doc.clone();
        leptos::task::spawn_local(async move {
            let Some(data_url) = scaled_photo(file).await else {
                error.set(Some(t(ClaimsMsg::PhotoUnreadable).to_owned()));
                return;
            };
            let stamp = device.with_value(|d| d.stamp());
            let p = insurance::CardPhoto { data_url, by: stamp.by, at_ms: stamp.at_ms };
            device.get_value().change_soon(
                doc,
                "a card photo",
                move |d| insurance::put_photo(d, &p),
                move |r| {
                    if let Err(e) = r {
                        error.set(Some(e));
                    }
                },
            );
        });
    };
    view! {
        <section class="card claim" aria-labelledby="claim-title">
            <div class="card__head">
                <div>
                    <h2 id="claim-title" class="card__title">{c.patient.clone()}</h2>
                    <p class="row__sub">{format!("{} {} · {} · {}", c.insurer, c.plan, c.member_number, c.visit)}</p>
                </div>
                <span class=pill(status) data-status=status.key()>{move || status_text(status, lang.get())}</span>
            </div>
            <dl class="facts">
                <dt>{move || t(ClaimsMsg::Amount)}</dt><dd>{money(c.amount_minor)}</dd>
                <dt>{move || t(ClaimsMsg::Copay)}</dt><dd>{money(c.copay_minor)}</dd>
                {(!c.holder.is_empty()).then(|| view! { <dt>{move || t(ClaimsMsg::Holder)}</dt><dd>{c.holder.clone()}</dd> })}
            </dl>
            <fieldset class="fieldset">
                <legend class="field__label">{move || t(ClaimsMsg::Papers)}{(missing > 0).then(|| format!(" · {} {missing}", t(ClaimsMsg::Missing)))}</legend>
                <div class="chips">
                    {c.papers.iter().enumerate().map(|(i, p)| {
                        let toggle = toggle.clone();
                        view! {
                            <label class="chip" class:chip--on=p.received>
                                <input type="checkbox" prop:checked=p.received on:change=move |ev| toggle(i, event_target_checked(&ev))/>
                                <span>{p.name.clone()}</span>
                            </label>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
            <div class="claim__photo">
                {move || photo.get().map(|p| view! { <img class="claim__card" src=p.data_url alt=move || t(ClaimsMsg::CardPhoto)/> })}
                <label class="button button--ghost claim__photo-button">
                    {move || t(if photo.with(Option::is_some) { ClaimsMsg::RetakePhoto } else { ClaimsMsg::TakePhoto })}
                    <input class="visually-hidden" type="file" accept="image/*" capture="environment" on:change=on_photo/>
                </label>
            </div>
            {(!status.next().is_empty()).then(|| view! {
                <label class="field">
                    <span class="field__label">{move || t(ClaimsMsg::Note)}</span>
                    <input class="field__input" type="text" maxlength="300" prop:value=note on:input=move |ev| note.set(event_target_value(&ev))/>
                </label>
            })}
            <p class="field-error" role="alert">{move || error.get()}</p>
            <div class="form__actions">
                {status.next().iter().map(|to| {
                    let to = *to;
                    let step = step.clone();
                    let primary = matches!(to, ClaimStatus::Submitted | ClaimStatus::Approved);
                    view! { <button class="button" class:button--primary=primary on:click=move |_| step(to)>{move || move_text(to, lang.get())}</button> }
                }).collect_view()}
                {(c.copay_minor > 0).then(|| view! { <button class="button button--ghost" on:click=copay_line.clone()>{move || t(ClaimsMsg::BillCopay)}</button> })}
            </div>
            <h3 class="claim__history-title">{move || t(ClaimsMsg::History)}</h3>
            <ol class="claim__history">
                <li>{move || t(ClaimsMsg::Created)}" · "{c.made_by.clone()}</li>
                {view.history.iter().map(|e| {
                    let s = e.status;
                    let when = crate::clock::format(e.at_ms, "%Y-%m-%d %H:%M");
                    view! { <li><strong>{move || status_text(s, lang.get())}</strong>" · "{when}" · "{e.by.clone()}{(!e.note.is_empty()).then(|| format!(" — {}", e.note))}</li> }
                }).collect_view()}
            </ol>
            <History device lang site doc=doc_name::INSURANCE.to_owned() kind=Kind::Claim id=c.id.clone()/>
        </section>
    }
}
