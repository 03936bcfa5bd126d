# Testi condivisi da chiosco, display e pagina del biglietto: una sola traduzione per ognuno.
people-ahead = Persone prima di te
estimated-wait = Attesa stimata
# $n: minuti (intero ≥ 0).
wait-minutes = { $n } min
