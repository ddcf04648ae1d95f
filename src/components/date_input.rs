//! A date field that reads and writes dates the way the app's language does (`05/12/2026` in
//! Spanish, `12/05/2026` in English), whatever language the browser is set to: a browser's own
//! date input follows the browser, so a Spanish desk on an English browser would ask for
//! MM/DD/YYYY. Beside it, a button opens the browser's calendar to pick a day instead.

use chrono::NaiveDate;
use frontdesk_core::dates::{DayOrder, parse_day, read_typed, write_typed};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::icons::{Icon, IconSvg};
use crate::i18n::{Lang, tr};

impl Lang {
    /// The order this language types a date's numbers in.
    pub fn day_order(self) -> DayOrder {
        match self {
            Lang::En => DayOrder::MonthFirst,
            Lang::Es => DayOrder::DayFirst,
        }
    }
}

/// A date typed in `lang`'s order; `on_pick` gets each valid date once it is typed in full
/// (on Enter or on leaving the field) or picked on the calendar. Something that is not a date
/// is kept as typed, marked invalid and explained, and changes nothing. `label` names the field
/// where no `<label>` around it does.
#[component]
pub fn DateInput(
    #[prop(into)] value: Signal<Option<NaiveDate>>,
    on_pick: Callback<NaiveDate>,
    lang: RwSignal<Lang>,
    #[prop(optional, into)] label: Option<Signal<String>>,
) -> impl IntoView {
    // What is typed while someone types; `None` shows the value.
    let typed: RwSignal<Option<String>> = RwSignal::new(None);
    let invalid = RwSignal::new(false);
    let commit = move |raw: String| match read_typed(&raw, lang.get_untracked().day_order()) {
        Some(date) => {
            typed.set(None);
            invalid.set(false);
            on_pick.run(date);
        }
        None => invalid.set(true),
    };
    let native = NodeRef::<leptos::html::Input>::new();
    let open_calendar = move |_| {
        let Some(input) = native.get_untracked() else { return };
        // `showPicker` opens the browser's own calendar; a browser without it gets the focus.
        let shown = js_sys::Reflect::get(&input, &"showPicker".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
            .is_some_and(|f| f.call0(&input).is_ok());
        if !shown {
            let _ = input.focus();
        }
    };
    view! {
        <span class="date-input">
            <input class="field__input field__input--date" type="text" inputmode="numeric" autocomplete="off" maxlength="10"
                aria-label=move || label.map(|l| l.get())
                placeholder=move || tr!(lang.get(), date.pattern)
                aria-invalid=move || invalid.get().then_some("true")
                prop:value=move || typed.get().unwrap_or_else(|| value.get().map(|d| write_typed(d, lang.get().day_order())).unwrap_or_default())
                on:input=move |ev| {
                    typed.set(Some(event_target_value(&ev)));
                    invalid.set(false);
                }
                on:change=move |ev| commit(event_target_value(&ev))
                on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Enter" {
                    // Enter takes the date here; it does not submit the form around the field.
                    ev.prevent_default();
                    commit(event_target_value(&ev));
                }/>
            <button class="date-input__pick" type="button" aria-label=move || tr!(lang.get(), date.pick)
                title=move || tr!(lang.get(), date.pick) on:click=open_calendar>
                <IconSvg icon=Icon::Calendar size=20/>
            </button>
            <input class="date-input__native" type="date" tabindex="-1" aria-hidden="true" node_ref=native
                prop:value=move || value.get().map(|d| d.to_string()).unwrap_or_default()
                on:change=move |ev| if let Some(date) = parse_day(&event_target_value(&ev)) {
                    typed.set(None);
                    invalid.set(false);
                    on_pick.run(date);
                }/>
            <span class="date-input__error" role="alert">{move || invalid.get().then(|| tr!(lang.get(), date.invalid))}</span>
        </span>
    }
}
