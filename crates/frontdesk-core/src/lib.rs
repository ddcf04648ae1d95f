//! Frontdesk's core: the documents' schema, the front-office rules and the sync client's state
//! machine. No I/O, no clock, no randomness of its own: time and random bytes are passed in.

pub mod billing;
pub mod board;
pub mod calls;
pub mod catalog;
pub mod check_in;
pub mod chunk;
pub mod clients;
pub mod crypto;
pub mod dates;
pub mod device;
pub mod doc_name;
pub mod documents;
pub mod export;
pub mod ics;
pub mod ids;
pub mod import;
pub mod insurance;
pub mod keys;
pub mod kiosk_doc;
pub mod lookup;
pub mod money;
pub mod orders;
pub mod payroll;
pub mod records;
pub mod replica;
pub mod reports;
pub mod schedule;
pub mod search;
pub mod signin;
pub mod site;
pub mod sorting;
pub mod staffing;
pub mod stays;
pub mod sync_client;
pub mod views;
pub mod visit_status;
mod walked;

pub use board::{BoardEntry, arrivals_board};
pub use check_in::{CheckIn, CheckInError, VisitReason};
pub use device::DeviceCore;
pub use documents::Documents;
pub use ids::{EventId, RecordId, VisitId};
pub use replica::{Replica, ReplicaError};
pub use sync_client::{Connection, Effect, Problem, Refusal, SyncClient, SyncEvent, SyncStatus};
pub use visit_status::{StatusEvent, VisitStatus};
