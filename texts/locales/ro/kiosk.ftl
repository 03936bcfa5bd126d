# Chioșcul: ecran, voce (espeak-ng) și bonul de hârtie. Adresare formală (dumneavoastră).

## Întrebări și răspunsuri
kiosk-choose-language = Alegeți limba
kiosk-party-size = Pentru câte persoane este bonul?
kiosk-yes = Da
kiosk-no = Nu
kiosk-mediator = Aveți nevoie de un mediator sau de un interpret?
kiosk-no-mediator = Nu, mulțumesc

## Titluri și mesaje
kiosk-issuing = Un moment, vă pregătim bonul
kiosk-your-ticket = Acesta este numărul dumneavoastră
kiosk-closed = Acest serviciu nu este disponibil acum
kiosk-closed-advice = Întrebați la recepție: vi se va spune când să reveniți sau unde să mergeți.
kiosk-offline = Acum nu putem emite bonuri. Vă rugăm să mergeți la recepție.
kiosk-server-error = Ceva nu a funcționat. Vă rugăm să mergeți la recepție.
kiosk-still-there-speech = Mai sunteți aici? În curând o luăm de la capăt.
kiosk-help-sent = Am anunțat personalul: cineva vine să vă ajute.
kiosk-help-failed = Nu putem anunța personalul. Vă rugăm să mergeți la recepție.
kiosk-help-coming = Un membru al personalului vine acum la dumneavoastră.
kiosk-printer-failed = Imprimanta nu funcționează. Fotografiați ecranul sau rețineți numărul.

## Bonul (ecran și hârtie)
kiosk-ahead-line = { people-ahead }: { $n }
kiosk-wait-line = { estimated-wait }: { wait-minutes }
kiosk-paper-privacy = Bonul nu conține numele dumneavoastră. Scanați codul QR pentru a vă urmări rândul.
kiosk-your-number = Numărul dumneavoastră: { $number }
kiosk-qr-label = Cod QR pentru a vă urmări rândul pe telefon
kiosk-scan-hint = Scanați pentru a vă urmări rândul pe telefon
kiosk-done = Gata

## Comenzi și stări ale ecranului
kiosk-start-over = Luați-o de la capăt
kiosk-help-now = Am nevoie de ajutor acum
kiosk-standard-layout = Afișare normală
kiosk-low-reach-layout = Comenzi jos (scaun cu rotile)
kiosk-no-connection = Fără conexiune
kiosk-go-to-reception = Vă rugăm să mergeți la recepție
kiosk-starting = Pornire…
kiosk-try-again = Încercați din nou
kiosk-still-there = Mai sunteți aici?
kiosk-going-back = Revenim la început în { $n ->
    [one] o secundă
    [few] { $n } secunde
   *[other] { $n } de secunde
}
kiosk-more-time = Am nevoie de mai mult timp
kiosk-calling-staff = Chemăm personalul…
kiosk-ok = OK
kiosk-wait-line-range = { estimated-wait }: { wait-range-minutes }

## Rezumat, pagini de opțiuni, voce, stări
kiosk-no-desk-open = Acum niciun ghișeu nu este deschis pentru acest serviciu
kiosk-back = Înapoi
kiosk-summary-title = Ați cerut:
kiosk-summary-people = { $n ->
    [one] 1 persoană
    [few] { $n } persoane
   *[other] { $n } de persoane
}
kiosk-summary-mediator = Mediator: { $language }
kiosk-print-ticket = Tipăriți-mi bonul
kiosk-show-ticket = Afișați-mi bonul
kiosk-change = Modificați
kiosk-listen = Ascultați
kiosk-repeat = Repetați
kiosk-volume = Volum
kiosk-touch-again = Ați atins: { $choice }. Atingeți din nou pentru a confirma.
kiosk-option-spoken = { $n }: { $label }.
kiosk-closed-opens = Se redeschide pe { $when }.
kiosk-closed-full = Bonurile de azi pentru acest serviciu s-au terminat.
kiosk-more-choices = Alte opțiuni
kiosk-previous-choices = Opțiunile anterioare
kiosk-page = { $page } din { $pages }
kiosk-ticket-speech = Numărul dumneavoastră este { $number }. { $label }.
kiosk-printer-none = Acest chioșc nu tipărește: fotografiați ecranul sau rețineți numărul.

## Programări: confirmarea sosirii cu codul de pe bilet (issue 16)
kiosk-have-appointment = Am o programare
kiosk-appointment-title = Tastați codul de pe biletul de programare
# $code: codul tastat până acum, grupat ca pe bilet (7K3M QD9P 4).
kiosk-appointment-code = Cod: { $code }
kiosk-appointment-delete = Ștergeți ultimul caracter
kiosk-appointment-clear = Ștergeți tot
kiosk-appointment-check-in = Confirmați sosirea
kiosk-appointment-typo = Acest cod are o greșeală de tastare: verificați-l.
# $time: ora la care începe confirmarea sosirii, ora locală HH:MM.
kiosk-appointment-early = Confirmarea sosirii începe la ora { $time }
kiosk-appointment-early-soon = Confirmarea sosirii pentru această programare nu a început încă
kiosk-appointment-early-advice = Reveniți atunci la chioșc sau întrebați la recepție.
kiosk-appointment-late = Ora programării dumneavoastră a trecut
kiosk-appointment-late-advice = Personalul a fost anunțat. Luați un bon obișnuit.
kiosk-appointment-take-ticket = Luați un bon obișnuit
kiosk-appointment-used = Acest cod a fost deja folosit. Dacă nu l-ați folosit dumneavoastră, întrebați la recepție.
kiosk-appointment-unknown = Nu cunoaștem acest cod. Comparați-l cu biletul dumneavoastră sau întrebați la recepție.
kiosk-appointment-wait = Prea multe coduri greșite. Așteptați un minut, apoi încercați din nou.
kiosk-appointment-offline = Nu putem verifica codul acum. Încercați din nou peste puțin timp sau mergeți la recepție.
