# Texte comune chioșcului, ecranului și paginii bonului. Adresare formală (dumneavoastră).
people-ahead = Persoane înaintea dumneavoastră
estimated-wait = Așteptare estimată
wait-minutes = { $n } min
no-desk-open = Niciun ghișeu deschis acum
wait-range-minutes = { $lo }–{ $hi } min

# Literele latine A–Z așa cum se spun în română (numere și etichete citite cu voce tare), separate prin spații.
spoken-letters = a be ce de e ef ge haș i ji ca el em en o pe chiu er es tî u ve dublu-ve ics i-grec zet
