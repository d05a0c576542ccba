//! Organisations (migration `0007_orgs`): people who sign in, organisations
//! and their members, single-use links, sessions, domains and the audit log.
//!
//! A person is found by a keyed hash of their address (`address_key`,
//! computed by the caller with the contact key) and reached through the
//! address sealed by the caller (`address`, opaque bytes here). Links and
//! sessions are found by the SHA-256 of their token; the token itself is
//! never stored. Every statement about an organisation's contents is
//! scoped by the organisation's row id, which callers take only from a
//! membership: that is what keeps one organisation from reading another's.

use std::collections::HashMap;

use crate::conn::Conn;
use crate::portable::{execute, query, AnyRow};
use crate::StoreError;

/// A member's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Viewer,
    Owner,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "owner" => Some(Role::Owner),
            "viewer" => Some(Role::Viewer),
            _ => None,
        }
    }

    fn read(s: &str) -> Result<Role, StoreError> {
        Role::parse(s).ok_or_else(|| StoreError::corrupt(format!("{s:?} is not a role")))
    }
}

/// A person who can sign in.
#[derive(Clone)]
pub struct Person {
    pub id: i64,
    /// Sealed by the caller.
    pub address: Vec<u8>,
    pub lang: String,
}

impl std::fmt::Debug for Person {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Person")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// The person with `address_key`, created (with `address`, `lang`) when
/// there is none.
pub async fn person_for(
    c: &mut Conn<'_>,
    address_key: &[u8],
    address: &[u8],
    lang: &str,
    now_us: i64,
) -> Result<Person, StoreError> {
    execute(
        c,
        "create a person",
        "INSERT INTO org_people (address_key, address, lang, created_at_us) VALUES ($1, $2, $3, $4)
         ON CONFLICT (address_key) DO NOTHING",
        &[&address_key, &address, &lang, &now_us],
    )
    .await?;
    person_by_key(c, address_key)
        .await?
        .ok_or_else(|| StoreError::corrupt("a person just created is missing"))
}

fn person_row(r: &AnyRow<'_, '_>) -> Result<Person, StoreError> {
    Ok(Person {
        id: r.get(0)?,
        address: r.get(1)?,
        lang: r.get(2)?,
    })
}

pub async fn person_by_key(
    c: &mut Conn<'_>,
    address_key: &[u8],
) -> Result<Option<Person>, StoreError> {
    Ok(query(
        c,
        "find a person",
        "SELECT id, address, lang FROM org_people WHERE address_key = $1",
        &[&address_key],
        person_row,
    )
    .await?
    .pop())
}

pub async fn person(c: &mut Conn<'_>, id: i64) -> Result<Option<Person>, StoreError> {
    Ok(query(
        c,
        "read a person",
        "SELECT id, address, lang FROM org_people WHERE id = $1",
        &[&id],
        person_row,
    )
    .await?
    .pop())
}

/// Deletes person `id` (their sessions and memberships with them) when they
/// belong to no organisation; whether they were deleted.
pub async fn forget_person_if_alone(c: &mut Conn<'_>, id: i64) -> Result<bool, StoreError> {
    Ok(execute(
        c,
        "forget a person",
        "DELETE FROM org_people WHERE id = $1
         AND NOT EXISTS (SELECT 1 FROM org_members WHERE person = $1)",
        &[&id],
    )
    .await?
        > 0)
}

// ---------------------------------------------------------------- links

/// What a single-use link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    SignIn,
    Invitation,
    Domain,
}

impl LinkPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::SignIn => "sign-in",
            LinkPurpose::Invitation => "invitation",
            LinkPurpose::Domain => "domain",
        }
    }

    fn read(s: &str) -> Result<LinkPurpose, StoreError> {
        match s {
            "sign-in" => Ok(LinkPurpose::SignIn),
            "invitation" => Ok(LinkPurpose::Invitation),
            "domain" => Ok(LinkPurpose::Domain),
            other => Err(StoreError::corrupt(format!(
                "{other:?} is not a link purpose"
            ))),
        }
    }
}

/// A single-use link.
#[derive(Clone)]
pub struct Link {
    pub token_hash: Vec<u8>,
    pub purpose: LinkPurpose,
    pub address_key: Vec<u8>,
    /// Sealed by the caller.
    pub address: Vec<u8>,
    pub lang: String,
    pub org: Option<i64>,
    pub role: Option<Role>,
    pub domain: Option<i64>,
    pub expires_at_us: i64,
}

impl std::fmt::Debug for Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Link")
            .field("purpose", &self.purpose)
            .field("org", &self.org)
            .field("domain", &self.domain)
            .finish_non_exhaustive()
    }
}

pub async fn insert_link(c: &mut Conn<'_>, link: &Link, now_us: i64) -> Result<(), StoreError> {
    let role = link.role.map(Role::as_str);
    execute(
        c,
        "store a link",
        "INSERT INTO org_links (token_hash, purpose, address_key, address, lang, org, role, domain, expires_at_us, created_at_us)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        &[
            &link.token_hash,
            &link.purpose.as_str(),
            &link.address_key,
            &link.address,
            &link.lang,
            &link.org,
            &role,
            &link.domain,
            &link.expires_at_us,
            &now_us,
        ],
    )
    .await?;
    Ok(())
}

/// Whether a link for `purpose` went to `address_key` at or after `since_us`.
pub async fn link_sent_since(
    c: &mut Conn<'_>,
    address_key: &[u8],
    purpose: LinkPurpose,
    since_us: i64,
) -> Result<bool, StoreError> {
    Ok(!query(
        c,
        "look for a recent link",
        "SELECT 1 FROM org_links WHERE address_key = $1 AND purpose = $2 AND created_at_us >= $3 LIMIT 1",
        &[&address_key, &purpose.as_str(), &since_us],
        |_| Ok(()),
    )
    .await?
    .is_empty())
}

/// Takes (deletes and returns) the unexpired link with `token_hash`: a link
/// works once.
pub async fn take_link(
    c: &mut Conn<'_>,
    token_hash: &[u8],
    now_us: i64,
) -> Result<Option<Link>, StoreError> {
    let taken = query(
        c,
        "take a link",
        "DELETE FROM org_links WHERE token_hash = $1
         RETURNING token_hash, purpose, address_key, address, lang, org, role, domain, expires_at_us",
        &[&token_hash],
        |r| {
            let role: Option<String> = r.get(6)?;
            Ok(Link {
                token_hash: r.get(0)?,
                purpose: LinkPurpose::read(&r.get::<String>(1)?)?,
                address_key: r.get(2)?,
                address: r.get(3)?,
                lang: r.get(4)?,
                org: r.get(5)?,
                role: role.as_deref().map(Role::read).transpose()?,
                domain: r.get(7)?,
                expires_at_us: r.get(8)?,
            })
        },
    )
    .await?
    .pop();
    Ok(taken.filter(|l| l.expires_at_us > now_us))
}

// ---------------------------------------------------------------- sessions

/// A session's row.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub person: i64,
    pub created_at_us: i64,
    pub last_seen_at_us: i64,
    pub expires_at_us: i64,
}

pub async fn insert_session(
    c: &mut Conn<'_>,
    token_hash: &[u8],
    person: i64,
    now_us: i64,
    expires_at_us: i64,
) -> Result<(), StoreError> {
    execute(
        c,
        "store a session",
        "INSERT INTO org_sessions (token_hash, person, created_at_us, last_seen_at_us, expires_at_us)
         VALUES ($1, $2, $3, $3, $4)",
        &[&token_hash, &person, &now_us, &expires_at_us],
    )
    .await?;
    Ok(())
}

pub async fn session(
    c: &mut Conn<'_>,
    token_hash: &[u8],
) -> Result<Option<SessionRow>, StoreError> {
    Ok(query(
        c,
        "read a session",
        "SELECT person, created_at_us, last_seen_at_us, expires_at_us FROM org_sessions WHERE token_hash = $1",
        &[&token_hash],
        |r| {
            Ok(SessionRow {
                person: r.get(0)?,
                created_at_us: r.get(1)?,
                last_seen_at_us: r.get(2)?,
                expires_at_us: r.get(3)?,
            })
        },
    )
    .await?
    .pop())
}

