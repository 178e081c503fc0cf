//! Server functions: thin wrappers that authorize, validate, call the
//! domain code in `crate::server` and map its errors for the wire.

pub mod auth;
