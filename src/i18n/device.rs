//! Words every device shows, kiosk or desk, in English and Spanish (keys of the `kiosk`
//! namespace): setting the device up, its link with the relay and its storage, the time clock.
//!
//! Apart from [`super::KioskMsg`] (the visitor's screens) so that the desk's first download does
//! not carry the kiosk's words; a word both show is in both lists (one copy in the wasm).

messages! {
    DeviceMsg in kiosk {
        ReasonAppointment => reason_appointment,
        ReasonWalkIn => reason_walk_in,
        ReasonSeeStaff => reason_see_staff,
        Optional => optional,
        Online => online,
        Offline => offline,
        Connecting => connecting,
        AllSaved => all_saved,
        DeviceRefused => device_refused,
        ChangeRefused => change_refused,
        RefusedQuota => refused_quota,
        RefusedForbidden => refused_forbidden,
        RefusedTooLarge => refused_too_large,
        RefusedBadName => refused_bad_name,
        RelayBusy => relay_busy,
        WaitingForKeys => waiting_for_keys,
        RelayGarbled => relay_garbled,
        NotEnrolledHint => not_enrolled_hint,
        OtherVersion => other_version,
        StorageFailed => storage_failed,
        StorageFull => storage_full,
        StorageFullNotKept => storage_full_not_kept,
        StorageMayBeCleared => storage_may_be_cleared,
        GotIt => got_it,
        SetupLead => setup_lead,
        PairAgain => pair_again,
        RevokedNotice => revoked_notice,
        NoRandomTitle => no_random_title,
        NoRandomLead => no_random_lead,
        Loading => loading,
        ConfirmationCode => confirmation_code,
        TimeClock => time_clock,
        YourPin => your_pin,
        PinHint => pin_hint,
        ClockIn => clock_in,
        ClockOut => clock_out,
        ClockedIn => clocked_in,
        ClockedOut => clocked_out,
        CheckingPin => checking_pin,
        ClockWait => clock_wait,
    }
}
