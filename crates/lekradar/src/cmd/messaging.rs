//! Mail and SMS settings shared by `serve` and `worker`: where mail and
//! text messages go, how mails are signed, and the contact key that seals
//! every address and number kept. Secrets come from files (`*_FILE`).

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use lekradar_l10n::advice::RenderedAdvice;
use lekradar_l10n::L10n;
use lekradar_messages::{
    ContactKey, DkimSettings, MailConfig, Mailer, Outbox, SmsConfig, SmsGateway, Templates,
};
use lekradar_service::Messaging;

use crate::data_dir::DataDir;

#[derive(Debug, Clone, clap::Args)]
pub struct MessagingArgs {
    /// SMTP server for mail: smtp://HOST:PORT (add ?tls=required for
    /// STARTTLS) or smtps://HOST:PORT; a user name may be in the URL
    #[arg(
        long,
        env = "LEKRADAR_SMTP_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub smtp_url: Option<String>,
    /// File holding the SMTP password
    #[arg(long, env = "LEKRADAR_SMTP_PASSWORD_FILE", value_name = "FILE")]
    pub smtp_password_file: Option<PathBuf>,
    /// A CA certificate (PEM) to trust for the SMTP server's TLS, besides
    /// the public roots
    #[arg(long, env = "LEKRADAR_SMTP_CA_FILE", value_name = "FILE")]
    pub smtp_ca_file: Option<PathBuf>,
    /// Sender of every mail, e.g. "Lekradar <alerts@example.org>"
    #[arg(long, env = "LEKRADAR_MAIL_FROM", value_name = "MAILBOX")]
    pub mail_from: Option<String>,
    /// DKIM signing key (PEM: RSA, or Ed25519 PKCS#8)
    #[arg(long, env = "LEKRADAR_DKIM_KEY_FILE", value_name = "FILE")]
    pub dkim_key_file: Option<PathBuf>,
    /// DKIM selector: the key's public half is at SELECTOR._domainkey.DOMAIN
    #[arg(long, env = "LEKRADAR_DKIM_SELECTOR", default_value = "lekradar")]
    pub dkim_selector: String,
    /// DKIM signing domain [default: the sender's domain]
    #[arg(long, env = "LEKRADAR_DKIM_DOMAIN")]
    pub dkim_domain: Option<String>,
    /// Where people reach this service (links in mails), e.g. https://lekradar.example.org
    #[arg(long, env = "LEKRADAR_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
    /// Kannel's sendsms URL with its user, e.g.
    /// http://127.0.0.1:13013/cgi-bin/sendsms?username=lekradar
    #[arg(
        long,
        env = "LEKRADAR_SMS_GATEWAY_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub sms_gateway_url: Option<String>,
    /// File holding the SMS gateway's password
    #[arg(long, env = "LEKRADAR_SMS_PASSWORD_FILE", value_name = "FILE")]
    pub sms_password_file: Option<PathBuf>,
    /// Sender shown on handsets, if the SMS centre allows it
    #[arg(long, env = "LEKRADAR_SMS_FROM")]
    pub sms_from: Option<String>,
    /// Contact key sealing kept addresses and numbers [default: mail.key in the data directory]
    #[arg(long, env = "LEKRADAR_CONTACT_KEY_FILE", value_name = "FILE")]
    pub contact_key_file: Option<PathBuf>,
    /// Jobs (messages) sent at once by this process's runner; also the
    /// most SMTP connections it keeps open. Measured (bench/alerts.sh): 8
    /// reached 67-77 % of the SMTP server's ceiling, 32-64 above 80 %
    #[arg(long, env = "LEKRADAR_WORKER_CONCURRENCY", default_value_t = 32)]
    pub worker_concurrency: usize,
    /// How long a claimed job is held before another runner may take it
    /// (a runner that died mid-send holds it this long)
    #[arg(long, env = "LEKRADAR_JOB_LEASE", default_value = "60s", value_parser = crate::cmd::serve::parse_duration)]
    pub job_lease: std::time::Duration,
    #[command(flatten)]
    pub orgs: OrgsArgs,
    /// The first retry's delay after a temporary failure (doubled per
    /// attempt, up to --job-retry-cap)
    #[arg(long, env = "LEKRADAR_JOB_RETRY_BASE", default_value = "2s", value_parser = crate::cmd::serve::parse_duration)]
    pub job_retry_base: std::time::Duration,
    /// The longest delay between two attempts of a job
    #[arg(long, env = "LEKRADAR_JOB_RETRY_CAP", default_value = "1h", value_parser = crate::cmd::serve::parse_duration)]
    pub job_retry_cap: std::time::Duration,
}

