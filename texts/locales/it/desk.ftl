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
