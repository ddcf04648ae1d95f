//! Words of the calendar and its waiting list, in English and Spanish (keys of the `desk` namespace).
//!
//! A list of its own so that its texts go with its section's part of the wasm, not with the
//! board's download; a word the board shows too is in both lists (one copy in the wasm).

use frontdesk_core::site::BookingNoun;

messages! {
    CalendarMsg in desk {
        NoShow => no_show,
        Undo => undo,
        DayView => day_view,
        WeekView => week_view,
        PreviousWeek => previous_week,
        NextWeek => next_week,
        WeekOf => week_of,
        Show => show,
        Waitlist => waitlist,
        WaitlistEmpty => waitlist_empty,
        AddToWaitlist => add_to_waitlist,
        BookAt => book_at,
        Remove => remove,
        WhoIsWaiting => who_is_waiting,
        TheirPhone => their_phone,
        RoomOrEquipment => room_or_equipment,
        NoRoomNeeded => no_room_needed,
        Date => date,
        Discard => discard,
        Service => service,
        NounAppointment => noun_appointment,
        NounReservation => noun_reservation,
        NounMeeting => noun_meeting,
        PreviousDay => previous_day,
        NextDay => next_day,
        Today => today,
        GoToDate => go_to_date,
        NewBooking => new_booking,
        MoveBooking => move_booking,
        CalendarNotReady => calendar_not_ready,
        CalendarNotReadyLead => calendar_not_ready_lead,
        ClosedThisDay => closed_this_day,
        DayAgenda => day_agenda,
        NoBookingsThisDay => no_bookings_this_day,
        Open => open,
        DoubleBooking => double_booking,
        DoubleBookingLead => double_booking_lead,
        KeepThisOne => keep_this_one,
        KeepBoth => keep_both,
        CrossedMove => crossed_move,
        CrossedMoveLead => crossed_move_lead,
        KeepCancelled => keep_cancelled,
        KeepOn => keep_on,
        BookedBy => booked_by,
        When => when,
        With => with,
        Phone => phone,
        Status => status,
        Notes => notes,
        MarkArrived => mark_arrived,
        Move => move_,
        CancelBooking => cancel_booking,
        BackToBooked => back_to_booked,
        AddToCalendar => add_to_calendar,
        Close => close,
        ClientName => client_name,
        FreeTimes => free_times,
        NoFreeTimes => no_free_times,
        ChooseATime => choose_atime,
        RepeatWeekly => repeat_weekly,
        DoesNotRepeat => does_not_repeat,
        Weeks => weeks,
        SaveMove => save_move,
        Book => book,
    }
}

/// What this business calls a booking.
pub fn booking_noun_msg(noun: BookingNoun) -> CalendarMsg {
    match noun {
        BookingNoun::Appointment => CalendarMsg::NounAppointment,
        BookingNoun::Reservation => CalendarMsg::NounReservation,
        BookingNoun::Meeting => CalendarMsg::NounMeeting,
    }
}
