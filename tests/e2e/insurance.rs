//! Insurance paperwork: a claim created on one tablet moves through the insurer's workflow on
//! another, refusing to go out with documents missing.

use anyhow::{Result, ensure};

use crate::harness::{Lobby, receive_papers, set_up_business};
use crate::{SOON, TABLET, TABLET_PORTRAIT};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claim_moves_through_its_workflow_across_tablets() -> Result<()> {
    let mut lobby = Lobby::open(&[TABLET, TABLET_PORTRAIT]).await?;
    let manager = lobby.open_desk_as("manager", TABLET.0, TABLET.1).await?;
    set_up_business(&manager, "Clínica Sol", "Medical office", &[]).await?;
    manager.wait_until_synced(SOON).await?;
    let (front, back) = (&lobby.desks[0], &lobby.desks[1]);

    // Ana checks in at the kiosk and gives her insurance there.
    let kiosk = &lobby.kiosk;
    kiosk.wait_for_text("Clínica Sol", SOON).await?;
    kiosk.click_button("Check in").await?;
    kiosk.type_into("What is your name?", "Ana Gil").await?;
    kiosk.click_button("Next").await?;
    kiosk.click_button("I'd like a service").await?;
    kiosk.click_button("Next").await?;
    kiosk.wait_for_text("Your insurance (optional)", SOON).await?;
    kiosk.type_into("Insurance company", "Sanitas").await?;
    kiosk.type_into("Member number", "SN-4471").await?;
    kiosk.click_labelled_checkbox("I accept").await?;
    kiosk.click_button("Confirm check-in").await?;
    kiosk.click_button("Done").await?;
    kiosk.wait_until_synced(SOON).await?;
    ensure!(kiosk.traces_of("SN-4471").await?.is_empty(), "the kiosk keeps no trace of the member number");
    front.wait_for_text("Sanitas · SN-4471", SOON).await?;

    front.click_button("Insurance").await?;
    front.wait_for_text("New claim", SOON).await?;
    front.click_button("Create claim").await?;
    front.wait_for_text("The patient's name is required.", SOON).await?;
    // The claim starts from her arrival: name, insurer and member number filled in.
    front.click_in_row("Ana Gil", "Start a claim").await?;
    front.type_into("Visit (what and when)", "Check-up, 26 Nov").await?;
    front.type_into("Amount claimed (EUR)", "60").await?;
    front.type_into("Copay at the desk (EUR)", "10").await?;
    front.click_button("Create claim").await?;
    front.wait_for_text("Submit to insurer", SOON).await?;
    // It cannot go out without its documents.
    front.click_button("Submit to insurer").await?;
    front.wait_for_text("Documents still missing: Insurance card, Referral.", SOON).await?;
    receive_papers(front, &["Insurance card", "Referral"]).await?;
    front.click_button("Submit to insurer").await?;
    front.wait_for_text("Mark approved", SOON).await?;
    // A photo of the card (from the tablet's camera; here a file) reaches the other tablet.
    let dir = tempfile::tempdir()?;
    let card = dir.path().join("card.svg");
    std::fs::write(
        &card,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="856" height="540"><rect width="856" height="540" rx="40" fill="#0f766e"/><text x="60" y="140" font-size="72" font-family="sans-serif" fill="white">SANITAS</text><text x="60" y="420" font-size="48" font-family="monospace" fill="white">SN-4471</text></svg>"##,
    )?;
    front
        .wait_for("//section[contains(@class,'claim')]//input[@type='file']", SOON)
        .await?
        .send_keys(&card.to_string_lossy())
        .await?;
    front.wait_for("//img[contains(@class,'claim__card')]", SOON).await?;
    front.screenshot("insurance-claim").await?;

    // The other tablet sees it submitted; the insurer asks for something.
    back.click_button("Insurance").await?;
    back.wait_until(SOON, "the claim on the other tablet", |t| t.contains("Ana Gil") && t.contains("Submitted"))
        .await?;
    back.click_in_row("Ana Gil", "Open").await?;
    let photo = back.wait_for("//img[contains(@class,'claim__card')]", SOON).await?;
    ensure!(
        photo.attr("src").await?.unwrap_or_default().starts_with("data:image/jpeg;base64,"),
        "the card photo on the other tablet"
    );
    back.click_button("Insurer needs information").await?;
    back.wait_for_text("Write what the insurer needs.", SOON).await?;
    back.type_into("Note (what the insurer said)", "Referral date missing").await?;
    back.click_button("Insurer needs information").await?;
    back.wait_until(SOON, "the claim waiting for the desk", |t| {
        t.contains("Waiting for the desk\n1") && t.contains("Needs information")
    })
    .await?;

    // The manager's report counts it among the open claims.
    manager.click_button("Reports").await?;
    manager.wait_until(SOON, "one open claim in the report", |t| t.contains("Open insurance claims\n1")).await?;

    // Back at the front: resubmitted, then approved; the history keeps every step and note.
    front.wait_until(SOON, "the request on the first tablet", |t| t.contains("Referral date missing")).await?;
    front.click_button("Submit to insurer").await?;
    front.click_button("Mark approved").await?;
    for desk in [front, back] {
        desk.wait_until(SOON, "approved with its history", |t| {
            t.contains("Approved") && t.contains("Referral date missing") && t.contains("Waiting for the desk\n0")
        })
        .await?;
    }
    back.screenshot("insurance-approved").await?;
    // The claim's History (#20): made on the first tablet, then its two documents ticked there,
    // each entry dated by the relay and confirmed as that tablet's own.
    front.click_button("History").await?;
    front
        .wait_until(SOON, "the claim's History, dated by the relay", |t| {
            t.contains("Who changed what")
                && t.matches("Desk 1 · ").count() >= 3
                && !t.contains("(tablet's clock)")
                && !t.contains("Not confirmed")
        })
        .await?;
    let mut entries = Vec::new();
    for entry in front.client.find_all(fantoccini::Locator::Css(".history__entry")).await? {
        entries.push(entry.text().await?);
    }
    ensure!(entries.len() == 3, "made, then two documents ticked: {entries:?}");
    ensure!(entries.iter().all(|e| e.contains("Desk 1")), "all on the first tablet: {entries:?}");
    ensure!(entries[2].contains("Ana Gil"), "the oldest is the claim made, with its patient: {entries:?}");
    ensure!(entries[0].contains("Document 2 · received"), "the newest ticked the second document: {entries:?}");
    front.screenshot("insurance-claim-history").await?;
    manager.wait_until(SOON, "no open claim once approved", |t| t.contains("Open insurance claims\n0")).await?;
    manager.close().await?;
    // The copay is billed at the desk.
    front.click_button("Bill the copay").await?;
    front
        .wait_until(SOON, "the copay in a new invoice", |t| t.contains("New invoice") && t.contains("10.00 EUR"))
        .await?;
    lobby.close().await
}
