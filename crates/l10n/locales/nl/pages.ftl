# Lekradar pages, nl. Message ids are shared by nl, fr and en (a tidy test checks).

site-name = Lekradar
skip-to-content = Naar de inhoud
nav-label = Hoofdmenu
nav-check = Controleren
nav-breaches = Datalekken
lang-switch-label = Taal
footer-privacy = Lekradar bewaart geen telefoonnummers of e-mailadressen uit datalekken leesbaar en logt niet wat je controleert.
footer-api = API (Have I Been Pwned-compatibel)
index-title = Controleer je telefoonnummer of e-mailadres
index-heading = Staat je nummer of e-mailadres in een datalek?
index-lead = Vul je telefoonnummer of e-mailadres in. Je ziet in welke lekken het staat, welke van jouw gegevens erin zitten en wat je nu het beste doet.
index-lead-owner-only = Vul je e-mailadres in. We sturen het antwoord alleen naar dat adres, zodat niemand anders kan zien of jij in een lek staat.
form-account = Telefoonnummer of e-mailadres
form-account-email = E-mailadres
form-account-hint = Bijvoorbeeld 06-12345678, +32 470 12 34 56 of naam@voorbeeld.nl
form-account-email-hint = Bijvoorbeeld naam@voorbeeld.nl
form-region = Land voor nummers zonder landcode
form-submit = Controleren
index-breach-count =
    { $count ->
        [one] We kennen { $n } datalek.
       *[other] We kennen { $n } datalekken.
    }
index-see-breaches = Bekijk ze
index-privacy-heading = Wat we met je invoer doen
index-privacy-text = We zetten je nummer of adres om in een sleutel en zoeken die op. We slaan je invoer niet op en schrijven hem niet in logbestanden.
region-NL = Nederland
region-BE = België
region-DE = Duitsland
region-FR = Frankrijk
region-LU = Luxemburg
error-empty = Vul een telefoonnummer of e-mailadres in.
error-too-long = Dat is te lang voor een telefoonnummer of e-mailadres.
error-not-an-account = Dit is geen geldig telefoonnummer of e-mailadres ({ $reason }). Controleer het en kies zo nodig het juiste land.
error-owner-only-email = Hier kun je alleen een e-mailadres controleren: het antwoord gaat naar dat adres.
error-form-expired = Dit formulier was verlopen (of je browser bewaart geen cookies voor deze site). Verstuur het nog een keer.
cross-site-title = Geweigerd
cross-site-text = Dit verzoek kwam van een andere website. Controleren doe je op deze site zelf: open hem en gebruik het formulier daar.
limited-title = Even geduld
limited-text =
    { $count ->
        [one] Er zijn net te veel controles gedaan. Probeer het over { $n } seconde opnieuw.
       *[other] Er zijn net te veel controles gedaan. Probeer het over { $n } seconden opnieuw.
    }
unavailable-title = Tijdelijk niet beschikbaar
unavailable-text = De controle lukt nu niet. Probeer het zo opnieuw.
owner-sent-title = Kijk in je mailbox
owner-sent-text = Als dit adres in een ons bekend datalek staat, sturen we de details naar dat adres. Staat het nergens in, dan krijg je ook bericht.
kind-breach = Datalek
kind-scrape = Scrape
kind-data-broker = Databroker
kind-stealer-log = Stealer-log
result-checked = { $kind }:
identifier-phone = Telefoonnummer
identifier-email = E-mailadres
result-found =
    { $count ->
        [one] Gevonden in { $n } datalek
       *[other] Gevonden in { $n } datalekken
    }
result-clean =
    { $count ->
        [one] Niet gevonden in het datalek dat we kennen
       *[other] Niet gevonden in de { $n } datalekken die we kennen
    }
result-clean-text = Goed nieuws: we vonden dit niet. Dat betekent niet dat het nergens gelekt is; we kennen alleen de lekken die hier geladen zijn.
result-breaches-heading = Waar het in staat
result-your-data = Jouw gegevens in dit lek:
result-not-in-your-record =
    { $count ->
        [one] Eén ander soort gegeven uit dit lek stond niet bij jou.
       *[other] { $n } andere soorten gegevens uit dit lek stonden niet bij jou.
    }
