# Textes partagés par la borne, l'écran et la page du ticket.
people-ahead = Personnes avant vous
estimated-wait = Attente estimée
wait-minutes = { $n } min
no-desk-open = Aucun guichet ouvert pour le moment
wait-range-minutes = { $lo }–{ $hi } min

# Les lettres latines A–Z dites en français (numéros et libellés lus à voix haute), séparées par des espaces.
spoken-letters = a bé cé dé e effe gé ache i ji ka elle emme enne o pé ku erre esse té u vé double-vé iks i-grec zède
