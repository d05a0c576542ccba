# Advice texts: advice-<id> is the title; .why says why it matters; .steps
# holds one step per line. Every phone number, organisation and procedure
# named here rests on one of the item's sources in rules.toml (see
# SOURCES.md).

advice-stealer-log = Your device may be infected
    .why = This data was stolen by malware that collects saved passwords and login sessions from an infected computer or phone. As long as the malware is there, new passwords are stolen too.
    .steps =
        Clean the device first: scan it with a reputable security program or reset it to factory settings.
        Meanwhile, change your passwords from another, clean device, starting with your email and your bank.
        Sign out all active sessions where a service allows it, and turn on two-step verification.

advice-never-share-codes = Never pass on a verification code
    .why = Someone who knows your number can request a login code for your WhatsApp or another account and then ask you for it, often with "I sent you a code by mistake". With that code they take over the account and write to your contacts in your name.
    .steps =
        Never share a code you receive by text message, call or app, whoever asks for it: a friend, a buyer or "the helpdesk".
        A message saying a code was sent to you by mistake is an attempt to take over your account: do not answer it.
        A friend asks for a code or money? Call them on the number you already had to check.

advice-whatsapp-two-step = Turn on two-step verification in WhatsApp
    .why = With a PIN that only you know, nobody can register your number in WhatsApp on another phone, even with the code from the text message.
    .steps =
        In WhatsApp open Settings, then Account, then Two-step verification, and tap Enable.
        Choose a six-digit PIN that is not your date of birth, and add an email address so you can reset it.

advice-change-passwords = Change the leaked password now
    .why = Criminals try leaked passwords on every service they can. A password that leaked once is no longer safe anywhere.
    .steps =
        Change the password of this service and of every service where you used the same or a similar one, starting with your email.
        Use a long, different password for each service.
        Sign out other sessions and devices where the service allows it.

advice-bank-fraud-nl = Protect your bank account (Netherlands)
    .why = With your IBAN, name and address, fraudsters pose convincingly as your bank, a debt collector or "the fraud department".
    .steps =
        Your bank never asks for your PIN or login codes, never asks you to move money to a "safe account" and never asks you to install software or hand over your card.
        Check your statements. You can reverse a direct debit within 8 weeks in your banking app; one you never authorised, your bank can reverse up to 13 months later.
        In doubt? Hang up and call your bank yourself on the number on your card or its website. Report fraud to the Fraudehelpdesk on 088-7867372.

advice-bank-fraud-be = Protect your bank account (Belgium)
    .why = With your account number, name and address, fraudsters pose convincingly as your bank.
    .steps =
        Your bank and Card Stop never ask for your PIN or the codes from your card reader, and your bank never calls to have you move money to a "safe account".
        Check your statements for payments you do not recognise.
        Card or account misused? Block it at once through Card Stop on 078 170 170, day and night, and contact your bank.

advice-bank-fraud = Protect your bank account
    .why = With your account number, name and address, fraudsters pose convincingly as your bank.
    .steps =
        Your bank never asks for your PIN or login codes and never asks you to move money to a "safe account".
        Check your statements for payments you do not recognise.
        In doubt? Hang up and call your bank yourself on the number on your card or its website.

advice-card-block-be = Block the leaked card (Belgium)
    .why = With your card details, criminals can pay online in your name.
    .steps =
        Call Card Stop on 078 170 170 (from abroad +32 78 170 170), day and night: the card is blocked at once and replaced.
        Check your statements for payments you did not make and report them to your bank.

advice-card-block = Block the leaked card
    .why = With your card details, criminals can pay online in your name.
    .steps =
        Have the card blocked at once through your bank's app or the phone number on the back of the card, and ask for a new one.
        Check your statements for payments you did not make and report them to your bank.

advice-already-reacted-nl = Already reacted, shared a code or paid?
    .why = Acting in the first minutes limits the damage: your bank may still be able to stop a payment.
    .steps =
        Call your bank at once on the number on your card or in its app, and have your cards blocked if needed.
        Shared a WhatsApp code? Register WhatsApp again with your number: entering the new code from the text message logs the other person out. Change the passwords you shared and warn your contacts.
        Report it to the police, online or on 0900-8844, and to the Fraudehelpdesk on 088-7867372. Keep messages and screenshots as evidence.

