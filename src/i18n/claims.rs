//! Words of the insurance screen in English and Spanish.

use frontdesk_core::insurance::{ClaimError, ClaimStatus};

use super::{Lang, money_error_text};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClaimsMsg {
    Tab,
    NewClaim,
    Patient,
    Insurer,
    Plan,
    MemberNumber,
    Holder,
    Visit,
    Amount,
    Copay,
    Papers,
    PaperCard,
    PaperReferral,
    PaperReport,
    CreateClaim,
    WaitingForAction,
    AllClaims,
    NoClaims,
    NothingWaiting,
    Missing,
    Note,
    History,
    BillCopay,
    Created,
    InsuredArrivals,
    StartClaim,
    CardPhoto,
    TakePhoto,
    RetakePhoto,
    PhotoUnreadable,
}

impl ClaimsMsg {
    pub fn text(self, lang: Lang) -> &'static str {
        use ClaimsMsg::*;
        let (en, es) = match self {
            Tab => ("Insurance", "Seguros"),
            NewClaim => ("New claim", "Nueva reclamación"),
            Patient => ("Patient", "Paciente"),
            Insurer => ("Insurer", "Aseguradora"),
            Plan => ("Plan", "Póliza"),
            MemberNumber => ("Member number", "Nº de asegurado"),
            Holder => ("Policy holder (if not the patient)", "Titular (si no es el paciente)"),
            Visit => ("Visit (what and when)", "Visita (qué y cuándo)"),
            Amount => ("Amount claimed", "Importe reclamado"),
            Copay => ("Copay at the desk", "Copago en recepción"),
            Papers => ("Documents the claim needs", "Documentos que necesita"),
            PaperCard => ("Insurance card", "Tarjeta del seguro"),
            PaperReferral => ("Referral", "Volante"),
            PaperReport => ("Medical report", "Informe médico"),
            CreateClaim => ("Create claim", "Crear reclamación"),
            WaitingForAction => ("Waiting for the desk", "Pendientes en recepción"),
            AllClaims => ("All claims", "Todas las reclamaciones"),
            NoClaims => ("No claims yet.", "Aún no hay reclamaciones."),
            NothingWaiting => ("Nothing waiting for the desk.", "Nada pendiente en recepción."),
            Missing => ("Missing", "Falta"),
            Note => ("Note (what the insurer said)", "Nota (qué dijo la aseguradora)"),
            History => ("History", "Historial"),
            BillCopay => ("Bill the copay", "Facturar el copago"),
            Created => ("Created", "Creada"),
            InsuredArrivals => ("Today's arrivals with insurance", "Llegadas de hoy con seguro"),
            StartClaim => ("Start a claim", "Iniciar reclamación"),
            CardPhoto => ("Photo of the insurance card", "Foto de la tarjeta del seguro"),
            TakePhoto => ("Photo of the card", "Foto de la tarjeta"),
            RetakePhoto => ("New photo of the card", "Nueva foto de la tarjeta"),
            PhotoUnreadable => ("That picture could not be read.", "No se pudo leer esa imagen."),
        };
        match lang {
            Lang::En => en,
            Lang::Es => es,
        }
    }
}

pub fn status_text(status: ClaimStatus, lang: Lang) -> &'static str {
    use ClaimStatus::*;
    match (status, lang) {
        (Draft, Lang::En) => "Draft",
        (Draft, Lang::Es) => "Borrador",
        (Submitted, Lang::En) => "Submitted",
        (Submitted, Lang::Es) => "Enviada",
        (Approved, Lang::En) => "Approved",
        (Approved, Lang::Es) => "Aprobada",
        (Denied, Lang::En) => "Denied",
        (Denied, Lang::Es) => "Denegada",
        (NeedsInfo, Lang::En) => "Needs information",
        (NeedsInfo, Lang::Es) => "Falta información",
    }
}

/// The button that moves a claim to `status`.
pub fn move_text(status: ClaimStatus, lang: Lang) -> &'static str {
    use ClaimStatus::*;
    match (status, lang) {
        (Submitted, Lang::En) => "Submit to insurer",
        (Submitted, Lang::Es) => "Enviar a la aseguradora",
        (Approved, Lang::En) => "Mark approved",
        (Approved, Lang::Es) => "Marcar aprobada",
        (Denied, Lang::En) => "Mark denied",
        (Denied, Lang::Es) => "Marcar denegada",
        (NeedsInfo, Lang::En) => "Insurer needs information",
        (NeedsInfo, Lang::Es) => "La aseguradora pide información",
        (Draft, Lang::En) => "Back to draft",
        (Draft, Lang::Es) => "Volver a borrador",
    }
}

pub fn claim_error_text(error: &ClaimError, lang: Lang) -> String {
    use ClaimError::*;
    let es = lang == Lang::Es;
    match error {
        PatientMissing => {
            if es { "El nombre del paciente es obligatorio." } else { "The patient's name is required." }.into()
        }
        InsurerMissing => if es { "Escriba la aseguradora." } else { "Write the insurer." }.into(),
        MemberMissing => {
            if es { "El número de asegurado es obligatorio." } else { "The member number is required." }.into()
        }
        TooLong => if es { "Un campo es demasiado largo." } else { "A field is too long." }.into(),
        Amount(e) => money_error_text(*e, lang).into(),
        Copay(e) => format!("{}: {}", if es { "Copago" } else { "Copay" }, money_error_text(*e, lang)),
        CopayTooLarge => {
            if es { "El copago no puede superar el importe." } else { "The copay cannot exceed the amount." }.into()
        }
        NotAllowed { .. } => if es { "Ese paso no es posible ahora." } else { "That step is not possible now." }.into(),
        Missing(papers) => {
            if es {
                format!("Faltan documentos: {}.", papers.join(", "))
            } else {
                format!("Documents still missing: {}.", papers.join(", "))
            }
        }
        NoteRequired => {
            if es { "Escriba qué necesita la aseguradora." } else { "Write what the insurer needs." }.into()
        }
    }
}
