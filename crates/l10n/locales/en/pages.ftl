# Lekradar pages, en. Message ids are shared by nl, fr and en (a tidy test checks).

site-name = Lekradar
skip-to-content = Skip to content
nav-label = Main menu
nav-check = Check
nav-breaches = Breaches
lang-switch-label = Language
footer-privacy = Lekradar keeps no phone number or email address from a breach in readable form and does not log what you check.
footer-api = API (Have I Been Pwned compatible)
index-title = Check your phone number or email address
index-heading = Is your number or email address in a breach?
index-lead = Enter your phone number or email address. You will see which breaches hold it, which of your data leaked and what to do now.
index-lead-owner-only = Enter your email address. We send the answer only to that address, so nobody else can see whether you are in a breach.
form-account = Phone number or email address
form-account-email = Email address
form-account-hint = For example 06-12345678, +32 470 12 34 56 or name@example.nl
form-account-email-hint = For example name@example.nl
form-region = Country for numbers without a country code
form-submit = Check
index-breach-count =
    { $count ->
        [one] We know { $n } breach.
       *[other] We know { $n } breaches.
    }
index-see-breaches = See them
index-privacy-heading = What we do with what you type
index-privacy-text = We turn your number or address into a key and look that up. We do not keep what you typed and never write it to logs.
region-NL = Netherlands
region-BE = Belgium
region-DE = Germany
region-FR = France
region-LU = Luxembourg
error-empty = Enter a phone number or an email address.
error-too-long = That is too long for a phone number or email address.
error-not-an-account = This is not a valid phone number or email address ({ $reason }). Check it and choose the right country if needed.
error-owner-only-email = Only email addresses can be checked here: the answer is sent to that address.
error-form-expired = This form had expired (or your browser keeps no cookies for this site). Please submit it again.
cross-site-title = Refused
cross-site-text = This request came from another website. Checks are made on this site itself: open it and use the form there.
limited-title = Please wait
limited-text =
    { $count ->
        [one] Too many checks were just made. Try again in { $n } second.
       *[other] Too many checks were just made. Try again in { $n } seconds.
    }
unavailable-title = Temporarily unavailable
unavailable-text = The check cannot be made right now. Try again shortly.
owner-sent-title = Check your inbox
owner-sent-text = If this address is in a breach we know, we send the details to that address. If it is in none, you get a message too.
kind-breach = Data breach
kind-scrape = Scrape
kind-data-broker = Data broker
kind-stealer-log = Stealer log
result-checked = { $kind }:
identifier-phone = Phone number
identifier-email = Email address
result-found =
    { $count ->
        [one] Found in { $n } breach
       *[other] Found in { $n } breaches
    }
result-clean =
    { $count ->
        [one] Not found in the breach we know
       *[other] Not found in the { $n } breaches we know
    }
result-clean-text = Good news: we did not find it. That does not mean it never leaked; we only know the breaches loaded here.
result-breaches-heading = Where it was found
result-your-data = Your data in this breach:
result-not-in-your-record =
    { $count ->
        [one] One other kind of data in this breach was not in your record.
       *[other] { $n } other kinds of data in this breach were not in your record.
    }
result-advice-heading = What to do now
result-check-another = Check something else
advice-sources = Source:
urgency-now = Now
urgency-soon = This week
urgency-habit = Good habit
catalogue-title = Breaches
catalogue-heading = The breaches we know
catalogue-lead = For each breach: when it happened, how many people it holds and which kinds of data it contains.
catalogue-empty = No breaches have been loaded yet.
catalogue-caption = Breaches, newest first
catalogue-col-breach = Breach
catalogue-col-kind = Kind
catalogue-col-date = Date
catalogue-col-count = Numbers and addresses
catalogue-col-classes = Data
breach-kind = Kind
breach-date = Date of the breach
breach-added = Added
breach-count = Numbers and addresses
breach-emails = Of which email addresses
breach-domain = Domain
breach-verified = Verified
breach-classes = Data
breach-retired = This breach has been retired: checks no longer find it.
breach-fabricated = This breach holds made-up data (for example for a demonstration).
breach-sensitive = This breach is sensitive: it is only shown to the owner of an address.
breach-chart-countries = Phone numbers per country
breach-chart-classes = Records per kind of data
breach-chart-classes-hint = Not every record holds everything: that is why a check shows what was in your record.
breach-check-yours = Check whether you are in it
chart-other = Other
chart-no-data = No figures available.
chart-as-table = As a table
yes = yes
no = no
not-found-title = Page not found
not-found-text = This page does not exist (any more).

