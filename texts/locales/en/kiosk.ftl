# The kiosk: screen, voice (espeak-ng) and the paper ticket.

## Questions and answers the kiosk builds itself
kiosk-choose-language = Choose your language
kiosk-party-size = How many people is this ticket for?
kiosk-yes = Yes
kiosk-no = No
kiosk-mediator = Do you need a mediator or an interpreter?
kiosk-no-mediator = No, thank you

## Titles and messages
kiosk-issuing = One moment, we are preparing your ticket
kiosk-your-ticket = Here is your number
kiosk-closed = This service is not available now
kiosk-closed-advice = Please ask at reception: they will tell you when to come back or where to go.
kiosk-offline = We cannot give tickets right now. Please go to reception.
kiosk-server-error = Something went wrong. Please go to reception.
# Spoken when the inactivity warning comes up.
kiosk-still-there-speech = Are you still there? We will start over soon.
kiosk-help-sent = We told the staff: someone is coming to help you.
kiosk-help-failed = We cannot reach the staff. Please go to reception.
kiosk-help-coming = A staff member is on the way to you now.
kiosk-printer-failed = The printer is not working. Take a photo of the screen or remember your number.

## The ticket (screen and paper). $n: people or minutes.
kiosk-ahead-line = { people-ahead }: { $n }
kiosk-wait-line = { estimated-wait }: { wait-minutes }
kiosk-paper-privacy = This ticket does not carry your name. Scan the QR code to follow your turn.
# $number: the ticket's number, e.g. A023.
kiosk-your-number = Your number: { $number }
kiosk-qr-label = QR code to follow your turn on your phone
kiosk-scan-hint = Scan to follow your turn on your phone
kiosk-done = Done

## Screen controls and states
kiosk-start-over = Start over
kiosk-help-now = I need help now
kiosk-standard-layout = Standard layout
kiosk-low-reach-layout = Low-reach layout (wheelchair)
kiosk-no-connection = No connection
kiosk-go-to-reception = Please go to reception
kiosk-starting = Starting…
kiosk-try-again = Try again
kiosk-still-there = Are you still there?
# $n: seconds left.
kiosk-going-back = Going back to the start in { $n ->
    [one] { $n } second
   *[other] { $n } seconds
}
kiosk-more-time = I need more time
kiosk-calling-staff = Calling the staff…
kiosk-ok = OK
kiosk-wait-line-range = { estimated-wait }: { wait-range-minutes }

## Summary, pages of choices, voice, states
kiosk-no-desk-open = No desk is open for this now
kiosk-back = Back
kiosk-summary-title = You asked for:
# $n: people on the ticket.
kiosk-summary-people = { $n ->
    [one] 1 person
   *[other] { $n } people
}
# $language: the mediator's language, by its own name.
kiosk-summary-mediator = Mediator: { $language }
kiosk-print-ticket = Print my ticket
kiosk-show-ticket = Show my ticket
kiosk-change = Change
kiosk-listen = Listen
kiosk-repeat = Repeat
kiosk-volume = Volume
# $choice: the choice just touched, read aloud.
kiosk-touch-again = You touched: { $choice }. Touch it again to confirm.
# $n: the choice's number; $label: the choice.
kiosk-option-spoken = { $n }: { $label }.
# $when: day and time it opens, e.g. 24/11 09:00.
kiosk-closed-opens = It opens again on { $when }.
kiosk-closed-full = Today's tickets for this service have all been given.
kiosk-more-choices = More choices
kiosk-previous-choices = Previous choices
# $page, $pages: page of choices.
kiosk-page = { $page } of { $pages }
# $number: the number as spoken; $label: where and what for.
kiosk-ticket-speech = Your number is { $number }. { $label }.
kiosk-printer-none = This kiosk does not print: take a photo of the screen or remember your number.

## Appointments: check-in with the code on the slip (issue 16)
kiosk-have-appointment = I have an appointment
kiosk-appointment-title = Type the code on your appointment slip
# $code: the code typed so far, grouped as on the slip (7K3M QD9P 4).
kiosk-appointment-code = Code: { $code }
kiosk-appointment-delete = Delete the last character
kiosk-appointment-clear = Clear
kiosk-appointment-check-in = Check in
kiosk-appointment-typo = This code has a typo: check it.
# $time: when check-in opens, site-local HH:MM.
kiosk-appointment-early = Check-in opens at { $time }
kiosk-appointment-early-soon = Check-in for this appointment has not opened yet
kiosk-appointment-early-advice = Come back to the kiosk then, or ask at reception.
kiosk-appointment-late = Your appointment time has passed
kiosk-appointment-late-advice = Staff have been told. Take a normal ticket.
kiosk-appointment-take-ticket = Take a normal ticket
kiosk-appointment-used = This code has already been used. If it was not you, ask at reception.
kiosk-appointment-unknown = We do not know this code. Compare it with your slip, or ask at reception.
kiosk-appointment-wait = Too many wrong codes. Please wait a minute, then try again.
kiosk-appointment-offline = We cannot check your code right now. Try again in a moment, or go to reception.
