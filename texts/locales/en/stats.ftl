# The managers' pages: /stats (statistics) and /stats/live (now).
stats-title = Sportello — statistics
stats-heading = Statistics
stats-site = Site
stats-service = Service
stats-from = From
stats-to = To
stats-date-placeholder = YYYY-MM-DD
stats-update = Update
stats-issued = Tickets issued
stats-served = Served
stats-no-show = No-shows
stats-cancelled = Cancelled
stats-on-hold = On hold (at least once)
stats-people = People
stats-wait-mean = Mean wait (s)
stats-wait-p50 = Median wait (s)
stats-wait-p90 = Wait, 90th percentile (s)
stats-wait-max = Longest wait (s)
stats-walk-mean = Mean walk to the desk (s)
stats-service-mean = Mean service time (s)
stats-service-level = Service level
stats-transfers = Transfers
stats-integrated = Integrated journeys (social + employment)
stats-live-link = Now: queues, desks and alerts live
stats-arrivals = Arrivals by hour of the week
stats-arrivals-chart = arrivals by hour of the week
stats-queue = People waiting by hour of the day (mean)
stats-queue-chart = mean people waiting per hour of the day
stats-desks-staff = Desks and staff
stats-desk-or-staff = Desk / staff member
stats-service-mean-short = Mean service (s)
stats-hours-open = Hours open
stats-hours-paused = Hours paused
stats-languages = Languages
stats-priorities = Priorities
stats-needs = Needs
stats-download-csv = Download CSV:
stats-download-csv-excel = CSV for Excel in Italian (semicolons, decimal commas):
stats-funder-report = Funder report (by month, with CSV)
stats-mon = Mon
stats-tue = Tue
stats-wed = Wed
stats-thu = Thu
stats-fri = Fri
stats-sat = Sat
stats-sun = Sun

## /stats/live
stats-live-title = Sportello — now
# $site: the site's name.
stats-live-heading = Now — { $site }
stats-live-dashboard = Statistics
stats-live-waiting = Waiting
stats-live-longest = longest wait
stats-live-open-desks = open desks
# $n: minutes.
stats-minutes = { $n } min
stats-live-queues = Queues
stats-live-longest-min = Longest wait (min)
stats-live-open-desks-col = Open desks
stats-live-desks = Desks
stats-live-desk = Desk
stats-live-state = State
stats-live-staff = Staff member
stats-live-ticket = Ticket
stats-live-alerts = Today's alerts
# $time: hours, minutes and seconds.
stats-live-updated = Updated at { $time }.
stats-live-auto = reload by itself every 10 seconds
stats-estimate-bias = Wait estimate: signed bias (s; negative = told too little)
stats-estimate-mae = Wait estimate: mean absolute error (s)
stats-estimate-short = Wait estimate: waited longer than told
stats-estimates = Quality of the wait estimate, per day and service
stats-day = Day
stats-estimated = Tickets with an estimate

## Tables per service and per day, pickers
stats-to-desk = Desk page
stats-all-services = All services
# $tz: the site's time zone (Europe/Rome).
stats-period = Dates and times in the site's time zone ({ $tz }); "To" includes that whole day.
stats-by-service = Per service
stats-by-day = Per day
# $n: the most days the table shows.
stats-days-cut = The per-day table shows the first { $n } days; the other tables cover the whole period.
stats-col-issued = Issued
stats-col-served = Served
stats-col-no_show = No-shows
stats-col-cancelled = Cancelled
stats-col-expired = Expired at closing
stats-col-people = People
stats-col-wait_mean_s = Mean wait (s)
stats-col-wait_p90_s = Wait, 90th percentile (s)
stats-col-service_mean_s = Mean service (s)
stats-col-service_level = Service level

## /stats/funder
stats-funder-title = Sportello — funder report
# $site: the site's name.
stats-funder-heading = Funder report — { $site }
stats-month = Month
# $n: the smallest group shown.
stats-funder-help = Every cell of fewer than { $n } tickets or households is hidden (—), so that nobody can be recognised.
stats-suppressed = — (below the minimum)
stats-funder-services = Services used (tickets, transfers included)
stats-funder-groups = People per priority group
stats-csv-excel-short = CSV for Excel

## /stats/whatif
stats-whatif-link = What if…? Simulate a staff plan
stats-whatif-title = Sportello — what if…?
# $site: the site's name.
stats-whatif-heading = What if…? Staff plans — { $site }
stats-whatif-weekday = Weekday
stats-whatif-weeks = Weeks of history
stats-whatif-replications = Simulated days
stats-whatif-plan-a = Plan A
stats-whatif-plan-b = Plan B
stats-whatif-plan-help = One desk after another, separated by “;”: DESK[:SERVICE,SERVICE…][@FROM-TO[/FROM-TO…]]. Without services the desk serves its configured ones; without hours it is open all day. Example: lt-sportello-1@8-13; lt-stanza-5:legale@9-12/14-17
stats-whatif-run = Simulate
# $n: tickets; $from, $to: days; $weekday: a day name.
stats-whatif-history = Arrivals and service times measured on { $n } tickets of { $weekday } from { $from } to { $to }.
stats-whatif-no-history = No ticket of this weekday in the chosen history: there is nothing to simulate.
# $n: simulated days.
stats-whatif-method = Simulated on the real queue engine, { $n } days with a fixed seed: the same choices give the same figures. Waits are those of the people called, by hour of arrival.
stats-whatif-desks = Open desks
stats-whatif-hours = Hours
stats-whatif-services = Services
stats-whatif-hour = Hour
stats-whatif-tickets = Tickets a day
stats-whatif-past-target = Past target, a day
stats-whatif-unserved = Never called, a day
stats-whatif-occupancy = Desk occupancy
stats-whatif-day = Whole day
stats-whatif-inputs = Measured inputs per service
stats-whatif-arrivals = Arrivals a day
stats-whatif-measured = measured
stats-whatif-default = default
# Issue 16: the dashboard's "Appointments" section (a row per figure of the summary's `appointments`).
stats-appointments = Appointments
stats-appointments-help = Bookings by booked time in the period. Punctuality runs from the booked time to the first call: an early call counts negative. A day is appointment-heavy when at least { $share } of its tickets are appointments.
stats-appt-booked = Appointments booked (not cancelled)
stats-appt-kept = Kept (checked in)
stats-appt-late = Late (check-in after the window)
stats-appt-missed = Missed
stats-appt-cancelled = Cancelled
stats-appt-open = Still to come
stats-appt-lead_time_mean_h = Lead time, mean (hours)
stats-appt-lead_time_median_h = Lead time, median (hours)
stats-appt-called = Appointments called
stats-appt-punctuality_mean_min = Punctuality, mean (minutes after the booked time)
stats-appt-punctuality_p90_min = Punctuality, 90th percentile (minutes)
stats-appt-called_within_10_min = Called within 10 minutes
stats-appt-heavy_day_share = Appointment-heavy day threshold
stats-appt-days = Days with tickets
stats-appt-heavy_days = Appointment-heavy days
stats-appt-walk_in_wait_mean_heavy_s = Mean walk-in wait, appointment-heavy days (s)
stats-appt-walk_in_wait_mean_other_s = Mean walk-in wait, other days (s)
