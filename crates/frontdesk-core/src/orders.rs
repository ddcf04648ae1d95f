//! Product orders taken at the desk (`orders/<yyyy-mm>` documents).
//!
//! An order takes its units from stock when it is taken and gives them back if it is
//! cancelled; [`OrderChange::stock`] says by how much, and the app writes the order and the
//! stock change in one local transaction. Lines keep the name, price and tax of the product at
//! the time, so a later price change never rewrites an order.

use crate::sorting::SortDyn;
use automerge::{AutoCommit, Automerge};
use autosurgeon::{Hydrate, Reconcile};
use chrono::NaiveDate;

use crate::billing::{InvoiceLine, totals};
use crate::catalog::Product;
use crate::records;
use crate::schedule::Stamp;

/// Where an order stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Reconcile, Hydrate)]
pub enum OrderState {
    Taken,
    Ready,
    PickedUp,
    Cancelled,
}

impl OrderState {
    /// A stable lower-case name for styles and page attributes (never `Debug`, which release
    /// builds may strip).
    pub fn key(self) -> &'static str {
        match self {
            OrderState::Taken => "taken",
            OrderState::Ready => "ready",
            OrderState::PickedUp => "pickedup",
            OrderState::Cancelled => "cancelled",
        }
    }

    /// Whether the order holds its units (everything but a cancelled order).
    pub fn holds_stock(self) -> bool {
        self != OrderState::Cancelled
    }
}

/// One product on an order.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct OrderLine {
    pub product: String,
    pub name: String,
    pub qty: u32,
    pub unit_minor: i64,
    pub tax_bp: u32,
}

/// One order.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Order {
    pub id: String,
    /// A short code to call the order by at pick-up.
    pub code: String,
    /// The client's id, or empty for a counter sale.
    pub client: String,
    pub client_name: String,
    pub lines: Vec<OrderLine>,
    pub notes: String,
    pub state: OrderState,
    /// `YYYY-MM-DD` it was taken (names its month's document).
    pub date: String,
    pub made_by: String,
    pub made_ms: i64,
    pub changed_by: String,
    pub changed_ms: i64,
}

impl Order {
    /// The order's lines as invoice lines (source `order/<id>`).
    pub fn invoice_lines(&self) -> Vec<InvoiceLine> {
        self.lines
            .iter()
            .map(|l| InvoiceLine {
                description: l.name.clone(),
                qty: l.qty,
                unit_minor: l.unit_minor,
                tax_bp: l.tax_bp,
                discount_bp: 0,
                source: format!("order/{}", self.id),
            })
            .collect()
    }

    /// Total with tax.
    pub fn total(&self) -> i64 {
        totals(&self.invoice_lines()).total
    }

    /// Units of `product` the order holds.
    pub fn units_of(&self, product: &str) -> i64 {
        if !self.state.holds_stock() {
            return 0;
        }
        self.lines.iter().filter(|l| l.product == product).map(|l| l.qty as i64).sum()
    }
}

/// Why an order cannot be taken or changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrderError {
    #[error("add at least one product")]
    Empty,
    #[error("{0} is no longer sold")]
    Retired(String),
    #[error("unknown product")]
    UnknownProduct,
    #[error("quantity must be from 1 to 999")]
    BadQuantity,
    #[error("only {left} of {name} left")]
    NotEnough { name: String, left: i64 },
    #[error("the note is too long")]
    NoteTooLong,
    #[error("an order that was picked up cannot be cancelled")]
    AlreadyPickedUp,
}

/// An order as the desk fills it in: products and quantities.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrderForm {
    pub client: String,
    pub client_name: String,
    /// (product id, quantity); the same product may appear twice (quantities add up).
    pub items: Vec<(String, u32)>,
    pub notes: String,
}

/// An order plus what it does to stock: (product, units to add; negative takes them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderChange {
    pub order: Order,
    pub stock: Vec<(String, i64)>,
}

