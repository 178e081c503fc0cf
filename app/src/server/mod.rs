//! Server-only code: storage, password hashing, sessions. Never compiled to
//! wasm (the whole module sits behind the `ssr` feature).

pub mod accounts;
pub mod db;
pub mod password;
pub mod session;
pub mod state;

pub use state::{AppState, Settings};
