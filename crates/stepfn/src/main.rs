//! The `stepfn` binary: `serve`, `run` and `validate`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

mod testing;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use engine::interpreter::{Execution, ExecutionInfo, Status};
use engine::service::{self, Clock, Config, Service, SystemClock, VirtualClock};

// Executions allocate many small JSON values: mimalloc makes the Pass-state benchmark ~30% faster
// than the system allocator (see the README's benchmark section).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "stepfn",
    version,
    about = "A self-hosted engine wire-compatible with AWS Step Functions"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the AWS Step Functions API (and the web console) over HTTP.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8083", env = "STEPFN_LISTEN")]
        listen: String,
        /// Account id used in ARNs.
        #[arg(long, default_value = "123456789012", env = "AWS_ACCOUNT_ID")]
        account_id: String,
        /// Region used when a request does not name one.
        #[arg(long, default_value = "us-east-1", env = "AWS_DEFAULT_REGION")]
        region: String,
        /// Multiplies every Wait, retry back-off, task timeout and heartbeat timeout (0.01 makes
        /// a minute last 0.6 s).
        #[arg(long, default_value_t = 1.0, env = "WAIT_TIME_SCALE")]
        wait_time_scale: f64,
        /// `system` (the wall clock) or `virtual`: when every execution waits only on time
        /// (Wait states, retry back-offs), time jumps to the next deadline.
        #[arg(long, default_value = "system", env = "STEPFN_CLOCK", value_parser = ["system", "virtual"])]
        clock: String,
        /// Where everything is kept: `sqlite:PATH` (one file), `postgres://…` (several nodes
        /// may share the database) or `memory` (nothing is kept).
        #[arg(long, default_value = "sqlite:stepfn.db", env = "STEPFN_STORE")]
        store: String,
        /// This node's name on a PostgreSQL store (default: a new one each start). A node
        /// restarted with the same name takes its executions back at once; otherwise another
        /// node takes them over when their lease runs out.
        #[arg(long, env = "STEPFN_NODE_ID")]
        node_id: Option<String>,
        /// A mock configuration in Step Functions Local's format: executions started on
        /// `<stateMachineArn>#<TestCase>` answer its mocked Task states with its responses.
        /// Read again when the file changes.
        #[arg(long, env = "SFN_MOCK_CONFIG")]
        mock_config: Option<PathBuf>,
    },
    /// Run one state machine locally, without a server, and print its output.
    Run {
        /// The definition file (Amazon States Language JSON).
        definition: PathBuf,
        /// The execution input as JSON text.
        #[arg(long, conflicts_with = "input_file")]
        input: Option<String>,
        /// A file holding the execution input.
        #[arg(long)]
        input_file: Option<PathBuf>,
        /// STANDARD (records history) or EXPRESS.
        #[arg(long = "type", default_value = "STANDARD")]
        machine_type: String,
        #[arg(long, default_value_t = 1.0, env = "WAIT_TIME_SCALE")]
        wait_time_scale: f64,
        /// `system` or `virtual` (time jumps to the next deadline when only time is awaited).
        #[arg(long, default_value = "system", env = "STEPFN_CLOCK", value_parser = ["system", "virtual"])]
        clock: String,
    },
    /// Run the cases of test files (JSON or YAML) in this process, on the virtual clock, with
    /// mocked integrations; print each result and the coverage; exit 1 when a case fails.
    Test {
        /// Test files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Write the results as JUnit XML to this file.
        #[arg(long)]
        junit: Option<PathBuf>,
        /// Write the coverage as JSON to this file.
        #[arg(long)]
        coverage_json: Option<PathBuf>,
    },
    /// Validate a definition and print AWS-style diagnostics.
    Validate {
        definition: PathBuf,
        #[arg(long = "type", default_value = "STANDARD")]
        machine_type: String,
    },
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match cli.command {
        Command::Serve {
            listen,
            account_id,
            region,
            wait_time_scale,
            clock,
            store,
            node_id,
            mock_config,
        } => serve(
            listen,
            account_id,
            region,
            make_clock(&clock, wait_time_scale),
            &store,
            node_id,
            mock_config,
        ),
        Command::Run {
            definition,
            input,
            input_file,
            machine_type,
            wait_time_scale,
            clock,
        } => run(
            definition,
            input,
            input_file,
            &machine_type,
            make_clock(&clock, wait_time_scale),
        ),
        Command::Validate {
            definition,
            machine_type,
        } => validate(definition, &machine_type),
        Command::Test {
            files,
            junit,
            coverage_json,
        } => {
            if testing::run(&files, junit.as_deref(), coverage_json.as_deref())? {
                Ok(())
            } else {
                std::process::exit(1)
            }
        }
    }
}

