# Testi condivisi da chiosco, display e pagina del biglietto: una sola traduzione per ognuno.
people-ahead = Persone prima di te
estimated-wait = Attesa stimata
# $n: minuti (intero ≥ 0).
wait-minutes = { $n } min
# Nessuno sportello che serve questo servizio è aperto: nessuna stima.
no-desk-open = Nessuno sportello aperto ora
# $lo, $hi: minuti, estremi di un intervallo di attesa incerto.
wait-range-minutes = { $lo }–{ $hi } min

# Names of the Latin letters A–Z as said in Italian (ticket numbers and public labels read aloud), separated by spaces.
spoken-letters = a bi ci di e effe gi acca i i-lunga cappa elle emme enne o pi cu erre esse ti u vu doppia-vu ics ipsilon zeta