/// Organisations' settings (`/org`, offered when mail is configured).
#[derive(Debug, Clone, clap::Args)]
pub struct OrgsArgs {
    /// Name servers that domain proofs are looked up at (IP:PORT, comma
    /// separated); default: the system's resolver
    #[arg(
        long,
        env = "LEKRADAR_ORG_DNS_SERVERS",
        value_delimiter = ',',
        value_name = "ADDR"
    )]
    pub org_dns_servers: Vec<std::net::SocketAddr>,
    /// How often verified domains are checked again (a gone record lapses)
    #[arg(long, env = "LEKRADAR_ORG_DOMAIN_RECHECK", default_value = "24h", value_parser = crate::cmd::serve::parse_duration)]
    pub org_domain_recheck: std::time::Duration,
    /// How long organisations' audit log entries are kept
    #[arg(long, env = "LEKRADAR_ORG_AUDIT_RETENTION", default_value = "365d", value_parser = crate::cmd::serve::parse_duration)]
    pub org_audit_retention: std::time::Duration,
    /// How long one webhook delivery attempt may take
    #[arg(long, env = "LEKRADAR_ORG_WEBHOOK_TIMEOUT", default_value = "15s", value_parser = crate::cmd::serve::parse_duration)]
    pub org_webhook_timeout: std::time::Duration,
    /// The delays between a webhook's attempts (comma separated; the
    /// Standard Webhooks schedule by default); after the last, the delivery
    /// is dead (`lekradar outbox list`)
    #[arg(
        long,
        env = "LEKRADAR_ORG_WEBHOOK_RETRIES",
        default_value = "5s,5m,30m,2h,5h,10h,10h",
        value_delimiter = ',',
        value_parser = crate::cmd::serve::parse_duration,
        value_name = "DELAYS"
    )]
    pub org_webhook_retries: Vec<std::time::Duration>,
    /// Allow webhook endpoints on loopback and private networks, and plain
    /// http (a deployment inside one network); refused by default
    #[arg(long, env = "LEKRADAR_ORG_WEBHOOK_ALLOW_PRIVATE")]
    pub org_webhook_allow_private: bool,
    /// The origin passkeys are registered for (scheme, host, port), when
    /// the organisation pages are served elsewhere than --public-url; its
    /// host must be a domain name (`http://localhost` for development)
    #[arg(long, env = "LEKRADAR_ORG_PASSKEY_ORIGIN", value_name = "URL")]
    pub org_passkey_origin: Option<String>,
}

impl OrgsArgs {
    /// Webhook deliveries' settings from these flags.
    pub fn webhooks(&self) -> lekradar_messages::WebhookConfig {
        lekradar_messages::WebhookConfig {
            timeout: self.org_webhook_timeout,
            schedule: self.org_webhook_retries.clone(),
            allow_private: self.org_webhook_allow_private,
        }
    }
}

impl Default for OrgsArgs {
    fn default() -> OrgsArgs {
        OrgsArgs {
            org_dns_servers: Vec::new(),
            org_domain_recheck: std::time::Duration::from_secs(24 * 3600),
            org_audit_retention: std::time::Duration::from_secs(365 * 24 * 3600),
            org_webhook_timeout: std::time::Duration::from_secs(15),
            org_webhook_retries: lekradar_messages::WebhookConfig::default().schedule,
            org_webhook_allow_private: false,
            org_passkey_origin: None,
        }
    }
}

