//! Product orders at the desk: take an order from the catalog, follow it until it is picked up,
//! invoice it; and the cards for products that tablets sold beyond stock while offline.

use chrono::NaiveDate;
use frontdesk_core::billing;
use frontdesk_core::catalog;
use frontdesk_core::clients::{self, Client};
use frontdesk_core::doc_name;
use frontdesk_core::orders::{self, Order, OrderChange, OrderForm, OrderState};
use frontdesk_core::replica::DocEdit;
use frontdesk_core::site::Site;
use leptos::prelude::*;

use super::Tab;
use super::sales::{Draft, Ledger, currency, format_money, new_code, new_id, order_doc, read_catalog, read_orders};
use crate::components::device_gate::DeviceRef;
use crate::i18n::sales::{order_error_text, order_state_msg};
use crate::i18n::{Lang, SalesMsg};

/// The edits that save an order change: the order, and its stock in the catalog, as one.
fn edits_of(change: OrderChange) -> Vec<(String, DocEdit)> {
    let doc = order_doc(&change.order);
    let order = change.order;
    let stock = change.stock;
    let mut edits: Vec<(String, DocEdit)> = vec![(doc, Box::new(move |d| orders::put_order(d, &order)))];
    if !stock.is_empty() {
        edits.push((
            doc_name::CATALOG.to_owned(),
            Box::new(move |d| stock.iter().try_for_each(|(product, delta)| catalog::adjust_stock(d, product, *delta))),
        ));
    }
    edits
}

fn clock(ms: i64) -> String {
    crate::clock::format(ms, "%H:%M")
}

