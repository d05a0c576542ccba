//! Which column holds what: header names in Dutch, French and English first,
//! then the content of a sample of rows; each role maps to the HIBP data
//! class it contributes to a record.

use lekradar_normalize::{normalize_email, normalize_phone, Region};

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnRole {
    /// A phone number; `mobile` when the column name says mobile (gsm, mobiel, msisdn, ...).
    Phone {
        mobile: bool,
    },
    Email,
    FirstName,
    LastName,
    FullName,
    Street,
    Postcode,
    City,
    Iban,
    DateOfBirth,
    IdDocument,
    IdExpiry,
    CustomerNumber,
    JobTitle,
    Employer,
    /// A credential's login: an email address, a phone number or a user name.
    Login,
    Username,
    /// Never kept: only the fact that the record held one.
    Password,
    PasswordHash,
    IpAddress,
    Gender,
    /// A city or region as a profile states it ("Amsterdam, Netherlands").
    Location,
    /// A social-media profile id or handle.
    SocialProfile,
    /// A web address (a credential's site): no data class of its own.
    Url,
    /// Nothing we index or count.
    Ignore,
}

impl ColumnRole {
    /// The HIBP data class a non-empty value in this column adds to the record.
    pub fn data_class(&self) -> Option<&'static str> {
        Some(match self {
            ColumnRole::Phone { .. } => "Phone numbers",
            ColumnRole::Email => "Email addresses",
            ColumnRole::FirstName | ColumnRole::LastName | ColumnRole::FullName => "Names",
            ColumnRole::Street | ColumnRole::Postcode | ColumnRole::City => "Physical addresses",
            ColumnRole::Iban => "Bank account numbers",
            ColumnRole::DateOfBirth => "Dates of birth",
            ColumnRole::IdDocument | ColumnRole::IdExpiry => "Government issued IDs",
            ColumnRole::CustomerNumber => "Customer numbers",
            ColumnRole::JobTitle => "Job titles",
            ColumnRole::Employer => "Employers",
            ColumnRole::Login | ColumnRole::Username => "Usernames",
            ColumnRole::Password | ColumnRole::PasswordHash => "Passwords",
            ColumnRole::IpAddress => "IP addresses",
            ColumnRole::Gender => "Genders",
            ColumnRole::Location => "Geographic locations",
            ColumnRole::SocialProfile => "Social media profiles",
            ColumnRole::Url | ColumnRole::Ignore => return None,
        })
    }

    /// Whether the column's values are identifiers that go into the index.
    pub fn is_identifier(&self) -> bool {
        matches!(
            self,
            ColumnRole::Phone { .. } | ColumnRole::Email | ColumnRole::Login
        )
    }

    /// Whether the column's values are secrets, never shown even redacted.
    pub fn is_secret(&self) -> bool {
        matches!(self, ColumnRole::Password | ColumnRole::PasswordHash)
    }

    /// The name `--map` takes for this role.
    pub fn name(&self) -> &'static str {
        match self {
            ColumnRole::Phone { mobile: false } => "phone",
            ColumnRole::Phone { mobile: true } => "mobile",
            ColumnRole::Email => "email",
            ColumnRole::FirstName => "first_name",
            ColumnRole::LastName => "last_name",
            ColumnRole::FullName => "name",
            ColumnRole::Street => "street",
            ColumnRole::Postcode => "postcode",
            ColumnRole::City => "city",
            ColumnRole::Iban => "iban",
            ColumnRole::DateOfBirth => "date_of_birth",
            ColumnRole::IdDocument => "id_document",
            ColumnRole::IdExpiry => "id_expiry",
            ColumnRole::CustomerNumber => "customer_number",
            ColumnRole::JobTitle => "job_title",
            ColumnRole::Employer => "employer",
            ColumnRole::Login => "login",
            ColumnRole::Username => "username",
            ColumnRole::Password => "password",
            ColumnRole::PasswordHash => "password_hash",
            ColumnRole::IpAddress => "ip",
            ColumnRole::Gender => "gender",
            ColumnRole::Location => "location",
            ColumnRole::SocialProfile => "social_profile",
            ColumnRole::Url => "url",
            ColumnRole::Ignore => "ignore",
        }
    }

    /// Parses a role name as used by `--map` (`phone`, `mobile`, `email`, `iban`, ...).
    pub fn from_name(name: &str) -> Option<ColumnRole> {
        Some(match normalize_header(name).as_str() {
            "phone" => ColumnRole::Phone { mobile: false },
            "mobile" => ColumnRole::Phone { mobile: true },
            "email" => ColumnRole::Email,
            "first_name" => ColumnRole::FirstName,
            "last_name" => ColumnRole::LastName,
            "name" | "full_name" => ColumnRole::FullName,
            "street" | "address" => ColumnRole::Street,
            "postcode" => ColumnRole::Postcode,
            "city" => ColumnRole::City,
            "iban" => ColumnRole::Iban,
            "date_of_birth" | "dob" => ColumnRole::DateOfBirth,
            "id_document" => ColumnRole::IdDocument,
            "id_expiry" => ColumnRole::IdExpiry,
            "customer_number" => ColumnRole::CustomerNumber,
            "job_title" => ColumnRole::JobTitle,
            "employer" => ColumnRole::Employer,
            "login" => ColumnRole::Login,
            "username" | "user" => ColumnRole::Username,
            "password" => ColumnRole::Password,
            "password_hash" | "hash" => ColumnRole::PasswordHash,
            "ip" | "ip_address" => ColumnRole::IpAddress,
            "gender" => ColumnRole::Gender,
            "location" => ColumnRole::Location,
            "social_profile" | "profile" => ColumnRole::SocialProfile,
            "url" => ColumnRole::Url,
            "ignore" => ColumnRole::Ignore,
            _ => return None,
        })
    }
}

