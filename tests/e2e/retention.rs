//! How long records are kept (#20): a tablet whose clock reads four months ago takes phone
//! calls into that month's messages, then loses the network and takes one more. The manager
//! keeps messages 30 days: the relay deletes that month, audited, and no byte of it stays in its
//! files. When the tablet comes back with the real date, its unsent call is refused, and it
//! forgets the month too — from its storage and its outbox — so nothing brings it back.

use std::time::Duration;

use anyhow::{Context, Result, ensure};

use crate::harness::{
    Browser, Driver, clinic_manager, receive_papers, relay_behind_door, relay_files_holding, step, stored_of,
};
use crate::{RECONNECT, SOON, TABLET, TABLET_PORTRAIT};

/// How far back the tablet's clock is: a month well past 30 days.
const DAYS_BACK: i64 = 120;

async fn take_call(desk: &Browser, caller: &str, about: &str) -> Result<()> {
    desk.type_into("Who called", caller).await?;
    desk.type_into("Number to call back", "600 333 444").await?;
    desk.type_into("What about", about).await?;
    desk.click_button("Save").await?;
    desk.wait_for_text(about, SOON).await.map(drop)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_past_their_keeping_are_deleted_everywhere_and_a_tablet_back_from_offline_cannot_bring_them_back()
-> Result<()> {
    let (relay, door) = relay_behind_door().await?;
    let driver = Driver::start_in_zone(None)?;
    // The front desk pairs first (a business that seals hands its keys to devices paired before
    // its setup; one paired after would need a manager's key check).
    let old_month = (chrono::Utc::now() - chrono::Duration::days(DAYS_BACK)).format("messages/%Y-%m").to_string();
    let desk = relay.add_device("staff", "Desk 1")?;
    let front_tablet = driver.browser(TABLET_PORTRAIT.0, TABLET_PORTRAIT.1).await?;
    let front = &front_tablet;
    let back_in_time = front.clock_days_away(-DAYS_BACK).await?;
    front.goto(&door.url(&format!("/desk#code={}", desk.code))).await?;
    front.wait_for_text("Online", SOON).await?;
    let manager = clinic_manager(&relay, &driver, TABLET).await?;

    step("the front desk, its clock four months back, takes a call");
    front.click_button("Calls").await?;
    take_call(front, "Pedro Gómez", "Results of the blood test").await?;
    front.wait_until_synced(SOON).await?;
    let stored = stored_of(&relay, &old_month)?;
    ensure!(!stored.is_empty(), "the relay holds {old_month}");

    step("it loses the network and takes one more call there");
    front.wait_for_offline_ready().await?;
    door.shut();
    front.wait_until(RECONNECT, "the tablet offline", |t| !t.contains("Online")).await?;
    take_call(front, "Lucía Ferrer", "Wants an earlier appointment").await?;
    front.wait_for_text("waiting to sync", SOON).await?;

    step("the manager keeps phone messages 30 days, and confirms what that deletes");
    manager.click_button("Business").await?;
    manager.wait_for_text("How long records are kept", SOON).await?;
    manager.screenshot("retention-1-card").await?;
    manager.select_option("Phone messages", "30 days").await?;
    manager.wait_for_text("anything older than 30 days is deleted everywhere", SOON).await?;
    manager.screenshot("retention-2-confirm").await?;
    manager.click_button("Delete older records").await?;
    manager.wait_for_text("Tablets apply it within a minute", SOON).await?;
    let audit = relay.cli(&["audit", "--doc", &old_month]).context("the audit log")?;
    let deadline = std::time::Instant::now() + SOON;
    let mut audit = audit;
    while !audit.contains("\"expire\"") && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
        audit = relay.cli(&["audit", "--doc", &old_month])?;
    }
    ensure!(audit.contains("\"expire\""), "the audit log records the deletion:\n{audit}");
    let retention = relay.cli(&["retention"])?;
    ensure!(retention.contains("\"messages\"") && retention.contains("30"), "the relay keeps the rule: {retention}");
    ensure!(stored_of(&relay, &old_month)?.is_empty(), "the relay still stores {old_month}");
    let held = relay_files_holding(&relay, &stored)?;
    ensure!(held.is_empty(), "the relay's files still hold {old_month}'s bytes: {held:?}");

    step("the tablet comes back with the real date: its call is refused, and it forgets the month");
    front.real_clock(&back_in_time).await?;
    front.client.refresh().await?;
    front.wait_for_text("Calls", SOON).await?;
    ensure!(
        front.stored_doc_names("frontdesk-desk").await?.contains(&old_month),
        "the tablet held {old_month} before it heard of the rule"
    );
    door.reopen();
    front.wait_for_text("Online", RECONNECT).await?;
    front.wait_until_synced(Duration::from_secs(20)).await?;
    let names = front.stored_doc_names("frontdesk-desk").await?;
    ensure!(!names.contains(&old_month), "the tablet still stores {old_month}: {names:?}");
    ensure!(front.stored_records("frontdesk-desk", "outbox").await? == 0, "the tablet still has calls to send");
    ensure!(stored_of(&relay, &old_month)?.is_empty(), "the returning tablet brought {old_month} back to the relay");

    step("in Spanish, the manager reads the same choice");
    manager.click_button("Español").await?;
    manager.wait_for_text("Cuánto tiempo se guardan los registros", SOON).await?;
    manager.wait_for_text("30 días", SOON).await?;
    manager.screenshot("retention-3-es").await?;
    manager.close().await?;
    front_tablet.close().await
}

