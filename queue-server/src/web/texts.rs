//! The visitor's ticket page in six languages (it, en, fr, ar, ro, uk): every text in every language.

/// The texts of the ticket page in one language.
pub struct TicketTexts {
    pub lang: &'static str,
    pub rtl: bool,
    pub title: &'static str,
    pub your_number: &'static str,
    pub waiting: &'static str,
    pub called: &'static str,
    pub serving: &'static str,
    pub on_hold: &'static str,
    pub done: &'static str,
    pub no_show: &'static str,
    pub cancelled: &'static str,
    pub people_ahead: &'static str,
    pub estimated_wait: &'static str,
    /// `{n}` is replaced by the minutes.
    pub about_minutes: &'static str,
    pub under_a_minute: &'static str,
    pub go_to: &'static str,
    pub updates: &'static str,
    pub privacy: &'static str,
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub too_many: &'static str,
}

pub const LANGUAGES: [&TicketTexts; 6] = [&IT, &EN, &FR, &AR, &RO, &UK];

/// The texts for `lang`, Italian when the language is not one of the six.
pub fn ticket_texts(lang: &str) -> &'static TicketTexts {
    LANGUAGES.iter().copied().find(|t| t.lang == lang).unwrap_or(&IT)
}

/// The first of the six languages in an `Accept-Language` header, Italian otherwise.
pub fn from_accept_language(header: &str) -> &'static TicketTexts {
    header
        .split(',')
        .filter_map(|part| part.split(';').next())
        .map(|tag| tag.trim().split('-').next().unwrap_or("").to_ascii_lowercase())
        .find_map(|l| LANGUAGES.iter().copied().find(|t| t.lang == l))
        .unwrap_or(&IT)
}

impl TicketTexts {
    pub fn wait(&self, seconds: u32) -> String {
        if seconds < 60 {
            self.under_a_minute.to_owned()
        } else {
            self.about_minutes.replace("{n}", &seconds.div_ceil(60).to_string())
        }
    }
}

pub const IT: TicketTexts = TicketTexts {
    lang: "it",
    rtl: false,
    title: "Il tuo biglietto",
    your_number: "Il tuo numero",
    waiting: "In attesa",
    called: "È il tuo turno!",
    serving: "È il tuo turno: sei allo sportello",
    on_hold: "In pausa: resta nei paraggi, ti richiameremo",
    done: "Servizio concluso. Grazie!",
    no_show: "Non ti abbiamo visto arrivare. Chiedi all'accoglienza.",
    cancelled: "Biglietto annullato",
    people_ahead: "Persone prima di te",
    estimated_wait: "Attesa stimata",
    about_minutes: "circa {n} min",
    under_a_minute: "meno di un minuto",
    go_to: "Vai a",
    updates: "Questa pagina si aggiorna da sola.",
    privacy: "Questa pagina non contiene dati personali.",
    not_found_title: "Biglietto non trovato",
    not_found_text: "Questo codice non corrisponde a nessun biglietto di oggi: forse è scaduto. Chiedi all'accoglienza, siamo qui per aiutarti.",
    too_many: "Troppe richieste da questo telefono. Riprova tra un minuto.",
};

pub const EN: TicketTexts = TicketTexts {
    lang: "en",
    rtl: false,
    title: "Your ticket",
    your_number: "Your number",
    waiting: "Waiting",
    called: "It's your turn!",
    serving: "It's your turn: you are at the desk",
    on_hold: "On hold: please stay nearby, we will call you again",
    done: "Finished. Thank you!",
    no_show: "We did not see you arrive. Please ask at reception.",
    cancelled: "Ticket cancelled",
    people_ahead: "People before you",
    estimated_wait: "Estimated wait",
    about_minutes: "about {n} min",
    under_a_minute: "less than a minute",
    go_to: "Go to",
    updates: "This page updates by itself.",
    privacy: "This page holds no personal data.",
    not_found_title: "Ticket not found",
    not_found_text: "This code does not match any ticket of today: it may have expired. Please ask at reception, we are here to help.",
    too_many: "Too many requests from this phone. Please try again in a minute.",
};

pub const FR: TicketTexts = TicketTexts {
    lang: "fr",
    rtl: false,
    title: "Votre ticket",
    your_number: "Votre numéro",
    waiting: "En attente",
    called: "C'est votre tour !",
    serving: "C'est votre tour : vous êtes au guichet",
    on_hold: "En pause : restez à proximité, nous vous rappellerons",
    done: "Terminé. Merci !",
    no_show: "Nous ne vous avons pas vu arriver. Adressez-vous à l'accueil.",
    cancelled: "Ticket annulé",
    people_ahead: "Personnes avant vous",
    estimated_wait: "Attente estimée",
    about_minutes: "environ {n} min",
    under_a_minute: "moins d'une minute",
    go_to: "Allez à",
    updates: "Cette page se met à jour toute seule.",
    privacy: "Cette page ne contient aucune donnée personnelle.",
    not_found_title: "Ticket introuvable",
    not_found_text: "Ce code ne correspond à aucun ticket d'aujourd'hui : il a peut-être expiré. Adressez-vous à l'accueil, nous sommes là pour vous aider.",
    too_many: "Trop de demandes depuis ce téléphone. Réessayez dans une minute.",
};

