# The ticket page on the visitor's phone (/t/…). People ahead and the wait come from common.ftl.
ticket-title = Your ticket
ticket-your-number = Your number
ticket-waiting = Waiting
ticket-called = It's your turn!
ticket-serving = It's your turn: you are at the desk
ticket-on-hold = On hold: please stay nearby, we will call you again
ticket-done = Finished. Thank you!
ticket-no-show = We did not see you arrive. Please ask at reception.
ticket-cancelled = Ticket cancelled
ticket-expired = Expired: the office has closed for today
# $when: the day and time it opens next, e.g. 02/12 08:30.
ticket-opens-again = It opens again { $when }.
ticket-expired-what-now = This ticket is no longer valid: please take a new one when the office opens.
# $n: minutes (at least 1).
ticket-about-minutes = about { $n } min
ticket-under-a-minute = less than a minute
# Followed by the desk's label: "Go to Sportello 3".
ticket-go-to = Go to
ticket-updates = This page updates by itself.
ticket-privacy = This page holds no personal data.
ticket-not-found-title = Ticket not found
ticket-not-found-text = This code does not match any ticket of today: it may have expired. Please ask at reception, we are here to help.
ticket-too-many = Too many requests from this phone. Please try again in a minute.
ticket-between-minutes = between { $lo } and { $hi } min
