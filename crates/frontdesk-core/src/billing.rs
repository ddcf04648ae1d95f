//! Invoices, payments, refunds, balances and the day close (`invoices/<yyyy-mm>` documents).
//!
//! **Amounts** are integer minor units. Per line: gross = qty × unit; discount = gross × rate,
//! rounded half up; net = gross − discount; tax = net × tax rate, rounded half up. The invoice's
//! total is the sum of its lines' net plus tax — always exactly the sum of the lines as printed.
//!
//! **Numbers** stay unique when tablets invoice offline: each tablet has its own series (four
//! letters from its relay device id), and numbers a series' invoices one after another within the
//! month: `202611-K7QF-0001`. Only that tablet writes its series, and it sees every invoice it
//! made, so it never repeats a number. Should two devices ever share a series,
//! [`number_clashes`] shows the pair.
//!
//! **Payments** are flat records beside the invoice (cash, card, transfer: recorded, not
//! processed). A refund is a payment going back. Payments are never edited, so two tablets taking
//! money for the same invoice offline both keep their record; if together they took more than was
//! due, [`overpaid`] says so and the desk refunds the difference.

use crate::sorting::SortDyn;
use std::collections::{BTreeMap, HashSet};

use automerge::{AutoCommit, Automerge};
use autosurgeon::{Hydrate, Reconcile};
use chrono::{Datelike, NaiveDate};

use crate::money::{self, MoneyError};
use crate::records;
use crate::schedule::Stamp;

/// One line of an invoice.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct InvoiceLine {
    pub description: String,
    pub qty: u32,
    pub unit_minor: i64,
    /// Tax rate in basis points (2100 = 21 %).
    pub tax_bp: u32,
    /// Discount in basis points of the line (1000 = 10 % off).
    pub discount_bp: u32,
    /// What the line bills: `order/<id>`, `booking/<id>`, `stay/<id>`, or empty.
    pub source: String,
}

/// A line's figures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LineAmounts {
    pub gross: i64,
    pub discount: i64,
    pub net: i64,
    pub tax: i64,
    /// Net plus tax: what the line adds to the invoice.
    pub total: i64,
}

/// `value × bp / 10000`, rounded half up (values here are never negative).
fn part(value: i64, bp: u32) -> i64 {
    let scaled = value as i128 * bp as i128;
    ((scaled + 5_000) / 10_000) as i64
}

impl InvoiceLine {
    pub fn amounts(&self) -> LineAmounts {
        let gross = self.qty as i64 * self.unit_minor;
        let discount = part(gross, self.discount_bp);
        let net = gross - discount;
        let tax = part(net, self.tax_bp);
        LineAmounts { gross, discount, net, tax, total: net + tax }
    }
}

/// An invoice's figures.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub discount: i64,
    pub net: i64,
    pub tax: i64,
    pub total: i64,
    /// Tax by rate (basis points → amount), for the printed breakdown.
    pub tax_by_rate: BTreeMap<u32, i64>,
}

pub fn totals(lines: &[InvoiceLine]) -> Totals {
    let mut t = Totals::default();
    for line in lines {
        let a = line.amounts();
        t.discount += a.discount;
        t.net += a.net;
        t.tax += a.tax;
        t.total += a.total;
        *t.tax_by_rate.entry(line.tax_bp).or_default() += a.tax;
    }
    t
}

/// One invoice.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Invoice {
    pub id: String,
    pub number: String,
    pub series: String,
    pub client: String,
    pub client_name: String,
    pub lines: Vec<InvoiceLine>,
    pub notes: String,
    pub currency: String,
    pub issued_by: String,
    pub issued_ms: i64,
    /// `YYYY-MM-DD`: the issue date (also names its month's document).
    pub date: String,
    /// Cancelled by the desk (kept, numbered, shown as void).
    pub void: bool,
}

impl Invoice {
    pub fn totals(&self) -> Totals {
        totals(&self.lines)
    }
}

