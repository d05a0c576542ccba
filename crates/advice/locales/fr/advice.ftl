# Textes des conseils : advice-<id> est le titre ; .why dit pourquoi c'est
# important ; .steps contient une étape par ligne.

advice-never-share-codes = Ne transmettez jamais un code de vérification
    .why = Les criminels qui connaissent votre numéro demandent le code « envoyé par erreur ». Avec lui, ils prennent votre WhatsApp ou d'autres comptes et écrivent à vos contacts en votre nom.
    .steps =
        Ne partagez jamais un code reçu par SMS, appel ou application, quel que soit le demandeur, même un ami.
        Un message disant qu'un code vous a été envoyé par erreur est une tentative de prise de contrôle : n'y répondez pas.

advice-whatsapp-two-step = Activez la vérification en deux étapes dans WhatsApp
    .why = Avec votre propre code PIN, personne ne peut enregistrer votre numéro sur un autre téléphone, même avec le code SMS.
    .steps =
        Dans WhatsApp, ouvrez Paramètres, puis Compte, puis Vérification en deux étapes, et choisissez Activer.
        Choisissez un code PIN à six chiffres qui n'est pas votre date de naissance et ajoutez une adresse e-mail pour le réinitialiser.

advice-bank-fraud-be = Protégez votre compte bancaire (Belgique)
    .why = Avec votre numéro de compte, votre nom et votre adresse, les escrocs se font passer de façon convaincante pour votre banque.
    .steps =
        Votre banque ne demande jamais votre code PIN, vos codes de carte ni de virer de l'argent vers un « compte sûr ».
        Vérifiez vos extraits de compte pour repérer des paiements inconnus.
        Carte ou compte utilisé frauduleusement ? Bloquez-le immédiatement via Card Stop : 078 170 170, jour et nuit.

advice-bank-fraud-nl = Protégez votre compte bancaire (Pays-Bas)
    .why = Avec votre IBAN, votre nom et votre adresse, les escrocs se font passer de façon convaincante pour votre banque ou un bureau de recouvrement.
    .steps =
        Votre banque ne demande jamais votre code PIN, vos codes ni de virer de l'argent vers un « compte sûr ».
        Vérifiez vos relevés pour repérer des prélèvements et paiements inconnus ; faites annuler les prélèvements inconnus par votre banque.
        Signalez la fraude immédiatement à votre banque via le numéro figurant sur votre carte ou son site, et au Fraudehelpdesk.

advice-id-document-nl = Méfiez-vous de l'usurpation d'identité (Pays-Bas)
    .why = Avec le numéro de votre pièce d'identité et vos données, des criminels peuvent tenter d'ouvrir des comptes ou de conclure des contrats à votre nom.
    .steps =
        Soyez attentif aux lettres, contrats ou dettes que vous n'avez pas demandés.
        Vous soupçonnez une usurpation d'identité ? Contactez le point central de signalement de la fraude à l'identité (CMI) du gouvernement néerlandais et portez plainte à la police.
        Remplacez le document s'il a été utilisé frauduleusement ou perdu ; un numéro divulgué seul est une raison de rester vigilant, demandez au CMI s'il faut le remplacer.

advice-id-document-be = Méfiez-vous de l'usurpation d'identité (Belgique)
    .why = Avec le numéro de votre pièce d'identité et vos données, des criminels peuvent tenter d'ouvrir des comptes ou de conclure des contrats à votre nom.
    .steps =
        Soyez attentif aux lettres, contrats ou dettes que vous n'avez pas demandés.
        Document perdu, volé ou utilisé frauduleusement ? Bloquez-le via DOC STOP : 00800 2123 2123, et signalez-le à la police.

advice-change-passwords = Changez tout de suite le mot de passe divulgué
    .why = Les criminels essaient les mots de passe divulgués sur tous les services possibles.
    .steps =
        Changez le mot de passe de ce service et de tous ceux où vous utilisiez le même.
        Utilisez un mot de passe long et différent pour chaque service.

advice-expect-smishing-vishing = Attendez-vous à de faux SMS et appels
    .why = Les numéros divulgués servent au hameçonnage par SMS (smishing) et à la fraude téléphonique (vishing), souvent avec de vraies données pour paraître authentiques.
    .steps =
        Ne cliquez pas sur les liens de messages inattendus sur un colis, une amende, votre banque ou un abonnement.
        Raccrochez si l'on vous demande des codes, des mots de passe ou de l'argent, même si l'on connaît votre nom.
        Transférez les messages suspects au point de signalement de votre pays.

advice-hang-up-call-back = Méfiez-vous des appelants qui connaissent vos données
    .why = Votre nom, votre adresse ou votre numéro de client rendent crédible un faux service d'assistance, opérateur ou employé de banque.
    .steps =
        Connaître vos données ne prouve pas qu'une personne est celle qu'elle prétend être.
        Raccrochez et rappelez vous-même le numéro officiel figurant sur le site de l'organisation ou sur votre carte.

advice-expect-phishing = Attendez-vous à des e-mails d'hameçonnage
    .why = Les adresses divulguées reçoivent de faux e-mails qui imitent votre opérateur, votre banque ou une boutique en ligne.
    .steps =
        N'ouvrez pas les liens ou pièces jointes d'e-mails inattendus ; allez vous-même sur le site.
        Vérifiez l'adresse de l'expéditeur, pas seulement le nom affiché.

advice-two-factor = Activez la vérification en deux étapes pour votre e-mail et vos comptes importants
    .why = Avec une seconde étape, un mot de passe volé ou deviné ne suffit plus pour entrer.
    .steps =
        Activez la vérification en deux étapes (une application ou une clé de sécurité) pour l'e-mail, la banque, les réseaux sociaux et les boutiques.

advice-data-broker-gdpr = Demandez au courtier en données ce qu'il détient et faites-le effacer
    .why = Un courtier en données revend vos coordonnées. Le RGPD vous permet de demander ce qu'il détient (article 15) et d'exiger l'effacement (article 17).
    .steps =
        Envoyez au courtier une demande d'accès et une demande d'effacement (vous pouvez remplir une lettre ci-dessous).
        Pas de réponse dans le mois ? Portez plainte auprès de l'autorité de protection des données : l'APD en Belgique, l'Autoriteit Persoonsgegevens aux Pays-Bas.

advice-already-reacted = Déjà répondu, partagé un code ou payé ?
    .why = Agir dans les premières minutes limite les dégâts.
    .steps =
        Appelez immédiatement votre banque au numéro officiel ; en Belgique, bloquez vos cartes via Card Stop 078 170 170.
        Changez les mots de passe partagés et déconnectez les autres appareils.
        Portez plainte à la police (en Belgique via Police-on-web ou votre police locale ; aux Pays-Bas en ligne ou au 0900 8844) et gardez les messages comme preuve.

advice-password-manager = Utilisez un gestionnaire de mots de passe
    .why = Un mot de passe fort et différent pour chaque service signifie qu'une fuite n'ouvre pas les autres.
    .steps =
        Laissez un gestionnaire de mots de passe créer et retenir un mot de passe unique par service.

advice-stay-alert = Restez vigilant
    .why = Non trouvé ne veut pas dire aucune fuite : nous ne connaissons que les fuites chargées ici.
    .steps =
        Ne partagez jamais de codes de vérification et activez la vérification en deux étapes partout où c'est possible.
        Vérifiez à nouveau plus tard ; de nouvelles fuites sont ajoutées.
