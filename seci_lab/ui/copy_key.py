"""A "Copy key" button: puts a facilitator key on the clipboard without showing it.

The facilitator's dashboard may be on the projector: a new session's key never appears as text
on the page. The key sits in the button's widget state (the facilitator's own kernel and page,
behind the facilitator server's token) and reaches the clipboard only on a click. Where the
browser refuses the clipboard, the button says so instead of showing the key.
"""

from __future__ import annotations

import anywidget
import traitlets

__all__ = ["CopyKey"]

_ESM = r"""
function render({ model, el }) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "seci-copy-key";
  const status = document.createElement("span");
  status.setAttribute("role", "status");
  status.className = "seci-copy-key-status";
  const show = () => {
    button.textContent = model.get("label");
    button.setAttribute("aria-label", model.get("label") + " of the session " + model.get("join_code"));
    el.hidden = !model.get("secret");
    button.disabled = !model.get("secret");  // hidden and not operable while there is no key
    status.textContent = "";
  };
  button.addEventListener("click", () => {
    const done = (text) => { status.textContent = text; };
    if (!navigator.clipboard) { done(" This browser does not allow copying here."); return; }
    navigator.clipboard.writeText(model.get("secret")).then(
      () => done(" Copied: paste it where you keep passwords."),
      () => done(" The browser refused to copy; allow the clipboard and try again."));
  });
  show();
  model.on("change", show);
  el.appendChild(button);
  el.appendChild(status);
}
export default { render };
"""


class CopyKey(anywidget.AnyWidget):
    """A button copying ``secret`` (a facilitator key) to the clipboard; hidden while empty."""

    _esm = _ESM
    _css = ".seci-copy-key{font-weight:600;padding:0.3em 0.8em}"
    secret = traitlets.Unicode("").tag(sync=True)
    join_code = traitlets.Unicode("").tag(sync=True)
    label = traitlets.Unicode("Copy key").tag(sync=True)

    def offer(self, key: str, join_code: str) -> None:
        """Offer ``key``, the facilitator key of the session ``join_code``."""
        with self.hold_sync():
            self.secret, self.join_code = key, join_code
            self.label = f"Copy the key of {join_code}"
