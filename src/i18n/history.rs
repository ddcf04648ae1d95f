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
        TabletClock => tablet_clock,
        Unconfirmed => unconfirmed,
        EmptyValue => empty_value,
        Yes => yes,
        No => no,
    }
}

/// The names of the fields the History lists, in English and Spanish; any other is shown as
/// written, spaced.
const LABELS: &[(&str, &str, &str)] = &[
    ("name", "Name", "Nombre"),
    ("phone", "Phone", "Teléfono"),
    ("email", "Email", "Correo electrónico"),
    ("notes", "Notes", "Notas"),
    ("code", "Code", "Código"),
    ("merged_into", "Merged into", "Fusionado con"),
    ("client", "Client", "Cliente"),
    ("client_name", "Client", "Cliente"),
    ("service", "Service", "Servicio"),
    ("staff", "Staff", "Personal"),
    ("resource", "Resource", "Recurso"),
    ("date", "Date", "Fecha"),
    ("start_min", "Start", "Inicio"),
    ("duration_min", "Length (min)", "Duración (min)"),
    ("state", "State", "Estado"),
    ("status", "State", "Estado"),
    ("lines", "Line", "Línea"),
    ("void", "Void", "Anulada"),
    ("insurer", "Insurer", "Aseguradora"),
    ("plan", "Plan", "Plan"),
    ("member_number", "Member number", "Número de afiliado"),
    ("amount_minor", "Amount", "Importe"),
    ("copay_minor", "Copay", "Copago"),
    ("at_ms", "Time", "Hora"),
    ("reason", "Reason", "Motivo"),
    ("kind", "Fix", "Corrección"),
    ("punch", "Punch left out", "Fichaje omitido"),
    ("by", "By", "Por"),
    ("papers", "Document", "Documento"),
    ("received", "received", "recibido"),
];

/// A field's name as the History shows it: `name` → "Name"; a nested one by its first part and
/// the rest (`lines.0.price` → "Line 1 · price"); an unknown one as written, spaced.
pub fn field_label(field: &str, lang: Lang) -> String {
    let (head, rest) = field.split_once('.').unwrap_or((field, ""));
    let named = |name: &str| match LABELS.iter().find(|(n, ..)| *n == name) {
        Some((_, en, es)) => if lang == Lang::Es { es } else { en }.to_string(),
        None => name.replace('_', " "),
    };
    let label = named(head);
    match rest.split_once('.') {
        // A list's item: counted from 1, then the item's own field.
        Some((index, field)) if index.parse::<usize>().is_ok() => {
            format!("{label} {} · {}", index.parse::<usize>().unwrap_or(0) + 1, named(field))
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
        // (The record's currency is not in the entry: two decimals, as most have.)
        Ok(minor) if last.ends_with("_minor") => frontdesk_core::money::format_amount(minor, "", lang == Lang::Es),
        _ => match (last, value) {
            (_, "true") => HistoryMsg::Yes.text(lang).to_owned(),
            (_, "false") => HistoryMsg::No.text(lang).to_owned(),
            // A punch fix's kind, as the fix form names it.
            ("kind", "AddIn") => super::PeopleMsg::AddClockIn.text(lang).to_owned(),
            ("kind", "AddOut") => super::PeopleMsg::AddClockOut.text(lang).to_owned(),
            ("kind", "Ignore") => super::PeopleMsg::LeaveOut.text(lang).to_owned(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_and_values_read_as_a_person_would_say_them() {
        assert_eq!(field_label("phone", Lang::Es), "Teléfono");
        assert_eq!(field_label("lines.0.unit_price", Lang::En), "Line 1 · unit price");
        assert_eq!(field_label("papers.2", Lang::En), "Document · 2");
        // A claim's document ticked: the list's item, then its own field, both named.
        assert_eq!(field_label("papers.1.received", Lang::En), "Document 2 · received");
        assert_eq!(field_label("papers.1.received", Lang::Es), "Documento 2 · recibido");
        assert_eq!(field_label("member_number", Lang::En), "Member number");
        assert_eq!(field_label("some_new_field", Lang::En), "some new field");
        assert_eq!(shown_value("amount_minor", "-1250", Lang::En), "-12.50", "a refund keeps its sign");
        assert_eq!(shown_value("copay_minor", "123456", Lang::Es), "1.234,56");
        assert_eq!(shown_value("start_min", "570", Lang::En), "09:30");
        assert_eq!(shown_value("duration_min", "45", Lang::En), "45", "a length is not a time of day");
        assert_eq!(field_label("kind", Lang::Es), "Corrección");
        assert_eq!(shown_value("kind", "AddOut", Lang::En), crate::i18n::PeopleMsg::AddClockOut.text(Lang::En));
        assert_eq!(shown_value("kind", "Ignore", Lang::Es), crate::i18n::PeopleMsg::LeaveOut.text(Lang::Es));
        assert_eq!(
            shown_value("state", "NoShow", Lang::En),
            super::super::booking_state_msg(frontdesk_core::schedule::BookingState::NoShow).text(Lang::En)
        );
        assert_eq!(shown_value("void", "true", Lang::Es), "Sí");
        assert_eq!(shown_value("notes", "", Lang::En), "(empty)");
    }
}
