//! Words of the business settings: profile, services, staff and resources, in English and Spanish (keys of the `desk` namespace).
//!
//! A list of its own so that its texts go with its section's part of the wasm, not with the
//! board's download; a word the board shows too is in both lists (one copy in the wasm).

use frontdesk_core::site::{BusinessKind, ResourceKind, StaffRole};

messages! {
    BusinessMsg in desk {
        Discard => discard,
        Devices => devices,
        DevicesLead => devices_lead,
        AddDevice => add_device,
        DeviceKind => device_kind,
        DeviceName => device_name,
        DeviceNameHint => device_name_hint,
        KindKiosk => kind_kiosk,
        KindStaff => kind_staff,
        KindManager => kind_manager,
        MakeCode => make_code,
        CodeExpired => code_expired,
        EncryptionOn => encryption_on,
        EncryptionOff => encryption_off,
        Encrypt => encrypt,
        EncryptionWaiting => encryption_waiting,
        EncryptionTaken => encryption_taken,
        KitTitle => kit_title,
        KitLead => kit_lead,
        KitPrint => kit_print,
        KitConfirm => kit_confirm,
        KitKept => kit_kept,
        KitNone => kit_none,
        KitExists => kit_exists,
        KitMake => kit_make,
        KitRenew => kit_renew,
        KitQr => kit_qr,
        RestoreLead => restore_lead,
        Restore => restore,
        RestoreFormat => restore_format,
        RestoreWrong => restore_wrong,
        RestoreNotYet => restore_not_yet,
        Restored => restored,
        RestorePartial => restore_partial,
        KitSaved => kit_saved,
        DeviceNeverSeen => device_never_seen,
        DeviceThis => device_this,
        DeviceRevoked => device_revoked,
        Rename => rename,
        Revoke => revoke,
        RevokeThisQuestion => revoke_this_question,
        DevicesOffline => devices_offline,
        DevicesLoading => devices_loading,
        NameNeeded => name_needed,
        Done => done,
        Cancel => cancel,
        FirstRunTitle => first_run_title,
        FirstRunLead => first_run_lead,
        BusinessProfile => business_profile,
        BusinessName => business_name,
        BusinessKind => business_kind,
        Language => language,
        TimeZone => time_zone,
        Currency => currency,
        OpeningHours => opening_hours,
        Closed => closed,
        Opens => opens,
        Closes => closes,
        SaveProfile => save_profile,
        Saved => saved,
        Services => services,
        Service => service,
        AddService => add_service,
        NoServicesYet => no_services_yet,
        Edit => edit,
        NameEnglish => name_english,
        NameSpanish => name_spanish,
        DescriptionEnglish => description_english,
        DescriptionSpanish => description_spanish,
        DurationMinutes => duration_minutes,
        BufferMinutes => buffer_minutes,
        Price => price,
        Offered => offered,
        WhoPerforms => who_performs,
        NoneMeansAnyone => none_means_anyone,
        SaveService => save_service,
        BadMinutes => bad_minutes,
        Staff => staff,
        AddStaff => add_staff,
        NoStaffYet => no_staff_yet,
        FullName => full_name,
        JobRole => job_role,
        Active => active,
        WorkingHours => working_hours,
        SaveStaff => save_staff,
        RoleReception => role_reception,
        RoleProvider => role_provider,
        RoleManager => role_manager,
        Resources => resources,
        ResourceName => resource_name,
        ResourceKindLabel => resource_kind_label,
        KindRoom => kind_room,
        KindHotelRoom => kind_hotel_room,
        KindEquipment => kind_equipment,
        RoomType => room_type,
        NightlyRate => nightly_rate,
        AddResource => add_resource,
        KindMedical => kind_medical,
        KindHotel => kind_hotel,
        KindAgency => kind_agency,
        KindConstruction => kind_construction,
        KindRetail => kind_retail,
    }
}

/// The name of a kind of business.
pub fn kind_msg(kind: BusinessKind) -> BusinessMsg {
    match kind {
        BusinessKind::MedicalOffice => BusinessMsg::KindMedical,
        BusinessKind::Hotel => BusinessMsg::KindHotel,
        BusinessKind::AdAgency => BusinessMsg::KindAgency,
        BusinessKind::Construction => BusinessMsg::KindConstruction,
        BusinessKind::RetailShop => BusinessMsg::KindRetail,
    }
}

/// The name of a kind of resource (a room, a hotel room, equipment).
pub fn resource_kind_msg(kind: ResourceKind) -> BusinessMsg {
    match kind {
        ResourceKind::Room => BusinessMsg::KindRoom,
        ResourceKind::HotelRoom => BusinessMsg::KindHotelRoom,
        ResourceKind::Equipment => BusinessMsg::KindEquipment,
    }
}

/// The name of a staff role.
pub fn staff_role_msg(role: StaffRole) -> BusinessMsg {
    match role {
        StaffRole::Reception => BusinessMsg::RoleReception,
        StaffRole::Provider => BusinessMsg::RoleProvider,
        StaffRole::Manager => BusinessMsg::RoleManager,
    }
}
