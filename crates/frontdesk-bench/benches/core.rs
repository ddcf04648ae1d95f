//! Criterion benches of the core on seeded data: loading the documents a tablet holds (and how
//! that grows from a month to three years), building today's board, and the kiosk's check-in
//! up to the bytes it saves. `cargo xtask bench` runs them and writes the figures to BENCHMARKS.md.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Duration;

use automerge::Automerge;
use chrono::NaiveDate;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use frontdesk_bench::seed::{self, Business};
use frontdesk_core::check_in::{self, CheckIn, VisitReason};
use frontdesk_core::doc_name;
use frontdesk_core::ids::VisitId;
use frontdesk_core::{board, clients, insurance, schedule, stays, visit_status};

/// The seeded stretches: a month, a year and three years up to the same day.
const SCALES: [(&str, u32); 3] = [("1 month", 30), ("1 year", 365), ("3 years", 1095)];

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 27).expect("a date")
}

fn saved(business: Business, days: u32) -> BTreeMap<String, Vec<u8>> {
    seed::generate(business, today(), days, 1).saved().into_iter().collect()
}

/// Loading (and reading the records of) the documents a tablet holds, at each scale. The single
/// documents grow with the years; the day and month documents stay the size of one day or month.
fn load(c: &mut Criterion) {
    let mut group = c.benchmark_group("load");
    group.sample_size(10).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_millis(500));
    for (scale, days) in SCALES {
        let medical = saved(Business::MedicalOffice, days);
        let hotel = saved(Business::Hotel, days);
        let docs: [(&str, &Vec<u8>); 7] = [
            ("clients", &medical["clients"]),
            ("insurance", &medical["insurance"]),
            ("staffing", &medical["staffing"]),
            ("payroll", &medical["payroll"]),
            ("day", &medical[&doc_name::day(today())]),
            ("invoices month (hotel)", &hotel[&doc_name::invoices(today())]),
            ("rooms month (hotel)", &hotel[&doc_name::rooms(today())]),
        ];
        for (name, bytes) in docs {
            println!("size {name} {scale} {}", bytes.len());
            group.bench_with_input(BenchmarkId::new(name, scale), bytes, |b, bytes| {
                b.iter(|| Automerge::load(black_box(bytes)).expect("loads"))
            });
        }
        // What every change to the document costs a tablet that saves the whole document.
        let doc = Automerge::load(&medical["clients"]).expect("loads");
        group.bench_with_input(BenchmarkId::new("clients save", scale), &doc, |b, doc| b.iter(|| doc.save().len()));
        // Load and read every record: what a tablet does to show the clients list.
        let bytes = &medical["clients"];
        let everyone = clients::all(&Automerge::load(bytes).expect("loads"));
        group.bench_with_input(BenchmarkId::new("clients list (by name)", scale), &everyone, |b, all| {
            b.iter(|| clients::active(black_box(all)).len())
        });
        group.bench_with_input(BenchmarkId::new("clients read", scale), bytes, |b, bytes| {
            b.iter(|| clients::all(&Automerge::load(black_box(bytes)).expect("loads")).len())
        });
        let bytes = &medical["insurance"];
        group.bench_with_input(BenchmarkId::new("claims read", scale), bytes, |b, bytes| {
            b.iter(|| insurance::claims(&Automerge::load(black_box(bytes)).expect("loads")).len())
        });
        let bytes = &hotel[&doc_name::stays(today())];
        group.bench_with_input(BenchmarkId::new("stays month read (hotel)", scale), bytes, |b, bytes| {
            b.iter(|| stays::stays(&Automerge::load(black_box(bytes)).expect("loads")).len())
        });
    }
    group.finish();
}

