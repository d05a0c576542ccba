//! The one policy deciding what a caller may do through each interface in
//! each deployment mode. Every interface asks it; none decides for itself.
//!
//! | interface            | public                  | owner-only                  | private     |
//! |----------------------|-------------------------|-----------------------------|-------------|
//! | page                 | anyone, on screen       | anyone, by mail, emails only| refused     |
//! | native API           | anyone, on screen       | API key, on screen*         | refused     |
//! | HIBP API             | API key if required     | API key, on screen*         | refused     |
//! | private check        | anyone                  | API key                     | anyone      |
//!
//! \* concealed: no metric or log tells found from not found.
//!
//! A key that is given must be valid, whatever the interface and mode.

use std::net::IpAddr;

use lekradar_store::ApiKeyInfo;

use crate::budgets::Denied;
use crate::config::DeploymentMode;
use crate::identifiers::IdentifierError;

/// Where a check comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Interface {
    /// The pages' check form.
    Page,
    /// `POST /api/v1/check`.
    Native,
    /// The HIBP API's `breachedaccount`.
    Hibp,
    /// The private check's evaluations (the server never sees the identifier).
    Private,
}

impl Interface {
    pub const ALL: [Interface; 4] = [
        Interface::Page,
        Interface::Native,
        Interface::Hibp,
        Interface::Private,
    ];

    /// The metrics label.
    pub fn as_str(&self) -> &'static str {
        match self {
            Interface::Page => "page",
            Interface::Native => "native",
            Interface::Hibp => "hibp",
            Interface::Private => "private",
        }
    }
}

/// Who is calling. (A signed-in session comes next.)
#[derive(Debug, Clone)]
pub enum Caller {
    /// Known by its address only (never logged).
    Anonymous { ip: IpAddr },
    /// A valid, unrevoked API key.
    ApiKey { key: ApiKeyInfo, ip: IpAddr },
}

impl Caller {
    pub fn ip(&self) -> IpAddr {
        match self {
            Caller::Anonymous { ip } | Caller::ApiKey { ip, .. } => *ip,
        }
    }

    pub fn key(&self) -> Option<&ApiKeyInfo> {
        match self {
            Caller::Anonymous { .. } => None,
            Caller::ApiKey { key, .. } => Some(key),
        }
    }
}

/// How an answer may reach the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// In the response. `concealed`: no metric, log line or status the
    /// operator's dashboards see may tell found from not found.
    Screen { concealed: bool },
    /// Only to the checked email address; the response is the same
    /// whatever the outcome.
    Mail,
}

/// Why a check is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("this server answers private checks only")]
    PrivateMode,
    #[error("this check needs an API key")]
    NeedsApiKey,
    #[error("the API key is unknown or revoked")]
    UnknownKey,
    #[error("{0}")]
    Invalid(IdentifierError),
    /// Owner-only answers go by mail: only email addresses can be checked.
    #[error("only email addresses can be checked here")]
    EmailOnly,
    #[error("a rate budget ran out")]
    Limited(Denied),
    /// The store or the keyed PRF failed; try again later.
    #[error("the service is unavailable")]
    Unavailable,
}

/// What the policy says before any key is looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Refused outright (private mode for direct checks).
    pub refused: bool,
    /// A caller without an API key is refused.
    pub needs_key: bool,
    /// How an anonymous caller's answer goes.
    pub anonymous: Delivery,
    /// How a keyed caller's answer goes.
    pub keyed: Delivery,
    /// Only email addresses may be checked.
    pub email_only: bool,
}

/// The rule for `interface` in `mode` (`require_api_key`: the HIBP API's
/// setting).
pub fn rule(mode: DeploymentMode, interface: Interface, require_api_key: bool) -> Rule {
    use DeploymentMode as M;
    use Interface as I;
    let screen = Delivery::Screen { concealed: false };
    let concealed = Delivery::Screen { concealed: true };
    let base = Rule {
        refused: false,
        needs_key: false,
        anonymous: screen,
        keyed: screen,
        email_only: false,
    };
    match (mode, interface) {
        (M::Private, I::Page | I::Native | I::Hibp) => Rule {
            refused: true,
            ..base
        },
        (M::Private, I::Private) => base,
        (M::Public, I::Hibp) => Rule {
            needs_key: require_api_key,
            ..base
        },
        (M::Public, _) => base,
        (M::OwnerOnly, I::Page) => Rule {
            anonymous: Delivery::Mail,
            keyed: Delivery::Mail,
            email_only: true,
            ..base
        },
        (M::OwnerOnly, I::Native | I::Hibp | I::Private) => Rule {
            needs_key: true,
            anonymous: concealed,
            keyed: concealed,
            ..base
        },
    }
}

/// Whether a request through `interface` that is not a check — the HIBP
/// API's `pasteaccount`, the private check's buckets — needs an API key:
/// where that interface's checks need one (owner-only mode; the HIBP API
/// when keys are required), also in private mode.
pub fn lookup_needs_key(mode: DeploymentMode, interface: Interface, require_api_key: bool) -> bool {
    match interface {
        Interface::Hibp => require_api_key || mode == DeploymentMode::OwnerOnly,
        Interface::Page | Interface::Native | Interface::Private => {
            mode == DeploymentMode::OwnerOnly
        }
    }
}

