//! Insurance paperwork (the `insurance` document): a patient's cover, and a claim per visit that
//! moves draft → submitted → approved / denied / needs information, with the documents it still
//! lacks and the copay taken at the desk.
//!
//! A claim's status is not a field two tablets could overwrite: every move is its own event
//! record, and the status is the latest event (by time, then id) — so two moves made apart both
//! stay in the history, and every device agrees on where the claim stands.

use crate::sorting::SortDyn;
use automerge::{AutoCommit, Automerge};
use autosurgeon::{Hydrate, Reconcile};

use crate::money::{self, MoneyError};
use crate::records;
use crate::schedule::Stamp;

/// Where a claim stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Reconcile, Hydrate)]
pub enum ClaimStatus {
    Draft,
    Submitted,
    Approved,
    Denied,
    NeedsInfo,
}

impl ClaimStatus {
    /// A stable lower-case name for styles and page attributes (never `Debug`, which release
    /// builds may strip).
    pub fn key(self) -> &'static str {
        match self {
            ClaimStatus::Draft => "draft",
            ClaimStatus::Submitted => "submitted",
            ClaimStatus::Approved => "approved",
            ClaimStatus::Denied => "denied",
            ClaimStatus::NeedsInfo => "needsinfo",
        }
    }

    pub const ALL: [ClaimStatus; 5] = [
        ClaimStatus::Draft,
        ClaimStatus::Submitted,
        ClaimStatus::NeedsInfo,
        ClaimStatus::Approved,
        ClaimStatus::Denied,
    ];

    /// Where a claim can go from here.
    pub fn next(self) -> &'static [ClaimStatus] {
        use ClaimStatus::*;
        match self {
            Draft => &[Submitted],
            Submitted => &[Approved, Denied, NeedsInfo],
            NeedsInfo => &[Submitted],
            // An appeal goes back in.
            Denied => &[Submitted],
            Approved => &[],
        }
    }

    /// Whether the desk has something to do (rather than waiting for the insurer).
    pub fn needs_action(self) -> bool {
        matches!(self, ClaimStatus::Draft | ClaimStatus::NeedsInfo)
    }
}

/// A document a claim needs, and whether the desk has it.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Paper {
    pub name: String,
    pub received: bool,
}

/// One claim for one visit.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Claim {
    pub id: String,
    pub client: String,
    pub patient: String,
    pub insurer: String,
    pub plan: String,
    pub member_number: String,
    /// The policy holder, when not the patient.
    pub holder: String,
    /// What the visit was, and when.
    pub visit: String,
    pub amount_minor: i64,
    pub copay_minor: i64,
    pub papers: Vec<Paper>,
    pub made_by: String,
    pub made_ms: i64,
}

impl Claim {
    /// The documents still missing.
    pub fn missing(&self) -> Vec<&str> {
        self.papers.iter().filter(|p| !p.received).map(|p| p.name.as_str()).collect()
    }
}

/// One move of a claim, with a note (what the insurer asked for, why it was denied).
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct ClaimEvent {
    pub id: String,
    pub claim: String,
    pub status: ClaimStatus,
    pub note: String,
    pub by: String,
    pub at_ms: i64,
}

/// Why a claim or a move is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClaimError {
    #[error("the patient's name is required")]
    PatientMissing,
    #[error("the insurer is required")]
    InsurerMissing,
    #[error("the member number is required")]
    MemberMissing,
    #[error("a field is too long")]
    TooLong,
    #[error("amount: {0}")]
    Amount(MoneyError),
    #[error("copay: {0}")]
    Copay(MoneyError),
    #[error("the copay cannot exceed the amount")]
    CopayTooLarge,
    #[error("a claim cannot go from {from:?} to {to:?}")]
    NotAllowed { from: ClaimStatus, to: ClaimStatus },
    #[error("documents still missing: {0:?}")]
    Missing(Vec<String>),
    #[error("say what the insurer needs")]
    NoteRequired,
}

/// A claim as typed at the desk.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClaimForm {
    pub client: String,
    pub patient: String,
    pub insurer: String,
    pub plan: String,
    pub member_number: String,
    pub holder: String,
    pub visit: String,
    pub amount: String,
    pub copay: String,
    pub papers: Vec<String>,
}

