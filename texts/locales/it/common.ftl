# Testi condivisi da chiosco, display e pagina del biglietto: una sola traduzione per ognuno.
people-ahead = Persone prima di te
estimated-wait = Attesa stimata
# $n: minuti (intero ≥ 0).
wait-minutes = { $n } min
# Nessuno sportello che serve questo servizio è aperto: nessuna stima.
no-desk-open = Nessuno sportello aperto ora
# $lo, $hi: minuti, estremi di un intervallo di attesa incerto.
wait-range-minutes = { $lo }–{ $hi } min
