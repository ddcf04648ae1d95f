//! One invoice as a sheet: its lines and totals, payments and refunds, printing and voiding.

use frontdesk_core::billing::{self, Invoice, Method, PaymentForm};
use frontdesk_core::site::Site;
use leptos::prelude::*;

use super::print_page;
use crate::components::device_gate::DeviceRef;
use crate::components::history::History;
use crate::i18n::sales::{billing_error_text, method_msg, payment_action_text};
use crate::i18n::{Lang, SalesMsg};
use crate::pages::desk::sales::{Ledger, format_money, invoice_doc, new_id};
use frontdesk_core::history::Kind;

/// One invoice as it prints, with its payments and the desk's actions around it.
#[component]
pub(super) fn InvoiceSheet(
    device: DeviceRef,
    lang: RwSignal<Lang>,
    site: Memo<Site>,
    ledger: Memo<Ledger>,
    id: String,
    on_close: Callback<()>,
) -> impl IntoView {
    let t = move |msg: SalesMsg| msg.text(lang.get());
    let id2 = id.clone();
    let invoice = Memo::new(move |_| ledger.with(|l| l.invoices.iter().find(|i| i.id == id2).cloned()));
    let payments = Memo::new(move |_| {
        let id = id.clone();
        ledger.with(|l| l.payments.iter().filter(|p| p.invoice == id).cloned().collect::<Vec<_>>())
    });
    let standing = move || invoice.get().map(|i| billing::standing(&i, &payments.get())).unwrap_or_default();
    let cur = move || invoice.with(|i| i.as_ref().map(|i| i.currency.clone())).unwrap_or_default();
    let money = move |minor: i64| format_money(minor, &cur(), lang.get());
    let amount = RwSignal::new(String::new());
    let method = RwSignal::new(Method::Card);
    let refund = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    // The amount starts at what is due (or, for a refund, what was overpaid).
    Effect::new(move |_| {
        let s = standing();
        let c = cur();
        let comma = lang.get_untracked() == Lang::Es;
        let suggested = if refund.get() { (-s.due).max(0) } else { s.due.max(0) };
        amount.set(if suggested > 0 {
            frontdesk_core::money::format_amount(suggested, &c, comma)
        } else {
            String::new()
        });
    });
    // The button names the amount and the method it will record; until the amount reads as
    // money, it says only what the form is for (and the tap explains what is wrong).
    let action = move || {
        let l = lang.get();
        match frontdesk_core::money::parse_amount(&amount.get(), &cur()) {
            Ok(minor) if minor > 0 => payment_action_text(refund.get(), method.get(), money(minor), l),
            _ if refund.get() => t(SalesMsg::RecordRefund).to_owned(),
            _ => t(SalesMsg::TakePayment).to_owned(),
        }
    };
    let stamp = move || device.with_value(|d| d.stamp());
    let pay = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(inv) = invoice.get() else { return };
        let form =
            PaymentForm { amount: amount.get(), method: Some(method.get()), refund: refund.get(), note: String::new() };
        match form.check(&inv, &payments.get(), new_id(), &stamp()) {
            Err(e) => error.set(Some(billing_error_text(&e, lang.get(), money))),
            Ok(p) => {
                error.set(None);
                device.get_value().change_soon(
                    invoice_doc(&inv),
                    "a payment",
                    move |d| billing::put_payment(d, &p),
                    move |r| {
                        if let Err(e) = r {
                            error.set(Some(e));
                        } else {
                            refund.set(false);
                        }
                    },
                );
            }
        }
    };
    let set_void = move |void: bool| {
        let Some(inv) = invoice.get() else { return };
        let changed = Invoice { void, ..inv.clone() };
        let dev = device.get_value();
        dev.change_soon(
            invoice_doc(&inv),
            "an invoice",
            dev.logged(frontdesk_core::history::Kind::Invoice, &inv.id, move |d| billing::put_invoice(d, &changed)),
            |_| {},
        );
    };
    let business = move || site.with(|s| s.profile.as_ref().map(|p| p.name.clone())).unwrap_or_default();
    // The payment whose receipt is shown (and prints instead of the invoice).
    let receipt = RwSignal::new(None::<frontdesk_core::billing::Payment>);
    view! {
        <div class="page invoice-page" class:invoice-page--receipt=move || receipt.with(Option::is_some)>
            <div class="invoice-page__bar no-print">
                <button class="button button--ghost" on:click=move |_| on_close.run(())>{move || format!("← {}", t(SalesMsg::AllInvoices))}</button>
                <button class="button button--primary" on:click=move |_| print_page()>{move || t(SalesMsg::PrintInvoice)}</button>
            </div>
            {move || invoice.get().map(|inv| {
                let totals = inv.totals();
                let comma = lang.get() == Lang::Es;
                let void = inv.void;
                view! {
                    <article class="card invoice printable" class:invoice--void=void aria-label=move || t(SalesMsg::InvoiceTitle)>
                        <header class="invoice__head">
                            <div>
                                <p class="invoice__business">{business}</p>
                                <h2 class="invoice__title">{move || t(SalesMsg::InvoiceTitle)}" "<span class="invoice__number">{inv.number.clone()}</span></h2>
                                {void.then(|| view! { <p class="invoice__void">{move || t(SalesMsg::Void)}</p> })}
                            </div>
                            <dl class="invoice__meta">
                                <dt>{move || t(SalesMsg::Date)}</dt><dd>{inv.date.clone()}</dd>
                                <dt>{move || t(SalesMsg::BillTo)}</dt><dd>{inv.client_name.clone()}</dd>
                                <dt>{move || t(SalesMsg::IssuedBy)}</dt><dd>{inv.issued_by.clone()}</dd>
                            </dl>
                        </header>
                        <table class="table invoice__lines">
                            <thead><tr>
                                <th>{move || t(SalesMsg::Description)}</th>
                                <th class="num">{move || t(SalesMsg::Quantity)}</th>
                                <th class="num">{move || t(SalesMsg::UnitPrice)}</th>
                                <th class="num">{move || t(SalesMsg::DiscountPercent)}</th>
                                <th class="num">{move || t(SalesMsg::TaxPercent)}</th>
                                <th class="num">{move || t(SalesMsg::Amount)}</th>
                            </tr></thead>
                            <tbody>
                                {inv.lines.iter().map(|l| {
                                    let a = l.amounts();
                                    view! { <tr>
                                        <td>{l.description.clone()}</td>
                                        <td class="num">{l.qty}</td>
                                        <td class="num">{money(l.unit_minor)}</td>
                                        <td class="num">{frontdesk_core::catalog::format_tax(l.discount_bp, comma)}</td>
                                        <td class="num">{frontdesk_core::catalog::format_tax(l.tax_bp, comma)}</td>
                                        <td class="num">{money(a.net)}</td>
                                    </tr> }
                                }).collect_view()}
                            </tbody>
                        </table>
                        <dl class="totals invoice__totals">
                            <dt>{move || t(SalesMsg::Subtotal)}</dt><dd>{money(totals.net)}</dd>
                            {totals.tax_by_rate.iter().filter(|(_, v)| **v != 0).map(|(rate, v)| view! {
                                <dt>{format!("{} {} %", t(SalesMsg::Tax), frontdesk_core::catalog::format_tax(*rate, comma))}</dt><dd>{money(*v)}</dd>
                            }).collect_view()}
                            <dt class="totals__grand">{move || t(SalesMsg::Total)}</dt><dd class="totals__grand invoice__total">{money(totals.total)}</dd>
                            <dt>{move || t(SalesMsg::PaidSoFar)}</dt><dd>{move || money(standing().paid)}</dd>
                            <dt>{move || t(SalesMsg::AmountDue)}</dt><dd class="invoice__due">{move || money(standing().due)}</dd>
                        </dl>
                        {(!inv.notes.is_empty()).then(|| view! { <p class="invoice__notes">{inv.notes.clone()}</p> })}
                        <section class="invoice__payments">
                            <h3>{move || t(SalesMsg::Payments)}</h3>
                            <Show when=move || payments.with(Vec::is_empty)>
                                <p class="card__empty">{move || t(SalesMsg::NoPayments)}</p>
                            </Show>
                            <ul class="rows">
                                {move || payments.get().into_iter().map(|p| {
                                    let when = crate::clock::format(p.at_ms, "%Y-%m-%d %H:%M");
                                    view! {
                                        <li class="row">
                                            <span class="row__time">{when}</span>
                                            <div class="row__main">
                                                <span class="row__title">{move || method_msg(p.method, lang.get())}{p.refund.then(|| view! { " · " {move || t(SalesMsg::Refund)} })}</span>
                                                <span class="row__sub">{p.by.clone()}</span>
                                            </div>
                                            <strong>{money(p.signed())}</strong>
                                            <button class="button button--ghost no-print" on:click={
                                                let p = p.clone();
                                                move |_| receipt.set(Some(p.clone()))
                                            }>{move || t(SalesMsg::Receipt)}</button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </section>
                    </article>
                    <section class="card no-print">
                        <History device lang site doc=invoice_doc(&inv) kind=Kind::Invoice id=inv.id.clone()/>
                    </section>
                }
            })}
            {move || receipt.get().map(|p| {
                let number = invoice.with(|i| i.as_ref().map(|i| i.number.clone())).unwrap_or_default();
                let client = invoice.with(|i| i.as_ref().map(|i| i.client_name.clone())).unwrap_or_default();
                let when = crate::clock::format(p.at_ms, "%Y-%m-%d %H:%M");
                view! {
                    <article class="card receipt printable" aria-label=move || t(SalesMsg::Receipt)>
                        <p class="invoice__business">{business}</p>
                        <h2 class="invoice__title">{move || t(SalesMsg::Receipt)}</h2>
                        <dl class="invoice__meta">
                            <dt>{move || t(SalesMsg::Date)}</dt><dd>{when}</dd>
                            <dt>{move || t(SalesMsg::ForInvoice)}</dt><dd class="invoice__number">{number}</dd>
                            <dt>{move || t(SalesMsg::BillTo)}</dt><dd>{client}</dd>
                            <dt>{move || t(SalesMsg::Method)}</dt><dd>{move || method_msg(p.method, lang.get())}</dd>
                        </dl>
                        <p class="receipt__amount">
                            <span>{move || if p.refund { t(SalesMsg::RefundedWithThanks) } else { t(SalesMsg::ReceivedWithThanks) }}</span>
                            <strong>{money(p.amount_minor)}</strong>
                        </p>
                        <p class="row__sub">{move || t(SalesMsg::StillDue)}" "{move || money(standing().due.max(0))}</p>
                        <div class="form__actions no-print">
                            <button class="button button--primary" on:click=move |_| print_page()>{move || t(SalesMsg::PrintReceipt)}</button>
                            <button class="button button--ghost" on:click=move |_| receipt.set(None)>{move || crate::i18n::Msg::Close.text(lang.get())}</button>
                        </div>
                    </article>
                }
            })}
            <form class="card form no-print payment-form" on:submit=pay aria-labelledby="payment-title" novalidate>
                <h2 id="payment-title" class="card__title">{move || if refund.get() { t(SalesMsg::RecordRefund) } else { t(SalesMsg::TakePayment) }}</h2>
                <div class="segmented" role="radiogroup" aria-label=move || t(SalesMsg::Method)>
                    {Method::ALL.into_iter().map(|m| view! {
                        <button type="button" role="radio" class="segmented__option" class:segmented__option--on=move || method.get() == m
                            aria-checked=move || (method.get() == m).to_string() on:click=move |_| method.set(m)>{move || method_msg(m, lang.get())}</button>
                    }).collect_view()}
                </div>
                <label class="field">
                    <span class="field__label">{move || format!("{} ({})", t(SalesMsg::Amount), cur())}</span>
                    <input class="field__input field__input--money" type="text" inputmode="decimal" prop:value=amount on:input=move |ev| amount.set(event_target_value(&ev))/>
                </label>
                <label class="check">
                    <input type="checkbox" prop:checked=refund on:change=move |ev| refund.set(event_target_checked(&ev))/>
                    <span>{move || t(SalesMsg::Refund)}</span>
                </label>
                <p class="field-error" role="alert">{move || error.get()}</p>
                <div class="form__actions">
                    <button class="button button--primary button--large" type="submit">{action}</button>
                    {move || if invoice.with(|i| i.as_ref().is_some_and(|i| i.void)) {
                        view! { <button class="button button--ghost" type="button" on:click=move |_| set_void(false)>{move || t(SalesMsg::UndoVoid)}</button> }.into_any()
                    } else {
                        view! { <button class="button button--ghost" type="button" on:click=move |_| set_void(true)>{move || t(SalesMsg::VoidInvoice)}</button> }.into_any()
                    }}
                </div>
            </form>
        </div>
    }
}
