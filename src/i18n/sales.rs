//! Words of the money screens (orders, billing, products) in English and Spanish.
//!
//! As in the rest of [`crate::i18n`], each message is a variant and [`SalesMsg::text`] gives both
//! languages in one place, so a message missing in one language does not compile.

use frontdesk_core::billing::{BillingError, Method};
use frontdesk_core::catalog::ProductError;
use frontdesk_core::orders::{OrderError, OrderState};

use super::{Lang, money_error_text};

messages! {
    SalesMsg in sales {
        OrdersTab => orders_tab,
        BillingTab => billing_tab,
        NewOrder => new_order,
        Product => product,
        Quantity => quantity,
        AddToOrder => add_to_order,
        Remove => remove,
        TakeOrder => take_order,
        OrderEmptyHint => order_empty_hint,
        OpenOrders => open_orders,
        NoOpenOrders => no_open_orders,
        OrderTaken => order_taken,
        Ready => ready,
        PickedUp => picked_up,
        Cancelled => cancelled,
        CancelOrder => cancel_order,
        Undo => undo,
        MakeInvoice => make_invoice,
        Invoiced => invoiced,
        InStock => in_stock,
        ShortageTitle => shortage_title,
        ShortageLead => shortage_lead,
        Total => total,
        Subtotal => subtotal,
        Tax => tax,
        Discount => discount,
        FinishedOrders => finished_orders,
        CounterSale => counter_sale,
        ClientOptional => client_optional,
        NewInvoice => new_invoice,
        BillTo => bill_to,
        Description => description,
        UnitPrice => unit_price,
        TaxPercent => tax_percent,
        DiscountPercent => discount_percent,
        AddLine => add_line,
        IssueInvoice => issue_invoice,
        ToInvoice => to_invoice,
        NothingToInvoice => nothing_to_invoice,
        AddToInvoice => add_to_invoice,
        InvoicesThisMonth => invoices_this_month,
        NoInvoices => no_invoices,
        Paid => paid,
        Due => due,
        Overpaid => overpaid,
        Void => void,
        TakePayment => take_payment,
        Amount => amount,
        Refund => refund,
        RecordRefund => record_refund,
        Payments => payments,
        NoPayments => no_payments,
        PrintInvoice => print_invoice,
        VoidInvoice => void_invoice,
        UndoVoid => undo_void,
        InvoiceTitle => invoice_title,
        Date => date,
        DayClose => day_close,
        Taken => taken,
        Refunded => refunded,
        Net => net,
        InvoicesIssued => invoices_issued,
        Print => print,
        OverpaidTitle => overpaid_title,
        OverpaidLead => overpaid_lead,
        NumberClashTitle => number_clash_title,
        NumberClashLead => number_clash_lead,
        AllInvoices => all_invoices,
        Method => method,
        AmountDue => amount_due,
        PaidSoFar => paid_so_far,
        Products => products,
        AddProduct => add_product,
        NoProductsYet => no_products_yet,
        ProductName => product_name,
        PriceBeforeTax => price_before_tax,
        UnitsInStock => units_in_stock,
        SaveProduct => save_product,
        StillSold => still_sold,
        AddStock => add_stock,
        UnitsReceived => units_received,
        Saved => saved,
        Notes => notes,
        Line => line,
        Clear => clear,
        IssuedBy => issued_by,
        OpenInvoice => open_invoice,
        NewClient => new_client,
        FindClient => find_client,
        Phone => phone,
        Email => email,
        SaveClient => save_client,
        NoClientsYet => no_clients_yet,
        NoClientsFound => no_clients_found,
        ChooseClientHint => choose_client_hint,
        Bookings => bookings,
        Stays => stays,
        OrdersHeading => orders_heading,
        InvoicesHeading => invoices_heading,
        Balance => balance,
        Owes => owes,
        InCredit => in_credit,
        SettledUp => settled_up,
        MergeTitle => merge_title,
        MergeLead => merge_lead,
        Merge => merge,
        AlsoKnownAs => also_known_as,
        ClientCode => client_code,
        NothingYet => nothing_yet,
        EditClient => edit_client,
        Receipt => receipt,
        PrintReceipt => print_receipt,
        ReceivedWithThanks => received_with_thanks,
        RefundedWithThanks => refunded_with_thanks,
        StillDue => still_due,
        ForInvoice => for_invoice,
        ImportCsv => import_csv,
        ChooseCsv => choose_csv,
        ImportHintClients => import_hint_clients,
        ImportHintProducts => import_hint_products,
        NotImported => not_imported,
        ImportNow => import_now,
        ExportCsv => export_csv,
    }
}

/// "Patients", "Guests", "Clients", "Customers": the people a business of this kind serves.
pub fn people_word(noun: frontdesk_core::site::PersonNoun, lang: Lang) -> &'static str {
    use frontdesk_core::site::PersonNoun::*;
    match noun {
        Patient => tr!(lang, person_noun.patient),
        Guest => tr!(lang, person_noun.guest),
        Client => tr!(lang, person_noun.client),
        Customer => tr!(lang, person_noun.customer),
    }
}

