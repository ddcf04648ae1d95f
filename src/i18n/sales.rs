//! Words of the money screens (orders, billing, products) in English and Spanish.
//!
//! As in the rest of [`crate::i18n`], each message is a variant and [`SalesMsg::text`] gives both
//! languages in one place, so a message missing in one language does not compile.

use frontdesk_core::billing::{BillingError, Method};
use frontdesk_core::catalog::ProductError;
use frontdesk_core::orders::{OrderError, OrderState};

use super::{Lang, money_error_text};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SalesMsg {
    OrdersTab,
    BillingTab,
    NewOrder,
    Product,
    Quantity,
    AddToOrder,
    Remove,
    TakeOrder,
    OrderEmptyHint,
    OpenOrders,
    NoOpenOrders,
    OrderTaken,
    Ready,
    PickedUp,
    Cancelled,
    CancelOrder,
    Undo,
    MakeInvoice,
    Invoiced,
    InStock,
    ShortageTitle,
    ShortageLead,
    Total,
    Subtotal,
    Tax,
    Discount,
    FinishedOrders,
    CounterSale,
    ClientOptional,
    NewInvoice,
    BillTo,
    Description,
    UnitPrice,
    TaxPercent,
    DiscountPercent,
    AddLine,
    IssueInvoice,
    ToInvoice,
    NothingToInvoice,
    AddToInvoice,
    InvoicesThisMonth,
    NoInvoices,
    Paid,
    Due,
    Overpaid,
    Void,
    TakePayment,
    Amount,
    Refund,
    RecordRefund,
    Payments,
    NoPayments,
    PrintInvoice,
    VoidInvoice,
    UndoVoid,
    InvoiceTitle,
    Date,
    DayClose,
    Taken,
    Refunded,
    Net,
    InvoicesIssued,
    Print,
    OverpaidTitle,
    OverpaidLead,
    NumberClashTitle,
    NumberClashLead,
    AllInvoices,
    Method,
    AmountDue,
    PaidSoFar,
    Products,
    AddProduct,
    NoProductsYet,
    ProductName,
    PriceBeforeTax,
    UnitsInStock,
    SaveProduct,
    StillSold,
    AddStock,
    UnitsReceived,
    Saved,
    Notes,
    Line,
    Clear,
    IssuedBy,
    OpenInvoice,
    NewClient,
    FindClient,
    Phone,
    Email,
    SaveClient,
    NoClientsYet,
    NoClientsFound,
    ChooseClientHint,
    Bookings,
    Stays,
    OrdersHeading,
    InvoicesHeading,
    Balance,
    Owes,
    InCredit,
    SettledUp,
    MergeTitle,
    MergeLead,
    Merge,
    AlsoKnownAs,
    ClientCode,
    NothingYet,
    EditClient,
    Receipt,
    PrintReceipt,
    ReceivedWithThanks,
    RefundedWithThanks,
    StillDue,
    ForInvoice,
    ImportCsv,
    ChooseCsv,
    ImportHintClients,
    ImportHintProducts,
    ReadyToImport,
    NotImported,
    ImportNow,
    Imported,
    ExportCsv,
}

