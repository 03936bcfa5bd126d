//! Compiles ../ui/app-window.slint; debug builds keep element debug info so headless tests can find elements.
fn main() {
    let mut config = slint_build::CompilerConfiguration::new();
    if std::env::var("PROFILE").as_deref() != Ok("release") {
        config = config.with_debug_info(true);
    }
    slint_build::compile_with_config("../ui/app-window.slint", config).expect("the slint UI compiles");
}
