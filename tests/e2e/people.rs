//! Staff at the time clock: a PIN set by the manager, a clock-in at the kiosk that reaches the
//! manager's timesheet, a missed clock-out fixed with its reason, and a pay period closed.

use anyhow::{Result, ensure};

use crate::harness::{Lobby, a_wrong_pin, set_up_business, step};
use crate::{SOON, TABLET, TABLET_PORTRAIT};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clock_in_at_the_kiosk_appears_on_the_managers_timesheet_and_the_period_closes_once_fixed() -> Result<()> {
    let (mut lobby, _) = Lobby::open_at_midday(&[TABLET_PORTRAIT]).await?;
    let manager = lobby.open_desk_as("manager", TABLET.0, TABLET.1).await?;
    set_up_business(&manager, "Clínica Sol", "Medical office", &["Dra. Ruiz"]).await?;

    // The manager sets her pay and PIN.
    manager.click_button("Payroll").await?;
    manager.wait_for_text("Pay rates and PINs", SOON).await?;
    manager.click_in_row("Dra. Ruiz", "Edit").await?;
    manager.type_into("Hourly rate", "20").await?;
    manager.type_into("New PIN (empty keeps it)", "12a").await?;
    manager.click_button("Save").await?;
    manager.wait_for_text("A PIN is 4 to 8 digits.", SOON).await?;
    manager.retype("New PIN (empty keeps it)", "73920516").await?;
    manager.click_button("Save").await?;
    manager.wait_for_text("20.00 EUR/h · Overtime 40 h · 150 % · PIN set", SOON).await?;
    manager.wait_until_synced(SOON).await?;

    // Now that someone has a PIN, the staff tablet is locked until someone signs in; it shows
    // no payroll, and its time clock (open from the lock screen) refuses a PIN nobody has.
    let desk = &lobby.desks[0];
    desk.wait_for_text("This tablet is locked", SOON).await?;
    ensure!(!desk.text().await?.contains("Payroll"), "a staff tablet shows no payroll");
    desk.click_button("Time clock").await?;
    let wrong = a_wrong_pin(desk, 1, 11_112_222).await?;
    desk.type_into("Your PIN", &wrong).await?;
    desk.click_button("Clock in").await?;
    desk.wait_for_text("PIN not recognised.", SOON).await?;
    desk.click_labelled("Close").await?;

    // At the kiosk she clocks in (a wrong PIN first); the kiosk never shows her name.
    let kiosk = &lobby.kiosk;
    kiosk.click_button("Staff: clock in or out").await?;
    let wrong = a_wrong_pin(kiosk, 1, 11_112_222).await?;
    kiosk.type_into("Your PIN", &wrong).await?;
    kiosk.click_button("Clock in").await?;
    kiosk.wait_for_text("PIN not recognised.", SOON).await?;
    kiosk.screenshot("kiosk-time-clock").await?;
    step("two more wrong PINs make the next try wait, the right one included");
    for _ in 0..2 {
        kiosk.type_into("Your PIN", &wrong).await?;
        kiosk.click_button("Clock in").await?;
        kiosk.wait_until(SOON, "the PIN checked", |t| !t.contains("Checking…")).await?;
    }
    kiosk.type_into("Your PIN", "73920516").await?;
    kiosk.click_button("Clock in").await?;
    kiosk.wait_for_text("Too many wrong PINs. Try again in a few minutes.", SOON).await?;
    step("a reload keeps the wait; once it is over, her PIN clocks her in");
    kiosk.goto(&lobby.relay.url("/kiosk")).await?;
    kiosk.wait_for_text("Welcome", SOON).await?;
    kiosk.click_button("Staff: clock in or out").await?;
    kiosk.type_into("Your PIN", "73920516").await?;
    kiosk.click_button("Clock in").await?;
    kiosk.wait_for_text("Too many wrong PINs. Try again in a few minutes.", SOON).await?;
    kiosk.shift_clock(31_000).await?;
    kiosk.type_into("Your PIN", "73920516").await?;
    kiosk.click_button("Clock in").await?;
    kiosk.wait_for_text("Clocked in at", SOON).await?;
    ensure!(!kiosk.text().await?.contains("Ruiz"), "the kiosk learns no name");
    kiosk.wait_for_text("Welcome", SOON).await?;
    kiosk.wait_until_synced(SOON).await?;
    // Eight digits: a short PIN could turn up by chance in the hashed names of the app's files.
    let traces = kiosk.traces_of("73920516").await?;
    ensure!(traces.is_empty(), "the PIN left a trace on the kiosk: {traces:?}");

    // The manager sees her on the clock, and cannot close the week with her punch open.
    manager.wait_until(SOON, "Dra. Ruiz on the clock", |t| t.contains("On the clock now\nDra. Ruiz")).await?;
    manager.wait_for_text("In without out", SOON).await?;
    manager.click_button("Close pay period").await?;
    manager.wait_for_text("Punches to fix first, each with a reason: 1.", SOON).await?;
    manager.click_button("Fix").await?;
    manager.click_button("Save fix").await?;
    manager.wait_for_text("Write why: the reason is kept with the fix.", SOON).await?;
    manager.type_into("Reason", "Forgot to clock out").await?;
    manager.click_button("Save fix").await?;
    manager.wait_for_text("Not a time: write it like 17:30.", SOON).await?;
    manager.type_into_time("18:00").await?;
    manager.click_button("Save fix").await?;
    manager.wait_for_text("fixed: Forgot to clock out", SOON).await?;
    manager.wait_until(SOON, "the refusal gone once fixed", |t| !t.contains("Punches to fix first")).await?;
    manager.screenshot("payroll-timesheet").await?;
    // The fix's History (#20): what it added and why, for whom (by name, not id), on which
    // tablet, dated by the relay.
    manager.click_button("History").await?;
    manager
        .wait_until(SOON, "the fix's History, dated by the relay", |t| {
            t.contains("Who changed what") && !t.contains("(tablet's clock)") && !t.contains("Not confirmed")
        })
        .await?;
    let mut entries = Vec::new();
    for entry in manager.client.find_all(fantoccini::Locator::Css(".history__entry")).await? {
        entries.push(entry.text().await?);
    }
    ensure!(
        entries.len() == 1
            && ["Fix", "Add the missing clock-out", "Reason", "Forgot to clock out", "Staff", "Dra. Ruiz"]
                .iter()
                .all(|w| entries[0].contains(w)),
        "one entry, the fix made: {entries:?}"
    );
    manager.screenshot("payroll-fix-history").await?;
    manager.click_button("Hide history").await?;
    let sheet = manager.text().await?;
    ensure!(!sheet.contains("In without out"), "the open punch is fixed: {sheet}");
    step("closing the week");
    manager.click_button("Close pay period").await?;
    manager.wait_for_text("Pay period closed.", SOON).await?;
    manager.wait_for_text("Download CSV", SOON).await?;
    manager.click_button("Close pay period").await?;
    manager.wait_for_text("Part of these dates is already closed.", SOON).await?;
    manager.close().await?;
    lobby.close().await
}
