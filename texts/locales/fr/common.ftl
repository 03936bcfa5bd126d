# Textes partagés par la borne, l'écran et la page du ticket.
people-ahead = Personnes avant vous
estimated-wait = Attente estimée
wait-minutes = { $n } min
