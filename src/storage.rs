//! Durable browser storage: documents and the outbox in IndexedDB.
//!
//! Every write is one transaction with `durability: "strict"`, awaited until it completes, so a
//! change shown as saved is on disk even if the tab crashes right after.

use frontdesk_core::sorting::SortDyn;
use std::cell::RefCell;
use std::rc::Rc;

use futures::channel::oneshot;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{IdbDatabase, IdbObjectStore, IdbRequest, IdbTransaction, IdbTransactionMode};

const DOCS: &str = "docs";
const OUTBOX: &str = "outbox";
/// The device's key pair (one record, [`KEY`]): beside the documents, so wiping the device
/// removes its credential with its data.
const KEYS: &str = "keys";
const KEY: &str = "device";
/// 2 since #18: the `keys` store.
const VERSION: u32 = 2;

pub use frontdesk_core::device::{OutboxEntry, Receipts, StorageError, StoredDoc, Write};

fn js_error(err: JsValue) -> StorageError {
    if let Some(ex) = err.dyn_ref::<web_sys::DomException>() {
        if ex.name() == "QuotaExceededError" {
            return StorageError::Full;
        }
        return StorageError::Failed(format!("{}: {}", ex.name(), ex.message()));
    }
    StorageError::Failed(err.as_string().unwrap_or_else(|| format!("{err:?}")))
}

/// An open IndexedDB database.
#[derive(Clone)]
pub struct Store {
    db: IdbDatabase,
}

impl Drop for Store {
    /// Closes the connection, so a later `destroy` is not held up waiting for it.
    fn drop(&mut self) {
        self.db.close();
    }
}

/// Waits for the first of a success or a failure event, then detaches the handlers.
///
/// `attach` installs (and, given `None`, removes) the two handlers on a request or transaction.
async fn settled(
    attach: impl Fn(Option<&js_sys::Function>, Option<&js_sys::Function>),
    on_ok: impl Fn() -> Result<JsValue, JsValue> + 'static,
    on_fail: impl Fn() -> JsValue + 'static,
) -> Result<JsValue, StorageError> {
    let (sender, rx) = oneshot::channel::<Result<JsValue, JsValue>>();
    let sender = Rc::new(RefCell::new(Some(sender)));
    let ok_sender = sender.clone();
    let ok = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
        if let Some(s) = ok_sender.borrow_mut().take() {
            let _ = s.send(on_ok());
        }
    });
    let fail = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
        if let Some(s) = sender.borrow_mut().take() {
            let _ = s.send(Err(on_fail()));
        }
    });
    attach(Some(ok.as_ref().unchecked_ref()), Some(fail.as_ref().unchecked_ref()));
    let result = rx.await;
    attach(None, None);
    result.map_err(|_| StorageError::Failed("the browser dropped a storage request".into()))?.map_err(js_error)
}

/// Resolves when the request succeeds (with its result) or fails.
async fn request(req: &IdbRequest) -> Result<JsValue, StorageError> {
    let (ok_req, err_req) = (req.clone(), req.clone());
    settled(
        |ok, fail| {
            req.set_onsuccess(ok);
            req.set_onerror(fail);
        },
        move || ok_req.result(),
        move || err_req.error().ok().flatten().map(JsValue::from).unwrap_or(JsValue::from_str("request failed")),
    )
    .await
}

/// Resolves when the transaction has committed (or failed).
async fn committed(tx: &IdbTransaction) -> Result<(), StorageError> {
    let err_tx = tx.clone();
    settled(
        |ok, fail| {
            tx.set_oncomplete(ok);
            tx.set_onerror(fail);
            tx.set_onabort(fail);
        },
        || Ok(JsValue::UNDEFINED),
        move || err_tx.error().map(JsValue::from).unwrap_or(JsValue::from_str("transaction aborted")),
    )
    .await
    .map(|_| ())
}

fn bytes_of(value: &JsValue, key: &str) -> Vec<u8> {
    Reflect::get(value, &key.into())
        .ok()
        .filter(|v| v.is_object())
        .map(|v| Uint8Array::new(&v).to_vec())
        .unwrap_or_default()
}

