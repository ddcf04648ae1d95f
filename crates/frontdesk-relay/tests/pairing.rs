//! Pairing through the relay, as an attacker would try it: codes used twice, expired, guessed,
//! tried from one address without end; keys that are not keys; staff making codes; a revoked
//! device kept connected.

use std::time::{Duration, Instant};

use frontdesk_protocol::{
    AdminReply, ClientMsg, DeviceInfo, Epoch, ErrorCode, PROTOCOL_VERSION, PairRefusal, PairReply, Role, Scope,
    ServerMsg, close,
};
use frontdesk_relay::pairing::{self, Credential};

mod support;

use support::{Socket, TestRelay};

/// One request on a pairing socket: its answer, and that the socket closes after it.
async fn ask(relay: &TestRelay, msg: ClientMsg) -> PairReply {
    let mut socket = relay.socket();
    socket.challenge().await;
    socket.send(msg).await;
    let answer = socket.recv_pair().await;
    assert_eq!(socket.close_code().await, close::PAIRING_DONE, "a pairing socket answers once");
    answer
}

fn preview(code: &str) -> ClientMsg {
    ClientMsg::PairPreview { code: code.into(), protocol: PROTOCOL_VERSION }
}

fn pair(code: &str, key: &ed25519_dalek::SigningKey) -> ClientMsg {
    pair_with(code, key, agreement_key(), vec![0x5a; 32])
}

fn pair_with(code: &str, key: &ed25519_dalek::SigningKey, agreement_key: Vec<u8>, key_proof: Vec<u8>) -> ClientMsg {
    ClientMsg::Pair {
        code: code.into(),
        public_key: key.verifying_key().to_bytes().to_vec(),
        agreement_key,
        key_proof,
        protocol: PROTOCOL_VERSION,
    }
}

/// The public half of a fresh X25519 key.
fn agreement_key() -> Vec<u8> {
    let secret = x25519_dalek::StaticSecret::from(rand::random::<[u8; 32]>());
    x25519_dalek::PublicKey::from(&secret).as_bytes().to_vec()
}

/// A code made the way `frontdesk-relay pair` makes one.
async fn code(relay: &TestRelay, role: Role, name: &str) -> String {
    let now = chrono::Utc::now().timestamp_millis();
    let offer = pairing::offer(role, name.into(), "Clínica Sol".into(), pairing::OPERATOR.into(), now);
    pairing::create(relay.relay.store.as_ref(), offer, now).await.unwrap()
}

/// Pairs a fresh key with `code`; the credential it connects with.
async fn paired(relay: &TestRelay, code: &str) -> Credential {
    let key = Credential::key();
    match ask(relay, pair(code, &key)).await {
        PairReply::Paired { device, .. } => Credential::new(device, key),
        other => panic!("not paired: {other:?}"),
    }
}

#[tokio::test]
async fn a_code_shows_what_it_pairs_pairs_once_and_the_key_is_the_credential() {
    let relay = TestRelay::open(|_| {});
    let code = code(&relay, Role::Kiosk, "Lobby kiosk").await;
    let PairReply::Offer { business, role, name, expires_at_ms } = ask(&relay, preview(&code)).await else {
        panic!("no offer")
    };
    assert_eq!((business.as_str(), role, name.as_str()), ("Clínica Sol", Role::Kiosk, "Lobby kiosk"));
    let left = expires_at_ms - chrono::Utc::now().timestamp_millis();
    assert!((590_000..=600_000).contains(&left), "a code works for ten minutes: {left} ms left");
    // Typed in lower case with a space, as a person might.
    let typed = format!("{} {}", code[..4].to_lowercase(), &code[4..]);
    let key = Credential::key();
    let PairReply::Paired { device, name, role, business } = ask(&relay, pair(&typed, &key)).await else {
        panic!("not paired")
    };
    assert_eq!((name.as_str(), role, business.as_str()), ("Lobby kiosk", Role::Kiosk, "Clínica Sol"));
    let cred = Credential::new(device.clone(), key);
    let mut kiosk = relay.connect(&cred).await;
    kiosk.send(ClientMsg::Ping).await;
    assert_eq!(kiosk.recv().await, ServerMsg::Pong);
    // The code is spent: a second device with it is refused, and nothing more is registered.
    let again = ask(&relay, pair(&code, &Credential::key())).await;
    assert_eq!(again, PairReply::Refused { why: PairRefusal::Used });
    assert_eq!(ask(&relay, preview(&code)).await, PairReply::Refused { why: PairRefusal::Used });
    assert_eq!(relay.relay.store.devices().await.unwrap().len(), 1);
}

