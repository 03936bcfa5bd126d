//! The paper ticket as a pure function: ticket data → ESC/POS bytes (via the `escpos` crate), and a readable dump of them.

use crate::raster::{self, Align, Bitmap};
use escpos::driver::Driver;
use escpos::printer::Printer;
use escpos::printer_options::PrinterOptions;
use escpos::utils::{JustifyMode, PageCode, Protocol};
use std::cell::RefCell;
use std::rc::Rc;

/// Dots across an 80 mm paper roll at 203 dpi.
pub const PAPER_DOTS: usize = 576;
/// Dots a QR module: 6 dots ≈ 0.75 mm, a 33-module code ≈ 30 mm.
pub const QR_MODULE_DOTS: usize = 6;
/// `ESC t 19`: PC858 (Latin-1 with the euro sign), which has every Italian accent.
pub const CODE_PAGE: PageCode = PageCode::PC858;

/// Everything printed on a ticket, already in the visitor's language.
#[derive(Debug, Clone, PartialEq)]
pub struct PrintTicket {
    pub site_name: String,
    pub number: String,
    /// The service's public label in the visitor's language ("Area D", "المنطقة D").
    pub label: String,
    /// The same label in Italian (printed too when the visitor chose another language).
    pub label_it: String,
    /// What the visitor asked for, in their words ("Help finding work"), under the label.
    pub service_name: String,
    pub language: String,
    /// Local date and time, already formatted (`23/11/2026 09:14`).
    pub issued_at: String,
    pub people_ahead: u32,
    /// `None`: no desk that serves the service is open now ("no desk is open for this now").
    pub estimated_wait_s: Option<u32>,
    /// Where uncertain, the range shown instead of one figure.
    pub estimated_wait_range_s: Option<[u32; 2]>,
    /// `{public_url}{status_url}`, encoded in the QR code.
    pub qr_url: String,
}

/// The QR's base in `kiosk test-print` when neither `--public-url` nor the site's `public_url` is given.
pub const SAMPLE_PUBLIC_URL: &str = "https://sportello.example.org";

impl PrintTicket {
    /// A sample ticket for `kiosk test-print`, with the cases an installer must see on paper: two- and
    /// three-digit figures (12 people ahead, 45 minutes, A123), a public label with a Latin letter in
    /// every script ("المنطقة D") and a service name long enough to wrap. `public_url` is the QR's base.
    pub fn sample(language: &str, public_url: &str) -> PrintTicket {
        let (label, name) = match language {
            "ar" => ("المنطقة D", "المساعدة في إيجاد عمل"),
            "uk" => ("Зона D", "Допомога з пошуком роботи"),
            "ro" => ("Zona D", "Ajutor pentru a găsi de lucru"),
            "fr" => ("Zone D", "Aide pour trouver un travail"),
            "en" => ("Area D", "Help finding work"),
            _ => ("Area D", "Orientamento al lavoro"),
        };
        PrintTicket {
            site_name: "Sportello - prova di stampa".into(),
            number: "A123".into(),
            label: label.into(),
            label_it: "Area D".into(),
            service_name: name.into(),
            language: language.into(),
            issued_at: "23/11/2026 09:14".into(),
            people_ahead: 12,
            estimated_wait_s: Some(45 * 60),
            estimated_wait_range_s: None,
            qr_url: format!("{}/t/TEST-PRINT-NOT-A-TICKET", public_url.trim_end_matches('/')),
        }
    }
}

/// Whether the printer's code page can print `text` (else it goes as a raster image).
pub fn fits_code_page(text: &str) -> bool {
    text.chars().all(|c| (' '..='~').contains(&c) || ('\u{a0}'..='\u{ff}').contains(&c) || c == '€')
}

/// The minutes shown for an estimated wait (rounded up, at least 1 when there is a wait).
pub fn wait_minutes(seconds: u32) -> u32 {
    seconds.div_ceil(60)
}

