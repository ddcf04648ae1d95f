//! The places a receptionist would hesitate (issue #23): fields without a visible name, dates
//! asked for in the browser's language instead of the app's, queue numbers that repeat after a
//! kiosk is cleared.

use std::collections::BTreeSet;
use std::time::Duration;

use anyhow::{Result, ensure};
use serde_json::json;

use crate::harness::{Browser, ENTER, Lobby, check_in_at_kiosk, set_up_business, step};
use crate::{SOON, TABLET};

/// The labels among `arguments[0]` that no visible element of the invoice line editor reads.
const UNLABELLED: &str = r#"
    const lines = document.querySelector('.invoice-lines');
    if (!lines) return ['(no invoice line editor)'];
    const shown = el => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= window.innerWidth;
    };
    const texts = [...lines.querySelectorAll('span')].filter(shown).map(s => s.innerText.trim());
    return arguments[0].filter(label => !texts.includes(label));
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_field_of_an_invoice_line_is_named_on_screen_at_tablet_widths() -> Result<()> {
    let mut lobby = Lobby::open(&[]).await?;
    let manager = lobby.open_desk_as("manager", TABLET.0, TABLET.1).await?;
    set_up_business(&manager, "Clínica Sol", "Medical office", &["Dra. Ruiz"]).await?;
    manager.click_button("Billing").await?;
    manager.wait_for_text("New invoice", SOON).await?;
    let labels = ["Description", "Quantity", "Unit price (EUR)", "Tax %", "Discount %"];
    for (width, height) in [(1280, 800), (760, 1024)] {
        step(&format!("the invoice editor at {width}×{height}"));
        manager.client.set_window_size(width, height).await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let missing = manager.client.execute(UNLABELLED, vec![json!(labels)]).await?;
        ensure!(missing.as_array().is_some_and(Vec::is_empty), "at {width} px no visible label reads {missing}");
        // Two lines: every line's fields are named, not only the first.
        manager.click_button("Add line").await?;
        let per_line = manager
            .client
            .execute(
                "return [...document.querySelectorAll('.invoice-line')].map(l => \
                 [...l.querySelectorAll('input')].filter(i => { \
                    const name = i.closest('label') ? i.closest('label').innerText.trim() : ''; \
                    const head = document.querySelector('.invoice-lines__head'); \
                    return !name && !(head && head.getBoundingClientRect().height > 0); }).length)",
                vec![],
            )
            .await?;
        ensure!(per_line == json!([0, 0]), "inputs with no visible name on each line at {width} px: {per_line}");
        manager.screenshot(&format!("invoice-lines-{width}")).await?;
        manager.click_labelled("Line 2 · Remove").await?;
    }
    manager.close().await?;
    lobby.close().await
}