/// Header spellings per role, already normalized (lower case, ASCII, `_`).
const HEADERS: &[(ColumnRole, &[&str])] = &[
    (
        ColumnRole::Phone { mobile: true },
        &[
            "gsm",
            "gsm_nummer",
            "gsmnummer",
            "mobiel",
            "mobiel_nummer",
            "mobielnummer",
            "mobiele_nummer",
            "mobile",
            "mobile_number",
            "mobile_phone",
            "msisdn",
            "portable",
            "numero_portable",
            "cell",
            "cellphone",
            "cell_phone",
            "whatsapp",
            "telefoon_mobiel",
        ],
    ),
    (
        ColumnRole::Phone { mobile: false },
        &[
            "telefoon",
            "telefoonnummer",
            "telefoon_nummer",
            "tel",
            "telnr",
            "phone",
            "phone_number",
            "phonenumber",
            "telephone",
            "numero_de_telephone",
            "telephone_number",
            "nummer",
        ],
    ),
    (
        ColumnRole::Email,
        &[
            "email",
            "e_mail",
            "emailadres",
            "e_mailadres",
            "email_address",
            "e_mail_address",
            "mail",
            "courriel",
            "adresse_email",
            "adresse_e_mail",
            "adresse_mail",
            "work_email",
            "mailadres",
        ],
    ),
    (
        ColumnRole::FirstName,
        &[
            "voornaam",
            "first_name",
            "firstname",
            "prenom",
            "given_name",
            "roepnaam",
        ],
    ),
    (
        ColumnRole::LastName,
        &[
            "achternaam",
            "last_name",
            "lastname",
            "surname",
            "nom",
            "nom_de_famille",
            "family_name",
            "familienaam",
        ],
    ),
    (
        ColumnRole::FullName,
        &[
            "naam",
            "name",
            "full_name",
            "fullname",
            "volledige_naam",
            "nom_complet",
            "contact",
        ],
    ),
    (
        ColumnRole::Street,
        &[
            "straat",
            "street",
            "adres",
            "address",
            "rue",
            "adresse",
            "straatnaam",
            "huisnummer",
            "house_number",
            "street_address",
        ],
    ),
    (
        ColumnRole::Postcode,
        &[
            "postcode",
            "zip",
            "zipcode",
            "zip_code",
            "code_postal",
            "postal_code",
            "postnummer",
        ],
    ),
    (
        ColumnRole::City,
        &[
            "woonplaats",
            "plaats",
            "city",
            "ville",
            "stad",
            "gemeente",
            "commune",
            "localite",
            "town",
        ],
    ),
    (
        ColumnRole::Iban,
        &[
            "iban",
            "rekeningnummer",
            "rekening",
            "bankrekening",
            "bankrekeningnummer",
            "account_number",
            "bank_account",
            "numero_de_compte",
            "compte",
            "compte_bancaire",
            "iban_nummer",
        ],
    ),
    (
        ColumnRole::DateOfBirth,
        &[
            "geboortedatum",
            "date_of_birth",
            "dob",
            "birthdate",
            "birth_date",
            "date_de_naissance",
            "geboren",
        ],
    ),
    (
        ColumnRole::IdDocument,
        &[
            "paspoort",
            "paspoortnummer",
            "passport",
            "passport_number",
            "rijbewijs",
            "rijbewijsnummer",
            "driving_licence",
            "driving_license",
            "drivers_license",
            "id_number",
            "identiteitskaart",
            "identiteitsbewijs",
            "id_kaart",
            "documentnummer",
            "document_number",
            "numero_de_passeport",
            "numero_de_document",
            "carte_d_identite",
            "numero_carte_identite",
            "rijksregisternummer",
            "id_document",
            "id_document_number",
        ],
    ),
    (
        ColumnRole::IdExpiry,
        &[
            "geldig_tot",
            "geldigheid",
            "vervaldatum",
            "expiry",
            "expiry_date",
            "document_expiry",
            "date_d_expiration",
            "date_expiration",
            "valid_until",
            "id_expiry",
        ],
    ),
    (
        ColumnRole::CustomerNumber,
        &[
            "klantnummer",
            "klant_nummer",
            "klant_id",
            "customer_id",
            "customer_number",
            "numero_client",
            "client_id",
            "num_client",
        ],
    ),
    (
        ColumnRole::JobTitle,
        &[
            "functie",
            "job_title",
            "jobtitle",
            "fonction",
            "title",
            "titel",
            "position",
        ],
    ),
    (
        ColumnRole::Employer,
        &[
            "company",
            "bedrijf",
            "employer",
            "werkgever",
            "societe",
            "entreprise",
            "organisation",
            "organization",
            "organisatie",
        ],
    ),
    (
        ColumnRole::Username,
        &[
            "username",
            "user_name",
            "user",
            "login",
            "gebruikersnaam",
            "gebruiker",
            "nom_d_utilisateur",
            "utilisateur",
            "identifiant",
            "pseudo",
            "nickname",
            "screen_name",
            "handle",
            "uname",
        ],
    ),
    (
        ColumnRole::Password,
        &[
            "password",
            "passwd",
            "pass",
            "pwd",
            "wachtwoord",
            "mot_de_passe",
            "mdp",
            "plain_password",
            "plaintext_password",
        ],
    ),
    (
        ColumnRole::PasswordHash,
        &[
            "password_hash",
            "passwordhash",
            "pass_hash",
            "hash",
            "hashed_password",
            "password_digest",
            "encrypted_password",
            "crypted_password",
            "wachtwoord_hash",
            "hachage",
            "mot_de_passe_hache",
            "salt_hash",
            "pw_hash",
        ],
    ),
    (
        ColumnRole::IpAddress,
        &[
            "ip",
            "ip_address",
            "ipaddress",
            "ip_adres",
            "ipadres",
            "adresse_ip",
            "last_ip",
            "register_ip",
            "registration_ip",
            "login_ip",
            "last_login_ip",
            "signup_ip",
            "client_ip",
            "remote_addr",
        ],
    ),
    (
        ColumnRole::Gender,
        &["gender", "sex", "geslacht", "sexe", "genre", "m_v"],
    ),
    (
        ColumnRole::Location,
        &[
            "location",
            "locatie",
            "current_location",
            "current_city",
            "hometown",
            "home_town",
            "lieu",
            "localisation",
            "region",
            "regio",
            "country",
            "land",
            "pays",
            "woonland",
            "geo",
            "geolocation",
        ],
    ),
    (
        ColumnRole::SocialProfile,
        &[
            "facebook",
            "facebook_id",
            "fb_id",
            "fbid",
            "profile_id",
            "profile",
            "profiel",
            "profiel_id",
            "profil",
            "twitter",
            "twitter_id",
            "twitter_handle",
            "instagram",
            "linkedin",
            "linkedin_url",
            "social_id",
            "social_profile",
            "user_id_facebook",
            "uid",
        ],
    ),
    (
        ColumnRole::Url,
        &[
            "url",
            "site",
            "website",
            "host",
            "domain",
            "link",
            "adresse_web",
        ],
    ),
];

