# La pagina del biglietto sul telefono del visitatore (/t/…). Numero, persone prima e attesa vengono da common.ftl.
ticket-title = Il tuo biglietto
ticket-your-number = Il tuo numero
ticket-waiting = In attesa
ticket-called = È il tuo turno!
ticket-serving = È il tuo turno: sei allo sportello
ticket-on-hold = In pausa: resta nei paraggi, ti richiameremo
ticket-done = Servizio concluso. Grazie!
ticket-no-show = Non ti abbiamo visto arrivare. Chiedi all'accoglienza.
ticket-cancelled = Biglietto annullato
ticket-expired = Scaduto: l'ufficio ha chiuso per oggi
# $when: the day and time it opens next, e.g. 02/12 08:30.
ticket-opens-again = Riapre { $when }.
ticket-expired-what-now = Il biglietto non vale più: prendine uno nuovo quando l'ufficio riapre.
# $n: minuti (almeno 1).
ticket-about-minutes = circa { $n } min
ticket-under-a-minute = meno di un minuto
# Seguito dal nome dello sportello: "Vai a Sportello 3".
ticket-go-to = Vai a
ticket-updates = Questa pagina si aggiorna da sola.
ticket-privacy = Questa pagina non contiene dati personali.
ticket-not-found-title = Biglietto non trovato
ticket-not-found-text = Questo codice non corrisponde a nessun biglietto di oggi: forse è scaduto. Chiedi all'accoglienza, siamo qui per aiutarti.
ticket-too-many = Troppe richieste da questo telefono. Riprova tra un minuto.
ticket-between-minutes = tra { $lo } e { $hi } min
