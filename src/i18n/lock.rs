//! Words of a shared tablet's lock, in English and Spanish (keys of the `desk` namespace): the
//! lock screen and the business's idle time. A list of its own so that they go with the lock
//! screen (a part of the desk's wasm fetched when it first shows), not with every screen.

messages! {
    LockMsg in desk {
        LockedTitle => locked_title,
        LockedLead => locked_lead,
        Unlock => unlock,
        TabletLock => tablet_lock,
        LockAfter => lock_after,
        LockAfterLead => lock_after_lead,
        WhoSignsIn => who_signs_in,
        WhoSignsInLead => who_signs_in_lead,
        NotMe => not_me,
    }
}