/// How money changed hands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Reconcile, Hydrate)]
pub enum Method {
    Cash,
    Card,
    Transfer,
}

impl Method {
    pub const ALL: [Method; 3] = [Method::Cash, Method::Card, Method::Transfer];
}

/// Money taken for an invoice, or given back (a refund).
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Payment {
    pub id: String,
    pub invoice: String,
    pub method: Method,
    /// Always positive; `refund` says which way it went.
    pub amount_minor: i64,
    pub refund: bool,
    pub note: String,
    pub by: String,
    pub at_ms: i64,
}

impl Payment {
    /// What the payment adds to the money received (negative for a refund).
    pub fn signed(&self) -> i64 {
        if self.refund { -self.amount_minor } else { self.amount_minor }
    }
}

/// Why an invoice or a payment is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BillingError {
    #[error("an invoice needs at least one line")]
    NoLines,
    #[error("at most 200 lines")]
    TooManyLines,
    #[error("line {0}: a description is required")]
    DescriptionMissing(usize),
    #[error("line {0}: the description is too long")]
    DescriptionTooLong(usize),
    #[error("line {0}: quantity must be from 1 to 9,999")]
    BadQuantity(usize),
    #[error("line {0}: price: {1}")]
    Price(usize, MoneyError),
    #[error("line {0}: tax must be a percentage between 0 and 100")]
    BadTax(usize),
    #[error("line {0}: discount must be a percentage between 0 and 100")]
    BadDiscount(usize),
    #[error("the client's name is required")]
    ClientMissing,
    #[error("amount: {0}")]
    Amount(MoneyError),
    #[error("the amount must be more than zero")]
    ZeroAmount,
    #[error("more than is due ({due})")]
    MoreThanDue { due: i64 },
    #[error("a refund cannot exceed what was paid ({paid})")]
    RefundTooLarge { paid: i64 },
    #[error("the invoice is void")]
    Void,
    #[error("the note is too long")]
    NoteTooLong,
}

/// One line as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineForm {
    pub description: String,
    pub qty: String,
    pub unit: String,
    pub tax: String,
    pub discount: String,
    pub source: String,
}

fn parse_rate(typed: &str) -> Option<u32> {
    crate::catalog::parse_tax(typed).ok()
}

impl LineForm {
    /// A line already in minor units and basis points (from an order, a booking, a stay).
    pub fn of(line: &InvoiceLine, currency: &str, decimal_comma: bool) -> LineForm {
        LineForm {
            description: line.description.clone(),
            qty: line.qty.to_string(),
            unit: money::format_amount(line.unit_minor, currency, decimal_comma),
            tax: crate::catalog::format_tax(line.tax_bp, decimal_comma),
            discount: crate::catalog::format_tax(line.discount_bp, decimal_comma),
            source: line.source.clone(),
        }
    }

    /// Checks line `n` (1-based, for the message).
    pub fn check(&self, n: usize, currency: &str) -> Result<InvoiceLine, BillingError> {
        let description = self.description.split_whitespace().collect::<Vec<_>>().join(" ");
        if description.is_empty() {
            return Err(BillingError::DescriptionMissing(n));
        }
        if description.chars().count() > 120 {
            return Err(BillingError::DescriptionTooLong(n));
        }
        let qty = match self.qty.trim() {
            "" => 1,
            q => q.parse::<u32>().ok().filter(|q| (1..=9_999).contains(q)).ok_or(BillingError::BadQuantity(n))?,
        };
        let unit_minor = money::parse_amount(&self.unit, currency).map_err(|e| BillingError::Price(n, e))?;
        let tax_bp = parse_rate(&self.tax).ok_or(BillingError::BadTax(n))?;
        let discount_bp = parse_rate(&self.discount).ok_or(BillingError::BadDiscount(n))?;
        Ok(InvoiceLine { description, qty, unit_minor, tax_bp, discount_bp, source: self.source.clone() })
    }
}

