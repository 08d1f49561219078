"""The site's palette meets WCAG AA (issue 14): every text colour against every background it is used on, computed
from the custom properties of static/css/site.css, so a changed colour is checked the day it changes."""

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[2] / "static" / "css"
TEXT = 4.5  # WCAG 1.4.3, normal-size text
NON_TEXT = 3.0  # WCAG 1.4.11: focus ring, field borders

# (foreground, background, minimum): each text colour with each background the stylesheets put it on.
PAIRS = [
    ("--ink", "--surface", TEXT),
    ("--ink", "--bg", TEXT),
    ("--ink", "--info-bg", TEXT),  # messages, the phone menu's current page
    ("--ink", "--warn-bg", TEXT),  # notices
    ("--ink", "--bad-bg", TEXT),  # the error summary
    ("--ink", "--neutral-bg", TEXT),  # plain badges
    ("--muted", "--surface", TEXT),
    ("--muted", "--bg", TEXT),
    ("--muted", "--neutral-bg", TEXT),  # an expired export's badge
    ("--accent", "--surface", TEXT),  # links, secondary and quiet buttons
    ("--accent", "--bg", TEXT),
    ("--accent", "--info-bg", TEXT),
    ("--on-accent", "--accent", TEXT),  # primary buttons
    ("--on-bad", "--bad", TEXT),  # destructive buttons
    ("--bad", "--surface", TEXT),  # danger-zone headings
    ("--bad", "--bad-bg", TEXT),
    ("--ok", "--ok-bg", TEXT),
    ("--warn", "--warn-bg", TEXT),
    ("--focus", "--surface", NON_TEXT),
    ("--focus", "--bg", NON_TEXT),
    ("--field-line", "--surface", NON_TEXT),
]


def palette(css):
    root = re.search(r":root\s*{([^}]*)}", css).group(1)
    return dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})", root))


def luminance(hex_colour):
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a, b):
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_ratio_is_computed_as_wcag_defines_it():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic "just fails AA" grey


@pytest.mark.parametrize(("foreground", "background", "minimum"), PAIRS)
def test_each_text_colour_is_readable_on_its_backgrounds(foreground, background, minimum):
    colours = palette((CSS / "site.css").read_text(encoding="utf-8"))

    ratio = contrast(colours[foreground], colours[background])

    assert ratio >= minimum, f"{foreground} on {background}: {ratio:.2f}:1 < {minimum}:1"


def test_every_text_colour_of_the_stylesheets_is_a_checked_palette_colour():
    """A `color:` written as a raw value, or a palette colour missing from PAIRS, would escape the check above."""
    checked = {fg for fg, _bg, _min in PAIRS}
    for sheet in ("site.css", "export-panel.css"):
        css = (CSS / sheet).read_text(encoding="utf-8")
        for value in re.findall(r"(?<![-\w])color:\s*([^;}]+)", css):
            used = re.fullmatch(r"var\((--[\w-]+)\)", value.strip())
            assert used, f"{sheet}: color: {value} is not a palette colour"
            assert used.group(1) in checked, f"{sheet}: {used.group(1)} has no contrast check"
