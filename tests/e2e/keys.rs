//! End-to-end encryption as a manager turns it on and pairs devices (issue 19, slice 3): the
//! business's keys travel from the manager's tablet to each new device in envelopes only that
//! device opens, with the pairing secret that went only into the link (or was typed as the key
//! check); a visitor who checks in afterwards is on the desks and nowhere in the relay's files.
//! Then a tablet is lost and revoked (slice 5): the keys it could read with are renewed for every
//! other device, and what is written afterwards is sealed under the new ones.

use anyhow::{Result, ensure};

use crate::harness::{Driver, Relay, check_in_at_kiosk, set_up_business, step};
use crate::{SOON, TABLET, TABLET_PORTRAIT};

/// Devices → Add a device: the code and the key check the card shows beside it.
async fn add_device(manager: &crate::harness::Browser, kind: &str, name: &str) -> Result<(String, String)> {
    let code = crate::pairing::add_device(manager, kind, name).await?;
    let check = manager.client.find(fantoccini::Locator::Css(".pairing-code__check")).await?;
    Ok((code, check.attr("aria-label").await?.unwrap_or_default()))
}

/// Whether any of the relay's database files (the database, its WAL and shared memory) holds
/// `needle`'s bytes.
fn relay_files_hold(relay: &Relay, needle: &str) -> Result<bool> {
    relay_files_hold_bytes(relay, needle.as_bytes())
}

/// The start of a check-in sealed to the staff's inbox key of `epoch`, as the relay stores it:
/// the sealed header's magic, kind (a drop), scope (the inbox) and epoch.
fn inbox_drop_header(epoch: u8) -> [u8; 10] {
    [0xFD, 0x5E, 0xA1, 0x01, 3, 4, epoch, 0, 0, 0]
}

