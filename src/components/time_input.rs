//! A time field on the 24-hour clock every time in the app is shown with (`17:30`), whatever
//! language the browser is set to: a browser's own time input follows the browser, so an
//! English browser would ask a Spanish desk for "05:30 PM". Typed as people type times (`930`,
//! `9.30`, `9h30`: `site::read_typed_time`).

use frontdesk_core::site::{format_time, read_typed_time};
use leptos::prelude::*;

use crate::components::typed_field::TypedField;
use crate::i18n::{Lang, tr};

/// `value` is `HH:MM` or empty; `on_pick` gets each valid time (or empty, when the field is
/// emptied) once it is typed in full. `label` names the field where no `<label>` around it does.
#[component]
pub fn TimeInput(
    #[prop(into)] value: Signal<String>,
    on_pick: Callback<String>,
    lang: RwSignal<Lang>,
    #[prop(optional, into)] label: Option<Signal<String>>,
) -> impl IntoView {
    let accept = Callback::new(move |raw: String| {
        let picked = if raw.trim().is_empty() { Some(String::new()) } else { read_typed_time(&raw).map(format_time) };
        picked.map(|time| on_pick.run(time)).is_some()
    });
    view! {
        <span class="time-input">
            <TypedField shown=value accept placeholder=Signal::derive(|| "hh:mm".to_owned())
                error=Signal::derive(move || tr!(lang.get(), date.time_invalid).to_owned())
                label class="field__input field__input--time" maxlength="5"/>
        </span>
    }
}
