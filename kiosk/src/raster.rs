//! 1-bit raster images for the printer: text lines shaped and drawn from the embedded fonts, QR codes, and `GS v 0`.

use ab_glyph::{Font as _, FontRef, GlyphId, PxScale, ScaleFont as _, point};
use harfrust::{ShapeOptions, ShaperData, UnicodeBuffer};

/// Noto Sans (Latin, Greek, Cyrillic), shipped in `assets/fonts` (OFL).
pub static NOTO_SANS: &[u8] = include_bytes!("../../assets/fonts/NotoSans-Regular.ttf");
/// Noto Sans Bold.
pub static NOTO_SANS_BOLD: &[u8] = include_bytes!("../../assets/fonts/NotoSans-Bold.ttf");
/// Noto Sans Arabic.
pub static NOTO_SANS_ARABIC: &[u8] = include_bytes!("../../assets/fonts/NotoSansArabic-Regular.ttf");
/// Noto Sans Arabic Bold.
pub static NOTO_SANS_ARABIC_BOLD: &[u8] = include_bytes!("../../assets/fonts/NotoSansArabic-Bold.ttf");

/// A black-and-white image, row-major, `true` = black dot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bitmap {
    pub width: usize,
    pub height: usize,
    pub dots: Vec<bool>,
}

impl Bitmap {
    pub fn new(width: usize, height: usize) -> Bitmap {
        Bitmap { width, height, dots: vec![false; width * height] }
    }

    pub fn get(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.height && self.dots[y * self.width + x]
    }

    fn set(&mut self, x: usize, y: usize) {
        if x < self.width && y < self.height {
            self.dots[y * self.width + x] = true;
        }
    }

    /// The ESC/POS `GS v 0` command (normal density) that prints this image.
    pub fn to_gs_v0(&self) -> Vec<u8> {
        let bytes_per_row = self.width.div_ceil(8);
        let (x, y) = (bytes_per_row as u16, self.height as u16);
        let mut out = vec![0x1d, b'v', b'0', 0, x as u8, (x >> 8) as u8, y as u8, (y >> 8) as u8];
        for row in 0..self.height {
            for byte in 0..bytes_per_row {
                let mut b = 0u8;
                for bit in 0..8 {
                    if self.get(byte * 8 + bit, row) {
                        b |= 0x80 >> bit;
                    }
                }
                out.push(b);
            }
        }
        out
    }

    /// Parses the image data of a `GS v 0` command starting at `bytes[0]`; returns it and the command's length.
    pub fn from_gs_v0(bytes: &[u8]) -> Option<(Bitmap, usize)> {
        if bytes.len() < 8 || bytes[..3] != [0x1d, b'v', b'0'] {
            return None;
        }
        let bpr = usize::from(bytes[4]) | usize::from(bytes[5]) << 8;
        let height = usize::from(bytes[6]) | usize::from(bytes[7]) << 8;
        let data = bytes.get(8..8 + bpr * height)?;
        let mut bitmap = Bitmap::new(bpr * 8, height);
        for y in 0..height {
            for x in 0..bpr * 8 {
                if data[y * bpr + x / 8] & (0x80 >> (x % 8)) != 0 {
                    bitmap.set(x, y);
                }
            }
        }
        Some((bitmap, 8 + bpr * height))
    }
}

/// Whether a text needs a right-to-left script font (Arabic and its neighbours).
pub fn is_arabic(text: &str) -> bool {
    text.chars().any(|c| matches!(c as u32, 0x0600..=0x06FF | 0x0750..=0x077F | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF))
}

/// Characters of `text` the font chosen for it has no glyph for (they would print as empty boxes).
/// One font serves a whole line: Noto Sans Arabic has digits and punctuation but no Latin letters.
pub fn missing_glyphs(text: &str) -> Vec<char> {
    let data = if is_arabic(text) { NOTO_SANS_ARABIC } else { NOTO_SANS };
    let Ok(font) = FontRef::try_from_slice(data) else { return text.chars().collect() };
    text.chars().filter(|c| !c.is_whitespace() && font.glyph_id(*c).0 == 0).collect()
}

/// How a line is placed across the paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Start,
    Center,
}

