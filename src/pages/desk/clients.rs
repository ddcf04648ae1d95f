//! Client accounts at the desk: find someone by name, phone or code; their details and notes;
//! their appointments, stays, orders and invoices; what they owe; and merging a duplicate.

use frontdesk_core::doc_name;
use frontdesk_core::history::Kind;
use frontdesk_core::sorting::SortDyn;
use std::collections::HashSet;

use chrono::NaiveDate;
use frontdesk_core::billing;
use frontdesk_core::clients::{self, Client, ClientForm};
use frontdesk_core::site::Site;
use frontdesk_core::{schedule, stays, views};
use leptos::prelude::*;

use super::sales::{Ledger, currency, format_money, new_code, new_id, read_orders};
use crate::components::device_gate::DeviceRef;
use crate::components::history::History;
use crate::i18n::sales::{client_error_text, order_state_msg};
use crate::i18n::{EraseMsg, Lang, Msg, SalesMsg, booking_state_msg};

pub(super) mod erase;
mod export;

/// Downloads a client's own copy of what the business keeps about them (a manager's tablet
/// fetches every document that could mention them first).
fn export_client(device: DeviceRef, id: String, business: String, lang: Lang, busy: RwSignal<bool>) {
    let dev = device.get_value();
    busy.set(true);
    leptos::task::spawn_local(async move {
        let person = dev.read(doc_name::CLIENTS, |d| frontdesk_core::erasure::Person::of(d, &id)).flatten();
        if let Some(person) = person {
            erase::gather(&dev).await;
            let records = export::records(&dev, &erase::held(&dev), &person);
            let html = export::html(&business, &person, &records, &dev.stamp().by, lang);
            let file = format!("{}.html", person.name.replace(|c: char| !c.is_alphanumeric(), "-"));
            super::calendar::download_file(&file, "text/html;charset=utf-8", &html);
        }
        busy.set(false);
    });
}

fn save(device: DeviceRef, client: Client, done: impl FnOnce(Result<(), String>) + 'static) {
    let dev = device.get_value();
    let id = client.id.clone();
    let edit = dev.logged(Kind::Client, &id, move |d| clients::put_client(d, &client));
    dev.change_soon(doc_name::CLIENTS.to_owned(), "a client", edit, done);
}