result-advice-heading = Wat je nu doet
result-check-another = Nog iets controleren
advice-sources = Bron:
urgency-now = Nu
urgency-soon = Deze week
urgency-habit = Goede gewoonte
catalogue-title = Datalekken
catalogue-heading = De datalekken die we kennen
catalogue-lead = Per lek zie je wanneer het gebeurde, om hoeveel mensen het gaat en welke soorten gegevens erin zitten.
catalogue-empty = Er zijn nog geen datalekken geladen.
catalogue-caption = Datalekken, nieuwste eerst
catalogue-col-breach = Lek
catalogue-col-kind = Soort
catalogue-col-date = Datum
catalogue-col-count = Nummers en adressen
catalogue-col-classes = Gegevens
breach-kind = Soort
breach-date = Datum van het lek
breach-added = Toegevoegd
breach-count = Nummers en adressen
breach-emails = Waarvan e-mailadressen
breach-domain = Domein
breach-verified = Geverifieerd
breach-classes = Gegevens
breach-retired = Dit lek is teruggetrokken: controles vinden het niet meer.
breach-fabricated = Dit lek bevat verzonnen gegevens (bijvoorbeeld voor een demonstratie).
breach-sensitive = Dit lek is gevoelig: het wordt alleen aan de eigenaar van een adres getoond.
breach-chart-countries = Telefoonnummers per land
breach-chart-classes = Records per soort gegeven
breach-chart-classes-hint = Niet elk record bevat alles: daarom toont een controle welke gegevens in jóúw record stonden.
breach-check-yours = Controleer of jij erin staat
chart-other = Overige
chart-no-data = Geen cijfers beschikbaar.
chart-as-table = Als tabel
yes = ja
no = nee
not-found-title = Pagina niet gevonden
not-found-text = Deze pagina bestaat niet (meer).

## Letters to data brokers, staff message
letters-heading = Brieven aan een databroker
letters-lead = Vraag een databroker welke gegevens hij over je heeft (AVG, artikel 15) en laat ze wissen (artikel 17). Vul je gegevens in, kopieer de brief en stuur hem zelf, per e-mail of post.
letters-private = Wat je hier invult blijft in je browser: het wordt niet naar Lekradar gestuurd.
letters-subject = Onderwerp:
letters-copy = Kopieer de brief
letters-complain-heading = Geen antwoord binnen een maand?
letters-field-broker = Naam van het bedrijf
letters-field-name = Je naam
letters-field-identifiers = Je telefoonnummers en e-mailadressen (één per regel)
letters-field-place = Je woonplaats
letters-access-heading = Inzageverzoek (artikel 15 AVG)
letters-erasure-heading = Verwijderverzoek (artikel 17 AVG)
breach-letters-heading = Je gegevens terugvragen
breach-letters-text = Dit is een databroker: je kunt hem vragen wat hij over je heeft en het laten wissen.
breach-letters-link = Naar de brieven
breach-staff-heading = Bericht voor medewerkers
breach-staff-hint = Voor organisaties: een kort bericht om je medewerkers te waarschuwen. Pas het gerust aan.
breach-staff-download = Download als tekstbestand
result-letters-link = Stel de brieven aan de databroker op

private-only-title = Controle alleen in je browser
private-only-text = Deze dienst controleert je nummer of adres in je eigen browser, zodat de server het nooit te zien krijgt. Daarvoor is JavaScript nodig: zet het aan en probeer het opnieuw.

private-checked-privately = Privé gecontroleerd in je browser: de server zag je nummer of adres niet, alleen een brede groep waar het in valt.
private-checking = Bezig met privé controleren …
private-invalid = Dit is geen geldig telefoonnummer of e-mailadres. Controleer het en kies zo nodig het juiste land.
private-limited = Er zijn net te veel controles gedaan. Probeer het zo opnieuw.
private-failed = De privé controle lukte niet. Probeer het zo opnieuw.
private-untrusted = Het antwoord van de server klopt niet: het is misschien niet de echte dienst. Er is niets gecontroleerd.
private-direct = Laat de server controleren (die ziet dan je nummer of adres)