/// Draws one line of text `px` dots high, shaped with harfrust (Arabic joins, right-to-left order), on a
/// `width`-dot-wide image. Text wider than the paper is scaled down to fit.
pub fn render_line(text: &str, px: f32, bold: bool, width: usize, align: Align) -> Bitmap {
    let data = match (is_arabic(text), bold) {
        (true, false) => NOTO_SANS_ARABIC,
        (true, true) => NOTO_SANS_ARABIC_BOLD,
        (false, false) => NOTO_SANS,
        (false, true) => NOTO_SANS_BOLD,
    };
    let (Ok(shape_font), Ok(draw_font)) = (harfrust::FontRef::new(data), FontRef::try_from_slice(data)) else {
        return Bitmap::new(width, 1);
    };
    let shaper_data = ShaperData::new(&shape_font);
    let shaper = shaper_data.shaper(&shape_font).build();
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.guess_segment_properties();
    let shaped = shaper.shape(buffer, ShapeOptions::new());

    let mut scale = PxScale::from(px);
    let total_units: i32 = shaped.glyph_positions().iter().map(|p| p.x_advance).sum();
    let factor = draw_font.as_scaled(scale).h_scale_factor();
    let natural = total_units as f32 * factor;
    if natural > width as f32 {
        scale = PxScale::from(px * width as f32 / natural);
    }
    let scaled = draw_font.as_scaled(scale);
    let factor = scaled.h_scale_factor();
    let line_width = total_units as f32 * factor;
    let height = (scaled.ascent() - scaled.descent()).ceil().max(1.0) as usize;
    let mut bitmap = Bitmap::new(width, height);
    let mut x = match (align, is_arabic(text)) {
        (Align::Center, _) => (width as f32 - line_width) / 2.0,
        (Align::Start, true) => width as f32 - line_width,
        (Align::Start, false) => 0.0,
    }
    .max(0.0);
    let baseline = scaled.ascent();
    for (info, pos) in shaped.glyph_infos().iter().zip(shaped.glyph_positions()) {
        let glyph = GlyphId(info.glyph_id as u16).with_scale_and_position(
            scale,
            point(x + pos.x_offset as f32 * factor, baseline - pos.y_offset as f32 * factor),
        );
        if let Some(outline) = draw_font.outline_glyph(glyph) {
            let bounds = outline.px_bounds();
            outline.draw(|gx, gy, coverage| {
                if coverage > 0.5 {
                    let (px_x, px_y) = (bounds.min.x + gx as f32, bounds.min.y + gy as f32);
                    if px_x >= 0.0 && px_y >= 0.0 {
                        bitmap.set(px_x as usize, px_y as usize);
                    }
                }
            });
        }
        x += pos.x_advance as f32 * factor;
    }
    bitmap
}

/// A QR code (Model 2, error correction M) of `data`, `module` dots a module, with a 4-module quiet zone,
/// centred on a `width`-dot-wide image.
pub fn render_qr(data: &str, module: usize, width: usize) -> Bitmap {
    let Ok(code) = qrcode::QrCode::with_error_correction_level(data.as_bytes(), qrcode::EcLevel::M) else {
        return Bitmap::new(width, 1);
    };
    let n = code.width();
    let colors = code.to_colors();
    let side = (n + 8) * module;
    let offset = width.saturating_sub(side) / 2;
    let mut bitmap = Bitmap::new(width.max(side), side);
    for (i, color) in colors.iter().enumerate() {
        if *color == qrcode::Color::Dark {
            let (mx, my) = (i % n + 4, i / n + 4);
            for dy in 0..module {
                for dx in 0..module {
                    bitmap.set(offset + mx * module + dx, my * module + dy);
                }
            }
        }
    }
    bitmap
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gs_v0_round_trips() {
        let bitmap = render_line("Sportello", 32.0, false, 96, Align::Center);
        assert!(bitmap.dots.iter().any(|d| *d), "the text left ink");
        let (back, len) = Bitmap::from_gs_v0(&bitmap.to_gs_v0()).expect("parses");
        assert_eq!(back, bitmap);
        assert_eq!(len, 8 + 12 * bitmap.height);
    }

    #[test]
    fn arabic_is_shaped_right_aligned_and_inked() {
        let bitmap = render_line("الخدمات الاجتماعية", 32.0, false, 400, Align::Start);
        let inked_cols: Vec<usize> =
            (0..bitmap.width).filter(|&x| (0..bitmap.height).any(|y| bitmap.get(x, y))).collect();
        assert!(!inked_cols.is_empty());
        assert!(*inked_cols.last().unwrap() > 380, "right-aligned: {inked_cols:?}");
    }

    // Issue 3: every text printed as a raster has its glyphs in the font its line is drawn with.
    #[test]
    fn printed_texts_have_every_glyph() {
        use texts::id;
        for lang in texts::LANGUAGES.iter().map(|l| l.code) {
            for n in [1, 2, 3, 12, 100] {
                for key in [id::KIOSK_AHEAD_LINE, id::KIOSK_WAIT_LINE] {
                    let text = texts::tf(lang, key, &[("n", n.into())]);
                    assert_eq!(missing_glyphs(&text), Vec::<char>::new(), "{lang} {key}: {text}");
                }
            }
            let text = texts::t(lang, id::KIOSK_PAPER_PRIVACY);
            assert_eq!(missing_glyphs(&text), Vec::<char>::new(), "{lang}: {text}");
        }
        assert_eq!(missing_glyphs("الغرفة A"), vec!['A'], "the check can fail");
    }

    #[test]
    fn long_text_is_scaled_to_fit() {
        let bitmap = render_line(&"Українська ".repeat(10), 32.0, false, 200, Align::Start);
        assert_eq!(bitmap.width, 200);
        assert!(bitmap.height < 32);
    }
}
