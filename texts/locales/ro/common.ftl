# Texte comune chioșcului, ecranului și paginii bonului. Adresare formală (dumneavoastră).
people-ahead = Persoane înaintea dumneavoastră
estimated-wait = Așteptare estimată
wait-minutes = { $n } min
no-desk-open = Niciun ghișeu deschis acum
wait-range-minutes = { $lo }–{ $hi } min
