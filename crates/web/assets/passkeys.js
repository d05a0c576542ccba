// Passkeys on the organisation pages (/org): signing in with one and adding
// one. The server's options (webauthn-rs's JSON, binary fields in base64url)
// become the ArrayBuffers navigator.credentials wants, and the answer goes
// back as JSON. Without WebAuthn the buttons stay hidden and the mailed link
// is the way in.
(function () {
  'use strict';
  if (!window.PublicKeyCredential || !navigator.credentials) return;

  function decode(text) {
    const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
    const raw = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes.buffer;
  }

  function encode(buffer) {
    const bytes = new Uint8Array(buffer);
    let raw = '';
    for (let i = 0; i < bytes.length; i++) raw += String.fromCharCode(bytes[i]);
    return btoa(raw).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  async function post(url, body) {
    const answer = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    let json = {};
    try { json = await answer.json(); } catch (_) { /* not JSON */ }
    if (!answer.ok) throw new Error(json.error || answer.statusText);
    return json;
  }

  function say(box, text) {
    const out = box.querySelector('.passkey-status');
    if (out) out.textContent = text;
  }

  // Signing in: any passkey of this site (no address typed).
  const signIn = document.getElementById('passkey-sign-in');
  if (signIn) {
    signIn.hidden = false;
    signIn.querySelector('button').addEventListener('click', async () => {
      const csrf = signIn.dataset.csrf;
      try {
        const { ceremony, options } = await post('/org/passkey/challenge', { csrf });
        const publicKey = options.publicKey;
        publicKey.challenge = decode(publicKey.challenge);
        for (const c of publicKey.allowCredentials || []) c.id = decode(c.id);
        const credential = await navigator.credentials.get({ publicKey });
        const r = credential.response;
        const answer = {
          id: credential.id,
          rawId: encode(credential.rawId),
          type: credential.type,
          response: {
            authenticatorData: encode(r.authenticatorData),
            clientDataJSON: encode(r.clientDataJSON),
            signature: encode(r.signature),
            userHandle: r.userHandle ? encode(r.userHandle) : null,
          },
          extensions: {},
        };
        const done = await post('/org/passkey/sign-in', { csrf, ceremony, answer });
        window.location.assign(done.to || '/org');
      } catch (e) {
        say(signIn, `${signIn.dataset.failed} ${e.message || e}`);
      }
    });
  }

  // Adding a passkey to the signed-in person.
  const add = document.getElementById('passkey-add');
  if (add) {
    add.hidden = false;
    add.addEventListener('submit', async (event) => {
      event.preventDefault();
      const csrf = add.dataset.csrf;
      const name = add.querySelector('input[name="name"]').value;
      try {
        const { ceremony, options } = await post('/org/passkeys/challenge', { csrf });
        const publicKey = options.publicKey;
        publicKey.challenge = decode(publicKey.challenge);
        publicKey.user.id = decode(publicKey.user.id);
        for (const c of publicKey.excludeCredentials || []) c.id = decode(c.id);
        // A passkey is found without an address at sign-in: ask for a
        // discoverable (resident) credential.
        publicKey.authenticatorSelection = Object.assign({}, publicKey.authenticatorSelection,
          { residentKey: 'required', requireResidentKey: true });
        const credential = await navigator.credentials.create({ publicKey });
        const r = credential.response;
        const answer = {
          id: credential.id,
          rawId: encode(credential.rawId),
          type: credential.type,
          response: {
            attestationObject: encode(r.attestationObject),
            clientDataJSON: encode(r.clientDataJSON),
            transports: r.getTransports ? r.getTransports() : undefined,
          },
          extensions: {},
        };
        await post('/org/passkeys', { csrf, ceremony, answer, name });
        window.location.assign('/org');
      } catch (e) {
        say(add, `${add.dataset.failed} ${e.message || e}`);
      }
    });
  }
})();
