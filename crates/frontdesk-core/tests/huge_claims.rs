//! A few bytes from the network that claim a huge size must fail without allocating it.
//!
//! Chunks and snapshots come from the relay as opaque bytes and go into Automerge through
//! `Replica::apply` / `Replica::load`. This test binary counts the bytes the process has
//! allocated at its peak while each crafted input is handled.

#![cfg(not(target_arch = "wasm32"))]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicIsize, Ordering};

use frontdesk_core::replica::Replica;

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

thread_local! {
    /// Whether this thread's allocations are being counted: only the measuring thread's are
    /// (the test harness runs this file's tests on parallel threads, and another test's
    /// allocations and frees made a figure wrong once — 112 bytes short of 32 MiB).
    static MEASURED: Cell<bool> = const { Cell::new(false) };
}

fn measured() -> bool {
    MEASURED.try_with(Cell::get).unwrap_or(false)
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() && measured() {
            let size = layout.size() as isize;
            let live = LIVE.fetch_add(size, Ordering::SeqCst) + size;
            PEAK.fetch_max(live, Ordering::SeqCst);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        if measured() {
            LIVE.fetch_sub(layout.size() as isize, Ordering::SeqCst);
        }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Automerge's chunk header: magic bytes, a 4-byte checksum, the chunk type.
const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];

/// One measurement at a time (the counters are shared by the threads that measure).
static MEASURING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Peak bytes this thread allocated (above what it held before) while `f` runs.
fn peak_during(f: impl FnOnce()) -> usize {
    let _alone = MEASURING.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    LIVE.store(0, Ordering::SeqCst);
    PEAK.store(0, Ordering::SeqCst);
    MEASURED.with(|m| m.set(true));
    f();
    MEASURED.with(|m| m.set(false));
    PEAK.load(Ordering::SeqCst).max(0) as usize
}

fn crafted() -> Vec<(&'static str, Vec<u8>)> {
    let huge_leb = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]; // ~2^46
    let mut inputs = Vec::new();
    for (what, kind) in [("document", 0u8), ("change", 1), ("compressed change", 2), ("bundle", 3)] {
        let mut bytes = MAGIC.to_vec();
        bytes.extend([0, 0, 0, 0, kind]);
        bytes.extend(huge_leb);
        bytes.extend([0u8; 8]);
        inputs.push((what, bytes));
    }
    // A change whose header length is small but whose dependency count claims billions.
    let mut bytes = MAGIC.to_vec();
    bytes.extend([0, 0, 0, 0, 1, 20]);
    bytes.extend(huge_leb);
    bytes.extend([0u8; 13]);
    inputs.push(("change with a huge dependency count", bytes));
    // A chunk length claiming 4 GiB, then nothing.
    let mut bytes = MAGIC.to_vec();
    bytes.extend([0, 0, 0, 0, 1, 0x80, 0x80, 0x80, 0x80, 0x10]);
    inputs.push(("change of 4 GiB, truncated", bytes));
    inputs
}

#[test]
fn tiny_chunks_and_snapshots_claiming_huge_sizes_fail_without_allocating_them() {
    const LIMIT: usize = 8 * 1024 * 1024;
    for (what, bytes) in crafted() {
        let mut replica = Replica::new([1; 16]);
        // The empty document exists first, as when a device applies a chunk to a document it follows.
        replica.load("day/2026-11-26", &[]).ok();
        let mut applied = None;
        let peak = peak_during(|| applied = Some(replica.apply("day/2026-11-26", &bytes)));
        assert!(applied.unwrap().is_err(), "{what}: a crafted chunk was accepted");
        assert!(peak < LIMIT, "{what}: applying {} bytes allocated {peak} bytes", bytes.len());

        let mut replica = Replica::new([1; 16]);
        let mut loaded = None;
        let peak = peak_during(|| loaded = Some(replica.load("day/2026-11-26", &bytes)));
        assert!(loaded.unwrap().is_err(), "{what}: a crafted snapshot was loaded");
        assert!(peak < LIMIT, "{what}: loading {} bytes allocated {peak} bytes", bytes.len());
    }
}

#[test]
fn the_counter_sees_a_large_allocation() {
    // The check above could not fail if the counting allocator saw nothing.
    let peak = peak_during(|| {
        let v = vec![1u8; 32 * 1024 * 1024];
        std::hint::black_box(&v);
    });
    assert!(peak >= 32 * 1024 * 1024, "counted {peak}");
}
