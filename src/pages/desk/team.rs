//! Supervising reception: who is on the desk now, the week's shifts, and tasks handed out with a
//! due time, which show on the assignee's tablet until they are done.

use chrono::{Datelike, Duration, NaiveDate, Timelike};
use frontdesk_core::doc_name;
use frontdesk_core::site::Site;
use frontdesk_core::staffing::{self, Shift, Task};
use leptos::prelude::*;

use super::sales::new_id;
use crate::components::date_input::DateInput;
use crate::components::device_gate::DeviceRef;
use crate::components::time_input::TimeInput;
use crate::i18n::people::staffing_error_text;
use crate::i18n::{Lang, PeopleMsg};

fn save(
    device: DeviceRef,
    what: &'static str,
    edit: impl FnOnce(&mut automerge::AutoCommit) -> Result<(), String> + 'static,
) {
    device.get_value().change_soon(doc_name::STAFFING.to_owned(), what, edit, |_| {});
}

/// Shifts and tasks, read once per change.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Staffing {
    pub shifts: Vec<Shift>,
    pub tasks: Vec<Task>,
}

pub fn read(device: DeviceRef) -> Staffing {
    device
        .with_value(|d| {
            d.read_cached(doc_name::STAFFING, |doc| Staffing {
                shifts: staffing::shifts(doc),
                tasks: staffing::tasks(doc),
            })
        })
        .unwrap_or_default()
}

fn now_min() -> u32 {
    let now = crate::clock::now();
    now.hour() * 60 + now.minute()
}

