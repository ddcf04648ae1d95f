//! A client's own copy of what the business keeps about them (#20): every record that refers to
//! them, in every document the tablet can fetch, with each one's History, as one HTML file they
//! can read and print.

use frontdesk_core::erasure::{self, Exported, Person};
use frontdesk_core::history::Entry;

use crate::i18n::history::{field_label, shown_value};
use crate::i18n::{EraseMsg, HistoryMsg, Lang, tr};

/// Text for HTML: the five characters that could start markup, escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// What kind of record a root key holds, in words.
fn kind_label(key: &str, lang: Lang) -> String {
    const KINDS: &[(&str, &str, &str)] = &[
        ("client", "Client record", "Ficha de cliente"),
        ("booking", "Appointment", "Cita"),
        ("waitlist", "Waiting list", "Lista de espera"),
        ("status", "Visit", "Visita"),
        ("call", "Call or message", "Llamada o mensaje"),
        ("claim", "Insurance claim", "Parte de seguro"),
        ("claimevent", "Insurance claim step", "Paso del parte de seguro"),
        ("invoice", "Invoice", "Factura"),
        ("payment", "Payment", "Pago"),
        ("order", "Order", "Pedido"),
        ("stay", "Stay", "Estancia"),
    ];
    let kind = key.split('/').next().unwrap_or(key);
    match KINDS.iter().find(|(k, ..)| *k == kind) {
        Some((_, en, es)) => if lang == Lang::Es { es } else { en }.to_string(),
        None => kind.replace(['_', '-'], " "),
    }
}

fn entry_html(entry: &Entry, lang: Lang) -> String {
    let who = if entry.person.is_empty() { HistoryMsg::Nobody.text(lang).to_owned() } else { entry.person.clone() };
    let changes: Vec<String> = entry
        .changes
        .iter()
        .map(|c| {
            format!(
                "{}: {} → {}",
                escape(&field_label(&c.field, lang)),
                escape(&shown_value(&c.field, &c.before, lang)),
                escape(&shown_value(&c.field, &c.after, lang))
            )
        })
        .collect();
    format!(
        "<li>{} · {} ({})<br>{}</li>",
        escape(&crate::clock::format(entry.at_ms, "%Y-%m-%d %H:%M")),
        escape(&who),
        escape(&entry.device_name),
        changes.join("<br>")
    )
}

/// The file: who it is about, when it was made and by whom, then each record with its fields
/// and History.
pub fn html(business: &str, person: &Person, records: &[Exported], made_by: &str, lang: Lang) -> String {
    let title = tr!(lang, erase.export_title, name = person.name.clone());
    let mut out = format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><style>\
         body{{font:15px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1f2937}}\
         h1{{font-size:1.6rem}}section{{border-top:1px solid #d1d5db;padding:.5rem 0}}\
         table{{border-collapse:collapse}}td,th{{text-align:left;padding:.15rem 1rem .15rem 0;vertical-align:top}}\
         th{{font-weight:600;color:#4b5563}}ul{{padding-left:1.2rem}}</style></head><body>",
        lang.code(),
        escape(&title)
    );
    out.push_str(&format!(
        "<h1>{}</h1><p>{}</p>",
        escape(&title),
        escape(&tr!(
            lang,
            erase.export_lead,
            business = business.to_owned(),
            when = crate::clock::format(crate::platform::now_ms(), "%Y-%m-%d %H:%M"),
            by = made_by.to_owned()
        ))
    ));
    if records.is_empty() {
        out.push_str(&format!("<p>{}</p>", escape(EraseMsg::ExportEmpty.text(lang))));
    }
    for record in records {
        out.push_str(&format!("<section><h2>{}</h2><table>", escape(&kind_label(&record.key, lang))));
        for (field, value) in &record.fields {
            out.push_str(&format!(
                "<tr><th>{}</th><td>{}</td></tr>",
                escape(&field_label(field, lang)),
                escape(&shown_value(field, value, lang))
            ));
        }
        out.push_str("</table>");
        if !record.history.is_empty() {
            out.push_str(&format!("<h3>{}</h3><ul>", escape(HistoryMsg::Title.text(lang))));
            for entry in record.history.iter().rev() {
                out.push_str(&entry_html(entry, lang));
            }
            out.push_str("</ul>");
        }
        out.push_str("</section>");
    }
    out.push_str("</body></html>");
    out
}

/// Every record about `person` in the documents this tablet holds of the scanned areas.
pub fn records(dev: &crate::device::Device, docs: &[String], person: &Person) -> Vec<Exported> {
    docs.iter().flat_map(|doc| dev.read(doc, |d| erasure::export(doc, d, person)).unwrap_or_default()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_a_record_is_shown_as_text() {
        assert_eq!(escape("<b>Ana & \"Luis\"</b>'"), "&lt;b&gt;Ana &amp; &quot;Luis&quot;&lt;/b&gt;&#39;");
        assert_eq!(kind_label("booking/b1", Lang::Es), "Cita");
        assert_eq!(kind_label("mystery_kind/x", Lang::En), "mystery kind");
    }
}
