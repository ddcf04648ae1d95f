//! The manager's payroll: who is on the clock, pay rates and PINs, timesheets with missed
//! punches fixed (reason kept), closing a pay period, and its CSV.

use chrono::{Datelike, Duration, NaiveDate};
use frontdesk_core::history::Kind;
use frontdesk_core::payroll::{self, Fix, FixKind, PayRate, Problem, RateForm, Sheet};
use frontdesk_core::site::Site;
use frontdesk_core::{doc_name, export, pin, views};
use leptos::prelude::*;

use super::sales::{currency, format_money, new_id};
use crate::components::date_input::DateInput;
use crate::components::device_gate::DeviceRef;
use crate::components::history::History;
use crate::components::time_input::TimeInput;
use crate::i18n::people::{close_error_text, fix_error_text, pin_error_text, rate_error_text};
use crate::i18n::{Lang, PeopleMsg, tr};
use crate::platform::random_bytes;

fn clock(ms: i64) -> String {
    crate::clock::format(ms, "%H:%M")
}

fn day_of(ms: i64) -> String {
    crate::clock::format(ms, "%a %d")
}

/// Everything payroll reads, once per change.
#[derive(Clone, Debug, Default, PartialEq)]
struct Books {
    rates: Vec<PayRate>,
    punches: Vec<payroll::HeldPunch>,
    fixes: Vec<Fix>,
    periods: Vec<payroll::Period>,
    salt: Option<String>,
}

