//! Integration tests of the server over real HTTP on loopback: a fixture
//! index (built through the real normalize → PRF → index path), a real
//! metadata store (SQLite, and PostgreSQL where a test says so), the whole
//! router served by `lekradar_web::serve`, and a real HTTP client.

mod hibp;
mod hostile;
mod matrix;
mod native;
mod ops;
mod pages;
mod private;
mod proxy;
mod slow;

use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use lekradar_breach::{BreachKind, BreachMetadata, NaiveDate};
use lekradar_index::{IndexReader, IndexWriter};
use lekradar_l10n::L10n;
use lekradar_prf::ServerKey;
use lekradar_service::{DeploymentMode, OwnerAnswer, Rates, Service};
use lekradar_store::{Rate, Store};
use lekradar_web::{App, ServerConfig};
use tokio::sync::{mpsc, oneshot};

pub use lekradar_testkit::{publish, Record};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub const JAN_PHONE: &str = "+31612345678";
pub const JAN_EMAIL: &str = "jan@example.nl";
pub const BELGIAN: &str = "+32470123456";
pub const SCRAPED_ONLY: &str = "+31687654321";
pub const CLEAN_PHONE: &str = "+31611112222";

/// The fixture breaches:
/// - `Telco` (breach, verified, domain telco.example): Jan's phone with
///   names, IBAN and ID document; Jan's email with names and IBAN; a
///   Belgian customer with a name only.
/// - `Scrape` (scrape, unverified, no domain): Jan, the Belgian, another.
/// - `Broker` (data broker, verified, broker.example): Jan's email.
/// - `Secret` (sensitive) and `Gone` (retired): Jan's phone.
pub fn fixture(dir: &Path, key: &ServerKey) {
    let mut telco = BreachMetadata::new("Telco", "A telecom", date(2026, 2, 12));
    telco.domain = "telco.example".into();
    telco.is_verified = true;
    telco.data_classes = vec![
        "Phone numbers".into(),
        "Email addresses".into(),
        "Names".into(),
        "Bank account numbers".into(),
        "Government issued IDs".into(),
    ];
    telco.statistics.phone_numbers_by_country = [("31".to_owned(), 1), ("32".to_owned(), 1)]
        .into_iter()
        .collect();
    telco.statistics.records_by_data_class = [
        ("Phone numbers".to_owned(), 2),
        ("Names".to_owned(), 3),
        ("Bank account numbers".to_owned(), 2),
        ("Government issued IDs".to_owned(), 1),
    ]
    .into_iter()
    .collect();
    telco.statistics.email_addresses = 1;
    telco.descriptions.nl = Some("Een telecomlek.".into());
    telco.descriptions.fr = Some("Une fuite télécom.".into());
    publish(
        dir,
        key,
        telco,
        &[
            Record {
                raw: "06-12345678",
                classes: &[
                    "Phone numbers",
                    "Names",
                    "Bank account numbers",
                    "Government issued IDs",
                ],
            },
            Record {
                raw: "Jan@Example.NL",
                classes: &["Email addresses", "Names", "Bank account numbers"],
            },
            Record {
                raw: "+32 470 12 34 56",
                classes: &["Phone numbers", "Names"],
            },
        ],
    );
    let mut scrape = BreachMetadata::new("Scrape", "A messenger scrape", date(2022, 11, 16));
    scrape.kind = BreachKind::Scrape;
    scrape.data_classes = vec!["Phone numbers".into()];
    publish(
        dir,
        key,
        scrape,
        &[
            Record {
                raw: JAN_PHONE,
                classes: &["Phone numbers"],
            },
            Record {
                raw: BELGIAN,
                classes: &["Phone numbers"],
            },
            Record {
                raw: SCRAPED_ONLY,
                classes: &["Phone numbers"],
            },
        ],
    );
    let mut broker = BreachMetadata::new("Broker", "A data broker", date(2024, 6, 3));
    broker.kind = BreachKind::DataBroker;
    broker.domain = "broker.example".into();
    broker.is_verified = true;
    broker.data_classes = vec!["Email addresses".into(), "Job titles".into()];
    publish(
        dir,
        key,
        broker,
        &[Record {
            raw: JAN_EMAIL,
            classes: &["Email addresses", "Job titles"],
        }],
    );
    let mut secret = BreachMetadata::new("Secret", "A sensitive breach", date(2021, 1, 1));
    secret.is_sensitive = true;
    secret.data_classes = vec!["Phone numbers".into()];
    publish(
        dir,
        key,
        secret,
        &[Record {
            raw: JAN_PHONE,
            classes: &["Phone numbers"],
        }],
    );
    let mut gone = BreachMetadata::new("Gone", "A retired breach", date(2020, 1, 1));
    gone.data_classes = vec!["Phone numbers".into()];
    publish(
        dir,
        key,
        gone,
        &[Record {
            raw: JAN_PHONE,
            classes: &["Phone numbers"],
        }],
    );
    let mut writer = IndexWriter::open(dir).unwrap();
    lekradar_catalogue::edit::retire(&mut writer, "Gone").unwrap();
}

