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

// Deal-flow board: drag a card onto another column to press that card's own move button (the plain form does the work;
// a column the card may not move to accepts nothing).
document.addEventListener('DOMContentLoaded', () => {
  const board = document.querySelector('.board');
  if (!board) return;
  const buttonFor = (card, stage) => card && card.querySelector(`form.card-moves button[name="stage"][value="${CSS.escape(stage)}"]`);
  let dragged = null;
  for (const card of board.querySelectorAll('.match-card')) {
    if (!card.querySelector('form.card-moves button')) continue;
    card.setAttribute('draggable', 'true');
    card.addEventListener('dragstart', (e) => {
      dragged = card;
      e.dataTransfer.effectAllowed = 'move';
      e.dataTransfer.setData('text/plain', card.dataset.match || '');
    });
    card.addEventListener('dragend', () => {
      dragged = null;
      for (const col of board.querySelectorAll('.drop-target')) col.classList.remove('drop-target');
    });
  }
  for (const col of board.querySelectorAll('.board-col')) {
    col.addEventListener('dragover', (e) => {
      if (!buttonFor(dragged, col.dataset.stage)) return;
      e.preventDefault();
      col.classList.add('drop-target');
    });
    col.addEventListener('dragleave', () => col.classList.remove('drop-target'));
    col.addEventListener('drop', (e) => {
      const button = buttonFor(dragged, col.dataset.stage);
      if (!button) return;
      e.preventDefault();
      button.form.requestSubmit(button);
    });
  }
});
