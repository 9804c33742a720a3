"""Checksums that tell a real identifier from a number that merely looks like one."""

from __future__ import annotations

from datetime import date

_ID_WEIGHTS_1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 1)
_ID_WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 1, 2, 3)
_CENTURY = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}


def isikukood_check_digit(first10: str) -> int:
    """The check digit of an Estonian personal code from its first ten digits (two weight rounds)."""
    digits = [int(c) for c in first10]
    total = sum(d * w for d, w in zip(digits, _ID_WEIGHTS_1, strict=True)) % 11
    if total == 10:
        total = sum(d * w for d, w in zip(digits, _ID_WEIGHTS_2, strict=True)) % 11
        if total == 10:
            total = 0
    return total


def isikukood_valid(code: str) -> bool:
    """True for an 11-digit Estonian personal code: century/sex digit 1-6, a real date, the check digit."""
    if len(code) != 11 or not code.isascii() or not code.isdigit():
        return False
    century = _CENTURY.get(int(code[0]))
    if century is None:
        return False
    try:
        date(century + int(code[1:3]), int(code[3:5]), int(code[5:7]))
    except ValueError:
        return False
    return isikukood_check_digit(code[:10]) == int(code[10])


_DOUBLED = str.maketrans("0123456789", "0246813579")  # a digit doubled, minus 9 above 9


def luhn_valid(digits: str) -> bool:
    """True when a digit string passes the Luhn (mod 10) check."""
    if not digits.isascii() or not digits.isdigit():
        return False
    backwards = digits[::-1]
    total = sum(map(int, backwards[0::2])) + sum(map(int, backwards[1::2].translate(_DOUBLED)))
    return total % 10 == 0


def iban_valid(iban: str, lengths: dict[str, int] | None = None) -> bool:
    """True for an IBAN (no spaces) of the right length for its country that passes ISO 7064 mod-97."""
    iban = iban.upper()
    if not 15 <= len(iban) <= 34 or not iban.isascii() or not iban.isalnum():
        return False
    if not (iban[:2].isalpha() and iban[2:4].isdigit()):
        return False
    if lengths and iban[:2] in lengths and len(iban) != lengths[iban[:2]]:
        return False
    moved = iban[4:] + iban[:4]
    number = "".join(str(int(c, 36)) for c in moved)
    return int(number) % 97 == 1
