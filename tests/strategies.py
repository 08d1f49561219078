"""Generated bad input for the forms (hypothesis): long strings, control characters, mixed scripts, HTML and script,
SQL fragments and Luhn-valid card numbers (R86). One settings profile: derandomized, so every run tries the same
inputs, no deadline (a loaded machine is slow, not wrong), no example database written into the checkout.

How many inputs each test tries is `examples(n)`: n in `make test`, which must stay quick; FUZZ_SCALE=10 make test
tries ten times as many (a night's run, or before a release).
"""

import os
import re

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from accounts.validators import contains_card_number

settings.register_profile(
    "forms",
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZ = settings.get_profile("forms")
SCALE = float(os.environ.get("FUZZ_SCALE", "1"))


def examples(n):
    """The number of generated inputs a test tries: `n`, times FUZZ_SCALE."""
    return max(1, round(n * SCALE))


# Payloads whose raw presence in a page, an admin page or an HTML mail means the output was not escaped.
HTML = (
    "<script>alert('fz')</script>",
    '"><img src=x onerror=alert(1)>',
    "<b onmouseover=alert(2)>bold</b>",
    "</textarea><svg onload=alert(3)>",
    '<a href="javascript:alert(4)">x</a>',
)
TEMPLATE = ("{{ 7*7 }}", "{% debug %}", "${7*7}", "&lt;&amp;&gt;", "&#60;script&#62;")
SQL = (
    "' OR '1'='1",
    "'; DROP TABLE accounts_user; --",
    "1); DELETE FROM privacy_datasubjectrequest; --",
    "\\' UNION SELECT password FROM accounts_user --",
    "%_%",
    "robert'); SELECT pg_sleep(5); --",
)
MIXED = "aZéÅßçЖжΩαβ山田太郎محمدשלוםक्षि\u0301\u200b\u200d\u200f\u202e🙂👩‍👩‍👧 "


def luhn_digit(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 0:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return str((10 - total % 10) % 10)


@st.composite
def card_numbers(draw):
    """A Luhn-valid number of 13 to 19 digits, typed plainly or grouped by spaces or dashes."""
    length = draw(st.integers(13, 19))
    body = draw(st.text(alphabet="0123456789", min_size=length - 1, max_size=length - 1))
    number = body + luhn_digit(body)
    separator = draw(st.sampled_from(["", " ", "-"]))
    if separator:
        number = separator.join(number[i : i + 4] for i in range(0, len(number), 4))
    return number


@st.composite
def with_card(draw, text=None):
    before = draw(text or st.text(alphabet="abc xyz.", max_size=12))
    return f"{before} {draw(card_numbers())} {draw(st.sampled_from(['', 'exp 12/29', 'cvv 123']))}".strip()


control = st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Co"]), min_size=1, max_size=20)
mixed = st.text(alphabet=MIXED, min_size=1, max_size=60)
payload = st.sampled_from(HTML + TEMPLATE + SQL)
long_text = st.builds(lambda ch, n: ch * n, st.characters(exclude_categories=["Cs"]), st.integers(250, 12000))


def nasty(max_size=80):
    """Text a person, a broken program or an attacker might type: every kind above, alone or mixed."""
    piece = st.one_of(
        st.text(max_size=max_size),
        control,
        mixed,
        payload,
        long_text,
        with_card(),
        st.builds(lambda a, p, b: f"{a}{p}{b}", mixed, payload, control),
    )
    return piece


def has_card(value: str) -> bool:
    return contains_card_number(value)


def raw_payloads(value: str):
    """The HTML payloads this value carries: none of them may appear as they are in a page or an HTML part."""
    return [p for p in HTML if p in value]


def unescaped(html, values) -> list:
    """Payloads from `values` that appear raw in `html` (a string, or a callable rendering it only when needed)."""
    carried = [p for v in values if isinstance(v, str) for p in raw_payloads(v)]
    if not carried:
        return []
    html = html() if callable(html) else html
    return [p for p in carried if p in html]


def one_line(value: str) -> str:
    return re.sub(r"[\r\n]", " ", value)
