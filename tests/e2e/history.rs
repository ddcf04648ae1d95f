//! A record's History (#20): two tablets, each with a different person signed in, change one
//! patient; the History on either tablet says who changed what, on which tablet, field by field,
//! and when by the relay's clock — not by a tablet's that is wrong.

use anyhow::{Context, Result, ensure};

use crate::harness::{Browser, Lobby, give_a_pin, set_up_business, step};
use crate::{SOON, TABLET, TABLET_PORTRAIT};

async fn sign_in(desk: &Browser, pin: &str) -> Result<()> {
    desk.wait_for_text("This tablet is locked", SOON).await?;
    desk.type_into("Your PIN", pin).await?;
    desk.click_button("Unlock").await?;
    desk.wait_until(SOON, "the tablet open", |t| !t.contains("This tablet is locked")).await.map(drop)
}

/// The History's entries as they read, newest first.
async fn entries(desk: &Browser) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for entry in desk.client.find_all(fantoccini::Locator::Css(".history__entry")).await? {
        out.push(entry.text().await?);
    }
    Ok(out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patients_history_shows_two_tablets_edits_with_the_people_who_made_them() -> Result<()> {
    let (mut lobby, _) = Lobby::open_at_midday(&[TABLET, TABLET_PORTRAIT]).await?;
    let manager = lobby.open_desk_as("manager", TABLET.0, TABLET.1).await?;
    set_up_business(&manager, "Clínica Sol", "Medical office", &["Dra. Ruiz", "Luis Mora"]).await?;
    give_a_pin(&manager, "Dra. Ruiz", "73920516").await?;
    give_a_pin(&manager, "Luis Mora", "40617283").await?;
    let (front, back) = (&lobby.desks[0], &lobby.desks[1]);

    step("Dra. Ruiz signs in on the first tablet and adds a patient");
    sign_in(front, "73920516").await?;
    front.click_button("Patients").await?;
    front.click_button("New").await?;
    front.type_into("Full name", "Marta Vidal").await?;
    front.type_into("Phone", "600 111 222").await?;
    front.click_button("Save").await?;
    front.wait_for_text("Edit details", SOON).await?;

    step("Luis Mora, on the other tablet — its clock three hours slow —, changes her phone and adds a note");
    back.clock_off_by(-3 * 3_600_000).await?;
    back.client.refresh().await?;
    sign_in(back, "40617283").await?;
    back.click_button("Patients").await?;
    let pick = "//button[contains(@class,'client-pick')][.//*[normalize-space(.)='Marta Vidal']]";
    back.wait_for(pick, SOON).await?;
    back.click_xpath(pick).await?;
    back.click_button("Edit details").await?;
    back.retype("Phone", "600 333 444").await?;
    back.type_into("Notes", "Prefers mornings").await?;
    back.click_button("Save").await?;
    back.wait_for_text("Prefers mornings", SOON).await?;

    step("on the first tablet, her History says who did what, on which tablet, newest first");
    front.wait_for_text("600 333 444", SOON).await?;
    front.click_button("History").await?;
    front.wait_for_text("Who changed what", SOON).await?;
    let mut shown = entries(front).await?;
    for _ in 0..50 {
        if shown.len() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        shown = entries(front).await?;
    }
    ensure!(shown.len() == 2, "two entries: {shown:?}");

    step("each edit is dated by the relay, newest first; the slow tablet's own clock is shown beside its edit");
    let dated = front
        .wait_until(SOON, "the relay's times", |t| t.contains("(tablet's clock: ") && !t.contains("(tablet's clock)"))
        .await;
    let shown = entries(front).await?;
    dated.with_context(|| format!("the entries: {shown:?}"))?;
    let (edit, made) = (&shown[0], &shown[1]);
    ensure!(edit.contains("Luis Mora") && edit.contains("Desk 2"), "the edit names Luis Mora on Desk 2: {edit}");
    ensure!(
        edit.contains("Phone") && edit.contains("600 111 222") && edit.contains("600 333 444"),
        "the edit shows the phone before and after: {edit}"
    );
    ensure!(edit.contains("Notes") && edit.contains("(empty)") && edit.contains("Prefers mornings"), "{edit}");
    ensure!(!edit.contains("Marta Vidal"), "the edit lists only what it changed: {edit}");
    ensure!(made.contains("Dra. Ruiz") && made.contains("Desk 1"), "the first entry names Dra. Ruiz on Desk 1: {made}");
    ensure!(made.contains("Name") && made.contains("Marta Vidal") && made.contains("600 111 222"), "{made}");
    let times = |text: &str| -> Vec<u32> {
        let bytes = text.as_bytes();
        (0..bytes.len().saturating_sub(4))
            .filter(|&i| {
                bytes[i..i + 5].iter().enumerate().all(|(k, b)| if k == 2 { *b == b':' } else { b.is_ascii_digit() })
            })
            .map(|i| text[i..i + 2].parse::<u32>().unwrap_or(0) * 60 + text[i + 3..i + 5].parse::<u32>().unwrap_or(0))
            .collect()
    };
    let edit_times = times(edit);
    ensure!(edit_times.len() == 2, "the edit shows the relay's time and the tablet's: {edit}");
    let off = (edit_times[0] + 24 * 60 - edit_times[1]) % (24 * 60);
    ensure!((179..=181).contains(&off), "the tablet's clock is shown three hours behind the relay's: {edit}");
    ensure!(!made.contains("tablet's clock"), "the first tablet's clock agrees with the relay's: {made}");
    // Each entry was written by the tablet the relay got its chunk from (its actor carries that
    // tablet's key tag), so none is marked as not confirmed.
    ensure!(shown.iter().all(|e| !e.contains("Not confirmed")), "both entries are their tablets' own: {shown:?}");
    front.screenshot("patient-history").await?;

    step("in Spanish too");
    front.click_button("Español").await?;
    front.wait_for_text("Quién cambió qué", SOON).await?;
    let spanish = entries(front).await?.join("\n");
    ensure!(spanish.contains("Teléfono") && spanish.contains("Notas") && spanish.contains("(vacío)"), "{spanish}");

    step("the manager's tablet, where nobody signs in, shows the same History");
    manager.click_button("Patients").await?;
    manager.wait_for(pick, SOON).await?;
    manager.click_xpath(pick).await?;
    manager.click_button("History").await?;
    manager.wait_until(SOON, "both entries", |t| t.contains("Luis Mora") && t.contains("Dra. Ruiz")).await?;
    manager.close().await?;
    lobby.close().await
}
