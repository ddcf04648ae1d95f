//! The business's clock: dates and times in the business's time zone, whatever zone a tablet or
//! the kiosk is set to.
//!
//! The zone comes from the business profile (remembered on the device, so a start offline uses
//! it too). The browser holds the time zone database: offsets come from `Intl.DateTimeFormat`,
//! so no zone data is shipped in the app. Without a zone, or with one the browser does not know,
//! the device's own zone is used.

use std::cell::RefCell;

use chrono::{NaiveDate, NaiveDateTime};

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::platform::now_ms;
use crate::settings::Mode;

/// Offsets are looked up again every quarter hour of the instant asked about (zones change
/// offset on quarter hours at the finest).
const BUCKET_MS: i64 = 15 * 60 * 1000;

#[derive(Default)]
struct Zone {
    name: String,
    /// Whether `name` is also what the device remembers (it may not be: localStorage full).
    saved: bool,
    format: Option<js_sys::Intl::DateTimeFormat>,
    /// The last lookup: the quarter hour it was for and the offset found.
    last: Option<(i64, i64)>,
}

thread_local! {
    static ZONE: RefCell<Zone> = RefCell::new(Zone::default());
}

/// Uses the zone this device last saw in the business profile (call before reading the date).
pub fn init(mode: Mode) {
    let name = crate::local_record::read_text(mode.zone_key()).unwrap_or_default();
    use_zone(&name);
    ZONE.with(|z| z.borrow_mut().saved = true);
}

/// Follows the business profile's zone; remembered for the next start.
pub fn set_zone(mode: Mode, name: &str) {
    if ZONE.with(|z| z.borrow().name == name) {
        return;
    }
    use_zone(name);
    let saved = crate::local_record::write_text(mode.zone_key(), name);
    ZONE.with(|z| z.borrow_mut().saved = saved);
}

/// Whether the zone in use is the one a restart would use: a desk turns to another day by
/// reloading only then (else it would reload for ever).
pub fn zone_saved() -> bool {
    ZONE.with(|z| z.borrow().saved)
}

fn use_zone(name: &str) {
    let format = (!name.is_empty()).then(|| formatter(name)).flatten();
    if format.is_none() && !name.is_empty() {
        leptos::logging::warn!("the browser does not know the time zone {name:?}: using this device's");
    }
    ZONE.with(|z| *z.borrow_mut() = Zone { name: name.to_owned(), saved: false, format, last: None });
}

/// `Intl.DateTimeFormat` for `zone` with numeric parts and a 24-hour clock, or `None` if the
/// browser refuses the zone (its constructor throws a `RangeError`).
fn formatter(zone: &str) -> Option<js_sys::Intl::DateTimeFormat> {
    let options = Object::new();
    for (key, value) in [
        ("timeZone", zone),
        ("hourCycle", "h23"),
        ("year", "numeric"),
        ("month", "numeric"),
        ("day", "numeric"),
        ("hour", "numeric"),
        ("minute", "numeric"),
        ("second", "numeric"),
    ] {
        Reflect::set(&options, &key.into(), &value.into()).ok()?;
    }
    let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let constructor: js_sys::Function = Reflect::get(&intl, &"DateTimeFormat".into()).ok()?.dyn_into().ok()?;
    let args = Array::of2(&"en-US".into(), &options);
    Reflect::construct(&constructor, &args).ok()?.dyn_into().ok()
}

/// The wall-clock time `format` shows at `at_ms`, read back as if it were UTC, minus `at_ms`.
fn offset_from(format: &js_sys::Intl::DateTimeFormat, at_ms: i64) -> Option<i64> {
    let whole_second = at_ms - at_ms.rem_euclid(1000);
    let parts = format.format_to_parts(&js_sys::Date::new(&JsValue::from_f64(whole_second as f64)));
    let part = |kind: &str| -> Option<u32> {
        parts.iter().find_map(|p| {
            let is = Reflect::get(&p, &"type".into()).ok()?.as_string()? == kind;
            if !is {
                return None;
            }
            Reflect::get(&p, &"value".into()).ok()?.as_string()?.parse().ok()
        })
    };
    let date = NaiveDate::from_ymd_opt(part("year")? as i32, part("month")?, part("day")?)?;
    let wall = date.and_hms_opt(part("hour")? % 24, part("minute")?, part("second")?)?;
    Some(wall.and_utc().timestamp_millis() - whole_second)
}

/// The device's own offset at `at_ms` (what `chrono::Local` would use).
fn device_offset(at_ms: i64) -> i64 {
    let minutes_behind = js_sys::Date::new(&JsValue::from_f64(at_ms as f64)).get_timezone_offset();
    -(minutes_behind * 60_000.0) as i64
}

/// How far the business's wall clock is ahead of UTC at `at_ms`, in milliseconds.
pub fn offset_ms(at_ms: i64) -> i64 {
    ZONE.with(|z| {
        let mut z = z.borrow_mut();
        let bucket = at_ms.div_euclid(BUCKET_MS);
        if let Some((seen, offset)) = z.last
            && seen == bucket
        {
            return offset;
        }
        let offset = z.format.as_ref().and_then(|f| offset_from(f, at_ms)).unwrap_or_else(|| device_offset(at_ms));
        z.last = Some((bucket, offset));
        offset
    })
}

/// The business's date and time at `at_ms`.
pub fn local(at_ms: i64) -> NaiveDateTime {
    chrono::DateTime::from_timestamp_millis(at_ms + offset_ms(at_ms)).unwrap_or_default().naive_utc()
}

/// The business's date and time now.
pub fn now() -> NaiveDateTime {
    local(now_ms())
}

/// The business's date today.
pub fn today() -> NaiveDate {
    now().date()
}

/// `at_ms` on the business's clock, formatted with a chrono `pattern` (`"%H:%M"`).
pub fn format(at_ms: i64, pattern: &str) -> String {
    local(at_ms).format(pattern).to_string()
}

/// The instant (ms since the epoch) the business's clock shows `wall`: the earlier one when a
/// change of offset shows it twice; for a time the clock skips (clocks going forward), the
/// instant it would be by the offset before the change (so a day starting in the gap starts at
/// the first moment it exists).
pub fn instant(wall: NaiveDateTime) -> i64 {
    const DAY_MS: i64 = 86_400_000;
    let as_utc = wall.and_utc().timestamp_millis();
    // The offset a day before and a day after: one of them is the offset in force at `wall`
    // (offsets change at most once in a day).
    let candidates = [as_utc - offset_ms(as_utc - DAY_MS), as_utc - offset_ms(as_utc + DAY_MS)];
    candidates.into_iter().filter(|t| local(*t) == wall).min().unwrap_or(candidates[0])
}

/// When the business's day `date` starts.
pub fn start_of(date: NaiveDate) -> i64 {
    instant(date.and_hms_opt(0, 0, 0).unwrap_or_default())
}
