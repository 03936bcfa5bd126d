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
display-setup-key = Le serveur refuse la clé de cet écran ({ $status }) : vérifiez --key
display-setup-site = Le serveur ne connaît pas le site « { $site } » : vérifiez --site
display-setup-address = « { $url } » n'est pas l'adresse d'un serveur : elle doit commencer par http:// ou https://
display-setup-services = Services inconnus sur ce site : { $ids } (vérifiez --services)
# Pour le personnel, en petit en haut : le son ne fonctionne pas. $detail : la raison donnée par le système.
display-sound-failing = Le son ne fonctionne pas : { $detail }
display-sound-missing = Aucun lecteur audio : { $detail }
display-sound-chime-only = Carillon seulement, sans voix : { $detail }
display-sound-not-enabled = Son non activé dans ce navigateur : touchez « Activer le son »
