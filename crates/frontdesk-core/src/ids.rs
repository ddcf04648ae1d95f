//! Random identifiers as newtypes; the random bytes come from the caller.

use std::fmt;
use std::str::FromStr;

/// The identifier is not 32 hexadecimal digits.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("not a valid identifier: {0:?}")]
pub struct BadId(pub String);

macro_rules! random_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub [u8; 16]);

        impl $name {
            pub fn from_random(bytes: [u8; 16]) -> Self {
                $name(bytes)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                frontdesk_protocol::write_hex16(&self.0, f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({self})", stringify!($name))
            }
        }

        impl FromStr for $name {
            type Err = BadId;
            fn from_str(s: &str) -> Result<Self, BadId> {
                frontdesk_protocol::parse_hex16(s).map($name).ok_or_else(|| BadId(s.to_owned()))
            }
        }
    };
}

random_id!(
    /// One visit: a person who checked in (at the kiosk or at the desk).
    VisitId
);
random_id!(
    /// One entry in a day's log of visit status changes.
    EventId
);
random_id!(
    /// Any other record: a service, a member of staff, a booking, a waitlist entry.
    RecordId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text() {
        let id = VisitId::from_random([7; 16]);
        assert_eq!(id.to_string().parse::<VisitId>(), Ok(id));
        assert!("nope".parse::<VisitId>().is_err());
        assert!("g".repeat(32).parse::<EventId>().is_err());
    }
}
