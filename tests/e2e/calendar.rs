//! The calendar, as reception uses it: a manager sets the business up, tablets book, and
//! bookings made on two tablets while apart come back as a conflict a person resolves.

use std::time::Duration;

use anyhow::{Result, ensure};

use crate::harness::{Browser, ENTER, Lobby, step};
use crate::{RECONNECT, SOON, TABLET, TABLET_PORTRAIT};

/// A manager's first run: profile (open every day, so tomorrow always takes bookings), a doctor
/// and a service. Returns with the profile saved and synced.
async fn set_up_clinic(manager: &Browser) -> Result<()> {
    manager.wait_for_text("Set up your business", SOON).await?;
    manager.type_into("Business name", "Clínica Sol").await?;
    manager.select_option("Kind of business", "Medical office").await?;
    manager.select_option("Language", "English").await?;
    for day in ["Saturday", "Sunday"] {
        manager.click_labelled_checkbox(day).await?;
    }
    manager.screenshot("business-1-profile").await?;
    manager.click_button("Save profile").await?;
    manager.wait_for_text("Saved", SOON).await?;
    manager.click_button("Add staff member").await?;
    manager.type_into("Full name", "Dra. Ruiz").await?;
    manager.click_button("Save staff member").await?;
    manager.wait_for_text("Dra. Ruiz", SOON).await?;
    manager.click_button("Add service").await?;
    manager.type_into("Name (English)", "Check-up").await?;
    manager.type_into("Name (Spanish)", "Revisión").await?;
    manager.type_into("Price (EUR)", "45").await?;
    manager.screenshot("business-2-service").await?;
    manager.click_button("Save service").await?;
    manager.wait_for_text("30 min · 45.00 EUR", SOON).await?;
    manager.screenshot("business-3-done").await?;
    manager.wait_until_synced(SOON).await?;
    Ok(())
}

/// Opens tomorrow's calendar on a tablet, once the business has reached it.
async fn open_tomorrow(desk: &Browser) -> Result<()> {
    desk.click_button("Calendar").await?;
    desk.wait_for_text("Dra. Ruiz", SOON).await?;
    desk.click_labelled("Next day").await?;
    Ok(())
}

/// Books `client` with Dra. Ruiz at `time` on the calendar's day.
async fn book(desk: &Browser, client: &str, time: &str) -> Result<()> {
    desk.click_button("New appointment").await?;
    desk.type_into("Client's name", client).await?;
    desk.click_button(time).await?;
    desk.click_button("Book").await?;
    desk.wait_for_text("Confirmation code", SOON).await?;
    desk.click_labelled("Close").await?;
    Ok(())
}

