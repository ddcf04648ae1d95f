//! A time field on the 24-hour clock every time in the app is shown with (`17:30`), whatever
//! language the browser is set to: a browser's own time input follows the browser, so an
//! English browser would ask a Spanish desk for "05:30 PM". Typed as people type times (`930`,
//! `9.30`, `9h30`: `site::read_typed_time`).

use frontdesk_core::site::{format_time, read_typed_time};
use leptos::prelude::*;

use crate::i18n::{Lang, tr};

/// `value` is `HH:MM` or empty; `on_pick` gets each valid time (or empty, when the field is
/// emptied) once it is typed in full (on Enter or on leaving the field). Something that is not a
/// time is kept as typed, marked invalid and explained, and changes nothing. `label` names the
/// field where no `<label>` around it does.
#[component]
pub fn TimeInput(
    #[prop(into)] value: Signal<String>,
    on_pick: Callback<String>,
    lang: RwSignal<Lang>,
    #[prop(optional, into)] label: Option<Signal<String>>,
) -> impl IntoView {
    let typed: RwSignal<Option<String>> = RwSignal::new(None);
    let invalid = RwSignal::new(false);
    let commit = move |raw: String| {
        let picked = if raw.trim().is_empty() { Some(String::new()) } else { read_typed_time(&raw).map(format_time) };
        match picked {
            Some(time) => {
                typed.set(None);
                invalid.set(false);
                on_pick.run(time);
            }
            None => invalid.set(true),
        }
    };
    view! {
        <span class="time-input">
            <input class="field__input field__input--time" type="text" inputmode="numeric" autocomplete="off" maxlength="5"
                placeholder="hh:mm" aria-label=move || label.map(|l| l.get())
                aria-invalid=move || invalid.get().then_some("true")
                prop:value=move || typed.get().unwrap_or_else(|| value.get())
                on:input=move |ev| {
                    typed.set(Some(event_target_value(&ev)));
                    invalid.set(false);
                }
                on:change=move |ev| commit(event_target_value(&ev))
                on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Enter" {
                    // Enter takes the time here; it does not submit the form around the field.
                    ev.prevent_default();
                    commit(event_target_value(&ev));
                }/>
            <span class="date-input__error" role="alert">{move || invalid.get().then(|| tr!(lang.get(), date.time_invalid))}</span>
        </span>
    }
}
