use clap::Parser;
use tracing_subscriber::EnvFilter;

use server::config::{Config, LogFormat};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = Config::parse();
    let filter = EnvFilter::try_new(&config.log).unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt().with_env_filter(filter);
    match config.log_format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().init(),
    }

    let twofold = match server::build(&config).await {
        Ok(twofold) => twofold,
        Err(error) => {
            tracing::error!(%error, "cannot start");
            return std::process::ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(config.addr).await {
        Ok(listener) => listener,
        Err(error) => {
            tracing::error!(%error, addr = %config.addr, "cannot listen");
            return std::process::ExitCode::FAILURE;
        }
    };
    tracing::info!("listening on http://{}", config.addr);
    if let Err(error) = server::serve(listener, twofold.router).await {
        tracing::error!(%error, "server failed");
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}
