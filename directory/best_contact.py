"""Which of an entry's phones to put first: the call button of a result card, the organization
page's sticky bar, a referral list's line.

The phones given are those the viewer may see already (each carries its own tier); this module
only orders them. A number someone called and got an answer on beats one nobody verified; among
equals a hotline beats an office line, an office line a mobile. Messaging channels are offered
beside the call, never instead of it: a chat app is not where someone in danger is told to go
first. A channel whose number is not entered yet is never "the" contact.
"""

from dataclasses import dataclass

from .models.choices import TIER_ORDER, Channel, Visibility

# Channels one calls, best first.
CALL_CHANNELS = (Channel.HOTLINE, Channel.VOICE, Channel.CELL)
# Channels one writes to, in the order they are offered.
MESSAGE_CHANNELS = (
    Channel.WHATSAPP,
    Channel.TELEGRAM,
    Channel.VIBER,
    Channel.LINE,
    Channel.MESSENGER,
    Channel.SMS,
)


def _digits(number):
    return "".join(ch for ch in number if ch.isdigit())


def message_uri(phone):
    """A link that opens the channel's app on this number, or "" where the app has no such link
    (LINE and Messenger address accounts, not numbers: the number is shown as text)."""
    number = phone.number
    if not number or not number.startswith("+"):
        # Short codes take calls (and SMS in their country), not chat apps.
        return f"sms:{number}" if number and phone.channel == Channel.SMS else ""
    if phone.channel == Channel.WHATSAPP:
        return f"https://wa.me/{_digits(number)}"
    if phone.channel == Channel.TELEGRAM:
        return f"https://t.me/{number}"
    if phone.channel == Channel.VIBER:
        return f"viber://chat?number=%2B{_digits(number)}"
    if phone.channel == Channel.SMS:
        return f"sms:{number}"
    return ""


@dataclass
class Reach:
    """How to reach an entry: the phone to call and the messaging channels beside it."""

    call: object  # a PhoneBase, or None
    messages: list  # [(phone, uri)] uri may be "" (shown as text)

    def __bool__(self):
        return self.call is not None or bool(self.messages)

    @property
    def tier(self):
        """The most private tier among the phones shown (the access log's tier for a card or a
        referral-list entry)."""
        phones = ([self.call] if self.call is not None else []) + [phone for phone, _uri in self.messages]
        order = [t.value for t in TIER_ORDER]
        return max([Visibility.PUBLIC.value] + [str(p.visibility) for p in phones], key=order.index)


def _call_rank(phone):
    return (not phone.verified_on, CALL_CHANNELS.index(phone.channel), phone.sort_order or 0, phone.pk or 0)


def best_reach(phones):
    """The `Reach` of `phones` (already cut to what the viewer may see)."""
    with_numbers = [p for p in phones if p.number]
    calls = sorted((p for p in with_numbers if p.channel in CALL_CHANNELS), key=_call_rank)
    messages = sorted(
        (p for p in with_numbers if p.channel in MESSAGE_CHANNELS),
        key=lambda p: (not p.verified_on, MESSAGE_CHANNELS.index(p.channel), p.sort_order or 0, p.pk or 0),
    )
    seen, chosen = set(), []
    for phone in messages:
        if phone.channel not in seen:  # one link per app
            seen.add(phone.channel)
            chosen.append((phone, message_uri(phone)))
    return Reach(call=calls[0] if calls else None, messages=chosen)