/// Fills the new claim form for `patient` and creates the claim.
async fn make_claim(desk: &Browser, patient: &str) -> Result<()> {
    desk.click_button("Insurance").await?;
    desk.wait_for_text("New claim", SOON).await?;
    desk.type_into("Patient", patient).await?;
    desk.type_into("Insurer", "Sanitas").await?;
    desk.type_into("Member number", "SN-4471").await?;
    desk.type_into("Visit (what and when)", "Check-up").await?;
    desk.type_into("Amount claimed (EUR)", "60").await?;
    desk.click_button("Create claim").await?;
    desk.wait_for_text("Submit to insurer", SOON).await.map(drop)
}

/// Closed insurance claims (#20): a claim approved six years ago (on a tablet whose clock reads
/// then) and a claim still open. The manager keeps closed claims five years: the old claim
/// leaves both tablets, even after a reload, and the relay keeps no byte of the claims
/// document's earlier history; the open claim stays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_claims_past_their_keeping_leave_every_tablet_and_the_relays_files() -> Result<()> {
    let (relay, door) = relay_behind_door().await?;
    let driver = Driver::start_in_zone(None)?;
    let desk = relay.add_device("staff", "Desk 1")?;
    let front = driver.browser(TABLET_PORTRAIT.0, TABLET_PORTRAIT.1).await?;
    let six_years_back = front.clock_days_away(-2_200).await?;
    front.goto(&door.url(&format!("/desk#code={}", desk.code))).await?;
    front.wait_for_text("Online", SOON).await?;
    let manager = clinic_manager(&relay, &driver, TABLET).await?;

    step("six years ago, the front desk made a claim, and the insurer approved it");
    make_claim(&front, "Inés Calvo").await?;
    receive_papers(&front, &["Insurance card", "Referral"]).await?;
    front.click_button("Submit to insurer").await?;
    front.click_button("Mark approved").await?;
    front.wait_until(SOON, "the claim approved", |t| t.contains("Approved")).await?;
    front.wait_until_synced(SOON).await?;

    step("today, the manager makes a claim that stays open");
    make_claim(&manager, "Luis Mora").await?;
    manager.wait_until(SOON, "both claims", |t| t.contains("Inés Calvo") && t.contains("Luis Mora")).await?;
    manager.wait_until_synced(SOON).await?;
    let before = stored_of(&relay, "insurance")?;
    ensure!(!before.is_empty(), "the relay holds the claims");

    step("the manager keeps closed claims five years, and confirms what that deletes");
    manager.click_button("Business").await?;
    manager.wait_for_text("How long records are kept", SOON).await?;
    manager.select_option("Closed insurance claims", "5 years").await?;
    manager.wait_for_text("anything older than 5 years is deleted everywhere", SOON).await?;
    manager.click_button("Delete older records").await?;
    manager.wait_for_text("Tablets apply it within a minute", SOON).await?;
    manager.screenshot("retention-4-claims").await?;

    step("the old claim leaves both tablets; the open one stays");
    manager.click_button("Insurance").await?;
    let gone = |t: &str| !t.contains("Inés Calvo") && t.contains("Luis Mora");
    manager.wait_until(Duration::from_secs(30), "the approved claim gone on the manager's tablet", gone).await?;
    front.click_button("Insurance").await?;
    front.wait_until(Duration::from_secs(30), "the approved claim gone on the front desk", gone).await?;
    front.real_clock(&six_years_back).await?;
    front.client.refresh().await?;
    front.wait_for_text("Online", RECONNECT).await?;
    front.click_button("Insurance").await?;
    front.wait_until(SOON, "still gone after a reload", gone).await?;
    let held = relay_files_holding(&relay, &before)?;
    ensure!(held.is_empty(), "the relay's files still hold the claims' earlier bytes: {held:?}");
    manager.close().await?;
    front.close().await
}