fn clean(text: &str, max: usize) -> Result<String, ClaimError> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() > max { Err(ClaimError::TooLong) } else { Ok(text) }
}

impl ClaimForm {
    pub fn check(&self, id: String, currency: &str, stamp: &Stamp) -> Result<Claim, ClaimError> {
        let patient = clean(&self.patient, 80)?;
        if patient.is_empty() {
            return Err(ClaimError::PatientMissing);
        }
        let insurer = clean(&self.insurer, 80)?;
        if insurer.is_empty() {
            return Err(ClaimError::InsurerMissing);
        }
        let member_number = clean(&self.member_number, 40)?;
        if member_number.is_empty() {
            return Err(ClaimError::MemberMissing);
        }
        let amount_minor = money::parse_amount(&self.amount, currency).map_err(ClaimError::Amount)?;
        let copay_minor = if self.copay.trim().is_empty() {
            0
        } else {
            money::parse_amount(&self.copay, currency).map_err(ClaimError::Copay)?
        };
        if copay_minor > amount_minor {
            return Err(ClaimError::CopayTooLarge);
        }
        let papers = self
            .papers
            .iter()
            .map(|p| clean(p, 80))
            .filter(|p| !matches!(p, Ok(p) if p.is_empty()))
            .map(|p| p.map(|name| Paper { name, received: false }))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Claim {
            id,
            client: self.client.clone(),
            patient,
            insurer,
            plan: clean(&self.plan, 80)?,
            member_number,
            holder: clean(&self.holder, 80)?,
            visit: clean(&self.visit, 120)?,
            amount_minor,
            copay_minor,
            papers,
            made_by: stamp.by.clone(),
            made_ms: stamp.at_ms,
        })
    }
}

const CLAIM: &str = "claim";
const EVENT: &str = "claimevent";

pub fn put_claim(doc: &mut AutoCommit, claim: &Claim) -> Result<(), String> {
    records::put(doc, CLAIM, &claim.id, claim)
}

pub fn put_event(doc: &mut AutoCommit, event: &ClaimEvent) -> Result<(), String> {
    records::put(doc, EVENT, &event.id, event)
}

/// A claim with where it stands and how it got there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimView {
    pub claim: Claim,
    pub status: ClaimStatus,
    /// Oldest first.
    pub history: Vec<ClaimEvent>,
}

/// Every claim in the document, newest first, with its status from its events.
pub fn claims(doc: &Automerge) -> Vec<ClaimView> {
    let mut events: Vec<ClaimEvent> = records::all(doc, EVENT);
    events.sort_dyn_by(|a, b| (a.at_ms, &a.id).cmp(&(b.at_ms, &b.id)));
    let mut out: Vec<ClaimView> = records::all::<Claim>(doc, CLAIM)
        .into_iter()
        .map(|claim| {
            let history: Vec<ClaimEvent> = events.iter().filter(|e| e.claim == claim.id).cloned().collect();
            let status = history.last().map(|e| e.status).unwrap_or(ClaimStatus::Draft);
            ClaimView { claim, status, history }
        })
        .collect();
    out.sort_dyn_by(|a, b| (b.claim.made_ms, &b.claim.id).cmp(&(a.claim.made_ms, &a.claim.id)));
    out
}

/// Checks a move of `view` to `to` and makes its event. Submitting needs every document; asking
/// for information needs a note saying what.
pub fn move_claim(
    view: &ClaimView,
    to: ClaimStatus,
    note: &str,
    id: String,
    stamp: &Stamp,
) -> Result<ClaimEvent, ClaimError> {
    if !view.status.next().contains(&to) {
        return Err(ClaimError::NotAllowed { from: view.status, to });
    }
    let note = clean(note, 300)?;
    if to == ClaimStatus::Submitted {
        let missing: Vec<String> = view.claim.missing().into_iter().map(str::to_owned).collect();
        if !missing.is_empty() {
            return Err(ClaimError::Missing(missing));
        }
    }
    if to == ClaimStatus::NeedsInfo && note.is_empty() {
        return Err(ClaimError::NoteRequired);
    }
    // A move is never older than the status it leaves (a tablet whose clock runs behind).
    let at_ms = view.history.last().map(|e| e.at_ms + 1).unwrap_or(0).max(stamp.at_ms);
    Ok(ClaimEvent { id, claim: view.claim.id.clone(), status: to, note, by: stamp.by.clone(), at_ms })
}

