import pytest
from django.core.exceptions import ValidationError

from enterprises.validators import (
    credit_code_check_character,
    validate_credit_code,
    validate_ticker,
)
from tests.factories import valid_credit_code

# Real, published codes (ZTE Corporation) and generated ones.
VALID_CODES = ["9144030027939873X7", valid_credit_code(1), valid_credit_code(12345678)]


@pytest.mark.parametrize("code", VALID_CODES)
def test_valid_credit_codes_pass(code):
    validate_credit_code(code)


@pytest.mark.parametrize(
    ("code", "error_code"),
    [
        ("9144030027939873X", "credit_code_length"),
        ("9144030027939873X70", "credit_code_length"),
        ("", "credit_code_length"),
        ("9144O30027939873X7", "credit_code_characters"),  # letter O in the region digits
        ("91440300279398I3X7", "credit_code_characters"),  # I is not in the alphabet
        ("9144030027939873x7", "credit_code_characters"),  # lower case
        ("914403002793987407", "credit_code_org_check"),  # organisation code check wrong
        ("9144030027939873X8", "credit_code_check"),  # final check character wrong
        ("9144030027939873XA", "credit_code_check"),
    ],
)
def test_invalid_credit_codes_name_the_problem(code, error_code):
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code(code)
    assert excinfo.value.code == error_code


def test_wrong_check_character_message_gives_the_right_one():
    code = "9144030027939873X7"
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code(code[:17] + "0")
    assert "X7"[1] in excinfo.value.messages[0]
    assert credit_code_check_character(code[:17]) == "7"


@pytest.mark.parametrize(
    ("exchange", "ticker"),
    [
        ("bse", "430047"),
        ("bse", "830799"),
        ("bse", "873122"),
        ("bse", "920002"),
        ("sse", "600519"),
        ("sse", "688981"),
        ("sse", "900901"),
        ("szse", "000063"),
        ("szse", "002594"),
        ("szse", "300750"),
        ("szse", "301001"),
        ("hkex", "0763"),
        ("hkex", "02338"),
        ("", ""),
    ],
)
def test_valid_tickers_pass(exchange, ticker):
    assert validate_ticker(exchange, ticker) == {}


@pytest.mark.parametrize(
    ("exchange", "ticker", "field"),
    [
        ("bse", "600519", "ticker"),  # a Shanghai code on the Beijing exchange
        ("bse", "12345", "ticker"),
        ("sse", "000063", "ticker"),
        ("sse", "60051", "ticker"),
        ("szse", "688981", "ticker"),
        ("szse", "ABCDEF", "ticker"),
        ("hkex", "763", "ticker"),
        ("hkex", "0763.HK", "ticker"),
        ("", "600519", "exchange"),
    ],
)
def test_invalid_tickers_are_refused_per_exchange(exchange, ticker, field):
    assert list(validate_ticker(exchange, ticker)) == [field]


@pytest.mark.parametrize("exchange", ["bse", "sse", "szse", "hkex"])
def test_an_exchange_may_be_stated_without_its_ticker(exchange):
    assert validate_ticker(exchange, "") == {}
