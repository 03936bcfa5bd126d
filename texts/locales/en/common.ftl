# Texts shared by the kiosk, the display and the ticket page: one translation each.
people-ahead = People ahead of you
estimated-wait = Estimated wait
# $n: minutes (a whole number ≥ 0).
wait-minutes = { $n } min
