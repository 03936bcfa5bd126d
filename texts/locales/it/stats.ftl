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
stats-funder-report = Rapporto per i finanziatori (per mese, con CSV)
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

## Tables per service and per day, pickers
stats-to-desk = Pagina dello sportello
stats-all-services = Tutti i servizi
# $tz: the site's time zone (Europe/Rome).
stats-period = Date e ore nel fuso orario della sede ({ $tz }); "Al" comprende tutto quel giorno.
stats-by-service = Per servizio
stats-by-day = Per giorno
# $n: the most days the table shows.
stats-days-cut = La tabella per giorno mostra i primi { $n } giorni; le altre coprono tutto il periodo.
stats-col-issued = Emessi
stats-col-served = Serviti
stats-col-no_show = Non presentati
stats-col-cancelled = Annullati
stats-col-expired = Scaduti a fine giornata
stats-col-people = Persone
stats-col-wait_mean_s = Attesa media (s)
stats-col-wait_p90_s = Attesa, 90° percentile (s)
stats-col-service_mean_s = Servizio medio (s)
stats-col-service_level = Livello di servizio

## /stats/funder
stats-funder-title = Sportello — rapporto per i finanziatori
# $site: the site's name.
stats-funder-heading = Rapporto per i finanziatori — { $site }
stats-month = Mese
# $n: the smallest group shown.
stats-funder-help = Ogni cella con meno di { $n } biglietti o famiglie è nascosta (—), perché nessuno sia riconoscibile.
stats-suppressed = — (meno del minimo)
stats-funder-services = Servizi usati (biglietti, trasferimenti compresi)
stats-funder-groups = Persone per gruppo prioritario
stats-csv-excel-short = CSV per Excel

## /stats/whatif
stats-whatif-link = E se…? Simula un piano del personale
stats-whatif-title = Sportello — e se…?
# $site: the site's name.
stats-whatif-heading = E se…? Piani del personale — { $site }
stats-whatif-weekday = Giorno della settimana
stats-whatif-weeks = Settimane di storico
stats-whatif-replications = Giornate simulate
stats-whatif-plan-a = Piano A
stats-whatif-plan-b = Piano B
stats-whatif-plan-help = Un banco dopo l'altro, separati da «;»: BANCO[:SERVIZIO,SERVIZIO…][@DALLE-ALLE[/DALLE-ALLE…]]. Senza servizi il banco serve quelli configurati; senza orari resta aperto tutto il giorno. Esempio: lt-sportello-1@8-13; lt-stanza-5:legale@9-12/14-17
stats-whatif-run = Simula
# $n: tickets; $from, $to: days; $weekday: a day name.
stats-whatif-history = Arrivi e tempi di servizio misurati su { $n } biglietti di { $weekday } dal { $from } al { $to }.
stats-whatif-no-history = Nessun biglietto di questo giorno nello storico scelto: non c'è niente da simulare.
# $n: simulated days.
stats-whatif-method = Simulazione sul vero motore delle code, { $n } giornate con seme fisso: le stesse scelte danno gli stessi risultati. Le attese sono quelle delle persone chiamate, per ora di arrivo.
stats-whatif-desks = Banchi aperti
stats-whatif-hours = Orari
stats-whatif-services = Servizi
stats-whatif-hour = Ora
stats-whatif-tickets = Biglietti al giorno
stats-whatif-past-target = Oltre l'obiettivo, al giorno
stats-whatif-unserved = Mai chiamati, al giorno
stats-whatif-occupancy = Occupazione dei banchi
stats-whatif-day = Tutto il giorno
stats-whatif-inputs = Dati misurati per servizio
stats-whatif-arrivals = Arrivi al giorno
stats-whatif-measured = misurato
stats-whatif-default = predefinito
# Issue 16: the dashboard's "Appointments" section (a row per figure of the summary's `appointments`).
stats-appointments = Appuntamenti
stats-appointments-help = Prenotazioni per orario prenotato nel periodo. La puntualità va dall'orario prenotato alla prima chiamata: una chiamata in anticipo conta negativa. Un giorno ha molti appuntamenti quando almeno il { $share } dei biglietti sono appuntamenti.
stats-appt-booked = Appuntamenti prenotati (non annullati)
stats-appt-kept = Rispettati (check-in fatto)
stats-appt-late = In ritardo (check-in dopo la finestra)
stats-appt-missed = Mancati
stats-appt-cancelled = Annullati
stats-appt-open = Ancora da svolgere
stats-appt-lead_time_mean_h = Anticipo della prenotazione, media (ore)
stats-appt-lead_time_median_h = Anticipo della prenotazione, mediana (ore)
stats-appt-called = Appuntamenti chiamati
stats-appt-punctuality_mean_min = Puntualità, media (minuti dopo l'orario prenotato)
stats-appt-punctuality_p90_min = Puntualità, 90° percentile (minuti)
stats-appt-called_within_10_min = Chiamati entro 10 minuti
stats-appt-heavy_day_share = Soglia di un giorno con molti appuntamenti
stats-appt-days = Giorni con biglietti
stats-appt-heavy_days = Giorni con molti appuntamenti
stats-appt-walk_in_wait_mean_heavy_s = Attesa media senza appuntamento, giorni con molti appuntamenti (s)
stats-appt-walk_in_wait_mean_other_s = Attesa media senza appuntamento, altri giorni (s)