/// How a test server is set up.
pub struct Options {
    pub mode: DeploymentMode,
    pub rates: Rates,
    pub require_api_key: bool,
    /// Use PostgreSQL (`TEST_DATABASE_URL`, a fresh schema) instead of SQLite.
    pub postgres: bool,
    pub api_key_rate: Rate,
    /// The server key's RFC 9497 mode.
    pub key_mode: lekradar_prf::OprfMode,
    /// Keep the check budgets in the store (shared by servers using it).
    pub shared_budgets: bool,
    /// Serve the same breaches with the same key from another server's
    /// store (a second instance behind one load balancer).
    pub beside: Option<Beside>,
    /// Changes to the server's settings (connection caps, timeouts).
    pub configure: Option<fn(&mut ServerConfig)>,
}

/// What a second server shares with the first.
#[derive(Clone)]
pub struct Beside {
    pub store_url: String,
    pub key_file: std::path::PathBuf,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            mode: DeploymentMode::Public,
            rates: Rates {
                per_address: Rate::new(1000, 1).unwrap(),
                per_subnet: Rate::new(10_000, 1).unwrap(),
                per_site: Rate::new(10_000, 1).unwrap(),
                global: Rate::new(10_000, 1).unwrap(),
                reads_per_address: Rate::new(10_000, 1).unwrap(),
            },
            require_api_key: true,
            postgres: false,
            api_key_rate: Rate::new(1000, 1).unwrap(),
            key_mode: lekradar_prf::OprfMode::Voprf,
            shared_budgets: false,
            beside: None,
            configure: None,
        }
    }
}

/// A running server with the fixture, an API key, and clients.
pub struct TestApp {
    pub base: String,
    pub addr: SocketAddr,
    /// A client with a user agent, from its own loopback address.
    pub client: reqwest::Client,
    pub client_ip: IpAddr,
    /// An API key's secret.
    pub api_key: String,
    pub store: Store,
    pub store_url: String,
    pub answers: mpsc::Receiver<OwnerAnswer>,
    pub data: tempfile::TempDir,
    pub key: ServerKey,
    /// The operator listener (`--ops-listen`).
    pub ops_base: String,
    /// The operator token (`--ops-token-file`), for operator endpoints on
    /// the public listener.
    pub ops_token: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    runner: tokio::task::JoinHandle<()>,
}

static NEXT_CLIENT: AtomicU8 = AtomicU8::new(10);

/// A client from a loopback address of its own (127.0.0.N), so per-address
/// budgets of different tests never meet.
pub fn client_from(ip: IpAddr) -> reqwest::Client {
    client_builder(ip).build().unwrap()
}

/// A client that opens a connection per request: after a refused oversized
/// body the server closes the connection, which a pooled client may be
/// about to reuse.
pub fn unpooled_client_from(ip: IpAddr) -> reqwest::Client {
    client_builder(ip)
        .pool_max_idle_per_host(0)
        .build()
        .unwrap()
}

fn client_builder(ip: IpAddr) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .user_agent("lekradar-tests/1")
        .local_address(ip)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
}

pub fn fresh_client_ip() -> IpAddr {
    IpAddr::from([
        127,
        0,
        0,
        NEXT_CLIENT.fetch_add(1, Ordering::Relaxed).max(2),
    ])
}

/// A fresh schema in the test PostgreSQL, as a store URL.
pub async fn postgres_url() -> String {
    lekradar_testkit::postgres_fresh_schema("web_test").await.1
}

impl TestApp {
    pub async fn start() -> TestApp {
        TestApp::with(Options::default()).await
    }