pub fn client_error_text(error: &frontdesk_core::clients::ClientError, lang: Lang) -> &'static str {
    use frontdesk_core::clients::ClientError::*;
    match error {
        NameMissing => tr!(lang, client_error.name_missing),
        NameTooLong => tr!(lang, client_error.name_too_long),
        BadPhone => tr!(lang, client_error.bad_phone),
        BadEmail => tr!(lang, client_error.bad_email),
        NotesTooLong => tr!(lang, client_error.notes_too_long),
        SameClient => tr!(lang, client_error.same_client),
        Unknown => tr!(lang, client_error.unknown),
    }
}

pub fn method_msg(method: Method, lang: Lang) -> &'static str {
    match method {
        Method::Cash => tr!(lang, method.cash),
        Method::Card => tr!(lang, method.card),
        Method::Transfer => tr!(lang, method.transfer),
    }
}

/// What the payment form's button will do, named in full ("Take 30.25 EUR in cash", "Refund
/// 5.00 EUR to the card"), so that one tap never takes what a person did not read.
pub fn payment_action_text(refund: bool, method: Method, amount: String, lang: Lang) -> String {
    match (refund, method) {
        (false, Method::Cash) => tr!(lang, sales.take_in_cash, amount = amount),
        (false, Method::Card) => tr!(lang, sales.take_by_card, amount = amount),
        (false, Method::Transfer) => tr!(lang, sales.take_by_transfer, amount = amount),
        (true, Method::Cash) => tr!(lang, sales.refund_in_cash, amount = amount),
        (true, Method::Card) => tr!(lang, sales.refund_to_card, amount = amount),
        (true, Method::Transfer) => tr!(lang, sales.refund_by_transfer, amount = amount),
    }
}

pub fn order_state_msg(state: OrderState) -> SalesMsg {
    match state {
        OrderState::Taken => SalesMsg::OrderTaken,
        OrderState::Ready => SalesMsg::Ready,
        OrderState::PickedUp => SalesMsg::PickedUp,
        OrderState::Cancelled => SalesMsg::Cancelled,
    }
}

pub fn product_error_text(error: &ProductError, lang: Lang) -> String {
    use ProductError::*;
    let text = match error {
        NameMissing => tr!(lang, product_error.name_missing),
        NameTooLong => tr!(lang, product_error.name_too_long),
        Price(e) => money_error_text(*e, lang),
        BadTax => tr!(lang, product_error.bad_tax),
        BadStock => tr!(lang, product_error.bad_stock),
    };
    text.to_owned()
}

pub fn order_error_text(error: &OrderError, lang: Lang) -> String {
    use OrderError::*;
    match error {
        Empty => tr!(lang, order_error.empty).into(),
        Retired(name) => tr!(lang, order_error.retired, name = name.clone()),
        UnknownProduct => tr!(lang, order_error.unknown_product).into(),
        BadQuantity => tr!(lang, order_error.bad_quantity).into(),
        NotEnough { name, left } => tr!(lang, order_error.not_enough, name = name.clone(), left = *left),
        NoteTooLong => tr!(lang, order_error.note_too_long).into(),
        AlreadyPickedUp => tr!(lang, order_error.already_picked_up).into(),
    }
}

/// A billing error in words; `money` formats an amount for the messages that name one.
pub fn billing_error_text(error: &BillingError, lang: Lang, money: impl Fn(i64) -> String) -> String {
    use BillingError::*;
    match error {
        NoLines => tr!(lang, billing_error.no_lines).into(),
        TooManyLines => tr!(lang, billing_error.too_many_lines).into(),
        DescriptionMissing(line) => tr!(lang, billing_error.description_missing, line = *line),
        DescriptionTooLong(line) => tr!(lang, billing_error.description_too_long, line = *line),
        BadQuantity(line) => tr!(lang, billing_error.bad_quantity, line = *line),
        Price(line, e) => tr!(lang, billing_error.price, line = *line, problem = money_error_text(*e, lang)),
        BadTax(line) => tr!(lang, billing_error.bad_tax, line = *line),
        BadDiscount(line) => tr!(lang, billing_error.bad_discount, line = *line),
        ClientMissing => tr!(lang, billing_error.client_missing).into(),
        Amount(e) => money_error_text(*e, lang).into(),
        ZeroAmount => tr!(lang, billing_error.zero_amount).into(),
        MoreThanDue { due } => tr!(lang, billing_error.more_than_due, due = money(*due)),
        RefundTooLarge { paid } => tr!(lang, billing_error.refund_too_large, paid = money(*paid)),
        Void => tr!(lang, billing_error.void).into(),
        NoteTooLong => tr!(lang, billing_error.note_too_long).into(),
    }
}
