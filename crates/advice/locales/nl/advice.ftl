# Adviesteksten: advice-<id> is de titel; .why zegt waarom het ertoe doet;
# .steps bevat één stap per regel. Elk telefoonnummer, elke organisatie en
# elke procedure hier steunt op een van de bronnen van het item in
# rules.toml (zie SOURCES.md).

advice-stealer-log = Je toestel is misschien besmet
    .why = Deze gegevens zijn gestolen door malware die opgeslagen wachtwoorden en inlogsessies van een besmette computer of telefoon verzamelt. Zolang die malware er zit, worden ook nieuwe wachtwoorden gestolen.
    .steps =
        Maak eerst het toestel schoon: scan het met een betrouwbaar beveiligingsprogramma of zet het terug naar de fabrieksinstellingen.
        Verander intussen je wachtwoorden vanaf een ander, schoon toestel, te beginnen met je e-mail en je bank.
        Meld overal waar het kan alle actieve sessies af, en zet tweestapsverificatie aan.

advice-never-share-codes = Geef nooit een verificatiecode door
    .why = Wie je nummer kent, kan een inlogcode voor je WhatsApp of een ander account aanvragen en die dan aan jou vragen, vaak met "ik heb per ongeluk een code naar jou gestuurd". Met die code nemen ze je account over en schrijven ze je contacten aan in jouw naam.
    .steps =
        Deel nooit een code die je per sms, oproep of app krijgt, wie er ook om vraagt: een vriend, een koper of "de helpdesk".
        Een bericht dat er per ongeluk een code naar je is gestuurd, is een poging om je account over te nemen: reageer er niet op.
        Vraagt een vriend om een code of om geld? Bel hem of haar op het nummer dat je al had om het te controleren.

advice-whatsapp-two-step = Zet verificatie in twee stappen aan in WhatsApp
    .why = Met een pincode die alleen jij kent, kan niemand je nummer in WhatsApp op een andere telefoon registreren, ook niet met de code uit de sms.
    .steps =
        Open in WhatsApp Instellingen, dan Account, dan Verificatie in twee stappen, en tik op Inschakelen.
        Kies een pincode van zes cijfers die niet je geboortedatum is, en voeg een e-mailadres toe om hem te kunnen herstellen.

advice-change-passwords = Verander het gelekte wachtwoord nu
    .why = Criminelen proberen gelekte wachtwoorden uit bij elke dienst die ze kunnen. Een wachtwoord dat één keer gelekt is, is nergens meer veilig.
    .steps =
        Verander het wachtwoord van deze dienst en van elke dienst waar je hetzelfde of een vergelijkbaar wachtwoord gebruikte, te beginnen met je e-mail.
        Gebruik voor elke dienst een ander, lang wachtwoord.
        Meld andere sessies en apparaten af als de dienst dat toelaat.

advice-bank-fraud-nl = Bescherm je bankrekening (Nederland)
    .why = Met je IBAN, naam en adres doen oplichters zich overtuigend voor als je bank, een incassobureau of "de fraudeafdeling".
    .steps =
        Je bank vraagt nooit om je pincode of inlogcodes, nooit om geld over te maken naar een "veilige rekening" en nooit om software te installeren of je pas mee te geven.
        Controleer je afschriften. Een incasso kun je binnen 8 weken zelf terugboeken in je bankapp; een incasso waarvoor je nooit toestemming gaf, kan je bank tot 13 maanden later terugboeken.
        Twijfel je? Hang op en bel zelf je bank via het nummer op je pas of de website. Meld fraude bij de Fraudehelpdesk: 088-7867372.

advice-bank-fraud-be = Bescherm je bankrekening (België)
    .why = Met je rekeningnummer, naam en adres doen oplichters zich overtuigend voor als je bank.
    .steps =
        Je bank en Card Stop vragen nooit om je pincode of de codes van je kaartlezer, en je bank belt je nooit om geld naar een "veilige rekening" over te schrijven.
        Controleer je rekeningafschriften op betalingen die je niet herkent.
        Kaart of rekening misbruikt? Blokkeer meteen via Card Stop op 078 170 170, dag en nacht, en neem contact op met je bank.

advice-bank-fraud = Bescherm je bankrekening
    .why = Met je rekeningnummer, naam en adres doen oplichters zich overtuigend voor als je bank.
    .steps =
        Je bank vraagt nooit om je pincode of inlogcodes en nooit om geld naar een "veilige rekening" over te maken.
        Controleer je afschriften op betalingen die je niet herkent.
        Twijfel je? Hang op en bel zelf je bank via het nummer op je pas of de website.

