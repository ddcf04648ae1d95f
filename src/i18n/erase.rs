//! Words of erasing a client for good, in English and Spanish.

messages! {
    EraseMsg in erase {
        Open => open,
        Title => title,
        Lead => lead,
        Gathering => gathering,
        Erasing => erasing,
        HeldWhy => held_why,
        ScrubbedWhy => scrubbed_why,
        Reason => reason,
        ReasonHint => reason_hint,
        ReasonNeeded => reason_needed,
        Confirm => confirm,
        Cancel => cancel,
        Offline => offline,
        FetchFailed => fetch_failed,
        Failed => failed,
        Done => done,
        Log => log,
        Export => export,
        Exporting => exporting,
        ExportEmpty => export_empty,
    }
}
