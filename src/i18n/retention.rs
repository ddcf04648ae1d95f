//! Words of how long records are kept (retention, #20), in English and Spanish.

use frontdesk_core::doc_name::Area;

use super::Lang;

messages! {
    RetentionMsg in retention {
        Title => title,
        Lead => lead,
        Forever => forever,
        Delete => delete,
        Cancel => cancel,
        Saved => saved,
        ClaimsReason => claims_reason,
    }
}

/// What an area's documents are, as the manager knows them.
pub fn area_text(area: Area, lang: Lang) -> &'static str {
    match area {
        Area::Inbox => tr!(lang, retention.inbox),
        Area::Day => tr!(lang, retention.day),
        Area::Messages => tr!(lang, retention.messages),
        Area::Timeclock => tr!(lang, retention.timeclock),
        Area::Stays => tr!(lang, retention.stays),
        Area::Rooms => tr!(lang, retention.rooms),
        Area::Orders => tr!(lang, retention.orders),
        Area::Insurance => tr!(lang, retention.claims),
        _ => tr!(lang, retention.invoices),
    }
}

/// A length of time as chosen (`retention::CHOICES`): days up to a month, months up to half a
/// year, then years.
pub fn length_text(days: u32, lang: Lang) -> String {
    match days {
        0..=30 => tr!(lang, retention.days, count = days.to_string()),
        31..=364 => tr!(lang, retention.months, count = ((days * 12 + 182) / 365).max(1).to_string()),
        365..=547 => tr!(lang, retention.one_year).to_owned(),
        _ => tr!(lang, retention.years, count = ((days + 182) / 365).to_string()),
    }
}
