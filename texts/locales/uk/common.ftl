# Спільні тексти кіоску, табло і сторінки талона.
people-ahead = Людей перед вами
estimated-wait = Орієнтовне очікування
wait-minutes = { $n } хв
no-desk-open = Зараз не працює жодне віконце
wait-range-minutes = { $lo }–{ $hi } хв
