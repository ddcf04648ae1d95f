//! Supervising reception: a shift puts someone on the desk now, and a task handed out on the
//! supervisor's tablet shows on the assignee's until she marks it done.

use anyhow::Result;

use crate::harness::{ENTER, Lobby, set_up_business};
use crate::{SOON, TABLET, TABLET_PORTRAIT};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_handed_out_shows_on_the_assignees_tablet_until_done() -> Result<()> {
    let (mut lobby, _) = Lobby::open_at_midday(&[TABLET_PORTRAIT]).await?;
    let manager = lobby.open_desk_as("manager", TABLET.0, TABLET.1).await?;
    set_up_business(&manager, "Clínica Sol", "Medical office", &["Dra. Ruiz"]).await?;

    // A shift from 09:00 to 13:30 today: it is midday, so she is on the desk now.
    manager.click_button("Team").await?;
    manager.wait_for_text("No one is on the rota right now.", SOON).await?;
    manager.click_button("Add shift").await?;
    manager.wait_for_text("Choose who.", SOON).await?;
    manager.select_option("Who", "Dra. Ruiz").await?;
    // Times are typed on the 24-hour clock the app shows, as people type them (the browser is
    // en-US, whose own time field would ask for AM/PM): something that is no time is explained.
    manager.retype("To", &format!("25{ENTER}")).await?;
    manager.wait_for_text("Not a time: write it like 17:30.", SOON).await?;
    manager.retype("To", &format!("1330{ENTER}")).await?;
    manager.wait_until(SOON, "the time taken", |t| !t.contains("Not a time")).await?;
    manager.click_button("Add shift").await?;
    manager.wait_until(SOON, "Dra. Ruiz on the desk now", |t| t.contains("On the desk now\nDra. Ruiz")).await?;
    manager.wait_for_text("Dra. Ruiz 09:00–13:30", SOON).await?;

    // Her tablet is hers.
    let desk = &lobby.desks[0];
    desk.click_button("Calls").await?;
    desk.select_option("This tablet is", "Dra. Ruiz").await?;

    manager.type_into("What is to be done", "Call back Ana Gil").await?;
    manager.select_option("For whom", "Dra. Ruiz").await?;
    manager.click_button("Hand out").await?;
    manager.wait_for_text("→ Dra. Ruiz · Desk 2", SOON).await?;

    desk.wait_until(SOON, "a task badge on the Team tab", |t| t.contains("Team\n1")).await?;
    desk.click_button("Team").await?;
    desk.wait_until(SOON, "the task among her tasks", |t| t.contains("My tasks\n1\nCall back Ana Gil")).await?;
    desk.screenshot("team-my-tasks").await?;
    desk.click_in_row("Call back Ana Gil", "Done").await?;
    desk.wait_until(SOON, "no open task left", |t| t.contains("My tasks\n0")).await?;
    manager.wait_until(SOON, "the task done on the supervisor's tablet", |t| t.contains("Undo")).await?;
    manager.screenshot("team").await?;
    manager.close().await?;
    lobby.close().await
}
