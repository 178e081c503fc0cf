//! Server-only code: storage, password hashing, sessions. Never compiled to
//! wasm (the whole module sits behind the `ssr` feature).

pub mod accounts;
pub mod clock;
pub mod crypto;
pub mod db;
pub mod events;
pub mod password;
pub mod recovery;
pub mod session;
pub mod sign_in;
pub mod state;
pub mod throttle;
pub mod tokens;
pub mod totp;
pub mod two_factor;

pub use state::{AppState, Settings, Shared};
