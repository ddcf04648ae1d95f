//! The products the business sells and how many are in stock (the `catalog` document).
//!
//! A product is a flat record the manager keeps (name, price, tax). Its stock is an Automerge
//! counter beside it: selling subtracts, cancelling or receiving adds, and increments made on
//! tablets that cannot see each other add up when they sync — two tablets that each sold the last
//! item offline leave the stock at −1, which [`shortages`] turns into a card someone resolves,
//! instead of a number nobody notices. The counter is created with the product, in the same
//! change, so no tablet ever sees a product without it.

use crate::sorting::SortDyn;
use automerge::transaction::Transactable;
use automerge::{AutoCommit, Automerge, ROOT, ReadDoc, ScalarValue, Value};
use autosurgeon::{Hydrate, Reconcile};

use crate::money::{self, MoneyError};
use crate::records;

/// One product on sale.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Product {
    pub id: String,
    pub name: String,
    /// Price before tax, in minor units.
    pub price_minor: i64,
    /// Tax rate in basis points (2100 = 21 %).
    pub tax_bp: u32,
    /// Withdrawn from sale (kept for the orders and invoices that name it).
    pub retired: bool,
}

/// Why a product cannot be saved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProductError {
    #[error("the name is required")]
    NameMissing,
    #[error("the name is too long")]
    NameTooLong,
    #[error("price: {0}")]
    Price(MoneyError),
    #[error("tax must be a percentage between 0 and 100")]
    BadTax,
    #[error("stock must be a whole number from 0 to 1,000,000")]
    BadStock,
}

/// What the manager typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProductForm {
    pub name: String,
    pub price: String,
    /// A percentage: `21`, `10,5`, `4.5`.
    pub tax: String,
    /// Units in stock now (for a new product).
    pub stock: String,
}

/// Reads a tax percentage into basis points: `21` → 2100, `10,5` → 1050.
pub fn parse_tax(typed: &str) -> Result<u32, ProductError> {
    let typed = typed.trim().trim_end_matches('%').trim();
    if typed.is_empty() {
        return Ok(0);
    }
    // Two decimals, like a currency with cents: 10,25 % → 1025 bp.
    let bp = money::parse_amount(typed, "EUR").map_err(|_| ProductError::BadTax)?;
    if bp > 10_000 { Err(ProductError::BadTax) } else { Ok(bp as u32) }
}

/// Formats basis points as a percentage: 2100 → `21`, 1050 → `10.5`.
pub fn format_tax(bp: u32, decimal_comma: bool) -> String {
    let whole = bp / 100;
    let frac = bp % 100;
    let text = if frac == 0 {
        whole.to_string()
    } else if frac.is_multiple_of(10) {
        format!("{whole}.{}", frac / 10)
    } else {
        format!("{whole}.{frac:02}")
    };
    if decimal_comma { text.replace('.', ",") } else { text }
}

fn parse_stock(typed: &str) -> Result<i64, ProductError> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(0);
    }
    match typed.parse::<i64>() {
        Ok(n) if (0..=1_000_000).contains(&n) => Ok(n),
        _ => Err(ProductError::BadStock),
    }
}

impl ProductForm {
    pub fn of(product: &Product, decimal_comma: bool, currency: &str) -> ProductForm {
        ProductForm {
            name: product.name.clone(),
            price: money::format_amount(product.price_minor, currency, decimal_comma),
            tax: format_tax(product.tax_bp, decimal_comma),
            stock: String::new(),
        }
    }

    /// Checks the form: the product and the units in stock it starts with.
    pub fn check(&self, id: String, currency: &str) -> Result<(Product, i64), ProductError> {
        let name = self.name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(ProductError::NameMissing);
        }
        if name.chars().count() > 80 {
            return Err(ProductError::NameTooLong);
        }
        let price_minor = money::parse_amount(&self.price, currency).map_err(ProductError::Price)?;
        let tax_bp = parse_tax(&self.tax)?;
        let stock = parse_stock(&self.stock)?;
        Ok((Product { id, name, price_minor, tax_bp, retired: false }, stock))
    }
}

const PRODUCT: &str = "product";

fn stock_key(product: &str) -> String {
    format!("stock/{product}")
}

/// Adds a new product with `stock` units, or updates an existing one (its stock left alone).
pub fn put_product(doc: &mut AutoCommit, product: &Product, stock: i64) -> Result<(), String> {
    let key = stock_key(&product.id);
    let exists = doc.get(ROOT, key.as_str()).map_err(|e| e.to_string())?.is_some();
    if !exists {
        doc.put(ROOT, key.as_str(), ScalarValue::counter(stock)).map_err(|e| e.to_string())?;
    }
    records::put(doc, PRODUCT, &product.id, product)
}

