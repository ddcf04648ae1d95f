//! A shared tablet: staff sign in with their own PIN, what they do carries their name, and the
//! tablet locks itself when left alone, hiding every client until a PIN is entered again.

use anyhow::{Result, ensure};

use crate::harness::{
    Browser, ENTER, Lobby, a_pin_passing_for, a_wrong_pin, check_in_at_kiosk, give_a_pin, listed_pins, set_up_business,
    step, wait_for_doc,
};
use crate::{SOON, TABLET, TABLET_PORTRAIT};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tablet_left_idle_locks_and_unlocks_with_the_right_pin_only() -> Result<()> {
    let (mut lobby, _) = Lobby::open_at_midday(&[TABLET_PORTRAIT]).await?;
    let manager = lobby.open_desk_as("manager", TABLET.0, TABLET.1).await?;
    set_up_business(&manager, "Clínica Sol", "Medical office", &["Dra. Ruiz", "Luis Mora"]).await?;
    check_in_at_kiosk(&lobby.kiosk, "Ana Gil", "I'd like a service", None).await?;
    let desk = &lobby.desks[0];
    desk.wait_for_text("Ana Gil", SOON).await?;
    ensure!(!desk.text().await?.contains("locked"), "no one has a PIN yet: the tablet stays open");

    step("the manager has tablets lock after a minute and gives Dra. Ruiz a PIN");
    manager.select_option("Lock tablets after", "1 min").await?;
    manager.wait_for_text("Tablets lock after 1 min.", SOON).await?;
    give_a_pin(&manager, "Dra. Ruiz", "73920516").await?;

    step("the staff tablet locks: nobody is signed in on it, and no client shows");
    desk.wait_for_text("This tablet is locked", SOON).await?;
    desk.wait_for_text("Clínica Sol", SOON).await?;
    let locked = desk.text().await?;
    ensure!(!locked.contains("Ana Gil") && !locked.contains("Arrivals"), "a locked tablet shows the desk: {locked}");
    desk.screenshot("tablet-locked").await?;
    let wrong = a_wrong_pin(desk, 1, 11_112_222).await?;
    try_pin(desk, &wrong).await?;
    desk.wait_for_text("PIN not recognised.", SOON).await?;
    ensure!(!desk.text().await?.contains("Ana Gil"), "a wrong PIN opens nothing");
    try_pin(desk, "73920516").await?;
    desk.wait_for_text("Ana Gil", SOON).await?;
    desk.wait_for_text("Dra. Ruiz", SOON).await?;
    ensure!(desk.traces_of("73920516").await?.is_empty(), "the PIN left a trace on the tablet");

    step("what she does on it carries her name and the tablet's");
    desk.click_button("Team").await?;
    desk.type_into("What is to be done", "Call back Ana Gil").await?;
    desk.select_option("For whom", "Luis Mora").await?;
    desk.click_button("Hand out").await?;
    desk.wait_for_text("→ Luis Mora · Dra. Ruiz (Desk 1)", SOON).await?;
    manager.click_button("Team").await?;
    manager.wait_for_text("→ Luis Mora · Dra. Ruiz (Desk 1)", SOON).await?;
    desk.screenshot("tablet-signed-in").await?;

    step("left untouched for a minute, it locks by itself");
    desk.shift_clock(61_000).await?;
    desk.wait_for_text("This tablet is locked", SOON).await?;
    ensure!(!desk.text().await?.contains("Ana Gil"), "the lock hides the clients");

    step("three wrong PINs make the next try wait, and reloading does not undo that");
    for _ in 0..3 {
        try_pin(desk, &wrong).await?;
    }
    desk.wait_for_text("Too many wrong PINs. Try again in", SOON).await?;
    desk.wait_for("//button[@disabled][normalize-space(.)='Unlock']", SOON).await?;
    desk.type_into("Your PIN", "73920516").await?;
    desk.press(ENTER).await?;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    ensure!(!desk.text().await?.contains("Ana Gil"), "the right PIN waits too while throttled");
    desk.goto(&lobby.relay.url("/desk")).await?;
    desk.wait_for_text("Too many wrong PINs. Try again in", SOON).await?;
    // Two minutes on (the page's clock was a minute ahead before the reload, when the wait began).
    desk.shift_clock(120_000).await?;
    desk.wait_until(SOON, "the wait over", |t| !t.contains("Too many wrong PINs")).await?;
    desk.retype("Your PIN", "73920516").await?;
    desk.click_button("Unlock").await?;
    desk.wait_for_text("Ana Gil", SOON).await?;
    desk.click_button("Lock").await?;
    desk.wait_for_text("This tablet is locked", SOON).await?;
    desk.click_button("Español").await?;
    desk.wait_for_text("Esta tableta está bloqueada", SOON).await?;
    desk.type_into("Su PIN", &wrong).await?;
    desk.click_button("Desbloquear").await?;
    desk.wait_for_text("PIN no reconocido", SOON).await?;

    step("the manager's tablet stays open (no manager has a PIN), and the kiosk never locks");
    let kiosk = &lobby.kiosk;
    kiosk.shift_clock(30 * 60_000).await?;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    ensure!(!kiosk.text().await?.contains("locked"), "the kiosk locked");
    kiosk.wait_for_text("Welcome", SOON).await?;
    ensure!(!manager.text().await?.contains("This tablet is locked"), "the manager's tablet locked");
    manager.close().await?;
    lobby.close().await
}

