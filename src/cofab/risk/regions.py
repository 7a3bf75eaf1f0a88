"""Country (ISO 3166-1 alpha-2) → region, for concentration by region.

A small table rather than a library: the regions are the UN M49 geoscheme's sub-regions merged
to the level a sourcing manager talks about (East Asia, Southeast Asia, South Asia, Europe,
North America, Latin America, Middle East & Africa, Oceania). Mexico is Latin America and
Turkey Europe, as in M49. A country not in the table is "Other" (and shown with its code), so a
new partner country never breaks a report — add it here when it appears.
"""

from __future__ import annotations

from cofab.core.i18n import N_
from cofab.core.labels import register_labels

OTHER = "other"

_REGIONS: dict[str, str] = {
    "east_asia": "CN HK JP KR MN MO TW",
    "southeast_asia": "BN ID KH LA MM MY PH SG TH TL VN",
    "south_asia": "BD BT IN LK MV NP PK",
    "europe": "AT BE BG CH CY CZ DE DK EE ES FI FR GB GR HR HU IE IS IT LT LU LV MT NL NO PL PT "
    "RO RS SE SI SK TR UA",
    "north_america": "CA US",
    "latin_america": "AR BR CL CO CR EC GT MX PE UY",
    "middle_east_africa": "AE DZ EG IL JO KE MA NG QA SA TN ZA",
    "oceania": "AU NZ",
}
REGION_OF: dict[str, str] = {
    country: region for region, countries in _REGIONS.items() for country in countries.split()
}

register_labels(
    {
        "region_east_asia": N_("East Asia"),
        "region_southeast_asia": N_("Southeast Asia"),
        "region_south_asia": N_("South Asia"),
        "region_europe": N_("Europe"),
        "region_north_america": N_("North America"),
        "region_latin_america": N_("Latin America"),
        "region_middle_east_africa": N_("Middle East & Africa"),
        "region_oceania": N_("Oceania"),
        "region_other": N_("Other region"),
    }
)


def region_of(country: str | None) -> str:
    return REGION_OF.get((country or "").upper(), OTHER)
