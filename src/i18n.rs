//! The app's words in English and Spanish.
//!
//! Every message is a variant of [`Msg`] and [`Msg::text`] matches on both the message and the
//! language, so a message missing in one language does not compile.

use frontdesk_core::money::MoneyError;
use frontdesk_core::schedule::{BookingError, BookingState};
use frontdesk_core::site::{BookingNoun, BusinessKind, ResourceKind, SiteError, StaffRole};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    En,
    Es,
}

impl Lang {
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Es,
            Lang::Es => Lang::En,
        }
    }

    /// The language's own name, for the switch button.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Es => "Español",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Msg {
    Welcome,
    WelcomeLead,
    CheckIn,
    YourName,
    NameHint,
    Next,
    Back,
    Cancel,
    WhyHere,
    ReasonAppointment,
    ReasonAppointmentHint,
    ReasonWalkIn,
    ReasonWalkInHint,
    ReasonSeeStaff,
    ReasonSeeStaffHint,
    WhoToSee,
    WhichService,
    AppointmentWith,
    Optional,
    ConfirmTitle,
    Confirm,
    ThanksTitle,
    YourNumber,
    TakeASeat,
    BackToStartIn,
    Done,
    NameMissing,
    NameTooLong,
    DetailTooLong,
    Online,
    Offline,
    Connecting,
    ChangesWaiting,
    AllSaved,
    DeviceRefused,
    StorageFailed,
    StorageFull,
    Arrivals,
    Waiting,
    WithStaff,
    Finished,
    CallIn,
    MarkDone,
    NoShow,
    BackToWaiting,
    Undo,
    NobodyYet,
    NobodyYetHint,
    Waited,
    WaitingFor,
    AverageWait,
    StatusCalled,
    StatusDone,
    StatusNoShow,
    UndoneNotice,
    SetupTitle,
    SetupLead,
    SetupToken,
    SetupSave,
    SetupDeviceId,
    SetupKioskLink,
    SetupDeskLink,
    Loading,
    NoOneHere,
    KioskNeedsRelay,
    Discard,
    FindNext,
    FindTitle,
    NoCode,
    YourPhone,
    NotFound,
    ContinueWithout,
    Find,
    AcceptTerms,
    Calendar,
    Business,
    FirstRunTitle,
    FirstRunLead,
    BusinessProfile,
    BusinessName,
    BusinessKind,
    Language,
    TimeZone,
    Currency,
    OpeningHours,
    Closed,
    Opens,
    Closes,
    SaveProfile,
    Saved,
    Services,
    Service,
    AddService,
    NoServicesYet,
    Edit,
    NameEnglish,
    NameSpanish,
    DescriptionEnglish,
    DescriptionSpanish,
    DurationMinutes,
    BufferMinutes,
    Price,
    Offered,
    WhoPerforms,
    NoneMeansAnyone,
    SaveService,
    BadMinutes,
    Staff,
    AddStaff,
    NoStaffYet,
    FullName,
    JobRole,
    Active,
    WorkingHours,
    SaveStaff,
    RoleReception,
    RoleProvider,
    RoleManager,
    Resources,
    ResourceName,
    ResourceKindLabel,
    KindRoom,
    KindHotelRoom,
    KindEquipment,
    RoomType,
    NightlyRate,
    AddResource,
    KindMedical,
    KindHotel,
    KindAgency,
    KindConstruction,
    KindRetail,
    NounAppointment,
    NounReservation,
    NounMeeting,
    PreviousDay,
    NextDay,
    Today,
    GoToDate,
    NewBooking,
    MoveBooking,
    CalendarNotReady,
    CalendarNotReadyLead,
    ClosedThisDay,
    DayAgenda,
    NoBookingsThisDay,
    Open,
    DoubleBooking,
    DoubleBookingLead,
    KeepThisOne,
    KeepBoth,
    BookedBy,
    When,
    With,
    Phone,
    ConfirmationCode,
    Status,
    Notes,
    MarkArrived,
    Move,
    CancelBooking,
    BackToBooked,
    AddToCalendar,
    Close,
    ClientName,
    FreeTimes,
    NoFreeTimes,
    ChooseATime,
    RepeatWeekly,
    DoesNotRepeat,
    Weeks,
    SaveMove,
    Book,
    StateBooked,
    StateArrived,
    StateNoShow,
    StateCancelled,
}

