//! Words of a record's History in English and Spanish: its buttons, and the names of the fields
//! it lists.

use super::Lang;

messages! {
    HistoryMsg in history {
        Show => show,
        Hide => hide,
        Title => title,
        Empty => empty,
        Nobody => nobody,
        Became => became,
        EmptyValue => empty_value,
        Yes => yes,
        No => no,
    }
}

/// A field's name as the History shows it: `name` → "Name"; a nested one by its first part and
/// the rest (`lines.0.price` → "Lines 1 · price"); an unknown one as written, spaced.
pub fn field_label(field: &str, lang: Lang) -> String {
    let (head, rest) = field.split_once('.').unwrap_or((field, ""));
    let label = match (head, lang) {
        ("name", Lang::En) => "Name",
        ("name", Lang::Es) => "Nombre",
        ("phone", Lang::En) => "Phone",
        ("phone", Lang::Es) => "Teléfono",
        ("email", Lang::En) => "Email",
        ("email", Lang::Es) => "Correo electrónico",
        ("notes", Lang::En) => "Notes",
        ("notes", Lang::Es) => "Notas",
        ("code", Lang::En) => "Code",
        ("code", Lang::Es) => "Código",
        ("merged_into", Lang::En) => "Merged into",
        ("merged_into", Lang::Es) => "Fusionado con",
        ("client" | "client_name", Lang::En) => "Client",
        ("client" | "client_name", Lang::Es) => "Cliente",
        ("service", Lang::En) => "Service",
        ("service", Lang::Es) => "Servicio",
        ("staff", Lang::En) => "Staff",
        ("staff", Lang::Es) => "Personal",
        ("resource", Lang::En) => "Resource",
        ("resource", Lang::Es) => "Recurso",
        ("date", Lang::En) => "Date",
        ("date", Lang::Es) => "Fecha",
        ("start_min", Lang::En) => "Start",
        ("start_min", Lang::Es) => "Inicio",
        ("duration_min", Lang::En) => "Length (min)",
        ("duration_min", Lang::Es) => "Duración (min)",
        ("state" | "status", Lang::En) => "State",
        ("state" | "status", Lang::Es) => "Estado",
        ("lines", Lang::En) => "Line",
        ("lines", Lang::Es) => "Línea",
        ("void", Lang::En) => "Void",
        ("void", Lang::Es) => "Anulada",
        ("insurer", Lang::En) => "Insurer",
        ("insurer", Lang::Es) => "Aseguradora",
        ("plan", Lang::En) => "Plan",
        ("plan", Lang::Es) => "Plan",
        ("member_number", Lang::En) => "Member number",
        ("member_number", Lang::Es) => "Número de afiliado",
        ("amount_minor", Lang::En) => "Amount",
        ("amount_minor", Lang::Es) => "Importe",
        ("copay_minor", Lang::En) => "Copay",
        ("copay_minor", Lang::Es) => "Copago",
        ("at_ms", Lang::En) => "Time",
        ("at_ms", Lang::Es) => "Hora",
        ("reason", Lang::En) => "Reason",
        ("reason", Lang::Es) => "Motivo",
        _ => "",
    };
    let label = if label.is_empty() { head.replace('_', " ") } else { label.to_owned() };
    match rest.split_once('.') {
        // A list's item: counted from 1, then the item's own field.
        Some((index, field)) if index.parse::<usize>().is_ok() => {
            format!("{label} {} · {}", index.parse::<usize>().unwrap_or(0) + 1, field.replace('_', " "))
        }
        _ if rest.is_empty() => label,
        _ => format!("{label} · {}", rest.replace(['_', '.'], " ")),
    }
}

/// A field's value as the History shows it: minutes of a day as a time, an instant on the
/// business's clock, amounts in major units, yes and no; nothing as "(empty)".
pub fn shown_value(field: &str, value: &str, lang: Lang) -> String {
    if value.is_empty() {
        return HistoryMsg::EmptyValue.text(lang).to_owned();
    }
    let last = field.rsplit('.').next().unwrap_or(field);
    match value.parse::<i64>() {
        Ok(minutes) if last.ends_with("_min") && last != "duration_min" && last != "buffer_min" => {
            frontdesk_core::site::format_time(u32::try_from(minutes).unwrap_or(0))
        }
        Ok(ms) if last.ends_with("_ms") => crate::clock::format(ms, "%Y-%m-%d %H:%M"),
        Ok(minor) if last.ends_with("_minor") => format!("{}.{:02}", minor / 100, (minor % 100).abs()),
        _ => match (last, value) {
            (_, "true") => HistoryMsg::Yes.text(lang).to_owned(),
            (_, "false") => HistoryMsg::No.text(lang).to_owned(),
            // A booking's state, as the calendar names it.
            ("state", state) => booking_state(state)
                .map_or_else(|| state.to_owned(), |s| super::booking_state_msg(s).text(lang).to_owned()),
            (_, other) => other.to_owned(),
        },
    }
}

/// A booking's state as stored (its variant's name).
fn booking_state(stored: &str) -> Option<frontdesk_core::schedule::BookingState> {
    use frontdesk_core::schedule::BookingState::*;
    Some(match stored {
        "Booked" => Booked,
        "Arrived" => Arrived,
        "NoShow" => NoShow,
        "Cancelled" => Cancelled,
        "Moved" => Moved,
        _ => return None,
    })
}
