//! Words of the time clock and payroll in English and Spanish (both in one place per message,
//! so one missing does not compile).

use frontdesk_core::payroll::{CloseError, FixError, PinError, RateError};

use super::{Lang, money_error_text};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeopleMsg {
    TimeClock,
    StaffButton,
    YourPin,
    PinHint,
    ClockIn,
    ClockOut,
    ClockedIn,
    ClockedOut,
    PayrollTab,
    PayRates,
    Hourly,
    OvertimeAfter,
    OvertimePct,
    NewPin,
    Save,
    NoPin,
    PinSet,
    NoStaffYet,
    Timesheets,
    From,
    To,
    Regular,
    Overtime,
    Gross,
    OpenPunch,
    OutWithoutIn,
    Fix,
    AddClockOut,
    AddClockIn,
    LeaveOut,
    Time,
    Reason,
    SaveFix,
    ClosePeriod,
    ClosedPeriods,
    DownloadCsv,
    OnTheClock,
    NobodyIn,
    StillIn,
    Name,
    Currency,
    Fixed,
    NoShifts,
    PeriodClosed,
    SaltPending,
    ReportsTab,
    Last7,
    Last30,
    Visits,
    AverageWait,
    LongestWait,
    NoShows,
    VisitsPerDay,
    VisitsPerHour,
    RevenueByService,
    TakingsByMethod,
    ProductsLabel,
    RoomsLabel,
    OtherLabel,
    Bookings,
    Metric,
    Value,
}

impl PeopleMsg {
    pub fn text(self, lang: Lang) -> &'static str {
        use PeopleMsg::*;
        let (en, es) = match self {
            TimeClock => ("Time clock", "Fichaje"),
            StaffButton => ("Staff: clock in or out", "Personal: fichar"),
            YourPin => ("Your PIN", "Su PIN"),
            PinHint => ("4 to 8 digits", "De 4 a 8 cifras"),
            ClockIn => ("Clock in", "Entrada"),
            ClockOut => ("Clock out", "Salida"),
            ClockedIn => ("Clocked in at", "Entrada registrada a las"),
            ClockedOut => ("Clocked out at", "Salida registrada a las"),
            PayrollTab => ("Payroll", "Nóminas"),
            PayRates => ("Pay rates and PINs", "Tarifas y PIN"),
            Hourly => ("Hourly rate", "Precio por hora"),
            OvertimeAfter => ("Overtime after (hours a week)", "Horas extra a partir de (horas semanales)"),
            OvertimePct => ("Overtime pay %", "Pago de horas extra %"),
            NewPin => ("New PIN (empty keeps it)", "PIN nuevo (vacío lo mantiene)"),
            Save => ("Save", "Guardar"),
            NoPin => ("no PIN yet", "sin PIN"),
            PinSet => ("PIN set", "PIN asignado"),
            NoStaffYet => ("Add staff in the Business screen first.", "Añada personal en la pantalla Negocio primero."),
            Timesheets => ("Timesheets", "Registros horarios"),
            From => ("From", "Desde"),
            To => ("To", "Hasta"),
            Regular => ("Regular", "Ordinarias"),
            Overtime => ("Overtime", "Extra"),
            Gross => ("Gross pay", "Bruto"),
            OpenPunch => ("In without out", "Entrada sin salida"),
            OutWithoutIn => ("Out without in", "Salida sin entrada"),
            Fix => ("Fix", "Corregir"),
            AddClockOut => ("Add the missing clock-out", "Añadir la salida que falta"),
            AddClockIn => ("Add the missing clock-in", "Añadir la entrada que falta"),
            LeaveOut => ("Leave this punch out", "No contar este fichaje"),
            Time => ("Time", "Hora"),
            Reason => ("Reason", "Motivo"),
            SaveFix => ("Save fix", "Guardar corrección"),
            ClosePeriod => ("Close pay period", "Cerrar periodo de pago"),
            ClosedPeriods => ("Closed periods", "Periodos cerrados"),
            DownloadCsv => ("Download CSV", "Descargar CSV"),
            OnTheClock => ("On the clock now", "Trabajando ahora"),
            NobodyIn => ("No one is clocked in.", "Nadie ha fichado la entrada."),
            StillIn => ("still in", "sigue dentro"),
            Name => ("Name", "Nombre"),
            Currency => ("Currency", "Moneda"),
            Fixed => ("fixed", "corregido"),
            NoShifts => ("No time recorded in these dates.", "No hay horas registradas en estas fechas."),
            PeriodClosed => ("Pay period closed.", "Periodo de pago cerrado."),
            ReportsTab => ("Reports", "Informes"),
            Last7 => ("Last 7 days", "Últimos 7 días"),
            Last30 => ("Last 30 days", "Últimos 30 días"),
            Visits => ("Visits", "Visitas"),
            AverageWait => ("Average wait", "Espera media"),
            LongestWait => ("Longest wait", "Espera máxima"),
            NoShows => ("No-shows", "No presentados"),
            VisitsPerDay => ("Visits per day", "Visitas por día"),
            VisitsPerHour => ("Visits by hour of arrival", "Visitas por hora de llegada"),
            RevenueByService => ("Invoiced by service", "Facturado por servicio"),
            TakingsByMethod => ("Takings by payment method", "Cobros por forma de pago"),
            ProductsLabel => ("Products", "Productos"),
            RoomsLabel => ("Rooms", "Habitaciones"),
            OtherLabel => ("Other", "Otros"),
            Bookings => ("Bookings", "Reservas"),
            Metric => ("Metric", "Indicador"),
            Value => ("Value", "Valor"),
            SaltPending => (
                "The kiosk's PIN list is being prepared: try again in a moment.",
                "Se está preparando la lista de PIN del quiosco: inténtelo en un momento.",
            ),
        };
        match lang {
            Lang::En => en,
            Lang::Es => es,
        }
    }
}