/// Lower case, accents folded, everything else but letters and digits to `_`.
fn normalize_header(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name
        .trim()
        .trim_start_matches('\u{feff}')
        .chars()
        .flat_map(char::to_lowercase)
    {
        let c = match c {
            'à' | 'á' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' => 'i',
            'ô' | 'ö' | 'ó' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ç' => 'c',
            c if c.is_ascii_alphanumeric() => c,
            _ => '_',
        };
        if c == '_' && (out.is_empty() || out.ends_with('_')) {
            continue;
        }
        out.push(c);
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
}

/// The role a header cell names, if it is a known column name.
///
/// A JSON path (`contact.phones[]`, `_source.user.email`) is tried whole,
/// then by its last segment, then by that segment's singular.
pub fn header_role(name: &str) -> Option<ColumnRole> {
    let lookup = |n: &str| {
        HEADERS
            .iter()
            .find(|(_, names)| names.contains(&n))
            .map(|(role, _)| *role)
    };
    let n = normalize_header(name);
    if let Some(role) = lookup(&n) {
        return Some(role);
    }
    let last = name.rsplit(['.', '/']).next().unwrap_or(name);
    let last = normalize_header(last.trim_end_matches("[]"));
    lookup(&last).or_else(|| {
        let singular = last
            .strip_suffix("es")
            .filter(|s| s.ends_with("ss") || s.ends_with("sh") || s.ends_with("ch"))
            .or_else(|| last.strip_suffix('s'))?;
        lookup(singular)
    })
}

/// The roles of a dump's columns and how each was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    pub roles: Vec<ColumnRole>,
    /// "header", "content" or "map" per column.
    pub found_by: Vec<&'static str>,
}

