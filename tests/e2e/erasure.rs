//! Erasing a client for good (#20): a tablet that holds a patient goes offline and edits her and
//! another patient there; the manager erases her on another tablet; the first tablet comes back.
//! Afterwards no tablet shows her, the other patient's edit made offline arrived, and every byte
//! the relay stored of her before the erasure is gone from its files.

use std::time::Duration;

use anyhow::{Context, Result, ensure};

use crate::harness::{Browser, Driver, clinic_manager, relay_behind_door, relay_files_holding, step, stored_of};
use crate::{RECONNECT, SOON, TABLET, TABLET_PORTRAIT};

const PICK: &str = "//button[contains(@class,'client-pick')][.//*[normalize-space(.)='{}']]";

fn pick(name: &str) -> String {
    PICK.replace("{}", name)
}

async fn add_patient(desk: &Browser, name: &str, phone: &str, notes: &str) -> Result<()> {
    desk.click_button("New").await?;
    desk.type_into("Full name", name).await?;
    desk.type_into("Phone", phone).await?;
    desk.type_into("Notes", notes).await?;
    desk.click_button("Save").await?;
    desk.wait_for_text("Edit details", SOON).await.map(drop)
}

async fn edit_notes(desk: &Browser, name: &str, notes: &str) -> Result<()> {
    desk.click_xpath(&pick(name)).await?;
    desk.click_button("Edit details").await?;
    desk.retype("Notes", notes).await?;
    desk.click_button("Save").await?;
    desk.wait_for_text(notes, SOON).await.map(drop)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erased_patient_is_gone_from_every_tablet_and_the_relay_even_one_that_was_offline() -> Result<()> {
    // The front desk reaches the relay through a door the test can shut; the manager directly.
    let (relay, door) = relay_behind_door().await?;
    let driver = Driver::start_in_zone(None)?;
    let desk = relay.add_device("staff", "Desk 1")?;
    let front_tablet = driver.browser(TABLET_PORTRAIT.0, TABLET_PORTRAIT.1).await?;
    let front = &front_tablet;
    front.goto(&door.url(&format!("/desk#code={}", desk.code))).await?;
    front.wait_for_text("Online", SOON).await?;
    let manager = clinic_manager(&relay, &driver, TABLET).await?;
    let lobby = (relay, driver);

    step("the front desk adds two patients");
    front.click_button("Patients").await?;
    add_patient(front, "Inés Calvo", "600 111 222", "Allergic to penicillin").await?;
    add_patient(front, "Luis Mora", "600 333 444", "").await?;
    manager.click_button("Patients").await?;
    manager.wait_for(&pick("Inés Calvo"), SOON).await?;
    manager.wait_for(&pick("Luis Mora"), SOON).await?;
    front.wait_until_synced(SOON).await?;
    let before = stored_of(&lobby.0, "clients")?;
    ensure!(!before.is_empty(), "the relay holds the patients' document");

    step("the front desk loses the network, and edits both patients there");
    door.shut();
    front.wait_until(RECONNECT, "the front desk offline", |t| !t.contains("Online")).await?;
    front.click_button("Patients").await?;
    edit_notes(front, "Inés Calvo", "Prefers mornings").await?;
    edit_notes(front, "Luis Mora", "Pays by card").await?;
    front.wait_for_text("waiting to sync", SOON).await?;

    step("the manager erases her, saying why");
    manager.click_xpath(&pick("Inés Calvo")).await?;
    manager.click_button("Erase for good…").await?;
    manager.wait_for_text("Records erased, with their History: 1", Duration::from_secs(40)).await?;
    manager.screenshot("erase-client").await?;
    manager.click_button("Erase for good").await?;
    manager.wait_for_text("Say why they are erased", SOON).await?;
    manager.type_into("Reason", "The patient asked by email").await?;
    manager.click_button("Erase for good").await?;
    manager.wait_for_text("Client erased", Duration::from_secs(30)).await?;
    manager.wait_until(SOON, "her gone from the list", |t| !t.contains("Inés Calvo")).await?;
    manager.wait_for_text("The patient asked by email", SOON).await?;
    manager.screenshot("erase-client-done").await?;

    step("the front desk comes back: she is gone there too, and its edit of Luis arrives");
    door.reopen();
    front.wait_for_text("Online", RECONNECT).await?;
    front.wait_until(SOON, "her gone from the front desk", |t| !t.contains("Inés Calvo")).await?;
    front.wait_until_synced(SOON).await?;
    manager.click_xpath(&pick("Luis Mora")).await?;
    manager.wait_for_text("Pays by card", SOON).await?;
    front.client.refresh().await?;
    front.wait_for_text("Online", RECONNECT).await?;
    front.click_button("Patients").await?;
    front.wait_for(&pick("Luis Mora"), SOON).await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    ensure!(!front.text().await?.contains("Inés Calvo"), "a restart brought her back on the front desk");

    step("in Spanish, the manager's list of erasures says why and who");
    manager.click_button("Español").await?;
    manager.wait_for_text("Borrados", SOON).await?;

    step("nothing the relay stored of her before the erasure is left in its files");
    let after = stored_of(&lobby.0, "clients")?;
    ensure!(!after.is_empty(), "the relay holds the re-based document");
    ensure!(after.iter().all(|a| !before.contains(a)), "a chunk stored before the erasure is still served");
    let held = relay_files_holding(&lobby.0, &before)?;
    ensure!(held.is_empty(), "the old chunks' bytes are still in the relay's files: {held:?}\n{}", lobby.0.log());
    let audit = lobby.0.cli(&["audit", "--doc", "clients"]).context("the audit log")?;
    ensure!(audit.contains("\"rebase\""), "the audit log records the re-base:\n{audit}");
    manager.close().await?;
    front_tablet.close().await
}
