//! Handing back, once the server is ready, the pages of the program that only start-up used.
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
