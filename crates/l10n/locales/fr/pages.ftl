# Lekradar pages, fr. Message ids are shared by nl, fr and en (a tidy test checks).

site-name = Lekradar
skip-to-content = Aller au contenu
nav-label = Menu principal
nav-check = Vérifier
nav-breaches = Fuites de données
lang-switch-label = Langue
footer-privacy = Lekradar ne conserve aucun numéro ni adresse e-mail des fuites en clair et n'enregistre pas ce que vous vérifiez.
footer-api = API (compatible Have I Been Pwned)
index-title = Vérifiez votre numéro ou votre adresse e-mail
index-heading = Votre numéro ou votre adresse e-mail figure-t-il dans une fuite ?
index-lead = Saisissez votre numéro de téléphone ou votre adresse e-mail. Vous verrez dans quelles fuites il figure, quelles données vous concernant s'y trouvent et que faire maintenant.
index-lead-owner-only = Saisissez votre adresse e-mail. Nous envoyons la réponse uniquement à cette adresse, pour que personne d'autre ne puisse voir si vous figurez dans une fuite.
form-account = Numéro de téléphone ou adresse e-mail
form-account-email = Adresse e-mail
form-account-hint = Par exemple 0470 12 34 56, +31 6 12345678 ou nom@exemple.be
form-account-email-hint = Par exemple nom@exemple.be
form-region = Pays pour les numéros sans indicatif
form-submit = Vérifier
index-breach-count =
    { $count ->
        [one] Nous connaissons { $n } fuite.
       *[other] Nous connaissons { $n } fuites.
    }
index-see-breaches = Les voir
index-privacy-heading = Ce que nous faisons de votre saisie
index-privacy-text = Nous transformons votre numéro ou adresse en une clé et la recherchons. Nous ne conservons pas votre saisie et ne l'écrivons dans aucun journal.
region-NL = Pays-Bas
region-BE = Belgique
region-DE = Allemagne
region-FR = France
region-LU = Luxembourg
error-empty = Saisissez un numéro de téléphone ou une adresse e-mail.
error-too-long = C'est trop long pour un numéro ou une adresse e-mail.
error-not-an-account = Ce n'est pas un numéro ou une adresse e-mail valide ({ $reason }). Vérifiez-le et choisissez le bon pays si nécessaire.
error-owner-only-email = Ici, vous ne pouvez vérifier qu'une adresse e-mail : la réponse est envoyée à cette adresse.
error-form-expired = Ce formulaire avait expiré (ou votre navigateur ne garde pas de cookies pour ce site). Veuillez l'envoyer à nouveau.
cross-site-title = Refusé
cross-site-text = Cette demande venait d'un autre site web. La vérification se fait sur ce site même : ouvrez-le et utilisez son formulaire.
limited-title = Un instant
limited-text =
    { $count ->
        [one] Trop de vérifications viennent d'être faites. Réessayez dans { $n } seconde.
       *[other] Trop de vérifications viennent d'être faites. Réessayez dans { $n } secondes.
    }
unavailable-title = Temporairement indisponible
unavailable-text = La vérification ne fonctionne pas pour le moment. Réessayez dans un instant.
owner-sent-title = Consultez votre boîte mail
owner-sent-text = Si cette adresse figure dans une fuite que nous connaissons, nous envoyons les détails à cette adresse. Si elle n'y figure pas, vous recevrez aussi un message.
kind-breach = Fuite de données
kind-scrape = Collecte (scraping)
kind-data-broker = Courtier en données
kind-stealer-log = Journal de logiciel espion
result-checked = { $kind } :
identifier-phone = Numéro de téléphone
identifier-email = Adresse e-mail
result-found =
    { $count ->
        [one] Trouvé dans { $n } fuite
       *[other] Trouvé dans { $n } fuites
    }
result-clean =
    { $count ->
        [one] Absent de la fuite que nous connaissons
       *[other] Absent des { $n } fuites que nous connaissons
    }
result-clean-text = Bonne nouvelle : nous ne l'avons pas trouvé. Cela ne veut pas dire qu'il n'a jamais fuité ; nous ne connaissons que les fuites chargées ici.
result-breaches-heading = Où il figure
result-your-data = Vos données dans cette fuite :
result-not-in-your-record =
    { $count ->
        [one] Un autre type de donnée de cette fuite ne vous concernait pas.
       *[other] { $n } autres types de données de cette fuite ne vous concernaient pas.
    }
