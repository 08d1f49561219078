"""Reading an export's ZIP back, as a person or a program would; the panel as the page shows it."""

import io
import json
import zipfile
from dataclasses import dataclass

from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation
from pypdf import PdfReader


@dataclass
class Archive:
    names: list
    data: dict
    csv: dict
    readme: str
    pdf_text: str
    pdf_pages: int


def open_archive(job):
    with zipfile.ZipFile(job.path) as archive:
        names = archive.namelist()
        data = json.loads(archive.read("data.json").decode("utf-8"))
        csvs = {n: archive.read(n).decode("utf-8-sig") for n in names if n.startswith("csv/")}
        readme = archive.read("README.txt").decode("utf-8")
        reader = PdfReader(io.BytesIO(archive.read("report.pdf")))
        text = "\n".join(page.extract_text() for page in reader.pages)
    return Archive(names, data, csvs, readme, text, len(reader.pages))


def panel(user, language="fr"):
    """The exports panel as "My Personal Data" includes it, with only the request in the context."""
    request = RequestFactory().get("/account/privacy/")
    request.user = user
    with translation.override(language):
        return Template('{% include "exports/_panel.html" %}').render(Context({"request": request}))
