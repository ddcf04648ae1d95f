//! Billing at the desk: invoices from orders, visits, stays or free lines; payments and refunds;
//! a printable invoice; the day close by payment method; and the cards for what tablets did
//! offline that needs a person (an invoice paid twice, two invoices with one number).

use chrono::NaiveDate;
use frontdesk_core::billing::{self, Invoice, InvoiceForm, LineForm, Method};
use frontdesk_core::clients::{self, Client};
use frontdesk_core::site::Site;
use frontdesk_core::{doc_name, schedule, stays};
use leptos::prelude::*;

use super::sales::{Draft, Ledger, currency, format_money, new_id, read_orders};
use crate::components::device_gate::DeviceRef;
use crate::i18n::sales::{billing_error_text, method_msg};
use crate::i18n::{Lang, SalesMsg};
use invoice_sheet::InvoiceSheet;

mod invoice_sheet;

/// Something waiting to be invoiced: who, what, and its lines.
#[derive(Clone, Debug, PartialEq)]
struct Billable {
    who: String,
    client: String,
    what: String,
    lines: Vec<billing::InvoiceLine>,
}

fn day_bounds(day: NaiveDate) -> (i64, i64) {
    (crate::clock::start_of(day), crate::clock::start_of(day.succ_opt().unwrap_or(day)))
}

/// Removes line `n`, keeping one empty line to type into.
fn remove_line(lines: &mut Vec<LineForm>, n: usize) {
    if n < lines.len() {
        lines.remove(n);
    }
    if lines.is_empty() {
        lines.push(LineForm::default());
    }
}

fn print_page() {
    if let Some(window) = web_sys::window() {
        let _ = window.print();
    }
}

/// One field of an invoice line: its words, where it is kept in the line being typed, the
/// keyboard it asks for, what it shows when empty and how long it may be.
struct LineField {
    msg: SalesMsg,
    get: fn(&LineForm) -> &String,
    set: fn(&mut LineForm, String),
    inputmode: &'static str,
    placeholder: &'static str,
    maxlength: Option<&'static str>,
}

/// The fields of an invoice line, in the order they are typed (and their column headings).
const LINE_FIELDS: [LineField; 5] = [
    LineField {
        msg: SalesMsg::Description,
        get: |l| &l.description,
        set: |l, v| l.description = v,
        inputmode: "text",
        placeholder: "",
        maxlength: Some("120"),
    },
    LineField {
        msg: SalesMsg::Quantity,
        get: |l| &l.qty,
        set: |l, v| l.qty = v,
        inputmode: "numeric",
        placeholder: "1",
        maxlength: None,
    },
    LineField {
        msg: SalesMsg::UnitPrice,
        get: |l| &l.unit,
        set: |l, v| l.unit = v,
        inputmode: "decimal",
        placeholder: "",
        maxlength: None,
    },
    LineField {
        msg: SalesMsg::TaxPercent,
        get: |l| &l.tax,
        set: |l, v| l.tax = v,
        inputmode: "decimal",
        placeholder: "0",
        maxlength: None,
    },
    LineField {
        msg: SalesMsg::DiscountPercent,
        get: |l| &l.discount,
        set: |l, v| l.discount = v,
        inputmode: "decimal",
        placeholder: "0",
        maxlength: None,
    },
];

