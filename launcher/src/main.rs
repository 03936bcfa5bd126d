//! `sportello`: the launcher's command line (`sportello up`); everything is in the library.

fn main() -> std::process::ExitCode {
    sportello::cli::main()
}