impl SalesMsg {
    pub fn text(self, lang: Lang) -> &'static str {
        use SalesMsg::*;
        let (en, es) = match self {
            OrdersTab => ("Orders", "Pedidos"),
            BillingTab => ("Billing", "Facturación"),
            NewOrder => ("New order", "Nuevo pedido"),
            Product => ("Product", "Producto"),
            Quantity => ("Quantity", "Cantidad"),
            AddToOrder => ("Add to order", "Añadir al pedido"),
            Remove => ("Remove", "Quitar"),
            TakeOrder => ("Take order", "Tomar pedido"),
            OrderEmptyHint => {
                ("Choose a product and a quantity, then add it.", "Elija un producto y una cantidad y añádalo.")
            }
            OpenOrders => ("Open orders", "Pedidos abiertos"),
            NoOpenOrders => ("No open orders.", "No hay pedidos abiertos."),
            OrderTaken => ("Taken", "Tomado"),
            Ready => ("Ready", "Listo"),
            PickedUp => ("Picked up", "Recogido"),
            Cancelled => ("Cancelled", "Cancelado"),
            CancelOrder => ("Cancel order", "Cancelar pedido"),
            Undo => ("Undo", "Deshacer"),
            MakeInvoice => ("Invoice", "Facturar"),
            Invoiced => ("Invoiced", "Facturado"),
            InStock => ("in stock", "en stock"),
            ShortageTitle => ("Sold beyond stock", "Vendido por encima del stock"),
            ShortageLead => (
                "Tablets that were offline sold more than there was. Cancel one of these orders, or add the stock that arrived.",
                "Tabletas sin conexión vendieron más de lo que había. Cancele uno de estos pedidos o añada el stock recibido.",
            ),
            Total => ("Total", "Total"),
            Subtotal => ("Subtotal", "Base imponible"),
            Tax => ("Tax", "Impuestos"),
            Discount => ("Discount", "Descuento"),
            FinishedOrders => ("Picked up and cancelled", "Recogidos y cancelados"),
            CounterSale => ("Counter sale", "Venta en mostrador"),
            ClientOptional => ("Client (optional)", "Cliente (opcional)"),
            NewInvoice => ("New invoice", "Nueva factura"),
            BillTo => ("Bill to", "Facturar a"),
            Description => ("Description", "Descripción"),
            UnitPrice => ("Unit price", "Precio unitario"),
            TaxPercent => ("Tax %", "Impuesto %"),
            DiscountPercent => ("Discount %", "Dto. %"),
            AddLine => ("Add line", "Añadir línea"),
            IssueInvoice => ("Issue invoice", "Emitir factura"),
            ToInvoice => ("Ready to invoice", "Por facturar"),
            NothingToInvoice => ("Nothing waiting to be invoiced.", "Nada pendiente de facturar."),
            AddToInvoice => ("Add", "Añadir"),
            InvoicesThisMonth => ("Invoices", "Facturas"),
            NoInvoices => ("No invoices this month yet.", "Aún no hay facturas este mes."),
            Paid => ("Paid", "Pagada"),
            Due => ("Due", "Pendiente"),
            Overpaid => ("Overpaid", "Pagada de más"),
            Void => ("Void", "Anulada"),
            TakePayment => ("Take payment", "Cobrar"),
            Amount => ("Amount", "Importe"),
            Refund => ("Refund", "Devolución"),
            RecordRefund => ("Record refund", "Registrar devolución"),
            Payments => ("Payments", "Pagos"),
            NoPayments => ("No payments yet.", "Aún no hay pagos."),
            PrintInvoice => ("Print invoice", "Imprimir factura"),
            VoidInvoice => ("Void invoice", "Anular factura"),
            UndoVoid => ("Undo void", "Deshacer anulación"),
            InvoiceTitle => ("Invoice", "Factura"),
            Date => ("Date", "Fecha"),
            DayClose => ("Day close", "Cierre del día"),
            Taken => ("Taken", "Cobrado"),
            Refunded => ("Refunded", "Devuelto"),
            Net => ("Net", "Neto"),
            InvoicesIssued => ("Invoices issued", "Facturas emitidas"),
            Print => ("Print", "Imprimir"),
            OverpaidTitle => ("Paid twice?", "¿Cobrada dos veces?"),
            OverpaidLead => (
                "More was taken than was due, probably on two tablets while offline. Refund the difference.",
                "Se cobró más de lo debido, seguramente en dos tabletas sin conexión. Devuelva la diferencia.",
            ),
            NumberClashTitle => ("Two invoices share a number", "Dos facturas comparten número"),
            NumberClashLead => (
                "Two devices used the same invoice series. Void one and issue it again.",
                "Dos dispositivos usaron la misma serie. Anule una y vuelva a emitirla.",
            ),
            AllInvoices => ("All invoices", "Todas las facturas"),
            Method => ("Method", "Forma de pago"),
            AmountDue => ("Amount due", "Pendiente de pago"),
            PaidSoFar => ("Paid", "Pagado"),
            Products => ("Products", "Productos"),
            AddProduct => ("Add product", "Añadir producto"),
            NoProductsYet => (
                "No products yet. Add what you sell at the desk.",
                "Aún no hay productos. Añada lo que vende en el mostrador.",
            ),
            ProductName => ("Product name", "Nombre del producto"),
            PriceBeforeTax => ("Price before tax", "Precio sin impuestos"),
            UnitsInStock => ("Units in stock", "Unidades en stock"),
            SaveProduct => ("Save product", "Guardar producto"),
            StillSold => ("On sale", "A la venta"),
            AddStock => ("Add stock", "Añadir stock"),
            UnitsReceived => ("Units received", "Unidades recibidas"),
            Saved => ("Saved", "Guardado"),
            Notes => ("Notes", "Notas"),
            Line => ("Line", "Línea"),
            Clear => ("Clear", "Vaciar"),
            IssuedBy => ("Issued by", "Emitida por"),
            OpenInvoice => ("Open", "Abrir"),
            NewClient => ("New", "Nuevo"),
            FindClient => ("Find by name, phone or code", "Buscar por nombre, teléfono o código"),
            Phone => ("Phone", "Teléfono"),
            Email => ("Email", "Correo electrónico"),
            SaveClient => ("Save", "Guardar"),
            NoClientsYet => {
                ("No one here yet. Add the first with New.", "Aún no hay nadie. Añada el primero con Nuevo.")
            }
            NoClientsFound => ("No one matches that.", "Nadie coincide con eso."),
            ChooseClientHint => (
                "Choose someone from the list to see their history and balance.",
                "Elija a alguien de la lista para ver su historial y saldo.",
            ),
            Bookings => ("Appointments", "Citas"),
            Stays => ("Stays", "Estancias"),
            OrdersHeading => ("Orders", "Pedidos"),
            InvoicesHeading => ("Invoices", "Facturas"),
            Balance => ("Balance", "Saldo"),
            Owes => ("owes", "debe"),
            InCredit => ("in credit", "a favor"),
            SettledUp => ("nothing owed", "nada pendiente"),
            MergeTitle => ("Same person twice?", "¿La misma persona dos veces?"),
            MergeLead => (
                "Merge a duplicate into this record: its history and details move here, nothing is deleted.",
                "Fusione un duplicado en esta ficha: su historial y datos pasan aquí, no se borra nada.",
            ),
            Merge => ("Merge into this one", "Fusionar en esta ficha"),
            AlsoKnownAs => ("Merged records", "Fichas fusionadas"),
            ClientCode => ("Code", "Código"),
            NothingYet => ("Nothing yet.", "Nada todavía."),
            EditClient => ("Edit details", "Editar datos"),
            Receipt => ("Receipt", "Recibo"),
            PrintReceipt => ("Print receipt", "Imprimir recibo"),
            ReceivedWithThanks => ("Received with thanks", "Recibido, gracias"),
            RefundedWithThanks => ("Refunded", "Devuelto"),
            StillDue => ("Still due", "Queda pendiente"),
            ForInvoice => ("For invoice", "Por la factura"),
            ImportCsv => ("Import CSV", "Importar CSV"),
            ChooseCsv => ("A CSV file from a spreadsheet", "Un archivo CSV de una hoja de cálculo"),
            ImportHintClients => (
                "Columns: name, phone, email, notes (in English or Spanish; comma or semicolon).",
                "Columnas: nombre, teléfono, correo, notas (en español o inglés; coma o punto y coma).",
            ),
            ImportHintProducts => (
                "Columns: name, price, tax, stock (in English or Spanish; comma or semicolon).",
                "Columnas: nombre, precio, IVA, stock (en español o inglés; coma o punto y coma).",
            ),
            ReadyToImport => ("Rows ready to import:", "Filas listas para importar:"),
            NotImported => ("These rows will not be imported:", "Estas filas no se importarán:"),
            ImportNow => ("Import", "Importar"),
            Imported => ("Imported:", "Importados:"),
            ExportCsv => ("Download CSV", "Descargar CSV"),
        };
        match lang {
            Lang::En => en,
            Lang::Es => es,
        }
    }
}

