//! Words of the phone: the call log and messages, in English and Spanish (keys of the `desk` namespace).
//!
//! A list of its own so that its texts go with its section's part of the wasm, not with the
//! board's download; a word the board shows too is in both lists (one copy in the wasm).

messages! {
    CallsMsg in desk {
        LogACall => log_acall,
        WhoCalled => who_called,
        CallbackNumber => callback_number,
        ForWhom => for_whom,
        NoOneInParticular => no_one_in_particular,
        WhatAbout => what_about,
        TakeAMessage => take_amessage,
        PleaseCallBack => please_call_back,
        SaveCall => save_call,
        MyMessages => my_messages,
        ThisTabletIs => this_tablet_is,
        SharedTablet => shared_tablet,
        ChooseOwnerHint => choose_owner_hint,
        NoMessages => no_messages,
        MarkHandled => mark_handled,
        CallLog => call_log,
        NoCallsYet => no_calls_yet,
        MessageOpen => message_open,
        Handled => handled,
        Reopen => reopen,
    }
}
