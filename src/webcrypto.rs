//! The browser runs the core's crypto ops (`frontdesk_core::crypto::Op`) in WebCrypto, through
//! the small module `src/webcrypto.js`: AES-256-GCM, X25519 + HKDF-SHA256 for drops, PBKDF2.
//! Keys are `CryptoKey` objects; imported non-extractable, page script can use them and never
//! read them. No cipher code is compiled into the wasm, and every op goes through one binding
//! (`run`) and one await, to keep the wasm small.

use frontdesk_core::crypto::{CryptoError, Op};
use js_sys::{Promise, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::CryptoKey;

#[wasm_bindgen(module = "/src/webcrypto.js")]
extern "C" {
    #[wasm_bindgen(js_name = run, catch)]
    fn run_js(
        kind: u8,
        key: &JsValue,
        public_key: Vec<u8>,
        aad: Vec<u8>,
        data: Vec<u8>,
        iterations: u32,
    ) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_name = keys, catch)]
    fn keys_js(
        kind: u8,
        key: &JsValue,
        to: Vec<u8>,
        auth: Vec<u8>,
        aad: Vec<u8>,
        data: Vec<u8>,
        extractable: bool,
    ) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_name = wrapWith, catch)]
    fn wrap_with_js(
        ephemeral: &CryptoKey,
        ephemeral_public: Vec<u8>,
        to: Vec<u8>,
        auth: Vec<u8>,
        nonce: Vec<u8>,
        aad: Vec<u8>,
        carried: Vec<u8>,
    ) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_name = importSecret, catch)]
    fn import_secret_js(raw: Vec<u8>, extractable: bool) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_name = importPrivate, catch)]
    fn import_private_js(secret: Vec<u8>, extractable: bool) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_name = sealWith, catch)]
    fn seal_with_js(key: &CryptoKey, nonce: Vec<u8>, aad: Vec<u8>, plaintext: Vec<u8>) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_name = sealToWith, catch)]
    fn seal_to_with_js(
        ephemeral: &CryptoKey,
        ephemeral_public: Vec<u8>,
        recipient_public: Vec<u8>,
        nonce: Vec<u8>,
        aad: Vec<u8>,
        plaintext: Vec<u8>,
    ) -> Result<Promise, JsValue>;
}

/// The key material an op runs with, looked up by whoever holds the keys.
pub enum With {
    /// `Seal`/`Open`: the scope's AES key.
    Secret(CryptoKey),
    /// `SealTo`: the recipient's public key.
    Public([u8; 32]),
    /// `OpenFrom`: the recipient's private key and its public bytes.
    Private(CryptoKey, [u8; 32]),
    /// `Derive` needs none.
    Nothing,
}

/// What a WebCrypto rejection means to the core: `OperationError` while opening (a failed tag,
/// an all-zero X25519 secret) is damage, while sealing to a key a degenerate key; anything else
/// is the platform's failure.
fn failed(err: JsValue, kind: u8) -> CryptoError {
    let (name, message) = match err.dyn_ref::<web_sys::DomException>() {
        Some(ex) => (ex.name(), ex.message()),
        None => (String::new(), err.as_string().unwrap_or_else(|| format!("{err:?}"))),
    };
    match (kind, name.as_str()) {
        (1 | 3 | 7, "OperationError") => CryptoError::Damaged,
        (2, "OperationError") => CryptoError::BadEphemeral,
        _ => CryptoError::Platform(format!("{name}: {message}")),
    }
}

async fn resolve(promise: Result<Promise, JsValue>, kind: u8) -> Result<JsValue, CryptoError> {
    JsFuture::from(promise.map_err(|e| failed(e, kind))?).await.map_err(|e| failed(e, kind))
}

/// Runs one op with the key material given: sealed bytes for `Seal`/`SealTo`, the padded
/// plaintext for `Open`/`OpenFrom`, 32 bytes for `Derive`.
pub async fn run(op: Op, with: With) -> Result<Vec<u8>, CryptoError> {
    let none = JsValue::UNDEFINED;
    let (kind, key, public, aad, data, iterations): (u8, JsValue, [u8; 32], Vec<u8>, Vec<u8>, u32) = match (op, with) {
        (Op::Seal { aad, plaintext, .. }, With::Secret(key)) => (0, key.into(), [0; 32], aad, plaintext, 0),
        (Op::Open { aad, sealed, .. }, With::Secret(key)) => (1, key.into(), [0; 32], aad, sealed, 0),
        (Op::SealTo { aad, plaintext, .. }, With::Public(public)) => (2, none, public, aad, plaintext, 0),
        (Op::OpenFrom { aad, sealed, .. }, With::Private(key, public)) => (3, key.into(), public, aad, sealed, 0),
        (Op::Derive { password, salt, iterations }, _) => (4, none, [0; 32], salt, password, iterations),
        (Op::Verify { key, message, signature }, _) => (7, none, key, message, signature, 0),
        _ => return Err(CryptoError::Platform("the op was given the wrong kind of key".into())),
    };
    let promise = run_js(kind, &key, public.to_vec(), aad, data, iterations);
    Ok(Uint8Array::new(&resolve(promise, kind).await?).to_vec())
}