impl Default for MessagingArgs {
    /// No mail, no SMS; the runner's defaults (as the flags' defaults).
    fn default() -> MessagingArgs {
        let runner = lekradar_jobs::RunnerConfig::default();
        MessagingArgs {
            smtp_url: None,
            smtp_password_file: None,
            smtp_ca_file: None,
            mail_from: None,
            dkim_key_file: None,
            dkim_selector: "lekradar".into(),
            dkim_domain: None,
            public_url: None,
            orgs: OrgsArgs::default(),
            sms_gateway_url: None,
            sms_password_file: None,
            sms_from: None,
            contact_key_file: None,
            worker_concurrency: 32,
            job_lease: runner.lease,
            job_retry_base: runner.backoff_base,
            job_retry_cap: runner.backoff_cap,
        }
    }
}

impl MessagingArgs {
    /// The runner's settings from these flags.
    pub fn runner_config(&self) -> lekradar_jobs::RunnerConfig {
        lekradar_jobs::RunnerConfig {
            concurrency: self.worker_concurrency.max(1),
            lease: self.job_lease.max(std::time::Duration::from_secs(1)),
            backoff_base: self.job_retry_base,
            backoff_cap: self.job_retry_cap.max(self.job_retry_base),
            ..lekradar_jobs::RunnerConfig::default()
        }
    }
}

/// What the settings make.
pub struct Built {
    pub outbox: Outbox,
    pub messaging: Messaging,
}

impl MessagingArgs {
    pub fn configured(&self) -> bool {
        self.smtp_url.is_some() || self.sms_gateway_url.is_some()
    }

    fn contact_key_path(&self, data: &DataDir) -> PathBuf {
        self.contact_key_file
            .clone()
            .unwrap_or_else(|| data.root().join("mail.key"))
    }

    /// The mailer, the SMS gateway and what the service needs; `None` when
    /// neither mail nor SMS is configured.
    pub fn build(&self, data: &DataDir, l10n: &L10n) -> anyhow::Result<Option<Built>> {
        if !self.configured() {
            anyhow::ensure!(
                self.mail_from.is_none() && self.dkim_key_file.is_none(),
                "--mail-from and --dkim-key-file need --smtp-url"
            );
            return Ok(None);
        }
        let mailer = match &self.smtp_url {
            Some(url) => {
                let from = self
                    .mail_from
                    .clone()
                    .context("--smtp-url needs --mail-from (the sender of every mail)")?;
                let mut config = MailConfig::new(url.clone(), from);
                config.password_file = self.smtp_password_file.clone();
                config.ca_file = self.smtp_ca_file.clone();
                // One connection per message in flight.
                config.pool_size =
                    u32::try_from(self.worker_concurrency.max(1)).unwrap_or(u32::MAX);
                config.dkim = self.dkim_key_file.as_ref().map(|key_file| DkimSettings {
                    key_file: key_file.clone(),
                    selector: self.dkim_selector.clone(),
                    domain: self.dkim_domain.clone(),
                });
                Some(Mailer::new(&config).context("invalid mail setting")?)
            }
            None => None,
        };
        let sms = match &self.sms_gateway_url {
            Some(url) => {
                let mut config = SmsConfig::new(url.clone());
                config.password_file = self.sms_password_file.clone();
                config.from = self.sms_from.clone();
                Some(SmsGateway::new(&config).context("invalid SMS setting")?)
            }
            None => None,
        };
        let public_url = self
            .public_url
            .clone()
            .context("mail and SMS need --public-url (where people reach this service)")?;
        let public_url = public_url.trim_end_matches('/').to_owned();
        anyhow::ensure!(
            public_url.starts_with("https://") || public_url.starts_with("http://"),
            "--public-url {public_url:?} must start with https:// (or http://)"
        );
        data.create()?;
        let key = ContactKey::load_or_create(&self.contact_key_path(data))
            .context("cannot read or create the contact key")?;
        let templates = Arc::new(Templates::new(&Messaging::address(&public_url))?);
        let messaging = Messaging {
            key: key.clone(),
            templates,
            l10n: Arc::new(L10n::new()?),
            advice: Arc::new(RenderedAdvice::new(l10n)),
            public_url,
            mail: mailer.is_some(),
            sms: sms.is_some(),
            orgs: None,
        };
        Ok(Some(Built {
            outbox: Outbox {
                key,
                mailer,
                sms,
                webhooks: None,
            },
            messaging,
        }))
    }

