//! The desk as a person sees it on a tablet (issue #23): nothing cut off at tablet widths,
//! held either way.

use anyhow::{Result, ensure};

use crate::harness::{Lobby, set_up_business, step};
use crate::{SOON, TABLET, TABLET_PORTRAIT};

/// The tabs of the desk's top bar that a person could not read whole or reach: cut by the edge of
/// the screen or of the bar, or hidden in a part of the bar that scrolls.
const CUT_TABS: &str = r#"
    const nav = document.querySelector('nav.tabs');
    const bar = nav.getBoundingClientRect();
    const cut = [...nav.querySelectorAll('.tab')].filter(tab => {
        const r = tab.getBoundingClientRect();
        return r.width === 0 || r.left < 0 || r.right > window.innerWidth
            || r.left < bar.left - 1 || r.right > bar.right + 1 || r.bottom > bar.bottom + 1
            || tab.scrollWidth > tab.clientWidth + 1;
    }).map(tab => tab.innerText);
    if (nav.scrollWidth > nav.clientWidth + 1) cut.push('(the bar scrolls sideways)');
    return cut;
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_tab_of_a_managers_desk_reads_whole_and_opens_in_both_orientations() -> Result<()> {
    let mut lobby = Lobby::open(&[]).await?;
    let manager = lobby.open_desk_as("manager", TABLET.0, TABLET.1).await?;
    set_up_business(&manager, "Clínica Sol", "Medical office", &["Dra. Ruiz"]).await?;
    // A medical office that also sells: every tab a desk can have but Rooms (hotels only).
    manager.click_button("Add product").await?;
    manager.type_into("Product name", "Hand cream").await?;
    manager.type_into("Price before tax (EUR)", "12,50").await?;
    manager.type_into("Tax %", "21").await?;
    manager.type_into("Units in stock", "3").await?;
    manager.click_button("Save product").await?;
    manager.wait_for_text("Orders", SOON).await?;
    for (width, height) in [TABLET, TABLET_PORTRAIT] {
        step(&format!("the tabs at {width}×{height}"));
        manager.client.set_window_size(width, height).await?;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let cut = manager.client.execute(CUT_TABS, vec![]).await?;
        ensure!(cut.as_array().is_some_and(Vec::is_empty), "tabs cut off at {width}×{height}: {cut}");
        let labels = manager.tab_labels().await?;
        ensure!(labels.len() == 11, "a medical office that sells has eleven tabs: {labels:?}");
        for label in &labels {
            manager.open_tab(label).await?;
        }
        manager.screenshot(&format!("desk-tabs-{width}x{height}")).await?;
    }
    manager.close().await?;
    lobby.close().await
}
