//! Database URLs: which backend, which file or server, and a spelling of the
//! URL that is safe to show (no password).

use std::path::PathBuf;

use crate::StoreError;

/// Where the metadata lives.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Location {
    Sqlite(PathBuf),
    /// A libpq-style URL, as given.
    Postgres(String),
}

pub(crate) fn parse(url: &str) -> Result<Location, StoreError> {
    let invalid = |reason: &str| StoreError::InvalidUrl {
        url: redact(url),
        reason: reason.to_owned(),
    };
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(Location::Postgres(url.to_owned()));
    }
    let Some(rest) = url.strip_prefix("sqlite:") else {
        return Err(invalid(
            "it starts with neither sqlite: nor postgres:// (or postgresql://)",
        ));
    };
    // sqlite:///abs → /abs, sqlite://rel → rel, sqlite:path → path.
    let path = rest.strip_prefix("//").unwrap_or(rest);
    if path.is_empty() {
        return Err(invalid("it names no file"));
    }
    if path.contains('?') || path.contains('#') {
        return Err(invalid(
            "SQLite URLs take no query parameters ('?' or '#' in the path)",
        ));
    }
    if path.ends_with('/') {
        return Err(invalid("it names a directory, not a file"));
    }
    Ok(Location::Sqlite(PathBuf::from(path)))
}

/// The URL with any password replaced by `***`, for messages and logs.
pub(crate) fn redact(url: &str) -> String {
    let mut out = url.to_owned();
    // scheme://user:password@host…
    if let Some(scheme_end) = out.find("://") {
        let authority_start = scheme_end + 3;
        let authority_end = out[authority_start..]
            .find(['/', '?', '#'])
            .map_or(out.len(), |i| authority_start + i);
        if let Some(at) = out[authority_start..authority_end].rfind('@') {
            let userinfo = &out[authority_start..authority_start + at];
            if let Some(colon) = userinfo.find(':') {
                out.replace_range(authority_start + colon + 1..authority_start + at, "***");
            }
        }
    }
    // …?password=…&…
    if let Some(query_start) = out.find('?') {
        let (head, query) = out.split_at(query_start + 1);
        let query: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                _ => pair.to_owned(),
            })
            .collect();
        out = format!("{head}{}", query.join("&"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_spellings() {
        let sqlite = |p: &str| Location::Sqlite(PathBuf::from(p));
        assert_eq!(
            parse("sqlite:///abs/path/file.sqlite3").unwrap(),
            sqlite("/abs/path/file.sqlite3")
        );
        assert_eq!(
            parse("sqlite://relative/path").unwrap(),
            sqlite("relative/path")
        );
        assert_eq!(parse("sqlite:path").unwrap(), sqlite("path"));
        assert_eq!(parse("sqlite:/abs").unwrap(), sqlite("/abs"));
        for bad in ["sqlite:", "sqlite://", "sqlite:dir/", "sqlite:x?mode=ro"] {
            assert!(
                matches!(parse(bad), Err(StoreError::InvalidUrl { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn postgres_and_unknown_schemes() {
        for url in ["postgres://u@h/db", "postgresql://u@h:5/db?x=y"] {
            assert_eq!(parse(url).unwrap(), Location::Postgres(url.to_owned()));
        }
        for bad in [
            "",
            "mysql://u@h/db",
            "/just/a/path",
            "SQLITE:x",
            "postgres:/x",
        ] {
            let err = parse(bad).unwrap_err().to_string();
            assert!(err.contains("use sqlite:PATH"), "{err}");
        }
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://bob:hunter2@db.example:5432/x"),
            "postgres://bob:***@db.example:5432/x"
        );
        assert_eq!(
            redact("postgres://bob@db/x?sslmode=disable&password=hunter2"),
            "postgres://bob@db/x?sslmode=disable&password=***"
        );
        assert_eq!(redact("postgres://bob@db/x"), "postgres://bob@db/x");
        assert_eq!(redact("sqlite:a@b:c"), "sqlite:a@b:c");
        let err = parse("mysql://bob:hunter2@h/db").unwrap_err().to_string();
        assert!(!err.contains("hunter2"), "{err}");
    }
}
