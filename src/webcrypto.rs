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
        (1 | 3, "OperationError") => CryptoError::Damaged,
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