impl Detection {
    /// Data classes present in the dump's columns, in column order, without repeats.
    pub fn data_classes(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        for class in self.roles.iter().filter_map(ColumnRole::data_class) {
            if !out.contains(&class) {
                out.push(class);
            }
        }
        out
    }
}

/// Decides each column's role from the header (if any), then, for columns
/// the header does not explain, from the sample's content. `regions` are
/// tried for national-format phone numbers.
pub fn detect_columns(
    header: Option<&[String]>,
    sample: &[Vec<String>],
    regions: &[Region],
) -> Detection {
    let width = header
        .map(<[String]>::len)
        .unwrap_or(0)
        .max(sample.iter().map(Vec::len).max().unwrap_or(0));
    let mut roles = vec![ColumnRole::Ignore; width];
    let mut found_by = vec!["content"; width];
    for (i, role) in roles.iter_mut().enumerate() {
        if let Some(r) = header
            .and_then(|h| h.get(i))
            .and_then(|name| header_role(name))
        {
            *role = r;
            found_by[i] = "header";
            // A "login" or "user" column of addresses or numbers is read
            // value by value: each an identifier, or a user name.
            if r == ColumnRole::Username
                && content_role(
                    sample
                        .iter()
                        .filter_map(|row| row.get(i))
                        .map(String::as_str),
                    regions,
                )
                .is_identifier()
            {
                *role = ColumnRole::Login;
            }
            continue;
        }
        *role = content_role(
            sample
                .iter()
                .filter_map(|row| row.get(i))
                .map(String::as_str),
            regions,
        );
    }
    // Beside a column of given names found by content, a column of family
    // names (a headerless scrape's `Jan:Jansen`).
    for i in 1..width {
        if roles[i] == ColumnRole::Ignore
            && roles[i - 1] == ColumnRole::FirstName
            && found_by[i - 1] == "content"
        {
            let values: Vec<&str> = sample
                .iter()
                .filter_map(|row| row.get(i))
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
                .take(200)
                .collect();
            let names = values.iter().filter(|v| is_family_name(v)).count();
            if values.len() >= 5 && names * 10 >= values.len() * 8 {
                roles[i] = ColumnRole::LastName;
            }
        }
    }
    // A phone column whose numbers nearly all have a mobile reading is a
    // mobile column whatever its name, so ambiguous national numbers (0488…:
    // a Dutch landline or a Belgian mobile) are read as mobiles.
    for (i, role) in roles.iter_mut().enumerate() {
        if *role == (ColumnRole::Phone { mobile: false }) {
            let values = sample
                .iter()
                .filter_map(|row| row.get(i))
                .map(String::as_str);
            if mostly_mobile(values, regions) {
                *role = ColumnRole::Phone { mobile: true };
            }
        }
    }
    Detection { roles, found_by }
}

