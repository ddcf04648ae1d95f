//! What the orders, billing and products screens share: reading the catalog, orders and
//! invoices this tablet holds, and money in the site's currency and the user's locale.

use chrono::{Datelike, NaiveDate};
use frontdesk_core::billing::{self, Invoice};
use frontdesk_core::catalog::{self, Product};
use frontdesk_core::doc_name;
use frontdesk_core::orders::Order;
use frontdesk_core::site::Site;
use frontdesk_core::{RecordId, money, schedule, views};
use leptos::prelude::*;

use crate::components::device_gate::DeviceRef;
use crate::i18n::Lang;
use crate::platform::random_bytes;

pub fn new_id() -> String {
    RecordId::from_random(random_bytes()).to_string()
}

pub fn new_code() -> String {
    schedule::confirmation_code(random_bytes())
}

/// The months whose orders and invoices a desk follows: this one and the one before.
pub fn recent_months(today: NaiveDate) -> [NaiveDate; 2] {
    let previous = today.with_day(1).and_then(|d| d.pred_opt()).unwrap_or(today);
    [today, previous]
}

/// Documents a desk follows for the money screens.
pub fn docs(today: NaiveDate) -> Vec<String> {
    let mut docs = vec![doc_name::CATALOG.to_owned()];
    for month in recent_months(today) {
        docs.push(doc_name::orders(month));
        docs.push(doc_name::invoices(month));
    }
    // The clients document grows with the years: last.
    docs.push(doc_name::CLIENTS.to_owned());
    docs
}

pub fn currency(site: &Site) -> String {
    site.currency().to_owned()
}

/// `12.50 EUR` / `12,50 EUR`.
pub fn format_money(minor: i64, currency: &str, lang: Lang) -> String {
    let sign = if minor < 0 { "−" } else { "" };
    format!("{sign}{} {currency}", money::format_amount(minor.abs(), currency, lang == Lang::Es))
}

/// The catalog: products and their stock.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Catalog {
    pub products: Vec<Product>,
    pub stock: Vec<(String, i64)>,
    pub shortages: Vec<catalog::Shortage>,
}

impl Catalog {
    pub fn stock_of(&self, product: &str) -> i64 {
        self.stock.iter().find(|(p, _)| p == product).map(|(_, n)| *n).unwrap_or(0)
    }

    pub fn product(&self, id: &str) -> Option<&Product> {
        self.products.iter().find(|p| p.id == id)
    }
}

pub fn read_catalog(device: DeviceRef) -> Catalog {
    device
        .with_value(|d| {
            d.read(doc_name::CATALOG, |doc| {
                let products = catalog::products(doc);
                let stock = products.iter().map(|p| (p.id.clone(), catalog::stock(doc, &p.id))).collect();
                Catalog { products, stock, shortages: catalog::shortages(doc) }
            })
        })
        .unwrap_or_default()
}

/// Everyone the desk knows (merged duplicates left out), re-read when a document changes.
pub fn use_people(device: DeviceRef) -> Memo<Vec<frontdesk_core::clients::Client>> {
    use frontdesk_core::clients;
    let revision = device.with_value(|d| d.revision);
    Memo::new(move |_| {
        revision.track();
        device
            .with_value(|d| d.read_cached(doc_name::CLIENTS, clients::all))
            .map(|all| clients::active(&all))
            .unwrap_or_default()
    })
}

/// The names a client field suggests as one types (an HTML `datalist` with `id`).
#[component]
pub fn PeopleOptions(id: &'static str, people: Memo<Vec<frontdesk_core::clients::Client>>) -> impl IntoView {
    view! {
        <datalist id=id>
            {move || people.get().into_iter().map(|c| view! { <option value=c.name.clone()></option> }).collect_view()}
        </datalist>
    }
}

/// Orders of this month and the last, newest first.
pub fn read_orders(device: DeviceRef, today: NaiveDate) -> Vec<Order> {
    device.with_value(|d| views::orders(&**d, &recent_months(today)))
}

pub use frontdesk_core::views::Ledger;

/// This month's and last month's invoices and payments, re-read when a document changes. Made
/// by each money screen as it opens (its code then travels with those screens' parts of the
/// wasm, not in the desk's first download).
pub fn use_ledger(device: DeviceRef, today: NaiveDate) -> Memo<Ledger> {
    let revision = device.with_value(|d| d.revision);
    Memo::new(move |_| {
        revision.track();
        device.with_value(|d| views::ledger(&**d, &recent_months(today)))
    })
}

/// Which document an order lives in: the month it was taken.
pub fn order_doc(order: &Order) -> String {
    doc_name::orders(frontdesk_core::dates::parse_day(&order.date).unwrap_or_default())
}

/// Which document an invoice (and its payments) lives in: the month it was issued.
pub fn invoice_doc(invoice: &Invoice) -> String {
    doc_name::invoices(frontdesk_core::dates::parse_day(&invoice.date).unwrap_or_default())
}

/// An invoice the desk starts from elsewhere (an order's "Invoice" button).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Draft {
    pub client: String,
    pub client_name: String,
    pub lines: Vec<billing::InvoiceLine>,
}
