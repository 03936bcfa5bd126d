# La borne : écran, voix (espeak-ng) et ticket papier.

## Questions et réponses
kiosk-choose-language = Choisissez votre langue
kiosk-party-size = Pour combien de personnes est ce ticket ?
kiosk-yes = Oui
kiosk-no = Non
kiosk-mediator = Avez-vous besoin d'un médiateur ou d'un interprète ?
kiosk-no-mediator = Non, merci

## Titres et messages
kiosk-issuing = Un instant, nous préparons votre ticket
kiosk-your-ticket = Voici votre numéro
kiosk-closed = Ce service n'est pas disponible maintenant
kiosk-closed-advice = Demandez à l'accueil : on vous dira quand revenir ou où aller.
kiosk-offline = Nous ne pouvons pas donner de tickets pour le moment. Allez à l'accueil, s'il vous plaît.
kiosk-server-error = Quelque chose n'a pas fonctionné. Allez à l'accueil, s'il vous plaît.
kiosk-still-there-speech = Êtes-vous toujours là ? Nous allons bientôt recommencer.
kiosk-help-sent = Nous avons prévenu le personnel : quelqu'un vient vous aider.
kiosk-help-failed = Nous ne pouvons pas joindre le personnel. Allez à l'accueil, s'il vous plaît.
kiosk-help-coming = Un membre du personnel arrive vers vous maintenant.
kiosk-printer-failed = L'imprimante ne fonctionne pas. Prenez l'écran en photo ou retenez votre numéro.

## Le ticket (écran et papier)
kiosk-ahead-line = { people-ahead } : { $n }
kiosk-wait-line = { estimated-wait } : { wait-minutes }
kiosk-paper-privacy = Ce ticket ne porte pas votre nom. Scannez le QR pour suivre votre tour.
kiosk-your-number = Votre numéro : { $number }
kiosk-qr-label = Code QR pour suivre votre tour sur votre téléphone
kiosk-scan-hint = Scannez pour suivre votre tour sur votre téléphone
kiosk-done = Terminé

## Commandes et états de l'écran
kiosk-start-over = Recommencer
kiosk-help-now = J'ai besoin d'aide maintenant
kiosk-standard-layout = Affichage normal
kiosk-low-reach-layout = Commandes en bas (fauteuil roulant)
kiosk-no-connection = Pas de connexion
kiosk-go-to-reception = Allez à l'accueil, s'il vous plaît
kiosk-starting = Démarrage…
kiosk-try-again = Réessayer
kiosk-still-there = Êtes-vous toujours là ?
kiosk-going-back = Retour au début dans { $n ->
    [one] { $n } seconde
   *[other] { $n } secondes
}
kiosk-more-time = J'ai besoin de plus de temps
kiosk-calling-staff = Nous appelons le personnel…
kiosk-ok = OK
kiosk-wait-line-range = { estimated-wait } : { wait-range-minutes }

## Récapitulatif, pages de choix, voix, états
kiosk-no-desk-open = Aucun guichet n'est ouvert pour cela en ce moment
kiosk-back = Retour
kiosk-summary-title = Vous avez demandé :
kiosk-summary-people = { $n ->
    [one] 1 personne
   *[other] { $n } personnes
}
kiosk-summary-mediator = Médiateur : { $language }
kiosk-print-ticket = Imprimer mon ticket
kiosk-show-ticket = Afficher mon ticket
kiosk-change = Modifier
kiosk-listen = Écouter
kiosk-repeat = Répéter
kiosk-volume = Volume
kiosk-touch-again = Vous avez touché : { $choice }. Touchez encore pour confirmer.
kiosk-option-spoken = { $n } : { $label }.
kiosk-closed-opens = Réouverture le { $when }.
kiosk-closed-full = Tous les tickets de ce service ont été donnés aujourd'hui.
kiosk-more-choices = Autres choix
kiosk-previous-choices = Choix précédents
kiosk-page = { $page } sur { $pages }
kiosk-ticket-speech = Votre numéro est { $number }. { $label }.
kiosk-printer-none = Cette borne n'imprime pas : prenez l'écran en photo ou retenez votre numéro.

## Rendez-vous : arrivée avec le code de la fiche (issue 16)
kiosk-have-appointment = J'ai un rendez-vous
kiosk-appointment-title = Tapez le code de votre fiche de rendez-vous
# $code : le code tapé jusqu'ici, groupé comme sur la fiche (7K3M QD9P 4).
kiosk-appointment-code = Code : { $code }
kiosk-appointment-delete = Effacer le dernier caractère
kiosk-appointment-clear = Tout effacer
kiosk-appointment-check-in = Signaler mon arrivée
kiosk-appointment-typo = Ce code contient une faute de frappe : vérifiez-le.
# $time : l'heure d'ouverture de l'enregistrement, HH:MM (heure locale).
kiosk-appointment-early = L'enregistrement ouvre à { $time }
kiosk-appointment-early-soon = L'enregistrement pour ce rendez-vous n'est pas encore ouvert
kiosk-appointment-early-advice = Revenez à la borne à cette heure-là, ou demandez à l'accueil.
kiosk-appointment-late = L'heure de votre rendez-vous est passée
kiosk-appointment-late-advice = Le personnel a été prévenu. Prenez un ticket normal.
kiosk-appointment-take-ticket = Prendre un ticket normal
kiosk-appointment-used = Ce code a déjà été utilisé. Si ce n'était pas vous, demandez à l'accueil.
kiosk-appointment-unknown = Nous ne connaissons pas ce code. Comparez-le avec votre fiche, ou demandez à l'accueil.
kiosk-appointment-wait = Trop de codes erronés. Attendez une minute, puis réessayez.
kiosk-appointment-offline = Nous ne pouvons pas vérifier votre code maintenant. Réessayez dans un instant, ou allez à l'accueil.