#[component]
pub fn Clients(
    device: DeviceRef,
    today: NaiveDate,
    lang: RwSignal<Lang>,
    site: Memo<Site>,
    ledger: Memo<Ledger>,
) -> impl IntoView {
    let t = move |msg: SalesMsg| msg.text(lang.get());
    let revision = device.with_value(|d| d.revision);
    let everyone = Memo::new(move |_| {
        revision.track();
        device.with_value(|d| d.read_cached(doc_name::CLIENTS, clients::all)).unwrap_or_default()
    });
    // Everyone but merged duplicates, by name: once per change of the document, shared by the count,
    // the list and the export.
    let active = Memo::new(move |_| everyone.with(|a| clients::active(a)));
    let query = RwSignal::new(String::new());
    let selected = RwSignal::new(None::<String>);
    let creating = RwSignal::new(false);
    let importing = RwSignal::new(false);
    // What the last erasure removed and kept, shown once the client is gone.
    let erased = RwSignal::new(None::<frontdesk_core::erasure::Summary>);
    let on_erased = Callback::new(move |summary| {
        erased.set(Some(summary));
        selected.set(None);
    });
    let manager = device.with_value(|d| d.role);
    let erasures = Memo::new(move |_| {
        revision.track();
        let mut all =
            device.with_value(|d| d.read(doc_name::CLIENTS, frontdesk_core::erasure::erasures)).unwrap_or_default();
        all.sort_dyn_by(|a, b| b.at_ms.cmp(&a.at_ms));
        all
    });
    let export = move |_| {
        let l = lang.get();
        let header =
            [SalesMsg::ClientCode, SalesMsg::Phone, SalesMsg::Email, SalesMsg::Notes].map(|m| m.text(l).to_owned());
        let mut rows =
            vec![std::iter::once(crate::i18n::Msg::FullName.text(l).to_owned()).chain(header).collect::<Vec<_>>()];
        for c in active.get_untracked() {
            rows.push(vec![c.name, c.code, c.phone, c.email, c.notes]);
        }
        super::calendar::download_file("clients.csv", "text/csv;charset=utf-8", &frontdesk_core::export::csv(&rows));
    };
    // What the list shows, at most its first rows: once per change of the list or of the query.
    const ROWS: usize = 100;
    let shown = Memo::new(move |_| {
        let q = query.get();
        if q.trim().chars().count() < 2 {
            active.with(|a| a.iter().take(ROWS).cloned().collect::<Vec<_>>())
        } else {
            everyone.with(|all| clients::find(all, &q).into_iter().take(ROWS).collect())
        }
    });
    view! {
        <div class="page clients">
            <div class="calls__grid">
                <section class="card" aria-labelledby="clients-title">
                    <div class="card__head">
                        <h2 id="clients-title" class="card__title">
                            {move || crate::i18n::sales::people_word(site.with(|s| s.profile.as_ref().map(|p| p.kind.person()).unwrap_or(frontdesk_core::site::PersonNoun::Client)), lang.get())}
                            <span class="count">{move || active.with(Vec::len)}</span>
                        </h2>
                        <div class="toolbar__group">
                            <button class="button button--ghost" on:click=move |_| importing.update(|v| *v = !*v)>{move || t(SalesMsg::ImportCsv)}</button>
                            <button class="button button--ghost" on:click=export>{move || t(SalesMsg::ExportCsv)}</button>
                            <button class="button button--primary" on:click=move |_| { creating.set(true); selected.set(None); }>{move || t(SalesMsg::NewClient)}</button>
                        </div>
                    </div>
                    {move || erased.get().map(|summary| view! {
                        <div class="banner banner--notice erase__done" role="status">
                            <span><strong>{move || EraseMsg::Done.text(lang.get())}</strong>" · "{move || erase::summary_lines(summary, lang.get()).join(" · ")}</span>
                            <button class="button button--ghost" on:click=move |_| erased.set(None)>{move || Msg::Close.text(lang.get())}</button>
                        </div>
                    })}
                    <Show when=move || importing.get()>
                        <super::import::ImportCard device lang kind=super::import::Kind::Clients currency=site.with_untracked(super::sales::currency) on_close=Callback::new(move |()| importing.set(false))/>
                    </Show>
                    <input class="field__input" type="search" autocomplete="off" aria-label=move || t(SalesMsg::FindClient)
                        placeholder=move || t(SalesMsg::FindClient) prop:value=query on:input=move |ev| query.set(event_target_value(&ev))/>
                    <Show when=move || everyone.with(Vec::is_empty)>
                        <p class="card__empty">{move || t(SalesMsg::NoClientsYet)}</p>
                    </Show>
                    <Show when=move || everyone.with(|a| !a.is_empty()) && shown.with(Vec::is_empty)>
                        <p class="card__empty">{move || t(SalesMsg::NoClientsFound)}</p>
                    </Show>
                    <ul class="rows client-list">
                        {move || shown.get().into_iter().map(|c| {
                            let id = c.id.clone();
                            let id2 = c.id.clone();
                            view! {
                                <li class="row">
                                    <button class="client-pick" class:client-pick--on=move || selected.get().as_deref() == Some(id.as_str())
                                        on:click=move |_| { selected.set(Some(id2.clone())); creating.set(false); }>
                                        <span class="row__title">{c.name.clone()}</span>
                                        <span class="row__sub">{[c.phone.clone(), c.email.clone()].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" · ")}</span>
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
                <div class="calls__side">
                    {move || if creating.get() {
                        let blank = Client {
                            id: new_id(), code: new_code(), name: query.get_untracked(), phone: String::new(), email: String::new(),
                            notes: String::new(), merged_into: String::new(), made_by: String::new(), made_ms: 0,
                            changed_by: String::new(), changed_ms: 0,
                        };
                        view! { <ClientEditor device lang client=blank is_new=true on_done=Callback::new(move |id: Option<String>| { creating.set(false); if id.is_some() { selected.set(id); } })/> }.into_any()
                    } else {
                        match selected.get() {
                            Some(id) => view! { <ClientAccount device today lang site ledger everyone id on_erased/> }.into_any(),
                            None => view! { <section class="card"><p class="card__empty">{move || t(SalesMsg::ChooseClientHint)}</p></section> }.into_any(),
                        }
                    }}
                    <Show when=move || manager.get() == "manager" && erasures.with(|e| !e.is_empty())>
                        <section class="card" aria-labelledby="erasures-title">
                            <h2 id="erasures-title" class="card__title">{move || EraseMsg::Log.text(lang.get())}</h2>
                            <ul class="rows">
                                {move || erasures.get().into_iter().map(|e| view! {
                                    <li class="row">
                                        <div class="row__main">
                                            <span class="row__title">{e.reason.clone()}</span>
                                            <span class="row__sub">{crate::clock::format(e.at_ms, "%Y-%m-%d %H:%M")}" · "{e.by.clone()}</span>
                                        </div>
                                    </li>
                                }).collect_view()}
                            </ul>
                        </section>
                    </Show>
                </div>
            </div>
        </div>
    }
}

#[component]
fn ClientEditor(
    device: DeviceRef,
    lang: RwSignal<Lang>,
    client: Client,
    is_new: bool,
    on_done: Callback<Option<String>>,
) -> impl IntoView {
    let t = move |msg: SalesMsg| msg.text(lang.get());
    let start = ClientForm::of(&client);
    let name = RwSignal::new(start.name);
    let phone = RwSignal::new(start.phone);
    let email = RwSignal::new(start.email);
    let notes = RwSignal::new(start.notes);
    let touched = RwSignal::new(false);
    let failed = RwSignal::new(None::<String>);
    let stamp = move || device.with_value(|d| d.stamp());
    let client2 = client.clone();
    let checked = move || {
        let form = ClientForm { name: name.get(), phone: phone.get(), email: email.get(), notes: notes.get() };
        if is_new {
            form.check(client2.id.clone(), client2.code.clone(), &stamp())
        } else {
            form.apply(&client2, &stamp())
        }
    };
    let checked2 = checked.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        touched.set(true);
        let Ok(saved) = checked2() else { return };
        let id = saved.id.clone();
        save(device, saved, move |r| match r {
            Ok(()) => on_done.run(Some(id)),
            Err(e) => failed.set(Some(e)),
        });
    };
    let field = move |label: SalesMsg, value: RwSignal<String>, kind: &'static str| {
        view! {
            <label class="field">
                <span class="field__label">{move || t(label)}</span>
                <input class="field__input" type=kind autocomplete="off" prop:value=value on:input=move |ev| value.set(event_target_value(&ev))/>
            </label>
        }
    };
    view! {
        <form class="card form" on:submit=submit aria-labelledby="client-form-title" novalidate>
            <h2 id="client-form-title" class="card__title">{move || if is_new { t(SalesMsg::NewClient) } else { t(SalesMsg::EditClient) }}</h2>
            <label class="field">
                <span class="field__label">{move || Msg::FullName.text(lang.get())}</span>
                <input class="field__input" type="text" autocomplete="off" maxlength="80" prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
            </label>
            <div class="form__grid">
                {field(SalesMsg::Phone, phone, "tel")}
                {field(SalesMsg::Email, email, "email")}
            </div>
            <label class="field">
                <span class="field__label">{move || t(SalesMsg::Notes)}</span>
                <textarea class="field__input field__input--area" rows="3" maxlength="2000" prop:value=notes on:input=move |ev| notes.set(event_target_value(&ev))></textarea>
            </label>
            <p class="field-error" role="alert">
                {move || failed.get().or_else(|| checked().err().filter(|_| touched.get()).map(|e| client_error_text(&e, lang.get()).to_owned()))}
            </p>
            <div class="form__actions">
                <button class="button button--primary button--large" type="submit">{move || t(SalesMsg::SaveClient)}</button>
                <button class="button button--ghost" type="button" on:click=move |_| on_done.run(None)>{move || Msg::Discard.text(lang.get())}</button>
            </div>
        </form>
    }
}

/// One client's account: details, history across what this tablet holds, balance, merging.
#[component]
fn ClientAccount(
    device: DeviceRef,
    today: NaiveDate,
    lang: RwSignal<Lang>,
    site: Memo<Site>,
    ledger: Memo<Ledger>,
    everyone: Memo<Vec<Client>>,
    id: String,
    on_erased: Callback<frontdesk_core::erasure::Summary>,
) -> impl IntoView {
    let t = move |msg: SalesMsg| msg.text(lang.get());
    let revision = device.with_value(|d| d.revision);
    let id2 = id.clone();
    // The record this id stands for now (it may have been merged into another meanwhile).
    let who = Memo::new(move |_| everyone.with(|all| clients::identities(all, &id2)));
    let me = move || who.with(|w| w.first().cloned());
    let ids = Memo::new(move |_| who.with(|w| clients::ids_of(w)));
    let editing = RwSignal::new(false);
    let erasing = RwSignal::new(false);
    let exporting = RwSignal::new(false);
    let manager = device.with_value(|d| d.role);
    let merge_pick = RwSignal::new(String::new());
    let merge_error = RwSignal::new(None::<String>);
    let money = move |minor: i64| format_money(minor, &site.with(currency), lang.get());
    let bookings = Memo::new(move |_| {
        revision.track();
        let mine = who.get();
        let mut found: Vec<schedule::Booking> = device.with_value(|d| views::bookings_held(&**d));
        found.retain(|b| clients::is_theirs(&mine, &b.client, &b.phone));
        found.sort_dyn_by(|a, b| (&b.date, b.start_min).cmp(&(&a.date, a.start_min)));
        found
    });
    let stays_of = Memo::new(move |_| {
        revision.track();
        let mine = who.get();
        let mut found: Vec<stays::Stay> = device.with_value(|d| views::stays_held(&**d));
        found.retain(|s| clients::is_theirs(&mine, &s.guest, &s.phone));
        found
    });
    let orders_of = Memo::new(move |_| {
        revision.track();
        let ids = ids.get();
        read_orders(device, today).into_iter().filter(|o| ids.contains(&o.client)).collect::<Vec<_>>()
    });
    let invoices_of = Memo::new(move |_| {
        let ids = ids.get();
        ledger.with(|l| l.invoices.iter().filter(|i| ids.contains(&i.client)).cloned().collect::<Vec<_>>())
    });
    let balance = Memo::new(move |_| ledger.with(|l| billing::balance(&ids.get(), &l.invoices, &l.payments)));
    let merge = move |_| {
        let Some(keep) = me() else { return };
        let gone = merge_pick.get();
        let all = everyone.get();
        let stamp = device.with_value(|d| d.stamp());
        // Checked here first, so a refusal is shown and nothing is written.
        if let Err(e) = clients::check_merge(&all, &keep.id, &gone) {
            merge_error.set(Some(client_error_text(&e, lang.get()).to_owned()));
            return;
        }
        merge_error.set(None);
        merge_pick.set(String::new());
        let dev = device.get_value();
        let merged = gone.clone();
        dev.clone().change_soon(
            doc_name::CLIENTS.to_owned(),
            "a merge",
            dev.logged(Kind::Client, &merged, move |d| {
                clients::merge(d, &all, &keep.id, &gone, &stamp).map_err(|e| e.to_string())
            }),
            move |r| {
                if let Err(e) = r {
                    merge_error.set(Some(e));
                }
            },
        );
    };
    view! {
        {move || me().map(|c| {
            let edit = c.clone();
            let export_id = c.id.clone();
            view! {
                <section class="card client-card" aria-labelledby="client-title">
                    <div class="card__head">
                        <div>
                            <h2 id="client-title" class="card__title">{c.name.clone()}</h2>
                            <p class="row__sub">{move || t(SalesMsg::ClientCode)}" "<span class="code">{c.code.clone()}</span></p>
                        </div>
                        <div class="client-card__balance" class:client-card__balance--owes=move || { balance.get() > 0 }>
                            <span class="stat__label">{move || t(SalesMsg::Balance)}</span>
                            <strong>{move || money(balance.get().abs())}</strong>
                            <span class="row__sub">{move || match balance.get() { b if b > 0 => t(SalesMsg::Owes), b if b < 0 => t(SalesMsg::InCredit), _ => t(SalesMsg::SettledUp) }}</span>
                        </div>
                    </div>
                    <dl class="facts">
                        <dt>{move || t(SalesMsg::Phone)}</dt><dd>{if c.phone.is_empty() { "—".to_owned() } else { c.phone.clone() }}</dd>
                        <dt>{move || t(SalesMsg::Email)}</dt><dd>{if c.email.is_empty() { "—".to_owned() } else { c.email.clone() }}</dd>
                        <dt>{move || t(SalesMsg::Notes)}</dt><dd class="client-card__notes">{if c.notes.is_empty() { "—".to_owned() } else { c.notes.clone() }}</dd>
                    </dl>
                    <div class="form__actions">
                        <button class="button button--ghost" on:click=move |_| editing.set(true)>{move || t(SalesMsg::EditClient)}</button>
                        <Show when=move || manager.get() == "manager" && !erasing.get()>
                            {let id = export_id.clone(); view! {
                                <button class="button button--ghost" disabled=move || exporting.get()
                                    on:click=move |_| export_client(device, id.clone(), site.with(|s| s.profile.as_ref().map(|p| p.name.clone()).unwrap_or_default()), lang.get_untracked(), exporting)>
                                    {move || if exporting.get() { EraseMsg::Exporting.text(lang.get()) } else { EraseMsg::Export.text(lang.get()) }}
                                </button>
                            }}
                            <button class="button button--danger" on:click=move |_| erasing.set(true)>{move || EraseMsg::Open.text(lang.get())}</button>
                        </Show>
                    </div>
                    <History device lang site doc=doc_name::CLIENTS.to_owned() kind=Kind::Client id=c.id.clone()/>
                    {move || editing.get().then(|| view! { <ClientEditor device lang client=edit.clone() is_new=false on_done=Callback::new(move |_| editing.set(false))/> })}
                    {let gone = c.clone(); move || erasing.get().then(|| view! {
                        <erase::EraseClient device lang client=gone.clone() on_erased on_cancel=Callback::new(move |()| erasing.set(false))/>
                    })}
                </section>
            }
        })}
        <section class="card" aria-labelledby="history-title">
            <h2 id="history-title" class="card__title">{move || t(SalesMsg::Bookings)}</h2>
            <Show when=move || bookings.with(Vec::is_empty) && stays_of.with(Vec::is_empty)>
                <p class="card__empty">{move || t(SalesMsg::NothingYet)}</p>
            </Show>
            <ul class="rows">
                {move || bookings.get().into_iter().map(|b| {
                    let service = site.with(|s| s.service(&b.service).map(|x| x.name(lang.get().code()).to_owned())).unwrap_or_default();
                    view! {
                        <li class="row">
                            <span class="row__time">{frontdesk_core::site::format_time(b.start_min)}</span>
                            <div class="row__main"><span class="row__title">{service}</span><span class="row__sub">{b.date.clone()}</span></div>
                            <span class="pill pill--booked">{move || booking_state_msg(b.state).text(lang.get())}</span>
                        </li>
                    }
                }).collect_view()}
                {move || stays_of.get().into_iter().map(|s| view! {
                    <li class="row">
                        <div class="row__main"><span class="row__title">{move || t(SalesMsg::Stays)}</span><span class="row__sub">{format!("{} → {}", s.arrive, s.depart)}</span></div>
                        <strong>{money(s.total_minor())}</strong>
                    </li>
                }).collect_view()}
            </ul>
        </section>
        <section class="card" aria-labelledby="client-orders-title">
            <h2 id="client-orders-title" class="card__title">{move || t(SalesMsg::OrdersHeading)}" · "{move || t(SalesMsg::InvoicesHeading)}</h2>
            <Show when=move || orders_of.with(Vec::is_empty) && invoices_of.with(Vec::is_empty)>
                <p class="card__empty">{move || t(SalesMsg::NothingYet)}</p>
            </Show>
            <ul class="rows">
                {move || orders_of.get().into_iter().map(|o| {
                    let state = o.state;
                    view! {
                        <li class="row">
                            <div class="row__main">
                                <span class="row__title">{o.lines.iter().map(|l| format!("{} × {}", l.qty, l.name)).collect::<Vec<_>>().join(", ")}</span>
                                <span class="row__sub">{o.date.clone()}" · "{money(o.total())}</span>
                            </div>
                            <span class="pill pill--booked">{move || t(order_state_msg(state))}</span>
                        </li>
                    }
                }).collect_view()}
                {move || invoices_of.get().into_iter().map(|i| {
                    let s = ledger.with(|l| billing::standing(&i, &l.payments));
                    view! {
                        <li class="row">
                            <div class="row__main">
                                <span class="row__title"><span class="code">{i.number.clone()}</span></span>
                                <span class="row__sub">{i.date.clone()}" · "{money(s.total)}</span>
                            </div>
                            <span class=if s.due == 0 { "pill pill--done" } else { "pill pill--booked" }>
                                {move || if s.due == 0 { t(SalesMsg::Paid).to_owned() } else { format!("{} {}", t(SalesMsg::Due), money(s.due)) }}
                            </span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
        <section class="card" aria-labelledby="merge-title">
            <h2 id="merge-title" class="card__title">{move || t(SalesMsg::MergeTitle)}</h2>
            <p class="card__lead">{move || t(SalesMsg::MergeLead)}</p>
            {move || (who.with(Vec::len) > 1).then(|| view! {
                <p class="row__sub">{move || t(SalesMsg::AlsoKnownAs)}": "{who.get().iter().skip(1).map(|c| c.name.clone()).collect::<Vec<_>>().join(", ")}</p>
            })}
            <div class="inline-form">
                <label class="field">
                    <span class="field__label">{move || t(SalesMsg::FindClient)}</span>
                    <select class="field__input" on:change=move |ev| merge_pick.set(event_target_value(&ev))>
                        <option value="" selected=move || merge_pick.get().is_empty()>"—"</option>
                        {move || {
                            let mine: HashSet<String> = ids.get();
                            everyone.with(|all| clients::active(all)).into_iter().filter(|c| !mine.contains(&c.id)).map(|c| {
                                let id = c.id.clone();
                                let label = [c.name.clone(), c.phone.clone()].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" · ");
                                view! { <option value=c.id.clone() selected=move || merge_pick.get() == id>{label}</option> }
                            }).collect_view()
                        }}
                    </select>
                </label>
                <button class="button" disabled=move || merge_pick.get().is_empty() on:click=merge>{move || t(SalesMsg::Merge)}</button>
            </div>
            <p class="field-error" role="alert">{move || merge_error.get()}</p>
        </section>
    }
}