pub async fn touch_session(
    c: &mut Conn<'_>,
    token_hash: &[u8],
    now_us: i64,
) -> Result<(), StoreError> {
    execute(
        c,
        "touch a session",
        "UPDATE org_sessions SET last_seen_at_us = $2 WHERE token_hash = $1",
        &[&token_hash, &now_us],
    )
    .await?;
    Ok(())
}

pub async fn delete_session(c: &mut Conn<'_>, token_hash: &[u8]) -> Result<u64, StoreError> {
    execute(
        c,
        "end a session",
        "DELETE FROM org_sessions WHERE token_hash = $1",
        &[&token_hash],
    )
    .await
}

/// Ends every session of `person`; how many there were.
pub async fn delete_sessions_of(c: &mut Conn<'_>, person: i64) -> Result<u64, StoreError> {
    execute(
        c,
        "end a person's sessions",
        "DELETE FROM org_sessions WHERE person = $1",
        &[&person],
    )
    .await
}

/// Deletes expired links and sessions (sessions idle since before
/// `idle_before_us` too); how many rows went.
pub async fn purge_expired(
    c: &mut Conn<'_>,
    now_us: i64,
    idle_before_us: i64,
) -> Result<u64, StoreError> {
    let links = execute(
        c,
        "purge links",
        "DELETE FROM org_links WHERE expires_at_us <= $1",
        &[&now_us],
    )
    .await?;
    let sessions = execute(
        c,
        "purge sessions",
        "DELETE FROM org_sessions WHERE expires_at_us <= $1 OR last_seen_at_us < $2",
        &[&now_us, &idle_before_us],
    )
    .await?;
    let ceremonies = execute(
        c,
        "purge passkey ceremonies",
        "DELETE FROM org_ceremonies WHERE expires_at_us <= $1",
        &[&now_us],
    )
    .await?;
    Ok(links + sessions + ceremonies)
}

// ---------------------------------------------------------------- orgs

/// A person's membership of an organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub org: i64,
    pub public_id: String,
    pub name: String,
    pub person: i64,
    pub role: Role,
}

fn membership_row(r: &AnyRow<'_, '_>) -> Result<Membership, StoreError> {
    Ok(Membership {
        org: r.get(0)?,
        public_id: r.get(1)?,
        name: r.get(2)?,
        person: r.get(3)?,
        role: Role::read(&r.get::<String>(4)?)?,
    })
}

/// Creates an organisation; its row id.
pub async fn create_org(
    c: &mut Conn<'_>,
    public_id: &str,
    name: &str,
    now_us: i64,
) -> Result<i64, StoreError> {
    query(
        c,
        "create an organisation",
        "INSERT INTO orgs (public_id, name, created_at_us) VALUES ($1, $2, $3) RETURNING id",
        &[&public_id, &name, &now_us],
        |r| r.get(0),
    )
    .await?
    .pop()
    .ok_or_else(|| StoreError::corrupt("INSERT … RETURNING gave no row"))
}

pub async fn delete_org(c: &mut Conn<'_>, org: i64) -> Result<u64, StoreError> {
    execute(
        c,
        "delete an organisation",
        "DELETE FROM orgs WHERE id = $1",
        &[&org],
    )
    .await
}

/// Makes `person` a member of `org` with `role`; an existing member keeps
/// the higher of the two roles. Whether they were not a member before.
pub async fn add_member(
    c: &mut Conn<'_>,
    org: i64,
    person: i64,
    role: Role,
    now_us: i64,
) -> Result<bool, StoreError> {
    let added = execute(
        c,
        "add a member",
        "INSERT INTO org_members (org, person, role, created_at_us) VALUES ($1, $2, $3, $4)
         ON CONFLICT (org, person) DO NOTHING",
        &[&org, &person, &role.as_str(), &now_us],
    )
    .await?;
    if added == 0 && role == Role::Owner {
        set_role(c, org, person, Role::Owner).await?;
    }
    Ok(added > 0)
}

pub async fn set_role(
    c: &mut Conn<'_>,
    org: i64,
    person: i64,
    role: Role,
) -> Result<u64, StoreError> {
    execute(
        c,
        "change a role",
        "UPDATE org_members SET role = $3 WHERE org = $1 AND person = $2",
        &[&org, &person, &role.as_str()],
    )
    .await
}

pub async fn remove_member(c: &mut Conn<'_>, org: i64, person: i64) -> Result<u64, StoreError> {
    execute(
        c,
        "remove a member",
        "DELETE FROM org_members WHERE org = $1 AND person = $2",
        &[&org, &person],
    )
    .await
}

pub async fn owner_count(c: &mut Conn<'_>, org: i64) -> Result<i64, StoreError> {
    query(
        c,
        "count owners",
        "SELECT count(*) FROM org_members WHERE org = $1 AND role = 'owner'",
        &[&org],
        |r| r.get(0),
    )
    .await?
    .pop()
    .ok_or_else(|| StoreError::corrupt("count gave no row"))
}

/// The organisations `person` belongs to, by name.
pub async fn memberships(c: &mut Conn<'_>, person: i64) -> Result<Vec<Membership>, StoreError> {
    query(
        c,
        "list memberships",
        "SELECT o.id, o.public_id, o.name, m.person, m.role FROM org_members m JOIN orgs o ON o.id = m.org
         WHERE m.person = $1 ORDER BY o.name, o.id",
        &[&person],
        membership_row,
    )
    .await
}

/// `person`'s membership of the organisation named `public_id` in URLs.
pub async fn membership(
    c: &mut Conn<'_>,
    person: i64,
    public_id: &str,
) -> Result<Option<Membership>, StoreError> {
    Ok(query(
        c,
        "read a membership",
        "SELECT o.id, o.public_id, o.name, m.person, m.role FROM org_members m JOIN orgs o ON o.id = m.org
         WHERE m.person = $1 AND o.public_id = $2",
        &[&person, &public_id],
        membership_row,
    )
    .await?
    .pop())
}

/// A member as the members page lists them.
#[derive(Clone)]
pub struct MemberRow {
    pub person: i64,
    /// Sealed by the caller.
    pub address: Vec<u8>,
    pub role: Role,
    pub since_us: i64,
}

impl std::fmt::Debug for MemberRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemberRow")
            .field("person", &self.person)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

pub async fn members(c: &mut Conn<'_>, org: i64) -> Result<Vec<MemberRow>, StoreError> {
    query(
        c,
        "list members",
        "SELECT m.person, p.address, m.role, m.created_at_us FROM org_members m JOIN org_people p ON p.id = m.person
         WHERE m.org = $1 ORDER BY m.created_at_us, m.person",
        &[&org],
        |r| {
            Ok(MemberRow {
                person: r.get(0)?,
                address: r.get(1)?,
                role: Role::read(&r.get::<String>(2)?)?,
                since_us: r.get(3)?,
            })
        },
    )
    .await
}

// ---------------------------------------------------------------- domains

/// A domain's verification state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DomainState {
    Pending,
    Verified,
    Lapsed,
}

impl DomainState {
    pub fn as_str(self) -> &'static str {
        match self {
            DomainState::Pending => "pending",
            DomainState::Verified => "verified",
            DomainState::Lapsed => "lapsed",
        }
    }

    fn read(s: &str) -> Result<DomainState, StoreError> {
        match s {
            "pending" => Ok(DomainState::Pending),
            "verified" => Ok(DomainState::Verified),
            "lapsed" => Ok(DomainState::Lapsed),
            other => Err(StoreError::corrupt(format!(
                "{other:?} is not a domain state"
            ))),
        }
    }
}

/// How a domain was verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DomainMethod {
    Dns,
    Mail,
}

impl DomainMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            DomainMethod::Dns => "dns",
            DomainMethod::Mail => "mail",
        }
    }

    fn read(s: &str) -> Result<DomainMethod, StoreError> {
        match s {
            "dns" => Ok(DomainMethod::Dns),
            "mail" => Ok(DomainMethod::Mail),
            other => Err(StoreError::corrupt(format!("{other:?} is not a method"))),
        }
    }
}