/// Every product, by name (retired ones included: orders and invoices may name them).
/// Whether the catalog holds any product (without reading them: the desk asks at start, to know
/// whether to show Orders).
pub fn has_products(doc: &Automerge) -> bool {
    use automerge::ReadDoc;
    let prefix = format!("{PRODUCT}/");
    doc.keys(automerge::ROOT).any(|k| k.starts_with(&prefix))
}

pub fn products(doc: &Automerge) -> Vec<Product> {
    let mut all: Vec<Product> = records::all(doc, PRODUCT);
    all.sort_dyn_by(|a, b| crate::search::fold(&a.name).cmp(&crate::search::fold(&b.name)).then(a.id.cmp(&b.id)));
    all
}

/// Units of `product` in stock (negative when tablets sold more than there was).
pub fn stock(doc: &Automerge, product: &str) -> i64 {
    match doc.get(ROOT, stock_key(product).as_str()) {
        Ok(Some((Value::Scalar(v), _))) => v.as_i64().unwrap_or(0),
        _ => 0,
    }
}

/// Adds `delta` units (negative to take them) to a product's stock.
pub fn adjust_stock(doc: &mut AutoCommit, product: &str, delta: i64) -> Result<(), String> {
    if delta == 0 {
        return Ok(());
    }
    let key = stock_key(product);
    match doc.get(ROOT, key.as_str()).map_err(|e| e.to_string())? {
        Some((Value::Scalar(v), _)) if matches!(v.as_ref(), ScalarValue::Counter(_)) => {
            doc.increment(ROOT, key.as_str(), delta).map_err(|e| e.to_string())
        }
        _ => Err(format!("no stock counter for product {product}")),
    }
}

/// A product sold beyond its stock: tablets that could not see each other each sold what was left.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shortage {
    pub product: Product,
    /// Below zero: how many units are missing.
    pub stock: i64,
}

/// Every product whose stock went below zero.
pub fn shortages(doc: &Automerge) -> Vec<Shortage> {
    products(doc)
        .into_iter()
        .filter_map(|product| {
            let stock = stock(doc, &product.id);
            (stock < 0).then_some(Shortage { product, stock })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(name: &str, price: &str, tax: &str, stock: &str) -> ProductForm {
        ProductForm { name: name.into(), price: price.into(), tax: tax.into(), stock: stock.into() }
    }

    #[test]
    fn the_form_is_checked() {
        let (p, stock) = form(" Hand  cream ", "12,50", "21", "3").check("p1".into(), "EUR").unwrap();
        assert_eq!((p.name.as_str(), p.price_minor, p.tax_bp, stock), ("Hand cream", 1250, 2100, 3));
        assert_eq!(form("", "1", "", "").check("p".into(), "EUR"), Err(ProductError::NameMissing));
        assert_eq!(form("X", "-1", "", "").check("p".into(), "EUR"), Err(ProductError::Price(MoneyError::Negative)));
        assert_eq!(form("X", "1", "101", "").check("p".into(), "EUR"), Err(ProductError::BadTax));
        assert_eq!(form("X", "1", "abc", "").check("p".into(), "EUR"), Err(ProductError::BadTax));
        assert_eq!(form("X", "1", "", "-2").check("p".into(), "EUR"), Err(ProductError::BadStock));
        assert_eq!(form("X", "1", "", "2.5").check("p".into(), "EUR"), Err(ProductError::BadStock));
        assert_eq!(parse_tax("10,5 %"), Ok(1050));
        assert_eq!(
            (format_tax(1050, true), format_tax(2100, false), format_tax(425, false)),
            ("10,5".into(), "21".into(), "4.25".into())
        );
    }

    #[test]
    fn the_last_item_sold_on_two_offline_tablets_shows_as_a_shortage() {
        let mut doc = AutoCommit::new();
        assert!(!has_products(doc.document()));
        let (p, units) = form("Hand cream", "12.50", "21", "1").check("p1".into(), "EUR").unwrap();
        put_product(&mut doc, &p, units).unwrap();
        assert!(has_products(doc.document()));
        let mut one = doc.fork();
        let mut two = doc.fork();
        adjust_stock(&mut one, "p1", -1).unwrap();
        adjust_stock(&mut two, "p1", -1).unwrap();
        assert!(shortages(one.document()).is_empty());
        one.merge(&mut two).unwrap();
        assert_eq!(stock(one.document(), "p1"), -1);
        assert_eq!(shortages(one.document()), vec![Shortage { product: p.clone(), stock: -1 }]);
        // One order is cancelled: its unit comes back and the card goes.
        adjust_stock(&mut one, "p1", 1).unwrap();
        assert!(shortages(one.document()).is_empty());
        // Editing the product never resets the stock.
        put_product(&mut one, &Product { price_minor: 1300, ..p }, 50).unwrap();
        assert_eq!(stock(one.document(), "p1"), 0);
        assert!(adjust_stock(&mut one, "missing", 1).is_err());
    }
}
