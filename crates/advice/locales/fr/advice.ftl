# Textes des conseils : advice-<id> est le titre ; .why dit pourquoi c'est
# important ; .steps contient une étape par ligne. Chaque numéro de
# téléphone, organisation et procédure cité ici repose sur une des sources
# de l'élément dans rules.toml (voir SOURCES.md).

advice-stealer-log = Votre appareil est peut-être infecté
    .why = Ces données ont été volées par un logiciel malveillant qui récupère les mots de passe enregistrés et les sessions de connexion d'un ordinateur ou d'un téléphone infecté. Tant qu'il s'y trouve, les nouveaux mots de passe sont volés eux aussi.
    .steps =
        Nettoyez d'abord l'appareil : analysez-le avec un logiciel de sécurité fiable ou rétablissez les paramètres d'usine.
        Entre-temps, changez vos mots de passe depuis un autre appareil, sain, en commençant par votre e-mail et votre banque.
        Déconnectez toutes les sessions actives là où c'est possible, et activez la vérification en deux étapes.

advice-never-share-codes = Ne transmettez jamais un code de vérification
    .why = Quelqu'un qui connaît votre numéro peut demander un code de connexion pour votre WhatsApp ou un autre compte, puis vous le réclamer, souvent avec « je vous ai envoyé un code par erreur ». Avec ce code, il s'empare du compte et écrit à vos contacts en votre nom.
    .steps =
        Ne partagez jamais un code reçu par SMS, appel ou application, quel que soit le demandeur : un ami, un acheteur ou « le service d'assistance ».
        Un message disant qu'un code vous a été envoyé par erreur est une tentative de prendre votre compte : n'y répondez pas.
        Un ami vous demande un code ou de l'argent ? Appelez-le au numéro que vous aviez déjà pour vérifier.

advice-whatsapp-two-step = Activez la vérification en deux étapes dans WhatsApp
    .why = Avec un code PIN que vous seul connaissez, personne ne peut enregistrer votre numéro dans WhatsApp sur un autre téléphone, même avec le code reçu par SMS.
    .steps =
        Dans les paramètres de WhatsApp, ouvrez la rubrique Compte, puis la vérification en deux étapes, et activez-la.
        Choisissez un code PIN à six chiffres qui n'est pas votre date de naissance, et ajoutez une adresse e-mail pour pouvoir le réinitialiser.

advice-change-passwords = Changez tout de suite le mot de passe divulgué
    .why = Les criminels essaient les mots de passe divulgués sur tous les services possibles. Un mot de passe qui a fuité une fois n'est plus sûr nulle part.
    .steps =
        Changez le mot de passe de ce service et de tous ceux où vous utilisiez le même ou un mot de passe semblable, en commençant par votre e-mail.
        Utilisez un mot de passe long et différent pour chaque service.
        Déconnectez les autres sessions et appareils si le service le permet.

advice-bank-fraud-nl = Protégez votre compte bancaire (Pays-Bas)
    .why = Avec votre IBAN, votre nom et votre adresse, les escrocs se font passer de façon convaincante pour votre banque, un bureau de recouvrement ou « le service fraude ».
    .steps =
        Votre banque ne demande jamais votre code PIN ni vos codes de connexion, jamais de virer de l'argent vers un « compte sûr » et jamais d'installer un logiciel ou de remettre votre carte.
        Vérifiez vos relevés. Vous pouvez annuler vous-même un prélèvement dans les 8 semaines via l'application de votre banque ; un prélèvement que vous n'avez jamais autorisé, votre banque peut le rembourser jusqu'à 13 mois plus tard.
        Un doute ? Raccrochez et appelez vous-même votre banque au numéro figurant sur votre carte ou sur son site. Signalez la fraude au Fraudehelpdesk : 088-7867372.

advice-bank-fraud-be = Protégez votre compte bancaire (Belgique)
    .why = Avec votre numéro de compte, votre nom et votre adresse, les escrocs se font passer de façon convaincante pour votre banque.
    .steps =
        Votre banque et Card Stop ne demandent jamais votre code PIN ni les codes de votre lecteur de carte, et votre banque ne vous appelle jamais pour vous faire virer de l'argent vers un « compte sûr ».
        Vérifiez vos extraits de compte pour repérer des paiements que vous ne reconnaissez pas.
        Carte ou compte utilisé frauduleusement ? Bloquez-le immédiatement via Card Stop au 078 170 170, jour et nuit, et contactez votre banque.

advice-bank-fraud = Protégez votre compte bancaire
    .why = Avec votre numéro de compte, votre nom et votre adresse, les escrocs se font passer de façon convaincante pour votre banque.
    .steps =
        Votre banque ne demande jamais votre code PIN ni vos codes de connexion, et jamais de virer de l'argent vers un « compte sûr ».
        Vérifiez vos relevés pour repérer des paiements que vous ne reconnaissez pas.
        Un doute ? Raccrochez et appelez vous-même votre banque au numéro figurant sur votre carte ou sur son site.

