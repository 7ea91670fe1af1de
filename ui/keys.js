() => {
  // Copy buttons and the rune keyboard, for the whole page (app.py: demo.launch(js=ui.page_js())). One click
  // listener: a button with data-copy copies that text (rune cards, readings, names: ui/cards.py copy_button); a
  // rune key (ui/runic_text.py keyboard_html) writes its data-key into the textbox named by its keyboard's
  // data-target, or deletes (backspace) or copies that box; data-read-text (the Inscription's reading) opens the tab
  // named in data-tab with that text in its box. No rune, word or row is written here: the buttons carry them.
  const announcer = Object.assign(document.createElement('div'), {className: 'copy-announcer'});  // screen readers
  announcer.setAttribute('role', 'status');
  announcer.setAttribute('aria-live', 'polite');
  document.body.appendChild(announcer);
  const box = (id) => document.querySelector('#' + id + ' textarea, #' + id + ' input');

  function write(area, value, caret) {  // as if typed: Gradio's textbox listens for input events
    area.value = value;
    area.selectionStart = area.selectionEnd = caret;
    area.dispatchEvent(new Event('input', {bubbles: true}));
  }

  async function copy(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    const area = Object.assign(document.createElement('textarea'), {value: text});  // plain http: the old way
    const focused = document.activeElement;
    document.body.appendChild(area);
    area.select();
    const done = document.execCommand('copy');
    area.remove();
    if (focused) focused.focus();  // a keyboard user stays on the button they pressed
    if (!done) throw new Error('copy refused');
  }

  function copied(button, status, ok) {
    const said = ok ? 'Copied' : 'Could not copy: select the text and copy it';
    announcer.textContent = said;
    if (status) status.textContent = said;
    else button.textContent = ok ? 'Copied ✓' : said;
    button.dataset.copied = ok ? 'true' : 'false';
  }

  function key(button) {
    const keyboard = button.closest('.rune-keyboard');
    const area = keyboard && box(keyboard.dataset.target);
    if (!area) return;
    const start = area.selectionStart ?? area.value.length, end = area.selectionEnd ?? start;
    const action = button.dataset.keyAction;
    if (action === 'copy') {
      copy(area.value).then(() => copied(button, keyboard.querySelector('.copy-status'), true),
                            () => copied(button, keyboard.querySelector('.copy-status'), false));
    } else if (action === 'backspace') {
      const from = start === end ? Math.max(0, start - 1) : start;
      write(area, area.value.slice(0, from) + area.value.slice(end), from);
    } else {
      const text = button.dataset.key;
      write(area, area.value.slice(0, start) + text + area.value.slice(end), start + text.length);
    }
  }

  function readInTab(button) {
    const tab = [...document.querySelectorAll('[role="tab"]')].find((t) => t.textContent.trim() === button.dataset.tab);
    if (tab) tab.click();
    let frames = 0;
    const fill = () => {  // the tab's box appears once the tab is shown
      const area = box(button.dataset.target);
      if (area) write(area, button.dataset.readText, button.dataset.readText.length);
      else if (frames++ < 300) requestAnimationFrame(fill);
    };
    fill();
  }

  document.addEventListener('click', (event) => {
    const button = event.target.closest && event.target.closest('button');
    if (!button) return;
    if (button.dataset.copy !== undefined) {
      copy(button.dataset.copy).then(() => copied(button, null, true), () => copied(button, null, false));
    } else if (button.classList.contains('rune-key')) {
      key(button);
    } else if (button.dataset.readText !== undefined) {
      readInTab(button);
    }
  });
}
