"""Validators for Chinese identifiers: unified social credit codes and stock tickers."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# GB 32100-2015: 18 characters from this 31-character alphabet (no I, O, S, V, Z).
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = [pow(3, i, 31) for i in range(17)]
# GB 11714-1997: the organisation code inside it has its own check character.
ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
ORG_CODE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# The whole code uses that alphabet; characters 3 to 8 are a division code, so digits.
CREDIT_CODE_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def credit_code_check_character(first17):
    """Return the check character that completes the first 17 characters of a credit code."""
    total = sum(
        CREDIT_CODE_ALPHABET.index(char) * weight
        for char, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def org_code_check_character(first8):
    """Return the GB 11714 check character of an eight-character organisation code."""
    total = sum(
        ORG_CODE_ALPHABET.index(char) * weight
        for char, weight in zip(first8, ORG_CODE_WEIGHTS, strict=True)
    )
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def validate_credit_code(value):
    """Validate an 18-character unified social credit code (统一社会信用代码)."""
    if len(value) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(length)d."),
            code="credit_code_length",
            params={"length": len(value)},
        )
    if not CREDIT_CODE_SHAPE.match(value):
        raise ValidationError(
            _(
                "Use digits and capital letters other than I, O, S, V and Z; characters 3 to 8 "
                "are the digits of an administrative division code."
            ),
            code="credit_code_characters",
        )
    if org_code_check_character(value[8:16]) != value[16]:
        raise ValidationError(
            _("The organisation code inside this credit code (characters 9 to 17) is not valid."),
            code="credit_code_org_check",
        )
    expected = credit_code_check_character(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _(
                "The check character is wrong: a valid code with these first 17 characters ends "
                "in %(expected)s."
            ),
            code="credit_code_check",
            params={"expected": expected},
        )


# Ticker formats as issued today by each exchange.
TICKER_PATTERNS = {
    # Beijing: codes moved over from the NEEQ (43, 83, 87, 88) and the 920 series from 2024.
    "bse": (re.compile(r"^(?:43\d{4}|8[378]\d{4}|920\d{3})$"), "430047, 830799, 920002"),
    # Shanghai: main board 60xxxx, STAR market 688/689, B shares 900.
    "sse": (re.compile(r"^(?:60[0-5]\d{3}|68[89]\d{3}|900\d{3})$"), "600519, 688981"),
    # Shenzhen: main board 000-003, ChiNext 300/301, B shares 200.
    "szse": (re.compile(r"^(?:00[0-3]\d{3}|30[01]\d{3}|200\d{3})$"), "000063, 300750"),
    # Hong Kong: four or five digits, written with leading zeros.
    "hkex": (re.compile(r"^\d{4,5}$"), "0763, 2338"),
}


def validate_ticker(exchange, ticker):
    """Check that a ticker has its exchange, in that exchange's format (a source may name the
    exchange without the ticker).

    Returns a dict of field name to error, empty when valid.
    """
    if not exchange and ticker:
        return {"exchange": _("Choose the exchange this ticker is listed on.")}
    if ticker and exchange in TICKER_PATTERNS:
        pattern, examples = TICKER_PATTERNS[exchange]
        if not pattern.match(ticker):
            return {
                "ticker": _(
                    "%(ticker)s is not a valid ticker on this exchange (e.g. %(examples)s)."
                )
                % {"ticker": ticker, "examples": examples}
            }
    return {}


@deconstructible
class NotInFutureYearValidator:
    """Reject a year later than the current one (evaluated when validating, not at import)."""

    message = _("%(value)s is in the future.")
    code = "future_year"

    def __call__(self, value):
        if value is not None and value > datetime.date.today().year:
            raise ValidationError(self.message, code=self.code, params={"value": value})

    def __eq__(self, other):
        return isinstance(other, NotInFutureYearValidator)
