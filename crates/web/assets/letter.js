// Fills the GDPR letters on /letters from the form, in this browser only:
// nothing typed here is sent anywhere (the form has method="dialog" and no
// submit button). Without JavaScript the letters keep their [placeholders].
'use strict';
document.addEventListener('DOMContentLoaded', () => {
  const form = document.getElementById('letter-form');
  if (!form) return;
  const fields = ['broker', 'name', 'identifiers', 'place'];
  const fill = () => {
    for (const letter of document.querySelectorAll('textarea[data-template]')) {
      let text = letter.dataset.template;
      for (const field of fields) {
        const input = form.elements[field];
        const value = input.value.trim();
        text = text.split(`@@${field}@@`).join(value || input.dataset.placeholder);
      }
      letter.value = text;
    }
  };
  form.hidden = false;
  form.addEventListener('input', fill);
  form.addEventListener('submit', (event) => event.preventDefault());
  for (const button of document.querySelectorAll('button[data-copy]')) {
    button.hidden = false;
    button.addEventListener('click', () => {
      const target = document.getElementById(button.dataset.copy);
      target.select();
      navigator.clipboard?.writeText(target.value);
    });
  }
  fill();
});
