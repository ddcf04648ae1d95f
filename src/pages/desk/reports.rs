//! The manager's reports: visits per day and hour, waits, no-shows, what was invoiced by service
//! and taken by payment method — as charts, and as CSV.

use chrono::{Datelike, Duration, NaiveDate};
use frontdesk_core::reports::{self, Day, Labels, Report};
use frontdesk_core::site::Site;
use frontdesk_core::{doc_name, export, schedule};
use leptos::prelude::*;

use super::sales::{Ledger, currency, format_money};
use crate::components::device_gate::DeviceRef;
use crate::i18n::sales::method_msg;
use crate::i18n::{Lang, PeopleMsg, format_wait, weekday_name};

fn start_of(day: NaiveDate) -> i64 {
    crate::clock::start_of(day)
}

/// Vertical bars with their value above and label below.
#[component]
fn Columns(bars: Vec<(String, i64)>, label: String) -> impl IntoView {
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    view! {
        <div class="chart" role="img" aria-label=label>
            {bars.into_iter().map(|(name, value)| {
                let height = format!("height: {}%", value * 100 / max);
                view! {
                    <div class="chart__col">
                        <span class="chart__value">{value}</span>
                        <div class="chart__track"><div class="chart__bar" style=height></div></div>
                        <span class="chart__label">{name}</span>
                    </div>
                }
            }).collect_view()}
        </div>
    }
}

/// Horizontal bars: a label, the bar, the amount.
#[component]
fn Bars(bars: Vec<(String, i64, String)>) -> impl IntoView {
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    view! {
        <div class="hbars">
            {bars.into_iter().map(|(name, value, shown)| {
                let width = format!("width: {}%", value.max(0) * 100 / max);
                view! {
                    <div class="hbar">
                        <span class="hbar__label">{name}</span>
                        <div class="hbar__track"><div class="hbar__fill" style=width></div></div>
                        <span class="hbar__value">{shown}</span>
                    </div>
                }
            }).collect_view()}
        </div>
    }
}

