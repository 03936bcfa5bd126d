# Pagina bonului pe telefonul vizitatorului. Adresare formală (dumneavoastră).
ticket-title = Bonul dumneavoastră
ticket-your-number = Numărul dumneavoastră
ticket-waiting = În așteptare
ticket-called = Este rândul dumneavoastră!
ticket-serving = Este rândul dumneavoastră: sunteți la ghișeu
ticket-on-hold = În pauză: rămâneți în apropiere, vă vom chema din nou
ticket-done = Gata. Vă mulțumim!
ticket-no-show = Nu v-am văzut venind. Vă rugăm să întrebați la recepție.
ticket-cancelled = Bon anulat
ticket-expired = Expirat: biroul s-a închis pentru astăzi
# $when: the day and time it opens next, e.g. 02/12 08:30.
ticket-opens-again = Se redeschide { $when }.
ticket-expired-what-now = Acest bon nu mai este valabil: vă rugăm să luați unul nou la redeschidere.
ticket-about-minutes = aproximativ { $n } min
ticket-under-a-minute = mai puțin de un minut
ticket-go-to = Mergeți la
ticket-updates = Pagina se actualizează singură.
ticket-privacy = Această pagină nu conține date personale.
ticket-not-found-title = Bonul nu a fost găsit
ticket-not-found-text = Acest cod nu corespunde niciunui bon de azi: poate a expirat. Întrebați la recepție, suntem aici să vă ajutăm.
ticket-too-many = Prea multe cereri de pe acest telefon. Încercați din nou peste un minut.
ticket-between-minutes = între { $lo } și { $hi } min
