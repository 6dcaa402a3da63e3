"""An iCalendar (RFC 5545) feed of the programme's events, written by hand.

The rules that calendar apps enforce: CRLF line ends (3.1), lines folded at
75 octets with a leading space (3.1), TEXT values escaping backslash,
semicolon, comma and newline (3.3.11), all-day events as DATE values with an
exclusive DTEND (3.6.1), and a UID and DTSTAMP in every VEVENT (3.6.1).
"""

import datetime

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
    return day.strftime("%Y%m%d")


def event_lines(event, stamp, url, domain):
    """`event` gives slug, display_name, start_date, last_day, venue, city, country_name,
    description and kind_label (see events.views.feed_events)."""
    location = ", ".join(part for part in [event.venue, event.city, event.country_name] if part)
    lines = [
        "BEGIN:VEVENT",
        # The slug, not the row's id or the host that served the feed: a calendar keeps
        # recognising the event after a restore from the CSV backup or a new address.
        f"UID:event-{event.slug}@{domain}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{date_value(event.start_date)}",
        # DTEND of an all-day event is the day after the last one (exclusive).
        f"DTEND;VALUE=DATE:{date_value(event.last_day + datetime.timedelta(days=1))}",
        f"SUMMARY:{escape_text(event.display_name)}",
        f"URL:{url}",
    ]
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    lines.append(f"CATEGORIES:{escape_text(event.kind_label)}")
    lines.append("END:VEVENT")
    return lines


def calendar(events, now, absolute_url, domain, name):
    """The whole feed as text; `absolute_url(event)` gives each event's page."""
    stamp = now.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for event in events:
        lines += event_lines(event, stamp, absolute_url(event), domain)
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + CRLF for line in lines)
