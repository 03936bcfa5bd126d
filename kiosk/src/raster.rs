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

/// Noto Sans Bengali (Debian fonts-noto-core).
pub static NOTO_SANS_BENGALI: &[u8] = include_bytes!("../../assets/fonts/NotoSansBengali-Regular.ttf");
/// Noto Sans Bengali Bold.
pub static NOTO_SANS_BENGALI_BOLD: &[u8] = include_bytes!("../../assets/fonts/NotoSansBengali-Bold.ttf");
/// Noto Sans CJK SC cut down to the characters Chinese is named with (`assets/fonts/subset-cjk.sh`).
pub static NOTO_SANS_SC_NAMES: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-Names-Regular.otf");
/// The same subset, bold.
pub static NOTO_SANS_SC_NAMES_BOLD: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-Names-Bold.otf");

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
    text.chars().any(is_arabic_char)
}

fn is_arabic_char(c: char) -> bool {
    matches!(c as u32, 0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF)
}

/// One font of the fallback list, regular and bold.
struct Face {
    regular: &'static [u8],
    bold: &'static [u8],
}

/// The fonts a printed line may draw from, in the order a character looks for its glyph: Noto Sans first
/// (Latin, Cyrillic, digits), then Noto Sans Arabic, Bengali and the Chinese subset. Arabic letters go to
/// the Arabic font first.
static FACES: &[Face] = &[
    Face { regular: NOTO_SANS, bold: NOTO_SANS_BOLD },
    Face { regular: NOTO_SANS_ARABIC, bold: NOTO_SANS_ARABIC_BOLD },
    Face { regular: NOTO_SANS_BENGALI, bold: NOTO_SANS_BENGALI_BOLD },
    Face { regular: NOTO_SANS_SC_NAMES, bold: NOTO_SANS_SC_NAMES_BOLD },
];
const LATIN: usize = 0;
const ARABIC: usize = 1;

struct Loaded {
    draw: FontRef<'static>,
    shape: harfrust::FontRef<'static>,
    data: ShaperData,
}

/// Every face parsed once (regular, bold), for the life of the process.
static LOADED: std::sync::LazyLock<Vec<[Option<Loaded>; 2]>> = std::sync::LazyLock::new(|| {
    let load = |bytes: &'static [u8]| -> Option<Loaded> {
        let draw = FontRef::try_from_slice(bytes).ok()?;
        let shape = harfrust::FontRef::new(bytes).ok()?;
        let data = ShaperData::new(&shape);
        Some(Loaded { draw, shape, data })
    };
    FACES.iter().map(|f| [load(f.regular), load(f.bold)]).collect()
});

fn face(index: usize, bold: bool) -> Option<&'static Loaded> {
    LOADED.get(index)?[usize::from(bold)].as_ref()
}

fn has_glyph(index: usize, c: char) -> bool {
    face(index, false).is_some_and(|f| f.draw.glyph_id(c).0 != 0)
}

/// Characters that take the font of their neighbours (spaces, punctuation, bidi controls), so a run is
/// not cut in the middle of a word's punctuation.
fn is_neutral(c: char) -> bool {
    !c.is_alphanumeric()
}

/// The face for a character that needs a glyph of its own: Arabic script in the Arabic font, everything
/// else in the first face that has it (Noto Sans for Latin letters and digits); `None` if no face has it.
fn face_for(c: char) -> Option<usize> {
    if is_arabic_char(c) && has_glyph(ARABIC, c) {
        return Some(ARABIC);
    }
    (0..FACES.len()).find(|&i| has_glyph(i, c))
}

/// Characters of `text` that no shipped face has a glyph for (they would print as empty boxes).
pub fn missing_glyphs(text: &str) -> Vec<char> {
    text.chars().filter(|c| !c.is_whitespace() && !is_bidi_control(*c) && face_for(*c).is_none()).collect()
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// How a line is placed across the paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Start,
    Center,
}

