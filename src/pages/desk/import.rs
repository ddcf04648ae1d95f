//! Importing clients or products from a CSV file: the file is read into a preview (rows ready,
//! and each bad row with its line number and what is wrong), and nothing is written until the
//! person taps Import.

use frontdesk_core::doc_name;
use frontdesk_core::import::{self, FileError, Preview, RowProblem};
use frontdesk_core::{catalog, clients};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::sales::{new_code, new_id};
use crate::components::device_gate::DeviceRef;
use crate::i18n::sales::{client_error_text, product_error_text};
use crate::i18n::{Lang, SalesMsg, tr};

/// What kind of records a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Clients,
    Products,
}

fn file_error_text(error: &FileError, lang: Lang) -> String {
    match error {
        FileError::Empty => tr!(lang, file_error.empty).into(),
        FileError::TooLarge => tr!(lang, file_error.too_large).into(),
        FileError::TooManyRows => tr!(lang, file_error.too_many_rows).into(),
        FileError::MissingColumn(column) => tr!(lang, file_error.missing_column, column = *column),
    }
}

fn problem_text(problem: &RowProblem, lang: Lang) -> String {
    match problem {
        RowProblem::Unreadable => tr!(lang, file_error.unreadable_row).into(),
        RowProblem::Client(e) => client_error_text(e, lang).into(),
        RowProblem::Product(e) => product_error_text(e, lang),
    }
}

/// Either preview, with the lines and problems to show.
#[derive(Clone, Debug, PartialEq)]
enum Read {
    Clients(Preview<clients::Client>),
    Products(Preview<(catalog::Product, i64)>),
}

impl Read {
    fn good(&self) -> usize {
        match self {
            Read::Clients(p) => p.good.len(),
            Read::Products(p) => p.good.len(),
        }
    }

    fn bad(&self) -> Vec<(u64, RowProblem)> {
        match self {
            Read::Clients(p) => p.bad.clone(),
            Read::Products(p) => p.bad.clone(),
        }
    }
}

#[component]
pub fn ImportCard(
    device: DeviceRef,
    lang: RwSignal<Lang>,
    kind: Kind,
    currency: String,
    on_close: Callback<()>,
) -> impl IntoView {
    let t = move |m: SalesMsg| m.text(lang.get());
    let read = RwSignal::new(None::<Result<Read, String>>);
    let done = RwSignal::new(None::<usize>);
    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        let currency = currency.clone();
        done.set(None);
        leptos::task::spawn_local(async move {
            let text = wasm_bindgen_futures::JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default();
            let stamp = device.with_value(|d| d.stamp());
            let outcome = match kind {
                Kind::Clients => import::clients(&text, || (new_id(), new_code()), &stamp).map(Read::Clients),
                Kind::Products => import::products(&text, &currency, new_id).map(Read::Products),
            };
            read.set(Some(outcome.map_err(|e| file_error_text(&e, lang.get_untracked()))));
        });
    };
    let accept = move |_| {
        let Some(Ok(r)) = read.get() else { return };
        let n = r.good();
        let (doc, edit): (&str, frontdesk_core::replica::DocEdit) = match r {
            Read::Clients(p) => {
                (doc_name::CLIENTS, Box::new(move |d| p.good.iter().try_for_each(|(_, c)| clients::put_client(d, c))))
            }
            Read::Products(p) => (
                doc_name::CATALOG,
                Box::new(move |d| {
                    p.good.iter().try_for_each(|(_, (prod, stock))| catalog::put_product(d, prod, *stock))
                }),
            ),
        };
        device.get_value().change_soon(doc.to_owned(), "an import", edit, move |r| {
            if r.is_ok() {
                read.set(None);
                done.set(Some(n));
            }
        });
    };
    let hint = match kind {
        Kind::Clients => SalesMsg::ImportHintClients,
        Kind::Products => SalesMsg::ImportHintProducts,
    };
    view! {
        <section class="subform import" aria-label=move || t(SalesMsg::ImportCsv)>
            <label class="field">
                <span class="field__label">{move || t(SalesMsg::ChooseCsv)}</span>
                <input class="field__input" type="file" accept=".csv,text/csv,text/plain" on:change=on_file/>
            </label>
            <p class="row__sub">{move || t(hint)}</p>
            {move || read.get().map(|r| match r {
                Err(e) => view! { <p class="field-error" role="alert">{e}</p> }.into_any(),
                Ok(r) => {
                    let good = r.good();
                    let bad = r.bad();
                    view! {
                        <p class="import__ready" role="status">{move || tr!(lang.get(), sales.ready_to_import, count = good)}</p>
                        {(!bad.is_empty()).then(|| view! {
                            <div class="import__bad" role="alert">
                                <p>{move || t(SalesMsg::NotImported)}</p>
                                <ul>{bad.iter().map(|(line, p)| {
                                    let p = p.clone();
                                    let line = *line;
                                    view! { <li>{move || format!("{} {line}: {}", t(SalesMsg::Line), problem_text(&p, lang.get()))}</li> }
                                }).collect_view()}</ul>
                            </div>
                        })}
                        <div class="form__actions">
                            <button class="button button--primary" disabled=good == 0 on:click=accept>{move || format!("{} ({good})", t(SalesMsg::ImportNow))}</button>
                            <button class="button button--ghost" on:click=move |_| on_close.run(())>{move || crate::i18n::Msg::Discard.text(lang.get())}</button>
                        </div>
                    }.into_any()
                }
            })}
            {move || done.get().map(|n| view! {
                <p class="form-outcome form-outcome--ok" role="status">{move || tr!(lang.get(), sales.imported, count = n)}</p>
            })}
        </section>
    }
}
