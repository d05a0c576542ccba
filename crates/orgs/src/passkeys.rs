//! Passkeys: the stronger way in, beside the mailed link (WebAuthn through
//! `webauthn-rs`, the Kanidm project's relying-party library).
//!
//! - **Registering** needs a session: [`Orgs::start_passkey_registration`]
//!   gives the options for `navigator.credentials.create` and a ceremony
//!   token; [`Orgs::finish_passkey_registration`] checks the browser's
//!   answer against the stored challenge and keeps the credential. User
//!   verification is required; the person's WebAuthn user handle is derived
//!   from their row with the contact key (no extra identifier is kept).
//! - **Signing in** needs nothing: [`Orgs::start_passkey_sign_in`] asks for
//!   any discoverable credential of this site (no address typed, so the
//!   answer never tells whether an address has an account);
//!   [`Orgs::finish_passkey_sign_in`] finds the credential by its id, checks
//!   that its user handle is its person's, verifies the signature and the
//!   counter, and starts a session exactly as a followed link does.
//! - **Ceremonies** (a challenge and its state) live in the store, sealed
//!   with the contact key, for five minutes, and are taken by the request
//!   that finishes them: a replayed answer finds nothing. Any server behind
//!   a load balancer can finish what another started. (webauthn-rs's
//!   `danger-allow-state-serialisation` feature is what allows storing the
//!   state; it is kept server side, never handed to the browser.)
//! - The relying party is the origin of the pages (`--public-url`, or
//!   `OrgsConfig::passkey_origin`); its host is the RP ID. An origin whose
//!   host is an IP address cannot have passkeys: they are then not offered.
//!
//! Stored per passkey: the credential id, the credential (public key,
//! counter, flags) sealed with the contact key, a name the person gave it,
//! when it was added and last used; deleted with the person.

use lekradar_store::jobs::now_us;
use lekradar_store::orgs::{self as db, CeremonyPurpose};
use webauthn_rs::prelude::{
    DiscoverableAuthentication, DiscoverableKey, Passkey, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential, Url, Uuid,
};
use webauthn_rs::{Webauthn, WebauthnBuilder};

use crate::{audit_person, hash, token, us, NewSession, OrgError, Orgs, Session};

/// How long a ceremony may take.
pub const CEREMONY_VALID_US: i64 = 5 * 60 * 1_000_000;
/// Passkeys per person.
pub const MAX_PASSKEYS: usize = 20;
/// The longest name of a passkey.
pub const MAX_PASSKEY_NAME: usize = 60;
/// The most a browser's answer may weigh (a credential with its
/// attestation is a few kilobytes).
pub const MAX_ANSWER_BYTES: usize = 64 << 10;

const SEAL_PASSKEY: &[u8] = b"org-passkey";
const SEAL_CEREMONY: &[u8] = b"org-passkey-ceremony";
const USER_HANDLE: &[u8] = b"org-passkey-user";

/// The relying party: who passkeys are for.
pub(crate) fn relying_party(origin: &str) -> Result<Webauthn, String> {
    let url = Url::parse(origin).map_err(|e| format!("{origin}: {e}"))?;
    let host = url
        .host_str()
        .ok_or_else(|| format!("{origin} has no host"))?
        .to_owned();
    if host.parse::<std::net::IpAddr>().is_ok()
        || host.starts_with('[')
        || host.trim_start_matches('[').contains(':')
    {
        return Err(format!(
            "{origin}: passkeys need a domain name, not an IP address"
        ));
    }
    let builder = WebauthnBuilder::new(&host, &url)
        .map_err(|e| format!("{origin}: {e}"))?
        .rp_name("Lekradar")
        // A development origin on localhost may be served on any port.
        .allow_any_port(host == "localhost");
    builder.build().map_err(|e| format!("{origin}: {e}"))
}

/// Whether `origin` can be passkeys' relying party; why not.
pub fn check_origin(origin: &str) -> Result<(), String> {
    relying_party(origin).map(|_| ())
}

