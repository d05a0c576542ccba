# Een interne boodschap die een organisatie over een datalek aan haar
# medewerkers stuurt. Placeables: $breach (titel van het lek), $date
# (uitgeschreven datum), $classes (de gelekte gegevenssoorten, al als lijst).
# Welke risicoalinea's verschijnen, bepalen de [[staff]]-regels in rules.toml.

staff-subject = Datalek bij { $breach }: let op nepberichten en nepoproepen
staff-intro =
    Bij { $breach } zijn op of rond { $date } gegevens gelekt. Het gaat onder meer om: { $classes }.
    Misschien zitten jouw gegevens, of die van collega's en klanten, erbij. Criminelen gebruiken zulke gegevens om berichten en telefoontjes echt te laten lijken, vaak nog maanden later. Hieronder lees je wat ze kunnen proberen en wat je zelf doet.

staff-risk-phone = Telefoonnummers: verwacht nep-sms'jes en nepoproepen, en verzoeken om een verificatiecode door te sturen die "per ongeluk" naar je is gestuurd. Zo worden WhatsApp-accounts overgenomen en daarna gebruikt om contacten om geld te vragen.
staff-risk-email = E-mailadressen: verwacht phishingmails die zich voordoen als een leverancier, een collega of een bekende dienst, met links naar nep-inlogpagina's of schadelijke bijlagen.
staff-risk-identity = Namen, adressen, klantnummers en geboortedata: wie die kent, kan zich overtuigend voordoen als bank, provider of helpdesk. Dat iemand je gegevens kent, zegt niets over wie hij is.
staff-risk-bank = Bankrekeningen en kaarten: verwacht nepbankmedewerkers, valse facturen en verzoeken om geld naar een "veilige rekening" over te maken. Een echte bank vraagt dat nooit.
staff-risk-id-document = Nummers van identiteitsbewijzen en paspoorten: die kunnen misbruikt worden om op andermans naam contracten of abonnementen af te sluiten. Let op brieven of rekeningen over dingen die je nooit bestelde.
staff-risk-work = Functies en werkgevers: criminelen kunnen zich voordoen als leidinggevende of leverancier en vragen om een dringende, vertrouwelijke betaling, een gewijzigd rekeningnummer of toegang tot systemen (CEO-fraude).
staff-risk-passwords = Wachtwoorden en gebruikersnamen: criminelen proberen ze uit bij andere diensten, ook bij de onze. Wie hetzelfde wachtwoord ergens anders gebruikte, verandert het nu.
staff-risk-other = Overige gegevens: gegevens zoals locatie of toestelinformatie helpen criminelen om oplichting persoonlijker en overtuigender te maken.

staff-do =
    Deel nooit verificatiecodes, wachtwoorden of inloggoedkeuringen, ook niet met collega's of "IT".
    Klik niet op links in onverwachte berichten; ga zelf naar de website of app.
    Controleer elk ongewoon verzoek om geld, gegevens of toegang door terug te bellen op een nummer dat je al kent.
    Zet verificatie in twee stappen aan voor WhatsApp en je e-mail.
    Gebruik voor je werk een ander wachtwoord dan voor je privéaccounts.
staff-report =
    Een verdacht bericht of telefoontje op het werk? Meld het meteen bij de IT- of securityservicedesk, en stuur het niet door naar collega's.
    Privé: in Nederland meld je het bij de Fraudehelpdesk (mails naar valse-email@fraudehelpdesk.nl, of bel 088-7867372); in België stuur je het door naar verdacht@safeonweb.be.
    Toch geklikt, een code gedeeld of betaald? Meld het direct bij de servicedesk: snel handelen beperkt de schade.
staff-closing = Melden is nooit een domme vraag: elke melding helpt ons collega's op tijd te waarschuwen. Bedankt dat je alert blijft.