/// One glyph of a laid-out line, at `px` dots a font size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlacedGlyph {
    /// Index into the fallback faces (0 Noto Sans, 1 Noto Sans Arabic).
    pub face: usize,
    pub glyph: u16,
    /// Left edge of the glyph's advance, from the line's left edge, in dots.
    pub x: f32,
    pub dx: f32,
    pub dy: f32,
    /// Byte offset in the text of the character this glyph comes from.
    pub cluster: usize,
}

/// A line shaped and ordered for the eye: the Unicode Bidirectional Algorithm (`unicode-bidi`) splits it
/// into runs in visual order, each run is split by font (glyph-by-glyph fallback) and shaped with harfrust
/// in the run's direction, so numbers read left to right inside Arabic and Latin letters have glyphs.
#[derive(Debug, Clone, PartialEq)]
pub struct LineLayout {
    pub glyphs: Vec<PlacedGlyph>,
    pub width: f32,
    pub ascent: f32,
    pub descent: f32,
    pub px: f32,
    pub bold: bool,
}

impl LineLayout {
    /// The glyphs of the character at byte `offset`, left to right.
    pub fn x_of(&self, offset: usize) -> Option<f32> {
        self.glyphs.iter().find(|g| g.cluster == offset).map(|g| g.x)
    }
}

/// Lays out `text` at `px` dots; `rtl` is the paragraph's base direction (the visitor's language).
pub fn layout_line(text: &str, px: f32, bold: bool, rtl: bool) -> LineLayout {
    use unicode_bidi::{Level, ParagraphBidiInfo};
    let mut out = LineLayout { glyphs: Vec::new(), width: 0.0, ascent: 0.0, descent: 0.0, px, bold };
    let text = text.trim_end_matches(['\n', '\r']);
    if text.is_empty() {
        return out;
    }
    let base = if rtl { Level::rtl() } else { Level::ltr() };
    let bidi = ParagraphBidiInfo::new(text, Some(base));
    let (levels, runs) = bidi.visual_runs(0..text.len());
    let scale = PxScale::from(px);
    let mut used = Vec::new();
    for run in runs {
        let run_rtl = levels[run.start].is_rtl();
        let mut pieces = font_pieces(text, run.clone());
        if run_rtl {
            pieces.reverse();
        }
        for (index, range) in pieces {
            let Some(f) = face(index, bold) else { continue };
            if !used.contains(&index) {
                used.push(index);
            }
            let mut buffer = UnicodeBuffer::new();
            for (i, c) in text[range.clone()].char_indices() {
                buffer.add(c, (range.start + i) as u32);
            }
            buffer.set_direction(if run_rtl {
                harfrust::Direction::RightToLeft
            } else {
                harfrust::Direction::LeftToRight
            });
            buffer.guess_segment_properties();
            let shaper = f.data.shaper(&f.shape).build();
            let shaped = shaper.shape(buffer, ShapeOptions::new());
            let factor = f.draw.as_scaled(scale).h_scale_factor();
            for (info, pos) in shaped.glyph_infos().iter().zip(shaped.glyph_positions()) {
                out.glyphs.push(PlacedGlyph {
                    face: index,
                    glyph: info.glyph_id as u16,
                    x: out.width,
                    dx: pos.x_offset as f32 * factor,
                    dy: pos.y_offset as f32 * factor,
                    cluster: info.cluster as usize,
                });
                out.width += pos.x_advance as f32 * factor;
            }
        }
    }
    if used.is_empty() {
        used.push(LATIN);
    }
    for index in used {
        if let Some(f) = face(index, bold) {
            let scaled = f.draw.as_scaled(scale);
            out.ascent = out.ascent.max(scaled.ascent());
            out.descent = out.descent.min(scaled.descent());
        }
    }
    out
}