/// Today's board from the stored day and inbox documents: what the desk computes on start and
/// after every change.
fn today_board(c: &mut Criterion) {
    let medical = saved(Business::MedicalOffice, 30);
    let day = medical[&doc_name::day(today())].clone();
    let inbox = medical[&doc_name::inbox(today(), "kiosk-1")].clone();
    c.bench_function("board/today from stored documents", |b| {
        b.iter(|| {
            let day = Automerge::load(black_box(&day)).expect("loads");
            let inbox = Automerge::load(black_box(&inbox)).expect("loads");
            let events = visit_status::status_events(&day);
            let bookings = schedule::bookings(&day);
            let board = board::arrivals_board(check_in::check_ins(&inbox), &events, 1_795_000_000_000);
            (board.len(), bookings.len())
        })
    });
}

/// The kiosk's part of a check-in: validate, build the record and encode the chunk it stores.
/// A kiosk's check-in, as the kiosk makes it.
fn a_check_in(n: u8, name: &str) -> CheckIn {
    CheckIn::new(
        VisitId::from_random([n; 16]),
        name,
        VisitReason::WalkIn,
        "Consulta general",
        "A-042".to_owned(),
        1_795_000_000_000,
        "kiosk-1",
    )
    .expect("valid")
    .with_consent("terms-medical-1")
}

fn kiosk_check_in(c: &mut Criterion) {
    let mut n = 0u8;
    c.bench_function("kiosk/check-in to saved chunk", |b| {
        b.iter(|| {
            n = n.wrapping_add(1);
            a_check_in(n, black_box("  Ana  María García ")).to_inbox_chunk([0; 8])
        })
    });
}

/// What sealing costs natively (issue 19; the browser runs the same ops in WebCrypto): a kiosk's
/// check-in sealed to the inbox key and opened by a desk, and the clients document of a year's
/// data opened as a sealed snapshot, the largest piece a joining tablet opens.
fn sealing(c: &mut Criterion) {
    use frontdesk_core::crypto::native::Keys;
    use frontdesk_core::crypto::{KeyRef, Sealable};
    use frontdesk_protocol::sealed::Scope;

    let mut keys = Keys::default();
    keys.add_secret(KeyRef { scope: Scope::Staff, epoch: 1 }, [0x53; 32]);
    keys.add_private(KeyRef { scope: Scope::Inbox, epoch: 1 }, [0x49; 32]);
    let mut state = 1u64;
    let mut random = move |buf: &mut [u8]| {
        for b in buf {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            *b = (state >> 33) as u8;
        }
    };
    let check_in = a_check_in(1, "Ana María García").to_inbox_chunk([0; 8]);
    let inbox = "inbox/2026-11-27/kiosk-1";
    c.bench_function("seal/a check-in sealed to the inbox key", |b| {
        b.iter(|| keys.seal(inbox, Sealable::Drop, 1, "kiosk-1", black_box(&check_in), &mut random).expect("sealed"))
    });
    let sealed = keys.seal(inbox, Sealable::Drop, 1, "kiosk-1", &check_in, &mut random).expect("sealed");
    c.bench_function("seal/a check-in opened by a desk", |b| {
        b.iter(|| keys.open(inbox, black_box(&sealed)).expect("opens"))
    });
    let clients = saved(Business::MedicalOffice, 365).remove(doc_name::CLIENTS).expect("a clients document");
    let snapshot =
        keys.seal("clients", Sealable::Snapshot { covers_seq: 9 }, 1, "d1", &clients, &mut random).expect("sealed");
    c.bench_function(&format!("seal/a year's clients snapshot opened ({} KB)", clients.len() / 1024), |b| {
        b.iter(|| keys.open("clients", black_box(&snapshot)).expect("opens"))
    });
}

