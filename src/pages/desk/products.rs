//! The manager's product list (in the Business screen): name, price, tax, stock.

use frontdesk_core::catalog::{self, Product, ProductError, ProductForm};
use frontdesk_core::doc_name;
use frontdesk_core::site::Site;
use leptos::prelude::*;

use super::sales::{Catalog, currency, format_money, new_id, read_catalog};
use crate::components::device_gate::DeviceRef;
use crate::i18n::sales::product_error_text;
use crate::i18n::{Lang, Msg, SalesMsg};

#[component]
pub fn ProductsCard(device: DeviceRef, lang: RwSignal<Lang>, site: Memo<Site>) -> impl IntoView {
    let t = move |msg: SalesMsg| msg.text(lang.get());
    let revision = device.with_value(|d| d.revision);
    let catalog = Memo::new(move |_| {
        revision.track();
        read_catalog(device)
    });
    // None: closed; Some(None): a new product; Some(Some(p)): editing p.
    let editing = RwSignal::new(None::<Option<Product>>);
    let restocking = RwSignal::new(None::<String>);
    let importing = RwSignal::new(false);
    view! {
        <section class="card" aria-labelledby="products-title">
            <div class="card__head">
                <h2 id="products-title" class="card__title">{move || t(SalesMsg::Products)}</h2>
                <div class="toolbar__group">
                    <button class="button button--ghost" on:click=move |_| importing.update(|v| *v = !*v)>{move || t(SalesMsg::ImportCsv)}</button>
                    <button class="button button--ghost" on:click=move |_| editing.set(Some(None))>{move || t(SalesMsg::AddProduct)}</button>
                </div>
            </div>
            <Show when=move || importing.get()>
                <super::import::ImportCard device lang kind=super::import::Kind::Products currency=site.with_untracked(currency) on_close=Callback::new(move |()| importing.set(false))/>
            </Show>
            <Show when=move || catalog.with(|c| c.products.is_empty())>
                <p class="card__empty">{move || t(SalesMsg::NoProductsYet)}</p>
            </Show>
            <ul class="rows">
                {move || {
                    let Catalog { products, .. } = catalog.get();
                    products.into_iter().map(|p| {
                        let edit = p.clone();
                        let id = p.id.clone();
                        let id2 = p.id.clone();
                        let stock = move || catalog.with(|c| c.stock_of(&id));
                        view! {
                            <li class="row" class:row--inactive=p.retired>
                                <div class="row__main">
                                    <span class="row__title">{p.name.clone()}</span>
                                    <span class="row__sub">
                                        {move || format_money(p.price_minor, &site.with(currency), lang.get())}
                                        {move || format!(" + {} % · {} {}", catalog::format_tax(p.tax_bp, lang.get() == Lang::Es), stock(), t(SalesMsg::InStock))}
                                    </span>
                                </div>
                                <button class="button button--ghost" on:click=move |_| restocking.set(Some(id2.clone()))>{move || t(SalesMsg::AddStock)}</button>
                                <button class="button button--ghost" on:click=move |_| editing.set(Some(Some(edit.clone())))>{move || Msg::Edit.text(lang.get())}</button>
                            </li>
                        }
                    }).collect_view()
                }}
            </ul>
            {move || restocking.get().map(|product| view! { <RestockForm device lang product on_close=Callback::new(move |()| restocking.set(None))/> })}
            {move || editing.get().map(|product| view! { <ProductEditor device lang site product on_close=Callback::new(move |()| editing.set(None))/> })}
        </section>
    }
}

