//! Today's arrivals board, live, with call in / done / no-show and undo.

use chrono::NaiveDate;
use frontdesk_core::{BoardEntry, EventId, StatusEvent, VisitReason, VisitStatus, doc_name, views};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::device_gate::DeviceRef;
use crate::components::icons::{Icon, IconSvg};
use crate::i18n::{DeviceMsg, Lang, Msg, format_wait};
use crate::platform::{now_ms, random_bytes};

/// How long the undo button stays after a click.
const UNDO_MS: i64 = 12_000;

/// Reads the board of `date` from the device's documents.
pub fn read_board(device: DeviceRef, date: NaiveDate, now: i64) -> Vec<BoardEntry> {
    device.with_value(|d| views::board(&**d, date, now))
}

/// The last click made on this tablet, which the undo button cancels.
#[derive(Clone, Debug, PartialEq)]
struct LastAction {
    event: StatusEvent,
    name: String,
    at_ms: i64,
}

fn status_msg(status: VisitStatus) -> Msg {
    match status {
        VisitStatus::Waiting => Msg::Waiting,
        VisitStatus::Called => Msg::StatusCalled,
        VisitStatus::Done => Msg::StatusDone,
        VisitStatus::NoShow => Msg::StatusNoShow,
    }
}

/// Why a visitor came, in the words the kiosk offered them.
fn reason_msg(reason: VisitReason) -> DeviceMsg {
    match reason {
        VisitReason::Appointment => DeviceMsg::ReasonAppointment,
        VisitReason::WalkIn => DeviceMsg::ReasonWalkIn,
        VisitReason::SeeStaff => DeviceMsg::ReasonSeeStaff,
    }
}

#[component]
pub fn Arrivals(
    device: DeviceRef,
    today: NaiveDate,
    lang: RwSignal<Lang>,
    now: RwSignal<i64>,
    /// Today's board (it changes with the documents; the waits shown tick with the clock: live_wait).
    board: Memo<Vec<BoardEntry>>,
) -> impl IntoView {
    let last_action = RwSignal::new(None::<LastAction>);
    let t = move |msg: Msg| msg.text(lang.get());
    let lang_signal = Signal::derive(move || lang.get());

    let record = move |event: StatusEvent, name: String, remember: bool| {
        let dev = device.get_value();
        let doc = doc_name::day(today);
        spawn_local(async move {
            let to_record = event.clone();
            let result = dev.change(&doc, move |d| to_record.record(d).map_err(|e| e.to_string())).await;
            match result {
                Ok(()) if remember => last_action.set(Some(LastAction { event, name, at_ms: now_ms() })),
                Ok(()) => last_action.set(None),
                Err(err) => leptos::logging::error!("status change failed: {err}"),
            }
        });
    };
    let by = move || device.with_value(|d| d.settings.borrow().name.clone());
    let set_status = move |entry: &BoardEntry, new_status: VisitStatus| {
        let event =
            StatusEvent::set(EventId::from_random(random_bytes()), &entry.check_in.id, new_status, now_ms(), &by());
        record(event, entry.check_in.name.clone(), true);
    };
    let undo = move |_| {
        if let Some(action) = last_action.get_untracked() {
            let event = StatusEvent::undo(EventId::from_random(random_bytes()), &action.event, now_ms(), &by());
            record(event, action.name, false);
        }
    };

    let count = move |pred: fn(VisitStatus) -> bool| board.with(|b| b.iter().filter(|e| pred(e.status)).count());
    // The same figure as the reports' (`board::waits`): waits that ended, not those still running.
    let average_wait = move || {
        board
            .with(|b| frontdesk_core::board::waits(b).average_ms)
            .map(|ms| format_wait(ms, lang.get()))
            .unwrap_or_else(|| "—".into())
    };

    let column = move |title: Msg, class: &'static str, filter: fn(VisitStatus) -> bool| {
        let entries = move || board.with(|b| b.iter().filter(|e| filter(e.status)).cloned().collect::<Vec<_>>());
        view! {
            <section class=format!("board-column board-column--{class}") aria-label=move || t(title)>
                <h2 class="board-column__title">{move || t(title)}<span class="count">{move || entries().len()}</span></h2>
                <Show when=move || entries().is_empty()>
                    <p class="board-column__empty">{move || t(Msg::NoOneHere)}</p>
                </Show>
                <ol class="visit-list">
                    <For each=entries key=|e| (e.check_in.id.clone(), e.status) let:entry>
                        <VisitCard entry now lang=lang_signal on_status=Callback::new(move |(e, s): (BoardEntry, VisitStatus)| set_status(&e, s))/>
                    </For>
                </ol>
            </section>
        }
    };

    view! {
        <div class="arrivals">
            <div class="desk-stats">
                <div class="stat"><span class="stat__value">{move || count(|s| s == VisitStatus::Waiting)}</span><span class="stat__label">{move || t(Msg::Waiting)}</span></div>
                <div class="stat"><span class="stat__value">{move || count(|s| s == VisitStatus::Called)}</span><span class="stat__label">{move || t(Msg::WithStaff)}</span></div>
                <div class="stat"><span class="stat__value">{move || count(|s| !s.is_open())}</span><span class="stat__label">{move || t(Msg::Finished)}</span></div>
                <div class="stat"><span class="stat__value">{average_wait}</span><span class="stat__label">{move || t(Msg::AverageWait)}</span></div>
            </div>
            <Show when=move || board.with(|b| !b.is_empty()) fallback=move || view! {
                <div class="empty-state">
                    <div class="empty-state__art"><IconSvg icon=Icon::Clipboard size=56/></div>
                    <h2>{move || t(Msg::NobodyYet)}</h2>
                    <p>{move || t(Msg::NobodyYetHint)}</p>
                </div>
            }>
                <div class="board">
                    {column(Msg::Waiting, "waiting", |s| s == VisitStatus::Waiting)}
                    {column(Msg::WithStaff, "called", |s| s == VisitStatus::Called)}
                    {column(Msg::Finished, "finished", |s| !s.is_open())}
                </div>
            </Show>
            {move || last_action.get().filter(|a| now.get() - a.at_ms < UNDO_MS).map(|action| view! {
                <div class="toast" role="status">
                    <span>{action.name.clone()}" → "{action.event.status.map(|s| t(status_msg(s)))}</span>
                    <button class="button button--toast" on:click=undo>{move || t(Msg::Undo)}</button>
                </div>
            })}
        </div>
    }
}

