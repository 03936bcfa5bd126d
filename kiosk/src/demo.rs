//! An in-memory queue server and a demo site (Livorno, Via Terreni) for tests, screenshots and the benchmark.

use crate::server::{ServerClient, ServerError};
use queue_core::ids::ServiceId;
use queue_core::model::{Priority, Status};
use queue_core::wire::{
    AlertRequest, CheckInRequest, Choice, DeviceHealthReport, IssueRequest, KioskInfo, KioskService, LanguageInfo,
    PrintJob, PrintResult, PriorityQuestion, Question, Texts, TicketView, Triage,
};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// Texts from `(language, text)` pairs.
pub fn texts(pairs: &[(&str, &str)]) -> Texts {
    pairs.iter().map(|(l, t)| (l.to_string(), t.to_string())).collect()
}

fn lang(code: &str, native: &str, rtl: bool) -> LanguageInfo {
    LanguageInfo { code: code.into(), native_name: native.into(), rtl }
}

fn service(id: &str, names: &[(&str, &str)], label: &str, open: bool) -> KioskService {
    KioskService {
        id: ServiceId::new(id),
        names: texts(names),
        public_label: texts(&[
            ("it", label),
            ("en", label),
            ("fr", label),
            ("ar", label),
            ("ro", label),
            ("uk", label),
        ]),
        open,
        closed_reason: (!open).then(|| "closed".to_string()),
        opens_at: None,
        waiting: 4,
        estimated_wait_s: Some(900),
        estimated_wait_range_s: Some([600, 1200]),
        open_desks: 1,
    }
}

fn choice(label: &[(&str, &str)], pictogram: &str, service: Option<&str>, next: Option<&str>) -> Choice {
    Choice {
        label: texts(label),
        pictogram: Some(pictogram.into()),
        next: next.map(String::from),
        service: service.map(ServiceId::new),
    }
}

