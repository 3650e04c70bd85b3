"""“My work”: the learner's name, downloads of everything they saved, and importing a saved file.

Downloads are built when pressed (:class:`DownloadButton`), so they always hold the latest work.
The files are built by :mod:`seci_lab.exports.learner`. An import is validated completely by
:meth:`Progress.import_json` before anything is written: a bad file gets a message and changes nothing.
"""

from __future__ import annotations

import ipywidgets as widgets

from ..escape import shorten
from ..model.progress_file import MAX_IMPORT_BYTES
from ..exports.learner import answers_csv, report_html, zip_bytes
from ..store.progress import Progress
from .common import Message, safe_callback, uploaded_files
from .download import DownloadButton

__all__ = ["MyWork", "my_work"]


def _upload_content(value) -> tuple[str, bytes]:
    """The (name, bytes) of the one uploaded file in a FileUpload ``value`` (ipywidgets 8)."""
    files = uploaded_files(value)
    if not files:
        raise ValueError("Choose your seci-lab .json file first, then press Import.")
    if len(files) > 1:
        raise ValueError("Choose one file at a time.")
    name, data = files[0]
    if len(data) > MAX_IMPORT_BYTES:
        raise ValueError(f"{shorten(name, 60)} is {len(data) / 1e6:.1f} MB; a seci-lab export is at most "
                         f"{MAX_IMPORT_BYTES / 1e6:.0f} MB.")
    return name, data


class MyWork(widgets.VBox):
    """Name, downloads (ZIP with everything, HTML report, JSON, CSV) and JSON import.

    Attributes for tests: ``name``, ``name_button``, ``download_all``, ``download_report``,
    ``download_json``, ``download_csv``, ``download_handout`` and its ``paper``, ``upload``, ``import_button``, ``message``.
    """

    def __init__(self, progress: Progress, on_import=None):
        self.progress = progress
        self.on_import = on_import
        self.message = Message(layout=widgets.Layout(width="100%"))
        self.name = widgets.Text(value=progress.name, description="Your name",
                                 placeholder="shown on your contributions and report",
                                 style={"description_width": "initial"})
        self.name_button = widgets.Button(layout=widgets.Layout(width="auto"), description="Save name", icon="save", tooltip="Save your name")
        self.download_all = DownloadButton(
            "Download all my work (ZIP)", "seci-lab-my-work.zip", "application/zip", lambda: zip_bytes(progress),
            tooltip="One file: the HTML report, the JSON to import elsewhere and the CSV tables")
        self.download_report = DownloadButton(
            "Report (HTML)", "seci-lab-report.html", "text/html", lambda: report_html(progress).encode("utf-8"),
            tooltip="Your answers, feedback and spiral in one page that opens offline")
        self.download_json = DownloadButton(
            "Saved work (JSON)", "seci-lab-my-work.json", "application/json", progress.export_bytes,
            tooltip="Import this file on another machine to continue there")
        self.paper = widgets.Dropdown(options=["A4", "Letter"], value="A4", description="Paper",
                                      layout=widgets.Layout(width="auto"))
        self.download_handout = DownloadButton(
            "Handout to print (HTML)", "seci-lab-handout.html", "text/html", self._handout,
            tooltip="Each lesson's summary, the SECI matrix and your spiral on pages ready to print")
        self.download_csv = DownloadButton(
            "Answers (CSV)", "seci-lab-answers.csv", "text/csv", lambda: answers_csv(progress),
            tooltip="Your answers and feedback as a table")
        self.upload = widgets.FileUpload(accept=".json,application/json", multiple=False,
                                         description="Choose a JSON file")
        self.import_button = widgets.Button(layout=widgets.Layout(width="auto"), description="Import", icon="upload",
                                            tooltip="Import the chosen seci-lab JSON file into your work")
        self.name_button.on_click(self._on_name)
        self.import_button.on_click(self._on_import)
        # The name can also change elsewhere on the page (the hand-in form): follow it, unless
        # the learner is typing a new one here.
        self._shown_name = self.name.value
        progress.subscribe(self._follow_name)
        super().__init__([
            widgets.HTML("<p>Your work is saved on this computer as you go. Take it with you:</p>"),
            widgets.HBox([self.name, self.name_button]),
            self.download_all,
            widgets.HBox([self.download_report, self.download_json, self.download_csv]),
            widgets.HBox([self.download_handout, self.paper], layout=widgets.Layout(flex_flow="row wrap")),
            widgets.HTML("<p>Continue work saved elsewhere: choose the JSON file you downloaded, then "
                         "press Import. Imported answers replace the ones with the same name here.</p>"),
            widgets.HBox([self.upload, self.import_button]),
            self.message,
        ], layout=widgets.Layout(width="100%"))

    def _handout(self) -> bytes:
        from ..exports.handout import handout_html

        return handout_html(paper=self.paper.value, contributions=self.progress.contributions(),
                            learner=self.progress.name).encode("utf-8")

    def _follow_name(self) -> None:
        saved = self.progress.name
        if saved != self._shown_name and self.name.value == self._shown_name:
            self.name.value = saved
        self._shown_name = saved

    @safe_callback(lambda self: self.message)
    def _on_name(self, _button=None) -> None:
        name = self.progress.set_name(self.name.value)
        self.name.value = self._shown_name = name
        self.message.show("ok", f"Saved your name: {name}.")

    @safe_callback(lambda self: self.message)
    def _on_import(self, _button=None) -> None:
        name, data = _upload_content(self.upload.value)
        try:
            counts = self.progress.import_json(data)
        except ValueError as error:
            raise ValueError(f"{shorten(name, 60)} was not imported, nothing changed: {error}") from None
        self.upload.value = ()
        self.name.value = self.progress.name
        self.message.show("ok", f"Imported {counts['answers']} answers and {counts['contributions']} "
                          "contributions. Reload the page to see them in the exercises.")
        if self.on_import is not None:
            self.on_import()


def my_work(progress: Progress, on_import=None) -> MyWork:
    """Build the “My work” area for ``progress`` (it does not display itself)."""
    return MyWork(progress, on_import=on_import)
