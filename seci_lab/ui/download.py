"""A button that downloads a file built in Python, in JupyterLab and under Voila alike.

ipywidgets has no download widget, and a ``data:`` link is capped at 2 MB in Chromium while
a standalone spiral is about 5 MB. So the file is built only when the button is pressed and
sent to the browser as a binary buffer, where it becomes a Blob download.
"""

from __future__ import annotations

import logging
from typing import Callable

import anywidget
import traitlets

__all__ = ["DownloadButton"]

log = logging.getLogger(__name__)

_ESM = r"""
function render({ model, el }) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "jupyter-widgets jupyter-button widget-button seci-download";
  const status = document.createElement("span");
  status.className = "seci-download-status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  const sync = () => {
    button.textContent = model.get("description");
    // The visible text is the name (WCAG 2.5.3); the tooltip only describes it.
    button.title = model.get("tooltip") || model.get("description");
    status.textContent = model.get("status");
    // Busy is aria-disabled, not disabled: a disabled button loses the keyboard focus.
    button.disabled = model.get("disabled");
    button.setAttribute("aria-disabled", model.get("busy") ? "true" : "false");
  };
  sync();
  model.on("change", sync);
  button.addEventListener("click", () => {
    if (model.get("busy")) return;
    status.textContent = "Preparing the file…";
    model.send({ event: "request" });
  });
  model.on("msg:custom", (msg, buffers) => {
    if (!msg || msg.event !== "file") return;
    const blob = new Blob(buffers || [], { type: msg.mime });
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = msg.filename;
    link.style.display = "none";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  });
  el.appendChild(button);
  el.appendChild(status);
}
export default { render };
"""

_CSS = """
.seci-download { margin-right: 0.5em; }
button.seci-download.jupyter-button { width: auto; max-width: 100%; }  /* the whole label, not "Download my…" */
.seci-download-status { font-size: 0.9em; }
"""


class DownloadButton(anywidget.AnyWidget):
    """A labelled button; pressing it calls ``build()`` and downloads the bytes it returns.

    Parameters
    ----------
    description : str
        The button's text (also its accessible name).
    filename : str
        The name the browser saves the file under.
    mime : str
        The file's media type, e.g. ``"text/csv"``.
    build : callable returning bytes
        Makes the file. Called on every press, so the file reflects the current work.
    reports_errors : bool
        ``True`` (default): a ``ValueError`` from ``build`` is shown beside the button. ``False``:
        ``build`` shows it itself (say, in its panel's message), so the page does not say it twice.
    """

    _esm = _ESM
    _css = _CSS
    description = traitlets.Unicode("Download").tag(sync=True)
    tooltip = traitlets.Unicode("").tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)
    busy = traitlets.Bool(False).tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
    filename = traitlets.Unicode("download").tag(sync=True)
    mime = traitlets.Unicode("application/octet-stream").tag(sync=True)

    def __init__(self, description: str, filename: str, mime: str, build: Callable[[], bytes], *,
                 reports_errors: bool = True, **kw):
        super().__init__(description=description, filename=filename, mime=mime, **kw)
        self._build = build
        self._reports_errors = reports_errors
        self.on_msg(self._on_message)

    def _on_message(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get("event") == "request":
            self.request()

    def request(self) -> bytes | None:
        """Build the file and send it to the browser. Returns the bytes (``None`` on failure)."""
        if self.busy or self.disabled:  # a forged click on a disabled button does nothing
            return None
        self.busy = True
        self.status = "Preparing the file…"
        try:
            data = self._build()
        except ValueError as error:  # as in safe_callback: a ValueError's message is for the person
            self.status = f"No file: {error}" if self._reports_errors else ""
            return None
        except Exception:  # the page gets a short message; the log gets the traceback
            log.exception("building %s failed", self.filename)
            self.status = "Sorry, the file could not be made. Your work is unchanged; try again."
            return None
        finally:
            self.busy = False
        self.send({"event": "file", "filename": self.filename, "mime": self.mime}, buffers=[data])
        self.status = f"Downloaded {self.filename} ({_size(len(data))})."
        return data


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{max(1, round(n / 1e3))} kB"