fn string_of(value: &JsValue, key: &str) -> Option<String> {
    Reflect::get(value, &key.into()).ok().and_then(|v| v.as_string())
}

fn number_of(value: &JsValue, key: &str) -> f64 {
    Reflect::get(value, &key.into()).ok().and_then(|v| v.as_f64()).unwrap_or(0.0)
}

fn stored_doc(value: &JsValue) -> Option<StoredDoc> {
    Some(StoredDoc {
        name: string_of(value, "name")?,
        bytes: bytes_of(value, "bytes"),
        cursor: number_of(value, "cursor") as u64,
        received: receipts_of(value),
        sealed_from: number_of(value, "sealed_from") as u64,
    })
}

/// A drop box's receipts, kept as an array of `[key, relay ms]` pairs (absent: none).
fn receipts_of(value: &JsValue) -> Receipts {
    let Ok(list) = Reflect::get(value, &"received".into()) else { return Vec::new() };
    let Some(list) = list.dyn_ref::<Array>() else { return Vec::new() };
    list.iter()
        .filter_map(|pair| {
            let pair = pair.dyn_into::<Array>().ok()?;
            Some((pair.get(0).as_string()?, pair.get(1).as_f64()? as i64))
        })
        .collect()
}

fn receipts_value(received: &Receipts) -> JsValue {
    received.iter().map(|(key, at)| Array::of2(&key.into(), &(*at as f64).into())).collect::<Array>().into()
}

fn record(fields: &[(&str, JsValue)]) -> Object {
    let obj = Object::new();
    for (key, value) in fields {
        let _ = Reflect::set(&obj, &(*key).into(), value);
    }
    obj
}