async fn key(promise: Result<Promise, JsValue>) -> Result<CryptoKey, CryptoError> {
    resolve(promise, 0).await?.dyn_into().map_err(|_| CryptoError::Platform("not a CryptoKey".into()))
}

/// An AES-256-GCM key from 32 raw bytes.
pub async fn import_secret(raw: &[u8; 32], extractable: bool) -> Result<CryptoKey, CryptoError> {
    key(import_secret_js(raw.to_vec(), extractable)).await
}

/// An X25519 private key from its 32 secret bytes.
pub async fn import_private(secret: &[u8; 32], extractable: bool) -> Result<CryptoKey, CryptoError> {
    key(import_private_js(secret.to_vec(), extractable)).await
}

/// Sealing with a chosen nonce (the test vectors hold WebCrypto to the native bytes).
pub async fn seal_with(
    key: &CryptoKey,
    nonce: &[u8; 12],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let promise = seal_with_js(key, nonce.to_vec(), aad.to_vec(), plaintext.to_vec());
    Ok(Uint8Array::new(&resolve(promise, 0).await?).to_vec())
}

/// Sealing to a public key with a chosen ephemeral key and nonce (the test vectors).
pub async fn seal_to_with(
    ephemeral: &CryptoKey,
    ephemeral_public: &[u8; 32],
    recipient_public: &[u8; 32],
    nonce: &[u8; 12],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let promise = seal_to_with_js(
        ephemeral,
        ephemeral_public.to_vec(),
        recipient_public.to_vec(),
        nonce.to_vec(),
        aad.to_vec(),
        plaintext.to_vec(),
    );
    Ok(Uint8Array::new(&resolve(promise, 2).await?).to_vec())
}

// ---------------------------------------------------------------- handing keys over (#19)

/// A key this device holds, as WebCrypto keeps it: an AES key, an X25519 private key with its
/// public bytes, or only public bytes (what a kiosk seals to).
#[derive(Clone)]
pub enum Held {
    Secret(CryptoKey),
    Private(CryptoKey, [u8; 32]),
    Public([u8; 32]),
}

fn bytes32(value: &JsValue) -> Result<[u8; 32], CryptoError> {
    let bytes = value.dyn_ref::<Uint8Array>().ok_or_else(|| CryptoError::Platform("not bytes".into()))?.to_vec();
    bytes.try_into().map_err(|_| CryptoError::Platform("not 32 bytes".into()))
}

/// `{key, public}` as `keys` returns a pair.
fn pair(value: &JsValue) -> Result<Held, CryptoError> {
    let get = |name: &str| js_sys::Reflect::get(value, &name.into()).unwrap_or(JsValue::UNDEFINED);
    let key = get("key").dyn_into().map_err(|_| CryptoError::Platform("not a CryptoKey".into()))?;
    Ok(Held::Private(key, bytes32(&get("public"))?))
}

async fn keys(
    kind: u8,
    key: &JsValue,
    to: &[u8],
    auth: &[u8],
    aad: &[u8],
    data: &[u8],
    extractable: bool,
) -> Result<JsValue, CryptoError> {
    // An envelope that does not open is damage (like a sealed chunk); a degenerate key to
    // seal to is refused as such.
    let as_kind = match kind {
        3 => 2,
        4..=6 => 3,
        _ => 0,
    };
    resolve(keys_js(kind, key, to.to_vec(), auth.to_vec(), aad.to_vec(), data.to_vec(), extractable), as_kind).await
}

/// HMAC-SHA256 of `data` under `auth` (a device's proof of its agreement key).
pub async fn mac(auth: &[u8], data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let none = JsValue::UNDEFINED;
    Ok(Uint8Array::new(&keys(0, &none, &[], auth, &[], data, false).await?).to_vec())
}

/// A new key: an AES key, or for a drop scope an X25519 pair; `extractable` for a manager's
/// (only managers seal keys to other devices).
pub async fn generate(drop: bool, extractable: bool) -> Result<Held, CryptoError> {
    let none = JsValue::UNDEFINED;
    let made = keys(if drop { 2 } else { 1 }, &none, &[], &[], &[], &[], extractable).await?;
    if drop {
        pair(&made)
    } else {
        Ok(Held::Secret(made.dyn_into().map_err(|_| CryptoError::Platform("not a CryptoKey".into()))?))
    }
}

/// An agreement key (not extractable) and its public half from its 32 secret bytes: the
/// recovery kit's, derived from the kit.
pub async fn identity(secret: &[u8; 32]) -> Result<Held, CryptoError> {
    pair(&keys(7, &JsValue::UNDEFINED, &[], &[], &[], secret, false).await?)
}

