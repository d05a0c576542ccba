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
