//! Handing back, once the server is ready and whenever it goes quiet, the pages of the program that
//! start-up or the last burst of requests touched, and the allocator's free pages.
//!
//! Starting runs code that never runs again (migrations, parsing every course and FAQ entry, building
//! the assistant's index, compiling the scam rules) and reads the embedded content once. The kernel
//! maps the program 64 KB around every page touched, so an idle release server held 15 MiB of its
//! code and 4 MiB of embedded content (`/proc/PID/smaps`), against a 30 MiB budget. These pages are
//! clean copies of the program file: dropping them from this process frees them for the machine, and
//! a page the server needs later comes back from the page cache on first touch, a minor fault.
//!
//! Only mappings of our own executable that no write ever reached are dropped: code (`r-xp`), and
//! read-only data without a single private (copy-on-write) page. Relocated read-only data (RELRO) has
//! such pages, and dropping them would undo the relocations, so those mappings are left as they are.

use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// mimalloc's option `purge_delay` (its position in `mi_option_e`, mimalloc.h v2, which
/// libmimalloc-sys builds by default; the crate names no constant for it).
#[cfg(not(feature = "system-alloc"))]
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Allocator settings, before the first allocation that matters. mimalloc keeps a page that fell empty
/// for 10 ms before handing it back, and only the thread that owns it does so, on its next allocation:
/// on a server that goes quiet, nothing comes next, and the pages stayed (3 MiB of an idle server's
/// 35). Handing them back at once measured no slower under the benchmark's load.
pub fn configure_allocator() {
    #[cfg(not(feature = "system-alloc"))]
    // SAFETY: mi_option_set only stores an option value; it has no preconditions.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0)
    };
}

/// Hand back what start-up or a burst of requests left behind: the allocator's free pages, and the
/// program's pages (see [`release_startup_pages`]). Bytes of program pages handed back.
pub fn hand_back() -> usize {
    #[cfg(not(feature = "system-alloc"))]
    // SAFETY: mi_collect only walks mimalloc's own heaps; it has no preconditions.
    unsafe {
        libmimalloc_sys::mi_collect(true)
    };
    release_startup_pages()
}

static EPOCH: LazyLock<Instant> = LazyLock::new(Instant::now);
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);
/// When the last request ended, in ms since [`EPOCH`]; 0 before any.
static LAST_END_MS: AtomicU64 = AtomicU64::new(0);