impl ClaimView {
    /// When the claim closed: its last move, if that left it approved or denied (a denied claim
    /// appealed since is open again).
    pub fn closed_ms(&self) -> Option<i64> {
        matches!(self.status, ClaimStatus::Approved | ClaimStatus::Denied)
            .then(|| self.history.last())
            .flatten()
            .map(|e| e.at_ms)
    }
}

/// Closed claims past the business's keeping (`retention::claims_days`) at `now_ms`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expired {
    /// The claims' ids (each has its card photo's document, `doc_name::card_photo`).
    pub claims: Vec<String>,
    /// The root keys that go: each claim, each of its moves, and the History of each.
    pub keys: Vec<String>,
}

/// The claims closed more than `days` days before `now_ms`, and what goes with them.
pub fn expired(doc: &Automerge, days: u32, now_ms: i64) -> Expired {
    let cutoff = now_ms - i64::from(days) * 86_400_000;
    let mut out = Expired::default();
    for view in claims(doc) {
        if view.closed_ms().is_none_or(|closed| closed >= cutoff) {
            continue;
        }
        let records = std::iter::once(format!("{CLAIM}/{}", view.claim.id))
            .chain(view.history.iter().map(|e| format!("{EVENT}/{}", e.id)));
        for key in records {
            out.keys.push(format!("{}/{key}/", crate::history::PREFIX));
            out.keys.push(key);
        }
        out.claims.push(view.claim.id);
    }
    out
}

/// Claims the desk must act on (drafts, and those the insurer sent back), oldest first.
pub fn waiting_for_action(all: &[ClaimView]) -> Vec<&ClaimView> {
    let mut out: Vec<&ClaimView> = all.iter().filter(|c| c.status.needs_action()).collect();
    out.sort_dyn_by_key(|c| c.claim.made_ms);
    out
}

/// A photo of the insurance card, taken with the tablet's camera, in its own document
/// (`cardphoto/<claim id>`) so the claims document stays small and a tablet loads a photo only
/// when it opens the claim.
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct CardPhoto {
    /// A `data:image/jpeg;base64,…` URL, scaled down on the tablet before saving.
    pub data_url: String,
    pub by: String,
    pub at_ms: i64,
}

/// Largest photo kept (the tablet scales it to about 1,000 pixels across first): the whole data
/// URL, its prefix included.
pub const MAX_PHOTO: usize = 1_500_000;

/// The data URL prefixes a card photo may have, with the first bytes its image must start with.
/// The app writes JPEG (`scaled_photo`); a browser whose canvas cannot make JPEG gives PNG.
const PHOTO_KINDS: [(&str, &[u8]); 2] = [
    ("data:image/jpeg;base64,", &[0xFF, 0xD8, 0xFF]),
    ("data:image/png;base64,", &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]),
];

/// Checks a card photo: a JPEG or PNG data URL (exactly as a canvas writes it: standard base64,
/// padded, nothing else in it) whose bytes begin as such an image does, no longer than
/// [`MAX_PHOTO`]. Used when a photo is written and again when one is shown, since any device
/// holding the document could have written anything into it.
pub fn check_photo(data_url: &str) -> Result<(), String> {
    if data_url.len() > MAX_PHOTO {
        return Err("the photo is too large".into());
    }
    let (payload, magic) = PHOTO_KINDS
        .iter()
        .find_map(|(prefix, magic)| data_url.strip_prefix(prefix).map(|p| (p, *magic)))
        .ok_or("not an image")?;
    let head = base64_head(payload).ok_or("not an image")?;
    if !head.starts_with(magic) {
        return Err("not an image".into());
    }
    Ok(())
}

/// The address to show a card photo from, or `None` (show no photo) for anything
/// [`check_photo`] refuses: a `javascript:` or `https://` address, another kind of data, broken
/// base64, or a string too large.
pub fn photo_src(photo: &CardPhoto) -> Option<&str> {
    check_photo(&photo.data_url).ok().map(|()| photo.data_url.as_str())
}

