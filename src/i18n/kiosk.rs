//! Words of the lobby kiosk's screens for visitors, in English and Spanish.
//!
//! Their texts are the `kiosk` namespace of the locale files, as are those of
//! [`super::DeviceMsg`] (what every device shows: set-up, sync badge, storage banner, time
//! clock). Each message reads only its own key, so the kiosk's own app carries only its words,
//! not the desk's, and the desk not the visitor's screens (both downloads have a budget:
//! BENCHMARKS.md).

messages! {
    KioskMsg in kiosk {
        Welcome => welcome,
        OutOfService => out_of_service,
        OutOfServiceLead => out_of_service_lead,
        OutOfServiceStaff => out_of_service_staff,
        WelcomeLead => welcome_lead,
        CheckIn => check_in,
        YourName => your_name,
        NameHint => name_hint,
        Next => next,
        Back => back,
        Cancel => cancel,
        WhyHere => why_here,
        ReasonAppointment => reason_appointment,
        ReasonAppointmentHint => reason_appointment_hint,
        ReasonWalkIn => reason_walk_in,
        ReasonWalkInHint => reason_walk_in_hint,
        ReasonSeeStaff => reason_see_staff,
        ReasonSeeStaffHint => reason_see_staff_hint,
        WhoToSee => who_to_see,
        WhichService => which_service,
        AppointmentWith => appointment_with,
        Optional => optional,
        ConfirmTitle => confirm_title,
        Confirm => confirm,
        YourNumber => your_number,
        TakeASeat => take_aseat,
        Done => done,
        NameMissing => name_missing,
        NameTooLong => name_too_long,
        DetailTooLong => detail_too_long,
        KioskNeedsRelay => kiosk_needs_relay,
        FindNext => find_next,
        FindTitle => find_title,
        NoCode => no_code,
        YourPhone => your_phone,
        NotFound => not_found,
        ContinueWithout => continue_without,
        Find => find,
        AcceptTerms => accept_terms,
        ExpectedWait => expected_wait,
        ConfirmationCode => confirmation_code,
        InsuranceOptional => insurance_optional,
        YourInsurer => your_insurer,
        MemberNumber => member_number,
        TimeClock => time_clock,
        StaffButton => staff_button,
    }
}
