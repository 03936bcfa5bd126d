# Le pagine dei responsabili: /stats (statistiche) e /stats/live (adesso).
stats-title = Sportello — statistiche
stats-heading = Statistiche
stats-site = Sede
stats-service = Servizio
stats-from = Dal
stats-to = Al
stats-date-placeholder = AAAA-MM-GG
stats-update = Aggiorna
stats-issued = Biglietti emessi
stats-served = Serviti
stats-no-show = Assenti
stats-cancelled = Annullati
stats-on-hold = In sospeso (almeno una volta)
stats-people = Persone
stats-wait-mean = Attesa media (s)
stats-wait-p50 = Attesa mediana (s)
stats-wait-p90 = Attesa 90° percentile (s)
stats-wait-max = Attesa massima (s)
stats-walk-mean = Tragitto allo sportello medio (s)
stats-service-mean = Durata media del servizio (s)
stats-service-level = Livello di servizio
stats-transfers = Trasferimenti
stats-integrated = Percorsi integrati (sociale + lavoro)
stats-live-link = Adesso: code, sportelli e avvisi in tempo reale
stats-arrivals = Arrivi per ora della settimana
stats-arrivals-chart = arrivi per ora della settimana
stats-queue = Persone in attesa per ora del giorno (media)
stats-queue-chart = persone in attesa per ora del giorno, in media
stats-desks-staff = Sportelli e operatori
stats-desk-or-staff = Sportello / operatore
stats-service-mean-short = Servizio medio (s)
stats-hours-open = Ore aperto
stats-hours-paused = Ore in pausa
stats-languages = Lingue
stats-priorities = Priorità
stats-needs = Bisogni
stats-download-csv = Scarica CSV:
stats-download-csv-excel = CSV per Excel in italiano (punto e virgola, virgola decimale):
stats-funder-report = Rapporto per i finanziatori (JSON, per mese)
stats-mon = Lun
stats-tue = Mar
stats-wed = Mer
stats-thu = Gio
stats-fri = Ven
stats-sat = Sab
stats-sun = Dom

## /stats/live
stats-live-title = Sportello — adesso
# $site: il nome della sede.
stats-live-heading = Adesso — { $site }
stats-live-dashboard = Statistiche
stats-live-waiting = In attesa
stats-live-longest = attesa più lunga
stats-live-open-desks = sportelli aperti
# $n: minuti.
stats-minutes = { $n } min
stats-live-queues = Code
stats-live-longest-min = Attesa più lunga (min)
stats-live-open-desks-col = Sportelli aperti
stats-live-desks = Sportelli
stats-live-desk = Sportello
stats-live-state = Stato
stats-live-staff = Operatore
stats-live-ticket = Biglietto
stats-live-alerts = Avvisi di oggi
# $time: ore, minuti e secondi.
stats-live-updated = Aggiornato alle { $time }.
stats-live-auto = aggiorna da solo ogni 10 secondi
stats-estimate-bias = Stima dell'attesa: errore medio con segno (s; negativo = detto troppo poco)
stats-estimate-mae = Stima dell'attesa: errore assoluto medio (s)
stats-estimate-short = Stima dell'attesa: hanno atteso più del detto
stats-estimates = Qualità della stima dell'attesa, per giorno e servizio
stats-day = Giorno
stats-estimated = Biglietti con stima
