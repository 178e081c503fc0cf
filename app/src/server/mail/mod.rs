//! Mail (issue 23): where it goes (`transport`), what is written to the
//! outbox and when (`notify`), how it reads (`compose`), and the sender
//! every process runs (`sender`).

pub mod compose;
pub mod notify;
pub mod sender;
pub mod transport;

pub use notify::{Details, Letter, MailKind, notify};
pub use transport::{Mailer, SendError};
