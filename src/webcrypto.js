// The browser's half of the sealed format (issue 19): the operations of
// `frontdesk_core::crypto::Op` in WebCrypto, so no cipher code ships in the wasm.
// `src/webcrypto.rs` binds these; the vectors in
// `crates/frontdesk-core/tests/vectors/seal_v1.json` hold them to the native ciphers' bytes.
// Every argument is a fresh Uint8Array (wasm-bindgen copies a `Vec<u8>`), so nothing here reads
// wasm memory after an await.

const subtle = () => globalThis.crypto.subtle;
const NONCE = 12;
const PUBLIC = 32;
// PKCS#8 of an X25519 private key is this fixed prefix and the 32 secret bytes (RFC 8410).
const PKCS8_X25519 = Uint8Array.of(0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20);
const DROP_INFO = new TextEncoder().encode("frontdesk drop v1");

const join = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** An AES-256-GCM key from 32 raw bytes. */
export function importSecret(raw, extractable) {
  return subtle().importKey("raw", raw, { name: "AES-GCM" }, extractable, ["encrypt", "decrypt"]);
}

/** An X25519 private key (for opening drops) from its 32 secret bytes. */
export function importPrivate(secret, extractable) {
  return subtle().importKey("pkcs8", join(PKCS8_X25519, secret), { name: "X25519" }, extractable, ["deriveBits"]);
}

/** AES-256-GCM with the nonce given: nonce ‖ ciphertext ‖ tag. */
export async function sealWith(key, nonce, aad, plaintext) {
  const ct = await subtle().encrypt({ name: "AES-GCM", iv: nonce, additionalData: aad }, key, plaintext);
  return join(nonce, new Uint8Array(ct));
}

/** AES-256-GCM with a random nonce. */
export function seal(key, aad, plaintext) {
  return sealWith(key, globalThis.crypto.getRandomValues(new Uint8Array(NONCE)), aad, plaintext);
}

/** Opens nonce ‖ ciphertext ‖ tag; rejects if it was not sealed under this key and AAD. */
export async function open(key, aad, sealed) {
  const pt = await subtle().decrypt(
    { name: "AES-GCM", iv: sealed.subarray(0, NONCE), additionalData: aad },
    key,
    sealed.subarray(NONCE),
  );
  return new Uint8Array(pt);
}

// HKDF-SHA256 of the X25519 shared secret (followed by an envelope's auth secret), salted with
// both public keys. WebCrypto refuses an all-zero shared secret (a low-order point), as the
// native side does.
async function dropKey(ours, theirs, ephemeralPublic, recipientPublic, auth = new Uint8Array(), info = DROP_INFO) {
  const peer = await subtle().importKey("raw", theirs, { name: "X25519" }, false, []);
  const shared = await subtle().deriveBits({ name: "X25519", public: peer }, ours, 256);
  const ikm = await subtle().importKey("raw", join(new Uint8Array(shared), auth), "HKDF", false, ["deriveKey"]);
  return subtle().deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: join(ephemeralPublic, recipientPublic), info },
    ikm,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

const ENVELOPE_INFO = new TextEncoder().encode("frontdesk envelope v1");

/** An envelope with the ephemeral key pair and nonce given: e.pub ‖ nonce ‖ ciphertext ‖ tag of 32 key bytes. */
export async function wrapWith(ephemeral, ephemeralPublic, to, auth, nonce, aad, carried) {
  const key = await dropKey(ephemeral, to, ephemeralPublic, to, auth, ENVELOPE_INFO);
  return join(ephemeralPublic, await sealWith(key, nonce, join(aad, ephemeralPublic), carried));
}

// The 32 bytes an envelope carries: an AES key's, an X25519 private key's (after PKCS#8's
// prefix), or public key bytes as given. The key must be extractable (a manager's).
async function carried(key) {
  if (key instanceof Uint8Array) return key;
  const pkcs8 = key.algorithm.name === "X25519";
  const bytes = new Uint8Array(await subtle().exportKey(pkcs8 ? "pkcs8" : "raw", key));
  // Only the bare PKCS#8 form (prefix and 32 bytes) is sliced; anything else is not sent.
  if (pkcs8 && (bytes.length !== 48 || bytes.subarray(0, 16).some((b, i) => b !== PKCS8_X25519[i]))) {
    throw new DOMException("an X25519 key in an unexpected PKCS#8 form", "NotSupportedError");
  }
  return pkcs8 ? bytes.slice(16) : bytes;
}

/**
 * The key operations of pairing (`frontdesk_core::keys`): 0 HMAC-SHA256 of `data` under `auth`;
 * 1 a new AES key, 2 a new X25519 pair ({key, public}); 3 an envelope of `key` (a CryptoKey,
 * or public bytes) to `to` under `auth`; 4, 5, 6 open the envelope `data` with this device's
 * agreement key `key` (public half `to`) and `auth`, and import what it carries as a secret,
 * a private key ({key, public}) or public bytes; 7 an agreement key ({key, public}) from the
 * 32 secret bytes `data` (the recovery kit's, derived from the kit).
 */
