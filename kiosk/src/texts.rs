//! Texts the Rust side says or prints (spoken prompts, generated choices, the paper ticket) in the kiosk languages.
//!
//! The on-screen chrome (buttons, headings) is translated by slint's `@tr` from `lang/*/LC_MESSAGES/kiosk.po`;
//! these are the texts Rust needs as strings: for `espeak-ng`, for the printer and for choice lists it builds.

use std::collections::BTreeMap;

/// The languages these texts exist in.
pub const LANGUAGES: [&str; 6] = ["it", "en", "fr", "ar", "ro", "uk"];

/// A text the kiosk needs in every language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    ChooseLanguage,
    PartySize,
    Yes,
    No,
    Mediator,
    NoMediator,
    Issuing,
    YourTicket,
    Closed,
    ClosedAdvice,
    Offline,
    ServerError,
    StillThere,
    HelpSent,
    HelpFailed,
    PrinterFailed,
    PeopleAhead,
    EstimatedWait,
    Minutes,
    Privacy,
}

/// `key` in language `lang` (falls back to Italian, the site's default).
pub fn t(lang: &str, key: Key) -> &'static str {
    use Key::*;
    let row: [&'static str; 6] = match key {
        ChooseLanguage => [
            "Scegli la tua lingua",
            "Choose your language",
            "Choisissez votre langue",
            "اختر لغتك",
            "Alegeți limba",
            "Оберіть мову",
        ],
        PartySize => [
            "Per quante persone è il biglietto?",
            "How many people is this ticket for?",
            "Pour combien de personnes est ce ticket ?",
            "لكم شخصًا هذه التذكرة؟",
            "Pentru câte persoane este bonul?",
            "Для скількох людей цей талон?",
        ],
        Yes => ["Sì", "Yes", "Oui", "نعم", "Da", "Так"],
        No => ["No", "No", "Non", "لا", "Nu", "Ні"],
        Mediator => [
            "Ti serve un mediatore o un interprete?",
            "Do you need a mediator or an interpreter?",
            "Avez-vous besoin d'un médiateur ou d'un interprète ?",
            "هل تحتاج إلى وسيط أو مترجم؟",
            "Aveți nevoie de un mediator sau de un interpret?",
            "Вам потрібен посередник або перекладач?",
        ],
        NoMediator => ["No, non serve", "No, thank you", "Non, merci", "لا، شكرًا", "Nu, mulțumesc", "Ні, дякую"],
        Issuing => [
            "Un momento, stiamo preparando il tuo biglietto",
            "One moment, we are preparing your ticket",
            "Un instant, nous préparons votre ticket",
            "لحظة من فضلك، نحن نجهز تذكرتك",
            "Un moment, vă pregătim bonul",
            "Хвилинку, ми готуємо ваш талон",
        ],
        YourTicket => [
            "Ecco il tuo numero",
            "Here is your number",
            "Voici votre numéro",
            "هذا هو رقمك",
            "Acesta este numărul dumneavoastră",
            "Ось ваш номер",
        ],
        Closed => [
            "Questo servizio ora non è disponibile",
            "This service is not available now",
            "Ce service n'est pas disponible maintenant",
            "هذه الخدمة غير متاحة الآن",
            "Acest serviciu nu este disponibil acum",
            "Ця послуга зараз недоступна",
        ],
        ClosedAdvice => [
            "Chiedi all'accoglienza: ti diranno quando tornare o dove andare.",
            "Please ask at reception: they will tell you when to come back or where to go.",
            "Demandez à l'accueil : on vous dira quand revenir ou où aller.",
            "اسأل في الاستقبال: سيخبرونك متى تعود أو إلى أين تذهب.",
            "Întrebați la recepție: vi se va spune când să reveniți sau unde să mergeți.",
            "Зверніться на рецепцію: вам скажуть, коли повернутися або куди піти.",
        ],
        Offline => [
            "Ora non possiamo dare biglietti. Per favore vai all'accoglienza.",
            "We cannot give tickets right now. Please go to reception.",
            "Nous ne pouvons pas donner de tickets pour le moment. Allez à l'accueil, s'il vous plaît.",
            "لا يمكننا إعطاء تذاكر الآن. يرجى التوجه إلى الاستقبال.",
            "Acum nu putem emite bonuri. Vă rugăm să mergeți la recepție.",
            "Зараз ми не можемо видати талони. Будь ласка, підійдіть до рецепції.",
        ],
        ServerError => [
            "Qualcosa non ha funzionato. Per favore vai all'accoglienza.",
            "Something went wrong. Please go to reception.",
            "Quelque chose n'a pas fonctionné. Allez à l'accueil, s'il vous plaît.",
            "حدث خطأ ما. يرجى التوجه إلى الاستقبال.",
            "Ceva nu a funcționat. Vă rugăm să mergeți la recepție.",
            "Щось пішло не так. Будь ласка, підійдіть до рецепції.",
        ],
        StillThere => [
            "Sei ancora qui? Tra poco si ricomincia.",
            "Are you still there? We will start over soon.",
            "Êtes-vous toujours là ? Nous allons bientôt recommencer.",
            "هل ما زلت هنا؟ سنبدأ من جديد قريبًا.",
            "Mai sunteți aici? În curând o luăm de la capăt.",
            "Ви ще тут? Незабаром почнемо спочатку.",
        ],
        HelpSent => [
            "Abbiamo avvisato il personale: qualcuno arriva ad aiutarti.",
            "We told the staff: someone is coming to help you.",
            "Nous avons prévenu le personnel : quelqu'un vient vous aider.",
            "أبلغنا الموظفين: سيأتي أحدهم لمساعدتك.",
            "Am anunțat personalul: cineva vine să vă ajute.",
            "Ми повідомили працівників: хтось підійде вам допомогти.",
        ],
        HelpFailed => [
            "Non riusciamo ad avvisare il personale. Per favore vai all'accoglienza.",
            "We cannot reach the staff. Please go to reception.",
            "Nous ne pouvons pas joindre le personnel. Allez à l'accueil, s'il vous plaît.",
            "لا يمكننا الوصول إلى الموظفين. يرجى التوجه إلى الاستقبال.",
            "Nu putem anunța personalul. Vă rugăm să mergeți la recepție.",
            "Ми не можемо зв'язатися з працівниками. Будь ласка, підійдіть до рецепції.",
        ],
        PrinterFailed => [
            "La stampante non funziona. Fai una foto allo schermo o ricorda il tuo numero.",
            "The printer is not working. Take a photo of the screen or remember your number.",
            "L'imprimante ne fonctionne pas. Prenez l'écran en photo ou retenez votre numéro.",
            "الطابعة لا تعمل. التقط صورة للشاشة أو تذكّر رقمك.",
            "Imprimanta nu funcționează. Fotografiați ecranul sau rețineți numărul.",
            "Принтер не працює. Сфотографуйте екран або запам'ятайте свій номер.",
        ],
        PeopleAhead => [
            "Persone prima di te",
            "People ahead of you",
            "Personnes avant vous",
            "عدد الأشخاص قبلك",
            "Persoane înaintea dumneavoastră",
            "Людей перед вами",
        ],
        EstimatedWait => [
            "Attesa stimata",
            "Estimated wait",
            "Attente estimée",
            "الانتظار المتوقع",
            "Așteptare estimată",
            "Орієнтовне очікування",
        ],
        Minutes => ["min", "min", "min", "دقيقة", "min", "хв"],
        Privacy => [
            "Il biglietto non contiene il tuo nome. Con il QR segui il tuo turno.",
            "This ticket does not carry your name. Scan the QR code to follow your turn.",
            "Ce ticket ne porte pas votre nom. Scannez le QR pour suivre votre tour.",
            "لا تحمل هذه التذكرة اسمك. امسح الرمز المربع لمتابعة دورك.",
            "Bonul nu conține numele dumneavoastră. Scanați codul QR pentru a vă urmări rândul.",
            "Талон не містить вашого імені. Скануйте QR-код, щоб стежити за чергою.",
        ],
    };
    let column = match lang {
        "en" => 1,
        "fr" => 2,
        "ar" => 3,
        "ro" => 4,
        "uk" => 5,
        _ => 0,
    };
    row[column]
}