## Letters to data brokers, staff message
letters-heading = Letters to a data broker
letters-lead = Ask a data broker which of your data it holds (GDPR, article 15) and have it erased (article 17). Fill in your details, copy the letter and send it yourself, by email or post.
letters-private = What you type here stays in your browser: nothing is sent to Lekradar.
letters-subject = Subject:
letters-copy = Copy the letter
letters-complain-heading = No answer within a month?
letters-field-broker = Name of the company
letters-field-name = Your name
letters-field-identifiers = Your phone numbers and email addresses (one per line)
letters-field-place = Your town
letters-access-heading = Access request (GDPR article 15)
letters-erasure-heading = Erasure request (GDPR article 17)
breach-letters-heading = Taking your data back
breach-letters-text = This is a data broker: you can ask it what it holds on you and have it erased.
breach-letters-link = To the letters
breach-staff-heading = Message for staff
breach-staff-hint = For organisations: a short message to warn your staff. Adapt it as you see fit.
breach-staff-download = Download as a text file
result-letters-link = Write the letters to the data broker

private-only-title = Checks only in your browser
private-only-text = This service checks your number or address in your own browser, so the server never sees it. That needs JavaScript: turn it on and try again.

private-checked-privately = Checked privately in your browser: the server did not see your number or address, only a broad group it falls in.
private-checking = Checking privately…
private-invalid = This is not a valid phone number or email address. Check it and choose the right country if needed.
private-limited = Too many checks were just made. Try again shortly.
private-failed = The private check failed. Try again shortly.
private-untrusted = The server's answer could not be verified: it may not be the real service. Nothing was checked.
private-direct = Check on the server instead (it will see your number or address)

## Months
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

## Data classes (HIBP's names translated)
class-phone-numbers = Phone numbers
class-email-addresses = Email addresses
class-names = Names
class-physical-addresses = Physical addresses
class-bank-account-numbers = Bank account numbers
class-dates-of-birth = Dates of birth
class-government-issued-ids = Government issued IDs
class-passport-numbers = Passport numbers
class-customer-numbers = Customer numbers
class-job-titles = Job titles
class-employers = Employers
class-passwords = Passwords
class-usernames = Usernames
class-ip-addresses = IP addresses
class-genders = Genders
class-social-media-profiles = Social media profiles
class-credit-cards = Credit cards
class-partial-credit-card-data = Partial credit card data
class-purchases = Purchases
class-device-information = Device information
class-geographic-locations = Geographic locations

## Countries by calling code
country-31 = Netherlands
country-32 = Belgium
country-49 = Germany
country-33 = France
country-44 = United Kingdom
country-34 = Spain
country-39 = Italy
country-20 = Egypt
country-966 = Saudi Arabia
country-1 = US and Canada
country-352 = Luxembourg
country-212 = Morocco
country-90 = Turkey
country-48 = Poland
country-351 = Portugal
country-41 = Switzerland
country-43 = Austria