pub fn pin_error_text(error: &PinError, lang: Lang) -> &'static str {
    match (error, lang) {
        (PinError::Malformed, Lang::En) => "A PIN is 4 to 8 digits.",
        (PinError::Malformed, Lang::Es) => "Un PIN tiene de 4 a 8 cifras.",
        (PinError::Taken, Lang::En) => "Someone else has that PIN: choose another.",
        (PinError::Taken, Lang::Es) => "Otra persona tiene ese PIN: elija otro.",
        (PinError::Unknown, Lang::En) => "PIN not recognised. Try again or ask at the desk.",
        (PinError::Unknown, Lang::Es) => "PIN no reconocido. Inténtelo de nuevo o pregunte en recepción.",
    }
}

pub fn rate_error_text(error: &RateError, lang: Lang) -> String {
    match (error, lang) {
        (RateError::Hourly(e), lang) => money_error_text(*e, lang).to_owned(),
        (RateError::BadThreshold, Lang::En) => "Overtime starts after 1 to 80 hours a week.".into(),
        (RateError::BadThreshold, Lang::Es) => "Las horas extra empiezan tras 1 a 80 horas semanales.".into(),
        (RateError::BadOvertimePct, Lang::En) => "Overtime pay is 100 % to 300 % of the rate.".into(),
        (RateError::BadOvertimePct, Lang::Es) => "Las horas extra se pagan del 100 % al 300 % de la tarifa.".into(),
        (RateError::Pin(e), lang) => pin_error_text(e, lang).to_owned(),
    }
}

pub fn fix_error_text(error: &FixError, lang: Lang) -> &'static str {
    match (error, lang) {
        (FixError::NoReason, Lang::En) => "Write why: the reason is kept with the fix.",
        (FixError::NoReason, Lang::Es) => "Escriba el motivo: se guarda con la corrección.",
        (FixError::ReasonTooLong, Lang::En) => "The reason is too long (200 characters at most).",
        (FixError::ReasonTooLong, Lang::Es) => "El motivo es demasiado largo (200 caracteres como máximo).",
        (FixError::BadTime, Lang::En) => "Not a time: write it like 17:30.",
        (FixError::BadTime, Lang::Es) => "No es una hora: escríbala como 17:30.",
    }
}

pub fn close_error_text(error: &CloseError, lang: Lang) -> String {
    match (error, lang) {
        (CloseError::Inverted, Lang::En) => "The period ends before it starts.".into(),
        (CloseError::Inverted, Lang::Es) => "El periodo termina antes de empezar.".into(),
        (CloseError::OpenPunches(n), Lang::En) => format!("Punches to fix first, each with a reason: {n}."),
        (CloseError::OpenPunches(n), Lang::Es) => format!("Fichajes por corregir antes, cada uno con su motivo: {n}."),
        (CloseError::Overlaps, Lang::En) => "Part of these dates is already closed.".into(),
        (CloseError::Overlaps, Lang::Es) => "Parte de estas fechas ya está cerrada.".into(),
    }
}
