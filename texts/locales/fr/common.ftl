# Textes partagés par la borne, l'écran et la page du ticket.
people-ahead = Personnes avant vous
estimated-wait = Attente estimée
wait-minutes = { $n } min
no-desk-open = Aucun guichet ouvert pour le moment
wait-range-minutes = { $lo }–{ $hi } min
