//! Client accounts (patients, guests, customers): contact details and notes in the `clients`
//! document, one flat record per client.
//!
//! Two records that turn out to be the same person are merged by pointing the duplicate at the
//! record that stays (`merged_into`); nothing is deleted, so an edit another tablet made to the
//! duplicate meanwhile is kept and still shows under the surviving client. If two tablets merge
//! the pair in opposite directions offline, the records point at each other: [`resolve`] breaks
//! such a cycle the same way on every device (the smallest id stays).

use crate::sorting::SortDyn;
use std::collections::{BTreeMap, HashSet};

use automerge::{AutoCommit, Automerge};
use autosurgeon::{Hydrate, Reconcile};

use crate::records;
use crate::schedule::{Stamp, clean_phone};
use crate::search::{Query, fold};

/// One client.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Client {
    pub id: String,
    /// A short code the client can give at the desk (same alphabet as confirmation codes).
    pub code: String,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub notes: String,
    /// The client this record was merged into, or empty.
    pub merged_into: String,
    pub made_by: String,
    pub made_ms: i64,
    pub changed_by: String,
    pub changed_ms: i64,
}

/// Why a client cannot be saved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    #[error("the name is required")]
    NameMissing,
    #[error("the name is too long")]
    NameTooLong,
    #[error("not a phone number")]
    BadPhone,
    #[error("not an email address")]
    BadEmail,
    #[error("the notes are too long")]
    NotesTooLong,
    #[error("a client cannot be merged into itself")]
    SameClient,
    #[error("no such client")]
    Unknown,
}

/// What the person at the desk typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientForm {
    pub name: String,
    pub phone: String,
    pub email: String,
    pub notes: String,
}

const MAX_NOTES: usize = 2000;

/// A plausible email address: one `@`, something before it, a dotted domain after it, no spaces.
pub fn clean_email(typed: &str) -> Result<String, ClientError> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(String::new());
    }
    let ok = match typed.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && typed.len() <= 254
                && !typed.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if ok { Ok(typed.to_owned()) } else { Err(ClientError::BadEmail) }
}

impl ClientForm {
    /// The form of an existing client (to edit it).
    pub fn of(client: &Client) -> ClientForm {
        ClientForm {
            name: client.name.clone(),
            phone: client.phone.clone(),
            email: client.email.clone(),
            notes: client.notes.clone(),
        }
    }

    /// Checks the form and makes a new client (`id` and `code` from the caller).
    pub fn check(&self, id: String, code: String, stamp: &Stamp) -> Result<Client, ClientError> {
        let (name, phone, email, notes) = self.cleaned()?;
        Ok(Client {
            id,
            code,
            name,
            phone,
            email,
            notes,
            merged_into: String::new(),
            made_by: stamp.by.clone(),
            made_ms: stamp.at_ms,
            changed_by: stamp.by.clone(),
            changed_ms: stamp.at_ms,
        })
    }

    /// Checks the form and applies it to an existing client.
    pub fn apply(&self, client: &Client, stamp: &Stamp) -> Result<Client, ClientError> {
        let (name, phone, email, notes) = self.cleaned()?;
        Ok(Client {
            name,
            phone,
            email,
            notes,
            changed_by: stamp.by.clone(),
            changed_ms: stamp.at_ms,
            ..client.clone()
        })
    }

    fn cleaned(&self) -> Result<(String, String, String, String), ClientError> {
        let name = self.name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(ClientError::NameMissing);
        }
        if name.chars().count() > 80 {
            return Err(ClientError::NameTooLong);
        }
        let phone = clean_phone(&self.phone).map_err(|_| ClientError::BadPhone)?;
        let email = clean_email(&self.email)?;
        let notes = self.notes.trim().to_owned();
        if notes.chars().count() > MAX_NOTES {
            return Err(ClientError::NotesTooLong);
        }
        Ok((name, phone, email, notes))
    }
}

const CLIENT: &str = "client";

