# La pagina della postazione (/desk). desk.js prende questi testi dalla pagina stessa.
desk-page-title = Sportello – postazione
desk-needs-javascript = Questa pagina ha bisogno di JavaScript.
desk-offline = Non connesso al server: riprovo da solo…
desk-language = Lingua
desk-change-desk = Cambia sportello
desk-logout = Esci
desk-login-title = Accesso operatori
desk-username = Nome utente
desk-password = Password
desk-login = Entra
desk-bad-login = Nome utente o password sbagliati.
desk-choose-title = Scegli lo sportello
desk-site = Sede
desk-desk = Sportello
desk-use-desk = Usa questo sportello
desk-desk-state = Sportello
desk-open = Apri
desk-pause = Pausa
desk-close = Chiudi
desk-open-help = Ti siedi a questo sportello e ricevi persone.
desk-pause-help = Nessuno viene chiamato qui finché non riapri.
desk-close-help = Lasci lo sportello; chi è in coda resta in coda.
desk-call-next = Chiama il prossimo
desk-current = Persona allo sportello
desk-no-current = Nessuno: premi «Chiama il prossimo».
desk-recall = Richiama
desk-recall-help = Annuncia di nuovo lo stesso numero sul display.
desk-start = Inizia
desk-start-help = La persona è arrivata: inizia il colloquio.
desk-finish = Concludi
desk-finish-help = Colloquio finito: il biglietto è chiuso.
desk-no-show = Non si è presentato
desk-no-show-help = Nessuno è venuto: il biglietto è chiuso come assente.
desk-hold = Sospendi
desk-hold-help = Metti in pausa (es. manca un documento): conserva il posto, per questo sportello.
desk-return = Rimetti in coda
desk-return-help = Torna in attesa nella stessa coda, conservando il posto.
desk-transfer = Trasferisci…
desk-transfer-help = Scegli un servizio, uno sportello o un collega (uno basta). Con «conserva il posto» la persona non torna in fondo alla coda.
desk-transfer-to = Trasferisci a
desk-to-service = Servizio
desk-to-desk = Sportello
desk-to-staff = Collega
desk-keep-place = Conserva il posto in coda
desk-transfer-go = Trasferisci
desk-none = —
desk-waiting = In attesa
desk-nobody-waiting = Nessuno in attesa per i servizi di questo sportello.
desk-number = Numero
desk-service = Servizio
desk-waited = Attesa
desk-priority = Priorità
desk-needs = Bisogni
desk-party = Persone
desk-for = Riservato a
desk-call-this = Chiama
# $number: il numero del biglietto.
desk-call-this-button = Chiama { $number }
desk-alerts = Avvisi
desk-sound = Suono quando arriva qualcuno e la coda era vuota
desk-shortcuts = Tasti: N chiama, R richiama, S inizia, F concludi, X assente, H sospendi, B rimetti in coda, T trasferisci.
desk-nobody = Nessuno in attesa.
desk-called-message = Chiamato { $number }.
desk-done-message = Fatto.
desk-this-desk = questo sportello
desk-you = te
desk-ticket-for-desk = Il biglietto { $number } è stato trasferito a questo sportello.
desk-ticket-for-me = Il biglietto { $number } è stato trasferito a te.
desk-arrival = È arrivato { $number } e la coda era vuota.
# $n: minuti di attesa.
desk-minutes = { $n } min
desk-mediator = mediatore
# $message: il messaggio d'errore del server.
desk-error = Errore: { $message }
# $n: persone del nucleo.
desk-people = { $n ->
    [one] { $n } persona
   *[other] { $n } persone
}
desk-open-alerts = Avvisi aperti
desk-im-going = Vado io
# $what: l'avviso; $time: quando è stato dato.
desk-alert-line = { $time } · { $what }
desk-parked = In sospeso
desk-nobody-parked = Nessuno in sospeso.
desk-parked-help = Chi è in sospeso conserva il posto. «Richiama» lo chiama di nuovo a questo sportello.
# $number: il numero del biglietto.
desk-call-back = Richiama { $number }
# $n: minuti in sospeso; $desk: lo sportello che l'ha sospeso.
desk-parked-for = in sospeso da { $n } min a { $desk }
desk-why = Perché qui
desk-reason-urgent = urgente
desk-reason-appointment = appuntamento ora
desk-reason-appointment_later = appuntamento più tardi
desk-reason-priority_group = categoria con priorità
desk-reason-waited_past_target = attesa oltre il previsto
desk-reason-reserved_for_desk = riservato a questo sportello
desk-reason-reserved_for_you = riservato a te
desk-reason-reserved_elsewhere = riservato a un altro sportello o collega
desk-reason-mediator_elsewhere = lasciato al mediatore di un altro sportello
desk-reason-walk_in_guard = senza appuntamento oltre il previsto, dopo appuntamenti di fila
desk-not-callable = non per questo sportello ora
desk-disabled-offline = Non connesso: aspetta che la connessione torni.
# $time: ora di chiusura; $n: persone ancora in attesa.
desk-closing = { $n ->
    [one] L'ufficio chiude alle { $time }: c'è ancora { $n } persona in attesa.
   *[other] L'ufficio chiude alle { $time }: ci sono ancora { $n } persone in attesa.
}
desk-logout-title = Lo sportello è ancora aperto
desk-logout-pause = Metti in pausa lo sportello ed esci
desk-logout-close = Chiudi lo sportello ed esci
desk-logout-stay = Resta
# $number: il biglietto allo sportello.
desk-logout-called = { $number } è allo sportello: torna in coda conservando il posto.
desk-msg-recall = { $number } annunciato di nuovo.
desk-msg-start = Colloquio con { $number } iniziato.
desk-msg-finish = { $number } concluso.
desk-msg-no-show = { $number } chiuso come assente.
desk-msg-hold = { $number } in sospeso: lo trovi sotto «In sospeso».
desk-msg-return = { $number } di nuovo in coda, conservando il posto.
desk-msg-transfer = { $number } trasferito.
desk-msg-resume = { $number } richiamato a questo sportello.
desk-msg-open = Lo sportello è aperto.
desk-msg-pause = Lo sportello è in pausa.
desk-msg-close = Lo sportello è chiuso.
desk-msg-going = Grazie: il chiosco dice alla persona che arriva qualcuno.
desk-err-desk_busy = Questo sportello ha già qualcuno: concludi o sospendi prima.
desk-err-desk_not_open = Apri prima lo sportello.
desk-err-illegal_transition = Quel biglietto nel frattempo è cambiato (un collega ci ha lavorato).
desk-err-forbidden = Qui non puoi farlo.
desk-err-unknown_alert = Un collega ha già preso questo avviso.
desk-err-unknown_ticket = Quel biglietto non esiste più.
desk-err-desk_does_not_serve = Questo sportello non serve quel servizio.
desk-err-offline = Non connesso al server: non è stato fatto nulla.
desk-details = Lingua, persone, bisogni
desk-reception = Accoglienza
desk-new-ticket = Nuovo biglietto (per chi non può usare il chiosco)
desk-new-ticket-help = Non si chiede né si conserva il nome di nessuno. Mostra alla persona il numero, o il codice QR per seguirlo sul telefono.
desk-needs-mediator = Serve un mediatore in questa lingua
desk-issue = Emetti il biglietto
desk-ticket-page = Apri la pagina del biglietto
# $service: il servizio; $ahead: persone davanti.
desk-issued = { $service } · { $ahead } davanti
desk-find-ticket = Trova un biglietto dal numero
desk-find = Trova
# $number: il numero cercato.
desk-find-none = { $number } non è in attesa né a uno sportello ora (concluso, annullato o non emesso oggi).
# $number, $service, $status, $where.
desk-find-found = { $number } · { $service } · { $status } { $where }
# $n: persone davanti.
desk-find-ahead = · { $n } davanti
# $desk: lo sportello.
desk-find-at = · a { $desk }
desk-msg-issued = Biglietto { $number } emesso.
# Reception's "Print at" choice (issue 19): a kiosk of the site prints the ticket, or the QR is shown here.
desk-print-at = Stampa su
desk-print-here = Mostra il QR qui
# $kiosk: the kiosk's name.
desk-printing-at = Stampa in corso su { $kiosk }…
desk-printed-at = Stampato su { $kiosk }
# $reason: why (one of the desk-print-error-* texts).
desk-not-printed = Non stampato: { $reason } — mostra il QR
desk-print-error-paper_out = il chiosco è senza carta
desk-print-error-cover_open = il coperchio della stampante è aperto
desk-print-error-offline = la stampante è spenta o scollegata
desk-print-error-failing = la stampante segnala un errore
desk-print-error-no_printer = quel chiosco non ha una stampante
desk-print-error-not_taken = il chiosco non l'ha preso entro un minuto (occupato con una persona, o spento)
desk-print-error-no_answer = il chiosco non ha detto se ha stampato
desk-print-error-unknown = non è stato possibile chiedere al chiosco
desk-free = libero
desk-not-seated = non a uno sportello
desk-full-today = Esauriti per oggi
desk-full-help = Il chiosco non dà più biglietti per questi servizi oggi. Se gli sportelli possono ricevere altre persone, togli il limite.
desk-lift-cap = Togli il limite di oggi
# $service: il servizio.
desk-msg-lifted = { $service }: il chiosco dà di nuovo biglietti oggi.
desk-statistics = Statistiche
# Kiosk e display da controllare ($name: il dispositivo; $detail: le parole del dispositivo).
desk-devices = Dispositivi da controllare
desk-device-silent = { $name }: non si sente da { $min } min (spento o scollegato?)
desk-device-never-reported = { $name }: nessun segnale da quando il server è ripartito
desk-device-sound-failing = { $name }: l'audio non funziona ({ $detail })
desk-device-sound-missing = { $name }: nessun lettore audio ({ $detail })
desk-device-chime-only = { $name }: solo segnale acustico, senza voce ({ $detail })
desk-device-printer-failing = { $name }: la stampante non funziona ({ $detail })
desk-device-paper-low = { $name }: la carta sta finendo