result-advice-heading = Que faire maintenant
result-check-another = Vérifier autre chose
advice-sources = Source :
urgency-now = Maintenant
urgency-soon = Cette semaine
urgency-habit = Bonne habitude
catalogue-title = Fuites de données
catalogue-heading = Les fuites que nous connaissons
catalogue-lead = Pour chaque fuite : quand elle a eu lieu, combien de personnes elle touche et quels types de données elle contient.
catalogue-empty = Aucune fuite n'a encore été chargée.
catalogue-caption = Fuites, les plus récentes d'abord
catalogue-col-breach = Fuite
catalogue-col-kind = Type
catalogue-col-date = Date
catalogue-col-count = Numéros et adresses
catalogue-col-classes = Données
breach-kind = Type
breach-date = Date de la fuite
breach-added = Ajoutée
breach-count = Numéros et adresses
breach-emails = Dont adresses e-mail
breach-domain = Domaine
breach-verified = Vérifiée
breach-classes = Données
breach-retired = Cette fuite a été retirée : les vérifications ne la trouvent plus.
breach-fabricated = Cette fuite contient des données inventées (par exemple pour une démonstration).
breach-sensitive = Cette fuite est sensible : elle n'est montrée qu'au titulaire d'une adresse.
breach-chart-countries = Numéros de téléphone par pays
breach-chart-classes = Enregistrements par type de donnée
breach-chart-classes-hint = Tous les enregistrements ne contiennent pas tout : c'est pourquoi une vérification montre les données de votre enregistrement.
breach-check-yours = Vérifiez si vous y figurez
chart-other = Autres
chart-no-data = Pas de chiffres disponibles.
chart-as-table = Sous forme de tableau
yes = oui
no = non
not-found-title = Page introuvable
not-found-text = Cette page n'existe pas (ou plus).

## Letters to data brokers, staff message
letters-heading = Lettres à un courtier en données
letters-lead = Demandez à un courtier en données quelles données il détient sur vous (RGPD, article 15) et faites-les effacer (article 17). Complétez vos données, copiez la lettre et envoyez-la vous-même, par e-mail ou par courrier.
letters-private = Ce que vous saisissez ici reste dans votre navigateur : rien n'est envoyé à Lekradar.
letters-subject = Objet :
letters-copy = Copier la lettre
letters-complain-heading = Pas de réponse dans le mois ?
letters-field-broker = Nom de l'entreprise
letters-field-name = Votre nom
letters-field-identifiers = Vos numéros de téléphone et adresses e-mail (un par ligne)
letters-field-place = Votre commune
letters-access-heading = Demande d'accès (article 15 RGPD)
letters-erasure-heading = Demande d'effacement (article 17 RGPD)
breach-letters-heading = Récupérer vos données
breach-letters-text = Il s'agit d'un courtier en données : vous pouvez lui demander ce qu'il détient sur vous et le faire effacer.
breach-letters-link = Vers les lettres
breach-staff-heading = Message pour le personnel
breach-staff-hint = Pour les organisations : un court message pour prévenir votre personnel. Adaptez-le à votre guise.
breach-staff-download = Télécharger en fichier texte
result-letters-link = Rédiger les lettres au courtier en données

private-only-title = Vérification dans votre navigateur uniquement
private-only-text = Ce service vérifie votre numéro ou votre adresse dans votre propre navigateur, pour que le serveur ne le voie jamais. Il faut pour cela JavaScript : activez-le et réessayez.

private-checked-privately = Vérifié en privé dans votre navigateur : le serveur n'a vu ni votre numéro ni votre adresse, seulement un large groupe dont il fait partie.
private-checking = Vérification privée en cours…
private-invalid = Ce n'est pas un numéro ou une adresse e-mail valide. Vérifiez-le et choisissez le bon pays si nécessaire.
private-limited = Trop de vérifications viennent d'être faites. Réessayez dans un instant.
private-failed = La vérification privée a échoué. Réessayez dans un instant.
private-untrusted = La réponse du serveur n'a pas pu être vérifiée : ce n'est peut-être pas le vrai service. Rien n'a été vérifié.
private-direct = Vérifier sur le serveur (il verra votre numéro ou votre adresse)