pub fn put_client(doc: &mut AutoCommit, client: &Client) -> Result<(), String> {
    records::put(doc, CLIENT, &client.id, client)
}

/// Every client record, merged ones included.
pub fn all(doc: &Automerge) -> Vec<Client> {
    records::all(doc, CLIENT)
}

/// The clients a person would see: merged duplicates left out (after [`resolve`]), by name.
pub fn active(all: &[Client]) -> Vec<Client> {
    let by_id = index(all);
    // Each name folded once, not at every comparison (n log n folds took most of the list's time).
    let mut out: Vec<(String, &Client)> =
        all.iter().filter(|c| resolve(&by_id, &c.id) == c.id).map(|c| (fold(&c.name), c)).collect();
    out.sort_dyn_by(|a, b| a.0.cmp(&b.0).then(a.1.id.cmp(&b.1.id)));
    out.into_iter().map(|(_, c)| c.clone()).collect()
}

fn index(all: &[Client]) -> BTreeMap<&str, &Client> {
    all.iter().map(|c| (c.id.as_str(), c)).collect()
}

/// The client that record `id` stands for now: follows `merged_into` links. A cycle (two tablets
/// merged a pair both ways offline) resolves to its smallest id on every device.
pub fn resolve(by_id: &BTreeMap<&str, &Client>, id: &str) -> String {
    let mut seen: Vec<&str> = Vec::new();
    let mut at = id;
    loop {
        if seen.contains(&at) {
            let start = seen.iter().position(|s| *s == at).unwrap_or(0);
            return seen[start..].iter().min().map(|s| (*s).to_owned()).unwrap_or_else(|| at.to_owned());
        }
        seen.push(at);
        match by_id.get(at) {
            Some(c) if !c.merged_into.is_empty() && by_id.contains_key(c.merged_into.as_str()) => {
                at = c.merged_into.as_str();
            }
            _ => return at.to_owned(),
        }
    }
}

/// `id` and every record merged into it (directly or through others): whose history it holds.
pub fn identities(all: &[Client], id: &str) -> Vec<Client> {
    let by_id = index(all);
    let root = resolve(&by_id, id);
    let mut out: Vec<Client> = all.iter().filter(|c| resolve(&by_id, &c.id) == root).cloned().collect();
    out.sort_dyn_by_key(|c| (c.id != root, c.made_ms));
    out
}

/// Whether `gone` can be merged into `keep` (both known, not already one client): the two records.
pub fn check_merge(all: &[Client], keep: &str, gone: &str) -> Result<(Client, Client), ClientError> {
    if keep == gone {
        return Err(ClientError::SameClient);
    }
    let by_id = index(all);
    let keep_c = by_id.get(keep).copied().ok_or(ClientError::Unknown)?.clone();
    let gone_c = by_id.get(gone).copied().ok_or(ClientError::Unknown)?.clone();
    if resolve(&by_id, keep) == resolve(&by_id, gone) {
        return Err(ClientError::SameClient);
    }
    Ok((keep_c, gone_c))
}

/// Merges `gone` into `keep`: `gone` points at `keep`, and `keep` takes the contact details it
/// lacked from `gone`, and `gone`'s notes after its own.
pub fn merge(doc: &mut AutoCommit, all: &[Client], keep: &str, gone: &str, stamp: &Stamp) -> Result<(), ClientError> {
    let (keep_c, gone_c) = check_merge(all, keep, gone)?;
    let pick = |a: &str, b: &str| if a.is_empty() { b.to_owned() } else { a.to_owned() };
    let notes = match (keep_c.notes.is_empty(), gone_c.notes.is_empty()) {
        (_, true) => keep_c.notes.clone(),
        (true, false) => gone_c.notes.clone(),
        (false, false) => format!("{}\n{}", keep_c.notes, gone_c.notes),
    };
    let kept = Client {
        phone: pick(&keep_c.phone, &gone_c.phone),
        email: pick(&keep_c.email, &gone_c.email),
        notes,
        changed_by: stamp.by.clone(),
        changed_ms: stamp.at_ms,
        ..keep_c
    };
    let merged =
        Client { merged_into: keep.to_owned(), changed_by: stamp.by.clone(), changed_ms: stamp.at_ms, ..gone_c };
    put_client(doc, &kept).map_err(|_| ClientError::Unknown)?;
    put_client(doc, &merged).map_err(|_| ClientError::Unknown)?;
    Ok(())
}

