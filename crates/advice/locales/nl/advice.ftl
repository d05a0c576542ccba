# Adviesteksten: advice-<id> is de titel; .why zegt waarom het ertoe doet;
# .steps bevat één stap per regel.

advice-never-share-codes = Geef nooit een verificatiecode door
    .why = Criminelen die je nummer kennen vragen om de code die "per ongeluk naar je is verstuurd". Daarmee nemen ze je WhatsApp of andere accounts over en schrijven ze je contacten aan in jouw naam.
    .steps =
        Deel nooit een code die je per sms, oproep of app krijgt, wie er ook om vraagt, ook een vriend.
        Een bericht dat er per ongeluk een code naar je is gestuurd is een poging om je account over te nemen: reageer er niet op.

advice-whatsapp-two-step = Zet tweestapsverificatie aan in WhatsApp
    .why = Met een eigen pincode kan niemand je nummer op een andere telefoon registreren, ook niet met de sms-code.
    .steps =
        Open in WhatsApp Instellingen, dan Account, dan Verificatie in twee stappen, en kies Aanzetten.
        Kies een pincode van zes cijfers die niet je geboortedatum is en voeg een e-mailadres toe om hem te herstellen.

advice-bank-fraud-be = Bescherm je bankrekening (België)
    .why = Met je rekeningnummer, naam en adres doen oplichters zich overtuigend voor als je bank.
    .steps =
        Je bank vraagt nooit je pincode, kaartcodes of om geld naar een "veilige rekening" over te maken.
        Controleer je rekeningafschriften op betalingen die je niet herkent.
        Kaart of rekening misbruikt? Blokkeer meteen via Card Stop: 078 170 170, dag en nacht.

advice-bank-fraud-nl = Bescherm je bankrekening (Nederland)
    .why = Met je IBAN, naam en adres doen oplichters zich overtuigend voor als je bank of een incassobureau.
    .steps =
        Je bank vraagt nooit je pincode, codes of om geld naar een "veilige rekening" over te maken.
        Controleer je afschriften op incasso's en betalingen die je niet herkent; storneer onbekende incasso's via je bank.
        Meld fraude meteen bij je bank via het nummer op je pas of de website, en bij de Fraudehelpdesk.

advice-id-document-nl = Pas op voor identiteitsfraude (Nederland)
    .why = Met het nummer van je identiteitsbewijs en je gegevens kunnen criminelen proberen rekeningen te openen of contracten af te sluiten op jouw naam.
    .steps =
        Let op brieven, contracten of schulden waar jij niet om hebt gevraagd.
        Vermoed je identiteitsfraude? Neem contact op met het Centraal Meldpunt Identiteitsfraude (CMI) van de overheid en doe aangifte bij de politie.
        Vervang het document als het misbruikt of kwijt is; alleen een gelekt nummer is reden om alert te blijven, vraag het CMI of vervangen nodig is.

advice-id-document-be = Pas op voor identiteitsfraude (België)
    .why = Met het nummer van je identiteitsbewijs en je gegevens kunnen criminelen proberen rekeningen te openen of contracten af te sluiten op jouw naam.
    .steps =
        Let op brieven, contracten of schulden waar jij niet om hebt gevraagd.
        Document verloren, gestolen of misbruikt? Blokkeer het via DOC STOP: 00800 2123 2123, en meld het bij de politie.

advice-change-passwords = Verander het gelekte wachtwoord nu
    .why = Criminelen proberen gelekte wachtwoorden uit bij elke dienst die ze kunnen.
    .steps =
        Verander het wachtwoord van deze dienst en van elke dienst waar je hetzelfde gebruikte.
        Gebruik voor elke dienst een ander, lang wachtwoord.

advice-expect-smishing-vishing = Verwacht nepberichten en nepoproepen
    .why = Gelekte nummers worden gebruikt voor sms-phishing (smishing) en telefoonfraude (vishing), vaak met echte gegevens om echt te lijken.
    .steps =
        Klik niet op links in onverwachte berichten over pakketjes, boetes, je bank of een abonnement.
        Hang op als iemand om codes, wachtwoorden of geld vraagt, ook als hij je naam kent.
        Stuur verdachte berichten door naar het meldpunt in je land.

advice-hang-up-call-back = Wantrouw bellers die je gegevens kennen
    .why = Met je naam, adres of klantnummer klinkt een nep-helpdesk, provider of bankmedewerker echt.
    .steps =
        Dat iemand je gegevens kent bewijst niet dat hij is wie hij zegt.
        Hang op en bel zelf terug via het officiële nummer van de website of je pas.

advice-expect-phishing = Verwacht phishingmails
    .why = Gelekte adressen krijgen nepmails die lijken op die van je provider, bank of een webwinkel.
    .steps =
        Open geen links of bijlagen in onverwachte mails; ga zelf naar de website.
        Kijk naar het adres van de afzender, niet alleen naar de getoonde naam.

advice-two-factor = Zet tweestapsverificatie aan voor je e-mail en belangrijke accounts
    .why = Met een tweede stap is een gestolen of geraden wachtwoord alleen niet genoeg om binnen te komen.
    .steps =
        Zet tweestapsverificatie (een app of beveiligingssleutel) aan voor e-mail, bank, sociale media en webwinkels.

advice-data-broker-gdpr = Vraag de databroker wat hij over je heeft en laat het wissen
    .why = Een databroker verkoopt je contactgegevens door. Volgens de AVG mag je vragen wat hij heeft (artikel 15) en wissen eisen (artikel 17).
    .steps =
        Stuur de broker een inzageverzoek en een verwijderverzoek (hieronder vul je een brief in).
        Binnen een maand geen antwoord? Dien een klacht in bij de toezichthouder: de Autoriteit Persoonsgegevens in Nederland, de GBA in België.

advice-already-reacted = Al gereageerd, een code gedeeld of betaald?
    .why = Wie in de eerste minuten handelt beperkt de schade.
    .steps =
        Bel meteen je bank via het officiële nummer; blokkeer in België je kaarten via Card Stop 078 170 170.
        Verander de wachtwoorden die je deelde en meld andere apparaten af.
        Doe aangifte bij de politie (in Nederland online of via 0900 8844; in België via Police-on-web of je lokale politie) en bewaar de berichten als bewijs.

advice-password-manager = Gebruik een wachtwoordmanager
    .why = Een ander sterk wachtwoord voor elke dienst betekent dat één lek de andere niet opent.
    .steps =
        Laat een wachtwoordmanager per dienst een uniek wachtwoord maken en onthouden.

advice-stay-alert = Blijf alert
    .why = Niet gevonden betekent niet dat je nergens in lekte: we kennen alleen de lekken die hier geladen zijn.
    .steps =
        Deel nooit verificatiecodes en zet tweestapsverificatie aan waar het kan.
        Kijk later nog eens; er komen nieuwe lekken bij.
