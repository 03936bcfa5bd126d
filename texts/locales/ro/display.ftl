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
display-setup-key = Serverul refuză cheia acestui ecran ({ $status }): verificați --key
display-setup-site = Serverul nu cunoaște sediul „{ $site }”: verificați --site
display-setup-address = „{ $url }” nu este adresa unui server: trebuie să înceapă cu http:// sau https://
display-setup-services = Servicii necunoscute la acest sediu: { $ids } (verificați --services)
# Pentru personal, mic, sus: sunetul nu funcționează. $detail: motivul, așa cum îl spune sistemul.
display-sound-failing = Sunetul nu funcționează: { $detail }
display-sound-missing = Niciun player audio: { $detail }
display-sound-chime-only = Doar semnal sonor, fără voce: { $detail }
display-sound-not-enabled = Sunetul nu este activat în acest browser: atingeți „Porniți sunetul”