#[tokio::test]
async fn five_wrong_codes_void_the_waiting_code_and_an_address_is_slowed_down() {
    let relay = TestRelay::open(|c| {
        c.pairing_burst = 8;
        c.pairing_every = Duration::from_secs(60);
    });
    let code = code(&relay, Role::Manager, "Office").await;
    for wrong in ["2222 2222", "3333-3333", "not a code", "", "ZZZZZZZZ"] {
        assert_eq!(ask(&relay, preview(wrong)).await, PairReply::Refused { why: PairRefusal::Unknown });
    }
    // The sixth try, with the right code, is refused: someone may have been guessing.
    assert_eq!(ask(&relay, pair(&code, &Credential::key())).await, PairReply::Refused { why: PairRefusal::Voided });
    assert!(relay.relay.store.devices().await.unwrap().is_empty());
    // Two more tries use this address's burst of eight; the next waits for a minute.
    let fresh = self::code(&relay, Role::Staff, "Tablet").await;
    assert!(matches!(ask(&relay, preview(&fresh)).await, PairReply::Offer { .. }));
    assert!(matches!(ask(&relay, preview(&fresh)).await, PairReply::Offer { .. }));
    assert_eq!(
        ask(&relay, pair(&fresh, &Credential::key())).await,
        PairReply::Refused { why: PairRefusal::TooManyTries { retry_after_s: 60 } }
    );
}

#[tokio::test]
async fn an_expired_code_and_a_key_that_is_no_key_are_refused() {
    let relay = TestRelay::open(|_| {});
    let long_ago = chrono::Utc::now().timestamp_millis() - 11 * 60 * 1000;
    let offer = pairing::offer(Role::Staff, "Tablet".into(), String::new(), "cli".into(), long_ago);
    let old = pairing::create(relay.relay.store.as_ref(), offer, long_ago).await.unwrap();
    assert_eq!(ask(&relay, pair(&old, &Credential::key())).await, PairReply::Refused { why: PairRefusal::Expired });

    let code = code(&relay, Role::Staff, "Tablet").await;
    let mut identity = vec![0; 32];
    identity[0] = 1;
    for public_key in [vec![1; 31], vec![], vec![0; 32], identity] {
        let msg = ClientMsg::Pair {
            code: code.clone(),
            public_key,
            agreement_key: agreement_key(),
            key_proof: vec![],
            protocol: PROTOCOL_VERSION,
        };
        assert_eq!(ask(&relay, msg).await, PairReply::Refused { why: PairRefusal::BadKey });
    }
    // An agreement key of small order would give an envelope's secret to anyone; a proof that
    // is no HMAC is no proof.
    let key = Credential::key();
    for (agreement_key, key_proof) in
        [(vec![0; 32], vec![]), (identity_x25519(), vec![]), (vec![9; 31], vec![]), (agreement_key(), vec![1; 31])]
    {
        let msg = pair_with(&code, &key, agreement_key, key_proof);
        assert_eq!(ask(&relay, msg).await, PairReply::Refused { why: PairRefusal::BadKey });
    }
    // The code is still good for a real key.
    paired(&relay, &code).await;
    // A pairing message on a welcomed socket is a protocol violation, not a second device.
    let (_, desk) = relay.device(Role::Staff, "Desk").await;
    let mut desk = relay.connect(&desk).await;
    desk.send(pair(&code, &Credential::key())).await;
    assert_eq!(desk.close_code().await, close::PROTOCOL_VIOLATION);
}

/// The X25519 point of order 4 (`u = 1`).
fn identity_x25519() -> Vec<u8> {
    let mut one = vec![0; 32];
    one[0] = 1;
    one
}

/// A manager's answer from the relay.
async fn admin(socket: &mut Socket) -> AdminReply {
    match socket.recv().await {
        ServerMsg::Admin { reply } => AdminReply::from_bytes(&reply).expect("an admin reply"),
        other => panic!("expected an admin reply, got {other:?}"),
    }
}

async fn devices(socket: &mut Socket) -> Vec<DeviceInfo> {
    match admin(socket).await {
        AdminReply::Devices { devices } => devices,
        other => panic!("expected the device list, got {other:?}"),
    }
}

