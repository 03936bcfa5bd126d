//! Printer targets behind the `TicketPrinter` trait: `file:PATH` (also `/dev/usb/lp0`), `tcp://HOST:9100`, `none`.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Why a ticket did not come out of the printer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrinterError {
    #[error("the printer is offline or cannot be reached: {0}")]
    Offline(String),
    #[error("the printer is out of paper")]
    PaperOut,
    #[error("the printer's cover is open")]
    CoverOpen,
    #[error("the printer reports an error")]
    Failed,
}

/// How much paper a ready printer has, from its roll sensor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Paper {
    /// Enough, or the printer cannot tell.
    #[default]
    Enough,
    /// The near-end sensor: a few metres left, staff should change the roll before it runs out.
    NearEnd,
}

impl PrinterError {
    /// The code the kiosk reports for a print job that did not print (`PrintResult::error`).
    pub fn code(&self) -> &'static str {
        match self {
            PrinterError::Offline(_) => "offline",
            PrinterError::PaperOut => "paper_out",
            PrinterError::CoverOpen => "cover_open",
            PrinterError::Failed => "failing",
        }
    }

    /// The staff text (`texts`, staff.ftl) that says what is wrong.
    pub fn staff_text_id(&self) -> &'static str {
        match self {
            PrinterError::Offline(_) => texts::id::STAFF_KIOSK_PRINTER_OFFLINE,
            PrinterError::PaperOut => texts::id::STAFF_KIOSK_PRINTER_PAPER_OUT,
            PrinterError::CoverOpen => texts::id::STAFF_KIOSK_PRINTER_COVER_OPEN,
            PrinterError::Failed => texts::id::STAFF_KIOSK_PRINTER_FAILED,
        }
    }
}

/// Something that puts ESC/POS bytes on paper.
pub trait TicketPrinter: Send {
    /// Reads the printer's real-time status where the target answers; `Ok(Paper::Enough)` when it cannot tell.
    fn check(&mut self) -> Result<Paper, PrinterError>;
    /// Sends a whole ticket.
    fn print(&mut self, bytes: &[u8]) -> Result<(), PrinterError>;
    /// `false` for `none`: the kiosk has no paper output and shows the ticket on screen for longer.
    fn makes_paper(&self) -> bool {
        true
    }
}

/// A printer target as written on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrinterTarget {
    File(String),
    Tcp(String),
    None,
}

impl std::str::FromStr for PrinterTarget {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if s == "none" {
            Ok(PrinterTarget::None)
        } else if let Some(path) = s.strip_prefix("file:") {
            Ok(PrinterTarget::File(path.to_string()))
        } else if let Some(host) = s.strip_prefix("tcp://") {
            let host = host.trim_end_matches('/');
            Ok(PrinterTarget::Tcp(if host.contains(':') { host.to_string() } else { format!("{host}:9100") }))
        } else if s.starts_with("/dev/") {
            Ok(PrinterTarget::File(s.to_string()))
        } else {
            Err(format!("unknown printer target {s:?}: use file:PATH, /dev/usb/lp0, tcp://HOST:9100 or none"))
        }
    }
}

impl PrinterTarget {
    pub fn open(&self) -> Box<dyn TicketPrinter> {
        match self {
            PrinterTarget::File(path) => Box::new(FilePrinter { path: path.clone() }),
            PrinterTarget::Tcp(addr) => Box::new(TcpPrinter { addr: addr.clone(), timeout: Duration::from_secs(3) }),
            PrinterTarget::None => Box::new(NoPrinter),
        }
    }
}

/// A device node (`/dev/usb/lp0`, opened as is) or a regular file (created or replaced with the last ticket).
pub struct FilePrinter {
    pub path: String,
}

impl TicketPrinter for FilePrinter {
    fn check(&mut self) -> Result<Paper, PrinterError> {
        Ok(Paper::Enough)
    }
    fn print(&mut self, bytes: &[u8]) -> Result<(), PrinterError> {
        let device = self.path.starts_with("/dev/");
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(!device)
            .truncate(!device)
            .open(&self.path)
            .map_err(|e| PrinterError::Offline(format!("{}: {e}", self.path)))?;
        file.write_all(bytes)
            .and_then(|()| file.flush())
            .map_err(|e| PrinterError::Offline(format!("{}: {e}", self.path)))
    }
}

/// A network printer on its raw port (9100), with real-time status (`DLE EOT`).
pub struct TcpPrinter {
    pub addr: String,
    pub timeout: Duration,
}

impl TcpPrinter {
    fn connect(&self) -> Result<TcpStream, PrinterError> {
        let addr = self
            .addr
            .to_socket_addrs()
            .map_err(|e| PrinterError::Offline(format!("{}: {e}", self.addr)))?
            .next()
            .ok_or_else(|| PrinterError::Offline(format!("{}: no address", self.addr)))?;
        let stream = TcpStream::connect_timeout(&addr, self.timeout)
            .map_err(|e| PrinterError::Offline(format!("{}: {e}", self.addr)))?;
        let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
        let _ = stream.set_write_timeout(Some(self.timeout));
        Ok(stream)
    }
}

/// Interprets the answers to `DLE EOT 2` (offline cause) and `DLE EOT 4` (paper roll sensor: bits 2–3
/// near end, bits 5–6 end).
pub fn interpret_status(offline_cause: u8, paper: u8) -> Result<Paper, PrinterError> {
    if offline_cause & 0x04 != 0 {
        return Err(PrinterError::CoverOpen);
    }
    if offline_cause & 0x20 != 0 || paper & 0x60 != 0 {
        return Err(PrinterError::PaperOut);
    }
    if offline_cause & 0x40 != 0 {
        return Err(PrinterError::Failed);
    }
    Ok(if paper & 0x0c != 0 { Paper::NearEnd } else { Paper::Enough })
}