/// Splits a bidi run (byte range, logical order) into pieces of one face each.
fn font_pieces(text: &str, run: std::ops::Range<usize>) -> Vec<(usize, std::ops::Range<usize>)> {
    let chars: Vec<(usize, char)> = text[run.clone()].char_indices().map(|(i, c)| (run.start + i, c)).collect();
    // Faces of the characters that need one; neutrals take the previous one's (or the next one's at the start).
    let mut faces: Vec<Option<usize>> =
        chars.iter().map(|&(_, c)| (!is_neutral(c)).then(|| face_for(c).unwrap_or(LATIN))).collect();
    let first =
        faces.iter().flatten().next().copied().unwrap_or(if is_arabic(&text[run.clone()]) { ARABIC } else { LATIN });
    let mut current = first;
    for (k, f) in faces.iter_mut().enumerate() {
        match f {
            Some(index) => current = *index,
            None => {
                let c = chars[k].1;
                // A neutral the neighbour's face lacks (rare punctuation) looks for its own glyph.
                *f = Some(if is_bidi_control(c) || c.is_whitespace() || has_glyph(current, c) {
                    current
                } else {
                    face_for(c).unwrap_or(current)
                });
            }
        }
    }
    let mut pieces: Vec<(usize, std::ops::Range<usize>)> = Vec::new();
    for (k, &(offset, c)) in chars.iter().enumerate() {
        let index = faces[k].unwrap_or(first);
        let end = offset + c.len_utf8();
        match pieces.last_mut() {
            Some((last, range)) if *last == index => range.end = end,
            _ => pieces.push((index, offset..end)),
        }
    }
    pieces
}

/// Draws one line of text `px` dots high on a `width`-dot-wide image: bidi-ordered, shaped, with font
/// fallback (see [`layout_line`]). `rtl` is the base direction; `Align::Start` is the right edge then.
/// Text wider than the paper is scaled down to fit (wrap it first with [`wrap_to_width`]).
pub fn render_line(text: &str, px: f32, bold: bool, width: usize, align: Align, rtl: bool) -> Bitmap {
    let mut layout = layout_line(text, px, bold, rtl);
    if layout.width > width as f32 {
        layout = layout_line(text, px * width as f32 / layout.width, bold, rtl);
    }
    draw(&layout, width, align, rtl)
}

