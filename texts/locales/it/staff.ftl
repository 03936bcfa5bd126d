# Parole di tutte le pagine del personale (postazione e statistiche). Gli id finiscono con il valore dell'API.
staff-desk-closed = chiuso
staff-desk-open = aperto
staff-desk-paused = in pausa
staff-status-waiting = in attesa
staff-status-called = chiamato
staff-status-serving = in colloquio
staff-status-on_hold = sospeso
staff-status-done = concluso
staff-status-no_show = assente
staff-status-cancelled = annullato
staff-priority-standard = normale
staff-priority-priority = priorità
staff-priority-appointment = appuntamento
staff-priority-urgent = urgente
staff-alert-help_requested = Richiesta di aiuto al chiosco
staff-alert-printer_failure = Guasto stampante
staff-alert-other = Avviso