/// A domain of an organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainRow {
    pub id: i64,
    pub org: i64,
    /// ASCII (IDNA), lower case.
    pub domain: String,
    pub token: String,
    pub state: DomainState,
    pub method: Option<DomainMethod>,
    pub verified_at_us: Option<i64>,
    pub checked_at_us: Option<i64>,
}

const DOMAIN_COLUMNS: &str = "id, org, domain, token, state, method, verified_at_us, checked_at_us";

fn domain_row(r: &AnyRow<'_, '_>) -> Result<DomainRow, StoreError> {
    let method: Option<String> = r.get(5)?;
    Ok(DomainRow {
        id: r.get(0)?,
        org: r.get(1)?,
        domain: r.get(2)?,
        token: r.get(3)?,
        state: DomainState::read(&r.get::<String>(4)?)?,
        method: method.as_deref().map(DomainMethod::read).transpose()?,
        verified_at_us: r.get(6)?,
        checked_at_us: r.get(7)?,
    })
}

/// Adds `domain` to `org`, pending; `None` when the organisation has it
/// already.
pub async fn add_domain(
    c: &mut Conn<'_>,
    org: i64,
    domain: &str,
    token: &str,
    now_us: i64,
) -> Result<Option<i64>, StoreError> {
    Ok(query(
        c,
        "add a domain",
        "INSERT INTO org_domains (org, domain, token, state, created_at_us) VALUES ($1, $2, $3, 'pending', $4)
         ON CONFLICT (org, domain) DO NOTHING RETURNING id",
        &[&org, &domain, &token, &now_us],
        |r| r.get(0),
    )
    .await?
    .pop())
}

pub async fn domains(c: &mut Conn<'_>, org: i64) -> Result<Vec<DomainRow>, StoreError> {
    query(
        c,
        "list domains",
        &format!("SELECT {DOMAIN_COLUMNS} FROM org_domains WHERE org = $1 ORDER BY domain"),
        &[&org],
        domain_row,
    )
    .await
}

/// Domain `id`, when it is `org`'s.
pub async fn domain(c: &mut Conn<'_>, org: i64, id: i64) -> Result<Option<DomainRow>, StoreError> {
    Ok(query(
        c,
        "read a domain",
        &format!("SELECT {DOMAIN_COLUMNS} FROM org_domains WHERE id = $1 AND org = $2"),
        &[&id, &org],
        domain_row,
    )
    .await?
    .pop())
}

/// Verified domains last checked before `before_us` (or never), oldest
/// first, at most `limit`.
pub async fn domains_to_recheck(
    c: &mut Conn<'_>,
    before_us: i64,
    limit: i64,
) -> Result<Vec<DomainRow>, StoreError> {
    query(
        c,
        "list domains to check",
        &format!(
            "SELECT {DOMAIN_COLUMNS} FROM org_domains WHERE state = 'verified' AND COALESCE(checked_at_us, 0) < $1
             ORDER BY COALESCE(checked_at_us, 0), id LIMIT $2"
        ),
        &[&before_us, &limit],
        domain_row,
    )
    .await
}

/// Marks domain `id` verified by `method`.
pub async fn verify_domain(
    c: &mut Conn<'_>,
    id: i64,
    method: DomainMethod,
    now_us: i64,
) -> Result<u64, StoreError> {
    execute(
        c,
        "verify a domain",
        "UPDATE org_domains SET state = 'verified', method = $2, verified_at_us = $3, checked_at_us = $3 WHERE id = $1",
        &[&id, &method.as_str(), &now_us],
    )
    .await
}

/// Records that domain `id` was checked and still holds.
pub async fn domain_checked(c: &mut Conn<'_>, id: i64, now_us: i64) -> Result<u64, StoreError> {
    execute(
        c,
        "record a domain check",
        "UPDATE org_domains SET checked_at_us = $2 WHERE id = $1",
        &[&id, &now_us],
    )
    .await
}

/// Marks verified domain `id` lapsed; whether it was verified.
pub async fn lapse_domain(c: &mut Conn<'_>, id: i64, now_us: i64) -> Result<bool, StoreError> {
    Ok(execute(
        c,
        "lapse a domain",
        "UPDATE org_domains SET state = 'lapsed', checked_at_us = $2 WHERE id = $1 AND state = 'verified'",
        &[&id, &now_us],
    )
    .await?
        > 0)
}

pub async fn remove_domain(c: &mut Conn<'_>, org: i64, id: i64) -> Result<u64, StoreError> {
    execute(
        c,
        "remove a domain",
        "DELETE FROM org_domains WHERE id = $1 AND org = $2",
        &[&id, &org],
    )
    .await
}

// ---------------------------------------------------------------- audit

/// One audit entry.
#[derive(Clone)]
pub struct AuditRow {
    pub at_us: i64,
    /// The actor's address, sealed by the caller; `None` for the system.
    pub actor: Option<Vec<u8>>,
    pub action: String,
    /// The address acted on, sealed by the caller.
    pub subject: Option<Vec<u8>>,
    /// What else; names no person.
    pub detail: String,
}

impl std::fmt::Debug for AuditRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditRow")
            .field("at_us", &self.at_us)
            .field("action", &self.action)
            .field("detail", &self.detail)
            .finish_non_exhaustive()
    }
}

pub async fn audit(c: &mut Conn<'_>, org: i64, entry: &AuditRow) -> Result<(), StoreError> {
    execute(
        c,
        "write the audit log",
        "INSERT INTO org_audit (org, at_us, actor, action, subject, detail) VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            &org,
            &entry.at_us,
            &entry.actor,
            &entry.action,
            &entry.subject,
            &entry.detail,
        ],
    )
    .await?;
    Ok(())
}

/// `org`'s newest `limit` entries, newest first.
pub async fn audit_entries(
    c: &mut Conn<'_>,
    org: i64,
    limit: i64,
) -> Result<Vec<AuditRow>, StoreError> {
    query(
        c,
        "read the audit log",
        "SELECT at_us, actor, action, subject, detail FROM org_audit WHERE org = $1 ORDER BY at_us DESC, id DESC LIMIT $2",
        &[&org, &limit],
        |r| {
            Ok(AuditRow {
                at_us: r.get(0)?,
                actor: r.get(1)?,
                action: r.get(2)?,
                subject: r.get(3)?,
                detail: r.get(4)?,
            })
        },
    )
    .await
}

/// Deletes audit entries older than `before_us`; how many.
pub async fn purge_audit(c: &mut Conn<'_>, before_us: i64) -> Result<u64, StoreError> {
    execute(
        c,
        "purge the audit log",
        "DELETE FROM org_audit WHERE at_us < $1",
        &[&before_us],
    )
    .await
}

/// The name of organisation `org`.
pub async fn org_name(c: &mut Conn<'_>, org: i64) -> Result<String, StoreError> {
    query(
        c,
        "read an organisation's name",
        "SELECT name FROM orgs WHERE id = $1",
        &[&org],
        |r| r.get(0),
    )
    .await?
    .pop()
    .ok_or_else(|| StoreError::corrupt("an organisation is missing"))
}

// ---------------------------------------------------------------- watchlists

/// What a watchlist entry watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchKind {
    Email,
    Phone,
}

impl WatchKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WatchKind::Email => "email",
            WatchKind::Phone => "phone",
        }
    }

    fn read(s: &str) -> Result<WatchKind, StoreError> {
        match s {
            "email" => Ok(WatchKind::Email),
            "phone" => Ok(WatchKind::Phone),
            other => Err(StoreError::corrupt(format!(
                "{other:?} is not a watch kind"
            ))),
        }
    }
}

/// A watchlist entry to add.
#[derive(Clone)]
pub struct NewWatch {
    pub kind: WatchKind,
    pub prf_output: Vec<u8>,
    pub bucket: i64,
    pub domain: Option<String>,
    /// The identifier and the reference, sealed by the caller.
    pub entry: Vec<u8>,
    /// (breach, data classes) the index holds for it.
    pub hits: Vec<(String, String)>,
    /// Not matched yet: `hits` is empty and its `orgs.match-watch` job
    /// will record them (migration `0013_org_watch_matching`).
    pub awaiting_match: bool,
}