/// "Patients", "Guests", "Clients", "Customers": the people a business of this kind serves.
pub fn people_word(noun: frontdesk_core::site::PersonNoun, lang: Lang) -> &'static str {
    use frontdesk_core::site::PersonNoun::*;
    match (noun, lang) {
        (Patient, Lang::En) => "Patients",
        (Patient, Lang::Es) => "Pacientes",
        (Guest, Lang::En) => "Guests",
        (Guest, Lang::Es) => "Huéspedes",
        (Client, Lang::En) => "Clients",
        (Client, Lang::Es) => "Clientes",
        (Customer, Lang::En) => "Customers",
        (Customer, Lang::Es) => "Clientes",
    }
}

pub fn client_error_text(error: &frontdesk_core::clients::ClientError, lang: Lang) -> &'static str {
    use frontdesk_core::clients::ClientError::*;
    match (error, lang) {
        (NameMissing, Lang::En) => "The name is required.",
        (NameMissing, Lang::Es) => "El nombre es obligatorio.",
        (NameTooLong, Lang::En) => "The name is too long (80 characters at most).",
        (NameTooLong, Lang::Es) => "El nombre es demasiado largo (80 caracteres como máximo).",
        (BadPhone, Lang::En) => "Not a phone number: 6 to 15 digits, spaces and + allowed.",
        (BadPhone, Lang::Es) => "No es un teléfono: de 6 a 15 cifras, se admiten espacios y +.",
        (BadEmail, Lang::En) => "Not an email address.",
        (BadEmail, Lang::Es) => "No es un correo electrónico.",
        (NotesTooLong, Lang::En) => "Notes are too long (2,000 characters at most).",
        (NotesTooLong, Lang::Es) => "Las notas son demasiado largas (2.000 caracteres como máximo).",
        (SameClient, Lang::En) => "Those are already the same record.",
        (SameClient, Lang::Es) => "Ya son la misma ficha.",
        (Unknown, Lang::En) => "That record is not on this tablet yet.",
        (Unknown, Lang::Es) => "Esa ficha aún no está en esta tableta.",
    }
}