## Months
month-1 = janvier
month-2 = février
month-3 = mars
month-4 = avril
month-5 = mai
month-6 = juin
month-7 = juillet
month-8 = août
month-9 = septembre
month-10 = octobre
month-11 = novembre
month-12 = décembre

## Data classes (HIBP's names translated)
class-phone-numbers = Numéros de téléphone
class-email-addresses = Adresses e-mail
class-names = Noms
class-physical-addresses = Adresses postales
class-bank-account-numbers = Numéros de compte bancaire
class-dates-of-birth = Dates de naissance
class-government-issued-ids = Numéros de pièces d'identité
class-passport-numbers = Numéros de passeport
class-customer-numbers = Numéros de client
class-job-titles = Fonctions
class-employers = Employeurs
class-passwords = Mots de passe
class-usernames = Noms d'utilisateur
class-ip-addresses = Adresses IP
class-genders = Genres
class-social-media-profiles = Profils de réseaux sociaux
class-credit-cards = Cartes de crédit
class-partial-credit-card-data = Données partielles de carte de crédit
class-purchases = Achats
class-device-information = Informations sur l'appareil
class-geographic-locations = Localisations

## Countries by calling code
country-31 = Pays-Bas
country-32 = Belgique
country-49 = Allemagne
country-33 = France
country-44 = Royaume-Uni
country-34 = Espagne
country-39 = Italie
country-20 = Égypte
country-966 = Arabie saoudite
country-1 = États-Unis et Canada
country-352 = Luxembourg
country-212 = Maroc
country-90 = Turquie
country-48 = Pologne
country-351 = Portugal
country-41 = Suisse
country-43 = Autriche

## Alerts (crates/web/src/pages/alerts.rs)
nav-alerts = Alertes
alerts-title = Soyez alerté si vous apparaissez dans une fuite
alerts-intro = Donnez votre adresse e-mail ou votre numéro de mobile. Nous vous écrivons s'il apparaît dans une fuite que nous chargeons — une fois par fuite — et ne le gardons jamais lisible : il est chiffré et effacé quand vous vous désabonnez.
alerts-account-label = Adresse e-mail ou numéro de mobile
alerts-submit = Demander des alertes
alerts-sent-title = Regardez votre boîte mail
alerts-sent-text = Si cette adresse peut recevoir des alertes, un courriel avec un lien de confirmation est en route. Le lien fonctionne une fois, pendant 24 heures. Lekradar ne vous demande jamais de code, de mot de passe ni de paiement.
alerts-code-title = Tapez le code envoyé par SMS
alerts-code-text = Un code à six chiffres est en route vers votre téléphone. Il est valable 10 minutes. Tapez-le ici ; ne le donnez jamais à quelqu'un qui vous appelle ou vous écrit.
alerts-code-label = Code
alerts-code-submit = Confirmer
alerts-code-wrong = Ce code n'est pas le bon. Essais restants : { $tries }.
alerts-code-none = Aucun code n'attend pour ce numéro (expiré ou trop d'essais). Demandez-en un nouveau.
alerts-confirm-title = Confirmez vos alertes
alerts-confirm-text = Appuyez sur le bouton pour activer vos alertes. Nous vous envoyons ensuite un premier rapport.
alerts-confirm-submit = Activer mes alertes
alerts-on-title = Vos alertes sont activées
alerts-on-text = Nous vous avons envoyé un premier rapport. Désormais, nous vous écrivons si vous apparaissez dans une fuite que nous chargeons.
alerts-link-title = Ce lien ne peut pas être utilisé
alerts-link-text = Il a déjà servi ou date de plus de 24 heures. Demandez de nouveau des alertes si vous le souhaitez.
alerts-unsubscribe-title = Arrêter les alertes
alerts-unsubscribe-text = Appuyez sur le bouton pour arrêter les alertes et effacer votre adresse ou numéro de Lekradar.
alerts-unsubscribe-submit = Arrêter mes alertes
alerts-unsubscribed-title = Plus d'alertes
alerts-unsubscribed-text = Vous ne recevrez plus d'alertes de notre part, et votre adresse ou numéro est effacé.
alerts-not-offered = Ce serveur n'envoie pas d'alertes.
alerts-no-sms = Ce serveur n'envoie pas de SMS : donnez une adresse e-mail.
alerts-limited = Trop de demandes depuis votre réseau. Réessayez plus tard.
alerts-unavailable = Ce n'est pas possible pour le moment. Réessayez plus tard.
alerts-optout-link = Ou : masquez votre adresse ou numéro de la recherche publique
alerts-optout-title = Masquez vos données de la recherche publique
alerts-optout-intro = Donnez votre adresse e-mail ou votre numéro de mobile. Dès que vous confirmez depuis votre boîte mail ou votre téléphone, les vérifications sur ce site et par son API répondent qu'il ne figure dans aucune fuite. Personne d'autre ne peut le demander.
alerts-optout-submit = Masquer
alerts-optout-done-title = Masqué de la recherche publique
alerts-optout-done-text = Les vérifications de votre adresse ou numéro répondent désormais qu'il ne figure dans aucune fuite.
alerts-mail-to-label = Pour un numéro de mobile : envoyer ses alertes par e-mail à (facultatif)
alerts-mail-to-hint = Laissez vide pour les recevoir par SMS. Nous demandons d'abord son accord à cette adresse.
alerts-mail-to-invalid = L'adresse des alertes par e-mail doit être une adresse e-mail, donnée avec un numéro de mobile.
alerts-link-sent-text = Nous avons aussi envoyé un lien à l'adresse e-mail indiquée : une fois ce lien suivi, les alertes sur votre numéro y arrivent au lieu d'arriver par SMS.
alerts-linked-title = Alertes par e-mail
alerts-linked-text = Désormais, les alertes sur votre numéro de mobile arrivent par e-mail à cette adresse, en indiquant le numéro et la fuite.

