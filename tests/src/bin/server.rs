//! The queue server binary, built inside the tests package so crash tests can run and kill it.

fn main() -> std::process::ExitCode {
    queue_server::cli::main()
}