/// Clients matching what was typed (name words, phone digits, email, code), merged ones left out.
pub fn find(all: &[Client], typed: &str) -> Vec<Client> {
    let Some(query) = Query::new(typed) else { return Vec::new() };
    let code = crate::schedule::normalize_code(typed);
    active(all).into_iter().filter(|c| c.code == code || query.matches(&[&c.name, &c.phone, &c.email])).collect()
}

/// The client whose name is what was typed (any case, with or without accents), among `people`.
pub fn named<'a>(people: &'a [Client], typed: &str) -> Option<&'a Client> {
    let folded = fold(typed.trim());
    people.iter().find(|c| fold(&c.name) == folded)
}

/// The last nine digits of a phone number (what stays the same with or without a country code).
pub fn phone_key(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    digits[digits.len().saturating_sub(9)..].iter().collect()
}

/// Whether a booking or stay made for `name` / `phone` belongs to one of `identities`: the
/// phone numbers match, or, where either has no phone, the names do.
pub fn is_theirs(identities: &[Client], name: &str, phone: &str) -> bool {
    let key = phone_key(phone);
    let folded = fold(name).split_whitespace().collect::<Vec<_>>().join(" ");
    identities.iter().any(|c| {
        let their = phone_key(&c.phone);
        if !key.is_empty() && !their.is_empty() {
            key == their
        } else {
            fold(&c.name).split_whitespace().collect::<Vec<_>>().join(" ") == folded
        }
    })
}