    /// Adds the sender of organisations' webhooks to `built` (on `store`),
    /// when mail is sent (organisations are offered then).
    pub fn add_webhooks(
        &self,
        built: &mut Built,
        store: &lekradar_store::Store,
    ) -> anyhow::Result<()> {
        if built.messaging.mail {
            built.outbox.webhooks = Some(
                lekradar_messages::WebhookSender::new(
                    self.orgs.webhooks(),
                    store.clone(),
                    built.outbox.key.clone(),
                )
                .context("cannot set up webhook deliveries")?,
            );
        }
        Ok(())
    }

    /// Organisations on `store`, when mail is sent (people sign in by a
    /// mailed link); `confirm_phones`: a watched mobile number's results
    /// show only once its holder confirmed it by SMS code (owner-only).
    pub fn orgs(
        &self,
        store: &lekradar_store::Store,
        messaging: &Messaging,
        confirm_phones: bool,
    ) -> anyhow::Result<Option<lekradar_orgs::Orgs>> {
        if !messaging.mail {
            return Ok(None);
        }
        if let Some(origin) = &self.orgs.org_passkey_origin {
            lekradar_orgs::passkeys::check_origin(origin)
                .map_err(|why| anyhow::anyhow!("--org-passkey-origin: {why}"))?;
        }
        let config = lekradar_orgs::OrgsConfig {
            dns_servers: self.orgs.org_dns_servers.clone(),
            domain_recheck: self.orgs.org_domain_recheck,
            audit_retention: self.orgs.org_audit_retention,
            webhooks: self.orgs.webhooks(),
            passkey_origin: self.orgs.org_passkey_origin.clone(),
            confirm_phones,
            sms: messaging.sms,
            ..lekradar_orgs::OrgsConfig::default()
        };
        let mail = lekradar_orgs::OrgMail {
            key: messaging.key.clone(),
            templates: Arc::clone(&messaging.templates),
            public_url: messaging.public_url.clone(),
        };
        Ok(Some(
            lekradar_orgs::Orgs::new(store.clone(), mail, config)
                .context("cannot set up DNS lookups for organisations' domains")?,
        ))
    }

    /// The lines `serve --check` prints.
    pub fn describe(&self, data: &DataDir) -> String {
        let mut out = String::new();
        match &self.smtp_url {
            Some(url) => {
                out.push_str(&format!(
                    "smtp             {}\n",
                    lekradar_messages::mail::redact_url(url)
                ));
                out.push_str(&format!(
                    "mail-from        {}\n",
                    self.mail_from.as_deref().unwrap_or("(missing)")
                ));
                out.push_str(&format!(
                    "dkim             {}\n",
                    self.dkim_key_file.as_ref().map_or(
                        "off (mails are not signed)".to_owned(),
                        |k| format!("{} (selector {})", k.display(), self.dkim_selector)
                    )
                ));
            }
            None => out.push_str("smtp             off\n"),
        }
        out.push_str(&format!(
            "sms-gateway      {}\n",
            self.sms_gateway_url
                .as_deref()
                .map_or("off".to_owned(), lekradar_messages::mail::redact_url)
        ));
        out.push_str(&format!(
            "public-url       {}\n",
            self.public_url.as_deref().unwrap_or("(none)")
        ));
        if self.configured() {
            out.push_str(&format!(
                "contact-key      {}\n",
                self.contact_key_path(data).display()
            ));
        }
        out
    }
}