advice-already-reacted-be = Already reacted, shared a code or paid?
    .why = Acting in the first minutes limits the damage: your bank may still be able to block a payment.
    .steps =
        Call your bank at once, and Card Stop on 078 170 170 if you gave card or bank details or money is disappearing.
        Shared a WhatsApp code? Register WhatsApp again with your number: entering the new code from the text message logs the other person out. Change the passwords you shared and warn your contacts.
        Report it to your local police and forward the message to suspicious@safeonweb.be. Keep messages and screenshots as evidence.

advice-already-reacted = Already reacted, shared a code or paid?
    .why = Acting in the first minutes limits the damage: your bank may still be able to block a payment.
    .steps =
        Call your bank or card issuer at once on the number on your card.
        Shared a WhatsApp code? Register WhatsApp again with your number: entering the new code from the text message logs the other person out. Change the passwords you shared and warn your contacts.
        Report it to the police where you live. Keep messages and screenshots as evidence.

advice-expect-smishing-vishing = Expect fake text messages and calls
    .why = Leaked numbers are used for text-message phishing (smishing) and phone fraud (vishing). Criminals often add real details, such as your name or customer number, to seem genuine.
    .steps =
        Do not tap links in unexpected messages about a parcel, a fine, your bank or a subscription; go to the website or app yourself.
        Never give personal details, passwords, card codes or response codes over the phone, and do not call back unknown numbers.
        Hang up when a caller pushes you to act fast, even if they know your name.

advice-hang-up-call-back = Be wary of callers who know your details
    .why = Your name, address or customer number make a fake helpdesk, provider or bank employee sound genuine. Knowing your details only proves they are in a leaked file.
    .steps =
        Never give codes, passwords or payment details to someone who contacts you out of the blue.
        Hang up and call the organisation yourself on the number from its website, your contract or your card.

advice-expect-phishing = Expect phishing email
    .why = Leaked addresses receive fake emails that look like they come from your provider, bank or a web shop, sometimes with real details from the leak.
    .steps =
        Do not open links or attachments in unexpected emails; go to the website or app yourself.
        Check the sender's address, not only the name shown, and be wary of pressure, threats or prizes.
        Entered a password on a fake site? Change it at once, everywhere you use it.

advice-report-suspicious-nl = Report suspicious messages (Netherlands)
    .why = Your report helps the Fraudehelpdesk spot new scams and warn others in time.
    .steps =
        Forward a suspicious email to valse-email@fraudehelpdesk.nl.
        Report a suspicious text or WhatsApp message through the form on fraudehelpdesk.nl, or call the Fraudehelpdesk on 088-7867372.

advice-report-suspicious-be = Report suspicious messages (Belgium)
    .why = Safeonweb checks the links in reported messages and has fake websites blocked, so fewer people fall for them.
    .steps =
        Forward a suspicious email to suspicious@safeonweb.be.
        For a suspicious text message, take a screenshot and send it to the same address.
        At work, follow your employer's procedure first, for example by forwarding it to the IT department.

advice-two-factor = Turn on two-step verification for your email and important accounts
    .why = Stolen passwords are misused in most online crime. With a second step, a password alone is no longer enough to get in.
    .steps =
        Start with your email: whoever gets into it can reset the passwords of your other accounts.
        Then turn it on for social media, web shops and your other important accounts.

advice-ceo-fraud = Beware of fake payment requests from "your manager"
    .why = With your job title and employer, criminals can pose convincingly as your director or a supplier and ask for an urgent, confidential payment (CEO fraud).
    .steps =
        Be suspicious of urgent or secret payment requests by email, app or phone, even when they seem to come from the top.
        Check the request through a channel you already know, such as the manager's known number, never through the contact details in the message.
        Stick to the usual payment procedure, with a second person approving, and report attempts to your IT or security team.

