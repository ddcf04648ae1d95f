//! Small JSON records in localStorage — a device's settings, the kiosk's queue numbers, chunks
//! written ahead (`spill`), the business's time zone — read and written by the browser's own
//! `JSON`, through gloo-storage's handle on localStorage.
//!
//! Not serde_json: its parser and the derived readers cost the desk's first download ~20 KB of
//! raw wasm (the names build of issue 20), for records of a few fields. The JSON is the same as
//! before (what serde_json wrote reads back here: the field names and the enum names are kept),
//! so a device keeps what it stored through an upgrade.

use gloo_storage::{LocalStorage, Storage};
use js_sys::{Array, JSON, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

/// A JSON object, as read from or about to be written to one key of localStorage.
pub struct LocalRecord(Object);

impl Default for LocalRecord {
    fn default() -> Self {
        LocalRecord(Object::new())
    }
}

impl LocalRecord {
    /// The record under `key`: `None` if there is none or it is not a JSON object.
    pub fn read(key: &str) -> Option<LocalRecord> {
        LocalRecord::parse(&raw(key)?)
    }

    /// A record from its JSON text: `None` unless it is a JSON object.
    pub fn parse(json: &str) -> Option<LocalRecord> {
        let value = JSON::parse(json).ok()?;
        (value.is_object() && !Array::is_array(&value)).then(|| LocalRecord(value.unchecked_into()))
    }

    fn field(&self, name: &str) -> JsValue {
        Reflect::get(&self.0, &name.into()).unwrap_or(JsValue::UNDEFINED)
    }

    /// A string field (`None`: missing, or not a string).
    pub fn text(&self, name: &str) -> Option<String> {
        self.field(name).as_string()
    }

    /// A true/false field.
    pub fn flag(&self, name: &str) -> Option<bool> {
        self.field(name).as_bool()
    }

    /// A number field.
    pub fn number(&self, name: &str) -> Option<f64> {
        self.field(name).as_f64()
    }

    /// A whole number field in `0..=u32::MAX`.
    pub fn count(&self, name: &str) -> Option<u32> {
        self.number(name).filter(|n| n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(n)).map(|n| n as u32)
    }

    /// Bytes kept as an array of numbers (as serde_json writes a `Vec<u8>`): `None` unless every
    /// entry is a whole number from 0 to 255.
    pub fn bytes(&self, name: &str) -> Option<Vec<u8>> {
        let value = self.field(name);
        if !Array::is_array(&value) {
            return None;
        }
        let array: Array = value.unchecked_into();
        array
            .iter()
            .map(|n| n.as_f64().filter(|n| n.fract() == 0.0 && (0.0..=255.0).contains(n)).map(|n| n as u8))
            .collect()
    }

    /// Sets a field (a string, a number, true or false, or null).
    pub fn with(self, name: &str, value: impl Into<JsValue>) -> LocalRecord {
        let _ = Reflect::set(&self.0, &name.into(), &value.into());
        self
    }

    /// Sets a field to `bytes`, as an array of numbers.
    pub fn with_bytes(self, name: &str, bytes: &[u8]) -> LocalRecord {
        let array = Array::from(&Uint8Array::from(bytes));
        self.with(name, array)
    }

    /// The record as JSON text.
    pub fn to_json(&self) -> String {
        JSON::stringify(&self.0).ok().and_then(|s| s.as_string()).unwrap_or_default()
    }

    /// Keeps the record under `key`; false if localStorage refused it (full, or not allowed).
    pub fn write(&self, key: &str) -> bool {
        LocalStorage::raw().set_item(key, &self.to_json()).is_ok()
    }
}

/// A string kept as a JSON string under `key` (as serde_json wrote a `String`).
pub fn read_text(key: &str) -> Option<String> {
    JSON::parse(&raw(key)?).ok()?.as_string()
}

/// Keeps `text` as a JSON string under `key`; false if localStorage refused it.
pub fn write_text(key: &str, text: &str) -> bool {
    let json = JSON::stringify(&JsValue::from_str(text)).ok().and_then(|s| s.as_string()).unwrap_or_default();
    LocalStorage::raw().set_item(key, &json).is_ok()
}

fn raw(key: &str) -> Option<String> {
    LocalStorage::raw().get_item(key).ok().flatten()
}