/// The estimated-wait line of the paper and the result screen: minutes, a range where uncertain
/// ("15–25 min"), or "no desk is open for this now".
pub fn wait_line(lang: &str, wait_s: Option<u32>, range_s: Option<[u32; 2]>) -> String {
    match (wait_s, range_s) {
        (None, _) => texts::t(lang, texts::id::KIOSK_NO_DESK_OPEN),
        (Some(_), Some([lo, hi])) => {
            let (lo, hi) = texts::range_minutes(lo, hi);
            texts::tf(lang, texts::id::KIOSK_WAIT_LINE_RANGE, &[("lo", lo.into()), ("hi", hi.into())])
        }
        (Some(w), None) => texts::tf(lang, texts::id::KIOSK_WAIT_LINE, &[("n", wait_minutes(w).into())]),
    }
}

#[derive(Clone, Default)]
struct MemoryDriver(Rc<RefCell<Vec<u8>>>);

impl Driver for MemoryDriver {
    fn name(&self) -> String {
        "memory".into()
    }
    fn write(&self, data: &[u8]) -> escpos::errors::Result<()> {
        self.0.borrow_mut().extend_from_slice(data);
        Ok(())
    }
    fn read(&self, _buf: &mut [u8]) -> escpos::errors::Result<usize> {
        Ok(0)
    }
    fn flush(&self) -> escpos::errors::Result<()> {
        Ok(())
    }
}

/// The ESC/POS bytes of a ticket. Pure: the same ticket gives the same bytes.
pub fn escpos_bytes(ticket: &PrintTicket) -> Vec<u8> {
    // Only fails on out-of-range arguments, which are constants here.
    build(ticket).expect("constant ESC/POS arguments are valid")
}

fn build(ticket: &PrintTicket) -> escpos::errors::Result<Vec<u8>> {
    let driver = MemoryDriver::default();
    let options = PrinterOptions::new(Some(CODE_PAGE), None, 48);
    let mut p = Printer::new(driver.clone(), Protocol::default(), Some(options));
    let lang = ticket.language.as_str();
    let rtl = texts::is_rtl(lang);
    p.init()?.justify(JustifyMode::CENTER)?;
    line(&mut p, &ticket.site_name, 1, true, false)?;
    p.feed()?;
    // The number: large, printable in every code page.
    p.size(4, 4)?.bold(true)?;
    write_pc858(&mut p, &ticket.number)?;
    p.feed()?.bold(false)?.reset_size()?;
    p.feed()?;
    line(&mut p, &ticket.label, 2, true, rtl)?;
    if lang != "it" && ticket.label_it != ticket.label {
        line(&mut p, &ticket.label_it, 1, false, false)?;
    }
    if !ticket.service_name.is_empty() {
        line(&mut p, &ticket.service_name, 1, false, rtl)?;
    }
    p.feed()?;
    line(&mut p, &texts::tf(lang, texts::id::KIOSK_AHEAD_LINE, &[("n", ticket.people_ahead.into())]), 1, false, rtl)?;
    let wait = wait_line(lang, ticket.estimated_wait_s, ticket.estimated_wait_range_s);
    line(&mut p, &wait, 1, false, rtl)?;
    line(&mut p, &ticket.issued_at, 1, false, false)?;
    p.feed()?;
    let qr = raster::render_qr(&ticket.qr_url, QR_MODULE_DOTS, PAPER_DOTS);
    p.custom(&qr.to_gs_v0())?;
    p.feed()?;
    line(&mut p, &texts::t(lang, texts::id::KIOSK_PAPER_PRIVACY), 1, false, rtl)?;
    p.feeds(3)?.print_cut()?;
    let bytes = driver.0.borrow().clone();
    Ok(bytes)
}

/// Characters a line holds in the printer's font A (12 dots wide) at `size`.
fn columns(size: u8) -> usize {
    PAPER_DOTS / 12 / usize::from(size.max(1))
}

