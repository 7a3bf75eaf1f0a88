"""Meeting invitations as iCalendar files (RFC 5545), built with the ``icalendar`` library.

A plain-data entry point (``Invitation`` → bytes) so the meeting records, the slot page and
e-mail notifications all send the same file without this module touching the database.

The event's DTSTART/DTEND carry the organiser's TZID and the file carries a VTIMEZONE for it
and for every attendee's zone, so a calendar client shows the meeting at the right instant in
any zone and across a DST change; each ATTENDEE names its zone (``X-COFAB-TZID``) and the
description lists everyone's local time, because attendees read the invitation, not the tz data.
The UID is stable per meeting (``meeting_uid``), so a re-sent invitation with a higher SEQUENCE
updates the same calendar entry instead of adding a second one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from cofab.governance.scheduling import zone

PRODID = "-//cofab//governance meetings//EN"
Method = Literal["REQUEST", "CANCEL", "PUBLISH"]


@dataclass(frozen=True)
class Attendee:
    name: str
    email: str
    zone: str = "UTC"
    required: bool = True


@dataclass(frozen=True)
class Invitation:
    """What an invitation says, in plain values: the caller maps its meeting onto this."""

    uid: str
    title: str
    start: datetime  # aware (any zone); written in the organiser's zone
    end: datetime
    organiser_name: str
    organiser_email: str
    organiser_zone: str
    attendees: Sequence[Attendee] = field(default_factory=tuple)
    description: str = ""
    location: str = ""
    url: str = ""
    sequence: int = 0


def meeting_uid(meeting_id: int, host: str = "cofab.local") -> str:
    """The one UID a meeting keeps for every invitation and update sent about it."""
    return f"cofab-meeting-{meeting_id}@{host}"


def _mailto(email: str) -> vCalAddress:
    return vCalAddress(f"mailto:{email}")


def _local_lines(data: Invitation) -> list[str]:
    """``Name (Zone): Mon 2027-03-22 17:00–18:00 KST`` for the organiser and each attendee."""
    people = [(data.organiser_name, data.organiser_zone)]
    people += [(a.name, a.zone) for a in data.attendees]
    lines: list[str] = []
    seen: set[tuple[str, str]] = set()
    for name, zone_name in people:
        if (name, zone_name) in seen:
            continue
        seen.add((name, zone_name))
        tz = zone(zone_name)
        start, end = data.start.astimezone(tz), data.end.astimezone(tz)
        lines.append(
            f"{name} ({zone_name}): {start:%a %Y-%m-%d %H:%M}–{end:%H:%M} {start.tzname()}"
        )
    return lines


def invitation_ics(
    data: Invitation, *, method: Method = "REQUEST", stamp: datetime | None = None
) -> bytes:
    """The .ics file for one meeting: VCALENDAR with METHOD, VTIMEZONEs and one VEVENT."""
    organiser_tz = zone(data.organiser_zone, "organiser_zone")
    zones = [data.organiser_zone] + [a.zone for a in data.attendees]
    unique_zones = list(dict.fromkeys(zones))
    for name in unique_zones:
        zone(name, "attendees")

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)

    # A year either side of the meeting: enough transitions for any client, a small file.
    first = (data.start - timedelta(days=366)).date()
    last = (data.end + timedelta(days=366)).date()
    for name in unique_zones:
        if name == "UTC":
            continue  # UTC needs no VTIMEZONE; times in it are written with ``Z``
        cal.add_component(Timezone.from_tzinfo(zone(name), name, first, last))

    event = Event()
    event.add("uid", data.uid)
    event.add("dtstamp", (stamp or datetime.now(UTC)).astimezone(UTC))
    event.add("dtstart", data.start.astimezone(organiser_tz))
    event.add("dtend", data.end.astimezone(organiser_tz))
    event.add("summary", data.title)
    event.add("sequence", data.sequence)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    description = "\n".join(
        [*([data.description] if data.description else []), *_local_lines(data)]
    )
    event.add("description", description)
    if data.location:
        event.add("location", data.location)
    if data.url:
        event.add("url", data.url)
    organiser = _mailto(data.organiser_email)
    organiser.params["cn"] = vText(data.organiser_name)
    event.add("organizer", organiser)
    for person in data.attendees:
        address = _mailto(person.email)
        address.params["cn"] = vText(person.name)
        address.params["role"] = vText("REQ-PARTICIPANT" if person.required else "OPT-PARTICIPANT")
        address.params["partstat"] = vText("NEEDS-ACTION")
        address.params["rsvp"] = vText("TRUE")
        address.params["cutype"] = vText("INDIVIDUAL")
        address.params["x-cofab-tzid"] = vText(person.zone)
        event.add("attendee", address, encode=False)
    cal.add_component(event)
    return bytes(cal.to_ical())