/// An envelope of `key` to the device whose agreement key is `to`, under its `auth` secret
/// (`Part::Public` of a pair carries only its public bytes).
pub async fn wrap(
    key: &Held,
    public_only: bool,
    to: &[u8; 32],
    auth: &[u8],
    aad: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let carried: JsValue = match key {
        Held::Public(public) | Held::Private(_, public) if public_only => Uint8Array::from(&public[..]).into(),
        Held::Secret(k) | Held::Private(k, _) => k.clone().into(),
        Held::Public(_) => return Err(CryptoError::Platform("a public key carries no secret".into())),
    };
    Ok(Uint8Array::new(&keys(3, &carried, to, auth, aad, &[], false).await?).to_vec())
}

/// Opens an envelope sealed to this device — its agreement key (`agreement`, public half
/// `agreement_public`) and `auth` secret — and imports what it carries as `part`.
pub async fn install(
    agreement: &CryptoKey,
    agreement_public: &[u8; 32],
    auth: &[u8],
    part: frontdesk_core::crypto::Part,
    aad: &[u8],
    envelope: &[u8],
    extractable: bool,
) -> Result<Held, CryptoError> {
    use frontdesk_core::crypto::Part;
    let kind = match part {
        Part::Secret => 4,
        Part::Private => 5,
        Part::Public => 6,
    };
    let got = keys(kind, agreement, agreement_public, auth, aad, envelope, extractable).await?;
    match part {
        Part::Secret => Ok(Held::Secret(got.dyn_into().map_err(|_| CryptoError::Platform("not a CryptoKey".into()))?)),
        Part::Private => pair(&got),
        Part::Public => Ok(Held::Public(bytes32(&got)?)),
    }
}

/// An envelope with a chosen ephemeral key and nonce (the test vectors).
pub async fn wrap_with(
    ephemeral: &CryptoKey,
    ephemeral_public: &[u8; 32],
    to: &[u8; 32],
    auth: &[u8],
    nonce: &[u8; 12],
    aad: &[u8],
    carried: &[u8; 32],
) -> Result<Vec<u8>, CryptoError> {
    let promise = wrap_with_js(
        ephemeral,
        ephemeral_public.to_vec(),
        to.to_vec(),
        auth.to_vec(),
        nonce.to_vec(),
        aad.to_vec(),
        carried.to_vec(),
    );
    Ok(Uint8Array::new(&resolve(promise, 2).await?).to_vec())
}

// ---------------------------------------------------------------- the kiosk's lookup index (#19)

/// PBKDF2-HMAC-SHA256 of `password` salted with `salt`: 32 bytes.
pub async fn derive(password: &[u8], salt: &[u8], iterations: u32) -> Result<[u8; 32], CryptoError> {
    let out = run(Op::Derive { password: password.to_vec(), salt: salt.to_vec(), iterations }, With::Nothing).await?;
    out.try_into().map_err(|_| CryptoError::Platform("PBKDF2 gave other than 32 bytes".into()))
}

/// AES-256-GCM under raw key bytes with the nonce given (an index entry: the same entry seals
/// to the same bytes on every desk).
pub async fn seal_raw(key: &[u8; 32], nonce: &[u8; 12], aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
    seal_with(&import_secret(key, false).await?, nonce, aad, plaintext).await
}

/// Opens what [`seal_raw`] sealed; `Damaged` when it was not sealed under this key and AAD.
/// One call into `webcrypto.js` (the key imported there): the kiosk's download stays small.
pub async fn open_raw(key: &[u8; 32], aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let promise = run_js(5, &JsValue::UNDEFINED, key.to_vec(), aad.to_vec(), sealed.to_vec(), 0);
    Ok(Uint8Array::new(&resolve(promise, 1).await?).to_vec())
}

// ---------------------------------------------------------------- PINs (#19)

/// A typed PIN derived under the salt of each of `listed` (`frontdesk_core::pin`), at once;
/// nothing to derive when nobody is listed.
pub async fn derive_pin(typed: &str, listed: &[frontdesk_core::pin::Listed]) -> Result<Vec<[u8; 32]>, CryptoError> {
    use frontdesk_core::pin;
    if listed.is_empty() {
        return Ok(Vec::new());
    }
    let salts: Vec<&str> = listed.iter().map(|l| l.salt.as_str()).collect();
    derive_many(&pin::password(typed.trim()), &salts, pin::ITERATIONS).await
}

/// PBKDF2-HMAC-SHA256 of a PIN under each of `salts` (at most 255 bytes each), all at once:
/// `H` per salt, in order.
pub async fn derive_many(password: &[u8], salts: &[&str], iterations: u32) -> Result<Vec<[u8; 32]>, CryptoError> {
    let mut packed = Vec::new();
    for salt in salts {
        let len = u8::try_from(salt.len()).map_err(|_| CryptoError::Platform("a salt over 255 bytes".into()))?;
        packed.push(len);
        packed.extend_from_slice(salt.as_bytes());
    }
    let promise = run_js(6, &JsValue::UNDEFINED, packed, Vec::new(), password.to_vec(), iterations);
    let out = Uint8Array::new(&resolve(promise, 4).await?).to_vec();
    if out.len() != 32 * salts.len() {
        return Err(CryptoError::Platform("PBKDF2 gave other than 32 bytes a salt".into()));
    }
    Ok(out.chunks_exact(32).map(|c| c.try_into().expect("32 bytes")).collect())
}