/// An invoice as the desk fills it in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InvoiceForm {
    pub client: String,
    pub client_name: String,
    pub lines: Vec<LineForm>,
    pub notes: String,
}

/// A tablet's invoice series: four letters from its relay device id (hex).
pub fn series_of(device: &str) -> String {
    let bits = u64::from_str_radix(device.get(..5).unwrap_or("0"), 16).unwrap_or(0);
    (0..4).map(|i| crate::schedule::CODE_ALPHABET[((bits >> (i * 5)) & 31) as usize] as char).collect()
}

/// The next number of `series` in a month whose invoices are `existing`.
pub fn next_number(existing: &[Invoice], series: &str, date: NaiveDate) -> String {
    let prefix = format!("{:04}{:02}-{series}-", date.year(), date.month());
    let last = existing
        .iter()
        .filter_map(|i| i.number.strip_prefix(prefix.as_str()).and_then(|n| n.parse::<u32>().ok()))
        .max()
        .unwrap_or(0);
    format!("{prefix}{:04}", last + 1)
}

impl InvoiceForm {
    /// Checks the form and makes the invoice, numbered after `existing` (the month's invoices).
    pub fn check(
        &self,
        id: String,
        series: &str,
        currency: &str,
        date: NaiveDate,
        existing: &[Invoice],
        stamp: &Stamp,
    ) -> Result<Invoice, BillingError> {
        let client_name = self.client_name.split_whitespace().collect::<Vec<_>>().join(" ");
        if client_name.is_empty() {
            return Err(BillingError::ClientMissing);
        }
        let typed: Vec<&LineForm> = self.lines.iter().filter(|l| l != &&LineForm::default()).collect();
        if typed.is_empty() {
            return Err(BillingError::NoLines);
        }
        if typed.len() > 200 {
            return Err(BillingError::TooManyLines);
        }
        let lines = typed.iter().enumerate().map(|(i, l)| l.check(i + 1, currency)).collect::<Result<Vec<_>, _>>()?;
        let notes = self.notes.trim().to_owned();
        if notes.chars().count() > 1000 {
            return Err(BillingError::NoteTooLong);
        }
        Ok(Invoice {
            id,
            number: next_number(existing, series, date),
            series: series.to_owned(),
            client: self.client.clone(),
            client_name,
            lines,
            notes,
            currency: currency.to_owned(),
            issued_by: stamp.by.clone(),
            issued_ms: stamp.at_ms,
            date: date.to_string(),
            void: false,
        })
    }
}

const INVOICE: &str = "invoice";
const PAYMENT: &str = "payment";

pub fn put_invoice(doc: &mut AutoCommit, invoice: &Invoice) -> Result<(), String> {
    records::put(doc, INVOICE, &invoice.id, invoice)
}

pub fn put_payment(doc: &mut AutoCommit, payment: &Payment) -> Result<(), String> {
    records::put(doc, PAYMENT, &payment.id, payment)
}

/// The month's invoices, newest number first.
pub fn invoices(doc: &Automerge) -> Vec<Invoice> {
    let mut all: Vec<Invoice> = records::all(doc, INVOICE);
    all.sort_dyn_by(|a, b| b.issued_ms.cmp(&a.issued_ms).then(b.number.cmp(&a.number)));
    all
}

pub fn payments(doc: &Automerge) -> Vec<Payment> {
    let mut all: Vec<Payment> = records::all(doc, PAYMENT);
    all.sort_dyn_by(|a, b| a.at_ms.cmp(&b.at_ms).then(a.id.cmp(&b.id)));
    all
}

/// Where an invoice stands with its payments.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Standing {
    pub total: i64,
    /// Taken minus refunded.
    pub paid: i64,
    pub refunded: i64,
    /// Total minus paid: negative when more was taken than was due.
    pub due: i64,
}