## Alerts (crates/web/src/pages/alerts.rs)
nav-alerts = Alerts
alerts-title = Get an alert when you turn up in a breach
alerts-intro = Give your email address or mobile number. We write to you when it turns up in a breach we load — once per breach — and never keep it readable: it is stored encrypted and deleted when you unsubscribe.
alerts-account-label = Email address or mobile number
alerts-submit = Ask for alerts
alerts-sent-title = Look in your mailbox
alerts-sent-text = If this address can get alerts, a mail with a confirmation link is on its way. The link works once, for 24 hours. Lekradar never asks you for a code, a password or a payment.
alerts-code-title = Type the code we sent by text message
alerts-code-text = A six-digit code is on its way to your phone. It works for 10 minutes. Type it here; never give it to anyone who calls or writes to you.
alerts-code-label = Code
alerts-code-submit = Confirm
alerts-code-wrong = This code is not right. Tries left: { $tries }.
alerts-code-none = No code is waiting for this number (it expired or was tried too often). Ask for a new one.
alerts-confirm-title = Confirm your alerts
alerts-confirm-text = Press the button to switch your alerts on. We then send you a first report.
alerts-confirm-submit = Switch my alerts on
alerts-on-title = Your alerts are on
alerts-on-text = We sent you a first report. From now on we write to you when you turn up in a breach we load.
alerts-link-title = This link cannot be used
alerts-link-text = It was used already or is older than 24 hours. Ask for alerts again if you want them.
alerts-unsubscribe-title = Stop the alerts
alerts-unsubscribe-text = Press the button to stop the alerts and delete your address or number from Lekradar.
alerts-unsubscribe-submit = Stop my alerts
alerts-unsubscribed-title = No more alerts
alerts-unsubscribed-text = You will get no more alerts from us, and your address or number is deleted.
alerts-not-offered = This server sends no alerts.
alerts-no-sms = This server sends no text messages: give an email address.
alerts-limited = Too many requests from your network. Try again later.
alerts-unavailable = This cannot be done right now. Try again later.
alerts-optout-link = Hide your address or number from public search instead
alerts-optout-title = Hide your data from public search
alerts-optout-intro = Give your email address or mobile number. Once you confirm from your mailbox or phone, checks on this site and through its API answer that it is in no breach. Nobody else can ask for this.
alerts-optout-submit = Hide from search
alerts-optout-done-title = Hidden from public search
alerts-optout-done-text = Checks of your address or number now answer that it is in no breach.
alerts-mail-to-label = For a mobile number: send its alerts by mail to (optional)
alerts-mail-to-hint = Leave empty to get them by text message. We ask this address to agree first.
alerts-mail-to-invalid = The address for alerts by mail must be an email address, given with a mobile number.
alerts-link-sent-text = We also sent a link to the email address you gave: once it is followed, the alerts about your number go there instead of by text message.
alerts-linked-title = Alerts by mail
alerts-linked-text = From now on the alerts about your mobile number come to this address by mail, saying which number and which breach.