/// Nearly all readable values (90 %) have a mobile reading under one of `regions`.
fn mostly_mobile<'a>(values: impl Iterator<Item = &'a str>, regions: &[Region]) -> bool {
    let (mut readable, mut mobile) = (0usize, 0usize);
    for v in values.map(str::trim).filter(|v| !v.is_empty()).take(200) {
        let readings: Vec<_> = regions
            .iter()
            .filter_map(|r| normalize_phone(v, *r).ok())
            .collect();
        if !readings.is_empty() {
            readable += 1;
            mobile += usize::from(readings.iter().any(|p| p.is_mobile()));
        }
    }
    readable > 0 && mobile * 10 >= readable * 9
}

/// A column's role from its values: most non-empty values are emails,
/// phone numbers or IBANs.
pub(crate) fn content_role<'a>(
    values: impl Iterator<Item = &'a str>,
    regions: &[Region],
) -> ColumnRole {
    let values: Vec<&str> = values
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .take(200)
        .collect();
    if values.is_empty() {
        return ColumnRole::Ignore;
    }
    let share = |pred: &dyn Fn(&str) -> bool| {
        values.iter().filter(|v| pred(v)).count() * 10 >= values.len() * 6
    };
    if share(&|v| v.contains('@') && normalize_email(v).is_ok()) {
        return ColumnRole::Email;
    }
    let phone = |v: &str| regions.iter().any(|r| normalize_phone(v, *r).is_ok());
    // One value over and over is a constant (a date split at its colons,
    // `1/1/2018 12`), not people's numbers.
    let distinct = values
        .iter()
        .collect::<std::collections::HashSet<_>>()
        .len();
    if share(&phone) && (values.len() < 10 || distinct * 4 >= values.len()) {
        return ColumnRole::Phone { mobile: false };
    }
    if share(&is_iban) {
        return ColumnRole::Iban;
    }
    let gender = |v: &str| {
        matches!(
            v.to_lowercase().as_str(),
            "male" | "female" | "m" | "f" | "man" | "vrouw" | "homme" | "femme" | "h" | "v"
        )
    };
    if values.len() >= 5 && share(&gender) {
        return ColumnRole::Gender;
    }
    // Facebook-style profile ids (`100001234567890`), as scrapes list them
    // beside the number.
    let profile_id = |v: &str| {
        (14..=17).contains(&v.len())
            && v.starts_with("100")
            && v.bytes().all(|b| b.is_ascii_digit())
    };
    if values.len() >= 5 && share(&profile_id) && distinct * 2 >= values.len() {
        return ColumnRole::SocialProfile;
    }
    if values.len() >= 5 && share(&is_place) {
        return ColumnRole::Location;
    }
    let first_name = |v: &str| is_first_name(v);
    if values.len() >= 5 && values.iter().filter(|v| first_name(v)).count() * 10 >= values.len() * 4
    {
        return ColumnRole::FirstName;
    }
    ColumnRole::Ignore
}