/// A stored watchlist entry.
#[derive(Clone)]
pub struct WatchRow {
    pub id: i64,
    pub kind: WatchKind,
    pub domain: Option<String>,
    pub entry: Vec<u8>,
    pub created_at_us: i64,
    /// A mobile number its holder confirmed (owner-only deployments).
    pub confirmed: bool,
}

impl std::fmt::Debug for WatchRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WatchRow")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// Adds `watch` to `org`, or replaces the entry (reference) and hits of the
/// one with the same PRF output; whether it is new. The caller marks the
/// watchlist changed ([`bump_watch_version`]) in the same transaction.
pub async fn put_watch(
    c: &mut Conn<'_>,
    org: i64,
    watch: &NewWatch,
    now_us: i64,
) -> Result<(i64, bool), StoreError> {
    let awaiting = i64::from(watch.awaiting_match);
    let inserted: Option<i64> = query(
        c,
        "add a watch entry",
        "INSERT INTO org_watch (org, kind, prf_output, bucket, domain, entry, created_at_us, awaiting_match)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (org, prf_output) DO NOTHING RETURNING id",
        &[
            &org,
            &watch.kind.as_str(),
            &watch.prf_output,
            &watch.bucket,
            &watch.domain,
            &watch.entry,
            &now_us,
            &awaiting,
        ],
        |r| r.get(0),
    )
    .await?
    .pop();
    let (id, new) = match inserted {
        Some(id) => (id, true),
        None => {
            let id: i64 = query(
                c,
                "update a watch entry",
                "UPDATE org_watch SET entry = $3, awaiting_match = $4
                 WHERE org = $1 AND prf_output = $2 RETURNING id",
                &[&org, &watch.prf_output, &watch.entry, &awaiting],
                |r| r.get(0),
            )
            .await?
            .pop()
            .ok_or_else(|| StoreError::corrupt("a watch entry vanished"))?;
            execute(
                c,
                "clear a watch entry's hits",
                "DELETE FROM org_watch_hits WHERE watch = $1",
                &[&id],
            )
            .await?;
            (id, false)
        }
    };
    let hits: Vec<(i64, &str, &str)> = watch
        .hits
        .iter()
        .map(|(b, k)| (id, b.as_str(), k.as_str()))
        .collect();
    insert_hits(c, &hits).await?;
    Ok((id, new))
}

/// [`put_watch`] for many entries at once, in order: (id, whether new) of
/// each. New entries go in many to a statement; an entry already watched
/// is replaced as [`put_watch`] replaces it.
pub async fn put_watches(
    c: &mut Conn<'_>,
    org: i64,
    watches: &[NewWatch],
    now_us: i64,
) -> Result<Vec<(i64, bool)>, StoreError> {
    let mut ids: Vec<Option<(i64, bool)>> = vec![None; watches.len()];
    for (base, chunk) in watches.chunks(100).enumerate().map(|(n, c)| (n * 100, c)) {
        let awaiting: Vec<i64> = chunk.iter().map(|w| i64::from(w.awaiting_match)).collect();
        let kinds: Vec<&str> = chunk.iter().map(|w| w.kind.as_str()).collect();
        let mut sql = String::from(
            "INSERT INTO org_watch (org, kind, prf_output, bucket, domain, entry, created_at_us, awaiting_match) VALUES ",
        );
        let mut params: Vec<&dyn crate::portable::Param> = Vec::with_capacity(2 + 6 * chunk.len());
        params.push(&org);
        params.push(&now_us);
        for (i, w) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            let p = 3 + 6 * i;
            sql.push_str(&format!(
                "($1, ${}, ${}, ${}, ${}, ${}, $2, ${})",
                p,
                p + 1,
                p + 2,
                p + 3,
                p + 4,
                p + 5
            ));
            params.push(&kinds[i]);
            params.push(&w.prf_output);
            params.push(&w.bucket);
            params.push(&w.domain);
            params.push(&w.entry);
            params.push(&awaiting[i]);
        }
        sql.push_str(" ON CONFLICT (org, prf_output) DO NOTHING RETURNING id, prf_output");
        let inserted: Vec<(i64, Vec<u8>)> = query(c, "add watch entries", &sql, &params, |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .await?;
        let by_output: HashMap<&[u8], i64> = inserted
            .iter()
            .map(|(id, output)| (output.as_slice(), *id))
            .collect();
        let mut claimed = std::collections::HashSet::new();
        for (i, w) in chunk.iter().enumerate() {
            if let Some(&id) = by_output.get(w.prf_output.as_slice()) {
                // A second listing of the same person replaces the first, below.
                if claimed.insert(id) {
                    ids[base + i] = Some((id, true));
                }
            }
        }
    }
    let mut hits: Vec<(i64, &str, &str)> = Vec::new();
    let mut out = Vec::with_capacity(watches.len());
    for (w, got) in watches.iter().zip(ids) {
        let (id, new) = match got {
            Some(got) => got,
            // Already watched (or listed twice in this call): replaced.
            None => {
                let (id, new) = put_watch(c, org, w, now_us).await?;
                out.push((id, new));
                continue;
            }
        };
        hits.extend(w.hits.iter().map(|(b, k)| (id, b.as_str(), k.as_str())));
        out.push((id, new));
    }
    insert_hits(c, &hits).await?;
    Ok(out)
}

/// Records hits (entry id, breach, data classes), 100 to a statement; a
/// hit already recorded is left as it is.
async fn insert_hits(c: &mut Conn<'_>, hits: &[(i64, &str, &str)]) -> Result<(), StoreError> {
    for chunk in hits.chunks(100) {
        let mut sql = String::from("INSERT INTO org_watch_hits (watch, breach, classes) VALUES ");
        let mut params: Vec<&dyn crate::portable::Param> = Vec::with_capacity(3 * chunk.len());
        for (i, (watch, breach, classes)) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("(${}, ${}, ${})", 1 + 3 * i, 2 + 3 * i, 3 + 3 * i));
            params.push(watch);
            params.push(breach);
            params.push(classes);
        }
        sql.push_str(" ON CONFLICT (watch, breach) DO NOTHING");
        execute(c, "record watch hits", &sql, &params).await?;
    }
    Ok(())
}

/// `sql` (which ends in `IN (`) completed with `ids` as `$2…` and then
/// `tail`, with its parameters (`org` as `$1`); callers pass a few hundred
/// ids at a time.
fn org_ids_in<'p>(
    sql: &str,
    tail: &str,
    org: &'p i64,
    ids: &'p [i64],
) -> (String, Vec<&'p dyn crate::portable::Param>) {
    let list: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 2)).collect();
    let mut params: Vec<&dyn crate::portable::Param> = Vec::with_capacity(1 + ids.len());
    params.push(org);
    params.extend(ids.iter().map(|id| id as &dyn crate::portable::Param));
    (format!("{sql}{}){tail}", list.join(", ")), params)
}

/// How many entries of `kind` `org` watches.
pub async fn watch_count(c: &mut Conn<'_>, org: i64, kind: WatchKind) -> Result<i64, StoreError> {
    query(
        c,
        "count watch entries",
        "SELECT count(*) FROM org_watch WHERE org = $1 AND kind = $2",
        &[&org, &kind.as_str()],
        |r| r.get(0),
    )
    .await?
    .pop()
    .ok_or_else(|| StoreError::corrupt("count gave no row"))
}

/// Whether `org` watches the identifier with `prf_output`.
pub async fn watches(c: &mut Conn<'_>, org: i64, prf_output: &[u8]) -> Result<bool, StoreError> {
    Ok(!query(
        c,
        "find a watch entry",
        "SELECT 1 FROM org_watch WHERE org = $1 AND prf_output = $2",
        &[&org, &prf_output],
        |_| Ok(()),
    )
    .await?
    .is_empty())
}

