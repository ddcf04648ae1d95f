//! Importing clients and products from a spreadsheet's CSV.
//!
//! Nothing is written here: a file becomes a [`Preview`] — the rows ready to import and each bad
//! row with its line number and what is wrong — and the app imports the good rows only once the
//! person accepts. Headers are matched in English or Spanish, any case, with or without accents;
//! the separator is a comma or a semicolon (what a Spanish spreadsheet writes); a byte-order mark
//! is ignored.

use crate::catalog::{Product, ProductError, ProductForm};
use crate::clients::{Client, ClientError, ClientForm};
use crate::schedule::Stamp;
use crate::search::fold;

/// Largest file read (bytes) and most rows imported at once.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
pub const MAX_ROWS: usize = 10_000;

/// Why a file cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is larger than 5 MB")]
    TooLarge,
    #[error("more than 10,000 rows")]
    TooManyRows,
    #[error("no column named {0}")]
    MissingColumn(&'static str),
}

/// What is wrong with one row.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowProblem {
    #[error("the row cannot be read as CSV")]
    Unreadable,
    #[error("{0}")]
    Client(ClientError),
    #[error("{0}")]
    Product(ProductError),
}

/// The outcome of reading a file: what would be imported, and what would not and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview<T> {
    /// (line, record)
    pub good: Vec<(u64, T)>,
    /// (line, problem)
    pub bad: Vec<(u64, RowProblem)>,
}

/// A row's line and its fields in column order (`None`: the row could not be read).
type Row = (u64, Option<Vec<String>>);