advice-card-block-be = Blokkeer de gelekte kaart (België)
    .why = Met je kaartgegevens kunnen criminelen online betalen op jouw naam.
    .steps =
        Bel Card Stop op 078 170 170 (vanuit het buitenland +32 78 170 170), dag en nacht: de kaart wordt meteen geblokkeerd en vervangen.
        Controleer je afschriften op betalingen die je niet deed en meld ze aan je bank.

advice-card-block = Blokkeer de gelekte kaart
    .why = Met je kaartgegevens kunnen criminelen online betalen op jouw naam.
    .steps =
        Laat de kaart meteen blokkeren via de app van je bank of het telefoonnummer op de achterkant van de kaart, en vraag een nieuwe aan.
        Controleer je afschriften op betalingen die je niet deed en meld ze aan je bank.

advice-already-reacted-nl = Al gereageerd, een code gedeeld of betaald?
    .why = Wie in de eerste minuten handelt, beperkt de schade: je bank kan een betaling soms nog tegenhouden.
    .steps =
        Bel meteen je bank via het nummer op je pas of in de app, en laat zo nodig je passen blokkeren.
        Een WhatsApp-code gedeeld? Registreer WhatsApp opnieuw met je nummer: zodra je de nieuwe code uit de sms invoert, wordt de ander uitgelogd. Verander de wachtwoorden die je deelde en waarschuw je contacten.
        Doe aangifte bij de politie, online of via 0900-8844, en meld het bij de Fraudehelpdesk: 088-7867372. Bewaar berichten en schermafbeeldingen als bewijs.

advice-already-reacted-be = Al gereageerd, een code gedeeld of betaald?
    .why = Wie in de eerste minuten handelt, beperkt de schade: je bank kan een betaling soms nog blokkeren.
    .steps =
        Bel meteen je bank, en Card Stop op 078 170 170 als je kaart- of bankgegevens gaf of er geld van je rekening verdwijnt.
        Een WhatsApp-code gedeeld? Registreer WhatsApp opnieuw met je nummer: zodra je de nieuwe code uit de sms invoert, wordt de ander uitgelogd. Verander de wachtwoorden die je deelde en waarschuw je contacten.
        Doe aangifte bij je lokale politie en stuur het bericht door naar verdacht@safeonweb.be. Bewaar berichten en schermafbeeldingen als bewijs.

advice-already-reacted = Al gereageerd, een code gedeeld of betaald?
    .why = Wie in de eerste minuten handelt, beperkt de schade: je bank kan een betaling soms nog blokkeren.
    .steps =
        Bel meteen je bank of kaartuitgever via het nummer op je kaart.
        Een WhatsApp-code gedeeld? Registreer WhatsApp opnieuw met je nummer: zodra je de nieuwe code uit de sms invoert, wordt de ander uitgelogd. Verander de wachtwoorden die je deelde en waarschuw je contacten.
        Doe aangifte bij de politie waar je woont. Bewaar berichten en schermafbeeldingen als bewijs.

advice-expect-smishing-vishing = Verwacht nepberichten en nepoproepen
    .why = Gelekte nummers worden gebruikt voor sms-phishing (smishing) en telefoonfraude (vishing). Criminelen voegen vaak echte gegevens toe, zoals je naam of klantnummer, om echt te lijken.
    .steps =
        Tik niet op links in onverwachte berichten over een pakketje, een boete, je bank of een abonnement; ga zelf naar de website of app.
        Geef nooit persoonsgegevens, wachtwoorden, kaartcodes of responscodes door aan de telefoon, en bel onbekende nummers niet terug.
        Hang op als een beller je onder druk zet om snel te handelen, ook als hij je naam kent.

advice-hang-up-call-back = Wantrouw bellers die je gegevens kennen
    .why = Met je naam, adres of klantnummer klinkt een nep-helpdesk, provider of bankmedewerker echt. Dat iemand je gegevens kent, bewijst alleen dat ze in een gelekt bestand staan.
    .steps =
        Geef nooit codes, wachtwoorden of betaalgegevens aan iemand die je onverwacht benadert.
        Hang op en bel de organisatie zelf via het nummer op haar website, je contract of je pas.