/// `org`'s entries, oldest first.
pub async fn watch_entries(c: &mut Conn<'_>, org: i64) -> Result<Vec<WatchRow>, StoreError> {
    query(
        c,
        "list watch entries",
        "SELECT id, kind, domain, entry, created_at_us, CASE WHEN confirmed_at_us IS NULL THEN 0 ELSE 1 END
         FROM org_watch WHERE org = $1 ORDER BY id",
        &[&org],
        |r| {
            Ok(WatchRow {
                id: r.get(0)?,
                kind: WatchKind::read(&r.get::<String>(1)?)?,
                domain: r.get(2)?,
                entry: r.get(3)?,
                created_at_us: r.get(4)?,
                confirmed: r.get::<i32>(5)? == 1,
            })
        },
    )
    .await
}

/// `org`'s hits: (entry id, breach, data classes).
pub async fn watch_hits(
    c: &mut Conn<'_>,
    org: i64,
) -> Result<Vec<(i64, String, String)>, StoreError> {
    query(
        c,
        "list watch hits",
        "SELECT h.watch, h.breach, h.classes FROM org_watch_hits h JOIN org_watch w ON w.id = h.watch
         WHERE w.org = $1 ORDER BY h.watch, h.breach",
        &[&org],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .await
}

/// Removes entry `id` of `org` (and marks the watchlist changed).
pub async fn remove_watch(c: &mut Conn<'_>, org: i64, id: i64) -> Result<u64, StoreError> {
    let n = execute(
        c,
        "remove a watch entry",
        "DELETE FROM org_watch WHERE id = $1 AND org = $2",
        &[&id, &org],
    )
    .await?;
    if n > 0 {
        bump_watch_version(c, org).await?;
    }
    Ok(n)
}

/// Which mobile numbers' results may be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneRule {
    /// Every watched number's.
    All,
    /// Only numbers their holder confirmed (owner-only deployments).
    Confirmed,
}

impl PhoneRule {
    /// The filter of entries whose results may be shown: mobile numbers by
    /// this rule, and addresses at a domain the organisation has proved now.
    fn shown(self) -> &'static str {
        match self {
            PhoneRule::All => {
                "(w.domain IS NULL OR EXISTS (SELECT 1 FROM org_domains d
                 WHERE d.org = w.org AND d.domain = w.domain AND d.state = 'verified'))"
            }
            PhoneRule::Confirmed => {
                "((w.domain IS NULL AND w.confirmed_at_us IS NOT NULL) OR EXISTS (SELECT 1 FROM org_domains d
                 WHERE d.org = w.org AND d.domain = w.domain AND d.state = 'verified'))"
            }
        }
    }
}

/// `org`'s watchlist in numbers: entries, and entries shown with a hit.
pub async fn watch_counts(
    c: &mut Conn<'_>,
    org: i64,
    phones: PhoneRule,
) -> Result<(i64, i64), StoreError> {
    let shown = phones.shown();
    let total: i64 = query(
        c,
        "count watch entries",
        "SELECT count(*) FROM org_watch WHERE org = $1",
        &[&org],
        |r| r.get(0),
    )
    .await?
    .pop()
    .unwrap_or(0);
    let exposed: i64 = query(
        c,
        "count exposed watch entries",
        &format!(
            "SELECT count(*) FROM org_watch w WHERE w.org = $1 AND {shown}
             AND EXISTS (SELECT 1 FROM org_watch_hits h WHERE h.watch = w.id)"
        ),
        &[&org],
        |r| r.get(0),
    )
    .await?
    .pop()
    .unwrap_or(0);
    Ok((total, exposed))
}

