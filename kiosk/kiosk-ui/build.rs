//! Compiles the kiosk's slint UI (`../ui`); non-release builds keep debug info for headless tests. Its texts come from Rust (`texts` crate).
fn main() {
    let mut config = slint_build::CompilerConfiguration::new();
    if std::env::var("PROFILE").as_deref() != Ok("release") {
        config = config.with_debug_info(true);
    }
    slint_build::compile_with_config("../ui/app-window.slint", config).expect("the slint UI compiles");
}