## Organisations (/org)
nav-orgs = Organisations
org-title = Lekradar pour les organisations
org-intro = Surveillez si les adresses et numéros professionnels de vos collaborateurs apparaissent dans des fuites, et prévenez-les. Connectez-vous avec votre adresse professionnelle : nous vous envoyons un lien valable une fois, pendant 15 minutes. Il n'y a pas de mot de passe.
org-address-label = Adresse e-mail
org-sign-in-submit = M'envoyer un lien de connexion
org-not-offered = Ce serveur ne propose pas de comptes pour les organisations.
org-link-sent-title = Regardez dans votre boîte mail
org-link-sent-text = Si cette adresse peut se connecter, un e-mail avec un lien de connexion est en route. Le lien fonctionne une fois, pendant 15 minutes. Lekradar ne vous demande jamais de code, de mot de passe ni de paiement.
org-link-title = Continuer vers Lekradar
org-link-text = Appuyez sur le bouton pour continuer. Le lien cesse ensuite de fonctionner.
org-link-submit = Continuer
org-link-unusable-title = Ce lien ne peut pas être utilisé
org-link-unusable = Il a déjà été utilisé ou il est trop ancien. Demandez-en un nouveau.
org-signed-in-as = Connecté·e en tant que
org-none-yet = Vous n'appartenez encore à aucune organisation. Créez-en une, ou demandez à un propriétaire de la vôtre de vous inviter.
org-yours = Vos organisations
org-create-title = Créer une organisation
org-name-label = Nom de l'organisation
org-create-submit = Créer
org-sign-out-title = Se déconnecter
org-sign-out = Se déconnecter
org-sign-out-everywhere = Se déconnecter sur tous les appareils
org-signed-out-title = Déconnecté·e
org-signed-out-text = Vous êtes déconnecté·e sur cet appareil.
org-signed-out-everywhere-text = Vous êtes déconnecté·e sur tous les appareils où vous étiez connecté·e.
org-all = Toutes vos organisations
org-you = vous
org-role-owner = propriétaire
org-role-viewer = lecteur
org-domains-title = Domaines
org-domains-intro = Les domaines prouvés de votre organisation sont ceux où elle peut surveiller des adresses professionnelles. Prouvez un domaine par un enregistrement DNS ou par un e-mail à l'une de ses adresses administratives. Nous vérifions chaque jour ; si la preuve disparaît, le domaine n'affiche plus de résultats.
org-domains-none = Pas encore de domaine.
org-domain-pending = pas encore prouvé
org-domain-verified = prouvé
org-domain-lapsed = preuve expirée
org-domain-how = Prouvé { $method } le { $when }.
org-method-dns = par DNS
org-method-mail = par e-mail
org-domain-lapsed-text = La preuve a disparu (l'enregistrement DNS a été supprimé, ou la preuve par e-mail a plus d'un an). Prouvez à nouveau le domaine pour voir ses résultats.
org-domain-txt-intro = Ajoutez cet enregistrement TXT au domaine (les autres enregistrements TXT peuvent rester), puis appuyez sur Vérifier :
org-domain-check = Vérifier l'enregistrement DNS
org-domain-mail-label = Ou envoyer un lien de preuve à
org-domain-mail-submit = Envoyer le lien
org-domain-mail-sent = Un lien de preuve est en route vers cette adresse. Il fonctionne une fois, pendant 24 heures.
org-domain-remove = Retirer ce domaine
org-domain-label = Domaine, par exemple example.org
org-domain-add = Ajouter le domaine
org-domain-verified-notice = Le domaine est prouvé.
org-domain-verified-title = Domaine prouvé
org-domain-verified-text = Merci : { $org } peut désormais surveiller les adresses professionnelles de { $domain }.
org-members-title = Membres
org-member-address = Adresse
org-member-role = Rôle
org-member-since = Membre depuis
org-member-actions = Actions
org-make-owner = Nommer propriétaire
org-make-viewer = Nommer lecteur
org-member-remove = Retirer
org-invite-title = Inviter quelqu'un
org-invite-submit = Envoyer l'invitation
org-invite-sent = L'invitation est en route. Son lien fonctionne une fois, pendant 7 jours.
org-leave-title = Quitter ou supprimer
org-leave = Quitter cette organisation
org-delete-confirm = Supprimer l'organisation et tout ce qu'elle contient, pour tous les membres
org-delete = Supprimer l'organisation
org-delete-unconfirmed = Cochez la case pour confirmer la suppression de l'organisation.
org-back = Retour à l'organisation
org-audit-title = Journal d'audit
org-audit-retention = Les entrées sont conservées { $days } jours.
org-audit-when = Quand
org-audit-who = Qui
org-audit-what = Quoi
org-audit-system = Lekradar
org-audit-signed-in = s'est connecté·e
org-audit-signed-out-everywhere = s'est déconnecté·e partout
org-audit-org-created = a créé l'organisation
org-audit-member-joined = a rejoint
org-audit-member-invited = a invité
org-audit-member-role = a changé le rôle de
org-audit-member-left = est parti·e
org-audit-member-removed = a retiré
org-audit-domain-added = a ajouté un domaine
org-audit-domain-verified = a prouvé un domaine
org-audit-domain-proof-mailed = a envoyé une preuve de domaine
org-audit-domain-lapsed = la preuve d'un domaine a expiré
org-audit-domain-removed = a retiré un domaine
org-error-address = Ce n'est pas une adresse e-mail.
org-error-signed-out = Vous n'êtes pas connecté·e (ou votre session a pris fin). Reconnectez-vous.
org-error-not-found = Cette page n'existe pas pour vous.
org-error-not-owner = Seul un propriétaire de l'organisation peut faire cela.
org-error-last-owner = Une organisation a besoin d'un propriétaire : nommez d'abord quelqu'un d'autre propriétaire.
org-error-name = Donnez un nom de 1 à 100 caractères.
org-error-domain = Ce n'est pas un nom de domaine ({ $reason }).
org-error-domain-taken = Votre organisation a déjà ce domaine.
org-error-too-many-domains = Une organisation peut avoir au plus 50 domaines.
org-error-role-address = Choisissez l'une des adresses proposées.
org-error-record-missing = L'enregistrement TXT n'est pas encore là (nous avons trouvé { $others } autres enregistrements TXT). Les changements DNS peuvent prendre du temps ; réessayez plus tard.
org-error-dns = La recherche DNS a échoué. Réessayez plus tard.
org-watch-title = Liste de surveillance
org-watch-intro = Les adresses professionnelles (sur vos domaines prouvés) et numéros mobiles de vos collaborateurs, chacun avec votre propre référence. Envoyez un fichier dans un format que Lekradar lit (CSV, tableur, JSON, vCard… ; les autres colonnes d'une ligne deviennent sa référence) ou ajoutez-les un par un. Ils sont conservés chiffrés, jamais lisibles, et supprimés quand vous les retirez.
org-watch-counts = Surveillés / dans une fuite :
org-watch-refused = Non ajoutés
org-watch-file-label = Fichier de la liste
org-watch-upload = Envoyer
org-watch-identifier-label = Adresse professionnelle ou numéro mobile
org-watch-reference-label = Votre référence (nom, matricule)
org-watch-add = Ajouter
org-watch-added = { $added } ajoutés, { $updated } mis à jour, { $refused } non ajoutés.
org-refused-line = Ligne { $line } : { $reason }
org-refused-no-identifier = pas d'adresse e-mail ni de numéro de téléphone
org-refused-domain-not-proved = l'adresse n'est pas sur l'un de vos domaines prouvés
org-refused-phone-cap = votre organisation surveille déjà autant de numéros mobiles que permis
org-refused-entry-cap = votre liste de surveillance est pleine
org-refused-not-mobile = pas un numéro mobile
org-error-identifier = Donnez une adresse professionnelle ou un numéro mobile.
org-error-upload = Choisissez un fichier à envoyer.
org-error-upload-too-large = Ce fichier est trop grand (16 Mio au plus).
org-error-file = Le fichier ne peut pas être lu : { $reason }
org-report-title = Rapport
org-report-chart = Vos collaborateurs par fuite
org-report-csv = Exporter en CSV
org-report-breaches = Fuites qui contiennent vos collaborateurs
org-report-none = Aucun de vos collaborateurs n'est dans une fuite connue de Lekradar.
org-report-breach = Fuite
org-report-people = Vos collaborateurs
org-report-leaked = Ce qui a fuité à leur sujet
org-report-staff = Message au personnel
org-report-staff-link = Prêt à envoyer
org-report-per-person = Par personne
org-report-reference = Référence
org-report-identifier = Adresse ou numéro
org-report-found-in = Trouvé dans
org-report-domain-not-proved = non affiché : la preuve du domaine a expiré
org-report-in-none = aucune fuite
org-audit-watchlist-added = a ajouté à la liste de surveillance
org-audit-watchlist-removed = a retiré de la liste de surveillance
org-audit-report-viewed = a lu le rapport
org-audit-report-exported = a exporté le rapport
org-report-only-exposed = Seulement les personnes dans une fuite
org-report-everybody = Toute la liste de surveillance
org-report-next = Personnes suivantes
org-watch-still-working = Votre liste est longue : elle est encore en cours d'ajout. Rechargez cette page dans une minute ; le journal d'audit dira combien ont été ajoutés.
org-api-keys-title = Clés d'API
org-api-keys-intro = Pour l'API de domaine de Have I Been Pwned (breacheddomain, subscribeddomains, subscription/status) sur /api/v3 de ce serveur : chaque clé ne voit que les domaines prouvés de cette organisation.
org-api-key-name = Nom
org-api-key-prefix = Commence par
org-api-key-create = Créer une clé
org-api-key-revoke = Révoquer
org-api-key-revoked = révoquée
org-api-key-created = Votre nouvelle clé d'API — copiez-la maintenant, elle ne sera plus affichée : { $secret }
org-audit-apikey-created = a créé une clé d'API
org-audit-apikey-revoked = a révoqué une clé d'API
org-webhooks-title = Webhooks
org-webhooks-intro = Quand une nouvelle fuite contient des personnes de votre liste de surveillance, Lekradar envoie un court message JSON à chaque adresse ci-dessous, signé comme le prévoit la spécification Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature). Il nomme la fuite et le nombre de vos membres concernés ; les détails s'obtiennent avec votre clé d'API. Les livraisons échouées sont retentées pendant environ un jour ; une réponse 410 Gone désactive le webhook.
org-webhook-url = Adresse (https://…)
org-webhook-add = Ajouter un webhook
org-webhook-added = Webhook ajouté. Son secret de signature — copiez-le maintenant, il ne sera plus affiché : { $secret }
org-webhook-rotate = Nouveau secret
org-webhook-rotated = Nouveau secret de signature — copiez-le maintenant, il ne sera plus affiché : { $secret } L'ancien secret signe encore pendant 24 heures, pour que vous puissiez changer sans perdre de livraison.
org-webhook-test = Envoyer un test
org-webhook-test-sent = Une livraison de test est en route ; son résultat s'affichera ici dans un instant.
org-webhook-enable = Activer
org-webhook-disable = Désactiver
org-webhook-remove = Supprimer
org-webhook-on = actif
org-webhook-off = inactif : { $reason }
org-webhook-last = Dernière livraison
org-webhook-never = aucune pour l'instant
org-webhook-state = État
org-error-webhook-not-url = Ce n'est pas une adresse web (https://…).
org-error-webhook-https = L'adresse d'un webhook doit commencer par https://.
org-error-webhook-credentials = L'adresse d'un webhook ne doit contenir ni nom d'utilisateur ni mot de passe ; vérifiez plutôt la signature.
org-error-webhook-unresolvable = Ce nom d'hôte est introuvable.
org-error-webhook-private = Cette adresse pointe vers un réseau privé ou vers ce serveur lui-même ; les webhooks ne vont qu'à des adresses publiques.
org-error-too-many-webhooks = Une organisation peut avoir au plus 10 webhooks.
org-audit-webhook-added = a ajouté un webhook
org-audit-webhook-rotated = a donné un nouveau secret à un webhook
org-audit-webhook-enabled = a activé un webhook
org-audit-webhook-disabled = a désactivé un webhook
org-audit-webhook-removed = a supprimé un webhook

## Passkeys (organisations)
org-passkeys-title = Clés d'accès
org-passkeys-intro = Une clé d'accès (passkey) vous connecte avec le verrouillage d'écran de votre appareil ou une clé de sécurité, sans attendre de mail. Le lien envoyé par mail reste valable.
org-passkeys-need-script = Ajouter une clé d'accès nécessite JavaScript.
org-passkey-name = Nom
org-passkey-name-hint = p. ex. portable du bureau
org-passkey-added = Ajoutée
org-passkey-used = Dernière utilisation
org-passkey-never-used = pas encore
org-passkey-add = Ajouter une clé d'accès
org-passkey-remove = Supprimer
org-passkey-or = Ou, avec une clé d'accès ajoutée auparavant :
org-passkey-sign-in = Se connecter avec une clé d'accès
org-passkey-failed = Cela n'a pas marché :
org-error-passkeys-off = Ce serveur ne propose pas de clés d'accès.
org-error-passkey-refused = La clé d'accès n'a pas été acceptée. Recommencez depuis le début.
org-error-too-many-passkeys = Vous pouvez avoir au plus 20 clés d'accès.
org-audit-passkey-added = a ajouté une clé d'accès
org-audit-passkey-removed = a supprimé une clé d'accès

## Numéros mobiles confirmés par leur titulaire (owner-only)
org-refused-no-sms = un numéro mobile doit être confirmé par son titulaire par SMS, et ce serveur n'envoie pas de SMS
org-watch-codes-sent = { $count ->
    [one] Un numéro mobile a reçu un code par SMS : ses résultats s'affichent dès que vous tapez, dans le rapport, le code que son titulaire vous donne.
   *[other] { $n } numéros mobiles ont reçu un code par SMS : leurs résultats s'affichent dès que vous tapez, dans le rapport, le code que leur titulaire vous donne.
}
org-report-awaiting-confirmation = en attente du code de son titulaire (envoyé par SMS)
org-watch-code-label = Code
org-watch-confirm = Confirmer
org-watch-resend = Envoyer un nouveau code
org-watch-code-resent = Un nouveau code a été envoyé au numéro.
org-error-wrong-code = { $count ->
    [one] Ce n'est pas le code. Encore un essai.
   *[other] Ce n'est pas le code. Encore { $n } essais.
}
org-error-not-a-code = Un code a six chiffres.
org-error-code-ended = Le code a expiré (trop ancien, ou trop d'essais). Envoyez-en un nouveau.
org-error-code-sent-recently = Un code vient d'être envoyé à ce numéro. Attendez une minute.
org-audit-watchlist-phone-confirmed = a confirmé un numéro mobile avec le code de son titulaire
org-audit-watchlist-code-sent = a envoyé un nouveau code à un numéro mobile
