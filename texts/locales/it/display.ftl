# Il display della sala d'attesa (l'app e la pagina web per i televisori).
# Annunci a voce: $number è detto come "A 23", $desk è il nome dello sportello.
display-call = Numero { $number }, { $desk }.
display-recall = Si ricorda il numero { $number }, { $desk }.
display-latest = Ultima chiamata
display-previous = Chiamate precedenti
display-waiting = In attesa
display-no-calls = Nessuna chiamata
# $time: ora e minuti, per esempio 10:40.
display-reconnecting = Dati non aggiornati dalle { $time }: riconnessione in corso
# Solo la pagina web: per chi prepara il televisore.
display-enable-sound = Attiva audio
display-key = Chiave del display
# Errori di configurazione, per chi installa il display (al posto di "Dati non aggiornati").
# $status: 401 o 403.
display-setup-key = Il server rifiuta la chiave di questo display ({ $status }): controllare --key
display-setup-site = Il server non conosce la sede «{ $site }»: controllare --site
display-setup-address = «{ $url }» non è l'indirizzo di un server: deve iniziare con http:// o https://
# $ids: gli id pubblici sconosciuti, separati da virgole.
display-setup-services = Servizi sconosciuti in questa sede: { $ids } (controllare --services)
# Per chi si occupa della sala, piccolo in alto: l'audio non funziona. $detail: il motivo, come lo dice il sistema.
display-sound-failing = Audio non funzionante: { $detail }
display-sound-missing = Nessun lettore audio: { $detail }
display-sound-chime-only = Solo segnale acustico, senza voce: { $detail }
display-sound-not-enabled = Audio non attivato in questo browser: toccare «Attiva audio»
