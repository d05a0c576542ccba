# AVG-brieven die iemand zelf invult (in de browser of de CLI; ze gaan nooit
# naar onze server). Placeables: $broker (bedrijf), $name (de persoon),
# $identifiers (de telefoonnummers en e-mailadressen, één per regel), $place,
# $date. Artikelen uit Verordening (EU) 2016/679, zie SOURCES.md.

letter-access-subject = Verzoek om inzage (artikel 15 AVG)
letter-access =
    Aan: { $broker }

    Geachte heer, mevrouw,

    Op grond van artikel 15 van de Algemene verordening gegevensbescherming (AVG) verzoek ik u mij te laten weten of u persoonsgegevens over mij verwerkt. Zoekt u in elk geval naar gegevens die verbonden zijn aan:

    { $identifiers }

    Als u persoonsgegevens over mij verwerkt, verzoek ik u mij het volgende te verstrekken:
    1. een kopie van alle persoonsgegevens over mij die u verwerkt (artikel 15, lid 3);
    2. de doeleinden van de verwerking en de betrokken categorieën van persoonsgegevens;
    3. de ontvangers of categorieën van ontvangers aan wie de gegevens zijn of worden verstrekt;
    4. hoe lang de gegevens worden bewaard of, als dat niet mogelijk is, de criteria om die termijn te bepalen;
    5. als u de gegevens niet bij mij hebt verzameld: alle beschikbare informatie over de bron ervan (artikel 15, lid 1, onder g).

    Volgens artikel 12, lid 3, AVG moet u onverwijld en in ieder geval binnen een maand na ontvangst van dit verzoek reageren. Hebt u aanvullende informatie nodig om mijn identiteit vast te stellen, laat u mij dan weten wat u nodig hebt.

    Met vriendelijke groet,

    { $name }
    { $place }, { $date }

letter-erasure-subject = Verzoek om verwijdering en bezwaar tegen direct marketing (artikelen 17 en 21 AVG)
letter-erasure =
    Aan: { $broker }

    Geachte heer, mevrouw,

    Op grond van artikel 21, lid 2, van de Algemene verordening gegevensbescherming (AVG) maak ik bezwaar tegen de verwerking van mijn persoonsgegevens voor direct marketing, met inbegrip van profilering die daarmee verband houdt. Volgens artikel 21, lid 3, mogen mijn gegevens dan niet meer voor die doeleinden worden verwerkt. Voor zover u zich voor een verwerking op mijn toestemming baseert, trek ik die in.

    Op grond van artikel 17 AVG, en in het bijzonder artikel 17, lid 1, onder c, gezien mijn bezwaar, verzoek ik u alle persoonsgegevens over mij onverwijld te wissen, in elk geval de gegevens die verbonden zijn aan:

    { $identifiers }

    Daarnaast verzoek ik u:
    1. mij schriftelijk te bevestigen dat de gegevens zijn gewist;
    2. de verwijdering mee te delen aan iedere ontvanger aan wie u de gegevens hebt verstrekt, en mij te laten weten wie die ontvangers zijn (artikel 19);
    3. te stoppen met het verkopen of doorgeven van mijn gegevens.

    Volgens artikel 12, lid 3, AVG moet u onverwijld en in ieder geval binnen een maand na ontvangst van dit verzoek reageren.

    Met vriendelijke groet,

    { $name }
    { $place }, { $date }

letter-complaint-nl = Binnen een maand geen antwoord, of ben je het er niet mee eens? Dan kun je een klacht indienen bij de Autoriteit Persoonsgegevens: https://autoriteitpersoonsgegevens.nl/een-tip-of-klacht-indienen-bij-de-ap
letter-complaint-be = Binnen een maand geen antwoord, of ben je het er niet mee eens? Dan kun je de Gegevensbeschermingsautoriteit (GBA) om bemiddeling vragen of er een klacht indienen: https://www.gegevensbeschermingsautoriteit.be/burger/acties/klacht-indienen
