//! End-to-end encryption, on from the business's first run, as a manager pairs devices (issue
//! 19): the business's keys travel from the manager's tablet to each new device in envelopes only that
//! device opens, with the pairing secret that went only into the link (or was typed as the key
//! check); a visitor who checks in afterwards is on the desks and nowhere in the relay's files.
//! Then a tablet is lost and revoked (slice 5): the keys it could read with are renewed for every
//! other device, and what is written afterwards is sealed under the new ones.

use anyhow::{Result, ensure};

use crate::harness::{Driver, Relay, add_device_on_card, check_in_at_kiosk, set_up_business, step};
use crate::{RECONNECT, SOON, TABLET, TABLET_PORTRAIT};

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

/// The business's first manager's tablet, "Office", paired from the operator's link, with the
/// business set up and `staff` added. Alone in the business, the tablet turns encryption on by
/// itself as soon as it is online, and shows the recovery kit.
async fn office(relay: &Relay, driver: &Driver, staff: &[&str]) -> Result<crate::harness::Browser> {
    let first = relay.add_device("manager", "Office")?;
    let manager = driver.browser(TABLET.0, TABLET.1).await?;
    manager.goto(&relay.url(&format!("/pair#code={}", first.code))).await?;
    manager.wait_for_text("Online", SOON).await?;
    manager.wait_for_text("End-to-end encryption is on", SOON).await?;
    set_up_business(&manager, "Clínica Sol", "Medical office", staff).await?;
    Ok(manager)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pairing_hands_over_keys_and_the_relay_keeps_only_sealed_data() -> Result<()> {
    let relay = Relay::start()?;
    let driver = Driver::start_in_zone(None)?;

    step("the manager's first run: encryption comes on by itself, then the business is set up, sealed");
    let manager = office(&relay, &driver, &["Dra. Teodora Quintanilla"]).await?;
    manager.wait_for_text("Recovery kit", SOON).await?;
    manager.screenshot("encryption-on").await?;
    manager.wait_until_synced(SOON).await?;
    ensure!(!relay_files_hold(&relay, "Quintanilla")?, "the first run's staff member is in the relay's files");

    step("a staff tablet pairs by the link, which alone carries the pairing secret, and gets its keys");
    let (code, check) = add_device_on_card(&manager, "Staff tablet", "Front desk").await?;
    ensure!(check.len() == 12, "a key check of 12 characters: {check}");
    manager.wait_for_text("Key check:", SOON).await?;
    manager.screenshot("encryption-pairing-code").await?;
    let tablet = driver.browser(TABLET_PORTRAIT.0, TABLET_PORTRAIT.1).await?;
    tablet.goto(&relay.url(&format!("/pair#code={code}{check}"))).await?;
    tablet.wait_for_text("Online", SOON).await?;
    manager.wait_for_text("“Front desk” has its keys.", SOON).await?;
    ensure!(!tablet.client.current_url().await?.as_str().contains(&check), "the secret stayed in the address");
    manager.click_button("Done").await?;
    // What the first run sealed reads on the tablet: its keys open it.
    tablet.wait_for_text("Clínica Sol", SOON).await?;
    tablet.wait_until(SOON, "the waiting banner to go", |text| !text.contains("has not got its keys yet")).await?;

    step("a kiosk pairs by typing the code and then the key check");
    let (code, check) = add_device_on_card(&manager, "Lobby kiosk", "Lobby kiosk").await?;
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

    step("the kiosk holds no key that reads a check-in or a punch: the kiosk's secret, and public halves");
    let held = kiosk_keys(&kiosk).await?;
    ensure!(!held.is_empty(), "the kiosk holds its keys");
    for key in &held {
        match key["scope"].as_str() {
            Some("kiosk") => ensure!(
                key["type"] == "secret" && key["extractable"] == false && key["public"] == false,
                "the kiosk scope's key as an AES key it cannot read back: {key}"
            ),
            Some("inbox" | "clock") => {
                ensure!(key["type"].is_null() && key["public"] == true, "only a public key to seal to: {key}")
            }
            _ => anyhow::bail!("the kiosk holds a key of another scope: {key}"),
        }
    }
    ensure!(held.iter().any(|k| k["scope"] == "inbox"), "the kiosk can seal a check-in: {held:?}");

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
    let (code, check) = add_device_on_card(&manager, "Staff tablet", "Lost tablet").await?;
    let lost = driver.browser(TABLET.0, TABLET.1).await?;
    lost.goto(&relay.url(&format!("/pair#code={code}{check}"))).await?;
    lost.wait_for_text("Online", SOON).await?;
    manager.wait_for_text("“Lost tablet” has its keys.", SOON).await?;
    manager.click_button("Done").await?;
    lost.wait_for_text("Valentina Quiroga", SOON).await?;

    step("a second manager's tablet pairs by link and gets every key, the keyring's too");
    let (code, check) = add_device_on_card(&manager, "Manager's tablet", "Back office").await?;
    let back = driver.browser(TABLET.0, TABLET.1).await?;
    back.goto(&relay.url(&format!("/pair#code={code}{check}"))).await?;
    back.wait_for_text("Online", SOON).await?;
    manager.wait_for_text("“Back office” has its keys.", SOON).await?;
    manager.click_button("Done").await?;

    step(
        "the second manager revokes the lost tablet: the keys it could read with are renewed for every device any manager paired",
    );
    back.open_tab("Business").await?;
    back.wait_for_text("Lost tablet", SOON).await?;
    back.wait_until_synced(SOON).await?;
    back.click_in_row("Lost tablet", "Revoke").await?;
    lost.watch_for_text(&["A manager removed this device."]).await?;
    back.click_xpath("//div[contains(@class,'device-row__confirm')]//button[normalize-space(.)='Revoke']").await?;
    lost.seen_at("A manager removed this device.", SOON).await?;
    back.wait_for_text("Revoked", SOON).await?;
    // The devices the first manager paired are in the keyring: none is left without new keys.
    ensure!(!back.text().await?.contains("Not paired from this tablet"), "the keyring did not reach them");
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
    // The keyring (every vouched device's agreement key and auth secret) is sealed on the relay:
    // its record names never appear in the clear.
    ensure!(!relay_files_hold(&relay, "vouched/")?, "the keyring is in the relay's files in the clear");
    for browser in [manager, tablet, kiosk, lost, back] {
        browser.close().await?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recovery_kit_restores_the_business_on_a_new_tablet_when_every_tablet_is_lost() -> Result<()> {
    let relay = Relay::start()?;
    let driver = Driver::start_in_zone(None)?;

    step("the manager's first run: encryption comes on by itself, and the recovery kit shows at once");
    let manager = office(&relay, &driver, &[]).await?;
    manager.wait_for_text("Recovery kit", SOON).await?;
    let code = manager.client.find(fantoccini::Locator::Css(".kit__code")).await?;
    let kit = code.attr("aria-label").await?.unwrap_or_default();
    ensure!(kit.len() == 28, "a kit of 28 characters: {kit}");
    manager.screenshot("recovery-kit").await?;
    // What the printer gets, for a person to look at (the PDF below is what is checked).
    manager.devtools("Emulation.setEmulatedMedia", serde_json::json!({ "media": "print" })).await?;
    manager.screenshot("recovery-kit-print").await?;
    manager.devtools("Emulation.setEmulatedMedia", serde_json::json!({ "media": "" })).await?;
    let printed = manager.print_to_pdf("recovery-kit").await?;
    let printed_code: String = printed.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    ensure!(printed_code.contains(&kit), "the printed page carries the kit:\n{printed}");
    ensure!(printed.contains("Clínica Sol"), "the printed page names the business:\n{printed}");
    ensure!(!printed.contains("Add a device"), "the printed page is the kit alone:\n{printed}");

    step("it goes once its holder types its last four characters");
    manager.type_into("To finish, type the last four characters", "ZZZZ").await?;
    let kept = "//button[normalize-space(.)='I have kept it']";
    ensure!(manager.wait_for(kept, SOON).await?.attr("disabled").await?.is_some(), "accepted a wrong ending");
    manager.retype("To finish, type the last four characters", &kit[24..].to_lowercase()).await?;
    manager.click_button("I have kept it").await?;
    manager.wait_until(SOON, "the kit to go", |text| !text.contains("I have kept it")).await?;
    manager.wait_for_text("A recovery kit exists", SOON).await?;

    step("written after encryption: a staff member's name, sealed");
    manager.click_button("Add staff member").await?;
    manager.type_into("Full name", "Dra. Inés Calvo").await?;
    manager.select_option("Role", "Manager").await?;
    manager.click_button("Save staff member").await?;
    manager.wait_for_text("Dra. Inés Calvo", SOON).await?;
    manager.wait_until_synced(SOON).await?;
    ensure!(!relay_files_hold(&relay, "Calvo")?, "the staff member's name is in the relay's files");

    step("she is a manager and gets a PIN: managers' tablets now lock until one signs in");
    manager.click_button("Payroll").await?;
    manager.click_in_row("Dra. Inés Calvo", "Edit").await?;
    manager.type_into("Hourly rate", "30").await?;
    manager.type_into("New PIN (empty keeps it)", MANAGER_PIN).await?;
    manager.click_button("Save").await?;
    // Saved, the PIN is published to the business's tablets: this one locks at once.
    manager.wait_for_text("This tablet is locked", SOON).await?;
    unlock(&manager, MANAGER_PIN).await?;
    manager.wait_until_synced(SOON).await?;

    step("every tablet is lost; the operator pairs a new manager's tablet, which holds no keys");
    manager.close().await?;
    let again = relay.add_device("manager", "New office tablet")?;
    let fresh = driver.browser(TABLET.0, TABLET.1).await?;
    // A slow network (1.5 s each way): the tablet starts long before the relay's first Welcome
    // says the business seals. What it writes meanwhile — nothing, it holds nothing yet — must
    // not wait for keys (a PIN salt made over the real one did, and broke the kiosk's PINs).
    fresh.devtools("Network.enable", serde_json::json!({})).await?;
    let slow =
        serde_json::json!({ "offline": false, "latency": 1500, "downloadThroughput": -1, "uploadThroughput": -1 });
    fresh.devtools("Network.emulateNetworkConditions", slow).await?;
    fresh.goto(&relay.url(&format!("/pair#code={}", again.code))).await?;
    fresh.wait_for_text("Online", RECONNECT).await?;
    fresh.wait_for_text("this tablet has not got its keys yet", RECONNECT).await?;
    let fast = serde_json::json!({ "offline": false, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1 });
    fresh.devtools("Network.emulateNetworkConditions", fast).await?;
    fresh.open_tab("Business").await?;
    fresh.wait_for_text("Every manager's tablet lost?", SOON).await?;
    fresh.wait_until_synced(SOON).await?;
    ensure!(!fresh.text().await?.contains("Inés Calvo"), "a tablet without keys shows sealed data");

    step("a kit one character off opens nothing, and says so");
    let mut wrong = kit.clone();
    wrong.replace_range(27.., if kit.ends_with('2') { "3" } else { "2" });
    fresh.type_into("Recovery kit", &wrong).await?;
    fresh.click_button("Restore with the recovery kit").await?;
    fresh.wait_for_text("This recovery kit does not open this business's keys", SOON).await?;
    fresh.retype("Recovery kit", "ABC").await?;
    fresh.click_button("Restore with the recovery kit").await?;
    fresh.wait_for_text("A recovery kit is 28 characters", SOON).await?;
    fresh.screenshot("recovery-restore-wrong").await?;

    step("the kit, typed as printed, restores the keys: the tablet reads the business, so it locks");
    fresh.retype("Recovery kit", &frontdesk_core::keys::show_groups(&kit)).await?;
    fresh.click_button("Restore with the recovery kit").await?;
    // The lock takes the screen from the card that ran the restore while it finishes: the
    // tablet must go on working, not fail on what that card left behind.
    fresh.wait_for_text("This tablet is locked", SOON).await?;
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let logged = fresh.console_errors().await;
    ensure!(!logged.contains("panicked"), "the tablet failed as it locked after the restore:\n{logged}");

    step("her PIN opens it: the sealed name reads again");
    unlock(&fresh, MANAGER_PIN).await?;
    fresh.wait_for_text("Dra. Inés Calvo", SOON).await?;
    fresh.open_tab("Business").await?;
    fresh.wait_until(SOON, "the waiting banner to go", |text| !text.contains("has not got its keys yet")).await?;
    fresh.screenshot("recovery-restored").await?;

    step("a new kit renews every key first: the old kit is no longer the one shown");
    fresh.click_button("Make a new recovery kit").await?;
    fresh.wait_for_text("I have kept it", SOON).await?;
    let renewed =
        fresh.client.find(fantoccini::Locator::Css(".kit__code")).await?.attr("aria-label").await?.unwrap_or_default();
    ensure!(renewed.len() == 28 && renewed != kit, "a new kit: {renewed}");
    fresh.close().await?;
    Ok(())
}

/// The PIN of the recovery test's second manager.
const MANAGER_PIN: &str = "58203917";

/// Types `pin` on a locked tablet's lock screen and waits until it opens.
async fn unlock(desk: &crate::harness::Browser, pin: &str) -> Result<()> {
    desk.type_into("Your PIN", pin).await?;
    desk.click_button("Unlock").await?;
    desk.wait_until(SOON, "the tablet to open", |t| !t.contains("This tablet is locked")).await.map(drop)
}

/// What a kiosk's `keys` store holds as the business's keys (the record `held`): for each key its
/// scope, and — for a `CryptoKey` — its type and whether page script could read it, or that it is
/// public bytes only.
async fn kiosk_keys(kiosk: &crate::harness::Browser) -> Result<Vec<serde_json::Value>> {
    let script = r#"
        const done = arguments[0];
        const open = indexedDB.open("frontdesk-kiosk");
        open.onerror = () => done("could not open");
        open.onsuccess = () => {
            const db = open.result;
            const get = db.transaction("keys").objectStore("keys").get("held");
            get.onsuccess = () => {
                db.close();
                done((get.result || []).map((r) => ({
                    scope: r.scope,
                    type: r.key ? r.key.type : null,
                    extractable: r.key ? r.key.extractable : null,
                    public: !r.key && r.public instanceof Uint8Array && r.public.length === 32,
                })));
            };
            get.onerror = () => { db.close(); done("could not read"); };
        };
    "#;
    let held = kiosk.client.execute_async(script, vec![]).await?;
    held.as_array().cloned().ok_or_else(|| anyhow::anyhow!("the kiosk's keys: {held}"))
}
