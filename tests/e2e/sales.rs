//! Selling at the desk: a shop's products, an order taken on one tablet and invoiced, paid and
//! printed on another, and the last item sold on two tablets that were offline.

use std::time::Duration;

use anyhow::{Result, ensure};

use crate::harness::{Browser, Lobby, check_in_at_kiosk, set_up_business, step};
use crate::{RECONNECT, SOON, TABLET, TABLET_PORTRAIT};

/// A manager sets up a shop that sells hand cream (12.50 + 21 % tax, `stock` units).
async fn set_up_shop(manager: &Browser, stock: &str) -> Result<()> {
    set_up_business(manager, "Tienda Luz", "Retail shop", &[]).await?;
    manager.click_button("Add product").await?;
    // Nothing is saved until the form is right.
    manager.click_button("Save product").await?;
    manager.wait_for_text("The product's name is required.", SOON).await?;
    manager.type_into("Product name", "Hand cream").await?;
    manager.type_into("Price before tax (EUR)", "12,50").await?;
    manager.type_into("Tax %", "21").await?;
    manager.type_into("Units in stock", stock).await?;
    manager.screenshot("products-form").await?;
    manager.click_button("Save product").await?;
    manager.wait_for_text(&format!("12.50 EUR + 21 % · {stock} in stock"), SOON).await?;
    manager.wait_until_synced(SOON).await?;
    Ok(())
}

