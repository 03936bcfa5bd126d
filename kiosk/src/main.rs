//! Sportello kiosk (placeholder until its issue lands).
fn main() {
    println!("the kiosk is not built yet");
}