pub fn standing(invoice: &Invoice, payments: &[Payment]) -> Standing {
    let total = if invoice.void { 0 } else { invoice.totals().total };
    let mine = payments.iter().filter(|p| p.invoice == invoice.id);
    let (mut taken, mut refunded) = (0, 0);
    for p in mine {
        if p.refund { refunded += p.amount_minor } else { taken += p.amount_minor }
    }
    let paid = taken - refunded;
    Standing { total, paid, refunded, due: total - paid }
}

/// A payment or refund as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PaymentForm {
    pub amount: String,
    pub method: Option<Method>,
    pub refund: bool,
    pub note: String,
}

impl PaymentForm {
    /// Checks a payment (at most what is due) or a refund (at most what was paid).
    pub fn check(
        &self,
        invoice: &Invoice,
        payments: &[Payment],
        id: String,
        stamp: &Stamp,
    ) -> Result<Payment, BillingError> {
        let amount_minor = money::parse_amount(&self.amount, &invoice.currency).map_err(BillingError::Amount)?;
        if amount_minor == 0 {
            return Err(BillingError::ZeroAmount);
        }
        let now = standing(invoice, payments);
        if self.refund {
            if amount_minor > now.paid {
                return Err(BillingError::RefundTooLarge { paid: now.paid.max(0) });
            }
        } else {
            if invoice.void {
                return Err(BillingError::Void);
            }
            if amount_minor > now.due {
                return Err(BillingError::MoreThanDue { due: now.due.max(0) });
            }
        }
        let note = self.note.trim().to_owned();
        if note.chars().count() > 200 {
            return Err(BillingError::NoteTooLong);
        }
        Ok(Payment {
            id,
            invoice: invoice.id.clone(),
            method: self.method.unwrap_or(Method::Cash),
            amount_minor,
            refund: self.refund,
            note,
            by: stamp.by.clone(),
            at_ms: stamp.at_ms,
        })
    }
}

/// Invoices that took more than was due (tablets each took the payment offline).
pub fn overpaid<'a>(invoices: &'a [Invoice], payments: &[Payment]) -> Vec<(&'a Invoice, i64)> {
    invoices
        .iter()
        .filter_map(|i| {
            let s = standing(i, payments);
            (s.due < 0).then_some((i, -s.due))
        })
        .collect()
}

/// Pairs of invoices that carry the same number (two devices sharing a series).
pub fn number_clashes(invoices: &[Invoice]) -> Vec<(Invoice, Invoice)> {
    let mut by_number: BTreeMap<&str, Vec<&Invoice>> = BTreeMap::new();
    for i in invoices {
        by_number.entry(i.number.as_str()).or_default().push(i);
    }
    let mut out = Vec::new();
    for same in by_number.values().filter(|v| v.len() > 1) {
        let mut same = same.clone();
        same.sort_dyn_by(|a, b| a.id.cmp(&b.id));
        for pair in same.windows(2) {
            out.push((pair[0].clone(), pair[1].clone()));
        }
    }
    out
}

/// The sources (`order/<id>`, `booking/<id>`, `stay/<id>`) already on a live invoice.
pub fn invoiced_sources(invoices: &[Invoice]) -> HashSet<String> {
    invoices
        .iter()
        .filter(|i| !i.void)
        .flat_map(|i| i.lines.iter().map(|l| l.source.clone()))
        .filter(|s| !s.is_empty())
        .collect()
}

/// A client's balance across `invoices`: what they still owe (negative: in credit).
pub fn balance(client_ids: &HashSet<String>, invoices: &[Invoice], payments: &[Payment]) -> i64 {
    invoices.iter().filter(|i| client_ids.contains(&i.client)).map(|i| standing(i, payments).due).sum()
}

/// The money of one day, by method.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DayClose {
    /// Per method: (taken, refunded).
    pub by_method: BTreeMap<Method, (i64, i64)>,
    pub taken: i64,
    pub refunded: i64,
    /// Taken minus refunded.
    pub net: i64,
    pub payments: usize,
    /// Invoices issued that day and their total.
    pub invoices: usize,
    pub invoiced: i64,
}

