// The card announces each answer (ui/live.py); while a stroke is drawn on the Recognize pad it is busy, so a screen
// reader waits for the pen to lift instead of reading every answer on the way. In the page's head (ui/guess.py's
// page_head), so it listens before anything can be drawn, however slowly the components' own scripts start. (On
// the card's block, which Gradio leaves alone: the live region inside is patched to its template at every answer.)
(() => {
  function cardBusy(busy) {
    const card = document.getElementById('card');
    if (card) card.setAttribute('aria-busy', String(busy));
  }
  document.addEventListener('pointerdown', (event) => {
    if (event.target.closest && event.target.closest('#pad canvas')) cardBusy(true);
  }, true);
  ['pointerup', 'pointercancel'].forEach((type) => document.addEventListener(type, () => cardBusy(false), true));
})();