/// Moves `client`'s booking on the calendar's day to the day after tomorrow at 11:00; returns
/// that day. The date is typed as the app's language writes it (English: mm/dd/yyyy), and
/// Enter takes it.
async fn move_to_the_day_after(desk: &Browser, client: &str) -> Result<chrono::NaiveDate> {
    desk.click_in_row(client, "Open").await?;
    desk.click_button("Move").await?;
    let day_after = chrono::Local::now().date_naive() + chrono::Duration::days(2);
    desk.retype("Date", &format!("{}{ENTER}", day_after.format("%m/%d/%Y"))).await?;
    desk.click_button("11:00").await?;
    desk.click_button("Save new time").await?;
    desk.wait_for_text("Confirmation code", SOON).await?;
    desk.click_labelled("Close").await?;
    Ok(day_after)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_booking_made_on_one_tablet_appears_on_another() -> Result<()> {
    let mut lobby = Lobby::open(&[TABLET]).await?;
    let manager = lobby.open_desk_as("manager", TABLET.0, TABLET.1).await?;
    set_up_clinic(&manager).await?;

    let desk = &lobby.desks[0];
    open_tomorrow(desk).await?;
    desk.click_button("New appointment").await?;
    // Nothing is half-saved: booking without a name or time says what is missing.
    desk.click_button("Book").await?;
    desk.wait_for_text("The client's name is required.", SOON).await?;
    desk.type_into("Client's name", "Ana Gil").await?;
    desk.wait_for_text("Choose a time", SOON).await?;
    desk.type_into("Phone · optional", "call me").await?;
    desk.wait_for_text("Not a phone number", SOON).await?;
    desk.click_button("10:00").await?;
    desk.type_into("Phone · optional", &format!("{}+34 600 111 222", "\u{E003}".repeat(7))).await?;
    desk.screenshot("calendar-1-booking-form").await?;
    desk.click_button("Book").await?;
    desk.wait_for_text("Confirmation code", SOON).await?;
    desk.screenshot("calendar-2-booked").await?;
    desk.click_labelled("Close").await?;
    // The week view shows it too, in its day's column.
    desk.click_button("Week").await?;
    desk.wait_for_text("Week of", SOON).await?;
    desk.wait_for("//div[contains(@class,'week-grid')]//*[normalize-space(.)='Ana Gil']", SOON).await?;
    desk.screenshot("calendar-week").await?;
    desk.click_button("Day").await?;

    // The manager's tablet finds it from anywhere with the search box.
    manager.click_button("Calls").await?;
    manager.type_into_labelled("Search", "gil an").await?;
    manager.wait_for_text("Ana Gil", SOON).await?;
    manager.screenshot("search").await?;
    manager.click_xpath("//button[contains(@class,'search__hit')]").await?;
    manager.wait_for_text("Confirmation code", SOON).await?;
    manager.click_labelled("Close").await?;
    manager.click_button("Today").await?;
    manager.click_labelled("Next day").await?;
    manager.wait_for_text("Ana Gil", SOON).await?;
    // A booked time is no longer offered.
    manager.click_button("New appointment").await?;
    manager.wait_for_text("Free times", SOON).await?;
    let offered = manager.client.find_all(fantoccini::Locator::XPath("//div[@class='slots']/button")).await?;
    let mut times = Vec::new();
    for slot in offered {
        times.push(slot.text().await?);
    }
    anyhow::ensure!(times.contains(&"10:30".to_owned()), "free times offered: {times:?}");
    anyhow::ensure!(!times.contains(&"10:00".to_owned()), "10:00 still offered after it was booked: {times:?}");
    manager.click_labelled("Close").await?;

    // Cancelling with a mistaken click is undone in one tap, on every tablet.
    manager.click_in_row("Ana Gil", "Open").await?;
    manager.click_button("Cancel booking").await?;
    manager.wait_for_text("Ana Gil → Cancelled", SOON).await?;
    desk.wait_for_text("Cancelled", SOON).await?;
    manager.click_button("Undo").await?;
    desk.wait_until(SOON, "the booking back", |t| t.contains("Ana Gil") && !t.contains("Cancelled")).await?;
    desk.screenshot("calendar-3-day").await?;

    // Ana asks to come the day after instead: the booking moves to that day, on every tablet.
    let day_after = move_to_the_day_after(desk, "Ana Gil").await?;
    desk.wait_for_text(&day_after.format("%B %-d").to_string(), SOON).await?;
    desk.wait_for(
        "//li[contains(@class,'row')][.//*[normalize-space(.)='Ana Gil']][.//*[normalize-space(.)='11:00']]",
        SOON,
    )
    .await?;
    desk.click_labelled("Previous day").await?;
    desk.wait_for(
        "//li[contains(@class,'row')][.//*[normalize-space(.)='Ana Gil']][.//*[normalize-space(.)='Moved']]",
        SOON,
    )
    .await?;
    manager.wait_for_text("Moved", SOON).await?;

    // Someone who wants a time goes on the waitlist; the first free time is offered, one tap books it.
    desk.type_into("Who is waiting", "Luis Paz").await?;
    desk.click_button("Add to waitlist").await?;
    desk.wait_for_text("Book 09:00 · Dra. Ruiz", SOON).await?;
    desk.screenshot("calendar-waitlist").await?;
    desk.click_button("Book 09:00 · Dra. Ruiz").await?;
    desk.wait_for_text("No one is waiting for a time this day.", SOON).await?;
    manager.wait_for_text("Luis Paz", SOON).await?;
    // The same screen in Spanish, words and dates.
    desk.click_button("Español").await?;
    desk.wait_for_text("Lista de espera", SOON).await?;
    desk.wait_for_text("Nueva cita", SOON).await?;
    desk.screenshot("calendar-es").await?;
    manager.close().await?;
    lobby.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offline_double_booking_becomes_a_conflict_card_that_one_tap_resolves() -> Result<()> {
    let mut lobby = Lobby::open(&[TABLET, TABLET_PORTRAIT]).await?;
    let manager = lobby.open_desk_as("manager", TABLET.0, TABLET.1).await?;
    set_up_clinic(&manager).await?;
    for desk in &lobby.desks {
        open_tomorrow(desk).await?;
    }
    // Both tablets lose the relay, and each books Dra. Ruiz at 10:00 for someone else.
    lobby.relay.kill();
    for desk in &lobby.desks {
        desk.wait_for_text("Offline", RECONNECT).await?;
    }
    book(&lobby.desks[0], "Ana Gil", "10:00").await?;
    book(&lobby.desks[1], "Luis Paz", "10:00").await?;
    step("both tablets booked the same time offline");
    lobby.relay.restart()?;
    for desk in &lobby.desks {
        desk.wait_for_text("Double booking", RECONNECT).await?;
        desk.wait_until(SOON, "both bookings in the conflict card", |t| {
            t.contains("Ana Gil") && t.contains("Luis Paz")
        })
        .await?;
    }
    lobby.desks[0].screenshot("calendar-4-conflict").await?;
    lobby.desks[1].screenshot("calendar-4-conflict-portrait").await?;
    // One tap on one tablet: keep Luis Paz; Ana Gil's booking is cancelled everywhere.
    lobby.desks[1].click_in_region("Luis Paz", "Keep this one").await?;
    for desk in &lobby.desks {
        desk.wait_until(SOON, "the conflict gone", |t| !t.contains("Double booking")).await?;
        desk.wait_until(SOON, "Ana Gil cancelled", |t| t.contains("Cancelled")).await?;
    }
    manager
        .wait_until(SOON, "the conflict gone on the manager's tablet too", |t| !t.contains("Double booking"))
        .await?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    manager.close().await?;
    lobby.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_booking_moved_on_one_offline_tablet_and_cancelled_on_another_asks_which_stands() -> Result<()> {
    let mut lobby = Lobby::open(&[TABLET, TABLET_PORTRAIT]).await?;
    let manager = lobby.open_desk_as("manager", TABLET.0, TABLET.1).await?;
    set_up_clinic(&manager).await?;
    manager.close().await?;
    open_tomorrow(&lobby.desks[0]).await?;
    book(&lobby.desks[0], "Ana Gil", "10:00").await?;
    open_tomorrow(&lobby.desks[1]).await?;
    lobby.desks[1].wait_for_text("Ana Gil", SOON).await?;
    lobby.relay.kill();
    for desk in &lobby.desks {
        desk.wait_for_text("Offline", RECONNECT).await?;
    }
    // Apart, one tablet moves Ana to the day after; the other cancels her.
    let (mover, canceller) = (&lobby.desks[0], &lobby.desks[1]);
    let day_after = move_to_the_day_after(mover, "Ana Gil").await?;
    mover.click_labelled("Previous day").await?;
    canceller.click_in_row("Ana Gil", "Open").await?;
    canceller.click_button("Cancel booking").await?;
    canceller.wait_for_text("Ana Gil → Cancelled", SOON).await?;
    canceller.click_labelled("Close").await?;
    step("moved on one tablet, cancelled on the other, both offline");
    lobby.relay.restart()?;
    // Both tablets are told, on the old day, with both outcomes to choose from.
    let keep_on = format!("Keep it on {}", day_after.format("%A, %B %-d"));
    for desk in &lobby.desks {
        desk.wait_for_text("Moved and cancelled at once", RECONNECT).await?;
        desk.wait_for_text(&keep_on, SOON).await?;
        desk.wait_for_text("Keep it cancelled", SOON).await?;
    }
    mover.screenshot("calendar-crossed-move").await?;
    canceller.screenshot("calendar-crossed-move-portrait").await?;
    // One tap decides: cancelled, also on the day it had moved to, on every tablet.
    canceller.click_button("Keep it cancelled").await?;
    for desk in &lobby.desks {
        desk.wait_until(SOON, "the card gone", |t| !t.contains("Moved and cancelled at once")).await?;
        desk.click_labelled("Next day").await?;
        desk.wait_for(
            "//li[contains(@class,'row')][.//*[normalize-space(.)='Ana Gil']][.//*[normalize-space(.)='Cancelled']]",
            SOON,
        )
        .await?;
    }
    lobby.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kiosk_checks_in_an_appointment_by_code_with_the_relay_down_and_keeps_no_trace() -> Result<()> {
    let (mut lobby, _) = Lobby::open_at_midday(&[TABLET]).await?;
    let manager = lobby.open_desk_as("manager", TABLET.0, TABLET.1).await?;
    set_up_clinic(&manager).await?;
    manager.close().await?;

    // Reception books Marta for today; the tablet gives her a confirmation code.
    let desk = &lobby.desks[0];
    let code = book_today(desk, "Marta Ríos", Some("600 222 333")).await?;
    step(&format!("booked with code {code}"));
    desk.click_labelled("Close").await?;
    // The tablet publishes the kiosk's index right after the booking (two key derivations in
    // WebCrypto first: one for the code, one for the name and phone); Marta arrives.
    let kiosk = &lobby.kiosk;
    kiosk.wait_for_text("Clínica Sol", SOON).await?;
    to_find(kiosk, "Marta Ríos").await?;
    until_the_index_finds(kiosk, &code).await?;

    // The network goes.
    lobby.relay.kill();
    kiosk.wait_for_text("Offline", RECONNECT).await?;
    // A wrong code says so, and says nothing about anyone else's.
    kiosk.retype("Confirmation code", "ZZZZZZ").await?;
    kiosk.click_button("Find").await?;
    kiosk.wait_for_text("We couldn't find an appointment with those details", SOON).await?;
    // Her name (typed already) and her phone find her booking, and show only its time: a name
    // and a phone someone else knows must not tell them what the appointment is for.
    kiosk.retype("Confirmation code", "").await?;
    kiosk.type_into("Phone number", "600 222 333").await?;
    kiosk.click_button("Find").await?;
    kiosk.wait_for_text("Is this right?", SOON).await?;
    let by_phone = kiosk.text().await?;
    ensure!(
        !by_phone.contains("Check-up") && !by_phone.contains("Dra. Ruiz"),
        "a name and phone showed more than the time: {by_phone}"
    );
    kiosk.click_button("Back").await?;
    kiosk.wait_for_text("Find your appointment", SOON).await?;
    kiosk.retype("Phone number", "").await?;
    kiosk.retype("Confirmation code", &code.to_lowercase()).await?;
    kiosk.screenshot("kiosk-find-appointment").await?;
    kiosk.click_button("Find").await?;
    kiosk.wait_for_text("Is this right?", SOON).await?;
    kiosk.wait_for_text("Check-up · Dra. Ruiz", SOON).await?;
    kiosk.click_labelled_checkbox("I accept").await?;
    kiosk.screenshot("kiosk-appointment-confirm").await?;
    kiosk.click_button("Confirm check-in").await?;
    kiosk.wait_for_text("Thank you", SOON).await?;

    // Back online: the desk sees her waiting, and her booking as arrived.
    lobby.relay.restart()?;
    kiosk.wait_until_synced(RECONNECT).await?;
    // The thank-you screen goes by itself after a few seconds; Marta may also tap Done.
    if kiosk.text().await?.contains("Thank you") {
        kiosk.click_button("Done").await?;
    }
    kiosk.wait_for_text("Welcome", SOON).await?;
    let traces = kiosk.traces_of("Marta").await?;
    assert!(traces.is_empty(), "the kiosk still holds the visitor's name in: {traces:?}");
    let traces = kiosk.traces_of(&code).await?;
    assert!(traces.is_empty(), "the kiosk still holds the visitor's code in: {traces:?}");

    desk.wait_for_text("Arrived", RECONNECT).await?;
    desk.click_button("Arrivals").await?;
    desk.wait_for_column("Waiting", &["Marta Ríos"], SOON).await?;
    desk.wait_for_text("Check-up · Dra. Ruiz", SOON).await?;
    lobby.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_taken_at_the_desk_shows_on_the_addressees_tablet_until_handled() -> Result<()> {
    let mut lobby = Lobby::open(&[TABLET]).await?;
    let ruiz = lobby.open_desk_as("manager", TABLET.0, TABLET.1).await?;
    set_up_clinic(&ruiz).await?;
    // This tablet is Dra. Ruiz's own.
    ruiz.click_button("Calls").await?;
    ruiz.select_option("This tablet is", "Dra. Ruiz").await?;
    ruiz.wait_for_text("No messages. All caught up.", SOON).await?;

    let desk = &lobby.desks[0];
    desk.click_button("Calls").await?;
    desk.wait_for_text("Dra. Ruiz", SOON).await?;
    desk.type_into("Who called", "Pedro Gómez").await?;
    desk.type_into("Number to call back", "600 333 444").await?;
    desk.type_into("What about", "Results of the blood test").await?;
    desk.click_labelled_checkbox("Take a message for them").await?;
    desk.click_button("Save").await?;
    // A message needs someone to give it to: nothing is saved until then.
    desk.wait_for_text("Choose who the message is for.", SOON).await?;
    desk.select_option("For whom", "Dra. Ruiz").await?;
    desk.click_labelled_checkbox("Please call back").await?;
    desk.screenshot("calls-1-form").await?;
    desk.click_button("Save").await?;
    desk.wait_for_text("→ Dra. Ruiz · Results of the blood test", SOON).await?;

    ruiz.wait_for_text("Pedro Gómez · 600 333 444", SOON).await?;
    ruiz.screenshot("calls-2-my-messages").await?;
    ruiz.click_button("Handled").await?;
    ruiz.wait_for_text("No messages. All caught up.", SOON).await?;
    desk.wait_for_text("Handled", SOON).await?;

    // A visitor for Dra. Ruiz checks in at the kiosk: her tablet says so.
    let kiosk = &lobby.kiosk;
    kiosk.wait_for_text("Clínica Sol", SOON).await?;
    kiosk.click_button("Check in").await?;
    kiosk.type_into("What is your name?", "Bruno Díaz").await?;
    kiosk.click_button("Next").await?;
    kiosk.click_button("I'm here to see someone").await?;
    kiosk.click_button("Dra. Ruiz").await?;
    kiosk.click_button("Next").await?;
    kiosk.click_labelled_checkbox("I accept").await?;
    kiosk.click_button("Confirm check-in").await?;
    kiosk.click_button("Done").await?;
    ruiz.wait_for_text("Bruno Díaz is here to see you", SOON).await?;
    ruiz.screenshot("calls-3-visitor").await?;
    // Once someone has been called in, the kiosk tells the next visitor what wait to expect.
    desk.click_button("Arrivals").await?;
    desk.click_in_card("Bruno Díaz", "Call in").await?;
    kiosk.wait_for_text("expected wait · 0 waiting", SOON).await?;
    kiosk.screenshot("kiosk-expected-wait").await?;
    ruiz.close().await?;
    lobby.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hotel_reserves_nights_checks_guests_in_and_out_and_keeps_room_status() -> Result<()> {
    let (mut lobby, _) = Lobby::open_at_midday(&[TABLET]).await?;
    let manager = lobby.open_desk_as("manager", TABLET.0, TABLET.1).await?;
    manager.wait_for_text("Set up your business", SOON).await?;
    manager.type_into("Business name", "Hotel Mar").await?;
    manager.select_option("Kind of business", "Hotel").await?;
    manager.select_option("Language", "English").await?;
    manager.click_button("Save profile").await?;
    manager.wait_for_text("Saved", SOON).await?;
    for room in ["101", "102"] {
        manager.type_into("Name", room).await?;
        manager.select_option("Kind", "Hotel room").await?;
        manager.type_into("Room type", "Double").await?;
        manager.type_into("Nightly rate", "90").await?;
        manager.click_button("Add").await?;
        manager.wait_for(&format!("//li[.//*[normalize-space(.)='{room}']]"), SOON).await?;
    }
    manager.wait_until_synced(SOON).await?;

    // Reception reserves two nights in 101, from today.
    let desk = &lobby.desks[0];
    desk.click_button("Rooms").await?;
    desk.wait_for_text("Vacant tonight", SOON).await?;
    desk.type_into("Guest's name", "Eva Sanz").await?;
    desk.type_into("Nights", "\u{E003}2").await?;
    desk.select_option("Room", "101 · Double · 90.00 EUR").await?;
    desk.wait_for_text("180.00 EUR", SOON).await?;
    desk.click_button("Reserve").await?;
    desk.wait_for_text("Arriving today", SOON).await?;
    desk.wait_for("//section[@aria-labelledby='arrivals-title']//*[normalize-space(.)='Eva Sanz']", SOON).await?;
    // 101 is no longer offered for those nights.
    let options = desk.client.find_all(fantoccini::Locator::XPath("//select/option[contains(.,'Double')]")).await?;
    let mut offered = Vec::new();
    for option in options {
        offered.push(option.text().await?);
    }
    anyhow::ensure!(offered.iter().all(|o| !o.starts_with("101")), "101 still offered: {offered:?}");
    anyhow::ensure!(offered.iter().any(|o| o.starts_with("102")), "102 should be offered: {offered:?}");

    desk.click_in_row("Eva Sanz", "Check in").await?;
    desk.wait_for("//article[@aria-label='101']//*[normalize-space(.)='Eva Sanz']", SOON).await?;
    desk.screenshot("rooms-1-in-house").await?;
    // The other tablet sees her in the house.
    manager.click_button("Rooms").await?;
    manager.wait_for("//article[@aria-label='101']//*[normalize-space(.)='Eva Sanz']", SOON).await?;

    // Checking out leaves the room dirty; housekeeping marks it clean.
    desk.click_in_row("Eva Sanz", "Check out").await?;
    desk.wait_for("//article[@aria-label='101'][@data-status='dirty']", SOON).await?;
    manager.wait_for("//article[@aria-label='101'][@data-status='dirty']", SOON).await?;
    manager.click_xpath("//article[@aria-label='101']//button[normalize-space(.)='Inspected']").await?;
    desk.wait_for("//article[@aria-label='101'][@data-status='inspected']", SOON).await?;
    desk.screenshot("rooms-2-board").await?;
    manager.close().await?;
    lobby.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dates_and_times_follow_the_business_zone_not_the_devices() -> Result<()> {
    use chrono::{Timelike, Utc};
    // The business is where it is now about midday; its kiosk and tablets are set more than
    // half a day away, where it is already tomorrow (or still yesterday) for the next hour.
    let business = 12 - Utc::now().hour() as i32; // -11 ..= 12
    let devices = if business <= 1 { business + 13 } else { business - 14 };
    let zone = |hours: i32| if hours >= 0 { format!("Etc/GMT-{hours}") } else { format!("Etc/GMT+{}", -hours) };
    let mut lobby = Lobby::open_in_zone(&[], Some(&zone(devices))).await?;
    let manager = lobby.open_desk_as("manager", TABLET.0, TABLET.1).await?;
    manager.wait_for_text("Set up your business", SOON).await?;
    manager.type_into("Business name", "Clínica Sol").await?;
    manager.select_option("Kind of business", "Medical office").await?;
    manager.select_option("Language", "English").await?;
    manager.retype("Time zone", &zone(business)).await?;
    // The tablet turns to the business's day by itself: it reloads onto today's board, as soon
    // as a second after the save, so the confirmation is watched for from inside the page.
    manager.watch_for_text(&["Saved"]).await?;
    manager.click_button("Save profile").await?;
    manager.seen_at("Saved", SOON).await?;
    manager.wait_for_text("No one has checked in yet today", RECONNECT).await?;
    manager.wait_until_synced(SOON).await?;

    // The calendar opens on the business's day.
    let here = Utc::now() + chrono::Duration::hours(business as i64);
    let day = here.format("%A, %B %-d").to_string();
    manager.click_button("Calendar").await?;
    manager.wait_for_text(&day, RECONNECT).await?;

    // The kiosk dates a check-in by the business's clock too: the desk, following the
    // business's day, sees it (by the kiosk's own date it would be filed under another day).
    let kiosk = &lobby.kiosk;
    kiosk.wait_for_text("Clínica Sol", SOON).await?;
    crate::harness::check_in_at_kiosk(kiosk, "Rosa Luna", "I'd like a service", None).await?;
    manager.click_button("Arrivals").await?;
    manager.wait_for_column("Waiting", &["Rosa Luna"], SOON).await?;

    // A call is logged at the business's time of day, not the tablet's.
    manager.click_button("Calls").await?;
    manager.type_into("Who called", "Pedro Gómez").await?;
    manager.type_into("What about", "Opening hours").await?;
    let before = Utc::now() + chrono::Duration::hours(business as i64);
    manager.click_button("Save").await?;
    let after = Utc::now() + chrono::Duration::hours(business as i64);
    let shown = manager.text().await?;
    let times = [before.format("%H:%M").to_string(), after.format("%H:%M").to_string()];
    assert!(times.iter().any(|t| shown.contains(&format!("{t}\nPedro Gómez"))), "expected {times:?} in:\n{shown}");
    lobby.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kiosks_find_screen_makes_the_sixth_wrong_try_wait_even_after_a_reload() -> Result<()> {
    let (mut lobby, _) = Lobby::open_at_midday(&[TABLET]).await?;
    let manager = lobby.open_desk_as("manager", TABLET.0, TABLET.1).await?;
    set_up_clinic(&manager).await?;
    manager.close().await?;
    // Today has a booking, so the kiosk has an index to search (with none, a search is nobody's
    // miss).
    let code = book_today(&lobby.desks[0], "Marta Ríos", None).await?;
    lobby.desks[0].click_labelled("Close").await?;
    let kiosk = &lobby.kiosk;
    kiosk.wait_for_text("Clínica Sol", SOON).await?;
    to_find(kiosk, "Someone Guessing").await?;
    // The index is there (a find counts nothing, and neither do searches before it came).
    until_the_index_finds(kiosk, &code).await?;
    for guess in ["AAAAAA", "BBBBBB", "CCCCCC", "DDDDDD"] {
        kiosk.retype("Confirmation code", guess).await?;
        kiosk.click_button("Find").await?;
        kiosk.wait_for_text("We couldn't find an appointment with those details", SOON).await?;
    }
    // The fifth miss makes the sixth try wait: said in words, and the button cannot be pressed.
    kiosk.retype("Confirmation code", "EEEEEE").await?;
    kiosk.click_button("Find").await?;
    kiosk.wait_for_text("Too many tries. Ask at the desk", SOON).await?;
    kiosk.retype("Confirmation code", "FFFFFF").await?;
    kiosk.wait_for("//button[@disabled][normalize-space(.)='Find']", SOON).await?;
    kiosk.screenshot("kiosk-find-too-many-tries").await?;
    // Starting the page again does not start the count again.
    kiosk.goto(&lobby.relay.url("/kiosk")).await?;
    kiosk.wait_for_text("Clínica Sol", SOON).await?;
    to_find(kiosk, "Someone Guessing").await?;
    kiosk.wait_for_text("Too many tries. Ask at the desk", SOON).await?;
    kiosk.retype("Confirmation code", "GGGGGG").await?;
    kiosk.wait_for("//button[@disabled][normalize-space(.)='Find']", SOON).await?;
    lobby.close().await
}

/// Books `client` at today's first free slot with Dra. Ruiz on `desk`; returns the confirmation
/// code the tablet shows (its dialog still open).
async fn book_today(desk: &Browser, client: &str, phone: Option<&str>) -> Result<String> {
    desk.click_button("Calendar").await?;
    desk.wait_for_text("Dra. Ruiz", SOON).await?;
    desk.click_button("New appointment").await?;
    desk.type_into("Client's name", client).await?;
    if let Some(phone) = phone {
        desk.type_into("Phone · optional", phone).await?;
    }
    desk.click_xpath("//div[@class='slots']/button").await?;
    desk.click_button("Book").await?;
    Ok(desk.wait_for("//dd[contains(@class,'code')]", SOON).await?.text().await?)
}

/// From the kiosk's welcome screen to its find screen, as `name` with an appointment.
async fn to_find(kiosk: &Browser, name: &str) -> Result<()> {
    kiosk.click_button("Check in").await?;
    kiosk.type_into("What is your name?", name).await?;
    kiosk.click_button("Next").await?;
    kiosk.click_button("I have an appointment").await?;
    kiosk.click_button("Next").await?;
    kiosk.wait_for_text("Find your appointment", SOON).await?;
    Ok(())
}

/// Searches for `code` until the index the desk publishes has reached the kiosk (a search with
/// no index yet counts no miss), then goes back to the find screen with the code field empty.
async fn until_the_index_finds(kiosk: &Browser, code: &str) -> Result<()> {
    for _ in 0..30 {
        kiosk.retype("Confirmation code", code).await?;
        kiosk.click_button("Find").await?;
        if kiosk.wait_for_text("Is this right?", Duration::from_secs(1)).await.is_ok() {
            kiosk.click_button("Back").await?;
            kiosk.wait_for_text("Find your appointment", SOON).await?;
            kiosk.retype("Confirmation code", "").await?;
            return Ok(());
        }
    }
    anyhow::bail!("the kiosk never found {code}: the desk did not publish the index")
}