pub fn method_msg(method: Method, lang: Lang) -> &'static str {
    match (method, lang) {
        (Method::Cash, Lang::En) => "Cash",
        (Method::Cash, Lang::Es) => "Efectivo",
        (Method::Card, Lang::En) => "Card",
        (Method::Card, Lang::Es) => "Tarjeta",
        (Method::Transfer, Lang::En) => "Transfer",
        (Method::Transfer, Lang::Es) => "Transferencia",
    }
}

pub fn order_state_msg(state: OrderState) -> SalesMsg {
    match state {
        OrderState::Taken => SalesMsg::OrderTaken,
        OrderState::Ready => SalesMsg::Ready,
        OrderState::PickedUp => SalesMsg::PickedUp,
        OrderState::Cancelled => SalesMsg::Cancelled,
    }
}

pub fn product_error_text(error: &ProductError, lang: Lang) -> String {
    use ProductError::*;
    let text = match (error, lang) {
        (NameMissing, Lang::En) => "The product's name is required.",
        (NameMissing, Lang::Es) => "El nombre del producto es obligatorio.",
        (NameTooLong, Lang::En) => "The name is too long (80 characters at most).",
        (NameTooLong, Lang::Es) => "El nombre es demasiado largo (80 caracteres como máximo).",
        (Price(e), lang) => money_error_text(*e, lang),
        (BadTax, Lang::En) => "Tax must be a percentage from 0 to 100, like 21 or 10,5.",
        (BadTax, Lang::Es) => "El impuesto debe ser un porcentaje de 0 a 100, como 21 o 10,5.",
        (BadStock, Lang::En) => "Stock must be a whole number from 0 to 1,000,000.",
        (BadStock, Lang::Es) => "El stock debe ser un número entero de 0 a 1.000.000.",
    };
    text.to_owned()
}

