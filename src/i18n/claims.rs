//! Words of the insurance screen in English and Spanish.

use frontdesk_core::insurance::{ClaimError, ClaimStatus};

use super::{Lang, money_error_text};

messages! {
    ClaimsMsg in claims {
        Tab => tab,
        NewClaim => new_claim,
        Patient => patient,
        Insurer => insurer,
        Plan => plan,
        MemberNumber => member_number,
        Holder => holder,
        Visit => visit,
        Amount => amount,
        Copay => copay,
        Papers => papers,
        PaperCard => paper_card,
        PaperReferral => paper_referral,
        PaperReport => paper_report,
        CreateClaim => create_claim,
        WaitingForAction => waiting_for_action,
        AllClaims => all_claims,
        NoClaims => no_claims,
        NothingWaiting => nothing_waiting,
        Missing => missing,
        Note => note,
        History => history,
        BillCopay => bill_copay,
        Created => created,
        InsuredArrivals => insured_arrivals,
        StartClaim => start_claim,
        CardPhoto => card_photo,
        TakePhoto => take_photo,
        RetakePhoto => retake_photo,
        PhotoUnreadable => photo_unreadable,
    }
}

pub fn status_text(status: ClaimStatus, lang: Lang) -> &'static str {
    use ClaimStatus::*;
    match status {
        Draft => tr!(lang, claim_status.draft),
        Submitted => tr!(lang, claim_status.submitted),
        Approved => tr!(lang, claim_status.approved),
        Denied => tr!(lang, claim_status.denied),
        NeedsInfo => tr!(lang, claim_status.needs_info),
    }
}

/// The button that moves a claim to `status`.
pub fn move_text(status: ClaimStatus, lang: Lang) -> &'static str {
    use ClaimStatus::*;
    match status {
        Submitted => tr!(lang, claim_move.submitted),
        Approved => tr!(lang, claim_move.approved),
        Denied => tr!(lang, claim_move.denied),
        NeedsInfo => tr!(lang, claim_move.needs_info),
        Draft => tr!(lang, claim_move.draft),
    }
}

pub fn claim_error_text(error: &ClaimError, lang: Lang) -> String {
    use ClaimError::*;
    match error {
        PatientMissing => tr!(lang, claim_error.patient_missing).into(),
        InsurerMissing => tr!(lang, claim_error.insurer_missing).into(),
        MemberMissing => tr!(lang, claim_error.member_missing).into(),
        TooLong => tr!(lang, claim_error.too_long).into(),
        Amount(e) => money_error_text(*e, lang).into(),
        Copay(e) => tr!(lang, claim_error.copay, problem = money_error_text(*e, lang)),
        CopayTooLarge => tr!(lang, claim_error.copay_too_large).into(),
        NotAllowed { .. } => tr!(lang, claim_error.not_allowed).into(),
        Missing(papers) => tr!(lang, claim_error.missing, papers = papers.join(", ")),
        NoteRequired => tr!(lang, claim_error.note_required).into(),
    }
}