impl Rule {
    /// Whether `caller` may go on, and how its answer goes.
    pub fn admit(&self, caller: &Caller) -> Result<Delivery, Refusal> {
        if self.refused {
            return Err(Refusal::PrivateMode);
        }
        match caller {
            Caller::Anonymous { .. } if self.needs_key => Err(Refusal::NeedsApiKey),
            Caller::Anonymous { .. } => Ok(self.anonymous),
            Caller::ApiKey { .. } => Ok(self.keyed),
        }
    }
}

/// The outcome label of an answered check: found or not found, except
/// where the delivery is concealed (`answered`) or by mail (`accepted`).
pub fn answer_label(delivery: Delivery, found: bool) -> &'static str {
    match (delivery, found) {
        (Delivery::Mail, _) => "accepted",
        (Delivery::Screen { concealed: true }, _) => "answered",
        (Delivery::Screen { concealed: false }, true) => "found",
        (Delivery::Screen { concealed: false }, false) => "not_found",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn callers() -> [Caller; 2] {
        let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let key = ApiKeyInfo {
            id: 1,
            name: "k".to_owned(),
            prefix: "lkr_abcdefgh".to_owned(),
            rate: lekradar_store::Rate::new(10, 1).unwrap(),
            created_at: chrono::Utc::now(),
            revoked_at: None,
        };
        [Caller::Anonymous { ip }, Caller::ApiKey { key, ip }]
    }

    type Admission = Result<Delivery, Refusal>;

    const SCREEN: Result<Delivery, Refusal> = Ok(Delivery::Screen { concealed: false });
    const CONCEALED: Result<Delivery, Refusal> = Ok(Delivery::Screen { concealed: true });
    const MAIL: Result<Delivery, Refusal> = Ok(Delivery::Mail);
    const PRIVATE: Result<Delivery, Refusal> = Err(Refusal::PrivateMode);
    const NEEDS_KEY: Result<Delivery, Refusal> = Err(Refusal::NeedsApiKey);

    /// Every interface × mode × caller, written out (not derived from the
    /// rule it checks): what each deployment promises.
    #[test]
    fn the_whole_matrix() {
        use DeploymentMode as M;
        use Interface as I;
        #[rustfmt::skip]
        let expected: &[(M, I, bool, Admission, Admission)] = &[
            // mode, interface, require_api_key, anonymous, with a key
            (M::Public, I::Page, true, SCREEN, SCREEN),
            (M::Public, I::Native, true, SCREEN, SCREEN),
            (M::Public, I::Hibp, true, NEEDS_KEY, SCREEN),
            (M::Public, I::Hibp, false, SCREEN, SCREEN),
            (M::Public, I::Private, true, SCREEN, SCREEN),
            (M::OwnerOnly, I::Page, true, MAIL, MAIL),
            (M::OwnerOnly, I::Native, true, NEEDS_KEY, CONCEALED),
            (M::OwnerOnly, I::Hibp, true, NEEDS_KEY, CONCEALED),
            (M::OwnerOnly, I::Hibp, false, NEEDS_KEY, CONCEALED),
            (M::OwnerOnly, I::Private, true, NEEDS_KEY, CONCEALED),
            (M::Private, I::Page, true, PRIVATE, PRIVATE),
            (M::Private, I::Native, true, PRIVATE, PRIVATE),
            (M::Private, I::Hibp, true, PRIVATE, PRIVATE),
            (M::Private, I::Hibp, false, PRIVATE, PRIVATE),
            (M::Private, I::Private, true, SCREEN, SCREEN),
        ];
        let [anonymous, keyed] = callers();
        for (mode, interface, require, anon, with_key) in expected {
            let rule = rule(*mode, *interface, *require);
            let at = format!("{mode} {} require_api_key={require}", interface.as_str());
            assert_eq!(&rule.admit(&anonymous), anon, "anonymous, {at}");
            assert_eq!(&rule.admit(&keyed), with_key, "with a key, {at}");
            // Only an owner-only page limits the identifiers to emails.
            assert_eq!(
                rule.email_only,
                *mode == M::OwnerOnly && *interface == I::Page,
                "{at}"
            );
        }
        // Every combination is covered by the table (require_api_key
        // matters for the HIBP API only).
        for mode in M::ALL {
            for interface in I::ALL {
                assert!(
                    expected
                        .iter()
                        .any(|(m, i, _, _, _)| *m == mode && *i == interface),
                    "{mode} {} missing",
                    interface.as_str()
                );
            }
        }
    }

    #[test]
    fn lookups_need_a_key_where_checks_do() {
        use DeploymentMode as M;
        use Interface as I;
        assert!(lookup_needs_key(M::Public, I::Hibp, true));
        assert!(!lookup_needs_key(M::Public, I::Hibp, false));
        assert!(lookup_needs_key(M::OwnerOnly, I::Hibp, false));
        assert!(lookup_needs_key(M::Private, I::Hibp, true));
        assert!(!lookup_needs_key(M::Public, I::Private, true));
        assert!(lookup_needs_key(M::OwnerOnly, I::Private, false));
        assert!(!lookup_needs_key(M::Private, I::Private, true));
    }

    #[test]
    fn concealed_and_mailed_answers_never_say_found() {
        for found in [true, false] {
            assert_eq!(answer_label(Delivery::Mail, found), "accepted");
            assert_eq!(
                answer_label(Delivery::Screen { concealed: true }, found),
                "answered"
            );
        }
        assert_eq!(
            answer_label(Delivery::Screen { concealed: false }, true),
            "found"
        );
        assert_eq!(
            answer_label(Delivery::Screen { concealed: false }, false),
            "not_found"
        );
    }
}