#[component]
fn VisitCard(
    entry: BoardEntry,
    now: RwSignal<i64>,
    lang: Signal<Lang>,
    on_status: Callback<(BoardEntry, VisitStatus)>,
) -> impl IntoView {
    let t = move |msg: Msg| msg.text(lang.get());
    let status = entry.status;
    let shown = entry.clone();
    let wait = move || live_wait(&shown, now.get());
    let reason = entry.check_in.reason;
    let detail = entry.check_in.detail.clone();
    let card = entry.clone();
    let action = move |label: Msg, class: &'static str, to: VisitStatus| {
        let e = card.clone();
        view! {
            <button class=format!("button {class}") on:click=move |_| on_status.run((e.clone(), to))>{move || t(label)}</button>
        }
    };
    let actions = match status {
        VisitStatus::Waiting => view! {
            {action(Msg::CallIn, "button--primary", VisitStatus::Called)}
            {action(Msg::NoShow, "button--ghost", VisitStatus::NoShow)}
        }
        .into_any(),
        VisitStatus::Called => view! {
            {action(Msg::MarkDone, "button--primary", VisitStatus::Done)}
            {action(Msg::BackToWaiting, "button--ghost", VisitStatus::Waiting)}
        }
        .into_any(),
        VisitStatus::Done | VisitStatus::NoShow => view! {
            <span class=format!("pill pill--{}", if status == VisitStatus::Done { "done" } else { "no-show" })>{move || t(status_msg(status))}</span>
        }
        .into_any(),
    };
    view! {
        <li class="visit-card" data-status=status.key()>
            <span class="visit-card__ticket">{entry.check_in.ticket.clone()}</span>
            <div class="visit-card__body">
                <span class="visit-card__name">{entry.check_in.name.clone()}</span>
                <span class="visit-card__reason">{move || reason_msg(reason).text(lang.get())}{(!detail.is_empty()).then(|| format!(" · {detail}"))}</span>
                {entry.check_in.insurance.clone().map(|i| view! { <span class="visit-card__insurance">{i}</span> })}
                <span class="visit-card__wait">
                    {move || if status == VisitStatus::Waiting { t(Msg::WaitingFor) } else { t(Msg::Waited) }}" "
                    {move || format_wait(wait(), lang.get())}
                </span>
            </div>
            <div class="visit-card__actions">{actions}</div>
        </li>
    }
}

/// How long a visitor has waited as of `now`: still counting while they wait, fixed once called.
fn live_wait(entry: &BoardEntry, now: i64) -> i64 {
    if entry.status == VisitStatus::Waiting { (now - entry.check_in.at_ms).max(0) } else { entry.waited_ms }
}