fn now_ms() -> u64 {
    u64::try_from(EPOCH.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// A request under way, held by the outermost layer; dropped when the answer is sent or the client
/// went away (a dropped future still drops its guard, so a lost connection never pins the count).
pub(crate) struct Active(());

impl Active {
    pub(crate) fn start() -> Active {
        IN_FLIGHT.fetch_add(1, Ordering::Relaxed);
        Active(())
    }
}

impl Drop for Active {
    fn drop(&mut self) {
        LAST_END_MS.store(now_ms().max(1), Ordering::Relaxed);
        IN_FLIGHT.fetch_sub(1, Ordering::Relaxed);
    }
}

/// How long without a request counts as quiet.
const QUIET: Duration = Duration::from_millis(500);

/// A province's server is quiet most of the day and night; between bursts it holds only what it needs.
/// Once no request has run for [`QUIET`], hand back (once per quiet spell) what the last burst left:
/// the code pages it touched (the kernel maps 64 KB around each, so a single page view left 4-9 MiB of
/// program mapped) and the allocator's free pages. The next request maps back, from the page cache, the
/// pages it needs: minor faults, 1-2 ms in all (measured with curl), nothing next to a 3G round trip.
pub fn spawn_idle_hand_back() -> tokio::task::JoinHandle<()> {
    let _ = *EPOCH;
    tokio::spawn(async move {
        let mut handed_back_after = 0;
        let mut tick = tokio::time::interval(QUIET / 2);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let last = LAST_END_MS.load(Ordering::Relaxed);
            let quiet = IN_FLIGHT.load(Ordering::Relaxed) == 0
                && now_ms().saturating_sub(last) >= QUIET.as_millis() as u64;
            if quiet && last != handed_back_after {
                handed_back_after = last;
                let bytes = tokio::task::spawn_blocking(hand_back).await.unwrap_or(0);
                tracing::debug!(kib = bytes / 1024, "quiet: pages handed back");
            }
        }
    })
}

/// What was handed back, in bytes; 0 where the system does not allow it (not Linux, no /proc).
pub fn release_startup_pages() -> usize {
    #[cfg(target_os = "linux")]
    {
        linux::release().unwrap_or(0)
    }
    #[cfg(not(target_os = "linux"))]
    {
        0
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::path::PathBuf;

    /// One mapping of `/proc/self/smaps`: its range, permissions, file, and private anonymous size.
    struct Mapping {
        start: usize,
        end: usize,
        perms: String,
        path: String,
        anonymous_kib: u64,
    }

    fn mappings() -> Option<Vec<Mapping>> {
        let text = std::fs::read_to_string("/proc/self/smaps").ok()?;
        let mut out: Vec<Mapping> = Vec::new();
        for line in text.lines() {
            if let Some(kib) = line.strip_prefix("Anonymous:") {
                if let Some(m) = out.last_mut() {
                    m.anonymous_kib = kib.trim().trim_end_matches("kB").trim().parse().ok()?;
                }
                continue;
            }
            // A mapping's header: "start-end perms offset dev inode [path]"; field lines have no '-'
            // in their first word.
            let mut fields = line.split_whitespace();
            let (Some(range), Some(perms)) = (fields.next(), fields.next()) else {
                continue;
            };
            let Some((start, end)) = range.split_once('-') else {
                continue;
            };
            let (Ok(start), Ok(end)) = (
                usize::from_str_radix(start, 16),
                usize::from_str_radix(end, 16),
            ) else {
                continue;
            };
            let path = fields.nth(3).unwrap_or_default().to_owned();
            out.push(Mapping {
                start,
                end,
                perms: perms.to_owned(),
                path,
                // Unknown until its field line is read; a mapping without one is never dropped.
                anonymous_kib: u64::MAX,
            });
        }
        Some(out)
    }

    pub(crate) fn release() -> Option<usize> {
        let exe: PathBuf = std::fs::read_link("/proc/self/exe").ok()?;
        let exe = exe.to_str()?;
        let mut released = 0;
        for m in mappings()? {
            let clean = m.anonymous_kib == 0;
            let droppable = m.path == exe && clean && (m.perms == "r-xp" || m.perms == "r--p");
            if !droppable {
                continue;
            }
            // SAFETY: the range is a whole mapping of our own executable, read-only or executable,
            // with no private page (checked just above from smaps): every page is an unmodified copy
            // of the file, so MADV_DONTNEED only unmaps it and the next access maps the same bytes
            // again from the page cache. Nothing holds a reference that a remap could invalidate.
            let r = unsafe {
                libc::madvise(
                    m.start as *mut libc::c_void,
                    m.end - m.start,
                    libc::MADV_DONTNEED,
                )
            };
            if r == 0 {
                released += m.end - m.start;
            }
        }
        Some(released)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A request counts as under way until its guard drops, however it ends; its end is the start of
    /// the quiet spell.
    #[test]
    fn a_request_is_in_flight_until_its_guard_drops() {
        let before = LAST_END_MS.load(Ordering::Relaxed);
        let a = Active::start();
        let b = Active::start();
        assert!(IN_FLIGHT.load(Ordering::Relaxed) >= 2);
        drop(a);
        assert!(IN_FLIGHT.load(Ordering::Relaxed) >= 1);
        std::thread::sleep(Duration::from_millis(2));
        drop(b);
        assert_eq!(IN_FLIGHT.load(Ordering::Relaxed), 0);
        assert!(LAST_END_MS.load(Ordering::Relaxed) > before);
    }

    /// Dropping the pages does not change what the program computes or reads afterwards.
    #[test]
    fn code_and_read_only_data_still_work_after_the_pages_are_handed_back() {
        static TEXT: &str = "Bình dân học vụ số: học để dùng, dùng để sống tốt hơn.";
        let before = vntext::fold(TEXT);
        let released = release_startup_pages();
        if cfg!(target_os = "linux") {
            assert!(released > 0, "nothing was handed back");
        }
        assert_eq!(vntext::fold(TEXT), before);
        assert_eq!(TEXT.chars().count(), 54);
    }
}
