"""E-mail text cleaning: what of a body is the sender's new text."""

from __future__ import annotations

from servio.ingest.email_text import clean_body, html_to_text

_OUTLOOK = ("Yes that works, thank you so much!\n\n" + "_" * 32 + "\n"
            "From: Jessica Park <jessica@shop.example>\nSent: Monday, November 9, 2026 10:03 AM\n"
            "To: Rachel Green <rachel@mail.example>\nSubject: Re: Wrong size\n\nHi Rachel,\n")


def test_outlooks_rule_goes_with_the_header_block_under_it():
    assert clean_body(_OUTLOOK) == ("Yes that works, thank you so much!", None)
    # without blank lines around it, and Outlook web's shorter rule
    shorter = _OUTLOOK.replace("\n\n" + "_" * 32, "\n" + "_" * 12)
    assert clean_body(shorter)[0] == "Yes that works, thank you so much!"


def test_an_underscore_line_without_a_quote_under_it_stays():
    text = "Fill in the form:\n\nName ____________________\n\nThanks"
    assert clean_body(text)[0] == text


def test_blank_lines_of_html_are_one():
    markup = ("<div>Hi Megan,</div><div><br></div><p>Your parcel is on its way.</p>"
              "<div><br></div><div>Jessica</div>")
    assert html_to_text(markup).strip() == "Hi Megan,\n\nYour parcel is on its way.\n\nJessica"
