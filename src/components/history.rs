//! A record's History (#20): who changed it — the person signed in and the tablet —, when (the
//! tablet's clock), and each field that changed, before → after; newest first. Read from the
//! entries written beside the record (`frontdesk_core::history`) when the History is opened.

use frontdesk_core::history::{self, Entry, Kind};
use leptos::prelude::*;

use crate::components::device_gate::DeviceRef;
use crate::i18n::{HistoryMsg, Lang, history::field_label};

/// The "History" button of a record and, once opened, its entries.
#[component]
pub fn History(device: DeviceRef, lang: RwSignal<Lang>, doc: String, kind: Kind, id: String) -> impl IntoView {
    let t = move |m: HistoryMsg| m.text(lang.get());
    let open = RwSignal::new(false);
    let revision = device.with_value(|d| d.revision);
    let entries = Memo::new(move |_| {
        if !open.get() {
            return Vec::new();
        }
        revision.track();
        let mut entries = device.with_value(|d| d.read(&doc, |a| history::of(a, kind, &id))).unwrap_or_default();
        entries.reverse();
        entries
    });
    view! {
        <div class="history">
            <button class="button button--ghost" type="button" aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>
                {move || if open.get() { t(HistoryMsg::Hide) } else { t(HistoryMsg::Show) }}
            </button>
            <Show when=move || open.get()>
                <div class="history__panel">
                    <h3 class="history__title">{move || t(HistoryMsg::Title)}</h3>
                    <Show when=move || entries.with(Vec::is_empty)>
                        <p class="card__empty">{move || t(HistoryMsg::Empty)}</p>
                    </Show>
                    <ol class="history__list">
                        {move || entries.get().into_iter().map(|entry| view! { <HistoryEntry entry lang/> }).collect_view()}
                    </ol>
                </div>
            </Show>
        </div>
    }
}

#[component]
fn HistoryEntry(entry: Entry, lang: RwSignal<Lang>) -> impl IntoView {
    let Entry { at_ms, person, device_name, changes, .. } = entry;
    let when = move || {
        let l = lang.get();
        format!(
            "{} {}",
            crate::i18n::format_date(crate::clock::local(at_ms).date(), l),
            crate::clock::format(at_ms, "%H:%M")
        )
    };
    view! {
        <li class="history__entry">
            <p class="history__who">
                <strong>{move || if person.is_empty() { HistoryMsg::Nobody.text(lang.get()).to_owned() } else { person.clone() }}</strong>
                <span class="history__where">{move || format!("{} · {}", device_name, when())}</span>
            </p>
            <dl class="history__changes">
                {changes.into_iter().map(|c| {
                    let field = c.field.clone();
                    let (before, after) = (c.before, c.after);
                    // "(empty)" is not struck through, nor shown as a value.
                    let (was_empty, now_empty) = (before.is_empty(), after.is_empty());
                    let shown = move |value: &str| crate::i18n::history::shown_value(&field, value, lang.get());
                    let shown2 = shown.clone();
                    view! {
                        <dt>{move || field_label(&c.field, lang.get())}</dt>
                        <dd>
                            <span class="history__before" class:history__none=was_empty>{move || shown(&before)}</span>
                            <span class="history__arrow" aria-hidden="true">" → "</span>
                            <span class="visually-hidden">{move || format!(" {} ", HistoryMsg::Became.text(lang.get()))}</span>
                            <span class="history__after" class:history__none=now_empty>{move || shown2(&after)}</span>
                        </dd>
                    }
                }).collect_view()}
            </dl>
        </li>
    }
}
