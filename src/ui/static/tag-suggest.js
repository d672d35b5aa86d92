// Tag typeahead for comma-separated tag fields (the item editor's "Tags"). htmx fetches
// <ul id="…" class="disc-suggest"> of <button data-tag-path> from /tags/suggest as you type (the
// field says where with aria-controls); this script makes choosing one work: a click, or the
// arrow keys and Enter, replaces the entry being typed (the text after the last comma) with the
// chosen path and adds ", " for the next one. Escape closes the list. Without JavaScript the
// field is a plain text input. Our CSP forbids inline handlers, hence this file; it listens on
// the document, so fields swapped in by htmx work too.
(() => {
  'use strict';
  const FIELD = 'input[data-tag-suggest]';

  const fieldFor = (list) => list && document.querySelector(`${FIELD}[aria-controls="${CSS.escape(list.id)}"]`);
  const listFor = (field) => document.getElementById(field.getAttribute('aria-controls') || '');
  const options = (list) => (list ? [...list.querySelectorAll('button[data-tag-path]')] : []);
  const statusFor = (field) => document.getElementById(field.dataset.tagSuggestStatus || '');

  function announce(field) {
    const status = statusFor(field);
    const n = options(listFor(field)).length;
    if (status) status.textContent = n ? `${n} matching ${n === 1 ? 'tag' : 'tags'}: press the down arrow to choose.` : '';
  }

  function close(field) {
    const list = listFor(field);
    if (list) list.replaceChildren();
    if (list) list.dataset.count = '0';
    announce(field);
  }

  function choose(button) {
    const list = button.closest('.disc-suggest');
    const field = fieldFor(list);
    if (!field) return;
    const entries = field.value.split(/[,\n]/);
    entries[entries.length - 1] = button.dataset.tagPath;
    field.value = `${entries.map((e) => e.trim()).filter(Boolean).join(', ')}, `;
    close(field);
    field.focus();
    field.setSelectionRange(field.value.length, field.value.length);
  }

  document.addEventListener('click', (event) => {
    const button = event.target instanceof Element && event.target.closest('.disc-suggest button[data-tag-path]');
    if (button) {
      event.preventDefault();
      choose(button);
    }
  });

  document.addEventListener('keydown', (event) => {
    const target = event.target;
    if (!(target instanceof HTMLElement)) return;
    if (target.matches(FIELD)) {
      const first = options(listFor(target))[0];
      if (event.key === 'ArrowDown' && first) {
        event.preventDefault();
        first.focus();
      } else if (event.key === 'Escape' && first) {
        event.preventDefault();
        close(target);
      }
      return;
    }
    if (!target.matches('.disc-suggest button[data-tag-path]')) return;
    const list = target.closest('.disc-suggest');
    const all = options(list);
    const i = all.indexOf(target);
    const move = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: all.length - 1 }[event.key];
    if (move !== undefined) {
      event.preventDefault();
      if (move < 0) fieldFor(list)?.focus(); // up from the first option: back to the field
      else all[Math.min(move, all.length - 1)].focus();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      const field = fieldFor(list);
      if (field) { close(field); field.focus(); }
    }
  });

  // A new list arrived (htmx swapped it in): say how many suggestions there are.
  document.addEventListener('htmx:afterSettle', () => {
    for (const field of document.querySelectorAll(FIELD)) announce(field);
  });
})();
