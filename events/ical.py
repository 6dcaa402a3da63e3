"""An iCalendar (RFC 5545) feed of the programme's events, written by hand.

The rules that calendar apps enforce: CRLF line ends (3.1), lines folded at
75 octets with a leading space (3.1), TEXT values escaping backslash,
semicolon, comma and newline (3.3.11), all-day events as DATE values with an
exclusive DTEND (3.6.1), and a UID and DTSTAMP in every VEVENT (3.6.1).
"""

import datetime

from core.downloads import lines

CRLF = "\r\n"
MAX_OCTETS = 75
PRODID = "-//Rejestr Krajowych Klastrow Kluczowych//KKK registry//PL"


def escape_text(value):
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold_line(line):
    """Split a content line into pieces of at most 75 octets, never inside a UTF-8 character."""
    if line.isascii():
        # One octet a character: most lines, told apart without encoding them.
        if len(line) <= MAX_OCTETS:
            return line
        pieces = [line[:MAX_OCTETS]]
        pieces += [
            line[i : i + MAX_OCTETS - 1] for i in range(MAX_OCTETS, len(line), MAX_OCTETS - 1)
        ]
        return (CRLF + " ").join(pieces)
    octets = line.encode("utf-8")
    if len(octets) <= MAX_OCTETS:
        return line
    pieces, start = [], 0
    while start < len(octets):
        # Continuation lines start with a space, which counts towards their 75 octets.
        end = start + (MAX_OCTETS if not pieces else MAX_OCTETS - 1)
        # Back off to the start of the character the limit falls in (10xxxxxx continue one).
        while end < len(octets) and octets[end] & 0xC0 == 0x80:
            end -= 1
        pieces.append(octets[start:end].decode("utf-8"))
        start = end
    return (CRLF + " ").join(pieces)


def date_value(day):
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def event_text(event, stamp, url, domain):
    """The VEVENT of `event`, its lines folded and ended. `event` gives slug, display_name,
    start_date, last_day, venue, city, country_name, description and kind_label (see
    events.views.feed_events).

    Written as one text, the lines that cannot exceed 75 octets (plain ASCII of a
    fixed length) left unfolded: a feed of 5 000 events spent most of its time on
    folding and joining each line apart.
    """
    location = ", ".join(part for part in [event.venue, event.city, event.country_name] if part)
    text = [
        "BEGIN:VEVENT\r\n",
        # The slug, not the row's id or the host that served the feed: a calendar keeps
        # recognising the event after a restore from the CSV backup or a new address.
        fold_line(f"UID:event-{event.slug}@{domain}"),
        f"\r\nDTSTAMP:{stamp}\r\nDTSTART;VALUE=DATE:{date_value(event.start_date)}\r\n"
        # DTEND of an all-day event is the day after the last one (exclusive).
        f"DTEND;VALUE=DATE:{date_value(event.last_day + datetime.timedelta(days=1))}\r\n",
        fold_line(f"SUMMARY:{escape_text(event.display_name)}"),
        CRLF,
        fold_line(f"URL:{url}"),
        CRLF,
    ]
    if location:
        text += [fold_line(f"LOCATION:{escape_text(location)}"), CRLF]
    if event.description:
        text += [fold_line(f"DESCRIPTION:{escape_text(event.description)}"), CRLF]
    text += [fold_line(f"CATEGORIES:{escape_text(event.kind_label)}"), "\r\nEND:VEVENT\r\n"]
    return "".join(text)


def calendar(events, now, absolute_url, domain, name):
    """The whole feed as chunks of text, written as `events` are read (core/downloads.py
    streams them); `absolute_url(event)` gives each event's page."""
    stamp = now.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    head = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    yield "".join(fold_line(line) + CRLF for line in head)
    yield from lines(events, lambda event: event_text(event, stamp, absolute_url(event), domain))
    yield "END:VCALENDAR" + CRLF
