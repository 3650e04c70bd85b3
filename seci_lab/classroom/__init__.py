"""The classroom: learners hand in their work, an instructor loads, analyses and grades the class.

No widgets here (``seci_lab.ui.handin`` and ``seci_lab.ui.instructor`` wrap this package), so the
analysis and exports run in a plain script or a test. The class store lives in
:mod:`seci_lab.store.classroom`.
"""

from .analysis import ClassData, GradeScheme, LearnerView
from .exports import class_report_html, class_workbook, gradebook_csv
from .submission import (
    PROBLEM_COLUMNS,
    SUBMISSION_SCHEMA,
    SUBMISSION_VERSION,
    ClassLoad,
    Submission,
    SubmissionError,
    build_submission,
    load_files,
    load_folder,
    parse_submission,
    submission_bytes,
    submission_filename,
)

__all__ = [
    "ClassData",
    "GradeScheme",
    "LearnerView",
    "class_report_html",
    "class_workbook",
    "gradebook_csv",
    "ClassLoad",
    "PROBLEM_COLUMNS",
    "SUBMISSION_SCHEMA",
    "SUBMISSION_VERSION",
    "Submission",
    "SubmissionError",
    "build_submission",
    "load_files",
    "load_folder",
    "parse_submission",
    "submission_bytes",
    "submission_filename",
]
