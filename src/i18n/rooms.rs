//! Words of the rooms board of a hotel, in English and Spanish (keys of the `desk` namespace).
//!
//! A list of its own so that its texts go with its section's part of the wasm, not with the
//! board's download; a word the board shows too is in both lists (one copy in the wasm).

messages! {
    RoomsMsg in desk {
        RoomClean => room_clean,
        RoomDirty => room_dirty,
        RoomInspected => room_inspected,
        RoomOutOfOrder => room_out_of_order,
        ArrivingToday => arriving_today,
        LeavingToday => leaving_today,
        NightsLabel => nights_label,
        CheckInGuest => check_in_guest,
        CheckOutGuest => check_out_guest,
        Until => until,
        RoomBoard => room_board,
        NoRoomsYet => no_rooms_yet,
        Vacant => vacant,
        NewReservation => new_reservation,
        GuestName => guest_name,
        Arrival => arrival,
        Guests => guests,
        Room => room,
        ChooseRoom => choose_room,
        Reserve => reserve,
        NoArrivals => no_arrivals,
        NoOneInHouse => no_one_in_house,
        DoubleBooking => double_booking,
        KeepThisOne => keep_this_one,
        KeepBoth => keep_both,
        BookedBy => booked_by,
        Phone => phone,
    }
}
