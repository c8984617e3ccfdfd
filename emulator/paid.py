"""Paid broadcasts: a message sent with ``allow_paid_broadcast`` is billed to the bot's
Telegram Stars balance instead of counting against the free ~30 messages a second.

Telegram's Bot API (Paid Broadcasts): "Each message broadcasted over the free amount of 30
messages per second incurs a cost of 0.1 Stars per message, paid with Telegram Stars from
the bot's balance", and "Bots with increased limits are only charged for messages that are
broadcasted successfully". The emulator bills every paid message that succeeds (the most
Telegram could charge for it) and counts them; given a ``balance``, it refuses a paid
message once the balance cannot pay for one, with the error Telegram answers when a Stars
balance is too low (``400 Bad Request: BALANCE_TOO_LOW``). Their pace (up to 1,000 a second)
is flood control's paid bucket (``flood.py``).
"""

from __future__ import annotations

from emulator.errors import ApiError, bad_request

# The methods that take allow_paid_broadcast among those the emulator implements.
PAYABLE = frozenset({"sendmessage", "sendphoto", "senddocument", "sendanimation"})
FEE_TENTHS = 1  # 0.1 Star a message, counted in tenths of a Star so no rounding creeps in
BALANCE_TOO_LOW = "BALANCE_TOO_LOW"


class PaidBroadcasts:
    """The bot's Stars balance for paid broadcasts, and the paid messages it paid for.

    ``balance`` is in Stars (None: it never runs out); tests may set it at any time."""

    def __init__(self, balance: float | None = None) -> None:
        self.balance = balance
        self.sent = 0  # paid messages carried out (and billed)

    @property
    def balance(self) -> float | None:
        return None if self._tenths is None else self._tenths / 10

    @balance.setter
    def balance(self, stars: float | None) -> None:
        self._tenths = None if stars is None else round(stars * 10)

    @staticmethod
    def asked(method: str, paid: bool) -> bool:
        """Whether a call of ``method`` asks to be a paid broadcast."""
        return paid and method.lower() in PAYABLE

    def check(self) -> ApiError | None:
        """Telegram's error if the balance cannot pay for one more message, else None."""
        if self._tenths is not None and self._tenths < FEE_TENTHS:
            return bad_request(BALANCE_TOO_LOW)
        return None

    def charge(self) -> None:
        """A paid message went out: bill it."""
        self.sent += 1
        if self._tenths is not None:
            self._tenths -= FEE_TENTHS