## Months
month-1 = januari
month-2 = februari
month-3 = maart
month-4 = april
month-5 = mei
month-6 = juni
month-7 = juli
month-8 = augustus
month-9 = september
month-10 = oktober
month-11 = november
month-12 = december

## Data classes (HIBP's names translated)
class-phone-numbers = Telefoonnummers
class-email-addresses = E-mailadressen
class-names = Namen
class-physical-addresses = Adressen
class-bank-account-numbers = Bankrekeningnummers
class-dates-of-birth = Geboortedatums
class-government-issued-ids = Nummers van identiteitsbewijzen
class-passport-numbers = Paspoortnummers
class-customer-numbers = Klantnummers
class-job-titles = Functietitels
class-employers = Werkgevers
class-passwords = Wachtwoorden
class-usernames = Gebruikersnamen
class-ip-addresses = IP-adressen
class-genders = Geslacht
class-social-media-profiles = Socialemediaprofielen
class-credit-cards = Creditcards
class-partial-credit-card-data = Gedeeltelijke creditcardgegevens
class-purchases = Aankopen
class-device-information = Apparaatgegevens
class-geographic-locations = Locaties

## Countries by calling code
country-31 = Nederland
country-32 = België
country-49 = Duitsland
country-33 = Frankrijk
country-44 = Verenigd Koninkrijk
country-34 = Spanje
country-39 = Italië
country-20 = Egypte
country-966 = Saoedi-Arabië
country-1 = VS en Canada
country-352 = Luxemburg
country-212 = Marokko
country-90 = Turkije
country-48 = Polen
country-351 = Portugal
country-41 = Zwitserland
country-43 = Oostenrijk

## Alerts (crates/web/src/pages/alerts.rs)
nav-alerts = Meldingen
alerts-title = Krijg een melding als je in een datalek opduikt
alerts-intro = Geef je e-mailadres of mobiele nummer. We schrijven je wanneer het opduikt in een datalek dat we laden — één keer per datalek — en bewaren het nooit leesbaar: het wordt versleuteld opgeslagen en gewist wanneer je je afmeldt.
alerts-account-label = E-mailadres of mobiel nummer
alerts-submit = Meldingen aanvragen
alerts-sent-title = Kijk in je mailbox
alerts-sent-text = Als dit adres meldingen kan krijgen, is er een mail met een bevestigingslink onderweg. De link werkt één keer, 24 uur lang. Lekradar vraagt je nooit om een code, een wachtwoord of een betaling.
alerts-code-title = Typ de code die we per sms stuurden
alerts-code-text = Er is een code van zes cijfers onderweg naar je telefoon. Hij werkt 10 minuten. Typ hem hier; geef hem nooit aan iemand die je belt of schrijft.
alerts-code-label = Code
alerts-code-submit = Bevestigen
alerts-code-wrong = Deze code klopt niet. Pogingen over: { $tries }.
alerts-code-none = Er wacht geen code voor dit nummer (verlopen of te vaak geprobeerd). Vraag een nieuwe aan.
alerts-confirm-title = Bevestig je meldingen
alerts-confirm-text = Druk op de knop om je meldingen aan te zetten. We sturen je dan een eerste overzicht.
alerts-confirm-submit = Mijn meldingen aanzetten
alerts-on-title = Je meldingen staan aan
alerts-on-text = We stuurden je een eerste overzicht. Vanaf nu schrijven we je wanneer je opduikt in een datalek dat we laden.
alerts-link-title = Deze link werkt niet meer
alerts-link-text = Hij is al gebruikt of ouder dan 24 uur. Vraag opnieuw meldingen aan als je die wilt.
alerts-unsubscribe-title = Meldingen stoppen
alerts-unsubscribe-text = Druk op de knop om de meldingen te stoppen en je adres of nummer bij Lekradar te wissen.
alerts-unsubscribe-submit = Mijn meldingen stoppen
alerts-unsubscribed-title = Geen meldingen meer
alerts-unsubscribed-text = Je krijgt geen meldingen meer van ons, en je adres of nummer is gewist.
alerts-not-offered = Deze server stuurt geen meldingen.
alerts-no-sms = Deze server stuurt geen sms: geef een e-mailadres.
alerts-limited = Te veel verzoeken vanaf je netwerk. Probeer het later opnieuw.
alerts-unavailable = Dit kan nu niet. Probeer het later opnieuw.
alerts-optout-link = Of: verberg je adres of nummer voor openbaar zoeken
alerts-optout-title = Verberg je gegevens voor openbaar zoeken
alerts-optout-intro = Geef je e-mailadres of mobiele nummer. Zodra je dat bevestigt vanuit je mailbox of telefoon, antwoorden controles op deze site en via de API dat het in geen datalek zit. Niemand anders kan dit voor je vragen.
alerts-optout-submit = Verbergen
alerts-optout-done-title = Verborgen voor openbaar zoeken
alerts-optout-done-text = Controles van je adres of nummer antwoorden nu dat het in geen datalek zit.
alerts-mail-to-label = Voor een mobiel nummer: stuur de meldingen per mail naar (niet verplicht)
alerts-mail-to-hint = Laat leeg om ze per sms te krijgen. We vragen dit adres eerst om toestemming.
alerts-mail-to-invalid = Het adres voor meldingen per mail moet een e-mailadres zijn, samen met een mobiel nummer.
alerts-link-sent-text = We stuurden ook een link naar het e-mailadres dat je opgaf: zodra die gevolgd is, gaan de meldingen over je nummer daarheen in plaats van per sms.
alerts-linked-title = Meldingen per mail
alerts-linked-text = Vanaf nu komen de meldingen over je mobiele nummer per mail naar dit adres, met welk nummer en welk datalek.