/// Totals of the payments made in `[from_ms, to_ms)` and the invoices issued on `date`.
pub fn day_close(invoices: &[Invoice], payments: &[Payment], date: NaiveDate, from_ms: i64, to_ms: i64) -> DayClose {
    let mut close = DayClose::default();
    for m in Method::ALL {
        close.by_method.insert(m, (0, 0));
    }
    for p in payments.iter().filter(|p| (from_ms..to_ms).contains(&p.at_ms)) {
        let entry = close.by_method.entry(p.method).or_default();
        if p.refund {
            entry.1 += p.amount_minor;
            close.refunded += p.amount_minor;
        } else {
            entry.0 += p.amount_minor;
            close.taken += p.amount_minor;
        }
        close.payments += 1;
    }
    close.net = close.taken - close.refunded;
    let day = date.to_string();
    for i in invoices.iter().filter(|i| i.date == day && !i.void) {
        close.invoices += 1;
        close.invoiced += i.totals().total;
    }
    close
}

/// The line that bills a booking: its service at the service's price.
pub fn booking_line(booking: &crate::schedule::Booking, site: &crate::site::Site, lang: &str) -> InvoiceLine {
    let service = site.service(&booking.service);
    InvoiceLine {
        description: format!(
            "{} · {} {}",
            service.map(|s| s.name(lang).to_owned()).unwrap_or_default(),
            booking.date,
            crate::site::format_time(booking.start_min)
        ),
        qty: 1,
        unit_minor: service.map(|s| s.price_minor).unwrap_or(0),
        tax_bp: 0,
        discount_bp: 0,
        source: format!("booking/{}", booking.id),
    }
}