#[component]
pub fn Orders(
    device: DeviceRef,
    today: NaiveDate,
    lang: RwSignal<Lang>,
    site: Memo<Site>,
    ledger: Memo<Ledger>,
    tab: RwSignal<Tab>,
    draft: RwSignal<Option<Draft>>,
) -> impl IntoView {
    let t = move |msg: SalesMsg| msg.text(lang.get());
    let revision = device.with_value(|d| d.revision);
    let catalog = Memo::new(move |_| {
        revision.track();
        read_catalog(device)
    });
    let all_orders = Memo::new(move |_| {
        revision.track();
        read_orders(device, today)
    });
    let people = super::sales::use_people(device);
    let cur = move || site.with(currency);
    let money = move |minor: i64| format_money(minor, &cur(), lang.get());

    // The order being put together.
    let client_name = RwSignal::new(String::new());
    let items = RwSignal::new(Vec::<(String, u32)>::new());
    let pick = RwSignal::new(String::new());
    let qty = RwSignal::new("1".to_owned());
    let notes = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let stamp = move || device.with_value(|d| d.stamp());
    let client_of = move |name: &str| -> Option<Client> { people.with(|p| clients::named(p, name).cloned()) };
    let form = move || {
        let name = client_name.get();
        let client = client_of(&name);
        OrderForm {
            client: client.as_ref().map(|c| c.id.clone()).unwrap_or_default(),
            client_name: client.map(|c| c.name).unwrap_or(name),
            items: items.get(),
            notes: notes.get(),
        }
    };
    let add = move |_| {
        let product = pick.get();
        let Some(n) = qty.get().trim().parse::<u32>().ok().filter(|n| (1..=999).contains(n)) else {
            error.set(Some(order_error_text(&orders::OrderError::BadQuantity, lang.get())));
            return;
        };
        if catalog.with(|c| c.product(&product).is_none()) {
            error.set(Some(order_error_text(&orders::OrderError::UnknownProduct, lang.get())));
            return;
        }
        error.set(None);
        items.update(|v| v.push((product, n)));
        qty.set("1".into());
    };
    let take = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let c = catalog.get();
        let checked = form().check(&c.products, |p| c.stock_of(p), (new_id(), new_code()), today, &stamp());
        match checked {
            Err(e) => error.set(Some(order_error_text(&e, lang.get()))),
            Ok(change) => {
                error.set(None);
                device.get_value().change_all_soon(edits_of(change), "an order", move |r| {
                    if let Err(e) = r {
                        error.set(Some(e));
                    }
                });
                items.set(Vec::new());
                client_name.set(String::new());
                notes.set(String::new());
            }
        }
    };
    let move_order = move |order: Order, to: OrderState| match orders::move_to(&order, to, &stamp()) {
        Ok(change) => device.get_value().change_all_soon(edits_of(change), "an order", |_| {}),
        Err(e) => error.set(Some(order_error_text(&e, lang.get()))),
    };
    let invoiced = Memo::new(move |_| ledger.with(|l| billing::invoiced_sources(&l.invoices)));
    let invoice = move |order: Order| {
        draft.set(Some(Draft {
            client: order.client.clone(),
            client_name: order.client_name.clone(),
            lines: order.invoice_lines(),
        }));
        tab.set(Tab::Billing);
    };
    let draft_total = move || {
        let c = catalog.get();
        let lines: Vec<billing::InvoiceLine> = items
            .get()
            .iter()
            .filter_map(|(p, q)| {
                c.product(p).map(|p| billing::InvoiceLine {
                    description: p.name.clone(),
                    qty: *q,
                    unit_minor: p.price_minor,
                    tax_bp: p.tax_bp,
                    discount_bp: 0,
                    source: String::new(),
                })
            })
            .collect();
        billing::totals(&lines).total
    };
    let row = move |order: Order| {
        let summary = order.lines.iter().map(|l| format!("{} × {}", l.qty, l.name)).collect::<Vec<_>>().join(", ");
        let who =
            if order.client_name.is_empty() { t(SalesMsg::CounterSale).to_owned() } else { order.client_name.clone() };
        let state = order.state;
        let is_invoiced = invoiced.with(|i| i.contains(&format!("order/{}", order.id)));
        let (o1, o2, o3) = (order.clone(), order.clone(), order.clone());
        let total = order.total();
        view! {
            <li class="row order-row" data-state=state.key()>
                <span class="row__time">{clock(order.made_ms)}</span>
                <div class="row__main">
                    <span class="row__title"><span>{who}</span>" · "<span class="code">{order.code.clone()}</span></span>
                    <span class="row__sub">{summary}" · "<strong>{money(total)}</strong>" · "{order.made_by.clone()}</span>
                </div>
                <span class=format!("pill pill--order-{}", state.key())>{move || t(order_state_msg(state))}</span>
                <div class="row__actions">
                    {match state {
                        OrderState::Taken => view! {
                            <button class="button button--primary" on:click=move |_| move_order(o1.clone(), OrderState::Ready)>{move || t(SalesMsg::Ready)}</button>
                            <button class="button button--ghost" on:click=move |_| move_order(o2.clone(), OrderState::Cancelled)>{move || t(SalesMsg::CancelOrder)}</button>
                        }.into_any(),
                        OrderState::Ready => view! {
                            <button class="button button--primary" on:click=move |_| move_order(o1.clone(), OrderState::PickedUp)>{move || t(SalesMsg::PickedUp)}</button>
                            <button class="button button--ghost" on:click=move |_| move_order(o2.clone(), OrderState::Cancelled)>{move || t(SalesMsg::CancelOrder)}</button>
                        }.into_any(),
                        OrderState::PickedUp => view! {
                            <button class="button button--ghost" on:click=move |_| move_order(o1.clone(), OrderState::Ready)>{move || t(SalesMsg::Undo)}</button>
                        }.into_any(),
                        OrderState::Cancelled => view! {
                            <button class="button button--ghost" on:click=move |_| move_order(o1.clone(), OrderState::Taken)>{move || t(SalesMsg::Undo)}</button>
                        }.into_any(),
                    }}
                    {(state != OrderState::Cancelled).then(|| if is_invoiced {
                        view! { <span class="pill pill--done">{move || t(SalesMsg::Invoiced)}</span> }.into_any()
                    } else {
                        view! { <button class="button button--ghost" on:click=move |_| invoice(o3.clone())>{move || t(SalesMsg::MakeInvoice)}</button> }.into_any()
                    })}
                </div>
            </li>
        }
    };
    let open = move || {
        all_orders
            .get()
            .into_iter()
            .filter(|o| matches!(o.state, OrderState::Taken | OrderState::Ready))
            .collect::<Vec<_>>()
    };
    let finished = move || {
        let day = today.to_string();
        all_orders
            .get()
            .into_iter()
            .filter(|o| !matches!(o.state, OrderState::Taken | OrderState::Ready) && o.date == day)
            .collect::<Vec<_>>()
    };
    view! {
        <div class="page orders">
            <div class="alerts">
            {move || catalog.get().shortages.into_iter().map(|s| {
                let holding: Vec<Order> = all_orders.with(|all| orders::holding(all, &s.product.id).into_iter().cloned().collect());
                view! {
                    <section class="card conflict" role="alert">
                        <h2 class="card__title">{move || t(SalesMsg::ShortageTitle)}": "{s.product.name.clone()}" ("{s.stock}")"</h2>
                        <p class="card__lead">{move || t(SalesMsg::ShortageLead)}</p>
                        <ul class="rows">{holding.into_iter().map(row).collect_view()}</ul>
                    </section>
                }
            }).collect_view()}
            </div>
            <div class="calls__grid">
                <form class="card form" on:submit=take aria-labelledby="order-form-title" novalidate>
                    <h2 id="order-form-title" class="card__title">{move || t(SalesMsg::NewOrder)}</h2>
                    <label class="field">
                        <span class="field__label">{move || t(SalesMsg::ClientOptional)}</span>
                        <input class="field__input" type="text" autocomplete="off" list="order-clients" maxlength="80" prop:value=client_name on:input=move |ev| client_name.set(event_target_value(&ev))/>
                        <super::sales::PeopleOptions id="order-clients" people/>
                    </label>
                    <div class="order-pick">
                        <label class="field order-pick__product">
                            <span class="field__label">{move || t(SalesMsg::Product)}</span>
                            <select class="field__input" on:change=move |ev| pick.set(event_target_value(&ev))>
                                <option value="" selected=move || pick.get().is_empty()>"—"</option>
                                {move || catalog.get().products.into_iter().filter(|p| !p.retired).map(|p| {
                                    let id = p.id.clone();
                                    let left = catalog.with(|c| c.stock_of(&p.id));
                                    view! { <option value=p.id.clone() selected=move || pick.get() == id>{format!("{} · {} · {left} {}", p.name, money(p.price_minor), t(SalesMsg::InStock))}</option> }
                                }).collect_view()}
                            </select>
                        </label>
                        <label class="field order-pick__qty">
                            <span class="field__label">{move || t(SalesMsg::Quantity)}</span>
                            <input class="field__input" type="number" min="1" max="999" inputmode="numeric" prop:value=qty on:input=move |ev| qty.set(event_target_value(&ev))/>
                        </label>
                        <button class="button" type="button" on:click=add>{move || t(SalesMsg::AddToOrder)}</button>
                    </div>
                    <Show when=move || items.with(|i| i.is_empty())>
                        <p class="card__empty">{move || t(SalesMsg::OrderEmptyHint)}</p>
                    </Show>
                    <ul class="rows order-lines">
                        {move || items.get().into_iter().enumerate().map(|(n, (p, q))| {
                            let name = catalog.with(|c| c.product(&p).map(|p| p.name.clone())).unwrap_or_default();
                            view! {
                                <li class="row">
                                    <div class="row__main"><span class="row__title">{format!("{q} × {name}")}</span></div>
                                    <button class="button button--ghost" type="button" on:click=move |_| items.update(|v| { if n < v.len() { v.remove(n); } })>{move || t(SalesMsg::Remove)}</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <p class="order-total">{move || t(SalesMsg::Total)}" "<strong>{move || money(draft_total())}</strong></p>
                    <label class="field">
                        <span class="field__label">{move || t(SalesMsg::Notes)}</span>
                        <input class="field__input" type="text" maxlength="500" prop:value=notes on:input=move |ev| notes.set(event_target_value(&ev))/>
                    </label>
                    <p class="field-error" role="alert">{move || error.get()}</p>
                    <div class="form__actions">
                        <button class="button button--primary button--large" type="submit">{move || t(SalesMsg::TakeOrder)}</button>
                    </div>
                </form>
                <div class="calls__side">
                    <section class="card" aria-labelledby="open-orders-title">
                        <h2 id="open-orders-title" class="card__title">{move || t(SalesMsg::OpenOrders)}<span class="count">{move || open().len()}</span></h2>
                        <Show when=move || open().is_empty()>
                            <p class="card__empty">{move || t(SalesMsg::NoOpenOrders)}</p>
                        </Show>
                        <ul class="rows">{move || open().into_iter().map(row).collect_view()}</ul>
                    </section>
                    <Show when=move || !finished().is_empty()>
                        <section class="card" aria-labelledby="done-orders-title">
                            <h2 id="done-orders-title" class="card__title">{move || t(SalesMsg::FinishedOrders)}</h2>
                            <ul class="rows">{move || finished().into_iter().map(row).collect_view()}</ul>
                        </section>
                    </Show>
                </div>
            </div>
        </div>
    }
}