pub fn order_error_text(error: &OrderError, lang: Lang) -> String {
    use OrderError::*;
    match (error, lang) {
        (Empty, Lang::En) => "Add at least one product.".into(),
        (Empty, Lang::Es) => "Añada al menos un producto.".into(),
        (Retired(name), Lang::En) => format!("{name} is no longer sold."),
        (Retired(name), Lang::Es) => format!("{name} ya no se vende."),
        (UnknownProduct, Lang::En) => "Choose a product.".into(),
        (UnknownProduct, Lang::Es) => "Elija un producto.".into(),
        (BadQuantity, Lang::En) => "Quantity must be from 1 to 999.".into(),
        (BadQuantity, Lang::Es) => "La cantidad debe ser de 1 a 999.".into(),
        (NotEnough { name, left }, Lang::En) => format!("Only {left} of {name} left."),
        (NotEnough { name, left }, Lang::Es) => format!("Solo quedan {left} de {name}."),
        (NoteTooLong, Lang::En) => "The note is too long (500 characters at most).".into(),
        (NoteTooLong, Lang::Es) => "La nota es demasiado larga (500 caracteres como máximo).".into(),
        (AlreadyPickedUp, Lang::En) => "An order that was picked up cannot be cancelled.".into(),
        (AlreadyPickedUp, Lang::Es) => "Un pedido recogido no se puede cancelar.".into(),
    }
}

/// A billing error in words; `money` formats an amount for the messages that name one.
pub fn billing_error_text(error: &BillingError, lang: Lang, money: impl Fn(i64) -> String) -> String {
    use BillingError::*;
    let es = lang == Lang::Es;
    match error {
        NoLines => {
            if es { "Una factura necesita al menos una línea." } else { "An invoice needs at least one line." }.into()
        }
        TooManyLines => if es { "Como máximo 200 líneas." } else { "At most 200 lines." }.into(),
        DescriptionMissing(n) => {
            if es {
                format!("Línea {n}: falta la descripción.")
            } else {
                format!("Line {n}: a description is required.")
            }
        }
        DescriptionTooLong(n) => {
            if es {
                format!("Línea {n}: la descripción es demasiado larga.")
            } else {
                format!("Line {n}: the description is too long.")
            }
        }
        BadQuantity(n) => {
            if es {
                format!("Línea {n}: la cantidad debe ser de 1 a 9.999.")
            } else {
                format!("Line {n}: quantity must be from 1 to 9,999.")
            }
        }
        Price(n, e) => format!("{} {n}: {}", if es { "Línea" } else { "Line" }, money_error_text(*e, lang)),
        BadTax(n) => {
            if es {
                format!("Línea {n}: el impuesto debe ser de 0 a 100 %.")
            } else {
                format!("Line {n}: tax must be from 0 to 100 %.")
            }
        }
        BadDiscount(n) => {
            if es {
                format!("Línea {n}: el descuento debe ser de 0 a 100 %.")
            } else {
                format!("Line {n}: discount must be from 0 to 100 %.")
            }
        }
        ClientMissing => if es { "Escriba a quién se factura." } else { "Write who the invoice is for." }.into(),
        Amount(e) => money_error_text(*e, lang).into(),
        ZeroAmount => {
            if es { "El importe debe ser mayor que cero." } else { "The amount must be more than zero." }.into()
        }
        MoreThanDue { due } => {
            if es {
                format!("Es más de lo pendiente ({}).", money(*due))
            } else {
                format!("That is more than is due ({}).", money(*due))
            }
        }
        RefundTooLarge { paid } => {
            if es {
                format!("No se puede devolver más de lo pagado ({}).", money(*paid))
            } else {
                format!("A refund cannot exceed what was paid ({}).", money(*paid))
            }
        }
        Void => if es { "La factura está anulada." } else { "The invoice is void." }.into(),
        NoteTooLong => if es { "La nota es demasiado larga." } else { "The note is too long." }.into(),
    }
}
