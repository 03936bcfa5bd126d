# The waiting-room display (the app and the web page for TVs).
# Spoken announcements: $number is said as "A 23", $desk is the desk's label.
display-call = Number { $number }, { $desk }.
display-recall = Once again, number { $number }, { $desk }.
display-latest = Now calling
display-previous = Previous calls
display-waiting = Waiting
display-no-calls = No calls yet
# $time: hours and minutes, e.g. 10:40.
display-reconnecting = Not updated since { $time }: reconnecting
# The web page only: for the person setting up the TV.
display-enable-sound = Enable sound
display-key = Display key
# Set-up mistakes, for the person installing the display (instead of "Not updated since").
# $status: 401 or 403.
display-setup-key = The server refuses this display's key ({ $status }): check --key
display-setup-site = The server does not know the site "{ $site }": check --site
display-setup-address = "{ $url }" is not a server address: it must start with http:// or https://
# $ids: the unknown public ids, comma-separated.
display-setup-services = Unknown services at this site: { $ids } (check --services)
# For whoever looks after the room, small at the top: the sound does not work. $detail: why, in the system's words.
display-sound-failing = Sound not working: { $detail }
display-sound-missing = No sound player: { $detail }
display-sound-chime-only = Chime only, no voice: { $detail }
display-sound-not-enabled = Sound not enabled in this browser: touch “Enable sound”