/// The rows of a CSV text, each with its line number, after the header (matched to `columns`:
/// each column's accepted names; the first is the one named in errors).
fn rows(text: &str, columns: &[(&'static str, &[&str])], required: usize) -> Result<Vec<Row>, FileError> {
    if text.len() > MAX_BYTES {
        return Err(FileError::TooLarge);
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line = text.lines().find(|l| !l.trim().is_empty()).ok_or(FileError::Empty)?;
    let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() { b';' } else { b',' };
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).has_headers(true).from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|_| FileError::Empty)?
        .iter()
        .map(|h| fold(h).split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    let mut positions = Vec::new();
    for (i, (name, names)) in columns.iter().enumerate() {
        let at = headers.iter().position(|h| names.iter().any(|n| h == n));
        match at {
            Some(at) => positions.push(Some(at)),
            None if i < required => return Err(FileError::MissingColumn(name)),
            None => positions.push(None),
        }
    }
    // The line a record starts on (what a spreadsheet shows): the reader may place a record's
    // start on the line ends before it, so skip those, then count the line breaks before.
    let bytes = text.as_bytes();
    let line_at = |byte: u64| {
        let mut at = (byte as usize).min(bytes.len());
        while at < bytes.len() && (bytes[at] == b'\r' || bytes[at] == b'\n') {
            at += 1;
        }
        bytes[..at].iter().filter(|b| **b == b'\n').count() as u64 + 1
    };
    let mut out = Vec::new();
    for record in reader.records() {
        if out.len() >= MAX_ROWS {
            return Err(FileError::TooManyRows);
        }
        match record {
            Ok(r) => {
                let line = r.position().map(|p| line_at(p.byte())).unwrap_or(0);
                if r.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                let fields = positions.iter().map(|p| p.and_then(|p| r.get(p)).unwrap_or("").to_owned()).collect();
                out.push((line, Some(fields)));
            }
            Err(e) => {
                let line = e.position().map(|p| line_at(p.byte())).unwrap_or(0);
                out.push((line, None));
            }
        }
    }
    Ok(out)
}

const CLIENT_COLUMNS: &[(&str, &[&str])] = &[
    (
        "name",
        &["name", "nombre", "full name", "nombre completo", "cliente", "client", "customer", "patient", "paciente"],
    ),
    ("phone", &["phone", "telefono", "tel", "movil", "mobile"]),
    ("email", &["email", "e mail", "correo", "correo electronico"]),
    ("notes", &["notes", "notas", "observaciones", "comments"]),
];

/// Reads clients; `ids` gives each new client its id and code.
pub fn clients(
    text: &str,
    mut ids: impl FnMut() -> (String, String),
    stamp: &Stamp,
) -> Result<Preview<Client>, FileError> {
    let mut preview = Preview { good: Vec::new(), bad: Vec::new() };
    for (line, row) in rows(text, CLIENT_COLUMNS, 1)? {
        let Some(f) = row else {
            preview.bad.push((line, RowProblem::Unreadable));
            continue;
        };
        let form = ClientForm { name: f[0].clone(), phone: f[1].clone(), email: f[2].clone(), notes: f[3].clone() };
        let (id, code) = ids();
        match form.check(id, code, stamp) {
            Ok(c) => preview.good.push((line, c)),
            Err(e) => preview.bad.push((line, RowProblem::Client(e))),
        }
    }
    Ok(preview)
}

const PRODUCT_COLUMNS: &[(&str, &[&str])] = &[
    ("name", &["name", "nombre", "product", "producto", "articulo"]),
    ("price", &["price", "precio", "pvp", "unit price", "precio unitario"]),
    ("tax", &["tax", "tax %", "iva", "iva %", "impuesto", "vat"]),
    ("stock", &["stock", "units", "unidades", "existencias"]),
];

/// Reads products (price in `currency`); `ids` gives each its id.
pub fn products(
    text: &str,
    currency: &str,
    mut ids: impl FnMut() -> String,
) -> Result<Preview<(Product, i64)>, FileError> {
    let mut preview = Preview { good: Vec::new(), bad: Vec::new() };
    for (line, row) in rows(text, PRODUCT_COLUMNS, 2)? {
        let Some(f) = row else {
            preview.bad.push((line, RowProblem::Unreadable));
            continue;
        };
        let form = ProductForm { name: f[0].clone(), price: f[1].clone(), tax: f[2].clone(), stock: f[3].clone() };
        match form.check(ids(), currency) {
            Ok(p) => preview.good.push((line, p)),
            Err(e) => preview.bad.push((line, RowProblem::Product(e))),
        }
    }
    Ok(preview)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::MoneyError;

    fn stamp() -> Stamp {
        Stamp { by: "Desk".into(), at_ms: 1 }
    }

    fn counter() -> impl FnMut() -> (String, String) {
        let mut n = 0;
        move || {
            n += 1;
            (format!("id{n}"), format!("C{n}"))
        }
    }

    #[test]
    fn clients_from_a_spanish_spreadsheet_with_bad_rows_by_line() {
        let text = "\u{feff}Nombre;Teléfono;Correo electrónico;Notas\r\n\
                    José Núñez;600 111 222;jose@example.es;\"Prefiere; mañanas\"\r\n\
                    ;600 000 000;;\r\n\
                    Ana Gil;llámame;;\r\n\
                    \r\n\
                    \"Luis\nPaz\";;luis@;\r\n\
                    María;;;\r\n";
        let p = clients(text, counter(), &stamp()).unwrap();
        assert_eq!(
            p.good.iter().map(|(l, c)| (*l, c.name.as_str())).collect::<Vec<_>>(),
            [(2, "José Núñez"), (8, "María")]
        );
        assert_eq!(p.good[0].1.notes, "Prefiere; mañanas");
        assert_eq!(p.good[0].1.email, "jose@example.es");
        assert_eq!(
            p.bad,
            vec![
                (3, RowProblem::Client(ClientError::NameMissing)),
                (4, RowProblem::Client(ClientError::BadPhone)),
                (6, RowProblem::Client(ClientError::BadEmail)),
            ]
        );
    }

    #[test]
    fn products_with_comma_separators_and_file_errors() {
        let text = "name,price,tax,stock\nHand cream,\"12,50\",21,3\nSoap,-1,21,3\nBrush,2.00,,\n";
        let p = products(text, "EUR", || "p".into()).unwrap();
        assert_eq!(p.good.len(), 2);
        assert_eq!(p.good[0].1.0.price_minor, 1250);
        assert_eq!(
            p.good[1].1,
            (Product { id: "p".into(), name: "Brush".into(), price_minor: 200, tax_bp: 0, retired: false }, 0)
        );
        assert_eq!(p.bad, vec![(3, RowProblem::Product(ProductError::Price(MoneyError::Negative)))]);
        assert_eq!(products("", "EUR", || "p".into()), Err(FileError::Empty));
        assert_eq!(products("name,stock\nx,1\n", "EUR", || "p".into()), Err(FileError::MissingColumn("price")));
        assert_eq!(clients("phone\n600\n", counter(), &stamp()), Err(FileError::MissingColumn("name")));
        let huge = "name\n".to_owned() + &"x\n".repeat(MAX_ROWS + 1);
        assert_eq!(clients(&huge, counter(), &stamp()), Err(FileError::TooManyRows));
    }

    #[test]
    fn garbage_never_panics() {
        for text in ["\"", "name\n\"unterminated", "\u{0}\u{1}\u{2}", "name;;;;\n;;;;;;;;\n\"a\"\"b\"", "\n\n\n"] {
            let _ = clients(text, counter(), &stamp());
            let _ = products(text, "EUR", || "p".into());
        }
    }
}
