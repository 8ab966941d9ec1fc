// Progressive enhancements only: every core action works without this file.
document.addEventListener('DOMContentLoaded', () => {
  // Ask before destructive buttons (forms carry data-confirm with the localised question).
  for (const form of document.querySelectorAll('form[data-confirm]')) {
    form.addEventListener('submit', (e) => {
      if (!window.confirm(form.getAttribute('data-confirm'))) e.preventDefault();
    });
  }
  // Filter selects submit their form on change.
  for (const el of document.querySelectorAll('form.autosubmit select')) {
    el.addEventListener('change', () => el.form.requestSubmit());
  }
});