advice-id-document-nl = Guard against identity fraud (Netherlands)
    .why = With your ID-document number and personal details, criminals can try to take out contracts, loans or subscriptions in your name.
    .steps =
        Watch for letters, bills or debt collectors about things you never ordered, and ask the organisation whether a copy (scan) of your document leaked too.
        Was a copy of your ID in the leak? The government advises applying for a new document at your municipality as a precaution. If only the number leaked, stay alert for misuse.
        Signs of misuse? Report it to the government's Central Identity Fraud Desk (CMI) through its form or on 088 - 900 10 00 (weekdays 8:30–17:00), and report it to the police.

advice-id-document-be = Guard against identity fraud (Belgium)
    .why = With your ID-document number and personal details, criminals can try to take out contracts, loans or subscriptions in your name.
    .steps =
        Watch for letters, bills or contracts you never asked for.
        ID card, passport or residence card lost or stolen? Block it at once through DOC STOP on 00800 2123 2123 (or +32 2 518 2123), free, day and night. Banks, hotels and car-rental firms then see it as invalid in Checkdoc.
        Signs of misuse? Report it to your local police.

advice-id-document = Guard against identity fraud
    .why = With your ID-document number and personal details, criminals can try to take out contracts, loans or subscriptions in your name.
    .steps =
        Watch for letters, bills or contracts you never asked for.
        Document lost or stolen, or signs of misuse? Report it to the authority that issued it and to the police, and ask whether you need a new one.

advice-birth-date = Your date of birth is no longer a secret
    .why = Services such as Card Stop ask for your date of birth to check who you are, and criminals collect it to make later calls more convincing.
    .steps =
        Do not use your date of birth in PINs or passwords.
        A caller who knows your date of birth is not proven genuine: hang up and call back on the official number.

advice-partial-card = Be wary of anyone who quotes your card digits
    .why = Part of your card number, such as the last four digits, makes a fake bank or shop employee sound genuine.
    .steps =
        Knowing part of your card number proves nothing: never give the rest of it, the security code or your PIN.
        Hang up and call the number on your card yourself.

advice-fake-delivery = Expect fake delivery and order messages
    .why = Knowing what you bought, criminals send convincing messages about a parcel, import or delivery costs, or a problem with your order.
    .steps =
        Do not pay "delivery costs" or "import duties" through a link in a text message or email.
        Check an order in the shop's or carrier's own app or website, not through the message.

advice-social-media = Protect your social media accounts
    .why = With your profile details criminals can create a fake profile in your name, write to your friends or try to take over your account.
    .steps =
        Where possible, let only your contacts, or nobody, see your profile photo, friends list and other details.
        Turn on two-step verification for every social media account.
        Someone impersonates you? Warn your contacts and report the fake profile to the platform.

advice-credential-stuffing = Check the accounts that share this username
    .why = A leaked username, together with a password from this or another leak, lets criminals try to log in to your other accounts.
    .steps =
        Where you use this username with the same password, change that password.
        Turn on two-step verification and watch for login alerts from unknown devices.

advice-data-broker-gdpr = Ask the data broker what it holds and have it erased
    .why = A data broker sells your contact details on. Under the GDPR you may ask what it holds about you and where it got it (Article 15), and demand erasure (Article 17).
    .steps =
        Send the broker an access request and an erasure request (you can fill in the letters on this page), and keep a copy.
        The company must answer within one month.
        No answer, or not satisfied? Complain to the data-protection authority: the Autoriteit Persoonsgegevens in the Netherlands, the GBA/APD in Belgium, or the authority of the country where you live.

advice-password-manager = Use a password manager
    .why = A strong, different password for every service means one leak does not open the others, and a password manager remembers them for you.
    .steps =
        Let a password manager create and store a unique password for each service, and protect the manager itself with a strong password and two-step verification.

advice-other-data = Less sensitive details leaked
    .why = Details such as your IP address, device, location or gender help criminals make a scam more personal and convincing.
    .steps =
        No action is needed right away: stay alert to messages that use such details to seem genuine.
        Share your location only with the apps and people that need it.

advice-stay-alert = Stay alert
    .why = Not found does not mean your data never leaked: we only know the breaches loaded here.
    .steps =
        Never share verification codes, and turn on two-step verification for your email and other important accounts.
        Use a different password for every service, ideally with a password manager.
        Check again later; new breaches are added.