## Organisaties (/org)
nav-orgs = Organisaties
org-title = Lekradar voor organisaties
org-intro = Houd in de gaten of de werkadressen en -nummers van je mensen in datalekken opduiken, en waarschuw ze. Meld je aan met je werkadres: we mailen je een link die één keer werkt, 15 minuten lang. Er is geen wachtwoord.
org-address-label = E-mailadres
org-sign-in-submit = Mail me een aanmeldlink
org-not-offered = Deze server biedt geen accounts voor organisaties.
org-link-sent-title = Kijk in je mailbox
org-link-sent-text = Als dit adres zich kan aanmelden, is er een mail met een aanmeldlink onderweg. De link werkt één keer, 15 minuten lang. Lekradar vraagt je nooit om een code, een wachtwoord of een betaling.
org-link-title = Verder naar Lekradar
org-link-text = Druk op de knop om verder te gaan. Daarna werkt de link niet meer.
org-link-submit = Verder
org-link-unusable-title = Deze link werkt niet
org-link-unusable = Hij is al gebruikt of te oud. Vraag een nieuwe aan.
org-signed-in-as = Aangemeld als
org-none-yet = Je hoort nog bij geen enkele organisatie. Maak er een, of vraag een eigenaar van de jouwe je uit te nodigen.
org-yours = Je organisaties
org-create-title = Een organisatie maken
org-name-label = Naam van de organisatie
org-create-submit = Maken
org-sign-out-title = Afmelden
org-sign-out = Afmelden
org-sign-out-everywhere = Afmelden op alle apparaten
org-signed-out-title = Afgemeld
org-signed-out-text = Je bent afgemeld op dit apparaat.
org-signed-out-everywhere-text = Je bent afgemeld op alle apparaten waar je aangemeld was.
org-all = Al je organisaties
org-you = jij
org-role-owner = eigenaar
org-role-viewer = lezer
org-domains-title = Domeinen
org-domains-intro = Op de bewezen domeinen van je organisatie mag zij werkadressen bewaken. Bewijs een domein met een DNS-record of met een mail naar een van zijn beheeradressen. We controleren elke dag opnieuw; verdwijnt het bewijs, dan toont het domein geen resultaten meer.
org-domains-none = Nog geen domein.
org-domain-pending = nog niet bewezen
org-domain-verified = bewezen
org-domain-lapsed = bewijs vervallen
org-domain-how = Bewezen { $method } op { $when }.
org-method-dns = via DNS
org-method-mail = per mail
org-domain-lapsed-text = Het bewijs is verdwenen (het DNS-record is weg, of het bewijs per mail is ouder dan een jaar). Bewijs het domein opnieuw om zijn resultaten te zien.
org-domain-txt-intro = Zet dit TXT-record bij het domein (andere TXT-records mogen blijven) en druk dan op Controleren:
org-domain-check = DNS-record controleren
org-domain-mail-label = Of mail een bewijslink naar
org-domain-mail-submit = Link sturen
org-domain-mail-sent = Er is een bewijslink onderweg naar dat adres. Hij werkt één keer, 24 uur lang.
org-domain-remove = Dit domein verwijderen
org-domain-label = Domein, bijvoorbeeld example.org
org-domain-add = Domein toevoegen
org-domain-verified-notice = Het domein is bewezen.
org-domain-verified-title = Domein bewezen
org-domain-verified-text = Dank je: { $org } mag nu de werkadressen op { $domain } bewaken.
org-members-title = Leden
org-member-address = Adres
org-member-role = Rol
org-member-since = Lid sinds
org-member-actions = Acties
org-make-owner = Eigenaar maken
org-make-viewer = Lezer maken
org-member-remove = Verwijderen
org-invite-title = Iemand uitnodigen
org-invite-submit = Uitnodiging sturen
org-invite-sent = De uitnodiging is onderweg. De link werkt één keer, 7 dagen lang.
org-leave-title = Vertrekken of verwijderen
org-leave = Deze organisatie verlaten
org-delete-confirm = De organisatie en alles wat ze bevat verwijderen, voor alle leden
org-delete = Organisatie verwijderen
org-delete-unconfirmed = Vink het vakje aan om te bevestigen dat de organisatie weg moet.
org-back = Terug naar de organisatie
org-audit-title = Auditlog
org-audit-retention = Regels worden { $days } dagen bewaard.
org-audit-when = Wanneer
org-audit-who = Wie
org-audit-what = Wat
org-audit-system = Lekradar
org-audit-signed-in = heeft zich aangemeld
org-audit-signed-out-everywhere = heeft zich overal afgemeld
org-audit-org-created = heeft de organisatie gemaakt
org-audit-member-joined = is lid geworden
org-audit-member-invited = heeft uitgenodigd
org-audit-member-role = heeft de rol gewijzigd van
org-audit-member-left = is vertrokken
org-audit-member-removed = heeft verwijderd
org-audit-domain-added = heeft een domein toegevoegd
org-audit-domain-verified = heeft een domein bewezen
org-audit-domain-proof-mailed = heeft een domeinbewijs gemaild
org-audit-domain-lapsed = het bewijs van een domein is vervallen
org-audit-domain-removed = heeft een domein verwijderd
org-error-address = Dit is geen e-mailadres.
org-error-signed-out = Je bent niet aangemeld (of je sessie is afgelopen). Meld je opnieuw aan.
org-error-not-found = Deze pagina bestaat niet voor jou.
org-error-not-owner = Alleen een eigenaar van de organisatie kan dit.
org-error-last-owner = Een organisatie heeft een eigenaar nodig: maak eerst iemand anders eigenaar.
org-error-name = Geef een naam van 1 tot 100 tekens.
org-error-domain = Dit is geen domeinnaam ({ $reason }).
org-error-domain-taken = Je organisatie heeft dit domein al.
org-error-too-many-domains = Een organisatie kan hoogstens 50 domeinen hebben.
org-error-role-address = Kies een van de gegeven adressen.
org-error-record-missing = Het TXT-record is er nog niet (we vonden { $others } andere TXT-records). DNS-wijzigingen hebben soms tijd nodig; probeer het later opnieuw.
org-error-dns = Het opzoeken in DNS is mislukt. Probeer het later opnieuw.
org-watch-title = Bewakingslijst
org-watch-intro = De werkadressen (op je bewezen domeinen) en mobiele nummers van je mensen, elk met je eigen referentie. Upload een bestand in een formaat dat Lekradar leest (CSV, spreadsheet, JSON, vCard, …; de andere kolommen van een regel worden de referentie) of voeg ze een voor een toe. Ze worden versleuteld bewaard, nooit leesbaar, en verwijderd als je ze weghaalt.
org-watch-counts = Bewaakt / in een lek:
org-watch-refused = Niet toegevoegd
org-watch-file-label = Bestand met de lijst
org-watch-upload = Uploaden
org-watch-identifier-label = Werkadres of mobiel nummer
org-watch-reference-label = Je referentie (naam, personeelsnummer)
org-watch-add = Toevoegen
org-watch-added = { $added } toegevoegd, { $updated } bijgewerkt, { $refused } niet toegevoegd.
org-refused-line = Regel { $line }: { $reason }
org-refused-no-identifier = geen e-mailadres of telefoonnummer
org-refused-domain-not-proved = het adres ligt niet op een van je bewezen domeinen
org-refused-phone-cap = je organisatie bewaakt al zoveel mobiele nummers als ze mag
org-refused-entry-cap = je bewakingslijst is vol
org-refused-not-mobile = geen mobiel nummer
org-error-identifier = Geef een werkadres of een mobiel nummer.
org-error-upload = Kies een bestand om te uploaden.
org-error-upload-too-large = Dit bestand is te groot (hoogstens 16 MiB).
org-error-file = Het bestand kan niet gelezen worden: { $reason }
org-report-title = Rapport
org-report-chart = Je mensen per lek
org-report-csv = Exporteren als CSV
org-report-breaches = Lekken met je mensen erin
org-report-none = Geen van je mensen zit in een lek dat Lekradar kent.
org-report-breach = Lek
org-report-people = Je mensen
org-report-leaked = Wat er van hen uitlekte
org-report-staff = Bericht aan personeel
org-report-staff-link = Klaar om te sturen
org-report-per-person = Per persoon
org-report-reference = Referentie
org-report-identifier = Adres of nummer
org-report-found-in = Gevonden in
org-report-domain-not-proved = niet getoond: het bewijs van het domein is vervallen
org-report-in-none = geen lek
org-audit-watchlist-added = heeft toegevoegd aan de bewakingslijst
org-audit-watchlist-removed = heeft verwijderd van de bewakingslijst
org-audit-report-viewed = heeft het rapport gelezen
org-audit-report-exported = heeft het rapport geëxporteerd
org-report-only-exposed = Alleen de mensen in een lek
org-report-everybody = Iedereen op de bewakingslijst
org-report-next = Volgende mensen
org-watch-still-working = Je lijst is lang: ze wordt nog toegevoegd. Laad deze pagina over een minuut opnieuw; het auditlog zegt hoeveel er zijn toegevoegd.
org-api-keys-title = API-sleutels
org-api-keys-intro = Voor de domein-API van Have I Been Pwned (breacheddomain, subscribeddomains, subscription/status) op /api/v3 van deze server: elke sleutel ziet alleen de bewezen domeinen van deze organisatie.
org-api-key-name = Naam
org-api-key-prefix = Begint met
org-api-key-create = Sleutel maken
org-api-key-revoke = Intrekken
org-api-key-revoked = ingetrokken
org-api-key-created = Je nieuwe API-sleutel — kopieer hem nu, hij wordt niet meer getoond: { $secret }
org-audit-apikey-created = heeft een API-sleutel gemaakt
org-audit-apikey-revoked = heeft een API-sleutel ingetrokken
org-webhooks-title = Webhooks
org-webhooks-intro = Staan mensen van je volglijst in een nieuw datalek, dan stuurt Lekradar een klein JSON-bericht naar elk adres hieronder, ondertekend zoals de Standard Webhooks-specificatie zegt (webhook-id, webhook-timestamp, webhook-signature). Het noemt het datalek en hoeveel van je mensen erin staan; de details haal je op met je API-sleutel. Mislukte afleveringen worden ongeveer een dag lang opnieuw geprobeerd; een antwoord 410 Gone zet de webhook uit.
org-webhook-url = Adres (https://…)
org-webhook-add = Webhook toevoegen
org-webhook-added = Webhook toegevoegd. Het ondertekengeheim — kopieer het nu, het wordt niet meer getoond: { $secret }
org-webhook-rotate = Nieuw geheim
org-webhook-rotated = Nieuw ondertekengeheim — kopieer het nu, het wordt niet meer getoond: { $secret } Het oude geheim ondertekent nog 24 uur mee, zodat je kunt overstappen zonder een aflevering te missen.
org-webhook-test = Test versturen
org-webhook-test-sent = Er is een testaflevering onderweg; de uitkomst staat hier zo.
org-webhook-enable = Aanzetten
org-webhook-disable = Uitzetten
org-webhook-remove = Verwijderen
org-webhook-on = aan
org-webhook-off = uit: { $reason }
org-webhook-last = Laatste aflevering
org-webhook-never = nog geen
org-webhook-state = Stand
org-error-webhook-not-url = Dit is geen webadres (https://…).
org-error-webhook-https = Het adres van een webhook moet met https:// beginnen.
org-error-webhook-credentials = Het adres van een webhook mag geen gebruikersnaam of wachtwoord bevatten; controleer de handtekening.
org-error-webhook-unresolvable = Deze hostnaam is niet te vinden.
org-error-webhook-private = Dit adres wijst naar een privénetwerk of naar deze server zelf; webhooks gaan alleen naar publieke adressen.
org-error-too-many-webhooks = Een organisatie kan hoogstens 10 webhooks hebben.
org-audit-webhook-added = voegde een webhook toe
org-audit-webhook-rotated = gaf een webhook een nieuw geheim
org-audit-webhook-enabled = zette een webhook aan
org-audit-webhook-disabled = zette een webhook uit
org-audit-webhook-removed = verwijderde een webhook

## Passkeys (organisations)
org-passkeys-title = Passkeys
org-passkeys-intro = Met een passkey meld je je aan met de schermvergrendeling van je apparaat of een beveiligingssleutel, zonder op een mail te wachten. De gemailde link blijft werken.
org-passkeys-need-script = Voor het toevoegen van een passkey is JavaScript nodig.
org-passkey-name = Naam
org-passkey-name-hint = bijv. laptop werk
org-passkey-added = Toegevoegd
org-passkey-used = Laatst gebruikt
org-passkey-never-used = nog niet
org-passkey-add = Passkey toevoegen
org-passkey-remove = Verwijderen
org-passkey-or = Of, met een passkey die je eerder toevoegde:
org-passkey-sign-in = Aanmelden met een passkey
org-passkey-failed = Dat lukte niet:
org-error-passkeys-off = Deze server biedt geen passkeys aan.
org-error-passkey-refused = De passkey werd niet aanvaard. Begin opnieuw.
org-error-too-many-passkeys = Je kunt hoogstens 20 passkeys hebben.
org-audit-passkey-added = voegde een passkey toe
org-audit-passkey-removed = verwijderde een passkey

## Mobiele nummers bevestigd door wie ze heeft (owner-only)
org-refused-no-sms = een mobiel nummer moet door wie het heeft bevestigd worden per sms, en deze server verstuurt geen sms
org-watch-codes-sent = { $count ->
    [one] Eén mobiel nummer kreeg een code per sms: de resultaten verschijnen zodra je in het rapport de code intypt die de houder je geeft.
   *[other] { $n } mobiele nummers kregen een code per sms: hun resultaten verschijnen zodra je in het rapport de code intypt die de houder je geeft.
}
org-report-awaiting-confirmation = wacht op de code van wie het nummer heeft (per sms verstuurd)
org-watch-code-label = Code
org-watch-confirm = Bevestigen
org-watch-resend = Nieuwe code sturen
org-watch-code-resent = Er ging een nieuwe code naar het nummer.
org-error-wrong-code = { $count ->
    [one] Dat is niet de code. Nog één poging.
   *[other] Dat is niet de code. Nog { $n } pogingen.
}
org-error-not-a-code = Een code heeft zes cijfers.
org-error-code-ended = De code is verlopen (te oud, of te vaak geprobeerd). Stuur een nieuwe.
org-error-code-sent-recently = Er ging net een code naar dit nummer. Wacht een minuut.
org-audit-watchlist-phone-confirmed = bevestigde een mobiel nummer met de code van de houder
org-audit-watchlist-code-sent = stuurde een nieuwe code naar een mobiel nummer
