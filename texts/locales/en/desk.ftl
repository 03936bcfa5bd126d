# The desk page (/desk). desk.js takes these texts from the page itself.
desk-page-title = Sportello – desk
desk-needs-javascript = This page needs JavaScript.
desk-offline = Not connected to the server: retrying by itself…
desk-language = Language
desk-change-desk = Change desk
desk-logout = Log out
desk-login-title = Staff login
desk-username = Username
desk-password = Password
desk-login = Log in
desk-bad-login = Wrong username or password.
desk-choose-title = Choose your desk
desk-site = Site
desk-desk = Desk
desk-use-desk = Use this desk
desk-desk-state = Desk
desk-open = Open
desk-pause = Pause
desk-close = Close
desk-open-help = You sit at this desk and receive people.
desk-pause-help = Nobody is called here until you open again.
desk-close-help = You leave the desk; people waiting stay in the queue.
desk-call-next = Call next
desk-current = At the desk
desk-no-current = Nobody: press “Call next”.
desk-recall = Recall
desk-recall-help = Announce the same number again on the display.
desk-start = Start
desk-start-help = The person arrived: start the meeting.
desk-finish = Finish
desk-finish-help = Meeting over: the ticket is closed.
desk-no-show = No-show
desk-no-show-help = Nobody came: the ticket is closed as absent.
desk-hold = Hold
desk-hold-help = Park it (e.g. a document is missing): keeps the place, for this desk.
desk-return = Back to queue
desk-return-help = Back to waiting in the same queue, keeping the place.
desk-transfer = Transfer…
desk-transfer-help = Choose a service, a desk or a colleague (one is enough). With “keep the place” the person does not go to the end of the queue.
desk-transfer-to = Transfer to
desk-to-service = Service
desk-to-desk = Desk
desk-to-staff = Colleague
desk-keep-place = Keep the place in the queue
desk-transfer-go = Transfer
desk-none = —
desk-waiting = Waiting
desk-nobody-waiting = Nobody is waiting for this desk's services.
desk-number = Number
desk-service = Service
desk-waited = Waited
desk-priority = Priority
desk-needs = Needs
desk-party = People
desk-for = Reserved for
desk-call-this = Call
# $number: the ticket's number.
desk-call-this-button = Call { $number }
desk-alerts = Alerts
desk-sound = Sound when someone arrives and the queue was empty
desk-shortcuts = Keys: N call, R recall, S start, F finish, X no-show, H hold, B back to queue, T transfer.
desk-nobody = Nobody is waiting.
desk-called-message = Called { $number }.
desk-done-message = Done.
desk-this-desk = this desk
desk-you = you
desk-ticket-for-desk = Ticket { $number } was transferred to this desk.
desk-ticket-for-me = Ticket { $number } was transferred to you.
desk-arrival = { $number } arrived and the queue was empty.
# $n: minutes waited.
desk-minutes = { $n } min
desk-mediator = mediator
# $message: the server's error message.
desk-error = Error: { $message }
# $n: people in the household.
desk-people = { $n ->
    [one] { $n } person
   *[other] { $n } people
}
desk-open-alerts = Open alerts
desk-im-going = I'm going
# $what: the alert; $time: when it was raised.
desk-alert-line = { $time } · { $what }
desk-parked = Parked
desk-nobody-parked = Nobody is parked.
desk-parked-help = A parked person keeps their place. “Call back” calls them to this desk again.
# $number: the ticket's number.
desk-call-back = Call back { $number }
# $n: minutes on hold; $desk: the desk that parked it.
desk-parked-for = parked { $n } min ago at { $desk }
desk-why = Why here
desk-reason-urgent = urgent
desk-reason-appointment = appointment now
desk-reason-appointment_later = appointment later
desk-reason-priority_group = priority group
desk-reason-waited_past_target = waited past the target
desk-reason-reserved_for_desk = reserved for this desk
desk-reason-reserved_for_you = reserved for you
desk-reason-reserved_elsewhere = reserved for another desk or colleague
desk-reason-mediator_elsewhere = left for the mediator at another desk
desk-reason-walk_in_guard = a walk-in past its target, after appointments in a row
desk-not-callable = not for this desk now
desk-disabled-offline = Not connected: wait until the connection is back.
# $time: closing time; $n: people still waiting.
desk-closing = { $n ->
    [one] The office closes at { $time }: { $n } person is still waiting.
   *[other] The office closes at { $time }: { $n } people are still waiting.
}
desk-logout-title = The desk is still open
desk-logout-pause = Pause the desk and log out
desk-logout-close = Close the desk and log out
desk-logout-stay = Stay
# $number: the ticket at the desk.
desk-logout-called = { $number } is at the desk: it goes back to the queue, keeping its place.
desk-msg-recall = { $number } announced again.
desk-msg-start = Meeting with { $number } started.
desk-msg-finish = { $number } finished.
desk-msg-no-show = { $number } closed as absent.
desk-msg-hold = { $number } parked: it is under “Parked”.
desk-msg-return = { $number } back in the queue, keeping its place.
desk-msg-transfer = { $number } transferred.
desk-msg-resume = { $number } called back to this desk.
desk-msg-open = The desk is open.
desk-msg-pause = The desk is paused.
desk-msg-close = The desk is closed.
desk-msg-going = Thank you: the kiosk tells the visitor that someone is coming.
desk-err-desk_busy = This desk already has someone: finish or park them first.
desk-err-desk_not_open = Open the desk first.
desk-err-illegal_transition = That ticket has moved on meanwhile (a colleague acted on it).
desk-err-forbidden = You may not do this here.
desk-err-unknown_alert = A colleague has already taken this alert.
desk-err-unknown_ticket = That ticket no longer exists.
desk-err-desk_does_not_serve = This desk does not serve that service.
desk-err-offline = Not connected to the server: nothing was done.
desk-details = Language, people, needs
desk-reception = Reception
desk-new-ticket = New ticket (for someone who cannot use the kiosk)
desk-new-ticket-help = Nobody's name is asked or stored. Show the visitor the number, or the QR code to follow it on their phone.
desk-needs-mediator = Needs a mediator in this language
desk-issue = Issue the ticket
desk-ticket-page = Open the ticket page
# $service: the service; $ahead: people ahead.
desk-issued = { $service } · { $ahead } ahead
desk-find-ticket = Find a ticket by its number
desk-find = Find
# $number: the number searched.
desk-find-none = { $number } is not waiting nor at a desk now (finished, cancelled or not issued today).
# $number, $service, $status, $where.
desk-find-found = { $number } · { $service } · { $status } { $where }
# $n: people ahead.
desk-find-ahead = · { $n } ahead
# $desk: the desk.
desk-find-at = · at { $desk }
desk-msg-issued = Ticket { $number } issued.
# Reception's "Print at" choice (issue 19): a kiosk of the site prints the ticket, or the QR is shown here.
desk-print-at = Print at
desk-print-here = Show the QR here
# $kiosk: the kiosk's name.
desk-printing-at = Printing at { $kiosk }…
desk-printed-at = Printed at { $kiosk }
# $reason: why (one of the desk-print-error-* texts).
desk-not-printed = Not printed: { $reason } — show the QR
desk-print-error-paper_out = the kiosk is out of paper
desk-print-error-cover_open = the printer's cover is open
desk-print-error-offline = the printer is off or unplugged
desk-print-error-failing = the printer reports an error
desk-print-error-no_printer = that kiosk has no printer
desk-print-error-not_taken = the kiosk did not take it within a minute (busy with a visitor, or off)
desk-print-error-no_answer = the kiosk did not say whether it printed
desk-print-error-unknown = the kiosk could not be asked
desk-free = free
desk-not-seated = not at a desk
desk-full-today = Full for today
desk-full-help = The kiosk gives no more tickets for these services today. If the desks can take more people, lift the cap.
desk-lift-cap = Lift today's cap
# $service: the service.
desk-msg-lifted = { $service }: the kiosk gives tickets again today.
desk-statistics = Statistics
# Kiosks and displays that need looking at ($name: the device; $detail: the device's own words).
desk-devices = Devices to check
desk-device-silent = { $name }: not heard from for { $min } min (switched off or cut off?)
desk-device-never-reported = { $name }: no report since the server restarted
desk-device-sound-failing = { $name }: sound not working ({ $detail })
desk-device-sound-missing = { $name }: no sound player ({ $detail })
desk-device-chime-only = { $name }: chime only, no voice ({ $detail })
desk-device-printer-failing = { $name }: printer not working ({ $detail })
desk-device-paper-low = { $name }: paper running low