/// Countries as places end in them: `Amsterdam, Netherlands`, `Gent, België`.
const COUNTRIES: &[&str] = &[
    "netherlands",
    "the netherlands",
    "nederland",
    "holland",
    "pays-bas",
    "belgium",
    "belgië",
    "belgie",
    "belgique",
    "belgien",
    "germany",
    "deutschland",
    "duitsland",
    "allemagne",
    "france",
    "frankrijk",
    "frankreich",
    "luxembourg",
    "luxemburg",
    "united kingdom",
    "uk",
    "england",
    "verenigd koninkrijk",
    "royaume-uni",
    "spain",
    "españa",
    "spanje",
    "espagne",
    "italy",
    "italia",
    "italië",
    "italie",
    "portugal",
    "poland",
    "polen",
    "pologne",
    "turkey",
    "türkiye",
    "turkije",
    "turquie",
    "morocco",
    "marokko",
    "maroc",
    "suriname",
    "curaçao",
    "united states",
    "usa",
    "egypt",
    "egypte",
    "saudi arabia",
    "switzerland",
    "zwitserland",
    "suisse",
    "austria",
    "oostenrijk",
    "ireland",
    "ierland",
    "denmark",
    "denemarken",
    "sweden",
    "zweden",
    "norway",
    "noorwegen",
    "romania",
    "roemenië",
    "bulgaria",
    "greece",
    "griekenland",
    "india",
    "indonesia",
    "indonesië",
    "brazil",
    "brazilië",
    "canada",
    "australia",
    "algeria",
    "algérie",
    "tunisia",
    "tunisie",
    "congo",
    "rd congo",
];

/// A place as profiles write it: a town and its country after a comma.
fn is_place(v: &str) -> bool {
    let Some((town, country)) = v.rsplit_once(',') else {
        return false;
    };
    let town = town.trim();
    !town.is_empty()
        && !town.bytes().any(|b| b.is_ascii_digit() || b == b'@')
        && COUNTRIES.contains(&country.trim().to_lowercase().as_str())
}

/// Given names common in the Netherlands, Flanders, Wallonia and France,
/// and the English ones their neighbours' dumps hold; enough for a column
/// of them to stand out (a share of 40 %), not a register of people.
const FIRST_NAMES: &[&str] = &[
    "aaron",
    "adam",
    "adrien",
    "alexander",
    "alexandre",
    "alice",
    "amber",
    "amelie",
    "amy",
    "an",
    "anna",
    "anne",
    "annelies",
    "anouk",
    "antoine",
    "arne",
    "arthur",
    "bart",
    "bas",
    "ben",
    "benoit",
    "bert",
    "bram",
    "britt",
    "camille",
    "caroline",
    "charlotte",
    "chloe",
    "chris",
    "christophe",
    "claire",
    "daan",
    "daniel",
    "dave",
    "david",
    "dennis",
    "dirk",
    "dylan",
    "eline",
    "elise",
    "ella",
    "els",
    "emma",
    "eva",
    "evi",
    "fabian",
    "femke",
    "finn",
    "fleur",
    "floor",
    "frank",
    "freek",
    "geert",
    "gert",
    "gijs",
    "hanna",
    "hannah",
    "hans",
    "hendrik",
    "hugo",
    "ilse",
    "inge",
    "isabelle",
    "jack",
    "jacob",
    "james",
    "jan",
    "jana",
    "jasper",
    "jeroen",
    "jesse",
    "john",
    "jonas",
    "joost",
    "joris",
    "jules",
    "julia",
    "julie",
    "julien",
    "kees",
    "kevin",
    "koen",
    "lars",
    "laura",
    "lauren",
    "lea",
    "leen",
    "lena",
    "liam",
    "lieke",
    "lieve",
    "lisa",
    "lore",
    "lotte",
    "louis",
    "louise",
    "luc",
    "lucas",
    "luuk",
    "maarten",
    "manon",
    "marc",
    "marie",
    "marieke",
    "mark",
    "marloes",
    "martijn",
    "mathieu",
    "mats",
    "max",
    "mila",
    "milan",
    "nathalie",
    "nick",
    "nicolas",
    "niels",
    "nina",
    "noah",
    "noor",
    "olivia",
    "olivier",
    "paul",
    "peter",
    "philippe",
    "pierre",
    "piet",
    "pieter",
    "quinten",
    "remco",
    "rik",
    "robin",
    "roel",
    "ruben",
    "rutger",
    "sam",
    "sander",
    "sanne",
    "sara",
    "sarah",
    "sem",
    "senne",
    "sofie",
    "sophie",
    "stefan",
    "stijn",
    "sven",
    "tess",
    "thijs",
    "thomas",
    "tim",
    "tom",
    "vincent",
    "willem",
    "wim",
    "wouter",
    "yannick",
    "yves",
    "zoe",
];

