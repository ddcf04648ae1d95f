//! Every screen as people with low vision or a screen reader meet it: axe-core (the checker
//! behind the browsers' own accessibility audits) finds no serious or critical WCAG 2.1 A/AA
//! failure on the kiosk's steps or on any tab of a manager's desk with a day's work on it.

use anyhow::{Result, ensure};

use crate::harness::{Browser, Lobby, check_in_at_kiosk, set_up_business, step};
use crate::{SOON, TABLET};

/// The serious and critical axe findings on what `browser` shows now (`screen` names it).
async fn axe_findings(browser: &Browser, screen: &str) -> Result<Vec<String>> {
    Ok(browser.axe_findings().await?.into_iter().map(|f| format!("{screen}: {f}")).collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_screen_has_a_serious_accessibility_failure() -> Result<()> {
    let mut lobby = Lobby::open(&[]).await?;
    let manager = lobby.open_desk_as("manager", TABLET.0, TABLET.1).await?;
    set_up_business(&manager, "Clínica Sol", "Medical office", &["Dra. Ruiz"]).await?;
    let kiosk = &lobby.kiosk;
    let mut found = Vec::new();

    step("the kiosk's steps");
    kiosk.wait_for_text("Clínica Sol", SOON).await?;
    found.extend(axe_findings(kiosk, "kiosk welcome").await?);
    kiosk.click_button("Check in").await?;
    kiosk.wait_for_text("What is your name?", SOON).await?;
    found.extend(axe_findings(kiosk, "kiosk name").await?);
    kiosk.type_into("What is your name?", "Ana Ruiz").await?;
    kiosk.click_button("Next").await?;
    kiosk.wait_for_text("I'd like a service", SOON).await?;
    found.extend(axe_findings(kiosk, "kiosk reason").await?);
    kiosk.click_button("I'd like a service").await?;
    kiosk.click_button("Next").await?;
    kiosk.wait_for_text("Is this right?", SOON).await?;
    found.extend(axe_findings(kiosk, "kiosk confirm").await?);
    kiosk.click_labelled_checkbox("I accept").await?;
    kiosk.click_button("Confirm check-in").await?;
    kiosk.wait_for("//p[@class='ticket']", SOON).await?;
    found.extend(axe_findings(kiosk, "kiosk ticket").await?);
    kiosk.click_button("Done").await?;
    kiosk.wait_for_text("Welcome", SOON).await?;

    step("the desk's board with someone in every column");
    check_in_at_kiosk(kiosk, "Bruno Díaz", "I'd like a service", None).await?;
    check_in_at_kiosk(kiosk, "Carmen Vidal", "I'd like a service", None).await?;
    manager.click_button("Arrivals").await?;
    manager.wait_for_column("Waiting", &["Ana Ruiz", "Bruno Díaz", "Carmen Vidal"], SOON).await?;
    manager.click_in_card("Ana Ruiz", "Call in").await?;
    manager.click_in_card("Bruno Díaz", "Call in").await?;
    manager.wait_for_column("With staff", &["Ana Ruiz", "Bruno Díaz"], SOON).await?;
    // Bruno's card sits under the "Called in · Undo" message that just rose: a tap on his Done
    // beside its button reaches the card.
    manager.click_in_card("Bruno Díaz", "Done").await?;
    manager.wait_for_column("Finished", &["Bruno Díaz"], SOON).await?;
    found.extend(axe_findings(&manager, "desk board").await?);

    step("every tab of the manager's desk");
    let labels = manager.tab_labels().await?;
    ensure!(labels.len() >= 9, "the desk's tabs: {labels:?}");
    for label in &labels {
        manager.open_tab(label).await?;
        found.extend(axe_findings(&manager, &format!("desk {label}")).await?);
    }
    ensure!(found.is_empty(), "axe-core found {} serious or critical failures:\n{}", found.len(), found.join("\n"));
    manager.close().await?;
    lobby.close().await
}
