"""The browser-side Pause timer shared by the browser tests and benchmarks/app_frame.py.

:func:`pause_click` is JavaScript for ``page.evaluate``: it presses the Play/Pause button and
times, in the browser, the click to the button's label turning to Play (``label``, ms) and to the
server's own state reaching the button (``confirmed``: ``data-playing`` is ``no``, ms), with the
click's wall-clock time (``clicked_at``, ms since the epoch) for matching the server's log.
"""

from __future__ import annotations

_SCRIPT = """() => new Promise(resolve => {
  const button = () => document.querySelector('.btn-play');
  const started = performance.now(), out = {clicked_at: Date.now()};
  const check = () => {
    const b = button(), now = performance.now() - started;
    if (out.label === undefined && /play/i.test(b.innerText) && !/pause/i.test(b.innerText)) out.label = now;
    if (out.confirmed === undefined && b.dataset.playing === 'no') out.confirmed = now;
    if ((out.label !== undefined && out.confirmed !== undefined) || now > TIMEOUT_MS) { observer.disconnect(); resolve(out); }
  };
  const observer = new MutationObserver(check);
  observer.observe(document.body, {childList: true, characterData: true, subtree: true, attributes: true});
  button().click();
  check();
})"""


def pause_click(timeout_ms: int) -> str:
    """The script, giving up after ``timeout_ms`` without both timings."""
    return _SCRIPT.replace("TIMEOUT_MS", str(int(timeout_ms)))