#[component]
pub fn Team(
    device: DeviceRef,
    today: NaiveDate,
    lang: RwSignal<Lang>,
    site: Memo<Site>,
    team: Memo<Staffing>,
    owner: RwSignal<String>,
) -> impl IntoView {
    let t = move |m: PeopleMsg| m.text(lang.get());
    let name_of = move |id: &str| site.with(|s| s.staff_member(id).map(|m| m.name.clone())).unwrap_or_default();
    let stamp = move || device.with_value(|d| d.stamp());
    let monday = today - Duration::days(today.weekday().num_days_from_monday() as i64);
    let week = RwSignal::new(monday);

    // A shift being added.
    let shift_staff = RwSignal::new(String::new());
    let shift_day = RwSignal::new(today.to_string());
    let shift_from = RwSignal::new("09:00".to_owned());
    let shift_to = RwSignal::new("14:00".to_owned());
    let shift_error = RwSignal::new(None::<String>);
    let add_shift = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let date = frontdesk_core::dates::parse_day(&shift_day.get()).unwrap_or(today);
        let (staff, from, to) = (shift_staff.get(), shift_from.get(), shift_to.get());
        let form = staffing::ShiftForm { staff: &staff, date, from: &from, to: &to };
        let planned = site.with(|s| team.with(|tm| staffing::plan_shift(s, &tm.shifts, &form, new_id(), &stamp())));
        match planned {
            Err(e) => shift_error.set(Some(staffing_error_text(&e, lang.get()).to_owned())),
            Ok(shift) => {
                shift_error.set(None);
                save(device, "a shift", move |d| staffing::put_shift(d, &shift));
            }
        }
    };
    // A task being handed out.
    let task_title = RwSignal::new(String::new());
    let task_for = RwSignal::new(String::new());
    let task_due = RwSignal::new(String::new());
    let task_error = RwSignal::new(None::<String>);
    let add_task = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let due = task_due.get();
        let planned = site.with(|s| {
            staffing::plan_task(
                s,
                &task_title.get(),
                &task_for.get(),
                (!due.trim().is_empty()).then_some(today),
                &due,
                new_id(),
                &stamp(),
            )
        });
        match planned {
            Err(e) => task_error.set(Some(staffing_error_text(&e, lang.get()).to_owned())),
            Ok(task) => {
                task_error.set(None);
                task_title.set(String::new());
                task_due.set(String::new());
                save(device, "a task", move |d| staffing::put_task(d, &task));
            }
        }
    };
    let set_done = move |task: Task, done: bool| {
        let s = stamp();
        let changed = staffing::set_done(&task, done.then_some(&s));
        save(device, "a task", move |d| staffing::put_task(d, &changed));
    };
    let staff_options = move |chosen: RwSignal<String>| {
        view! {
            <option value="" selected=move || chosen.get().is_empty()>"—"</option>
            {move || site.get().staff.into_iter().filter(|m| m.active).map(|m| {
                let id = m.id.clone();
                view! { <option value=m.id.clone() selected=move || chosen.get() == id>{m.name.clone()}</option> }
            }).collect_view()}
        }
    };
    let task_row = move |task: Task| {
        let open = task.is_open();
        let overdue = task.overdue(today, now_min());
        let due = if task.due_date.is_empty() {
            String::new()
        } else {
            format!("{} {}", task.due_date, frontdesk_core::site::format_time(task.due_min))
        };
        let (t1, t2) = (task.clone(), task.clone());
        view! {
            <li class="row" class:row--inactive=!open>
                <div class="row__main">
                    <span class="row__title"><span>{task.title.clone()}</span></span>
                    <span class="row__sub">{format!("→ {} · {}", name_of(&task.assignee), task.made_by)}{(!due.is_empty()).then(|| format!(" · {due}"))}</span>
                </div>
                {overdue.then(|| view! { <span class="pill pill--noshow">{move || t(PeopleMsg::Overdue)}</span> })}
                {if open {
                    view! { <button class="button button--primary" on:click=move |_| set_done(t1.clone(), true)>{move || t(PeopleMsg::MarkDone)}</button> }.into_any()
                } else {
                    view! {
                        <span class="pill pill--done">{move || t(PeopleMsg::TaskDone)}</span>
                        <button class="button button--ghost" on:click=move |_| set_done(t2.clone(), false)>{move || crate::i18n::SalesMsg::Undo.text(lang.get())}</button>
                    }.into_any()
                }}
            </li>
        }
    };
    view! {
        <div class="page team">
            <div class="calls__grid">
                <div class="calls__side">
                    <section class="card" aria-labelledby="on-desk-title">
                        <h2 id="on-desk-title" class="card__title">{move || t(PeopleMsg::OnDeskNow)}</h2>
                        {move || {
                            let ids = team.with(|tm| staffing::on_desk(&tm.shifts, today, now_min()));
                            if ids.is_empty() {
                                view! { <p class="card__empty">{move || t(PeopleMsg::NobodyOnDesk)}</p> }.into_any()
                            } else {
                                view! { <div class="chips">{ids.into_iter().map(|id| view! { <span class="chip chip--on">{name_of(&id)}</span> }).collect_view()}</div> }.into_any()
                            }
                        }}
                    </section>
                    <Show when=move || !owner.get().is_empty()>
                        <section class="card" aria-labelledby="my-tasks-title">
                            <h2 id="my-tasks-title" class="card__title">{move || t(PeopleMsg::MyTasks)}
                                <span class="count">{move || team.with(|tm| staffing::open_for(&tm.tasks, &owner.get()).len())}</span></h2>
                            <ul class="rows">
                                {move || team.with(|tm| staffing::open_for(&tm.tasks, &owner.get()).into_iter().cloned().collect::<Vec<_>>()).into_iter().map(task_row).collect_view()}
                            </ul>
                        </section>
                    </Show>
                    <form class="card form" on:submit=add_task aria-labelledby="task-form-title" novalidate>
                        <h2 id="task-form-title" class="card__title">{move || t(PeopleMsg::NewTask)}</h2>
                        <label class="field">
                            <span class="field__label">{move || t(PeopleMsg::WhatToDo)}</span>
                            <input class="field__input" type="text" maxlength="200" prop:value=task_title on:input=move |ev| task_title.set(event_target_value(&ev))/>
                        </label>
                        <div class="form__grid">
                            <label class="field">
                                <span class="field__label">{move || t(PeopleMsg::ForWhom)}</span>
                                <select class="field__input" on:change=move |ev| task_for.set(event_target_value(&ev))>{staff_options(task_for)}</select>
                            </label>
                            <label class="field">
                                <span class="field__label">{move || t(PeopleMsg::DueToday)}</span>
                                <TimeInput value=task_due on_pick=Callback::new(move |t| task_due.set(t)) lang/>
                            </label>
                        </div>
                        <p class="field-error" role="alert">{move || task_error.get()}</p>
                        <div class="form__actions">
                            <button class="button button--primary" type="submit">{move || t(PeopleMsg::HandOut)}</button>
                        </div>
                    </form>
                    <section class="card" aria-labelledby="tasks-title">
                        <h2 id="tasks-title" class="card__title">{move || t(PeopleMsg::AllTasks)}</h2>
                        <Show when=move || team.with(|tm| tm.tasks.is_empty())>
                            <p class="card__empty">{move || t(PeopleMsg::NoTasks)}</p>
                        </Show>
                        <ul class="rows">{move || team.get().tasks.into_iter().map(task_row).collect_view()}</ul>
                    </section>
                </div>
                <div class="calls__side">
                    <section class="card" aria-labelledby="rota-title">
                        <div class="card__head">
                            <h2 id="rota-title" class="card__title">{move || t(PeopleMsg::Rota)}</h2>
                            <div class="toolbar__group">
                                <button class="button button--ghost button--icon" aria-label=move || t(PeopleMsg::PreviousWeek) on:click=move |_| week.update(|w| *w -= Duration::days(7))>"‹"</button>
                                <span class="rota__week">{move || format!("{} – {}", week.get().format("%d/%m"), (week.get() + Duration::days(6)).format("%d/%m"))}</span>
                                <button class="button button--ghost button--icon" aria-label=move || t(PeopleMsg::NextWeek) on:click=move |_| week.update(|w| *w += Duration::days(7))>"›"</button>
                            </div>
                        </div>
                        <ul class="rota">
                            {move || staffing::week_of(week.get()).into_iter().map(|date| {
                                let day = date.to_string();
                                let shifts: Vec<Shift> = team.with(|tm| tm.shifts.iter().filter(|s| s.date == day).cloned().collect());
                                view! {
                                    <li class="rota__day" class:rota__day--today=date == today>
                                        <span class="rota__date">{super::format_date(date, lang.get())}</span>
                                        <div class="rota__shifts">
                                            {shifts.into_iter().map(|s| {
                                                let who = name_of(&s.staff);
                                                let gone = Shift { removed: true, ..s.clone() };
                                                let remove = move |_| {
                                                    let g = gone.clone();
                                                    save(device, "a shift", move |d| staffing::put_shift(d, &g));
                                                };
                                                view! {
                                                    <span class="chip">
                                                        {format!("{who} {}", s.label())}
                                                        <button class="chip__remove" aria-label=move || format!("{} {who}", t(PeopleMsg::RemoveShift)) on:click=remove>"×"</button>
                                                    </span>
                                                }
                                            }).collect_view()}
                                        </div>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <form class="subform" on:submit=add_shift novalidate aria-label=move || t(PeopleMsg::AddShift)>
                            <div class="form__grid">
                                <label class="field">
                                    <span class="field__label">{move || t(PeopleMsg::Who)}</span>
                                    <select class="field__input" on:change=move |ev| shift_staff.set(event_target_value(&ev))>{staff_options(shift_staff)}</select>
                                </label>
                                <label class="field">
                                    <span class="field__label">{move || t(PeopleMsg::Day)}</span>
                                    <DateInput value=Signal::derive(move || shift_day.with(|d| frontdesk_core::dates::parse_day(d)))
                                        on_pick=Callback::new(move |d: NaiveDate| shift_day.set(d.to_string())) lang/>
                                </label>
                                <label class="field">
                                    <span class="field__label">{move || t(PeopleMsg::From)}</span>
                                    <TimeInput value=shift_from on_pick=Callback::new(move |t| shift_from.set(t)) lang/>
                                </label>
                                <label class="field">
                                    <span class="field__label">{move || t(PeopleMsg::To)}</span>
                                    <TimeInput value=shift_to on_pick=Callback::new(move |t| shift_to.set(t)) lang/>
                                </label>
                            </div>
                            <p class="field-error" role="alert">{move || shift_error.get()}</p>
                            <div class="form__actions">
                                <button class="button button--primary" type="submit">{move || t(PeopleMsg::AddShift)}</button>
                            </div>
                        </form>
                    </section>
                </div>
            </div>
        </div>
    }
}