advice-expect-phishing = Verwacht phishingmails
    .why = Gelekte adressen krijgen nepmails die lijken te komen van je provider, je bank of een webwinkel, soms met echte gegevens uit het lek.
    .steps =
        Open geen links of bijlagen in onverwachte mails; ga zelf naar de website of app.
        Kijk naar het adres van de afzender, niet alleen naar de getoonde naam, en wantrouw druk, dreigementen of prijzen.
        Een wachtwoord ingevuld op een nepsite? Verander het meteen, overal waar je het gebruikt.

advice-report-suspicious-nl = Meld verdachte berichten (Nederland)
    .why = Met jouw melding ziet de Fraudehelpdesk nieuwe oplichtingstrucs en kan ze anderen op tijd waarschuwen.
    .steps =
        Stuur een verdachte mail door naar valse-email@fraudehelpdesk.nl.
        Meld een verdachte sms of WhatsApp via het meldformulier op fraudehelpdesk.nl, of bel de Fraudehelpdesk: 088-7867372.

advice-report-suspicious-be = Meld verdachte berichten (België)
    .why = Safeonweb controleert de links in gemelde berichten en laat valse websites blokkeren, zodat minder mensen erin trappen.
    .steps =
        Stuur een verdachte e-mail door naar verdacht@safeonweb.be.
        Een verdachte sms? Maak een schermafbeelding en stuur die naar hetzelfde adres.
        Op het werk volg je eerst de procedure van je werkgever, bijvoorbeeld doorsturen naar de IT-dienst.

advice-two-factor = Zet tweestapsverificatie aan voor je e-mail en belangrijke accounts
    .why = Bij de meeste online criminaliteit wordt een gestolen wachtwoord misbruikt. Met een tweede stap is een wachtwoord alleen niet genoeg om binnen te komen.
    .steps =
        Begin met je e-mail: wie daarin binnenkomt, kan de wachtwoorden van je andere accounts opnieuw instellen.
        Zet het daarna aan voor sociale media, webwinkels en je andere belangrijke accounts.

advice-ceo-fraud = Pas op voor nepbetaalverzoeken van "je leidinggevende"
    .why = Met je functie en werkgever kunnen criminelen zich overtuigend voordoen als je directeur of een leverancier en om een dringende, vertrouwelijke betaling vragen (CEO-fraude).
    .steps =
        Wantrouw dringende of geheime betaalverzoeken per mail, app of telefoon, ook als ze van de top lijken te komen.
        Controleer het verzoek via een kanaal dat je al kent, zoals het bekende nummer van je leidinggevende, nooit via de contactgegevens in het bericht.
        Houd je aan de gewone betaalprocedure, met een tweede persoon die goedkeurt, en meld pogingen bij je IT- of securityafdeling.

advice-id-document-nl = Pas op voor identiteitsfraude (Nederland)
    .why = Met het nummer van je identiteitsbewijs en je gegevens kunnen criminelen proberen op jouw naam contracten, leningen of abonnementen af te sluiten.
    .steps =
        Let op brieven, rekeningen of incassobureaus over dingen die je nooit bestelde, en vraag de organisatie of er ook een kopie (scan) van je document is gelekt.
        Zat er een kopie van je identiteitsbewijs in het lek? Dan raadt de overheid aan om uit voorzorg een nieuw document aan te vragen bij je gemeente. Is alleen het nummer gelekt, blijf dan alert op misbruik.
        Tekenen van misbruik? Meld het bij het Centraal Meldpunt Identiteitsfraude en -fouten (CMI) via het meldingsformulier of op 088 - 900 10 00 (werkdagen 8.30–17.00 uur), en doe aangifte bij de politie.

advice-id-document-be = Pas op voor identiteitsfraude (België)
    .why = Met het nummer van je identiteitsbewijs en je gegevens kunnen criminelen proberen op jouw naam contracten, leningen of abonnementen af te sluiten.
    .steps =
        Let op brieven, rekeningen of contracten waar je nooit om vroeg.
        Identiteitskaart, paspoort of verblijfskaart verloren of gestolen? Blokkeer meteen via DOC STOP op 00800 2123 2123 (of +32 2 518 2123), gratis, dag en nacht. Banken, hotels en autoverhuurders zien het document dan als ongeldig in Checkdoc.
        Tekenen van misbruik? Doe aangifte bij je lokale politie.

advice-id-document = Pas op voor identiteitsfraude
    .why = Met het nummer van je identiteitsbewijs en je gegevens kunnen criminelen proberen op jouw naam contracten, leningen of abonnementen af te sluiten.
    .steps =
        Let op brieven, rekeningen of contracten waar je nooit om vroeg.
        Document verloren of gestolen, of tekenen van misbruik? Meld het bij de instantie die het uitgaf en bij de politie, en vraag of je een nieuw document nodig hebt.