/// What the Livorno Via Terreni kiosk shows (as the demo server would send it).
pub fn livorno() -> KioskInfo {
    let need = Question {
        id: "need".into(),
        text: texts(&[
            ("it", "Di cosa hai bisogno oggi?"),
            ("en", "What do you need today?"),
            ("fr", "De quoi avez-vous besoin aujourd'hui ?"),
            ("ar", "ماذا تحتاج اليوم؟"),
            ("ro", "De ce aveți nevoie astăzi?"),
            ("uk", "Що вам потрібно сьогодні?"),
        ]),
        pictogram: Some("question".into()),
        choices: vec![
            choice(
                &[
                    ("it", "Un letto per la notte"),
                    ("en", "A bed for the night"),
                    ("fr", "Un lit pour la nuit"),
                    ("ar", "سرير لهذه الليلة"),
                    ("ro", "Un pat pentru noapte"),
                    ("uk", "Ліжко на ніч"),
                ],
                "bed",
                Some("letto"),
                None,
            ),
            choice(
                &[
                    ("it", "Doccia e igiene"),
                    ("en", "Shower and hygiene"),
                    ("fr", "Douche et hygiène"),
                    ("ar", "استحمام ونظافة"),
                    ("ro", "Duș și igienă"),
                    ("uk", "Душ і гігієна"),
                ],
                "shower",
                Some("docce"),
                None,
            ),
            choice(
                &[
                    ("it", "Lavoro"),
                    ("en", "Work"),
                    ("fr", "Travail"),
                    ("ar", "عمل"),
                    ("ro", "Loc de muncă"),
                    ("uk", "Робота"),
                ],
                "work",
                Some("lavoro"),
                None,
            ),
            choice(
                &[
                    ("it", "Altro: parlare con qualcuno"),
                    ("en", "Something else: talk to someone"),
                    ("fr", "Autre chose : parler à quelqu'un"),
                    ("ar", "شيء آخر: التحدث مع شخص"),
                    ("ro", "Altceva: să vorbesc cu cineva"),
                    ("uk", "Інше: поговорити з кимось"),
                ],
                "talk",
                None,
                Some("other"),
            ),
        ],
    };
    let other = Question {
        id: "other".into(),
        text: texts(&[
            ("it", "Con chi vuoi parlare?"),
            ("en", "Who do you want to talk to?"),
            ("fr", "À qui voulez-vous parler ?"),
            ("ar", "مع من تريد أن تتحدث؟"),
            ("ro", "Cu cine doriți să vorbiți?"),
            ("uk", "З ким ви хочете поговорити?"),
        ]),
        pictogram: Some("talk".into()),
        choices: vec![
            choice(
                &[
                    ("it", "Assistente sociale"),
                    ("en", "Social worker"),
                    ("fr", "Assistant social"),
                    ("ar", "أخصائي اجتماعي"),
                    ("ro", "Asistent social"),
                    ("uk", "Соціальний працівник"),
                ],
                "social",
                Some("sociale"),
                None,
            ),
            choice(
                &[
                    ("it", "Residenza e documenti"),
                    ("en", "Residence and papers"),
                    ("fr", "Résidence et papiers"),
                    ("ar", "الإقامة والوثائق"),
                    ("ro", "Reședință și acte"),
                    ("uk", "Реєстрація і документи"),
                ],
                "documents",
                Some("residenza"),
                None,
            ),
        ],
    };
    let yes_no = |id: &str, group: &str, pictogram: &str, pairs: &[(&str, &str)]| PriorityQuestion {
        id: id.into(),
        text: texts(pairs),
        pictogram: Some(pictogram.into()),
        group: group.into(),
    };
    KioskInfo {
        site: "livorno-terreni".into(),
        name: "Livorno - Via Terreni 7".into(),
        languages: vec![
            lang("it", "Italiano", false),
            lang("en", "English", false),
            lang("fr", "Français", false),
            lang("ar", "العربية", true),
            lang("ro", "Română", false),
            lang("uk", "Українська", false),
        ],
        services: vec![
            service("letto", &[("it", "Richiesta posto letto")], "Sala A", true),
            service("docce", &[("it", "Docce e igiene")], "Sala D", false),
            service(
                "lavoro",
                &[
                    ("it", "Orientamento al lavoro"),
                    ("en", "Help finding work"),
                    ("fr", "Aide pour trouver un travail"),
                    ("ar", "المساعدة في إيجاد عمل"),
                    ("ro", "Ajutor pentru a găsi de lucru"),
                    ("uk", "Допомога з пошуком роботи"),
                ],
                "Sportello L",
                true,
            ),
            service("sociale", &[("it", "Segretariato sociale")], "Sportello S", true),
            service("residenza", &[("it", "Residenza")], "Sportello R", true),
        ],
        triage: Triage {
            start: "need".into(),
            questions: vec![need, other],
            ask_party_size: true,
            priority_questions: vec![yes_no(
                "children",
                "families_young_children",
                "children",
                &[
                    ("it", "Ci sono bambini piccoli con te?"),
                    ("en", "Are there young children with you?"),
                    ("fr", "Avez-vous de jeunes enfants avec vous ?"),
                    ("ar", "هل معك أطفال صغار؟"),
                    ("ro", "Aveți copii mici cu dumneavoastră?"),
                    ("uk", "Чи є з вами маленькі діти?"),
                ],
            )],
            ask_mediator: true,
            mediator_languages: vec![
                lang("ar", "العربية", true),
                lang("fr", "Français", false),
                lang("uk", "Українська", false),
                lang("wo", "Wolof", false),
            ],
        },
        waiting_area: texts(&[
            ("it", "Attendi nella sala al piano terra: il tuo numero apparirà sullo schermo."),
            ("en", "Please wait in the ground-floor room: your number will appear on the screen."),
            ("fr", "Attendez dans la salle du rez-de-chaussée : votre numéro s'affichera à l'écran."),
            ("ar", "انتظر في القاعة في الطابق الأرضي: سيظهر رقمك على الشاشة."),
            ("ro", "Așteptați în sala de la parter: numărul va apărea pe ecran."),
            ("uk", "Зачекайте в залі на першому поверсі: ваш номер з'явиться на екрані."),
        ]),
        public_url: None,
        // Its `lavoro` takes appointments (as in the demo configuration).
        appointments: true,
    }
}

/// The demo configuration's sources (`config/demo`), compiled in.
const DEMO_SOURCES: &[(&str, &str)] = &[
    ("sportello.toml", include_str!("../../config/demo/sportello.toml")),
    ("sites/livorno-terreni.toml", include_str!("../../config/demo/sites/livorno-terreni.toml")),
    ("sites/grosseto-stazione.toml", include_str!("../../config/demo/sites/grosseto-stazione.toml")),
];

