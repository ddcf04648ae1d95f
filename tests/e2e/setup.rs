//! Setting a tablet up from a link (issue #17, trust between devices): a link never points a
//! tablet at another server, and a link for another device replaces this one's setup only once a
//! person says so — until then its secret is kept nowhere but in the page's memory.

use std::net::TcpListener;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::harness::{Browser, DeviceToken, Driver, Relay, step};
use crate::{SOON, TABLET};

const QUESTION: &str = "This device is already set up as Desk 1. Replace it with the new setup link?";

/// The token the desk keeps in its settings (localStorage), if any.
async fn stored_token(desk: &Browser) -> Result<Option<String>> {
    let raw = desk.client.execute("return localStorage.getItem('frontdesk.desk')", vec![]).await?;
    let Some(raw) = raw.as_str() else { return Ok(None) };
    let settings: serde_json::Value = serde_json::from_str(raw)?;
    Ok(settings["token"].as_str().map(str::to_owned))
}

/// Opens a setup link as a person does: a fresh page load (not a jump within the page).
async fn open_link(desk: &Browser, link: &str) -> Result<()> {
    desk.goto("about:blank").await?;
    desk.goto(link).await
}

/// The link the relay prints for `device`, with a `relay=` address a hostile sender added.
fn hostile_link(relay: &Relay, device: &DeviceToken, elsewhere: &str) -> String {
    format!("{}&relay={elsewhere}", relay.setup_link("desk", device))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_setup_link_for_another_device_asks_before_it_replaces_this_one_and_never_moves_the_relay() -> Result<()> {
    let mut relay = Relay::start()?;
    let driver = Driver::start_in_zone(None)?;
    let (desk1, desk2) = (relay.add_device("staff", "Desk 1")?, relay.add_device("staff", "Desk 2")?);
    // Another server a link could name: nothing may ever connect to it.
    let elsewhere = TcpListener::bind("127.0.0.1:0")?;
    elsewhere.set_nonblocking(true)?;
    let elsewhere_url = format!("ws%3A%2F%2F127.0.0.1%3A{}%2Fsync", elsewhere.local_addr()?.port());
    let desk = driver.browser(TABLET.0, TABLET.1).await?;

    step("set up as Desk 1 from a link that also names another relay");
    open_link(&desk, &hostile_link(&relay, &desk1, &elsewhere_url)).await?;
    desk.wait_for_text("Online", SOON).await?;
    assert!(!desk.client.current_url().await?.as_str().contains("token"), "the secret stayed in the address");
    assert_eq!(stored_token(&desk).await?.as_deref(), Some(desk1.token.as_str()));
    let raw = desk.client.execute("return localStorage.getItem('frontdesk.desk')", vec![]).await?;
    assert!(!raw.as_str().unwrap_or_default().contains("relay"), "an address was kept: {raw}");

    step("a link for Desk 2 asks first, and keeps its secret nowhere");
    open_link(&desk, &hostile_link(&relay, &desk2, &elsewhere_url)).await?;
    desk.wait_for_text(QUESTION, SOON).await?;
    assert!(!desk.client.current_url().await?.as_str().contains("token"), "the pending secret stayed in the address");
    assert_eq!(
        stored_token(&desk).await?.as_deref(),
        Some(desk1.token.as_str()),
        "the link replaced the setup unasked"
    );
    let traces = desk.traces_of(&desk2.token).await?;
    assert!(traces.is_empty(), "the pending secret was kept in {traces:?}");
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
    assert_eq!(stored_token(&desk).await?.as_deref(), Some(desk1.token.as_str()));
    desk.client.refresh().await?;
    desk.wait_for_text("Online", SOON).await?;
    assert!(!desk.text().await?.contains(QUESTION), "the kept-away link asked again after a reload");
    assert!(desk.traces_of(&desk2.token).await?.is_empty(), "the refused secret was kept");

    step("Desk 1 logs a call while the relay is down: it waits on the tablet");
    desk.wait_for_offline_ready().await?;
    relay.kill();
    desk.click_button("Calls").await?;
    desk.type_into("Who called", "Ivo Unsent").await?;
    desk.click_button("Save").await?;
    desk.wait_for_text("1 waiting to sync", SOON).await?;

    step("replace, on a tablet in Spanish: warned of the unsent call, then now Desk 2 with nothing of Desk 1 kept");
    let script = "const s = JSON.parse(localStorage.getItem('frontdesk.desk')); s.lang = 'Es'; \
                  localStorage.setItem('frontdesk.desk', JSON.stringify(s));";
    desk.client.execute(script, vec![]).await?;
    open_link(&desk, &hostile_link(&relay, &desk2, &elsewhere_url)).await?;
    desk.wait_for_text(
        "Este dispositivo ya está configurado como Desk 1. ¿Reemplazarlo con el nuevo enlace de configuración?",
        SOON,
    )
    .await?;
    desk.wait_for_text("Al reemplazarlo se borra todo lo que guarda este dispositivo.", SOON).await?;
    desk.wait_for_text(
        "Cambios hechos en este dispositivo que aún no han llegado al servidor: 1. Al reemplazarlo se pierden.",
        SOON,
    )
    .await?;
    desk.screenshot("setup-replace-confirm-es").await?;
    assert_eq!(stored_token(&desk).await?.as_deref(), Some(desk1.token.as_str()));
    assert!(!desk.traces_of("Ivo Unsent").await?.is_empty(), "the unsent call was kept until the answer");
    desk.click_button("Reemplazar").await?;
    desk.wait_for_text("Sin conexión", SOON).await?;
    relay.restart()?;
    desk.wait_for_text("En línea", crate::RECONNECT).await?;
    assert_eq!(stored_token(&desk).await?.as_deref(), Some(desk2.token.as_str()));
    // Desk 1's unsent call went nowhere: not kept on the tablet, not sent under Desk 2's name.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let traces = desk.traces_of("Ivo Unsent").await?;
    assert!(traces.is_empty(), "Desk 1's unsent call is still on the tablet set up as Desk 2: {traces:?}");
    // The relay's welcome names the device; the tablet keeps that name for the next question.
    let start = std::time::Instant::now();
    loop {
        let raw = desk.client.execute("return localStorage.getItem('frontdesk.desk')", vec![]).await?;
        let settings: serde_json::Value = serde_json::from_str(raw.as_str().context("settings")?)?;
        if settings["name"] == "Desk 2" {
            break;
        }
        assert!(start.elapsed() < SOON, "the tablet kept another name: {settings}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    step("a link with the token the device already has just opens");
    open_link(&desk, &relay.setup_link("desk", &desk2)).await?;
    desk.wait_for_text("En línea", SOON).await?;
    assert!(!desk.text().await?.contains("ya está configurado"), "the same device's link asked to replace it");

    tokio::time::sleep(Duration::from_millis(500)).await;
    match elsewhere.accept() {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        other => panic!("the device reached the address a link named: {other:?}"),
    }
    desk.close().await
}
