//! A record's History (#20): who changed it — the person signed in and the tablet —, when, and
//! each field that changed, before → after; newest first. Read from the entries written beside
//! the record (`frontdesk_core::history`) when the History is opened.
//!
//! When: the relay's time of each edit, which no tablet chooses — asked of the relay (its audit
//! log has the time it stored each entry's chunk, and who pushed it) while the History is open.
//! An edit the relay cannot date (offline, not sent yet, or older than version 9) shows the
//! tablet's clock, and says so; a tablet's clock far from the relay's is shown beside it. An
//! entry that is not the work of the device that pushed its chunk — another tablet wrote or
//! changed it, or named a chunk not its own (`history::written`) — is shown as not confirmed.

use frontdesk_core::history::Kind;
use frontdesk_core::history::written::{When, Written, when, written};
use frontdesk_core::site::Site;
use frontdesk_protocol::{AdminReply, ChunkId, ClientMsg, MAX_STORED_ASKED, Signer, StoredChunk};
use leptos::prelude::*;

use crate::components::device_gate::DeviceRef;
use crate::i18n::{HistoryMsg, Lang, history::field_label};

/// The "History" button of a record and, once opened, its entries.
#[component]
pub fn History(
    device: DeviceRef,
    lang: RwSignal<Lang>,
    /// The business (the desk's own memo): a staff member's id is shown with their name.
    site: Memo<Site>,
    doc: String,
    kind: Kind,
    id: String,
) -> impl IntoView {
    let t = move |m: HistoryMsg| m.text(lang.get());
    let open = RwSignal::new(false);
    let revision = device.with_value(|d| d.revision);
    let read_doc = doc.clone();
    let entries = Memo::new(move |_| {
        if !open.get() {
            return Vec::new();
        }
        revision.track();
        let mut entries = device.with_value(|d| d.read(&read_doc, |a| written(a, kind, &id))).unwrap_or_default();
        entries.reverse();
        entries
    });
    // When and from whom the relay stored each edit's chunk, and who re-based the document last,
    // as it answered.
    let stored = RwSignal::new(Vec::<StoredChunk>::new());
    let rebased_by = RwSignal::new(None::<Signer>);
    let ask = {
        let doc = doc.clone();
        move || {
            let chunks: Vec<ChunkId> = entries.with_untracked(|entries| {
                let known = stored.read_untracked();
                entries
                    .iter()
                    .filter_map(|w| w.entry.chunk_id())
                    .filter(|c| !known.iter().any(|s| s.chunk == *c))
                    .take(MAX_STORED_ASKED)
                    .collect()
            });
            if !chunks.is_empty() {
                device.with_value(|d| d.request(ClientMsg::WhenStored { doc: doc.clone(), chunks }));
            }
        }
    };
    Effect::new({
        let ask = ask.clone();
        move |_| {
            entries.track();
            ask();
            // An edit made just now reaches the relay a moment later: asked once more then.
            set_timeout(ask.clone(), std::time::Duration::from_secs(3));
        }
    });
    let admin = device.with_value(|d| d.admin);
    Effect::new({
        let doc = doc.clone();
        move |_| {
            let Some(bytes) = admin.get() else { return };
            if let Ok(AdminReply::Stored { doc: of, chunks, rebased_by: by }) = AdminReply::from_bytes(&bytes)
                && of == doc
            {
                stored.update(|known| {
                    for pushed in chunks {
                        if !known.iter().any(|k| k.chunk == pushed.chunk) {
                            known.push(pushed);
                        }
                    }
                });
                rebased_by.set(by);
            }
        }
    });
    // Each entry with when it was made, as far as the relay's answer says; newest first by the
    // relay's time where it vouches for it (a tablet's clock may be wrong), by the tablet's where
    // it does not.
    let ordered = Memo::new(move |_| {
        let by = rebased_by.get();
        let mut dated: Vec<(Written, When)> = stored.with(|known| {
            let dated = |w: Written| {
                let d = when(&w, known, by.as_ref());
                (w, d)
            };
            entries.get().into_iter().map(dated).collect()
        });
        dated.sort_by_key(|(w, d)| {
            std::cmp::Reverse(match d {
                When::Relay { at_ms, .. } => *at_ms,
                _ => w.entry.at_ms,
            })
        });
        dated
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
                        {move || ordered.get().into_iter().map(|(w, dated)| view! { <HistoryEntry w dated lang site/> }).collect_view()}
                    </ol>
                </div>
            </Show>
        </div>
    }
}

/// A tablet's clock this far from the relay's is shown beside it.
const CLOCK_OFF_MS: i64 = 5 * 60_000;

#[component]
fn HistoryEntry(w: Written, dated: When, lang: RwSignal<Lang>, site: Memo<Site>) -> impl IntoView {
    let Written { entry, .. } = w;
    let frontdesk_core::history::Entry { at_ms, person, device_name, changes, .. } = entry;
    let at = move |ms: i64, l: Lang| {
        format!("{} {}", crate::i18n::format_date(crate::clock::local(ms).date(), l), crate::clock::format(ms, "%H:%M"))
    };
    let relay_ms = if let When::Relay { at_ms, .. } = &dated { Some(*at_ms) } else { None };
    let unconfirmed = dated == When::NotItsWriter;
    // A confirmed entry's tablet as the relay names it (its managers set the name); any other's
    // as the entry says.
    let shown_name = match dated {
        When::Relay { device_name: relay_name, .. } if !relay_name.is_empty() => relay_name,
        _ => device_name,
    };
    let when = move || {
        let l = lang.get();
        let tablet = HistoryMsg::TabletClock.text(l);
        match relay_ms {
            Some(ms) if (ms - at_ms).abs() > CLOCK_OFF_MS => {
                // The tablet's time alone when it is the same day.
                let same_day = crate::clock::local(ms).date() == crate::clock::local(at_ms).date();
                let tablet_at = if same_day { crate::clock::format(at_ms, "%H:%M") } else { at(at_ms, l) };
                format!("{} ({tablet}: {tablet_at})", at(ms, l))
            }
            Some(ms) => at(ms, l),
            None => format!("{} ({tablet})", at(at_ms, l)),
        }
    };
    view! {
        <li class="history__entry">
            <p class="history__who">
                <strong>{move || if person.is_empty() { HistoryMsg::Nobody.text(lang.get()).to_owned() } else { person.clone() }}</strong>
                <span class="history__where">{move || format!("{} · {}", shown_name, when())}</span>
            </p>
            <Show when=move || unconfirmed>
                <p class="history__unconfirmed" role="note">{move || HistoryMsg::Unconfirmed.text(lang.get())}</p>
            </Show>
            <dl class="history__changes">
                {changes.into_iter().map(|c| {
                    let field = c.field.clone();
                    let (before, after) = (c.before, c.after);
                    // "(empty)" is not struck through, nor shown as a value.
                    let (was_empty, now_empty) = (before.is_empty(), after.is_empty());
                    let shown = move |value: &str| {
                        // A staff member's id: their name, if the business still lists them.
                        let named = (field == "staff" || field.ends_with(".staff"))
                            .then(|| site.with(|s| s.staff.iter().find(|m| m.id == value).map(|m| m.name.clone())))
                            .flatten();
                        named.unwrap_or_else(|| crate::i18n::history::shown_value(&field, value, lang.get()))
                    };
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