impl Msg {
    pub fn text(self, lang: Lang) -> &'static str {
        use Lang::*;
        use Msg::*;
        match (self, lang) {
            (Welcome, En) => "Welcome",
            (Welcome, Es) => "Bienvenido",
            (WelcomeLead, En) => "Let us know you're here. It takes less than a minute.",
            (WelcomeLead, Es) => "Avísenos de su llegada. Tarda menos de un minuto.",
            (CheckIn, En) => "Check in",
            (CheckIn, Es) => "Registrar llegada",
            (YourName, En) => "What is your name?",
            (YourName, Es) => "¿Cómo se llama?",
            (NameHint, En) => "First and last name",
            (NameHint, Es) => "Nombre y apellido",
            (Next, En) => "Next",
            (Next, Es) => "Siguiente",
            (Back, En) => "Back",
            (Back, Es) => "Atrás",
            (Cancel, En) => "Start over",
            (Cancel, Es) => "Empezar de nuevo",
            (WhyHere, En) => "What brings you in today?",
            (WhyHere, Es) => "¿A qué viene hoy?",
            (ReasonAppointment, En) => "I have an appointment",
            (ReasonAppointment, Es) => "Tengo una cita",
            (ReasonAppointmentHint, En) => "You booked a time with us",
            (ReasonAppointmentHint, Es) => "Reservó una hora con nosotros",
            (ReasonWalkIn, En) => "I'd like a service",
            (ReasonWalkIn, Es) => "Quiero un servicio",
            (ReasonWalkInHint, En) => "No appointment; we'll fit you in",
            (ReasonWalkInHint, Es) => "Sin cita; le atenderemos en cuanto podamos",
            (ReasonSeeStaff, En) => "I'm here to see someone",
            (ReasonSeeStaff, Es) => "Vengo a ver a alguien",
            (ReasonSeeStaffHint, En) => "A member of our staff is expecting you",
            (ReasonSeeStaffHint, Es) => "Un miembro del equipo le espera",
            (WhoToSee, En) => "Who are you here to see?",
            (WhoToSee, Es) => "¿A quién viene a ver?",
            (WhichService, En) => "Which service would you like?",
            (WhichService, Es) => "¿Qué servicio desea?",
            (AppointmentWith, En) => "Who is your appointment with?",
            (AppointmentWith, Es) => "¿Con quién tiene la cita?",
            (Optional, En) => "optional",
            (Optional, Es) => "opcional",
            (ConfirmTitle, En) => "Is this right?",
            (ConfirmTitle, Es) => "¿Es correcto?",
            (Confirm, En) => "Confirm check-in",
            (Confirm, Es) => "Confirmar llegada",
            (ThanksTitle, En) => "Thank you",
            (ThanksTitle, Es) => "Gracias",
            (YourNumber, En) => "Your number",
            (YourNumber, Es) => "Su número",
            (TakeASeat, En) => "Please take a seat. We'll call your number shortly.",
            (TakeASeat, Es) => "Tome asiento, por favor. Le llamaremos por su número en breve.",
            (BackToStartIn, En) => "This screen clears itself in",
            (BackToStartIn, Es) => "Esta pantalla se borrará en",
            (Done, En) => "Done",
            (Done, Es) => "Listo",
            (NameMissing, En) => "Please type your name.",
            (NameMissing, Es) => "Escriba su nombre, por favor.",
            (NameTooLong, En) => "That name is too long (80 characters at most).",
            (NameTooLong, Es) => "Ese nombre es demasiado largo (80 caracteres como máximo).",
            (DetailTooLong, En) => "Please keep this under 120 characters.",
            (DetailTooLong, Es) => "Escriba menos de 120 caracteres, por favor.",
            (Online, En) => "Online",
            (Online, Es) => "En línea",
            (Offline, En) => "Offline",
            (Offline, Es) => "Sin conexión",
            (Connecting, En) => "Connecting…",
            (Connecting, Es) => "Conectando…",
            (ChangesWaiting, En) => "waiting to sync",
            (ChangesWaiting, Es) => "por sincronizar",
            (AllSaved, En) => "All changes synced",
            (AllSaved, Es) => "Todo sincronizado",
            (DeviceRefused, En) => "This device is not recognised by the relay",
            (DeviceRefused, Es) => "El servidor no reconoce este dispositivo",
            (StorageFailed, En) => "Could not save on this device",
            (StorageFailed, Es) => "No se pudo guardar en este dispositivo",
            (StorageFull, En) => {
                "This device's storage is full. Changes are kept in memory and sent to the relay, but free some space."
            }
            (StorageFull, Es) => {
                "El almacenamiento de este dispositivo está lleno. Los cambios se envían al servidor, pero libere espacio."
            }
            (Arrivals, En) => "Arrivals",
            (Arrivals, Es) => "Llegadas",
            (Waiting, En) => "Waiting",
            (Waiting, Es) => "En espera",
            (WithStaff, En) => "With staff",
            (WithStaff, Es) => "Siendo atendidos",
            (Finished, En) => "Finished",
            (Finished, Es) => "Finalizados",
            (CallIn, En) => "Call in",
            (CallIn, Es) => "Llamar",
            (MarkDone, En) => "Done",
            (MarkDone, Es) => "Terminado",
            (NoShow, En) => "No-show",
            (NoShow, Es) => "No se presentó",
            (BackToWaiting, En) => "Back to queue",
            (BackToWaiting, Es) => "Volver a la cola",
            (Undo, En) => "Undo",
            (Undo, Es) => "Deshacer",
            (NobodyYet, En) => "No one has checked in yet today",
            (NobodyYet, Es) => "Nadie ha llegado todavía hoy",
            (NobodyYetHint, En) => "Check-ins from the lobby kiosk appear here as they happen.",
            (NobodyYetHint, Es) => "Las llegadas registradas en el quiosco aparecen aquí al momento.",
            (Waited, En) => "waited",
            (Waited, Es) => "esperó",
            (WaitingFor, En) => "waiting",
            (WaitingFor, Es) => "esperando",
            (AverageWait, En) => "Average wait",
            (AverageWait, Es) => "Espera media",
            (StatusCalled, En) => "Called in",
            (StatusCalled, Es) => "Llamado",
            (StatusDone, En) => "Done",
            (StatusDone, Es) => "Terminado",
            (StatusNoShow, En) => "No-show",
            (StatusNoShow, Es) => "No se presentó",
            (UndoneNotice, En) => "Undone",
            (UndoneNotice, Es) => "Deshecho",
            (SetupTitle, En) => "Set up this device",
            (SetupTitle, Es) => "Configurar este dispositivo",
            (SetupLead, En) => {
                "Open the setup link printed by the relay (cargo xtask serve), or paste this device's token."
            }
            (SetupLead, Es) => {
                "Abra el enlace de configuración que muestra el servidor (cargo xtask serve) o pegue el token de este dispositivo."
            }
            (SetupToken, En) => "Device token",
            (SetupToken, Es) => "Token del dispositivo",
            (SetupSave, En) => "Save and start",
            (SetupSave, Es) => "Guardar y empezar",
            (SetupDeviceId, En) => "Device id (optional: the relay tells it on first connection)",
            (SetupDeviceId, Es) => "Identificador del dispositivo (opcional: el servidor lo indica al conectar)",
            (SetupKioskLink, En) => "Lobby kiosk",
            (SetupKioskLink, Es) => "Quiosco de recepción",
            (SetupDeskLink, En) => "Staff desk",
            (SetupDeskLink, Es) => "Mostrador del personal",
            (Loading, En) => "Opening…",
            (Loading, Es) => "Abriendo…",
            (NoOneHere, En) => "No one",
            (NoOneHere, Es) => "Nadie",
            (KioskNeedsRelay, En) => {
                "This kiosk is being set up. Connect it to the relay once to start taking check-ins."
            }
            (KioskNeedsRelay, Es) => {
                "Este quiosco se está configurando. Conéctelo una vez al servidor para empezar a registrar llegadas."
            }
            (FindNext, En) => "Next, we'll find your appointment.",
            (FindNext, Es) => "A continuación buscaremos su cita.",
            (FindTitle, En) => "Find your appointment",
            (FindTitle, Es) => "Busquemos su cita",
            (NoCode, En) => "No code? Use the phone number you booked with.",
            (NoCode, Es) => "¿No tiene el código? Use el teléfono con el que reservó.",
            (YourPhone, En) => "Phone number",
            (YourPhone, Es) => "Número de teléfono",
            (NotFound, En) => "We couldn't find an appointment with those details. Check them, or continue without.",
            (NotFound, Es) => "No encontramos una cita con esos datos. Revíselos o continúe sin ella.",
            (ContinueWithout, En) => "Continue without",
            (ContinueWithout, Es) => "Continuar sin ella",
            (Find, En) => "Find",
            (Find, Es) => "Buscar",
            (AcceptTerms, En) => "I accept",
            (AcceptTerms, Es) => "Acepto",
            (Discard, En) => "Cancel",
            (Discard, Es) => "Cancelar",
            (Calendar, En) => "Calendar",
            (Calendar, Es) => "Agenda",
            (Business, En) => "Business",
            (Business, Es) => "Negocio",
            (FirstRunTitle, En) => "Set up your business",
            (FirstRunTitle, Es) => "Configure su negocio",
            (FirstRunLead, En) => {
                "Tell Frontdesk who you are and when you open. Services and staff come next; every tablet gets them by itself."
            }
            (FirstRunLead, Es) => {
                "Indique a Frontdesk quiénes son y cuándo abren. Después, los servicios y el personal; cada tableta los recibe sola."
            }
            (BusinessProfile, En) => "Business profile",
            (BusinessProfile, Es) => "Perfil del negocio",
            (BusinessName, En) => "Business name",
            (BusinessName, Es) => "Nombre del negocio",
            (BusinessKind, En) => "Kind of business",
            (BusinessKind, Es) => "Tipo de negocio",
            (Language, En) => "Language",
            (Language, Es) => "Idioma",
            (TimeZone, En) => "Time zone",
            (TimeZone, Es) => "Zona horaria",
            (Currency, En) => "Currency",
            (Currency, Es) => "Moneda",
            (OpeningHours, En) => "Opening hours",
            (OpeningHours, Es) => "Horario de apertura",
            (Closed, En) => "Closed",
            (Closed, Es) => "Cerrado",
            (Opens, En) => "opens",
            (Opens, Es) => "abre",
            (Closes, En) => "closes",
            (Closes, Es) => "cierra",
            (SaveProfile, En) => "Save profile",
            (SaveProfile, Es) => "Guardar perfil",
            (Saved, En) => "Saved",
            (Saved, Es) => "Guardado",
            (Services, En) => "Services",
            (Services, Es) => "Servicios",
            (Service, En) => "Service",
            (Service, Es) => "Servicio",
            (AddService, En) => "Add service",
            (AddService, Es) => "Añadir servicio",
            (NoServicesYet, En) => "No services yet. Add what clients can book.",
            (NoServicesYet, Es) => "Aún no hay servicios. Añada lo que se puede reservar.",
            (Edit, En) => "Edit",
            (Edit, Es) => "Editar",
            (NameEnglish, En) => "Name (English)",
            (NameEnglish, Es) => "Nombre (inglés)",
            (NameSpanish, En) => "Name (Spanish)",
            (NameSpanish, Es) => "Nombre (español)",
            (DescriptionEnglish, En) => "Description (English)",
            (DescriptionEnglish, Es) => "Descripción (inglés)",
            (DescriptionSpanish, En) => "Description (Spanish)",
            (DescriptionSpanish, Es) => "Descripción (español)",
            (DurationMinutes, En) => "Duration (minutes)",
            (DurationMinutes, Es) => "Duración (minutos)",
            (BufferMinutes, En) => "Buffer after (minutes)",
            (BufferMinutes, Es) => "Margen después (minutos)",
            (Price, En) => "Price",
            (Price, Es) => "Precio",
            (Offered, En) => "Offered",
            (Offered, Es) => "Se ofrece",
            (WhoPerforms, En) => "Who performs it",
            (WhoPerforms, Es) => "Quién lo realiza",
            (NoneMeansAnyone, En) => "None ticked: anyone",
            (NoneMeansAnyone, Es) => "Sin marcar: cualquiera",
            (SaveService, En) => "Save service",
            (SaveService, Es) => "Guardar servicio",
            (BadMinutes, En) => "Minutes must be a whole number",
            (BadMinutes, Es) => "Los minutos deben ser un número entero",
            (Staff, En) => "Staff",
            (Staff, Es) => "Personal",
            (AddStaff, En) => "Add staff member",
            (AddStaff, Es) => "Añadir persona",
            (NoStaffYet, En) => "No staff yet. Add the people clients book with.",
            (NoStaffYet, Es) => "Aún no hay personal. Añada a quienes atienden citas.",
            (FullName, En) => "Full name",
            (FullName, Es) => "Nombre completo",
            (JobRole, En) => "Role",
            (JobRole, Es) => "Puesto",
            (Active, En) => "Active",
            (Active, Es) => "En activo",
            (WorkingHours, En) => "Working hours",
            (WorkingHours, Es) => "Horario de trabajo",
            (SaveStaff, En) => "Save staff member",
            (SaveStaff, Es) => "Guardar persona",
            (RoleReception, En) => "Reception",
            (RoleReception, Es) => "Recepción",
            (RoleProvider, En) => "Provider (takes bookings)",
            (RoleProvider, Es) => "Profesional (atiende citas)",
            (RoleManager, En) => "Manager",
            (RoleManager, Es) => "Gerencia",
            (Resources, En) => "Rooms and equipment",
            (Resources, Es) => "Salas y equipos",
            (ResourceName, En) => "Name",
            (ResourceName, Es) => "Nombre",
            (ResourceKindLabel, En) => "Kind",
            (ResourceKindLabel, Es) => "Tipo",
            (KindRoom, En) => "Room",
            (KindRoom, Es) => "Sala",
            (KindHotelRoom, En) => "Hotel room",
            (KindHotelRoom, Es) => "Habitación de hotel",
            (KindEquipment, En) => "Equipment",
            (KindEquipment, Es) => "Equipo",
            (RoomType, En) => "Room type",
            (RoomType, Es) => "Tipo de habitación",
            (NightlyRate, En) => "Nightly rate",
            (NightlyRate, Es) => "Tarifa por noche",
            (AddResource, En) => "Add",
            (AddResource, Es) => "Añadir",
            (KindMedical, En) => "Medical office",
            (KindMedical, Es) => "Consulta médica",
            (KindHotel, En) => "Hotel",
            (KindHotel, Es) => "Hotel",
            (KindAgency, En) => "Advertising agency",
            (KindAgency, Es) => "Agencia de publicidad",
            (KindConstruction, En) => "Construction company",
            (KindConstruction, Es) => "Empresa de construcción",
            (KindRetail, En) => "Retail shop",
            (KindRetail, Es) => "Tienda",
            (NounAppointment, En) => "Appointment",
            (NounAppointment, Es) => "Cita",
            (NounReservation, En) => "Reservation",
            (NounReservation, Es) => "Reserva",
            (NounMeeting, En) => "Meeting",
            (NounMeeting, Es) => "Reunión",
            (PreviousDay, En) => "Previous day",
            (PreviousDay, Es) => "Día anterior",
            (NextDay, En) => "Next day",
            (NextDay, Es) => "Día siguiente",
            (Today, En) => "Today",
            (Today, Es) => "Hoy",
            (GoToDate, En) => "Go to date",
            (GoToDate, Es) => "Ir a la fecha",
            (NewBooking, En) => "New",
            (NewBooking, Es) => "Nueva",
            (MoveBooking, En) => "Move booking",
            (MoveBooking, Es) => "Mover reserva",
            (CalendarNotReady, En) => "The calendar needs the business set up",
            (CalendarNotReady, Es) => "La agenda necesita el negocio configurado",
            (CalendarNotReadyLead, En) => {
                "A manager adds the business profile, at least one service and one provider under Business; this tablet gets them by itself."
            }
            (CalendarNotReadyLead, Es) => {
                "Un gerente añade el perfil, al menos un servicio y un profesional en Negocio; esta tableta los recibe sola."
            }
            (ClosedThisDay, En) => "Closed this day.",
            (ClosedThisDay, Es) => "Cerrado este día.",
            (DayAgenda, En) => "The day",
            (DayAgenda, Es) => "El día",
            (NoBookingsThisDay, En) => "Nothing booked this day.",
            (NoBookingsThisDay, Es) => "No hay nada reservado este día.",
            (Open, En) => "Open",
            (Open, Es) => "Abrir",
            (DoubleBooking, En) => "Double booking",
            (DoubleBooking, Es) => "Reserva doble",
            (DoubleBookingLead, En) => {
                "Two tablets booked this at the same time while apart. Keep one (the other is cancelled) or keep both."
            }
            (DoubleBookingLead, Es) => {
                "Dos tabletas reservaron esto a la vez sin conexión. Conserve una (la otra se cancela) o ambas."
            }
            (KeepThisOne, En) => "Keep this one",
            (KeepThisOne, Es) => "Conservar esta",
            (KeepBoth, En) => "Keep both",
            (KeepBoth, Es) => "Conservar ambas",
            (BookedBy, En) => "Booked by",
            (BookedBy, Es) => "Reservada por",
            (When, En) => "When",
            (When, Es) => "Cuándo",
            (With, En) => "With",
            (With, Es) => "Con",
            (Phone, En) => "Phone",
            (Phone, Es) => "Teléfono",
            (ConfirmationCode, En) => "Confirmation code",
            (ConfirmationCode, Es) => "Código de confirmación",
            (Status, En) => "Status",
            (Status, Es) => "Estado",
            (Notes, En) => "Notes",
            (Notes, Es) => "Notas",
            (MarkArrived, En) => "Arrived",
            (MarkArrived, Es) => "Ha llegado",
            (Move, En) => "Move",
            (Move, Es) => "Mover",
            (CancelBooking, En) => "Cancel booking",
            (CancelBooking, Es) => "Cancelar reserva",
            (BackToBooked, En) => "Back to booked",
            (BackToBooked, Es) => "Volver a reservada",
            (AddToCalendar, En) => "Calendar file (.ics)",
            (AddToCalendar, Es) => "Archivo de calendario (.ics)",
            (Close, En) => "Close",
            (Close, Es) => "Cerrar",
            (ClientName, En) => "Client's name",
            (ClientName, Es) => "Nombre del cliente",
            (FreeTimes, En) => "Free times",
            (FreeTimes, Es) => "Horas libres",
            (NoFreeTimes, En) => "No free time this day for this service and person.",
            (NoFreeTimes, Es) => "No hay horas libres este día para este servicio y persona.",
            (ChooseATime, En) => "Choose a time",
            (ChooseATime, Es) => "Elija una hora",
            (RepeatWeekly, En) => "Repeat",
            (RepeatWeekly, Es) => "Repetir",
            (DoesNotRepeat, En) => "Does not repeat",
            (DoesNotRepeat, Es) => "No se repite",
            (Weeks, En) => "weeks (weekly)",
            (Weeks, Es) => "semanas (semanal)",
            (SaveMove, En) => "Save new time",
            (SaveMove, Es) => "Guardar nueva hora",
            (Book, En) => "Book",
            (Book, Es) => "Reservar",
            (StateBooked, En) => "Booked",
            (StateBooked, Es) => "Reservada",
            (StateArrived, En) => "Arrived",
            (StateArrived, Es) => "Llegó",
            (StateNoShow, En) => "No-show",
            (StateNoShow, Es) => "No se presentó",
            (StateCancelled, En) => "Cancelled",
            (StateCancelled, Es) => "Cancelada",
        }
    }
}

