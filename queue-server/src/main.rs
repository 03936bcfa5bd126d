//! `queue-server`: the thin entry point; everything is in the library.

fn main() -> std::process::ExitCode {
    queue_server::cli::main()
}