impl OrderForm {
    /// Checks the order against the products and the stock this tablet sees (`stock_of`).
    pub fn check(
        &self,
        products: &[Product],
        stock_of: impl Fn(&str) -> i64,
        ids: (String, String),
        date: NaiveDate,
        stamp: &Stamp,
    ) -> Result<OrderChange, OrderError> {
        let mut lines: Vec<OrderLine> = Vec::new();
        for (product_id, qty) in &self.items {
            let product = products.iter().find(|p| &p.id == product_id).ok_or(OrderError::UnknownProduct)?;
            if product.retired {
                return Err(OrderError::Retired(product.name.clone()));
            }
            match lines.iter_mut().find(|l| &l.product == product_id) {
                Some(line) => line.qty += qty,
                None => lines.push(OrderLine {
                    product: product.id.clone(),
                    name: product.name.clone(),
                    qty: *qty,
                    unit_minor: product.price_minor,
                    tax_bp: product.tax_bp,
                }),
            }
        }
        if lines.is_empty() {
            return Err(OrderError::Empty);
        }
        for line in &lines {
            if !(1..=999).contains(&line.qty) {
                return Err(OrderError::BadQuantity);
            }
            let left = stock_of(&line.product);
            if (line.qty as i64) > left {
                return Err(OrderError::NotEnough { name: line.name.clone(), left: left.max(0) });
            }
        }
        let notes = self.notes.trim().to_owned();
        if notes.chars().count() > 500 {
            return Err(OrderError::NoteTooLong);
        }
        let stock = lines.iter().map(|l| (l.product.clone(), -(l.qty as i64))).collect();
        let (id, code) = ids;
        let order = Order {
            id,
            code,
            client: self.client.clone(),
            client_name: self.client_name.split_whitespace().collect::<Vec<_>>().join(" "),
            lines,
            notes,
            state: OrderState::Taken,
            date: date.to_string(),
            made_by: stamp.by.clone(),
            made_ms: stamp.at_ms,
            changed_by: stamp.by.clone(),
            changed_ms: stamp.at_ms,
        };
        Ok(OrderChange { order, stock })
    }
}

/// Moves an order to `to` (also back, to undo a mistaken tap): the changed order and the stock
/// it gives back (cancelling) or takes again (un-cancelling).
pub fn move_to(order: &Order, to: OrderState, stamp: &Stamp) -> Result<OrderChange, OrderError> {
    if order.state == OrderState::PickedUp && to == OrderState::Cancelled {
        return Err(OrderError::AlreadyPickedUp);
    }
    let sign = match (order.state.holds_stock(), to.holds_stock()) {
        (true, false) => 1,
        (false, true) => -1,
        _ => 0,
    };
    let stock = if sign == 0 {
        Vec::new()
    } else {
        order.lines.iter().map(|l| (l.product.clone(), sign * l.qty as i64)).collect()
    };
    let order = Order { state: to, changed_by: stamp.by.clone(), changed_ms: stamp.at_ms, ..order.clone() };
    Ok(OrderChange { order, stock })
}

const ORDER: &str = "order";

pub fn put_order(doc: &mut AutoCommit, order: &Order) -> Result<(), String> {
    records::put(doc, ORDER, &order.id, order)
}

/// The month's orders, newest first.
pub fn orders(doc: &Automerge) -> Vec<Order> {
    let mut all: Vec<Order> = records::all(doc, ORDER);
    all.sort_dyn_by(|a, b| b.made_ms.cmp(&a.made_ms).then(a.id.cmp(&b.id)));
    all
}