/// The name of a kind of business.
pub fn kind_msg(kind: BusinessKind) -> Msg {
    match kind {
        BusinessKind::MedicalOffice => Msg::KindMedical,
        BusinessKind::Hotel => Msg::KindHotel,
        BusinessKind::AdAgency => Msg::KindAgency,
        BusinessKind::Construction => Msg::KindConstruction,
        BusinessKind::RetailShop => Msg::KindRetail,
    }
}

/// What this business calls a booking.
pub fn booking_noun_msg(noun: BookingNoun) -> Msg {
    match noun {
        BookingNoun::Appointment => Msg::NounAppointment,
        BookingNoun::Reservation => Msg::NounReservation,
        BookingNoun::Meeting => Msg::NounMeeting,
    }
}

pub fn staff_role_msg(role: StaffRole) -> Msg {
    match role {
        StaffRole::Reception => Msg::RoleReception,
        StaffRole::Provider => Msg::RoleProvider,
        StaffRole::Manager => Msg::RoleManager,
    }
}

pub fn resource_kind_msg(kind: ResourceKind) -> Msg {
    match kind {
        ResourceKind::Room => Msg::KindRoom,
        ResourceKind::HotelRoom => Msg::KindHotelRoom,
        ResourceKind::Equipment => Msg::KindEquipment,
    }
}

