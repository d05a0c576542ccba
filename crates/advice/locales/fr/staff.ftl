# Un message interne qu'une organisation envoie à son personnel au sujet
# d'une fuite. Placeables : $breach (titre de la fuite), $date (date en
# toutes lettres), $classes (les types de données divulgués, déjà en liste).
# Les paragraphes de risque affichés dépendent des entrées [[staff]] de
# rules.toml.

staff-subject = Fuite de données chez { $breach } : attention aux faux messages et appels
staff-intro =
    Des données de { $breach } ont fuité le { $date } ou vers cette date. Parmi les données divulguées : { $classes }.
    Vos propres données, ou celles de collègues et de clients, en font peut-être partie. Les criminels utilisent ce type de données pour rendre leurs messages et appels crédibles, souvent des mois plus tard. Voici ce qu'ils peuvent tenter et ce que vous pouvez faire.

staff-risk-phone = Numéros de téléphone : attendez-vous à de faux SMS et appels, et à des demandes de transmettre un code de vérification envoyé « par erreur ». C'est ainsi que des comptes WhatsApp sont pris, puis utilisés pour demander de l'argent aux contacts.
staff-risk-email = Adresses e-mail : attendez-vous à des e-mails d'hameçonnage qui imitent un fournisseur, un collègue ou un service connu, avec des liens vers de fausses pages de connexion ou des pièces jointes malveillantes.
staff-risk-identity = Noms, adresses, numéros de client et dates de naissance : qui les connaît peut se faire passer de façon convaincante pour une banque, un opérateur ou un service d'assistance. Connaître vos données ne prouve rien sur son identité.
staff-risk-bank = Comptes bancaires et cartes : attendez-vous à de faux employés de banque, à de fausses factures et à des demandes de virer de l'argent vers un « compte sûr ». Une vraie banque ne demande jamais cela.
staff-risk-id-document = Numéros de pièces d'identité et de passeports : ils peuvent servir à conclure des contrats ou des abonnements au nom d'autrui. Soyez attentif aux lettres ou factures concernant des choses que vous n'avez jamais commandées.
staff-risk-work = Fonctions et employeurs : des criminels peuvent se faire passer pour un responsable ou un fournisseur et demander un paiement urgent et confidentiel, un changement de numéro de compte ou un accès aux systèmes (fraude au président).
staff-risk-passwords = Mots de passe et noms d'utilisateur : les criminels les essaient sur d'autres services, y compris les nôtres. Si vous avez utilisé le même mot de passe ailleurs, changez-le maintenant.
staff-risk-other = Autres données : des informations comme la localisation ou l'appareil aident les criminels à rendre une escroquerie plus personnelle et plus convaincante.

staff-do =
    Ne partagez jamais de codes de vérification, de mots de passe ni d'approbations de connexion, même avec des collègues ou « l'informatique ».
    Ne cliquez pas sur les liens des messages inattendus ; allez vous-même sur le site ou dans l'application.
    Vérifiez toute demande inhabituelle d'argent, de données ou d'accès en rappelant un numéro que vous connaissez déjà.
    Activez la vérification en deux étapes pour WhatsApp et votre e-mail.
    Utilisez pour le travail un autre mot de passe que pour vos comptes privés.
staff-report =
    Un message ou un appel suspect au travail ? Signalez-le immédiatement au service desk informatique ou sécurité, et ne le transférez pas à vos collègues.
    Dans votre vie privée : en Belgique, transférez-le à suspect@safeonweb.be ; aux Pays-Bas, signalez-le au Fraudehelpdesk (e-mails à valse-email@fraudehelpdesk.nl, ou au 088-7867372).
    Vous avez cliqué, partagé un code ou payé ? Prévenez tout de suite le service desk : agir vite limite les dégâts.
staff-closing = Signaler n'est jamais une question bête : chaque signalement nous aide à prévenir nos collègues à temps. Merci de rester vigilant.