/// Checks that `text` is standard padded base64 and decodes its first 12 bytes (enough for any
/// image signature); `None` if it is not base64 or is empty.
fn base64_head(text: &str) -> Option<Vec<u8>> {
    fn value(c: u8) -> Option<u8> {
        match c {
            b'A'..=b'Z' => Some(c - b'A'),
            b'a'..=b'z' => Some(c - b'a' + 26),
            b'0'..=b'9' => Some(c - b'0' + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    let bytes = text.as_bytes();
    if bytes.is_empty() || !bytes.len().is_multiple_of(4) {
        return None;
    }
    let body = bytes.strip_suffix(b"==").or_else(|| bytes.strip_suffix(b"=")).unwrap_or(bytes);
    let mut head = Vec::with_capacity(12);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in body {
        acc = (acc << 6 | u32::from(value(c)?)) & 0xFFFF;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            if head.len() < 12 {
                head.push((acc >> bits) as u8);
            }
        }
    }
    // The bits a padded ending leaves over must be zero (a canvas never sets them).
    if acc & ((1 << bits) - 1) != 0 {
        return None;
    }
    Some(head)
}

pub fn put_photo(doc: &mut AutoCommit, photo: &CardPhoto) -> Result<(), String> {
    check_photo(&photo.data_url)?;
    records::put(doc, "photo", "card", photo)
}

pub fn photo(doc: &Automerge) -> Option<CardPhoto> {
    records::get(doc, "photo", "card")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(by: &str, at_ms: i64) -> Stamp {
        Stamp { by: by.into(), at_ms }
    }

    fn form() -> ClaimForm {
        ClaimForm {
            client: "c1".into(),
            patient: "Ana Gil".into(),
            insurer: "Sanitas".into(),
            plan: "Plus".into(),
            member_number: "SN-123".into(),
            holder: String::new(),
            visit: "Check-up 2026-11-26".into(),
            amount: "60".into(),
            copay: "10".into(),
            papers: vec!["Insurance card".into(), "Referral".into(), " ".into()],
        }
    }

    /// The start of a real JPEG (SOI, APP0 "JFIF") and of a real PNG (signature, IHDR).
    const JPEG: &str = "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDA==";
    const PNG: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

    fn shown(data_url: &str) -> Option<String> {
        photo_src(&CardPhoto { data_url: data_url.into(), by: "D".into(), at_ms: 1 }).map(str::to_owned)
    }

    #[test]
    fn card_photos_are_images_of_bounded_size() {
        assert!(check_photo(JPEG).is_ok());
        assert!(check_photo(PNG).is_ok());
        assert!(check_photo("data:text/html;base64,PHNjcmlwdD4=").is_err());
        assert!(check_photo(&format!("data:image/png;base64,{}", "A".repeat(MAX_PHOTO))).is_err());
        let mut doc = AutoCommit::new();
        let p = CardPhoto { data_url: PNG.into(), by: "D".into(), at_ms: 1 };
        put_photo(&mut doc, &p).unwrap();
        assert_eq!(photo(doc.document()), Some(p));
        let bad = CardPhoto { data_url: "javascript:alert(1)".into(), by: "D".into(), at_ms: 1 };
        assert!(put_photo(&mut doc, &bad).is_err());
    }

    #[test]
    fn a_photo_is_shown_only_if_it_is_a_jpeg_or_png_data_url_of_bounded_size() {
        assert_eq!(shown(JPEG).as_deref(), Some(JPEG));
        assert_eq!(shown(PNG).as_deref(), Some(PNG));
        // The largest photo kept is shown; one byte more is not.
        let filler = |len: usize| {
            let prefix = "data:image/jpeg;base64,/9j/4AAQ";
            let pad = len - prefix.len();
            format!("{prefix}{}", "A".repeat(pad - pad % 4))
        };
        let largest = filler(MAX_PHOTO);
        assert!(largest.len() <= MAX_PHOTO && shown(&largest).is_some());
        assert!(largest.len() + 4 > MAX_PHOTO && shown(&format!("{largest}AAAA")).is_none());
        // What another device could have written instead.
        for hostile in [
            "",
            "javascript:alert(document.cookie)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "https://attacker.example/pixel.gif?claim=c1",
            "http://attacker.example/x.jpg",
            "//attacker.example/x.jpg",
            "/sync",
            "blob:https://attacker.example/1",
            "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
            "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
            "data:image/svg+xml,<svg onload=alert(1)>",
            "data:image/jpeg,<svg onload=alert(1)>",
            "DATA:IMAGE/JPEG;BASE64,/9j/4AAQ",
            "data:image/jpeg;charset=utf-8;base64,/9j/4AAQ",
            "data:image/jpeg;base64,",
            // Not base64: a quote to break out of an attribute, spaces, a URL-safe alphabet.
            "data:image/jpeg;base64,/9j/4AAQ\" onerror=\"alert(1)",
            "data:image/jpeg;base64,/9j/ 4AAQ",
            "data:image/jpeg;base64,/9j/4AAQ\n",
            "data:image/jpeg;base64,_9j_4AAQ",
            "data:image/jpeg;base64,/9j/4AA",
            "data:image/jpeg;base64,/9j/4A==AAAA",
            "data:image/jpeg;base64,/9j/4A=A",
            "data:image/jpeg;base64,/9j/4B==",
            "data:image/jpeg;base64,/9j/4AAQ#https://attacker.example/",
            // Base64, but not the image it says it is.
            "data:image/jpeg;base64,PHNjcmlwdD4=",
            "data:image/png;base64,/9j/4AAQ",
            "data:image/jpeg;base64,iVBORw0KGgo=",
        ] {
            assert_eq!(shown(hostile), None, "{hostile:?} would be shown");
            assert!(check_photo(hostile).is_err(), "{hostile:?} would be written");
        }
        // A huge string is refused without being decoded.
        assert!(shown(&format!("{JPEG}{}", "A".repeat(20_000_000))).is_none());
    }

    /// Only claims closed longer ago than the keeping go — approved, or denied and not appealed
    /// since —, with their moves and the History of each; open ones stay however old.
    #[test]
    fn closed_claims_past_their_keeping_go_with_their_moves_and_history() {
        const DAY: i64 = 86_400_000;
        let now = 4_000 * DAY;
        let mut doc = AutoCommit::new();
        let claim = |doc: &mut AutoCommit, id: &str, moves: &[(ClaimStatus, i64)]| {
            // The patients of the claims that go are called Inés; the others, Luis.
            let patient =
                if id.ends_with("long-ago") && !id.starts_with("draft") { "Inés Calvo" } else { "Luis Mora" };
            let f = ClaimForm { patient: patient.into(), ..form() };
            let c = f.check(id.into(), "EUR", &stamp("D", 0)).unwrap();
            let who = crate::history::Who { person: "Eva".into(), device: "d1".into(), device_name: "Desk 1".into() };
            crate::history::logged(doc, crate::history::Kind::Claim, id, &who, 0, |d| put_claim(d, &c)).unwrap();
            for (n, (status, at)) in moves.iter().enumerate() {
                let e = ClaimEvent {
                    id: format!("{id}-e{n}"),
                    claim: id.into(),
                    status: *status,
                    note: String::new(),
                    by: "D".into(),
                    at_ms: *at,
                };
                put_event(doc, &e).unwrap();
            }
        };
        use ClaimStatus::*;
        claim(&mut doc, "paid-long-ago", &[(Submitted, 100 * DAY), (Approved, 200 * DAY)]);
        claim(&mut doc, "denied-long-ago", &[(Submitted, 100 * DAY), (Denied, 300 * DAY)]);
        claim(&mut doc, "appealed", &[(Submitted, 100 * DAY), (Denied, 200 * DAY), (Submitted, 300 * DAY)]);
        claim(&mut doc, "draft-long-ago", &[]);
        claim(&mut doc, "paid-lately", &[(Submitted, 100 * DAY), (Approved, now - 1_000 * DAY)]);
        claim(&mut doc, "paid-on-the-day", &[(Approved, now - 1_827 * DAY)]);
        let gone = expired(doc.document(), 1_827, now);
        let mut ids = gone.claims.clone();
        ids.sort();
        assert_eq!(ids, ["denied-long-ago", "paid-long-ago"]);
        let mut keys = gone.keys.clone();
        keys.sort();
        assert_eq!(
            keys,
            [
                "claim/denied-long-ago",
                "claim/paid-long-ago",
                "claimevent/denied-long-ago-e0",
                "claimevent/denied-long-ago-e1",
                "claimevent/paid-long-ago-e0",
                "claimevent/paid-long-ago-e1",
                "history/claim/denied-long-ago/",
                "history/claim/paid-long-ago/",
                "history/claimevent/denied-long-ago-e0/",
                "history/claimevent/denied-long-ago-e1/",
                "history/claimevent/paid-long-ago-e0/",
                "history/claimevent/paid-long-ago-e1/",
            ]
        );
        // Re-based without them (as the manager's tablet does): the rest is as it was, and no
        // byte of the document names the patients of the claims that went.
        let erasure = crate::erasure::Erasure {
            id: "r1".into(),
            keys: gone.keys,
            reason: "kept".into(),
            by: "M".into(),
            at_ms: now,
        };
        let actor = automerge::ActorId::from(&[9u8; 16][..]);
        let person = crate::erasure::Person::default();
        let mut new = crate::erasure::rebuilt(doc.document(), &erasure, &[], &person, actor).unwrap();
        let left: Vec<String> = claims(new.document()).into_iter().map(|v| v.claim.id).collect();
        assert_eq!(left.len(), 4);
        assert!(!left.iter().any(|id| id.ends_with("long-ago") && id != "draft-long-ago"), "{left:?}");
        let bytes = new.save_nocompress();
        let holds = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
        assert!(!holds("Inés Calvo") && holds("Luis Mora"));
        assert_eq!(expired(new.document(), 1_827, now), Expired::default(), "nothing left to expire");
    }

    /// A hostile tablet cannot make an open claim expire by writing a closing move dated long
    /// ago: a claim's status is its latest move, so a back-dated approval is not what it stands
    /// at, and closing it needs a move after its latest one — which then dates the closing.
    #[test]
    fn a_back_dated_closing_move_does_not_make_a_claim_expire() {
        const DAY: i64 = 86_400_000;
        let now = 4_000 * DAY;
        let mut doc = AutoCommit::new();
        put_claim(&mut doc, &form().check("c1".into(), "EUR", &stamp("D", 0)).unwrap()).unwrap();
        let event = |id: &str, status, at_ms| ClaimEvent {
            id: id.into(),
            claim: "c1".into(),
            status,
            note: String::new(),
            by: "D".into(),
            at_ms,
        };
        put_event(&mut doc, &event("honest", ClaimStatus::Submitted, now - 10 * DAY)).unwrap();
        // Written straight into the document, as a hostile tablet could, six years back.
        put_event(&mut doc, &event("forged", ClaimStatus::Approved, now - 2_200 * DAY)).unwrap();
        assert_eq!(claims(doc.document())[0].status, ClaimStatus::Submitted);
        assert_eq!(expired(doc.document(), 1_827, now), Expired::default());
        // Dated after the latest move to take effect, it closes the claim today, not years ago.
        put_event(&mut doc, &event("later", ClaimStatus::Approved, now - 10 * DAY + 1)).unwrap();
        assert_eq!(claims(doc.document())[0].closed_ms(), Some(now - 10 * DAY + 1));
        assert_eq!(expired(doc.document(), 1_827, now), Expired::default());
    }

    #[test]
    fn the_form_is_checked() {
        let s = stamp("D", 1);
        let bad = |f: ClaimForm| f.check("x".into(), "EUR", &s).unwrap_err();
        assert_eq!(bad(ClaimForm { patient: " ".into(), ..form() }), ClaimError::PatientMissing);
        assert_eq!(bad(ClaimForm { insurer: "".into(), ..form() }), ClaimError::InsurerMissing);
        assert_eq!(bad(ClaimForm { member_number: "".into(), ..form() }), ClaimError::MemberMissing);
        assert_eq!(bad(ClaimForm { amount: "-5".into(), ..form() }), ClaimError::Amount(MoneyError::Negative));
        assert_eq!(bad(ClaimForm { copay: "70".into(), ..form() }), ClaimError::CopayTooLarge);
        let c = form().check("x".into(), "EUR", &s).unwrap();
        assert_eq!((c.amount_minor, c.copay_minor, c.papers.len()), (6000, 1000, 2));
    }

    #[test]
    fn a_claim_moves_through_its_workflow_and_keeps_its_history() {
        let mut doc = AutoCommit::new();
        let mut claim = form().check("k".into(), "EUR", &stamp("Desk 1", 1)).unwrap();
        put_claim(&mut doc, &claim).unwrap();
        let view = |doc: &mut AutoCommit| claims(doc.document()).remove(0);
        let v = view(&mut doc);
        assert_eq!(v.status, ClaimStatus::Draft);
        assert_eq!(waiting_for_action(std::slice::from_ref(&v)).len(), 1);
        assert_eq!(
            move_claim(&v, ClaimStatus::Submitted, "", "e1".into(), &stamp("D", 2)),
            Err(ClaimError::Missing(vec!["Insurance card".into(), "Referral".into()]))
        );
        assert!(matches!(
            move_claim(&v, ClaimStatus::Approved, "", "e".into(), &stamp("D", 2)),
            Err(ClaimError::NotAllowed { .. })
        ));
        for p in &mut claim.papers {
            p.received = true;
        }
        put_claim(&mut doc, &claim).unwrap();
        let e = move_claim(&view(&mut doc), ClaimStatus::Submitted, "", "e1".into(), &stamp("D", 3)).unwrap();
        put_event(&mut doc, &e).unwrap();
        assert_eq!(view(&mut doc).status, ClaimStatus::Submitted);
        assert_eq!(
            move_claim(&view(&mut doc), ClaimStatus::NeedsInfo, " ", "e2".into(), &stamp("D", 4)),
            Err(ClaimError::NoteRequired)
        );
        let e =
            move_claim(&view(&mut doc), ClaimStatus::NeedsInfo, "Referral date", "e2".into(), &stamp("D", 4)).unwrap();
        put_event(&mut doc, &e).unwrap();
        let e = move_claim(&view(&mut doc), ClaimStatus::Submitted, "", "e3".into(), &stamp("D", 5)).unwrap();
        put_event(&mut doc, &e).unwrap();
        let e = move_claim(&view(&mut doc), ClaimStatus::Approved, "", "e4".into(), &stamp("D", 6)).unwrap();
        put_event(&mut doc, &e).unwrap();
        let v = view(&mut doc);
        assert_eq!(v.status, ClaimStatus::Approved);
        assert_eq!(
            v.history.iter().map(|e| e.status).collect::<Vec<_>>(),
            [ClaimStatus::Submitted, ClaimStatus::NeedsInfo, ClaimStatus::Submitted, ClaimStatus::Approved]
        );
        assert_eq!(v.history[1].note, "Referral date");
        assert!(ClaimStatus::Approved.next().is_empty());
    }

    #[test]
    fn two_tablets_moving_a_claim_apart_agree_after_merging() {
        let mut base = AutoCommit::new();
        let mut claim = form().check("k".into(), "EUR", &stamp("D", 1)).unwrap();
        claim.papers.clear();
        put_claim(&mut base, &claim).unwrap();
        let e =
            move_claim(&claims(base.document())[0], ClaimStatus::Submitted, "", "e0".into(), &stamp("D", 2)).unwrap();
        put_event(&mut base, &e).unwrap();
        let mut one = base.fork();
        let mut two = base.fork();
        let v1 = claims(one.document()).remove(0);
        let v2 = claims(two.document()).remove(0);
        put_event(&mut one, &move_claim(&v1, ClaimStatus::Approved, "", "a".into(), &stamp("One", 10)).unwrap())
            .unwrap();
        put_event(
            &mut two,
            &move_claim(&v2, ClaimStatus::NeedsInfo, "Signature", "b".into(), &stamp("Two", 11)).unwrap(),
        )
        .unwrap();
        one.merge(&mut two).unwrap();
        two.merge(&mut one).unwrap();
        let (a, b) = (claims(one.document()).remove(0), claims(two.document()).remove(0));
        assert_eq!(a, b);
        assert_eq!(a.status, ClaimStatus::NeedsInfo, "the later move stands");
        assert_eq!(a.history.len(), 3, "both moves stay in the history");
    }
}
