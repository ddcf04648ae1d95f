//! What a tablet shows when the relay holds a device to its limits and its own clock (issue #17,
//! trust between devices): a refused change is kept on the tablet and said in words, in both
//! languages, until the relay takes it; a punch from a time clock whose clock runs ahead counts
//! when the relay received it, and the timesheet says so.

use anyhow::{Context, Result, ensure};

use crate::harness::{Driver, Lobby, Relay, give_a_pin, set_up_business, step};
use crate::{RECONNECT, SOON, TABLET, TABLET_PORTRAIT};

const REFUSED_EN: &str = "The relay refused this device's changes: the device is over its limit on the relay.";
const REFUSED_ES: &str = "El servidor rechazó los cambios de este dispositivo: superó su límite en el servidor.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_over_the_devices_limit_is_kept_on_the_tablet_and_said_in_words_until_the_relay_takes_it() -> Result<()>
{
    // A relay that lets no device create a document: the manager's first change is refused.
    let mut relay = Relay::start_with(&["--max-docs-per-device", "0"])?;
    let driver = Driver::start_in_zone(None)?;
    let manager = relay.add_device("manager", "Front office")?;
    let desk = driver.browser(TABLET.0, TABLET.1).await?;
    desk.goto(&relay.setup_link("desk", &manager)).await?;

    step("the business profile is saved here, and the relay refuses it");
    set_up_business(&desk, "Clínica Norte", "Medical office", &[]).await?;
    desk.wait_for_text(REFUSED_EN, SOON).await?;
    desk.wait_for_text("Change refused", SOON).await?;
    let text = desk.text().await?;
    ensure!(text.contains("waiting to sync"), "the refused change is still waiting: {text}");
    ensure!(!text.contains("QuotaExceeded"), "the relay's code is shown raw: {text}");
    desk.screenshot("relay-refused-change").await?;

    step("in Spanish too");
    desk.click_button("Español").await?;
    desk.wait_for_text(REFUSED_ES, SOON).await?;
    desk.wait_for_text("Cambio rechazado", SOON).await?;
    desk.screenshot("relay-refused-change-es").await?;
    desk.click_button("English").await?;

    step("the relay's limit is lifted: the kept change goes through and the banner leaves");
    relay.kill();
    relay.args.clear();
    relay.restart()?;
    desk.wait_until_synced(RECONNECT).await?;
    desk.wait_until(SOON, "the refusal gone", |t| !t.contains(REFUSED_EN) && !t.contains("Change refused")).await?;
    ensure!(relay.log().contains("QuotaExceeded") || relay.log().contains("quota"), "the relay logged no refusal");

    step("a second tablet, paired from the first (the business is encrypted), gets what the first one kept");
    let (code, check) = crate::harness::add_device_on_card(&desk, "Manager's tablet", "Back office").await?;
    let second = driver.browser(TABLET.0, TABLET.1).await?;
    second.goto(&relay.url(&format!("/pair#code={code}{check}"))).await?;
    desk.wait_for_text("“Back office” has its keys.", SOON).await?;
    second.wait_for_text("Clínica Norte", SOON).await?;
    second.close().await?;
    desk.close().await
}

/// Minutes since midnight of the `HH:MM` right after `label` in `text`.
fn minutes_after(text: &str, label: &str) -> Result<i64> {
    let rest = &text[text.find(label).with_context(|| format!("{label:?} in {text}"))? + label.len()..];
    // The day's name and number come first ("Sat 05 14:02").
    let time = rest.split_whitespace().find(|w| w.len() >= 5 && w.as_bytes()[2] == b':').context("a time")?;
    let (h, m) = time[..5].split_once(':').context("HH:MM")?;
    Ok(h.parse::<i64>()? * 60 + m.parse::<i64>()?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_punch_from_a_time_clock_whose_clock_runs_ahead_counts_when_the_relay_had_it() -> Result<()> {
    let (mut lobby, _) = Lobby::open_at_midday(&[]).await?;
    let manager = lobby.open_desk_as("manager", TABLET_PORTRAIT.0, TABLET_PORTRAIT.1).await?;
    set_up_business(&manager, "Clínica Sol", "Medical office", &["Dra. Ruiz"]).await?;
    give_a_pin(&manager, "Dra. Ruiz", "4321").await?;
    manager.wait_until_synced(SOON).await?;

    step("the kiosk's clock runs two hours ahead when she clocks in");
    let kiosk = &lobby.kiosk;
    kiosk.wait_until_synced(SOON).await?;
    kiosk.shift_clock(2 * 3_600_000).await?;
    kiosk.click_button("Staff: clock in or out").await?;
    kiosk.type_into("Your PIN", "4321").await?;
    kiosk.click_button("Clock in").await?;
    kiosk.wait_for_text("Clocked in at", SOON).await?;
    kiosk.wait_until_synced(SOON).await?;

    step("the timesheet counts her in when the relay had the punch, and says what the clock said");
    manager.wait_for_text("Time clock said", SOON).await?;
    manager.screenshot("payroll-punch-skewed").await?;
    let text = manager.text().await?;
    let claimed = minutes_after(&text, "Time clock said")?;
    let received = minutes_after(&text, "it reached the relay")?;
    let ahead = (claimed - received).rem_euclid(24 * 60);
    ensure!((118..=122).contains(&ahead), "the clock said {claimed} min, the relay had it at {received} min: {text}");
    // The shift starts when the relay had the punch, not two hours from now.
    let line = text.lines().find(|l| l.contains("still in")).with_context(|| format!("her open shift in {text}"))?;
    let start = minutes_after(&format!(" {line}"), " ")?;
    ensure!(start == received, "the shift starts at {start} min, the relay had the punch at {received} min: {line}");
    manager.close().await?;
    lobby.close().await
}
