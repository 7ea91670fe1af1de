// The share link (ui/share.py): runs as the hidden LinkFeed's js_on_load. On load (and when the address's
// fragment changes) it hands `#d=<code>` to the server, cut at the longest code the server reads (+1, so that a
// longer one is answered "too long"); the server decodes and checks it (ui/share_link.py). A "Copy link" button
// of the share panel gets the absolute address of its link just before ui/keys.js copies its data-copy.
const feed = element.querySelector('.share-feed');
const longest = Number(feed.dataset.max);

function read() {
  const found = /^#d=([\s\S]*)$/.exec(window.location.hash);
  if (found) props.value = found[1].slice(0, longest + 1);
}
window.addEventListener('hashchange', read);
read();

document.addEventListener('click', (event) => {  // capture: before keys.js's listener copies data-copy
  const button = event.target.closest && event.target.closest('button[data-share-href]');
  if (button) button.dataset.copy = new URL(button.dataset.shareHref, window.location.href).href;
}, true);
