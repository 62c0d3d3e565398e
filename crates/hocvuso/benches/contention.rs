//! Reads while a village syncs: the public pages and APIs a commune official and a citizen read, loaded
//! by `wrk` (a separate process), first alone and then while 16 phones post sync batches as fast as
//! the server takes them (a second `wrk` with a Lua script: each batch holds new households, their
//! checklist ticks and activities, under 16 volunteers' own sessions). The server is the real router
//! (`hocvuso::serve`) on loopback, on SQLite and on PostgreSQL when reachable.
//!
//!     cargo bench -p hocvuso --bench contention
//!     HV_BENCH_SECONDS=20 cargo bench -p hocvuso --bench contention
//!
//! Prints, per database: reads alone (req/s, p50, p99), reads under writes (the same, and the ratio),
//! and what the writers achieved (batches/s, records/s, non-2xx answers). Targets (issue 20): reads
//! under writes at least half of reads alone, p99 at most 50 ms.
// The allocator the `hocvuso` binary uses, so the figures are the server's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::Path;
use std::process::Stdio;

use hocvuso::config::Settings;
use hocvuso::db::{Db, q};

const PHONES: usize = 16;
const COMMUNE: &str = "19360";

/// Public reads that touch the database (the cached visitor lesson does not, so it is left out).
fn read_paths() -> Vec<String> {
    vec![
        format!("/api/v1/units/{COMMUNE}/children"),
        format!("/api/v1/stats/units/{COMMUNE}"),
        "/so-lieu".into(),
        "/lop-hoc".into(),
        "/hoi-dap".into(),
    ]
}

/// A learner and a province administrator with open sessions (cookie headers as a browser sends).
struct Readers {
    learner: String,
    admin: String,
}

async fn seed_readers(state: &hocvuso::AppState) -> anyhow::Result<Readers> {
    let db = &state.db;
    let csrf = "c".repeat(64);
    let mut cookies = Vec::new();
    for (i, role) in [(0, None), (1, Some(("province_admin", "44")))] {
        let mut tx = db.begin().await?;
        let person = hocvuso::people::model::NewPerson {
            phone: Some(format!("+8498800{i:04}")),
            full_name: format!("Người Đọc {i}"),
            birth_year: Some(1960),
            sex: "nu".into(),
            ethnic_group: "Kinh".into(),
            commune: COMMUNE.into(),
            village: None,
            target_group: "nguoi-dan".into(),
        };
        let pid = hocvuso::people::store::register(&mut tx, &person, COMMUNE, None, None).await?;
        if let Some((role, unit)) = role {
            hocvuso::people::store::grant_role(&mut tx, &pid, role, unit, &pid).await?;
        }
        let token = hocvuso::web::auth::create_session(&mut tx, &pid).await?;
        tx.commit().await?;
        cookies.push(format!("Cookie: hv_session={token}; hv_csrf={csrf}"));
    }
    let admin = cookies.pop().unwrap_or_default();
    let learner = cookies.pop().unwrap_or_default();
    Ok(Readers { learner, admin })
}

struct Phone {
    token: String,
    team: String,
    village: String,
}

async fn seed(state: &hocvuso::AppState) -> anyhow::Result<Vec<Phone>> {
    let db = &state.db;
    let c = hocvuso::units::store::get(db, COMMUNE)
        .await?
        .ok_or_else(|| anyhow::anyhow!("commune {COMMUNE} missing"))?;
    let mut phones = Vec::new();
    for i in 0..PHONES {
        let mut tx = db.begin().await?;
        let village =
            hocvuso::units::store::insert_village(&mut tx, &c, &format!("Thôn Đo {i}"), "thôn")
                .await?
                .code;
        let person = hocvuso::people::model::NewPerson {
            phone: Some(format!("+8491200{i:04}")),
            full_name: format!("Tình Nguyện Viên {i}"),
            birth_year: Some(1990),
            sex: "nam".into(),
            ethnic_group: "Kinh".into(),
            commune: COMMUNE.into(),
            village: None,
            target_group: "doan-vien".into(),
        };
        let pid = hocvuso::people::store::register(&mut tx, &person, &village, None, None).await?;
        let team = hocvuso::teams::store::insert_team(&mut tx, &village, "Tổ CNS", None).await?;
        hocvuso::teams::store::add_member(
            &mut tx,
            &team,
            &pid,
            "volunteer",
            "2026-01-01",
            None,
            None,
        )
        .await?;
        hocvuso::people::store::grant_role(&mut tx, &pid, "volunteer", &village, &pid).await?;
        let token = hocvuso::web::auth::create_session(&mut tx, &pid).await?;
        tx.commit().await?;
        phones.push(Phone {
            token,
            team,
            village,
        });
    }
    Ok(phones)
}