pub const AR: TicketTexts = TicketTexts {
    lang: "ar",
    rtl: true,
    title: "تذكرتك",
    your_number: "رقمك",
    waiting: "في الانتظار",
    called: "حان دورك!",
    serving: "حان دورك: أنت عند المكتب",
    on_hold: "متوقف مؤقتًا: ابقَ قريبًا، سننادي عليك مرة أخرى",
    done: "انتهت الخدمة. شكرًا لك!",
    no_show: "لم نرك تصل. يُرجى السؤال في مكتب الاستقبال.",
    cancelled: "أُلغيت التذكرة",
    people_ahead: "عدد الأشخاص قبلك",
    estimated_wait: "مدة الانتظار المتوقعة",
    about_minutes: "حوالي {n} دقيقة",
    under_a_minute: "أقل من دقيقة",
    go_to: "توجّه إلى",
    updates: "تتحدّث هذه الصفحة تلقائيًا.",
    privacy: "لا تحتوي هذه الصفحة على أي بيانات شخصية.",
    not_found_title: "لم يتم العثور على التذكرة",
    not_found_text: "هذا الرمز لا يطابق أي تذكرة لهذا اليوم، ربما انتهت صلاحيته. اسأل في مكتب الاستقبال، نحن هنا لمساعدتك.",
    too_many: "طلبات كثيرة جدًا من هذا الهاتف. حاول مرة أخرى بعد دقيقة.",
};

pub const RO: TicketTexts = TicketTexts {
    lang: "ro",
    rtl: false,
    title: "Bonul tău",
    your_number: "Numărul tău",
    waiting: "În așteptare",
    called: "Este rândul tău!",
    serving: "Este rândul tău: ești la ghișeu",
    on_hold: "În pauză: rămâi în apropiere, te vom chema din nou",
    done: "Gata. Mulțumim!",
    no_show: "Nu te-am văzut venind. Te rugăm să întrebi la recepție.",
    cancelled: "Bon anulat",
    people_ahead: "Persoane înaintea ta",
    estimated_wait: "Așteptare estimată",
    about_minutes: "aproximativ {n} min",
    under_a_minute: "mai puțin de un minut",
    go_to: "Mergi la",
    updates: "Pagina se actualizează singură.",
    privacy: "Această pagină nu conține date personale.",
    not_found_title: "Bonul nu a fost găsit",
    not_found_text: "Acest cod nu corespunde niciunui bon de azi: poate a expirat. Întreabă la recepție, suntem aici să te ajutăm.",
    too_many: "Prea multe cereri de pe acest telefon. Încearcă din nou peste un minut.",
};

pub const UK: TicketTexts = TicketTexts {
    lang: "uk",
    rtl: false,
    title: "Ваш талон",
    your_number: "Ваш номер",
    waiting: "Очікування",
    called: "Ваша черга!",
    serving: "Ваша черга: ви біля віконця",
    on_hold: "Пауза: будь ласка, залишайтеся поруч, ми покличемо вас знову",
    done: "Завершено. Дякуємо!",
    no_show: "Ми не побачили, що ви підійшли. Зверніться на рецепцію.",
    cancelled: "Талон скасовано",
    people_ahead: "Людей перед вами",
    estimated_wait: "Орієнтовне очікування",
    about_minutes: "близько {n} хв",
    under_a_minute: "менше хвилини",
    go_to: "Підійдіть до",
    updates: "Сторінка оновлюється сама.",
    privacy: "Ця сторінка не містить особистих даних.",
    not_found_title: "Талон не знайдено",
    not_found_text: "Цей код не відповідає жодному сьогоднішньому талону: можливо, термін його дії минув. Зверніться на рецепцію, ми тут, щоб допомогти.",
    too_many: "Забагато запитів із цього телефону. Спробуйте ще раз за хвилину.",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_text() {
        for t in LANGUAGES {
            let all = [
                t.title,
                t.your_number,
                t.waiting,
                t.called,
                t.serving,
                t.on_hold,
                t.done,
                t.no_show,
                t.cancelled,
                t.people_ahead,
                t.estimated_wait,
                t.about_minutes,
                t.under_a_minute,
                t.go_to,
                t.updates,
                t.privacy,
                t.not_found_title,
                t.not_found_text,
                t.too_many,
            ];
            assert!(all.iter().all(|s| !s.trim().is_empty()), "{}", t.lang);
            assert!(t.about_minutes.contains("{n}"), "{}", t.lang);
        }
        assert!(ticket_texts("ar").rtl);
        assert_eq!(from_accept_language("fr-FR,fr;q=0.9,en;q=0.8").lang, "fr");
        assert_eq!(from_accept_language("de").lang, "it");
    }
}