#[tokio::test]
async fn a_manager_pairs_lists_renames_and_revokes_and_the_revoked_device_is_out_at_once() {
    let relay = TestRelay::open(|_| {});
    let (_, manager) = relay.device(Role::Manager, "Office").await;
    let mut office = relay.connect(&manager).await;
    office
        .send(ClientMsg::CreatePairing {
            role: Role::Staff,
            name: " Front desk ".into(),
            business: "Clínica Sol".into(),
        })
        .await;
    let AdminReply::PairingCode { code, role, name, .. } = admin(&mut office).await else { panic!("no code") };
    assert_eq!((role, name.as_str()), (Role::Staff, "Front desk"));
    assert_eq!(frontdesk_protocol::pairing::normalize(&code).as_deref(), Some(code.as_str()));
    let tablet = paired(&relay, &code).await;
    // The manager's device that made the code is told at once, with the keys to seal to.
    let AdminReply::Paired { device: joined } = admin(&mut office).await else { panic!("not told of the pairing") };
    assert_eq!(
        (joined.id.as_str(), joined.name.as_str(), joined.role),
        (tablet.id.as_str(), "Front desk", Role::Staff)
    );
    assert_eq!((joined.agreement_key.len(), joined.key_proof), (32, vec![0x5a; 32]));
    let mut front = relay.connect(&tablet).await;

    // When a device was last seen is noted beside its session: asked again until it shows.
    let mut list = Vec::new();
    for _ in 0..100 {
        office.send(ClientMsg::ListDevices).await;
        list = devices(&mut office).await;
        if list.get(1).is_some_and(|d| d.last_seen_ms > 0) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let names: Vec<_> = list.iter().map(|d| (d.name.as_str(), d.role, d.revoked)).collect();
    assert_eq!(names, [("Office", Role::Manager, false), ("Front desk", Role::Staff, false)]);
    assert!(list[1].paired_at_ms > 0 && list[1].last_seen_ms > 0);

    office.send(ClientMsg::RenameDevice { device: tablet.id.clone(), name: "Reception".into() }).await;
    assert_eq!(devices(&mut office).await[1].name, "Reception");
    // A name of nothing is refused; a name past 80 characters is cut, never stored whole.
    for empty in ["", "   "] {
        office.send(ClientMsg::RenameDevice { device: tablet.id.clone(), name: empty.into() }).await;
        assert!(matches!(office.recv().await, ServerMsg::Error { code: ErrorCode::Forbidden, .. }));
        office.send(ClientMsg::CreatePairing { role: Role::Staff, name: empty.into(), business: String::new() }).await;
        assert!(matches!(office.recv().await, ServerMsg::Error { code: ErrorCode::Forbidden, .. }));
    }
    office.send(ClientMsg::RenameDevice { device: tablet.id.clone(), name: "x".repeat(3_000) }).await;
    assert_eq!(devices(&mut office).await[1].name, "x".repeat(80));
    office.send(ClientMsg::RenameDevice { device: tablet.id.clone(), name: "Reception".into() }).await;
    assert_eq!(devices(&mut office).await[1].name, "Reception");

    // Staff may not make codes nor see, rename or revoke devices.
    for msg in [
        ClientMsg::CreatePairing { role: Role::Manager, name: "Mine".into(), business: String::new() },
        ClientMsg::ListDevices,
        ClientMsg::RenameDevice { device: manager.id.clone(), name: "x".into() },
        ClientMsg::RevokeDevice { device: manager.id.clone(), floors: vec![] },
    ] {
        front.send(msg).await;
        assert!(matches!(front.recv().await, ServerMsg::Error { code: ErrorCode::Forbidden, .. }));
    }
    assert!(!relay.relay.store.devices().await.unwrap()[0].revoked);

    let asked = Instant::now();
    office.send(ClientMsg::RevokeDevice { device: tablet.id.clone(), floors: vec![] }).await;
    assert!(devices(&mut office).await[1].revoked);
    assert_eq!(front.close_code().await, close::REVOKED);
    assert!(asked.elapsed() < Duration::from_secs(1), "out in {:?}", asked.elapsed());
    let mut again = relay.socket();
    again.hello(&tablet).await;
    assert_eq!(again.close_code().await, close::REVOKED);
}

#[tokio::test]
async fn only_the_device_that_made_the_code_hears_of_the_pairing() {
    let relay = TestRelay::open(|_| {});
    let (_, maker) = relay.device(Role::Manager, "Office").await;
    let (_, other) = relay.device(Role::Manager, "Back office").await;
    let (_, staff) = relay.device(Role::Staff, "Desk").await;
    let mut maker = relay.connect(&maker).await;
    let mut other = relay.connect(&other).await;
    let mut staff = relay.connect(&staff).await;
    maker.send(ClientMsg::CreatePairing { role: Role::Kiosk, name: "Lobby".into(), business: "Sol".into() }).await;
    let AdminReply::PairingCode { code, .. } = admin(&mut maker).await else { panic!("no code") };
    let kiosk = paired(&relay, &code).await;
    let AdminReply::Paired { device } = admin(&mut maker).await else { panic!("the maker was not told") };
    assert_eq!(device.id, kiosk.id);
    // The others hear nothing of it: their next answer is the one to their own request.
    for socket in [&mut other, &mut staff] {
        socket.send(ClientMsg::Ping).await;
        assert_eq!(socket.recv().await, ServerMsg::Pong);
    }
}

#[tokio::test]
async fn key_epochs_are_numbered_for_managers_once_first_and_said_at_welcome() {
    let relay = TestRelay::open(|_| {});
    let (_, manager) = relay.device(Role::Manager, "Office").await;
    let (_, second) = relay.device(Role::Manager, "Back office").await;
    let (_, staff) = relay.device(Role::Staff, "Desk").await;
    let mut staff_socket = relay.socket();
    assert_eq!(staff_socket.hello_welcome(&staff).await, vec![], "nothing is sealed yet");
    staff_socket.send(ClientMsg::NewEpoch { scopes: Scope::ALL.to_vec(), first: true }).await;
    assert!(matches!(staff_socket.recv().await, ServerMsg::Error { code: ErrorCode::Forbidden, .. }));

    let mut office = relay.connect(&manager).await;
    let back = relay.connect(&second).await;
    // One manager sets the business up: the relay grants the first epochs, and every other
    // connection — the staff's, the other manager's — is told to reconnect and hear them.
    office.send(ClientMsg::NewEpoch { scopes: Scope::ALL.to_vec(), first: true }).await;
    let AdminReply::Epochs { granted: true, epochs } = admin(&mut office).await else { panic!("not granted") };
    let first: Vec<Epoch> = Scope::ALL.iter().map(|&scope| Epoch { scope, epoch: 1 }).collect();
    assert_eq!(epochs, first);
    // The connection that asked knows at once: nothing in the clear from it now.
    office
        .send(ClientMsg::Push {
            doc: "clients".into(),
            chunk_id: frontdesk_protocol::ChunkId([1; 16]),
            bytes: b"Ana Ruiz".to_vec(),
            heads: vec![[1; 32]],
            signature: vec![],
        })
        .await;
    assert!(matches!(office.recv().await, ServerMsg::Error { code: ErrorCode::StaleEpoch, .. }));
    assert_eq!(back.close_code().await, close::KEYS_CHANGED);
    assert_eq!(staff_socket.close_code().await, close::KEYS_CHANGED);
    office.send(ClientMsg::Ping).await;
    assert_eq!(office.recv().await, ServerMsg::Pong, "the manager who asked stays connected");
    // The other manager, back with the new epochs, may not set it up a second time.
    let mut back = relay.socket();
    assert_eq!(back.hello_welcome(&second).await, first);
    back.send(ClientMsg::NewEpoch { scopes: Scope::ALL.to_vec(), first: true }).await;
    let AdminReply::Epochs { granted: false, epochs } = admin(&mut back).await else { panic!("granted twice") };
    assert_eq!(epochs, first);
    // The one that did may finish a set-up cut short (its keys were not kept).
    office.send(ClientMsg::NewEpoch { scopes: Scope::ALL.to_vec(), first: true }).await;
    assert!(matches!(admin(&mut office).await, AdminReply::Epochs { granted: true, .. }));

    // A rotation moves only its scopes; every device hears the newest at its next Welcome.
    office.send(ClientMsg::NewEpoch { scopes: vec![Scope::Kiosk], first: false }).await;
    let AdminReply::Epochs { granted: true, epochs } = admin(&mut office).await else { panic!("not granted") };
    assert_eq!(epochs[0], Epoch { scope: Scope::Kiosk, epoch: 2 });
    let mut again = relay.socket();
    assert_eq!(again.hello_welcome(&staff).await, epochs);
    // Once the business seals, a device that cannot be given keys may not pair: without an
    // agreement key, or without the key check a manager's tablet vouches for it with.
    let code = code(&relay, Role::Staff, "Tablet").await;
    let msg = pair_with(&code, &Credential::key(), vec![], vec![]);
    assert_eq!(ask(&relay, msg).await, PairReply::Refused { why: PairRefusal::BadKey });
    let msg = pair_with(&code, &Credential::key(), agreement_key(), vec![]);
    assert_eq!(ask(&relay, msg).await, PairReply::Refused { why: PairRefusal::KeyCheckNeeded });
    paired(&relay, &code).await;
    // The operator's manager code pairs without a key check (its device restores with the
    // recovery kit), though not without an agreement key; a manager's code made on a tablet
    // still needs the key check.
    let restore = code_by(&relay, Role::Manager, "New office tablet", pairing::OPERATOR).await;
    let msg = pair_with(&restore, &Credential::key(), vec![], vec![]);
    assert_eq!(ask(&relay, msg).await, PairReply::Refused { why: PairRefusal::BadKey });
    let msg = pair_with(&restore, &Credential::key(), agreement_key(), vec![]);
    assert!(matches!(ask(&relay, msg).await, PairReply::Paired { .. }), "the operator's manager code pairs");
    let on_tablet = code_by(&relay, Role::Manager, "Second office tablet", &manager.id).await;
    let msg = pair_with(&on_tablet, &Credential::key(), agreement_key(), vec![]);
    assert_eq!(ask(&relay, msg).await, PairReply::Refused { why: PairRefusal::KeyCheckNeeded });
}

/// A code for `role` made by `created_by` (a manager's device, or the operator).
async fn code_by(relay: &TestRelay, role: Role, name: &str, created_by: &str) -> String {
    let now = chrono::Utc::now().timestamp_millis();
    let offer = pairing::offer(role, name.into(), "Clínica Sol".into(), created_by.into(), now);
    pairing::create(relay.relay.store.as_ref(), offer, now).await.unwrap()
}

/// A chunk sealed by `device` under `scope`'s `epoch`.
fn sealed_chunk(scope: Scope, epoch: u32, device: &str) -> Vec<u8> {
    support::sealed(frontdesk_protocol::sealed::Kind::Chunk, scope, epoch, device)
}

#[tokio::test]
async fn after_a_revocation_with_floors_nothing_sealed_under_the_old_keys_is_stored() {
    let relay = TestRelay::open(|_| {});
    let (_, manager) = relay.device(Role::Manager, "Office").await;
    let (_, desk) = relay.device(Role::Staff, "Desk").await;
    let (_, lost) = relay.device(Role::Staff, "Lost tablet").await;
    let mut office = relay.connect(&manager).await;
    office.send(ClientMsg::NewEpoch { scopes: Scope::ALL.to_vec(), first: true }).await;
    assert!(matches!(admin(&mut office).await, AdminReply::Epochs { granted: true, .. }));
    // The rotation: new epochs for what the lost tablet held (its keys go to everyone else).
    let held = vec![Scope::Kiosk, Scope::Staff, Scope::Inbox];
    office.send(ClientMsg::NewEpoch { scopes: held.clone(), first: false }).await;
    let AdminReply::Epochs { granted: true, epochs } = admin(&mut office).await else { panic!("no rotation") };
    let floors: Vec<Epoch> = held.iter().map(|&scope| Epoch { scope, epoch: Epoch::of(&epochs, scope) }).collect();
    assert!(floors.iter().all(|f| f.epoch == 2));

    let mut front = relay.socket();
    front.hello_welcome(&desk).await;
    let thief = relay.connect(&lost).await;
    // Before the floors, a chunk under the old epoch is stored as any other.
    let push = |bytes: Vec<u8>, n: u8| ClientMsg::Push {
        doc: "clients".into(),
        chunk_id: frontdesk_protocol::ChunkId([n; 16]),
        bytes,
        heads: vec![[n; 32]],
        signature: vec![],
    };
    front.send(push(sealed_chunk(Scope::Staff, 1, &desk.id), 1)).await;
    assert!(matches!(front.recv().await, ServerMsg::Ack { seq: 1, .. }));

    // A staff device may not raise floors (nor revoke).
    front.send(ClientMsg::RevokeDevice { device: lost.id.clone(), floors: floors.clone() }).await;
    assert!(matches!(front.recv().await, ServerMsg::Error { code: ErrorCode::Forbidden, .. }));
    assert_eq!(relay.relay.store.floors().await.unwrap(), vec![]);

    office.send(ClientMsg::RevokeDevice { device: lost.id.clone(), floors: floors.clone() }).await;
    assert!(devices(&mut office).await.iter().any(|d| d.id == lost.id && d.revoked));
    assert_eq!(thief.close_code().await, close::REVOKED);
    // Every other device reconnects and hears the floors at its Welcome.
    assert_eq!(front.close_code().await, close::KEYS_CHANGED);
    let mut front = relay.socket();
    front.hello(&desk).await;
    let ServerMsg::Welcome { floors: told, .. } = front.recv().await else { panic!("no Welcome") };
    assert_eq!(told, floors);

    // Sealed under the old epoch: refused as stale (the device seals it again), chunk and
    // snapshot alike, and the manager's own connection knows the floors too.
    front.send(push(sealed_chunk(Scope::Staff, 1, &desk.id), 2)).await;
    let ServerMsg::Error { code, message, .. } = front.recv().await else { panic!("stored a stale chunk") };
    assert_eq!(code, ErrorCode::StaleEpoch, "{message}");
    office.send(push(sealed_chunk(Scope::Staff, 1, &manager.id), 3)).await;
    assert!(matches!(office.recv().await, ServerMsg::Error { code: ErrorCode::StaleEpoch, .. }));
    let snapshot =
        support::sealed(frontdesk_protocol::sealed::Kind::Snapshot { covers_seq: 1 }, Scope::Staff, 1, &desk.id);
    front.send(ClientMsg::Snapshot { doc: "clients".into(), covers_seq: 1, bytes: snapshot, signature: vec![] }).await;
    assert!(matches!(front.recv().await, ServerMsg::Error { code: ErrorCode::StaleEpoch, .. }));
    // Under the new epoch it is stored; a scope the lost tablet never held keeps its epoch.
    front.send(push(sealed_chunk(Scope::Staff, 2, &desk.id), 4)).await;
    assert!(matches!(front.recv().await, ServerMsg::Ack { seq: 2, .. }));
    office
        .send(ClientMsg::Push {
            doc: "payroll".into(),
            chunk_id: frontdesk_protocol::ChunkId([5; 16]),
            bytes: sealed_chunk(Scope::Manager, 1, &manager.id),
            heads: vec![[5; 32]],
            signature: vec![],
        })
        .await;
    assert!(matches!(office.recv().await, ServerMsg::Ack { .. }));
    let backlog = relay.relay.store.backlog("clients", 0).await.unwrap();
    let epochs: Vec<u32> =
        backlog.chunks.iter().map(|c| frontdesk_protocol::sealed::parse(&c.bytes).unwrap().header.epoch).collect();
    assert_eq!(epochs, [1, 2], "after the floor, only the new epoch was stored");

    // Every scope seals: bytes in the clear are refused in each (told as stale: the device seals
    // them again), from staff and from the manager whose connection numbered the epochs; the
    // envelopes, which have no scope, still take plain Automerge.
    front.send(push(b"Ana Ruiz, 600 123 456".to_vec(), 6)).await;
    assert!(matches!(front.recv().await, ServerMsg::Error { code: ErrorCode::StaleEpoch, .. }));
    let plain = |doc: &str, n: u8| ClientMsg::Push {
        doc: doc.into(),
        chunk_id: frontdesk_protocol::ChunkId([n; 16]),
        bytes: b"Ana Ruiz".to_vec(),
        heads: vec![[n; 32]],
        signature: vec![],
    };
    office.send(plain("payroll/2026-12", 7)).await;
    assert!(matches!(office.recv().await, ServerMsg::Error { code: ErrorCode::StaleEpoch, .. }));
    office
        .send(ClientMsg::Snapshot {
            doc: "clients".into(),
            covers_seq: 2,
            bytes: b"Ana Ruiz".to_vec(),
            signature: vec![],
        })
        .await;
    assert!(matches!(office.recv().await, ServerMsg::Error { code: ErrorCode::StaleEpoch, .. }));
    office.send(plain(&format!("envelopes/{}", desk.id), 8)).await;
    assert!(matches!(office.recv().await, ServerMsg::Ack { .. }));
    assert_eq!(relay.relay.store.backlog("clients", 0).await.unwrap().chunks.len(), 2, "nothing in the clear stored");
}