impl TicketPrinter for TcpPrinter {
    fn check(&mut self) -> Result<Paper, PrinterError> {
        let mut stream = self.connect()?;
        let mut ask = |n: u8| -> Option<u8> {
            stream.write_all(&[0x10, 0x04, n]).ok()?;
            let mut b = [0u8; 1];
            stream.read_exact(&mut b).ok().map(|()| b[0])
        };
        // Printers that do not answer real-time status are taken as ready; the write will tell.
        match (ask(2), ask(4)) {
            (Some(cause), Some(paper)) => interpret_status(cause, paper),
            _ => Ok(Paper::Enough),
        }
    }
    fn print(&mut self, bytes: &[u8]) -> Result<(), PrinterError> {
        let mut stream = self.connect()?;
        stream
            .write_all(bytes)
            .and_then(|()| stream.flush())
            .map_err(|e| PrinterError::Offline(format!("{}: {e}", self.addr)))
    }
}

/// No printer: tickets are shown on screen only.
pub struct NoPrinter;

impl TicketPrinter for NoPrinter {
    fn check(&mut self) -> Result<Paper, PrinterError> {
        Ok(Paper::Enough)
    }
    fn print(&mut self, _bytes: &[u8]) -> Result<(), PrinterError> {
        Ok(())
    }
    fn makes_paper(&self) -> bool {
        false
    }
}

/// A printer in memory, for tests and the benchmark: keeps what it printed, fails on demand.
#[derive(Clone, Default)]
pub struct MemoryPrinter {
    pub printed: Arc<Mutex<Vec<Vec<u8>>>>,
    pub failure: Arc<Mutex<Option<PrinterError>>>,
    pub paper: Arc<Mutex<Paper>>,
}

impl MemoryPrinter {
    pub fn fail_with(&self, error: Option<PrinterError>) {
        *self.failure.lock().unwrap_or_else(|e| e.into_inner()) = error;
    }
    pub fn set_paper(&self, paper: Paper) {
        *self.paper.lock().unwrap_or_else(|e| e.into_inner()) = paper;
    }
    pub fn tickets(&self) -> Vec<Vec<u8>> {
        self.printed.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl TicketPrinter for MemoryPrinter {
    fn check(&mut self) -> Result<Paper, PrinterError> {
        match self.failure.lock().unwrap_or_else(|e| e.into_inner()).clone() {
            Some(error) => Err(error),
            None => Ok(*self.paper.lock().unwrap_or_else(|e| e.into_inner())),
        }
    }
    fn print(&mut self, bytes: &[u8]) -> Result<(), PrinterError> {
        self.check()?;
        self.printed.lock().unwrap_or_else(|e| e.into_inner()).push(bytes.to_vec());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn targets_parse() {
        assert_eq!("none".parse(), Ok(PrinterTarget::None));
        assert_eq!("file:/tmp/t.bin".parse(), Ok(PrinterTarget::File("/tmp/t.bin".into())));
        assert_eq!("/dev/usb/lp0".parse(), Ok(PrinterTarget::File("/dev/usb/lp0".into())));
        assert_eq!("tcp://10.0.0.5".parse(), Ok(PrinterTarget::Tcp("10.0.0.5:9100".into())));
        assert_eq!("tcp://10.0.0.5:9101".parse(), Ok(PrinterTarget::Tcp("10.0.0.5:9101".into())));
        assert!("lpt1".parse::<PrinterTarget>().is_err());
    }

    #[test]
    fn real_time_status_bits() {
        assert_eq!(interpret_status(0x12, 0x12), Ok(Paper::Enough));
        // Issue 18: the near-end sensor (bits 2 and 3 of DLE EOT 4).
        assert_eq!(interpret_status(0x12, 0x1e), Ok(Paper::NearEnd));
        assert_eq!(interpret_status(0x16, 0x12), Err(PrinterError::CoverOpen));
        assert_eq!(interpret_status(0x32, 0x12), Err(PrinterError::PaperOut));
        assert_eq!(interpret_status(0x12, 0x72), Err(PrinterError::PaperOut));
        assert_eq!(interpret_status(0x52, 0x12), Err(PrinterError::Failed));
    }

    #[test]
    fn file_target_writes_the_bytes() {
        let path = std::env::temp_dir().join(format!("kiosk-file-target-{}.bin", std::process::id()));
        let mut printer = PrinterTarget::File(path.display().to_string()).open();
        printer.print(b"first").unwrap();
        printer.print(b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let _ = std::fs::remove_file(path);
    }

    // Issue 3: a network printer that answers "paper end" is reported before printing.
    #[test]
    fn tcp_target_reads_paper_out_and_prints() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let server = std::thread::spawn(move || {
            // First connection: status queries answered "paper end".
            let (mut s, _) = listener.accept().unwrap();
            let mut q = [0u8; 3];
            s.read_exact(&mut q).unwrap();
            s.write_all(&[0x12]).unwrap();
            s.read_exact(&mut q).unwrap();
            s.write_all(&[0x72]).unwrap();
            // Second connection: a print job.
            let (mut s, _) = listener.accept().unwrap();
            let mut job = Vec::new();
            s.read_to_end(&mut job).unwrap();
            job
        });
        let mut printer = PrinterTarget::Tcp(addr).open();
        assert_eq!(printer.check(), Err(PrinterError::PaperOut));
        printer.print(b"ticket").unwrap();
        drop(printer);
        assert_eq!(server.join().unwrap(), b"ticket");
    }
}
