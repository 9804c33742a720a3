"""Checksums: isikukood (both weight rounds), IBAN mod-97, Luhn."""

from __future__ import annotations

import pytest

from servio.redact.checks import iban_valid, isikukood_check_digit, isikukood_valid, luhn_valid


@pytest.mark.parametrize("code", ["37605030299", "49403136526", "60001019906", "50001010006", "39001010000"])
def test_valid_personal_codes(code: str) -> None:
    assert isikukood_valid(code)


@pytest.mark.parametrize("code", [
    "37605030298",  # wrong check digit
    "37613030299",  # month 13
    "37602300299",  # 30 February
    "77605030299",  # century/sex digit 7
    "07605030299",  # century/sex digit 0
    "3760503029",  # ten digits
    "376050302991",  # twelve digits
    "3760503029a",
])
def test_invalid_personal_codes(code: str) -> None:
    assert not isikukood_valid(code)


def test_the_first_weight_round_gives_the_check_digit() -> None:
    # 3 7 6 0 5 0 3 0 2 9 x 1 2 3 4 5 6 7 8 9 1 = 3+14+18+0+25+0+21+0+18+9 = 108; 108 % 11 = 9
    assert isikukood_check_digit("3760503029") == 9


def test_the_second_weight_round_is_used_when_the_first_gives_ten() -> None:
    # 4 8 5 0 5 1 2 0 0 7 x 1 2 3 4 5 6 7 8 9 1 = 4+16+15+0+25+6+14+0+0+7 = 87; 87 % 11 = 10, so
    #                     x 3 4 5 6 7 8 9 1 2 3 = 12+32+25+0+35+8+18+0+0+21 = 151; 151 % 11 = 8
    assert isikukood_check_digit("4850512007") == 8
    assert isikukood_valid("48505120078")
    assert not isikukood_valid("48505120070")  # what a one-round check would accept (10 -> 0)


def test_both_rounds_giving_ten_means_zero() -> None:
    # 3 0 0 0 1 0 1 0 0 6: round one 3+5+7+6 = 21 -> 10; round two 9+7+9+18 = 43 -> 10; check digit 0
    assert isikukood_check_digit("3000101006") == 0
    assert isikukood_valid("30001010060")


@pytest.mark.parametrize("iban", ["EE382200221020145685", "GB82WEST12345698765432", "DE89370400440532013000",
                                  "FI2112345600000785", "ee382200221020145685"])
def test_valid_ibans(iban: str) -> None:
    assert iban_valid(iban)


@pytest.mark.parametrize("iban", ["EE382200221020145686", "EE38220022102014568", "GB82WEST1234569876543",
                                  "XX00123456789012345", "EE38 2200 2210 2014 5685"])
def test_invalid_ibans(iban: str) -> None:
    assert not iban_valid(iban)


@pytest.mark.parametrize("number,ok", [("4111111111111111", True), ("5555555555554444", True),
                                       ("378282246310005", True), ("4111111111111112", False),
                                       ("1234567890123456", False), ("", False), ("41x1", False)])
def test_luhn(number: str, ok: bool) -> None:
    assert luhn_valid(number) is ok
