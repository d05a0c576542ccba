// The check form, done privately in the browser: on submit the identifier is
// normalized, blinded and checked here (core.mjs); the server sees a bucket
// prefix and a blinded element only. The result and the advice are drawn
// into the page with the translations the server put on the form
// (data-i18n). Without JavaScript the form posts as usual (public mode: a
// direct check; private mode: a page saying JavaScript is needed). If the
// private check fails in public mode the page says so and offers the direct
// check as a button: the identifier is never posted without the person
// choosing it, and never after an answer that does not verify.

import { advise, adviceCountry, privateCheck, ProofError } from './core.mjs';

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}

function formatDate(iso, lang) {
  const [y, m, d] = iso.split('-').map(Number);
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : lang, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
    .format(new Date(Date.UTC(y, m - 1, d)));
}

let adviceCache = null;
async function adviceCatalogue(lang) {
  if (!adviceCache) {
    const r = await fetch(`/api/v1/advice?lang=${encodeURIComponent(lang)}`);
    if (!r.ok) throw new Error(`advice: ${r.status}`);
    adviceCache = await r.json();
  }
  return adviceCache;
}

function render(out, i18n, result, advice) {
  out.replaceChildren();
  const n = result.found.length;
  const heading = n === 0
    ? i18n.clean
    : (i18n.found[String(n)] ?? i18n.found.many.replace('{n}', String(n)));
  out.append(el('h2', { id: 'private-result-h', tabindex: '-1' }, heading));
  out.append(el('p', { class: 'note' }, i18n.privately));
  if (n > 0) {
    const list = el('section', { 'aria-labelledby': 'private-breaches-h' },
      el('h3', { id: 'private-breaches-h' }, i18n.breachesHeading));
    for (const b of result.found) {
      const classes = el('ul', { class: 'classes' });
      for (const c of b.dataClasses) classes.append(el('li', {}, i18n.classes[c] ?? c));
      const link = el('a', { href: `/breaches/${encodeURIComponent(b.name)}` }, b.title);
      list.append(el('article', { class: 'exposure', 'data-breach': b.name },
        el('h4', {}, link),
        el('p', { class: 'meta' }, `${i18n.kinds[b.kind] ?? b.kind} · ${formatDate(b.breachDate, i18n.lang)}`),
        el('p', {}, i18n.yourData),
        classes));
    }
    out.append(list);
  } else {
    out.append(el('p', {}, i18n.cleanText));
  }
  const section = el('section', { class: 'advice-list', 'aria-labelledby': 'private-advice-h' },
    el('h3', { id: 'private-advice-h' }, i18n.adviceHeading));
  for (const a of advice) {
    const steps = el('ol');
    for (const s of a.steps) steps.append(el('li', {}, s));
    const sources = el('p', { class: 'sources' }, `${i18n.sources} `);
    a.sources.forEach((s, i) => {
      if (i > 0) sources.append(', ');
      sources.append(el('a', { href: s.url, rel: 'noopener noreferrer' }, s.title));
    });
    section.append(el('article', { class: `advice urgency-${a.urgency}`, id: `advice-${a.id}` },
      el('h4', {}, el('span', { class: 'urgency' }, i18n.urgency[a.urgency]), ` ${a.title}`),
      el('p', {}, a.why), steps, sources));
  }
  out.append(section);
  out.hidden = false;
  out.querySelector('h2').focus();
}

document.addEventListener('DOMContentLoaded', () => {
  const form = document.querySelector('form[data-private-check]');
  if (!form) return;
  const i18n = JSON.parse(form.dataset.i18n);
  const fallback = form.dataset.privateCheck === 'public';
  const out = document.getElementById('private-result');
  const status = document.getElementById('private-status');
  // The direct check, offered after a failure in public mode.
  const direct = el('button', { type: 'button', id: 'private-direct', hidden: '' }, i18n.direct);
  direct.addEventListener('click', () => form.submit());
  status.after(direct);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    direct.hidden = true;
    const account = form.elements.account.value;
    const region = form.elements.region ? form.elements.region.value : 'NL';
    status.textContent = i18n.checking;
    try {
      const result = await privateCheck(window.location.origin, account, region);
      if (result.invalid) {
        status.textContent = i18n.invalid;
        form.elements.account.setAttribute('aria-invalid', 'true');
        form.elements.account.focus();
        return;
      }
      if (result.limited) {
        status.textContent = i18n.limited;
        return;
      }
      form.elements.account.removeAttribute('aria-invalid');
      const catalogue = await adviceCatalogue(i18n.lang);
      const advice = advise(catalogue, result.found, adviceCountry(result.id, region));
      status.textContent = '';
      render(out, i18n, result, advice);
      out.dataset.bucketEntries = String(result.bucketEntries);
      out.dataset.answerBytes = String(result.answerBytes);
      out.dataset.clientMs = (result.timings.done - result.timings.start).toFixed(2);
      out.dataset.cryptoMs = ((result.timings.blinded - result.timings.configured) + (result.timings.done - result.timings.answered)).toFixed(2);
    } catch (e) {
      console.error(e);
      if (e instanceof ProofError) {
        // Not the service it claims to be: nothing to fall back to.
        status.textContent = i18n.untrusted;
        return;
      }
      status.textContent = i18n.failed;
      if (fallback) direct.hidden = false;
    }
  });
});
