//! A text field that keeps what a person types until it reads as a value: the shared part of
//! the date and time fields, which read values the app's way whatever the browser's language.

use leptos::prelude::*;

/// Shows `shown` (the value as the app writes it) until someone types; what they type is kept
/// until Enter or leaving the field, when `accept` reads it and says whether it was a value. One
/// that was not stays as typed, marked invalid, with `error` under it, and changes nothing.
/// Enter takes the value here; it does not submit the form around the field. A new value from
/// elsewhere (a calendar pick, the day changing) replaces what was typed.
#[component]
pub fn TypedField(
    shown: Signal<String>,
    accept: Callback<String, bool>,
    placeholder: Signal<String>,
    error: Signal<String>,
    label: Option<Signal<String>>,
    class: &'static str,
    maxlength: &'static str,
) -> impl IntoView {
    let typed: RwSignal<Option<String>> = RwSignal::new(None);
    let invalid = RwSignal::new(false);
    Effect::new(move |_| {
        shown.track();
        typed.set(None);
        invalid.set(false);
    });
    let commit = move |raw: String| {
        let taken = accept.run(raw);
        if taken {
            typed.set(None);
        }
        invalid.set(!taken);
    };
    view! {
        <input class=class type="text" inputmode="numeric" autocomplete="off" maxlength=maxlength
            placeholder=placeholder aria-label=move || label.map(|l| l.get())
            aria-invalid=move || invalid.get().then_some("true")
            prop:value=move || typed.get().unwrap_or_else(|| shown.get())
            on:input=move |ev| {
                typed.set(Some(event_target_value(&ev)));
                invalid.set(false);
            }
            on:change=move |ev| commit(event_target_value(&ev))
            on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Enter" {
                ev.prevent_default();
                commit(event_target_value(&ev));
            }/>
        <span class="date-input__error" role="alert">{move || invalid.get().then(|| error.get())}</span>
    }
}
