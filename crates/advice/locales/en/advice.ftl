# Advice texts: advice-<id> is the title; .why says why it matters; .steps
# holds one step per line.

advice-never-share-codes = Never pass on a verification code
    .why = Criminals who know your number ask for the code that "was sent to you by mistake". With it they take over your WhatsApp or other accounts and write to your contacts in your name.
    .steps =
        Never share a code you receive by SMS, call or app, whoever asks for it, even a friend.
        A message saying a code was sent to you by mistake is an attempt to take over your account: do not answer it.

advice-whatsapp-two-step = Turn on two-step verification in WhatsApp
    .why = With a PIN of your own, nobody can register your number on another phone, even with the SMS code.
    .steps =
        In WhatsApp open Settings, then Account, then Two-step verification, and choose Turn on.
        Choose a six-digit PIN that is not your birth date and add an email address for a reset.

advice-bank-fraud-be = Protect your bank account (Belgium)
    .why = With your account number, name and address, fraudsters pose convincingly as your bank.
    .steps =
        Your bank never asks for your PIN, card codes or to move money to a "safe account".
        Check your statements for payments you do not recognise.
        Card or account misused? Block it at once through Card Stop: 078 170 170, day and night.

advice-bank-fraud-nl = Protect your bank account (Netherlands)
    .why = With your IBAN, name and address, fraudsters pose convincingly as your bank or a collection agency.
    .steps =
        Your bank never asks for your PIN, codes or to move money to a "safe account".
        Check your statements for direct debits and payments you do not recognise; reverse unknown direct debits through your bank.
        Report fraud to your bank at once through the number on your card or its website, and to the Fraudehelpdesk.

advice-id-document-nl = Guard against identity fraud (Netherlands)
    .why = With your ID-document number and personal details, criminals can try to open accounts or take out contracts in your name.
    .steps =
        Watch for letters, contracts or debts you did not start.
        Suspect identity fraud? Contact the central identity-fraud desk (CMI) of the Dutch government and report it to the police.
        Replace the document when it has been misused or lost; a leaked number alone is a reason to stay alert, ask the CMI whether to replace it.

advice-id-document-be = Guard against identity fraud (Belgium)
    .why = With your ID-document number and personal details, criminals can try to open accounts or take out contracts in your name.
    .steps =
        Watch for letters, contracts or debts you did not start.
        Document lost, stolen or misused? Block it through DOC STOP: 00800 2123 2123, and report it to the police.

advice-change-passwords = Change the leaked password now
    .why = Criminals try leaked passwords on every service they can.
    .steps =
        Change the password of this service and of every service where you used the same one.
        Use a different, long password for each service.

advice-expect-smishing-vishing = Expect fake text messages and calls
    .why = Leaked numbers are used for SMS phishing (smishing) and phone fraud (vishing), often with real details to seem genuine.
    .steps =
        Do not click links in unexpected messages about parcels, fines, your bank or a subscription.
        Hang up when a caller asks for codes, passwords or money, even if they know your name.
        Forward suspicious messages to the reporting point in your country.

advice-hang-up-call-back = Be wary of callers who know your details
    .why = Your name, address or customer number make a fake helpdesk, provider or bank employee sound genuine.
    .steps =
        Knowing your details does not prove someone is who they say.
        Hang up and call back on the official number from the organisation's website or your card.

advice-expect-phishing = Expect phishing email
    .why = Leaked addresses receive fake emails that look like your provider, bank or a web shop.
    .steps =
        Do not open links or attachments in unexpected emails; go to the website yourself.
        Check the sender's address, not only the name shown.

advice-two-factor = Turn on two-step verification for your email and important accounts
    .why = With a second step, a stolen or guessed password alone is not enough to get in.
    .steps =
        Turn on two-step verification (an app or a security key) for email, bank, social media and shops.

advice-data-broker-gdpr = Ask the data broker what it holds and have it erased
    .why = A data broker sells your contact details on. Under the GDPR you may ask what it holds (article 15) and demand erasure (article 17).
    .steps =
        Send the broker an access request and an erasure request (you can fill in a letter below).
        No answer within a month? Complain to the data-protection authority: the Autoriteit Persoonsgegevens in the Netherlands, the GBA/APD in Belgium.

advice-already-reacted = Already reacted, shared a code or paid?
    .why = Acting in the first minutes limits the damage.
    .steps =
        Call your bank at once on its official number; in Belgium block cards through Card Stop 078 170 170.
        Change the passwords you shared and sign out other devices.
        Report it to the police (in the Netherlands online or on 0900 8844; in Belgium through Police-on-web or your local police) and keep the messages as evidence.

advice-password-manager = Use a password manager
    .why = A different strong password for every service means one leak does not open the others.
    .steps =
        Let a password manager make and remember a unique password per service.

advice-stay-alert = Stay alert
    .why = Not found does not mean no leak: we only know the breaches loaded here.
    .steps =
        Never share verification codes, and turn on two-step verification where you can.
        Check again later; new breaches are added.