const READ_LUA: &str = r#"
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
"#;

/// Each request is one phone's batch: 4 new households, 2 ticks each, 8 activities (20 items).
const WRITE_LUA: &str = r#"
local n = 0
local function uuid()
  return string.format("%08x-%04x-4%03x-%04x-%04x%08x", math.random(0, 0x7fffffff), math.random(0, 0xffff),
    math.random(0, 0xfff), math.random(0x8000, 0xbfff), math.random(0, 0xffff), math.random(0, 0x7fffffff))
end
setup = function(thread)
  thread:set("seed", math.random(1, 1000000))
end
init = function(args)
  math.randomseed(seed + os.time())
end
request = function()
  n = n + 1
  local p = phones[(n % #phones) + 1]
  local items = {}
  for h = 1, 4 do
    local hid = uuid()
    items[#items + 1] = string.format('{"client_id":"%s","kind":"household","data":{"village":"%s","head_name":"Hộ %d-%d","address":"Xóm Đồng","adults":2}}', hid, p.village, n, h)
    items[#items + 1] = string.format('{"client_id":"%s","kind":"household_check","device_time":1795800100,"data":{"household":"%s","item":"vneid_level2","done":true}}', uuid(), hid)
    items[#items + 1] = string.format('{"client_id":"%s","kind":"household_check","device_time":1795800200,"data":{"household":"%s","item":"cashless","done":true}}', uuid(), hid)
  end
  for a = 1, 8 do
    items[#items + 1] = string.format('{"client_id":"%s","kind":"activity","device_time":1795800000000,"data":{"team":"%s","village":"%s","happened_on":"2026-11-20","kinds":["vneid_install","scam_warning"],"people_helped":2,"notes":"Cài VNeID"}}', uuid(), p.team, p.village)
  end
  local body = '{"items":[' .. table.concat(items, ",") .. ']}'
  return wrk.format("POST", "/api/v1/sync", {["Content-Type"] = "application/json", ["Sec-Fetch-Site"] = "same-origin", ["Cookie"] = "hv_session=" .. p.token}, body)
end
"#;
const ITEMS_PER_BATCH: usize = 20;

#[derive(Debug, Default)]
struct WrkResult {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    requests: u64,
    /// Non-2xx answers plus socket errors (timeouts included).
    errors: u64,
    /// Of which non-2xx answers.
    non_2xx: u64,
}

fn ms(s: &str) -> f64 {
    let (num, unit) = s.split_at(s.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(s.len()));
    let v: f64 = num.parse().unwrap_or(f64::NAN);
    match unit {
        "us" => v / 1000.0,
        "ms" => v,
        "s" => v * 1000.0,
        "m" => v * 60_000.0,
        _ => f64::NAN,
    }
}

fn parse_wrk(out: &str) -> WrkResult {
    let mut r = WrkResult::default();
    for line in out.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Requests/sec:", v] => r.rps = v.parse().unwrap_or(0.0),
            ["50%", v] => r.p50_ms = ms(v),
            ["99%", v] => r.p99_ms = ms(v),
            [n, "requests", "in", ..] => r.requests = n.parse().unwrap_or(0),
            ["Non-2xx", "or", "3xx", "responses:", n] => {
                r.non_2xx = n.parse::<u64>().unwrap_or(0);
                r.errors += r.non_2xx
            }
            ["Socket", "errors:", rest @ ..] => {
                r.errors += rest
                    .iter()
                    .filter_map(|w| w.trim_end_matches(',').parse::<u64>().ok())
                    .sum::<u64>()
            }
            _ => {}
        }
    }
    r
}

fn wrk(
    base: &str,
    script: &Path,
    connections: usize,
    threads: usize,
    seconds: u64,
) -> anyhow::Result<std::process::Child> {
    wrk_with(base, script, connections, threads, seconds, &[], "2s")
}

/// How long a phone waits for a sync answer before it counts the batch as failed and resends it
/// (`field.js`): a background upload, not a page a person watches.
const PHONE_TIMEOUT: &str = "30s";

/// `wrk` as a phone browser loads: gzip accepted, plus `headers` (a session cookie).
fn wrk_with(
    base: &str,
    script: &Path,
    connections: usize,
    threads: usize,
    seconds: u64,
    headers: &[String],
    timeout: &str,
) -> anyhow::Result<std::process::Child> {
    let mut cmd = std::process::Command::new("wrk");
    cmd.args([
        &format!("-t{threads}"),
        &format!("-c{connections}"),
        &format!("-d{seconds}s"),
        &format!("--timeout={timeout}"),
        "--latency",
        "-H",
        "Accept-Encoding: gzip",
    ]);
    for h in headers {
        cmd.arg("-H").arg(h);
    }
    Ok(cmd
        .arg("-s")
        .arg(script)
        .arg(base)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?)
}

fn finish(child: std::process::Child) -> anyhow::Result<WrkResult> {
    let out = child.wait_with_output()?;
    anyhow::ensure!(
        out.status.success(),
        "wrk failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(parse_wrk(&String::from_utf8_lossy(&out.stdout)))
}

fn row(label: &str, r: &WrkResult) {
    println!(
        "  {label:<34} {:>9.0} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms  errors {}",
        r.rps, r.p50_ms, r.p99_ms, r.errors
    );
}

async fn run(label: &str, url: String, seconds: u64) -> anyhow::Result<()> {
    let settings = Settings {
        database_url: url,
        province: "44".into(),
        content_dir: Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content"),
        public_url: None,
        trusted_proxies: Vec::new(),
        metrics_token: None,
        assistant: Default::default(),
    };
    let state = hocvuso::prepare(settings).await?;
    let phones = seed(&state).await?;
    let readers = seed_readers(&state).await?;
    let db = state.db.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(hocvuso::serve(listener, state, async {
        let _ = stop_rx.await;
    }));

    let dir = tempdir()?;
    let reads = dir.join("reads.lua");
    let paths = read_paths()
        .iter()
        .map(|p| format!("{p:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    std::fs::write(&reads, format!("paths = {{ {paths} }}\n{READ_LUA}"))?;
    let writes = dir.join("writes.lua");
    let table = phones
        .iter()
        .map(|p| {
            format!(
                "{{ token = {:?}, team = {:?}, village = {:?} }}",
                p.token, p.team, p.village
            )
        })
        .collect::<Vec<_>>()
        .join(",\n");
    std::fs::write(&writes, format!("phones = {{ {table} }}\n{WRITE_LUA}"))?;

    // Warm the caches and statement caches a running server would have.
    finish(wrk(&base, &reads, 8, 1, 2)?)?;
    let alone = finish(wrk(&base, &reads, 32, 2, seconds)?)?;
    let before = db.count(q("SELECT COUNT(*) FROM sync_receipts")).await?;
    let writers = wrk_with(&base, &writes, PHONES, 1, seconds + 2, &[], PHONE_TIMEOUT)?;
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let under = finish(wrk(&base, &reads, 32, 2, seconds)?)?;
    let w = finish(writers)?;
    let after = db.count(q("SELECT COUNT(*) FROM sync_receipts")).await?;

    println!(
        "{label}: {} read paths round-robin, 32 connections; {PHONES} phones syncing {ITEMS_PER_BATCH}-item batches",
        read_paths().len()
    );
    row("reads alone", &alone);
    row(&format!("reads while {PHONES} phones sync"), &under);
    println!(
        "  ratio under writes / alone: {:.2} (target ≥ 0.50); p99 under writes {:.1} ms (target ≤ 50 ms)",
        under.rps / alone.rps.max(1.0),
        under.p99_ms
    );
    println!(
        "  writers: {:.0} batches/s = {:.0} records/s, p99 {:.1} ms, non-2xx {}, timeouts and socket errors {}, {} items stored",
        w.rps,
        w.rps * ITEMS_PER_BATCH as f64,
        w.p99_ms,
        w.non_2xx,
        w.errors - w.non_2xx,
        after - before
    );
    if std::env::var("HV_BENCH_PAGES").as_deref() != Ok("0") {
        pages(&base, &dir, &writes, &readers, seconds.div_ceil(2))?;
    }
    let _ = stop_tx.send(());
    let _ = server.await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// What a learner and an official feel: each page alone, then while the phones sync, beside the
/// anonymous lesson (the page cache's fast path) measured in the same run.
fn pages(
    base: &str,
    dir: &Path,
    writes: &Path,
    readers: &Readers,
    seconds: u64,
) -> anyhow::Result<()> {
    let lesson = "/hoc/vneid/kich-hoat-muc-2";
    let targets: [(&str, &str, Option<&String>); 5] = [
        ("lesson, anonymous (reference)", lesson, None),
        ("lesson, signed-in learner", lesson, Some(&readers.learner)),
        (
            "/hoc/cua-toi, signed-in learner",
            "/hoc/cua-toi",
            Some(&readers.learner),
        ),
        ("/so-lieu, public dashboard", "/so-lieu", None),
        (
            "/quan-ly/bao-cao/44, admin",
            "/quan-ly/bao-cao/44",
            Some(&readers.admin),
        ),
    ];
    println!(
        "  pages, 32 connections, gzip accepted; ratio = req/s ÷ the anonymous lesson's in the same column"
    );
    println!(
        "  {:<34} {:>9} {:>8} {:>6}   {:>9} {:>8} {:>6}",
        "page", "alone/s", "p99 ms", "ratio", "synced/s", "p99 ms", "ratio"
    );
    let mut reference: Option<(f64, f64)> = None;
    for (label, path, cookie) in targets {
        let script = dir.join("page.lua");
        std::fs::write(&script, format!("paths = {{ {path:?} }}\n{READ_LUA}"))?;
        let headers: Vec<String> = cookie.cloned().into_iter().collect();
        finish(wrk_with(base, &script, 4, 1, 1, &headers, "2s")?)?;
        let alone = finish(wrk_with(base, &script, 32, 2, seconds, &headers, "2s")?)?;
        let writers = wrk_with(base, writes, PHONES, 1, seconds + 2, &[], PHONE_TIMEOUT)?;
        std::thread::sleep(std::time::Duration::from_secs(1));
        let under = finish(wrk_with(base, &script, 32, 2, seconds, &headers, "2s")?)?;
        let w = finish(writers)?;
        let (ra, ru) = *reference.get_or_insert((alone.rps, under.rps));
        println!(
            "  {label:<34} {:>9.0} {:>8.2} {:>6.2}   {:>9.0} {:>8.2} {:>6.2}{}",
            alone.rps,
            alone.p99_ms,
            alone.rps / ra.max(1.0),
            under.rps,
            under.p99_ms,
            under.rps / ru.max(1.0),
            if alone.errors + under.errors + w.errors > 0 {
                format!(
                    "  errors: {} reads, {} sync",
                    alone.errors + under.errors,
                    w.errors
                )
            } else {
                String::new()
            }
        );
    }
    Ok(())
}

fn tempdir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!(
        "hocvuso-contention-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if std::process::Command::new("wrk")
        .arg("--version")
        .output()
        .is_err()
    {
        anyhow::bail!("wrk is needed (Debian: apt-get install wrk); bench/run.sh installs it");
    }
    let seconds: u64 = std::env::var("HV_BENCH_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    // HV_BENCH_ONLY=sqlite or postgres runs one backend (for trying a change quickly).
    let only = std::env::var("HV_BENCH_ONLY").unwrap_or_default();
    if only != "postgres" {
        let dir = tempdir()?;
        let file = dir.join("contention.db");
        run("SQLite", format!("sqlite://{}", file.display()), seconds).await?;
        let _ = std::fs::remove_dir_all(&dir);
    }
    if only == "sqlite" {
        return Ok(());
    }
    let admin = std::env::var("HOCVUSO_BENCH_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    match Db::connect(&admin).await {
        Ok(db) => {
            let name = format!("hvbench_{}", uuid::Uuid::new_v4().simple());
            db.execute(q(format!("CREATE DATABASE {name}"))).await?;
            let url = match admin.rsplit_once('/') {
                Some((base, _)) => format!("{base}/{name}"),
                None => format!("{admin}/{name}"),
            };
            let r = run("PostgreSQL", url, seconds).await;
            db.execute(q(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
                .await?;
            r?;
        }
        Err(_) => println!("PostgreSQL: not reachable at {admin}, skipped"),
    }
    Ok(())
}