/// Per breach and data classes, how many of `org`'s shown entries.
pub async fn watch_breach_counts(
    c: &mut Conn<'_>,
    org: i64,
    phones: PhoneRule,
) -> Result<Vec<(String, String, i64)>, StoreError> {
    let shown = phones.shown();
    query(
        c,
        "count watch hits per breach",
        &format!(
            "SELECT h.breach, h.classes, count(*) FROM org_watch_hits h JOIN org_watch w ON w.id = h.watch
             WHERE w.org = $1 AND {shown} GROUP BY h.breach, h.classes"
        ),
        &[&org],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .await
}

/// A page of `org`'s entries (by id, from `after`), with whether each is
/// shown; only entries with a shown hit when `exposed_only`.
pub async fn watch_page(
    c: &mut Conn<'_>,
    org: i64,
    after: i64,
    limit: i64,
    exposed_only: bool,
    phones: PhoneRule,
) -> Result<Vec<(WatchRow, bool)>, StoreError> {
    let shown = phones.shown();
    let filter = if exposed_only {
        format!("AND {shown} AND EXISTS (SELECT 1 FROM org_watch_hits h WHERE h.watch = w.id)")
    } else {
        String::new()
    };
    query(
        c,
        "page watch entries",
        &format!(
            "SELECT w.id, w.kind, w.domain, w.entry, w.created_at_us, CASE WHEN {shown} THEN 1 ELSE 0 END,
                    CASE WHEN w.confirmed_at_us IS NULL THEN 0 ELSE 1 END
             FROM org_watch w WHERE w.org = $1 AND w.id > $2 {filter} ORDER BY w.id LIMIT $3"
        ),
        &[&org, &after, &limit],
        |r| {
            let shown: i32 = r.get(5)?;
            Ok((
                WatchRow {
                    id: r.get(0)?,
                    kind: WatchKind::read(&r.get::<String>(1)?)?,
                    domain: r.get(2)?,
                    entry: r.get(3)?,
                    created_at_us: r.get(4)?,
                    confirmed: r.get::<i32>(6)? == 1,
                },
                shown == 1,
            ))
        },
    )
    .await
}

/// The hits of entries `ids`: (entry id, breach, data classes).
pub async fn hits_of(
    c: &mut Conn<'_>,
    ids: &[i64],
) -> Result<Vec<(i64, String, String)>, StoreError> {
    let mut out = Vec::new();
    for id in ids {
        out.extend(
            query(
                c,
                "read watch hits",
                "SELECT watch, breach, classes FROM org_watch_hits WHERE watch = $1 ORDER BY breach",
                &[id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .await?,
        );
    }
    Ok(out)
}

/// Marks `org`'s watchlist changed.
pub async fn bump_watch_version(c: &mut Conn<'_>, org: i64) -> Result<(), StoreError> {
    execute(
        c,
        "bump a watchlist's version",
        "INSERT INTO org_watch_state (org, version) VALUES ($1, 1)
         ON CONFLICT (org) DO UPDATE SET version = org_watch_state.version + 1",
        &[&org],
    )
    .await?;
    Ok(())
}

/// The version of `org`'s watchlist (0: never changed).
pub async fn watch_version(c: &mut Conn<'_>, org: i64) -> Result<i64, StoreError> {
    Ok(query(
        c,
        "read a watchlist's version",
        "SELECT version FROM org_watch_state WHERE org = $1",
        &[&org],
        |r| r.get(0),
    )
    .await?
    .pop()
    .unwrap_or(0))
}

/// Up to `limit` watchlist entries of every organisation with an id above
/// `after`, by id, as matching reads them.
pub async fn watch_scan_page(
    c: &mut Conn<'_>,
    after: i64,
    limit: i64,
) -> Result<Vec<crate::subscriptions::ActiveEntry>, StoreError> {
    query(
        c,
        "page every watchlist",
        "SELECT id, bucket, prf_output FROM org_watch WHERE id > $1 ORDER BY id LIMIT $2",
        &[&after, &limit],
        |r| {
            let bucket: i64 = r.get(1)?;
            Ok(crate::subscriptions::ActiveEntry {
                id: r.get(0)?,
                bucket: u32::try_from(bucket)
                    .map_err(|_| StoreError::corrupt("a bucket out of range"))?,
                prf_output: r.get(2)?,
            })
        },
    )
    .await
}

/// Records hits (entry id, breach, data classes) found by matching a new
/// index generation, and marks the watchlists they belong to changed; how
/// many were new.
pub async fn add_watch_hits(
    c: &mut Conn<'_>,
    hits: &[(i64, String, String)],
) -> Result<u64, StoreError> {
    let mut added = 0;
    let mut orgs: Vec<i64> = Vec::new();
    for (watch, breach, classes) in hits {
        let n = execute(
            c,
            "record a watch hit",
            "INSERT INTO org_watch_hits (watch, breach, classes) VALUES ($1, $2, $3)
             ON CONFLICT (watch, breach) DO NOTHING",
            &[watch, breach, classes],
        )
        .await?;
        if n > 0 {
            added += n;
            let org: Option<i64> = query(
                c,
                "find a watch entry's organisation",
                "SELECT org FROM org_watch WHERE id = $1",
                &[watch],
                |r| r.get(0),
            )
            .await?
            .pop();
            if let Some(org) = org.filter(|o| !orgs.contains(o)) {
                orgs.push(org);
            }
        }
    }
    for org in orgs {
        bump_watch_version(c, org).await?;
    }
    Ok(added)
}

/// Of the entries `ids` of `org`, those still awaiting their first
/// matching, as matching reads them (an entry removed meanwhile, or
/// matched by another job, is left out).
pub async fn watch_to_match(
    c: &mut Conn<'_>,
    org: i64,
    ids: &[i64],
) -> Result<Vec<crate::subscriptions::ActiveEntry>, StoreError> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(200) {
        let (sql, params) = org_ids_in(
            "SELECT id, bucket, prf_output FROM org_watch
             WHERE org = $1 AND awaiting_match = 1 AND id IN (",
            " ORDER BY id",
            &org,
            chunk,
        );
        out.extend(
            query(c, "read entries to match", &sql, &params, |r| {
                let bucket: i64 = r.get(1)?;
                Ok(crate::subscriptions::ActiveEntry {
                    id: r.get(0)?,
                    bucket: u32::try_from(bucket)
                        .map_err(|_| StoreError::corrupt("a bucket out of range"))?,
                    prf_output: r.get(2)?,
                })
            })
            .await?,
        );
    }
    Ok(out)
}

/// Records the first matching of `org`'s entries `matched` (hits as entry
/// id, breach, data classes) and marks the watchlist changed.
pub async fn finish_matching(
    c: &mut Conn<'_>,
    org: i64,
    matched: &[i64],
    hits: &[(i64, String, String)],
) -> Result<(), StoreError> {
    // An entry removed since it was read takes no hits (their foreign key
    // would fail the whole transaction, and the job with it).
    let mut alive = std::collections::HashSet::with_capacity(matched.len());
    for chunk in matched.chunks(200) {
        let (sql, params) = org_ids_in(
            "SELECT id FROM org_watch WHERE org = $1 AND id IN (",
            "",
            &org,
            chunk,
        );
        let ids: Vec<i64> =
            query(c, "find entries still watched", &sql, &params, |r| r.get(0)).await?;
        alive.extend(ids);
    }
    let hits: Vec<(i64, &str, &str)> = hits
        .iter()
        .filter(|h| alive.contains(&h.0))
        .map(|(w, b, k)| (*w, b.as_str(), k.as_str()))
        .collect();
    // Many rows per statement: a large upload's matching writes hundreds
    // of thousands of hits while the upload's own chunks wait for the store.
    insert_hits(c, &hits).await?;
    for chunk in matched.chunks(200) {
        let (sql, params) = org_ids_in(
            "UPDATE org_watch SET awaiting_match = 0 WHERE org = $1 AND id IN (",
            "",
            &org,
            chunk,
        );
        execute(c, "mark watch entries matched", &sql, &params).await?;
    }
    bump_watch_version(c, org).await
}

/// Up to `limit` entries, of any organisation, stored before `before_us`
/// and still awaiting their first matching (their job gave up, or is far
/// behind): (organisation, entry id), by organisation.
pub async fn watch_stragglers(
    c: &mut Conn<'_>,
    before_us: i64,
    limit: i64,
) -> Result<Vec<(i64, i64)>, StoreError> {
    query(
        c,
        "find entries long awaiting matching",
        "SELECT org, id FROM org_watch WHERE awaiting_match = 1 AND created_at_us < $1
         ORDER BY org, id LIMIT $2",
        &[&before_us, &limit],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .await
}

/// How many of `org`'s entries await their first matching.
pub async fn watch_awaiting(c: &mut Conn<'_>, org: i64) -> Result<i64, StoreError> {
    Ok(query(
        c,
        "count entries awaiting matching",
        "SELECT count(*) FROM org_watch WHERE org = $1 AND awaiting_match = 1",
        &[&org],
        |r| r.get(0),
    )
    .await?
    .pop()
    .unwrap_or(0))
}

// ---------------------------------------------------------------- API keys

/// Links API key `key_id` to `org`.
pub async fn link_api_key(c: &mut Conn<'_>, key_id: i64, org: i64) -> Result<(), StoreError> {
    execute(
        c,
        "link an API key",
        "INSERT INTO org_api_keys (key_id, org) VALUES ($1, $2)",
        &[&key_id, &org],
    )
    .await?;
    Ok(())
}

/// The ids of `org`'s API keys.
pub async fn org_api_keys(c: &mut Conn<'_>, org: i64) -> Result<Vec<i64>, StoreError> {
    query(
        c,
        "list an organisation's API keys",
        "SELECT key_id FROM org_api_keys WHERE org = $1 ORDER BY key_id",
        &[&org],
        |r| r.get(0),
    )
    .await
}

/// The organisation API key `key_id` belongs to: (row id, public id, name).
pub async fn org_of_key(
    c: &mut Conn<'_>,
    key_id: i64,
) -> Result<Option<(i64, String, String)>, StoreError> {
    Ok(query(
        c,
        "find an API key's organisation",
        "SELECT o.id, o.public_id, o.name FROM org_api_keys k JOIN orgs o ON o.id = k.org WHERE k.key_id = $1",
        &[&key_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .await?
    .pop())
}

/// For the shown entries of `org` at `domain` that a breach holds: the
/// sealed entry and the breach.
pub async fn domain_hits(
    c: &mut Conn<'_>,
    org: i64,
    domain: &str,
) -> Result<Vec<(i64, Vec<u8>, String)>, StoreError> {
    query(
        c,
        "list a domain's hits",
        "SELECT w.id, w.entry, h.breach FROM org_watch w JOIN org_watch_hits h ON h.watch = w.id
         WHERE w.org = $1 AND w.domain = $2 ORDER BY w.id, h.breach",
        &[&org, &domain],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .await
}

// ---------------------------------------------------------------- alerts

/// An organisation's webhook endpoint.
#[derive(Clone)]
pub struct WebhookRow {
    pub id: i64,
    pub org: i64,
    pub url: String,
    /// Sealed by the caller (the signing secrets).
    pub secrets: Vec<u8>,
    pub enabled: bool,
    /// Why it is disabled.
    pub reason: Option<String>,
    /// The last delivery's outcome (`200`, `timeout`, …) and when.
    pub last_status: Option<String>,
    pub last_at_us: Option<i64>,
    pub created_at_us: i64,
}

impl std::fmt::Debug for WebhookRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookRow")
            .field("id", &self.id)
            .field("org", &self.org)
            .field("enabled", &self.enabled)
            .finish_non_exhaustive()
    }
}

const WEBHOOK_COLUMNS: &str =
    "id, org, url, secrets, state, reason, last_status, last_at_us, created_at_us";

fn webhook_row(r: &AnyRow) -> Result<WebhookRow, StoreError> {
    let state: String = r.get(4)?;
    Ok(WebhookRow {
        id: r.get(0)?,
        org: r.get(1)?,
        url: r.get(2)?,
        secrets: r.get(3)?,
        enabled: state == "enabled",
        reason: r.get(5)?,
        last_status: r.get(6)?,
        last_at_us: r.get(7)?,
        created_at_us: r.get(8)?,
    })
}

/// Adds an enabled endpoint to `org`; its id.
pub async fn add_webhook(
    c: &mut Conn<'_>,
    org: i64,
    url: &str,
    secrets: &[u8],
    now_us: i64,
) -> Result<i64, StoreError> {
    let id: Option<i64> = query(
        c,
        "add a webhook",
        "INSERT INTO org_webhooks (org, url, secrets, state, created_at_us)
         VALUES ($1, $2, $3, 'enabled', $4) RETURNING id",
        &[&org, &url, &secrets, &now_us],
        |r| r.get(0),
    )
    .await?
    .pop();
    id.ok_or_else(|| StoreError::corrupt("an insert returned no id"))
}

/// `org`'s endpoints, oldest first.
pub async fn webhooks(c: &mut Conn<'_>, org: i64) -> Result<Vec<WebhookRow>, StoreError> {
    query(
        c,
        "list webhooks",
        &format!("SELECT {WEBHOOK_COLUMNS} FROM org_webhooks WHERE org = $1 ORDER BY id"),
        &[&org],
        webhook_row,
    )
    .await
}

/// Endpoint `id` (of any organisation: for deliveries).
pub async fn webhook(c: &mut Conn<'_>, id: i64) -> Result<Option<WebhookRow>, StoreError> {
    Ok(query(
        c,
        "read a webhook",
        &format!("SELECT {WEBHOOK_COLUMNS} FROM org_webhooks WHERE id = $1"),
        &[&id],
        webhook_row,
    )
    .await?
    .pop())
}

/// Replaces the sealed secrets of `org`'s endpoint `id`.
pub async fn set_webhook_secrets(
    c: &mut Conn<'_>,
    org: i64,
    id: i64,
    secrets: &[u8],
) -> Result<u64, StoreError> {
    execute(
        c,
        "rotate a webhook's secret",
        "UPDATE org_webhooks SET secrets = $3 WHERE org = $1 AND id = $2",
        &[&org, &id, &secrets],
    )
    .await
}

/// Enables (`reason` None) or disables `org`'s endpoint `id`.
pub async fn set_webhook_state(
    c: &mut Conn<'_>,
    org: i64,
    id: i64,
    reason: Option<&str>,
) -> Result<u64, StoreError> {
    let state = if reason.is_some() {
        "disabled"
    } else {
        "enabled"
    };
    execute(
        c,
        "enable or disable a webhook",
        "UPDATE org_webhooks SET state = $3, reason = $4 WHERE org = $1 AND id = $2",
        &[&org, &id, &state, &reason],
    )
    .await
}

/// Records a delivery's outcome on endpoint `id`; disables it with
/// `disable` as the reason (a 410 Gone).
pub async fn webhook_delivered(
    c: &mut Conn<'_>,
    id: i64,
    status: &str,
    now_us: i64,
    disable: Option<&str>,
) -> Result<u64, StoreError> {
    match disable {
        Some(reason) => {
            execute(
                c,
                "record a webhook delivery",
                "UPDATE org_webhooks SET last_status = $2, last_at_us = $3,
                 state = 'disabled', reason = $4 WHERE id = $1",
                &[&id, &status, &now_us, &reason],
            )
            .await
        }
        None => {
            execute(
                c,
                "record a webhook delivery",
                "UPDATE org_webhooks SET last_status = $2, last_at_us = $3 WHERE id = $1",
                &[&id, &status, &now_us],
            )
            .await
        }
    }
}

/// Removes `org`'s endpoint `id`.
pub async fn remove_webhook(c: &mut Conn<'_>, org: i64, id: i64) -> Result<u64, StoreError> {
    execute(
        c,
        "remove a webhook",
        "DELETE FROM org_webhooks WHERE org = $1 AND id = $2",
        &[&org, &id],
    )
    .await
}

/// A breach that touches an organisation and it was not told about yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Untold {
    pub org: i64,
    pub breach: String,
    /// Watched people the breach holds with these data classes (shown
    /// entries only).
    pub people: i64,
    /// The data classes of their records (as stored with the hits).
    pub classes: String,
}

/// Per organisation, breach among `breaches` and data classes: the watched
/// people the breach holds, where the organisation was not told about it yet (shown
/// entries only: a lapsed domain's people are not counted).
pub async fn untold(
    c: &mut Conn<'_>,
    breaches: &[String],
    phones: PhoneRule,
) -> Result<Vec<Untold>, StoreError> {
    let shown = phones.shown();
    let mut out = Vec::new();
    for breach in breaches {
        out.extend(
            query(
                c,
                "find organisations to tell about a breach",
                &format!(
                    "SELECT w.org, h.classes, count(*) FROM org_watch_hits h JOIN org_watch w ON w.id = h.watch
                     WHERE h.breach = $1 AND {shown}
                       AND NOT EXISTS (SELECT 1 FROM org_alerted a WHERE a.org = w.org AND a.breach = $1)
                     GROUP BY w.org, h.classes ORDER BY w.org"
                ),
                &[breach],
                |r| {
                    Ok(Untold {
                        org: r.get(0)?,
                        breach: breach.clone(),
                        classes: r.get(1)?,
                        people: r.get(2)?,
                    })
                },
            )
            .await?,
        );
    }
    Ok(out)
}

/// Records that `org` was told about `breach`; `false` when it was already.
pub async fn mark_told(
    c: &mut Conn<'_>,
    org: i64,
    breach: &str,
    people: i64,
    now_us: i64,
) -> Result<bool, StoreError> {
    Ok(execute(
        c,
        "record an organisation's alert",
        "INSERT INTO org_alerted (org, breach, people, at_us) VALUES ($1, $2, $3, $4)
         ON CONFLICT (org, breach) DO NOTHING",
        &[&org, &breach, &people, &now_us],
    )
    .await?
        > 0)
}

/// The owners of `org`: (person id, sealed address, language).
pub async fn owners(c: &mut Conn<'_>, org: i64) -> Result<Vec<(i64, Vec<u8>, String)>, StoreError> {
    query(
        c,
        "list an organisation's owners",
        "SELECT p.id, p.address, p.lang FROM org_members m JOIN org_people p ON p.id = m.person
         WHERE m.org = $1 AND m.role = 'owner' ORDER BY p.id",
        &[&org],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .await
}

/// Organisation `org`'s public id and name, if it still exists.
pub async fn org_public(
    c: &mut Conn<'_>,
    org: i64,
) -> Result<Option<(String, String)>, StoreError> {
    Ok(query(
        c,
        "read an organisation",
        "SELECT public_id, name FROM orgs WHERE id = $1",
        &[&org],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .await?
    .pop())
}

// ------------------------------------------------------------ passkeys
// (migration `0011_org_passkeys`)

/// A stored passkey.
#[derive(Clone)]
pub struct PasskeyRow {
    pub id: i64,
    pub person: i64,
    pub credential_id: Vec<u8>,
    /// Sealed by the caller.
    pub passkey: Vec<u8>,
    pub name: String,
    pub created_at_us: i64,
    pub used_at_us: Option<i64>,
}

impl std::fmt::Debug for PasskeyRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasskeyRow")
            .field("id", &self.id)
            .field("person", &self.person)
            .finish_non_exhaustive()
    }
}

const PASSKEY_COLUMNS: &str = "id, person, credential_id, passkey, name, created_at_us, used_at_us";

fn passkey_row(r: &AnyRow<'_, '_>) -> Result<PasskeyRow, StoreError> {
    Ok(PasskeyRow {
        id: r.get(0)?,
        person: r.get(1)?,
        credential_id: r.get(2)?,
        passkey: r.get(3)?,
        name: r.get(4)?,
        created_at_us: r.get(5)?,
        used_at_us: r.get(6)?,
    })
}

/// Stores a passkey of `person`; `None` when the credential is stored
/// already (for anybody).
pub async fn add_passkey(
    c: &mut Conn<'_>,
    person: i64,
    credential_id: &[u8],
    passkey: &[u8],
    name: &str,
    now_us: i64,
) -> Result<Option<i64>, StoreError> {
    Ok(query(
        c,
        "add a passkey",
        "INSERT INTO org_passkeys (person, credential_id, passkey, name, created_at_us)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (credential_id) DO NOTHING RETURNING id",
        &[&person, &credential_id, &passkey, &name, &now_us],
        |r| r.get(0),
    )
    .await?
    .pop())
}

/// `person`'s passkeys, oldest first.
pub async fn passkeys(c: &mut Conn<'_>, person: i64) -> Result<Vec<PasskeyRow>, StoreError> {
    query(
        c,
        "list passkeys",
        &format!("SELECT {PASSKEY_COLUMNS} FROM org_passkeys WHERE person = $1 ORDER BY id"),
        &[&person],
        passkey_row,
    )
    .await
}

/// The passkey with `credential_id`, whoever's.
pub async fn passkey_by_credential(
    c: &mut Conn<'_>,
    credential_id: &[u8],
) -> Result<Option<PasskeyRow>, StoreError> {
    Ok(query(
        c,
        "find a passkey",
        &format!("SELECT {PASSKEY_COLUMNS} FROM org_passkeys WHERE credential_id = $1"),
        &[&credential_id],
        passkey_row,
    )
    .await?
    .pop())
}

/// Records a sign-in with passkey `id`: its updated credential (counter,
/// backup state) and when.
pub async fn passkey_used(
    c: &mut Conn<'_>,
    id: i64,
    passkey: &[u8],
    now_us: i64,
) -> Result<(), StoreError> {
    execute(
        c,
        "record a passkey's use",
        "UPDATE org_passkeys SET passkey = $2, used_at_us = $3 WHERE id = $1",
        &[&id, &passkey, &now_us],
    )
    .await?;
    Ok(())
}

/// Deletes `person`'s passkey `id`; whether there was one.
pub async fn remove_passkey(c: &mut Conn<'_>, person: i64, id: i64) -> Result<bool, StoreError> {
    Ok(execute(
        c,
        "remove a passkey",
        "DELETE FROM org_passkeys WHERE id = $1 AND person = $2",
        &[&id, &person],
    )
    .await?
        > 0)
}

/// What a ceremony is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CeremonyPurpose {
    /// A signed-in person registers a passkey.
    Register,
    /// Anybody signs in with a passkey.
    SignIn,
}

impl CeremonyPurpose {
    fn as_str(self) -> &'static str {
        match self {
            CeremonyPurpose::Register => "register",
            CeremonyPurpose::SignIn => "sign-in",
        }
    }
}

/// Stores a ceremony under way (and deletes ended ones, so that starting
/// many never fills the table).
pub async fn start_ceremony(
    c: &mut Conn<'_>,
    token_hash: &[u8],
    purpose: CeremonyPurpose,
    person: Option<i64>,
    state: &[u8],
    expires_at_us: i64,
    now_us: i64,
) -> Result<(), StoreError> {
    execute(
        c,
        "forget ended ceremonies",
        "DELETE FROM org_ceremonies WHERE expires_at_us <= $1",
        &[&now_us],
    )
    .await?;
    execute(
        c,
        "start a ceremony",
        "INSERT INTO org_ceremonies (token_hash, purpose, person, state, expires_at_us)
         VALUES ($1, $2, $3, $4, $5)",
        &[
            &token_hash,
            &purpose.as_str(),
            &person,
            &state,
            &expires_at_us,
        ],
    )
    .await?;
    Ok(())
}

/// Takes (deletes) the ceremony with `token_hash` for `purpose` and
/// `person`: its state, when it was there and has not ended.
pub async fn take_ceremony(
    c: &mut Conn<'_>,
    token_hash: &[u8],
    purpose: CeremonyPurpose,
    person: Option<i64>,
    now_us: i64,
) -> Result<Option<Vec<u8>>, StoreError> {
    let taken = query(
        c,
        "take a ceremony",
        "DELETE FROM org_ceremonies WHERE token_hash = $1
         RETURNING purpose, person, state, expires_at_us",
        &[&token_hash],
        |r| {
            Ok((
                r.get::<String>(0)?,
                r.get::<Option<i64>>(1)?,
                r.get::<Vec<u8>>(2)?,
                r.get::<i64>(3)?,
            ))
        },
    )
    .await?
    .pop();
    Ok(taken
        .filter(|(p, who, _, expires)| p == purpose.as_str() && *who == person && *expires > now_us)
        .map(|(_, _, state, _)| state))
}

// ------------------------------------------- mobile number confirmation
// (migration `0012_org_phone_confirmation`)

/// `org`'s mobile number entry `id` awaiting its holder's confirmation:
/// its sealed entry, when it is one.
pub async fn unconfirmed_phone(
    c: &mut Conn<'_>,
    org: i64,
    id: i64,
) -> Result<Option<Vec<u8>>, StoreError> {
    Ok(query(
        c,
        "find an unconfirmed number",
        "SELECT entry FROM org_watch
         WHERE id = $1 AND org = $2 AND kind = 'phone' AND confirmed_at_us IS NULL",
        &[&id, &org],
        |r| r.get(0),
    )
    .await?
    .pop())
}

/// Stores the code sent for entry `watch` (replacing an earlier one),
/// unless one was sent after `resend_after_us`; whether it was stored.
pub async fn put_phone_code(
    c: &mut Conn<'_>,
    watch: i64,
    code_hash: &[u8],
    now_us: i64,
    expires_at_us: i64,
    resend_after_us: i64,
) -> Result<bool, StoreError> {
    let recent = query(
        c,
        "read when a code was sent",
        "SELECT sent_at_us FROM org_watch_codes WHERE watch = $1",
        &[&watch],
        |r| r.get::<i64>(0),
    )
    .await?
    .pop()
    .is_some_and(|sent| sent > resend_after_us);
    if recent {
        return Ok(false);
    }
    execute(
        c,
        "store a confirmation code",
        "INSERT INTO org_watch_codes (watch, code_hash, attempts, sent_at_us, expires_at_us)
         VALUES ($1, $2, 0, $3, $4)
         ON CONFLICT (watch) DO UPDATE SET code_hash = $2, attempts = 0, sent_at_us = $3, expires_at_us = $4",
        &[&watch, &code_hash, &now_us, &expires_at_us],
    )
    .await?;
    Ok(true)
}

/// What trying a code did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeTry {
    /// The code was right: the entry is confirmed.
    Confirmed,
    /// Wrong; this many tries are left.
    Wrong { left: i64 },
    /// No code to try: none sent, ended, or tried too often.
    NoCode,
}

/// Tries `code_hash` for `org`'s entry `watch` (at most `max_attempts`
/// tries per code, before it ends).
pub async fn try_phone_code(
    c: &mut Conn<'_>,
    org: i64,
    watch: i64,
    code_hash: &[u8],
    max_attempts: i64,
    now_us: i64,
) -> Result<CodeTry, StoreError> {
    let row = query(
        c,
        "read a confirmation code",
        "SELECT k.code_hash, k.attempts, k.expires_at_us FROM org_watch_codes k
         JOIN org_watch w ON w.id = k.watch
         WHERE k.watch = $1 AND w.org = $2 AND w.confirmed_at_us IS NULL",
        &[&watch, &org],
        |r| Ok((r.get::<Vec<u8>>(0)?, r.get::<i64>(1)?, r.get::<i64>(2)?)),
    )
    .await?
    .pop();
    let Some((expected, attempts, expires)) = row else {
        return Ok(CodeTry::NoCode);
    };
    if attempts >= max_attempts || expires <= now_us {
        return Ok(CodeTry::NoCode);
    }
    if expected != code_hash {
        execute(
            c,
            "count a wrong code",
            "UPDATE org_watch_codes SET attempts = attempts + 1 WHERE watch = $1",
            &[&watch],
        )
        .await?;
        return Ok(CodeTry::Wrong {
            left: max_attempts - attempts - 1,
        });
    }
    execute(
        c,
        "confirm a number",
        "UPDATE org_watch SET confirmed_at_us = $2 WHERE id = $1",
        &[&watch, &now_us],
    )
    .await?;
    execute(
        c,
        "forget a used code",
        "DELETE FROM org_watch_codes WHERE watch = $1",
        &[&watch],
    )
    .await?;
    bump_watch_version(c, org).await?;
    Ok(CodeTry::Confirmed)
}