/// The line that bills a hotel stay: its nights at the agreed rate.
pub fn stay_line(stay: &crate::stays::Stay, site: &crate::site::Site) -> InvoiceLine {
    let room = site.resource(&stay.room).map(|r| r.name.clone()).unwrap_or_default();
    InvoiceLine {
        description: format!("{room} · {} → {}", stay.arrive, stay.depart),
        qty: stay.nights().max(1) as u32,
        unit_minor: stay.rate_minor,
        tax_bp: 0,
        discount_bp: 0,
        source: format!("stay/{}", stay.id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(by: &str, at_ms: i64) -> Stamp {
        Stamp { by: by.into(), at_ms }
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    fn line(description: &str, qty: &str, unit: &str, tax: &str, discount: &str) -> LineForm {
        LineForm {
            description: description.into(),
            qty: qty.into(),
            unit: unit.into(),
            tax: tax.into(),
            discount: discount.into(),
            source: String::new(),
        }
    }

    fn invoice(lines: Vec<LineForm>, existing: &[Invoice], series: &str) -> Invoice {
        let form = InvoiceForm { client: "c1".into(), client_name: "Ana Gil".into(), lines, notes: String::new() };
        form.check(format!("i{}", existing.len()), series, "EUR", day(), existing, &stamp("Desk", 10)).unwrap()
    }

    #[test]
    fn line_amounts_round_half_up_per_line() {
        // 3 × 3.33 = 9.99; 10 % off = 0.999 → 1.00; net 8.99; 21 % tax = 1.8879 → 1.89.
        let l = line("Cream", "3", "3,33", "21", "10").check(1, "EUR").unwrap();
        assert_eq!(l.amounts(), LineAmounts { gross: 999, discount: 100, net: 899, tax: 189, total: 1088 });
        // Half a cent rounds up: 0.05 × 10 % = 0.005 → 0.01.
        let l = line("Pin", "1", "0.05", "10", "").check(1, "EUR").unwrap();
        assert_eq!(l.amounts().tax, 1);
        let inv = invoice(vec![line("Visit", "1", "60", "0", ""), line("Cream", "2", "12.50", "21", "")], &[], "AAAA");
        let t = inv.totals();
        assert_eq!((t.net, t.tax, t.total), (8500, 525, 9025));
        assert_eq!(t.tax_by_rate.get(&2100), Some(&525));
    }

    #[test]
    fn lines_are_checked_with_their_number() {
        let bad = |lines: Vec<LineForm>| {
            InvoiceForm { client: String::new(), client_name: "Ana".into(), lines, notes: String::new() }
                .check("i".into(), "AAAA", "EUR", day(), &[], &stamp("D", 1))
                .unwrap_err()
        };
        assert_eq!(bad(vec![]), BillingError::NoLines);
        assert_eq!(bad(vec![LineForm::default()]), BillingError::NoLines);
        assert_eq!(
            bad(vec![line("A", "1", "1", "", ""), line("", "1", "1", "", "")]),
            BillingError::DescriptionMissing(2)
        );
        assert_eq!(bad(vec![line("A", "0", "1", "", "")]), BillingError::BadQuantity(1));
        assert_eq!(bad(vec![line("A", "1", "-5", "", "")]), BillingError::Price(1, MoneyError::Negative));
        assert_eq!(bad(vec![line("A", "1", "1", "120", "")]), BillingError::BadTax(1));
        assert_eq!(bad(vec![line("A", "1", "1", "", "150")]), BillingError::BadDiscount(1));
        let no_client = InvoiceForm { lines: vec![line("A", "1", "1", "", "")], ..Default::default() };
        assert_eq!(
            no_client.check("i".into(), "A", "EUR", day(), &[], &stamp("D", 1)),
            Err(BillingError::ClientMissing)
        );
    }

    #[test]
    fn payments_refunds_and_balances() {
        let inv = invoice(vec![line("Visit", "1", "100", "", "")], &[], "AAAA");
        let mut pays = Vec::new();
        let pay = |amount: &str, refund: bool, pays: &[Payment]| {
            PaymentForm { amount: amount.into(), method: Some(Method::Card), refund, note: String::new() }.check(
                &inv,
                pays,
                format!("p{}", pays.len()),
                &stamp("Desk", 20),
            )
        };
        assert_eq!(pay("0", false, &pays), Err(BillingError::ZeroAmount));
        assert_eq!(pay("-3", false, &pays), Err(BillingError::Amount(MoneyError::Negative)));
        assert_eq!(pay("10", true, &pays), Err(BillingError::RefundTooLarge { paid: 0 }));
        pays.push(pay("40", false, &pays).unwrap());
        assert_eq!(pay("60,01", false, &pays), Err(BillingError::MoreThanDue { due: 6000 }));
        pays.push(pay("60", false, &pays).unwrap());
        assert_eq!(standing(&inv, &pays), Standing { total: 10000, paid: 10000, refunded: 0, due: 0 });
        assert_eq!(pay("100.01", true, &pays), Err(BillingError::RefundTooLarge { paid: 10000 }));
        pays.push(pay("25", true, &pays).unwrap());
        assert_eq!(standing(&inv, &pays), Standing { total: 10000, paid: 7500, refunded: 2500, due: 2500 });
        let ids: HashSet<String> = ["c1".to_owned()].into();
        assert_eq!(balance(&ids, std::slice::from_ref(&inv), &pays), 2500);
        let void = Invoice { void: true, ..inv.clone() };
        assert_eq!(
            PaymentForm { amount: "1".into(), ..Default::default() }.check(&void, &[], "x".into(), &stamp("D", 1)),
            Err(BillingError::Void)
        );
    }

    #[test]
    fn numbers_run_per_series_and_month() {
        let a1 = invoice(vec![line("A", "1", "1", "", "")], &[], "AAAA");
        assert_eq!(a1.number, "202611-AAAA-0001");
        let a2 = invoice(vec![line("A", "1", "1", "", "")], std::slice::from_ref(&a1), "AAAA");
        assert_eq!(a2.number, "202611-AAAA-0002");
        let b1 = invoice(vec![line("A", "1", "1", "", "")], &[a1.clone(), a2.clone()], "BBBB");
        assert_eq!(b1.number, "202611-BBBB-0001");
        assert!(number_clashes(&[a1.clone(), a2, b1]).is_empty());
        let twin = Invoice { id: "other".into(), ..a1.clone() };
        assert_eq!(number_clashes(&[a1, twin]).len(), 1);
        assert_eq!(series_of("3fa9c0d1e2b3").len(), 4);
        assert_ne!(series_of("3fa9c0d1e2b3"), series_of("3fa9d0d1e2b3"));
    }

    #[test]
    fn two_tablets_taking_the_same_payment_offline_show_an_overpayment() {
        let inv = invoice(vec![line("Visit", "1", "50", "", "")], &[], "AAAA");
        let mut base = AutoCommit::new();
        put_invoice(&mut base, &inv).unwrap();
        let mut one = base.fork();
        let mut two = base.fork();
        for (doc, id) in [(&mut one, "p1"), (&mut two, "p2")] {
            let p = PaymentForm { amount: "50".into(), method: Some(Method::Cash), ..Default::default() }
                .check(&inv, &payments(doc.document()), id.into(), &stamp("T", 5))
                .unwrap();
            put_payment(doc, &p).unwrap();
        }
        one.merge(&mut two).unwrap();
        let all = invoices(one.document());
        let pays = payments(one.document());
        assert_eq!(pays.len(), 2);
        assert_eq!(
            overpaid(&all, &pays).iter().map(|(i, over)| (i.id.as_str(), *over)).collect::<Vec<_>>(),
            [("i0", 5000)]
        );
    }

    #[test]
    fn day_close_totals_by_method() {
        let inv = invoice(vec![line("Visit", "1", "80", "", "")], &[], "AAAA");
        let p = |id: &str, method, amount, refund, at_ms| Payment {
            id: id.into(),
            invoice: inv.id.clone(),
            method,
            amount_minor: amount,
            refund,
            note: String::new(),
            by: "D".into(),
            at_ms,
        };
        let pays = vec![
            p("1", Method::Cash, 3000, false, 100),
            p("2", Method::Card, 5000, false, 200),
            p("3", Method::Cash, 1000, true, 300),
            p("4", Method::Transfer, 999, false, 5000),
        ];
        let close = day_close(std::slice::from_ref(&inv), &pays, day(), 0, 1000);
        assert_eq!(close.by_method[&Method::Cash], (3000, 1000));
        assert_eq!(close.by_method[&Method::Card], (5000, 0));
        assert_eq!(close.by_method[&Method::Transfer], (0, 0));
        assert_eq!((close.taken, close.refunded, close.net, close.payments), (8000, 1000, 7000, 3));
        assert_eq!((close.invoices, close.invoiced), (1, 8000));
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn any_line() -> impl Strategy<Value = InvoiceLine> {
        (1u32..=9_999, 0i64..=10_000_000, 0u32..=10_000, 0u32..=10_000).prop_map(|(qty, unit, tax, discount)| {
            InvoiceLine {
                description: "x".into(),
                qty,
                unit_minor: unit,
                tax_bp: tax,
                discount_bp: discount,
                source: String::new(),
            }
        })
    }

    proptest! {
        #[test]
        fn an_invoice_total_is_always_the_sum_of_its_lines(lines in proptest::collection::vec(any_line(), 1..30)) {
            let t = totals(&lines);
            let sum: i64 = lines.iter().map(|l| l.amounts().total).sum();
            prop_assert_eq!(t.total, sum);
            prop_assert_eq!(t.total, t.net + t.tax);
            prop_assert_eq!(t.tax, t.tax_by_rate.values().sum::<i64>());
            for l in &lines {
                let a = l.amounts();
                prop_assert!(a.discount <= a.gross && a.net >= 0 && a.tax >= 0);
                prop_assert_eq!(a.gross, a.discount + a.net);
            }
        }

        /// Tablets take payments and refunds for the same invoices while apart; after every
        /// merge each tablet holds every payment and the same standing.
        #[test]
        fn payments_never_go_missing_across_merges(
            ops in proptest::collection::vec((0usize..3, 0usize..2, 1i64..5_000, any::<bool>()), 1..40),
        ) {
            let mut base = AutoCommit::new();
            let inv: Vec<Invoice> = (0..2).map(|n| Invoice {
                id: format!("i{n}"),
                number: format!("202611-AAAA-{n:04}"),
                series: "AAAA".into(),
                client: "c".into(),
                client_name: "C".into(),
                lines: vec![InvoiceLine { description: "x".into(), qty: 1, unit_minor: 10_000, tax_bp: 0, discount_bp: 0, source: String::new() }],
                notes: String::new(),
                currency: "EUR".into(),
                issued_by: "D".into(),
                issued_ms: 1,
                date: "2026-11-26".into(),
                void: false,
            }).collect();
            for i in &inv { put_invoice(&mut base, i).unwrap(); }
            let mut tablets: Vec<AutoCommit> = (0..3).map(|_| base.fork()).collect();
            let mut made = HashSet::new();
            for (n, (tablet, which, amount, refund)) in ops.into_iter().enumerate() {
                let doc = &mut tablets[tablet];
                let form = PaymentForm { amount: money::format_amount(amount, "EUR", false), method: Some(Method::Card), refund, note: String::new() };
                if let Ok(p) = form.check(&inv[which], &payments(doc.document()), format!("p{n}"), &Stamp { by: "T".into(), at_ms: n as i64 }) {
                    put_payment(doc, &p).unwrap();
                    made.insert(p.id);
                }
                if n % 7 == 3 {
                    let (a, b) = tablets.split_at_mut(1);
                    a[0].merge(&mut b[0]).unwrap();
                }
            }
            let (first, rest) = tablets.split_at_mut(1);
            for t in rest.iter_mut() { first[0].merge(t).unwrap(); }
            for t in rest.iter_mut() { t.merge(&mut first[0]).unwrap(); }
            let seen: HashSet<String> = payments(tablets[0].document()).into_iter().map(|p| p.id).collect();
            prop_assert_eq!(&seen, &made);
            let reference = payments(tablets[0].document());
            for t in tablets.iter_mut() {
                let pays = payments(t.document());
                for i in &inv {
                    prop_assert_eq!(standing(i, &pays), standing(i, &reference));
                }
            }
        }

        /// Tablets invoicing offline, each in its own series, never produce the same number.
        #[test]
        fn numbers_stay_unique_across_offline_tablets(counts in proptest::collection::vec(0usize..12, 2..5)) {
            let mut base = AutoCommit::new();
            let mut tablets: Vec<AutoCommit> = counts.iter().map(|_| base.fork()).collect();
            let date = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
            for (t, count) in counts.iter().enumerate() {
                let series = series_of(&format!("{:05x}0000000", t * 7919 + 1));
                for k in 0..*count {
                    let doc = &mut tablets[t];
                    let form = InvoiceForm { client: String::new(), client_name: "C".into(), lines: vec![LineForm { description: "x".into(), unit: "1".into(), ..Default::default() }], notes: String::new() };
                    let inv = form.check(format!("{t}-{k}"), &series, "EUR", date, &invoices(doc.document()), &Stamp { by: "T".into(), at_ms: k as i64 }).unwrap();
                    put_invoice(doc, &inv).unwrap();
                }
            }
            let (first, rest) = tablets.split_at_mut(1);
            for t in rest.iter_mut() { first[0].merge(t).unwrap(); }
            let all = invoices(first[0].document());
            prop_assert_eq!(all.len(), counts.iter().sum::<usize>());
            prop_assert!(number_clashes(&all).is_empty());
        }
    }
}