fn draw(layout: &LineLayout, width: usize, align: Align, rtl: bool) -> Bitmap {
    let height = (layout.ascent - layout.descent).ceil().max(1.0) as usize;
    let mut bitmap = Bitmap::new(width, height);
    let left = match (align, rtl) {
        (Align::Center, _) => (width as f32 - layout.width) / 2.0,
        (Align::Start, true) => width as f32 - layout.width,
        (Align::Start, false) => 0.0,
    }
    .max(0.0);
    let scale = PxScale::from(layout.px);
    let baseline = layout.ascent;
    for g in &layout.glyphs {
        let Some(f) = face(g.face, layout.bold) else { continue };
        let glyph = GlyphId(g.glyph).with_scale_and_position(scale, point(left + g.x + g.dx, baseline - g.dy));
        if let Some(outline) = f.draw.outline_glyph(glyph) {
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
    }
    bitmap
}

/// Breaks `text` at spaces into lines no wider than `width` dots at `px` (a single word wider than that
/// stays alone on its line, and is scaled down when drawn).
pub fn wrap_to_width(text: &str, px: f32, bold: bool, rtl: bool, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        if let Some(last) = lines.last_mut() {
            let candidate = format!("{last} {word}");
            if layout_line(&candidate, px, bold, rtl).width <= width as f32 {
                *last = candidate;
                continue;
            }
        }
        lines.push(word.to_string());
    }
    lines
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
        let bitmap = render_line("Sportello", 32.0, false, 96, Align::Center, false);
        assert!(bitmap.dots.iter().any(|d| *d), "the text left ink");
        let (back, len) = Bitmap::from_gs_v0(&bitmap.to_gs_v0()).expect("parses");
        assert_eq!(back, bitmap);
        assert_eq!(len, 8 + 12 * bitmap.height);
    }

    #[test]
    fn arabic_is_shaped_right_aligned_and_inked() {
        let bitmap = render_line("الخدمات الاجتماعية", 32.0, false, 400, Align::Start, true);
        let inked_cols: Vec<usize> =
            (0..bitmap.width).filter(|&x| (0..bitmap.height).any(|y| bitmap.get(x, y))).collect();
        assert!(!inked_cols.is_empty());
        assert!(*inked_cols.last().unwrap() > 380, "right-aligned: {inked_cols:?}");
    }

    fn offset(text: &str, needle: &str) -> usize {
        text.find(needle).unwrap_or_else(|| panic!("{needle:?} in {text:?}"))
    }

    // Issue 18: numbers inside an Arabic line read left to right (the bidi algorithm), words right to left.
    #[test]
    fn numbers_in_arabic_lines_keep_their_order() {
        for (text, digits) in [("مدة الانتظار المتوقعة: 45 دقيقة", "45"), ("عدد الأشخاص قبلك: 210", "210")]
        {
            let layout = layout_line(text, 30.0, false, true);
            let xs: Vec<f32> = (0..digits.len()).map(|i| layout.x_of(offset(text, digits) + i).unwrap()).collect();
            assert!(xs.windows(2).all(|w| w[0] < w[1]), "{text}: digits left to right, got x {xs:?}");
            // The first Arabic word (logically) is the rightmost.
            let first = layout.x_of(0).unwrap();
            assert!(layout.glyphs.iter().all(|g| g.x <= first), "{text}: first word on the right");
            assert!(xs[0] < first, "{text}: the number comes after (left of) the first word");
        }
        // Without an RTL base a Latin line stays in logical order.
        let layout = layout_line("Area D 12", 30.0, false, false);
        assert!(layout.x_of(0).unwrap() < layout.x_of(7).unwrap());
    }

    // Issue 18: a Latin letter in an Arabic line comes from Noto Sans, not an empty box of the Arabic font.
    #[test]
    fn latin_letters_in_arabic_lines_fall_back_to_noto_sans() {
        let text = "المنطقة D";
        let layout = layout_line(text, 30.0, true, true);
        assert!(layout.glyphs.iter().all(|g| g.glyph != 0), "no .notdef box: {layout:?}");
        let d = layout.glyphs.iter().find(|g| g.cluster == offset(text, "D")).unwrap();
        assert_eq!(d.face, LATIN);
        assert!(layout.glyphs.iter().filter(|g| g.cluster < offset(text, "D")).all(|g| g.face == ARABIC));
        // Before the fallback, the Arabic font alone drew a box here: prove the box exists to be avoided.
        let arabic = FontRef::try_from_slice(NOTO_SANS_ARABIC).unwrap();
        assert_eq!(arabic.glyph_id('D').0, 0);
        // D sits left of the Arabic word (it follows it in reading order).
        assert!(d.x < layout.x_of(0).unwrap());
    }

    // Issue 3: every text printed as a raster has a glyph in some shipped font.
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
        assert_eq!(missing_glyphs("الغرفة A"), Vec::<char>::new(), "Latin letters fall back");
        assert_eq!(missing_glyphs("中文 বাংলা"), Vec::<char>::new(), "Chinese and Bengali names are shipped");
        assert_eq!(missing_glyphs("ქართული"), "ქართული".chars().collect::<Vec<_>>(), "the check can fail");
    }

    #[test]
    fn long_text_is_scaled_to_fit() {
        let bitmap = render_line(&"Українська ".repeat(10), 32.0, false, 200, Align::Start, false);
        assert_eq!(bitmap.width, 200);
        assert!(bitmap.height < 32);
    }

    // Issue 18: long labels wrap at spaces, each line within the paper.
    #[test]
    fn wraps_at_word_boundaries_within_the_width() {
        let text = "Ajutor pentru a găsi de lucru, reședință și acte pentru a lucra";
        let lines = wrap_to_width(text, 48.0, true, false, 576);
        assert!(lines.len() >= 2, "{lines:?}");
        assert_eq!(lines.join(" "), text);
        for line in &lines {
            assert!(layout_line(line, 48.0, true, false).width <= 576.0, "{line}");
        }
    }
}
