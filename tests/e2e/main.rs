//! End-to-end: a real relay, a kiosk and desks in headless Chromium, used as people use them.
#![cfg(not(target_arch = "wasm32"))]

mod accessibility;
mod calendar;
mod erasure;
mod harness;
mod history;
mod insurance;
mod keys;
mod layout;
mod pairing;
mod people;
mod polish;
mod retention;
mod sales;
mod setup;
mod signin;
mod team;
mod trust;

use std::time::Duration;

use anyhow::Result;
use harness::{ARROW_DOWN, ENTER, Lobby, SPACE, check_in_at_kiosk, check_in_at_kiosk_timed, confirm_at_kiosk};
use serde_json::json;

const SOON: Duration = Duration::from_secs(10);
/// Reconnecting waits out a backoff of up to 7.5 s.
const RECONNECT: Duration = Duration::from_secs(25);

/// Desk tablet, landscape.
const TABLET: (u32, u32) = (1280, 800);
/// Desk tablet, portrait.
const TABLET_PORTRAIT: (u32, u32) = (800, 1280);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kiosk_check_in_appears_on_two_desks_and_staff_can_call_undo_and_finish() -> Result<()> {
    let lobby = Lobby::open(&[TABLET, TABLET_PORTRAIT]).await?;
    let (kiosk, desk1, desk2) = (&lobby.kiosk, &lobby.desks[0], &lobby.desks[1]);
    // The setup secret does not stay in the address bar.
    assert!(!desk1.client.current_url().await?.as_str().contains("token"));
    desk1.wait_for_text("No one has checked in yet today", SOON).await?;

    // A fresh browser has not agreed to keep the tablet's data under storage pressure: the desk
    // says so, and once put away the notice stays away on that tablet.
    const NOTICE: &str = "This browser may clear what this tablet keeps";
    desk1.wait_for_text(NOTICE, SOON).await?;
    desk1.screenshot("desk-storage-notice").await?;
    desk1.click_button("Got it").await?;
    desk1.wait_until(SOON, "the storage notice put away", |t| !t.contains(NOTICE)).await?;
    desk1.client.refresh().await?;
    desk1.wait_for_text("No one has checked in yet today", SOON).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(!desk1.text().await?.contains(NOTICE), "the notice came back after it was put away");
    // The notice shows within a second of the board (timed in the page, from its first load).
    desk2.wait_for_text(NOTICE, SOON).await?;
    const EMPTY_BOARD: &str = "No one has checked in yet today";
    desk2.watch_on_next_load(&[EMPTY_BOARD, NOTICE]).await?;
    desk2.client.refresh().await?;
    let board_at = desk2.seen_at(EMPTY_BOARD, SOON).await?;
    let notice_at = desk2.seen_at(NOTICE, SOON).await?;
    println!("storage notice {:.0} ms after the board", notice_at - board_at);
    assert!(notice_at - board_at <= 1000.0, "the storage notice took {:.0} ms after the board", notice_at - board_at);
    // A browser that keeps the data (as an installed app is allowed to) shows no notice.
    desk2.devtools("Browser.grantPermissions", json!({ "permissions": ["durableStorage"] })).await?;
    desk2.client.refresh().await?;
    desk2.wait_for_text("No one has checked in yet today", SOON).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(!desk2.text().await?.contains(NOTICE), "a desk whose data is kept still shows the notice");

    kiosk.screenshot("kiosk-1-welcome").await?;
    desk1.screenshot("desk-empty").await?;

    // A visitor can switch the kiosk to Spanish; the next visitor gets the kiosk's own language.
    kiosk.click_button("Español").await?;
    kiosk.wait_for_text("Bienvenido", SOON).await?;
    kiosk.click_button("Registrar llegada").await?;
    kiosk.wait_for_text("¿Cómo se llama?", SOON).await?;
    kiosk.screenshot("kiosk-es-name").await?;
    kiosk.click_button("Empezar de nuevo").await?;
    kiosk.wait_for_text("Welcome", SOON).await?;

    // A check-in reaches every desk within a second: from just before the visitor taps Confirm
    // (the kiosk's clock) to the name showing on each desk (the desk's clock, same machine).
    desk1.watch_for_text(&["Ana Ruiz"]).await?;
    desk2.watch_for_text(&["Ana Ruiz"]).await?;
    let (ticket, confirmed_at) =
        check_in_at_kiosk_timed(kiosk, "Ana Ruiz", "I'd like a service", Some("kiosk")).await?;
    assert!(ticket.ends_with("-001"), "first queue number of the day, got {ticket}");
    let seen1 = desk1.seen_at("Ana Ruiz", SOON).await? - confirmed_at;
    let seen2 = desk2.seen_at("Ana Ruiz", SOON).await? - confirmed_at;
    println!("check-in reached desk 1 in {seen1:.0} ms and desk 2 in {seen2:.0} ms after Confirm");
    assert!(seen1 <= 1000.0 && seen2 <= 1000.0, "a check-in took {seen1:.0} / {seen2:.0} ms to reach the desks");
    desk1.wait_for_column("Waiting", &["Ana Ruiz"], SOON).await?;
    desk2.wait_for_column("Waiting", &["Ana Ruiz"], SOON).await?;
    assert!(desk1.text().await?.contains(&ticket), "the desk shows the queue number {ticket}");

    check_in_at_kiosk(kiosk, "Bruno Díaz", "I'm here to see someone", None).await?;
    desk1.wait_for_column("Waiting", &["Ana Ruiz", "Bruno Díaz"], SOON).await?;

    // Call Ana in on desk 1: desk 2 sees it move.
    desk1.click_in_card("Ana Ruiz", "Call in").await?;
    desk2.wait_for_column("With staff", &["Ana Ruiz"], SOON).await?;
    desk1.screenshot("desk-board-landscape").await?;
    desk2.screenshot("desk-board-portrait").await?;

    // A mistaken click, undone.
    desk1.click_in_card("Bruno Díaz", "No-show").await?;
    desk2.wait_for_column("Finished", &["Bruno Díaz"], SOON).await?;
    desk1.click_button("Undo").await?;
    desk1.wait_for_column("Waiting", &["Bruno Díaz"], SOON).await?;
    desk2.wait_for_column("Waiting", &["Bruno Díaz"], SOON).await?;

    desk2.click_in_card("Ana Ruiz", "Done").await?;
    desk1.wait_for_column("Finished", &["Ana Ruiz"], SOON).await?;

    // A visitor who does not tap Done: ten seconds later the kiosk is back at its welcome (the
    // kiosk's clock is moved on rather than waited for).
    confirm_at_kiosk(kiosk, "Clara Pons", "I'd like a service", None).await?;
    kiosk.shift_clock(7_000).await?;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert!(kiosk.text().await?.contains("Thank you, Clara"), "the thanks screen left before its ten seconds");
    kiosk.shift_clock(3_000).await?;
    kiosk.wait_for_text("Welcome", Duration::from_secs(3)).await?;
    assert!(!kiosk.text().await?.contains("Clara"), "the kiosk still shows the last visitor");
    desk1.wait_for_column("Waiting", &["Bruno Díaz", "Clara Pons"], SOON).await?;
    // A visitor who walks away half-way: after a minute with nobody touching it, the kiosk starts
    // over and forgets what was typed.
    kiosk.click_button("Check in").await?;
    kiosk.type_into("What is your name?", "Dario Vega").await?;
    kiosk.shift_clock(50_000).await?;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(kiosk.field_value("What is your name?").await?, "Dario Vega", "the kiosk gave up before a minute");
    kiosk.shift_clock(11_000).await?;
    kiosk.wait_for_text("Welcome", Duration::from_secs(3)).await?;
    kiosk.click_button("Check in").await?;
    assert_eq!(kiosk.field_value("What is your name?").await?, "", "the kiosk kept a name typed before it reset");
    kiosk.click_button("Start over").await?;
    kiosk.wait_for_text("Welcome", SOON).await?;

    // The kiosk shows nothing of the visitors once they are done, and keeps nothing of them
    // once the relay has their check-ins.
    let kiosk_text = kiosk.text().await?;
    for name in ["Ana", "Bruno", "Clara", "Dario"] {
        assert!(!kiosk_text.contains(name), "kiosk still shows a visitor: {kiosk_text}");
    }
    kiosk.wait_until_synced(SOON).await?;
    assert_eq!(kiosk.stored_records("frontdesk-kiosk", "outbox").await?, 0);
    lobby.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_kiosk_and_desk_converge_when_the_relay_returns() -> Result<()> {
    let mut lobby = Lobby::open(&[TABLET]).await?;
    let (kiosk, desk) = (&lobby.kiosk, &lobby.desks[0]);
    check_in_at_kiosk(kiosk, "Carmen Vidal", "I have an appointment", None).await?;
    desk.wait_for_column("Waiting", &["Carmen Vidal"], SOON).await?;

    lobby.relay.kill();
    kiosk.wait_for_text("Offline", RECONNECT).await?;
    desk.wait_for_text("Offline", RECONNECT).await?;

    // Both keep working with no relay at all.
    check_in_at_kiosk(kiosk, "Diego Soto", "I'd like a service", None).await?;
    check_in_at_kiosk(kiosk, "Elena Mora", "I'm here to see someone", None).await?;
    kiosk.wait_for_text("2 waiting to sync", SOON).await?;
    desk.click_in_card("Carmen Vidal", "Call in").await?;
    desk.wait_for_column("With staff", &["Carmen Vidal"], SOON).await?;
    desk.wait_for_text("1 waiting to sync", SOON).await?;
    kiosk.screenshot("kiosk-offline").await?;
    desk.screenshot("desk-offline").await?;

    lobby.relay.restart()?;
    kiosk.wait_until_synced(RECONNECT).await?;
    desk.wait_until_synced(RECONNECT).await?;
    desk.wait_for_column("Waiting", &["Diego Soto", "Elena Mora"], SOON).await?;
    desk.wait_for_column("With staff", &["Carmen Vidal"], SOON).await?;

    // A desk that was never offline sees the same board, nothing lost and nothing doubled.
    let late = lobby.open_desk(TABLET.0, TABLET.1).await?;
    late.wait_for_column("Waiting", &["Diego Soto", "Elena Mora"], SOON).await?;
    late.wait_for_column("With staff", &["Carmen Vidal"], SOON).await?;
    lobby.relay.integrity_check()?;
    late.close().await?;
    lobby.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_killed_during_a_burst_of_check_ins_loses_none() -> Result<()> {
    let mut lobby = Lobby::open(&[TABLET]).await?;
    let names = ["Visitor One", "Visitor Two", "Visitor Three", "Visitor Four", "Visitor Five", "Visitor Six"];
    for (i, name) in names.iter().enumerate() {
        check_in_at_kiosk(&lobby.kiosk, name, "I'd like a service", None).await?;
        if i == 2 {
            lobby.relay.kill(); // SIGKILL mid-burst
        }
    }
    lobby.relay.restart()?;
    lobby.relay.integrity_check()?;
    lobby.desks[0].wait_for_column("Waiting", &names, RECONNECT).await?;
    lobby.kiosk.wait_until_synced(RECONNECT).await?;
    lobby.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_with_the_relay_down_still_shows_the_board() -> Result<()> {
    let mut lobby = Lobby::open(&[TABLET]).await?;
    let (kiosk, desk) = (&lobby.kiosk, &lobby.desks[0]);
    check_in_at_kiosk(kiosk, "Fátima Gil", "I have an appointment", None).await?;
    desk.wait_for_column("Waiting", &["Fátima Gil"], SOON).await?;
    desk.click_in_card("Fátima Gil", "Call in").await?;
    desk.wait_for_column("With staff", &["Fátima Gil"], SOON).await?;
    desk.wait_until_synced(SOON).await?;
    desk.wait_for_offline_ready().await?;
    kiosk.wait_for_offline_ready().await?;

    lobby.relay.kill();
    desk.client.refresh().await?;
    desk.wait_for_column("With staff", &["Fátima Gil"], SOON).await?;
    desk.wait_for_text("Offline", RECONNECT).await?;
    // Sections never opened before load offline too: their parts of the wasm (fetched only when a
    // section opens) were kept by the service worker with the rest of the app.
    desk.click_button("Billing").await?;
    desk.wait_for_text("No invoices this month yet.", SOON).await?;
    desk.click_button("Calendar").await?;
    desk.wait_for_text("The calendar needs the business set up", SOON).await?;
    desk.click_button("Arrivals").await?;
    kiosk.client.refresh().await?;
    kiosk.wait_for_text("Welcome", SOON).await?;
    // The kiosk still takes check-ins after an offline reload.
    check_in_at_kiosk(kiosk, "Gael Ortiz", "I'd like a service", None).await?;
    kiosk.wait_for_text("1 waiting to sync", SOON).await?;

    lobby.relay.restart()?;
    desk.wait_for_column("Waiting", &["Gael Ortiz"], RECONNECT).await?;
    desk.wait_for_column("With staff", &["Fátima Gil"], SOON).await?;
    lobby.close().await
}

/// Statuses as the desk shows them: (column, name) pairs, sorted.
async fn board_state(desk: &harness::Browser, names: &[&str]) -> Result<Vec<(String, String)>> {
    let mut state = Vec::new();
    for column in ["Waiting", "With staff", "Finished"] {
        for name in desk.names_in(column).await? {
            if names.contains(&name.as_str()) {
                state.push((column.to_owned(), name));
            }
        }
    }
    state.sort();
    Ok(state)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_edit_the_desk_showed_survives_a_renderer_crash() -> Result<()> {
    let mut lobby = Lobby::open(&[TABLET]).await?;
    let names = ["Hugo Paz", "Inés Rey", "Jon Ibarra"];
    for name in names {
        check_in_at_kiosk(&lobby.kiosk, name, "I'd like a service", None).await?;
    }
    lobby.desks[0].wait_for_column("Waiting", &names, SOON).await?;
    lobby.desks[0].wait_for_offline_ready().await?;
    // With the relay gone, the tablet's own storage is the only copy of what staff do next.
    lobby.relay.kill();
    let desk_url = lobby.relay.url("/desk");
    // Each action with the column it moves the visitor to.
    let actions =
        [("Hugo Paz", "Call in", "With staff"), ("Inés Rey", "No-show", "Finished"), ("Hugo Paz", "Done", "Finished")];
    // Crash at a random moment after each click (the first round at once): before the save,
    // during it, or after the screen caught up. The seed is printed to replay a failure.
    let seed = std::env::var("FRONTDESK_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos() as u64).unwrap_or(7)
    });
    let waits: Vec<u64> = (0..actions.len() as u64).map(|i| if i == 0 { 0 } else { (seed >> (8 * i)) % 90 }).collect();
    println!("renderer crashes {waits:?} ms after each click (FRONTDESK_CRASH_SEED={seed})");
    for (round, (name, action, target)) in actions.into_iter().enumerate() {
        let desk = &lobby.desks[0];
        desk.click_in_card(name, action).await?;
        tokio::time::sleep(Duration::from_millis(waits[round])).await;
        let shown = board_state(desk, &names).await?;
        desk.crash_and_reopen(&desk_url).await?;
        desk.wait_for_text("Offline", RECONNECT).await?;
        let after = board_state(desk, &names).await?;
        for entry in &shown {
            // The click itself may have been saved after the screen was read: for that visitor
            // the column it leads to is the one other acceptable state.
            let moved_on = entry.1 == name && after.contains(&(target.to_owned(), name.to_owned()));
            assert!(
                after.contains(entry) || moved_on,
                "round {round}: {entry:?} was on screen before the crash, gone after: {after:?}"
            );
        }
        assert_eq!(after.len(), names.len(), "round {round}: every visitor is on the board once: {after:?}");
    }
    lobby.desks[0].wait_for_column("Finished", &["Hugo Paz", "Inés Rey"], SOON).await?;
    lobby.relay.restart()?;
    let late = lobby.open_desk(TABLET.0, TABLET.1).await?;
    late.wait_for_column("Finished", &["Hugo Paz", "Inés Rey"], RECONNECT).await?;
    late.wait_for_column("Waiting", &["Jon Ibarra"], SOON).await?;
    late.close().await?;
    lobby.close().await
}

/// The kiosk shows the visitor's ticket as soon as the check-in is written ahead to localStorage,
/// before IndexedDB's durable commit (which waits for the disk): a tab that crashes in between
/// still has the check-in, and sends it when it starts again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_in_whose_ticket_showed_survives_a_crash_before_the_durable_save() -> Result<()> {
    let lobby = Lobby::open(&[TABLET]).await?;
    let kiosk = &lobby.kiosk;
    kiosk.wait_for_offline_ready().await?;
    // A disk that does not answer, simulated: another connection keeps the kiosk's outbox in a
    // transaction that never ends, so the kiosk's durable save waits behind it (as does its
    // sending: a check-in is sent once saved).
    let block = r#"
        const done = arguments[arguments.length - 1];
        const open = indexedDB.open("frontdesk-kiosk");
        open.onerror = () => done("cannot open: " + open.error);
        open.onsuccess = () => {
            const tx = open.result.transaction(["outbox"], "readwrite");
            const store = tx.objectStore("outbox");
            window.__spins = 0;
            const spin = () => { window.__spins++; store.get("none").onsuccess = spin; };
            spin();
            done("blocking");
        };
    "#;
    assert_eq!(kiosk.client.execute_async(block, vec![]).await?, json!("blocking"));
    check_in_at_kiosk(kiosk, "Mara Gil", "I'd like a service", None).await?;
    let spins = |v: serde_json::Value| v.as_f64().unwrap_or(0.0);
    let before = spins(kiosk.client.execute("return window.__spins", vec![]).await?);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after = spins(kiosk.client.execute("return window.__spins", vec![]).await?);
    assert!(after > before, "the simulated slow disk stopped blocking the outbox");
    let written_ahead = kiosk
        .client
        .execute("return Object.keys(localStorage).filter(k => k.startsWith('frontdesk.kiosk.spill.')).length", vec![])
        .await?;
    assert_eq!(written_ahead, json!(1), "the check-in was not written ahead");
    lobby.desks[0].wait_for_text("No one has checked in yet today", SOON).await?;
    assert!(!lobby.desks[0].text().await?.contains("Mara Gil"), "the check-in was sent before it was saved");

    kiosk.crash_and_reopen(&lobby.relay.url("/kiosk")).await?;
    lobby.desks[0].wait_for_column("Waiting", &["Mara Gil"], RECONNECT).await?;
    kiosk.wait_until_synced(RECONNECT).await?;
    // Once the relay has it, the kiosk keeps nothing of her.
    assert_eq!(kiosk.traces_of("Mara Gil").await?, Vec::<String>::new());
    lobby.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_is_shown_at_once_and_every_change_is_kept_until_the_relay_has_it() -> Result<()> {
    let mut lobby = Lobby::open(&[TABLET]).await?;
    check_in_at_kiosk(&lobby.kiosk, "Karla Soto", "I'd like a service", None).await?;
    lobby.desks[0].wait_for_column("Waiting", &["Karla Soto"], SOON).await?;
    lobby.desks[0].wait_until_synced(SOON).await?;
    lobby.desks[0].wait_for_offline_ready().await?;
    lobby.kiosk.wait_for_offline_ready().await?;
    // The relay is down (the devices' storage is the only copy) and both have no room left.
    lobby.relay.kill();
    let origin = lobby.relay.url("");
    tokio::try_join!(lobby.kiosk.fill_storage(&origin), lobby.desks[0].fill_storage(&origin))?;
    check_in_at_kiosk(&lobby.kiosk, "Luis Vega", "I'd like a service", None).await?;
    lobby.kiosk.wait_for_text("storage is full", Duration::from_secs(1)).await?;
    lobby.kiosk.screenshot("kiosk-storage-full").await?;
    let desk = &lobby.desks[0];
    desk.click_in_card("Karla Soto", "Call in").await?;
    desk.wait_for_column("With staff", &["Karla Soto"], SOON).await?;
    desk.wait_for_text("storage is full", Duration::from_secs(1)).await?;
    desk.screenshot("desk-storage-full").await?;
    // Both tabs crash before the relay ever had those changes: each was kept all the same.
    lobby.kiosk.crash_and_reopen(&lobby.relay.url("/kiosk")).await?;
    lobby.kiosk.wait_for_text("1 waiting to sync", RECONNECT).await?;
    desk.crash_and_reopen(&lobby.relay.url("/desk")).await?;
    desk.wait_for_text("Offline", RECONNECT).await?;
    desk.wait_for_column("With staff", &["Karla Soto"], SOON).await?;
    lobby.relay.restart()?;
    desk.wait_for_column("Waiting", &["Luis Vega"], RECONNECT).await?;
    lobby.kiosk.wait_until_synced(RECONNECT).await?;
    desk.wait_until_synced(RECONNECT).await?;
    let late = lobby.open_desk(TABLET.0, TABLET.1).await?;
    late.wait_for_column("With staff", &["Karla Soto"], RECONNECT).await?;
    late.wait_for_column("Waiting", &["Luis Vega"], SOON).await?;
    late.close().await?;
    // Once the relay has the check-in, the kiosk keeps nothing of the visitor.
    assert_eq!(lobby.kiosk.traces_of("Luis Vega").await?, Vec::<String>::new());
    lobby.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_checks_in_with_the_keyboard_alone() -> Result<()> {
    let lobby = Lobby::open(&[TABLET]).await?;
    let kiosk = &lobby.kiosk;
    // From the top of the page: the language switch, then "Check in".
    kiosk.tab_to("Check in", 4, |f| f.text == "Check in").await?;
    kiosk.press(ENTER).await?;
    // Each step puts the focus on what it asks: here the name field, by its label.
    kiosk.wait_for_text("What is your name?", SOON).await?;
    let field = kiosk.focused().await?;
    assert_eq!((field.tag.as_str(), field.text.as_str()), ("input", "What is your name?"), "{field:?}");
    kiosk.press(ENTER).await?;
    kiosk.wait_for_text("Please type your name", SOON).await?;
    assert_eq!(kiosk.focused().await?.tag, "input", "an empty name keeps the focus in the field");
    kiosk.press(&format!("Nora Kim{ENTER}")).await?;
    // The question is announced; the reasons are one Tab stop, and arrows choose among them.
    kiosk.wait_for_text("What brings you in today?", SOON).await?;
    assert_eq!(kiosk.focused().await?.text, "What brings you in today?");
    let first = kiosk.tab_to("the reasons", 1, |f| f.role == "radio").await?;
    assert!(first.text.starts_with("I have an appointment"), "{first:?}");
    kiosk.press(ARROW_DOWN).await?;
    let chosen = kiosk.focused().await?;
    assert!(chosen.text.starts_with("I'd like a service") && chosen.checked == "true", "{chosen:?}");
    kiosk.screenshot("kiosk-keyboard-reason").await?;
    kiosk.tab_to("Next", 4, |f| f.text == "Next").await?;
    kiosk.press(ENTER).await?;
    // Confirm: the terms are a checkbox (Space), then "Confirm check-in".
    kiosk.wait_for_text("Is this right?", SOON).await?;
    assert_eq!(kiosk.focused().await?.text, "Is this right?");
    let terms = kiosk.tab_to("the terms", 6, |f| f.kind == "checkbox").await?;
    assert!(terms.text.starts_with("I accept"), "{terms:?}");
    kiosk.press(SPACE).await?;
    assert_eq!(kiosk.focused().await?.checked, "true");
    kiosk.tab_to("Confirm check-in", 3, |f| f.text == "Confirm check-in").await?;
    kiosk.press(ENTER).await?;
    kiosk.wait_for_text("Your number", SOON).await?;
    assert_eq!(kiosk.focused().await?.text, "Thank you, Nora");
    lobby.desks[0].wait_for_column("Waiting", &["Nora Kim"], SOON).await?;
    // Done, by keyboard: back to a welcome screen with the focus on its heading.
    kiosk.tab_to("Done", 3, |f| f.text == "Done").await?;
    kiosk.press(ENTER).await?;
    kiosk.wait_for_text("Welcome", SOON).await?;
    assert_eq!(kiosk.focused().await?.text, "Welcome");
    lobby.close().await
}
