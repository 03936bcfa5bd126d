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