impl Store {
    /// Opens (creating or upgrading) the database `name`.
    pub async fn open(name: &str) -> Result<Store, StorageError> {
        let factory = web_sys::window()
            .and_then(|w| w.indexed_db().ok().flatten())
            .ok_or_else(|| StorageError::Unavailable("this browser offers no IndexedDB".into()))?;
        let open = factory.open_with_u32(name, VERSION).map_err(js_error)?;
        let upgrade_req = open.clone();
        let on_upgrade = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
            if let Ok(result) = upgrade_req.result()
                && let Ok(db) = result.dyn_into::<IdbDatabase>()
            {
                let names = db.object_store_names();
                for store in [DOCS, OUTBOX, KEYS] {
                    if !names.contains(store) {
                        let _ = db.create_object_store(store);
                    }
                }
            }
        });
        open.set_onupgradeneeded(Some(on_upgrade.as_ref().unchecked_ref()));
        let db = request(&open).await?;
        open.set_onupgradeneeded(None);
        let db: IdbDatabase = db.dyn_into().map_err(|_| StorageError::Failed("not a database".into()))?;
        Ok(Store { db })
    }

    fn transaction(&self, mode: IdbTransactionMode) -> Result<IdbTransaction, StorageError> {
        self.transaction_on(&Array::of2(&DOCS.into(), &OUTBOX.into()), mode)
    }

    fn transaction_on(&self, stores: &Array, mode: IdbTransactionMode) -> Result<IdbTransaction, StorageError> {
        let mode = match mode {
            IdbTransactionMode::Readwrite => "readwrite",
            _ => "readonly",
        };
        // `{ durability: "strict" }` flushes to disk before `complete` fires. web-sys marks the
        // options argument unstable, so it is passed through a plain call.
        let options = record(&[("durability", "strict".into())]);
        let transaction = Reflect::get(&self.db, &"transaction".into()).map_err(js_error)?;
        let transaction: js_sys::Function = transaction.dyn_into().map_err(js_error)?;
        let tx = transaction.call3(&self.db, stores, &mode.into(), &options).map_err(js_error)?;
        tx.dyn_into::<IdbTransaction>().map_err(js_error)
    }

    /// Closes the connection now (a wipe waits for every open one).
    pub fn close(&self) {
        self.db.close();
    }

    /// The device's key pair, if it has been paired.
    pub async fn load_key(&self) -> Result<Option<crate::device_key::DeviceKey>, StorageError> {
        Ok(crate::device_key::DeviceKey::from_stored(&self.load_keys_record(KEY).await?))
    }

    /// Keeps the device's key pair (replacing any), durably.
    pub async fn save_key(&self, key: &crate::device_key::DeviceKey) -> Result<(), StorageError> {
        self.save_keys_record(KEY, &key.to_stored()).await
    }

    /// A record of the `keys` store: the device's key pair (`device`), its key agreement key and
    /// auth secret (`agreement`), the business keys it holds (`held`; #19).
    /// `undefined` when there is none.
    pub async fn load_keys_record(&self, name: &str) -> Result<JsValue, StorageError> {
        let tx = self.transaction_on(&Array::of1(&KEYS.into()), IdbTransactionMode::Readonly)?;
        request(&Self::object_store(&tx, KEYS)?.get(&name.into()).map_err(js_error)?).await
    }

    /// Keeps a record of the `keys` store (replacing any), durably.
    pub async fn save_keys_record(&self, name: &str, value: &JsValue) -> Result<(), StorageError> {
        let tx = self.transaction_on(&Array::of1(&KEYS.into()), IdbTransactionMode::Readwrite)?;
        Self::object_store(&tx, KEYS)?.put_with_key(value, &name.into()).map_err(js_error)?;
        committed(&tx).await
    }

    /// Removes a record of the `keys` store, durably.
    pub async fn delete_keys_record(&self, name: &str) -> Result<(), StorageError> {
        let tx = self.transaction_on(&Array::of1(&KEYS.into()), IdbTransactionMode::Readwrite)?;
        Self::object_store(&tx, KEYS)?.delete(&name.into()).map_err(js_error)?;
        committed(&tx).await
    }

    /// Every record of the `keys` store whose name starts with `prefix`.
    pub async fn load_keys_under(&self, prefix: &str) -> Result<Vec<JsValue>, StorageError> {
        let tx = self.transaction_on(&Array::of1(&KEYS.into()), IdbTransactionMode::Readonly)?;
        let range =
            web_sys::IdbKeyRange::bound(&prefix.into(), &format!("{prefix}\u{ffff}").into()).map_err(js_error)?;
        let values = request(&Self::object_store(&tx, KEYS)?.get_all_with_key(&range).map_err(js_error)?).await?;
        Ok(Array::from(&values).iter().collect())
    }

    fn object_store(tx: &IdbTransaction, name: &str) -> Result<IdbObjectStore, StorageError> {
        tx.object_store(name).map_err(js_error)
    }

    /// The stored documents named in `names` or starting with one of `prefixes` (only those are
    /// read: a tablet keeps a year of days on disk and loads just today's).
    pub async fn load_docs(&self, names: &[String], prefixes: &[String]) -> Result<Vec<StoredDoc>, StorageError> {
        let tx = self.transaction(IdbTransactionMode::Readonly)?;
        let docs = Self::object_store(&tx, DOCS)?;
        let mut found = Vec::new();
        for name in names {
            let value = request(&docs.get(&name.into()).map_err(js_error)?).await?;
            found.extend(stored_doc(&value));
        }
        for prefix in prefixes {
            let range =
                web_sys::IdbKeyRange::bound(&prefix.into(), &format!("{prefix}\u{ffff}").into()).map_err(js_error)?;
            let values = request(&docs.get_all_with_key(&range).map_err(js_error)?).await?;
            found.extend(Array::from(&values).iter().filter_map(|v| stored_doc(&v)));
        }
        Ok(found)
    }

    /// Every chunk not yet acknowledged, oldest first.
    pub async fn load_outbox(&self) -> Result<Vec<OutboxEntry>, StorageError> {
        let tx = self.transaction(IdbTransactionMode::Readonly)?;
        let outbox = Self::object_store(&tx, OUTBOX)?;
        let all = request(&outbox.get_all().map_err(js_error)?).await?;
        let mut chunks: Vec<OutboxEntry> = Array::from(&all)
            .iter()
            .filter_map(|v| {
                Some(OutboxEntry {
                    id: string_of(&v, "id")?.parse().ok()?,
                    doc: string_of(&v, "doc")?,
                    bytes: bytes_of(&v, "bytes"),
                    order: number_of(&v, "order"),
                })
            })
            .collect();
        chunks.sort_dyn_by(|a, b| a.order.total_cmp(&b.order));
        Ok(chunks)
    }

    /// Applies `writes` in one durable transaction; resolves once it has committed.
    ///
    /// The transaction is created before this returns its future, so transactions commit in the
    /// order `commit` was called.
    pub fn commit(&self, writes: Vec<Write>) -> impl std::future::Future<Output = Result<(), StorageError>> + 'static {
        let started = self.start_commit(writes);
        async move { committed(&started?).await }
    }

    fn start_commit(&self, writes: Vec<Write>) -> Result<IdbTransaction, StorageError> {
        let tx = self.transaction(IdbTransactionMode::Readwrite)?;
        let docs = Self::object_store(&tx, DOCS)?;
        let outbox = Self::object_store(&tx, OUTBOX)?;
        for write in writes {
            let result = match write {
                Write::Doc { name, bytes, cursor, received, sealed_from } => {
                    let value = record(&[
                        ("name", name.clone().into()),
                        ("bytes", Uint8Array::from(&bytes[..]).into()),
                        ("cursor", (cursor as f64).into()),
                        ("received", receipts_value(&received)),
                        ("sealed_from", (sealed_from as f64).into()),
                    ]);
                    docs.put_with_key(&value, &name.into())
                }
                Write::OutboxPut(chunk) => {
                    let id = chunk.id.to_string();
                    let value = record(&[
                        ("id", id.clone().into()),
                        ("doc", chunk.doc.into()),
                        ("bytes", Uint8Array::from(&chunk.bytes[..]).into()),
                        ("order", chunk.order.into()),
                    ]);
                    outbox.put_with_key(&value, &id.into())
                }
                Write::OutboxDelete(id) => outbox.delete(&id.to_string().into()),
                Write::ForgetDocs { first, last } => names_between(&first, &last).and_then(|range| docs.delete(&range)),
            };
            if let Err(err) = result {
                let _ = tx.abort();
                return Err(js_error(err));
            }
        }
        Ok(tx)
    }

    /// Deletes every stored document whose name sorts from `first` to `last` (both included,
    /// and anything named under `last`): a kiosk's past days. The transaction commits by itself.
    pub fn forget_docs_between(&self, first: &str, last: &str) -> Result<(), StorageError> {
        let tx = self.transaction(IdbTransactionMode::Readwrite)?;
        let range = names_between(first, last).map_err(js_error)?;
        Self::object_store(&tx, DOCS)?.delete(&range).map_err(js_error)?;
        Ok(())
    }

    /// Deletes the whole database (used when a device is reset).
    pub async fn destroy(name: &str) -> Result<(), StorageError> {
        let factory = web_sys::window()
            .and_then(|w| w.indexed_db().ok().flatten())
            .ok_or_else(|| StorageError::Unavailable("no IndexedDB".into()))?;
        let req = factory.delete_database(name).map_err(js_error)?;
        request(&req).await.map(|_| ())
    }
}

/// The document names from `first` to `last`, and every name under `last`.
fn names_between(first: &str, last: &str) -> Result<web_sys::IdbKeyRange, wasm_bindgen::JsValue> {
    web_sys::IdbKeyRange::bound(&first.into(), &format!("{last}\u{ffff}").into())
}

/// Asks the browser not to evict this device's data under storage pressure (a kiosk or tablet
/// installed as an app is usually granted this) and puts the answer in `granted` (a desk says
/// so when it is refused).
pub fn ask_to_persist(granted: leptos::prelude::RwSignal<Option<bool>>) {
    use leptos::prelude::Set;
    leptos::task::spawn_local(async move {
        let answer = request_persistence().await;
        leptos::logging::log!("persistent storage: {answer:?}");
        granted.set(answer);
    });
}

/// Asks the browser to keep this site's storage even under pressure; `Some(false)` if refused.
async fn request_persistence() -> Option<bool> {
    let storage = web_sys::window()?.navigator().storage();
    let promise = storage.persist().ok()?;
    wasm_bindgen_futures::JsFuture::from(promise).await.ok()?.as_bool()
}