/// Whether `v` is one of the common given names (accents and case aside).
fn is_first_name(v: &str) -> bool {
    let folded: String = v
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'ï' | 'î' => 'i',
            'ö' | 'ô' => 'o',
            'ü' | 'û' => 'u',
            'à' | 'â' | 'ä' => 'a',
            'ç' => 'c',
            c => c,
        })
        .collect();
    FIRST_NAMES.binary_search(&folded.as_str()).is_ok()
}

/// Whether `v` reads as a family name: letters with spaces, hyphens or
/// apostrophes (`de Vries`, `Van den Berg`, `D'Hondt`), a capital in it.
fn is_family_name(v: &str) -> bool {
    let v = v.trim();
    (2..=40).contains(&v.chars().count())
        && v.chars().any(char::is_uppercase)
        && v.chars()
            .all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '\''))
}

/// An IBAN with a valid ISO 7064 mod-97 check (spaces allowed).
pub fn is_iban(value: &str) -> bool {
    let compact: Vec<u8> = value
        .bytes()
        .filter(|b| *b != b' ')
        .map(|b| b.to_ascii_uppercase())
        .collect();
    if !(15..=34).contains(&compact.len())
        || !compact[..2].iter().all(u8::is_ascii_uppercase)
        || !compact[2..4].iter().all(u8::is_ascii_digit)
        || !compact.iter().all(u8::is_ascii_alphanumeric)
    {
        return false;
    }
    let mut remainder = 0u32;
    for &b in compact[4..].iter().chain(&compact[..4]) {
        let v = if b.is_ascii_digit() {
            u32::from(b - b'0')
        } else {
            u32::from(b - b'A') + 10
        };
        remainder = if v >= 10 {
            (remainder * 100 + v) % 97
        } else {
            (remainder * 10 + v) % 97
        };
    }
    remainder == 1
}