## Organisations (/org)
nav-orgs = Organisations
org-title = Lekradar for organisations
org-intro = Watch whether your people's work addresses and numbers turn up in breaches, and warn them. Sign in with your work address: we mail you a link that works once, for 15 minutes. There is no password.
org-address-label = Email address
org-sign-in-submit = Mail me a sign-in link
org-not-offered = This server offers no accounts for organisations.
org-link-sent-title = Look in your mailbox
org-link-sent-text = If this address can sign in, a mail with a sign-in link is on its way. The link works once, for 15 minutes. Lekradar never asks you for a code, a password or a payment.
org-link-title = Continue to Lekradar
org-link-text = Press the button to go on. The link then stops working.
org-link-submit = Continue
org-link-unusable-title = This link cannot be used
org-link-unusable = It was used already or is too old. Ask for a new one.
org-signed-in-as = Signed in as
org-none-yet = You belong to no organisation yet. Create one, or ask an owner of yours to invite you.
org-yours = Your organisations
org-create-title = Create an organisation
org-name-label = Name of the organisation
org-create-submit = Create
org-sign-out-title = Sign out
org-sign-out = Sign out
org-sign-out-everywhere = Sign out on every device
org-signed-out-title = Signed out
org-signed-out-text = You are signed out on this device.
org-signed-out-everywhere-text = You are signed out on every device where you were signed in.
org-all = All your organisations
org-you = you
org-role-owner = owner
org-role-viewer = viewer
org-domains-title = Domains
org-domains-intro = Your organisation's domains, once proved, are where it may watch work addresses. Prove one with a DNS record or by a mail to one of its administrative addresses. We check again every day; when the proof goes away, the domain stops showing results.
org-domains-none = No domain yet.
org-domain-pending = not proved yet
org-domain-verified = proved
org-domain-lapsed = proof lapsed
org-domain-how = Proved { $method } on { $when }.
org-method-dns = by DNS
org-method-mail = by mail
org-domain-lapsed-text = The proof went away (the DNS record was removed, or the mailed proof is more than a year old). Prove the domain again to see its results.
org-domain-txt-intro = Add this TXT record to the domain (other TXT records can stay), then press Check:
org-domain-check = Check the DNS record
org-domain-mail-label = Or mail a proof link to
org-domain-mail-submit = Send the link
org-domain-mail-sent = A proof link is on its way to that address. It works once, for 24 hours.
org-domain-remove = Remove this domain
org-domain-label = Domain, like example.org
org-domain-add = Add the domain
org-domain-verified-notice = The domain is proved.
org-domain-verified-title = Domain proved
org-domain-verified-text = Thank you: { $org } may now watch the work addresses at { $domain }.
org-members-title = Members
org-member-address = Address
org-member-role = Role
org-member-since = Member since
org-member-actions = Actions
org-make-owner = Make owner
org-make-viewer = Make viewer
org-member-remove = Remove
org-invite-title = Invite someone
org-invite-submit = Send the invitation
org-invite-sent = The invitation is on its way. Its link works once, for 7 days.
org-leave-title = Leave or delete
org-leave = Leave this organisation
org-delete-confirm = Delete the organisation and everything it holds, for every member
org-delete = Delete the organisation
org-delete-unconfirmed = Tick the box to confirm that the organisation is to be deleted.
org-back = Back to the organisation
org-audit-title = Audit log
org-audit-retention = Entries are kept for { $days } days.
org-audit-when = When
org-audit-who = Who
org-audit-what = What
org-audit-system = Lekradar
org-audit-signed-in = signed in
org-audit-signed-out-everywhere = signed out on every device
org-audit-org-created = created the organisation
org-audit-member-joined = joined
org-audit-member-invited = invited
org-audit-member-role = changed the role of
org-audit-member-left = left
org-audit-member-removed = removed
org-audit-domain-added = added a domain
org-audit-domain-verified = proved a domain
org-audit-domain-proof-mailed = mailed a domain proof
org-audit-domain-lapsed = a domain's proof lapsed
org-audit-domain-removed = removed a domain
org-error-address = This is not an email address.
org-error-signed-out = You are not signed in (or your session ended). Sign in again.
org-error-not-found = There is no such page for you.
org-error-not-owner = Only an owner of the organisation can do this.
org-error-last-owner = An organisation needs an owner: make someone else owner first.
org-error-name = Give a name of 1 to 100 characters.
org-error-domain = This is not a domain name ({ $reason }).
org-error-domain-taken = Your organisation has this domain already.
org-error-too-many-domains = An organisation can have at most 50 domains.
org-error-role-address = Choose one of the listed addresses.
org-error-record-missing = The TXT record is not there yet (we found { $others } other TXT records). DNS changes can take a while to show; try again later.
org-error-dns = The DNS lookup failed. Try again later.
org-watch-title = Watchlist
org-watch-intro = The work addresses (at your proved domains) and mobile numbers of your people, each with your own reference. Upload a file in any format Lekradar reads (CSV, spreadsheet, JSON, vCard, …; the other columns of a row become its reference) or add them one by one. They are kept encrypted, never readable, and deleted when you remove them.
org-watch-counts = Watched / in a breach:
org-watch-refused = Not added
org-watch-file-label = Watchlist file
org-watch-upload = Upload
org-watch-identifier-label = Work address or mobile number
org-watch-reference-label = Your reference (name, staff number)
org-watch-add = Add
org-watch-added = { $added } added, { $updated } updated, { $refused } not added.
org-refused-line = Line { $line }: { $reason }
org-refused-no-identifier = no email address or phone number
org-refused-domain-not-proved = the address is not at one of your proved domains
org-refused-phone-cap = your organisation watches as many mobile numbers as it may
org-refused-entry-cap = your watchlist is full
org-refused-not-mobile = not a mobile number
org-error-identifier = Give a work address or a mobile number.
org-error-upload = Choose a file to upload.
org-error-upload-too-large = This file is too large (at most 16 MiB).
org-error-file = The file cannot be read: { $reason }
org-report-title = Report
org-report-chart = Your people per breach
org-report-csv = Export as CSV
org-report-breaches = Breaches that hold your people
org-report-none = None of your people is in a breach Lekradar knows.
org-report-breach = Breach
org-report-people = Your people
org-report-leaked = What leaked of them
org-report-staff = Message to staff
org-report-staff-link = Ready to send
org-report-per-person = Per person
org-report-reference = Reference
org-report-identifier = Address or number
org-report-found-in = Found in
org-report-domain-not-proved = not shown: the domain's proof lapsed
org-report-in-none = no breach
org-audit-watchlist-added = added to the watchlist
org-audit-watchlist-removed = removed from the watchlist
org-audit-report-viewed = read the report
org-audit-report-exported = exported the report
org-report-only-exposed = Only the people in a breach
org-report-everybody = Everybody on the watchlist
org-report-next = Next people
org-watch-still-working = Your list is long: it is still being added and keyed. Reload this page in a minute; the audit log will say how many were added.
org-api-keys-title = API keys
org-api-keys-intro = For the Have I Been Pwned domain API (breacheddomain, subscribeddomains, subscription/status) on this server's /api/v3: each key sees this organisation's proved domains only.
org-api-key-name = Name
org-api-key-prefix = Starts with
org-api-key-create = Create a key
org-api-key-revoke = Revoke
org-api-key-revoked = revoked
org-api-key-created = Your new API key — copy it now, it is not shown again: { $secret }
org-audit-apikey-created = created an API key
org-audit-apikey-revoked = revoked an API key
org-webhooks-title = Webhooks
org-webhooks-intro = When a new breach holds people on your watchlist, Lekradar posts a small JSON message to each address below, signed as the Standard Webhooks specification says (webhook-id, webhook-timestamp, webhook-signature). It names the breach and how many of your people it holds; fetch the details with your API key. Failed deliveries are retried for about a day; an answer of 410 Gone turns the webhook off.
org-webhook-url = Address (https://…)
org-webhook-add = Add a webhook
org-webhook-added = Webhook added. Its signing secret — copy it now, it is not shown again: { $secret }
org-webhook-rotate = New secret
org-webhook-rotated = New signing secret — copy it now, it is not shown again: { $secret } The old secret keeps signing for 24 hours, so you can switch without losing a delivery.
org-webhook-test = Send a test
org-webhook-test-sent = A test delivery is on its way; its outcome shows here in a moment.
org-webhook-enable = Turn on
org-webhook-disable = Turn off
org-webhook-remove = Remove
org-webhook-on = on
org-webhook-off = off: { $reason }
org-webhook-last = Last delivery
org-webhook-never = none yet
org-webhook-state = State
org-error-webhook-not-url = This is not a web address (https://…).
org-error-webhook-https = A webhook's address must start with https://.
org-error-webhook-credentials = A webhook's address must not hold a user name or password; check the signature instead.
org-error-webhook-unresolvable = This host name cannot be found.
org-error-webhook-private = This address points into a private network or at this server itself; webhooks go to public addresses only.
org-error-too-many-webhooks = An organisation can have at most 10 webhooks.
org-audit-webhook-added = added a webhook
org-audit-webhook-rotated = gave a webhook a new secret
org-audit-webhook-enabled = turned a webhook on
org-audit-webhook-disabled = turned a webhook off
org-audit-webhook-removed = removed a webhook

## Passkeys (organisations)
org-passkeys-title = Passkeys
org-passkeys-intro = A passkey signs you in with your device's screen lock or a security key, without waiting for a mail. The mailed link keeps working.
org-passkeys-need-script = Adding a passkey needs JavaScript.
org-passkey-name = Name
org-passkey-name-hint = e.g. work laptop
org-passkey-added = Added
org-passkey-used = Last used
org-passkey-never-used = not yet
org-passkey-add = Add a passkey
org-passkey-remove = Remove
org-passkey-or = Or, with a passkey you added before:
org-passkey-sign-in = Sign in with a passkey
org-passkey-failed = That did not work:
org-error-passkeys-off = Passkeys are not offered on this server.
org-error-passkey-refused = The passkey was not accepted. Try again from the start.
org-error-too-many-passkeys = You can have at most 20 passkeys.
org-audit-passkey-added = added a passkey
org-audit-passkey-removed = removed a passkey

## Mobile numbers confirmed by their holders (owner-only)
org-refused-no-sms = a mobile number needs its holder's confirmation by SMS, and this server sends no SMS
org-watch-codes-sent = { $count ->
    [one] One mobile number got a code by SMS: its results show once you type, in the report, the code its holder gives you.
   *[other] { $n } mobile numbers got a code by SMS: their results show once you type, in the report, the code their holder gives you.
}
org-report-awaiting-confirmation = waiting for its holder's code (sent by SMS)
org-watch-code-label = Code
org-watch-confirm = Confirm
org-watch-resend = Send a new code
org-watch-code-resent = A new code went to the number.
org-error-wrong-code = { $count ->
    [one] That is not the code. One try left.
   *[other] That is not the code. { $n } tries left.
}
org-error-not-a-code = A code is six digits.
org-error-code-ended = The code has ended (too old, or tried too often). Send a new one.
org-error-code-sent-recently = A code went to this number a moment ago. Wait a minute.
org-audit-watchlist-phone-confirmed = confirmed a mobile number with its holder's code
org-audit-watchlist-code-sent = sent a new code to a mobile number