pub fn booking_state_msg(state: BookingState) -> Msg {
    match state {
        BookingState::Booked => Msg::StateBooked,
        BookingState::Arrived => Msg::StateArrived,
        BookingState::NoShow => Msg::StateNoShow,
        BookingState::Cancelled => Msg::StateCancelled,
    }
}

/// Monday = 0.
pub fn weekday_name(day: usize, lang: Lang) -> &'static str {
    const EN: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    const ES: [&str; 7] = ["Lunes", "Martes", "Miércoles", "Jueves", "Viernes", "Sábado", "Domingo"];
    match lang {
        Lang::En => EN[day % 7],
        Lang::Es => ES[day % 7],
    }
}

pub fn site_error_text(error: SiteError, lang: Lang) -> &'static str {
    use SiteError::*;
    match (error, lang) {
        (NameMissing, Lang::En) => "A name is required.",
        (NameMissing, Lang::Es) => "El nombre es obligatorio.",
        (NameTooLong, Lang::En) => "The name is too long (80 characters at most).",
        (NameTooLong, Lang::Es) => "El nombre es demasiado largo (80 caracteres como máximo).",
        (BadLanguage, Lang::En) => "Choose English or Spanish.",
        (BadLanguage, Lang::Es) => "Elija español o inglés.",
        (BadTimeZone, Lang::En) => "Not a time zone: write it as Area/City, e.g. Europe/Madrid.",
        (BadTimeZone, Lang::Es) => "No es una zona horaria: escríbala como Área/Ciudad, p. ej. Europe/Madrid.",
        (BadCurrency, Lang::En) => "The currency is a three-letter code, e.g. EUR, USD, MXN.",
        (BadCurrency, Lang::Es) => "La moneda es un código de tres letras, p. ej. EUR, USD, MXN.",
        (HoursInverted, Lang::En) => "Each open day needs an opening time before its closing time.",
        (HoursInverted, Lang::Es) => "Cada día abierto necesita una hora de apertura anterior a la de cierre.",
        (HoursIncomplete, Lang::En) => "Hours must cover the seven days of the week.",
        (HoursIncomplete, Lang::Es) => "El horario debe cubrir los siete días de la semana.",
        (DurationTooShort, Lang::En) => "The duration must be at least 5 minutes.",
        (DurationTooShort, Lang::Es) => "La duración debe ser de al menos 5 minutos.",
        (DurationTooLong, Lang::En) => "The duration cannot be longer than a day.",
        (DurationTooLong, Lang::Es) => "La duración no puede superar un día.",
        (BufferTooLong, Lang::En) => "The buffer cannot be longer than two hours.",
        (BufferTooLong, Lang::Es) => "El margen no puede superar dos horas.",
        (Price(e), lang) => money_error_text(e, lang),
    }
}

