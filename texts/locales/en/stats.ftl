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
stats-funder-report = Funder report (JSON, by month)
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