# Undo after Finish or No-show. $number: the ticket; $s: seconds left.
desk-undo = Annulla
desk-undo-offer = Premuto per errore? { $number } si può riprendere ancora per { $s } s.
desk-msg-undo = { $number } è di nuovo a questo sportello, come prima.
desk-err-nothing_to_undo = Troppo tardi per annullare: il tempo è scaduto, o lo sportello ha già chiamato un'altra persona.

# Appuntamenti (issue 16): incontri successivi prenotati allo sportello, con un codice per il totem.
desk-appointments = Appuntamenti
desk-book-follow-up = Prenota un incontro successivo
desk-book-help = Non si registrano né nome né documento: la persona tiene il codice per presentarsi.
desk-date = Data
desk-duration = Durata
desk-mediator-language = Mediatore (lingua)
desk-second-staff = Secondo operatore
desk-free-slots = Orari liberi: premine uno per prenotarlo
desk-no-free-slots = Nessun orario libero in questo giorno.
desk-slip-title = Appuntamento
desk-slip-code = Codice per presentarsi
desk-slip-help = Al totem premi «Ho un appuntamento», poi digita il codice sulla tastiera.
desk-code-once = Il codice si vede solo adesso: stampa il foglietto o scrivi il codice.
desk-print-slip = Stampa il foglietto
desk-appointments-of = Appuntamenti del giorno
desk-today = Oggi
desk-no-appointments = Nessun appuntamento in questo giorno.
desk-time = Ora
desk-code = Codice
desk-col-mediator = Mediatore
desk-state = Stato
desk-change = Modifica
desk-cancel-title = Annullare questo appuntamento?
desk-cancel-yes = Sì, annulla
desk-cancel-no = No, tienilo
desk-move-title = Sposta l'appuntamento
desk-move-close = Chiudi
desk-appt-cancel = Annulla
desk-appt-move = Sposta
# $time: l'ora prenotata; $code: i primi caratteri del suo codice.
desk-appt-cancel-label = Annulla l'appuntamento delle { $time } ({ $code })
desk-appt-move-label = Sposta l'appuntamento delle { $time } ({ $code })
desk-appt-what = { $when } · { $service } · { $code } · { $min } min
desk-appt-state-booked = prenotato
desk-appt-state-checked_in = arrivato
desk-appt-state-missed = mancato
desk-appt-state-cancelled = annullato
# $when: data e ora; $service: il servizio.
desk-msg-booked = Prenotato: { $when }, { $service }. Dai il foglietto alla persona.
desk-msg-appt-cancelled = L'appuntamento delle { $time } è annullato: l'orario è di nuovo libero.
desk-msg-appt-moved = L'appuntamento è spostato a { $when }.
desk-err-slot_taken = Quell'orario è stato appena preso: scegline un altro.
desk-err-appointment_cap_reached = Gli appuntamenti hanno già la loro quota di questo giorno (il resto resta a chi viene senza): scegli un altro giorno.
desk-err-appointment_not_booked = Questo appuntamento è cambiato nel frattempo (arrivato, annullato o passato): non si è fatto nulla.