/// A configured text in `lang`, else Italian, else English, else any.
pub fn pick<'a>(texts: &'a BTreeMap<String, String>, lang: &str) -> &'a str {
    texts
        .get(lang)
        .or_else(|| texts.get("it"))
        .or_else(|| texts.get("en"))
        .or_else(|| texts.values().next())
        .map(String::as_str)
        .unwrap_or("")
}

/// The `espeak-ng` voice for a kiosk language.
pub fn voice(lang: &str) -> &'static str {
    match lang {
        "en" => "en",
        "fr" => "fr",
        "ar" => "ar",
        "ro" => "ro",
        "uk" => "uk",
        _ => "it",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn tr_strings(dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                tr_strings(&path, out);
            } else if path.extension().is_some_and(|e| e == "slint") {
                let text = std::fs::read_to_string(&path).unwrap();
                for part in text.split("@tr(\"").skip(1) {
                    out.push(part[..part.find('"').unwrap()].to_string());
                }
            }
        }
    }

    // Issue 3: every on-screen text has a translation in every kiosk language.
    #[test]
    fn every_tr_string_is_translated_in_every_language() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut wanted = Vec::new();
        tr_strings(&root.join("ui"), &mut wanted);
        assert!(wanted.len() > 15, "{wanted:?}");
        for lang in LANGUAGES {
            let po = std::fs::read_to_string(root.join(format!("lang/{lang}/LC_MESSAGES/kiosk-ui.po"))).unwrap();
            for msgid in &wanted {
                let entry = format!("msgid \"{msgid}\"\nmsgstr \"");
                let at = po.find(&entry).unwrap_or_else(|| panic!("{lang}: no entry for {msgid:?}"));
                assert!(!po[at + entry.len()..].starts_with('"'), "{lang}: empty translation for {msgid:?}");
            }
        }
    }

    #[test]
    fn every_key_has_six_languages_and_italian_is_the_fallback() {
        assert_eq!(t("ar", Key::Yes), "نعم");
        assert_eq!(t("xx", Key::Yes), "Sì");
        let texts: Texts = [("en".to_string(), "Work".to_string())].into();
        assert_eq!(pick(&texts, "ar"), "Work");
    }

    type Texts = BTreeMap<String, String>;
}
