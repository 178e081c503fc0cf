// The app's static view types are deep (a modal's type holds its
// contents'); monomorphizing them here needs more than the default query
// depth in release builds.
#![recursion_limit = "512"]

use clap::Parser;
use tracing_subscriber::EnvFilter;

use server::config::{Command, Config, LogFormat};

/// Synchronous, so that the allocator is tuned before the tokio runtime
/// starts any thread.
fn main() -> std::process::ExitCode {
    return_large_blocks_to_the_system();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("cannot start the async runtime: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    runtime.block_on(serve())
}

async fn serve() -> std::process::ExitCode {
    let config = match Config::try_parse() {
        Ok(config) => config,
        Err(error) => {
            // Help and version go to stdout and succeed; a bad argument is
            // a message on stderr and exit code 1.
            let _ = error.print();
            return if error.use_stderr() {
                std::process::ExitCode::FAILURE
            } else {
                std::process::ExitCode::SUCCESS
            };
        }
    };
    if let Some(Command::Admin { command }) = &config.command {
        // Only warnings, on stderr: stdout is the command's one line.
        tracing_subscriber::fmt()
            .with_env_filter(EnvFilter::new("warn"))
            .with_writer(std::io::stderr)
            .init();
        return server::admin::run(&config, command).await;
    }
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
    tokio::spawn(server::sweep_forever(twofold.state.clone()));
    tokio::spawn(server::send_mail_forever(twofold.state.clone()));
    tracing::info!("listening on http://{}", config.addr);
    let limits = server::connections::Limits::of(&config);
    let shutdown = server::shutdown_signal();
    if let Err(error) = server::serve(listener, twofold.router, limits, shutdown).await {
        tracing::error!(%error, "server failed");
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}

/// Each password hash allocates and frees argon2's 19 MiB of working
/// memory. glibc raises its mmap threshold to the size of the largest block
/// freed, after which such blocks come from per-thread arenas that keep
/// them: a server that had handled a burst of sign-ins held hundreds of
/// megabytes it no longer used (measured by `scripts/bench`). A fixed
/// threshold keeps large blocks mapped on their own and unmapped when
/// freed, so memory follows the hashes in flight.
fn return_large_blocks_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        const ONE_MIB: libc::c_int = 1 << 20;
        // SAFETY: mallopt only changes allocator tuning; it is called once,
        // before any thread that could allocate concurrently is started.
        let accepted = unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, ONE_MIB) };
        debug_assert_eq!(accepted, 1);
    }
}