/// Takes an order of `qty` hand creams for `client` on the Orders screen.
async fn take_order(desk: &Browser, client: &str, qty: &str) -> Result<()> {
    desk.click_button("Orders").await?;
    desk.wait_for_text("New order", SOON).await?;
    desk.type_into("Client (optional)", client).await?;
    desk.click_xpath(
        "//label[.//*[normalize-space(.)='Product']]//select/option[starts-with(normalize-space(.),'Hand cream')]",
    )
    .await?;
    desk.retype("Quantity", qty).await?;
    desk.click_button("Add to order").await?;
    desk.wait_for_text(&format!("{qty} × Hand cream"), SOON).await?;
    desk.click_button("Take order").await?;
    desk.wait_until(SOON, "the order among the open orders", |t| t.contains(client) && t.contains("Open orders"))
        .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_taken_on_one_tablet_is_invoiced_paid_and_printed_on_another() -> Result<()> {
    let mut lobby = Lobby::open(&[TABLET, TABLET_PORTRAIT]).await?;
    let manager = lobby.open_desk_as("manager", TABLET.0, TABLET.1).await?;
    set_up_shop(&manager, "3").await?;
    let (front, back) = (&lobby.desks[0], &lobby.desks[1]);
    // A visitor walks in (the report counts her).
    check_in_at_kiosk(&lobby.kiosk, "Marta Ríos", "I'd like a service", None).await?;

    // More than is in stock is refused with the number left.
    front.click_button("Orders").await?;
    front.wait_for_text("New order", SOON).await?;
    front
        .click_xpath(
            "//label[.//*[normalize-space(.)='Product']]//select/option[starts-with(normalize-space(.),'Hand cream')]",
        )
        .await?;
    front.retype("Quantity", "5").await?;
    front.click_button("Add to order").await?;
    front.click_button("Take order").await?;
    front.wait_for_text("Only 3 of Hand cream left.", SOON).await?;
    front.click_button("Remove").await?;

    // 2 × 12.50 = 25.00, + 21 % = 30.25.
    take_order(front, "Ana Gil", "2").await?;
    front.wait_for_text("30.25 EUR", SOON).await?;
    front.screenshot("orders-taken").await?;

    // The other tablet sees it, and the stock it took.
    back.click_button("Orders").await?;
    back.wait_until(SOON, "the order on the other tablet", |t| t.contains("Ana Gil") && t.contains("30.25 EUR"))
        .await?;
    back.wait_for_text("1 in stock", SOON).await?;
    back.click_in_row("Ana Gil", "Invoice").await?;
    back.wait_for_text("New invoice", SOON).await?;
    back.wait_until(SOON, "the order's total in the invoice form", |t| t.contains("Total") && t.contains("30.25 EUR"))
        .await?;
    back.screenshot("billing-new-invoice").await?;
    back.click_button("Issue invoice").await?;
    back.wait_for_text("Amount due", SOON).await?;
    let number = back.wait_for("//span[@class='invoice__number']", SOON).await?.text().await?;
    step(&format!("invoice {number}"));
    ensure!(number.len() == 16 && number.ends_with("-0001"), "invoice number {number:?}");

    // The button says what one tap would record: what is due, by the method chosen.
    back.wait_for_text("Take 30.25 EUR by card", SOON).await?;
    back.click_button("Cash").await?;
    back.wait_for_text("Take 30.25 EUR in cash", SOON).await?;
    back.screenshot("billing-take-payment").await?;
    // Too much is refused; the right amount pays it.
    back.retype("Amount (EUR)", "50").await?;
    back.click_button("Take 50.00 EUR in cash").await?;
    back.wait_for_text("That is more than is due (30.25 EUR).", SOON).await?;
    back.retype("Amount (EUR)", "30.25").await?;
    back.click_button("Take 30.25 EUR in cash").await?;
    back.wait_until(SOON, "nothing left due", |t| t.contains("Cash") && t.contains("0.00 EUR")).await?;
    back.screenshot("billing-invoice-paid").await?;

    // Printed, the invoice shows its number, the lines and the total.
    let printed = back.print_to_pdf("invoice").await?;
    let flat: String = printed.split_whitespace().collect::<Vec<_>>().join(" ");
    ensure!(flat.contains(&number), "the PDF shows the invoice number {number}: {flat}");
    ensure!(flat.contains("Hand cream"), "the PDF shows the line: {flat}");
    ensure!(flat.contains("30.25 EUR"), "the PDF shows the total: {flat}");
    ensure!(flat.to_uppercase().contains("TIENDA LUZ"), "the PDF shows the business: {flat}");
    ensure!(!flat.contains("Take payment"), "the payment form is not printed: {flat}");

    // The payment's receipt prints on its own: the amount, not the invoice's lines.
    back.click_button("Receipt").await?;
    back.wait_for_text("Received with thanks", SOON).await?;
    let receipt = back.print_to_pdf("receipt").await?;
    let flat_receipt: String = receipt.split_whitespace().collect::<Vec<_>>().join(" ");
    ensure!(
        flat_receipt.contains("Receipt") && flat_receipt.contains("30.25 EUR") && flat_receipt.contains("Cash"),
        "receipt: {flat_receipt}"
    );
    ensure!(flat_receipt.contains(&number) && !flat_receipt.contains("Hand cream"), "receipt: {flat_receipt}");
    // In Spanish, the same invoice reads in Spanish with a decimal comma.
    back.click_button("Español").await?;
    back.wait_until(SOON, "the invoice in Spanish", |t| {
        t.contains("Recibido, gracias") && t.contains("30,25 EUR") && t.contains("Pendiente de pago")
    })
    .await?;
    back.screenshot("billing-receipt-es").await?;
    // The payment button names what it records in Spanish too: a refund of 10 in cash.
    back.click_labelled_checkbox("Devolución").await?;
    back.retype("Importe (EUR)", "10").await?;
    back.wait_for_text("Devolver 10,00 EUR en efectivo", SOON).await?;
    back.click_labelled_checkbox("Devolución").await?;
    back.wait_until(SOON, "the refund untaken", |t| !t.contains("Devolver 10,00 EUR")).await?;
    back.click_button("English").await?;

    // The first tablet sees the order invoiced, and the day close counts the cash.
    front.wait_until(SOON, "the order marked invoiced", |t| t.contains("Invoiced")).await?;
    front.click_button("Billing").await?;
    front.wait_for_text(&number, SOON).await?;
    front
        .wait_until(SOON, "the day close counting the cash", |t| t.contains("Day close") && t.contains("Paid"))
        .await?;
    let close = front.wait_for("//section[contains(@class,'day-close')]", SOON).await?.text().await?;
    ensure!(close.contains("Cash 30.25 EUR"), "day close: {close}");
    front.screenshot("billing-list").await?;

    // The manager's report shows the visit, what was invoiced and what was taken.
    manager.click_button("Reports").await?;
    manager
        .wait_until(SOON, "the report with the day's data", |t| {
            t.contains("Visits\n1")
                && t.contains("Products\n30.25 EUR")
                && t.contains("Cash\n30.25 EUR")
                && t.contains("Open insurance claims\n0")
        })
        .await?;
    manager.screenshot("reports").await?;
    manager.close().await?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    lobby.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_item_sold_on_two_offline_tablets_becomes_a_card_that_one_tap_resolves() -> Result<()> {
    let mut lobby = Lobby::open(&[TABLET, TABLET_PORTRAIT]).await?;
    let manager = lobby.open_desk_as("manager", TABLET.0, TABLET.1).await?;
    set_up_shop(&manager, "1").await?;
    manager.close().await?;
    for desk in &lobby.desks {
        desk.click_button("Orders").await?;
        desk.wait_for_text("1 in stock", SOON).await?;
    }
    lobby.relay.kill();
    for desk in &lobby.desks {
        desk.wait_for_text("Offline", RECONNECT).await?;
    }
    take_order(&lobby.desks[0], "Ana Gil", "1").await?;
    take_order(&lobby.desks[1], "Luis Paz", "1").await?;
    step("both tablets sold the last hand cream offline");
    lobby.relay.restart()?;
    for desk in &lobby.desks {
        desk.wait_for_text("Sold beyond stock: Hand cream (-1)", RECONNECT).await?;
        desk.wait_until(SOON, "both orders on the card", |t| t.contains("Ana Gil") && t.contains("Luis Paz")).await?;
    }
    lobby.desks[0].screenshot("orders-shortage").await?;
    lobby.desks[1].screenshot("orders-shortage-portrait").await?;
    // Cancelling one order on one tablet gives the unit back everywhere.
    lobby.desks[1].click_xpath("(//section[contains(@class,'conflict')]//li[.//*[contains(.,'Luis Paz')]]//button[normalize-space(.)='Cancel order'])[1]").await?;
    for desk in &lobby.desks {
        desk.wait_until(SOON, "the card gone", |t| !t.contains("Sold beyond stock")).await?;
        desk.wait_until(SOON, "Luis Paz's order cancelled", |t| t.contains("Cancelled")).await?;
    }
    lobby.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_customer_is_merged_and_their_account_shows_orders_invoices_and_balance() -> Result<()> {
    let mut lobby = Lobby::open(&[TABLET, TABLET_PORTRAIT]).await?;
    let manager = lobby.open_desk_as("manager", TABLET.0, TABLET.1).await?;
    set_up_shop(&manager, "5").await?;
    manager.close().await?;
    let (front, back) = (&lobby.desks[0], &lobby.desks[1]);

    // Two tablets each add Ana, with different details.
    for (desk, field, value) in [(front, "Phone", "600 111 222"), (back, "Email", "ana@example.es")] {
        desk.click_button("Customers").await?;
        desk.click_button("New").await?;
        desk.click_button("Save").await?;
        desk.wait_for_text("The name is required.", SOON).await?;
        desk.type_into("Full name", "Ana Gil").await?;
        desk.type_into(field, value).await?;
        desk.click_button("Save").await?;
        desk.wait_for_text("Same person twice?", SOON).await?;
    }
    back.wait_until(SOON, "both records on the second tablet", |t| {
        t.contains("600 111 222") && t.contains("ana@example.es")
    })
    .await?;
    // Search finds her by phone digits.
    back.type_into_labelled("Find by name, phone or code", "111 222").await?;
    let mut listed = String::new();
    for _ in 0..50 {
        listed = back.wait_for("//ul[contains(@class,'client-list')]", SOON).await?.text().await?;
        if listed.contains("600 111 222") && !listed.contains("ana@example.es") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    ensure!(listed.contains("600 111 222") && !listed.contains("ana@example.es"), "searching 111 222 lists: {listed}");
    back.retype_labelled("Find by name, phone or code", "").await?;
    back.click_xpath("//button[contains(@class,'client-pick')][.//*[normalize-space(.)='ana@example.es']]").await?;
    back.select_option("Find by name, phone or code", "Ana Gil · 600 111 222").await?;
    back.click_button("Merge into this one").await?;
    for desk in [front, back] {
        desk.wait_until(SOON, "one Ana with both details", |t| t.contains("Customers\n1\nImport CSV")).await?;
    }
    back.wait_until(SOON, "the kept record holds the phone and the email", |t| {
        t.contains("600 111 222") && t.contains("ana@example.es")
    })
    .await?;

    // An order for her on one tablet, invoiced on the other: her account owes it.
    take_order(front, "Ana Gil", "1").await?;
    back.click_button("Billing").await?;
    back.click_in_row("Ana Gil", "Add").await?;
    back.wait_until(SOON, "the order in the invoice form", |t| t.contains("15.13 EUR")).await?;
    back.click_button("Issue invoice").await?;
    back.wait_for_text("Amount due", SOON).await?;
    back.click_button("Customers").await?;
    back.click_xpath("//button[contains(@class,'client-pick')][.//*[normalize-space(.)='Ana Gil']]").await?;
    back.wait_until(SOON, "her account owes the invoice", |t| {
        t.contains("15.13 EUR") && t.contains("owes") && t.contains("1 × Hand cream")
    })
    .await?;
    back.screenshot("customer-account").await?;
    lobby.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customers_imported_from_a_spanish_csv_report_bad_rows_and_wait_for_acceptance() -> Result<()> {
    let mut lobby = Lobby::open(&[TABLET]).await?;
    let manager = lobby.open_desk_as("manager", TABLET.0, TABLET.1).await?;
    set_up_shop(&manager, "1").await?;
    manager.close().await?;
    let desk = &lobby.desks[0];
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("clientes.csv");
    std::fs::write(
        &file,
        "\u{feff}Nombre;Teléfono;Correo electrónico;Notas\r\nJosé Núñez;600 111 222;jose@example.es;\"Prefiere; mañanas\"\r\nAna Gil;llámame;;\r\nMaría Peña;;;\r\n",
    )?;
    desk.click_button("Customers").await?;
    desk.click_button("Import CSV").await?;
    let input = desk.wait_for("//input[@type='file']", SOON).await?;
    input.send_keys(&file.to_string_lossy()).await?;
    desk.wait_for_text("Rows ready to import: 2", SOON).await?;
    desk.wait_for_text("Line 3: Not a phone number: 6 to 15 digits, spaces and + allowed.", SOON).await?;
    // Nothing is imported until accepted.
    ensure!(desk.text().await?.contains("No one here yet"), "nothing imported before accepting");
    desk.screenshot("customers-import").await?;
    desk.click_button("Import (2)").await?;
    desk.wait_for_text("Imported: 2", SOON).await?;
    desk.wait_until(SOON, "both customers listed, accents intact", |t| {
        t.contains("José Núñez") && t.contains("María Peña") && !t.contains("Ana Gil")
    })
    .await?;
    lobby.close().await
}