/// Open orders (taken or ready) that hold units of `product`: the ones a shortage card lists.
pub fn holding<'a>(orders: &'a [Order], product: &str) -> Vec<&'a Order> {
    orders
        .iter()
        .filter(|o| matches!(o.state, OrderState::Taken | OrderState::Ready) && o.units_of(product) > 0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog;

    fn products() -> Vec<Product> {
        vec![
            Product { id: "cream".into(), name: "Hand cream".into(), price_minor: 1250, tax_bp: 2100, retired: false },
            Product { id: "old".into(), name: "Old soap".into(), price_minor: 300, tax_bp: 2100, retired: true },
        ]
    }

    fn stamp(by: &str) -> Stamp {
        Stamp { by: by.into(), at_ms: 7 }
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    fn form(items: &[(&str, u32)]) -> OrderForm {
        OrderForm {
            client: "c1".into(),
            client_name: "Ana Gil".into(),
            items: items.iter().map(|(p, q)| ((*p).to_owned(), *q)).collect(),
            notes: String::new(),
        }
    }

    #[test]
    fn an_order_is_checked_against_products_and_stock() {
        let p = products();
        let ids = || ("o1".to_owned(), "K7QF2M".to_owned());
        let three = |_: &str| 3;
        assert_eq!(form(&[]).check(&p, three, ids(), day(), &stamp("D")), Err(OrderError::Empty));
        assert_eq!(form(&[("x", 1)]).check(&p, three, ids(), day(), &stamp("D")), Err(OrderError::UnknownProduct));
        assert_eq!(
            form(&[("old", 1)]).check(&p, three, ids(), day(), &stamp("D")),
            Err(OrderError::Retired("Old soap".into()))
        );
        assert_eq!(form(&[("cream", 0)]).check(&p, three, ids(), day(), &stamp("D")), Err(OrderError::BadQuantity));
        assert_eq!(
            form(&[("cream", 2), ("cream", 2)]).check(&p, three, ids(), day(), &stamp("D")),
            Err(OrderError::NotEnough { name: "Hand cream".into(), left: 3 })
        );
        let change = form(&[("cream", 2)]).check(&p, three, ids(), day(), &stamp("D")).unwrap();
        assert_eq!(change.stock, vec![("cream".to_owned(), -2)]);
        // 2 × 12.50 = 25.00 + 21 % = 30.25
        assert_eq!(change.order.total(), 3025);
        assert_eq!(change.order.invoice_lines()[0].source, "order/o1");
    }

    #[test]
    fn cancelling_gives_stock_back_and_undoing_takes_it_again() {
        let p = products();
        let order = form(&[("cream", 2)]).check(&p, |_| 5, ("o".into(), "C".into()), day(), &stamp("D")).unwrap().order;
        let ready = move_to(&order, OrderState::Ready, &stamp("D")).unwrap();
        assert!(ready.stock.is_empty());
        let cancelled = move_to(&ready.order, OrderState::Cancelled, &stamp("D")).unwrap();
        assert_eq!(cancelled.stock, vec![("cream".to_owned(), 2)]);
        assert_eq!(cancelled.order.units_of("cream"), 0);
        let undone = move_to(&cancelled.order, OrderState::Ready, &stamp("D")).unwrap();
        assert_eq!(undone.stock, vec![("cream".to_owned(), -2)]);
        let picked = move_to(&undone.order, OrderState::PickedUp, &stamp("D")).unwrap().order;
        assert_eq!(move_to(&picked, OrderState::Cancelled, &stamp("D")), Err(OrderError::AlreadyPickedUp));
    }

    #[test]
    fn two_tablets_selling_the_last_item_offline_make_a_visible_shortage() {
        let p = products();
        let mut catalog_doc = AutoCommit::new();
        catalog::put_product(&mut catalog_doc, &p[0], 1).unwrap();
        let mut orders_doc = AutoCommit::new();
        let mut tablets: Vec<(AutoCommit, AutoCommit)> =
            (0..2).map(|_| (catalog_doc.fork(), orders_doc.fork())).collect();
        for (n, (cat, ord)) in tablets.iter_mut().enumerate() {
            let left = catalog::stock(cat.document(), "cream");
            let change = form(&[("cream", 1)])
                .check(&p, |_| left, (format!("o{n}"), format!("C{n}")), day(), &stamp(&format!("Tablet {n}")))
                .unwrap();
            put_order(ord, &change.order).unwrap();
            for (product, delta) in &change.stock {
                catalog::adjust_stock(cat, product, *delta).unwrap();
            }
        }
        let (mut cat2, mut ord2) = tablets.pop().unwrap();
        let (mut cat1, mut ord1) = tablets.pop().unwrap();
        cat1.merge(&mut cat2).unwrap();
        ord1.merge(&mut ord2).unwrap();
        orders_doc.merge(&mut ord1).unwrap();
        catalog_doc.merge(&mut cat1).unwrap();
        let short = catalog::shortages(catalog_doc.document());
        assert_eq!(short.len(), 1);
        assert_eq!(short[0].stock, -1);
        let all = orders(orders_doc.document());
        assert_eq!(holding(&all, "cream").len(), 2, "the card lists both orders");
        // Cancelling one resolves it.
        let change = move_to(&all[0], OrderState::Cancelled, &stamp("Desk")).unwrap();
        put_order(&mut orders_doc, &change.order).unwrap();
        for (product, delta) in &change.stock {
            catalog::adjust_stock(&mut catalog_doc, product, *delta).unwrap();
        }
        assert!(catalog::shortages(catalog_doc.document()).is_empty());
        assert_eq!(holding(&orders(orders_doc.document()), "cream").len(), 1);
    }
}
