//! The device's credential: an Ed25519 key pair made by the browser (WebCrypto) and marked
//! non-extractable, kept in the device's IndexedDB. Page script can ask the browser to *sign*
//! with it, never read it: a copy of this browser's storage, or of anything page script can read,
//! does not let another browser connect as this device. The relay keeps only the public half.

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, SubtleCrypto};

/// The algorithm, as WebCrypto names it.
const ALGORITHM: &str = "Ed25519";

/// Why the browser could not make or use the key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyError(pub String);

impl std::fmt::Display for KeyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn key_error(err: JsValue) -> KeyError {
    match err.dyn_ref::<web_sys::DomException>() {
        Some(ex) => KeyError(format!("{}: {}", ex.name(), ex.message())),
        None => KeyError(err.as_string().unwrap_or_else(|| format!("{err:?}"))),
    }
}

fn subtle() -> Result<SubtleCrypto, KeyError> {
    let window = web_sys::window().ok_or_else(|| KeyError("no window".into()))?;
    Ok(window.crypto().map_err(key_error)?.subtle())
}

/// The device's key: the private half as an opaque browser object, the public half's 32 bytes.
#[derive(Clone)]
pub struct DeviceKey {
    private: CryptoKey,
    pub public: Vec<u8>,
}

impl DeviceKey {
    /// Makes a new key pair whose private half can never leave the browser.
    pub async fn generate() -> Result<DeviceKey, KeyError> {
        let subtle = subtle()?;
        let usages = Array::of1(&"sign".into());
        let pair = JsFuture::from(subtle.generate_key_with_str(ALGORITHM, false, &usages).map_err(key_error)?)
            .await
            .map_err(key_error)?;
        let get = |name: &str| -> Result<CryptoKey, KeyError> {
            Reflect::get(&pair, &name.into()).map_err(key_error)?.dyn_into().map_err(key_error)
        };
        let (private, public) = (get("privateKey")?, get("publicKey")?);
        if private.extractable() {
            return Err(KeyError("the browser made an extractable key".into()));
        }
        let raw = JsFuture::from(subtle.export_key("raw", &public).map_err(key_error)?).await.map_err(key_error)?;
        let public = Uint8Array::new(&raw).to_vec();
        if public.len() != 32 {
            return Err(KeyError(format!("a public key of {} bytes", public.len())));
        }
        Ok(DeviceKey { private, public })
    }

    /// The key's signature of `message` (64 bytes): the core's `Op::Sign`.
    pub async fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        let signed = subtle()?.sign_with_str_and_u8_array(ALGORITHM, &self.private, message).map_err(key_error)?;
        let signature = JsFuture::from(signed).await.map_err(key_error)?;
        Ok(Uint8Array::new(&signature).to_vec())
    }

    /// How IndexedDB keeps it: the browser's structured clone of the private key (still not
    /// extractable) and the public bytes.
    pub fn to_stored(&self) -> JsValue {
        let obj = Object::new();
        let _ = Reflect::set(&obj, &"private".into(), &self.private);
        let _ = Reflect::set(&obj, &"public".into(), &Uint8Array::from(self.public.as_slice()));
        obj.into()
    }

    /// Reads back what [`to_stored`](Self::to_stored) made; `None` for anything else.
    pub fn from_stored(value: &JsValue) -> Option<DeviceKey> {
        let private: CryptoKey = Reflect::get(value, &"private".into()).ok()?.dyn_into().ok()?;
        let public = Reflect::get(value, &"public".into()).ok()?.dyn_into::<Uint8Array>().ok()?.to_vec();
        (public.len() == 32).then_some(DeviceKey { private, public })
    }
}