/// What the server sends a kiosk of `site` in the demo configuration (`config/demo`, the real trees:
/// Livorno's nine services, eleven mediator choices), every service open with one desk, except the
/// showers, closed until tomorrow morning (so the closed screen has something to say).
pub fn from_demo_config(site: &str) -> KioskInfo {
    let sources: Vec<(std::path::PathBuf, String)> =
        DEMO_SOURCES.iter().map(|(p, t)| (std::path::PathBuf::from(p), t.to_string())).collect();
    let cfg = config::load_sources(&sources).unwrap_or_else(|e| panic!("the demo configuration is valid: {e}"));
    let s = cfg.sites.iter().find(|s| s.id.as_str() == site).unwrap_or_else(|| panic!("demo site {site}"));
    KioskInfo {
        site: s.id.clone(),
        name: s.name.clone(),
        languages: s.languages.iter().filter_map(|l| cfg.language(l).cloned()).collect(),
        services: s
            .services
            .iter()
            .enumerate()
            .map(|(i, svc)| {
                let open = svc.id.as_str() != "igiene";
                KioskService {
                    id: svc.id.clone(),
                    names: svc.names.clone(),
                    public_label: svc.public_label.clone(),
                    open,
                    closed_reason: (!open).then(|| "closed".to_string()),
                    opens_at: (!open).then(|| "2026-11-24T09:00:00+01:00".to_string()),
                    waiting: 2 + i as u32,
                    estimated_wait_s: Some(600 + 300 * i as u32),
                    estimated_wait_range_s: None,
                    open_desks: 1,
                }
            })
            .collect(),
        triage: s.triage.clone(),
        waiting_area: s.waiting_area.clone(),
        public_url: Some("https://sportello.comune.livorno.it".into()),
        appointments: s.services.iter().any(|svc| svc.appointments.is_some()),
    }
}

/// The fake server's state, shared with the test that drives it.
#[derive(Debug, Default)]
pub struct FakeState {
    pub info: Option<KioskInfo>,
    /// When false every request fails as [`ServerError::Unreachable`].
    pub reachable: bool,
    /// Store the ticket but lose the answer (the network dropped it), once.
    pub lose_next_answer: bool,
    /// The next issue is refused with this.
    pub refuse_next_issue: Option<ServerError>,
    /// Every issue request that arrived, with its `Idempotency-Key`.
    pub requests: Vec<(IssueRequest, String)>,
    /// Stored tickets by `Idempotency-Key`.
    pub tickets: BTreeMap<String, TicketView>,
    pub alerts: Vec<AlertRequest>,
    /// Alerts a staff member took, by index in `alerts`.
    pub taken: Vec<usize>,
    /// Print jobs from reception not yet handed to the kiosk (each is handed out once).
    pub print_jobs: Vec<PrintJob>,
    /// The kiosk's answers to print jobs, by job id.
    pub print_results: Vec<(String, PrintResult)>,
    /// Appointments by canonical code: the service of one that checks in now, or the refusal its
    /// check-in gets (`too_early`, `too_late`, a 429…). A code checked in becomes `code_used`.
    pub appointments: BTreeMap<String, Result<ServiceId, ServerError>>,
    /// Every check-in request that arrived.
    pub check_ins: Vec<CheckInRequest>,
    /// Every health report that arrived.
    pub health: Vec<DeviceHealthReport>,
}

/// A queue server in memory that honours `Idempotency-Key` like the real one.
#[derive(Clone)]
pub struct FakeServer {
    pub state: Arc<Mutex<FakeState>>,
    pub base: String,
}

impl FakeServer {
    pub fn new(info: KioskInfo) -> FakeServer {
        let state = FakeState { info: Some(info), reachable: true, ..FakeState::default() };
        FakeServer { state: Arc::new(Mutex::new(state)), base: "http://127.0.0.1:8080".into() }
    }