advice-card-block-be = Bloquez la carte divulguée (Belgique)
    .why = Avec les données de votre carte, des criminels peuvent payer en ligne à votre nom.
    .steps =
        Appelez Card Stop au 078 170 170 (depuis l'étranger +32 78 170 170), jour et nuit : la carte est bloquée immédiatement et remplacée.
        Vérifiez vos extraits pour repérer des paiements que vous n'avez pas faits et signalez-les à votre banque.

advice-card-block = Bloquez la carte divulguée
    .why = Avec les données de votre carte, des criminels peuvent payer en ligne à votre nom.
    .steps =
        Faites bloquer la carte immédiatement via l'application de votre banque ou le numéro au dos de la carte, et demandez-en une nouvelle.
        Vérifiez vos relevés pour repérer des paiements que vous n'avez pas faits et signalez-les à votre banque.

advice-already-reacted-nl = Déjà répondu, partagé un code ou payé ?
    .why = Agir dans les premières minutes limite les dégâts : votre banque peut parfois encore arrêter un paiement.
    .steps =
        Appelez immédiatement votre banque au numéro figurant sur votre carte ou dans l'application, et faites bloquer vos cartes si nécessaire.
        Vous avez partagé un code WhatsApp ? Réenregistrez WhatsApp avec votre numéro : dès que vous saisissez le nouveau code reçu par SMS, l'autre personne est déconnectée. Changez les mots de passe partagés et prévenez vos contacts.
        Portez plainte à la police, en ligne ou au 0900-8844, et signalez-le au Fraudehelpdesk : 088-7867372. Gardez les messages et des captures d'écran comme preuve.

advice-already-reacted-be = Déjà répondu, partagé un code ou payé ?
    .why = Agir dans les premières minutes limite les dégâts : votre banque peut parfois encore bloquer un paiement.
    .steps =
        Appelez immédiatement votre banque, et Card Stop au 078 170 170 si vous avez donné des données de carte ou bancaires ou si de l'argent disparaît de votre compte.
        Vous avez partagé un code WhatsApp ? Réenregistrez WhatsApp avec votre numéro : dès que vous saisissez le nouveau code reçu par SMS, l'autre personne est déconnectée. Changez les mots de passe partagés et prévenez vos contacts.
        Portez plainte auprès de votre police locale et transférez le message à suspect@safeonweb.be. Gardez les messages et des captures d'écran comme preuve.

advice-already-reacted = Déjà répondu, partagé un code ou payé ?
    .why = Agir dans les premières minutes limite les dégâts : votre banque peut parfois encore bloquer un paiement.
    .steps =
        Appelez immédiatement votre banque ou l'émetteur de votre carte au numéro figurant sur la carte.
        Vous avez partagé un code WhatsApp ? Réenregistrez WhatsApp avec votre numéro : dès que vous saisissez le nouveau code reçu par SMS, l'autre personne est déconnectée. Changez les mots de passe partagés et prévenez vos contacts.
        Portez plainte auprès de la police de votre lieu de résidence. Gardez les messages et des captures d'écran comme preuve.

advice-expect-smishing-vishing = Attendez-vous à de faux SMS et appels
    .why = Les numéros divulgués servent à l'hameçonnage par SMS (smishing) et à la fraude téléphonique (vishing). Les criminels ajoutent souvent de vraies données, comme votre nom ou votre numéro de client, pour paraître authentiques.
    .steps =
        Ne touchez pas aux liens des messages inattendus sur un colis, une amende, votre banque ou un abonnement ; allez vous-même sur le site ou dans l'application.
        Ne donnez jamais par téléphone vos données personnelles, mots de passe, codes de carte ou codes de réponse, et ne rappelez pas les numéros inconnus.
        Raccrochez si l'on vous pousse à agir vite, même si l'on connaît votre nom.

advice-hang-up-call-back = Méfiez-vous des appelants qui connaissent vos données
    .why = Votre nom, votre adresse ou votre numéro de client rendent crédible un faux service d'assistance, opérateur ou employé de banque. Connaître vos données prouve seulement qu'elles figurent dans un fichier divulgué.
    .steps =
        Ne donnez jamais de codes, mots de passe ou données de paiement à quelqu'un qui vous contacte sans que vous l'ayez demandé.
        Raccrochez et appelez vous-même l'organisation au numéro de son site, de votre contrat ou de votre carte.

advice-expect-phishing = Attendez-vous à des e-mails d'hameçonnage
    .why = Les adresses divulguées reçoivent de faux e-mails qui semblent venir de votre opérateur, de votre banque ou d'une boutique en ligne, parfois avec de vraies données de la fuite.
    .steps =
        N'ouvrez pas les liens ou pièces jointes d'e-mails inattendus ; allez vous-même sur le site ou dans l'application.
        Vérifiez l'adresse de l'expéditeur, pas seulement le nom affiché, et méfiez-vous de la pression, des menaces ou des prix à gagner.
        Vous avez saisi un mot de passe sur un faux site ? Changez-le immédiatement, partout où vous l'utilisez.

advice-report-suspicious-nl = Signalez les messages suspects (Pays-Bas)
    .why = Votre signalement aide le Fraudehelpdesk à repérer de nouvelles escroqueries et à prévenir les autres à temps.
    .steps =
        Transférez un e-mail suspect à valse-email@fraudehelpdesk.nl.
        Signalez un SMS ou un message WhatsApp suspect via le formulaire sur fraudehelpdesk.nl, ou appelez le Fraudehelpdesk au 088-7867372.

advice-report-suspicious-be = Signalez les messages suspects (Belgique)
    .why = Safeonweb contrôle les liens des messages signalés et fait bloquer les faux sites, pour que moins de gens se fassent piéger.
    .steps =
        Transférez un e-mail suspect à suspect@safeonweb.be.
        Un SMS suspect ? Faites une capture d'écran et envoyez-la à la même adresse.
        Au travail, suivez d'abord la procédure de votre employeur, par exemple en le transférant au service informatique.

advice-two-factor = Activez la vérification en deux étapes pour votre e-mail et vos comptes importants
    .why = La plupart de la criminalité en ligne passe par un mot de passe volé. Avec une seconde étape, un mot de passe seul ne suffit plus pour entrer.
    .steps =
        Commencez par votre e-mail : qui y accède peut réinitialiser les mots de passe de vos autres comptes.
        Activez-la ensuite pour les réseaux sociaux, les boutiques en ligne et vos autres comptes importants.

advice-ceo-fraud = Méfiez-vous des fausses demandes de paiement de « votre responsable »
    .why = Avec votre fonction et votre employeur, des criminels peuvent se faire passer de façon convaincante pour votre directeur ou un fournisseur et demander un paiement urgent et confidentiel (fraude au président).
    .steps =
        Méfiez-vous des demandes de paiement urgentes ou secrètes par e-mail, application ou téléphone, même si elles semblent venir de la direction.
        Vérifiez la demande par un canal que vous connaissez déjà, comme le numéro habituel de votre responsable, jamais via les coordonnées du message.
        Respectez la procédure de paiement habituelle, avec l'approbation d'une deuxième personne, et signalez les tentatives à votre service informatique ou de sécurité.

advice-id-document-nl = Méfiez-vous de l'usurpation d'identité (Pays-Bas)
    .why = Avec le numéro de votre pièce d'identité et vos données, des criminels peuvent tenter de conclure à votre nom des contrats, des prêts ou des abonnements.
    .steps =
        Soyez attentif aux lettres, factures ou bureaux de recouvrement concernant des choses que vous n'avez jamais commandées, et demandez à l'organisation si une copie (scan) de votre document a aussi fuité.
        Une copie de votre pièce d'identité figurait dans la fuite ? Le gouvernement néerlandais conseille alors de demander par précaution un nouveau document à votre commune. Si seul le numéro a fuité, restez attentif aux abus.
        Des signes d'abus ? Signalez-le au point central de signalement de la fraude à l'identité (CMI) via son formulaire ou au 088 - 900 10 00 (jours ouvrables de 8 h 30 à 17 h), et portez plainte à la police.

advice-id-document-be = Méfiez-vous de l'usurpation d'identité (Belgique)
    .why = Avec le numéro de votre pièce d'identité et vos données, des criminels peuvent tenter de conclure à votre nom des contrats, des prêts ou des abonnements.
    .steps =
        Soyez attentif aux lettres, factures ou contrats que vous n'avez jamais demandés.
        Carte d'identité, passeport ou titre de séjour perdu ou volé ? Bloquez-le immédiatement via DOC STOP au 00800 2123 2123 (ou +32 2 518 2123), gratuitement, jour et nuit. Les banques, hôtels et loueurs de voitures le voient alors comme non valable dans Checkdoc.
        Des signes d'abus ? Portez plainte auprès de votre police locale.

advice-id-document = Méfiez-vous de l'usurpation d'identité
    .why = Avec le numéro de votre pièce d'identité et vos données, des criminels peuvent tenter de conclure à votre nom des contrats, des prêts ou des abonnements.
    .steps =
        Soyez attentif aux lettres, factures ou contrats que vous n'avez jamais demandés.
        Document perdu ou volé, ou des signes d'abus ? Signalez-le à l'autorité qui l'a délivré et à la police, et demandez s'il vous faut un nouveau document.

advice-birth-date = Votre date de naissance n'est plus un secret
    .why = Des services comme Card Stop demandent votre date de naissance pour vérifier qui vous êtes, et les criminels la collectent pour rendre leurs appels suivants plus crédibles.
    .steps =
        N'utilisez pas votre date de naissance dans vos codes PIN ou mots de passe.
        Un appelant qui connaît votre date de naissance n'est pas authentique pour autant : raccrochez et rappelez le numéro officiel.

advice-partial-card = Méfiez-vous de qui cite des chiffres de votre carte
    .why = Une partie de votre numéro de carte, comme les quatre derniers chiffres, rend crédible un faux employé de banque ou de magasin.
    .steps =
        Connaître une partie de votre numéro de carte ne prouve rien : ne donnez jamais le reste, le code de sécurité ni votre code PIN.
        Raccrochez et appelez vous-même le numéro figurant sur votre carte.

advice-fake-delivery = Attendez-vous à de faux messages de livraison et de commande
    .why = Sachant ce que vous avez acheté, les criminels envoient des messages convaincants sur un colis, des frais d'envoi ou d'importation, ou un problème de commande.
    .steps =
        Ne payez pas de « frais d'envoi » ou de « droits d'importation » via un lien dans un SMS ou un e-mail.
        Vérifiez une commande dans l'application ou sur le site du magasin ou du transporteur, pas via le message.

advice-social-media = Protégez vos comptes de réseaux sociaux
    .why = Avec les données de votre profil, des criminels peuvent créer un faux profil à votre nom, écrire à vos amis ou tenter de prendre votre compte.
    .steps =
        Là où c'est possible, ne laissez voir votre photo de profil, votre liste d'amis et vos autres informations qu'à vos contacts, ou à personne.
        Activez la vérification en deux étapes sur chaque compte de réseau social.
        Quelqu'un se fait passer pour vous ? Prévenez vos contacts et signalez le faux profil à la plateforme.

advice-credential-stuffing = Vérifiez les comptes qui utilisent ce nom d'utilisateur
    .why = Avec un nom d'utilisateur divulgué et un mot de passe issu de cette fuite ou d'une autre, des criminels essaient de se connecter à vos autres comptes.
    .steps =
        Vous utilisez ce nom d'utilisateur ailleurs avec le même mot de passe ? Changez ce mot de passe.
        Activez la vérification en deux étapes et soyez attentif aux alertes de connexion depuis des appareils inconnus.

advice-data-broker-gdpr = Demandez au courtier en données ce qu'il détient et faites-le effacer
    .why = Un courtier en données revend vos coordonnées. Le RGPD vous permet de demander ce qu'il détient sur vous et d'où il le tient (article 15), et d'exiger l'effacement (article 17).
    .steps =
        Envoyez au courtier une demande d'accès et une demande d'effacement (vous remplissez les lettres sur cette page), et gardez-en une copie.
        L'entreprise doit répondre dans un délai d'un mois.
        Pas de réponse, ou pas satisfait ? Adressez-vous à l'autorité de protection des données : l'APD en Belgique, l'Autoriteit Persoonsgegevens aux Pays-Bas, ou l'autorité du pays où vous vivez.

advice-password-manager = Utilisez un gestionnaire de mots de passe
    .why = Un mot de passe fort et différent pour chaque service signifie qu'une fuite n'ouvre pas les autres, et un gestionnaire de mots de passe les retient pour vous.
    .steps =
        Laissez un gestionnaire de mots de passe créer et conserver un mot de passe unique par service, et protégez le gestionnaire lui-même par un mot de passe fort et la vérification en deux étapes.

advice-other-data = Des données moins sensibles ont fuité
    .why = Des données comme votre adresse IP, votre appareil, votre localisation ou votre genre aident les criminels à rendre une escroquerie plus personnelle et plus convaincante.
    .steps =
        Rien à faire dans l'immédiat : restez attentif aux messages qui utilisent ces données pour paraître authentiques.
        Ne partagez votre localisation qu'avec les applications et les personnes qui en ont besoin.

advice-stay-alert = Restez vigilant
    .why = Non trouvé ne veut pas dire que vos données n'ont jamais fuité : nous ne connaissons que les fuites chargées ici.
    .steps =
        Ne partagez jamais de codes de vérification, et activez la vérification en deux étapes pour votre e-mail et vos autres comptes importants.
        Utilisez un mot de passe différent pour chaque service, idéalement avec un gestionnaire de mots de passe.
        Vérifiez à nouveau plus tard ; de nouvelles fuites sont ajoutées.
