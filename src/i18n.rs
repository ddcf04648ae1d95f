//! The app's words in English and Spanish.
//!
//! Every message is a variant of [`Msg`] and [`Msg::text`] matches on both the message and the
//! language, so a message missing in one language does not compile.

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
        }
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