/// A record's History (#20) in a year of a medical office's clients: every client written twice
/// more with their History kept (a new phone, then a note), and one client forty times — the
/// History of that one read as the app reads it, from the loaded document; and what keeping the
/// History adds to one edit of a year's clients.
fn history(c: &mut Criterion) {
    use automerge::AutoCommit;
    use frontdesk_core::history::{self, Kind, Who};

    let bytes = saved(Business::MedicalOffice, 365).remove(doc_name::CLIENTS).expect("a clients document");
    let mut doc = AutoCommit::load(&bytes).expect("loads");
    let everyone = clients::all(doc.document());
    let who = |n: usize| Who {
        person: format!("Person {}", n % 7),
        device: format!("d{}", n % 3),
        device_name: "Desk".into(),
    };
    let edit = |doc: &mut AutoCommit, client: &clients::Client, n: usize| {
        let mut changed = client.clone();
        changed.phone = format!("600 {:03} {:03}", n % 1000, (n / 1000) % 1000);
        changed.notes = format!("note {n}");
        history::logged(doc, Kind::Client, &client.id, &who(n), 1_790_000_000_000 + n as i64, |d| {
            clients::put_client(d, &changed)
        })
        .expect("written");
    };
    for (n, client) in everyone.iter().enumerate() {
        edit(&mut doc, client, n);
        edit(&mut doc, client, n + 100_000);
    }
    let busy = everyone[everyone.len() / 2].clone();
    for n in 0..40 {
        edit(&mut doc, &busy, 200_000 + n);
    }
    doc.commit();
    let loaded = Automerge::load(&doc.save()).expect("loads");
    let entries = history::written::written(&loaded, Kind::Client, &busy.id).len();
    println!("size clients with History 1 year {}", doc.save().len());
    // As the app reads it: each entry with the actor that wrote all of it (`history::written`).
    c.bench_function(&format!("history/a client's History in a year of clients ({entries} entries)"), |b| {
        b.iter(|| history::written::written(black_box(&loaded), Kind::Client, &busy.id).len())
    });
    let mut n = 300_000;
    c.bench_function("history/one edit of a year's clients, its History kept", |b| {
        b.iter(|| {
            n += 1;
            edit(&mut doc, &busy, n);
            doc.commit();
        })
    });
    c.bench_function("history/one edit of a year's clients, no History", |b| {
        b.iter(|| {
            n += 1;
            let mut changed = busy.clone();
            changed.notes = format!("note {n}");
            clients::put_client(&mut doc, &changed).expect("written");
            doc.commit();
        })
    });

    // Erasing the busiest client (#20): what refers to them, then a fresh document without them
    // (the manager's tablet, once per document that holds them); and a tablet's unsent edit of
    // another client made again on it.
    use frontdesk_core::erasure::{self, Erasure, Person};
    let person = Person::of(&loaded, &busy.id).expect("the client");
    let actor = automerge::ActorId::from(&[9u8; 16][..]);
    c.bench_function("erasure/plan and rebuild a year's clients without one", |b| {
        b.iter(|| {
            let plan = erasure::plan(black_box(&loaded), &person);
            let erased = Erasure { id: "e".into(), keys: plan.erase.clone(), ..Erasure::default() };
            erasure::rebuilt(&loaded, &erased, &plan.scrub, &person, actor.clone()).expect("rebuilt").save().len()
        })
    });
    let plan = erasure::plan(&loaded, &person);
    let erased = Erasure { id: "e".into(), keys: plan.erase.clone(), ..Erasure::default() };
    let mut rebuilt = erasure::rebuilt(&loaded, &erased, &plan.scrub, &person, actor).expect("rebuilt");
    let new = rebuilt.save();
    println!("size clients rebuilt without one client {} (from {})", new.len(), doc.save().len());
    let other = everyone[0].clone();
    let heads = doc.get_heads();
    edit(&mut doc, &other, 400_000);
    doc.commit();
    let mine = vec![doc.save_after(&heads)];
    let old = doc.save();
    c.bench_function("erasure/an unsent edit made again on a rebuilt year of clients", |b| {
        b.iter(|| erasure::remake(black_box(&old), &new, &mine, [7; 16]).expect("remade").len())
    });
}

criterion_group!(benches, kiosk_check_in, today_board, load, sealing, history);
criterion_main!(benches);