/// The clock `--clock` names.
fn make_clock(kind: &str, wait_time_scale: f64) -> Arc<dyn Clock> {
    match kind {
        "virtual" => Arc::new(VirtualClock::default()),
        _ => Arc::new(SystemClock { wait_time_scale }),
    }
}

/// Threads for calls that block on the store (see `serve`).
const BLOCKING_THREADS: usize = 32;

/// Opens the store `--store` names.
fn open_store(spec: &str, node_id: Option<String>) -> Result<Arc<dyn store::Store>> {
    if spec == "memory" {
        return Ok(Arc::new(store::MemoryStore::new()));
    }
    if let Some(path) = spec.strip_prefix("sqlite:") {
        let path = path.strip_prefix("//").unwrap_or(path);
        if path.is_empty() {
            bail!("--store sqlite:PATH needs a path");
        }
        let store = store::SqliteStore::open(path)
            .map_err(|e| anyhow::anyhow!("cannot open the SQLite store {path}: {e}"))?;
        return Ok(Arc::new(store));
    }
    if spec.starts_with("postgres://") || spec.starts_with("postgresql://") {
        let node_id = node_id.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let store = store::PostgresStore::connect(spec, &node_id, service::LEASE_MS)
            .map_err(|e| anyhow::anyhow!("cannot open the PostgreSQL store: {e}"))?;
        return Ok(Arc::new(store));
    }
    bail!("--store must be sqlite:PATH, postgres://… or memory, not {spec:?}")
}

fn serve(
    listen: String,
    account_id: String,
    region: String,
    clock: Arc<dyn Clock>,
    store_spec: &str,
    node_id: Option<String>,
    mock_config: Option<PathBuf>,
) -> Result<()> {
    let mocks = match mock_config.filter(|p| !p.as_os_str().is_empty()) {
        Some(path) => Some(
            service::mock_config::MockConfigFile::open(&path).map_err(|e| anyhow::anyhow!(e))?,
        ),
        None => None,
    };
    let store = open_store(store_spec, node_id)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        // Calls that wait for the store run on blocking threads. The store's writer commits
        // what all of them wrote together, so a few dozen keep it busy; more only cost memory
        // (each thread keeps its own allocator heap).
        .max_blocking_threads(BLOCKING_THREADS)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let service = Service::new(
            Config {
                account_id,
                default_region: region,
            },
            store,
            clock,
        );
        service.set_caller(aws::Client::from_env());
        if let Some(mocks) = mocks {
            service.set_mock_config(mocks);
        }
        tokio::spawn(service.clone().run_timers());
        let resumed = {
            let service = service.clone();
            let started = std::time::Instant::now();
            tokio::task::spawn_blocking(move || service.resume())
                .await?
                .map_err(|e| anyhow::anyhow!("cannot resume executions: {e}"))
                .map(|n| (n, started.elapsed()))?
        };
        if resumed.0 > 0 {
            tracing::info!(
                "resumed {} running executions in {:.2}s",
                resumed.0,
                resumed.1.as_secs_f64()
            );
        }
        tokio::spawn(service.clone().run_leases());
        let app = api::router(service);
        let listener = tokio::net::TcpListener::bind(&listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        tracing::info!("stepfn listening on http://{listen}");
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        Ok(())
    })
}

