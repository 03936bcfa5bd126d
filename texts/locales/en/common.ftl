# Texts shared by the kiosk, the display and the ticket page: one translation each.
people-ahead = People ahead of you
estimated-wait = Estimated wait
# $n: minutes (a whole number ≥ 0).
wait-minutes = { $n } min
# No desk that serves the service is open: no estimate.
no-desk-open = No desk open now
# $lo, $hi: minutes, the ends of an uncertain wait.
wait-range-minutes = { $lo }–{ $hi } min

# The Latin letters A–Z as said in English (ticket numbers and public labels read aloud), separated by spaces.
spoken-letters = A B C D E F G H I J K L M N O P Q R S T U V W X Y Z