#[component]
pub fn Payroll(device: DeviceRef, today: NaiveDate, lang: RwSignal<Lang>, site: Memo<Site>) -> impl IntoView {
    let t = move |msg: PeopleMsg| msg.text(lang.get());
    let revision = device.with_value(|d| d.revision);
    let books = Memo::new(move |_| {
        revision.track();
        device.with_value(|d| Books {
            rates: d.read(doc_name::PAYROLL, payroll::rates).unwrap_or_default(),
            punches: views::punches_held(&**d),
            fixes: d.read(doc_name::PAYROLL, payroll::fixes).unwrap_or_default(),
            periods: d.read(doc_name::PAYROLL, payroll::periods).unwrap_or_default(),
            salt: d.read(doc_name::KIOSK, payroll::pin_salt).flatten(),
        })
    });
    let monday = today - Duration::days(today.weekday().num_days_from_monday() as i64);
    let from = RwSignal::new(monday.to_string());
    let to = RwSignal::new((monday + Duration::days(6)).to_string());
    let period = move || {
        let f = frontdesk_core::dates::parse_day(&from.get())?;
        let t = frontdesk_core::dates::parse_day(&to.get())?;
        Some((f, t))
    };
    let sheets = Memo::new(move |_| {
        let Some((f, t)) = period() else { return Vec::new() };
        books.with(|b| payroll::sheets(&b.rates, &b.punches, &b.fixes, f, t, crate::clock::local))
    });
    let nobodys = Memo::new(move |_| {
        let Some((f, t)) = period() else { return Vec::new() };
        books.with(|b| payroll::unrecognised(&b.rates, &b.punches, &b.fixes, f, t, crate::clock::local))
    });
    let today_sheets = Memo::new(move |_| {
        books.with(|b| payroll::sheets(&b.rates, &b.punches, &b.fixes, today, today, crate::clock::local))
    });
    let name_of = move |id: &str| site.with(|s| s.staff_member(id).map(|m| m.name.clone())).unwrap_or_default();
    let money = move |minor: i64| format_money(minor, &site.with(currency), lang.get());
    let fixing = RwSignal::new(None::<(String, Problem)>);
    let editing = RwSignal::new(None::<String>);
    // What the last attempt to close said, with the sheets it was about: it no longer holds
    // once they change, and shows only while they are the same.
    let closed = RwSignal::new(None::<(Vec<Sheet>, Result<String, String>)>);
    let close_outcome = move || {
        closed.with(|c| c.as_ref().filter(|(about, _)| sheets.with(|now| now == about)).map(|(_, r)| r.clone()))
    };
    let close_period = move |_| {
        let Some((f, t_)) = period() else { return };
        let stamp = device.with_value(|d| d.stamp());
        let staff = site.with(|s| s.staff.clone());
        let about = sheets.get();
        let result = payroll::close(
            &about,
            &staff,
            &books.with(|b| b.periods.clone()),
            f,
            t_,
            &site.with(currency),
            new_id(),
            &stamp,
        );
        match result {
            Err(e) => closed.set(Some((about, Err(close_error_text(&e, lang.get()))))),
            Ok(p) => device.get_value().change_soon(
                doc_name::PAYROLL.to_owned(),
                "a pay period",
                move |d| payroll::put_period(d, &p),
                move |r| {
                    closed
                        .set(Some((about, r.map(|()| PeopleMsg::PeriodClosed.text(lang.get_untracked()).to_owned()))));
                },
            ),
        }
    };
    let download = move |p: payroll::Period| {
        let es = lang.get() == Lang::Es;
        let header = [
            t(PeopleMsg::Name),
            t(PeopleMsg::Regular),
            t(PeopleMsg::Overtime),
            t(PeopleMsg::Gross),
            t(PeopleMsg::Currency),
        ];
        let text = export::csv(&payroll::period_rows(&p, es, header));
        super::calendar::download_file(&format!("payroll-{}-{}.csv", p.from, p.to), "text/csv;charset=utf-8", &text);
    };
    view! {
        <div class="page payroll">
            <section class="card" aria-labelledby="on-clock-title">
                <h2 id="on-clock-title" class="card__title">{move || t(PeopleMsg::OnTheClock)}</h2>
                {move || {
                    let in_now = payroll::on_the_clock(&today_sheets.get());
                    if in_now.is_empty() {
                        view! { <p class="card__empty">{move || t(PeopleMsg::NobodyIn)}</p> }.into_any()
                    } else {
                        view! { <div class="chips">{in_now.into_iter().map(|id| view! { <span class="chip chip--on">{name_of(&id)}</span> }).collect_view()}</div> }.into_any()
                    }
                }}
            </section>
            <section class="card" aria-labelledby="rates-title">
                <h2 id="rates-title" class="card__title">{move || t(PeopleMsg::PayRates)}</h2>
                <Show when=move || site.with(|s| s.staff.is_empty())>
                    <p class="card__empty">{move || t(PeopleMsg::NoStaffYet)}</p>
                </Show>
                <ul class="rows">
                    {move || site.get().staff.into_iter().filter(|m| m.active).map(|m| {
                        let id = m.id.clone();
                        let id2 = m.id.clone();
                        // Read inside the row: a change to the payroll (a sync, the PIN salt
                        // made) updates the row and leaves an open editor as it is.
                        let staff = m.id.clone();
                        let rate = Memo::new(move |_| books.with(|b| b.rates.iter().find(|r| r.staff == staff).cloned()));
                        let summary = move || rate.get().map(|r| format!(
                            "{}/h · {} {} h · {} % · ",
                            money(r.hourly_minor), t(PeopleMsg::Overtime), r.overtime_after_min / 60, r.overtime_pct
                        ));
                        let pin_state = move || match rate.get() {
                            Some(r) if r.legacy_pin().is_some() => PeopleMsg::PinAgain,
                            Some(r) if r.has_pin() => PeopleMsg::PinSet,
                            _ => PeopleMsg::NoPin,
                        };
                        view! {
                            <li class="row row--wrap">
                                <div class="row__main">
                                    <span class="row__title">{m.name.clone()}</span>
                                    <span class="row__sub">{summary}{move || t(pin_state())}</span>
                                </div>
                                <button class="button button--ghost" on:click=move |_| editing.set(Some(id.clone()))>{move || crate::i18n::Msg::Edit.text(lang.get())}</button>
                                {move || (editing.get().as_deref() == Some(id2.as_str())).then(|| {
                                    view! { <RateEditor device lang site books staff=id2.clone() on_close=Callback::new(move |()| editing.set(None))/> }
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
            <section class="card" aria-labelledby="sheets-title">
                <div class="card__head">
                    <h2 id="sheets-title" class="card__title">{move || t(PeopleMsg::Timesheets)}</h2>
                    <div class="inline-form">
                        <label class="field">
                            <span class="field__label">{move || t(PeopleMsg::From)}</span>
                            <DateInput value=Signal::derive(move || from.with(|d| frontdesk_core::dates::parse_day(d)))
                                on_pick=Callback::new(move |d: NaiveDate| from.set(d.to_string())) lang/>
                        </label>
                        <label class="field">
                            <span class="field__label">{move || t(PeopleMsg::To)}</span>
                            <DateInput value=Signal::derive(move || to.with(|d| frontdesk_core::dates::parse_day(d)))
                                on_pick=Callback::new(move |d: NaiveDate| to.set(d.to_string())) lang/>
                        </label>
                    </div>
                </div>
                {move || sheets.get().into_iter().map(|s| {
                    let staff = s.staff.clone();
                    view! { <SheetView device site sheet=s name=name_of(&staff) lang money fixing/> }
                }).collect_view()}
                <Show when=move || !nobodys.with(Vec::is_empty)>
                    <div class="sheet-block sheet-block--nobody">
                        <div class="sheet-block__head"><h3>{move || t(PeopleMsg::Unrecognised)}</h3></div>
                        <p class="card__lead">{move || t(PeopleMsg::UnrecognisedLead)}</p>
                        <ul class="shift-list">
                            {move || nobodys.get().into_iter().map(|p| {
                                let kind = if p.punch.kind == payroll::PunchKind::In { PeopleMsg::PunchedIn } else { PeopleMsg::PunchedOut };
                                view! {
                                    <li class="shift"><span class="shift__day">{day_of(p.at_ms())}</span><span>{clock(p.at_ms())}</span><span class="tag">{move || t(kind)}</span></li>
                                }
                            }).collect_view()}
                        </ul>
                    </div>
                </Show>
                {move || fixing.get().map(|(staff, problem)| view! {
                    <FixForm device lang staff problem on_close=Callback::new(move |()| fixing.set(None))/>
                })}
                <div class="form__actions">
                    <button class="button button--primary button--large" on:click=close_period>{move || t(PeopleMsg::ClosePeriod)}</button>
                    {move || close_outcome().map(|r| match r {
                        Ok(text) => view! { <span class="form-outcome form-outcome--ok" role="status">{text}</span> }.into_any(),
                        Err(text) => view! { <span class="form-outcome form-outcome--error" role="alert">{text}</span> }.into_any(),
                    })}
                </div>
            </section>
            <section class="card" aria-labelledby="periods-title">
                <h2 id="periods-title" class="card__title">{move || t(PeopleMsg::ClosedPeriods)}</h2>
                <ul class="rows">
                    {move || books.get().periods.into_iter().map(|p| {
                        let total: i64 = p.lines.iter().map(|l| l.gross_minor).sum();
                        let cur = p.currency.clone();
                        let pd = p.clone();
                        view! {
                            <li class="row">
                                <div class="row__main">
                                    <span class="row__title">{format!("{} → {}", p.from, p.to)}</span>
                                    <span class="row__sub">{move || format_money(total, &cur, lang.get())}" · "{p.closed_by.clone()}</span>
                                </div>
                                <button class="button button--ghost" on:click=move |_| download(pd.clone())>{move || t(PeopleMsg::DownloadCsv)}</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        </div>
    }
}

#[component]
fn SheetView(
    device: DeviceRef,
    site: Memo<Site>,
    sheet: Sheet,
    name: String,
    lang: RwSignal<Lang>,
    money: impl Fn(i64) -> String + Copy + Send + Sync + 'static,
    fixing: RwSignal<Option<(String, Problem)>>,
) -> impl IntoView {
    let t = move |msg: PeopleMsg| msg.text(lang.get());
    let staff = sheet.staff.clone();
    view! {
        <div class="sheet-block">
            <div class="sheet-block__head">
                <h3>{name}</h3>
                <span class="sheet-block__totals">
                    {move || t(PeopleMsg::Regular)}" "<strong>{payroll::format_minutes(sheet.regular_min)}</strong>
                    " · "{move || t(PeopleMsg::Overtime)}" "<strong>{payroll::format_minutes(sheet.overtime_min)}</strong>
                    " · "{move || t(PeopleMsg::Gross)}" "<strong>{money(sheet.gross_minor)}</strong>
                </span>
            </div>
            {sheet.shifts.is_empty().then(|| view! { <p class="card__empty">{move || t(PeopleMsg::NoShifts)}</p> })}
            <ul class="shift-list">
                {sheet.shifts.iter().map(|s| {
                    let end = s.end_ms.map(clock);
                    let fixed = s.fixed.clone();
                    let when = |ms: i64| format!("{} {}", day_of(ms), clock(ms));
                    let skewed: Vec<(String, String)> =
                        s.skewed.iter().map(|k| (when(k.claimed_ms), when(k.received_ms))).collect();
                    view! {
                        <li class="shift">
                            <span class="shift__day">{day_of(s.start_ms)}</span>
                            <span>{clock(s.start_ms)}" – "{move || end.clone().unwrap_or_else(|| t(PeopleMsg::StillIn).to_owned())}</span>
                            // Each fix that made the shift, with its History (who fixed it, when, from what).
                            {fixed.into_iter().map(|f| view! {
                                <span class="tag">{move || t(PeopleMsg::Fixed)}": "{f.reason.clone()}</span>
                                <History device lang site doc=doc_name::PAYROLL.to_owned() kind=Kind::PunchFix id=f.id/>
                            }).collect_view()}
                            {skewed.into_iter().map(|(claimed, received)| view! {
                                <span class="tag">{move || tr!(lang.get(), people.punch_skewed, claimed = claimed.clone(), received = received.clone())}</span>
                            }).collect_view()}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {sheet.problems.into_iter().map(|p| {
                let (label, at) = match &p {
                    Problem::OpenPunch { at_ms } => (PeopleMsg::OpenPunch, *at_ms),
                    Problem::OutWithoutIn { at_ms } => (PeopleMsg::OutWithoutIn, *at_ms),
                };
                let staff = staff.clone();
                view! {
                    <div class="problem" role="alert">
                        <span>{move || t(label)}" · "{day_of(at)}" "{clock(at)}</span>
                        <button class="button button--primary" on:click=move |_| fixing.set(Some((staff.clone(), p.clone())))>{move || t(PeopleMsg::Fix)}</button>
                    </div>
                }
            }).collect_view()}
        </div>
    }
}

#[component]
fn RateEditor(
    device: DeviceRef,
    lang: RwSignal<Lang>,
    site: Memo<Site>,
    books: Memo<Books>,
    staff: String,
    on_close: Callback<()>,
) -> impl IntoView {
    let t = move |msg: PeopleMsg| msg.text(lang.get());
    let current = books.with_untracked(|b| b.rates.iter().find(|r| r.staff == staff).cloned());
    let comma = lang.get_untracked() == Lang::Es;
    let cur = site.with_untracked(currency);
    let hourly = RwSignal::new(
        current.as_ref().map(|r| frontdesk_core::money::format_amount(r.hourly_minor, &cur, comma)).unwrap_or_default(),
    );
    let after =
        RwSignal::new(current.as_ref().map(|r| (r.overtime_after_min / 60).to_string()).unwrap_or_else(|| "40".into()));
    let pct = RwSignal::new(current.as_ref().map(|r| r.overtime_pct.to_string()).unwrap_or_else(|| "150".into()));
    let pin = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        let form = RateForm {
            hourly: hourly.get(),
            overtime_after_hours: after.get(),
            overtime_pct: pct.get(),
            pin: pin.get(),
        };
        // As the payroll holds it now (a PIN may have been set elsewhere since the form opened).
        let current = books.with_untracked(|b| b.rates.iter().find(|r| r.staff == staff).cloned());
        let rate = match form.check(&staff, current.as_ref(), &cur) {
            Err(e) => return error.set(Some(rate_error_text(&e, lang.get()))),
            Ok(rate) => rate,
        };
        let typed = form.new_pin().ok().flatten();
        pin.set(String::new());
        let (rates, legacy_salt) = books.with(|b| (b.rates.clone(), b.salt.clone()));
        let dev = device.get_value();
        saving.set(true);
        leptos::task::spawn_local(async move {
            let rate = match typed {
                None => Ok(rate),
                Some(typed) => new_pin(rate, &typed, &rates, legacy_salt.as_deref(), lang.get_untracked()).await,
            };
            let rate = match rate {
                Ok(rate) => rate,
                Err(e) => {
                    let _ = saving.try_set(false);
                    let _ = error.try_set(Some(e));
                    return;
                }
            };
            dev.change_soon(
                doc_name::PAYROLL.to_owned(),
                "a pay rate",
                move |d| payroll::put_rate(d, &rate),
                move |r| {
                    let _ = saving.try_set(false);
                    match r {
                        Ok(()) => {
                            let _ = on_close.try_run(());
                        }
                        Err(e) => {
                            let _ = error.try_set(Some(e));
                        }
                    }
                },
            );
        });
    };
    let field = move |label: PeopleMsg, value: RwSignal<String>, mode: &'static str, kind: &'static str| {
        view! {
            <label class="field">
                <span class="field__label">{move || t(label)}</span>
                <input class="field__input" type=kind inputmode=mode autocomplete="off" prop:value=value on:input=move |ev| value.set(event_target_value(&ev))/>
            </label>
        }
    };
    view! {
        <form class="subform rate-form" on:submit=save novalidate aria-label=move || t(PeopleMsg::PayRates)>
            <div class="form__grid">
                {field(PeopleMsg::Hourly, hourly, "decimal", "text")}
                {field(PeopleMsg::OvertimeAfter, after, "decimal", "text")}
                {field(PeopleMsg::OvertimePct, pct, "numeric", "text")}
                {field(PeopleMsg::NewPin, pin, "numeric", "password")}
            </div>
            <p class="field-error" role="alert">{move || error.get()}</p>
            <div class="form__actions">
                <button class="button button--primary" type="submit" disabled=move || saving.get()>{move || t(PeopleMsg::Save)}</button>
                <button class="button button--ghost" type="button" on:click=move |_| on_close.run(())>{move || crate::i18n::Msg::Discard.text(lang.get())}</button>
            </div>
        </form>
    }
}

/// `rate` with the new PIN `typed`: derived in WebCrypto under the person's salt and everyone
/// else's (one call), refused if someone else has it; the refusal in words.
async fn new_pin(
    rate: PayRate,
    typed: &str,
    rates: &[PayRate],
    legacy_salt: Option<&str>,
    lang: Lang,
) -> Result<PayRate, String> {
    let salts = payroll::salts_for_new_pin(rates, &rate.staff, pin::new_salt(random_bytes()));
    let refs: Vec<&str> = salts.iter().map(String::as_str).collect();
    let derived = crate::webcrypto::derive_many(&pin::password(typed), &refs, pin::ITERATIONS)
        .await
        .map_err(|e| e.to_string())?;
    let list = pin::new_salt(random_bytes());
    payroll::with_new_pin(rate, typed, rates, legacy_salt, &salts, &derived, list, crate::platform::now_ms())
        .map_err(|e| pin_error_text(&e, lang).to_owned())
}

#[component]
fn FixForm(
    device: DeviceRef,
    lang: RwSignal<Lang>,
    staff: String,
    problem: Problem,
    on_close: Callback<()>,
) -> impl IntoView {
    let t = move |msg: PeopleMsg| msg.text(lang.get());
    let (at_ms, default_kind) = match problem {
        Problem::OpenPunch { at_ms } => (at_ms, FixKind::AddOut),
        Problem::OutWithoutIn { at_ms } => (at_ms, FixKind::AddIn),
    };
    let kind = RwSignal::new(default_kind);
    let date = crate::clock::local(at_ms).date();
    let time = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    // The punch a "leave out" fix removes: the one the problem points at.
    let punch_at = at_ms;
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let k = kind.get();
        let at = match k {
            FixKind::Ignore => 0,
            _ => frontdesk_core::site::parse_time(&time.get())
                .and_then(|m| date.and_hms_opt(m / 60, m % 60, 0))
                .map(crate::clock::instant)
                .unwrap_or(0),
        };
        let stamp = device.with_value(|d| d.stamp());
        let punch = if k == FixKind::Ignore {
            device
                .with_value(|d| {
                    views::punches_held(&**d).into_iter().find(|p| p.at_ms() == punch_at).map(|p| p.punch.id)
                })
                .unwrap_or_default()
        } else {
            String::new()
        };
        let fix = Fix {
            id: new_id(),
            staff: staff.clone(),
            kind: k,
            at_ms: at,
            punch,
            reason: reason.get(),
            by: stamp.by,
            made_ms: stamp.at_ms,
        };
        match payroll::check_fix(fix) {
            Err(e) => error.set(Some(fix_error_text(&e, lang.get()).to_owned())),
            Ok(fix) => device.get_value().change_soon(
                doc_name::PAYROLL.to_owned(),
                "a fix",
                device.with_value(|dev| {
                    let id = fix.id.clone();
                    dev.logged(frontdesk_core::history::Kind::PunchFix, &id, move |d| payroll::put_fix(d, &fix))
                }),
                move |r| match r {
                    Ok(()) => on_close.run(()),
                    Err(e) => error.set(Some(e)),
                },
            ),
        }
    };
    let option = move |k: FixKind, label: PeopleMsg| {
        view! {
            <label class="check">
                <input type="radio" name="fix-kind" prop:checked=move || kind.get() == k on:change=move |_| kind.set(k)/>
                <span>{move || t(label)}</span>
            </label>
        }
    };
    view! {
        <form class="subform" on:submit=save novalidate aria-label=move || t(PeopleMsg::Fix)>
            <fieldset class="fieldset">
                {option(FixKind::AddOut, PeopleMsg::AddClockOut)}
                {option(FixKind::AddIn, PeopleMsg::AddClockIn)}
                {option(FixKind::Ignore, PeopleMsg::LeaveOut)}
            </fieldset>
            <div class="form__grid">
                <Show when=move || kind.get() != FixKind::Ignore>
                    <label class="field">
                        <span class="field__label">{move || format!("{} · {date}", t(PeopleMsg::Time))}</span>
                        <TimeInput value=time on_pick=Callback::new(move |t| time.set(t)) lang/>
                    </label>
                </Show>
                <label class="field field--wide">
                    <span class="field__label">{move || t(PeopleMsg::Reason)}</span>
                    <input class="field__input" type="text" maxlength="200" prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev))/>
                </label>
            </div>
            <p class="field-error" role="alert">{move || error.get()}</p>
            <div class="form__actions">
                <button class="button button--primary" type="submit">{move || t(PeopleMsg::SaveFix)}</button>
                <button class="button button--ghost" type="button" on:click=move |_| on_close.run(())>{move || crate::i18n::Msg::Discard.text(lang.get())}</button>
            </div>
        </form>
    }
}
