//! Built-in word lists: common Dutch, Belgian and French first and last names,
//! streets, cities with postcode ranges, banks, companies and job titles.
//!
//! Persons are invented combinations of these; every character is in
//! ISO-8859-1 so that Latin-1 dumps can represent them.

/// First names common in the Netherlands, Flanders and Wallonia.
pub const FIRST_NAMES: &[&str] = &[
    "Jan",
    "Pieter",
    "Kees",
    "Willem",
    "Daan",
    "Sem",
    "Lucas",
    "Levi",
    "Thomas",
    "Bram",
    "Jeroen",
    "Maarten",
    "Sander",
    "Ruben",
    "Niels",
    "Wouter",
    "Koen",
    "Stijn",
    "Arne",
    "Jef",
    "Luc",
    "Benoît",
    "François",
    "Joël",
    "Noël",
    "Jérôme",
    "Rémi",
    "Maria",
    "Anna",
    "Emma",
    "Sophie",
    "Julia",
    "Lotte",
    "Fleur",
    "Sanne",
    "Anouk",
    "Eva",
    "Lieke",
    "Marieke",
    "Inge",
    "Els",
    "Griet",
    "Leen",
    "Hélène",
    "Chloé",
    "Zoë",
    "Françoise",
    "Amélie",
    "Loïc",
    "Mathéo",
    "Noémie",
    "Inès",
];

/// Last names common in the Netherlands, Flanders and Wallonia.
pub const LAST_NAMES: &[&str] = &[
    "de Jong",
    "Jansen",
    "de Vries",
    "van den Berg",
    "van Dijk",
    "Bakker",
    "Janssen",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "Peeters",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "De Smet",
    "Dubois",
    "Lambert",
    "Dupont",
    "Martin",
    "Lefèvre",
    "Leclercq",
    "Mathieu",
    "Desmet",
    "Verhaegen",
    "Van Damme",
    "Moreau",
    "Girard",
    "François",
    "Mercier",
    "Boël",
    "Coppé",
];

/// Dutch cities with a range of four-digit postcodes.
pub const NL_CITIES: &[(&str, u16, u16)] = &[
    ("Amsterdam", 1011, 1109),
    ("Rotterdam", 3011, 3089),
    ("Den Haag", 2491, 2597),
    ("Utrecht", 3511, 3585),
    ("Eindhoven", 5611, 5658),
    ("Groningen", 9711, 9747),
    ("Tilburg", 5011, 5049),
    ("Breda", 4811, 4839),
    ("Nijmegen", 6511, 6546),
    ("Haarlem", 2011, 2037),
    ("Zwolle", 8011, 8048),
    ("Maastricht", 6211, 6229),
    ("Leeuwarden", 8911, 8939),
    ("Delft", 2611, 2629),
];

/// Belgian municipalities with their postcode range.
pub const BE_CITIES: &[(&str, u16, u16)] = &[
    ("Brussel", 1000, 1000),
    ("Bruxelles", 1000, 1000),
    ("Antwerpen", 2000, 2060),
    ("Gent", 9000, 9000),
    ("Leuven", 3000, 3001),
    ("Brugge", 8000, 8000),
    ("Liège", 4000, 4000),
    ("Namur", 5000, 5000),
    ("Charleroi", 6000, 6000),
    ("Mechelen", 2800, 2800),
    ("Hasselt", 3500, 3500),
    ("Kortrijk", 8500, 8500),
    ("Mons", 7000, 7000),
    ("Ixelles", 1050, 1050),
];

/// Dutch street names.
pub const NL_STREETS: &[&str] = &[
    "Dorpsstraat",
    "Kerkstraat",
    "Stationsweg",
    "Molenweg",
    "Schoolstraat",
    "Julianastraat",
    "Beatrixlaan",
    "Hoofdstraat",
    "Prinsengracht",
    "Lindelaan",
    "Wilhelminastraat",
    "Parallelweg",
    "Marktplein",
    "Eikenlaan",
];

/// Belgian street names (Dutch and French).
pub const BE_STREETS: &[&str] = &[
    "Kerkstraat",
    "Stationsstraat",
    "Nieuwstraat",
    "Grote Markt",
    "Molenstraat",
    "Rue de la Gare",
    "Rue de l'Église",
    "Chaussée de Wavre",
    "Avenue Louise",
    "Rue du Moulin",
    "Place Saint-Lambert",
    "Boulevard d'Avroy",
];

/// Dutch bank codes used in NL IBANs.
pub const NL_BANKS: &[&str] = &[
    "INGB", "ABNA", "RABO", "TRIO", "SNSB", "ASNB", "KNAB", "BUNQ",
];

/// Belgian bank codes (first three digits of the BBAN).
pub const BE_BANKS: &[u16] = &[1, 63, 68, 310, 363, 377, 551, 645, 734, 735, 750, 973, 979];

/// Email providers on reserved domains.
pub const EMAIL_DOMAINS: &[&str] = &[
    "example.nl",
    "example.be",
    "example.com",
    "mail.example",
    "post.example",
    "telenet.example",
];

/// Invented companies; some need CSV quoting (commas, quotes).
pub const COMPANIES: &[&str] = &[
    "Van Dijk Logistiek B.V.",
    "Bakkerij Peeters",
    "Janssens & Co",
    "Delta Consultancy",
    "Noordzee Trading",
    "\"De Gouden Leeuw\" BV",
    "Atelier Dubois SPRL",
    "Brasserie Lefèvre",
    "Mulder, Smit en Partners",
    "Polder Software",
    "Maes Bouw NV",
    "Société Générale de Peinture",
    "Kaasmakerij Visser",
    "Groen & Zonen, Hoveniers",
];

/// Job titles (Dutch, French and English).
pub const JOB_TITLES: &[&str] = &[
    "Accountmanager",
    "Directeur",
    "HR-adviseur",
    "Software Engineer",
    "Office Manager",
    "Chef de projet",
    "Responsable commercial",
    "Financieel controller",
    "Marketing Manager",
    "CEO",
    "Verkoper binnendienst",
    "Comptable",
    "Data Analyst",
    "Teamleider, klantenservice",
];

/// ASCII-folds a name for use in an email local part or domain: accents
/// dropped, spaces and apostrophes removed, lower-cased.
pub fn ascii_fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let mapped = match c {
            'é' | 'è' | 'ë' | 'ê' | 'É' => 'e',
            'ï' | 'î' => 'i',
            'ô' | 'ö' => 'o',
            'ü' | 'û' => 'u',
            'à' | 'â' => 'a',
            'ç' => 'c',
            c if c.is_ascii_alphanumeric() => c.to_ascii_lowercase(),
            _ => continue,
        };
        out.push(mapped);
    }
    out
}
