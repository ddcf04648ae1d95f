//! The phone log and "while you were out" messages (`messages/<yyyy-mm>` documents).
//!
//! Every call reception takes is logged: who called, for whom, why, a number to call back. A
//! call can carry a message for a member of staff, which that person's tablet shows until they
//! mark it handled. A month per document keeps each small while an unhandled message from
//! yesterday still shows today.

use crate::sorting::SortDyn;
use automerge::{AutoCommit, Automerge};
use autosurgeon::{Hydrate, Reconcile};

use crate::records;
use crate::schedule::{Stamp, clean_phone};

/// One phone call (or a message left at the desk in person).
#[derive(Clone, Debug, PartialEq, Eq, Reconcile, Hydrate)]
pub struct Call {
    pub id: String,
    pub caller: String,
    pub phone: String,
    /// The staff member it was for, or empty.
    pub for_staff: String,
    pub reason: String,
    /// Whether it is a message the person it was for must see.
    pub message: bool,
    pub callback: bool,
    pub at_ms: i64,
    pub by: String,
    pub handled_by: String,
    pub handled_ms: i64,
}

impl Call {
    pub fn is_open_message(&self) -> bool {
        self.message && self.handled_ms == 0
    }
}

/// Why a call cannot be logged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    #[error("who called? a name or a number is required")]
    CallerMissing,
    #[error("the name is too long")]
    CallerTooLong,
    #[error("not a phone number")]
    BadPhone,
    #[error("a message needs someone to give it to")]
    MessageWithoutRecipient,
    #[error("a callback needs a number")]
    CallbackWithoutNumber,
    #[error("the note is too long")]
    ReasonTooLong,
}

/// What the person at the desk typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallForm {
    pub caller: String,
    pub phone: String,
    pub for_staff: String,
    pub reason: String,
    pub message: bool,
    pub callback: bool,
}

const MAX_REASON: usize = 500;

impl CallForm {
    /// Checks the form and makes the call record (id and stamp from the caller).
    pub fn check(&self, id: String, stamp: &Stamp) -> Result<Call, CallError> {
        let caller = self.caller.split_whitespace().collect::<Vec<_>>().join(" ");
        let phone = clean_phone(&self.phone).map_err(|_| CallError::BadPhone)?;
        if caller.is_empty() && phone.is_empty() {
            return Err(CallError::CallerMissing);
        }
        if caller.chars().count() > 80 {
            return Err(CallError::CallerTooLong);
        }
        if self.message && self.for_staff.is_empty() {
            return Err(CallError::MessageWithoutRecipient);
        }
        if self.callback && phone.is_empty() {
            return Err(CallError::CallbackWithoutNumber);
        }
        let reason = self.reason.trim().to_owned();
        if reason.chars().count() > MAX_REASON {
            return Err(CallError::ReasonTooLong);
        }
        Ok(Call {
            id,
            caller,
            phone,
            for_staff: self.for_staff.clone(),
            reason,
            message: self.message,
            callback: self.callback,
            at_ms: stamp.at_ms,
            by: stamp.by.clone(),
            handled_by: String::new(),
            handled_ms: 0,
        })
    }
}

const CALL: &str = "call";

pub fn put_call(doc: &mut AutoCommit, call: &Call) -> Result<(), String> {
    records::put(doc, CALL, &call.id, call)
}

/// Marks a message handled (or, with `stamp` None, back to open: an undo).
pub fn set_handled(doc: &mut AutoCommit, call: &Call, stamp: Option<&Stamp>) -> Result<(), String> {
    let changed = match stamp {
        Some(s) => Call { handled_by: s.by.clone(), handled_ms: s.at_ms.max(1), ..call.clone() },
        None => Call { handled_by: String::new(), handled_ms: 0, ..call.clone() },
    };
    put_call(doc, &changed)
}

/// The calls in a messages document, newest first.
pub fn calls(doc: &Automerge) -> Vec<Call> {
    let mut all: Vec<Call> = records::all(doc, CALL);
    all.sort_dyn_by(|a, b| (b.at_ms, &b.id).cmp(&(a.at_ms, &a.id)));
    all
}

/// The open messages for one member of staff, oldest first (what they should see first).
pub fn open_messages_for<'a>(calls: impl IntoIterator<Item = &'a Call>, staff: &str) -> Vec<Call> {
    let mut open: Vec<Call> =
        calls.into_iter().filter(|c| c.is_open_message() && c.for_staff == staff).cloned().collect();
    open.sort_dyn_by(|a, b| (a.at_ms, &a.id).cmp(&(b.at_ms, &b.id)));
    open
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(at_ms: i64) -> Stamp {
        Stamp { by: "Front desk".into(), at_ms }
    }

    fn form() -> CallForm {
        CallForm {
            caller: " Pedro  Gómez ".into(),
            phone: "600 333 444".into(),
            for_staff: "ruiz".into(),
            reason: "Results of the blood test".into(),
            message: true,
            callback: true,
        }
    }

    #[test]
    fn a_call_needs_someone_and_a_message_needs_a_recipient() {
        let call = form().check("c1".into(), &stamp(5)).unwrap();
        assert_eq!(call.caller, "Pedro Gómez");
        assert!(call.is_open_message());
        let cases = [
            (CallForm { caller: "".into(), phone: "".into(), ..form() }, CallError::CallerMissing),
            (CallForm { phone: "abc".into(), ..form() }, CallError::BadPhone),
            (CallForm { for_staff: "".into(), ..form() }, CallError::MessageWithoutRecipient),
            (CallForm { phone: "".into(), ..form() }, CallError::CallbackWithoutNumber),
            (CallForm { reason: "x".repeat(501), ..form() }, CallError::ReasonTooLong),
        ];
        for (f, error) in cases {
            assert_eq!(f.check("c".into(), &stamp(1)), Err(error));
        }
        // A number alone is enough for a plain call.
        let anonymous = CallForm { caller: "".into(), message: false, for_staff: "".into(), ..form() };
        assert!(anonymous.check("c".into(), &stamp(1)).is_ok());
    }

    #[test]
    fn messages_show_for_their_recipient_until_handled_on_any_tablet() {
        let mut desk = AutoCommit::new();
        let first = form().check("c1".into(), &stamp(10)).unwrap();
        let second = CallForm { caller: "Lía".into(), ..form() }.check("c2".into(), &stamp(20)).unwrap();
        let other = CallForm { for_staff: "vega".into(), ..form() }.check("c3".into(), &stamp(30)).unwrap();
        for c in [&first, &second, &other] {
            put_call(&mut desk, c).unwrap();
        }
        let mut ruiz_tablet = desk.fork();
        let open = open_messages_for(&calls(ruiz_tablet.document()), "ruiz");
        assert_eq!(open.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["c1", "c2"]);
        set_handled(&mut ruiz_tablet, &first, Some(&stamp(40))).unwrap();
        desk.merge(&mut ruiz_tablet).unwrap();
        let open = open_messages_for(&calls(desk.document()), "ruiz");
        assert_eq!(open.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["c2"]);
        assert_eq!(calls(desk.document()).len(), 3, "the log keeps handled calls");
        // Undo.
        let handled = calls(desk.document()).into_iter().find(|c| c.id == "c1").unwrap();
        set_handled(&mut desk, &handled, None).unwrap();
        assert_eq!(open_messages_for(&calls(desk.document()), "ruiz").len(), 2);
    }
}
