# Il chiosco: schermo, voce (espeak-ng) e biglietto di carta.

## Domande e risposte che il chiosco costruisce da sé
kiosk-choose-language = Scegli la tua lingua
kiosk-party-size = Per quante persone è il biglietto?
kiosk-yes = Sì
kiosk-no = No
kiosk-mediator = Ti serve un mediatore o un interprete?
kiosk-no-mediator = No, non serve

## Titoli e messaggi
kiosk-issuing = Un momento, stiamo preparando il tuo biglietto
kiosk-your-ticket = Ecco il tuo numero
kiosk-closed = Questo servizio ora non è disponibile
kiosk-closed-advice = Chiedi all'accoglienza: ti diranno quando tornare o dove andare.
kiosk-offline = Ora non possiamo dare biglietti. Per favore vai all'accoglienza.
kiosk-server-error = Qualcosa non ha funzionato. Per favore vai all'accoglienza.
# Detto a voce quando compare l'avviso di inattività.
kiosk-still-there-speech = Sei ancora qui? Tra poco si ricomincia.
kiosk-help-sent = Abbiamo avvisato il personale: qualcuno arriva ad aiutarti.
kiosk-help-failed = Non riusciamo ad avvisare il personale. Per favore vai all'accoglienza.
kiosk-help-coming = Un operatore sta arrivando da te adesso.
kiosk-printer-failed = La stampante non funziona. Fai una foto allo schermo o ricorda il tuo numero.

## Biglietto (schermo e carta). $n: persone o minuti.
kiosk-ahead-line = { people-ahead }: { $n }
kiosk-wait-line = { estimated-wait }: { wait-minutes }
kiosk-paper-privacy = Il biglietto non contiene il tuo nome. Con il QR segui il tuo turno.
# $number: il numero del biglietto, per esempio A023.
kiosk-your-number = Il tuo numero: { $number }
kiosk-qr-label = Codice QR per seguire il tuo turno sul telefono
kiosk-scan-hint = Inquadra il codice per seguire il tuo turno sul telefono
kiosk-done = Fatto

## Comandi e stati dello schermo
kiosk-start-over = Ricomincia
kiosk-help-now = Ho bisogno di aiuto ora
kiosk-standard-layout = Schermo normale
kiosk-low-reach-layout = Comandi in basso (sedia a rotelle)
kiosk-no-connection = Nessuna connessione
kiosk-go-to-reception = Per favore vai all'accoglienza
kiosk-starting = Avvio…
kiosk-try-again = Riprova
kiosk-still-there = Sei ancora qui?
# $n: secondi che mancano.
kiosk-going-back = Si ricomincia tra { $n ->
    [one] { $n } secondo
   *[other] { $n } secondi
}
kiosk-more-time = Mi serve più tempo
kiosk-calling-staff = Stiamo chiamando il personale…
kiosk-ok = OK
kiosk-wait-line-range = { estimated-wait }: { wait-range-minutes }

## Riepilogo, pagine di scelte, voce, stati
kiosk-no-desk-open = Ora nessuno sportello è aperto per questo servizio
kiosk-back = Indietro
kiosk-summary-title = Hai chiesto:
# $n: persone del biglietto.
kiosk-summary-people = { $n ->
    [one] 1 persona
   *[other] { $n } persone
}
# $language: la lingua del mediatore, nel suo nome.
kiosk-summary-mediator = Mediatore: { $language }
kiosk-print-ticket = Stampa il mio biglietto
kiosk-show-ticket = Mostra il mio biglietto
kiosk-change = Cambia
kiosk-listen = Ascolta
kiosk-repeat = Ripeti
kiosk-volume = Volume
# $choice: la scelta appena toccata, letta ad alta voce.
kiosk-touch-again = Hai toccato: { $choice }. Tocca di nuovo per confermare.
# $n: numero della scelta; $label: la scelta.
kiosk-option-spoken = { $n }: { $label }.
# $when: giorno e ora di apertura, per esempio 24/11 09:00.
kiosk-closed-opens = Riapre il { $when }.
kiosk-closed-full = I biglietti di oggi per questo servizio sono finiti.
kiosk-more-choices = Altre scelte
kiosk-previous-choices = Scelte precedenti
# $page, $pages: pagina di scelte.
kiosk-page = { $page } di { $pages }
# $number: il numero detto a voce; $label: dove e per cosa.
kiosk-ticket-speech = Il tuo numero è { $number }. { $label }.
kiosk-printer-none = Questo chiosco non stampa: fai una foto allo schermo o ricorda il tuo numero.

## Appuntamenti: accettazione con il codice del foglio (issue 16)
kiosk-have-appointment = Ho un appuntamento
kiosk-appointment-title = Scrivi il codice del tuo foglio di appuntamento
# $code: il codice scritto finora, a gruppi come sul foglio (7K3M QD9P 4).
kiosk-appointment-code = Codice: { $code }
kiosk-appointment-delete = Cancella l'ultimo carattere
kiosk-appointment-clear = Cancella tutto
kiosk-appointment-check-in = Conferma l'arrivo
kiosk-appointment-typo = Questo codice ha un errore di battitura: controllalo.
# $time: quando apre l'accettazione, ora locale HH:MM.
kiosk-appointment-early = L'accettazione apre alle { $time }
kiosk-appointment-early-soon = L'accettazione per questo appuntamento non è ancora aperta
kiosk-appointment-early-advice = Torna al chiosco a quell'ora, oppure chiedi all'accoglienza.
kiosk-appointment-late = L'ora del tuo appuntamento è passata
kiosk-appointment-late-advice = Abbiamo avvisato il personale. Prendi un biglietto normale.
kiosk-appointment-take-ticket = Prendi un biglietto normale
kiosk-appointment-used = Questo codice è già stato usato. Se non sei stato tu, chiedi all'accoglienza.
kiosk-appointment-unknown = Non conosciamo questo codice. Confrontalo con il tuo foglio, oppure chiedi all'accoglienza.
kiosk-appointment-wait = Troppi codici sbagliati. Aspetta un minuto, poi riprova.
kiosk-appointment-offline = Ora non possiamo controllare il tuo codice. Riprova tra poco, oppure vai all'accoglienza.
