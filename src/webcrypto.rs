//! The browser runs the core's crypto ops (`frontdesk_core::crypto::Op`) in WebCrypto, through
//! the small module `src/webcrypto.js`: AES-256-GCM, X25519 + HKDF-SHA256 for drops, PBKDF2.
//! Keys are `CryptoKey` objects; imported non-extractable, page script can use them and never
//! read them. No cipher code is compiled into the wasm.

use frontdesk_core::crypto::CryptoError;
use js_sys::{Promise, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::CryptoKey;

#[wasm_bindgen(module = "/src/webcrypto.js")]
extern "C" {
    #[wasm_bindgen(js_name = importSecret, catch)]
    fn import_secret_js(raw: Vec<u8>, extractable: bool) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_name = importPrivate, catch)]
    fn import_private_js(secret: Vec<u8>, extractable: bool) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_name = seal, catch)]
    fn seal_js(key: &CryptoKey, aad: Vec<u8>, plaintext: Vec<u8>) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_name = sealWith, catch)]
    fn seal_with_js(key: &CryptoKey, nonce: Vec<u8>, aad: Vec<u8>, plaintext: Vec<u8>) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_name = open, catch)]
    fn open_js(key: &CryptoKey, aad: Vec<u8>, sealed: Vec<u8>) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_name = sealTo, catch)]
    fn seal_to_js(recipient_public: Vec<u8>, aad: Vec<u8>, plaintext: Vec<u8>) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_name = sealToWith, catch)]
    fn seal_to_with_js(
        ephemeral: &CryptoKey,
        ephemeral_public: Vec<u8>,
        recipient_public: Vec<u8>,
        nonce: Vec<u8>,
        aad: Vec<u8>,
        plaintext: Vec<u8>,
    ) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_name = openFrom, catch)]
    fn open_from_js(
        recipient: &CryptoKey,
        recipient_public: Vec<u8>,
        aad: Vec<u8>,
        sealed: Vec<u8>,
    ) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_name = pbkdf2, catch)]
    fn pbkdf2_js(password: Vec<u8>, salt: Vec<u8>, iterations: u32) -> Result<Promise, JsValue>;
}

/// What a WebCrypto rejection means to the core: a failed tag check (`OperationError` from
/// decrypt, or an all-zero X25519 secret) is damage; anything else is the platform's failure.
fn failed(err: JsValue, opening: bool) -> CryptoError {
    let (name, message) = match err.dyn_ref::<web_sys::DomException>() {
        Some(ex) => (ex.name(), ex.message()),
        None => (String::new(), err.as_string().unwrap_or_else(|| format!("{err:?}"))),
    };
    if opening && name == "OperationError" {
        CryptoError::Damaged
    } else {
        CryptoError::Platform(format!("{name}: {message}"))
    }
}

async fn resolve(promise: Result<Promise, JsValue>, opening: bool) -> Result<JsValue, CryptoError> {
    JsFuture::from(promise.map_err(|e| failed(e, opening))?).await.map_err(|e| failed(e, opening))
}

async fn bytes(promise: Result<Promise, JsValue>, opening: bool) -> Result<Vec<u8>, CryptoError> {
    Ok(Uint8Array::new(&resolve(promise, opening).await?).to_vec())
}

async fn key(promise: Result<Promise, JsValue>) -> Result<CryptoKey, CryptoError> {
    resolve(promise, false).await?.dyn_into().map_err(|_| CryptoError::Platform("not a CryptoKey".into()))
}

/// An AES-256-GCM key from 32 raw bytes.
pub async fn import_secret(raw: &[u8; 32], extractable: bool) -> Result<CryptoKey, CryptoError> {
    key(import_secret_js(raw.to_vec(), extractable)).await
}

/// An X25519 private key from its 32 secret bytes.
pub async fn import_private(secret: &[u8; 32], extractable: bool) -> Result<CryptoKey, CryptoError> {
    key(import_private_js(secret.to_vec(), extractable)).await
}

/// `Op::Seal`: nonce ‖ ciphertext ‖ tag, random nonce.
pub async fn seal(key: &CryptoKey, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
    bytes(seal_js(key, aad.to_vec(), plaintext.to_vec()), false).await
}

/// Sealing with a chosen nonce (the test vectors).
pub async fn seal_with(
    key: &CryptoKey,
    nonce: &[u8; 12],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    bytes(seal_with_js(key, nonce.to_vec(), aad.to_vec(), plaintext.to_vec()), false).await
}

/// `Op::Open`.
pub async fn open(key: &CryptoKey, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
    bytes(open_js(key, aad.to_vec(), sealed.to_vec()), true).await
}

/// `Op::SealTo`: e.pub ‖ nonce ‖ ciphertext ‖ tag, with a fresh ephemeral key.
pub async fn seal_to(recipient_public: &[u8; 32], aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
    // A low-order recipient key makes WebCrypto refuse the shared secret.
    bytes(seal_to_js(recipient_public.to_vec(), aad.to_vec(), plaintext.to_vec()), true)
        .await
        .map_err(|e| if e == CryptoError::Damaged { CryptoError::BadEphemeral } else { e })
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
    bytes(promise, false).await
}

/// `Op::OpenFrom`.
pub async fn open_from(
    recipient: &CryptoKey,
    recipient_public: &[u8; 32],
    aad: &[u8],
    sealed: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    bytes(open_from_js(recipient, recipient_public.to_vec(), aad.to_vec(), sealed.to_vec()), true).await
}

/// `Op::Derive`: PBKDF2-HMAC-SHA256, 32 bytes.
pub async fn pbkdf2(password: &[u8], salt: &[u8], iterations: u32) -> Result<Vec<u8>, CryptoError> {
    bytes(pbkdf2_js(password.to_vec(), salt.to_vec(), iterations), false).await
}
