# Ecranul din sala de așteptare.
display-call = Numărul { $number }, { $desk }.
display-recall = Reamintire: numărul { $number }, { $desk }.
display-latest = Apel curent
display-previous = Apeluri anterioare
display-waiting = În așteptare
display-no-calls = Niciun apel
display-reconnecting = Neactualizat din { $time }: se reconectează
display-enable-sound = Porniți sunetul
display-key = Cheia ecranului
