# La page du ticket sur le téléphone du visiteur.
ticket-title = Votre ticket
ticket-your-number = Votre numéro
ticket-waiting = En attente
ticket-called = C'est votre tour !
ticket-serving = C'est votre tour : vous êtes au guichet
ticket-on-hold = En pause : restez à proximité, nous vous rappellerons
ticket-done = Terminé. Merci !
ticket-no-show = Nous ne vous avons pas vu arriver. Adressez-vous à l'accueil.
ticket-cancelled = Ticket annulé
ticket-expired = Expiré : le bureau est fermé pour aujourd'hui
# $when: the day and time it opens next, e.g. 02/12 08:30.
ticket-opens-again = Il rouvre le { $when }.
ticket-expired-what-now = Ce ticket n'est plus valable : prenez-en un nouveau à la réouverture.
ticket-about-minutes = environ { $n } min
ticket-under-a-minute = moins d'une minute
ticket-go-to = Allez à
ticket-updates = Cette page se met à jour toute seule.
ticket-privacy = Cette page ne contient aucune donnée personnelle.
ticket-not-found-title = Ticket introuvable
ticket-not-found-text = Ce code ne correspond à aucun ticket d'aujourd'hui : il a peut-être expiré. Adressez-vous à l'accueil, nous sommes là pour vous aider.
ticket-too-many = Trop de demandes depuis ce téléphone. Réessayez dans une minute.
ticket-between-minutes = entre { $lo } et { $hi } min
