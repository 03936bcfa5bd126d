# L'écran de la salle d'attente.
display-call = Numéro { $number }, { $desk }.
display-recall = Rappel : numéro { $number }, { $desk }.
display-latest = Appel en cours
display-previous = Appels précédents
display-waiting = En attente
display-no-calls = Aucun appel
display-reconnecting = Pas de mise à jour depuis { $time } : reconnexion en cours
display-enable-sound = Activer le son
display-key = Clé de l'écran