    pub async fn with(options: Options) -> TestApp {
        let data = tempfile::tempdir().unwrap();
        let key_file = data.path().join("oprf.key");
        let key = match &options.beside {
            Some(first) => {
                std::fs::copy(&first.key_file, &key_file).unwrap();
                ServerKey::load(&key_file).unwrap()
            }
            None => ServerKey::create_file_in_mode(&key_file, options.key_mode).unwrap(),
        };
        let index_dir = data.path().join("index");
        fixture(&index_dir, &key);
        let store_url = match &options.beside {
            Some(first) => first.store_url.clone(),
            None if options.postgres => postgres_url().await,
            None => format!("sqlite:{}", data.path().join("meta.sqlite3").display()),
        };
        let store = Store::open(&store_url).await.unwrap();
        let key_name = if options.beside.is_some() {
            "tests-beside"
        } else {
            "tests"
        };
        let api_key = store
            .api_keys()
            .create(key_name, options.api_key_rate)
            .await
            .unwrap()
            .secret;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let ops = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let ops_base = format!("http://{}", ops.local_addr().unwrap());
        let ops_token = format!("{:032x}", rand::random::<u128>());
        let mut config = ServerConfig::new(addr);
        config.ops_listen = Some(ops.local_addr().unwrap());
        config.ops_token = lekradar_web::OpsToken::new(&ops_token);
        config.mode = options.mode;
        config.rates = options.rates;
        config.require_api_key = options.require_api_key;
        config.shared_budgets = options.shared_budgets;
        config.reload_interval = Duration::from_millis(100);
        if let Some(configure) = options.configure {
            configure(&mut config);
        }
        config.validate().unwrap();
        let (tx, answers) = mpsc::channel(16);
        let index = IndexReader::open(&index_dir).unwrap();
        let service = Service::new(
            config.service(),
            index,
            ServerKey::load(&key_file).unwrap(),
            store.clone(),
            tx,
            None,
        );
        let app = App::new(config, service.clone(), L10n::new().unwrap());
        // What `serve` runs beside the server: the job runner with the
        // service's periodic work (index reloads, budget housekeeping).
        let mut runner = lekradar_jobs::Runner::new(store.clone(), Default::default());
        service.schedule(&mut runner);
        app.register_metrics(|registry| runner.register_metrics(registry));
        let runner = tokio::spawn(runner.run(std::future::pending::<()>()));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            lekradar_web::serve_with_operator(app, listener, Some(ops), async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
        });
        let client_ip = fresh_client_ip();
        TestApp {
            base: format!("http://{addr}"),
            addr,
            client: client_from(client_ip),
            client_ip,
            api_key,
            store,
            store_url,
            answers,
            data,
            key,
            ops_base,
            ops_token,
            stop: Some(stop),
            task: Some(task),
            runner,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// GET on the operator listener.
    pub async fn ops(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.ops_base))
            .send()
            .await
            .unwrap()
    }

    /// GET with the user agent and the API key.
    pub async fn hibp(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header("hibp-api-key", &self.api_key)
            .send()
            .await
            .unwrap()
    }

    /// Stops the server and waits for it.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            tokio::time::timeout(Duration::from_secs(15), task)
                .await
                .expect("server stops within the grace period")
                .unwrap();
        }
    }

    /// What a second server needs to stand beside this one.
    pub fn beside(&self) -> Beside {
        Beside {
            store_url: self.store_url.clone(),
            key_file: self.data.path().join("oprf.key"),
        }
    }

    /// The index directory (to publish more breaches while serving).
    pub fn index_dir(&self) -> std::path::PathBuf {
        self.data.path().join("index")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.runner.abort();
    }
}

/// The check form's token and cookie, as the form page hands them out.
pub async fn form_token(client: &reqwest::Client, base: &str) -> (String, String) {
    let r = client.get(format!("{base}/")).send().await.unwrap();
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("lekradar_form="))
        .expect("the form page sets its token's cookie")
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let html = r.text().await.unwrap();
    let field = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .expect("the form carries a token")
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    (cookie, field)
}

/// Posts the check form with `fields` as a browser does after showing it:
/// its token and cookie, and `Sec-Fetch-Site: same-origin`.
pub async fn post_form(
    app: &TestApp,
    client: &reqwest::Client,
    fields: &[(&str, &str)],
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let (cookie, token) = form_token(client, &app.base).await;
    let mut form: Vec<(&str, &str)> = fields.to_vec();
    form.push(("csrf", &token));
    let mut req = client
        .post(app.url("/check"))
        .header("cookie", cookie)
        .header("sec-fetch-site", "same-origin")
        .form(&form);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.unwrap()
}

/// The keys of a JSON object in document order (serde_json's map is sorted,
/// so this reads the raw text).
pub fn key_order(object_text: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut depth = 0i32;
    let mut chars = object_text.char_indices().peekable();
    let bytes = object_text.as_bytes();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' | '[' => depth += 1,
            '}' | ']' => depth -= 1,
            '"' => {
                let start = i + 1;
                let mut end = start;
                for (j, d) in chars.by_ref() {
                    if d == '\\' {
                        continue;
                    }
                    if d == '"' && bytes[j - 1] != b'\\' {
                        end = j;
                        break;
                    }
                }
                let rest = object_text[end + 1..].trim_start();
                if depth == 1 && rest.starts_with(':') {
                    keys.push(object_text[start..end].to_owned());
                }
            }
            _ => {}
        }
    }
    keys
}