export async function keys(kind, key, to, auth, aad, data, extractable) {
  switch (kind) {
    case 0: {
      const mac = await subtle().importKey("raw", auth, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
      return new Uint8Array(await subtle().sign("HMAC", mac, data));
    }
    case 1:
      return subtle().generateKey({ name: "AES-GCM", length: 256 }, extractable, ["encrypt", "decrypt"]);
    case 2:
      return pair(await subtle().generateKey({ name: "X25519" }, extractable, ["deriveBits"]));
    case 3: {
      const e = await subtle().generateKey({ name: "X25519" }, false, ["deriveBits"]);
      const nonce = globalThis.crypto.getRandomValues(new Uint8Array(NONCE));
      const bytes = await carried(key);
      return wrapWith(e.privateKey, new Uint8Array(await subtle().exportKey("raw", e.publicKey)), to, auth, nonce, aad, bytes);
    }
    case 7:
      return { key: await importPrivate(data, false), public: await publicOf(data) };
    default: {
      const ephemeralPublic = data.slice(0, PUBLIC);
      const k = await dropKey(key, ephemeralPublic, ephemeralPublic, to, auth, ENVELOPE_INFO);
      const raw = await open(k, join(aad, ephemeralPublic), data.subarray(PUBLIC));
      if (raw.length !== 32) throw new DOMException("not a key", "OperationError");
      if (kind === 4) return importSecret(raw, extractable);
      if (kind === 6) return raw;
      const key2 = await importPrivate(raw, extractable);
      return { key: key2, public: await publicOf(raw) };
    }
  }
}

// A generated pair as {key, public}.
async function pair(p) {
  return { key: p.privateKey, public: new Uint8Array(await subtle().exportKey("raw", p.publicKey)) };
}

// The public half of an X25519 private key's bytes (through a throwaway extractable import).
async function publicOf(raw) {
  const k = await subtle().importKey("pkcs8", join(PKCS8_X25519, raw), { name: "X25519" }, true, ["deriveBits"]);
  const jwk = await subtle().exportKey("jwk", k);
  return Uint8Array.from(atob(jwk.x.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
}

/** Seals to a public key with the ephemeral key pair and nonce given: e.pub ‖ nonce ‖ ciphertext ‖ tag. */
export async function sealToWith(ephemeral, ephemeralPublic, recipientPublic, nonce, aad, plaintext) {
  const key = await dropKey(ephemeral, recipientPublic, ephemeralPublic, recipientPublic);
  return join(ephemeralPublic, await sealWith(key, nonce, join(aad, ephemeralPublic), plaintext));
}

/** Seals to a public key with a fresh ephemeral key pair (forgotten afterwards) and nonce. */
export async function sealTo(recipientPublic, aad, plaintext) {
  const pair = await subtle().generateKey({ name: "X25519" }, false, ["deriveBits"]);
  const ephemeralPublic = new Uint8Array(await subtle().exportKey("raw", pair.publicKey));
  const nonce = globalThis.crypto.getRandomValues(new Uint8Array(NONCE));
  return sealToWith(pair.privateKey, ephemeralPublic, recipientPublic, nonce, aad, plaintext);
}

/** Opens e.pub ‖ nonce ‖ ciphertext ‖ tag with the recipient's private key. */
export async function openFrom(recipient, recipientPublic, aad, sealed) {
  const ephemeralPublic = sealed.slice(0, PUBLIC);
  const key = await dropKey(recipient, ephemeralPublic, ephemeralPublic, recipientPublic);
  return open(key, join(aad, ephemeralPublic), sealed.subarray(PUBLIC));
}

/**
 * Runs one of the core's ops (`frontdesk_core::crypto::Op`) — one entry point, so the wasm
 * carries one binding and one await for all of them: 0 seal, 1 open, 2 sealTo, 3 openFrom,
 * 4 derive (PBKDF2 of `data`, salted with `aad`), 5 open with the raw key bytes `publicKey`
 * (the kiosk's lookup index), 6 derive `data` under each salt in `publicKey` (each one byte of
 * length and its bytes: a PIN under every listed person's salt, at once), 32 bytes each.
 */
export async function run(kind, key, publicKey, aad, data, iterations) {
  switch (kind) {
    case 0:
      return seal(key, aad, data);
    case 1:
      return open(key, aad, data);
    case 2:
      return sealTo(publicKey, aad, data);
    case 3:
      return openFrom(key, publicKey, aad, data);
    case 5:
      return open(await importSecret(publicKey, false), aad, data);
    case 7: {
      // Ed25519: `publicKey` the signer's key, `aad` the signed message, `data` the signature.
      const signer = await subtle().importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
      if (await subtle().verify({ name: "Ed25519" }, signer, data, aad)) return new Uint8Array();
      throw new DOMException("not its signature", "OperationError");
    }
    case 6: {
      const salts = [];
      for (let at = 0; at < publicKey.length; at += 1 + publicKey[at]) {
        salts.push(publicKey.slice(at + 1, at + 1 + publicKey[at]));
      }
      return join(...(await Promise.all(salts.map((salt) => pbkdf2(data, salt, iterations)))));
    }
    default:
      return pbkdf2(data, aad, iterations);
  }
}

/** PBKDF2-HMAC-SHA256, 32 bytes. */
export async function pbkdf2(password, salt, iterations) {
  const key = await subtle().importKey("raw", password, "PBKDF2", false, ["deriveBits"]);
  return new Uint8Array(await subtle().deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256));
}
