//! Pairing as a new user meets it, and as an attacker tries it (issue #18): codes typed at
//! `/pair`, used twice, expired or guessed; a kiosk's storage copied into another browser; a
//! tablet revoked while in use.

use std::time::{Duration, Instant};

use anyhow::{Result, ensure};

use crate::harness::{Driver, Lobby, Relay, add_device_on_card, set_up_business, step};
use crate::{SOON, TABLET, TABLET_PORTRAIT};

const WRONG: &str = "That code is not right. Check it and try again.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_typed_code_shows_the_business_before_joining_and_used_expired_or_guessed_codes_are_refused_in_words()
-> Result<()> {
    let relay = Relay::start()?;
    let driver = Driver::start_in_zone(None)?;
    let front = relay.add_device("staff", "Front desk")?;
    let tablet = driver.browser(TABLET_PORTRAIT.0, TABLET_PORTRAIT.1).await?;

    step("a new tablet opens /pair: the field says what it wants");
    tablet.goto(&relay.url("/pair")).await?;
    tablet.wait_for_text("Pair this device", SOON).await?;
    tablet.type_into("Pairing code", "ABC").await?;
    tablet.click_button("Continue").await?;
    tablet.wait_for_text("A pairing code has 8 letters and digits, like K7QM 2XHD", SOON).await?;

    step("five wrong codes, each refused; the sixth try, with the right code, is refused too");
    for (n, wrong) in ["2222 2222", "3333-3333", "4444 4444", "5555 5555", "6666 6666"].into_iter().enumerate() {
        tablet.retype("Pairing code", wrong).await?;
        tablet.click_button("Continue").await?;
        tablet.wait_for_text(WRONG, SOON).await?;
        if n == 0 {
            tablet.screenshot("pair-wrong-code").await?;
        }
        // Each answer replaces the last: wait for the form to be ready again.
        tablet.wait_for_text("Continue", SOON).await?;
    }
    tablet.retype("Pairing code", &front.code.to_lowercase()).await?;
    tablet.click_button("Continue").await?;
    tablet
        .wait_for_text("This code no longer works: too many wrong codes were tried. Ask for a new one.", SOON)
        .await?;

    step("a new code: the business and the device it makes are shown before joining");
    let again = relay.add_device("staff", "Front desk")?;
    tablet.retype("Pairing code", &format!("{} {}", &again.code[..4], &again.code[4..])).await?;
    tablet.click_button("Continue").await?;
    tablet.wait_for_text("Join Frontdesk test?", SOON).await?;
    tablet.wait_for_text("This device will be a staff tablet “Front desk”.", SOON).await?;
    tablet.screenshot("pair-confirm").await?;
    tablet.click_button("Join").await?;
    tablet.wait_for_text("Online", SOON).await?;
    ensure!(tablet.client.current_url().await?.path() == "/desk", "a staff tablet opens the desk");

    step("the same code in another browser: already used, said in Spanish too");
    let other = driver.browser(TABLET.0, TABLET.1).await?;
    other.goto(&relay.url("/pair")).await?;
    other.wait_for_text("Pair this device", SOON).await?;
    other.click_button("Español").await?;
    other.wait_for_text("Código de emparejamiento", SOON).await?;
    other.type_into("Código de emparejamiento", &again.code).await?;
    other.click_button("Continuar").await?;
    other.wait_for_text("Este código ya se ha usado. Pida uno nuevo.", SOON).await?;
    other.screenshot("pair-used-code-es").await?;

    step("a code past its time is refused");
    let short = relay.add_device_for("kiosk", "Lobby kiosk", 1)?;
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    other.retype("Código de emparejamiento", &short.code).await?;
    other.click_button("Continuar").await?;
    other.wait_for_text("Este código ha caducado: los códigos duran 10 minutos. Pida uno nuevo.", SOON).await?;
    other.click_button("English").await?;
    other.wait_for_text("This code has expired: codes work for 10 minutes. Ask for a new one.", SOON).await?;

    step("a kiosk code typed on /pair pairs the kiosk and opens it");
    let kiosk = relay.add_device("kiosk", "Lobby kiosk")?;
    other.retype("Pairing code", &kiosk.code).await?;
    other.click_button("Continue").await?;
    other.wait_for_text("This device will be the lobby kiosk “Lobby kiosk”.", SOON).await?;
    other.click_button("Join").await?;
    other.wait_for_text("Online", SOON).await?;
    ensure!(other.client.current_url().await?.path().starts_with("/kiosk"), "a kiosk opens the kiosk");
    ensure!(relay.log().contains("pairing preview refused"), "the relay logged no refusal");
    other.close().await?;
    tablet.close().await
}