/// A centred paragraph, wrapped at word boundaries: printer text when the code page has it, else raster
/// images drawn from the fonts (each line put in visual order by the bidi algorithm; `rtl` is the base
/// direction, the visitor's language's).
fn line(p: &mut Printer<MemoryDriver>, text: &str, size: u8, bold: bool, rtl: bool) -> escpos::errors::Result<()> {
    if fits_code_page(text) {
        for part in wrap(text, columns(size)) {
            p.size(size, size)?.bold(bold)?;
            write_pc858(p, &part)?;
            p.feed()?.bold(false)?.reset_size()?;
        }
    } else {
        let px = if size > 1 { 48.0 } else { 30.0 };
        for part in raster::wrap_to_width(text, px, bold, rtl, PAPER_DOTS) {
            let image = raster::render_line(&part, px, bold, PAPER_DOTS, Align::Center, rtl);
            p.custom(&image.to_gs_v0())?;
        }
    }
    Ok(())
}

/// Writes text in PC858. ASCII goes through byte for byte: `escpos` 0.20.1's PC858 table also lists `-` at
/// 0xF0 (the soft hyphen), so its encoder would turn every hyphen into a soft hyphen.
fn write_pc858(p: &mut Printer<MemoryDriver>, text: &str) -> escpos::errors::Result<()> {
    let mut rest = text;
    while !rest.is_empty() {
        let ascii = rest.find(|c: char| !c.is_ascii()).unwrap_or(rest.len());
        if ascii > 0 {
            p.custom(&rest.as_bytes()[..ascii])?;
            rest = &rest[ascii..];
        }
        let other = rest.find(|c: char| c.is_ascii()).unwrap_or(rest.len());
        if other > 0 {
            p.write(&rest[..other])?;
            rest = &rest[other..];
        }
    }
    Ok(())
}

/// Splits a sentence into lines of at most `width` characters at spaces.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(last) if last.chars().count() + 1 + word.chars().count() <= width => {
                last.push(' ');
                last.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// Every raster image in a byte stream, in order.
pub fn rasters(bytes: &[u8]) -> Vec<Bitmap> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match Bitmap::from_gs_v0(&bytes[i..]) {
            Some((bitmap, len)) => {
                out.push(bitmap);
                i += len;
            }
            None => i += 1,
        }
    }
    out
}

/// A readable listing of ESC/POS bytes: one command or text run a line, rasters as their size.
pub fn dump(bytes: &[u8]) -> String {
    let mut out = String::new();
    let mut text = String::new();
    let flush = |text: &mut String, out: &mut String| {
        if !text.is_empty() {
            out.push_str(&format!("TEXT {text:?}\n"));
            text.clear();
        }
    };
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        let arg = |n: usize| rest.get(n).copied().unwrap_or(0);
        let (desc, len): (String, usize) = match rest {
            [0x1b, b'@', ..] => ("INIT".into(), 2),
            [0x1b, b't', ..] => (format!("CODE_PAGE {}", arg(2)), 3),
            [0x1b, b'a', ..] => {
                (format!("ALIGN {}", ["left", "center", "right"].get(usize::from(arg(2))).unwrap_or(&"?")), 3)
            }
            [0x1b, b'E', ..] => (format!("BOLD {}", arg(2)), 3),
            [0x1b, b'd', ..] => (format!("FEED {}", arg(2)), 3),
            [0x1d, b'!', ..] => (format!("SIZE {}x{}", (arg(2) >> 4) + 1, (arg(2) & 0xf) + 1), 3),
            [0x1d, b'V', b'A', ..] => (format!("CUT {}", if arg(3) == 0 { "full" } else { "partial" }), 4),
            [0x1d, b'V', ..] => ("CUT".into(), 3),
            [0x1d, b'v', b'0', ..] => match Bitmap::from_gs_v0(rest) {
                Some((bitmap, len)) => (format!("RASTER {}x{}", bitmap.width, bitmap.height), len),
                None => ("RASTER (truncated)".into(), rest.len()),
            },
            [b'\n', ..] => ("LF".into(), 1),
            [b, ..] if *b >= 0x20 => {
                text.push(pc858_char(*b));
                i += 1;
                continue;
            }
            [b, ..] => (format!("BYTE 0x{b:02x}"), 1),
            [] => break,
        };
        flush(&mut text, &mut out);
        out.push_str(&desc);
        out.push('\n');
        i += len;
    }
    flush(&mut text, &mut out);
    out
}

