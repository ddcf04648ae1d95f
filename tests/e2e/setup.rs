//! Pairing a tablet from a link (issues #17 and #18): a link never points a tablet at another
//! server, and a pairing link opened on a tablet already paired replaces it only once a person
//! says so — until then its code is kept nowhere but in the page's memory.

use std::net::TcpListener;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::harness::{Browser, Driver, Pairing, Relay, step};
use crate::{SOON, TABLET};

const QUESTION: &str = "This device is already paired as Desk 1. Pair it again with this code?";

/// The desk's settings (localStorage), as JSON.
async fn settings(desk: &Browser) -> Result<serde_json::Value> {
    let raw = desk.client.execute("return localStorage.getItem('frontdesk.desk')", vec![]).await?;
    Ok(serde_json::from_str(raw.as_str().context("no settings")?)?)
}

/// The device id the desk keeps in its settings.
async fn stored_device(desk: &Browser) -> Result<String> {
    Ok(settings(desk).await?["device"].as_str().unwrap_or_default().to_owned())
}

/// Opens a link as a person does: a fresh page load (not a jump within the page).
async fn open_link(desk: &Browser, link: &str) -> Result<()> {
    desk.goto("about:blank").await?;
    desk.goto(link).await
}

/// The link for `device`, with a `relay=` address a hostile sender added.
fn hostile_link(relay: &Relay, device: &Pairing, elsewhere: &str) -> String {
    format!("{}&relay={elsewhere}", relay.setup_link("desk", device))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pairing_link_on_a_paired_tablet_asks_before_it_replaces_it_and_never_moves_the_relay() -> Result<()> {
    let mut relay = Relay::start()?;
    let driver = Driver::start_in_zone(None)?;
    let (desk1, desk2) = (relay.add_device("staff", "Desk 1")?, relay.add_device("staff", "Desk 2")?);
    // Another server a link could name: nothing may ever connect to it.
    let elsewhere = TcpListener::bind("127.0.0.1:0")?;
    elsewhere.set_nonblocking(true)?;
    let elsewhere_url = format!("ws%3A%2F%2F127.0.0.1%3A{}%2Fsync", elsewhere.local_addr()?.port());
    let desk = driver.browser(TABLET.0, TABLET.1).await?;

    step("paired as Desk 1 from a link that also names another relay");
    open_link(&desk, &hostile_link(&relay, &desk1, &elsewhere_url)).await?;
    desk.wait_for_text("Online", SOON).await?;
    assert!(!desk.client.current_url().await?.as_str().contains("code"), "the code stayed in the address");
    let desk1_id = relay.device_id("Desk 1")?;
    assert_eq!(stored_device(&desk).await?, desk1_id);
    let kept = settings(&desk).await?.to_string();
    assert!(!kept.contains("relay") && !kept.contains("token"), "an address or a secret was kept: {kept}");
    assert!(desk.traces_of(&desk1.code).await?.is_empty(), "the used code was kept");

    step("a link for Desk 2 asks first, and keeps its code nowhere");
    open_link(&desk, &hostile_link(&relay, &desk2, &elsewhere_url)).await?;
    desk.wait_for_text(QUESTION, SOON).await?;
    assert!(!desk.client.current_url().await?.as_str().contains("code"), "the pending code stayed in the address");
    assert_eq!(stored_device(&desk).await?, desk1_id, "the link replaced the device unasked");
    let traces = desk.traces_of(&desk2.code).await?;
    assert!(traces.is_empty(), "the pending code was kept in {traces:?}");
    // Keep this device is the safe answer: it has the focus, so Enter keeps.
    let start = std::time::Instant::now();
    while desk.focused().await?.text != "Keep this device" {
        assert!(start.elapsed() < SOON, "the focus is on {:?}", desk.focused().await?);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    desk.screenshot("setup-replace-confirm").await?;

    step("keep this device: still Desk 1, and the link is gone");
    desk.click_button("Keep this device").await?;
    desk.wait_for_text("Online", SOON).await?;
    assert_eq!(stored_device(&desk).await?, desk1_id);
    desk.client.refresh().await?;
    desk.wait_for_text("Online", SOON).await?;
    assert!(!desk.text().await?.contains(QUESTION), "the kept-away link asked again after a reload");
    assert!(desk.traces_of(&desk2.code).await?.is_empty(), "the refused code was kept");

    step("Desk 1 logs a call while the relay is down: it waits on the tablet");
    desk.wait_for_offline_ready().await?;
    relay.kill();
    desk.click_button("Calls").await?;
    desk.type_into("Who called", "Ivo Unsent").await?;
    desk.click_button("Save").await?;
    desk.wait_for_text("1 waiting to sync", SOON).await?;

    step("pair again, on a tablet in Spanish: warned of the unsent call, then Desk 2 with nothing of Desk 1 kept");
    let script = "const s = JSON.parse(localStorage.getItem('frontdesk.desk')); s.lang = 'Es'; \
                  localStorage.setItem('frontdesk.desk', JSON.stringify(s));";
    desk.client.execute(script, vec![]).await?;
    open_link(&desk, &hostile_link(&relay, &desk2, &elsewhere_url)).await?;
    desk.wait_for_text("Este dispositivo ya está emparejado como Desk 1. ¿Emparejarlo de nuevo con este código?", SOON)
        .await?;
    desk.wait_for_text("Emparejarlo de nuevo borra todo lo que contiene este dispositivo.", SOON).await?;
    desk.wait_for_text(
        "Cambios hechos en este dispositivo que aún no han llegado al servidor: 1. Emparejarlo de nuevo los pierde.",
        SOON,
    )
    .await?;
    desk.screenshot("setup-replace-confirm-es").await?;
    assert_eq!(stored_device(&desk).await?, desk1_id);
    assert!(!desk.traces_of("Ivo Unsent").await?.is_empty(), "the unsent call was kept until the answer");
    relay.restart()?;
    desk.click_button("Emparejar de nuevo").await?;
    desk.wait_for_text("En línea", crate::RECONNECT).await?;
    let desk2_id = relay.device_id("Desk 2")?;
    assert_eq!(stored_device(&desk).await?, desk2_id);
    assert_eq!(settings(&desk).await?["name"], "Desk 2");
    // Desk 1's unsent call went nowhere: not kept on the tablet, not sent under Desk 2's name.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let traces = desk.traces_of("Ivo Unsent").await?;
    assert!(traces.is_empty(), "Desk 1's unsent call is still on the tablet paired as Desk 2: {traces:?}");

    tokio::time::sleep(Duration::from_millis(500)).await;
    match elsewhere.accept() {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        other => panic!("the device reached the address a link named: {other:?}"),
    }
    desk.close().await
}