#[component]
fn ProductEditor(
    device: DeviceRef,
    lang: RwSignal<Lang>,
    site: Memo<Site>,
    product: Option<Product>,
    on_close: Callback<()>,
) -> impl IntoView {
    let t = move |msg: SalesMsg| msg.text(lang.get());
    let cur = site.with_untracked(currency);
    let comma = lang.get_untracked() == Lang::Es;
    let is_new = product.is_none();
    let start = product.as_ref().map(|p| ProductForm::of(p, comma, &cur)).unwrap_or_default();
    let id = product.as_ref().map(|p| p.id.clone()).unwrap_or_else(new_id);
    let retired = RwSignal::new(product.as_ref().is_some_and(|p| p.retired));
    let name = RwSignal::new(start.name);
    let price = RwSignal::new(start.price);
    let tax = RwSignal::new(start.tax);
    let stock = RwSignal::new(String::new());
    let touched = RwSignal::new(false);
    let failed = RwSignal::new(None::<String>);
    let cur2 = cur.clone();
    let checked = move || {
        ProductForm { name: name.get(), price: price.get(), tax: tax.get(), stock: stock.get() }
            .check(id.clone(), &cur2)
    };
    let checked2 = checked.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        touched.set(true);
        let Ok((mut product, units)) = checked2() else { return };
        product.retired = retired.get_untracked();
        device.get_value().change_soon(
            doc_name::CATALOG.to_owned(),
            "a product",
            move |d| catalog::put_product(d, &product, units),
            move |r| match r {
                Ok(()) => on_close.run(()),
                Err(e) => failed.set(Some(e)),
            },
        );
    };
    let field = move |label: SalesMsg, value: RwSignal<String>, mode: &'static str| {
        view! {
            <label class="field">
                <span class="field__label">{move || t(label)}</span>
                <input class="field__input" type="text" inputmode=mode prop:value=value on:input=move |ev| value.set(event_target_value(&ev))/>
            </label>
        }
    };
    view! {
        <form class="subform" on:submit=save aria-label=move || t(SalesMsg::Product) novalidate>
            <div class="form__grid">
                {field(SalesMsg::ProductName, name, "text")}
                <label class="field">
                    <span class="field__label">{move || format!("{} ({cur})", t(SalesMsg::PriceBeforeTax))}</span>
                    <input class="field__input" type="text" inputmode="decimal" prop:value=price on:input=move |ev| price.set(event_target_value(&ev))/>
                </label>
                {field(SalesMsg::TaxPercent, tax, "decimal")}
                {is_new.then(|| field(SalesMsg::UnitsInStock, stock, "numeric"))}
                {(!is_new).then(|| view! {
                    <label class="check check--field">
                        <input type="checkbox" prop:checked=move || !retired.get() on:change=move |ev| retired.set(!event_target_checked(&ev))/>
                        <span>{move || t(SalesMsg::StillSold)}</span>
                    </label>
                })}
            </div>
            <p class="field-error" role="alert">
                {move || failed.get().or_else(|| checked().err().filter(|_| touched.get()).map(|e| product_error_text(&e, lang.get())))}
            </p>
            <div class="form__actions">
                <button class="button button--primary" type="submit">{move || t(SalesMsg::SaveProduct)}</button>
                <button class="button button--ghost" type="button" on:click=move |_| on_close.run(())>{move || Msg::Discard.text(lang.get())}</button>
            </div>
        </form>
    }
}

#[component]
fn RestockForm(device: DeviceRef, lang: RwSignal<Lang>, product: String, on_close: Callback<()>) -> impl IntoView {
    let t = move |msg: SalesMsg| msg.text(lang.get());
    let units = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let n = match units.get().trim().parse::<i64>() {
            Ok(n) if (1..=1_000_000).contains(&n) => n,
            _ => {
                error.set(Some(product_error_text(&ProductError::BadStock, lang.get())));
                return;
            }
        };
        let product = product.clone();
        device.get_value().change_soon(
            doc_name::CATALOG.to_owned(),
            "new stock",
            move |d| catalog::adjust_stock(d, &product, n),
            move |r| match r {
                Ok(()) => on_close.run(()),
                Err(e) => error.set(Some(e)),
            },
        );
    };
    view! {
        <form class="subform subform--inline" on:submit=save aria-label=move || t(SalesMsg::AddStock) novalidate>
            <label class="field">
                <span class="field__label">{move || t(SalesMsg::UnitsReceived)}</span>
                <input class="field__input" type="number" min="1" inputmode="numeric" prop:value=units on:input=move |ev| units.set(event_target_value(&ev))/>
            </label>
            <div class="form__actions">
                <button class="button button--primary" type="submit">{move || t(SalesMsg::AddStock)}</button>
                <button class="button button--ghost" type="button" on:click=move |_| on_close.run(())>{move || Msg::Discard.text(lang.get())}</button>
            </div>
            <p class="field-error" role="alert">{move || error.get()}</p>
        </form>
    }
}