/// Ids of every record standing for the same client as `id` (for matching orders and invoices).
pub fn ids_of(identities: &[Client]) -> HashSet<String> {
    identities.iter().map(|c| c.id.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(by: &str, at_ms: i64) -> Stamp {
        Stamp { by: by.into(), at_ms }
    }

    fn client(id: &str, name: &str, phone: &str) -> Client {
        let form = ClientForm { name: name.into(), phone: phone.into(), ..Default::default() };
        form.check(id.into(), format!("C{id}"), &stamp("Desk", 1)).unwrap()
    }

    #[test]
    fn the_form_is_checked() {
        let s = stamp("Desk", 1);
        let bad = |form: ClientForm| form.check("1".into(), "X".into(), &s).unwrap_err();
        assert_eq!(bad(ClientForm::default()), ClientError::NameMissing);
        assert_eq!(
            bad(ClientForm { name: "Ana".into(), phone: "12ab".into(), ..Default::default() }),
            ClientError::BadPhone
        );
        assert_eq!(
            bad(ClientForm { name: "Ana".into(), email: "ana@local".into(), ..Default::default() }),
            ClientError::BadEmail
        );
        assert_eq!(
            bad(ClientForm { name: "Ana".into(), notes: "x".repeat(2001), ..Default::default() }),
            ClientError::NotesTooLong
        );
        let ok = ClientForm { name: "  Ana   Gil ".into(), email: " ana@example.es ".into(), ..Default::default() }
            .check("1".into(), "X".into(), &s)
            .unwrap();
        assert_eq!((ok.name.as_str(), ok.email.as_str()), ("Ana Gil", "ana@example.es"));
    }

    #[test]
    fn found_by_name_phone_or_code_without_merged_duplicates() {
        let mut a = client("a", "Ana María Gil", "600 111 222");
        let b = client("b", "Luis Núñez", "+34 611 222 333");
        let mut dup = client("c", "Ana Gil", "");
        dup.merged_into = "a".into();
        a.code = "K7QF2M".into();
        let all = vec![a, b, dup];
        assert_eq!(find(&all, "gil").iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["a"]);
        assert_eq!(find(&all, "nunez")[0].id, "b");
        assert_eq!(find(&all, "611 222")[0].id, "b");
        assert_eq!(find(&all, "k7qf-2m")[0].id, "a");
        assert!(find(&all, "x").is_empty());
        assert_eq!(named(&all, " luis nunez ").map(|c| c.id.as_str()), Some("b"));
        assert!(named(&all, "Luis").is_none());
    }

    #[test]
    fn merging_keeps_both_records_and_moves_missing_details() {
        let mut doc = AutoCommit::new();
        let mut keep = client("a", "Ana Gil", "");
        keep.notes = "Allergic to latex".into();
        let mut gone = client("b", "Ana Gil", "600 111 222");
        gone.email = "ana@example.es".into();
        gone.notes = "Prefers mornings".into();
        put_client(&mut doc, &keep).unwrap();
        put_client(&mut doc, &gone).unwrap();
        let before = all(doc.document());
        merge(&mut doc, &before, "a", "b", &stamp("Desk", 5)).unwrap();
        let after = all(doc.document());
        assert_eq!(active(&after).len(), 1);
        let kept = &active(&after)[0];
        assert_eq!(kept.phone, "600 111 222");
        assert_eq!(kept.email, "ana@example.es");
        assert_eq!(kept.notes, "Allergic to latex\nPrefers mornings");
        assert_eq!(identities(&after, "b").iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(merge(&mut doc, &after, "a", "b", &stamp("Desk", 6)), Err(ClientError::SameClient));
        assert_eq!(merge(&mut doc, &after, "a", "a", &stamp("Desk", 6)), Err(ClientError::SameClient));
    }

    #[test]
    fn an_edit_made_offline_to_a_merged_duplicate_survives_and_both_way_merges_agree() {
        let mut base = AutoCommit::new();
        put_client(&mut base, &client("a", "Ana Gil", "")).unwrap();
        put_client(&mut base, &client("b", "Ana Gil", "600 111 222")).unwrap();
        let mut one = base.fork();
        let mut two = base.fork();
        let mut three = base.fork();
        // Tablet one merges b into a; tablet two edits b's notes; tablet three merges a into b.
        let seen = all(one.document());
        merge(&mut one, &seen, "a", "b", &stamp("One", 5)).unwrap();
        let b = all(two.document()).into_iter().find(|c| c.id == "b").unwrap();
        let form = ClientForm { notes: "Call after 5".into(), ..ClientForm::of(&b) };
        put_client(&mut two, &form.apply(&b, &stamp("Two", 6)).unwrap()).unwrap();
        let seen = all(three.document());
        merge(&mut three, &seen, "b", "a", &stamp("Three", 7)).unwrap();
        one.merge(&mut two).unwrap();
        one.merge(&mut three).unwrap();
        two.merge(&mut one).unwrap();
        let seen_one = active(&all(one.document()));
        let seen_two = active(&all(two.document()));
        assert_eq!(seen_one, seen_two);
        assert_eq!(seen_one.len(), 1, "the pair is one client whichever way it was merged");
        let everyone = all(one.document());
        let ids = identities(&everyone, "b");
        assert_eq!(ids.len(), 2);
        assert!(ids.iter().any(|c| c.notes.contains("Call after 5")), "the offline edit is kept");
    }

    #[test]
    fn bookings_are_theirs_by_phone_or_else_by_name() {
        let ana = vec![client("a", "Ana Gil", "+34 600 111 222")];
        assert!(is_theirs(&ana, "A. Gil", "600111222"));
        assert!(!is_theirs(&ana, "Ana Gil", "611 000 000"));
        assert!(is_theirs(&ana, "ana  GIL", ""));
        assert!(!is_theirs(&ana, "Ana Gómez", ""));
    }
}