/// A passkey as the page shows it.
#[derive(Debug, Clone)]
pub struct PasskeyView {
    pub id: i64,
    pub name: String,
    pub created_at_us: i64,
    pub used_at_us: Option<i64>,
}

/// What a ceremony's start gives the browser.
#[derive(Debug, Clone)]
pub struct Challenge {
    /// The options for `navigator.credentials.create` or `.get`, as JSON.
    pub options: serde_json::Value,
    /// Handed back with the answer.
    pub ceremony: String,
}

fn refused(why: impl std::fmt::Display) -> OrgError {
    tracing::info!(reason = %why, "a passkey ceremony was refused");
    OrgError::PasskeyRefused
}

impl Orgs {
    fn webauthn(&self) -> Result<&Webauthn, OrgError> {
        self.0.webauthn.as_ref().ok_or(OrgError::PasskeysOff)
    }

    /// Whether passkeys are offered (the origin has a domain name).
    pub fn passkeys_offered(&self) -> bool {
        self.0.webauthn.is_some()
    }

    fn user_handle(&self, person: i64) -> Uuid {
        let mac = self.0.mail.key.mac(USER_HANDLE, &[&person.to_be_bytes()]);
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&mac[..16]);
        Uuid::from_bytes(bytes)
    }

    fn open_passkey(&self, sealed: &[u8]) -> Result<Passkey, OrgError> {
        let opened = self.0.mail.key.open(SEAL_PASSKEY, sealed).map_err(|_| {
            tracing::error!("a stored passkey does not open with the contact key");
            OrgError::Unavailable
        })?;
        serde_json::from_slice(&opened).map_err(|e| {
            tracing::error!(error = %e, "a stored passkey does not read");
            OrgError::Unavailable
        })
    }

    fn seal_json<T: serde::Serialize>(
        &self,
        purpose: &[u8],
        value: &T,
    ) -> Result<Vec<u8>, OrgError> {
        let json = serde_json::to_vec(value).map_err(|e| {
            tracing::error!(error = %e, "cannot write a passkey's state");
            OrgError::Unavailable
        })?;
        Ok(self.0.mail.key.seal(purpose, &json))
    }

    async fn start_ceremony<T: serde::Serialize>(
        &self,
        purpose: CeremonyPurpose,
        person: Option<i64>,
        state: &T,
    ) -> Result<String, OrgError> {
        let sealed = self.seal_json(SEAL_CEREMONY, state)?;
        let (ceremony, token_hash) = token();
        let now = now_us();
        self.0
            .store
            .run(move |c| {
                Box::pin(async move {
                    db::start_ceremony(
                        c,
                        &token_hash,
                        purpose,
                        person,
                        &sealed,
                        now + CEREMONY_VALID_US,
                        now,
                    )
                    .await
                })
            })
            .await?;
        Ok(ceremony)
    }

    async fn take_ceremony<T: serde::de::DeserializeOwned>(
        &self,
        ceremony: &str,
        purpose: CeremonyPurpose,
        person: Option<i64>,
    ) -> Result<T, OrgError> {
        if ceremony.len() != 43 {
            return Err(refused("a malformed ceremony token"));
        }
        let token_hash = hash(ceremony);
        let now = now_us();
        let sealed = self
            .0
            .store
            .run(move |c| {
                Box::pin(
                    async move { db::take_ceremony(c, &token_hash, purpose, person, now).await },
                )
            })
            .await?
            .ok_or_else(|| refused("no such ceremony (used, ended, or another's)"))?;
        let opened = self
            .0
            .mail
            .key
            .open(SEAL_CEREMONY, &sealed)
            .map_err(|_| refused("a ceremony's state does not open"))?;
        serde_json::from_slice(&opened).map_err(refused)
    }

    /// Starts registering a passkey for `session`'s person.
    pub async fn start_passkey_registration(
        &self,
        session: &Session,
    ) -> Result<Challenge, OrgError> {
        let webauthn = self.webauthn()?;
        let person = session.person;
        let existing = self
            .0
            .store
            .run(move |c| Box::pin(async move { db::passkeys(c, person).await }))
            .await?;
        if existing.len() >= MAX_PASSKEYS {
            return Err(OrgError::TooManyPasskeys);
        }
        let exclude = existing
            .iter()
            .map(|p| p.credential_id.clone().into())
            .collect::<Vec<_>>();
        let (options, state) = webauthn
            .start_passkey_registration(
                self.user_handle(person),
                &session.address,
                &session.address,
                Some(exclude),
            )
            .map_err(|e| {
                tracing::error!(error = %e, "cannot start a passkey registration");
                OrgError::Unavailable
            })?;
        let ceremony = self
            .start_ceremony(CeremonyPurpose::Register, Some(person), &state)
            .await?;
        Ok(Challenge {
            options: serde_json::to_value(&options).map_err(|_| OrgError::Unavailable)?,
            ceremony,
        })
    }

    /// Finishes a registration with the browser's `answer` (the JSON of
    /// the `PublicKeyCredential` that `create` gave), naming the passkey
    /// `name`.
    pub async fn finish_passkey_registration(
        &self,
        session: &Session,
        ceremony: &str,
        answer: &str,
        name: &str,
    ) -> Result<PasskeyView, OrgError> {
        let webauthn = self.webauthn()?;
        let name = name.trim();
        if name.chars().count() > MAX_PASSKEY_NAME || name.chars().any(char::is_control) {
            return Err(OrgError::BadName);
        }
        let name = if name.is_empty() { "passkey" } else { name }.to_owned();
        if answer.len() > MAX_ANSWER_BYTES {
            return Err(refused("an oversized answer"));
        }
        let person = session.person;
        let state: PasskeyRegistration = self
            .take_ceremony(ceremony, CeremonyPurpose::Register, Some(person))
            .await?;
        let credential: RegisterPublicKeyCredential =
            serde_json::from_str(answer).map_err(refused)?;
        let passkey = webauthn
            .finish_passkey_registration(&credential, &state)
            .map_err(refused)?;
        let credential_id = passkey.cred_id().as_ref().to_vec();
        let sealed = self.seal_json(SEAL_PASSKEY, &passkey)?;
        let actor = session.sealed.clone();
        let now = now_us();
        let audit_name = name.clone();
        let id = self
            .0
            .store
            .transaction(move |c| {
                Box::pin(async move {
                    if db::passkeys(c, person).await?.len() >= MAX_PASSKEYS {
                        return Ok(Err(OrgError::TooManyPasskeys));
                    }
                    let Some(id) =
                        db::add_passkey(c, person, &credential_id, &sealed, &audit_name, now)
                            .await?
                    else {
                        return Ok(Err(refused("the credential is registered already")));
                    };
                    audit_person(
                        c,
                        person,
                        &db::AuditRow {
                            at_us: now,
                            actor: Some(actor),
                            action: "passkey.added".into(),
                            subject: None,
                            detail: audit_name.clone(),
                        },
                    )
                    .await?;
                    Ok(Ok(id))
                })
            })
            .await??;
        Ok(PasskeyView {
            id,
            name,
            created_at_us: now,
            used_at_us: None,
        })
    }

    /// Starts a sign-in with any passkey of this site.
    pub async fn start_passkey_sign_in(&self) -> Result<Challenge, OrgError> {
        let webauthn = self.webauthn()?;
        let (options, state) = webauthn.start_discoverable_authentication().map_err(|e| {
            tracing::error!(error = %e, "cannot start a passkey sign-in");
            OrgError::Unavailable
        })?;
        let ceremony = self
            .start_ceremony(CeremonyPurpose::SignIn, None, &state)
            .await?;
        Ok(Challenge {
            options: serde_json::to_value(&options).map_err(|_| OrgError::Unavailable)?,
            ceremony,
        })
    }

    /// Finishes a sign-in with the browser's `answer` (the JSON of the
    /// `PublicKeyCredential` that `get` gave): a new session.
    pub async fn finish_passkey_sign_in(
        &self,
        ceremony: &str,
        answer: &str,
    ) -> Result<NewSession, OrgError> {
        let webauthn = self.webauthn()?;
        if answer.len() > MAX_ANSWER_BYTES {
            return Err(refused("an oversized answer"));
        }
        let state: DiscoverableAuthentication = self
            .take_ceremony(ceremony, CeremonyPurpose::SignIn, None)
            .await?;
        let credential: PublicKeyCredential = serde_json::from_str(answer).map_err(refused)?;
        let (handle, credential_id) = webauthn
            .identify_discoverable_authentication(&credential)
            .map_err(refused)?;
        let credential_id = credential_id.to_vec();
        let row = self
            .0
            .store
            .run(move |c| {
                Box::pin(async move { db::passkey_by_credential(c, &credential_id).await })
            })
            .await?
            .ok_or_else(|| refused("an unknown credential"))?;
        if self.user_handle(row.person) != handle {
            return Err(refused("the credential's user handle is not its person's"));
        }
        let mut passkey = self.open_passkey(&row.passkey)?;
        let result = webauthn
            .finish_discoverable_authentication(
                &credential,
                state,
                &[DiscoverableKey::from(&passkey)],
            )
            .map_err(refused)?;
        passkey.update_credential(&result);
        let sealed = self.seal_json(SEAL_PASSKEY, &passkey)?;
        let (session_token, session_hash) = token();
        let now = now_us();
        let expires = now.saturating_add(us(self.0.config.session_max));
        let (id, person) = (row.id, row.person);
        self.0
            .store
            .transaction(move |c| {
                Box::pin(async move {
                    let Some(who) = db::person(c, person).await? else {
                        return Ok(Err(refused("the passkey's person is gone")));
                    };
                    db::passkey_used(c, id, &sealed, now).await?;
                    db::insert_session(c, &session_hash, person, now, expires).await?;
                    audit_person(
                        c,
                        person,
                        &db::AuditRow {
                            at_us: now,
                            actor: Some(who.address.clone()),
                            action: "signed-in".into(),
                            subject: None,
                            detail: "passkey".into(),
                        },
                    )
                    .await?;
                    Ok(Ok(()))
                })
            })
            .await??;
        Ok(NewSession {
            token: session_token,
            max_age: self.0.config.session_max,
        })
    }

    /// `session`'s person's passkeys.
    pub async fn passkeys(&self, session: &Session) -> Result<Vec<PasskeyView>, OrgError> {
        let person = session.person;
        Ok(self
            .0
            .store
            .run(move |c| Box::pin(async move { db::passkeys(c, person).await }))
            .await?
            .into_iter()
            .map(|p| PasskeyView {
                id: p.id,
                name: p.name,
                created_at_us: p.created_at_us,
                used_at_us: p.used_at_us,
            })
            .collect())
    }

    /// Removes passkey `id` of `session`'s person.
    pub async fn remove_passkey(&self, session: &Session, id: i64) -> Result<(), OrgError> {
        let person = session.person;
        let actor = session.sealed.clone();
        let now = now_us();
        self.0
            .store
            .transaction(move |c| {
                Box::pin(async move {
                    if !db::remove_passkey(c, person, id).await? {
                        return Ok(Err(OrgError::NotFound));
                    }
                    audit_person(
                        c,
                        person,
                        &db::AuditRow {
                            at_us: now,
                            actor: Some(actor),
                            action: "passkey.removed".into(),
                            subject: None,
                            detail: String::new(),
                        },
                    )
                    .await?;
                    Ok(Ok(()))
                })
            })
            .await?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_relying_party_is_the_pages_host() {
        assert!(relying_party("https://lekradar.example").is_ok());
        assert!(relying_party("http://localhost:8080").is_ok());
        for bad in [
            "https://127.0.0.1:8443",
            "http://[::1]:80",
            "not a url",
            "file:///x",
        ] {
            assert!(relying_party(bad).is_err(), "{bad}");
        }
    }
}
