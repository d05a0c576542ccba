# Lettres RGPD que la personne remplit elle-même (dans le navigateur ou la
# CLI ; elles ne sont jamais envoyées à notre serveur). Placeables : $broker
# (entreprise), $name (la personne), $identifiers (numéros et adresses e-mail,
# un par ligne), $place, $date. Articles du règlement (UE) 2016/679, voir
# SOURCES.md.

letter-access-subject = Demande d'accès (article 15 du RGPD)
letter-access =
    À : { $broker }

    Madame, Monsieur,

    En vertu de l'article 15 du règlement général sur la protection des données (RGPD), je vous demande de me confirmer si vous traitez ou non des données à caractère personnel me concernant. Veuillez rechercher en tout cas les données liées à :

    { $identifiers }

    Si c'est le cas, je vous demande de me communiquer :
    1. une copie de toutes les données à caractère personnel me concernant que vous traitez (article 15, paragraphe 3) ;
    2. les finalités du traitement et les catégories de données concernées ;
    3. les destinataires ou catégories de destinataires auxquels les données ont été ou seront communiquées ;
    4. la durée de conservation des données ou, lorsque ce n'est pas possible, les critères utilisés pour déterminer cette durée ;
    5. lorsque les données n'ont pas été collectées auprès de moi, toute information disponible quant à leur source (article 15, paragraphe 1, point g).

    Conformément à l'article 12, paragraphe 3, du RGPD, vous devez répondre dans les meilleurs délais et en tout état de cause dans un délai d'un mois à compter de la réception de la présente demande. Si vous avez besoin d'informations supplémentaires pour confirmer mon identité, merci de m'indiquer lesquelles.

    Veuillez agréer, Madame, Monsieur, mes salutations distinguées.

    { $name }
    { $place }, le { $date }

letter-erasure-subject = Demande d'effacement et opposition à la prospection (articles 17 et 21 du RGPD)
letter-erasure =
    À : { $broker }

    Madame, Monsieur,

    En vertu de l'article 21, paragraphe 2, du règlement général sur la protection des données (RGPD), je m'oppose au traitement de mes données à caractère personnel à des fins de prospection, y compris au profilage lié à cette prospection. Conformément à l'article 21, paragraphe 3, mes données ne peuvent alors plus être traitées à ces fins. Dans la mesure où un traitement repose sur mon consentement, je le retire.

    En vertu de l'article 17 du RGPD, et notamment de son paragraphe 1, point c), compte tenu de mon opposition, je vous demande d'effacer dans les meilleurs délais toutes les données à caractère personnel me concernant, en tout cas les données liées à :

    { $identifiers }

    Je vous demande en outre :
    1. de me confirmer par écrit que les données ont été effacées ;
    2. de notifier l'effacement à chaque destinataire auquel vous avez communiqué les données, et de m'indiquer qui sont ces destinataires (article 19) ;
    3. de cesser de vendre ou de transmettre mes données.

    Conformément à l'article 12, paragraphe 3, du RGPD, vous devez répondre dans les meilleurs délais et en tout état de cause dans un délai d'un mois à compter de la réception de la présente demande.

    Veuillez agréer, Madame, Monsieur, mes salutations distinguées.

    { $name }
    { $place }, le { $date }

letter-complaint-nl = Pas de réponse dans le mois, ou une réponse qui ne vous satisfait pas ? Vous pouvez introduire une plainte auprès de l'autorité néerlandaise de protection des données (Autoriteit Persoonsgegevens) : https://autoriteitpersoonsgegevens.nl/een-tip-of-klacht-indienen-bij-de-ap
letter-complaint-be = Pas de réponse dans le mois, ou une réponse qui ne vous satisfait pas ? Vous pouvez demander une médiation à l'Autorité de protection des données (APD) ou y introduire une plainte : https://www.autoriteprotectiondonnees.be/citoyen/agir/introduire-une-plainte