fn read_definition(path: &PathBuf) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// The definition's text and what validation says of it, as a machine of this type
/// (`EXPRESS`, or else `STANDARD`).
fn read_and_validate(
    path: &PathBuf,
    machine_type: &str,
) -> Result<(String, Vec<asl::validate::Diagnostic>)> {
    let text = read_definition(path)?;
    let machine_type = if machine_type == "EXPRESS" {
        asl::validate::MachineType::Express
    } else {
        asl::validate::MachineType::Standard
    };
    let diagnostics = asl::validate::validate_definition(&text, machine_type);
    Ok((text, diagnostics))
}

fn run(
    definition: PathBuf,
    input: Option<String>,
    input_file: Option<PathBuf>,
    machine_type: &str,
    clock: Arc<dyn Clock>,
) -> Result<()> {
    let (text, diagnostics) = read_and_validate(&definition, machine_type)?;
    if diagnostics
        .iter()
        .any(|d| d.severity == asl::validate::Severity::Error)
    {
        bail!(
            "{}",
            asl::validate::invalid_definition_message(&diagnostics)
        );
    }
    let machine = Arc::new(asl::model::parse_definition(&text).map_err(anyhow::Error::msg)?);
    let input_text = match (input, input_file) {
        (Some(i), _) => i,
        (None, Some(f)) => {
            std::fs::read_to_string(&f).with_context(|| format!("cannot read {}", f.display()))?
        }
        (None, None) => "{}".to_string(),
    };
    let input: serde_json::Value =
        serde_json::from_str(&input_text).context("the input is not valid JSON")?;
    let name = uuid::Uuid::new_v4().to_string();
    let info = Arc::new(ExecutionInfo {
        execution_arn: format!("arn:aws:states:us-east-1:123456789012:execution:local:{name}"),
        name,
        state_machine_arn: "arn:aws:states:us-east-1:123456789012:stateMachine:local".into(),
        state_machine_name: "local".into(),
        role_arn: "arn:aws:iam::123456789012:role/local".into(),
        start_ms: clock.now_ms(),
        redrive_count: 0,
        express: machine_type == "EXPRESS",
        version_arn: None,
        alias_arn: None,
        mocks: None,
    });
    let live = std::io::stderr().is_terminal();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let exec = runtime.block_on(async {
        // Live, the events are shown (and dropped) as they happen.
        let show_events = |exec: &mut Execution| {
            if live {
                for e in exec.events.drain(..) {
                    eprintln!("{:>5} {}", e.id, e.event_type);
                }
            }
        };
        let mut exec = Execution::start(info, machine, &input_text, input, live);
        show_events(&mut exec);
        service::drive_to_end(&mut exec, clock.as_ref(), aws::Client::from_env()).await;
        show_events(&mut exec);
        exec
    });
    match exec.status {
        Status::Succeeded => {
            println!(
                "{}",
                serde_json::to_string(&exec.output.unwrap_or_default()).unwrap_or_default()
            );
            Ok(())
        }
        status => {
            eprintln!(
                "{}: {}\n{}",
                status.as_str(),
                exec.error.unwrap_or_default(),
                exec.cause.unwrap_or_default()
            );
            std::process::exit(1);
        }
    }
}

fn validate(definition: PathBuf, machine_type: &str) -> Result<()> {
    let (_, diagnostics) = read_and_validate(&definition, machine_type)?;
    if diagnostics.is_empty() {
        println!("OK");
        return Ok(());
    }
    let mut failed = false;
    for d in &diagnostics {
        let severity = match d.severity {
            asl::validate::Severity::Error => {
                failed = true;
                "ERROR"
            }
            asl::validate::Severity::Warning => "WARNING",
        };
        println!(
            "{severity} {} at {}: {}",
            d.code,
            d.location.as_deref().unwrap_or("/"),
            d.message
        );
    }
    if failed {
        std::process::exit(1);
    }
    Ok(())
}