pub fn money_error_text(error: MoneyError, lang: Lang) -> &'static str {
    use MoneyError::*;
    match (error, lang) {
        (Missing, Lang::En) => "An amount is required.",
        (Missing, Lang::Es) => "El importe es obligatorio.",
        (Malformed, Lang::En) => "Not an amount: write it like 45.00.",
        (Malformed, Lang::Es) => "No es un importe: escríbalo como 45,00.",
        (TooPrecise, Lang::En) => "Too many decimals for this currency.",
        (TooPrecise, Lang::Es) => "Demasiados decimales para esta moneda.",
        (Negative, Lang::En) => "The amount cannot be negative.",
        (Negative, Lang::Es) => "El importe no puede ser negativo.",
        (TooLarge, Lang::En) => "The amount is too large.",
        (TooLarge, Lang::Es) => "El importe es demasiado grande.",
    }
}

pub fn booking_error_text(error: &BookingError, lang: Lang) -> &'static str {
    use BookingError::*;
    match (error, lang) {
        (ClientMissing, Lang::En) => "The client's name is required.",
        (ClientMissing, Lang::Es) => "El nombre del cliente es obligatorio.",
        (ClientTooLong, Lang::En) => "The name is too long (80 characters at most).",
        (ClientTooLong, Lang::Es) => "El nombre es demasiado largo (80 caracteres como máximo).",
        (BadPhone, Lang::En) => "Not a phone number: 6 to 15 digits, spaces and + allowed.",
        (BadPhone, Lang::Es) => "No es un teléfono: de 6 a 15 cifras, se admiten espacios y +.",
        (ServiceUnknown, Lang::En) => "Choose a service.",
        (ServiceUnknown, Lang::Es) => "Elija un servicio.",
        (Duration(e), lang) => site_error_text(*e, lang),
        (Closed, Lang::En) => "The business is closed that day.",
        (Closed, Lang::Es) => "El negocio cierra ese día.",
        (OutsideOpeningHours, Lang::En) => "That time is outside opening hours.",
        (OutsideOpeningHours, Lang::Es) => "Esa hora está fuera del horario de apertura.",
        (OutsideWorkingHours, Lang::En) => "That person does not work at that time.",
        (OutsideWorkingHours, Lang::Es) => "Esa persona no trabaja a esa hora.",
        (CannotPerform, Lang::En) => "That person does not perform this service.",
        (CannotPerform, Lang::Es) => "Esa persona no realiza este servicio.",
        (StaffBusy { .. }, Lang::En) => "That person is already booked then.",
        (StaffBusy { .. }, Lang::Es) => "Esa persona ya tiene una reserva a esa hora.",
        (ResourceBusy { .. }, Lang::En) => "That room or equipment is already booked then.",
        (ResourceBusy { .. }, Lang::Es) => "Esa sala o equipo ya está reservado a esa hora.",
        (InThePast, Lang::En) => "That time has already passed.",
        (InThePast, Lang::Es) => "Esa hora ya ha pasado.",
        (NotesTooLong, Lang::En) => "Notes are too long (500 characters at most).",
        (NotesTooLong, Lang::Es) => "Las notas son demasiado largas (500 caracteres como máximo).",
    }
}

/// "3 min", "1 h 05 min": a wait, for a board.
pub fn format_wait(ms: i64, lang: Lang) -> String {
    let minutes = ms.max(0) / 60_000;
    let (h, m) = (minutes / 60, minutes % 60);
    let _ = lang; // the short forms are the same in both languages
    match (h, m) {
        (0, 0) => "< 1 min".to_owned(),
        (0, m) => format!("{m} min"),
        (h, m) => format!("{h} h {m:02} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_read_as_minutes_then_hours() {
        assert_eq!(format_wait(59_000, Lang::En), "< 1 min");
        assert_eq!(format_wait(7 * 60_000, Lang::Es), "7 min");
        assert_eq!(format_wait(65 * 60_000, Lang::En), "1 h 05 min");
        assert_eq!(format_wait(-5, Lang::En), "< 1 min");
    }

    #[test]
    fn the_language_switch_offers_the_other_language_in_its_own_name() {
        assert_eq!(Lang::En.other().native_name(), "Español");
        assert_eq!(Lang::Es.other().native_name(), "English");
        assert_ne!(Msg::Welcome.text(Lang::En), Msg::Welcome.text(Lang::Es));
    }
}