/// What a kiosk or tablet holds of a PIN is ten bits (`frontdesk_core::pin`): an attacker's PIN
/// that passes them at the kiosk makes a punch that counts for nobody on the manager's sheet, and
/// two people whose tags a PIN matches are both offered on a tablet's lock, the punch counting
/// for its owner alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kiosk_holds_ten_bits_of_a_pin_and_the_manager_checks_the_rest() -> Result<()> {
    let (mut lobby, _) = Lobby::open_at_midday(&[TABLET_PORTRAIT]).await?;
    let manager = lobby.open_desk_as("manager", TABLET.0, TABLET.1).await?;
    set_up_business(&manager, "Clínica Sol", "Medical office", &["Dra. Ruiz", "Luis Mora"]).await?;
    give_a_pin(&manager, "Dra. Ruiz", "73920516").await?;
    let kiosk = &lobby.kiosk;
    let ruiz = listed_pins(kiosk, 1).await?.remove(0);

    step("a wrong PIN that passes the kiosk's ten bits of hers: taken offline, counted for nobody");
    let impostor = a_pin_passing_for(kiosk, &ruiz, 20_000_000, "73920516").await?;
    kiosk.click_button("Staff: clock in or out").await?;
    kiosk.type_into("Your PIN", &impostor).await?;
    kiosk.click_button("Clock in").await?;
    kiosk.wait_for_text("Clocked in at", SOON).await?;
    kiosk.wait_for_text("Welcome", SOON).await?;
    manager.wait_for_text("Punches that match nobody", SOON).await?;
    manager.screenshot("payroll-punch-of-nobody").await?;
    ensure!(
        manager.text().await?.contains("On the clock now\nNo one is clocked in."),
        "the false punch put someone on the clock"
    );

    step("Luis Mora's PIN passes Dra. Ruiz's ten bits too: the staff tablet asks which of them it is");
    let shared = a_pin_passing_for(kiosk, &ruiz, 30_000_000, "73920516").await?;
    give_a_pin(&manager, "Luis Mora", &shared).await?;
    let desk = &lobby.desks[0];
    wait_for_doc(desk, "site", "two people who can sign in", |d| frontdesk_core::signin::listed(d).len() == 2).await?;
    desk.wait_for_text("This tablet is locked", SOON).await?;
    try_pin(desk, &shared).await?;
    desk.wait_for_text("Who is signing in?", SOON).await?;
    let asked = desk.text().await?;
    ensure!(asked.contains("Dra. Ruiz") && asked.contains("Luis Mora"), "both are offered: {asked}");
    desk.screenshot("tablet-who-signs-in").await?;
    desk.click_button("Luis Mora").await?;
    desk.wait_for_text("Arrivals", SOON).await?;
    desk.wait_for_text("Luis Mora", SOON).await?;

    step("at the kiosk his PIN is a candidate for both; the manager counts it for him alone");
    kiosk.click_button("Staff: clock in or out").await?;
    kiosk.type_into("Your PIN", &shared).await?;
    kiosk.click_button("Clock in").await?;
    kiosk.wait_for_text("Clocked in at", SOON).await?;
    manager.wait_until(SOON, "Luis Mora on the clock", |t| t.contains("On the clock now\nLuis Mora")).await?;
    let sheet = manager.text().await?;
    ensure!(!sheet.contains("On the clock now\nDra. Ruiz") && !sheet.contains("Luis Mora\nDra. Ruiz"), "{sheet}");
    manager.close().await?;
    lobby.close().await
}

/// Types `pin` on the lock screen, taps Unlock, and waits while the tablet checks it.
async fn try_pin(desk: &Browser, pin: &str) -> Result<()> {
    desk.type_into("Your PIN", pin).await?;
    desk.click_button("Unlock").await?;
    desk.wait_until(SOON, "the PIN checked", |t| !t.contains("Checking…")).await.map(drop)
}
