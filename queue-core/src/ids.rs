//! Typed ids: sites, services and desks are configuration slugs; tickets are ULIDs; staff are usernames.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn new(s: impl Into<String>) -> Self {
                Self(s.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }
        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
    };
}

string_id!(
    /// A site (access point) id from the configuration, e.g. `livorno-terreni`.
    SiteId
);
string_id!(
    /// A service id, unique within its site, e.g. `lavoro`.
    ServiceId
);
string_id!(
    /// A desk id, unique across the whole configuration, e.g. `lt-sportello-3`.
    DeskId
);
string_id!(
    /// A ticket id (a ULID chosen by the server).
    TicketId
);
string_id!(
    /// A staff member's username.
    StaffId
);

/// Is `s` a valid configuration slug: 1–40 chars of `a-z`, `0-9`, `-`, `_`, starting with a letter or digit?
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 40
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && s.as_bytes()[0].is_ascii_alphanumeric()
}