# Undo after Finish or No-show. $number: the ticket; $s: seconds left.
desk-undo = Undo
desk-undo-offer = Pressed by mistake? { $number } can be taken back for { $s } s.
desk-msg-undo = { $number } is back at this desk, as before.
desk-err-nothing_to_undo = Too late to undo: the time is over, or this desk has called someone else since.

# Appointments (issue 16): follow-ups booked at the desk, checked in at the kiosk with a code.
desk-appointments = Appointments
desk-book-follow-up = Book a follow-up
desk-book-help = No name or document is stored: the person keeps the check-in code.
desk-date = Date
desk-duration = Duration
desk-mediator-language = Mediator (language)
desk-second-staff = Second professional
desk-free-slots = Free times: press one to book it
desk-no-free-slots = No free time on this day.
desk-slip-title = Appointment
desk-slip-code = Check-in code
desk-slip-help = At the kiosk press “I have an appointment”, then type the code on its keypad.
desk-code-once = The code is shown only now: print the slip or write the code down.
desk-print-slip = Print slip
desk-appointments-of = Appointments of the day
desk-today = Today
desk-no-appointments = No appointments on this day.
desk-time = Time
desk-code = Code
desk-col-mediator = Mediator
desk-state = State
desk-change = Change
desk-cancel-title = Cancel this appointment?
desk-cancel-yes = Yes, cancel it
desk-cancel-no = No, keep it
desk-move-title = Move the appointment
desk-move-close = Close
desk-appt-cancel = Cancel
desk-appt-move = Move
# $time: the booked time; $code: the first characters of its code.
desk-appt-cancel-label = Cancel the appointment at { $time } ({ $code })
desk-appt-move-label = Move the appointment at { $time } ({ $code })
desk-appt-what = { $when } · { $service } · { $code } · { $min } min
desk-appt-state-booked = booked
desk-appt-state-checked_in = checked in
desk-appt-state-missed = missed
desk-appt-state-cancelled = cancelled
# $when: date and time; $service: the service.
desk-msg-booked = Booked: { $when }, { $service }. Give the person the slip.
desk-msg-appt-cancelled = The appointment at { $time } is cancelled: the time is free again.
desk-msg-appt-moved = The appointment is moved to { $when }.
desk-err-slot_taken = That time has just been taken: pick another one.
desk-err-appointment_cap_reached = Appointments already take their share of this day (the rest stays for people without one): pick another day.
desk-err-appointment_not_booked = This appointment changed meanwhile (checked in, cancelled or past): nothing was done.
