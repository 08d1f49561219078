"""The PDF of an export shows what a person typed as text, never as markup (issue 8): names and a ticket written
in HTML, script and mixed scripts come out literally in report.pdf, as WeasyPrint renders them."""

import io
import re
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from accounts.models import TicketMessage
from tests import factories
from tests.figures import figure_add
from tests.strategies import FUZZ, HTML, examples

# Characters the PDF's fonts render (DejaVu): Latin, Greek, Cyrillic; CJK would come out as boxes.
LATIN_GREEK_CYRILLIC = "aZéÅßçЖжΩαβ "


def _flat(text):
    return re.sub(r"\s+", "", text)


@pytest.mark.django_db
@settings(FUZZ, max_examples=examples(4))
@given(
    first=st.sampled_from(HTML),
    last=st.text(alphabet=LATIN_GREEK_CYRILLIC, min_size=1, max_size=20).map(lambda s: s.strip() or "x"),
    ticket=st.sampled_from(HTML),
)
def test_markup_typed_by_a_person_is_printed_as_text_in_the_pdf(build_export, first, last, ticket):
    figure_add("inputs_tried")
    customer = factories.CustomerFactory(first_name=first, last_name=last)
    factories.TicketMessageFactory(
        ticket__customer=customer, ticket__subject=ticket, body=ticket, author_role=TicketMessage.Role.CUSTOMER
    )

    job = build_export(customer=customer, requested_by=customer)

    with zipfile.ZipFile(job.path) as archive:
        reader = PdfReader(io.BytesIO(archive.read("report.pdf")))
    text = _flat("".join(page.extract_text() for page in reader.pages))
    assert _flat(first) in text
    assert _flat(ticket) in text