#[component]
pub fn Reports(
    device: DeviceRef,
    today: NaiveDate,
    lang: RwSignal<Lang>,
    site: Memo<Site>,
    ledger: Memo<Ledger>,
) -> impl IntoView {
    let t = move |msg: PeopleMsg| msg.text(lang.get());
    let days_back = RwSignal::new(7i64);
    let revision = device.with_value(|d| d.revision);
    // The days shown are followed (their bookings and arrivals load and sync).
    Effect::new(move |_| {
        let n = days_back.get();
        let dev = device.get_value();
        leptos::task::spawn_local(async move {
            let dates: Vec<NaiveDate> = (0..n).map(|k| today - Duration::days(k)).collect();
            dev.follow(dates.iter().map(|d| doc_name::day(*d)).collect()).await;
            for d in dates {
                dev.watch(doc_name::inbox_prefix(d)).await;
            }
        });
    });
    let report = Memo::new(move |_| {
        revision.track();
        let n = days_back.get();
        let dates: Vec<NaiveDate> = (0..n).rev().map(|k| today - Duration::days(k)).collect();
        let days: Vec<Day> = dates
            .iter()
            .map(|date| {
                let end = start_of(date.succ_opt().unwrap_or(*date));
                Day {
                    date: *date,
                    board: super::arrivals::read_board(device, *date, end.min(crate::platform::now_ms())),
                    bookings: device
                        .with_value(|d| d.read(&doc_name::day(*date), schedule::bookings))
                        .unwrap_or_default(),
                }
            })
            .collect();
        let labels = Labels {
            products: t(PeopleMsg::ProductsLabel).to_owned(),
            rooms: t(PeopleMsg::RoomsLabel).to_owned(),
            other: t(PeopleMsg::OtherLabel).to_owned(),
        };
        let s = site.get();
        let code = lang.get().code();
        let range = (start_of(dates[0]), start_of(today.succ_opt().unwrap_or(today)));
        ledger.with(|l| {
            reports::build(
                &days,
                &l.invoices,
                &l.payments,
                range,
                crate::clock::local,
                |id| s.service(id).map(|x| x.name(code).to_owned()),
                &labels,
            )
        })
    });
    let open_claims = Memo::new(move |_| {
        revision.track();
        device
            .with_value(|d| d.read_cached(doc_name::INSURANCE, frontdesk_core::insurance::claims))
            .unwrap_or_default()
            .iter()
            .filter(|c| {
                !matches!(
                    c.status,
                    frontdesk_core::insurance::ClaimStatus::Approved | frontdesk_core::insurance::ClaimStatus::Denied
                )
            })
            .count()
    });
    let money = move |minor: i64| format_money(minor, &site.with(currency), lang.get());
    let wait = move |ms: Option<i64>| ms.map(|m| format_wait(m, lang.get())).unwrap_or_else(|| "—".into());
    let download = move |_| {
        let r: Report = report.get();
        let l = lang.get();
        let es = l == Lang::Es;
        let cur = site.with(currency);
        let amount = |m: i64| frontdesk_core::money::format_amount(m, &cur, es);
        let mut rows = vec![vec![t(PeopleMsg::Metric).to_owned(), t(PeopleMsg::Value).to_owned()]];
        rows.push(vec![t(PeopleMsg::Visits).into(), r.visits.to_string()]);
        rows.push(vec![t(PeopleMsg::AverageWait).into(), wait(r.average_wait_ms)]);
        rows.push(vec![t(PeopleMsg::LongestWait).into(), wait(r.longest_wait_ms)]);
        rows.push(vec![t(PeopleMsg::NoShows).into(), r.no_shows.to_string()]);
        rows.push(vec![t(PeopleMsg::Bookings).into(), r.bookings.to_string()]);
        rows.push(vec![t(PeopleMsg::OpenClaims).into(), open_claims.get().to_string()]);
        for (day, n) in &r.visits_per_day {
            rows.push(vec![format!("{} {day}", t(PeopleMsg::Visits)), n.to_string()]);
        }
        for (name, v) in &r.revenue_by_service {
            rows.push(vec![format!("{} · {name}", t(PeopleMsg::RevenueByService)), format!("{} {cur}", amount(*v))]);
        }
        for (m, v) in &r.revenue_by_method {
            rows.push(vec![
                format!("{} · {}", t(PeopleMsg::TakingsByMethod), method_msg(*m, l)),
                format!("{} {cur}", amount(*v)),
            ]);
        }
        super::calendar::download_file(&format!("report-{today}.csv"), "text/csv;charset=utf-8", &export::csv(&rows));
    };
    let range_button = move |n: i64, label: PeopleMsg| {
        view! {
            <button class="segmented__option" class:segmented__option--on=move || days_back.get() == n
                aria-pressed=move || (days_back.get() == n).to_string() on:click=move |_| days_back.set(n)>{move || t(label)}</button>
        }
    };
    view! {
        <div class="page reports">
            <div class="toolbar">
                <div class="segmented segmented--two">
                    {range_button(7, PeopleMsg::Last7)}
                    {range_button(30, PeopleMsg::Last30)}
                </div>
                <button class="button button--ghost" on:click=download>{move || PeopleMsg::DownloadCsv.text(lang.get())}</button>
            </div>
            <div class="desk-stats desk-stats--report">
                <div class="stat"><span class="stat__label">{move || t(PeopleMsg::Visits)}</span><span class="stat__value">{move || report.with(|r| r.visits)}</span></div>
                <div class="stat"><span class="stat__label">{move || t(PeopleMsg::AverageWait)}</span><span class="stat__value">{move || wait(report.with(|r| r.average_wait_ms))}</span></div>
                <div class="stat"><span class="stat__label">{move || t(PeopleMsg::LongestWait)}</span><span class="stat__value">{move || wait(report.with(|r| r.longest_wait_ms))}</span></div>
                <div class="stat"><span class="stat__label">{move || t(PeopleMsg::NoShows)}</span><span class="stat__value">{move || report.with(|r| format!("{} / {}", r.no_shows, r.bookings))}</span></div>
                <div class="stat"><span class="stat__label">{move || t(PeopleMsg::OpenClaims)}</span><span class="stat__value">{move || open_claims.get()}</span></div>
            </div>
            <div class="report-grid">
                <section class="card" aria-labelledby="per-day-title">
                    <h2 id="per-day-title" class="card__title">{move || t(PeopleMsg::VisitsPerDay)}</h2>
                    {move || {
                        let long = days_back.get() > 7;
                        let bars = report.with(|r| r.visits_per_day.iter().map(|(d, n)| {
                            let name = if long { d.format("%d").to_string() } else { weekday_name(d.weekday().num_days_from_monday() as usize, lang.get()) };
                            (name, *n as i64)
                        }).collect::<Vec<_>>());
                        view! { <Columns bars label=t(PeopleMsg::VisitsPerDay).to_owned()/> }
                    }}
                </section>
                <section class="card" aria-labelledby="per-hour-title">
                    <h2 id="per-hour-title" class="card__title">{move || t(PeopleMsg::VisitsPerHour)}</h2>
                    {move || {
                        let bars = report.with(|r| (7..22).map(|h| (format!("{h}"), r.visits_per_hour[h] as i64)).collect::<Vec<_>>());
                        view! { <Columns bars label=t(PeopleMsg::VisitsPerHour).to_owned()/> }
                    }}
                </section>
                <section class="card" aria-labelledby="by-service-title">
                    <h2 id="by-service-title" class="card__title">{move || t(PeopleMsg::RevenueByService)}</h2>
                    {move || {
                        let bars = report.with(|r| r.revenue_by_service.iter().map(|(n, v)| (n.clone(), *v, money(*v))).collect::<Vec<_>>());
                        view! { <Bars bars/> }
                    }}
                </section>
                <section class="card" aria-labelledby="by-method-title">
                    <h2 id="by-method-title" class="card__title">{move || t(PeopleMsg::TakingsByMethod)}</h2>
                    {move || {
                        let bars = report.with(|r| r.revenue_by_method.iter().map(|(m, v)| (method_msg(*m, lang.get()).to_owned(), *v, money(*v))).collect::<Vec<_>>());
                        view! { <Bars bars/> }
                    }}
                </section>
            </div>
        </div>
    }
}