/// Everything page script can read of this origin's storage, as JSON: localStorage, and every
/// record of every IndexedDB store (a CryptoKey turns into `{}`; bytes into arrays).
const DUMP: &str = r#"
    const done = arguments[arguments.length - 1];
    (async () => {
        const plain = (v) => {
            if (v instanceof ArrayBuffer) return { bytes: Array.from(new Uint8Array(v)) };
            if (ArrayBuffer.isView(v)) return { bytes: Array.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
            if (Array.isArray(v)) return v.map(plain);
            if (v && typeof v === "object") {
                if (v instanceof CryptoKey) return { cryptoKey: true, extractable: v.extractable };
                return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
            }
            return v;
        };
        const out = { local: { ...localStorage }, dbs: {} };
        for (const info of await indexedDB.databases()) {
            const db = await new Promise((ok, fail) => { const r = indexedDB.open(info.name); r.onsuccess = () => ok(r.result); r.onerror = fail; });
            out.dbs[info.name] = { version: db.version, stores: {} };
            for (const name of db.objectStoreNames) {
                const tx = db.transaction(name);
                const keys = await new Promise((ok) => { const r = tx.objectStore(name).getAllKeys(); r.onsuccess = () => ok(r.result); });
                const values = await new Promise((ok) => { const r = tx.objectStore(name).getAll(); r.onsuccess = () => ok(r.result); });
                out.dbs[info.name].stores[name] = keys.map((k, i) => [k, plain(values[i])]);
            }
            db.close();
        }
        // The one thing page script may try with the key: export it. It must refuse.
        let exported = "refused";
        const kiosk = await new Promise((ok) => { const r = indexedDB.open("frontdesk-kiosk"); r.onsuccess = () => ok(r.result); });
        const record = await new Promise((ok) => { const r = kiosk.transaction("keys").objectStore("keys").get("device"); r.onsuccess = () => ok(r.result); });
        kiosk.close();
        try { await crypto.subtle.exportKey("pkcs8", record.private); exported = "exported"; } catch (e) { exported = e.name; }
        out.export = exported;
        return out;
    })().then(done, (e) => done({ error: String(e) }));
"#;

/// Writes a dump into this origin's storage; `own_key`: put a key this browser makes (with the
/// dumped public bytes) in place of the private key that could not be copied.
const RESTORE: &str = r#"
    const [dump, ownKey, done] = arguments;
    (async () => {
        const revive = (v) => {
            if (Array.isArray(v)) return v.map(revive);
            if (v && typeof v === "object") {
                if (Array.isArray(v.bytes)) return new Uint8Array(v.bytes);
                return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revive(x)]));
            }
            return v;
        };
        for (const [k, v] of Object.entries(dump.local)) localStorage.setItem(k, v);
        for (const [name, { version, stores }] of Object.entries(dump.dbs)) {
            const db = await new Promise((ok, fail) => {
                const r = indexedDB.open(name, version);
                r.onupgradeneeded = () => { for (const s of Object.keys(stores)) if (!r.result.objectStoreNames.contains(s)) r.result.createObjectStore(s); };
                r.onsuccess = () => ok(r.result); r.onerror = fail;
            });
            for (const [store, records] of Object.entries(stores)) {
                for (const [key, value] of records) {
                    let v = revive(value);
                    if (store === "keys" && ownKey) {
                        const pair = await crypto.subtle.generateKey("Ed25519", false, ["sign"]);
                        v = { private: pair.privateKey, public: v.public };
                    }
                    await new Promise((ok, fail) => { const tx = db.transaction(store, "readwrite"); tx.objectStore(store).put(v, key); tx.oncomplete = ok; tx.onerror = fail; });
                }
            }
            db.close();
        }
        return "restored";
    })().then(done, (e) => done("failed: " + e));
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kiosks_storage_copied_into_a_fresh_browser_cannot_connect_as_the_kiosk() -> Result<()> {
    let lobby = Lobby::open(&[]).await?;
    let kiosk_id = lobby.relay.device_id("Lobby kiosk")?;

    step("everything page script can read on the kiosk, copied out; its key will not export");
    let dump = lobby.kiosk.client.execute_async(DUMP, vec![]).await?;
    ensure!(dump.get("error").is_none(), "the dump failed: {dump}");
    ensure!(dump["export"] == "InvalidAccessError", "the kiosk's private key: {}", dump["export"]);
    let records = dump["dbs"]["frontdesk-kiosk"]["stores"]["keys"].as_array().cloned().unwrap_or_default();
    let record = |name: &str| records.iter().find(|r| r[0] == name).map(|r| r[1].clone()).unwrap_or_default();
    let key_record = record("device");
    ensure!(
        key_record["private"]["cryptoKey"] == true && key_record["private"]["extractable"] == false,
        "{key_record}"
    );
    // Nor will its key agreement key (envelopes of the business's keys are sealed to it).
    let agreement = record("agreement");
    ensure!(agreement["key"]["cryptoKey"] == true && agreement["key"]["extractable"] == false, "{agreement}");
    let settings = dump["local"]["frontdesk.kiosk"].as_str().unwrap_or_default().to_owned();
    ensure!(settings.contains(&kiosk_id), "the copy holds the kiosk's id: {settings}");

    step("pasted into a fresh browser: it cannot start as the kiosk");
    let thief = lobby.driver.browser(1920, 1080).await?;
    thief.goto(&lobby.relay.url("/kiosk/")).await?;
    thief.wait_for_text("Pair this device", SOON).await?;
    let restored = thief.client.execute_async(RESTORE, vec![dump.clone(), false.into()]).await?;
    ensure!(restored == "restored", "{restored}");
    thief.client.refresh().await?;
    thief.wait_for_text("This device must be paired again before it can sync.", SOON).await?;

    step("with a key of its own in place of the one it could not copy: the relay refuses it");
    let thief2 = lobby.driver.browser(1920, 1080).await?;
    thief2.goto(&lobby.relay.url("/kiosk/")).await?;
    thief2.wait_for_text("Pair this device", SOON).await?;
    let restored = thief2.client.execute_async(RESTORE, vec![dump, true.into()]).await?;
    ensure!(restored == "restored", "{restored}");
    thief2.client.refresh().await?;
    thief2.wait_for_text("This device is not recognised by the relay", SOON).await?;
    // It takes no check-in that could never reach the desk: out of service, and whom to see.
    thief2.wait_for_text("This kiosk cannot take check-ins right now. Please see the front desk.", SOON).await?;
    ensure!(!thief2.text().await?.contains("Check in"), "a refused kiosk still offers to check in");
    thief2.screenshot("kiosk-copied-refused").await?;
    let log = lobby.relay.log();
    ensure!(log.contains("did not prove its key"), "the relay logged no refusal:\n{log}");
    let connected = log.lines().filter(|l| l.contains("device connected") && l.contains(&kiosk_id)).count();

    step("the real kiosk is still online, and connects again after a reload");
    lobby.kiosk.client.refresh().await?;
    lobby.kiosk.wait_for_text("Online", SOON).await?;
    let start = Instant::now();
    while lobby.relay.log().lines().filter(|l| l.contains("device connected") && l.contains(&kiosk_id)).count()
        <= connected
    {
        ensure!(start.elapsed() < SOON, "the real kiosk did not connect again");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    thief.close().await?;
    thief2.close().await?;
    lobby.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_tablet_is_out_at_once_and_keeps_nothing_of_the_business() -> Result<()> {
    let mut lobby = Lobby::open(&[]).await?;
    let manager = lobby.open_desk_as("manager", TABLET.0, TABLET.1).await?;
    set_up_business(&manager, "Clínica Sol", "Medical office", &["Dra. Ruiz"]).await?;
    // The kiosk paired from the command line first (no key check: no manager can vouch for it),
    // so the manager's tablet is not alone and leaves encryption to the manager's choice.
    manager.wait_for_text("This tablet", SOON).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let text = manager.text().await?;
    ensure!(
        text.contains("End-to-end encryption is off") && !text.contains("End-to-end encryption is on"),
        "encryption came on with a device no one can give keys to: {text}"
    );
    let tablet = lobby.open_desk(TABLET_PORTRAIT.0, TABLET_PORTRAIT.1).await?;
    tablet.wait_for_text("Clínica Sol", SOON).await?;
    ensure!(!tablet.traces_of("Dra. Ruiz").await?.is_empty(), "the tablet holds the business's staff");

    step("the operator revokes the tablet: it is out, and says why");
    let id = lobby.relay.device_id("Desk 2")?;
    tablet.watch_for_text(&["A manager removed this device."]).await?;
    let before = tablet.now_ms().await?;
    lobby.relay.cli(&["device", "revoke", &id])?;
    let seen = tablet.seen_at("A manager removed this device.", SOON).await?;
    println!("revoked tablet: notice {:.0} ms after the revoke command", seen - before);
    tablet.wait_for_text("Pair this device", SOON).await?;
    tablet.screenshot("desk-revoked").await?;

    step("nothing of the business is left on it, nor after a reload");
    for trace in ["Dra. Ruiz", "Clínica Sol", &id] {
        let found = tablet.traces_of(trace).await?;
        ensure!(found.is_empty(), "{trace} is still on the revoked tablet: {found:?}");
    }
    tablet.client.refresh().await?;
    tablet.wait_for_text("Pair this device", SOON).await?;
    manager.wait_for_text("Online", SOON).await?;
    lobby.close().await
}

/// Waits until the Devices card says `name` paired — and, the business being encrypted, handed
/// its keys (the one note may follow the other quickly).
async fn paired(manager: &crate::harness::Browser, name: &str) -> Result<()> {
    let keys = format!("“{name}” has its keys.");
    manager.wait_until(SOON, &keys, |text| text.contains(&keys)).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_manager_pairs_a_kiosk_and_a_staff_tablet_by_code_then_renames_and_revokes_from_the_list() -> Result<()> {
    let relay = Relay::start()?;
    let driver = Driver::start_in_zone(None)?;

    step("the first run: the manager's tablet opens the link the relay printed");
    let first = relay.add_device("manager", "Office")?;
    let manager = driver.browser(TABLET.0, TABLET.1).await?;
    manager.goto(&relay.url(&format!("/pair#code={}", first.code))).await?;
    manager.wait_for_text("Online", SOON).await?;
    set_up_business(&manager, "Clínica Sol", "Medical office", &[]).await?;

    step("encryption came on by itself: the first manager's tablet was alone in the business");
    manager.wait_for_text("End-to-end encryption is on", SOON).await?;

    step("Devices → Add a device: a kiosk named Lobby kiosk");
    let (code, check) = add_device_on_card(&manager, "Lobby kiosk", "Lobby kiosk").await?;
    manager.wait_for_text("Works once, until", SOON).await?;
    manager.screenshot("devices-pairing-code").await?;

    step("the kiosk types the code and its key check, sees the business, joins");
    let kiosk = driver.browser(1920, 1080).await?;
    kiosk.goto(&relay.url("/kiosk/")).await?;
    kiosk.type_into("Pairing code", &format!("{code} {check}")).await?;
    kiosk.click_button("Continue").await?;
    kiosk.wait_for_text("Join Clínica Sol?", SOON).await?;
    kiosk.wait_for_text("This device will be the lobby kiosk “Lobby kiosk”.", SOON).await?;
    kiosk.click_button("Join").await?;
    kiosk.wait_for_text("Online", SOON).await?;
    kiosk.wait_for_text("Check in", SOON).await?;
    paired(&manager, "Lobby kiosk").await?;
    manager.click_button("Done").await?;

    step("a staff tablet the same way, from /pair");
    let (code, check) = add_device_on_card(&manager, "Staff tablet", "Front desk").await?;
    let tablet = driver.browser(TABLET_PORTRAIT.0, TABLET_PORTRAIT.1).await?;
    tablet.goto(&relay.url("/pair")).await?;
    tablet.type_into("Pairing code", &format!("{code} {check}")).await?;
    tablet.click_button("Continue").await?;
    tablet.click_button("Join").await?;
    tablet.wait_for_text("Online", SOON).await?;
    tablet.wait_for_text("Clínica Sol", SOON).await?;
    paired(&manager, "Front desk").await?;
    manager.click_button("Done").await?;

    step("the list: every device, this tablet marked; a rename");
    manager.wait_for_text("This tablet", SOON).await?;
    for name in ["Office", "Lobby kiosk", "Front desk"] {
        manager.wait_for(&format!("//span[@class='device-row__name'][normalize-space(.)='{name}']"), SOON).await?;
    }
    manager.click_in_row("Front desk", "Rename").await?;
    manager.retype("Its name", "Reception").await?;
    manager.click_xpath("//form[contains(@class,'device-row__rename')]//button[normalize-space(.)='Rename']").await?;
    manager.wait_for("//span[@class='device-row__name'][normalize-space(.)='Reception']", SOON).await?;
    manager.screenshot("devices-list").await?;

    step("revoke Reception: asked first, then out at once and wiped");
    manager.click_in_row("Reception", "Revoke").await?;
    manager.wait_for_text("Revoke “Reception”? It is disconnected at once", SOON).await?;
    manager.screenshot("devices-revoke-confirm").await?;
    tablet.watch_for_text(&["A manager removed this device."]).await?;
    let before = tablet.now_ms().await?;
    manager.click_xpath("//div[contains(@class,'device-row__confirm')]//button[normalize-space(.)='Revoke']").await?;
    let seen = tablet.seen_at("A manager removed this device.", SOON).await?;
    println!("revoked from the manager's list: the tablet said so {:.0} ms later", seen - before);
    // The business is encrypted: the card renews the keys the tablet could read and hands them to
    // every other device before it revokes (1.2 s seen on this machine with three browsers busy,
    // 2026-12-07); the revocation itself then reaches the tablet at once.
    ensure!(seen - before < 3_000.0, "the revoked tablet took {:.0} ms", seen - before);
    manager.wait_for_text("Revoked", SOON).await?;
    ensure!(tablet.traces_of("Clínica Sol").await?.is_empty(), "the revoked tablet still holds the business");
    kiosk.wait_for_text("Online", SOON).await?;
    kiosk.close().await?;
    tablet.close().await?;
    manager.close().await
}