/// A value's shape without its content, for samples and error reports:
/// digits become `9`, letters `x`, other characters stay. `06-12345678`
/// → `99-99999999`; `jan@example.nl` → `xxx@xxxxxxx.xx`.
pub fn redact(value: &str) -> String {
    value
        .chars()
        .take(64)
        .map(|c| {
            if c.is_numeric() {
                '9'
            } else if c.is_alphabetic() {
                'x'
            } else if c.is_control() {
                '?'
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_three_languages() {
        for (name, role) in [
            ("Telefoon", ColumnRole::Phone { mobile: false }),
            ("GSM-nummer", ColumnRole::Phone { mobile: true }),
            ("MSISDN", ColumnRole::Phone { mobile: true }),
            ("E-mail", ColumnRole::Email),
            ("Courriel", ColumnRole::Email),
            ("Prénom", ColumnRole::FirstName),
            ("IBAN", ColumnRole::Iban),
            ("Rekeningnummer", ColumnRole::Iban),
            ("Geboortedatum", ColumnRole::DateOfBirth),
            ("Date de naissance", ColumnRole::DateOfBirth),
            ("Paspoortnummer", ColumnRole::IdDocument),
            ("Rijbewijs", ColumnRole::IdDocument),
            ("numéro_de_passeport", ColumnRole::IdDocument),
            ("\u{feff}klantnummer", ColumnRole::CustomerNumber),
            ("date_d'expiration", ColumnRole::IdExpiry),
        ] {
            assert_eq!(header_role(name), Some(role), "{name}");
        }
        assert_eq!(header_role("favourite colour"), None);
    }

    #[test]
    fn content_decides_where_headers_are_silent() {
        let rows: Vec<Vec<String>> = (0..50)
            .map(|i| {
                vec![
                    format!("06-{:08}", 12_000_000 + i),
                    format!("user{i}@example.nl"),
                    "NL91ABNA0417164300".into(),
                    format!("note {i}"),
                ]
            })
            .collect();
        let d = detect_columns(None, &rows, &[Region::NL]);
        assert_eq!(
            d.roles,
            [
                ColumnRole::Phone { mobile: true },
                ColumnRole::Email,
                ColumnRole::Iban,
                ColumnRole::Ignore
            ]
        );
        assert_eq!(
            d.data_classes(),
            ["Phone numbers", "Email addresses", "Bank account numbers"]
        );
    }

    /// A headerless scrape in the shape of the 2021 Facebook leak: the
    /// profile id, given and family names and places are found by content.
    #[test]
    fn names_places_and_profile_ids_by_content() {
        let first = [
            "Jan", "Sophie", "Lucas", "Emma", "Noah", "Léa", "Thijs", "Marie",
        ];
        let last = ["Jansen", "de Vries", "Peeters", "D'Hondt", "Van den Berg"];
        let places = [
            "Amsterdam, Netherlands",
            "Gent, Belgium",
            "Liège, Belgique",
            "",
        ];
        let rows: Vec<Vec<String>> = (0..60)
            .map(|i| {
                vec![
                    format!("3161{:07}", 2_000_000 + i),
                    format!("1000{:011}", 48_213_000_123 + i * 7_919),
                    first[i % first.len()].to_owned(),
                    last[i % last.len()].to_owned(),
                    places[i % places.len()].to_owned(),
                    ["Acme BV", "Bakkerij Jansen", ""][i % 3].to_owned(),
                ]
            })
            .collect();
        let d = detect_columns(None, &rows, &[Region::NL, Region::BE]);
        assert_eq!(
            d.roles,
            [
                ColumnRole::Phone { mobile: true },
                ColumnRole::SocialProfile,
                ColumnRole::FirstName,
                ColumnRole::LastName,
                ColumnRole::Location,
                ColumnRole::Ignore,
            ]
        );
        // Cities alone, words, numbers and customer numbers are none of these.
        let rows: Vec<Vec<String>> = (0..60)
            .map(|i| {
                vec![
                    ["Amsterdam", "Gent", "Utrecht"][i % 3].to_owned(),
                    format!("{}", 10_000_000 + i),
                    format!("note {i}, about it"),
                    ["Yes", "No"][i % 2].to_owned(),
                ]
            })
            .collect();
        let d = detect_columns(None, &rows, &[Region::NL]);
        assert_eq!(d.roles, [ColumnRole::Ignore; 4]);
        assert!(
            FIRST_NAMES.windows(2).all(|w| w[0] < w[1]),
            "sorted for binary_search"
        );
    }

    #[test]
    fn iban_checksums() {
        assert!(is_iban("NL91 ABNA 0417 1643 00"));
        assert!(is_iban("BE68539007547034"));
        assert!(!is_iban("NL92ABNA0417164300"));
        assert!(!is_iban("hello"));
    }

    #[test]
    fn redaction_keeps_only_the_shape() {
        assert_eq!(redact("06-12345678"), "99-99999999");
        assert_eq!(redact("Jan@Example.nl"), "xxx@xxxxxxx.xx");
        assert_eq!(redact("a\u{0}b"), "x?x");
    }
}

#[cfg(test)]
mod mobile_tests {
    use super::*;

    #[test]
    fn a_column_of_mobiles_is_a_mobile_column() {
        let rows: Vec<Vec<String>> = [
            "0492/26.36.91",
            "06-12345678",
            "+32 470 12 34 56",
            "0612345679",
        ]
        .iter()
        .map(|v| vec![v.to_string()])
        .collect();
        let header = vec!["telefoon".to_string()];
        let d = detect_columns(Some(&header), &rows, &[Region::NL, Region::BE]);
        assert_eq!(d.roles, [ColumnRole::Phone { mobile: true }]);
    }
}
