# An internal notice an organisation sends its staff about a breach.
# Placeables: $breach (breach title), $date (written-out date), $classes (the
# leaked data classes, already joined as a list). Which risk paragraphs are
# shown is set by the [[staff]] entries in rules.toml.

staff-subject = Data breach at { $breach }: watch out for fake messages and calls
staff-intro =
    Data leaked from { $breach } on or around { $date }. The leaked data includes: { $classes }.
    Your own details, or those of colleagues and customers, may be among them. Criminals use this kind of data to make messages and calls look genuine, often months later. Below you can read what they may try and what you can do.

staff-risk-phone = Phone numbers: expect fake text messages and calls, and requests to pass on a verification code "sent by mistake". That is how WhatsApp accounts are taken over and then used to ask contacts for money.
staff-risk-email = Email addresses: expect phishing emails that imitate a supplier, a colleague or a well-known service, with links to fake login pages or harmful attachments.
staff-risk-identity = Names, addresses, customer numbers and dates of birth: someone who knows these can pose convincingly as a bank, provider or helpdesk. Knowing your details proves nothing about who they are.
staff-risk-bank = Bank accounts and cards: expect fake bank employees, fake invoices and requests to move money to a "safe account". A real bank never asks for that.
staff-risk-id-document = ID-document and passport numbers: they can be misused to take out contracts or subscriptions in someone else's name. Watch for letters or bills about things you never ordered.
staff-risk-work = Job titles and employers: criminals can pose as a manager or supplier and ask for an urgent, confidential payment, a change of bank details or access to systems (CEO fraud).
staff-risk-passwords = Passwords and usernames: criminals try them on other services, including ours. Anyone who used the same password anywhere else must change it now.
staff-risk-other = Other data: details such as location or device information help criminals make a scam more personal and convincing.

staff-do =
    Never share verification codes, passwords or login approvals, not even with colleagues or "IT".
    Do not click links in unexpected messages; go to the website or app yourself.
    Check any unusual request for money, data or access by calling back on a number you already know.
    Turn on two-step verification for WhatsApp and your email.
    Use a different password for work than for your private accounts.
staff-report =
    Received a suspicious message or call at work? Report it to the IT or security service desk straight away, and do not forward it to colleagues.
    In your private life: in the Netherlands, report it to the Fraudehelpdesk (emails to valse-email@fraudehelpdesk.nl, or call 088-7867372); in Belgium, forward it to suspicious@safeonweb.be.
    Clicked a link, shared a code or paid? Tell the service desk at once: acting quickly limits the damage.
staff-closing = Reporting is never a silly question: every report helps us warn colleagues in time. Thank you for staying alert.
