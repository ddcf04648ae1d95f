//! A date field that reads and writes dates the way the app's language does (`05/12/2026` in
//! Spanish, `12/05/2026` in English), whatever language the browser is set to: a browser's own
//! date input follows the browser, so a Spanish desk on an English browser would ask for
//! MM/DD/YYYY. Beside it, a button opens the browser's calendar to pick a day instead.

use chrono::NaiveDate;
use frontdesk_core::dates::{parse_day, read_typed, write_typed};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::icons::{Icon, IconSvg};
use crate::components::typed_field::TypedField;
use crate::i18n::{Lang, tr};

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
    let accept = Callback::new(move |raw: String| {
        read_typed(&raw, lang.get_untracked().day_order()).map(|date| on_pick.run(date)).is_some()
    });
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
            <TypedField accept label class="field__input field__input--date" maxlength="10"
                shown=Signal::derive(move || value.get().map(|d| write_typed(d, lang.get().day_order())).unwrap_or_default())
                placeholder=Signal::derive(move || tr!(lang.get(), date.pattern).to_owned())
                error=Signal::derive(move || tr!(lang.get(), date.invalid).to_owned())/>
            <button class="date-input__pick" type="button" aria-label=move || tr!(lang.get(), date.pick)
                title=move || tr!(lang.get(), date.pick) on:click=open_calendar>
                <IconSvg icon=Icon::Calendar size=20/>
            </button>
            <input class="date-input__native" type="date" tabindex="-1" aria-hidden="true" node_ref=native
                prop:value=move || value.get().map(|d| d.to_string()).unwrap_or_default()
                on:change=move |ev| if let Some(date) = parse_day(&event_target_value(&ev)) { on_pick.run(date) }/>
        </span>
    }
}