    pub fn with<R>(&self, f: impl FnOnce(&mut FakeState) -> R) -> R {
        f(&mut self.state.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl ServerClient for FakeServer {
    fn kiosk_info(&mut self) -> Result<KioskInfo, ServerError> {
        self.with(|s| match (&s.info, s.reachable) {
            (Some(info), true) => Ok(info.clone()),
            _ => Err(ServerError::Unreachable("connection refused".into())),
        })
    }

    fn issue(&mut self, request: &IssueRequest, key: &str) -> Result<TicketView, ServerError> {
        self.with(|s| {
            if !s.reachable {
                return Err(ServerError::Unreachable("connection refused".into()));
            }
            s.requests.push((request.clone(), key.to_string()));
            if let Some(e) = s.refuse_next_issue.take() {
                return Err(e);
            }
            let n = s.tickets.len() + 23;
            let ticket = s
                .tickets
                .entry(key.to_string())
                .or_insert_with(|| {
                    let token = format!("tok{n:04}");
                    TicketView {
                        id: queue_core::ids::TicketId::new(format!("01J{n:023}")),
                        number: format!("A{n:03}"),
                        site: "livorno-terreni".into(),
                        service: request.service.clone(),
                        service_label: "Sala A".into(),
                        service_name: String::new(),
                        status: Status::Waiting,
                        priority: request.priority.unwrap_or(Priority::Standard),
                        language: request.language.clone().unwrap_or_else(|| "it".into()),
                        party_size: request.party_size.unwrap_or(1),
                        needs: request.needs.clone().unwrap_or_default(),
                        issued_at: "2026-11-23T09:14:03+01:00".into(),
                        desk: None,
                        desk_label: None,
                        staff: None,
                        people_ahead: 3,
                        estimated_wait_s: Some(540),
                        estimated_wait_range_s: None,
                        status_url: format!("/t/{token}"),
                        token: Some(token),
                        journey: vec![],
                        print_job: None,
                        events: None,
                    }
                })
                .clone();
            if std::mem::take(&mut s.lose_next_answer) {
                return Err(ServerError::Unreachable("connection reset".into()));
            }
            Ok(ticket)
        })
    }

    fn check_in(&mut self, request: &CheckInRequest) -> Result<TicketView, ServerError> {
        let refused = |code: &str| ServerError::CheckIn { code: code.into(), opens_at: None };
        let service = self.with(|s| {
            if !s.reachable {
                return Err(ServerError::Unreachable("connection refused".into()));
            }
            s.check_ins.push(request.clone());
            let code = queue_core::code::Code::parse(&request.code).map_err(|_| refused("code_mistyped"))?.canonical();
            let answer = s.appointments.get(&code).cloned().unwrap_or_else(|| Err(refused("unknown_code")));
            if answer.is_ok() {
                s.appointments.insert(code, Err(refused("code_used")));
            }
            answer
        })?;
        let issue = IssueRequest {
            service,
            priority: Some(Priority::Appointment),
            language: Some(request.language.clone()),
            ..IssueRequest::default()
        };
        let mut ticket = self.issue(&issue, &format!("check-in-{}", request.code))?;
        ticket.number = ticket.number.replacen('A', "D", 1);
        Ok(ticket)
    }

    fn alert(&mut self, alert: &AlertRequest) -> Result<String, ServerError> {
        self.with(|s| {
            if !s.reachable {
                return Err(ServerError::Unreachable("connection refused".into()));
            }
            s.alerts.push(alert.clone());
            Ok(format!("alert-{}", s.alerts.len() - 1))
        })
    }

    fn alert_taken(&mut self, id: &str) -> Result<bool, ServerError> {
        self.with(|s| {
            if !s.reachable {
                return Err(ServerError::Unreachable("connection refused".into()));
            }
            let i: Option<usize> = id.strip_prefix("alert-").and_then(|n| n.parse().ok());
            Ok(i.is_some_and(|i| s.taken.contains(&i)))
        })
    }

    fn report_health(&mut self, report: &DeviceHealthReport) -> Result<(), ServerError> {
        self.with(|s| {
            if !s.reachable {
                return Err(ServerError::Unreachable("connection refused".into()));
            }
            s.health.push(report.clone());
            Ok(())
        })
    }

    fn print_jobs(&mut self) -> Result<Vec<PrintJob>, ServerError> {
        self.with(|s| {
            if !s.reachable {
                return Err(ServerError::Unreachable("connection refused".into()));
            }
            Ok(std::mem::take(&mut s.print_jobs))
        })
    }

    fn print_result(&mut self, id: &str, result: &PrintResult) -> Result<(), ServerError> {
        self.with(|s| {
            if !s.reachable {
                return Err(ServerError::Unreachable("connection refused".into()));
            }
            s.print_results.push((id.to_owned(), result.clone()));
            Ok(())
        })
    }

    fn base_url(&self) -> String {
        self.base.clone()
    }
}