advice-birth-date = Je geboortedatum is geen geheim meer
    .why = Diensten zoals Card Stop vragen je geboortedatum om te controleren wie je bent, en criminelen verzamelen hem om latere telefoontjes geloofwaardiger te maken.
    .steps =
        Gebruik je geboortedatum niet in pincodes of wachtwoorden.
        Een beller die je geboortedatum kent, is daarmee niet echt: hang op en bel terug via het officiële nummer.

advice-partial-card = Wantrouw wie de cijfers van je kaart noemt
    .why = Een deel van je kaartnummer, zoals de laatste vier cijfers, laat een nepmedewerker van een bank of winkel echt klinken.
    .steps =
        Dat iemand een deel van je kaartnummer kent, bewijst niets: geef nooit de rest, de beveiligingscode of je pincode.
        Hang op en bel zelf het nummer op je kaart.

advice-fake-delivery = Verwacht nepberichten over bezorging en bestellingen
    .why = Als criminelen weten wat je kocht, sturen ze overtuigende berichten over een pakketje, invoer- of verzendkosten of een probleem met je bestelling.
    .steps =
        Betaal geen "verzendkosten" of "invoerkosten" via een link in een sms of mail.
        Controleer een bestelling in de eigen app of op de eigen website van de winkel of bezorger, niet via het bericht.

advice-social-media = Bescherm je sociale media
    .why = Met je profielgegevens kunnen criminelen een nepprofiel op jouw naam maken, je vrienden aanschrijven of proberen je account over te nemen.
    .steps =
        Laat je profielfoto, vriendenlijst en andere gegevens waar het kan alleen zien door je contacten, of door niemand.
        Zet tweestapsverificatie aan voor elk sociale-media-account.
        Doet iemand zich voor als jou? Waarschuw je contacten en meld het nepprofiel bij het platform.

advice-credential-stuffing = Controleer de accounts met deze gebruikersnaam
    .why = Met een gelekte gebruikersnaam en een wachtwoord uit dit of een ander lek proberen criminelen in te loggen op je andere accounts.
    .steps =
        Gebruik je deze gebruikersnaam ergens met hetzelfde wachtwoord? Verander dat wachtwoord.
        Zet tweestapsverificatie aan en let op inlogmeldingen van onbekende apparaten.

advice-data-broker-gdpr = Vraag de databroker wat hij over je heeft en laat het wissen
    .why = Een databroker verkoopt je contactgegevens door. Volgens de AVG mag je vragen wat hij over je heeft en waar hij het vandaan heeft (artikel 15), en wissen eisen (artikel 17).
    .steps =
        Stuur de broker een inzageverzoek en een verwijderverzoek (je vult de brieven op deze pagina in), en bewaar een kopie.
        Het bedrijf moet binnen een maand antwoorden.
        Geen antwoord, of niet tevreden? Dien een klacht in bij de toezichthouder: de Autoriteit Persoonsgegevens in Nederland, de GBA in België, of de toezichthouder van het land waar je woont.

advice-password-manager = Gebruik een wachtwoordmanager
    .why = Een ander sterk wachtwoord voor elke dienst betekent dat één lek de andere niet opent, en een wachtwoordmanager onthoudt ze voor je.
    .steps =
        Laat een wachtwoordmanager per dienst een uniek wachtwoord maken en bewaren, en beveilig de manager zelf met een sterk wachtwoord en tweestapsverificatie.

advice-other-data = Minder gevoelige gegevens gelekt
    .why = Gegevens zoals je IP-adres, toestel, locatie of geslacht helpen criminelen om oplichting persoonlijker en overtuigender te maken.
    .steps =
        Je hoeft nu niets te doen: blijf alert op berichten die zulke gegevens gebruiken om echt te lijken.
        Deel je locatie alleen met apps en mensen die hem nodig hebben.

advice-stay-alert = Blijf alert
    .why = Niet gevonden betekent niet dat je gegevens nooit gelekt zijn: we kennen alleen de lekken die hier geladen zijn.
    .steps =
        Deel nooit verificatiecodes, en zet tweestapsverificatie aan voor je e-mail en andere belangrijke accounts.
        Gebruik voor elke dienst een ander wachtwoord, het liefst met een wachtwoordmanager.
        Kijk later nog eens; er komen nieuwe lekken bij.
