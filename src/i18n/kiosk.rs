//! Words of the lobby kiosk and of the parts every screen shares (sync badge, storage banner,
//! device set-up), in English and Spanish.
//!
//! They are apart from [`super::Msg`] so the kiosk's own app carries only its words, not the
//! desk's (the kiosk's download has a budget: BENCHMARKS.md). As everywhere in [`crate::i18n`],
//! [`KioskMsg::text`] matches on the message and the language, so a message missing in one
//! language does not compile.

use super::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KioskMsg {
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
    StorageFullNotKept,
    StorageMayBeCleared,
    GotIt,
    SetupTitle,
    SetupLead,
    SetupToken,
    SetupSave,
    SetupDeviceId,
    Loading,
    KioskNeedsRelay,
    ExpectedWait,
    PeopleWaiting,
    FindNext,
    FindTitle,
    NoCode,
    YourPhone,
    NotFound,
    ContinueWithout,
    Find,
    AcceptTerms,
    ConfirmationCode,
    InsuranceOptional,
    YourInsurer,
    MemberNumber,
    // The PIN time clock, on the kiosk and on every desk.
    TimeClock,
    StaffButton,
    YourPin,
    PinHint,
    ClockIn,
    ClockOut,
    ClockedIn,
    ClockedOut,
}

impl KioskMsg {
    pub fn text(self, lang: Lang) -> &'static str {
        use KioskMsg::*;
        use Lang::*;
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
                "This device's storage is full. Your changes are kept until the relay has them, but changes from other devices are not saved here: free some space."
            }
            (StorageFull, Es) => {
                "El almacenamiento de este dispositivo está lleno. Sus cambios se guardan hasta que el servidor los tenga, pero los de otros dispositivos no se guardan aquí: libere espacio."
            }
            (StorageFullNotKept, En) => {
                "This device's storage is full and your last change could not be kept on it. It is being sent: keep this screen open until nothing is waiting to be sent, and free some space."
            }
            (StorageFullNotKept, Es) => {
                "El almacenamiento de este dispositivo está lleno y su último cambio no se pudo guardar en él. Se está enviando: no cierre esta pantalla hasta que no quede nada por enviar, y libere espacio."
            }
            (StorageMayBeCleared, En) => {
                "This browser may clear what this tablet keeps when space runs low, and changes not yet sent would be lost. Install Frontdesk as an app (browser menu → Install) so it keeps them."
            }
            (StorageMayBeCleared, Es) => {
                "Este navegador puede borrar lo que guarda esta tableta si falta espacio, y se perderían los cambios aún no enviados. Instale Frontdesk como aplicación (menú del navegador → Instalar) para conservarlos."
            }
            (GotIt, En) => "Got it",
            (GotIt, Es) => "Entendido",
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
            (Loading, En) => "Opening…",
            (Loading, Es) => "Abriendo…",
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
            (ExpectedWait, En) => "expected wait",
            (ExpectedWait, Es) => "espera estimada",
            (PeopleWaiting, En) => "waiting",
            (PeopleWaiting, Es) => "esperando",
            (ConfirmationCode, En) => "Confirmation code",
            (ConfirmationCode, Es) => "Código de confirmación",
            (InsuranceOptional, En) => "Your insurance (optional)",
            (InsuranceOptional, Es) => "Su seguro (opcional)",
            (YourInsurer, En) => "Insurance company",
            (YourInsurer, Es) => "Compañía de seguros",
            (MemberNumber, En) => "Member number",
            (MemberNumber, Es) => "Número de asegurado",
            (TimeClock, En) => "Time clock",
            (TimeClock, Es) => "Fichaje",
            (StaffButton, En) => "Staff: clock in or out",
            (StaffButton, Es) => "Personal: fichar",
            (YourPin, En) => "Your PIN",
            (YourPin, Es) => "Su PIN",
            (PinHint, En) => "4 to 8 digits",
            (PinHint, Es) => "De 4 a 8 cifras",
            (ClockIn, En) => "Clock in",
            (ClockIn, Es) => "Entrada",
            (ClockOut, En) => "Clock out",
            (ClockOut, Es) => "Salida",
            (ClockedIn, En) => "Clocked in at",
            (ClockedIn, Es) => "Entrada registrada a las",
            (ClockedOut, En) => "Clocked out at",
            (ClockedOut, Es) => "Salida registrada a las",
        }
    }
}