#[component]
pub fn Billing(
    device: DeviceRef,
    today: NaiveDate,
    lang: RwSignal<Lang>,
    site: Memo<Site>,
    ledger: Memo<Ledger>,
    draft: RwSignal<Option<Draft>>,
) -> impl IntoView {
    let t = move |msg: SalesMsg| msg.text(lang.get());
    let selected = RwSignal::new(None::<String>);
    view! {
        {move || match selected.get() {
            Some(id) => view! { <InvoiceSheet device lang site ledger id on_close=Callback::new(move |()| selected.set(None))/> }.into_any(),
            None => view! {
                <div class="page billing">
                    <div class="alerts"><Warnings lang ledger selected/></div>
                    <div class="calls__grid">
                        <NewInvoice device today lang site draft on_issued=Callback::new(move |id| selected.set(Some(id)))/>
                        <div class="calls__side">
                            <ToInvoice device today lang site ledger draft/>
                            <section class="card" aria-labelledby="invoices-title">
                                <h2 id="invoices-title" class="card__title">{move || t(SalesMsg::InvoicesThisMonth)}</h2>
                                <Show when=move || ledger.with(|l| l.invoices.is_empty())>
                                    <p class="card__empty">{move || t(SalesMsg::NoInvoices)}</p>
                                </Show>
                                <ul class="rows">
                                    {move || ledger.get().invoices.into_iter().take(60).map(|inv| {
                                        let standing = ledger.with(|l| billing::standing(&inv, &l.payments));
                                        let cur = inv.currency.clone();
                                        let id = inv.id.clone();
                                        let (pill, label) = if inv.void {
                                            ("pill--cancelled", SalesMsg::Void)
                                        } else if standing.due < 0 {
                                            ("pill--conflict", SalesMsg::Overpaid)
                                        } else if standing.due == 0 {
                                            ("pill--done", SalesMsg::Paid)
                                        } else {
                                            ("pill--booked", SalesMsg::Due)
                                        };
                                        view! {
                                            <li class="row">
                                                <div class="row__main">
                                                    <span class="row__title"><span class="code">{inv.number.clone()}</span>" · "<span>{inv.client_name.clone()}</span></span>
                                                    <span class="row__sub">{inv.date.clone()}" · "<strong>{move || format_money(standing.total, &cur, lang.get())}</strong></span>
                                                </div>
                                                <span class=format!("pill {pill}")>{move || t(label)}</span>
                                                <button class="button button--ghost" on:click=move |_| selected.set(Some(id.clone()))>{move || t(SalesMsg::OpenInvoice)}</button>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            </section>
                            <DayCloseCard today lang site ledger/>
                        </div>
                    </div>
                </div>
            }.into_any(),
        }}
    }
}

#[component]
fn NewInvoice(
    device: DeviceRef,
    today: NaiveDate,
    lang: RwSignal<Lang>,
    site: Memo<Site>,
    draft: RwSignal<Option<Draft>>,
    on_issued: Callback<String>,
) -> impl IntoView {
    let t = move |msg: SalesMsg| msg.text(lang.get());
    let people = super::sales::use_people(device);
    let client_name = RwSignal::new(String::new());
    let client_id = RwSignal::new(String::new());
    let lines = RwSignal::new(vec![LineForm::default()]);
    let notes = RwSignal::new(String::new());
    let touched = RwSignal::new(false);
    let failed = RwSignal::new(None::<String>);
    let cur = move || site.with(currency);
    // A draft handed over from another screen (an order's "Invoice") fills the form.
    Effect::new(move |_| {
        if let Some(d) = draft.get() {
            let comma = lang.get_untracked() == Lang::Es;
            let c = cur();
            client_name.set(d.client_name.clone());
            client_id.set(d.client.clone());
            lines.update(|v| {
                v.retain(|l| l != &LineForm::default());
                v.extend(d.lines.iter().map(|l| LineForm::of(l, &c, comma)));
            });
            draft.set(None);
        }
    });
    let client_of = move |name: &str| -> Option<Client> { people.with(|p| clients::named(p, name).cloned()) };
    let form = move || {
        let name = client_name.get();
        let client = if client_id.get().is_empty() {
            client_of(&name).map(|c| c.id).unwrap_or_default()
        } else {
            client_id.get()
        };
        InvoiceForm { client, client_name: name, lines: lines.get(), notes: notes.get() }
    };
    let series = device.with_value(|d| billing::series_of(&d.settings.borrow().device));
    let month_doc = doc_name::invoices(today);
    let checked = {
        let series = series.clone();
        let month_doc = month_doc.clone();
        move || {
            let existing = device.with_value(|d| d.read(&month_doc, billing::invoices)).unwrap_or_default();
            let stamp = device.with_value(|d| d.stamp());
            form().check(new_id(), &series, &cur(), today, &existing, &stamp)
        }
    };
    let checked2 = checked.clone();
    let money = move |minor: i64| format_money(minor, &cur(), lang.get());
    let preview = move || {
        let c = cur();
        let ok: Vec<billing::InvoiceLine> =
            lines.get().iter().enumerate().filter_map(|(i, l)| l.check(i + 1, &c).ok()).collect();
        billing::totals(&ok)
    };
    let issue = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        touched.set(true);
        // Re-read the month's invoices at the moment of issuing: the number follows the last.
        let Ok(invoice) = checked2() else { return };
        let id = invoice.id.clone();
        let dev = device.get_value();
        dev.change_soon(
            month_doc.clone(),
            "an invoice",
            dev.logged(frontdesk_core::history::Kind::Invoice, &id, move |d| billing::put_invoice(d, &invoice)),
            move |r| match r {
                Ok(()) => {
                    lines.set(vec![LineForm::default()]);
                    client_name.set(String::new());
                    client_id.set(String::new());
                    notes.set(String::new());
                    touched.set(false);
                    on_issued.run(id.clone());
                }
                Err(e) => failed.set(Some(e)),
            },
        );
    };
    let set_line = move |n: usize, f: fn(&mut LineForm, String), value: String| {
        lines.update(|v| {
            if let Some(l) = v.get_mut(n) {
                f(l, value);
            }
        });
    };
    // A field's words; the unit price says its currency.
    let title = move |m: SalesMsg| match m {
        SalesMsg::UnitPrice => format!("{} ({})", t(m), cur()),
        _ => t(m).to_owned(),
    };
    view! {
        <form class="card form invoice-form" on:submit=issue aria-labelledby="invoice-form-title" novalidate>
            <h2 id="invoice-form-title" class="card__title">{move || t(SalesMsg::NewInvoice)}</h2>
            <label class="field">
                <span class="field__label">{move || t(SalesMsg::BillTo)}</span>
                <input class="field__input" type="text" autocomplete="off" list="invoice-clients" maxlength="80" prop:value=client_name
                    on:input=move |ev| { client_name.set(event_target_value(&ev)); client_id.set(String::new()); }/>
                <super::sales::PeopleOptions id="invoice-clients" people/>
            </label>
            <div class="invoice-lines" role="group" aria-label=move || t(SalesMsg::Line)>
                <div class="invoice-lines__head" aria-hidden="true">
                    {LINE_FIELDS.iter().map(|f| view! { <span>{move || title(f.msg)}</span> }).collect_view()}
                    <span></span>
                </div>
                {move || (0..lines.with(Vec::len)).map(|n| {
                    let label = move |m: SalesMsg| format!("{} {} · {}", t(SalesMsg::Line), n + 1, t(m));
                    view! {
                        <div class="invoice-line">
                            {LINE_FIELDS.iter().map(|f| view! {
                                <label class="invoice-line__field">
                                    <span class="invoice-line__label">{move || title(f.msg)}</span>
                                    <input class="field__input" type="text" inputmode=f.inputmode placeholder=f.placeholder
                                        maxlength=f.maxlength aria-label=move || label(f.msg)
                                        prop:value=move || lines.with(|v| v.get(n).map(|l| (f.get)(l).clone()).unwrap_or_default())
                                        on:input=move |ev| set_line(n, f.set, event_target_value(&ev))/>
                                </label>
                            }).collect_view()}
                            <button class="button button--ghost button--icon" type="button" aria-label=move || label(SalesMsg::Remove)
                                on:click=move |_| lines.update(|v| remove_line(v, n))>"×"</button>
                        </div>
                    }
                }).collect_view()}
                <button class="button button--ghost" type="button" on:click=move |_| lines.update(|v| v.push(LineForm::default()))>{move || t(SalesMsg::AddLine)}</button>
            </div>
            <dl class="totals">
                <dt>{move || t(SalesMsg::Subtotal)}</dt><dd>{move || money(preview().net)}</dd>
                <dt>{move || t(SalesMsg::Tax)}</dt><dd>{move || money(preview().tax)}</dd>
                <dt class="totals__grand">{move || t(SalesMsg::Total)}</dt><dd class="totals__grand">{move || money(preview().total)}</dd>
            </dl>
            <label class="field">
                <span class="field__label">{move || t(SalesMsg::Notes)}</span>
                <input class="field__input" type="text" maxlength="1000" prop:value=notes on:input=move |ev| notes.set(event_target_value(&ev))/>
            </label>
            <p class="field-error" role="alert">
                {move || failed.get().or_else(|| checked().err().filter(|_| touched.get()).map(|e| billing_error_text(&e, lang.get(), money)))}
            </p>
            <div class="form__actions">
                <button class="button button--primary button--large" type="submit">{move || t(SalesMsg::IssueInvoice)}</button>
            </div>
        </form>
    }
}

/// Orders, today's visits and stays that no invoice bills yet.
#[component]
fn ToInvoice(
    device: DeviceRef,
    today: NaiveDate,
    lang: RwSignal<Lang>,
    site: Memo<Site>,
    ledger: Memo<Ledger>,
    draft: RwSignal<Option<Draft>>,
) -> impl IntoView {
    let t = move |msg: SalesMsg| msg.text(lang.get());
    let revision = device.with_value(|d| d.revision);
    let waiting = Memo::new(move |_| {
        revision.track();
        let done = ledger.with(|l| billing::invoiced_sources(&l.invoices));
        let s = site.get();
        let code = lang.get().code();
        let mut out = Vec::new();
        for o in read_orders(device, today) {
            if o.state != frontdesk_core::orders::OrderState::Cancelled && !done.contains(&format!("order/{}", o.id)) {
                let what = o.lines.iter().map(|l| format!("{} × {}", l.qty, l.name)).collect::<Vec<_>>().join(", ");
                out.push(Billable {
                    who: o.client_name.clone(),
                    client: o.client.clone(),
                    what,
                    lines: o.invoice_lines(),
                });
            }
        }
        let bookings = device.with_value(|d| d.read(&doc_name::day(today), schedule::bookings)).unwrap_or_default();
        for b in bookings.iter().filter(|b| b.state == schedule::BookingState::Arrived) {
            if !done.contains(&format!("booking/{}", b.id)) {
                let line = billing::booking_line(b, &s, code);
                out.push(Billable {
                    who: b.client.clone(),
                    client: String::new(),
                    what: line.description.clone(),
                    lines: vec![line],
                });
            }
        }
        let held: Vec<stays::Stay> = device.with_value(|d| {
            doc_name::recent_stays(today).iter().flat_map(|doc| d.read(doc, stays::stays).unwrap_or_default()).collect()
        });
        for st in
            held.iter().filter(|st| matches!(st.state, stays::StayState::CheckedIn | stays::StayState::CheckedOut))
        {
            if !done.contains(&format!("stay/{}", st.id)) {
                let line = billing::stay_line(st, &s);
                out.push(Billable {
                    who: st.guest.clone(),
                    client: String::new(),
                    what: line.description.clone(),
                    lines: vec![line],
                });
            }
        }
        out
    });
    view! {
        <section class="card" aria-labelledby="to-invoice-title">
            <h2 id="to-invoice-title" class="card__title">{move || t(SalesMsg::ToInvoice)}<span class="count">{move || waiting.with(Vec::len)}</span></h2>
            <Show when=move || waiting.with(Vec::is_empty)>
                <p class="card__empty">{move || t(SalesMsg::NothingToInvoice)}</p>
            </Show>
            <ul class="rows">
                {move || waiting.get().into_iter().map(|b| {
                    let who = b.who.clone();
                    let item = b.clone();
                    view! {
                        <li class="row">
                            <div class="row__main">
                                <span class="row__title">{who}</span>
                                <span class="row__sub">{b.what.clone()}</span>
                            </div>
                            <button class="button button--ghost" on:click=move |_| draft.set(Some(Draft { client: item.client.clone(), client_name: item.who.clone(), lines: item.lines.clone() }))>
                                {move || t(SalesMsg::AddToInvoice)}
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn Warnings(lang: RwSignal<Lang>, ledger: Memo<Ledger>, selected: RwSignal<Option<String>>) -> impl IntoView {
    let t = move |msg: SalesMsg| msg.text(lang.get());
    view! {
        {move || {
            let l = ledger.get();
            let over: Vec<(Invoice, i64)> = billing::overpaid(&l.invoices, &l.payments).into_iter().map(|(i, n)| (i.clone(), n)).collect();
            over.into_iter().map(|(inv, extra)| {
                let id = inv.id.clone();
                let cur = inv.currency.clone();
                view! {
                    <section class="card conflict" role="alert">
                        <h2 class="card__title">{move || t(SalesMsg::OverpaidTitle)}" "<span class="code">{inv.number.clone()}</span></h2>
                        <p class="card__lead">{move || t(SalesMsg::OverpaidLead)}" "<strong>{move || format_money(extra, &cur, lang.get())}</strong></p>
                        <button class="button button--primary" on:click=move |_| selected.set(Some(id.clone()))>{move || t(SalesMsg::OpenInvoice)}</button>
                    </section>
                }
            }).collect_view()
        }}
        {move || {
            let l = ledger.get();
            billing::number_clashes(&l.invoices).into_iter().map(|(a, b)| view! {
                <section class="card conflict" role="alert">
                    <h2 class="card__title">{move || t(SalesMsg::NumberClashTitle)}" "<span class="code">{a.number.clone()}</span></h2>
                    <p class="card__lead">{move || t(SalesMsg::NumberClashLead)}</p>
                    <p class="row__sub">{format!("{} · {} — {} · {}", a.client_name, a.issued_by, b.client_name, b.issued_by)}</p>
                </section>
            }).collect_view()
        }}
    }
}

#[component]
fn DayCloseCard(today: NaiveDate, lang: RwSignal<Lang>, site: Memo<Site>, ledger: Memo<Ledger>) -> impl IntoView {
    let t = move |msg: SalesMsg| msg.text(lang.get());
    let close = Memo::new(move |_| {
        let (from, to) = day_bounds(today);
        ledger.with(|l| billing::day_close(&l.invoices, &l.payments, today, from, to))
    });
    let money = move |minor: i64| format_money(minor, &site.with(currency), lang.get());
    view! {
        <section class="card day-close printable" aria-labelledby="day-close-title">
            <div class="card__head">
                <h2 id="day-close-title" class="card__title">{move || t(SalesMsg::DayClose)}" · "{move || super::format_date(today, lang.get())}</h2>
                <button class="button button--ghost no-print" on:click=move |_| print_page()>{move || t(SalesMsg::Print)}</button>
            </div>
            <table class="table">
                <thead><tr><th>{move || t(SalesMsg::Method)}</th><th class="num">{move || t(SalesMsg::Taken)}</th><th class="num">{move || t(SalesMsg::Refunded)}</th></tr></thead>
                <tbody>
                    {move || Method::ALL.into_iter().map(|m| {
                        let (taken, refunded) = close.with(|c| c.by_method.get(&m).copied().unwrap_or_default());
                        view! { <tr><td>{move || method_msg(m, lang.get())}</td><td class="num">{money(taken)}</td><td class="num">{money(refunded)}</td></tr> }
                    }).collect_view()}
                </tbody>
                <tfoot>
                    <tr><th>{move || t(SalesMsg::Net)}</th><th class="num" colspan="2">{move || money(close.with(|c| c.net))}</th></tr>
                    <tr><td>{move || t(SalesMsg::InvoicesIssued)}</td><td class="num" colspan="2">{move || format!("{} · {}", close.with(|c| c.invoices), money(close.with(|c| c.invoiced)))}</td></tr>
                </tfoot>
            </table>
        </section>
    }
}
