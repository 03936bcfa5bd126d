# Words of every staff page (desk and statistics). The ids end with the API's value.
staff-desk-closed = closed
staff-desk-open = open
staff-desk-paused = paused
staff-status-waiting = waiting
staff-status-called = called
staff-status-serving = serving
staff-status-on_hold = on hold
staff-status-done = finished
staff-status-no_show = no-show
staff-status-cancelled = cancelled
staff-priority-standard = standard
staff-priority-priority = priority
staff-priority-appointment = appointment
staff-priority-urgent = urgent
staff-alert-help_requested = Help requested at the kiosk
staff-alert-printer_failure = Printer failure
staff-alert-other = Alert