/// Decodes a PC858 byte (ASCII plus the accented letters Italian needs; others shown as `\xNN`).
fn pc858_char(b: u8) -> char {
    match b {
        0x20..=0x7e => b as char,
        0x85 => 'à',
        0x8a => 'è',
        0x82 => 'é',
        0x8d => 'ì',
        0x95 => 'ò',
        0x97 => 'ù',
        0xb7 => 'À',
        0xd4 => 'È',
        0x90 => 'É',
        0xde => 'Ì',
        0xe3 => 'Ò',
        0xeb => 'Ù',
        0xd5 => '€',
        _ => '\u{fffd}',
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    fn decode_qr(bitmap: &Bitmap) -> Option<String> {
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(bitmap.width, bitmap.height, |x, y| {
            if bitmap.get(x, y) { 0 } else { 255 }
        });
        let grids = img.detect_grids();
        grids.first().and_then(|g| g.decode().ok()).map(|(_, content)| content)
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    // Issue 3: the QR raster decodes back to the status URL.
    #[test]
    fn qr_raster_decodes_to_status_url() {
        for lang in ["it", "ar", "uk"] {
            let ticket = PrintTicket::sample(lang, SAMPLE_PUBLIC_URL);
            let bytes = escpos_bytes(&ticket);
            let decoded: Vec<String> = rasters(&bytes).iter().filter_map(decode_qr).collect();
            assert_eq!(decoded, vec![ticket.qr_url.clone()], "{lang}");
        }
    }

    // Issue 3: the number and label are in the bytes as text; Italian accents in PC858.
    #[test]
    fn number_and_latin_label_are_text_in_pc858() {
        let mut ticket = PrintTicket::sample("it", SAMPLE_PUBLIC_URL);
        ticket.label = "Attività è più".into();
        let bytes = escpos_bytes(&ticket);
        assert!(contains(&bytes, b"A123"));
        assert!(contains(
            &bytes,
            &[b'A', b't', b't', b'i', b'v', b'i', b't', 0x85, b' ', 0x8a, b' ', b'p', b'i', 0x97]
        ));
        assert!(contains(&bytes, &[0x1b, b't', 19]), "selects PC858");
    }

    // Issue 3: Arabic and Cyrillic go as raster images, never as code-page bytes.
    #[test]
    fn arabic_and_cyrillic_labels_are_rasters() {
        let it = rasters(&escpos_bytes(&PrintTicket::sample("it", SAMPLE_PUBLIC_URL))).len();
        let ar = escpos_bytes(&PrintTicket::sample("ar", SAMPLE_PUBLIC_URL));
        assert!(contains(&ar, b"A123"));
        assert!(rasters(&ar).len() > it + 3, "label, people ahead, wait and privacy lines are images");
        // Outside the raster images (whose dots may be any byte), no UTF-8 Arabic lead byte.
        let (mut outside, mut i) = (Vec::new(), 0);
        while i < ar.len() {
            match Bitmap::from_gs_v0(&ar[i..]) {
                Some((_, len)) => i += len,
                None => {
                    outside.push(ar[i]);
                    i += 1;
                }
            }
        }
        assert!(!outside.iter().any(|b| *b == 0xd8 || *b == 0xd9), "no UTF-8 Arabic bytes leaked");
        let uk = escpos_bytes(&PrintTicket::sample("uk", SAMPLE_PUBLIC_URL));
        assert!(rasters(&uk).len() > it + 3);
    }

    /// A raster line as a PNG for OCR: white paper, black ink, a 20-dot margin (tesseract reads the
    /// printer's own 203 dpi dots best unscaled).
    fn line_png(bitmap: &Bitmap, path: &std::path::Path) {
        let (w, h) = (bitmap.width as u32 + 40, bitmap.height as u32 + 40);
        let img = image::GrayImage::from_fn(w, h, |x, y| {
            let (bx, by) = (x as i64 - 20, y as i64 - 20);
            let ink = bx >= 0 && by >= 0 && bitmap.get(bx as usize, by as usize);
            image::Luma([if ink { 0 } else { 255 }])
        });
        img.save(path).unwrap();
    }

    /// Whether tesseract and its `lang` data are installed (a failure when missing with `CI=true`).
    fn ocr_ready(lang: &str, package: &str) -> bool {
        if testkit::require_tool("tesseract", package, "the printed-ticket OCR test").is_none() {
            return false;
        }
        let out = std::process::Command::new("tesseract").arg("--list-langs").output().expect("tesseract runs");
        let listed = String::from_utf8_lossy(&out.stdout).lines().any(|l| l.trim() == lang);
        testkit::require(
            listed,
            &format!("the printed-ticket OCR test needs tesseract's {lang} data (apt-get install {package})"),
        )
    }

    /// What tesseract reads on each text raster of a ticket (the QR code left out).
    fn ocr_lines(bytes: &[u8], langs: &str) -> Vec<String> {
        static RUN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let run = RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("kiosk-ocr-{}-{run}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut out = Vec::new();
        for (i, bitmap) in rasters(bytes).iter().enumerate().filter(|(_, b)| b.height < 100) {
            let png = dir.join(format!("line-{i}.png"));
            line_png(bitmap, &png);
            let run = std::process::Command::new("tesseract")
                .arg(&png)
                .args(["-", "-l", langs, "--psm", "7"])
                .output()
                .expect("tesseract runs");
            out.push(String::from_utf8_lossy(&run.stdout).trim().to_string());
        }
        let _ = std::fs::remove_dir_all(&dir);
        out
    }

    // Issue 18: the Arabic sample read back from the printed rasters by OCR: 12 and 45 (not 21 and 54),
    // and the label's Latin letter D (not an empty box), left of the Arabic word as Arabic reading order
    // puts it. tesseract read "02" for 20 before the bidi fix.
    #[test]
    fn printed_arabic_figures_read_back_in_order() {
        if !ocr_ready("ara", "tesseract-ocr tesseract-ocr-ara") {
            return;
        }
        let lines = ocr_lines(&escpos_bytes(&PrintTicket::sample("ar", SAMPLE_PUBLIC_URL)), "ara+eng");
        let digits: Vec<String> = lines.iter().map(|l| l.chars().filter(char::is_ascii_digit).collect()).collect();
        assert!(digits.contains(&"12".to_string()), "people ahead 12: {lines:?}");
        assert!(digits.contains(&"45".to_string()), "wait 45 min: {lines:?}");
        assert!(!digits.iter().any(|d| d == "21" || d == "54"), "reversed figures: {lines:?}");
        let label = ocr_lines(&escpos_bytes(&PrintTicket::sample("ar", SAMPLE_PUBLIC_URL)), "eng").remove(0);
        assert!(label.starts_with('D'), "the label's Latin letter, on the left: {label:?}");
    }

    // Issue 18: the same for Ukrainian (Cyrillic rasters, Latin letter and figures).
    #[test]
    fn printed_ukrainian_figures_read_back() {
        if !ocr_ready("ukr", "tesseract-ocr tesseract-ocr-ukr") {
            return;
        }
        let lines = ocr_lines(&escpos_bytes(&PrintTicket::sample("uk", SAMPLE_PUBLIC_URL)), "ukr+eng");
        let all = lines.join("\n");
        assert!(all.contains(": 12") && all.contains(": 45"), "{lines:?}");
        let label = ocr_lines(&escpos_bytes(&PrintTicket::sample("uk", SAMPLE_PUBLIC_URL)), "eng").remove(0);
        assert!(label.ends_with('D'), "the label's Latin letter: {label:?}");
    }

    // Issue 18: a long label wraps at spaces on paper, in printer text and in rasters.
    #[test]
    fn long_labels_wrap_at_word_boundaries() {
        let mut ticket = PrintTicket::sample("it", SAMPLE_PUBLIC_URL);
        ticket.label = "Orientamento al lavoro e documenti per lavorare".into();
        let dump = dump(&escpos_bytes(&ticket));
        assert!(dump.contains("TEXT \"Orientamento al lavoro e\"\n"), "{dump}");
        assert!(dump.contains("TEXT \"documenti per lavorare\"\n"), "{dump}");
        let ro = escpos_bytes(&PrintTicket::sample("ro", SAMPLE_PUBLIC_URL));
        // "Ajutor pentru a găsi de lucru" (29 characters) is a raster: two lines, neither scaled down.
        let thirty: Vec<_> = rasters(&ro).into_iter().filter(|b| b.height == 30).collect();
        assert!(thirty.len() >= 3, "service name and privacy lines at full size");
    }

    // Issue 18: `test-print --public-url` sets the QR's base.
    #[test]
    fn sample_qr_uses_the_public_url() {
        let ticket = PrintTicket::sample("it", "https://sportello.comune.livorno.it/");
        assert_eq!(ticket.qr_url, "https://sportello.comune.livorno.it/t/TEST-PRINT-NOT-A-TICKET");
        let decoded: Vec<String> = rasters(&escpos_bytes(&ticket)).iter().filter_map(decode_qr).collect();
        assert_eq!(decoded, vec![ticket.qr_url]);
    }

    #[test]
    fn bytes_are_deterministic() {
        assert_eq!(
            escpos_bytes(&PrintTicket::sample("ar", SAMPLE_PUBLIC_URL)),
            escpos_bytes(&PrintTicket::sample("ar", SAMPLE_PUBLIC_URL))
        );
    }

    #[test]
    fn dump_of_italian_ticket() {
        let dump = dump(&escpos_bytes(&PrintTicket::sample("it", SAMPLE_PUBLIC_URL)));
        expect![[r#"
            INIT
            CODE_PAGE 19
            ALIGN center
            SIZE 1x1
            BOLD 1
            TEXT "Sportello - prova di stampa"
            FEED 1
            BOLD 0
            SIZE 1x1
            FEED 1
            SIZE 4x4
            BOLD 1
            TEXT "A123"
            FEED 1
            BOLD 0
            SIZE 1x1
            FEED 1
            SIZE 2x2
            BOLD 1
            TEXT "Area D"
            FEED 1
            BOLD 0
            SIZE 1x1
            SIZE 1x1
            BOLD 0
            TEXT "Orientamento al lavoro"
            FEED 1
            BOLD 0
            SIZE 1x1
            FEED 1
            SIZE 1x1
            BOLD 0
            TEXT "Persone prima di te: 12"
            FEED 1
            BOLD 0
            SIZE 1x1
            SIZE 1x1
            BOLD 0
            TEXT "Attesa stimata: 45 min"
            FEED 1
            BOLD 0
            SIZE 1x1
            SIZE 1x1
            BOLD 0
            TEXT "23/11/2026 09:14"
            FEED 1
            BOLD 0
            SIZE 1x1
            FEED 1
            RASTER 576x246
            FEED 1
            SIZE 1x1
            BOLD 0
            TEXT "Il biglietto non contiene il tuo nome. Con il QR"
            FEED 1
            BOLD 0
            SIZE 1x1
            SIZE 1x1
            BOLD 0
            TEXT "segui il tuo turno."
            FEED 1
            BOLD 0
            SIZE 1x1
            FEED 3
            CUT full
        "#]]
        .assert_eq(&dump);
    }

    #[test]
    fn dump_of_arabic_ticket() {
        let dump = dump(&escpos_bytes(&PrintTicket::sample("ar", SAMPLE_PUBLIC_URL)));
        expect![[r#"
            INIT
            CODE_PAGE 19
            ALIGN center
            SIZE 1x1
            BOLD 1
            TEXT "Sportello - prova di stampa"
            FEED 1
            BOLD 0
            SIZE 1x1
            FEED 1
            SIZE 4x4
            BOLD 1
            TEXT "A123"
            FEED 1
            BOLD 0
            SIZE 1x1
            FEED 1
            RASTER 576x55
            SIZE 1x1
            BOLD 0
            TEXT "Area D"
            FEED 1
            BOLD 0
            SIZE 1x1
            RASTER 576x30
            FEED 1
            RASTER 576x35
            RASTER 576x35
            SIZE 1x1
            BOLD 0
            TEXT "23/11/2026 09:14"
            FEED 1
            BOLD 0
            SIZE 1x1
            FEED 1
            RASTER 576x246
            FEED 1
            RASTER 576x30
            FEED 3
            CUT full
        "#]]
        .assert_eq(&dump);
    }
}