fn relay_files_hold_bytes(relay: &Relay, needle: &[u8]) -> Result<bool> {
    let mut found = false;
    for entry in std::fs::read_dir(relay.data.path())? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        if name.starts_with("relay.sqlite3") {
            let bytes = std::fs::read(&path)?;
            found |= bytes.windows(needle.len()).any(|w| w == needle);
        }
    }
    Ok(found)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pairing_hands_over_keys_and_the_relay_keeps_only_sealed_data() -> Result<()> {
    let relay = Relay::start()?;
    let driver = Driver::start_in_zone(None)?;

    step("the manager's tablet pairs from the operator's link and sets the business up");
    let first = relay.add_device("manager", "Office")?;
    let manager = driver.browser(TABLET.0, TABLET.1).await?;
    manager.goto(&relay.url(&format!("/pair#code={}", first.code))).await?;
    manager.wait_for_text("Online", SOON).await?;
    set_up_business(&manager, "Clínica Sol", "Medical office", &[]).await?;

    step("a staff tablet pairs by the link, which alone carries the pairing secret, while encryption is off");
    manager.wait_for_text("End-to-end encryption is off", SOON).await?;
    let (code, check) = add_device(&manager, "Staff tablet", "Front desk").await?;
    ensure!(check.len() == 12, "a key check of 12 characters: {check}");
    manager.wait_for_text("Key check:", SOON).await?;
    manager.screenshot("encryption-pairing-code").await?;
    let tablet = driver.browser(TABLET_PORTRAIT.0, TABLET_PORTRAIT.1).await?;
    tablet.goto(&relay.url(&format!("/pair#code={code}{check}"))).await?;
    tablet.wait_for_text("Online", SOON).await?;
    manager.wait_for_text("“Front desk” is paired.", SOON).await?;
    ensure!(!tablet.client.current_url().await?.as_str().contains(&check), "the secret stayed in the address");
    manager.click_button("Done").await?;

    step("the manager turns encryption on: this tablet makes the keys, and hands the tablet its own");
    const WAITING: &str = "this tablet has not got its keys yet";
    tablet.watch_for_text(&[WAITING]).await?;
    manager.click_button("Turn on encryption").await?;
    manager.wait_for_text("End-to-end encryption is on", SOON).await?;
    manager.wait_for_text("“Front desk” has its keys.", SOON).await?;
    // Told it seals, the tablet said it waited for its keys — until they came.
    tablet.seen_at(WAITING, SOON).await?;
    tablet.wait_until(SOON, "the waiting banner to go", |text| !text.contains(WAITING)).await?;
    manager.screenshot("encryption-on").await?;

    step("a kiosk pairs by typing the code and then the key check");
    let (code, check) = add_device(&manager, "Lobby kiosk", "Lobby kiosk").await?;
    let kiosk = driver.browser(1920, 1080).await?;
    kiosk.goto(&relay.url("/kiosk/")).await?;
    // The code alone is refused now, in words: such a device could never be given the keys.
    kiosk.type_into("Pairing code", &code).await?;
    kiosk.click_button("Continue").await?;
    kiosk.wait_for_text("Join Clínica Sol?", SOON).await?;
    kiosk.click_button("Join").await?;
    kiosk.wait_for_text("This business is encrypted: type the key check", SOON).await?;
    kiosk.screenshot("encryption-key-check-needed").await?;
    kiosk.retype("Pairing code", &format!("{code} {check}")).await?;
    kiosk.click_button("Continue").await?;
    kiosk.wait_for_text("Join Clínica Sol?", SOON).await?;
    kiosk.click_button("Join").await?;
    kiosk.wait_for_text("Check in", SOON).await?;
    manager.wait_for_text("“Lobby kiosk” has its keys.", SOON).await?;
    manager.click_button("Done").await?;

    step("a visitor checks in: sealed to the staff's inbox key, read on the tablet and the manager's");
    check_in_at_kiosk(&kiosk, "Valentina Quiroga", "I'd like a service", None).await?;
    tablet.wait_for_text("Valentina Quiroga", SOON).await?;
    manager.goto(&relay.url("/desk")).await?;
    manager.wait_for_text("Valentina Quiroga", SOON).await?;
    tablet.screenshot("encryption-board").await?;

    step("the relay's files hold no trace of her name");
    ensure!(!relay_files_hold(&relay, "Valentina Quiroga")?, "the visitor's name is in the relay's files");
    ensure!(!relay_files_hold(&relay, "Quiroga")?, "the visitor's surname is in the relay's files");
    ensure!(relay_files_hold_bytes(&relay, &inbox_drop_header(1))?, "her check-in is sealed under the first inbox key");

    step("a second staff tablet pairs, gets its keys, and is lost");
    manager.open_tab("Business").await?;
    let (code, check) = add_device(&manager, "Staff tablet", "Lost tablet").await?;
    let lost = driver.browser(TABLET.0, TABLET.1).await?;
    lost.goto(&relay.url(&format!("/pair#code={code}{check}"))).await?;
    lost.wait_for_text("Online", SOON).await?;
    manager.wait_for_text("“Lost tablet” has its keys.", SOON).await?;
    manager.click_button("Done").await?;
    lost.wait_for_text("Valentina Quiroga", SOON).await?;

    step("the manager revokes it: the keys it could read with are renewed for everyone else first");
    manager.click_in_row("Lost tablet", "Revoke").await?;
    lost.watch_for_text(&["A manager removed this device."]).await?;
    manager.click_xpath("//div[contains(@class,'device-row__confirm')]//button[normalize-space(.)='Revoke']").await?;
    lost.seen_at("A manager removed this device.", SOON).await?;
    manager.wait_for_text("Revoked", SOON).await?;
    ensure!(!relay_files_hold_bytes(&relay, &inbox_drop_header(2))?, "nothing was sealed under a new inbox key yet");

    step("a visitor checks in after: sealed under the new inbox key, and read on both desks");
    check_in_at_kiosk(&kiosk, "Bartolomé Ibarguren", "I'd like a service", None).await?;
    tablet.wait_for_text("Bartolomé Ibarguren", SOON).await?;
    manager.open_tab("Arrivals").await?;
    manager.wait_for_text("Bartolomé Ibarguren", SOON).await?;
    ensure!(
        relay_files_hold_bytes(&relay, &inbox_drop_header(2))?,
        "the check-in after the revocation is sealed under the renewed inbox key"
    );
    ensure!(!relay_files_hold(&relay, "Ibarguren")?, "the second visitor's surname is in the relay's files");
    for browser in [manager, tablet, kiosk, lost] {
        browser.close().await?;
    }
    Ok(())
}
