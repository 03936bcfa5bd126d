//! Compiles the kiosk's slint UI (`../ui`) with its bundled translations (`../lang`); non-release builds keep debug info for headless tests.
fn main() {
    let mut config = slint_build::CompilerConfiguration::new()
        .with_bundled_translations("../lang/")
        .with_default_translation_context(slint_build::DefaultTranslationContext::None);
    if std::env::var("PROFILE").as_deref() != Ok("release") {
        config = config.with_debug_info(true);
    }
    slint_build::compile_with_config("../ui/app-window.slint", config).expect("the slint UI compiles");
}
