//! Sportello display (placeholder until its issue lands).
fn main() {
    println!("the display is not built yet");
}