/// What the field with `aria-label` `label` holds.
async fn value_of(desk: &Browser, label: &str) -> Result<String> {
    let field = desk.wait_for(&format!("//input[@aria-label='{label}']"), SOON).await?;
    Ok(field.prop("value").await?.unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spanish_desk_on_an_english_browser_types_dates_the_spanish_way() -> Result<()> {
    let mut lobby = Lobby::open(&[]).await?;
    let manager = lobby.open_desk_as("manager", TABLET.0, TABLET.1).await?;
    set_up_business(&manager, "Clínica Sol", "Medical office", &["Dra. Ruiz"]).await?;
    manager.click_button("Español").await?;
    manager.click_button("Agenda").await?;
    let go = "Ir a la fecha";
    let field = format!("//input[@aria-label='{go}']");
    let placeholder = manager.wait_for(&field, SOON).await?.attr("placeholder").await?.unwrap_or_default();
    ensure!(placeholder == "dd/mm/aaaa", "the Spanish date field asks for {placeholder:?}");
    // Day first, as a Spanish desk writes it (the browser is set to en-US).
    manager.retype_labelled(go, &format!("25/12/2026{ENTER}")).await?;
    manager.wait_for_text("25 de diciembre", SOON).await?;
    ensure!(value_of(&manager, go).await? == "25/12/2026");
    manager.screenshot("date-es").await?;
    // Something that is no date is kept, explained, and changes nothing.
    manager.retype_labelled(go, &format!("12/25/2026{ENTER}")).await?;
    manager.wait_for_text("No es una fecha: escríbala como dd/mm/aaaa.", SOON).await?;
    manager.wait_for_text("25 de diciembre", SOON).await?;
    manager.screenshot("date-es-invalid").await?;
    // The same day in English: month first.
    manager.retype_labelled(go, &format!("3/1/27{ENTER}")).await?;
    manager.wait_for_text("3 de enero", SOON).await?;
    manager.click_button("English").await?;
    manager.wait_for_text("January 3", SOON).await?;
    ensure!(value_of(&manager, "Go to date").await? == "01/03/2027");
    manager.close().await?;
    lobby.close().await
}

/// Clears everything the browser keeps for the app (as "Clear site data" does, or a kiosk
/// replaced by a new one) and pairs it again as a new kiosk named `name`.
async fn clear_and_pair_again(lobby: &Lobby, kiosk: &Browser, name: &str) -> Result<()> {
    // Off the page first: the browser deletes a database only once no page holds it open.
    kiosk.goto("about:blank").await?;
    let origin = lobby.relay.url("");
    kiosk.devtools("Storage.clearDataForOrigin", json!({ "origin": origin, "storageTypes": "all" })).await?;
    let device = lobby.relay.add_device("kiosk", name)?;
    kiosk.goto(&lobby.relay.setup_link("kiosk", &device)).await?;
    kiosk.wait_for_text("Online", SOON).await?;
    kiosk.wait_for_text("Clínica Sol", SOON).await?;
    Ok(())
}

/// Waits until the desk's board shows every ticket given so far and the desk has nothing left
/// to sync (so the kiosk document tells the kiosks how far each got).
async fn seen_by_desk(desk: &Browser, given: &[String]) -> Result<()> {
    desk.click_button("Arrivals").await?;
    for ticket in given {
        desk.wait_for_text(ticket, SOON).await?;
    }
    desk.wait_until_synced(SOON).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queue_numbers_stay_unique_when_kiosks_are_cleared_mid_day() -> Result<()> {
    let mut lobby = Lobby::open(&[]).await?;
    let manager = lobby.open_desk_as("manager", TABLET.0, TABLET.1).await?;
    set_up_business(&manager, "Clínica Sol", "Medical office", &["Dra. Ruiz"]).await?;
    let second = lobby.driver.browser(1080, 1920).await?;
    let device = lobby.relay.add_device("kiosk", "Kiosk 2")?;
    second.goto(&lobby.relay.setup_link("kiosk", &device)).await?;
    second.wait_for_text("Online", SOON).await?;
    let mut given = Vec::new();
    let mut visitors = (1..).map(|n| format!("Visitor {n}"));
    for kiosk in [&lobby.kiosk, &second] {
        for _ in 0..2 {
            given.push(
                check_in_at_kiosk(kiosk, &visitors.next().unwrap_or_default(), "I'd like a service", None).await?,
            );
        }
    }
    seen_by_desk(&manager, &given).await?;
    step(&format!("before the kiosks were cleared: {given:?}"));
    // Both kiosks lose everything they kept (cleared, or replaced by new ones) mid-day.
    clear_and_pair_again(&lobby, &lobby.kiosk, "Kiosk 1, again").await?;
    clear_and_pair_again(&lobby, &second, "Kiosk 2, again").await?;
    for kiosk in [&lobby.kiosk, &second] {
        let first = check_in_at_kiosk(kiosk, &visitors.next().unwrap_or_default(), "I'd like a service", None).await?;
        // Cleared, it starts again at 1: under a letter of its own.
        ensure!(first.ends_with("-001"), "a cleared kiosk gave {first} (it kept its counter?)");
        given.push(first);
        given.push(check_in_at_kiosk(kiosk, &visitors.next().unwrap_or_default(), "I'd like a service", None).await?);
    }
    seen_by_desk(&manager, &given).await?;
    // One kiosk loses only its counter (a cleaning script, a half-cleared browser): it goes on
    // from what the desks saw.
    lobby.kiosk.client.execute("localStorage.removeItem('frontdesk.kiosk.ticket')", vec![]).await?;
    lobby.kiosk.goto(&lobby.relay.url("/kiosk/")).await?;
    lobby.kiosk.wait_for_text("Online", SOON).await?;
    given
        .push(check_in_at_kiosk(&lobby.kiosk, &visitors.next().unwrap_or_default(), "I'd like a service", None).await?);
    step(&format!("every number given: {given:?}"));
    let unique: BTreeSet<&String> = given.iter().collect();
    ensure!(unique.len() == given.len(), "a queue number was given twice: {given:?}");
    let well_formed = |t: &String| {
        let (letter, number) = t.split_once('-').unwrap_or_default();
        letter.len() == 1 && letter.chars().all(|c| c.is_ascii_uppercase()) && number.len() == 3
    };
    ensure!(given.iter().all(well_formed), "numbers that do not read X-000: {given:?}");
    second.close().await?;
    manager.close().await?;
    lobby.close().await
}
