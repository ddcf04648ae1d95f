//! Words of pairing a device, in English and Spanish (keys of the `kiosk` namespace): the
//! pairing screen and its questions. A list of its own so that they go with the pairing screen
//! (a part of the desk's wasm fetched when shown), not with every screen's download.

messages! {
    PairMsg in kiosk {
        PairTitle => pair_title,
        PairLead => pair_lead,
        PairingCode => pairing_code,
        PairContinue => pair_continue,
        PairChecking => pair_checking,
        PairJoinUnnamed => pair_join_unnamed,
        PairRoleKiosk => pair_role_kiosk,
        PairRoleStaff => pair_role_staff,
        PairRoleManager => pair_role_manager,
        PairJoin => pair_join,
        PairOtherCode => pair_other_code,
        PairJoining => pair_joining,
        PairWrong => pair_wrong,
        PairUsed => pair_used,
        PairExpired => pair_expired,
        PairVoided => pair_voided,
        PairBadFormat => pair_bad_format,
        PairUnreachable => pair_unreachable,
        PairNoKey => pair_no_key,
        PairKeyCheck => pair_key_check,
        ReplaceTitle => replace_title,
        ReplaceUnnamed => replace_unnamed,
        ReplaceHint => replace_hint,
        ReplaceWipes => replace_wipes,
        Replace => replace,
        KeepDevice => keep_device,
    }
}
