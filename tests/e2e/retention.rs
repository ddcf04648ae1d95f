//! How long records are kept (#20): a tablet whose clock reads four months ago takes phone
//! calls into that month's messages, then loses the network and takes one more. The manager
//! keeps messages 30 days: the relay deletes that month, audited, and no byte of it stays in its
//! files. When the tablet comes back with the real date, its unsent call is refused, and it
//! forgets the month too — from its storage and its outbox — so nothing brings it back.

use std::time::Duration;

use anyhow::{Context, Result, ensure};

use crate::harness::{Browser, Driver, clinic_manager, relay_behind_door, relay_files_holding, step, stored_of};
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
