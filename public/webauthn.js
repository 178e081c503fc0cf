// The browser's side of Twofold's WebAuthn ceremonies: security keys and
// passkeys. One small script, loaded on the pages that use it: the sign-in
// page (Sign in with a passkey, and the login field's autofill), the second
// step (Use your security key) and the dashboard, whose island calls
// `twofoldWebAuthn.create` to add a key (docs/wasm-budget.md#webauthn).
//
// The server (webauthn-rs) makes the options and checks the answers; this
// only moves them between it and `navigator.credentials`, as JSON
// (PublicKeyCredential.parse*OptionsFromJSON and toJSON). A browser
// without those sees no security-key buttons: they stay hidden.
'use strict';

(() => {
  const credentials = window.PublicKeyCredential;
  const supported = Boolean(
    credentials &&
      navigator.credentials &&
      credentials.parseCreationOptionsFromJSON &&
      credentials.parseRequestOptionsFromJSON,
  );

  /** A server function's answer, or its error (`{error: kind, ...}`). */
  async function call(name, form = {}) {
    const response = await fetch(`/api/${name}`, {
      method: 'POST',
      headers: { Accept: 'application/json' },
      body: new URLSearchParams(form),
      credentials: 'same-origin',
    });
    const text = await response.text();
    let body = null;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: a proxy's page, say.
    }
    if (!response.ok) throw body && body.error ? body : { error: 'internal' };
    return body;
  }

  /** The browser's prompt for a new credential; its answer as JSON text. */
  async function create(options) {
    const publicKey = credentials.parseCreationOptionsFromJSON(JSON.parse(options).publicKey);
    return JSON.stringify(await navigator.credentials.create({ publicKey }));
  }

  /** The browser's prompt for an assertion; its answer as JSON text. */
  async function get(options, extra = {}) {
    const publicKey = credentials.parseRequestOptionsFromJSON(JSON.parse(options).publicKey);
    return JSON.stringify(await navigator.credentials.get({ publicKey, ...extra }));
  }

  window.twofoldWebAuthn = { supported, create };
  if (!supported) return;

  /**
   * The message for an error, from the page's own texts (in its
   * language): `data-messages` on the element with `data-webauthn`.
   * A browser's refusal (cancelled, timed out) is `cancelled`.
   */
  function message(root, error) {
    const messages = JSON.parse(root.dataset.messages || '{}');
    const kind =
      error && error.error ? error.error : error && error.name === 'NotAllowedError' ? 'cancelled' : 'refused';
    const text = messages[kind] || messages.refused || '';
    return text.replace('%{seconds}', String((error && error.retry_after) || ''));
  }

  /** Says what failed in the panel's alert (hidden while it has nothing to say). */
  function say(root, text) {
    const alert = root.querySelector('[data-webauthn-error]');
    alert.textContent = text;
    alert.hidden = !text;
  }

  /** Runs `ceremony` from `button`, saying what failed. */
  function wire(root, button, ceremony) {
    button.hidden = false;
    button.addEventListener('click', async () => {
      button.disabled = true;
      say(root, '');
      try {
        await ceremony();
        window.location.assign('/');
      } catch (error) {
        say(root, message(root, error));
        button.disabled = false;
      }
    });
  }

  /** A ceremony's two calls around the browser's prompt. */
  async function signIn(begin, finish, extra) {
    const start = await call(begin);
    const response = await get(start.options, extra);
    await call(finish, { ceremony: start.ceremony, response });
  }

  const secondStep = document.querySelector('[data-webauthn="second-step"]');
  if (secondStep) {
    const button = secondStep.querySelector('button[data-security-key]');
    if (button) {
      wire(secondStep, button, () => signIn('begin_security_key_sign_in', 'finish_security_key_sign_in'));
    }
  }

  const signInPage = document.querySelector('[data-webauthn="sign-in"]');
  if (signInPage) {
    // The login field's autofill offers the browser's passkeys
    // (conditional mediation), asked for once the field is focused; the
    // button asks in a prompt instead. The autofill is a convenience: if
    // it cannot be offered, it is simply not, and only a passkey picked
    // from it and then refused says so.
    let autofill = null;
    const offerInAutofill = async () => {
      if (autofill || !(await credentials.isConditionalMediationAvailable?.())) return;
      autofill = new AbortController();
      let start;
      let response;
      try {
        start = await call('begin_passkey_sign_in');
        response = await get(start.options, { mediation: 'conditional', signal: autofill.signal });
      } catch {
        return;
      }
      try {
        await call('finish_passkey_sign_in', { ceremony: start.ceremony, response });
        window.location.assign('/');
      } catch (error) {
        say(signInPage, message(signInPage, error));
      }
    };
    document.getElementById('login')?.addEventListener('focus', offerInAutofill, { once: true });
    const button = signInPage.querySelector('button[data-passkey]');
    if (button) {
      wire(signInPage, button, () => {
        if (autofill) autofill.abort();
        return signIn('begin_passkey_sign_in', 'finish_passkey_sign_in');
      });
    }
  }
})();
